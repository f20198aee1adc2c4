"""Who may do what in a council. Every permission question is answered here, nowhere else."""

from __future__ import annotations

from collections.abc import Iterable

from django_scopes import scope, scopes_disabled

from .models import Council, Membership, User
from .roles import OVERSIGHT_ROLES, Role, TeamKind


def roles_of(user: User, council: Council) -> frozenset[str]:
    """The roles `user` holds in `council`, from their memberships read once per request."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(role for council_id, role, _required in _memberships(user) if council_id == council.pk)


def forget_memberships(user: User) -> None:
    """After `user`'s memberships change: the next permission question reads them again."""
    user.__dict__.pop("_qaportal_memberships", None)


def _memberships(user: User) -> list[tuple[int, str, list[str] | None]]:
    """(council, role, the roles that council requires two-factor for) of every membership `user` holds,
    read once per request and cached on the user object: the sign-in checks (two-factor, entering a
    council) and every permission question of the page share the one query."""
    cached = user.__dict__.get("_qaportal_memberships")
    if cached is None:
        # Deliberately across councils: the two-factor rule follows the person, wherever they hold the role.
        with scopes_disabled():
            cached = list(
                Membership.objects.filter(user=user).values_list("council_id", "role", "council__mfa_required_roles")
            )
        user.__dict__["_qaportal_memberships"] = cached
    return cached


def team_ids_over(user: User, council: Council) -> frozenset[int]:
    """The teams `user` is group manager for in `council`, read once per request and cached."""
    if not user.is_authenticated:
        return frozenset()
    cache: dict[int, frozenset[int]] = user.__dict__.setdefault("_qaportal_teams_over", {})
    if council.pk not in cache:
        with scope(council=council):
            cache[council.pk] = frozenset(
                Membership.objects.filter(council=council, user=user, role=Role.GROUP_MANAGER).values_list(
                    "team_id", flat=True
                )
            )
    return cache[council.pk]


def is_practice_development_ap(user: User, council: Council) -> bool:
    """An advanced practitioner in a practice development team (Somerset's PD APs), cached per request."""
    if not user.is_authenticated:
        return False
    cache: dict[int, bool] = user.__dict__.setdefault("_qaportal_pd_ap", {})
    if council.pk not in cache:
        with scope(council=council):
            cache[council.pk] = Membership.objects.filter(
                council=council, user=user, role=Role.ADVANCED_PRACTITIONER, team__kind=TeamKind.PRACTICE_DEVELOPMENT
            ).exists()
    return cache[council.pk]


def has_any_role(user: User, council: Council, roles: Iterable[str]) -> bool:
    return bool(roles_of(user, council) & set(roles))


def can_enter_council(user: User, council: Council) -> bool:
    """Members and platform superusers only; anyone else is told the council does not exist."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(roles_of(user, council))


def can_manage_people(user: User, council: Council) -> bool:
    return user.is_superuser or has_any_role(user, council, [Role.COUNCIL_ADMIN])


def can_read_access_log(user: User, council: Council) -> bool:
    """Those who may read every review of the council (the quality team, the principal social worker,
    the director): the log says which reviews exist and who read them, so no one else sees it."""
    return user.is_superuser or has_any_role(user, council, OVERSIGHT_ROLES)


def must_have_mfa(user: User) -> bool:
    """Platform superusers, and anyone holding a role that one of their councils requires two-factor
    authentication for (by default every role that reads other people's reviews or the public's
    details, and council admins)."""
    if user.is_superuser:
        return True
    return any(role in (required or []) for _council, role, required in _memberships(user))

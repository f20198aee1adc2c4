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
    user.__dict__.pop("_qaportal_member_councils", None)


def _memberships(user: User) -> list[tuple[int, str, list[str] | None]]:
    """(council, role, the roles that council requires two-factor for) of every membership `user` holds,
    read once per request and cached on the user object: the sign-in checks (two-factor, entering a
    council), the council of the page and every permission question of the page share the one query."""
    cached = user.__dict__.get("_qaportal_memberships")
    if cached is None:
        # Deliberately across councils: the two-factor rule follows the person, wherever they hold the role.
        with scopes_disabled():
            held = list(Membership.objects.filter(user=user).select_related("council"))
        cached = [(m.council_id, m.role, m.council.mfa_required_roles) for m in held]
        user.__dict__["_qaportal_memberships"] = cached
        user.__dict__["_qaportal_member_councils"] = {m.council.slug: m.council for m in held}
    return cached


def member_council(user: User, slug: str) -> Council | None:
    """The active council `slug` if `user` holds a role in it, from the memberships already read for
    the request's sign-in checks: a member's council page costs no query of its own to find its council."""
    _memberships(user)
    council = user.__dict__["_qaportal_member_councils"].get(slug)
    return council if council is not None and council.is_active else None


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

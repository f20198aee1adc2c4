"""Who may do what in a council. Every permission question is answered here, nowhere else."""

from __future__ import annotations

from collections.abc import Iterable

from django_scopes import scope, scopes_disabled

from .models import Council, Membership, User
from .roles import OVERSIGHT_ROLES, Role, TeamKind


def roles_of(user: User, council: Council) -> frozenset[str]:
    """The roles `user` holds in `council`, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_qaportal_roles", {})
    if council.pk not in cache:
        with scope(council=council):
            cache[council.pk] = frozenset(
                Membership.objects.filter(council=council, user=user).values_list("role", flat=True)
            )
    return cache[council.pk]


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
    # Deliberately across councils: the rule follows the person, wherever they hold the role.
    with scopes_disabled():
        held = Membership.objects.filter(user=user).values_list("role", "council__mfa_required_roles")
        return any(role in (required or []) for role, required in held)

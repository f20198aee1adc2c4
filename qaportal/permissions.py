"""Who may do what in a council. Every permission question is answered here, nowhere else."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django_scopes import scope

from .models import Council, Membership, User
from .roles import Role


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


def has_any_role(user: User, council: Council, roles: Iterable[str]) -> bool:
    return bool(roles_of(user, council) & set(roles))


def can_enter_council(user: User, council: Council) -> bool:
    """Members and platform superusers only; anyone else is told the council does not exist."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(roles_of(user, council))


def can_manage_people(user: User, council: Council) -> bool:
    return user.is_superuser or has_any_role(user, council, [Role.COUNCIL_ADMIN])


def must_have_mfa(user: User) -> bool:
    """Council admins, the quality team and platform superusers must use two-factor authentication."""
    if user.is_superuser:
        return True
    from django_scopes import scopes_disabled

    # Deliberately across councils: the rule follows the person, wherever they hold the role.
    with scopes_disabled():
        return Membership.objects.filter(user=user, role__in=settings.QAPORTAL_MFA_REQUIRED_ROLES).exists()

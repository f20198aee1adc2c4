"""Who may do what with the programme. Views, templates and tests all ask these functions."""

from qaportal.models import Council, User
from qaportal.permissions import has_any_role
from qaportal.roles import QUALITY_ROLES, Role


def can_edit_programme(user: User, council: Council) -> bool:
    """The quality team and the principal social worker own the programme and the MI samples."""
    return user.is_superuser or has_any_role(user, council, QUALITY_ROLES)


def can_view_programme(user: User, council: Council) -> bool:
    return can_edit_programme(user, council) or has_any_role(user, council, {Role.DIRECTOR})


def can_allocate_from_sample(user: User, council: Council) -> bool:
    return user.is_superuser or has_any_role(user, council, {Role.GROUP_MANAGER})

"""Who may see and change a council's catalogue."""

from qaportal.models import Council, User
from qaportal.permissions import can_enter_council, has_any_role
from qaportal.roles import QUALITY_ROLES


def can_view_catalogue(user: User, council: Council) -> bool:
    """Every member may read the standards they are audited against."""
    return can_enter_council(user, council)


def can_edit_catalogue(user: User, council: Council) -> bool:
    """The quality team and the principal social worker own the catalogue; council admins do not."""
    return user.is_superuser or has_any_role(user, council, QUALITY_ROLES)

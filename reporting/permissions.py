"""Who may read the council's reports."""

from qaportal.models import Council, User
from qaportal.permissions import has_any_role
from qaportal.roles import LEADERSHIP_ROLES, QUALITY_ROLES, Role


def can_read_compliance(user: User, council: Council) -> bool:
    """The council's leaders and quality side see all of it; group managers see it for their teams."""
    return user.is_superuser or has_any_role(user, council, {*LEADERSHIP_ROLES, Role.GROUP_MANAGER})


def can_read_council_figures(user: User, council: Council) -> bool:
    return user.is_superuser or has_any_role(user, council, LEADERSHIP_ROLES)


def can_map_statements(user: User, council: Council) -> bool:
    """The quality team and the principal social worker decide which standards evidence which CQC
    quality statement."""
    return user.is_superuser or has_any_role(user, council, QUALITY_ROLES)

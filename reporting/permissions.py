"""Who may read the council's reports."""

from qaportal.models import Council, User
from qaportal.permissions import has_any_role, is_practice_development_ap, team_ids_over
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


def dashboard_teams(user: User, council: Council) -> frozenset[int] | None:
    """The teams whose figures a person's dashboard shows: None for the whole council (its leaders and
    quality side), a group manager's own teams otherwise."""
    if can_read_council_figures(user, council):
        return None
    return team_ids_over(user, council)


def can_write_report(user: User, council: Council, kind: str) -> bool:
    """The quality team and the principal social worker write narratives and ask for reports; in
    Somerset the Practice Development advanced practitioners write the Practice Quality Board's."""
    if can_map_statements(user, council):
        return True
    return kind == "pqb" and is_practice_development_ap(user, council)

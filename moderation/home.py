"""The moderator's home page: the reviews they are assigned in open rounds."""

from qaportal.home import register_panel
from qaportal.http import CouncilRequest
from qaportal.permissions import has_any_role
from qaportal.roles import Role

from . import selectors

# Who a round's panel is drawn from: moderators, and the managers and practitioners a council adds.
PANEL_ROLES = {
    Role.MODERATOR,
    Role.GROUP_MANAGER,
    Role.SERVICE_MANAGER,
    Role.ADVANCED_PRACTITIONER,
    Role.SENIOR_PRACTITIONER,
    Role.PRINCIPAL_SOCIAL_WORKER,
    Role.QUALITY_TEAM,
}


@register_panel(16)
def moderation_work(request: CouncilRequest):
    if not has_any_role(request.user, request.council, PANEL_ROLES):
        return None  # nobody else sits on a panel: no query for their home page
    assignments = list(selectors.assignments_for(council=request.council, user=request.user)[:50])
    if not assignments and not has_any_role(request.user, request.council, {Role.MODERATOR}):
        return None
    return "moderation/home_panel.html", {"assignments": assignments}

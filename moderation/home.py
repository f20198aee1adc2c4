"""The moderator's home page: the reviews they are assigned in open rounds."""

from qaportal.home import register_panel
from qaportal.http import CouncilRequest
from qaportal.permissions import has_any_role
from qaportal.roles import Role

from . import selectors


@register_panel(16)
def moderation_work(request: CouncilRequest):
    assignments = list(selectors.assignments_for(council=request.council, user=request.user)[:50])
    if not assignments and not has_any_role(request.user, request.council, {Role.MODERATOR}):
        return None
    return "moderation/home_panel.html", {"assignments": assignments}

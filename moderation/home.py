"""The moderator's home page. Moderation rounds are not built yet: the page says so plainly, and
offers what a moderator can do today, rather than showing nothing."""

from qaportal.home import register_panel
from qaportal.http import CouncilRequest
from qaportal.permissions import has_any_role
from qaportal.roles import Role


@register_panel(16)
def moderation_work(request: CouncilRequest):
    if not has_any_role(request.user, request.council, {Role.MODERATOR}):
        return None
    return "moderation/home_panel.html", {}

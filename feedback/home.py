"""The quality team's home page: new feedback and best practice waiting to be shared."""

from qaportal.home import register_panel
from qaportal.http import CouncilRequest

from . import permissions
from .models import PublicFeedback
from .selectors import best_practice_log


@register_panel(30)
def quality_team_feedback(request: CouncilRequest):
    if not permissions.can_manage_feedback(request.user, request.council):
        return None
    return "feedback/home_panel.html", {
        "new_feedback": PublicFeedback.objects.filter(
            council=request.council, status=PublicFeedback.Status.NEW
        ).count(),
        "unshared": best_practice_log(council=request.council).filter(shared_at__isnull=True).count(),
    }

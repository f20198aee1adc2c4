"""Moderation on home pages: a panel member's reviews to moderate and what they submitted; the
quality team's rounds, their progress and the disagreements waiting; a reviewer's or group
manager's verdicts once a round has closed."""

from qaportal.home import register_panel
from qaportal.http import CouncilRequest
from qaportal.permissions import has_any_role, team_ids_over
from qaportal.roles import Role

from . import permissions, selectors
from .models import ModerationRound

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
# Who writes or oversees reviews, and so may have verdicts to read.
REVIEWING_ROLES = PANEL_ROLES - {Role.MODERATOR, Role.QUALITY_TEAM, Role.PRINCIPAL_SOCIAL_WORKER}


@register_panel(16)
def moderation_work(request: CouncilRequest):
    if not has_any_role(request.user, request.council, PANEL_ROLES):
        return None  # nobody else sits on a panel: no query for their home page
    assignments = list(selectors.assignments_for(council=request.council, user=request.user)[:50])
    submitted = list(selectors.submitted_by(council=request.council, user=request.user)[:10])
    if not assignments and not submitted and not has_any_role(request.user, request.council, {Role.MODERATOR}):
        return None
    return "moderation/home_panel.html", {
        "assignments": [a for a in assignments if not a.submitted],
        "submitted": submitted,
    }


@register_panel(17)
def moderation_rounds(request: CouncilRequest):
    if not permissions.can_run_moderation(request.user, request.council):
        return None
    rounds = selectors.rounds_in(council=request.council).filter(status=ModerationRound.Status.OPEN)
    progress = selectors.open_rounds_progress(council=request.council)
    return "moderation/home_rounds.html", {
        "rounds": [(r, progress.get(r.pk, [])) for r in rounds.order_by("closes_on")],
        "awaiting": selectors.disagreements_awaiting(council=request.council).count(),
    }


@register_panel(18)
def moderation_outcomes(request: CouncilRequest):
    if not has_any_role(request.user, request.council, REVIEWING_ROLES):
        return None
    teams = team_ids_over(request.user, request.council)
    outcomes = list(selectors.outcomes_for(council=request.council, user=request.user, team_ids=teams)[:10])
    if not outcomes:
        return None
    return "moderation/home_outcomes.html", {"outcomes": outcomes}

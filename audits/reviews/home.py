"""What the home page shows each person of their reviews."""

from __future__ import annotations

from django.utils import timezone

from qaportal.calendar import add_months, month_start
from qaportal.home import register_panel
from qaportal.http import CouncilRequest
from qaportal.permissions import is_practice_development_ap, roles_of
from qaportal.roles import PRACTICE_ROLES, REVIEWER_ROLES, Role

from . import selectors


@register_panel(10)
def returned_and_open_reviews(request: CouncilRequest):
    reviews = list(selectors.reviews_for_reviewer(council=request.council, user=request.user).open()[:20])
    if not reviews and not roles_of(request.user, request.council) & REVIEWER_ROLES:
        return None
    return "audits/home/my_reviews.html", {
        "returned": [r for r in reviews if r.status == "returned"],
        "open": [r for r in reviews if r.status != "returned"],
        "today": timezone.localdate(),
    }


@register_panel(20)
def authorising(request: CouncilRequest):
    if Role.GROUP_MANAGER not in roles_of(request.user, request.council):
        return None
    return "audits/home/group_manager.html", {
        "to_authorise": selectors.authorisation_queue(council=request.council, user=request.user).count(),
        "escalations": list(selectors.open_escalations_for(council=request.council, user=request.user)),
    }


@register_panel(14)
def audits_of_your_cases(request: CouncilRequest):
    """What the audits found on the person's own cases, and the actions that are theirs."""
    reviews = list(selectors.reviews_of_own_cases(council=request.council, user=request.user)[:10])
    actions = list(selectors.qa_actions_owned_by(council=request.council, user=request.user)[:20])
    if not reviews and not actions and not roles_of(request.user, request.council) & PRACTICE_ROLES:
        return None
    return "audits/home/own_cases.html", {"reviews": reviews, "actions": actions, "today": timezone.localdate()}


@register_panel(16)
def audits_to_read_this_month(request: CouncilRequest):
    """Somerset's Practice Development advanced practitioners read every completed audit each month
    for the Practice Quality Board: last month's and this month's they have not yet read."""
    if not is_practice_development_ap(request.user, request.council):
        return None
    since = add_months(month_start(timezone.localdate()), -1)
    unread = selectors.audits_to_read(council=request.council, user=request.user, since=since)
    return "audits/home/to_read.html", {"unread": list(unread[:30]), "count": unread.count(), "since": since}


@register_panel(11)
def your_part_of_audits(request: CouncilRequest):
    """Audits of the person's practice with a part that is theirs to complete (Coventry's observation
    Part 1, a supervision audit's comments), while the audit is open."""
    reviews = list(selectors.audits_with_your_part(council=request.council, user=request.user)[:20])
    if not reviews:
        return None
    return "audits/home/your_part.html", {"reviews": reviews}

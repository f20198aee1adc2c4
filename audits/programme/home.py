"""What the home page shows of the programme: audits asked of a person, and a group manager's sample."""

from __future__ import annotations

from django.utils import timezone

from qaportal.home import register_panel
from qaportal.http import CouncilRequest
from qaportal.permissions import roles_of
from qaportal.roles import Role

from . import selectors


@register_panel(12)
def audits_asked_of_you(request: CouncilRequest):
    requests = list(selectors.requests_for(council=request.council, user=request.user))
    if not requests:
        return None
    return "audits/home/requests.html", {"requests": requests, "today": timezone.localdate()}


@register_panel(18)
def sample_to_allocate(request: CouncilRequest):
    if Role.GROUP_MANAGER not in roles_of(request.user, request.council):
        return None
    waiting = selectors.expected_for_group_manager(
        council=request.council, user=request.user, period=timezone.localdate()
    ).filter(review__isnull=True)
    return "audits/home/allocation.html", {"to_allocate": waiting.count()}

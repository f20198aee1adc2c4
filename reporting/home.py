"""The month's compliance at a glance on the home page of the council's leaders and quality side."""

from __future__ import annotations

from django.utils import timezone

from qaportal.home import register_panel
from qaportal.http import CouncilRequest

from . import permissions, selectors


@register_panel(40)
def council_compliance(request: CouncilRequest):
    if not permissions.can_read_council_figures(request.user, request.council):
        return None
    today = timezone.localdate()
    rows = selectors.compliance(council=request.council, period=today, by="council", today=today)
    return "reporting/home/compliance.html", {"row": rows[0] if rows else None, "month": today}

"""The month's compliance at a glance on the home page of the council's leaders and quality side."""

from __future__ import annotations

from django.utils import timezone

from qaportal.home import register_panel
from qaportal.http import CouncilRequest
from qaportal.selectors import memberships_of

from . import permissions, selectors


@register_panel(40)
def council_compliance(request: CouncilRequest):
    """Council-wide figures, with the person's own area (the service of their team) first: a strategic
    manager answers for an area before the council."""
    if not permissions.can_read_council_figures(request.user, request.council):
        return None
    today = timezone.localdate()
    council_rows = selectors.compliance(council=request.council, period=today, by="council", today=today)
    own_areas = {m.team.service for m in memberships_of(council=request.council, user=request.user) if m.team}
    areas = sorted(
        selectors.compliance(council=request.council, period=today, by="area", today=today),
        key=lambda row: (row["name"] not in own_areas, row["name"]),
    )
    return "reporting/home/compliance.html", {
        "row": council_rows[0] if council_rows else None,
        "areas": areas,
        "own_areas": own_areas,
        "month": today,
    }

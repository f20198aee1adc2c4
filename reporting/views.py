"""Report pages: compliance with the programme, as a table and as downloads."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.calendar import add_months, parse_month
from qaportal.exports import FORMATS, table_response
from qaportal.http import CouncilRequest

from . import permissions, selectors

GROUPINGS = {
    "team": gettext_lazy("Team"),
    "person": gettext_lazy("Person"),
    "area": gettext_lazy("Area"),
    "group": gettext_lazy("Group manager"),
    "council": gettext_lazy("Council"),
}


def _period(request: CouncilRequest) -> dt.date:
    return parse_month(request.GET.get("month"), default=timezone.localdate())


def compliance(request: CouncilRequest, council_slug: str) -> HttpResponse:
    if not permissions.can_read_compliance(request.user, request.council):
        raise PermissionDenied(_("Your role does not include this page."))
    period, by = _period(request), request.GET.get("by", "team")
    if by not in GROUPINGS:
        by = "team"
    rows = selectors.compliance(council=request.council, period=period, by=by)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(
            headers=[str(GROUPINGS[by]), *(selectors.COMPLIANCE_HEADINGS[f] for f in selectors.COMPLIANCE_FIGURES)],
            rows=[[r["name"], *(r[f] for f in selectors.COMPLIANCE_FIGURES)] for r in rows],
            fmt=fmt,
            filename=f"{council_slug}-compliance-{period:%Y-%m}-{by}",
            title="Compliance",
        )
    return render(
        request,
        "reporting/compliance.html",
        {
            "rows": rows,
            "period": period,
            "by": by,
            "groupings": GROUPINGS,
            "previous": add_months(period, -1),
            "next": add_months(period, 1),
        },
    )

"""Report pages: compliance with the programme, as a table and as downloads; the council's evidence
for each CQC quality statement."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.calendar import add_months, parse_month
from qaportal.exports import FORMATS, table_response
from qaportal.http import CouncilRequest
from standards.models import Standard
from standards.selectors import current_versions

from . import cqc as cqc_module
from . import permissions, selectors, services
from .forms import StatementsForm

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
            "can_read_cqc": permissions.can_read_council_figures(request.user, request.council),
        },
    )


# --- CQC quality statements -------------------------------------------------------------------------


def cqc(request: CouncilRequest, council_slug: str) -> HttpResponse:
    """The council's evidence for each CQC quality statement over the last twelve months, and the
    mapping of its standards that the evidence is drawn from."""
    if not permissions.can_read_council_figures(request.user, request.council):
        raise PermissionDenied(_("Your role does not include this page."))
    can_map = permissions.can_map_statements(request.user, request.council)
    if request.method == "POST":
        if not can_map:
            raise PermissionDenied(_("Only the quality team maps standards to the quality statements."))
        added = services.default_statements_load(council=request.council)
        messages.success(request, _("The suggested mapping has been added (%(n)s links).") % {"n": added})
        return redirect("reporting:cqc", council_slug=council_slug)
    end = timezone.localdate()
    start = add_months(end.replace(day=1), -11)
    links = selectors.statement_links(council=request.council)
    standards = [
        {
            "version": v,
            "standard": s,
            "statements": [cqc_module.BY_KEY[k] for k in links.get((v.template.key, s.number), [])],
        }
        for v in current_versions(council=request.council)
        for s in v.standards.all()
    ]
    return render(
        request,
        "reporting/cqc.html",
        {
            "evidence": selectors.evidence_by_statement(council=request.council, start=start, end=end),
            "start": start,
            "end": end,
            "standards": standards,
            "can_map": can_map,
            "has_default": bool(cqc_module.default_mapping(council_slug)) and not links,
        },
    )


def cqc_standard(request: CouncilRequest, council_slug: str, standard_pk: int) -> HttpResponse:
    """Which quality statements one standard is evidence for."""
    if not permissions.can_map_statements(request.user, request.council):
        raise PermissionDenied(_("Only the quality team maps standards to the quality statements."))
    standard = (
        Standard.objects.filter(council=request.council, pk=standard_pk).select_related("version__template").first()
    )
    if standard is None:
        raise Http404("No such standard in this council.")
    key = standard.version.template.key
    current = selectors.statement_links(council=request.council).get((key, standard.number), [])
    form = StatementsForm(request.POST or None, initial={"statements": current})
    if request.method == "POST" and form.is_valid():
        services.statements_set(
            council=request.council,
            template_key=key,
            standard_number=standard.number,
            statements=form.cleaned_data["statements"],
        )
        messages.success(request, _("Quality statements for %(s)s saved.") % {"s": standard})
        return redirect("reporting:cqc", council_slug=council_slug)
    return render(request, "reporting/cqc_standard.html", {"standard": standard, "form": form})

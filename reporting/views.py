"""Report pages: compliance with the programme, as a table and as downloads; the council's evidence
for each CQC quality statement."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qaportal import documents
from qaportal.access_log.services import record_access, record_report_download
from qaportal.calendar import add_months, parse_month
from qaportal.exports import FORMATS, table_response
from qaportal.http import CouncilRequest
from qaportal.models import AccessRecord, Document
from qaportal.selectors import teams_in_council
from standards.models import Standard
from standards.selectors import current_versions

from . import cqc as cqc_module
from . import figures, permissions, reports, selectors, services
from .forms import DashboardForm, NarrativeForm, StatementsForm
from .selectors import Filters

# The month's compliance page groups by these; the dashboard also by form and month.
GROUPINGS = {key: figures.GROUPINGS[key] for key in ("team", "person", "area", "group", "council")}


def _period(request: CouncilRequest) -> dt.date:
    return parse_month(request.GET.get("month"), default=timezone.localdate())


def compliance(request: CouncilRequest, council_slug: str) -> HttpResponse:
    if not permissions.can_read_compliance(request.user, request.council):
        raise PermissionDenied(_("Your role does not include this page."))
    period, by = _period(request), request.GET.get("by", "team")
    if by not in GROUPINGS:
        by = "team"
    # A group manager sees their own teams' people only.
    teams = permissions.dashboard_teams(request.user, request.council)
    rows = selectors.compliance(council=request.council, period=period, by=by, teams=teams)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(
            headers=[str(GROUPINGS[by]), *(selectors.COMPLIANCE_HEADINGS[f] for f in selectors.COMPLIANCE_FIGURES)],
            rows=[[r["name"], *(r[f] for f in selectors.COMPLIANCE_FIGURES)] for r in rows],
            fmt=fmt,
            filename=f"{council_slug}-compliance-{period:%Y-%m}-{by}",
            title="Compliance",
            council=request.council,
            by=request.user,
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


# --- dashboards ------------------------------------------------------------------------------------


def dashboard(request: CouncilRequest, council_slug: str) -> HttpResponse:
    """Compliance, ratings, feedback, QA actions, escalations, moderation and CQC evidence for a period,
    the whole council's for its leaders and quality side, a group manager's own teams for them. Every
    table can be downloaded as CSV or Excel with the same filters."""
    if not permissions.can_read_compliance(request.user, request.council):
        raise PermissionDenied(_("Your role does not include this page."))
    allowed = permissions.dashboard_teams(request.user, request.council)
    teams = [(t.pk, t.name) for t in teams_in_council(council=request.council) if allowed is None or t.pk in allowed]
    templates = [(v.template.key, v.template.name) for v in current_versions(council=request.council)]
    form = DashboardForm(
        request.GET or None, teams=teams, templates=templates, today=timezone.localdate(), groupings=figures.GROUPINGS
    )
    chosen = form.filters()
    team_ids = frozenset({chosen["team"]}) if chosen["team"] else allowed
    filters = Filters(start=chosen["start"], end=chosen["end"], teams=team_ids, template=chosen["template"])
    data = figures.dashboard(figures.Figures(request.council, filters), by=chosen["by"], whole_council=allowed is None)
    table_key, fmt = request.GET.get("table"), request.GET.get("format")
    if fmt in FORMATS:
        table = data["tables"].get(table_key or "")
        if table is None:
            raise Http404("No such table on this dashboard.")
        return table_response(
            headers=table.headers,
            rows=table.download_rows,
            fmt=fmt,
            filename=f"{council_slug}-{table.key}-{filters.start:%Y-%m}-to-{filters.end:%Y-%m}",
            title=table.key,
            council=request.council,
            by=request.user,
        )
    query = urlencode(
        {
            "start": f"{filters.start:%Y-%m}",
            "end": f"{filters.end:%Y-%m}",
            "team": chosen["team"] or "",
            "template": chosen["template"] or "",
            "by": chosen["by"],
        }
    )
    return render(
        request,
        "reporting/dashboard.html",
        {
            **data,
            "form": form,
            "filters": filters,
            "downloads": f"?{query}",
            "whole_council": allowed is None,
            "can_read_reports": permissions.can_read_council_figures(request.user, request.council),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- reports ---------------------------------------------------------------------------------------


def _require_reports(request: CouncilRequest) -> None:
    if not permissions.can_read_council_figures(request.user, request.council):
        raise PermissionDenied(_("Your role does not include the council's reports."))


def _kind(request: CouncilRequest, kind: str) -> reports.ReportKind:
    found = reports.REPORT_KINDS.get(kind)
    if found is None or not found.available_to(request.council):
        raise Http404("No such report for this council.")
    return found


def reports_index(request: CouncilRequest, council_slug: str) -> HttpResponse:
    """The reports the council makes, and every run asked for, with who asked and when."""
    if not permissions.can_read_council_figures(request.user, request.council):
        if permissions.can_read_compliance(request.user, request.council):
            return redirect("reporting:dashboard", council_slug=council_slug)
        raise PermissionDenied(_("Your role does not include the council's reports."))
    runs = Document.objects.filter(council=request.council, kind=reports.DOCUMENT_KIND).select_related("requested_by")
    page = Paginator(runs.order_by("-requested_at"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/reports.html",
        {
            "kinds": [
                {
                    "kind": k,
                    "usual": reports.periods_for(k, timezone.localdate())[0],
                    "can_write": permissions.can_write_report(request.user, request.council, k.key),
                }
                for k in reports.kinds_for(request.council)
            ],
            "page": page,
            "runs": page.object_list,
            "names": {k.key: k.name for k in reports.REPORT_KINDS.values()},
        },
    )


def report_edit(request: CouncilRequest, council_slug: str, report: str) -> HttpResponse:
    """Write the narrative for each section of a report (kept as a draft), then ask for the report."""
    kind, report = report, _kind(request, report)
    if not permissions.can_write_report(request.user, request.council, kind):
        raise PermissionDenied(_("Only the quality team writes the council's reports."))
    today = timezone.localdate()
    periods = [(f"{start:%Y-%m}", label) for start, label in reports.periods_for(report, today)]
    sections = [reports.SECTIONS[key] for key in report.sections]
    start = _chosen_start(request.POST.get("start") or request.GET.get("start"), periods)
    narrative = services.narrative_for(council=request.council, kind=kind, start=start)
    initial = {
        "start": f"{start:%Y-%m}",
        "version": narrative.version,
        **{f"narrative_{k}": v for k, v in narrative.sections.items()},
    }
    if request.method == "POST" and "change_period" not in request.POST:
        form = NarrativeForm(request.POST, sections=sections, periods=periods, initial=initial)
        if form.is_valid():
            try:
                services.narrative_save(
                    council=request.council,
                    kind=kind,
                    start=start,
                    sections=form.sections(),
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
            except services.NarrativeConflict as conflict:
                saved_by = conflict.args[0].updated_by
                form.add_error(
                    None,
                    _(
                        "%(who)s saved this narrative after you opened it. Your words are below, not saved: "
                        "copy what you need, then reload the page to see theirs."
                    )
                    % {"who": saved_by.get_full_name() if saved_by else _("Someone")},
                )
            else:
                if "generate" in request.POST:
                    document = services.report_request(council=request.council, kind=kind, start=start, by=request.user)
                    return redirect("reporting:run", council_slug=council_slug, document_pk=document.pk)
                messages.success(request, _("Narrative saved as a draft."))
                return redirect(f"{request.path}?start={start:%Y-%m}")
    else:
        form = NarrativeForm(None, sections=sections, periods=periods, initial=initial)
    return render(
        request,
        "reporting/report_edit.html",
        {"report": report, "form": form, "start": start, "narrative": narrative},
        status=400 if form.errors else 200,
    )


def _chosen_start(value: str | None, periods: list[tuple[str, str]]) -> dt.date:
    keys = [key for key, _label in periods]
    return dt.date.fromisoformat(f"{value if value in keys else keys[0]}-01")


def report_page(request: CouncilRequest, council_slug: str, report: str, start: str) -> HttpResponse:
    """The report as a page: the same sections, figures and words as its PDF."""
    _require_reports(request)
    kind, found = report, _kind(request, report)
    try:
        first = dt.date.fromisoformat(f"{start}-01")
    except ValueError as exc:
        raise Http404("No such period.") from exc
    narrative = services.narrative_for(council=request.council, kind=kind, start=first)
    context = reports.report_context(council=request.council, kind=found, start=first, narratives=narrative.sections)
    record_access(
        council=request.council,
        by=request.user,
        action=AccessRecord.Action.VIEWED,
        kind=AccessRecord.Kind.REPORT,
        object_id=f"{kind}/{first:%Y-%m}",
        label=reports.report_title(found, first),
    )
    return render(
        request,
        "reporting/report.html",
        {
            **context,
            "pdf": False,
            "show_missing_narrative": True,
            "can_write": permissions.can_write_report(request.user, request.council, kind),
        },
    )


def _run(request: CouncilRequest, document_pk: int) -> Document:
    document = (
        Document.objects.filter(council=request.council, kind=reports.DOCUMENT_KIND, pk=document_pk)
        .select_related("requested_by")
        .first()
    )
    if document is None:
        raise Http404("No such report run in this council.")
    return document


def run_status(request: CouncilRequest, council_slug: str, document_pk: int) -> HttpResponse:
    """A run's progress: a page that refreshes itself (and, with JavaScript, updates in place), and
    the same as JSON for the script. A failed run can be tried again."""
    _require_reports(request)
    document = _run(request, document_pk)
    if request.method == "POST":
        if not permissions.can_write_report(request.user, request.council, document.params.get("kind", "")):
            raise PermissionDenied(_("Only the quality team asks for the council's reports."))
        document = documents.document_retry(document=document)
        return redirect("reporting:run", council_slug=council_slug, document_pk=document.pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": document.status,
                "status_label": str(document.get_status_display()),
                "progress": document.progress,
                "error": document.error,
            }
        )
    return render(
        request,
        "reporting/run.html",
        {
            "document": document,
            "report": reports.REPORT_KINDS.get(document.params.get("kind", "")),
            "can_write": permissions.can_write_report(request.user, request.council, document.params.get("kind", "")),
        },
    )


def run_download(request: CouncilRequest, council_slug: str, document_pk: int) -> HttpResponseBase:
    _require_reports(request)
    document = _run(request, document_pk)
    if document.status != Document.Status.DONE:
        return redirect("reporting:run", council_slug=council_slug, document_pk=document.pk)
    record_report_download(council=request.council, by=request.user, document=document)
    return documents.pdf_download(document)

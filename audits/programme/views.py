"""Programme pages: group managers' allocation, direct requests, sample uploads and the programme itself."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qaportal.calendar import add_months, parse_month
from qaportal.http import CouncilRequest

from ..models import AuditProgramme, ExpectedReview, ProgrammeRule, ProgrammeRun
from ..reviews.rules import new_review_warnings
from . import permissions, selectors, services
from .forms import AllocationForm, RequestStartForm, RuleForm, SampleUploadForm, TimetableForm


def _period(request: CouncilRequest) -> dt.date:
    return parse_month(request.GET.get("month"), default=timezone.localdate())


def _rule(request: CouncilRequest, pk: int) -> ProgrammeRule:
    rule = ProgrammeRule.objects.filter(council=request.council, pk=pk).select_related("programme").first()
    if rule is None:
        raise Http404
    return rule


def _programme(request: CouncilRequest, pk: int) -> AuditProgramme:
    found = AuditProgramme.objects.filter(council=request.council, pk=pk).first()
    if found is None:
        raise Http404
    return found


def _require(request: CouncilRequest, allowed) -> None:
    if not allowed(request.user, request.council):
        raise PermissionDenied(_("Your role does not include this page."))


# --- allocation by group managers ----------------------------------------------------------------


def allocation(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require(request, permissions.can_allocate_from_sample)
    council, period = request.council, _period(request)
    sample = selectors.sample_for(council=council, user=request.user, period=period)
    sample_cases = list(sample.cases.all()) if sample else []
    expected = list(selectors.expected_for_group_manager(council=council, user=request.user, period=period))
    used = {e.review.case_id for e in expected if e.review is not None}
    available = [sc.case for sc in sample_cases if not sc.reviewed_recently and sc.case_id not in used]
    history = selectors.case_histories(council=council, case_ids=[sc.case_id for sc in sample_cases])
    waiting = [e for e in expected if e.review is None]
    choices = selectors.allocation_choices(council=council, expected=waiting, cases=available)

    def form_for(row: ExpectedReview, data=None) -> AllocationForm:
        choice = choices[row.pk]
        return AllocationForm(
            data, cases=choice.offered, seniors=choice.delegates, reviewer=row.person, prefix=f"e{row.pk}"
        )

    errors: dict[int, AllocationForm] = {}
    if request.method == "POST":
        target = next((e for e in waiting if str(e.pk) == request.POST.get("expected")), None)
        if target is None:
            messages.error(request, _("That review has already been allocated, or is not yours to allocate."))
            return redirect(f"{request.path}?month={period:%Y-%m}")
        form = form_for(target, request.POST)
        if form.is_valid():
            try:
                services.expected_allocate(
                    expected=target,
                    case=form.cleaned_data["case"],
                    by=request.user,
                    delegate=form.cleaned_data["delegate"],
                )
            except ValidationError as exc:
                form.add_error("case", exc)
            else:
                messages.success(
                    request,
                    _("PIN %(pin)s allocated to %(who)s.")
                    % {"pin": form.cleaned_data["case"].pin, "who": target.person},
                )
                return redirect(f"{request.path}?month={period:%Y-%m}")
        errors[target.pk] = form
    rows = [(e, errors.get(e.pk) or (form_for(e) if e.review is None else None), choices.get(e.pk)) for e in expected]
    return render(
        request,
        "audits/programme/allocation.html",
        {
            "period": period,
            "sample": sample,
            "sample_cases": sample_cases,
            "history": history,
            "rows": rows,
            "used": used,
            "has_errors": bool(errors),
            "previous": _shift(period, -1),
            "next": _shift(period, 1),
        },
    )


def _shift(period: dt.date, months: int) -> dt.date:

    return add_months(period, months)


# --- direct requests ------------------------------------------------------------------------------


def request_start(request: CouncilRequest, council_slug: str, expected_pk: int) -> HttpResponse:
    expected = (
        ExpectedReview.objects.filter(council=request.council, pk=expected_pk, person=request.user)
        .select_related("template", "rule", "subject")
        .first()
    )
    if expected is None:
        raise Http404
    form = RequestStartForm(
        request.POST if request.method == "POST" else None,
        council=request.council,
        own_cases=selectors.own_cases_to_choose(expected=expected),
        drawn=expected.rule.mode == ProgrammeRule.Mode.DRAWN,
        question=_("Which of %(person)s's cases will you audit with them?") % {"person": expected.subject}
        if expected.subject_id
        else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.expected_allocate(expected=expected, case=form.cleaned_data["chosen"], by=request.user)
        except ValidationError as exc:
            form.add_error("case" if "case" in form.fields and form.cleaned_data.get("case") != "other" else "pin", exc)
        else:
            for warning in new_review_warnings(
                case=review.case, version=review.template_version, reviewer=request.user, kind=review.kind
            ):
                messages.warning(request, warning)
            return redirect("audits:review", council_slug=council_slug, review_pk=review.pk)
    return render(request, "audits/programme/request_start.html", {"expected": expected, "form": form})


# --- MI sample upload -----------------------------------------------------------------------------


def sample_upload(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require(request, permissions.can_edit_programme)
    form = SampleUploadForm(
        request.POST or None, request.FILES or None, initial={"month": f"{timezone.localdate():%Y-%m}"}
    )
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.sample_upload_csv(
            council=request.council,
            period=form.cleaned_data["month"],
            data=form.cleaned_data["file"].read(),
            by=request.user,
        )
        if not result.errors:
            messages.success(
                request, _("%(s)d samples with %(c)d cases uploaded.") % {"s": result.samples, "c": result.cases}
            )
            return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/sample_upload.html", {"form": form, "result": result})


# --- the programme --------------------------------------------------------------------------------


def programme_page(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require(request, permissions.can_view_programme)
    programmes = list(
        AuditProgramme.objects.filter(council=request.council).prefetch_related(
            "rules__template", "timetable__template"
        )
    )
    runs = ProgrammeRun.objects.filter(council=request.council)[:12]
    return render(
        request,
        "audits/programme/programme.html",
        {
            "programmes": programmes,
            "runs": runs,
            "can_edit": permissions.can_edit_programme(request.user, request.council),
        },
    )


def rule_edit(request: CouncilRequest, council_slug: str, rule_pk: int) -> HttpResponse:
    _require(request, permissions.can_edit_programme)
    rule = _rule(request, rule_pk)
    initial = {
        f: getattr(rule, f)
        for f in ["name", "template", "role", "team_kind", "except_team_kind", "months", "count", "kind", "mode"]
    }
    form = RuleForm(request.POST or None, initial=initial, council=request.council)
    if request.method == "POST" and form.is_valid():
        services.rule_update(rule=rule, **form.cleaned_data)
        messages.success(request, _("Rule saved. It applies from the next monthly run."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/rule_form.html", {"rule": rule, "form": form})


def rule_add(request: CouncilRequest, council_slug: str, programme_pk: int) -> HttpResponse:
    _require(request, permissions.can_edit_programme)
    target = _programme(request, programme_pk)
    form = RuleForm(
        request.POST or None, initial={"count": 1, "kind": "mandatory", "mode": "sample"}, council=request.council
    )
    if request.method == "POST" and form.is_valid():
        services.rule_create(programme=target, **form.cleaned_data)
        messages.success(request, _("Rule added. It applies from the next monthly run."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/rule_form.html", {"programme": target, "form": form})


def rule_delete(request: CouncilRequest, council_slug: str, rule_pk: int) -> HttpResponse:
    _require(request, permissions.can_edit_programme)
    rule = _rule(request, rule_pk)
    if request.method == "POST":
        try:
            services.rule_delete(rule=rule)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Rule removed."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/rule_delete.html", {"rule": rule})


def timetable_edit(request: CouncilRequest, council_slug: str, programme_pk: int) -> HttpResponse:
    _require(request, permissions.can_edit_programme)
    target = _programme(request, programme_pk)
    initial = {f"month_{t.month}": str(t.template_id) for t in target.timetable.all()}
    form = TimetableForm(request.POST or None, initial=initial, council=request.council)
    if request.method == "POST" and form.is_valid():
        services.timetable_update(programme=target, months=form.months())
        messages.success(request, _("Timetable saved. It applies from the next monthly run."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/timetable_form.html", {"programme": target, "form": form})

"""Programme pages: group managers' allocation, direct requests, sample uploads, compliance and the
programme itself."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.calendar import add_months, parse_month
from qaportal.exports import FORMATS, table_response
from qaportal.models import Membership, User
from qaportal.permissions import has_any_role
from qaportal.roles import Role, TeamKind
from standards.models import ReviewKind

from . import programme
from .forms import CasePinField
from .models import AuditProgramme, Case, ExpectedReview, ProgrammeRule, ProgrammeRun
from .permissions import OVERSIGHT_ROLES

PROGRAMME_EDITORS = [Role.QUALITY_TEAM, Role.PRINCIPAL_SOCIAL_WORKER]


def _period(request: HttpRequest) -> dt.date:
    return parse_month(request.GET.get("month"), default=timezone.localdate())


def _rule(request: HttpRequest, pk: int) -> ProgrammeRule:
    rule = ProgrammeRule.objects.filter(council=request.council, pk=pk).select_related("programme").first()
    if rule is None:
        raise Http404
    return rule


def _programme(request: HttpRequest, pk: int) -> AuditProgramme:
    found = AuditProgramme.objects.filter(council=request.council, pk=pk).first()
    if found is None:
        raise Http404
    return found


def _require(request: HttpRequest, roles) -> None:
    if not (request.user.is_superuser or has_any_role(request.user, request.council, roles)):
        raise PermissionDenied(_("Your role does not include this page."))


# --- allocation by group managers ----------------------------------------------------------------


class AllocationForm(forms.Form):
    """Choices are worked out once per page and shared by every row's form (no query per row)."""

    case = forms.ChoiceField(label=gettext_lazy("Case"))
    delegate = forms.ChoiceField(label=gettext_lazy("Delegate to a senior practitioner (PSR only)"), required=False)

    def __init__(self, *args, cases: dict[str, Case], seniors: dict[str, User], **kwargs):
        super().__init__(*args, **kwargs)
        self.cases, self.seniors = cases, seniors
        self.fields["case"].choices = [("", _("Choose a case"))] + [
            (pk, f"PIN {c.pin} ({c.team})") for pk, c in cases.items()
        ]
        self.fields["delegate"].choices = [("", _("No delegation"))] + [(pk, str(u)) for pk, u in seniors.items()]

    def clean_case(self) -> Case:
        return self.cases[self.cleaned_data["case"]]

    def clean_delegate(self) -> User | None:
        return self.seniors.get(self.cleaned_data.get("delegate") or "")


def allocation(request: HttpRequest, council_slug: str) -> HttpResponse:
    _require(request, [Role.GROUP_MANAGER])
    council, period = request.council, _period(request)
    sample = programme.sample_for(council=council, user=request.user, period=period)
    sample_cases = list(sample.cases.all()) if sample else []
    expected = list(programme.expected_for_group_manager(council=council, user=request.user, period=period))
    used = {e.review.case_id for e in expected if e.review_id}
    offered = [sc.case_id for sc in sample_cases if not sc.reviewed_recently and sc.case_id not in used]
    history = programme.case_histories(council=council, case_ids=[sc.case_id for sc in sample_cases])
    cases = {str(sc.case_id): sc.case for sc in sample_cases if sc.case_id in offered}
    senior_ids = Membership.objects.filter(council=council, role=Role.SENIOR_PRACTITIONER).values("user_id")
    seniors = {str(u.pk): u for u in User.objects.filter(pk__in=senior_ids)}
    errors: dict[int, forms.Form] = {}
    if request.method == "POST":
        target = next((e for e in expected if str(e.pk) == request.POST.get("expected")), None)
        if target is None:
            raise PermissionDenied
        form = AllocationForm(request.POST, cases=cases, seniors=seniors, prefix=f"e{target.pk}")
        if form.is_valid():
            try:
                programme.expected_allocate(
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
    rows = [(e, errors.get(e.pk) or AllocationForm(cases=cases, seniors=seniors, prefix=f"e{e.pk}")) for e in expected]
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
            "previous": _shift(period, -1),
            "next": _shift(period, 1),
        },
    )


def _shift(period: dt.date, months: int) -> dt.date:

    return add_months(period, months)


# --- direct requests ------------------------------------------------------------------------------


def request_start(request: HttpRequest, council_slug: str, expected_pk: int) -> HttpResponse:
    expected = (
        ExpectedReview.objects.filter(council=request.council, pk=expected_pk, person=request.user)
        .select_related("template")
        .first()
    )
    if expected is None:
        raise Http404
    form = forms.Form(request.POST or None)
    form.fields["case"] = CasePinField(
        label=_("PIN of the case you will audit"),
        council=request.council,
        max_length=32,
        help_text=_("For a self-audit, one of your own cases; for a peer audit, a case from another team."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = programme.expected_allocate(expected=expected, case=form.cleaned_data["case"], by=request.user)
        except ValidationError as exc:
            form.add_error("case", exc)
        else:
            return redirect("audits:review", council_slug=council_slug, review_pk=review.pk)
    return render(request, "audits/programme/request_start.html", {"expected": expected, "form": form})


# --- MI sample upload -----------------------------------------------------------------------------


class SampleUploadForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"),
        help_text=gettext_lazy("For example, 2026-12"),
        max_length=7,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file of PINs"),
        help_text=gettext_lazy("Columns: group_manager_email, pin. One PIN a line."),
    )

    def clean_month(self):
        today = timezone.localdate()
        month = parse_month(self.cleaned_data["month"], default=dt.date(1, 1, 1))
        if month.year == 1 or abs(month.year - today.year) > 1:
            raise forms.ValidationError(
                _("Enter a month within a year of today as year and month, for example %(m)s") % {"m": f"{today:%Y-%m}"}
            )
        return month

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file must be smaller than 1 MB."))
        return upload


def sample_upload(request: HttpRequest, council_slug: str) -> HttpResponse:
    _require(request, PROGRAMME_EDITORS)
    form = SampleUploadForm(
        request.POST or None, request.FILES or None, initial={"month": f"{timezone.localdate():%Y-%m}"}
    )
    result = None
    if request.method == "POST" and form.is_valid():
        result = programme.sample_upload_csv(
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


# --- compliance -----------------------------------------------------------------------------------

GROUPINGS = {
    "team": gettext_lazy("Team"),
    "person": gettext_lazy("Person"),
    "group": gettext_lazy("Group manager"),
    "council": gettext_lazy("Council"),
}


def compliance(request: HttpRequest, council_slug: str) -> HttpResponse:
    _require(request, [*OVERSIGHT_ROLES, Role.GROUP_MANAGER, Role.STRATEGIC_MANAGER])
    period, by = _period(request), request.GET.get("by", "team")
    if by not in GROUPINGS:
        by = "team"
    rows = programme.compliance(council=request.council, period=period, by=by)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(
            headers=[str(GROUPINGS[by]), "Expected", "Allocated", "Completed", "Authorised", "Overdue"],
            rows=[
                [r["name"], r["expected"], r["allocated"], r["completed"], r["authorised"], r["overdue"]] for r in rows
            ],
            fmt=fmt,
            filename=f"{council_slug}-compliance-{period:%Y-%m}-{by}",
            title="Compliance",
        )
    return render(
        request,
        "audits/programme/compliance.html",
        {
            "rows": rows,
            "period": period,
            "by": by,
            "groupings": GROUPINGS,
            "previous": _shift(period, -1),
            "next": _shift(period, 1),
        },
    )


# --- the programme --------------------------------------------------------------------------------


class RuleForm(forms.Form):
    """A plain form (not a ModelForm): its template choices are read inside the council's scope."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=160)
    template = forms.ModelChoiceField(label=gettext_lazy("Review template"), queryset=None, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    team_kind = forms.ChoiceField(label=gettext_lazy("Team kind"), required=False)
    months = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Months"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=[(m, dt.date(2000, m, 1).strftime("%B")) for m in range(1, 13)],
    )
    count = forms.IntegerField(
        label=gettext_lazy("Reviews each person is expected to complete"), min_value=1, max_value=20
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of review"), choices=ReviewKind.choices, widget=forms.RadioSelect)
    mode = forms.ChoiceField(
        label=gettext_lazy("How cases are chosen"), choices=ProgrammeRule.Mode.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        from standards.models import ReviewTemplate

        self.fields["template"].queryset = ReviewTemplate.objects.filter(council=council)
        self.fields["template"].empty_label = _("Use the programme's timetable")
        self.fields["team_kind"].choices = [("", _("Any team"))] + list(TeamKind.choices)


def programme_page(request: HttpRequest, council_slug: str) -> HttpResponse:
    _require(request, [*PROGRAMME_EDITORS, Role.DIRECTOR])
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
            "can_edit": request.user.is_superuser or has_any_role(request.user, request.council, PROGRAMME_EDITORS),
        },
    )


def rule_edit(request: HttpRequest, council_slug: str, rule_pk: int) -> HttpResponse:
    _require(request, PROGRAMME_EDITORS)
    rule = _rule(request, rule_pk)
    initial = {
        f: getattr(rule, f) for f in ["name", "template", "role", "team_kind", "months", "count", "kind", "mode"]
    }
    form = RuleForm(request.POST or None, initial=initial, council=request.council)
    if request.method == "POST" and form.is_valid():
        programme.rule_update(rule=rule, **form.cleaned_data)
        messages.success(request, _("Rule saved. It applies from the next monthly run."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/rule_form.html", {"rule": rule, "form": form})


def rule_add(request: HttpRequest, council_slug: str, programme_pk: int) -> HttpResponse:
    _require(request, PROGRAMME_EDITORS)
    target = _programme(request, programme_pk)
    form = RuleForm(
        request.POST or None, initial={"count": 1, "kind": "mandatory", "mode": "sample"}, council=request.council
    )
    if request.method == "POST" and form.is_valid():
        programme.rule_create(programme=target, **form.cleaned_data)
        messages.success(request, _("Rule added. It applies from the next monthly run."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/rule_form.html", {"programme": target, "form": form})


def rule_delete(request: HttpRequest, council_slug: str, rule_pk: int) -> HttpResponse:
    _require(request, PROGRAMME_EDITORS)
    rule = _rule(request, rule_pk)
    if request.method == "POST":
        try:
            programme.rule_delete(rule=rule)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Rule removed."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/rule_delete.html", {"rule": rule})


class TimetableForm(forms.Form):
    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        from standards.models import ReviewTemplate

        choices = [("", _("No audit this month"))] + [
            (str(t.pk), t.name) for t in ReviewTemplate.objects.filter(council=council)
        ]
        for month in range(1, 13):
            self.fields[f"month_{month}"] = forms.ChoiceField(
                label=dt.date(2000, month, 1).strftime("%B"), choices=choices, required=False
            )

    def months(self) -> dict[int, int | None]:
        return {
            m: int(self.cleaned_data[f"month_{m}"]) if self.cleaned_data[f"month_{m}"] else None for m in range(1, 13)
        }


def timetable_edit(request: HttpRequest, council_slug: str, programme_pk: int) -> HttpResponse:
    _require(request, PROGRAMME_EDITORS)
    target = _programme(request, programme_pk)
    initial = {f"month_{t.month}": str(t.template_id) for t in target.timetable.all()}
    form = TimetableForm(request.POST or None, initial=initial, council=request.council)
    if request.method == "POST" and form.is_valid():
        programme.timetable_update(programme=target, months=form.months())
        messages.success(request, _("Timetable saved. It applies from the next monthly run."))
        return redirect("audits:programme", council_slug=council_slug)
    return render(request, "audits/programme/timetable_form.html", {"programme": target, "form": form})

"""Forms of the programme pages: allocation from a sample, the MI team's upload, rules and timetables."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.calendar import parse_month
from qaportal.fields import PersonSelect, person_label
from qaportal.models import User
from qaportal.roles import Role, TeamKind
from standards.models import ReviewKind, ReviewTemplate

from ..models import Case, ProgrammeRule
from ..reviews.forms import CasePinField


class AllocationForm(forms.Form):
    """One expected review's allocation: only the cases this reviewer may take are offered (worked out
    for the whole page at once, so no query per row); the service checks again when it is sent."""

    case = forms.ChoiceField(label=gettext_lazy("Case"), widget=forms.RadioSelect)
    delegate = forms.ChoiceField(
        label=gettext_lazy("Delegate to a senior practitioner"), required=False, widget=PersonSelect
    )

    def __init__(self, *args, cases: dict[str, Case], seniors: dict[str, User], reviewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases, self.seniors = cases, seniors
        case_field = cast(forms.ChoiceField, self.fields["case"])
        case_field.label = _("Case for %(who)s") % {"who": reviewer}
        case_field.choices = [(pk, f"PIN {c.pin} – {c.team}") for pk, c in cases.items()]
        case_field.error_messages["required"] = _("Choose the case %(who)s will review") % {"who": reviewer}
        delegate_field = cast(forms.ChoiceField, self.fields["delegate"])
        delegate_field.choices = [("", _("No delegation: they complete it"))] + [
            (pk, person_label(u)) for pk, u in seniors.items()
        ]

    def clean_case(self) -> Case:
        return self.cases[self.cleaned_data["case"]]

    def clean_delegate(self) -> User | None:
        return self.seniors.get(self.cleaned_data.get("delegate") or "")


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


class RuleForm(forms.Form):
    """A plain form (not a ModelForm): its template choices are read inside the council's scope."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=160)
    template: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Review template"), queryset=ReviewTemplate.objects.none(), required=False
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    team_kind = forms.ChoiceField(label=gettext_lazy("Team kind"), required=False)
    except_team_kind = forms.ChoiceField(
        label=gettext_lazy("Not for teams of this kind"),
        required=False,
        help_text=gettext_lazy("For people who have a rule of their own, as Coventry's therapy services do."),
    )
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
        self.fields["template"].queryset = ReviewTemplate.objects.filter(council=council)
        self.fields["template"].empty_label = _("Use the programme's timetable")
        team_kind_field = cast(forms.ChoiceField, self.fields["team_kind"])
        team_kind_field.choices = [("", _("Any team"))] + list(TeamKind.choices)
        except_field = cast(forms.ChoiceField, self.fields["except_team_kind"])
        except_field.choices = [("", _("None"))] + list(TeamKind.choices)


class TimetableForm(forms.Form):
    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
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


class RequestStartForm(forms.Form):
    """Which case an audit asked of a person is of. A self-audit offers the person's own cases that the
    rules allow; any other case is given by its PIN."""

    OTHER = "other"

    def __init__(self, *args, council, own_cases: list[Case], drawn: bool = False, question: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.own = {str(case.pk): case for case in own_cases}
        self.drawn = drawn
        if drawn:
            # A random sample is the point: the person chooses among the drawn cases, not any case.
            self.fields["case"] = forms.ChoiceField(
                label=_("Which of the cases drawn for you will you audit?"),
                help_text=_("Drawn at random from across the council for this month's audit."),
                widget=forms.RadioSelect,
                choices=[(pk, f"PIN {case.pin} – {case.team}") for pk, case in self.own.items()],
                error_messages={"required": _("Choose the case you will audit")},
            )
            return
        if self.own:
            self.fields["case"] = forms.ChoiceField(
                label=question or _("Which of your cases will you audit?"),
                widget=forms.RadioSelect,
                choices=[(pk, f"PIN {case.pin} – {case.team}") for pk, case in self.own.items()]
                + [(self.OTHER, _("Another case"))],
                error_messages={"required": _("Choose the case you will audit, or choose another case")},
            )
        self.fields["pin"] = CasePinField(
            label=_("PIN of the other case") if self.own else _("PIN of the case you will audit"),
            council=council,
            max_length=32,
            required=not self.own,
            help_text=None
            if self.own
            else _("For a self-audit, one of your own cases; for a peer audit, a case from another team."),
            error_messages={"required": _("Enter the PIN of the case you will audit")},
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        )

    def clean(self):
        data = super().clean()
        choice = data.get("case")
        if self.drawn:
            data["chosen"] = self.own.get(choice or "")
            return data
        if not self.own or choice == self.OTHER:
            if not data.get("pin") and "pin" not in self.errors:
                self.add_error("pin", _("Enter the PIN of the other case you will audit"))
            data["chosen"] = data.get("pin")
        elif choice:
            data["chosen"] = self.own[choice]
        return data

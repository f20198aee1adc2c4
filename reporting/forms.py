import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from qaportal.calendar import add_months, month_start

from .cqc import CHOICES


class StatementsForm(forms.Form):
    statements = forms.MultipleChoiceField(
        label=_("Which CQC quality statements is this standard evidence for?"),
        choices=CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply, or none."),
    )


def month_choices(today: dt.date, back: int = 36) -> list[tuple[str, str]]:
    """The months people can report on, newest first: this one and the `back` before it."""
    this_month = month_start(today)
    return [(f"{m:%Y-%m}", date_format(m, "F Y")) for m in (add_months(this_month, -i) for i in range(back + 1))]


class DashboardForm(forms.Form):
    """The dashboard's filters, kept in the URL so a view can be shared and bookmarked."""

    start = forms.ChoiceField(label=_("From"), required=False)
    end = forms.ChoiceField(label=_("To"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    template = forms.ChoiceField(label=_("Form"), required=False)
    by = forms.ChoiceField(label=_("Compliance by"), required=False)

    def __init__(
        self, data, *, teams: list[tuple[int, str]], templates: list[tuple[str, str]], today: dt.date, groupings
    ):
        super().__init__(data)
        months = month_choices(today)
        self.fields["start"].choices = months
        self.fields["end"].choices = months
        self.fields["team"].choices = [("", _("All teams")), *((str(pk), name) for pk, name in teams)]
        self.fields["template"].choices = [("", _("All forms")), *templates]
        self.fields["by"].choices = list(groupings.items())
        self.today = today

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last month must be the same as or after the first month"))
        return data

    def filters(self) -> dict:
        """The chosen filters, or the defaults (the last 12 months, all teams and forms) for any left out
        or not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        this_month = month_start(self.today)
        end = _month(data.get("end")) or this_month
        start = _month(data.get("start")) or add_months(end, -11)
        return {
            "start": start,
            "end": end,
            "team": int(data["team"]) if data.get("team") else None,
            "template": data.get("template") or None,
            "by": data.get("by") or "team",
        }


def _month(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(f"{value}-01") if value else None


class NarrativeForm(forms.Form):
    """The words for each section of a report, and the period it covers."""

    start = forms.ChoiceField(label=_("Period"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, data=None, *, sections, periods: list[tuple[str, str]], initial=None):
        super().__init__(data, initial=initial)
        self.fields["start"].choices = periods
        for section in sections:
            self.fields[f"narrative_{section.key}"] = forms.CharField(
                label=section.title,
                help_text=section.hint,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def sections(self) -> dict[str, str]:
        return {
            name.removeprefix("narrative_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("narrative_")
        }

"""Form fields that follow GOV.UK Design System patterns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import forms
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Council, Membership, User
from .text import normalise, problem_in_text, validate_one_line


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: separate day, month and year boxes."""

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(numeric), forms.TextInput(numeric), forms.TextInput(numeric)], attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            try:
                return self.decompress(dt.date.fromisoformat(value))
            except ValueError:
                return [None, None, None]
        return [None, None, None]


class DateField(forms.MultiValueField):
    widget = DateInputWidget
    default_error_messages = {
        "invalid": _("Enter a real date, for example 27 3 2026"),
        "incomplete": _("The date must include a day, month and year"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("For example, 27 3 2026"))
        part = forms.CharField(max_length=4)
        super().__init__(fields=[part, part, part], require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        if not all(data_list):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(x) for x in data_list)
            if year < 1900:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


# How much text each kind of free-text box takes. Generous for what people write (a PSR's evidence
# for one standard is a few paragraphs), small enough that a review and its PDF stay quick to show.
TEXT_LIMITS = {
    "short": 500,  # a note, a reason
    "medium": 2_000,  # a comment, a QA plan action
    "long": 5_000,  # evidence for a rating, the person's feedback, an escalation
    "very_long": 10_000,  # a reviewer's summary, guidance in the catalogue
}


class OneLineField(forms.CharField):
    """A name or title: one line, NFC-normalised, no control or invisible formatting characters."""

    default_error_messages = {
        "max_length": _("This must be %(limit_value)s characters or fewer (it has %(show_value)s)"),
    }

    def __init__(self, *, max_length: int = 160, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators.append(validate_one_line)

    def to_python(self, value):
        return normalise(super().to_python(value))


class TextField(forms.CharField):
    """Free text in a textarea with the GOV.UK character count: several lines, up to a limit."""

    widget = forms.Textarea
    default_error_messages = {
        "max_length": _("This must be %(limit_value)s characters or fewer (it has %(show_value)s)"),
    }

    def __init__(self, *, size: str = "long", rows: int = 5, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=TEXT_LIMITS[size], **kwargs)
        self.validators.append(_validate_text)
        if "max_length" not in (kwargs.get("error_messages") or {}):
            self.error_messages["max_length"] = _limit_message(TEXT_LIMITS[size])

    def widget_attrs(self, widget):
        # The character count tells people when they are over; a maxlength attribute would cut pasted
        # text short without a word (GOV.UK guidance).
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        return normalise(super().to_python(value))


def _limit_message(limit: int) -> str:
    # The limit written as people write numbers (10,000); the count comes from Django's validator.
    return str(_("This must be %(limit)s characters or fewer (you have typed %%(show_value)s)")) % {
        "limit": f"{limit:,}"
    }


def _validate_text(value: str) -> None:
    problem = problem_in_text(value)
    if problem:
        raise forms.ValidationError(problem, code="control")


class PersonSelect(forms.Select):
    """The one way a person is chosen anywhere: a list the accessible autocomplete enhances
    (static/js/person_picker.mjs); without JavaScript it stays a plain list."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-person-picker": "", **(attrs or {})}, choices)


def person_label(person: User, roles: Iterable[str] = ()) -> str:
    """A person as every picker names them: "Jo Reid – Service manager, Erewash Long Term Team".
    Reads the memberships `people_to_choose` prefetched; preferring one holding any of `roles`."""
    wanted = set(roles)
    held = list(getattr(person, "council_memberships", []))
    memberships = [m for m in held if not wanted or m.role in wanted] or held
    if not memberships:
        return str(person)
    m = memberships[0]
    where = f", {m.team.name}" if m.team_id else ""
    return f"{person} – {m.get_role_display()}{where}"


class PersonChoiceField(forms.ModelChoiceField):
    """Choose a person of the council, each named with their role and team, as one list that the
    accessible autocomplete enhances."""

    widget = PersonSelect

    def __init__(self, queryset, *, council: Council, roles: Iterable[str] | None = None, **kwargs):
        self.council, self.roles = council, set(roles or [])
        kwargs.setdefault("empty_label", _("Choose a person"))
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        return person_label(obj, self.roles)


class ChosenPersonField(forms.TypedChoiceField):
    """The same picker over a list of people read once, for forms repeated on a page (a row per QA
    plan action): each row offers the same people without reading them again."""

    widget = PersonSelect

    def __init__(self, *, people: Iterable[User], empty_label=None, **kwargs):
        self.people = {str(p.pk): p for p in people}
        choices = [("", empty_label or _("Choose a person"))] + [(pk, person_label(p)) for pk, p in self.people.items()]
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid_choice", _("Choose a person from the list"))
        super().__init__(choices=choices, coerce=self._person, empty_value=None, **kwargs)

    def _person(self, value) -> User:
        try:
            return self.people[str(getattr(value, "pk", value))]
        except KeyError:
            raise ValueError(value) from None  # told "Choose a person from the list"

    def prepare_value(self, value):
        return str(getattr(value, "pk", value)) if value not in (None, "") else ""


def people_to_choose(*, council: Council, roles: Iterable[str], exclude: Iterable[int] = ()) -> QuerySet[User]:
    """Active people holding any of `roles` in `council`, with their roles there read in one query."""
    roles = list(roles)
    return (
        User.objects.filter(memberships__council=council, memberships__role__in=roles, is_active=True)
        .exclude(pk__in=list(exclude))
        .distinct()
        .order_by("last_name", "first_name")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(council=council, role__in=roles).select_related("team"),
                to_attr="council_memberships",
            )
        )
    )

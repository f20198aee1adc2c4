"""A practitioner-led review's session: the date, who took part, and the group's reflections
(Derbyshire PSR/SPSR practice guidance, practitioner led PSRs)."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.fields import DateField, TextField, people_to_choose, person_label
from qaportal.models import User
from qaportal.roles import PRACTICE_ROLES
from standards.models import SectionKind

from ..models import GroupSession, SessionAttendee
from .base import Change, Problem, Section, lenient, shown
from .registry import register_section

# "placed into smaller reviewer groups": a group is at least two practitioners reviewing together.
FEWEST_ATTENDEES = 2


class SessionForm(forms.Form):
    held_on = DateField(label=gettext_lazy("Date of the session"), required=False)
    attendees = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Practitioners who reviewed the PIN together"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reflections = TextField(
        label=gettext_lazy("The group's reflections"),
        required=False,
        size="very_long",
        rows=8,
        help_text=gettext_lazy("What the group learnt from the case, in their words: the themes you will collate."),
    )

    def __init__(self, *args, people: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        field = self.fields["attendees"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(p.pk, person_label(p)) for p in people]


def _attendees():
    return Prefetch("group_session__attendees", queryset=SessionAttendee.objects.select_related("person"))


@register_section(SectionKind.SESSION)
class SessionSection(Section):
    kind = SectionKind.SESSION
    display_template = "audits/sections/display/session.html"
    select_related = ("group_session",)
    prefetch_related = (_attendees,)
    worker_sees = True

    def _session(self) -> GroupSession | None:
        try:
            return self.review.group_session
        except GroupSession.DoesNotExist:
            return None

    def form(self, data=None, *, add_row: bool = False) -> SessionForm:
        session = self._session()
        people = list(people_to_choose(council=self.review.council, roles=PRACTICE_ROLES))
        initial = (
            {
                "held_on": session.held_on,
                "reflections": session.reflections,
                "attendees": [a.person_id for a in session.attendees.all()],
            }
            if session
            else {}
        )
        form = SessionForm(data, initial=initial, people=people)
        lenient(form)
        return form

    def save(self, form: SessionForm, by: User) -> list[Change]:
        session = self._session() or GroupSession.objects.create(council=self.review.council, review=self.review)
        changes = []
        held_on, reflections = form.cleaned_data.get("held_on"), form.cleaned_data.get("reflections") or ""
        if held_on != session.held_on:
            field = form.fields["held_on"]
            changes.append(Change(_("Date of the session"), shown(field, session.held_on), shown(field, held_on)))
        if reflections != session.reflections:
            changes.append(Change(_("The group's reflections"), session.reflections, reflections))
        session.held_on, session.reflections = held_on, reflections
        session.save()
        before = {a.person_id for a in session.attendees.all()}
        after = set(form.cleaned_data.get("attendees") or [])
        if before != after:
            session.attendees.filter(person_id__in=before - after).delete()
            SessionAttendee.objects.bulk_create(
                SessionAttendee(council=self.review.council, session=session, person_id=pk) for pk in after - before
            )
            names = {pk: str(p) for pk, p in form.people.items()}
            changes.append(
                Change(
                    _("Who took part"),
                    ", ".join(sorted(names.get(pk, str(pk)) for pk in before)),
                    ", ".join(sorted(names.get(pk, str(pk)) for pk in after)),
                )
            )
        self.review.group_session = session
        return changes

    def problems(self) -> list[Problem]:
        session = self._session()
        found = []
        if session is None or session.held_on is None:
            found.append(Problem("id_held_on_0", _("Enter the date of the session")))
        if session is None or len(session.attendees.all()) < FEWEST_ATTENDEES:
            found.append(
                Problem(
                    "id_attendees_0",
                    _("Choose the practitioners who reviewed the PIN together: at least %(n)s")
                    % {"n": FEWEST_ATTENDEES},
                )
            )
        if session is None or not session.reflections.strip():
            found.append(Problem("id_reflections", _("Record the group's reflections")))
        return found if self.required else []

    def is_started(self) -> bool:
        return self._session() is not None

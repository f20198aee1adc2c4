"""How the auditor involved the case's allocated worker (Somerset's practice quality framework)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.fields import DateField, OneLineField
from qaportal.models import User
from standards.models import SectionKind

from ..models import WorkerInvolvement
from .base import Change, Problem, Section, lenient, shown
from .registry import register_section


class WorkerInvolvementForm(forms.Form):
    how = forms.ChoiceField(
        label=gettext_lazy("How did you involve the allocated worker?"),
        choices=WorkerInvolvement.How.choices,
        widget=forms.RadioSelect,
    )
    feedback_on = DateField(
        label=gettext_lazy("Date agreed to feed back to the worker"),
        required=False,
        help_text=gettext_lazy("If you agreed a date to feed back. For example, 27 3 2026"),
    )
    who = OneLineField(
        label=gettext_lazy("Who was involved, if not the allocated worker"), required=False, max_length=160
    )

    def clean(self):
        data = super().clean()
        if data.get("how") == WorkerInvolvement.How.FEEDBACK_AGREED and not data.get("feedback_on"):
            if "feedback_on" not in self.errors:
                self.add_error("feedback_on", _("Enter the date agreed to feed back to the worker"))
        return data


@register_section(SectionKind.WORKER_INVOLVEMENT)
class WorkerInvolvementSection(Section):
    kind = SectionKind.WORKER_INVOLVEMENT
    display_template = "audits/sections/display/worker_involvement.html"
    select_related = ("worker_involvement",)
    worker_sees = True

    def _record(self) -> WorkerInvolvement | None:
        try:
            return self.review.worker_involvement
        except WorkerInvolvement.DoesNotExist:
            return None

    def form(self, data=None, *, add_row: bool = False) -> WorkerInvolvementForm:
        record = self._record()
        initial = {"how": record.how, "feedback_on": record.feedback_on, "who": record.who} if record else {}
        form = WorkerInvolvementForm(data, initial=initial)
        lenient(form)  # a part-filled section is kept; what is missing is said before submitting
        return form

    def save(self, form: WorkerInvolvementForm, by: User) -> list[Change]:
        record = self._record()
        how = form.cleaned_data.get("how") or ""
        feedback_on = form.cleaned_data.get("feedback_on")
        who = form.cleaned_data.get("who") or ""
        if how == WorkerInvolvement.How.FEEDBACK_AGREED and feedback_on is None:
            return []  # the form has said what is missing
        old = (record.how, record.feedback_on, record.who) if record else ("", None, "")
        if (how, feedback_on, who) == old:
            return []
        if not how:
            if record is not None:
                record.delete()
        else:
            record = record or WorkerInvolvement(council=self.review.council, review=self.review)
            record.how, record.feedback_on, record.who = how, feedback_on, who
            record.save()
            self.review.worker_involvement = record
        field = form.fields["how"]
        changes = []
        if how != old[0]:
            changes.append(Change(_("Involving the allocated worker"), shown(field, old[0]), shown(field, how)))
        if feedback_on != old[1]:
            date = form.fields["feedback_on"]
            changes.append(Change(_("Date agreed to feed back"), shown(date, old[1]), shown(date, feedback_on)))
        if who != old[2]:
            changes.append(Change(_("Who was involved"), old[2], who))
        return changes

    def problems(self) -> list[Problem]:
        if self.required and self._record() is None:
            return [Problem("id_how_0", _("Say how you involved the allocated worker"))]
        return []

    def is_started(self) -> bool:
        return self._record() is not None

"""A best-practice notice for the quality team's log."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qaportal.models import User
from standards.models import SectionKind

from ..models import BestPracticeNotice
from .base import Change, Problem, Section
from .registry import register_section
from .text import TextForm


@register_section(SectionKind.BEST_PRACTICE)
class BestPracticeSection(Section):
    kind = SectionKind.BEST_PRACTICE
    display_template = "audits/sections/display/best_practice.html"
    select_related = ("best_practice",)

    def _notice(self) -> BestPracticeNotice | None:
        try:
            return self.review.best_practice
        except BestPracticeNotice.DoesNotExist:
            return None

    def form(self, data=None, *, add_row: bool = False) -> TextForm:
        notice = self._notice()
        form = TextForm(data, initial={"text": notice.text if notice else ""})
        form.fields["text"].label = _("Good practice to share")
        form.fields["text"].help_text = _(
            "Sent to the quality team's best practice log, who may use it in training or practice week."
        )
        return form

    def save(self, form: TextForm, by: User) -> list[Change]:
        notice = self._notice()
        old, new = notice.text if notice else "", form.cleaned_data.get("text", "").strip()
        if old == new:
            return []
        if new:
            notice = notice or BestPracticeNotice(council=self.review.council, review=self.review, raised_by=by)
            notice.text, notice.raised_by = new, by
            notice.save()
        elif notice:
            notice.delete()
        return [Change(self.title, old, new)]

    def problems(self) -> list[Problem]:
        if self.required and not self._notice():
            return [Problem("id_text", _("Describe the good practice"))]
        return []

    def is_started(self) -> bool:
        return self._notice() is not None

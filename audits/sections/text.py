"""Free-text sections (summary, general comments, actions, comments of the person audited), and the
authorisation row the task list shows."""

from __future__ import annotations

import functools

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.fields import TextField
from qaportal.models import User
from standards.models import SectionKind

from ..models import Review, SectionText
from .base import Change, Problem, Section
from .registry import register_section


class TextForm(forms.Form):
    text = TextField(required=False, size="very_long", rows=8)


class TextSection(Section):
    """Summary, general comments, actions, and comments of the person audited."""

    prefetch_related = ("texts",)

    labels = {
        SectionKind.SUMMARY: gettext_lazy("Your summary of the review"),
        SectionKind.GENERAL_COMMENTS: gettext_lazy("General comments"),
        SectionKind.ACTIONS: gettext_lazy("Actions arising from this audit"),
        SectionKind.SUBJECT_COMMENTS: gettext_lazy("Your comments on this audit"),
    }

    def __init__(self, review: Review, required: bool = True, guidance: str = "", kind: str = ""):
        super().__init__(review, required, guidance)
        self.kind = kind
        # The worker reads the reviewer's summary of their work, and their own comments.
        self.worker_sees = kind in {SectionKind.SUMMARY, SectionKind.SUBJECT_COMMENTS}
        # "Subject's comments" are the audited worker's own words, typed by them (Coventry, Appendix 1).
        self.completed_by = "worker" if kind == SectionKind.SUBJECT_COMMENTS else "reviewer"

    def _text(self) -> SectionText | None:
        return next((t for t in self.review.texts.all() if t.kind == self.kind), None)

    def form(self, data=None, *, add_row: bool = False) -> TextForm:
        row = self._text()
        form = TextForm(data, initial={"text": row.text if row else ""})
        form.fields["text"].label = self.labels[SectionKind(self.kind)]
        return form

    def save(self, form: TextForm, by: User) -> list[Change]:
        row = self._text()
        old, new = row.text if row else "", form.cleaned_data.get("text", "").strip()
        if old == new:
            return []
        row = row or SectionText(council=self.review.council, review=self.review, kind=self.kind)
        row.text = new
        row.save()
        return [Change(self.title, old, new)]

    def problems(self) -> list[Problem]:
        row = self._text()
        if self.required and not (row and row.text.strip()):
            return [Problem("id_text", _("Complete “%(section)s”") % {"section": self.title})]
        return []

    def is_started(self) -> bool:
        return self._text() is not None


for _kind in TextSection.labels:
    register_section(_kind, functools.partial(TextSection, kind=_kind))


@register_section(SectionKind.AUTHORISATION)
class AuthorisationSection(Section):
    """Completed by the group manager, not the reviewer: shown in the task list for clarity."""

    kind = SectionKind.AUTHORISATION
    completed_by = "group_manager"
    display_template = "audits/sections/display/authorisation.html"

    def progress(self) -> str:
        return "completed" if self.review.status == Review.Status.AUTHORISED else "not_started"


# Sections by kind. Apps that build on the review model add their own (feedback adds "feedback").

"""What every section of a review form is: its form, how it saves (recording each change), and what
stops the review being submitted. One module per kind of section; apps above `audits` add theirs
through the registry (feedback adds "feedback")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from qaportal.models import User
from standards.models import SectionKind

from ..models import Review


@dataclass(frozen=True)
class Problem:
    anchor: str
    message: str


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def lenient(form: forms.Form) -> forms.Form:
    """Saving part of a section for later never insists on the rest of it."""
    for field in form.fields.values():
        field.required = False
    return form


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def shown(field: forms.Field, value) -> str:
    """A value as the person chose it, for the history of changes: the label of a choice, Yes or No,
    a date in words; never the stored code ("person", "True")."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    choices = dict((str(k), v) for k, v in getattr(field, "choices", []) if not isinstance(v, (list, tuple)))
    return str(choices.get(str(value), value))


def short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


class Section:
    kind: str = ""
    template_name = "audits/sections/simple.html"
    # The section as it reads once written: on the review page, the check-your-answers page and the PDF.
    display_template = "audits/sections/display/text.html"
    # The allocated worker reads this section of a completed review of their work.
    worker_sees = False
    # Who fills it in: the reviewer (or delegate); the worker whose practice is audited (Coventry's
    # observation Part 1, a supervision audit's "subject's comments"); or the group manager.
    completed_by = "reviewer"
    # What the review's pages must load for this section, in the one query set that loads a review:
    # relation names, or functions returning a Prefetch (built when the review is read, in scope).
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()

    def __init__(self, review: Review, required: bool = True, guidance: str = ""):
        self.review, self.required, self.guidance = review, required, guidance

    @property
    def title(self) -> str:
        return str(SectionKind(self.kind).label)

    @property
    def reviewer_completes(self) -> bool:
        return self.completed_by == "reviewer"

    @property
    def worker_completes(self) -> bool:
        return self.completed_by == "worker"

    # Each kind has its own form class; `form` and `save` take and give that class. `add_row`: a
    # section of rows ("add another") shows one more empty row.
    def form(self, data=None, *, add_row: bool = False) -> Any:
        raise TypeError(f"The {self.kind} section is not completed by the reviewer.")

    def save(self, form: Any, by: User) -> list[Change]:
        raise TypeError(f"The {self.kind} section is not completed by the reviewer.")

    def problems(self) -> list[Problem]:
        return []

    def is_started(self) -> bool:
        return False

    def extra_context(self, request) -> dict:
        """Anything more the section's page shows besides its form."""
        return {}

    def progress(self) -> str:
        if not self.is_started():
            return "not_started"
        return "in_progress" if self.problems() else "completed"

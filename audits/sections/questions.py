"""Answers (and comments) to each question of the catalogue's standards."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from qaportal.db import update_rows
from qaportal.models import User
from standards.forms import QuestionsForm
from standards.models import AnswerKind, SectionKind

from ..models import CriterionAnswer
from .base import Change, Problem, Section, lenient, short, shown
from .registry import register_section

# The worker's own part of a form (Coventry's practice observation, Part 1): the criteria of standards
# answered by the worker whose practice is audited, as a section of its own before the reviewer's.
WORKER_PART = "worker_part"


class _Answers(Section):
    """Answers to the criteria of the standards answered by `answered_by`."""

    answered_by = "reviewer"
    prefetch_related = ("answers",)
    worker_sees = True

    def _answers(self) -> dict[int, CriterionAnswer]:
        return {a.criterion_id: a for a in self.review.answers.all()}

    def _standards(self):
        return [s for s in self.review.template_version.standards.all() if s.answered_by == self.answered_by]

    def form(self, data=None, *, add_row: bool = False) -> QuestionsForm:
        initial = {}
        for criterion_id, answer in self._answers().items():
            initial[f"answer_{criterion_id}"] = answer.answer
            initial[f"comment_{criterion_id}"] = answer.comment
        form = QuestionsForm(data, version=self.review.template_version, initial=initial, answered_by=self.answered_by)
        lenient(form)
        return form

    def save(self, form: QuestionsForm, by: User) -> list[Change]:
        existing = self._answers()
        changes, to_create, to_update = [], [], []
        for standard in self._standards():
            for criterion in standard.criteria.all():
                value = form.cleaned_data.get(f"answer_{criterion.pk}")
                value = value.isoformat() if isinstance(value, dt.date) else (value or "")
                comment = form.cleaned_data.get(f"comment_{criterion.pk}") or ""
                answer = existing.get(criterion.pk)
                old = (answer.answer, answer.comment) if answer else ("", "")
                if (value, comment) == old:
                    continue
                if value != old[0]:
                    field = form.fields[f"answer_{criterion.pk}"]
                    changes.append(
                        Change(_("Question %(n)s") % {"n": criterion.number}, shown(field, old[0]), shown(field, value))
                    )
                if comment != old[1]:
                    changes.append(Change(_("Comments on %(n)s") % {"n": criterion.number}, old[1], comment))
                if answer is None:
                    to_create.append(
                        CriterionAnswer(
                            council=self.review.council,
                            review=self.review,
                            criterion=criterion,
                            answer=value,
                            comment=comment,
                        )
                    )
                else:
                    answer.answer, answer.comment = value, comment
                    to_update.append(answer)
        CriterionAnswer.objects.bulk_create(to_create)
        update_rows(to_update, ["answer", "comment"], council=self.review.council)
        return changes

    def _unanswered(self):
        answers = self._answers()
        for standard in self._standards():
            for criterion in standard.criteria.all():
                answer = answers.get(criterion.pk)
                if criterion.required and (answer is None or not answer.answer.strip()):
                    yield criterion

    @staticmethod
    def _anchor(criterion) -> str:
        return f"id_answer_{criterion.pk}" + (
            "" if criterion.answer_kind in {AnswerKind.TEXT, AnswerKind.DATE} else "_0"
        )

    def is_started(self) -> bool:
        mine = {c.pk for s in self._standards() for c in s.criteria.all()}
        return any(criterion_id in mine for criterion_id in self._answers())


@register_section(SectionKind.QUESTIONS)
class QuestionsSection(_Answers):
    """The reviewer's answers; the worker's own part (if the form has one) is `WorkerPartSection`."""

    kind = SectionKind.QUESTIONS
    template_name = "audits/sections/questions.html"
    display_template = "audits/sections/display/questions.html"

    def problems(self) -> list[Problem]:
        return [
            Problem(self._anchor(c), _("Answer question %(n)s: %(text)s") % {"n": c.number, "text": short(c.text)})
            for c in self._unanswered()
        ]


@register_section(WORKER_PART)
class WorkerPartSection(_Answers):
    """The worker whose practice is audited answers their own part, from their own login; the review
    cannot be submitted until they have (Coventry's observation: "Worker completes boxes one and two
    before observation ... box four after reading the observer's report")."""

    kind = WORKER_PART
    answered_by = "subject"
    completed_by = "worker"
    template_name = "audits/sections/questions.html"
    display_template = "audits/sections/display/questions.html"

    @property
    def title(self) -> str:
        parts = ", ".join(s.title for s in self._standards())
        return _("%(parts)s: the worker's part") % {"parts": parts}

    def problems(self) -> list[Problem]:
        worker = self.review.case.responsible_worker
        return [
            Problem(
                self._anchor(c),
                _("%(worker)s has not yet answered %(n)s: %(text)s. It is theirs to complete, from their own login.")
                % {"worker": worker, "n": c.number, "text": short(c.text)},
            )
            for c in self._unanswered()
        ]

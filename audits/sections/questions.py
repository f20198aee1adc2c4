"""Answers (and comments) to each question of the catalogue's standards."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from qaportal.models import User
from standards.forms import QuestionsForm
from standards.models import AnswerKind, SectionKind

from ..models import CriterionAnswer
from .base import Change, Problem, Section, lenient, short, shown
from .registry import register_section


@register_section(SectionKind.QUESTIONS)
class QuestionsSection(Section):
    kind = SectionKind.QUESTIONS
    template_name = "audits/sections/questions.html"
    display_template = "audits/sections/display/questions.html"
    worker_sees = True
    prefetch_related = ("answers",)

    def _answers(self) -> dict[int, CriterionAnswer]:
        return {a.criterion_id: a for a in self.review.answers.all()}

    def form(self, data=None, *, add_row: bool = False) -> QuestionsForm:
        initial = {}
        for criterion_id, answer in self._answers().items():
            initial[f"answer_{criterion_id}"] = answer.answer
            initial[f"comment_{criterion_id}"] = answer.comment
        form = QuestionsForm(data, version=self.review.template_version, initial=initial)
        lenient(form)
        return form

    def save(self, form: QuestionsForm, by: User) -> list[Change]:
        existing = self._answers()
        changes, to_create, to_update = [], [], []
        for standard in self.review.template_version.standards.all():
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
        CriterionAnswer.objects.bulk_update(to_update, ["answer", "comment"])
        return changes

    def problems(self) -> list[Problem]:
        answers = self._answers()
        found = []
        for standard in self.review.template_version.standards.all():
            if standard.answered_by != "reviewer":
                continue  # the worker's own part is theirs to complete; it never blocks the reviewer
            for criterion in standard.criteria.all():
                answer = answers.get(criterion.pk)
                if criterion.required and (answer is None or not answer.answer.strip()):
                    found.append(
                        Problem(
                            f"id_answer_{criterion.pk}"
                            + ("" if criterion.answer_kind in {AnswerKind.TEXT, AnswerKind.DATE} else "_0"),
                            _("Answer question %(n)s: %(text)s")
                            % {"n": criterion.number, "text": short(criterion.text)},
                        )
                    )
        return found

    def is_started(self) -> bool:
        return bool(self._answers())

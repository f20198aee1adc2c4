"""The sections of a review form, generated from its template version.

Each section knows its form, how to save it (recording every change), and what stops the review
being submitted. Views and services look sections up by kind; nothing here is per council.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.fields import DateField, OneLineField, TextField
from qaportal.models import User
from standards.forms import QuestionsForm, RatingsForm
from standards.models import AnswerKind, SectionKind

from .models import (
    BestPracticeNotice,
    CriterionAnswer,
    Escalation,
    QAPlanAction,
    Review,
    SectionText,
    StandardRating,
)


@dataclass(frozen=True)
class Problem:
    anchor: str
    message: str


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def _lenient(form: forms.Form) -> forms.Form:
    """Saving part of a section for later never insists on the rest of it."""
    for field in form.fields.values():
        field.required = False
    return form


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


class Section:
    kind: str = ""
    template_name = "audits/sections/simple.html"
    # Read-only display of the section in the review page and PDF, where _review_body.html has none.
    display_template = ""
    reviewer_completes = True

    def __init__(self, review: Review, required: bool = True, guidance: str = ""):
        self.review, self.required, self.guidance = review, required, guidance

    @property
    def title(self) -> str:
        return str(SectionKind(self.kind).label)

    def form(self, data=None) -> forms.Form:
        raise TypeError(f"The {self.kind} section is not completed by the reviewer.")

    def save(self, form: forms.Form, by: User) -> list[Change]:
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


# --- ratings and questions, generated from the catalogue ----------------------------------------


class RatingsSection(Section):
    kind = SectionKind.RATINGS
    template_name = "audits/sections/ratings.html"

    def _ratings(self) -> dict[int, StandardRating]:
        return {r.standard_id: r for r in self.review.ratings.all()}

    def form(self, data=None) -> RatingsForm:
        initial = {}
        for standard_id, rating in self._ratings().items():
            initial[f"rating_{standard_id}"] = rating.level.code if rating.level else ""
            initial[f"evidence_{standard_id}"] = rating.evidence
        return _lenient(RatingsForm(data, version=self.review.template_version, initial=initial))

    def save(self, form: RatingsForm, by: User) -> list[Change]:
        levels = {lv.code: lv for lv in self.review.template_version.scale.levels.all()}
        existing = self._ratings()
        changes, to_create, to_update = [], [], []
        for standard, _names in form.groups:
            code = form.cleaned_data.get(f"rating_{standard.pk}") or ""
            evidence = form.cleaned_data.get(f"evidence_{standard.pk}") or ""
            rating = existing.get(standard.pk)
            old_code = rating.level.code if rating and rating.level else ""
            old_evidence = rating.evidence if rating else ""
            if (code, evidence) == (old_code, old_evidence):
                continue
            if code != old_code:
                changes.append(
                    Change(
                        _("Standard %(n)s rating") % {"n": standard.number},
                        levels[old_code].label if old_code else "",
                        levels[code].label if code else "",
                    )
                )
            if evidence != old_evidence:
                changes.append(Change(_("Standard %(n)s evidence") % {"n": standard.number}, old_evidence, evidence))
            if rating is None:
                to_create.append(
                    StandardRating(
                        council=self.review.council,
                        review=self.review,
                        standard=standard,
                        level=levels.get(code),
                        evidence=evidence,
                    )
                )
            else:
                rating.level, rating.evidence = levels.get(code), evidence
                to_update.append(rating)
        StandardRating.objects.bulk_create(to_create)
        StandardRating.objects.bulk_update(to_update, ["level", "evidence"])
        return changes

    def problems(self) -> list[Problem]:
        ratings = self._ratings()
        found = []
        for standard in self.review.template_version.standards.all():
            if not standard.rated:
                continue
            rating = ratings.get(standard.pk)
            if rating is None or rating.level_id is None:
                found.append(
                    Problem(
                        f"id_rating_{standard.pk}_0",
                        _("Rate standard %(n)s: %(title)s")
                        % {"n": standard.number, "title": _short(standard.title, 20)},
                    )
                )
            if rating is None or not rating.evidence.strip():
                found.append(
                    Problem(
                        f"id_evidence_{standard.pk}",
                        _("Give the evidence for your rating of standard %(n)s") % {"n": standard.number},
                    )
                )
        return found

    def is_started(self) -> bool:
        return bool(self._ratings())


class QuestionsSection(Section):
    kind = SectionKind.QUESTIONS
    template_name = "audits/sections/questions.html"

    def _answers(self) -> dict[int, CriterionAnswer]:
        return {a.criterion_id: a for a in self.review.answers.all()}

    def form(self, data=None) -> QuestionsForm:
        initial = {}
        for criterion_id, answer in self._answers().items():
            initial[f"answer_{criterion_id}"] = answer.answer
            initial[f"comment_{criterion_id}"] = answer.comment
        return _lenient(QuestionsForm(data, version=self.review.template_version, initial=initial))

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
                    changes.append(Change(_("Question %(n)s") % {"n": criterion.number}, old[0], value))
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
                            % {"n": criterion.number, "text": _short(criterion.text)},
                        )
                    )
        return found

    def is_started(self) -> bool:
        return bool(self._answers())


# --- Quality Assurance Plan -----------------------------------------------------------------------


MAX_QA_ACTIONS = 20


class QAActionForm(forms.Form):
    """One action of the plan. `action` is the saved action's id, so an action keeps its identity
    (and later its progress) when others around it are added or removed."""

    action = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    description = TextField(label=gettext_lazy("Action"), required=False, size="medium", rows=3)
    owner = OneLineField(label=gettext_lazy("Who will do it"), required=False, max_length=160)
    due_date = DateField(label=gettext_lazy("Due by"), required=False)

    def clean(self):
        data = super().clean()
        if (data.get("owner") or data.get("due_date")) and not data.get("description"):
            self.add_error("description", _("Describe the action, or remove it"))
        return data


class QAPlanForm(forms.Form):
    """The plan's actions (a formset) and the "no actions needed" box, validated and shown as one form."""

    no_actions = forms.BooleanField(
        label=gettext_lazy("No actions are needed for this person's care or record"),
        required=False,
    )

    def __init__(self, data=None, *, actions: list[dict], extra: int = 0, **kwargs):
        super().__init__(data, **kwargs)
        # A fixed ceiling on rows: whatever number a request claims, no more forms than this are built.
        formset_class = forms.formset_factory(
            QAActionForm,
            extra=extra,
            can_delete=True,
            max_num=MAX_QA_ACTIONS,
            validate_max=True,
            absolute_max=MAX_QA_ACTIONS,
        )
        self.actions = formset_class(data, initial=actions, prefix="action")

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.actions.is_valid() and own

    @staticmethod
    def _is_removed(form: forms.Form) -> bool:
        return form.is_bound and bool(form["DELETE"].value())

    def numbered(self):
        """(number, form) for each action that stays, in order: removed rows are not shown again."""
        return list(enumerate((f for f in self.actions.forms if not self._is_removed(f)), start=1))

    def removed(self) -> list[forms.Form]:
        """Rows removed in this request, carried as hidden fields if the page is shown again."""
        return [f for f in self.actions.forms if self._is_removed(f)]

    def kept_actions(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.actions.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and (f.cleaned_data.get("description") or "").strip()
        ]

    def summary_errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary: the plan's own errors, then each action's."""
        found = [("", str(e)) for e in self.non_field_errors()]
        found += [
            (f"id_{self.add_prefix(name)}", str(e))
            for name, errors in self.errors.items()
            if name != "__all__"
            for e in errors
        ]
        found += [("", str(e)) for e in self.actions.non_form_errors()]
        for n, form in self.numbered():
            for name, errors in form.errors.items():
                anchor = f"{form[name].auto_id}_0" if name == "due_date" else form[name].auto_id
                found += [(anchor, _("Action %(n)s: %(error)s") % {"n": n, "error": e}) for e in errors]
        return found


class QAPlanSection(Section):
    kind = SectionKind.QA_PLAN
    template_name = "audits/sections/qa_plan.html"

    def _actions(self) -> list[QAPlanAction]:
        return list(self.review.qa_actions.all())

    def form(self, data=None, extra: int = 0) -> QAPlanForm:
        actions = self._actions()
        if not actions:
            extra = max(extra, 1)  # an empty plan shows one blank action to fill in
        initial = [
            {"action": a.pk, "description": a.description, "owner": a.owner, "due_date": a.due_date} for a in actions
        ]
        return QAPlanForm(data, actions=initial, extra=extra, initial={"no_actions": self.review.no_qa_actions})

    def save(self, form: QAPlanForm, by: User) -> list[Change]:
        def fmt(description: str, owner: str, due) -> str:
            return f"{description} — {owner} — {due or ''}".strip(" —")

        existing = {a.pk: a for a in self._actions()}
        kept = form.kept_actions()
        changes = []
        no_actions = bool(form.cleaned_data.get("no_actions")) and not kept
        if no_actions != self.review.no_qa_actions:
            changes.append(Change(_("No actions needed"), _yes_no(self.review.no_qa_actions), _yes_no(no_actions)))
            self.review.no_qa_actions = no_actions
            self.review.save(update_fields=["no_qa_actions"])
        keep_ids: set[int] = set()
        to_create, to_update = [], []
        for order, row in enumerate(kept, start=1):
            description, owner, due = row["description"].strip(), row.get("owner") or "", row.get("due_date")
            action = existing.get(row.get("action") or 0)
            if action is None:
                to_create.append(
                    QAPlanAction(
                        council=self.review.council,
                        review=self.review,
                        order=order,
                        description=description,
                        owner=owner,
                        due_date=due,
                    )
                )
                changes.append(Change(_("QA plan action %(n)s") % {"n": order}, "", fmt(description, owner, due)))
                continue
            keep_ids.add(action.pk)
            before = fmt(action.description, action.owner, action.due_date)
            after = fmt(description, owner, due)
            if before != after or action.order != order:
                if before != after:
                    changes.append(Change(_("QA plan action %(n)s") % {"n": order}, before, after))
                action.order, action.description, action.owner, action.due_date = order, description, owner, due
                to_update.append(action)
        removed = [a for pk, a in existing.items() if pk not in keep_ids]
        for action in removed:
            changes.append(
                Change(_("QA plan action removed"), fmt(action.description, action.owner, action.due_date), "")
            )
        QAPlanAction.objects.filter(pk__in=[a.pk for a in removed]).delete()
        QAPlanAction.objects.bulk_update(to_update, ["order", "description", "owner", "due_date"])
        QAPlanAction.objects.bulk_create(to_create)
        getattr(self.review, "_prefetched_objects_cache", {}).pop("qa_actions", None)
        return changes

    def problems(self) -> list[Problem]:
        actions = self._actions()
        found = []
        for i, action in enumerate(actions):
            if not action.owner.strip():
                found.append(Problem(f"id_action-{i}-owner", _("Say who will do QA plan action %(n)s") % {"n": i + 1}))
            if not action.due_date:
                found.append(
                    Problem(f"id_action-{i}-due_date_0", _("Give a due date for QA plan action %(n)s") % {"n": i + 1})
                )
        if self.required and not actions and not self.review.no_qa_actions:
            found.append(
                Problem("id_action-0-description", _("Add the QA plan actions, or confirm that none are needed"))
            )
        return found

    def is_started(self) -> bool:
        return bool(self._actions()) or self.review.no_qa_actions


# --- escalation and best practice -----------------------------------------------------------------


class EscalationForm(forms.Form):
    concern = forms.ChoiceField(
        label=gettext_lazy("What needs immediate action?"),
        choices=Escalation.Concern.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    detail = TextField(
        label=gettext_lazy("Describe the concern"),
        required=False,
        size="long",
        help_text=gettext_lazy("The group manager responsible for the case is told at once."),
    )

    def clean(self):
        data = super().clean()
        if data.get("detail", "").strip() and not data.get("concern"):
            self.add_error("concern", _("Say whether the concern is about safety, risk or legality"))
        if data.get("concern") and not data.get("detail", "").strip():
            self.add_error("detail", _("Describe the concern"))
        return data


class EscalationSection(Section):
    kind = SectionKind.ESCALATION
    template_name = "audits/sections/escalation.html"

    def form(self, data=None) -> EscalationForm:
        return EscalationForm(data)

    def save(self, form: EscalationForm, by: User) -> list[Change]:
        if not form.cleaned_data.get("detail", "").strip():
            return []
        escalation = Escalation.objects.create(
            council=self.review.council,
            review=self.review,
            concern=form.cleaned_data["concern"],
            detail=form.cleaned_data["detail"].strip(),
            raised_by=by,
        )
        from .services import escalation_raised

        escalation_raised(escalation=escalation)
        return [Change(_("Escalation raised"), "", f"{escalation.get_concern_display()}: {escalation.detail}")]

    def is_started(self) -> bool:
        return bool(list(self.review.escalations.all()))

    def progress(self) -> str:
        return "completed" if self.is_started() else "not_started"


class TextForm(forms.Form):
    text = TextField(required=False, size="very_long", rows=8)


class BestPracticeSection(Section):
    kind = SectionKind.BEST_PRACTICE

    def _notice(self) -> BestPracticeNotice | None:
        try:
            return self.review.best_practice
        except BestPracticeNotice.DoesNotExist:
            return None

    def form(self, data=None) -> TextForm:
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


class TextSection(Section):
    """Summary, general comments, actions, and comments of the person audited."""

    labels = {
        SectionKind.SUMMARY: gettext_lazy("Your summary of the review"),
        SectionKind.GENERAL_COMMENTS: gettext_lazy("General comments"),
        SectionKind.ACTIONS: gettext_lazy("Actions arising from this audit"),
        SectionKind.SUBJECT_COMMENTS: gettext_lazy("Comments of the person whose work was audited"),
    }

    def __init__(self, review: Review, required: bool = True, guidance: str = "", kind: str = ""):
        super().__init__(review, required, guidance)
        self.kind = kind

    def _text(self) -> SectionText | None:
        return next((t for t in self.review.texts.all() if t.kind == self.kind), None)

    def form(self, data=None) -> TextForm:
        row = self._text()
        form = TextForm(data, initial={"text": row.text if row else ""})
        form.fields["text"].label = self.labels[self.kind]
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


class AuthorisationSection(Section):
    """Completed by the group manager, not the reviewer: shown in the task list for clarity."""

    kind = SectionKind.AUTHORISATION
    reviewer_completes = False

    def progress(self) -> str:
        return "completed" if self.review.status == Review.Status.AUTHORISED else "not_started"


# Sections by kind. Apps that build on the review model add their own (feedback adds "feedback").
HANDLERS: dict[str, type[Section]] = {
    SectionKind.RATINGS: RatingsSection,
    SectionKind.QUESTIONS: QuestionsSection,
    SectionKind.QA_PLAN: QAPlanSection,
    SectionKind.ESCALATION: EscalationSection,
    SectionKind.BEST_PRACTICE: BestPracticeSection,
    SectionKind.AUTHORISATION: AuthorisationSection,
}


def sections_of(review: Review) -> list[Section]:
    """The review's sections in form order, as its template version defines them."""
    result = []
    for spec in review.template_version.sections.all():
        handler = HANDLERS.get(spec.kind)
        if handler is None:
            result.append(TextSection(review, spec.required, spec.guidance, kind=spec.kind))
        else:
            result.append(handler(review, spec.required, spec.guidance))
    return result


def section_of(review: Review, kind: str) -> Section | None:
    return next((s for s in sections_of(review) if s.kind == kind), None)

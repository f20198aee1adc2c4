"""The Quality Assurance Plan: actions about this person's care and record, never staff performance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.db import update_rows
from qaportal.fields import ChosenPersonField, DateField, TextField, people_to_choose
from qaportal.models import User
from qaportal.roles import Role
from standards.models import SectionKind

from ..models import QAPlanAction
from .base import Change, Problem, Section, yes_no
from .registry import register_section
from .rows import RowsForm


class QAActionForm(forms.Form):
    """One action of the plan. `id` is the saved action's id, so an action keeps its identity (and
    later its progress) when others around it are added or removed."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    description = TextField(label=gettext_lazy("Action"), required=False, size="medium", rows=3)
    due_date = DateField(label=gettext_lazy("Due by"), required=False)

    def __init__(self, *args, people: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        # The owner is a person of the council, who then sees the action on their home page.
        self.fields["owner"] = ChosenPersonField(
            people=people,
            label=_("Who will do it"),
            help_text=_("Type part of their name, role or team."),
            required=False,
        )
        self.order_fields(["id", "description", "owner", "due_date"])

    def clean(self):
        data = super().clean()
        if (data.get("owner") or data.get("due_date")) and not data.get("description"):
            self.add_error("description", _("Describe the action, or remove it"))
        return data


class QAPlanForm(RowsForm):
    """The plan's actions and the "no actions needed" box."""

    row_form = QAActionForm
    row_prefix = "action"
    row_name = gettext_lazy("Action")

    no_actions = forms.BooleanField(
        label=gettext_lazy("No actions are needed for this person's care or record"),
        required=False,
    )

    def row_is_filled(self, row: dict) -> bool:
        return bool((row.get("description") or "").strip())


@register_section(SectionKind.QA_PLAN)
class QAPlanSection(Section):
    kind = SectionKind.QA_PLAN
    template_name = "audits/sections/qa_plan.html"
    display_template = "audits/sections/display/qa_plan.html"
    prefetch_related = ("qa_actions",)

    def _actions(self) -> list[QAPlanAction]:
        return list(self.review.qa_actions.all())

    def form(self, data=None, *, add_row: bool = False) -> QAPlanForm:
        actions = self._actions()
        extra = 1 if add_row or not actions else 0  # an empty plan shows one blank action to fill in
        initial = [
            {"id": a.pk, "description": a.description, "owner": a.owner_person_id, "due_date": a.due_date}
            for a in actions
        ]
        return QAPlanForm(
            data,
            rows=initial,
            extra=extra,
            initial={"no_actions": self.review.no_qa_actions},
            # Everyone in the council, read once for all the rows.
            row_kwargs={"people": list(people_to_choose(council=self.review.council, roles=Role.values))},
        )

    def save(self, form: QAPlanForm, by: User) -> list[Change]:
        def fmt(description: str, owner: str, due) -> str:
            return f"{description} — {owner} — {due or ''}".strip(" —")

        existing = {a.pk: a for a in self._actions()}
        kept = form.kept_rows()
        changes = []
        no_actions = bool(form.cleaned_data.get("no_actions")) and not kept
        if no_actions != self.review.no_qa_actions:
            changes.append(Change(_("No actions needed"), yes_no(self.review.no_qa_actions), yes_no(no_actions)))
            self.review.no_qa_actions = no_actions
            self.review.save(update_fields=["no_qa_actions"])
        keep_ids: set[int] = set()
        to_create, to_update = [], []
        for order, row in enumerate(kept, start=1):
            description, person, due = row["description"].strip(), row.get("owner"), row.get("due_date")
            action = existing.get(row.get("id") or 0)
            # An action whose owner was written as words before owners were people keeps those words
            # until someone is chosen.
            owner = (
                person.get_full_name() if person else (action.owner if action and not action.owner_person_id else "")
            )
            if action is None:
                to_create.append(
                    QAPlanAction(
                        council=self.review.council,
                        review=self.review,
                        order=order,
                        description=description,
                        owner_person=person,
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
            if action.owner_person_id != (person.pk if person else None):
                action.owner_person = person
                if action not in to_update:
                    to_update.append(action)
        removed = [a for pk, a in existing.items() if pk in form.removed_ids() and pk not in keep_ids]
        for action in removed:
            changes.append(
                Change(_("QA plan action removed"), fmt(action.description, action.owner, action.due_date), "")
            )
        QAPlanAction.objects.filter(pk__in=[a.pk for a in removed]).delete()
        update_rows(
            to_update, ["order", "description", "owner", "owner_person", "due_date"], council=self.review.council
        )
        QAPlanAction.objects.bulk_create(to_create)
        getattr(self.review, "_prefetched_objects_cache", {}).pop("qa_actions", None)
        return changes

    def problems(self) -> list[Problem]:
        actions = self._actions()
        found = []
        for i, action in enumerate(actions):
            if not action.owner_person_id and not action.owner.strip():
                found.append(
                    Problem(f"id_action-{i}-owner", _("Choose who will do QA plan action %(n)s") % {"n": i + 1})
                )
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

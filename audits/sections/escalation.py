"""Escalation of an immediate safety, risk or legality concern: the group manager is told at once."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal import outbox
from qaportal.fields import TextField
from qaportal.models import User
from standards.models import SectionKind

from .. import events, notifications
from ..models import Escalation, ReviewEvent
from .base import Change, Section
from .registry import register_section


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


@register_section(SectionKind.ESCALATION)
class EscalationSection(Section):
    kind = SectionKind.ESCALATION
    template_name = "audits/sections/escalation.html"
    display_template = "audits/sections/display/escalation.html"
    prefetch_related = (
        lambda: Prefetch("escalations", queryset=Escalation.objects.select_related("raised_by", "acknowledged_by")),
    )

    def form(self, data=None, *, add_row: bool = False) -> EscalationForm:
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
        events.review_event_record(
            review=self.review, action=ReviewEvent.Action.ESCALATE, by=by, reason=escalation.get_concern_display()
        )
        outbox.enqueue(notifications.notify_escalation.name, [escalation.council_id, escalation.pk])
        return [Change(_("Escalation raised"), "", f"{escalation.get_concern_display()}: {escalation.detail}")]

    def is_started(self) -> bool:
        return bool(list(self.review.escalations.all()))

    def progress(self) -> str:
        return "completed" if self.is_started() else "not_started"

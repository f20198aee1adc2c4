"""The feedback section of a review: contact attempts, the person's words, or why they were not asked."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.sections import Change, Problem, Section, register_section
from audits.sections.base import shown
from audits.sections.rows import RowsForm
from qaportal.fields import DateField, OneLineField, TextField
from qaportal.models import User
from standards.models import SectionKind

from .links import share_panel
from .models import ContactAttempt, Contacted, Referral, ReviewFeedback
from .permissions import can_route_feedback

TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class ContactAttemptForm(forms.Form):
    """One attempt to reach the person, their representative or a professional. `id` is the saved
    attempt's, so it can be changed or removed later."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    date = DateField(label=gettext_lazy("Date"), required=False)
    time = forms.CharField(
        label=gettext_lazy("Time"),
        required=False,
        max_length=5,
        help_text=gettext_lazy("For example, 14:30"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    contacted = forms.ChoiceField(
        label=gettext_lazy("Who did you try to contact?"),
        choices=Contacted.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    method = forms.ChoiceField(
        label=gettext_lazy("How?"), choices=ContactAttempt.Method.choices, widget=forms.RadioSelect, required=False
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("What happened?"),
        choices=ContactAttempt.Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    note = OneLineField(label=gettext_lazy("Note (optional)"), required=False, max_length=500)

    REQUIRED = {
        "date": gettext_lazy("Enter the date of the attempt"),
        "time": gettext_lazy("Enter the time of the attempt, for example 14:30"),
        "contacted": gettext_lazy("Say who you tried to contact"),
        "method": gettext_lazy("Say how you tried to contact them"),
        "outcome": gettext_lazy("Say what happened"),
    }

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in [*self.REQUIRED, "note"]):
            return data  # a blank row: nothing to record
        for name, message in self.REQUIRED.items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        time = (data.get("time") or "").strip()
        if time and not TIME_RE.match(time):
            self.add_error("time", _("Enter a time in 24-hour format, for example 14:30"))
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", _("The date of the attempt must be today or in the past"))
        return data

    @staticmethod
    def at(row: dict) -> dt.datetime:
        match = TIME_RE.match(row["time"].strip())
        assert match is not None  # checked in clean()
        hours, minutes = (int(x) for x in match.groups())
        return timezone.make_aware(dt.datetime.combine(row["date"], dt.time(hours, minutes)))


class FeedbackForm(RowsForm):
    """The attempts to reach people, then their feedback, or why there is none."""

    row_form = ContactAttemptForm
    row_prefix = "attempt"
    row_name = gettext_lazy("Contact attempt")

    given_by = forms.ChoiceField(
        label=gettext_lazy("Who gave feedback?"), choices=Contacted.choices, widget=forms.RadioSelect, required=False
    )
    feedback = TextField(label=gettext_lazy("Their feedback, in their words"), required=False, size="long", rows=6)
    anonymous = forms.BooleanField(label=gettext_lazy("They asked for their feedback to be anonymous"), required=False)
    no_contact_reason = forms.ChoiceField(
        label=gettext_lazy("If there is no feedback, why not?"),
        choices=ReviewFeedback.NoContactReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    no_contact_detail = TextField(
        label=gettext_lazy("Explain why"),
        required=False,
        size="medium",
        rows=3,
        help_text=gettext_lazy("Needed when there is no feedback."),
    )

    RECORD_FIELDS = ["given_by", "feedback", "anonymous", "no_contact_reason", "no_contact_detail"]

    def record_fields(self):
        return [self[name] for name in self.RECORD_FIELDS[:3]]

    def reason_fields(self):
        return [self[name] for name in self.RECORD_FIELDS[3:]]

    def clean(self):
        data = super().clean()
        if data.get("feedback", "").strip() and not data.get("given_by"):
            self.add_error("given_by", _("Say who gave the feedback"))
        return data


def _attempt_text(at: dt.datetime, contacted: str, method: str, outcome: str, note: str) -> str:
    text = (
        f"{timezone.localtime(at):%d/%m/%Y %H:%M} {ContactAttempt.Method(method).label} to "
        f"{Contacted(contacted).label} – {ContactAttempt.Outcome(outcome).label}"
    )
    return f"{text} ({note})" if note else text


@register_section(SectionKind.FEEDBACK)
class FeedbackSection(Section):
    kind = SectionKind.FEEDBACK
    template_name = "feedback/section.html"
    display_template = "feedback/_review_feedback.html"
    select_related = ("feedback",)
    prefetch_related = ("contact_attempts", "referrals")

    def _record(self) -> ReviewFeedback | None:
        try:
            return self.review.feedback
        except ReviewFeedback.DoesNotExist:
            return None

    def attempts(self) -> list[ContactAttempt]:
        return list(self.review.contact_attempts.all())

    def attempts_to_the_person(self) -> int:
        return sum(1 for a in self.attempts() if a.contacted != Contacted.PROFESSIONAL)

    @property
    def recommended(self) -> int:
        return self.review.council.recommended_contact_attempts

    def form(self, data=None, *, add_row: bool = False) -> FeedbackForm:
        record = self._record()
        initial = {f: getattr(record, f) for f in FeedbackForm.RECORD_FIELDS} if record else {}
        attempts = self.attempts()
        rows = [
            {
                "id": a.pk,
                "date": timezone.localtime(a.at).date(),
                "time": f"{timezone.localtime(a.at):%H:%M}",
                "contacted": a.contacted,
                "method": a.method,
                "outcome": a.outcome,
                "note": a.note,
            }
            for a in attempts
        ]
        # A blank attempt to fill in while fewer than the recommended number are logged.
        extra = 1 if add_row or len(attempts) < self.recommended else 0
        return FeedbackForm(data, rows=rows, extra=extra, initial=initial)

    def save(self, form: FeedbackForm, by: User) -> list[Change]:
        changes = self._save_attempts(form, by)
        record = self._record() or ReviewFeedback(council=self.review.council, review=self.review)
        changed = False
        for name in FeedbackForm.RECORD_FIELDS:
            old, new = getattr(record, name), form.cleaned_data.get(name)
            new = new if new is not None else (False if isinstance(old, bool) else "")
            if isinstance(new, str):
                new = new.strip()
            if old != new:
                field = form.fields[name]
                changes.append(Change(str(field.label), shown(field, old), shown(field, new)))
                setattr(record, name, new)
                changed = True
        if changed:
            record.save()
            self.review.feedback = record
        return changes

    def _save_attempts(self, form: FeedbackForm, by: User) -> list[Change]:
        existing = {a.pk: a for a in self.attempts()}
        kept: set[int] = set()
        changes = []
        for row in form.kept_rows():
            at = ContactAttemptForm.at(row)
            values = {
                "at": at,
                "contacted": row["contacted"],
                "method": row["method"],
                "outcome": row["outcome"],
                "note": (row.get("note") or "").strip(),
            }
            after = _attempt_text(at, values["contacted"], values["method"], values["outcome"], values["note"])
            attempt = existing.get(row.get("id") or 0)
            if attempt is None:
                ContactAttempt.objects.create(council=self.review.council, review=self.review, recorded_by=by, **values)
                changes.append(Change(_("Contact attempt"), "", after))
                continue
            kept.add(attempt.pk)
            before = _attempt_text(attempt.at, attempt.contacted, attempt.method, attempt.outcome, attempt.note)
            if before != after:
                for name, value in values.items():
                    setattr(attempt, name, value)
                attempt.save(update_fields=list(values))
                changes.append(Change(_("Contact attempt"), before, after))
        for attempt in existing.values():
            if attempt.pk in form.removed_ids() and attempt.pk not in kept:
                before = _attempt_text(attempt.at, attempt.contacted, attempt.method, attempt.outcome, attempt.note)
                attempt.delete()
                changes.append(Change(_("Contact attempt removed"), before, ""))
        getattr(self.review, "_prefetched_objects_cache", {}).pop("contact_attempts", None)
        return changes

    def problems(self) -> list[Problem]:
        record = self._record()
        if record is None and not self.required:
            return []  # "if applicable" (Coventry's observation): left alone, it holds nothing back
        has_feedback = bool(record and record.feedback.strip() and record.given_by)
        has_reason = bool(record and record.no_contact_reason and record.no_contact_detail.strip())
        if has_feedback:
            return []
        if (
            record
            and record.no_contact_reason == ReviewFeedback.NoContactReason.UNREACHABLE
            and (self.attempts_to_the_person() < self.recommended)
        ):
            return [
                Problem(
                    "new-row",
                    _(
                        "Log the %(n)s attempts to contact the person or their representative before recording "
                        "that they could not be reached"
                    )
                    % {"n": self.recommended},
                )
            ]
        if has_reason:
            return []
        if record and record.no_contact_reason:
            return [Problem("id_no_contact_detail", _("Explain why the person was not contacted for feedback"))]
        return [Problem("id_feedback", _("Record the person's feedback, or why they were not contacted"))]

    def nudge(self) -> str:
        """A prompt, not a rule: try the person (or their representative) before a professional."""
        record = self._record()
        tried = self.attempts_to_the_person()
        if record and record.given_by == Contacted.PROFESSIONAL and tried < self.recommended:
            return _(
                "You have recorded a professional's view after %(tried)s of the %(n)s recommended attempts to "
                "reach the person or their representative."
            ) % {"tried": tried, "n": self.recommended}
        if not (record and (record.feedback or record.no_contact_reason)) and tried < self.recommended:
            return _("%(tried)s of %(n)s recommended attempts to reach the person or their representative logged.") % {
                "tried": tried,
                "n": self.recommended,
            }
        return ""

    def is_started(self) -> bool:
        return self._record() is not None or bool(self.attempts())

    def extra_context(self, request) -> dict:
        return {
            **share_panel(request, self.review),
            "nudge": self.nudge(),
            "attempts": self.attempts(),
            "can_route": can_route_feedback(request.user, self.review),
            "complaints": [r for r in self.review.referrals.all() if r.kind == Referral.Kind.COMPLAINT],
            "compliments": [r for r in self.review.referrals.all() if r.kind == Referral.Kind.COMPLIMENT],
        }

"""Writes about feedback: public submissions, one-time links, compliments, complaints, best practice."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.events import review_event_record
from audits.models import BestPracticeNotice, Review, ReviewEvent
from qaportal import outbox
from qaportal.models import Council, User

from . import permissions, tasks
from .models import FeedbackLink, PublicFeedback, Referral


@transaction.atomic
def feedback_link_create(*, review: Review, by: User) -> FeedbackLink:
    if not permissions.can_share_feedback_link(by, review):
        raise PermissionDenied(_("Only the reviewer can share a feedback link for this review."))
    return FeedbackLink.objects.create(council=review.council, review=review, created_by=by)


def feedback_link_for(*, council: Council, token: str) -> FeedbackLink | None:
    """The unused link with this token in this council; a token from another council finds nothing."""
    return FeedbackLink.objects.filter(council=council, token=token, used_at__isnull=True).first()


@transaction.atomic
def public_feedback_submit(*, council: Council, form_kind: str, token: str = "", **fields) -> PublicFeedback:
    link = None
    if token:
        link = (
            FeedbackLink.objects.select_for_update().filter(council=council, token=token, used_at__isnull=True).first()
        )
    submission = PublicFeedback.objects.create(
        council=council, form=form_kind, review=link.review if link else None, **fields
    )
    if link is not None:
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return submission


@transaction.atomic
def public_feedback_mark_read(*, submission: PublicFeedback) -> PublicFeedback:
    if submission.status == PublicFeedback.Status.NEW:
        submission.status = PublicFeedback.Status.READ
        submission.save(update_fields=["status"])
    return submission


@transaction.atomic
def referral_make(
    *,
    council: Council,
    kind: str,
    by: User,
    text: str,
    review: Review | None = None,
    public_feedback: PublicFeedback | None = None,
) -> Referral:
    """Pass feedback on as a compliment or a complaint: recorded, marked on the review and the
    submission, and sent once to the council's address for it (by Celery, after the commit)."""
    if not text.strip():
        if kind == Referral.Kind.COMPLAINT:
            raise ValidationError({"summary": _("Summarise the complaint")})
        raise ValidationError(_("There is no feedback to log as a compliment yet."))
    if public_feedback is not None:
        # Lock the submission: a second click (or a colleague at the same time) finds the referral
        # already made rather than making a second one.
        PublicFeedback.objects.select_for_update().filter(pk=public_feedback.pk).first()
        existing = Referral.objects.filter(council=council, public_feedback=public_feedback, kind=kind).first()
        if existing is not None:
            return existing
    referral = Referral.objects.create(
        council=council, kind=kind, review=review, public_feedback=public_feedback, text=text.strip(), by=by
    )
    if public_feedback is not None:
        public_feedback.status = (
            PublicFeedback.Status.COMPLIMENT if kind == Referral.Kind.COMPLIMENT else PublicFeedback.Status.COMPLAINT
        )
        public_feedback.save(update_fields=["status"])
    if review is not None:
        review_event_record(
            review=review,
            action=ReviewEvent.Action.COMPLIMENT if kind == Referral.Kind.COMPLIMENT else ReviewEvent.Action.COMPLAINT,
            by=by,
        )
    outbox.enqueue(tasks.send_referral.name, [council.pk, referral.pk])
    return referral


@transaction.atomic
def best_practice_mark_shared(
    *, notice: BestPracticeNotice, shared_at: dt.date, shared_how: str, by: User | None = None
) -> BestPracticeNotice:
    if not shared_how.strip():
        raise ValidationError({"shared_how": _("Say how it was shared, for example Practice Week")})
    notice.shared_at, notice.shared_how = shared_at, shared_how.strip()
    notice.save(update_fields=["shared_at", "shared_how"])
    review_event_record(review=notice.review, action=ReviewEvent.Action.SHARE, by=by, reason=notice.shared_how)
    return notice

"""Writes about feedback: public submissions, one-time links, compliments, complaints, best practice."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import BestPracticeNotice, Review, ReviewEvent
from qaportal.models import Council, User

from . import permissions
from .models import ComplaintReferral, Compliment, FeedbackLink, PublicFeedback


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
def compliment_log(
    *,
    council: Council,
    by: User,
    text: str,
    review: Review | None = None,
    public_feedback: PublicFeedback | None = None,
) -> Compliment:
    """Record a compliment and send it to the council's compliments address (once, by Celery)."""
    if not text.strip():
        raise ValidationError(_("There is no feedback to log as a compliment yet."))
    if public_feedback is not None:
        PublicFeedback.objects.select_for_update().filter(pk=public_feedback.pk).first()
        existing = Compliment.objects.filter(public_feedback=public_feedback).first()
        if existing is not None:
            return existing
    compliment = Compliment.objects.create(
        council=council, review=review, public_feedback=public_feedback, text=text.strip(), logged_by=by
    )
    if public_feedback is not None:
        public_feedback.status = PublicFeedback.Status.COMPLIMENT
        public_feedback.save(update_fields=["status"])
    if review is not None:
        ReviewEvent.objects.create(
            council=council,
            review=review,
            by=by,
            action="compliment",
            from_status=review.status,
            to_status=review.status,
        )
    from .tasks import send_compliment

    transaction.on_commit(lambda: send_compliment.delay(council.pk, compliment.pk))
    return compliment


@transaction.atomic
def complaint_refer(
    *,
    council: Council,
    by: User,
    summary: str,
    review: Review | None = None,
    public_feedback: PublicFeedback | None = None,
) -> ComplaintReferral:
    """Route a complaint to the council's complaints contact and mark it on the review."""
    if not summary.strip():
        raise ValidationError({"summary": _("Summarise the complaint")})
    if public_feedback is not None:
        # Lock the submission: a second click (or a colleague at the same time) finds the referral
        # already made rather than making a second one.
        PublicFeedback.objects.select_for_update().filter(pk=public_feedback.pk).first()
        existing = ComplaintReferral.objects.filter(public_feedback=public_feedback).first()
        if existing is not None:
            return existing
    referral = ComplaintReferral.objects.create(
        council=council, review=review, public_feedback=public_feedback, summary=summary.strip(), raised_by=by
    )
    if public_feedback is not None:
        public_feedback.status = PublicFeedback.Status.COMPLAINT
        public_feedback.save(update_fields=["status"])
    if review is not None:
        ReviewEvent.objects.create(
            council=council,
            review=review,
            by=by,
            action="complaint",
            from_status=review.status,
            to_status=review.status,
            reason=_("Complaint referred to the complaints team"),
        )
    from .tasks import send_complaint

    transaction.on_commit(lambda: send_complaint.delay(council.pk, referral.pk))
    return referral


@transaction.atomic
def best_practice_mark_shared(*, notice: BestPracticeNotice, shared_at: dt.date, shared_how: str) -> BestPracticeNotice:
    if not shared_how.strip():
        raise ValidationError({"shared_how": _("Say how it was shared, for example Practice Week")})
    notice.shared_at, notice.shared_how = shared_at, shared_how.strip()
    notice.save(update_fields=["shared_at", "shared_how"])
    return notice

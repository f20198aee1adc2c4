"""Emails about reviews, sent by Celery after the change that causes them has committed."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from qaportal.models import Council, User
from qaportal.roles import Role
from qaportal.tasks import CouncilTask

from .models import Escalation, Review

logger = logging.getLogger(__name__)


def _link(council: Council, name: str, **kwargs) -> str:
    return settings.QAPORTAL_BASE_URL.rstrip("/") + reverse(name, kwargs={"council_slug": council.slug, **kwargs})


def group_managers_for(review: Review) -> list[User]:
    return list(
        User.objects.filter(
            memberships__council=review.council,
            memberships__role=Role.GROUP_MANAGER,
            memberships__team_id=review.case.team_id,
            is_active=True,
        ).distinct()
    )


def _send(subject: str, template: str, context: dict, recipients: list[User]) -> list[str]:
    emails = [u.email for u in recipients]
    if emails:
        send_mail(subject=subject, message=render_to_string(template, context), from_email=None, recipient_list=emails)
    return emails


@shared_task(base=CouncilTask, name="audits.notify_escalation")
def notify_escalation(council: Council, escalation_id: int) -> list[str]:
    escalation = (
        Escalation.objects.filter(council=council, pk=escalation_id)
        .select_related("review__case__team", "review__template_version__template", "raised_by")
        .first()
    )
    if escalation is None:
        return []
    review = escalation.review
    managers = group_managers_for(review)
    sent = _send(
        f"Escalation from a {review.template_version.template}: PIN {review.case.pin} needs immediate action",
        "audits/email/escalation.txt",
        {
            "escalation": escalation,
            "review": review,
            "council": council,
            "link": _link(council, "audits:review_view", review_pk=review.pk),
        },
        managers,
    )
    if not managers:
        logger.error(
            "Escalation %s in %s: no group manager over team %s.", escalation.pk, council.slug, review.case.team_id
        )
    escalation.notified_at = timezone.now()
    escalation.save(update_fields=["notified_at"])
    return sent


@shared_task(base=CouncilTask, name="audits.notify_review_submitted")
def notify_review_submitted(council: Council, review_id: int) -> list[str]:
    review = (
        Review.objects.filter(council=council, pk=review_id)
        .select_related("case__team", "template_version__template", "reviewer")
        .first()
    )
    if review is None or review.status != Review.Status.SUBMITTED:
        return []
    return _send(
        f"{review.template_version.template} of PIN {review.case.pin} is ready to authorise",
        "audits/email/submitted.txt",
        {"review": review, "council": council, "link": _link(council, "audits:authorise", review_pk=review.pk)},
        group_managers_for(review),
    )


@shared_task(base=CouncilTask, name="audits.notify_review_returned")
def notify_review_returned(council: Council, review_id: int) -> list[str]:
    review = (
        Review.objects.filter(council=council, pk=review_id)
        .select_related("case", "template_version__template", "reviewer", "delegate")
        .first()
    )
    if review is None or review.status != Review.Status.RETURNED:
        return []
    event = review.events.filter(action="return").order_by("-at").select_related("by").first()
    recipients = [u for u in [review.reviewer, review.delegate] if u]
    return _send(
        f"Your {review.template_version.template} of PIN {review.case.pin} has been returned",
        "audits/email/returned.txt",
        {
            "review": review,
            "event": event,
            "council": council,
            "link": _link(council, "audits:review", review_pk=review.pk),
        },
        recipients,
    )

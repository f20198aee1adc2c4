"""Compliments and complaints are emailed once each, by Celery, after the change commits."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from qaportal.emails import send_email
from qaportal.models import Council
from qaportal.tasks import CouncilTask

from .models import ComplaintReferral, Compliment

logger = logging.getLogger(__name__)


def _send_once(model, pk: int, council: Council, address: str, subject: str, template: str) -> str:
    with transaction.atomic():
        item = model.objects.select_for_update().filter(council=council, pk=pk).first()
        if item is None or item.sent_at is not None:
            return ""  # already sent: a retried or duplicated task sends nothing more
        if not address:
            logger.error("%s %s in %s: the council has no address configured.", model.__name__, pk, council.slug)
            return ""
        send_email(to=[address], subject=subject, template=template, context={"item": item, "council": council})
        item.sent_at = timezone.now()
        item.save(update_fields=["sent_at"])
        return address


@shared_task(base=CouncilTask, name="feedback.send_compliment")
def send_compliment(council: Council, compliment_id: int) -> str:
    return _send_once(
        Compliment,
        compliment_id,
        council,
        council.compliments_email,
        f"A compliment for {council.department}",
        "feedback/email/compliment.txt",
    )


@shared_task(base=CouncilTask, name="feedback.send_complaint")
def send_complaint(council: Council, referral_id: int) -> str:
    return _send_once(
        ComplaintReferral,
        referral_id,
        council,
        council.complaints_email,
        "A complaint raised while giving feedback",
        "feedback/email/complaint.txt",
    )

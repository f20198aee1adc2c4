"""Compliments and complaints are e-mailed once each, by Celery, after the change that makes them commits."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from qaportal.emails import send_once
from qaportal.models import Council
from qaportal.tasks import CouncilTask

from .models import Referral

logger = logging.getLogger(__name__)

ROUTES = {
    Referral.Kind.COMPLIMENT: ("compliments_email", "A compliment for {department}", "feedback/email/compliment.txt"),
    Referral.Kind.COMPLAINT: (
        "complaints_email",
        "A complaint raised while giving feedback",
        "feedback/email/complaint.txt",
    ),
}


@shared_task(base=CouncilTask, name="feedback.send_referral")
def send_referral(council: Council, referral_id: int) -> str:
    """Send the compliment or complaint to the council's address for it; a retried task sends nothing more."""
    referral = Referral.objects.filter(council=council, pk=referral_id).first()
    if referral is None:
        return ""
    field, subject, template = ROUTES[referral.kind]
    address = getattr(council, field)
    if not address:
        logger.error("%s %s in %s: the council has no address configured.", referral.kind, referral.pk, council.slug)
        return ""
    sent = send_once(
        council=council,
        purpose=f"referral-{referral.kind}",
        key=f"referral-{referral.pk}",
        address=address,
        subject=subject.format(department=council.department),
        template=template,
        context={"item": referral},
    )
    if not sent:
        return ""
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now())
    return address

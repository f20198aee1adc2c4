"""E-mails about reviews, sent by Celery once the change that causes them has committed, each once only."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from qaportal.emails import absolute_url, send_once
from qaportal.models import Council
from qaportal.selectors import group_managers_of
from qaportal.tasks import CouncilTask

from .models import Escalation, Review, ReviewEvent

logger = logging.getLogger(__name__)


def _link(council: Council, name: str, **kwargs) -> str:
    return absolute_url(name, council_slug=council.slug, **kwargs)


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
    managers = list(group_managers_of(council=council, team_id=review.case.team_id))
    if not managers:
        logger.error(
            "Escalation %s in %s: no group manager over team %s.", escalation.pk, council.slug, review.case.team_id
        )
    sent = [
        manager.email
        for manager in managers
        if send_once(
            council=council,
            purpose="escalation",
            key=f"escalation-{escalation.pk}",
            recipient=manager,
            subject=f"Escalation from a {review.template_version.template}: {review.case} needs immediate action",
            template="audits/email/escalation.txt",
            context={
                "escalation": escalation,
                "review": review,
                "link": _link(council, "audits:review_view", review_pk=review.pk),
            },
        )
    ]
    escalation.notified_at = timezone.now()
    escalation.save(update_fields=["notified_at"])
    return sent


def _latest(review: Review, action: str) -> ReviewEvent | None:
    return review.events.filter(action=action).select_related("by").order_by("-at", "-pk").first()


@shared_task(base=CouncilTask, name="audits.notify_review_submitted")
def notify_review_submitted(council: Council, review_id: int) -> list[str]:
    review = (
        Review.objects.filter(council=council, pk=review_id)
        .select_related("case__team", "template_version__template", "reviewer")
        .first()
    )
    if review is None or review.status != Review.Status.SUBMITTED:
        return []
    event = _latest(review, ReviewEvent.Action.SUBMIT)
    return [
        manager.email
        for manager in group_managers_of(council=council, team_id=review.case.team_id)
        if send_once(
            council=council,
            purpose="submitted",
            key=f"review-{review.pk}-event-{event.pk if event else 0}",
            recipient=manager,
            subject=f"{review.template_version.template} of {review.case} is ready to authorise",
            template="audits/email/submitted.txt",
            context={"review": review, "link": _link(council, "audits:authorise", review_pk=review.pk)},
        )
    ]


@shared_task(base=CouncilTask, name="audits.notify_review_returned")
def notify_review_returned(council: Council, review_id: int) -> list[str]:
    review = (
        Review.objects.filter(council=council, pk=review_id)
        .select_related("case", "template_version__template", "reviewer", "delegate")
        .first()
    )
    if review is None or review.status != Review.Status.RETURNED:
        return []
    event = _latest(review, ReviewEvent.Action.RETURN)
    return [
        person.email
        for person in [review.reviewer, review.delegate]
        if person is not None
        and send_once(
            council=council,
            purpose="returned",
            key=f"review-{review.pk}-event-{event.pk if event else 0}",
            recipient=person,
            subject=f"Your {review.template_version.template} of {review.case} has been returned",
            template="audits/email/returned.txt",
            context={"review": review, "event": event, "link": _link(council, "audits:review", review_pk=review.pk)},
        )
    ]


@shared_task(base=CouncilTask, name="audits.notify_review_allocated")
def notify_review_allocated(council: Council, review_id: int) -> list[str]:
    """Tell the reviewer (and their delegate) what they have to complete, by when, with the link."""
    review = (
        Review.objects.filter(council=council, pk=review_id)
        .select_related("case__team", "template_version__template", "reviewer", "delegate", "allocated_by")
        .first()
    )
    if review is None or not review.is_open:
        return []
    template = review.template_version.template
    due = f" by {review.due_date:%-d %B %Y}" if review.due_date else ""
    return [
        person.email
        for person in [review.reviewer, review.delegate]
        if person is not None
        and person.pk != review.allocated_by_id  # nobody is told of work they gave themselves
        and send_once(
            council=council,
            purpose="allocated",
            key=f"review-{review.pk}-allocated-{person.pk}",
            recipient=person,
            subject=f"You have a {template} to complete{due}: {review.case}",
            template="audits/email/allocated.txt",
            context={
                "review": review,
                "person": person,
                "link": _link(council, "audits:review", review_pk=review.pk),
            },
        )
    ]


@shared_task(base=CouncilTask, name="audits.notify_worker_part")
def notify_worker_part(council: Council, review_id: int, part: str) -> list[str]:
    """Ask the worker whose practice is audited to complete their own part of the form (Coventry's
    observation Part 1), with the link. Once per review, however often the task runs."""
    review = (
        Review.objects.filter(council=council, pk=review_id)
        .select_related("case__responsible_worker", "template_version__template", "reviewer")
        .first()
    )
    if review is None or not review.is_open or review.case.responsible_worker is None:
        return []
    worker = review.case.responsible_worker
    sent = send_once(
        council=council,
        purpose="worker_part",
        key=f"review-{review.pk}-worker-part",
        recipient=worker,
        subject=f"Your part of a {review.template_version.template} with {review.reviewer}",
        template="audits/email/worker_part.txt",
        context={
            "review": review,
            "person": worker,
            "part": part,
            "link": _link(council, "audits:section", review_pk=review.pk, kind="worker_part"),
        },
    )
    return [worker.email] if sent else []


@shared_task(base=CouncilTask, name="audits.notify_review_authorised")
def notify_review_authorised(council: Council, review_id: int) -> list[str]:
    """Tell the reviewer and delegate their review is authorised, and the case's worker that they can
    now read what it found."""
    review = (
        Review.objects.filter(council=council, pk=review_id)
        .select_related(
            "case__responsible_worker", "template_version__template", "reviewer", "delegate", "authorised_by"
        )
        .first()
    )
    if review is None or review.status != Review.Status.AUTHORISED:
        return []
    template = review.template_version.template
    sent = []
    for person, is_worker in [
        (review.reviewer, False),
        (review.delegate, False),
        (review.case.responsible_worker, True),
    ]:
        if person is None or person.pk == review.authorised_by_id:
            continue
        if send_once(
            council=council,
            purpose="authorised",
            key=f"review-{review.pk}-authorised-{person.pk}",
            recipient=person,
            subject=(
                f"The {template} of your case PIN {review.case.pin} is ready to read"
                if is_worker
                else f"Your {template} of {review.case} has been authorised"
            ),
            template="audits/email/authorised.txt",
            context={
                "review": review,
                "is_worker": is_worker,
                "link": _link(council, "audits:review_view", review_pk=review.pk),
            },
        ):
            sent.append(person.email)
    return sent

"""Emails about reviews, sent by Celery after the change that causes them has committed."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qaportal.calendar import working_days_between
from qaportal.emails import send_email
from qaportal.models import Council, User
from qaportal.roles import Role
from qaportal.tasks import CouncilTask

from .models import CaseSample, Escalation, ExpectedReview, Notification, Review, SampleCase

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
    return send_email(to=[u.email for u in recipients], subject=subject, template=template, context=context)


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


# --- the programme: monthly run, MI notices, reminders and digests -------------------------------


def _today(today: str | None) -> dt.date:
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(name="audits.programme_monthly")
def programme_monthly(today: str | None = None) -> list[int]:
    """Beat runs this every morning; on and after the first working day of the month it fans out one
    task per council (a council whose month is already done does nothing)."""
    from .programme import is_run_day

    day = _today(today)
    if not is_run_day(day):
        return []
    ids = list(Council.objects.filter(is_active=True).values_list("pk", flat=True))
    for council_id in ids:
        programme_run_council.delay(council_id, day.replace(day=1).isoformat())
    return ids


@shared_task(base=CouncilTask, name="audits.programme_run_council")
def programme_run_council(council: Council, period: str) -> dict:
    from .programme import run_month_for_all

    (report,) = run_month_for_all(period=dt.date.fromisoformat(period), councils=Council.objects.filter(pk=council.pk))
    return {
        "council": report.council,
        "expected_created": report.expected_created,
        "samples_created": report.samples_created,
        "skipped": report.skipped,
        "error": report.error,
    }


@shared_task(base=CouncilTask, name="audits.notify_mi_team")
def notify_mi_team(council: Council, sample_id: int) -> list[str]:
    sample = CaseSample.objects.filter(council=council, pk=sample_id).select_related("group_manager").first()
    if sample is None or not council.mi_team_email:
        return []
    flagged = list(sample.cases.filter(reviewed_recently=True, mi_notified_at__isnull=True).select_related("case"))
    if not flagged:
        return []
    send_email(
        to=[council.mi_team_email],
        subject=f"Sampled PINs reviewed in the last {council.lookback_months} months ({sample.period:%B %Y})",
        template="audits/email/mi_team.txt",
        context={"sample": sample, "flagged": flagged, "council": council},
    )
    SampleCase.objects.filter(pk__in=[f.pk for f in flagged]).update(mi_notified_at=timezone.now())
    return [council.mi_team_email]


def _send_once(
    council: Council, kind: str, key: str, recipient: User, subject: str, template: str, context: dict
) -> bool:
    """Record the notification and send it in one transaction: it is sent once, or not at all."""
    try:
        with transaction.atomic():
            Notification.objects.create(council=council, kind=kind, key=key, recipient=recipient)
            send_email(
                to=[recipient.email], subject=subject, template=template, context={**context, "council": council}
            )
    except IntegrityError:
        return False  # already sent
    return True


@shared_task(name="audits.send_reminders")
def send_reminders(today: str | None = None) -> None:
    for council_id in Council.objects.filter(is_active=True).values_list("pk", flat=True):
        send_council_reminders.delay(council_id, _today(today).isoformat())


@shared_task(base=CouncilTask, name="audits.send_council_reminders")
def send_council_reminders(council: Council, today: str) -> dict:
    """Reminders before the deadline and an overdue notice after it, each sent once."""
    day = dt.date.fromisoformat(today)
    sent = {"reminder": 0, "overdue": 0}
    open_expected = (
        ExpectedReview.objects.filter(council=council, period__lte=day)
        .exclude(review__status__in=[Review.Status.SUBMITTED, Review.Status.AUTHORISED, Review.Status.CANCELLED])
        .select_related("person", "template", "review__case")
    )
    for expected in open_expected:
        if day > expected.due_date:
            kind, template = "overdue", "audits/email/overdue.txt"
            subject = f"Overdue: your {expected.template} for {expected.period:%B %Y}"
        elif working_days_between(day, expected.due_date) == council.reminder_working_days:
            kind, template = "reminder", "audits/email/reminder.txt"
            subject = f"Reminder: your {expected.template} is due by {expected.due_date:%-d %B}"
        else:
            continue
        link = _link(council, "audits:my_reviews")
        if _send_once(
            council,
            kind,
            f"expected-{expected.pk}",
            expected.person,
            subject,
            template,
            {"expected": expected, "link": link},
        ):
            sent[kind] += 1
    return sent


@shared_task(name="audits.send_weekly_digests")
def send_weekly_digests(today: str | None = None) -> None:
    for council_id in Council.objects.filter(is_active=True).values_list("pk", flat=True):
        send_council_digests.delay(council_id, _today(today).isoformat())


@shared_task(base=CouncilTask, name="audits.send_council_digests")
def send_council_digests(council: Council, today: str) -> int:
    """Each group manager's weekly digest of their teams' outstanding and overdue reviews, once a week."""
    from .programme import outstanding_for_group_manager

    day = dt.date.fromisoformat(today)
    week = f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
    sent = 0
    managers = User.objects.filter(memberships__council=council, memberships__role=Role.GROUP_MANAGER).distinct()
    for manager in managers:
        outstanding = outstanding_for_group_manager(council=council, user=manager, today=day)
        if not outstanding:
            continue
        sent += _send_once(
            council,
            "digest",
            week,
            manager,
            f"Your teams' reviews: week of {day:%-d %B %Y}",
            "audits/email/digest.txt",
            {
                "outstanding": outstanding,
                "today": day,
                "overdue": [e for e in outstanding if e.due_date < day],
                "link": _link(council, "audits:allocation"),
            },
        )
    return sent

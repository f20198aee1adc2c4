"""E-mails of the programme — the MI team's notice, reminders, overdue notices and group managers'
weekly digests — sent by Celery, each once only."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from qaportal.calendar import working_days_between
from qaportal.emails import absolute_url, send_email, send_once
from qaportal.models import Council, User
from qaportal.roles import Role
from qaportal.tasks import CouncilTask

from ..models import CaseSample, ExpectedReview, Review, SampleCase
from ..reviews.selectors import overdue_qa_actions_over
from .selectors import outstanding_for_group_manager


def _link(council: Council, name: str) -> str:
    return absolute_url(name, council_slug=council.slug)


@shared_task(base=CouncilTask, name="audits.notify_sample_ready")
def notify_sample_ready(council: Council, sample_id: int) -> bool:
    """Tell a group manager their month's sample is ready to allocate, once per sample."""
    sample = CaseSample.objects.filter(council=council, pk=sample_id).select_related("group_manager").first()
    if sample is None:
        return False
    return send_once(
        council=council,
        purpose="sample_ready",
        key=f"sample-{sample.pk}",
        recipient=sample.group_manager,
        subject=f"Your sample of cases for {sample.period:%B %Y} is ready to allocate",
        template="audits/email/sample_ready.txt",
        context={
            "sample": sample,
            "cases": sample.cases.filter(reviewed_recently=False).count(),
            "link": f"{_link(council, 'audits:allocation')}?month={sample.period:%Y-%m}",
        },
    )


@shared_task(base=CouncilTask, name="audits.notify_mi_team")
def notify_mi_team(council: Council, sample_id: int) -> list[str]:
    """Tell the MI team which of the PINs they sent were reviewed within the look-back window."""
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
            purpose, template = "overdue", "audits/email/overdue.txt"
            subject = f"Overdue: your {expected.template} for {expected.period:%B %Y}"
        elif working_days_between(day, expected.due_date) == council.reminder_working_days:
            purpose, template = "reminder", "audits/email/reminder.txt"
            subject = f"Reminder: your {expected.template} is due by {expected.due_date:%-d %B}"
        else:
            continue
        if send_once(
            council=council,
            purpose=purpose,
            key=f"expected-{expected.pk}",
            recipient=expected.person,
            subject=subject,
            template=template,
            context={"expected": expected, "link": _link(council, "audits:my_reviews")},
        ):
            sent[purpose] += 1
    return sent


@shared_task(base=CouncilTask, name="audits.send_council_digests")
def send_council_digests(council: Council, today: str) -> int:
    """Each group manager's weekly digest of their teams' outstanding and overdue reviews, and QA plan
    actions past their due date, once a week."""
    day = dt.date.fromisoformat(today)
    week = f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
    sent = 0
    managers = User.objects.filter(memberships__council=council, memberships__role=Role.GROUP_MANAGER).distinct()
    for manager in managers:
        outstanding = outstanding_for_group_manager(council=council, user=manager, today=day)
        overdue_actions = list(overdue_qa_actions_over(council=council, user=manager, today=day))
        if not outstanding and not overdue_actions:
            continue
        sent += send_once(
            council=council,
            purpose="digest",
            key=week,
            recipient=manager,
            subject=f"Your teams' reviews: week of {day:%-d %B %Y}",
            template="audits/email/digest.txt",
            context={
                "outstanding": outstanding,
                "today": day,
                "overdue": [e for e in outstanding if e.due_date < day],
                "overdue_actions": overdue_actions,
                "link": _link(council, "audits:allocation"),
            },
        )
    return sent

"""The programme's beat tasks: each morning they fan out one task per council; each council's task
decides for itself whether today is a day to act, so a missed morning is caught up the next day."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from qaportal.models import Council
from qaportal.tasks import CouncilTask

from .notifications import send_council_digests, send_council_reminders
from .selectors import is_run_day
from .services import run_month_for_all


def _today(today: str | None) -> dt.date:
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(name="audits.programme_monthly")
def programme_monthly(today: str | None = None) -> list[int]:
    """On and after the first working day of the month, one run per council (a council whose month is
    already done does nothing)."""
    day = _today(today)
    if not is_run_day(day):
        return []
    ids = list(Council.objects.filter(is_active=True).values_list("pk", flat=True))
    for council_id in ids:
        programme_run_council.delay(council_id, day.replace(day=1).isoformat())
    return ids


@shared_task(base=CouncilTask, name="audits.programme_run_council")
def programme_run_council(council: Council, period: str) -> dict:
    (report,) = run_month_for_all(period=dt.date.fromisoformat(period), councils=Council.objects.filter(pk=council.pk))
    return {
        "council": report.council,
        "expected_created": report.expected_created,
        "samples_created": report.samples_created,
        "skipped": report.skipped,
        "error": report.error,
    }


@shared_task(name="audits.send_reminders")
def send_reminders(today: str | None = None) -> None:
    for council_id in Council.objects.filter(is_active=True).values_list("pk", flat=True):
        send_council_reminders.delay(council_id, _today(today).isoformat())


@shared_task(name="audits.send_weekly_digests")
def send_weekly_digests(today: str | None = None) -> None:
    for council_id in Council.objects.filter(is_active=True).values_list("pk", flat=True):
        send_council_digests.delay(council_id, _today(today).isoformat())

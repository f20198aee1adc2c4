"""Reporting's Celery tasks: each morning, the monthly compliance report for the month before, asked
for once per council from the first working day of the month (and e-mailed when made, see reports)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from qaportal.models import Council
from qaportal.tasks import CouncilTask

from . import services


@shared_task(name="reporting.daily")
def reporting_daily(today: str | None = None) -> list[int]:
    """Fans out one task per council; beat may fire it any number of times."""
    day = today or timezone.localdate().isoformat()
    ids = list(Council.objects.filter(is_active=True).values_list("pk", flat=True))
    for council_id in ids:
        reporting_council_day.delay(council_id, day)
    return ids


@shared_task(base=CouncilTask, name="reporting.council_day")
def reporting_council_day(council: Council, today: str) -> int | None:
    document = services.scheduled_reports_request(council=council, today=dt.date.fromisoformat(today))
    return document.pk if document else None

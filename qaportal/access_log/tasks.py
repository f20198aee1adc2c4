"""The nightly purge: each council's access log kept to its own retention period."""

from __future__ import annotations

from celery import shared_task

from ..models import Council
from ..tasks import CouncilTask
from .services import access_log_purge


@shared_task(name="qaportal.access_log_purge")
def access_log_purge_all() -> list[int]:
    """Once a day: one purge per council. Every council, active or not: a council that has left keeps
    no access records beyond its retention either."""
    ids = list(Council.objects.values_list("pk", flat=True))
    for council_id in ids:
        access_log_purge_council.delay(council_id)
    return ids


@shared_task(base=CouncilTask, name="qaportal.access_log_purge_council")
def access_log_purge_council(council: Council) -> int:
    return access_log_purge(council=council)

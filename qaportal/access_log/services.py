"""Writes to the access log: recording one access, and deleting what is past the council's retention."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import AccessRecord, Council, User

# Rows deleted per statement by the nightly purge: small enough that no single DELETE holds its locks
# or fills the write-ahead log for long, even on the first night after a council shortens its period.
PURGE_BATCH = 5_000


def record_access(*, council: Council, by: User, action: str, kind: str, object_id: int | str = "", label: str) -> None:
    """Note that `by` viewed, downloaded or exported something: one INSERT and no reads, so a page
    pays the same whatever the size of its log. `label` names the thing by its id and kind, never by
    the person it is about (no PIN, no name)."""
    AccessRecord.objects.create(
        council=council,
        user=by if by.is_authenticated else None,
        action=action,
        kind=kind,
        object_id=str(object_id)[:40],
        label=label[:200],
    )


def record_report_download(*, council: Council, by: User, document) -> None:
    """A generated report's PDF (a `Document`) handed out: by its id and title."""
    record_access(
        council=council,
        by=by,
        action=AccessRecord.Action.DOWNLOADED,
        kind=AccessRecord.Kind.REPORT_PDF,
        object_id=document.pk,
        label=document.title,
    )


def access_log_purge(*, council: Council, now: dt.datetime | None = None, batch: int = PURGE_BATCH) -> int:
    """Delete `council`'s access records older than its retention period, in batches; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=council.access_log_retention_days)
    deleted = 0
    while True:
        ids = list(
            AccessRecord.objects.filter(council=council, at__lt=cutoff)
            .order_by("at")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return deleted
        count, _by_model = AccessRecord.objects.filter(council=council, pk__in=ids).delete()
        deleted += count

"""Reads of the access log. Each takes the council explicitly."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from ..models import AccessRecord, Council, User


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log(
    *,
    council: Council,
    person: User | None = None,
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[AccessRecord]:
    """The council's access records, newest first, for one person, one kind of thing and from `start`
    to `end` (whole days in the council's time zone, both included) where given."""
    records = AccessRecord.objects.filter(council=council)
    if person is not None:
        records = records.filter(user=person)
    if kind:
        records = records.filter(kind=kind)
    if start is not None:
        records = records.filter(at__gte=_start_of(start))
    if end is not None:
        records = records.filter(at__lt=_start_of(end + dt.timedelta(days=1)))
    return records.select_related("user").order_by("-at", "-pk")

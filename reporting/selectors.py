"""Reads for reports and dashboards: aggregated in the database, a fixed number of queries whatever
the size of the council. Each takes the council explicitly."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import ExpectedReview, Review
from audits.models.reviews import COMPLETED_STATUSES
from qaportal.calendar import month_start
from qaportal.models import Council, Membership
from qaportal.roles import Role

GROUPINGS = ("team", "person", "group", "council")


def compliance(*, council: Council, period: dt.date, by: str = "team", today: dt.date | None = None) -> list[dict]:
    """Expected, allocated, completed, authorised and overdue reviews for the month, per person, team,
    group (group manager) or the council. A fixed number of queries, whatever the size."""
    today = today or timezone.localdate()
    rows = list(
        ExpectedReview.objects.filter(council=council, period=month_start(period)).values(
            "person_id",
            "person__first_name",
            "person__last_name",
            "team_id",
            "team__name",
            "due_date",
            "review__status",
        )
    )
    group_of: dict[int, str] = {}
    if by == "group":
        for team_id, first, last in Membership.objects.filter(council=council, role=Role.GROUP_MANAGER).values_list(
            "team_id", "user__first_name", "user__last_name"
        ):
            group_of.setdefault(team_id, f"{first} {last}")
    totals: dict[str, dict] = {}
    for row in rows:
        key = {
            "person": f"{row['person__first_name']} {row['person__last_name']}",
            "team": row["team__name"] or _("No team"),
            "group": group_of.get(row["team_id"], _("No group manager")),
            "council": council.name,
        }[by]
        t = totals.setdefault(
            key, {"name": key, "expected": 0, "allocated": 0, "completed": 0, "authorised": 0, "overdue": 0}
        )
        status = row["review__status"]
        t["expected"] += 1
        t["allocated"] += status is not None and status != Review.Status.CANCELLED
        t["completed"] += status in COMPLETED_STATUSES
        t["authorised"] += status == Review.Status.AUTHORISED
        t["overdue"] += status not in COMPLETED_STATUSES and row["due_date"] < today
    return sorted(totals.values(), key=lambda t: t["name"])

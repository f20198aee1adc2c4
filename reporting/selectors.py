"""Reads for reports and dashboards: aggregated in the database, a fixed number of queries whatever
the size of the council. Each takes the council explicitly."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import ExpectedReview, Review, StandardRating
from audits.models.reviews import COMPLETED_STATUSES
from qaportal.calendar import month_start
from qaportal.models import Council, Membership
from qaportal.roles import Role

from .cqc import STATEMENTS
from .models import StatementLink

GROUPINGS = ("team", "person", "area", "group", "council")


def compliance(*, council: Council, period: dt.date, by: str = "team", today: dt.date | None = None) -> list[dict]:
    """The month's compliance per person, team, area (the teams' service), group (group manager) or
    the whole council.

    Programme work is counted against what the programme expected: expected, allocated, completed
    (submitted or authorised), authorised and overdue. Reviews completed for the month that the
    programme did not ask for — a one-off allocation, an additional or self review — are counted
    apart, as additional reviews, so no completed work goes uncounted. Four queries, whatever the size."""
    today = today or timezone.localdate()
    month = month_start(period)
    expected = list(
        ExpectedReview.objects.filter(council=council, period=month).values(
            "person_id",
            "person__first_name",
            "person__last_name",
            "team_id",
            "team__name",
            "team__service",
            "due_date",
            "review__status",
        )
    )
    additional = list(
        Review.objects.filter(council=council, period=month, expected__isnull=True)
        .completed()
        .values("reviewer_id", "reviewer__first_name", "reviewer__last_name", "status")
    )
    # The team an additional review counts to is its reviewer's (their first team in this council).
    team_of_person: dict[int, tuple[int, str, str]] = {}
    for user_id, team_id, team_name, service in (
        Membership.objects.filter(
            council=council, user_id__in={r["reviewer_id"] for r in additional}, team__isnull=False
        )
        .exclude(role=Role.GROUP_MANAGER)
        .order_by("pk")
        .values_list("user_id", "team_id", "team__name", "team__service")
    ):
        team_of_person.setdefault(user_id, (team_id, team_name, service))
    group_of: dict[int, str] = {}
    if by == "group":
        for team_id, first, last in Membership.objects.filter(council=council, role=Role.GROUP_MANAGER).values_list(
            "team_id", "user__first_name", "user__last_name"
        ):
            group_of.setdefault(team_id, f"{first} {last}")

    def key(person: str, team_id: int | None, team_name: str | None, service: str | None) -> str:
        return {
            "person": person,
            "team": team_name or _("No team"),
            "area": service or _("No area"),
            "group": group_of.get(team_id or 0, _("No group manager")),
            "council": council.name,
        }[by]

    totals: dict[str, dict] = {}

    def row(name: str) -> dict:
        return totals.setdefault(name, {"name": name, **dict.fromkeys(COMPLIANCE_FIGURES, 0)})

    for e in expected:
        t = row(
            key(
                f"{e['person__first_name']} {e['person__last_name']}", e["team_id"], e["team__name"], e["team__service"]
            )
        )
        status = e["review__status"]
        t["expected"] += 1
        t["allocated"] += status is not None and status != Review.Status.CANCELLED
        t["completed"] += status in COMPLETED_STATUSES
        t["authorised"] += status == Review.Status.AUTHORISED
        t["overdue"] += status not in COMPLETED_STATUSES and e["due_date"] < today
    for r in additional:
        team_id, team_name, service = team_of_person.get(r["reviewer_id"], (None, None, None))
        t = row(key(f"{r['reviewer__first_name']} {r['reviewer__last_name']}", team_id, team_name, service))
        t["additional"] += 1
        t["additional_authorised"] += r["status"] == Review.Status.AUTHORISED
    return sorted(totals.values(), key=lambda t: t["name"])


# The figures of each compliance row, in the order tables and exports show them.
COMPLIANCE_FIGURES = [
    "expected",
    "allocated",
    "completed",
    "authorised",
    "overdue",
    "additional",
    "additional_authorised",
]
COMPLIANCE_HEADINGS = {
    "expected": "Expected",
    "allocated": "Allocated",
    "completed": "Completed",
    "authorised": "Authorised",
    "overdue": "Overdue",
    "additional": "Additional reviews completed",
    "additional_authorised": "Additional reviews authorised",
}


# --- CQC quality statements ----------------------------------------------------------------------


def statement_links(*, council: Council) -> dict[tuple[str, str], list[str]]:
    """(form key, standard number) -> the quality statements it is evidence for."""
    links: dict[tuple[str, str], list[str]] = {}
    for key, number, statement in StatementLink.objects.filter(council=council).values_list(
        "template_key", "standard_number", "statement"
    ):
        links.setdefault((key, number), []).append(statement)
    return links


def evidence_by_statement(*, council: Council, start: dt.date, end: dt.date) -> list[dict]:
    """For each CQC quality statement: the reviews completed in the period on forms with a standard
    mapped to it, the ratings of those standards, and how many met the standard. Three queries,
    counted in the database, whatever the size of the council."""
    links = statement_links(council=council)
    completed = Review.objects.filter(
        council=council,
        status__in=COMPLETED_STATUSES,
        submitted_at__date__gte=start,
        submitted_at__date__lte=end,
    )
    reviews_by_form = dict(completed.values_list("template_version__template__key").annotate(n=Count("pk")).order_by())
    ratings = (
        StandardRating.objects.filter(council=council, review__in=completed, level__isnull=False)
        .values_list("review__template_version__template__key", "standard__number", "level__meets_standard")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {s.key: {"statement": s, "forms": set(), "rated": 0, "met": 0} for s in STATEMENTS}
    for (key, _number), statements in links.items():
        for statement in statements:
            found[statement]["forms"].add(key)
    for key, number, meets, n in ratings:
        for statement in links.get((key, number), []):
            found[statement]["rated"] += n
            found[statement]["met"] += n if meets else 0
    return [
        {
            "statement": item["statement"],
            "reviews": sum(reviews_by_form.get(key, 0) for key in item["forms"]),
            "rated": item["rated"],
            "met": item["met"],
            "share": item["met"] / item["rated"] if item["rated"] else None,
        }
        for item in found.values()
    ]

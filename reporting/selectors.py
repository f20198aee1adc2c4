"""Reads for reports and dashboards: aggregated in the database, a fixed number of queries whatever
the size of the council. Each takes the council explicitly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audits.models import (
    BestPracticeNotice,
    Escalation,
    ExpectedReview,
    QAPlanAction,
    Review,
    StandardRating,
)
from audits.models.reviews import COMPLETED_STATUSES
from feedback.models import Contacted, ReviewFeedback
from moderation.models import Verdict
from moderation.selectors import agreement_by, moderated_pairs
from qaportal.calendar import add_months, month_start
from qaportal.models import Council, Membership
from qaportal.roles import Role
from standards.selectors import current_versions

from .cqc import STATEMENTS
from .models import StatementLink

GROUPINGS = ("team", "person", "area", "group", "template", "month", "council")


@dataclass(frozen=True)
class Filters:
    """What a dashboard or report covers: the months from `start` to `end` (first days, inclusive),
    optionally only some teams (a group manager's) and one form. Every figure honours all three."""

    start: dt.date
    end: dt.date
    teams: frozenset[int] | None = None
    template: str | None = None

    @property
    def months(self) -> list[dt.date]:
        found, month = [], self.start
        while month <= self.end:
            found.append(month)
            month = add_months(month, 1)
        return found

    @property
    def end_day(self) -> dt.date:
        return add_months(self.end, 1) - dt.timedelta(days=1)

    def reviews(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """`queryset` narrowed to reviews (at `prefix`) counting towards these months, teams and form.
        A review's team is its case's: the team whose practice it looks at."""
        queryset = queryset.filter(**{f"{prefix}period__gte": self.start, f"{prefix}period__lte": self.end})
        if self.teams is not None:
            queryset = queryset.filter(**{f"{prefix}case__team_id__in": self.teams})
        if self.template:
            queryset = queryset.filter(**{f"{prefix}template_version__template__key": self.template})
        return queryset


def compliance(
    *,
    council: Council,
    period: dt.date,
    until: dt.date | None = None,
    by: str = "team",
    teams: Collection[int] | None = None,
    template: str | None = None,
    today: dt.date | None = None,
) -> list[dict]:
    """Compliance per person, team, area (the teams' service), group (group manager), form, month or
    the whole council, for the month of `period` (to the month of `until`, if given), for the given
    teams' people only and one form if asked.

    Programme work is counted against what the programme expected: expected, allocated, completed
    (submitted or authorised), authorised and overdue. Reviews completed for the month that the
    programme did not ask for — a one-off allocation, an additional or self review — are counted
    apart, as additional reviews, so no completed work goes uncounted. Four queries, whatever the size."""
    today = today or timezone.localdate()
    first, last = month_start(period), month_start(until or period)
    expected_rows = ExpectedReview.objects.filter(council=council, period__gte=first, period__lte=last)
    additional_rows = Review.objects.filter(
        council=council, period__gte=first, period__lte=last, expected__isnull=True
    ).completed()
    if teams is not None:
        expected_rows = expected_rows.filter(team_id__in=teams)
    if template:
        expected_rows = expected_rows.filter(template__key=template)
        additional_rows = additional_rows.filter(template_version__template__key=template)
    expected = list(
        expected_rows.values(
            "period",
            "person_id",
            "person__first_name",
            "person__last_name",
            "team_id",
            "team__name",
            "team__service",
            "template__name",
            "due_date",
            "review__status",
        )
    )
    additional = list(
        additional_rows.values(
            "period",
            "reviewer_id",
            "reviewer__first_name",
            "reviewer__last_name",
            "template_version__template__name",
            "status",
        )
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
        for team_id, first_name, last_name in Membership.objects.filter(
            council=council, role=Role.GROUP_MANAGER
        ).values_list("team_id", "user__first_name", "user__last_name"):
            group_of.setdefault(team_id, f"{first_name} {last_name}")

    def key(row_period, person: str, team_id: int | None, team_name, service, form: str) -> tuple[object, str]:
        if by == "month":
            return row_period, date_format(row_period, "M Y")
        name = {
            "person": person,
            "team": team_name or _("No team"),
            "area": service or _("No area"),
            "group": group_of.get(team_id or 0, _("No group manager")),
            "template": form,
            "council": council.name,
        }[by]
        return name, name

    totals: dict[object, dict] = {}

    def row(sort_and_name: tuple[object, str]) -> dict:
        sort, name = sort_and_name
        return totals.setdefault(sort, {"name": name, **dict.fromkeys(COMPLIANCE_FIGURES, 0)})

    for e in expected:
        t = row(
            key(
                e["period"],
                f"{e['person__first_name']} {e['person__last_name']}",
                e["team_id"],
                e["team__name"],
                e["team__service"],
                e["template__name"],
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
        if teams is not None and team_id not in teams:
            continue
        t = row(
            key(
                r["period"],
                f"{r['reviewer__first_name']} {r['reviewer__last_name']}",
                team_id,
                team_name,
                service,
                r["template_version__template__name"],
            )
        )
        t["additional"] += 1
        t["additional_authorised"] += r["status"] == Review.Status.AUTHORISED
    return [totals[k] for k in sorted(totals, key=str if by != "month" else None)]


def compliance_total(rows: list[dict]) -> dict:
    """The rows added up: the line under a compliance table."""
    return {"name": _("Total"), **{f: sum(r[f] for r in rows) for f in COMPLIANCE_FIGURES}}


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


# --- ratings -------------------------------------------------------------------------------------


def _completed(council: Council, filters: Filters) -> QuerySet[Review]:
    return filters.reviews(Review.objects.filter(council=council, status__in=COMPLETED_STATUSES))


def ratings_by_standard(*, council: Council, filters: Filters) -> list[dict]:
    """Every standard of each of the council's current forms (so a standard nobody rated still shows),
    with how many ratings each level of the form's scale had and the share meeting the standard.
    Standards are matched across versions of a form by number. Two queries plus the catalogue's."""
    counts: dict[tuple[str, str, str], int] = {}
    for key, number, code, n in (
        StandardRating.objects.filter(council=council, level__isnull=False, review__in=_completed(council, filters))
        .values_list("review__template_version__template__key", "standard__number", "level__code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(key, number, code)] = counts.get((key, number, code), 0) + n
    forms = []
    for version in current_versions(council=council):
        if filters.template and version.template.key != filters.template:
            continue
        levels = sorted(version.scale.levels.all(), key=lambda level: level.order) if version.scale else []
        standards = []
        for standard in version.standards.all():
            if not standard.rated:
                continue
            row = [counts.get((version.template.key, standard.number, level.code), 0) for level in levels]
            total = sum(row)
            met = sum(n for n, level in zip(row, levels, strict=True) if level.meets_standard)
            standards.append(
                {
                    "number": standard.number,
                    "title": standard.title,
                    "counts": row,
                    "total": total,
                    "met": met,
                    "share": met / total if total else None,
                }
            )
        if standards:
            forms.append(
                {"key": version.template.key, "name": version.template.name, "levels": levels, "standards": standards}
            )
    return forms


def ratings_trend(*, council: Council, filters: Filters) -> dict[str, dict[str, list[float | None]]]:
    """Form key -> standard number -> the share of ratings meeting the standard in each month of the
    filters (None for a month without ratings). One query."""
    found: dict[str, dict[str, dict[dt.date, list[int]]]] = {}
    for key, number, period, meets, n in (
        StandardRating.objects.filter(council=council, level__isnull=False, review__in=_completed(council, filters))
        .values_list(
            "review__template_version__template__key", "standard__number", "review__period", "level__meets_standard"
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tally = found.setdefault(key, {}).setdefault(number, {}).setdefault(period, [0, 0])
        tally[0] += n if meets else 0
        tally[1] += n
    months = filters.months
    return {
        key: {
            number: [100 * by_month[m][0] / by_month[m][1] if m in by_month else None for m in months]
            for number, by_month in standards.items()
        }
        for key, standards in found.items()
    }


def ratings_by_team(*, council: Council, filters: Filters) -> list[dict]:
    """Per team whose cases were reviewed: ratings given and the share meeting the standard. One query."""
    teams: dict[str, dict] = {}
    for name, meets, n in (
        StandardRating.objects.filter(council=council, level__isnull=False, review__in=_completed(council, filters))
        .values_list("review__case__team__name", "level__meets_standard")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        team = teams.setdefault(name, {"name": name, "rated": 0, "met": 0})
        team["rated"] += n
        team["met"] += n if meets else 0
    for team in teams.values():
        team["share"] = team["met"] / team["rated"] if team["rated"] else None
    return sorted(teams.values(), key=lambda t: t["name"])


# --- the person's feedback, QA plans, escalations, best practice --------------------------------


def feedback_summary(*, council: Council, filters: Filters, quotes: int = 6) -> dict:
    """For completed reviews: how many heard from the person, their representative, only a
    professional, or no one (and why not); and a few things people said, newest first, without names.
    Three queries."""
    reviews = _completed(council, filters)
    total = reviews.count()
    given = dict(
        ReviewFeedback.objects.filter(council=council, review__in=reviews)
        .exclude(given_by="")
        .values_list("given_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    reasons = dict(
        ReviewFeedback.objects.filter(council=council, review__in=reviews, given_by="")
        .exclude(no_contact_reason="")
        .values_list("no_contact_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    said = list(
        ReviewFeedback.objects.filter(council=council, review__in=reviews, given_by__in=["person", "representative"])
        .exclude(feedback="")
        .order_by("-review__submitted_at")
        .values_list("given_by", "feedback")[:quotes]
    )
    recorded = sum(given.values()) + sum(reasons.values())
    return {
        "reviews": total,
        "given": [(label, given.get(value, 0)) for value, label in Contacted.choices],
        "heard": given.get(Contacted.PERSON, 0) + given.get(Contacted.REPRESENTATIVE, 0),
        "reasons": [(label, reasons.get(value, 0)) for value, label in ReviewFeedback.NoContactReason.choices],
        "not_recorded": max(0, total - recorded),
        "share_heard": (given.get(Contacted.PERSON, 0) + given.get(Contacted.REPRESENTATIVE, 0)) / total
        if total
        else None,
        "said": [{"by": Contacted(by).label, "text": text} for by, text in said],
    }


def qa_actions_summary(*, council: Council, filters: Filters, today: dt.date | None = None) -> dict:
    """QA plan actions written in completed reviews: open (and how many of those overdue), done and
    not needed. One query."""
    today = today or timezone.localdate()
    actions = QAPlanAction.objects.filter(council=council, review__in=_completed(council, filters))
    figures = actions.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=QAPlanAction.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=QAPlanAction.Status.OPEN, due_date__lt=today)),
        done=Count("pk", filter=Q(status=QAPlanAction.Status.DONE)),
        not_needed=Count("pk", filter=Q(status=QAPlanAction.Status.NOT_NEEDED)),
    )
    return figures


def escalations_summary(*, council: Council, filters: Filters) -> list[dict]:
    """Escalations raised in the period's reviews, per concern, and how many the group manager has
    acknowledged. One query."""
    rows = dict(
        (concern, (n, acknowledged))
        for concern, n, acknowledged in Escalation.objects.filter(
            council=council, review__in=filters.reviews(Review.objects.filter(council=council))
        )
        .values_list("concern")
        .annotate(n=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)))
        .order_by()
    )
    return [
        {"concern": label, "raised": rows.get(value, (0, 0))[0], "acknowledged": rows.get(value, (0, 0))[1]}
        for value, label in Escalation.Concern.choices
    ]


def best_practice(*, council: Council, filters: Filters, limit: int = 8) -> dict:
    """Best-practice notices in the period's completed reviews: how many, and the newest. Two queries."""
    notices = BestPracticeNotice.objects.filter(council=council, review__in=_completed(council, filters))
    return {
        "count": notices.count(),
        "newest": list(
            notices.order_by("-review__submitted_at").values(
                "text", "review__case__team__name", "review__template_version__template__name", "review__period"
            )[:limit]
        ),
    }


# --- moderation ----------------------------------------------------------------------------------


def moderation_summary(*, council: Council, filters: Filters) -> dict:
    """How far moderators agreed with the ratings in verdicts submitted in these months, overall and
    per standard, and the learning themes they tagged. Two queries."""
    rows = moderated_pairs(council=council, since=filters.start, before=add_months(filters.end, 1), teams=filters.teams)
    themes = (
        Verdict.themes.through.objects.filter(
            verdict__council=council,
            verdict__status=Verdict.Status.SUBMITTED,
            verdict__submitted_at__date__gte=filters.start,
            verdict__submitted_at__date__lt=add_months(filters.end, 1),
        )
        .values_list("learningtheme__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "learningtheme__name")
    )
    if filters.teams is not None:
        themes = themes.filter(verdict__assignment__review__case__team_id__in=filters.teams)
    return {
        "overall": agreement_by(rows, None),
        "by_standard": agreement_by(rows, "standard"),
        "themes": list(themes),
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

"""Reads about moderation rounds. Each takes the council explicitly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from qaportal.models import Council, User

from . import agreement
from .models import Assignment, ModerationRound, Reassignment, StandardVerdict, Verdict

SUBMITTED = Q(assignments__verdict__status=Verdict.Status.SUBMITTED)


def assignments_for(*, council: Council, user: User) -> QuerySet[Assignment]:
    """The reviews a panel member is to moderate in the council's open rounds, soonest closing first."""
    return (
        Assignment.objects.filter(council=council, moderator=user, round__status=ModerationRound.Status.OPEN)
        .select_related("round", "review__case", "review__template_version__template", "review__reviewer", "verdict")
        .order_by("round__closes_on", "position")
    )


def submitted_by(*, council: Council, user: User) -> QuerySet[Verdict]:
    return (
        Verdict.objects.filter(council=council, assignment__moderator=user, status=Verdict.Status.SUBMITTED)
        .select_related(
            "assignment__round", "assignment__review__case", "assignment__review__template_version__template"
        )
        .order_by("-submitted_at")
    )


def rounds_in(*, council: Council) -> QuerySet[ModerationRound]:
    """The council's rounds, newest first, each with how many reviews it holds and how many are done."""
    return ModerationRound.objects.filter(council=council).annotate(
        sampled=Count("assignments", distinct=True), done=Count("assignments", filter=SUBMITTED, distinct=True)
    )


def round_in_council(*, council: Council, pk: int) -> ModerationRound | None:
    return rounds_in(council=council).filter(pk=pk).select_related("council", "opened_by", "closed_by").first()


def round_assignments(*, moderation_round: ModerationRound) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(council=moderation_round.council, round=moderation_round)
        .select_related(
            "moderator",
            "verdict",
            "review__case__team",
            "review__reviewer",
            "review__template_version__template",
        )
        .prefetch_related(
            Prefetch(
                "reassignments",
                queryset=Reassignment.objects.filter(council=moderation_round.council).select_related(
                    "from_moderator", "to_moderator"
                ),
            )
        )
        .order_by("position")
    )


@dataclass(frozen=True)
class Progress:
    moderator: User
    assigned: int
    submitted: int


def panel_progress(assignments: list[Assignment]) -> list[Progress]:
    """Each panel member's share of the round and how much of it they have submitted."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    people = {}
    for a in assignments:
        people[a.moderator_id] = a.moderator
        counts[a.moderator_id][0] += 1
        counts[a.moderator_id][1] += a.submitted
    return sorted(
        (Progress(people[pk], *counts[pk]) for pk in counts), key=lambda p: (p.moderator.last_name, p.moderator.pk)
    )


def open_rounds_progress(*, council: Council) -> dict[int, list[Progress]]:
    """Each open round's panel progress, read in one query."""
    by_round: dict[int, list[Assignment]] = defaultdict(list)
    for a in Assignment.objects.filter(council=council, round__status=ModerationRound.Status.OPEN).select_related(
        "moderator", "verdict"
    ):
        by_round[a.round_id].append(a)
    return {pk: panel_progress(assignments) for pk, assignments in by_round.items()}


def assignment_in_council(*, council: Council, pk: int) -> Assignment | None:
    return (
        Assignment.objects.filter(council=council, pk=pk)
        .select_related("round", "moderator", "review__case__team", "review__template_version__template")
        .first()
    )


def verdict_in_council(*, council: Council, pk: int) -> Verdict | None:
    return (
        Verdict.objects.filter(council=council, pk=pk)
        .select_related(
            "assignment__round",
            "assignment__moderator",
            "assignment__review__case__team",
            "assignment__review__reviewer",
            "assignment__review__template_version__template",
        )
        .first()
    )


def standard_verdicts(verdict: Verdict) -> QuerySet[StandardVerdict]:
    return (
        StandardVerdict.objects.filter(council=verdict.council, verdict=verdict)
        .select_related("rating__standard", "rating__level", "level", "final_level", "resolved_by")
        .prefetch_related("comments__author")
        .order_by("rating__standard__order")
    )


def disagreements_awaiting(*, council: Council) -> QuerySet[StandardVerdict]:
    """Disagreements in closed rounds that the quality team has not yet settled, oldest first."""
    return (
        StandardVerdict.objects.filter(
            council=council,
            agrees=False,
            resolved_at__isnull=True,
            verdict__status=Verdict.Status.SUBMITTED,
            verdict__assignment__round__status=ModerationRound.Status.CLOSED,
        )
        .select_related(
            "rating__standard",
            "rating__level",
            "level",
            "verdict__assignment__round",
            "verdict__assignment__review__case",
            "verdict__assignment__review__template_version__template",
        )
        .order_by("verdict__assignment__round__closed_at", "pk")
    )


def outcomes_for(*, council: Council, user: User, team_ids: frozenset[int]) -> QuerySet[Verdict]:
    """Submitted verdicts of closed rounds on reviews this person wrote, or whose case is in a team
    they manage."""
    return (
        Verdict.objects.filter(
            council=council,
            status=Verdict.Status.SUBMITTED,
            assignment__round__status=ModerationRound.Status.CLOSED,
        )
        .filter(
            Q(assignment__review__reviewer=user)
            | Q(assignment__review__delegate=user)
            | Q(assignment__review__case__team_id__in=team_ids)
        )
        .select_related(
            "assignment__round", "assignment__review__case", "assignment__review__template_version__template"
        )
        .order_by("-assignment__round__closed_at", "pk")
    )


# --- agreement ----------------------------------------------------------------------------------

DIMENSIONS = {
    "round": ("verdict__assignment__round_id", "verdict__assignment__round__name"),
    "standard": ("rating__standard__number", "rating__standard__title"),
    "reviewer": ("verdict__assignment__review__reviewer_id", "verdict__assignment__review__reviewer__first_name"),
    "team": ("verdict__assignment__review__case__team_id", "verdict__assignment__review__case__team__name"),
    "template": (
        "verdict__assignment__review__template_version__template_id",
        "verdict__assignment__review__template_version__template__name",
    ),
}


@dataclass(frozen=True)
class AgreementRow:
    label: str
    coefficients: list[agreement.Agreement]

    @property
    def pairs(self) -> int:
        return self.coefficients[0].pairs if self.coefficients else 0


def moderated_pairs(
    *,
    council: Council,
    round_id: int | None = None,
    since: dt.date | None = None,
    before: dt.date | None = None,
    teams: Collection[int] | None = None,
):
    """Every submitted judgement on a rating, as the reviewer's and moderator's scale positions, with
    what each can be grouped by. The moderator's rating is the reviewer's where they agreed. `since`
    and `before` bound the day the verdict was submitted; `teams`, the team of the reviewed case."""
    rows = StandardVerdict.objects.filter(
        council=council,
        agrees__isnull=False,
        rating__level__isnull=False,
        verdict__status=Verdict.Status.SUBMITTED,
    ).exclude(verdict__assignment__round__status=ModerationRound.Status.CANCELLED)
    if round_id is not None:
        rows = rows.filter(verdict__assignment__round_id=round_id)
    if since is not None:
        rows = rows.filter(verdict__submitted_at__date__gte=since)
    if before is not None:
        rows = rows.filter(verdict__submitted_at__date__lt=before)
    if teams is not None:
        rows = rows.filter(verdict__assignment__review__case__team_id__in=teams)
    fields = [f for pair in DIMENSIONS.values() for f in pair]
    return list(
        rows.values(
            "agrees",
            "rating__level__order",
            "level__order",
            "verdict__submitted_at",
            "verdict__assignment__review__reviewer__last_name",
            *fields,
        )
    )


def _position(row: dict) -> tuple[int, int]:
    reviewer = row["rating__level__order"]
    moderator = reviewer if row["agrees"] or row["level__order"] is None else row["level__order"]
    return reviewer, moderator


def agreement_by(rows: list[dict], dimension: str | None) -> list[AgreementRow]:
    """The coefficients for all the pairs (dimension None), or one row per round, standard,
    reviewer, team, template or month."""
    groups: dict[object, tuple[str, list[tuple[int, int]]]] = {}
    for row in rows:
        if dimension is None:
            key, label = "all", "All moderated ratings"
        elif dimension == "month":
            month = row["verdict__submitted_at"].date().replace(day=1)
            key, label = month, f"{month:%B %Y}"
        else:
            key_field, label_field = DIMENSIONS[dimension]
            key, label = row[key_field], str(row[label_field])
            if dimension == "standard":
                label = f"{row[key_field]}. {row[label_field]}"
            elif dimension == "reviewer":
                label = f"{row[label_field]} {row['verdict__assignment__review__reviewer__last_name']}"
        groups.setdefault(key, (label, []))[1].append(_position(row))
    categories = sorted({p for _label, pairs in groups.values() for pair in pairs for p in pair}) or [1]
    ordered = sorted(groups.items(), key=lambda item: item[0] if dimension in {"month", "standard"} else item[1][0])
    return [AgreementRow(label, agreement.summary(pairs, categories, ordinal=True)) for _key, (label, pairs) in ordered]

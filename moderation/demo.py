"""A year of moderation in each demo council, so agreement trends and round reports show on first
run: rounds on the council's own timetable (Somerset monthly, Derbyshire quarterly) or opened by the
quality team each quarter (Lincolnshire, Coventry), each with verdicts, a few disagreements and
their discussion, and the older disagreements settled. The latest round may still be open.
Deterministic (seeded by the council) and idempotent. Past rounds are dated as they happened and
e-mail no one."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from qaportal.calendar import add_months, first_working_day, nth_working_day_from
from qaportal.demo import demo_login_email, register_demo_step
from qaportal.models import Council, User
from qaportal.roles import Role

from . import services
from .models import Assignment, DisagreementComment, LearningTheme, ModerationRound, StandardVerdict, Verdict
from .quality import quality_levels
from .schedules import SCHEDULES

THEMES = [
    "Carers' voice",
    "Making Safeguarding Personal",
    "Mental Capacity Act recording",
    "Strengths-based practice",
    "Recording of outcomes",
    "Timeliness",
    "Risk recorded and shared",
]
FEEDBACK = [
    "A thorough review: the evidence for each rating is clear and drawn from the record.",
    "Good use of the person's own words. The rationale for two of the ratings could be fuller.",
    "The review would be stronger with the carer's view; the ratings are otherwise well evidenced.",
    "A fair and balanced review. Consider recording why a capacity assessment was not needed.",
]
PRACTICE = [
    "Practice on the case is person-centred and timely.",
    "Practice is safe, but outcomes agreed with the person are not reflected in the support plan.",
    "The worker's analysis of risk is good; the record of decisions is thin in places.",
]
REASONS = [
    "The record shows the person's wishes were central throughout: I would rate this higher.",
    "There is no record of the carer being offered an assessment, so I would rate this lower.",
    "The evidence cited does not show the decision being reviewed with the person.",
]


@register_demo_step(20)
def load_rounds(council: Council) -> str:
    if settings.QAPORTAL_DEMO_HISTORY_MONTHS <= 0:
        return ""
    with scope(council=council):
        if ModerationRound.objects.filter(council=council).exists():
            return ""
        return _write(council)


@transaction.atomic
def _write(council: Council) -> str:
    rng = random.Random(f"moderation-{council.slug}")
    themes = [LearningTheme.objects.get_or_create(council=council, name=name)[0] for name in THEMES]
    quality_team = User.objects.filter(email=demo_login_email(council.slug, Role.QUALITY_TEAM)).first()
    today = timezone.localdate()
    rounds = [r for r in (_open(council, month, quality_team) for month in _months(today)) if r is not None]
    verdicts = 0
    for moderation_round in rounds:
        opened = moderation_round.closes_on if moderation_round.closes_on < today else None
        for assignment in Assignment.objects.filter(council=council, round=moderation_round).select_related(
            "review", "moderator"
        ):
            if opened is None:
                continue  # the round still open: its panel has its work to do
            _verdict(assignment, rng, themes)
            verdicts += 1
        if opened is not None:
            _close(moderation_round, rng, quality_team, settle=moderation_round is not rounds[-1])
    return f"{len(rounds)} moderation rounds, {verdicts} verdicts"


def _months(today: dt.date) -> list[dt.date]:
    this_month = today.replace(day=1)
    months = settings.QAPORTAL_DEMO_HISTORY_MONTHS
    return [add_months(this_month, -back) for back in range(months - 1, -1, -1)]


def _open(council: Council, month: dt.date, quality_team: User | None) -> ModerationRound | None:
    day = first_working_day(month)
    if day > timezone.localdate():
        return None
    if council.slug in SCHEDULES:  # the council's own timetable, as the morning task runs it
        return services.scheduled_round_open(council=council, today=day)
    if (month.month - 1) % 3:
        return None
    start = add_months(month, -3)
    panel = list(
        User.objects.filter(memberships__council=council, memberships__role=Role.MODERATOR).distinct().order_by("pk")
    )
    return services.round_open(
        council=council,
        name=f"Moderation of {start:%B} to {add_months(month, -1):%B %Y}",
        start=start,
        end=month - dt.timedelta(days=1),
        template_keys=list(council.review_templates.values_list("key", flat=True)),
        sample_rule=ModerationRound.SampleRule.PERCENT,
        amount=25,
        panel=panel,
        closes_on=nth_working_day_from(day, 15),
        by=quality_team,
        seed=f"demo-{council.slug}-{month:%Y-%m}",
    )


def _verdict(assignment: Assignment, rng: random.Random, themes: list[LearningTheme]) -> None:
    ratings = services.ratings_of(assignment.review)
    standards = {}
    for rating in ratings:
        levels = list(rating.level.scale.levels.all()) if rating.level else []
        others = [lv for lv in levels if abs(lv.order - rating.level.order) == 1] if rating.level else []
        disagrees = bool(others) and rng.random() < 0.15
        standards[rating.pk] = {
            "agrees": not disagrees,
            "level": rng.choice(others).pk if disagrees else None,
            "reason": rng.choice(REASONS) if disagrees else "",
        }
    quality = rng.choices([code for code, _label in quality_levels(assignment.council.slug)], weights=[3, 5, 2])[0]
    services.verdict_save(
        assignment=assignment,
        cleaned={
            "quality": quality,
            "practice": rng.choice(PRACTICE),
            "feedback": rng.choice(FEEDBACK),
            "themes": rng.sample(themes, k=rng.randint(1, 2)),
            "standards": standards,
        },
        base_version=0,
        by=assignment.moderator,
        submit=True,
    )
    submitted = _at(assignment.round.period_end + dt.timedelta(days=rng.randint(3, 9)))
    Verdict.objects.filter(council=assignment.council, assignment=assignment).update(
        submitted_at=submitted, updated_at=submitted
    )


def _close(moderation_round: ModerationRound, rng: random.Random, quality_team: User | None, *, settle: bool) -> None:
    services.round_close(moderation_round=moderation_round, by=None, notify=False)
    closed = _at(moderation_round.closes_on)
    ModerationRound.objects.filter(pk=moderation_round.pk).update(closed_at=closed, outcomes_sent_at=closed)
    moderation_round.refresh_from_db()
    for disagreement in StandardVerdict.objects.filter(
        council=moderation_round.council, verdict__assignment__round=moderation_round, agrees=False
    ).select_related("rating__level", "level", "verdict__assignment__review__reviewer"):
        reviewer = disagreement.verdict.assignment.review.reviewer
        DisagreementComment.objects.create(
            council=moderation_round.council,
            standard_verdict=disagreement,
            author=reviewer,
            text="Thank you. The evidence for this is in the case notes of the second visit.",
        )
        if settle and quality_team is not None:
            final = rng.choice([disagreement.rating.level, disagreement.level])
            services.disagreement_resolve(
                standard_verdict=disagreement,
                level=final,
                note="Discussed with the reviewer and the moderator at the practice quality meeting.",
                by=quality_team,
            )
    DisagreementComment.objects.filter(
        council=moderation_round.council, standard_verdict__verdict__assignment__round=moderation_round
    ).update(at=closed + dt.timedelta(days=2))
    StandardVerdict.objects.filter(
        council=moderation_round.council, verdict__assignment__round=moderation_round, resolved_at__isnull=False
    ).update(resolved_at=closed + dt.timedelta(days=7))


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(16)))

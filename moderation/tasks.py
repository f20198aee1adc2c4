"""Moderation's Celery tasks: the councils' timetables each morning, and the outcomes of a closed
round e-mailed once to each reviewer and group manager."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.utils import timezone

from audits.models import Review
from qaportal.emails import absolute_url, send_once
from qaportal.models import Council, User
from qaportal.selectors import group_managers_of
from qaportal.tasks import CouncilTask

from . import services
from .models import ModerationRound, Verdict
from .schedules import SCHEDULES


@shared_task(name="moderation.daily")
def moderation_daily(today: str | None = None) -> list[int]:
    """Each morning, for every council: open its scheduled round when due, close rounds past their
    closing day. Beat may fire this any number of times: the database keeps one round a period."""
    day = today or timezone.localdate().isoformat()
    ids = list(Council.objects.filter(is_active=True).values_list("pk", flat=True))
    for council_id in ids:
        moderation_council_day.delay(council_id, day)
    return ids


@shared_task(base=CouncilTask, name="moderation.council_day")
def moderation_council_day(council: Council, today: str) -> dict:
    day = dt.date.fromisoformat(today)
    opened = services.scheduled_round_open(council=council, today=day) if council.slug in SCHEDULES else None
    closed = services.close_due_rounds(council=council, today=day)
    return {"opened": opened.pk if opened else None, "closed": closed}


@shared_task(base=CouncilTask, name="moderation.send_outcomes")
def send_outcomes(council: Council, round_id: int) -> list[str]:
    """One e-mail to each reviewer and each group manager with verdicts in the closed round, listing
    them with a link (never the verdict itself: it may name a person's case). A retry sends nothing more."""
    moderation_round = ModerationRound.objects.filter(
        council=council, pk=round_id, status=ModerationRound.Status.CLOSED
    ).first()
    if moderation_round is None:
        return []
    verdicts = list(
        Verdict.objects.filter(council=council, assignment__round=moderation_round, status=Verdict.Status.SUBMITTED)
        .select_related("assignment__review__case", "assignment__review__template_version__template")
        .order_by("assignment__position")
    )
    readers: dict[int, list[Verdict]] = defaultdict(list)
    people: dict[int, User] = {}
    managers_by_team: dict[int, list[User]] = {}
    for verdict in verdicts:
        review: Review = verdict.assignment.review
        team_id = review.case.team_id
        if team_id not in managers_by_team:
            managers_by_team[team_id] = list(group_managers_of(council=council, team_id=team_id))
        for person in [review.reviewer, *managers_by_team[team_id]]:
            people[person.pk] = person
            if verdict not in readers[person.pk]:
                readers[person.pk].append(verdict)
    sent = []
    for pk, theirs in readers.items():
        person = people[pk]
        if send_once(
            council=council,
            purpose="moderation-outcomes",
            key=f"round-{moderation_round.pk}",
            recipient=person,
            subject=f"Moderation feedback: {moderation_round.name}",
            template="moderation/email/outcomes.txt",
            context={
                "person": person,
                "round": moderation_round,
                "items": [
                    (v, absolute_url("moderation:outcome", council_slug=council.slug, verdict_pk=v.pk)) for v in theirs
                ],
            },
        ):
            sent.append(person.email)
    ModerationRound.objects.filter(pk=moderation_round.pk, outcomes_sent_at__isnull=True).update(
        outcomes_sent_at=timezone.now()
    )
    return sent

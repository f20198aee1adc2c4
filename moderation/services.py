"""Opening a moderation round: the sample drawn from the council's completed reviews and shared
among the panel (see `sampling`), in one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audits.models import Review
from qaportal.models import Council, Membership, User

from .models import Assignment, ModerationRound, PanelMember
from .sampling import Candidate, Member, draw


def candidates_for(*, council: Council, start: dt.date, end: dt.date, template_keys: list[str]) -> list[Candidate]:
    reviews = (
        Review.objects.filter(
            council=council,
            submitted_at__date__gte=start,
            submitted_at__date__lte=end,
            template_version__template__key__in=template_keys,
        )
        .completed()
        .values_list(
            "pk",
            "case__team_id",
            "reviewer_id",
            "template_version__template_id",
            "delegate_id",
            "authorised_by_id",
            "allocated_by_id",
        )
    )
    return [
        Candidate(pk, team, reviewer, template, frozenset(p for p in (reviewer, delegate, authoriser, allocator) if p))
        for pk, team, reviewer, template, delegate, authoriser, allocator in reviews
    ]


def members_for(*, council: Council, people: list[User]) -> list[Member]:
    teams: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Membership.objects.filter(
        council=council, user__in=[p.pk for p in people], team__isnull=False
    ).values_list("user_id", "team_id"):
        teams[user_id].add(team_id)
    return [Member(p.pk, frozenset(teams[p.pk])) for p in people]


@transaction.atomic
def round_open(
    *,
    council: Council,
    name: str,
    start: dt.date,
    end: dt.date,
    template_keys: list[str],
    sample_rule: str,
    amount: int,
    panel: list[User],
    closes_on: dt.date,
    by: User | None = None,
    seed: str = "",
    schedule: str = "",
) -> ModerationRound:
    """Open a round: its sample drawn reproducibly (the seed is kept) and assigned evenly to the panel,
    never to someone who wrote, delegated, allocated or authorised a review, or whose team owns its case."""
    if not panel:
        raise ValidationError(_("Choose at least one panel member."))
    if end < start:
        raise ValidationError(_("The period must end on or after the day it starts."))
    moderation_round = ModerationRound.objects.create(
        council=council,
        name=name,
        period_start=start,
        period_end=end,
        template_keys=template_keys,
        sample_rule=sample_rule,
        amount=amount,
        seed=seed or secrets.token_hex(8),
        closes_on=closes_on,
        schedule=schedule,
        opened_by=by,
    )
    PanelMember.objects.bulk_create(PanelMember(council=council, round=moderation_round, person=p) for p in panel)
    sample = draw(
        candidates_for(council=council, start=start, end=end, template_keys=template_keys),
        members_for(council=council, people=panel),
        seed=moderation_round.seed,
        **({"percent": amount} if sample_rule == ModerationRound.SampleRule.PERCENT else {"each": amount}),
    )
    Assignment.objects.bulk_create(
        Assignment(council=council, round=moderation_round, review_id=c.review, moderator_id=m.person, position=i)
        for i, (c, m) in enumerate(sample, start=1)
    )
    return moderation_round

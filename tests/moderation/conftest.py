"""A Derbyshire round to moderate: two authorised PSRs of Chesterfield cases by an Erewash service
manager, and a panel of two moderators with one review each."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from audits.reviews import services as review_services
from moderation import services
from moderation.models import Assignment
from standards.models import ScaleLevel
from tests.audits.conftest import complete_psr, world  # noqa: F401  (the world the round is drawn from)
from tests.factories import CaseFactory


@pytest.fixture
def moderation(world, make_member):  # noqa: F811
    council = world.council
    reviews = []
    for pin in ("1234567", "7654321"):
        case = world.case if pin == "1234567" else CaseFactory(council=council, team=world.chesterfield, pin=pin)
        review = complete_psr(world.allocate(case=case), world.service_manager)
        review = review_services.review_submit(review=review, by=world.service_manager)
        reviews.append(review_services.review_authorise(review=review, by=world.group_manager, comments=""))
    second = make_member(council, "moderator", email="mod2@derbyshire.example")
    today = timezone.localdate()
    moderation_round = services.round_open(
        council=council,
        name="Moderation of PSRs, this quarter",
        start=today - dt.timedelta(days=90),
        end=today,
        template_keys=["psr"],
        sample_rule="per_member",
        amount=1,
        panel=[world.moderator, second],
        closes_on=today + dt.timedelta(days=14),
        by=world.quality,
        seed="fixed",
    )
    mine = Assignment.objects.get(council=council, round=moderation_round, moderator=world.moderator)
    theirs = Assignment.objects.get(council=council, round=moderation_round, moderator=second)
    levels = {lv.code: lv for lv in ScaleLevel.objects.filter(council=council, scale__key="psr-rating")}
    return SimpleNamespace(
        w=world,
        council=council,
        round=moderation_round,
        mine=mine,
        theirs=theirs,
        second=second,
        levels=levels,
        reviews=reviews,
    )


def verdict_post(assignment, *, disagree_with_first=True, levels, submit=True, version=0, **extra) -> dict:
    """What the verdict form posts: agreeing with every rating but (optionally) the first."""
    ratings = services.ratings_of(assignment.review)
    data = {
        "verdict_version": str(version),
        "quality": "good",
        "feedback": "Clear evidence throughout.",
        "practice": "Practice on the case was strengths-based.",
    }
    for i, rating in enumerate(ratings):
        if i == 0 and disagree_with_first:
            data |= {
                f"agree_{rating.pk}": "no",
                f"level_{rating.pk}": str(levels["O"].pk),
                f"reason_{rating.pk}": "The carer's voice runs right through the assessment.",
            }
        else:
            data[f"agree_{rating.pk}"] = "yes"
    if submit:
        data["submit"] = "1"
    return data | extra

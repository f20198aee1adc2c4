"""The councils' moderation timetables (issue: Moderation, 1), through a real Celery worker:
Somerset "moderation of a random sample of completed audits will take place during the first two
weeks of the following month" (Practice Quality Framework); Derbyshire's panel moderates through the
year, "two completed Practice Standard Reviews each" (PSR / SPSR practice guidance v4)."""

import datetime as dt
import time

import pytest
from django_scopes import scopes_disabled

from moderation.models import ModerationRound
from moderation.schedules import SCHEDULES
from moderation.tasks import moderation_daily
from tests.factories import CouncilFactory, MembershipFactory, UserFactory
from tests.helpers import wait_for


def test_somerset_opens_on_the_first_working_day_for_the_month_before_and_closes_after_ten_working_days():
    somerset = SCHEDULES["somerset"]
    assert somerset.due_period(dt.date(2026, 6, 30)) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert somerset.due_period(dt.date(2026, 8, 1)) is None  # a Saturday: not yet
    assert somerset.due_period(dt.date(2026, 8, 3)) == (dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    # Opened Monday 3 August 2026: ten working days take it to Friday 14 August.
    assert somerset.closes_on(dt.date(2026, 8, 3)) == dt.date(2026, 8, 14)
    # Over the late May bank holiday (25 May 2026): opened Monday 18 May, closes Monday 1 June.
    assert somerset.closes_on(dt.date(2026, 5, 18)) == dt.date(2026, 6, 1)


def test_derbyshire_moderates_each_quarter_two_reviews_for_each_panel_member():
    derbyshire = SCHEDULES["derbyshire"]
    assert (derbyshire.sample_rule, derbyshire.amount) == ("per_member", 2)
    assert derbyshire.due_period(dt.date(2026, 10, 1)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert derbyshire.due_period(dt.date(2026, 11, 2)) is None


@pytest.mark.django_db(transaction=True)
def test_somerset_s_scheduled_round_opens_once_a_month_however_often_beat_fires(celery_session_worker):
    with scopes_disabled():
        somerset = CouncilFactory(slug="somerset", name="Somerset Council")
        MembershipFactory(council=somerset, user=UserFactory(), role="moderator")
    for _ in range(3):
        assert somerset.pk in moderation_daily.delay(today="2026-08-03").get(timeout=30)
    # Three morning runs racing on one worker queue: each council's task ran three times.
    with scopes_disabled():
        assert wait_for(lambda: ModerationRound.objects.filter(council=somerset).exists())
        time.sleep(2)  # let the later runs finish: they must find the round and add nothing
        rounds = list(ModerationRound.objects.filter(council=somerset))
    assert len(rounds) == 1
    (only,) = rounds
    assert (only.schedule, only.period_start, only.period_end) == (
        "somerset-monthly",
        dt.date(2026, 7, 1),
        dt.date(2026, 7, 31),
    )
    assert only.closes_on == dt.date(2026, 8, 14) and only.opened_by is None
    # After the closing day the morning run closes it.
    moderation_daily.delay(today="2026-08-17").get(timeout=30)
    with scopes_disabled():
        assert wait_for(lambda: ModerationRound.objects.get(pk=only.pk).status == "closed")

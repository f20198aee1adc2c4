"""The monthly run through a real Celery worker and Redis: twice is once, and a crash half-way
then a re-run ends exactly where one clean run does."""

import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from audits.models import CaseSample, ExpectedReview, ProgrammeRun, SampleCase
from audits.programme.tasks import programme_monthly, programme_run_council
from qaportal.models import Council

pytestmark = pytest.mark.django_db(transaction=True)
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def demo():
    with scopes_disabled():
        call_command("load_demo", stdout=io.StringIO())
        ExpectedReview.objects.all().delete()
        CaseSample.objects.all().delete()
        ProgrammeRun.objects.all().delete()


def snapshot():
    """Everything the run produces, in comparable form."""
    with scopes_disabled():
        expected = sorted(
            ExpectedReview.objects.values_list(
                "council__slug", "rule__name", "period", "person__email", "number", "template__key", "kind", "due_date"
            )
        )
        samples = sorted(
            SampleCase.objects.values_list(
                "sample__council__slug", "sample__group_manager__email", "sample__period", "case__pin", "position"
            )
        )
    return expected, samples


def wait_for_runs(count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with scopes_disabled():
            if ProgrammeRun.objects.filter(status="done").count() >= count:
                return
        time.sleep(0.2)
    raise AssertionError("the monthly run did not finish")


def run_all_councils():
    ids = programme_monthly.delay(today="2026-11-02").get(timeout=60)
    assert len(ids) == 4
    wait_for_runs(4)


def test_running_the_month_twice_creates_nothing_new(celery_session_worker, demo):
    run_all_councils()
    first = snapshot()
    assert first[0] and first[1]
    with scopes_disabled():
        council_ids = list(Council.objects.values_list("pk", flat=True))
    results = [programme_run_council.delay(pk, NOVEMBER.isoformat()).get(timeout=60) for pk in council_ids]
    assert all(r["skipped"] and r["expected_created"] == 0 for r in results)
    assert snapshot() == first


def test_a_run_killed_half_way_then_rerun_ends_as_one_clean_run(celery_session_worker, demo):
    run_all_councils()
    clean = snapshot()

    # Start again and stop half-way: two councils finished; a third died after writing part of its
    # month (as if the database had kept some rows); the last never started.
    with scopes_disabled():
        ExpectedReview.objects.all().delete()
        SampleCase.objects.all().delete()
        CaseSample.objects.all().delete()
        ProgrammeRun.objects.all().delete()
        councils = list(Council.objects.order_by("slug"))
    for council in councils[:2]:
        programme_run_council.delay(council.pk, NOVEMBER.isoformat()).get(timeout=60)
    partial = [row for row in clean[0] if row[0] == councils[2].slug][: len(clean[0]) // 8]
    with scopes_disabled():
        for _slug, rule_name, period, email, number, _key, kind, due in partial:
            council = councils[2]
            rule = council.programmes.get().rules.get(name=rule_name)
            ExpectedReview.objects.create(
                council=council,
                rule=rule,
                period=period,
                number=number,
                person=council.memberships.get(user__email=email, role=rule.role).user,
                template=rule.template or council.programmes.get().timetable.get(month=period.month).template,
                kind=kind,
                due_date=due,
            )

    run_all_councils()  # the restart: beat fires again
    assert snapshot() == clean

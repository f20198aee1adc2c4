"""A full year of monthly runs for each demo council, on a controllable clock."""

import datetime as dt
from collections import Counter, defaultdict

import pytest

from audits.models import CaseSample, ExpectedReview, ProgrammeRun
from audits.programme.selectors import is_run_day
from audits.programme.tasks import programme_monthly, programme_run_council
from qaportal.calendar import add_months, first_working_day
from qaportal.models import Council, Membership
from tests.conftest import demo_for_module


def _no_runs_yet():
    ExpectedReview.objects.all().delete()
    CaseSample.objects.all().delete()
    ProgrammeRun.objects.all().delete()


loaded = demo_for_module(prepare=_no_runs_yet)


@pytest.fixture
def demo(loaded, db):
    return None


def run_year(slug: str, start: dt.date) -> None:
    council = Council.objects.get(slug=slug)
    for n in range(12):
        period = add_months(start, n)
        # The beat task on the month's first working day, run as Celery would run it.
        programme_run_council.apply(args=[council.pk, period.isoformat()]).get()


def by_person(slug: str, role: str, team_kind: str = ""):
    memberships = Membership.objects.filter(council__slug=slug, role=role)
    if team_kind:
        memberships = memberships.filter(team__kind=team_kind)
    people = set(memberships.values_list("user_id", flat=True))
    result = defaultdict(list)
    for e in (
        ExpectedReview.objects.filter(council__slug=slug, person_id__in=people)
        .select_related("template")
        .order_by("period")
    ):
        result[e.person_id].append(e)
    return result


def test_a_derbyshire_long_term_service_manager_gets_12_reviews_alternating_psr_and_spsr(demo):
    run_year("derbyshire", dt.date(2026, 4, 1))
    people = by_person("derbyshire", "service_manager", "long_term")
    assert len(people) == 6
    for expected in people.values():
        assert len(expected) == 12
        keys = [e.template.key for e in expected]
        assert keys == ["psr", "spsr"] * 6
        assert [e.period.month for e in expected] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
        assert all(e.kind == "mandatory" for e in expected)


def test_derbyshire_start_and_ot_teams_follow_their_own_cycles(demo):
    run_year("derbyshire", dt.date(2026, 4, 1))
    for expected in by_person("derbyshire", "service_manager", "start").values():
        assert Counter(e.template.key for e in expected) == {"psr": 3, "spsr": 3}
    for expected in by_person("derbyshire", "service_manager", "ot").values():
        assert [e.template.key for e in expected] == ["psr"] * 12


def test_each_derbyshire_group_manager_gets_a_sample_of_ten_every_month(demo):
    run_year("derbyshire", dt.date(2026, 4, 1))
    samples = CaseSample.objects.filter(council__slug="derbyshire")
    assert samples.count() == 3 * 12
    assert {s.cases.count() for s in samples} == {10}


def test_somerset_audits_nothing_in_august_and_december(demo):
    run_year("somerset", dt.date(2026, 9, 1))
    months = set(ExpectedReview.objects.filter(council__slug="somerset").values_list("period__month", flat=True))
    assert months == {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}
    standards = {e.period.month: e.template.key for e in ExpectedReview.objects.filter(council__slug="somerset")}
    assert standards[9] == "standard-1" and standards[7] == "standard-10" and standards[1] == "standard-4"


def test_somerset_practitioners_alternate_self_and_peer_audits(demo):
    run_year("somerset", dt.date(2026, 9, 1))
    practitioners = by_person("somerset", "practitioner")
    assert practitioners
    for expected in practitioners.values():
        assert [e.kind for e in expected] == ["self", "peer"] * 5


def test_somerset_counts_per_role_follow_the_timetable(demo):
    run_year("somerset", dt.date(2026, 9, 1))
    september = ExpectedReview.objects.filter(council__slug="somerset", period=dt.date(2026, 9, 1))
    per_person = Counter(september.values_list("person_id", flat=True))
    role_of = {
        user_id: "practice_development_ap" if kind == "practice_development" else role
        for user_id, role, kind in Membership.objects.filter(council__slug="somerset").values_list(
            "user_id", "role", "team__kind"
        )
    }
    counts = {}
    for person, n in per_person.items():
        counts.setdefault(role_of[person], set()).add(n)
    assert counts["director"] == {1} and counts["strategic_manager"] == {2} and counts["service_manager"] == {2}
    assert counts["advanced_practitioner"] == {2} and counts["practice_development_ap"] == {6}
    assert counts["moderator"] == {2} and counts["practitioner"] == {1}
    # Somerset Practice Quality Framework, role key: "Strategic Manager – Strategic Managers / PSW / POT".
    assert counts["principal_social_worker"] == {2}


def test_coventry_runs_its_annual_audit_plan_for_each_supervisee(demo):
    # Coventry Practice Quality Assurance Framework, Appendix 6 (annual audit plan): supervision audit
    # annually, practice standards audit bi-annually, practice observation annually; every month of
    # the year has some, since each is spread over the year.
    run_year("coventry", dt.date(2026, 4, 1))
    per_supervisee = Counter(
        ExpectedReview.objects.filter(council__slug="coventry").values_list("template__key", "subject_id")
    )
    times = defaultdict(set)
    for (key, _subject), n in per_supervisee.items():
        times[key].add(n)
    assert times == {
        "supervision-audit": {1},
        "practice-standards-audit": {2},
        "therapy-audit": {2},
        "practice-observation": {1},
    }
    months = set(ExpectedReview.objects.filter(council__slug="coventry").values_list("period__month", flat=True))
    assert len(months) >= 6


def test_lincolnshire_runs_every_month(demo):
    run_year("lincolnshire", dt.date(2026, 4, 1))
    for expected in by_person("lincolnshire", "service_manager").values():
        assert len(expected) == 12


def test_the_beat_task_acts_from_the_first_working_day(demo):
    # 1 May 2028 is a Monday bank holiday (Early May): nothing happens until Tuesday 2 May.
    assert first_working_day(dt.date(2028, 5, 1)) == dt.date(2028, 5, 2)
    assert programme_monthly.apply(kwargs={"today": "2028-05-01"}).get() == []
    assert not is_run_day(dt.date(2028, 5, 1)) and is_run_day(dt.date(2028, 5, 2))

    # New Year's Day 2028 is a Saturday; the bank holiday is Monday 3 January.
    assert first_working_day(dt.date(2028, 1, 1)) == dt.date(2028, 1, 4)
    # August 2027: 1st is a Sunday, the first working day is Monday 2nd.
    assert first_working_day(dt.date(2027, 8, 1)) == dt.date(2027, 8, 2)


def test_one_councils_failure_is_recorded_and_the_others_still_run(demo, monkeypatch, caplog):
    from audits.programme import services as programme

    real_people = programme.people_for_rule

    def broken_for_somerset(rule):
        # Fault injection: Somerset's data is broken in some way the run cannot handle.
        if rule.council.slug == "somerset":
            raise RuntimeError("Somerset's programme could not be read")
        return real_people(rule)

    monkeypatch.setattr(programme, "people_for_rule", broken_for_somerset)
    reports = programme.run_month_for_all(period=dt.date(2026, 11, 1))
    assert {r.council: bool(r.error) for r in reports} == {
        "coventry": False,
        "derbyshire": False,
        "lincolnshire": False,
        "somerset": True,
    }
    failed = ProgrammeRun.objects.get(council__slug="somerset")
    assert failed.status == "failed" and "could not be read" in failed.error
    assert not ExpectedReview.objects.filter(council__slug="somerset").exists()  # nothing half-done
    assert ExpectedReview.objects.filter(council__slug="derbyshire").exists()
    assert "Monthly programme run failed for somerset" in caplog.text
    monkeypatch.setattr(programme, "people_for_rule", real_people)
    (retry,) = programme.run_month_for_all(
        period=dt.date(2026, 11, 1), councils=Council.objects.filter(slug="somerset")
    )
    assert not retry.error and ProgrammeRun.objects.get(council__slug="somerset").status == "done"

"""Coventry's audits follow its lines of supervision (Coventry Practice Quality Assurance Framework):
supervision records are audited by the supervisor's line manager, supervisors audit and observe their
own supervisees, and the programme asks for each supervisee, not each manager."""

import datetime as dt
from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError

from audits.models import CaseSample, ExpectedReview, ProgrammeRun, Review
from audits.programme import services as programme
from audits.reviews import services
from qaportal.calendar import add_months
from qaportal.models import Council, Membership, SupervisionRelationship
from qaportal.services import supervision_import_csv, supervisor_set
from standards.models import ReviewTemplate
from tests.conftest import demo_for_module
from tests.factories import CaseFactory, TeamFactory


def _no_work_yet():
    Review.objects.filter(council__slug="coventry").delete()
    ExpectedReview.objects.all().delete()
    CaseSample.objects.all().delete()
    ProgrammeRun.objects.all().delete()


demo = demo_for_module("coventry", prepare=_no_work_yet)


@pytest.fixture
def coventry(demo, db):
    return Council.objects.get(slug="coventry")


def a_practitioners_line(council) -> SupervisionRelationship:
    return SupervisionRelationship.objects.filter(council=council, supervisee__memberships__role="practitioner").first()


def lines_of(council) -> dict[int, int]:
    return dict(SupervisionRelationship.objects.filter(council=council).values_list("supervisee_id", "supervisor_id"))


def line_manager_of(council, person_id):
    lines = lines_of(council)
    return lines.get(lines.get(person_id))


def test_a_year_gives_each_supervisee_one_supervision_audit_allocated_to_their_supervisors_line_manager(coventry):
    # Framework, Staff Supervision Audit: "the supervisor's line manager ... will audit ... annually with
    # audit activity spread over year ... at least one supervision record from each of the staff members".
    for n in range(12):
        report = programme.run_month(council=coventry, period=add_months(dt.date(2026, 4, 1), n))
        assert not report.error
    audits = list(
        ExpectedReview.objects.filter(council=coventry, template__key="supervision-audit").select_related(
            "review__case"
        )
    )
    supervisees = {
        r.supervisee_id
        for r in SupervisionRelationship.objects.filter(council=coventry)
        if line_manager_of(coventry, r.supervisee_id) is not None
    }
    assert len(supervisees) >= 20  # the demo's lines: practitioners, senior practitioners, service managers
    assert sorted(e.subject_id for e in audits) == sorted(supervisees)  # one each, nobody missed
    refused = [e for e in audits if e.review is None]
    assert refused == []
    for e in audits:
        assert e.person_id == e.review.reviewer_id == line_manager_of(coventry, e.subject_id)
        assert e.review.case.about == "supervisee" and e.review.case.responsible_worker_id == e.subject_id
    # Spread over the year: one line manager's audits fall in different months.
    months = defaultdict(list)
    for e in audits:
        months[e.person_id].append(e.period.month)
    assert all(len(set(m)) == len(m) for m in months.values())
    assert len({e.period.month for e in audits}) >= 6


def test_practice_standards_audits_are_twice_a_year_by_the_supervisor_on_the_supervisees_own_cases(coventry):
    # Framework, Practice Standards Audit: "Supervisors will be required to carry out audits, twice a
    # year, in conjunction with" the staff member, "on a particular case"; Appendix 3 for therapy services.
    for n in range(12):
        programme.run_month(council=coventry, period=add_months(dt.date(2026, 4, 1), n))
    lines = lines_of(coventry)
    ot_people = set(Membership.objects.filter(council=coventry, team__kind="ot").values_list("user_id", flat=True))
    per_supervisee = defaultdict(list)
    for e in ExpectedReview.objects.filter(
        council=coventry, template__key__in=["practice-standards-audit", "therapy-audit"]
    ).select_related("template"):
        assert e.person_id == lines[e.subject_id]
        assert e.review_id is None  # the supervisor chooses which of the supervisee's cases
        per_supervisee[e.subject_id].append(e)
    for subject_id, expected in per_supervisee.items():
        assert len(expected) == 2
        assert {e.template.key for e in expected} == {
            "therapy-audit" if subject_id in ot_people else "practice-standards-audit"
        }
        first, second = sorted(e.period for e in expected)
        assert (second.year - first.year) * 12 + second.month - first.month == 6

    expected = next(iter(per_supervisee.values()))[0]
    own_case = CaseFactory(council=coventry, responsible_worker=expected.subject, team=TeamFactory(council=coventry))
    someone_elses = CaseFactory(council=coventry, team=own_case.team)
    with pytest.raises(ValidationError, match="choose one of their cases"):
        programme.expected_allocate(expected=expected, case=someone_elses, by=expected.person)
    review = programme.expected_allocate(expected=expected, case=own_case, by=expected.person)
    assert review.reviewer == expected.person


def test_only_the_line_relationship_may_audit_supervision_and_anyone_else_is_told_who(coventry):
    # Framework, Appendix 6: "Line Managers of supervisors – Staff Supervision Audit".
    relationship = SupervisionRelationship.objects.filter(
        council=coventry, supervisee__memberships__role="practitioner"
    ).first()
    worker, supervisor = relationship.supervisee, relationship.supervisor
    line_manager = SupervisionRelationship.objects.get(council=coventry, supervisee=supervisor).supervisor
    file = services.supervision_file_for(council=coventry, supervisee=worker)
    template = ReviewTemplate.objects.get(council=coventry, key="supervision-audit")
    with pytest.raises(ValidationError) as refused:
        services.review_allocate(council=coventry, template=template, case=file, reviewer=supervisor, by=supervisor)
    assert f"by their supervisor's line manager, {line_manager}" in str(refused.value)
    review = services.review_allocate(
        council=coventry, template=template, case=file, reviewer=line_manager, by=line_manager
    )
    assert str(review.case) == f"Supervision file of {worker}"
    # A supervision audit is about a member of staff, never a person's case by PIN.
    case = CaseFactory(council=coventry, responsible_worker=worker, team=file.team)
    with pytest.raises(ValidationError, match="about a member of staff"):
        services.review_allocate(council=coventry, template=template, case=case, reviewer=line_manager, by=line_manager)


def test_supervision_imports_from_csv_line_by_line_and_applies_nothing_when_a_line_is_wrong(coventry):
    people = list(Membership.objects.filter(council=coventry, role="practitioner").select_related("user")[:3])
    a, b, c = (m.user for m in people)
    before = dict(
        SupervisionRelationship.objects.filter(council=coventry).values_list("supervisee_id", "supervisor_id")
    )
    bad = (
        "supervisee_email,supervisor_email\n"
        f"{a.email},{b.email}\n"
        f"{b.email},nobody@nowhere.example\n"
        f"{c.email},{c.email}\n"
        f"{a.email},{c.email}\n"
    ).encode()
    result = supervision_import_csv(council=coventry, data=bad)
    assert [line for line, _m in result.errors] == [3, 4, 5]
    assert "does not work for this council" in result.errors[0][1]
    assert "cannot supervise themselves" in result.errors[1][1]
    assert "also on line 2" in result.errors[2][1]
    after = lines_of(coventry)
    assert after == before

    # A loop (a supervising b supervising a) is refused too.
    loop = f"supervisee_email,supervisor_email\n{a.email},{b.email}\n{b.email},{a.email}\n".encode()
    assert supervision_import_csv(council=coventry, data=loop).errors

    good = f"supervisee_email,supervisor_email\n{a.email},{b.email}\n{c.email},{b.email}\n".encode()
    result = supervision_import_csv(council=coventry, data=good)
    assert not result.errors and result.recorded == 2
    assert SupervisionRelationship.objects.get(council=coventry, supervisee=a).supervisor == b


def test_a_council_admin_changes_a_supervisor_and_cannot_make_a_loop(coventry, client):
    admin = Membership.objects.get(council=coventry, role="council_admin").user
    relationship = SupervisionRelationship.objects.filter(
        council=coventry, supervisee__memberships__role="practitioner"
    ).first()
    worker, supervisor = relationship.supervisee, relationship.supervisor
    client.force_login(admin)
    url = f"/{coventry.slug}/admin/people/{supervisor.pk}/supervisor/"
    page = client.post(url, {"supervisor": worker.pk})
    assert page.status_code == 200
    assert "is supervised, through their line, by" in page.content.decode()
    other = (
        Membership.objects.filter(council=coventry, role="senior_practitioner").exclude(user=supervisor).first().user
    )
    page = client.post(f"/{coventry.slug}/admin/people/{worker.pk}/supervisor/", {"supervisor": other.pk})
    assert page.status_code == 302
    assert SupervisionRelationship.objects.get(council=coventry, supervisee=worker).supervisor == other
    listing = client.get(f"/{coventry.slug}/admin/people/supervision/").content.decode()
    assert str(worker) in listing and str(other) in listing
    with pytest.raises(ValidationError):
        supervisor_set(council=coventry, supervisee=worker, supervisor=worker)

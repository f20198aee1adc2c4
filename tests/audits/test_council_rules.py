"""Each council's rules for who may review what, and when a case may be reviewed again, as its own
document says. Each test names the document and the section it follows."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from audits.models import Case, ExpectedReview, Review
from audits.programme import services as programme
from audits.reviews import services
from audits.reviews.rules import new_review_warnings
from qaportal.calendar import add_months
from qaportal.models import Council, Membership
from qaportal.services import supervisor_set
from standards.models import ReviewTemplate
from tests.factories import CaseFactory, TeamFactory


def allocate(world, template, case, reviewer=None, kind="mandatory"):
    return services.review_allocate(
        council=world.council,
        template=template,
        case=case,
        reviewer=reviewer or world.service_manager,
        by=world.group_manager,
        kind=kind,
    )


def completed(review, by, months_ago):
    """Mark `review` submitted `months_ago` months back, as if it had been done then."""
    when = timezone.now() - dt.timedelta(days=int(30.5 * months_ago))
    Review.objects.filter(pk=review.pk).update(status="submitted", submitted_at=when, created_at=when)


# --- Derbyshire: PSR / SPSR practice guidance v4 ----------------------------------------------


@pytest.mark.django_db
def test_derbyshire_a_case_with_a_psr_or_spsr_completed_in_12_months_is_not_allocated_again(world):
    """Derbyshire PSR/SPSR practice guidance, "Mosaic": "if a PSR/SPSR has already been completed
    within the last 12 months, another PIN must be allocated"."""
    spsr = allocate(world, world.spsr, world.case)
    completed(spsr, world.service_manager, months_ago=3)
    with pytest.raises(ValidationError, match="already had a SPSR completed on"):
        allocate(world, world.psr, world.case)


@pytest.mark.django_db
def test_derbyshire_a_review_started_but_never_completed_does_not_count_towards_the_12_months(world):
    """The look-back counts completed reviews: a cancelled or unfinished SPSR leaves the case free for
    a PSR; a PSR completed 13 months ago is outside the window."""
    spsr = allocate(world, world.spsr, world.case)
    assert allocate(world, world.psr, world.case, reviewer=world.service_manager)
    Review.objects.filter(case=world.case).delete()
    old = allocate(world, world.psr, world.case)
    completed(old, world.service_manager, months_ago=13)
    assert allocate(world, world.psr, world.case).status == "allocated"
    assert spsr.pk


@pytest.mark.django_db
def test_derbyshire_a_case_has_one_open_mandatory_review_of_a_form_at_a_time(world):
    allocate(world, world.psr, world.case)
    with pytest.raises(ValidationError, match="still open"):
        allocate(world, world.psr, world.case)


@pytest.fixture
def derbyshire_demo(db):
    call_command("load_demo", "--council", "derbyshire", stdout=io.StringIO())
    ExpectedReview.objects.all().delete()
    return Council.objects.get(slug="derbyshire")


def test_derbyshire_amhp_psrs_for_a_year_are_all_allocatable_within_the_amhp_service(derbyshire_demo):
    """Derbyshire PSR/SPSR practice guidance, "AMHP PSRs": they are "coordinated and completed via the
    AMHP service", so the AMHP service's own managers review its cases — anyone but the case's worker."""
    council = derbyshire_demo
    for n in range(12):
        programme.run_month(council=council, period=add_months(dt.date(2026, 4, 1), n))
    expected = list(
        ExpectedReview.objects.filter(council=council, template__key="amhp-psr").select_related("person", "template")
    )
    assert expected, "the programme asks the AMHP service for no AMHP PSRs in a year"
    amhp_cases = iter(Case.objects.filter(council=council, team__kind="amhp").order_by("pin"))
    refusals = []
    for row in expected:
        case = next(c for c in amhp_cases if c.responsible_worker_id != row.person_id)
        try:
            programme.expected_allocate(expected=row, case=case, by=row.person)
        except ValidationError as exc:
            refusals.append((row, case, exc.messages))
    assert refusals == []
    # The rule still bites where it should: no one reviews their own work.
    own = Case.objects.filter(council=council, team__kind="amhp", responsible_worker__isnull=False).first()
    amhp = ReviewTemplate.objects.get(council=council, key="amhp-psr")
    with pytest.raises(ValidationError, match="responsible for the work"):
        services.review_allocate(
            council=council, template=amhp, case=own, reviewer=own.responsible_worker, by=own.responsible_worker
        )


# --- Somerset: Practice Quality Framework, audit methodology -------------------------------------


@pytest.fixture
def somerset(load_council_catalogue, make_member):
    council = load_council_catalogue("somerset", "Somerset Council")
    team = TeamFactory(council=council, name="Taunton Locality Team")
    worker = make_member(council, "practitioner", team=team)
    colleague = make_member(council, "practitioner", team=team)
    manager = make_member(council, "service_manager", team=team)
    case = CaseFactory(council=council, team=team, responsible_worker=worker, responsible_manager=manager)
    return council, team, worker, colleague, manager, case


def test_somerset_peer_audits_of_the_same_team_are_encouraged_elsewhere_not_refused(somerset):
    """Somerset Practice Quality Framework, audit methodology for practitioners, 3: "we encourage staff
    to audit work undertaken by a worker in a similar role in a different team or service" — a
    warning, never a refusal."""
    council, team, worker, colleague, manager, case = somerset
    standard = ReviewTemplate.objects.get(council=council, key="standard-1")
    review = services.review_allocate(
        council=council, template=standard, case=case, reviewer=colleague, by=colleague, kind="peer"
    )
    assert review.status == "allocated"
    (warning,) = new_review_warnings(case=case, version=review.template_version, reviewer=colleague, kind="peer")
    assert "in a different team are encouraged" in warning
    # A peer audit of your own case is a self-audit, so that is still refused.
    with pytest.raises(ValidationError, match="self-audit, not a peer audit"):
        services.review_allocate(council=council, template=standard, case=case, reviewer=worker, by=worker, kind="peer")


def test_somerset_managers_audits_are_not_held_to_peer_independence(somerset):
    """Somerset Practice Quality Framework, audit methodology for managers and advanced practitioners:
    the sample is the Business Intelligence team's, with no peer rule — and no warning either."""
    council, team, worker, colleague, manager, case = somerset
    standard = ReviewTemplate.objects.get(council=council, key="standard-2")
    review = services.review_allocate(
        council=council, template=standard, case=case, reviewer=manager, by=manager, kind="peer"
    )
    assert review.status == "allocated"
    assert new_review_warnings(case=case, version=review.template_version, reviewer=manager, kind="peer") == []


# --- Lincolnshire and Coventry: their documents set no look-back ------------------------------------


@pytest.mark.parametrize(
    "slug, key",
    [("lincolnshire", "qpa-audit"), ("coventry", "practice-standards-audit")],
)
def test_councils_whose_documents_set_no_look_back_can_audit_a_case_again(
    load_council_catalogue, make_member, slug, key
):
    """Lincolnshire's Quality Practice Assurance Standards and Coventry's QA framework say nothing of
    re-auditing a case: the look-back is off (a council turns it on with a look-back group)."""
    council = load_council_catalogue(slug)
    auditor = make_member(council, "service_manager", team=TeamFactory(council=council))
    worker = make_member(council, "practitioner", team=TeamFactory(council=council), profession="social_worker")
    case = CaseFactory(council=council, team=TeamFactory(council=council), responsible_worker=worker)
    # Coventry's practice standards audit is by the worker's supervisor (framework, Appendix 6).
    supervisor_set(council=council, supervisee=worker, supervisor=auditor)
    template = ReviewTemplate.objects.get(council=council, key=key)
    first = services.review_allocate(council=council, template=template, case=case, reviewer=auditor, by=auditor)
    completed(first, auditor, months_ago=1)
    again = services.review_allocate(council=council, template=template, case=case, reviewer=auditor, by=auditor)
    assert again.status == "allocated"
    assert not Membership.objects.filter(council=council, user=auditor, team=case.team).exists()


# --- Somerset: managers' and advanced practitioners' audits are of a random sample -----------------


def test_somerset_managers_choose_from_cases_drawn_at_random_for_them(db, client):
    """Somerset Practice Quality Framework, audit methodology for managers and advanced practitioners 1:
    "A random sample of cases will be generated for audit each month" — not a case of their choosing."""
    from audits.programme.selectors import own_cases_to_choose

    call_command("load_demo", "--council", "somerset", stdout=io.StringIO())
    somerset = Council.objects.get(slug="somerset")
    ExpectedReview.objects.filter(council=somerset).delete()
    programme.run_month(council=somerset, period=dt.date(2026, 11, 1))
    manager = Membership.objects.filter(council=somerset, role="service_manager").first().user
    expected = ExpectedReview.objects.filter(council=somerset, person=manager, review__isnull=True).first()
    assert expected.rule.mode == "drawn"
    drawn = own_cases_to_choose(expected=expected)
    assert len(drawn) == 5
    assert own_cases_to_choose(expected=expected) == drawn  # the same draw every time they come back
    assert len({c.team_id for c in drawn}) > 1  # across the council's teams

    client.force_login(manager)
    page = client.get(f"/somerset/programme/requests/{expected.pk}/").content.decode()
    assert "Which of the cases drawn for you will you audit?" in page
    assert 'name="pin"' not in page  # no typing a case of their own choosing
    for case in drawn:
        assert f"PIN {case.pin}" in page
    response = client.post(f"/somerset/programme/requests/{expected.pk}/", {"case": drawn[2].pk})
    assert response.status_code == 302
    expected.refresh_from_db()
    assert expected.review.case == drawn[2]

    # Practitioners still choose their own case for their self-audit (methodology for practitioners 2).
    practitioner_rules = ExpectedReview.objects.filter(council=somerset, rule__role="practitioner")
    assert practitioner_rules.exists() and not practitioner_rules.filter(rule__mode="drawn").exists()

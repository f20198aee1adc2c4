from types import SimpleNamespace

import pytest

from audits.reviews import services
from standards.models import ReviewTemplate
from tests.conftest import activate_totp
from tests.factories import CaseFactory, TeamFactory


@pytest.fixture
def world(load_council_catalogue, make_member):
    """Derbyshire with its catalogue: a case owned by Chesterfield, a peer service manager in Erewash,
    the group manager over Chesterfield, and the worker responsible for the case."""
    council = load_council_catalogue("derbyshire", "Derbyshire County Council")
    chesterfield = TeamFactory(council=council, name="Chesterfield Long Term Team")
    erewash = TeamFactory(council=council, name="Erewash Long Term Team")
    w = SimpleNamespace(council=council, chesterfield=chesterfield, erewash=erewash)
    w.worker = make_member(council, "practitioner", team=chesterfield, profession="social_worker")
    w.case_manager = make_member(council, "service_manager", team=chesterfield)
    w.service_manager = make_member(council, "service_manager", team=erewash, email="sm@derbyshire.example")
    w.senior = make_member(council, "senior_practitioner", team=erewash, email="sp@derbyshire.example")
    w.group_manager = make_member(council, "group_manager", team=chesterfield, email="gm@derbyshire.example")
    w.other_gm = make_member(council, "group_manager", team=erewash)
    w.quality = activate_totp(make_member(council, "quality_team"))
    w.moderator = make_member(council, "moderator")
    w.case = CaseFactory(
        council=council,
        team=chesterfield,
        pin="1234567",
        responsible_worker=w.worker,
        responsible_manager=w.case_manager,
    )
    w.psr = ReviewTemplate.objects.get(council=council, key="psr")
    w.spsr = ReviewTemplate.objects.get(council=council, key="spsr")

    def allocate(template=None, reviewer=None, case=None, kind="mandatory"):
        return services.review_allocate(
            council=council,
            template=template or w.psr,
            case=case or w.case,
            reviewer=reviewer or w.service_manager,
            by=w.group_manager,
            kind=kind,
        )

    w.allocate = allocate
    return w


def complete_psr(review, by):
    """Fill every required section of a Derbyshire PSR through the same service the pages use."""
    from django.http import QueryDict

    from audits.reviews.selectors import review_in_council

    def save(kind, data):
        fresh = review_in_council(council=review.council, pk=review.pk)
        state = next((s for s in fresh.section_states.all() if s.kind == kind), None)
        qd = QueryDict(mutable=True)
        for k, v in data.items():
            qd[k] = v
        form = services.section_save(
            review=fresh, kind=kind, data=qd, base_version=state.version if state else 0, by=by
        )
        assert form.is_valid(), form.errors

    standards = list(review.template_version.standards.all())
    save(
        "ratings",
        {
            **{f"rating_{s.pk}": "G" for s in standards},
            **{f"evidence_{s.pk}": f"Evidence for standard {s.number}" for s in standards},
        },
    )
    save("feedback", {"given_by": "person", "feedback": "They listened to me."})
    save(
        "qa_plan",
        qa_plan_data([("Review the care and support plan.", review.case.responsible_worker or by, "18", "12", "2026")]),
    )
    save("summary", {"text": "A strengths-based assessment with clear recording."})
    return review_in_council(council=review.council, pk=review.pk)


def qa_plan_data(actions, **extra) -> dict:
    """The QA plan section's form data for (description, owner, day, month, year) actions; the owner is
    a person (or their id), as the page's person picker posts it."""
    data = {
        "action-TOTAL_FORMS": str(len(actions)),
        "action-INITIAL_FORMS": "0",
        "action-MIN_NUM_FORMS": "0",
        "action-MAX_NUM_FORMS": "20",
        **extra,
    }
    for i, (description, owner, day, month, year) in enumerate(actions):
        data |= {
            f"action-{i}-description": description,
            f"action-{i}-owner": str(getattr(owner, "pk", owner)),
            f"action-{i}-due_date_0": day,
            f"action-{i}-due_date_1": month,
            f"action-{i}-due_date_2": year,
        }
    return data

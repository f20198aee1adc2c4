"""Somerset Practice Quality Framework, audit methodology 2b and 4b: "The auditor should involve the
allocated worker ... If this is not possible, auditors are expected to arrange a date to feedback to the
worker"; and the worker sees the audit once it is submitted."""

import datetime as dt

import pytest
from django.http import QueryDict

from audits.demo import _fill
from audits.reviews import services
from audits.reviews.permissions import can_view_ratings_and_summary
from audits.reviews.selectors import review_in_council
from standards.models import ReviewTemplate
from tests.factories import CaseFactory, TeamFactory


@pytest.fixture
def audit(load_council_catalogue, make_member):
    council = load_council_catalogue("somerset", "Somerset Council")
    owning, other = TeamFactory(council=council), TeamFactory(council=council)
    worker = make_member(council, "practitioner", team=owning, profession="social_worker")
    auditor = make_member(council, "service_manager", team=other)
    case = CaseFactory(council=council, team=owning, responsible_worker=worker)
    template = ReviewTemplate.objects.get(council=council, key="standard-1")
    review = services.review_allocate(
        council=council, template=template, case=case, reviewer=auditor, by=auditor, kind="peer"
    )
    return review, auditor, worker


def fresh(review):
    return review_in_council(council=review.council, pk=review.pk)


def involve(review, by, **fields):
    data = QueryDict(mutable=True)
    data.update(fields)
    state = next((s for s in fresh(review).section_states.all() if s.kind == "worker_involvement"), None)
    return services.section_save(
        review=fresh(review), kind="worker_involvement", data=data, base_version=state.version if state else 0, by=by
    )


def test_every_somerset_audit_asks_how_the_allocated_worker_was_involved(load_council_catalogue):
    council = load_council_catalogue("somerset", "Somerset Council")
    for template in ReviewTemplate.objects.filter(council=council):
        section = template.versions.get().sections.get(kind="worker_involvement")
        assert section.required and "arrange a date to feedback to the worker" in section.guidance


def test_the_audit_is_not_submitted_until_the_workers_involvement_is_recorded(audit):
    review, auditor, worker = audit
    _fill(review, auditor, leave_out=frozenset({"worker_involvement"}))
    with pytest.raises(services.SubmitBlocked) as blocked:
        services.review_submit(review=fresh(review), by=auditor)
    assert [p.message for p in blocked.value.problems] == ["Say how you involved the allocated worker"]

    form = involve(review, auditor, how="feedback_agreed")
    assert form.errors["feedback_on"] == ["Enter the date agreed to feed back to the worker"]
    assert not hasattr(fresh(review), "worker_involvement") or fresh(review).worker_involvement is None

    day = dt.date(2026, 12, 14)
    involve(review, auditor, how="feedback_agreed", feedback_on_0="14", feedback_on_1="12", feedback_on_2="2026")
    assert fresh(review).worker_involvement.feedback_on == day
    assert not can_view_ratings_and_summary(worker, fresh(review))  # not before it is submitted
    services.review_submit(review=fresh(review), by=auditor)
    # Somerset's audits need no sign-off: once submitted, the worker reads it.
    assert can_view_ratings_and_summary(worker, fresh(review))

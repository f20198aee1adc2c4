"""Peer review, who may complete which review, and the 12-month rule — with messages a reviewer understands."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audits.models import Review
from audits.reviews import services
from tests.factories import CaseFactory


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


def test_the_manager_responsible_for_the_work_cannot_review_it(world):
    with pytest.raises(ValidationError) as exc:
        world.allocate(reviewer=world.case_manager)
    assert "is responsible for the work on PIN 1234567, so cannot review it" in messages_of(exc)


def test_a_reviewer_in_the_cases_own_team_is_refused(world, make_member):
    colleague = make_member(world.council, "service_manager", team=world.chesterfield)
    with pytest.raises(ValidationError) as exc:
        world.allocate(reviewer=colleague)
    assert "works in Chesterfield Long Term Team, the team that owns PIN 1234567" in messages_of(exc)


def test_spsrs_are_completed_by_service_managers_only(world):
    with pytest.raises(ValidationError) as exc:
        world.allocate(template=world.spsr, reviewer=world.senior)
    assert "cannot complete a SPSR: it is completed by service manager." in messages_of(exc)
    assert world.allocate(template=world.spsr).status == "allocated"


def test_psrs_can_be_delegated_to_a_senior_practitioner_who_then_completes_it(world):
    review = world.allocate()
    services.review_delegate(review=review, delegate=world.senior, by=world.service_manager)
    from audits.reviews.permissions import can_edit_review, can_view_review

    assert can_edit_review(world.senior, review) and can_view_review(world.service_manager, review)


def test_spsrs_cannot_be_delegated(world):
    review = world.allocate(template=world.spsr)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.review_delegate(review=review, delegate=world.senior, by=world.service_manager)


def complete_back_then(review, days_ago):
    when = timezone.now() - dt.timedelta(days=days_ago)
    Review.objects.filter(pk=review.pk).update(status="submitted", submitted_at=when, created_at=when)


def test_a_case_reviewed_in_the_last_12_months_cannot_get_another_mandatory_review_of_that_type(world):
    first = world.allocate()
    complete_back_then(first, days_ago=200)
    with pytest.raises(ValidationError) as exc:
        world.allocate()
    message = messages_of(exc)
    assert "PIN 1234567 already had a PSR completed on" in message
    assert f"by {world.service_manager}" in message
    assert "A case has one of these reviews in 12 months: choose another case." in message


def test_the_12_month_rule_counts_completed_reviews_and_ends_after_the_window(world):
    first = world.allocate()
    assert world.allocate(template=world.spsr).status == "allocated"  # an open PSR does not block an SPSR
    complete_back_then(first, days_ago=370)
    assert world.allocate().status == "allocated"


def test_cancelled_reviews_do_not_count_towards_the_12_month_rule(world):
    first = world.allocate()
    services.review_cancel(review=first, by=world.group_manager, reason="Wrong case")
    assert world.allocate().status == "allocated"


def test_additional_and_self_reviews_are_allowed_on_any_case_and_are_not_mandatory(world):
    world.allocate()
    own_case = CaseFactory(council=world.council, team=world.erewash, responsible_manager=world.service_manager)
    extra = services.review_start_own(
        council=world.council, template=world.psr, case=world.case, by=world.service_manager, kind="additional"
    )
    own = services.review_start_own(
        council=world.council, template=world.psr, case=own_case, by=world.service_manager, kind="self"
    )
    assert (extra.kind, own.kind) == ("additional", "self")


def test_due_by_the_last_working_day_of_the_month():
    # August 2026 ends on a Monday bank holiday (31st): due on Friday 28th.
    assert services.last_working_day(dt.date(2026, 8, 1)) == dt.date(2026, 8, 28)
    assert services.last_working_day(dt.date(2026, 10, 1)) == dt.date(2026, 10, 30)

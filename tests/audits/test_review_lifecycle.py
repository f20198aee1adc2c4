"""A review's life: allocate, save sections, submit, return, amend, authorise — each step checked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits.models import Review, ReviewChange, ReviewEvent
from audits.reviews import services
from audits.reviews.selectors import review_in_council

from .conftest import complete_psr


def test_a_psr_goes_from_allocated_to_authorised_with_every_step_recorded(world):
    review = world.allocate()
    assert review.status == "allocated"
    review = complete_psr(review, world.service_manager)
    assert review.status == "in_progress"
    services.review_submit(review=review, by=world.service_manager)
    services.review_return(review=review, by=world.group_manager, reason="Add evidence for standard 4.")
    assert review.status == "returned"
    review = complete_psr(review_in_council(council=world.council, pk=review.pk), world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    services.review_authorise(review=review, by=world.group_manager, comments="Good review.")
    review.refresh_from_db()
    assert review.status == "authorised" and review.authorised_by == world.group_manager
    actions = list(ReviewEvent.objects.filter(review=review).values_list("action", "from_status", "to_status"))
    assert actions == [
        ("allocate", "", "allocated"),
        ("start", "allocated", "in_progress"),
        ("submit", "in_progress", "submitted"),
        ("return", "submitted", "returned"),
        ("start", "returned", "in_progress"),
        ("submit", "in_progress", "submitted"),
        ("authorise", "submitted", "authorised"),
    ]
    assert ReviewEvent.objects.get(review=review, action="return").reason == "Add evidence for standard 4."


def test_every_change_to_every_answer_is_kept(world):
    review = complete_psr(world.allocate(), world.service_manager)
    standard = review.template_version.standards.get(number="1")
    from django.http import QueryDict

    state = next(s for s in review.section_states.all() if s.kind == "ratings")
    data = QueryDict(mutable=True)
    for s in review.template_version.standards.all():
        data[f"rating_{s.pk}"] = "O" if s == standard else "G"
        data[f"evidence_{s.pk}"] = f"Evidence for standard {s.number}"
    services.section_save(
        review=review, kind="ratings", data=data, base_version=state.version, by=world.service_manager
    )
    changes = ReviewChange.objects.filter(review=review, field="Standard 1 rating").order_by("at", "pk")
    assert [(c.old_value, c.new_value) for c in changes] == [("", "Good"), ("Good", "Outstanding")]


def test_submitting_with_an_unrated_standard_names_it(world):
    review = complete_psr(world.allocate(), world.service_manager)
    review.ratings.filter(standard__number="3").update(level=None)
    review = review_in_council(council=world.council, pk=review.pk)
    with pytest.raises(ValidationError) as exc:
        services.review_submit(review=review, by=world.service_manager)
    assert exc.value.messages == [
        "Rate standard 3: We work with people to understand what a good life looks like for them."
    ]
    assert Review.objects.get(pk=review.pk).status == "in_progress"


def test_submitting_without_feedback_or_a_reason_fails_on_the_feedback_section(world):
    review = complete_psr(world.allocate(), world.service_manager)
    review.feedback.delete()
    review = review_in_council(council=world.council, pk=review.pk)
    problems = [(p.section, p.anchor, p.message) for p in services.submit_problems(review)]
    assert problems == [("feedback", "id_feedback", "Record the person's feedback, or why they were not contacted")]
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    qd.update({"no_contact_reason": "unsafe", "no_contact_detail": "Contact could put her at risk from her partner."})
    services.section_save(review=review, kind="feedback", data=qd, base_version=1, by=world.service_manager)
    services.review_submit(review=review_in_council(council=world.council, pk=review.pk), by=world.service_manager)


def test_qa_plan_actions_need_an_owner_and_a_due_date(world):
    review = complete_psr(world.allocate(), world.service_manager)
    review.qa_actions.update(owner="", owner_person=None, due_date=None)
    review = review_in_council(council=world.council, pk=review.pk)
    assert [m for _k, _a, m in [(p.section, p.anchor, p.message) for p in services.submit_problems(review)]] == [
        "Choose who will do QA plan action 1",
        "Give a due date for QA plan action 1",
    ]


def test_a_reviewer_can_never_authorise_their_own_review(world):
    # A group manager who is also the reviewer of a case owned by a team they are over.
    review = world.allocate(reviewer=world.service_manager)
    from qaportal.models import Membership

    Membership.objects.create(
        council=world.council, user=world.service_manager, role="group_manager", team=world.chesterfield
    )
    review = complete_psr(review, world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    with pytest.raises(PermissionDenied):
        services.review_authorise(review=review, by=world.service_manager)


def test_only_the_group_manager_over_the_cases_team_authorises(world):
    review = complete_psr(world.allocate(), world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    with pytest.raises(PermissionDenied):
        services.review_authorise(review=review, by=world.other_gm)
    services.review_authorise(review=review, by=world.group_manager)


def test_returning_needs_a_reason(world):
    review = complete_psr(world.allocate(), world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    with pytest.raises(ValidationError):
        services.review_return(review=review, by=world.group_manager, reason=" ")


def test_a_submitted_review_cannot_be_changed(world):
    review = complete_psr(world.allocate(), world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    from django.http import QueryDict

    with pytest.raises(PermissionDenied):
        services.section_save(
            review=review_in_council(council=world.council, pk=review.pk),
            kind="summary",
            data=QueryDict("text=changed"),
            base_version=1,
            by=world.service_manager,
        )


def test_cancelling_keeps_the_reason(world):
    review = world.allocate()
    services.review_cancel(review=review, by=world.group_manager, reason="Reallocated to another manager.")
    assert ReviewEvent.objects.get(review=review, action="cancel").reason == "Reallocated to another manager."

"""The feedback section: contact attempts, the person's words, or why they were not contacted."""

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from audits.reviews import services
from audits.reviews.selectors import review_in_council
from feedback.models import ContactAttempt


def save_feedback(world, review, **data):
    fresh = review_in_council(council=world.council, pk=review.pk)
    state = next((s for s in fresh.section_states.all() if s.kind == "feedback"), None)
    qd = QueryDict(mutable=True)
    qd.update(data)
    return services.section_save(
        review=fresh, kind="feedback", data=qd, base_version=state.version if state else 0, by=world.service_manager
    )


def attempts(*rows) -> dict:
    """The section's attempt rows as the page posts them: each (day, outcome, contacted[, id])."""
    data = {"attempt-TOTAL_FORMS": str(len(rows)), "attempt-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        day, outcome, contacted, *pk = row
        data |= {
            f"attempt-{i}-date_0": day,
            f"attempt-{i}-date_1": "11",
            f"attempt-{i}-date_2": "2026",
            f"attempt-{i}-time": "14:30",
            f"attempt-{i}-contacted": contacted,
            f"attempt-{i}-method": "phone",
            f"attempt-{i}-outcome": outcome,
            **({f"attempt-{i}-id": str(pk[0])} if pk else {}),
        }
    return data


def attempt(day="10", outcome="no_answer", contacted="person"):
    return attempts((day, outcome, contacted))


def test_contact_attempts_are_logged_with_when_who_how_and_outcome(world):
    review = world.allocate()
    form = save_feedback(world, review, **attempt(outcome="no_answer"))
    assert form.is_valid(), form.errors
    logged = ContactAttempt.objects.get(review=review)
    assert (logged.contacted, logged.method, logged.outcome) == ("person", "phone", "no_answer")
    assert timezone.localtime(logged.at).strftime("%d/%m/%Y %H:%M") == "10/11/2026 14:30"


def test_a_half_filled_attempt_is_explained_and_not_saved(world):
    review = world.allocate()
    form = save_feedback(
        world,
        review,
        **{"attempt-TOTAL_FORMS": "1", "attempt-INITIAL_FORMS": "0", "attempt-0-contacted": "person"},
        **{"attempt-0-time": "25:99"},
    )
    assert not form.is_valid()
    (row,) = form.rows.forms
    assert row.errors["date"] == ["Enter the date of the attempt"]
    assert row.errors["time"] == ["Enter a time in 24-hour format, for example 14:30"]
    assert not ContactAttempt.objects.exists()


def test_not_reached_needs_the_recommended_three_attempts(world):
    review = world.allocate()
    save_feedback(world, review, **attempt("3"))
    first = ContactAttempt.objects.get(review=review).pk
    save_feedback(world, review, no_contact_reason="unreachable", no_contact_detail="No answer to calls or letters.")
    problems = [
        (p.section, p.anchor, p.message)
        for p in services.submit_problems(review_in_council(council=world.council, pk=review.pk))
    ]
    assert (
        "feedback",
        "new-row",
        "Log the 3 attempts to contact the person or their representative before recording that they could "
        "not be reached",
    ) in problems
    reason = {"no_contact_reason": "unreachable", "no_contact_detail": "No answer to calls or letters."}
    # The page posts the attempts already saved (with their ids) and the new ones, all on one page.
    save_feedback(
        world,
        review,
        **attempts(
            ("3", "no_answer", "person", first), ("5", "no_answer", "person"), ("7", "wrong_details", "representative")
        ),
        **reason,
    )
    assert ContactAttempt.objects.filter(review=review).count() == 3
    problems = [
        (p.section, p.anchor, p.message)
        for p in services.submit_problems(review_in_council(council=world.council, pk=review.pk))
    ]
    assert not [p for p in problems if p[0] == "feedback"]


def test_a_professional_view_after_too_few_attempts_is_nudged_not_blocked(client, world):
    review = world.allocate()
    save_feedback(world, review, given_by="professional", feedback="The OT saw good joint working.")
    client.force_login(world.service_manager)
    page = client.get(
        reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "feedback"})
    ).content.decode()
    assert "You have recorded a professional&#x27;s view after 0 of the 3 recommended attempts" in page
    problems = [
        (p.section, p.anchor, p.message)
        for p in services.submit_problems(review_in_council(council=world.council, pk=review.pk))
    ]
    assert not [p for p in problems if p[0] == "feedback"]


def test_submitting_with_neither_feedback_nor_reason_fails_on_the_feedback_section_and_a_reason_fixes_it(world):
    from .conftest_helpers import complete_all_but_feedback

    review = complete_all_but_feedback(world)
    problems = [(p.section, p.anchor, p.message) for p in services.submit_problems(review)]
    assert problems == [("feedback", "id_feedback", "Record the person's feedback, or why they were not contacted")]
    save_feedback(
        world,
        review,
        no_contact_reason="unsafe",
        no_contact_detail="Contacting her could alert the person she is being protected from.",
    )
    services.review_submit(review=review_in_council(council=world.council, pk=review.pk), by=world.service_manager)

"""QA plan actions have an owner who answers them: Derbyshire PSR/SPSR practice guidance, "Mosaic" —
"once assured these actions are being responded to, authorise the end of the review"."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audits.models import QAPlanAction, ReviewChange
from audits.programme.notifications import send_council_digests
from audits.reviews import services
from audits.reviews.selectors import qa_actions_owned_by, review_in_council

from .conftest import complete_psr


@pytest.fixture
def submitted(world):
    review = complete_psr(world.allocate(), world.service_manager)
    return services.review_submit(review=review, by=world.service_manager)


def action_of(review):
    return QAPlanAction.objects.select_related("review__case", "review__template_version").get(review=review)


def test_the_owner_is_a_person_of_the_council_and_sees_the_action_once_submitted(world):
    review = complete_psr(world.allocate(), world.service_manager)
    action = action_of(review)
    assert action.owner_person == world.worker and action.owner == world.worker.get_full_name()
    assert not qa_actions_owned_by(council=world.council, user=world.worker).exists()  # still a draft
    services.review_submit(review=review_in_council(council=world.council, pk=review.pk), by=world.service_manager)
    assert list(qa_actions_owned_by(council=world.council, user=world.worker)) == [action]


def test_the_owner_marks_it_done_and_the_change_is_in_the_review_history(world, submitted):
    action = services.qa_action_close(action=action_of(submitted), by=world.worker, status="done", note="Updated.")
    assert (action.status, action.status_by, action.completed_at) == ("done", world.worker, dt.date.today())
    assert not qa_actions_owned_by(council=world.council, user=world.worker).exists()
    change = ReviewChange.objects.filter(review=submitted, section="qa_plan").latest("pk")
    assert (change.old_value, change.new_value) == ("Open", "Done: Updated.")


def test_not_needed_says_why_and_the_database_holds_it_to_that(world, submitted):
    with pytest.raises(ValidationError, match="Say why the action is not needed"):
        services.qa_action_close(action=action_of(submitted), by=world.worker, status="not_needed")
    with pytest.raises(IntegrityError), transaction.atomic():
        QAPlanAction.objects.filter(review=submitted).update(status="not_needed", completed_at=dt.date.today())
    with pytest.raises(IntegrityError), transaction.atomic():
        QAPlanAction.objects.filter(review=submitted).update(status="done")  # closed without a date


def test_the_second_of_two_people_closing_an_action_is_told_who_closed_it(world, submitted):
    services.qa_action_close(action=action_of(submitted), by=world.worker, status="done")
    with pytest.raises(ValidationError, match="already marked this action done"):
        services.qa_action_close(action=action_of(submitted), by=world.group_manager, status="done")


def test_only_the_owner_the_group_manager_or_the_quality_team_can_answer_it(client, world, submitted):
    with pytest.raises(PermissionDenied):
        services.qa_action_close(action=action_of(submitted), by=world.other_gm, status="done")
    action = action_of(submitted)
    url = reverse(
        "audits:qa_action", kwargs={"council_slug": "derbyshire", "review_pk": submitted.pk, "action_pk": action.pk}
    )
    client.force_login(world.senior)  # nothing to do with the case
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "done"}).status_code == 404
    client.force_login(world.worker)
    assert client.post(url, {"status": "done", "note": ""}).status_code == 302
    assert action_of(submitted).status == "done"


def test_overdue_actions_are_in_the_group_managers_weekly_digest(world, submitted):
    QAPlanAction.objects.filter(review=submitted).update(due_date=dt.date(2026, 11, 20))
    mail.outbox.clear()
    send_council_digests.apply(args=[world.council.pk, "2026-12-07"]).get()
    (digest,) = [m for m in mail.outbox if m.to == [world.group_manager.email]]
    assert "QA plan actions past their due date (1)" in digest.body
    assert f"PIN 1234567: Review the care and support plan. – {world.worker}, due 20 Nov" in digest.body

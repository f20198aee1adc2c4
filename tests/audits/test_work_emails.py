"""People hear of work given to them, once each, with the link: a review allocated to them, a group
manager's sample ready to allocate, and a review authorised (its worker can then read it)."""

import datetime as dt

from django.core import mail

from audits.models import CaseSample
from audits.notifications import notify_review_allocated, notify_review_authorised
from audits.programme import services as programme
from audits.programme.loading import load_programme
from audits.programme.notifications import notify_sample_ready
from audits.reviews import services
from tests.audits.conftest import complete_psr


def to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


def test_the_reviewer_is_told_what_to_complete_by_when_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        review = world.allocate()
    assert len(queued) == 1
    notify_review_allocated.apply(args=[world.council.pk, review.pk]).get()
    notify_review_allocated.apply(args=[world.council.pk, review.pk]).get()  # a retry sends nothing more
    (email,) = to(world.service_manager)
    assert email.subject == f"You have a {world.psr} to complete by {review.due_date:%-d %B %Y}: PIN 1234567"
    assert f"/derbyshire/reviews/{review.pk}/" in email.body
    assert str(world.group_manager) in email.body


def test_nobody_is_emailed_about_a_review_they_started_themselves(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        services.review_start_own(
            council=world.council, template=world.psr, case=world.case, by=world.service_manager, kind="additional"
        )
    assert not queued


def test_a_delegate_is_told_too(world):
    review = world.allocate()
    services.review_delegate(review=review, delegate=world.senior, by=world.service_manager)
    notify_review_allocated.apply(args=[world.council.pk, review.pk]).get()
    (email,) = to(world.senior)
    assert f"delegated to you by {world.service_manager}" in email.body


def test_the_group_manager_is_told_their_sample_is_ready_once(world, django_capture_on_commit_callbacks):
    # Derbyshire PSR/SPSR practice guidance v4, allocation: "10 PINs per group manager will be sourced
    # from the Management Information team (MIT) and sent to each group manager on the 1st of each month".
    load_programme(world.council)
    with django_capture_on_commit_callbacks() as queued:
        programme.run_month(council=world.council, period=dt.date(2026, 11, 1))
    sample = CaseSample.objects.get(council=world.council, group_manager=world.group_manager)
    assert queued
    assert notify_sample_ready.apply(args=[world.council.pk, sample.pk]).get() is True
    assert notify_sample_ready.apply(args=[world.council.pk, sample.pk]).get() is False
    (email,) = to(world.group_manager)
    assert email.subject == "Your sample of cases for November 2026 is ready to allocate"
    assert "/derbyshire/programme/allocation/?month=2026-11" in email.body


def test_authorisation_tells_the_reviewer_and_the_cases_worker_once(world, django_capture_on_commit_callbacks):
    review = services.review_submit(
        review=complete_psr(world.allocate(), world.service_manager), by=world.service_manager
    )
    with django_capture_on_commit_callbacks() as queued:
        services.review_authorise(review=review, by=world.group_manager, comments="Well evidenced.")
    assert len(queued) == 1
    for _ in range(2):
        notify_review_authorised.apply(args=[world.council.pk, review.pk]).get()
    (to_reviewer,) = to(world.service_manager)
    assert "has been authorised" in to_reviewer.subject and "Well evidenced." in to_reviewer.body
    (to_worker,) = to(world.worker)
    assert to_worker.subject == f"The {world.psr} of your case PIN 1234567 is ready to read"
    assert f"/derbyshire/reviews/{review.pk}/view/" in to_worker.body
    assert not to(world.group_manager)

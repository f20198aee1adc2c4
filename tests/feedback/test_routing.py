"""Compliments and complaints are sent once each to the council's addresses, by a real Celery worker."""

import pytest
from django.core import mail
from django_scopes import scope

from feedback import services
from feedback.models import PublicFeedback, Referral
from feedback.tasks import send_referral
from tests.helpers import wait_for


@pytest.mark.django_db(transaction=True)
def test_a_compliment_and_a_complaint_send_one_email_each_through_celery(celery_session_worker, world):
    world.council.compliments_email = "your.views@derbyshire.example"
    world.council.complaints_email = "complaints@derbyshire.example"
    world.council.save()
    review = world.allocate()
    with scope(council=world.council):
        compliment = services.referral_make(
            council=world.council,
            kind=Referral.Kind.COMPLIMENT,
            by=world.service_manager,
            review=review,
            text="She said the team had been wonderful.",
        )
        referral = services.referral_make(
            council=world.council,
            kind=Referral.Kind.COMPLAINT,
            by=world.service_manager,
            review=review,
            text="He is unhappy that his care package was reduced.",
        )
    assert wait_for(
        lambda: Referral.objects.get(pk=compliment.pk).sent_at and Referral.objects.get(pk=referral.pk).sent_at
    )
    # Sending again (a retried task) sends nothing more.
    assert send_referral.delay(world.council.pk, compliment.pk).get(timeout=30) == ""
    to_compliments = [m for m in mail.outbox if m.to == ["your.views@derbyshire.example"]]
    to_complaints = [m for m in mail.outbox if m.to == ["complaints@derbyshire.example"]]
    assert len(to_compliments) == 1 and "She said the team had been wonderful." in to_compliments[0].body
    assert len(to_complaints) == 1 and "care package was reduced" in to_complaints[0].body
    assert review.referrals.filter(kind="complaint").exists()  # marked on the review
    assert set(review.events.values_list("action", flat=True)) >= {"compliment", "complaint"}


def test_the_inbox_logs_a_compliment_with_one_action(client, world, django_capture_on_commit_callbacks):
    item = PublicFeedback.objects.create(council=world.council, feedback="Thank you for everything.")
    client.force_login(world.quality)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/derbyshire/feedback/inbox/{item.pk}/", {"compliment": "1"})
        client.post(f"/derbyshire/feedback/inbox/{item.pk}/", {"compliment": "1"})  # a double click
    item.refresh_from_db()
    assert item.status == "compliment"
    assert Referral.objects.get(public_feedback=item, kind="compliment").text.startswith("Thank you")
    assert len(callbacks) == 1  # one email queued


def test_the_inbox_is_for_the_quality_team(client, world):
    client.force_login(world.service_manager)
    assert client.get("/derbyshire/feedback/inbox/").status_code == 403

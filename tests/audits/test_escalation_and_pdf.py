"""Escalations reach the group manager at once through a real Celery worker; reviews print as tagged PDFs."""

import subprocess

import pikepdf
import pytest
from django.core import mail
from django.http import QueryDict
from django_scopes import scope

from audits.models import Escalation
from audits.reviews import services
from audits.reviews.selectors import review_in_council
from qaportal.models import Document
from tests.helpers import wait_for

from .conftest import complete_psr


@pytest.mark.django_db(transaction=True)
def test_raising_an_escalation_emails_the_group_manager_through_celery(celery_session_worker, world):
    review = world.allocate()
    with scope(council=world.council):
        data = QueryDict(mutable=True)
        data.update({"concern": "safety", "detail": "Her son has moved back in; the safety plan does not cover it."})
        services.section_save(
            review=review_in_council(council=world.council, pk=review.pk),
            kind="escalation",
            data=data,
            base_version=0,
            by=world.service_manager,
        )
    escalation = Escalation.objects.get(review=review)
    assert wait_for(lambda: any(m.to == [world.group_manager.email] for m in mail.outbox)), "no email arrived"
    email = next(m for m in mail.outbox if m.to == [world.group_manager.email])
    assert "PIN 1234567 needs immediate action" in email.subject
    assert "Her son has moved back in" in email.body
    assert world.other_gm.email not in [addr for m in mail.outbox for addr in m.to]
    assert wait_for(lambda: Escalation.objects.get(pk=escalation.pk).notified_at is not None)


def test_the_group_manager_sees_and_acknowledges_an_escalation(client, world, django_capture_on_commit_callbacks):
    review = world.allocate()
    Escalation.objects.create(
        council=world.council,
        review=review,
        concern="legality",
        detail="No capacity assessment before the move.",
        raised_by=world.service_manager,
    )
    client.force_login(world.group_manager)
    home = client.get("/derbyshire/").content.decode()
    assert "Escalations" in home and "PIN 1234567" in home
    escalation = Escalation.objects.get(review=review)
    client.post(f"/derbyshire/reviews/{review.pk}/escalations/{escalation.pk}/acknowledge/")
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == world.group_manager
    assert "Escalations" not in client.get("/derbyshire/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_completed_review_downloads_as_an_accessible_pdf(celery_session_worker, client, world, tmp_path):
    review = complete_psr(world.allocate(), world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    services.review_authorise(review=review, by=world.group_manager, comments="Thorough.")
    client.force_login(world.group_manager)
    url = f"/derbyshire/reviews/{review.pk}/pdf/"
    response = client.get(url)
    # Made by the PDF worker while a page waits; the download link appears when it is ready.
    assert response.status_code == 302 and "/pdf/" in response.url
    status_page = response.url
    assert wait_for(lambda: "Your PDF is ready" in client.get(status_page).content.decode())
    response = client.get(url)  # asked again: the finished file is reused, not made again
    assert response["Content-Type"] == "application/pdf"
    assert Document.objects.filter(kind="review-pdf").count() == 1
    path = tmp_path / "review.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert "/StructTreeRoot" in pdf.Root
        assert "PIN 1234567" in str(pdf.open_metadata().get("dc:title"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Practice Standard Review" in text
    assert "Evidence for standard 6" in text
    assert "Review the care and support plan." in text
    assert "Authorised by" in text

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
from standards.models import SectionKind
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


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page, as a reader of the printed review sees it."""
    path = tmp_path / "review.pdf"
    path.write_bytes(pdf)
    with pikepdf.open(path) as opened:
        count = len(opened.pages)
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def test_the_pdf_holds_everything_recorded_and_leaves_no_section_alone_at_a_page_foot(world, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from audits.reviews.pdf import review_pdf_bytes
    from feedback.models import ContactAttempt

    review = world.allocate()
    review.due_date = dt.date(2026, 12, 18)
    review.save(update_fields=["due_date"])
    for day, outcome, note in [
        (2, "no_answer", "Left a voicemail."),
        (4, "reached", "Daughter said call back Friday."),
    ]:
        ContactAttempt.objects.create(
            council=world.council,
            review=review,
            at=timezone.make_aware(dt.datetime(2026, 12, day, 14, 30)),
            contacted="representative",
            method="phone",
            outcome=outcome,
            note=note,
            recorded_by=world.service_manager,
        )
    review = complete_psr(review, world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    services.review_return(review=review, by=world.group_manager, reason="Standard 3's evidence is thin.")
    review = complete_psr(review, world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    services.review_authorise(review=review, by=world.group_manager, comments="Thorough.")
    with scope(council=world.council):
        pages = pdf_pages(review_pdf_bytes(review_in_council(council=world.council, pk=review.pk)), tmp_path)
    text = " ".join(" ".join(page.split()) for page in pages)

    # Who and when: the case's worker and manager, the due date and who allocated it.
    assert f"Responsible worker {world.worker}" in text
    assert f"Responsible manager {world.case_manager}" in text
    assert "Due 18 December 2026" in text
    assert f"By {world.group_manager} on" in text
    # Every contact attempt with its time, who was contacted and the note.
    assert "2 December 2026, 14:30" in text and "4 December 2026, 14:30" in text
    assert "Left a voicemail." in text and "Daughter said call back Friday." in text
    assert "representative" in text.lower()
    # The return and its reason are part of the record.
    assert "Returned to the reviewer" in text and "Standard 3's evidence is thin." in text

    # Layout: however long the evidence runs, no page ends on a section heading and the sign-off
    # (summary and authorisation) is printed together.
    from audits.models import StandardRating

    section_titles = {str(kind.label) for kind in SectionKind} | {"History"}
    last_rating = StandardRating.objects.filter(review=review).order_by("standard__order").last()
    for extra_lines in range(0, 48, 6):
        last_rating.evidence = "Evidence for standard 6" + "\nThe plan was reviewed with her." * extra_lines
        last_rating.save(update_fields=["evidence"])
        with scope(council=world.council):
            pages = pdf_pages(review_pdf_bytes(review_in_council(council=world.council, pk=review.pk)), tmp_path)
        for number, page in enumerate(pages, start=1):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            body = [line for line in lines if "OFFICIAL-SENSITIVE" not in line and not line.startswith("Page ")]
            assert body and body[-1] not in section_titles, f"page {number} ends on a lone heading: {body[-3:]}"
        signed_off = next(page for page in pages if "Authorised by" in page)
        assert "A strengths-based assessment" in signed_off, f"sign-off split with {extra_lines} extra lines"

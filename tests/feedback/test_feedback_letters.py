"""A letter and an e-mail asking the person for feedback, each with a one-time short link and QR code
to the public form, in plain English and easy read ("letter" is one of the contact methods each
council's feedback guidance names: Derbyshire PSR/SPSR guidance, feedback: "phone, email, text, letter,
or in-person")."""

import subprocess

import pikepdf
import pytest

from feedback.models import FeedbackLink


def structure(node):
    """Every element of a tagged PDF's structure tree."""
    if isinstance(node, pikepdf.Dictionary):
        yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            yield from structure(kid)


@pytest.mark.parametrize(
    "easy_read, words",
    [("0", "Tell us about your experience of adult social care"), ("1", "Tell us what you think")],
)
def test_the_reviewer_prints_a_letter_with_a_one_time_link_and_qr_code(client, world, tmp_path, easy_read, words):
    review = world.allocate()
    client.force_login(world.service_manager)
    response = client.post(f"/derbyshire/reviews/{review.pk}/feedback/letter/", {"easy_read": easy_read})
    assert response["Content-Type"] == "application/pdf"
    link = FeedbackLink.objects.get(review=review)
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.content)
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB" and "/StructTreeRoot" in pdf.Root
        assert len(pdf.pages) == 1
        figures = [str(n.get("/Alt")) for n in structure(pdf.Root.StructTreeRoot) if n.get("/S") == "/Figure"]
        assert figures and "QR code" in figures[0]  # the QR code, with its text alternative
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert words in text
    assert link.token in text.replace("\n", "")  # the short link, typed out for people without a phone
    assert "PIN" not in text and str(review.case.pin) not in text  # nothing about the case on paper


def test_the_email_words_carry_their_own_link_and_only_the_reviewer_can_make_them(client, world):
    review = world.allocate()
    client.force_login(world.service_manager)
    page = client.post(f"/derbyshire/reviews/{review.pk}/feedback/email/", {"easy_read": "1"}).content.decode()
    link = FeedbackLink.objects.get(review=review)
    assert "Subject: Tell us what you think" in page and link.token in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code for the same link
    client.force_login(world.worker)
    assert client.post(f"/derbyshire/reviews/{review.pk}/feedback/letter/").status_code == 403
    assert FeedbackLink.objects.filter(review=review).count() == 1

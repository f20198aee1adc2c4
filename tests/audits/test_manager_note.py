"""Derbyshire PSR/SPSR practice guidance v4: "General themes, internal performance issues, practice
concerns relating to colleagues, or wider service-level matters must not be entered into the Mosaic
PSR/SPSR ... [they] should instead be tracked, monitored and responded to separately by the group
manager". The group manager keeps a private note on the authorise page, apart from the review."""

import pytest

from audits.reviews import pdf, services
from audits.reviews.selectors import review_in_council
from tests.audits.conftest import complete_psr

NOTE = "Third PSR this quarter where carers' assessments were not offered: raise at the team meeting."


@pytest.fixture
def submitted(world):
    review = complete_psr(world.allocate(), world.service_manager)
    return services.review_submit(review=review, by=world.service_manager)


def test_the_group_manager_keeps_a_private_note_beside_the_authorise_decision(client, world, submitted):
    client.force_login(world.group_manager)
    note_url = f"/derbyshire/reviews/{submitted.pk}/manager-note/"
    page = client.get(f"/derbyshire/reviews/{submitted.pk}/authorise/").content.decode()
    assert "Add a private note" in page
    response = client.post(note_url, {"text": NOTE})
    assert response.status_code == 302 and response["Location"].endswith("/authorise/")
    page = client.get(f"/derbyshire/reviews/{submitted.pk}/authorise/").content.decode()
    assert "raise at the team meeting" in page and "Change your private note" in page
    # Kept apart from the review: not on the review's own page.
    assert "raise at the team meeting" not in client.get(f"/derbyshire/reviews/{submitted.pk}/view/").content.decode()
    # Emptied, it is removed.
    client.post(note_url, {"text": "  "})
    assert "Add a private note" in client.get(f"/derbyshire/reviews/{submitted.pk}/authorise/").content.decode()


def test_the_note_is_never_in_the_reviews_pdf(world, submitted, monkeypatch):
    services.manager_note_save(review=submitted, by=world.group_manager, text=NOTE)
    handed_to_weasyprint = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: handed_to_weasyprint.append(html) or b"%PDF")
    pdf.review_pdf_bytes(review_in_council(council=world.council, pk=submitted.pk))
    (html,) = handed_to_weasyprint
    assert "carers' assessments were not offered" not in html and "Private note" not in html


def test_only_the_group_manager_and_the_quality_team_can_read_it(client, world, submitted):
    services.manager_note_save(review=submitted, by=world.group_manager, text=NOTE)
    note_url = f"/derbyshire/reviews/{submitted.pk}/manager-note/"
    client.force_login(world.quality)
    assert "raise at the team meeting" in client.get(note_url).content.decode()
    for outsider in [world.service_manager, world.worker, world.moderator, world.other_gm, world.case_manager]:
        client.force_login(outsider)
        assert client.get(note_url).status_code == 404, outsider
        assert client.post(note_url, {"text": "overwritten"}).status_code == 404, outsider
    assert submitted.manager_note.text == NOTE

"""The round report for the quality board as a tagged PDF, made by a real Celery worker with the
review PDF's renderer (issue: Moderation, 7); and the moderation pages' query counts stay flat as
rounds grow."""

import subprocess

import pikepdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation import services
from tests.conftest import activate_totp
from tests.factories import CouncilFactory, MembershipFactory, UserFactory
from tests.helpers import wait_for

from .conftest import verdict_post


@pytest.mark.django_db(transaction=True)
def test_the_round_report_downloads_as_a_tagged_pdf_for_the_quality_board(
    celery_session_worker, client, moderation, tmp_path
):
    m = moderation
    client.force_login(m.w.moderator)
    client.post(
        reverse("moderation:verdict", kwargs={"council_slug": "derbyshire", "assignment_pk": m.mine.pk}),
        verdict_post(m.mine, levels=m.levels),
    )
    services.round_close(moderation_round=m.round, by=m.w.quality, notify=False)
    client.force_login(m.w.quality)
    response = client.post(
        reverse("moderation:round_report_pdf", kwargs={"council_slug": "derbyshire", "round_pk": m.round.pk})
    )
    assert response.status_code == 302
    status_page = response.url
    assert wait_for(lambda: "Your PDF is ready" in client.get(status_page).content.decode())
    download = client.get(status_page + "download/")
    path = tmp_path / "round.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB" and "/StructTreeRoot" in pdf.Root
        assert m.round.name in str(pdf.open_metadata().get("dc:title"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Derbyshire County Council" in text and "Agreement with the ratings" in text
    assert "Clear evidence throughout." in text  # what the panel said
    # Another council's member asking for the same document is a 404.
    other = CouncilFactory(slug="somerset", name="Somerset Council")
    outsider = UserFactory()
    MembershipFactory(council=other, user=outsider, role="quality_team")
    activate_totp(outsider)
    client.force_login(outsider)
    assert client.get(status_page + "download/").status_code == 404


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_round_and_verdict_pages_read_a_fixed_number_of_queries_however_large_the_round(
    client, moderation, make_member
):
    m = moderation
    client.force_login(m.w.moderator)
    verdict_url = reverse("moderation:verdict", kwargs={"council_slug": "derbyshire", "assignment_pk": m.mine.pk})
    client.post(verdict_url, verdict_post(m.mine, levels=m.levels))
    small_verdict = queries(client, verdict_url)
    client.force_login(m.w.quality)
    round_url = reverse("moderation:round", kwargs={"council_slug": "derbyshire", "round_pk": m.round.pk})
    report_url = reverse("moderation:round_report", kwargs={"council_slug": "derbyshire", "round_pk": m.round.pk})
    small_round, small_report = queries(client, round_url), queries(client, report_url)

    # The same round with more on it: a reassignment, a second verdict submitted, a theme.
    stand_in = make_member(m.council, "moderator")
    services.assignment_reassign(assignment=m.theirs, to=stand_in, reason="Away", by=m.w.quality)
    m.theirs.refresh_from_db()
    client.force_login(stand_in)
    client.post(
        reverse("moderation:verdict", kwargs={"council_slug": "derbyshire", "assignment_pk": m.theirs.pk}),
        verdict_post(m.theirs, levels=m.levels),
    )
    client.force_login(m.w.quality)
    assert queries(client, round_url) <= small_round
    assert queries(client, report_url) <= small_report
    client.force_login(m.w.moderator)
    assert queries(client, verdict_url) <= small_verdict
    assert small_verdict <= 40 and small_round <= 25

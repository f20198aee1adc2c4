"""Reports for the board (issue: Reporting, 5 to 7): the quality team writes a narrative per section,
asks for the annual report, a real Celery worker makes it as a tagged PDF; a worker killed part way
leaves no file and the run fails, and a retry makes it; the monthly compliance report is asked for
once a month by the schedule and the quality team is e-mailed a link once."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from qaportal.calendar import add_months, first_working_day
from qaportal.demo import demo_login_email
from qaportal.documents import mark_stale_failed
from qaportal.models import Council, Document, User
from reporting import services
from reporting.reports import DOCUMENT_KIND, REPORT_KINDS
from reporting.tasks import reporting_daily
from standards.selectors import current_versions
from tests.conftest import activate_totp
from tests.factories import CouncilFactory, MembershipFactory, UserFactory
from tests.helpers import wait_for


def load(*councils: str) -> None:
    with scopes_disabled(), override_settings(QAPORTAL_DEMO_HISTORY_MONTHS=12):
        call_command("load_demo", *[f"--council={c}" for c in councils], stdout=io.StringIO())


def person(slug: str, role: str) -> User:
    return User.objects.get(email=demo_login_email(slug, role))


def the_demo_year() -> dt.date:
    return add_months(timezone.localdate().replace(day=1), -12)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_annual_report_is_written_made_by_a_worker_and_downloaded_as_a_tagged_pdf(
    celery_session_worker, client, tmp_path
):
    load("derbyshire")
    quality = person("derbyshire", "quality_team")
    client.force_login(quality)
    edit = reverse("reporting:report_edit", kwargs={"council_slug": "derbyshire", "report": "annual"})
    start = f"{the_demo_year():%Y-%m}"
    page = client.get(edit)
    assert page.status_code == 200 and f'value="{start}" selected' in page.content.decode()
    words = {f"narrative_{key}": f"What the board should know about {key}." for key in REPORT_KINDS["annual"].sections}
    saved = client.post(edit, {"start": start, "version": 0, "save": "1", **words})
    assert saved.status_code == 302
    # A second tab still holding version 0 cannot overwrite the draft unseen: its words come back.
    stale = client.post(edit, {"start": start, "version": 0, "save": "1", **words, "narrative_summary": "Mine."})
    assert stale.status_code == 400 and "saved this narrative after you opened it" in stale.content.decode()
    assert "Mine." in stale.content.decode()
    made = client.post(edit, {"start": start, "version": 1, "generate": "1", **words})
    assert made.status_code == 302
    run = made.url
    # Asking again for the same report, period and words while it is being made joins that run.
    again = client.post(edit, {"start": start, "version": 2, "generate": "1", **words})
    assert again.url == run or Document.objects.filter(kind=DOCUMENT_KIND).count() <= 2
    assert wait_for(lambda: "Your report is ready" in client.get(run).content.decode(), timeout=120)
    download = client.get(run + "download/")
    path = tmp_path / "annual.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "en-GB"
        assert "Annual report" in str(pdf.open_metadata().get("dc:title"))
        outline = [item.title for item in pdf.open_outline().root]
        figures = [node for node in structure(pdf.Root.StructTreeRoot) if str(node.get("/S")) == "/Figure"]
    assert {"Summary", "Ratings per standard", "Feedback from people and their representatives"} <= set(outline)
    assert len(outline) == len(REPORT_KINDS["annual"].sections) + 1  # the title, then every section
    assert figures and all("/Alt" in f for f in figures)  # charts, each with its text alternative
    text = " ".join(pdf_text(path).split())
    assert "Derbyshire County Council" in text
    assert "What the board should know about themes." in text
    with scopes_disabled():
        council = Council.objects.get(slug="derbyshire")
        with scope(council=council):
            titles = [s.title for v in current_versions(council=council) for s in v.standards.all() if s.rated]
    assert titles and [t for t in titles if " ".join(t.split())[:60] not in text] == []
    assert "Share of ratings (%)" in text  # a chart's own text, drawn as text
    # The run is kept with who asked and when, and another council's member gets a 404 for it.
    history = client.get(reverse("reporting:reports", kwargs={"council_slug": "derbyshire"})).content.decode()
    assert quality.get_full_name() in history
    outsider = UserFactory()
    with scopes_disabled():
        MembershipFactory(
            council=CouncilFactory(slug="somerset", name="Somerset Council"), user=outsider, role="quality_team"
        )
    activate_totp(outsider)
    client.force_login(outsider)
    assert client.get(run).status_code == 404
    assert client.get(run + "download/").status_code == 404
    somerset_run = run.replace("/derbyshire/", "/somerset/")
    assert client.get(somerset_run).status_code == 404  # a Derbyshire run's id under Somerset's address


def structure(node, depth: int = 0):
    if depth > 60:
        return
    yield node
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from structure(kid, depth + 1)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_part_way_leaves_no_file_the_run_fails_and_a_retry_makes_it(celery_session_worker, client):
    load("derbyshire")
    with scopes_disabled():
        council = Council.objects.get(slug="derbyshire")
    quality = person("derbyshire", "quality_team")
    # Asked for without a queue: the worker below is a process of its own, killed as a restart would.
    with scope(council=council):
        document = Document.objects.create(
            council=council,
            kind=DOCUMENT_KIND,
            key="annual-kill-test",
            title="Annual report",
            params={"kind": "annual", "start": the_demo_year().isoformat(), "narratives": {}},
            requested_by=quality,
        )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qaportal.settings.test",
        "QAPORTAL_DB_NAME": connection.settings_dict["NAME"],
    }
    folder = Path(settings.MEDIA_ROOT) / "documents" / "derbyshire" / DOCUMENT_KIND
    before = set(folder.rglob("*")) if folder.exists() else set()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from qaportal.tasks import render_document; "
            f"render_document.apply(args=[{council.pk}, {document.pk}])",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        assert wait_for(
            lambda: Document.objects.filter(pk=document.pk, status="running", progress__gte=16).exists(), timeout=60
        )
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    after = set(folder.rglob("*")) if folder.exists() else set()
    assert after == before  # no file written, not even a part of one
    with scopes_disabled():
        document.refresh_from_db()
    assert document.status == "running" and not document.file
    # The stale-run sweep (beat, every few minutes) fails it in plain words.
    with scope(council=council):
        assert mark_stale_failed(council=council, now=timezone.now() + dt.timedelta(minutes=11)) == 1
    client.force_login(quality)
    run = reverse("reporting:run", kwargs={"council_slug": "derbyshire", "document_pk": document.pk})
    page = client.get(run).content.decode()
    assert "The report could not be made" in page and "stopped part way through" in page
    retried = client.post(run)
    assert retried.status_code == 302
    assert wait_for(lambda: "Your report is ready" in client.get(run).content.decode(), timeout=120)
    with scopes_disabled():
        document.refresh_from_db()
    assert document.status == "done" and document.attempts == 2 and document.file


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_monthly_report_is_asked_for_once_and_the_quality_team_is_emailed_a_link_once(celery_session_worker):
    load("derbyshire")
    with scopes_disabled():
        council = Council.objects.get(slug="derbyshire")
    day = first_working_day(timezone.localdate().replace(day=1))
    with scope(council=council):
        # New Year's Day is a bank holiday: nothing is asked for before the first working day.
        assert services.scheduled_reports_request(council=council, today=dt.date(2027, 1, 1)) is None
    mail.outbox.clear()
    reporting_daily.delay(day.isoformat()).get(timeout=30)
    reporting_daily.delay(day.isoformat()).get(timeout=30)  # beat firing twice asks once
    with scopes_disabled():
        assert wait_for(
            lambda: Document.objects.filter(council=council, kind=DOCUMENT_KIND, status="done").count() == 1,
            timeout=120,
        )
        runs = list(Document.objects.filter(council=council, kind=DOCUMENT_KIND))
    assert len(runs) == 1 and runs[0].params["kind"] == "monthly" and runs[0].requested_by is None
    assert runs[0].params["start"] == add_months(day.replace(day=1), -1).isoformat()
    assert wait_for(lambda: len(mail.outbox) >= 1, timeout=30)
    quality = person("derbyshire", "quality_team")
    to_quality = [m for m in mail.outbox if quality.email in m.to]
    assert len(to_quality) == 1
    assert f"/derbyshire/reports/runs/{runs[0].pk}/" in to_quality[0].body and not to_quality[0].attachments
    reporting_daily.delay(day.isoformat()).get(timeout=30)
    assert len([m for m in mail.outbox if quality.email in m.to]) == 1

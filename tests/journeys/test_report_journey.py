"""Reports in the browser (issue: Reporting, acceptance), with axe and the console/CSP checks on every
page: the quality team reads the dashboard, writes the narrative of Derbyshire's annual report for
the demo year, asks for it, watches its progress, and downloads a tagged PDF that holds the council's
name, every standard's title, a bookmark per section and charts."""

import io
import re

import pikepdf
import pytest
from django.core.management import call_command
from django.test import override_settings
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from qaportal.demo import DEMO_PASSWORD, demo_login_email
from qaportal.models import Council, User
from reporting.reports import REPORT_KINDS, SECTIONS
from standards.selectors import current_versions
from tests.reporting.test_reports import pdf_text, structure

from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_quality_team_writes_asks_for_watches_and_downloads_the_annual_report(
    page, axe, celery_session_worker, tmp_path
):
    with scopes_disabled(), override_settings(QAPORTAL_DEMO_HISTORY_MONTHS=12):
        call_command("load_demo", "--council=derbyshire", stdout=io.StringIO())
    sign_in(page, axe, demo_login_email("derbyshire", "quality_team"), password=DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # The dashboard: charts with their figures, for the last twelve months by default.
    page.get_by_role("link", name="Reports").first.click()
    axe(page)
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator("img.qa-chart__image").first).to_be_visible()
    page.get_by_text("The figures behind this chart").first.click()
    axe(page)
    page.get_by_label("Form", exact=True).select_option(label="Practice Standard Review")
    page.get_by_role("button", name="Show").click()
    expect(page.locator('table[data-table="ratings-psr"]')).to_be_attached()  # in the chart's details
    axe(page)

    # The annual report for the demo year: a narrative saved as a draft, then the report asked for.
    page.get_by_role("link", name="Reports for the board").click()
    page.get_by_role("link", name="Write and make Annual report").click()
    expect(page.get_by_role("heading", name="Annual report", level=1)).to_be_visible()
    axe(page)
    page.get_by_label("Summary", exact=True).fill(
        "Practice improved through the year; feedback from people is the priority."
    )
    page.get_by_label("Learning themes", exact=True).fill(
        "Recording of mental capacity decisions came up in every quarter."
    )
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Narrative saved as a draft")
    expect(page.get_by_label("Summary", exact=True)).to_have_value(re.compile("Practice improved"))
    axe(page)
    page.get_by_role("button", name="Save and make the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Making the report|Your report is ready"))
    axe(page)
    # The page updates by itself, without anyone reloading it.
    expect(page.get_by_role("heading", name="Your report is ready")).to_be_visible(timeout=120_000)
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the report")).click()
    path = tmp_path / "annual.pdf"
    download.value.save_as(path)

    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.open_metadata().get("dc:title")).startswith("Annual report")
        outline = [item.title for item in pdf.open_outline().root]
        charts = [n for n in structure(pdf.Root.StructTreeRoot) if str(n.get("/S")) == "/Figure"]
    assert outline[1:] == [str(SECTIONS[key].title) for key in REPORT_KINDS["annual"].sections]
    assert charts and all("/Alt" in c for c in charts)
    text = " ".join(pdf_text(path).split())
    assert "Derbyshire County Council" in text
    assert "Practice improved through the year" in text and "Recording of mental capacity decisions" in text
    with scopes_disabled():
        council = Council.objects.get(slug="derbyshire")
    with scope(council=council):
        titles = [
            " ".join(s.title.split()) for v in current_versions(council=council) for s in v.standards.all() if s.rated
        ]
    assert [t for t in titles if t[:60] not in text] == []

    # The run is kept on the reports page with who asked for it.
    page.get_by_role("link", name="Back to reports").click()
    asked_by = User.objects.get(email=demo_login_email("derbyshire", "quality_team")).get_full_name()
    expect(page.get_by_role("table").last).to_contain_text(asked_by)
    axe(page)

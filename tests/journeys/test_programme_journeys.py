"""The programme in the browser: a group manager allocates from the month's sample; the quality
team reads compliance and uploads a sample — axe on every page."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import ExpectedReview
from audits.programme import selectors as programme_selectors
from qaportal import demo
from qaportal.models import Council

from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    call_command("load_demo", stdout=io.StringIO())
    return Council.objects.get(slug="derbyshire")


def test_group_manager_allocates_from_the_sample(page, axe, demo_data):
    sign_in(page, axe, "group.manager@derbyshire.example", demo.DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile("to allocate from your sample")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate this month's reviews")
    axe(page)
    card = page.locator(".govuk-summary-card").filter(has=page.get_by_role("button", name=re.compile("Allocate"))).first
    person = card.locator(".govuk-summary-card__title").inner_text().split(" – ")[0]
    # Only cases this reviewer may take are offered, so the first one is allowed.
    card.get_by_role("radio").first.check()
    card.get_by_role("button", name=re.compile("Allocate")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"allocated to {person}")
    axe(page)
    assert ExpectedReview.objects.filter(
        council=demo_data, review__isnull=False, period=timezone.localdate().replace(day=1)
    ).exists()


def test_quality_team_reads_compliance_and_uploads_a_sample(page, axe, demo_data):
    sign_in(page, axe, "quality.team@derbyshire.example", demo.DEMO_PASSWORD)
    page.get_by_role("link", name="Programme").first.click()
    axe(page)
    page.get_by_role("link", name="Compliance").click()
    expect(page.locator("tbody")).to_contain_text("Long Term Team")
    axe(page)
    page.goto("/derbyshire/programme/samples/upload/")
    axe(page)
    page.get_by_label("Month").fill("2027-01")
    page.get_by_label("CSV file of PINs").set_input_files(
        files=[
            {
                "name": "sample.csv",
                "mimeType": "text/csv",
                "buffer": b"group_manager_email,pin\ngroup.manager@derbyshire.example,123\n",
            }
        ]
    )
    page.get_by_role("button", name="Check and upload").click()
    expect(page.locator("#upload-errors")).to_contain_text("Line 2: There is no case with PIN '123'.")
    axe(page)
    assert not programme_selectors.sample_for(
        council=demo_data,
        user=demo_data.memberships.filter(role="group_manager").first().user,
        period=dt.date(2027, 1, 1),
    )

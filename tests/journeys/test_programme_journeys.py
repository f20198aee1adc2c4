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
    # The sample page's delegate lists (where the form may be delegated) are the same person picker
    # as everywhere else, each enhanced to an autocomplete.
    assert page.locator("select[data-person-picker]").count() == page.locator("input[role=combobox]").count()


def test_one_off_allocation_finds_the_reviewer_by_typing_part_of_their_team(page, axe, demo_data):
    """Person pickers everywhere: type part of a name, role or team; each person is named with their
    role and team; without JavaScript the same list is a plain select."""
    from audits.models import Case
    from qaportal.models import Membership, User

    manager = User.objects.get(email="group.manager@derbyshire.example")
    managed = Membership.objects.filter(council=demo_data, user=manager, role="group_manager").values("team_id")
    case = Case.objects.filter(council=demo_data, team_id__in=managed).exclude(reviews__isnull=False).first()
    peer = (
        Membership.objects.filter(council=demo_data, role="service_manager")
        .exclude(team=case.team)
        .select_related("user", "team")
        .order_by("pk")
        .first()
    )
    sign_in(page, axe, manager.email, demo.DEMO_PASSWORD)
    page.goto("/derbyshire/reviews/allocate/")
    page.get_by_label("Practice Standard Review (PSR)", exact=True).check()
    page.get_by_label("PIN").fill(case.pin)
    picker = page.get_by_role("combobox", name="Who will do the review?")
    picker.fill(peer.team.name.split()[0])
    option = page.get_by_role("option", name=f"{peer.user} – Service manager, {peer.team.name}")
    expect(option).to_be_visible()
    axe(page)
    option.click()
    page.get_by_role("button", name="Allocate").click()
    page.wait_for_load_state()
    assert not page.locator(".govuk-error-summary").count(), page.locator(".govuk-error-summary").inner_text()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Practice Standard Review")
    assert case.reviews.get().reviewer == peer.user


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

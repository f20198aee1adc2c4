"""The quality team previews each council's forms and edits a draft in the browser, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.catalogues import catalogue_data

from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ONE_TEMPLATE_PER_COUNCIL = [
    ("derbyshire", "Practice Standard Review", "We know the law and make ethical and defensible decisions."),
    ("somerset", "Practice standard 1 audit", "Working with people"),
    ("lincolnshire", "Quality Practice Assurance audit", "The person should always be given the opportunity"),
    ("coventry", "Staff Supervision Audit", "Is there an up to date supervision agreement in place?"),
]


def sign_in_with_code(page, axe, council, make_member, role="quality_team"):
    email = f"{role}@{council.slug}.example"
    make_member(council, role, email=email)
    sign_in(page, axe, email)
    expect(page).to_have_url(re.compile(rf"/{council.slug}/$"))


@pytest.mark.parametrize(
    "slug, template_name, wording", ONE_TEMPLATE_PER_COUNCIL, ids=[c[0] for c in ONE_TEMPLATE_PER_COUNCIL]
)
def test_quality_team_previews_a_template(page, axe, load_council_catalogue, make_member, slug, template_name, wording):
    council = load_council_catalogue(slug)
    sign_in_with_code(page, axe, council, make_member)
    page.get_by_role("link", name="Standards").first.click()
    axe(page)
    page.get_by_role("link", name=re.compile(f"^{re.escape(template_name)}")).first.click()
    axe(page)
    page.get_by_role("link", name="Preview the current form").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(template_name)
    expect(page.locator("main")).to_contain_text(wording)
    axe(page)


def test_quality_team_edits_and_publishes_a_draft(page, axe, load_council_catalogue, make_member):
    council = load_council_catalogue("derbyshire")
    sign_in_with_code(page, axe, council, make_member)
    page.goto(f"/{council.slug}/catalogue/")
    page.get_by_role("link", name="Safeguarding Practice Standard Review").click()
    page.get_by_role("button", name="Start a new draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 2")
    axe(page)

    page.get_by_role("link", name=re.compile("Change standard 4")).click()
    axe(page)
    page.get_by_label("Standard", exact=True).fill("")
    page.get_by_role("button", name="Save standard").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This field is required.")
    axe(page)
    page.get_by_label("Standard", exact=True).fill("Effective Planning and Review of safeguarding plans.")
    page.get_by_role("button", name="Save standard").click()
    expect(page.locator("main")).to_contain_text("Effective Planning and Review of safeguarding plans.")

    page.get_by_role("link", name="Change settings and sections").click()
    axe(page)
    page.get_by_role("button", name="Save settings").click()

    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 2 published")
    axe(page)


def test_catalogue_import_with_a_bad_criterion_shows_every_problem(page, axe, load_council_catalogue, make_member):
    import json

    council = load_council_catalogue("coventry")
    sign_in_with_code(page, axe, council, make_member)
    data = catalogue_data("coventry")
    data["templates"][2]["standards"][0]["criteria"][0]["answer_kind"] = "maybe"
    page.goto(f"/{council.slug}/catalogue/import/")
    axe(page)
    page.get_by_label("Upload a catalogue JSON file").set_input_files(
        files=[{"name": "c.json", "mimeType": "application/json", "buffer": json.dumps(data).encode()}]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("#import-errors")).to_contain_text('criterion 1: answer kind "maybe" is not one of')
    axe(page)

"""A council admin manages people and teams in the browser; every page passes axe."""

import pytest
from playwright.sync_api import expect

from qaportal.models import Membership
from tests.factories import TeamFactory

from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_council_admin_adds_a_person_fixing_a_mistake_and_imports_a_bad_file(
    page, axe, council_a, make_member, celery_session_worker, settings
):
    make_member(council_a, "council_admin", email="admin@derbyshire.example")
    TeamFactory(council=council_a, name="Erewash Long Term Team")

    sign_in(page, axe, "admin@derbyshire.example")
    axe(page)

    page.get_by_role("link", name="People").first.click()
    axe(page)
    page.get_by_role("link", name="Add a person").click()
    axe(page)
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Reid")
    page.get_by_label("Work email address").fill("jo.reid@derbyshire.example")
    page.get_by_label("Service manager").check()
    page.get_by_role("button", name="Add person").click()

    # The role needs a team: the error is explained and nothing typed is lost.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the team for this role.")
    expect(page.get_by_label("First name")).to_have_value("Jo")
    expect(page.get_by_label("Service manager")).to_be_checked()
    axe(page)
    page.get_by_label("Team", exact=True).select_option(label="Erewash Long Term Team")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", name="Jo Reid")).to_be_visible()
    axe(page)
    assert Membership.objects.filter(user__email="jo.reid@derbyshire.example", role="service_manager").exists()

    page.goto("/derbyshire/admin/people/import/")
    axe(page)
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[
            {
                "name": "staff.csv",
                "mimeType": "text/csv",
                "buffer": b"email,first_name,last_name,role,team,profession\nx@y.example,X,Y,Wizard,,\n",
            }
        ]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("#import-errors")).to_contain_text("Line 2: 'Wizard' is not a role.")
    axe(page)

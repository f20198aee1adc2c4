"""Each person's home page shows their own work: one Derbyshire demo login per role, signed in."""

import re

import pytest
from django.urls import reverse

from qaportal import demo
from qaportal.models import User
from qaportal.roles import Role
from tests.conftest import demo_for_module

derbyshire_demo = demo_for_module("derbyshire")


@pytest.fixture
def derbyshire(derbyshire_demo, db):
    return None


def home_of(client, role: str) -> str:
    client.force_login(User.objects.get(email=demo.demo_login_email("derbyshire", role)))
    return re.sub(r"\s+", " ", client.get(reverse("home", kwargs={"council_slug": "derbyshire"})).content.decode())


def test_a_practitioner_sees_the_audit_of_their_case_and_the_action_that_is_theirs(client, derbyshire):
    page = home_of(client, Role.PRACTITIONER)
    assert "Audits of your cases" in page
    assert re.search(r'href="/derbyshire/reviews/\d+/view/">[^<]+ of PIN \d+</a>', page), "the authorised audit"
    assert "Update the care and support plan to reflect the outcomes agreed" in page  # owner: "Allocated worker"
    assert "You have no reviews to do" in page  # and nothing pretends otherwise


@pytest.mark.parametrize("role", [Role.SENIOR_PRACTITIONER, Role.ADVANCED_PRACTITIONER])
def test_senior_and_advanced_practitioners_see_their_cases_audits_and_actions(client, derbyshire, role):
    page = home_of(client, role)
    assert "Audits of your cases" in page and "QA plan actions for you" in page


def test_a_service_manager_sees_their_reviews_to_do_and_the_one_returned(client, derbyshire):
    page = home_of(client, Role.SERVICE_MANAGER)
    assert "Returned to you" in page and "A review has been returned to you to amend." in page
    todo = page.split("Your reviews to do")[1].split("All your reviews")[0]
    assert len(re.findall(r"of PIN \d+</a>", todo)) == 2  # allocated and in progress
    assert "Overdue" not in todo


def test_a_group_manager_sees_the_sample_to_allocate_and_reviews_to_authorise(client, derbyshire):
    page = home_of(client, Role.GROUP_MANAGER)
    assert re.search(r"\d+ reviews? to allocate from your sample", page)
    # The demo's submitted PSR and its practitioner-led session, both in the group manager's teams.
    assert "2 reviews waiting for you to authorise" in page
    assert "Teams you are group manager for" in page


def test_a_strategic_manager_sees_their_own_area_first_then_the_council(client, derbyshire):
    page = home_of(client, Role.STRATEGIC_MANAGER)
    rows = re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>', page)
    assert "Your area" in rows[0]
    assert rows[-1] == "Whole council"


def test_a_director_sees_every_area_and_the_whole_council(client, derbyshire):
    page = home_of(client, Role.DIRECTOR)
    assert "Each area and the whole council" in page
    rows = re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>', page)
    assert len(rows) >= 3 and rows[-1] == "Whole council"
    assert not any("Your area" in r for r in rows)


def test_a_moderator_is_told_plainly_what_they_can_do_now(client, derbyshire):
    page = home_of(client, Role.MODERATOR)
    assert "You have no reviews to moderate" in page  # until a round assigns them some


@pytest.mark.parametrize("role", [Role.QUALITY_TEAM, Role.PRINCIPAL_SOCIAL_WORKER])
def test_the_quality_side_sees_compliance_and_feedback_waiting(client, derbyshire, role):
    page = home_of(client, role)
    assert "Reviews this month" in page and "Whole council" in page
    assert "Compliance by area, team, person and group manager" in page
    assert "Feedback and best practice" in page and "best practice notice" in page


def test_a_council_admin_sees_the_people_and_teams_they_manage(client, derbyshire):
    page = home_of(client, Role.COUNCIL_ADMIN)
    assert "Manage your council" in page
    assert re.search(r"\d+ people</a>", page) and re.search(r"\d+ teams</a>", page)

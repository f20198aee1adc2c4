"""Council admins manage their own council's teams, people and roles."""

import pytest
from django.urls import reverse

from qaportal.models import Membership, Team, User
from tests.factories import TeamFactory


def url(name, council, **kwargs):
    return reverse(f"people:{name}", kwargs={"council_slug": council.slug, **kwargs})


def test_council_admin_adds_a_team(client, admin_a, council_a):
    client.force_login(admin_a)
    response = client.post(url("team_add", council_a), {"name": "START North", "kind": "start", "service": "North"})
    assert response.status_code == 302
    assert Team.objects.get(council=council_a, name="START North").kind == "start"


def test_team_form_keeps_what_was_typed_and_explains_the_problem(client, admin_a, council_a):
    TeamFactory(council=council_a, name="START North")
    client.force_login(admin_a)
    response = client.post(url("team_add", council_a), {"name": "start north", "kind": "start", "service": "Peak"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "There is already a team called start north." in page
    assert 'value="Peak"' in page and 'value="start north"' in page
    assert page.count("govuk-error-summary__list") == 1
    assert "<title>Error:" in page


def test_council_admin_adds_a_person_with_a_role(client, admin_a, council_a):
    team = TeamFactory(council=council_a)
    client.force_login(admin_a)
    response = client.post(
        url("person_add", council_a),
        {
            "first_name": "Jo",
            "last_name": "Reid",
            "email": "Jo.Reid@Derbyshire.example",
            "role": "practitioner",
            "team": team.pk,
            "profession": "occupational_therapist",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="jo.reid@derbyshire.example")
    membership = Membership.objects.get(council=council_a, user=person)
    assert (membership.role, membership.team, membership.profession) == ("practitioner", team, "occupational_therapist")


def test_a_team_role_needs_a_team(client, admin_a, council_a):
    client.force_login(admin_a)
    response = client.post(
        url("person_add", council_a),
        {"first_name": "Jo", "last_name": "Reid", "email": "jo@derbyshire.example", "role": "service_manager"},
    )
    assert "Choose the team for this role." in response.content.decode()
    assert not User.objects.filter(email="jo@derbyshire.example").exists()


def test_a_person_can_hold_more_than_one_role(client, admin_a, council_a, make_member):
    person = make_member(council_a, "service_manager")
    client.force_login(admin_a)
    client.post(url("person_detail", council_a, person_pk=person.pk), {"role": "moderator"})
    assert set(Membership.objects.filter(user=person).values_list("role", flat=True)) == {
        "service_manager",
        "moderator",
    }


def test_removing_a_role(client, admin_a, council_a, make_member):
    person = make_member(council_a, "moderator")
    membership = Membership.objects.get(user=person)
    client.force_login(admin_a)
    response = client.post(url("role_remove", council_a, person_pk=person.pk, membership_pk=membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_admin_cannot_remove_their_own_admin_role(client, admin_a, council_a):
    membership = Membership.objects.get(user=admin_a, role="council_admin")
    client.force_login(admin_a)
    client.post(url("role_remove", council_a, person_pk=admin_a.pk, membership_pk=membership.pk))
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("role", ["practitioner", "service_manager", "group_manager", "quality_team"])
def test_people_pages_are_for_council_admins_only(client, council_a, make_member, role):
    from tests.conftest import activate_totp

    client.force_login(activate_totp(make_member(council_a, role)))
    for name in ["person_list", "team_list", "person_add", "staff_import"]:
        assert client.get(url(name, council_a)).status_code == 403


def test_people_list_has_a_constant_number_of_queries(
    client, admin_a, council_a, make_member, django_assert_max_num_queries
):
    client.force_login(admin_a)
    for _ in range(5):
        make_member(council_a, "service_manager")
    with django_assert_max_num_queries(12):
        client.get(url("person_list", council_a))
    for _ in range(20):
        make_member(council_a, "practitioner", profession="social_worker")
    with django_assert_max_num_queries(12):
        response = client.get(url("person_list", council_a))
    assert response.status_code == 200


def test_people_list_only_shows_this_councils_people(client, admin_a, council_a, admin_b):
    client.force_login(admin_a)
    page = client.get(url("person_list", council_a)).content.decode()
    assert admin_a.email in page
    assert admin_b.email not in page

"""Two-factor authentication for every role that reads other people's reviews or the public's
personal data, and for council admins; a council can require it of more roles."""

import pytest
from django.urls import reverse

from qaportal.roles import MFA_REQUIRED_BY_DEFAULT, Role


@pytest.mark.parametrize("role", [str(r) for r in MFA_REQUIRED_BY_DEFAULT])
def test_roles_that_read_others_reviews_or_personal_data_must_set_up_two_factor_first(
    client, council_a, make_member, role
):
    person = make_member(council_a, role, mfa=False)
    client.force_login(person)
    response = client.get(reverse("home", kwargs={"council_slug": council_a.slug}))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_the_default_covers_the_roles_named_in_the_probe():
    """Principal social workers (feedback inbox, imports), directors and moderators (every review and
    PDF) used to sign in with a password alone."""
    assert {Role.PRINCIPAL_SOCIAL_WORKER, Role.DIRECTOR, Role.MODERATOR, Role.COUNCIL_ADMIN, Role.QUALITY_TEAM} <= set(
        MFA_REQUIRED_BY_DEFAULT
    )


def test_a_service_manager_signs_in_with_a_password_unless_their_council_requires_more(client, council_a, make_member):
    person = make_member(council_a, "service_manager", mfa=False)
    client.force_login(person)
    home = reverse("home", kwargs={"council_slug": council_a.slug})
    assert client.get(home).status_code == 200
    council_a.mfa_required_roles = [*council_a.mfa_required_roles, "service_manager"]
    council_a.save()
    assert client.get(home).url == reverse("mfa_activate_totp")


def test_the_rule_follows_the_person_into_every_council(client, council_a, council_b, make_member):
    """A moderator in Somerset is a practitioner in Derbyshire: they still need two-factor there."""
    from tests.factories import MembershipFactory, TeamFactory

    person = make_member(council_b, "moderator", mfa=False)
    MembershipFactory(
        council=council_a,
        user=person,
        role="practitioner",
        team=TeamFactory(council=council_a),
        profession="social_worker",
    )
    client.force_login(person)
    assert client.get(reverse("home", kwargs={"council_slug": council_a.slug})).url == reverse("mfa_activate_totp")

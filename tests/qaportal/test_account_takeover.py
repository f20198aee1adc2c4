"""A council admin can never take hold of an account that is also another council's.

The attack this guards against, as it was found: Derbyshire's council admin adds a person with the
email address of Somerset's director (which used to attach the existing account), changes that
person's email to one the attacker holds, then resets the password by email and signs in as the
director — reading Somerset's reviews."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from qaportal.models import Invitation, Membership, User
from qaportal.services import person_add
from tests.conftest import activate_totp
from tests.factories import TeamFactory

ATTACKER_MAILBOX = "attacker@evil.example"


def people_url(name, council, **kwargs):
    return reverse(f"people:{name}", kwargs={"council_slug": council.slug, **kwargs})


@pytest.fixture
def victim(council_b, make_member):
    """Somerset's director, who has not yet set up two-factor authentication (the worst case)."""
    return make_member(council_b, "director", email="director@somerset.example", mfa=False)


def test_adding_another_councils_person_invites_them_and_gives_the_admin_no_hold_on_the_account(
    client, admin_a, council_a, council_b, victim
):
    victim_password = victim.password
    client.force_login(admin_a)

    # Step 1: add a "new person" with the victim's email address.
    response = client.post(
        people_url("person_add", council_a),
        {"first_name": "Mal", "last_name": "Lory", "email": "Director@Somerset.example", "role": "moderator"},
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert not Membership.objects.filter(council=council_a, user=victim).exists(), "joined without accepting"
    assert (victim.first_name, victim.last_name) != ("Mal", "Lory"), "the admin renamed another council's person"
    invitation = Invitation.objects.get(council=council_a, user=victim)
    assert invitation.status == Invitation.Status.PENDING

    # Step 2: change that person's email to the attacker's. They are not Derbyshire's: 404.
    edit = people_url("person_edit", council_a, person_pk=victim.pk)
    response = client.post(edit, {"first_name": "Mal", "last_name": "Lory", "email": ATTACKER_MAILBOX})
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.email == "director@somerset.example"

    # Step 3: ask for a password reset to the attacker's mailbox, then try to sign in as the victim.
    anonymous = Client()
    anonymous.post(reverse("account_reset_password"), {"email": ATTACKER_MAILBOX})
    assert not [m for m in mail.outbox if ATTACKER_MAILBOX in m.to and "/password/reset/key/" in m.body]
    anonymous.post(reverse("account_reset_password"), {"email": "director@somerset.example"})
    for message in mail.outbox:
        assert ATTACKER_MAILBOX not in message.to
    victim.refresh_from_db()
    assert victim.password == victim_password
    assert not anonymous.login(email=ATTACKER_MAILBOX, password="anything-at-all")
    assert "_auth_user_id" not in anonymous.session


def test_once_they_accept_their_identity_is_still_theirs_not_the_inviting_councils(
    client, admin_a, council_a, council_b, victim
):
    """Even as a member of both councils, Derbyshire's admin cannot change their name or email."""
    activate_totp(victim)  # a director signs in with two-factor authentication before anything else
    with scope(council=council_a):
        person_add(council=council_a, email=victim.email, first_name="X", last_name="Y", role="moderator", by=admin_a)
    invitation = Invitation.objects.get(council=council_a, user=victim)
    victim_client = Client()
    victim_client.force_login(victim)
    page = victim_client.get(reverse("invitations")).content.decode()
    assert "Derbyshire" in page
    response = victim_client.post(reverse("invitation_accept", kwargs={"token": invitation.token}))
    assert response.status_code == 302
    assert Membership.objects.filter(council=council_a, user=victim, role="moderator").exists()

    client.force_login(admin_a)
    detail = client.get(people_url("person_detail", council_a, person_pk=victim.pk)).content.decode()
    assert "also works for another council" in detail
    assert people_url("person_edit", council_a, person_pk=victim.pk) not in detail
    response = client.post(
        people_url("person_edit", council_a, person_pk=victim.pk),
        {"first_name": "Mal", "last_name": "Lory", "email": ATTACKER_MAILBOX},
    )
    assert response.status_code == 403
    victim.refresh_from_db()
    assert victim.email == "director@somerset.example"
    assert "Only they can change their name, email address, password or two-factor" in response.content.decode()


def test_an_invitation_is_answered_only_by_the_person_invited(client, admin_a, council_a, victim, make_member):
    with scope(council=council_a):
        person_add(council=council_a, email=victim.email, first_name="", last_name="", role="moderator", by=admin_a)
    invitation = Invitation.objects.get(user=victim)
    someone_else = make_member(council_a, "practitioner", profession="social_worker")
    client.force_login(someone_else)
    assert client.post(reverse("invitation_accept", kwargs={"token": invitation.token})).status_code == 404
    assert not Membership.objects.filter(council=council_a, user=victim).exists()
    assert invitation.token not in client.get(reverse("invitations")).content.decode()


def test_the_invited_person_is_emailed_and_can_decline(
    client, admin_a, council_a, victim, django_capture_on_commit_callbacks
):
    with scope(council=council_a), django_capture_on_commit_callbacks(execute=False) as callbacks:
        person_add(council=council_a, email=victim.email, first_name="", last_name="", role="moderator", by=admin_a)
    assert len(callbacks) == 1, "one invitation email queued"
    activate_totp(victim)
    invitation = Invitation.objects.get(user=victim)
    victim_client = Client()
    victim_client.force_login(victim)
    victim_client.post(reverse("invitation_decline", kwargs={"token": invitation.token}))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert not Membership.objects.filter(council=council_a, user=victim).exists()
    again = victim_client.post(reverse("invitation_accept", kwargs={"token": invitation.token}), follow=True)
    assert "already answered" in again.content.decode()
    assert not Membership.objects.filter(council=council_a, user=victim).exists()


def test_a_person_only_in_this_council_can_still_be_corrected_by_its_admin(client, admin_a, council_a, make_member):
    person = make_member(council_a, "service_manager", email="jo@derbyshire.example")
    client.force_login(admin_a)
    response = client.post(
        people_url("person_edit", council_a, person_pk=person.pk),
        {"first_name": "Jo", "last_name": "Reid", "email": "jo.reid@derbyshire.example"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "jo.reid@derbyshire.example"


def test_staff_import_invites_people_who_have_an_account_elsewhere(client, admin_a, council_a, victim):
    TeamFactory(council=council_a, name="Erewash Long Term Team")
    client.force_login(admin_a)
    csv = (
        "email,first_name,last_name,role,team,profession\n"
        f"{victim.email},Mal,Lory,moderator,,\n"
        "new.person@derbyshire.example,New,Person,service_manager,Erewash Long Term Team,\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        people_url("staff_import", council_a), {"file": SimpleUploadedFile("staff.csv", csv.encode())}, follow=True
    )
    assert re.search(
        r"1 people added, 1 roles added, 1 people with an account elsewhere invited", response.content.decode()
    )
    victim.refresh_from_db()
    assert victim.first_name != "Mal"
    assert not Membership.objects.filter(council=council_a, user=victim).exists()
    assert Invitation.objects.filter(council=council_a, user=victim, status="pending").exists()
    assert User.objects.filter(email="new.person@derbyshire.example").exists()


def test_a_platform_admins_account_is_never_a_councils_to_change(client, admin_a, council_a, make_member):
    platform = make_member(council_a, "moderator", email="platform@qaportal.example")
    platform.is_superuser = platform.is_staff = True
    platform.save()
    client.force_login(admin_a)
    response = client.post(
        people_url("person_edit", council_a, person_pk=platform.pk),
        {"first_name": "A", "last_name": "B", "email": ATTACKER_MAILBOX},
    )
    assert response.status_code == 403
    platform.refresh_from_db()
    assert platform.email == "platform@qaportal.example"

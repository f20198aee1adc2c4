"""People added by a council admin are emailed a link to choose a password, once, by a real Celery worker."""

import pytest
from django.core import mail
from django_scopes import scope

from qaportal.services import person_add
from qaportal.tasks import send_account_invitation
from tests.factories import TeamFactory
from tests.helpers import wait_for


@pytest.mark.django_db(transaction=True)
def test_new_person_gets_an_invitation_from_the_worker(celery_session_worker, council_a):
    team = TeamFactory(council=council_a)
    with scope(council=council_a):
        person = person_add(
            council=council_a,
            email="new@derbyshire.example",
            first_name="New",
            last_name="Person",
            role="service_manager",
            team=team,
        ).person
    # Queued through the outbox by person_add and sent once it committed.
    assert wait_for(lambda: [m for m in mail.outbox if m.to == ["new@derbyshire.example"]]), "no invitation was sent"
    # Run again (a retry, a worker lost part way): nothing more is sent.
    assert send_account_invitation.delay(council_a.pk, person.pk).get(timeout=30) == ""
    (invitation,) = [m for m in mail.outbox if m.to == ["new@derbyshire.example"]]
    assert "Derbyshire County Council" in invitation.subject
    assert "/accounts/password/reset/key/" in invitation.body


@pytest.mark.django_db(transaction=True)
def test_invitation_task_refuses_a_person_from_another_council(
    celery_session_worker, council_a, council_b, make_member
):
    outsider = make_member(council_b, "moderator")
    assert send_account_invitation.delay(council_a.pk, outsider.pk).get(timeout=30) == ""
    assert not [m for m in mail.outbox if m.to == [outsider.email]]

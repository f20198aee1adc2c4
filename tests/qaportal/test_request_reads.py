"""What every signed-in council page reads before its view runs: the session, the person, their
memberships (with the councils they hold them in) and, only for people whose role needs it, whether
they have two-factor authentication. Each is one query, every page pays it, and the busiest pages
(the review form's sections) are mostly this."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qaportal.models import Council

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def home(council: Council) -> str:
    return reverse("home", kwargs={"council_slug": council.slug})


def test_a_members_council_comes_with_their_memberships_not_a_query_of_its_own(client, council_a, make_member):
    client.force_login(make_member(council_a, "service_manager", mfa=False))
    client.get(home(council_a))

    sql = queries_for(client, home(council_a))

    assert not [q for q in sql if q.startswith('SELECT "qaportal_council"')]
    assert len([q for q in sql if 'FROM "qaportal_membership"' in q and '"qaportal_council"."slug"' in q]) == 1


def test_nobody_is_asked_about_two_factor_when_none_of_their_roles_needs_it(client, council_a, make_member):
    client.force_login(make_member(council_a, "service_manager", mfa=False))

    assert not [q for q in queries_for(client, home(council_a)) if "mfa_authenticator" in q]


def test_people_whose_role_needs_two_factor_are_checked_on_every_page(client, council_a, make_member):
    client.force_login(make_member(council_a, "group_manager", mfa=True))

    assert [q for q in queries_for(client, home(council_a)) if "mfa_authenticator" in q]


def test_a_council_taken_off_the_service_is_gone_for_its_own_members_too(client, council_a, make_member):
    client.force_login(make_member(council_a, "service_manager", mfa=False))
    assert client.get(home(council_a)).status_code == 200

    Council.objects.filter(pk=council_a.pk).update(is_active=False)

    assert client.get(home(council_a)).status_code == 404


def test_someone_elses_council_is_still_looked_up_and_still_a_404(client, council_a, council_b, make_member):
    """Not holding a role there, the council is read from the database like any other: and is not found."""
    client.force_login(make_member(council_a, "service_manager", mfa=False))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(home(council_b))

    assert response.status_code == 404
    assert [q for q in queries.captured_queries if q["sql"].startswith('SELECT "qaportal_council"')]

"""The demo data: four councils, every role signing in to its own home page."""

import io
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from audits.models import Case
from qaportal import demo
from qaportal.models import Council, Membership, SupervisionRelationship, Team
from standards.models import ReviewTemplate


@pytest.fixture
def demo_data(db):
    call_command("load_demo", stdout=io.StringIO())


def test_demo_has_four_councils_with_teams_staff_cases_and_catalogues(demo_data):
    assert set(Council.objects.values_list("slug", flat=True)) == {"derbyshire", "somerset", "lincolnshire", "coventry"}
    for council in Council.objects.all():
        staff = Membership.objects.filter(council=council).values("user").distinct().count()
        assert 30 <= staff <= 60, f"{council} has {staff} staff"
        assert Case.objects.filter(council=council, about="case").count() == 500
        assert Team.objects.filter(council=council).count() >= 6
        assert ReviewTemplate.objects.filter(council=council).exists()
        roles = set(Membership.objects.filter(council=council).values_list("role", flat=True))
        assert roles == set(demo.DEMO_LOGIN_ROLES)
    # Coventry's framework audits along lines of supervision; the other councils' documents do not.
    supervised = {c.slug: SupervisionRelationship.objects.filter(council=c).count() for c in Council.objects.all()}
    assert supervised["coventry"] >= 20
    assert supervised["derbyshire"] == supervised["somerset"] == supervised["lincolnshire"] == 0
    derbyshire_kinds = set(Team.objects.filter(council__slug="derbyshire").values_list("kind", flat=True))
    assert {"long_term", "start", "ot"} <= derbyshire_kinds


def test_loading_the_demo_twice_changes_nothing(demo_data):
    counts = (Membership.objects.count(), Case.objects.count(), ReviewTemplate.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Membership.objects.count(), Case.objects.count(), ReviewTemplate.objects.count()) == counts


def test_every_demo_login_signs_in_to_its_own_home_page(demo_data, client):
    for spec in demo.COUNCILS:
        for role in demo.DEMO_LOGIN_ROLES:
            email = demo.demo_login_email(spec.slug, role)
            client.logout()
            cache.clear()  # 44 sign-ins from one address in a minute would (rightly) be rate-limited
            response = client.post(reverse("account_login"), {"login": email, "password": demo.DEMO_PASSWORD})
            assert response.status_code == 302, email
            if response.url == reverse("mfa_authenticate"):
                code = format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRETS[spec.slug], int(time.time()) // 30))
                response = client.post(reverse("mfa_authenticate"), {"code": code})
            home = client.get("/", follow=True)
            assert home.request["PATH_INFO"] == f"/{spec.slug}/", email
            assert str(role.label) in home.content.decode(), email


def test_the_demo_reviews_are_programme_work_and_compliance_counts_them(demo_data):
    """The demo service manager's reviews fill what this month's programme expects of them, so the
    compliance page and the leaders' home pages show the work done on first run."""
    from django.utils import timezone

    from audits.models import Review
    from qaportal.models import User
    from reporting.selectors import compliance

    derbyshire = Council.objects.get(slug="derbyshire")
    reviewer = User.objects.get(email=demo.demo_login_email("derbyshire", "service_manager"))
    from audits.models import ExpectedReview

    reviews = Review.objects.filter(council=derbyshire, reviewer=reviewer).exclude(kind="self")
    expected = ExpectedReview.objects.filter(council=derbyshire, person=reviewer).count()
    assert expected, "the programme expects nothing of the demo service manager"
    assert reviews.filter(expected__isnull=False).count() == min(expected, reviews.count())
    (council_wide,) = compliance(council=derbyshire, period=timezone.localdate(), by="council")
    assert council_wide["completed"] >= 2 and council_wide["authorised"] >= 1

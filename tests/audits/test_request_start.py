"""A person asked for a self-audit chooses one of their own cases from a list, not a PIN from memory
(Somerset practice quality framework: practitioners audit their own practice)."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from audits.models import Case, ExpectedReview
from audits.programme import services as programme
from qaportal.models import Council, User


@pytest.fixture
def asked(db):
    call_command("load_demo", council=["somerset"], stdout=io.StringIO())
    somerset = Council.objects.get(slug="somerset")
    # Somerset's programme asks practitioners for a self-audit in November (a peer audit in October).
    programme.run_month(council=somerset, period=dt.date(2026, 11, 1))
    practitioner = User.objects.get(email="practitioner@somerset.example")
    expected = ExpectedReview.objects.get(
        council=somerset, person=practitioner, kind="self", period=dt.date(2026, 11, 1)
    )
    return somerset, practitioner, expected


def start_url(expected):
    return reverse("audits:request_start", kwargs={"council_slug": "somerset", "expected_pk": expected.pk})


def test_a_self_audit_offers_the_persons_own_cases_and_starts_on_the_one_chosen(client, asked):
    somerset, practitioner, expected = asked
    client.force_login(practitioner)
    page = client.get(start_url(expected)).content.decode()
    own = Case.objects.filter(council=somerset, responsible_worker=practitioner).order_by("pin")
    offered = re.findall(r'name="case" type="radio" value="(\d+)"', page)
    assert offered and set(offered) <= {str(c.pk) for c in own}
    assert "Another case" in page
    response = client.post(start_url(expected), {"case": offered[0]})
    assert response.status_code == 302
    expected.refresh_from_db()
    assert expected.review.case_id == int(offered[0]) and expected.review.reviewer == practitioner


def test_choosing_another_case_without_its_pin_says_what_to_do_and_keeps_the_choice(client, asked):
    _somerset, practitioner, expected = asked
    client.force_login(practitioner)
    page = client.post(start_url(expected), {"case": "other", "pin": ""}).content.decode()
    assert "Enter the PIN of the other case you will audit" in page
    assert re.search(r'value="other"[^>]*checked', page)
    page = client.post(start_url(expected), {}).content.decode()
    assert "Choose the case you will audit, or choose another case" in page
    expected.refresh_from_db()
    assert expected.review is None


def test_another_persons_request_is_not_found(client, asked, make_member):
    somerset, _practitioner, expected = asked
    client.force_login(make_member(somerset, "practitioner"))
    assert client.get(start_url(expected)).status_code == 404

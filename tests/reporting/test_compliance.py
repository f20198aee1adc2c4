"""Compliance counts every completed review: programme work against what was expected, and the
rest — one-off allocations, additional and self reviews — in columns of their own."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from audits.programme.loading import load_programme
from audits.programme.services import run_month
from audits.reviews import services
from reporting.selectors import compliance
from tests.audits.conftest import complete_psr


@pytest.fixture
def one_off(world):
    """A PSR allocated outside the programme, submitted and authorised this month."""
    load_programme(world.council)
    run_month(council=world.council, period=timezone.localdate())
    review = complete_psr(world.allocate(), world.service_manager)
    services.review_submit(review=review, by=world.service_manager)
    services.review_authorise(review=review, by=world.group_manager, comments="Thorough.")
    return review


def test_a_one_off_review_counts_as_additional_work_of_its_reviewers_team(world, one_off):
    (council_row,) = compliance(council=world.council, period=timezone.localdate(), by="council")
    assert (council_row["additional"], council_row["additional_authorised"]) == (1, 1)
    by_team = {r["name"]: r for r in compliance(council=world.council, period=timezone.localdate(), by="team")}
    assert by_team["Erewash Long Term Team"]["additional"] == 1  # the reviewer's team, not the case's
    by_person = {r["name"]: r for r in compliance(council=world.council, period=timezone.localdate(), by="person")}
    assert by_person[str(world.service_manager.get_full_name())]["additional"] == 1


def test_the_compliance_page_and_its_downloads_show_the_additional_review(client, world, one_off):
    client.force_login(world.quality)
    url = reverse("reporting:compliance", kwargs={"council_slug": "derbyshire"})
    page = client.get(url, {"by": "council"}).content.decode()
    assert "Additional reviews completed" in page
    rows = list(
        csv.reader(io.StringIO(client.get(url, {"by": "council", "format": "csv"}).content.decode("utf-8-sig")))
    )
    header, (values,) = rows[0], rows[1:]
    assert dict(zip(header, values, strict=True))["Additional reviews completed"] == "1"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"by": "council", "format": "xlsx"}).content)).active
    assert [c.value for c in sheet[2]][header.index("Additional reviews authorised")] == 1


@pytest.mark.parametrize("role", ["director", "strategic_manager", "quality_team", "principal_social_worker"])
def test_leaders_see_the_additional_review_on_their_home_page(client, world, one_off, make_member, role):
    client.force_login(make_member(world.council, role))
    page = client.get(reverse("home", kwargs={"council_slug": "derbyshire"})).content.decode()
    whole_council = page.split("Whole council")[1].split("</tr>")[0]
    expected, completed, overdue, additional = re.findall(r"numeric\">(\d+)<", whole_council)
    assert additional == "1"

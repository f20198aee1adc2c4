"""Dashboards (issue: Reporting, 2 and 3): the council's figures for a period, team and form, with
charts and their tables, every table downloadable as CSV and Excel with exactly the page's numbers;
a group manager sees only their own teams."""

import csv
import datetime as dt
import io
import re
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from qaportal.calendar import add_months
from qaportal.demo import demo_login_email
from qaportal.models import Council, Membership, Team, User
from reporting.selectors import Filters, compliance, ratings_by_standard
from tests.conftest import demo_for_module

demo = demo_for_module("derbyshire", "somerset", history=True)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def person(slug: str, role: str) -> User:
    return User.objects.get(email=demo_login_email(slug, role))


def the_year() -> dict:
    this_month = timezone.localdate().replace(day=1)
    return {"start": f"{add_months(this_month, -12):%Y-%m}", "end": f"{add_months(this_month, -1):%Y-%m}"}


def table_on_page(page: str, key: str) -> list[list[str]]:
    """The rows (header, body and total) of one table of a page, cell text only."""
    table = page.split(f'data-table="{key}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


@pytest.mark.parametrize("by", ["team", "template", "month", "group"])
def test_the_compliance_tables_csv_and_excel_hold_the_dashboards_numbers(client, by):
    client.force_login(person("derbyshire", "quality_team"))
    url = reverse("reporting:dashboard", kwargs={"council_slug": "derbyshire"})
    team = Team.objects.filter(council__slug="derbyshire", kind="long_term").order_by("pk").first()
    for filters in [{**the_year(), "by": by}, {**the_year(), "by": by, "template": "psr", "team": team.pk}]:
        page = client.get(url, filters)
        assert page.status_code == 200
        shown = table_on_page(page.content.decode(), f"compliance-{by}")
        assert len(shown) > 2 or "template" in filters  # a header, rows and a total
        as_csv = list(
            csv.reader(
                io.StringIO(
                    client.get(url, {**filters, "table": f"compliance-{by}", "format": "csv"}).content.decode(
                        "utf-8-sig"
                    )
                )
            )
        )
        assert as_csv == shown
        sheet = openpyxl.load_workbook(
            io.BytesIO(client.get(url, {**filters, "table": f"compliance-{by}", "format": "xlsx"}).content)
        ).active
        as_xlsx = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert as_xlsx == shown


def test_the_dashboard_counts_the_years_completed_work_and_its_ratings():
    council = Council.objects.get(slug="derbyshire")
    this_month = timezone.localdate().replace(day=1)
    year = Filters(start=add_months(this_month, -12), end=add_months(this_month, -1))
    with scopes_disabled():
        rows = compliance(council=council, period=year.start, until=year.end, by="council")
        forms = ratings_by_standard(council=council, filters=year)
    (whole,) = rows
    assert whole["completed"] + whole["additional"] >= 100  # the demo's year of history
    psr = next(f for f in forms if f["key"] == "psr")
    assert [s["number"] for s in psr["standards"]] == ["1", "2", "3", "4", "5", "6"]
    assert sum(s["total"] for s in psr["standards"]) > 0
    assert [level.label for level in psr["levels"]] == ["Outstanding", "Good", "Needs Further Work"]


def test_a_group_managers_dashboard_shows_only_their_teams(client):
    gm = person("derbyshire", "group_manager")
    with scopes_disabled():
        own = set(
            Membership.objects.filter(council__slug="derbyshire", user=gm, role="group_manager").values_list(
                "team__name", flat=True
            )
        )
        others = set(Team.objects.filter(council__slug="derbyshire").values_list("name", flat=True)) - own
    assert own and others
    client.force_login(gm)
    url = reverse("reporting:dashboard", kwargs={"council_slug": "derbyshire"})
    page = client.get(url, {**the_year(), "by": "team"}).content.decode()
    shown = {row[0] for row in table_on_page(page, "compliance-team")[1:-1]}
    assert shown and shown <= own
    rated = {row[0] for row in table_on_page(page, "ratings-by-team")[1:]} - {"No ratings in this period."}
    assert rated <= own
    assert "cqc-evidence" not in page  # council-wide evidence is for the council's leaders
    # Asking for another team by its id shows nothing of it: the choice is not offered, and the filter falls back.
    other = Team.objects.filter(council__slug="derbyshire", name__in=others).first()
    page = client.get(url, {**the_year(), "team": other.pk}).content.decode()
    assert other.name not in page
    as_csv = client.get(url, {**the_year(), "team": other.pk, "table": "compliance-team", "format": "csv"})
    assert other.name not in as_csv.content.decode()
    # And their reports page is the dashboard: the board's reports are council-wide.
    reports = client.get(reverse("reporting:reports", kwargs={"council_slug": "derbyshire"}))
    assert reports.status_code == 302 and reports["Location"].endswith("/dashboard/")


def test_another_councils_data_never_appears_on_a_dashboard(client):
    client.force_login(person("derbyshire", "quality_team"))
    page = client.get(reverse("reporting:dashboard", kwargs={"council_slug": "derbyshire"}), the_year())
    text = page.content.decode()
    with scopes_disabled():
        somerset_teams = list(Team.objects.filter(council__slug="somerset").values_list("name", flat=True))
    assert not [name for name in somerset_teams if f">{name}<" in text]
    assert client.get(reverse("reporting:dashboard", kwargs={"council_slug": "somerset"})).status_code == 404


def test_a_practitioner_cannot_read_the_dashboard(client):
    client.force_login(person("derbyshire", "practitioner"))
    assert client.get(reverse("reporting:dashboard", kwargs={"council_slug": "derbyshire"})).status_code == 403


def test_the_dashboard_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(person("derbyshire", "quality_team"))
    url = reverse("reporting:dashboard", kwargs={"council_slug": "derbyshire"})
    with django_assert_max_num_queries(60):
        assert client.get(url, the_year()).status_code == 200
    this_month = timezone.localdate().replace(day=1)
    with django_assert_max_num_queries(60):  # three years: the same queries, more rows
        assert (
            client.get(url, {"start": f"{add_months(this_month, -36):%Y-%m}", "end": f"{this_month:%Y-%m}"}).status_code
            == 200
        )


def test_filters_in_the_wrong_order_say_so_and_keep_the_choice(client):
    client.force_login(person("derbyshire", "quality_team"))
    url = reverse("reporting:dashboard", kwargs={"council_slug": "derbyshire"})
    year = the_year()
    page = client.get(url, {"start": year["end"], "end": year["start"]})
    assert page.status_code == 400
    assert "The last month must be the same as or after the first month" in page.content.decode()
    assert dt.date.fromisoformat(year["end"] + "-01")  # the chosen months are still selected


def test_the_demo_year_holds_the_programmes_work_mostly_completed_some_overdue_and_additional_reviews():
    this_month = timezone.localdate().replace(day=1)
    with scopes_disabled():
        for slug in ("derbyshire", "somerset"):
            council = Council.objects.get(slug=slug)
            (year,) = compliance(
                council=council, period=add_months(this_month, -12), until=add_months(this_month, -1), by="council"
            )
            assert year["expected"] > 0 and 0.8 <= year["completed"] / year["expected"] < 1, (slug, year)
            assert year["overdue"] > 0 and year["additional"] > 0, (slug, year)

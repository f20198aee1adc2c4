"""Reading uploaded files (CSV) so that any malformed file is a line-level error, never an exception."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .text import normalise, problem_in_one_line

CSV_MAX_FIELD = 1_000  # characters in one cell: an email, a name or a PIN, never more


def csv_rows(
    data: bytes, *, columns: list[str], required: list[str]
) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """Parse an uploaded CSV into (line number, {column: value}) rows, or report why it cannot be read.

    Every way a file can be malformed (not UTF-8, a stray carriage return, a cell too big, a row
    with more cells than the header, control characters) is a line-level error, never an exception."""
    errors: list[tuple[int, str]] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(1, _("The file must be a CSV file saved as UTF-8."))]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict]] = []
    header: list[str] | None = None
    line_no = 0
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                (reader.line_num or line_no + 1, _("This line cannot be read as CSV (%(why)s).") % {"why": exc})
            )
            break
        line_no = reader.line_num
        if header is None:
            header = [h.strip().lower() for h in raw]
            missing = [c for c in required if c not in header]
            if missing:
                return [], [(1, _("The header row is missing: %(cols)s.") % {"cols": ", ".join(missing)})]
            continue
        if not any(cell.strip() for cell in raw):
            continue
        problems = []
        if len(raw) > len(header):
            problems.append(_("this line has %(n)s cells but the header has %(h)s") % {"n": len(raw), "h": len(header)})
        if any(len(cell) > CSV_MAX_FIELD for cell in raw):
            problems.append(_("a cell is longer than %(n)s characters") % {"n": CSV_MAX_FIELD})
        if any(problem_in_one_line(cell) for cell in raw):
            problems.append(_("a cell holds control or invisible formatting characters"))
        if problems:
            message = "; ".join(str(p) for p in problems)
            errors.append((line_no, message[0].upper() + message[1:] + "."))
            continue
        row = {name: normalise(raw[i].strip()) if i < len(raw) else "" for i, name in enumerate(header)}
        rows.append((line_no, {c: row.get(c, "") for c in columns}))
    if header is None:
        errors.append((1, _("The file is empty.")))
    return rows, errors

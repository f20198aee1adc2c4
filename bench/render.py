"""`python -m bench render KIND --out FILE …`: render one PDF in this fresh process and write it to FILE.

bench/budgets.py runs this as a child and measures it from outside (wall time, peak memory), so the
numbers are the render's own and not the benchmark's data set-up or load test. The child prints the
render's own time, and the progress it reported, as JSON on stdout."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from audits.reviews.pdf import review_pdf_bytes
from audits.reviews.selectors import review_in_council
from qaportal.models import Council
from reporting.reports import REPORT_KINDS, SECTIONS, report_pdf

# What a quality team writes under each section before generating the report: a few hundred words
# of real text to lay out, not empty boxes.
NARRATIVE = (
    "{hint} Over the year the quality team read every completed review alongside the case record and "
    "discussed the findings with each group manager at the monthly practice quality meeting. Where the "
    "figures above show a change from the previous year we have looked for the reasons in the reviews "
    "themselves rather than in the numbers alone, and the actions we agreed are listed with an owner "
    "and a date. We will report progress on each of them to the board at the half-year point."
)


class Command(BaseCommand):
    help = "Render one PDF (a review, or a council's annual report) into a file; print the render time as JSON."
    requires_system_checks: list[str] = []  # not part of a render: a worker checks once, at start-up

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["review", "annual"])
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("--review", type=int, help="review: its id")
        parser.add_argument("--start", type=dt.date.fromisoformat, help="annual: the first day of its first month")
        parser.add_argument("--narratives", action="store_true", help="annual: a narrative under every section")

    def handle(self, *args, kind: str, out: Path, council: str, **options):
        found = Council.objects.get(slug=council)
        progress: list[int] = []
        with scope(council=found):
            start = time.perf_counter()
            if kind == "review":
                pdf = self.review(found, options["review"])
            else:
                pdf = self.annual(found, options["start"], options["narratives"], progress)
            took = time.perf_counter() - start
        out.write_bytes(pdf)
        self.stdout.write(json.dumps({"render_seconds": took, "progress": progress}))

    def review(self, council: Council, pk: int | None) -> bytes:
        found = review_in_council(council=council, pk=pk) if pk else None
        if found is None:
            raise CommandError(f"No review {pk} in {council.name}.")
        return review_pdf_bytes(found)

    def annual(self, council: Council, start: dt.date | None, narratives: bool, progress: list[int]) -> bytes:
        if start is None or start.day != 1:
            raise CommandError("--start must be the first day of the report's first month.")
        words = {key: NARRATIVE.format(hint=SECTIONS[key].hint) for key in REPORT_KINDS["annual"].sections}
        return report_pdf(
            council=council,
            kind="annual",
            start=start,
            narratives=words if narratives else None,
            progress=progress.append,
        )

"""`python -m bench render KIND --out FILE …`: render one PDF in this fresh process and write it to FILE.

bench/budgets.py runs this as a child and measures it from outside (wall time, peak memory), so the
numbers are the render's own and not the benchmark's data set-up or load test. The child prints the
render's own time as JSON on stdout."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from audits.reviews.pdf import review_pdf_bytes
from audits.reviews.selectors import review_in_council
from qaportal.models import Council


class Command(BaseCommand):
    help = "Render one PDF (a review) into a file; print the render time as JSON."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["review"])
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("--review", type=int, help="review: its id")

    def handle(self, *args, kind: str, out: Path, council: str, review: int | None, **options):
        found = Council.objects.get(slug=council)
        with scope(council=found):
            start = time.perf_counter()
            pdf = self.review(found, review)
            took = time.perf_counter() - start
        out.write_bytes(pdf)
        self.stdout.write(json.dumps({"render_seconds": took}))

    def review(self, council: Council, pk: int | None) -> bytes:
        found = review_in_council(council=council, pk=pk) if pk else None
        if found is None:
            raise CommandError(f"No review {pk} in {council.name}.")
        return review_pdf_bytes(found)

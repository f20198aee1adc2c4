"""manage.py load_synthetic --councils 150 --years 10: synthetic national data on PostgreSQL, to measure
the service at the scale of every English council (reporting/synthetic.py). Never for a real deployment."""

import time

from django.core.management.base import BaseCommand, CommandError

from reporting.synthetic import load_synthetic


class Command(BaseCommand):
    help = "Write synthetic councils with years of audits (about 1M reviews for 150 councils x 10 years)."

    def add_arguments(self, parser):
        parser.add_argument("--councils", type=int, default=150)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--reviews-a-year", type=int, default=710, help="of each council (about)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, councils: int, years: int, reviews_a_year: int, seed: int, **options):
        start = time.perf_counter()
        try:
            summary = load_synthetic(
                councils=councils, years=years, reviews_a_year=reviews_a_year, seed=seed, say=self.stdout.write
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.councils} councils written: {summary.reviews:,} reviews, {summary.expected:,} expected reviews"
            f" ({time.perf_counter() - start:.0f} s)"
        )
        for name, seconds in summary.steps:
            self.stdout.write(f"  {seconds:6.1f} s  {name}")

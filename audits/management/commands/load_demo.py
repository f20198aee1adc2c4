"""Create the four demo councils with teams, staff, catalogues and cases. Safe to run again."""

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from audits.demo import load_cases, load_reviews
from audits.demo_history import load_history
from audits.programme.loading import load_programme
from audits.programme.services import run_month
from qaportal import demo
from standards.catalogue_io import CATALOGUES, load_catalogue_file


class Command(BaseCommand):
    help = "Load demo data for Derbyshire, Somerset, Lincolnshire and Coventry (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--council",
            action="append",
            choices=[spec.slug for spec in demo.COUNCILS],
            help="Load only this council (may be given more than once); all four by default.",
        )

    def handle(self, *args, **options):
        wanted = set(options.get("council") or [spec.slug for spec in demo.COUNCILS])
        for spec in (s for s in demo.COUNCILS if s.slug in wanted):
            council = demo.load_council(spec)
            with scope(council=council):
                load_catalogue_file(council=council, path=CATALOGUES / f"{spec.slug}.json")
            cases = load_cases(council, pin_digits=spec.pin_digits)
            load_programme(council)
            run_month(council=council, period=timezone.localdate())

            reviews = load_reviews(council)
            history = load_history(council)
            self.stdout.write(
                f"{council.name}: {cases} cases, {reviews} reviews this month, {history} in the year before"
            )
            for line in demo.run_demo_steps(council):
                self.stdout.write(f"  {line}")
        if connection.vendor == "postgresql":
            # Tell the planner how big the tables now are: with the statistics of near-empty tables it
            # picks nested loops that take seconds per query until autovacuum catches up.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

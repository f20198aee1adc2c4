"""Load a council's catalogue from standards/catalogues/<slug>.json (or a file you name)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from qaportal.models import Council
from standards.catalogue_io import CATALOGUES, CatalogueInvalid, load_catalogue_file


class Command(BaseCommand):
    help = "Import a council's standards catalogue. Unchanged templates are left as they are."

    def add_arguments(self, parser):
        parser.add_argument("council", nargs="+", help="council slug(s), or 'all'")
        parser.add_argument("--file", help="a catalogue JSON file (default: the council's launch catalogue)")

    def handle(self, *args, council: list[str], file: str | None = None, **options):
        slugs = [p.stem for p in sorted(CATALOGUES.glob("*.json"))] if council == ["all"] else council
        for slug in slugs:
            try:
                target = Council.objects.get(slug=slug)
            except Council.DoesNotExist as exc:
                raise CommandError(f"There is no council '{slug}'.") from exc
            path = Path(file) if file else CATALOGUES / f"{slug}.json"
            with scope(council=target):
                try:
                    report = load_catalogue_file(council=target, path=path)
                except CatalogueInvalid as exc:
                    raise CommandError(f"{path}:\n  " + "\n  ".join(exc.errors)) from exc
            self.stdout.write(
                f"{target.name}: {len(report.published)} template(s) published, {len(report.unchanged)} unchanged"
            )

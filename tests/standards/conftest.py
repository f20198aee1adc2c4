import json
from pathlib import Path

import pytest
from django_scopes import scope

from standards.catalogue_io import import_catalogue
from tests.factories import CouncilFactory

CATALOGUES = Path(__file__).resolve().parents[2] / "standards" / "catalogues"


def catalogue_data(slug: str) -> dict:
    return json.loads((CATALOGUES / f"{slug}.json").read_text(encoding="utf-8"))


@pytest.fixture
def load_council_catalogue(db):
    def load(slug: str, name: str | None = None):
        council = CouncilFactory(slug=slug, name=name or f"{slug.title()} Council")
        with scope(council=council):
            import_catalogue(council=council, data=catalogue_data(slug))
        return council

    return load

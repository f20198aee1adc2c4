"""The launch councils' catalogue files, for tests that need real catalogue data."""

import json
from pathlib import Path

CATALOGUES = Path(__file__).resolve().parents[1] / "standards" / "catalogues"


def catalogue_data(slug: str) -> dict:
    return json.loads((CATALOGUES / f"{slug}.json").read_text(encoding="utf-8"))

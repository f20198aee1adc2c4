"""The CQC's assessment framework for local authorities' adult social care duties: four themes and
nine quality statements. A council maps its standards to them so that its ratings and themes can be
shown as evidence, statement by statement."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Statement:
    key: str
    theme: Promise  # lazily translated
    title: Promise


STATEMENTS = [
    Statement("assessing-needs", _("Working with people"), _("Assessing needs")),
    Statement(
        "healthier-lives",
        _("Working with people"),
        _("Supporting people to live healthier lives"),
    ),
    Statement("equity", _("Working with people"), _("Equity in experience and outcomes")),
    Statement(
        "care-provision",
        _("Providing support"),
        _("Care provision, integration and continuity"),
    ),
    Statement("partnerships", _("Providing support"), _("Partnerships and communities")),
    Statement(
        "safe-systems",
        _("Ensuring safety within the system"),
        _("Safe systems, pathways and transitions"),
    ),
    Statement("safeguarding", _("Ensuring safety within the system"), _("Safeguarding")),
    Statement(
        "governance",
        _("Leadership"),
        _("Governance, management and sustainability"),
    ),
    Statement("learning", _("Leadership"), _("Learning, improvement and innovation")),
]
BY_KEY = {s.key: s for s in STATEMENTS}
CHOICES = [(s.key, f"{s.theme}: {s.title}") for s in STATEMENTS]

# The default mapping of the four launch catalogues: {council: {form: {standard number: [statements]}}}.
DEFAULTS_FILE = Path(__file__).with_name("cqc_defaults.json")


def default_mapping(council_slug: str) -> dict[str, dict[str, list[str]]]:
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8")).get(council_slug, {})

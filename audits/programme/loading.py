"""Audit programmes as data: `audits/programmes/<council>.json` (`qaportal.programme/1`), checked
against a declared format and the council's catalogue before anything is created.

The four launch councils' programmes are transcribed from their documents there, each rule with a
note quoting or explaining its source; the quality team can change every rule afterwards."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django_scopes import scope
from jsonschema import Draft202012Validator

from qaportal.models import Council
from standards.models import ReviewTemplate

from ..models import AuditProgramme, ProgrammeRule, TimetableEntry

FORMAT = "qaportal.programme/1"
PROGRAMMES_DIR = Path(__file__).resolve().parents[1] / "programmes"
SCHEMA_PATH = Path(__file__).with_name("programme.schema.json")


class ProgrammeInvalid(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def programme_definition(slug: str) -> dict | None:
    """The launch programme for the council with this slug, if there is one."""
    path = PROGRAMMES_DIR / f"{slug}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def validate_programme(data: Any, *, council: Council) -> list[str]:
    """Problems with a programme document, each naming where it is; [] when it can be loaded."""
    errors = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        errors.append(f"{where or 'The programme'}: {error.message[:200]}")
    if errors:
        return errors
    templates = set(ReviewTemplate.objects.filter(council=council).values_list("key", flat=True))
    for n, rule in enumerate(data["rules"], start=1):
        if rule["template"] and rule["template"] not in templates:
            errors.append(f'Rule {n} ("{rule["name"]}"): there is no template "{rule["template"]}" in the catalogue')
        if rule["template"] is None and not data.get("timetable"):
            errors.append(f'Rule {n} ("{rule["name"]}"): it uses the timetable, but the programme has none')
    for month, key in (data.get("timetable") or {}).items():
        if key not in templates:
            errors.append(f'Timetable, month {month}: there is no template "{key}" in the catalogue')
    return errors


@transaction.atomic
def load_programme(council: Council, data: dict | None = None) -> AuditProgramme | None:
    """Create the council's programme from `data` (by default its launch programme). A programme of
    the same name that exists already is left as it is: loading twice creates nothing new."""
    data = data if data is not None else programme_definition(council.slug)
    if data is None:
        return None
    with scope(council=council):
        errors = validate_programme(data, council=council)
        if errors:
            raise ProgrammeInvalid(errors)
        programme, created = AuditProgramme.objects.get_or_create(
            council=council,
            name=data["name"],
            defaults={"starts_on": dt.date.fromisoformat(data["starts_on"]), "unsaid": data.get("unsaid", "")},
        )
        if not created:
            return programme
        templates = {t.key: t for t in ReviewTemplate.objects.filter(council=council)}
        TimetableEntry.objects.bulk_create(
            TimetableEntry(council=council, programme=programme, month=int(month), template=templates[key])
            for month, key in (data.get("timetable") or {}).items()
        )
        ProgrammeRule.objects.bulk_create(
            ProgrammeRule(
                council=council,
                programme=programme,
                name=rule["name"],
                template=templates[rule["template"]] if rule["template"] else None,
                role=rule["role"],
                team_kind=rule.get("team_kind", ""),
                except_team_kind=rule.get("except_team_kind", ""),
                months=sorted(set(rule["months"]), key=rule["months"].index),
                count=rule["count"],
                kind=rule["kind"],
                mode=rule["mode"],
            )
            for rule in data["rules"]
        )
        return programme

"""Catalogue JSON (`qaportal.catalogue/1`): validation, import and export.

Import checks the whole document — and the council's catalogue as it stands — before it changes
anything, and then applies everything in one transaction. The format is described in
docs/catalogue-format.md.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from jsonschema import Draft202012Validator

from qaportal.models import Council, User
from qaportal.roles import Role

from .models import (
    AnsweredBy,
    AnswerKind,
    Completion,
    Criterion,
    Framework,
    Independence,
    RatingScale,
    ReviewKind,
    ReviewTemplate,
    ScaleLevel,
    SectionKind,
    Standard,
    Subject,
    TemplateSection,
    TemplateVersion,
)
from .selectors import current_versions

FORMAT = "qaportal.catalogue/1"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
# The declared shape of the format (types, required fields, sizes), also the reference for
# docs/catalogue-format.md. Checked before any domain rule, so the rules only ever see the right types.
SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")
# The launch councils' catalogues, transcribed from their documents.
CATALOGUES = Path(__file__).resolve().parent / "catalogues"
MAX_SCHEMA_ERRORS = 20


class CatalogueInvalid(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_catalogue(raw: bytes) -> Any:
    """The uploaded file as JSON, or CatalogueInvalid saying in plain words why it is not."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueInvalid(["The file must be JSON saved as UTF-8."]) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise CatalogueInvalid(["The file is nested too deeply to be a catalogue."]) from None
    except ValueError as exc:  # JSONDecodeError, and NaN / Infinity refused above
        raise CatalogueInvalid([f"The file is not valid JSON: {exc}"]) from None


def schema_errors(data: Any) -> list[str]:
    """Where the document does not have the catalogue's shape, each named as the rules below name
    things (Template "psr" › standard 2 › criterion 2.1: …)."""
    try:
        found = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    except RecursionError:
        return ["The file is nested too deeply to be a catalogue."]
    errors = [_schema_message(data, error) for error in found[:MAX_SCHEMA_ERRORS]]
    if len(found) > MAX_SCHEMA_ERRORS:
        errors.append(f"…and {len(found) - MAX_SCHEMA_ERRORS} more problems.")
    return errors


_NAMED = {"templates": "Template", "scales": "Scale", "frameworks": "Framework"}
_NUMBERED = {"standards": "standard", "criteria": "criterion"}
_COUNTED = {"levels": "level", "sections": "section", "expectations": "expectation"}
_TYPES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _where(data: Any, path: list) -> tuple[str, str]:
    """(place, property) for a JSON path, naming templates by key and standards by number."""
    places: list[str] = []
    node, prop = data, ""
    i = 0
    while i < len(path):
        step = path[i]
        child = node[step] if isinstance(node, dict | list) and _has(node, step) else None
        if isinstance(step, str) and i + 1 < len(path) and isinstance(path[i + 1], int):
            item = child[path[i + 1]] if isinstance(child, list) and path[i + 1] < len(child) else None
            label = _label(step, item, path[i + 1])
            places.append(label)
            node, i = item, i + 2
            continue
        prop = str(step)
        node, i = child, i + 1
    return " › ".join(places), prop


def _has(node: Any, step: Any) -> bool:
    return (isinstance(node, dict) and step in node) or (
        isinstance(node, list) and isinstance(step, int) and step < len(node)
    )


def _label(collection: str, item: Any, index: int) -> str:
    if collection in _NAMED:
        key = item.get("key") if isinstance(item, dict) else None
        return f'{_NAMED[collection]} "{key if isinstance(key, str) and key else index + 1}"'
    if collection in _NUMBERED:
        number = item.get("number") if isinstance(item, dict) else None
        return f"{_NUMBERED[collection]} {number if isinstance(number, str | int) and number != '' else index + 1}"
    return f"{_COUNTED.get(collection, collection)} {index + 1}"


def _schema_message(data: Any, error) -> str:
    place, prop = _where(data, list(error.absolute_path))
    name = prop.replace("_", " ")
    value, rule, kind = error.instance, error.validator_value, error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a field"
        detail = f'"{missing}" is required'
    elif kind == "type":
        wanted = rule if isinstance(rule, list) else [rule]
        detail = f"{name or 'it'} must be " + " or ".join(_TYPES.get(str(t), str(t)) for t in wanted)
    elif kind == "enum":
        shown = value if isinstance(value, str | int | float | bool) else type(value).__name__
        detail = f'{name} "{str(shown)[:40]}" is not one of {", ".join(str(r) for r in rule)}'
    elif kind == "const":
        detail = f'{name} must be "{rule}"'
    elif kind == "minLength":
        detail = f"{name} is empty" if value == "" else f"{name} is too short"
    elif kind == "maxLength":
        detail = f"{name} is longer than {rule} characters"
    elif kind == "minItems":
        detail = f"{name or 'the list'} needs at least {rule}"
    elif kind == "maxItems":
        detail = f"{name or 'the list'} has more than {rule} entries"
    elif kind == "pattern" and "[a-z0-9]" in str(rule):
        detail = f"{name or 'the key'} must be lower-case letters, digits and hyphens"
    elif kind == "pattern":
        detail = f"{name} must be on one line"
    elif kind == "uniqueItems":
        detail = f"{name} lists the same value twice"
    elif kind in {"minimum", "maximum"}:
        detail = f"{name} is out of range"
    elif kind == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {}))) if isinstance(value, dict) else []
        detail = f"{', '.join(extra)[:80] or 'a field'} is not part of the catalogue format"
    elif kind == "anyOf" and prop == "scale":
        detail = "scale must be a scale key or null"
    else:
        detail = error.message[:200]
    return f"{place or 'The catalogue'}: {detail}"


@dataclass
class ImportReport:
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


# --- normalising ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def normalise_template(t: dict) -> dict:
    """The template's content with defaults filled in, for validation and for comparing versions."""
    return {
        "key": _text(t.get("key")),
        "name": _text(t.get("name")),
        "short_name": _text(t.get("short_name")),
        "description": _text(t.get("description")),
        "guidance": _text(t.get("guidance")),
        "framework": t.get("framework"),
        "scale": t.get("scale"),
        "completion": t.get("completion", Completion.SINGLE),
        "completed_by_roles": list(t.get("completed_by_roles") or []),
        "delegable_to_roles": list(t.get("delegable_to_roles") or []),
        "requires_authorisation": bool(t.get("requires_authorisation", True)),
        "review_kinds": list(t.get("review_kinds") or [ReviewKind.MANDATORY, ReviewKind.ADDITIONAL]),
        "subject": t.get("subject", Subject.CASE),
        "independence": t.get("independence", Independence.PEER),
        "lookback_group": _text(t.get("lookback_group")),
        "sections": [
            {"kind": s.get("kind"), "required": bool(s.get("required", True)), "guidance": _text(s.get("guidance"))}
            for s in (t.get("sections") or [])
            if isinstance(s, dict)
        ],
        "standards": [
            {
                "number": _text(str(s.get("number", ""))),
                "title": _text(s.get("title")),
                "description": _text(s.get("description")),
                "expectations": [_text(e) for e in (s.get("expectations") or []) if _text(e)],
                "rated": bool(s.get("rated", True)),
                "answered_by": s.get("answered_by", AnsweredBy.REVIEWER),
                "criteria": [
                    {
                        "number": _text(str(c.get("number", ""))),
                        "text": _text(c.get("text")),
                        "guidance": _text(c.get("guidance")),
                        "answer_kind": c.get("answer_kind", AnswerKind.YES_PARTLY_NO),
                        "comment": bool(c.get("comment", True)),
                        "required": bool(c.get("required", True)),
                    }
                    for c in (s.get("criteria") or [])
                    if isinstance(c, dict)
                ],
            }
            for s in (t.get("standards") or [])
            if isinstance(s, dict)
        ],
    }


def _scale_levels(scale: dict) -> list[tuple]:
    return [
        (_text(lv.get("code")), _text(lv.get("label")), Decimal(str(lv.get("score"))), bool(lv.get("meets_standard")))
        for lv in scale.get("levels") or []
    ]


# --- validating ----------------------------------------------------------------------------------


def validate_template(t: dict, *, frameworks: set[str], scales: set[str]) -> list[str]:
    """Problems with one normalised template, each naming where it is."""
    errors: list[str] = []
    where = f'Template "{t["key"] or t["name"] or "?"}"'

    def err(msg: str, at: str = "") -> None:
        errors.append(f"{where}{' › ' + at if at else ''}: {msg}")

    if not KEY_RE.match(t["key"]):
        err("the key must be lower-case letters, digits and hyphens")
    if not t["name"]:
        err("a name is required")
    if t["framework"] not in frameworks:
        err(f'framework "{t["framework"]}" is not in the catalogue')
    if t["scale"] is not None and t["scale"] not in scales:
        err(f'scale "{t["scale"]}" is not in the catalogue')
    if t["completion"] not in Completion.values:
        err(f'completion "{t["completion"]}" is not one of {", ".join(Completion.values)}')
    for list_name in ["completed_by_roles", "delegable_to_roles"]:
        for role in t[list_name]:
            if role not in Role.values:
                err(f'"{role}" in {list_name} is not a role')
    if not t["completed_by_roles"]:
        err("say which roles may complete it (completed_by_roles)")
    if t["independence"] not in Independence.values:
        err(f'independence "{t["independence"]}" is not one of {", ".join(Independence.values)}')
    if t["subject"] not in Subject.values:
        err(f'subject "{t["subject"]}" is not one of {", ".join(Subject.values)}')
    elif t["subject"] == Subject.SUPERVISEE and t["independence"] not in {
        Independence.SUPERVISOR,
        Independence.LINE_MANAGER,
    }:
        err("a review of a member of staff is by their supervisor or their supervisor's line manager (independence)")
    for kind in t["review_kinds"]:
        if kind not in ReviewKind.values:
            err(f'review kind "{kind}" is not one of {", ".join(ReviewKind.values)}')
    kinds = [s["kind"] for s in t["sections"]]
    if not kinds:
        err("a template needs at least one section")
    for kind in kinds:
        if kind not in SectionKind.values:
            err(f'section "{kind}" is not one of {", ".join(SectionKind.values)}')
    if len(set(kinds)) != len(kinds):
        err("a section appears more than once")
    rated = [s for s in t["standards"] if s["rated"]]
    if SectionKind.RATINGS in kinds and not (rated and t["scale"]):
        err("a ratings section needs a scale and at least one rated standard")
    if rated and t["scale"] is None:
        err("standards are rated but the template has no scale")
    if SectionKind.QUESTIONS in kinds and not any(s["criteria"] for s in t["standards"]):
        err("a questions section needs at least one criterion")
    if not t["standards"]:
        err("a template needs at least one standard")
    numbers: set[str] = set()
    criterion_numbers: set[str] = set()
    for s in t["standards"]:
        at = f"standard {s['number'] or '?'}"
        if not s["number"]:
            err("a number is required", at)
        elif s["number"] in numbers:
            err("the number is used twice", at)
        numbers.add(s["number"])
        if not s["title"]:
            err("a title is required", at)
        if s["answered_by"] not in AnsweredBy.values:
            err(f'answered_by "{s["answered_by"]}" is not one of {", ".join(AnsweredBy.values)}', at)
        for c in s["criteria"]:
            c_at = f"{at} › criterion {c['number'] or '?'}"
            if not c["number"]:
                err("a number is required", c_at)
            elif c["number"] in criterion_numbers:
                err("the number is used twice in this template", c_at)
            criterion_numbers.add(c["number"])
            if not c["text"]:
                err("the question text is empty", c_at)
            if c["answer_kind"] not in AnswerKind.values:
                err(f'answer kind "{c["answer_kind"]}" is not one of {", ".join(AnswerKind.values)}', c_at)
            elif c["answer_kind"] == AnswerKind.RATING and t["scale"] is None:
                err("a rating answer needs the template to have a scale", c_at)
    return errors


def validate_scale(scale: dict) -> list[str]:
    errors: list[str] = []
    where = f'Scale "{scale.get("key") or "?"}"'
    if not KEY_RE.match(_text(scale.get("key"))):
        errors.append(f"{where}: the key must be lower-case letters, digits and hyphens")
    if not _text(scale.get("name")):
        errors.append(f"{where}: a name is required")
    levels = scale.get("levels") or []
    if len(levels) < 2:
        errors.append(f"{where}: a scale needs at least two levels")
    codes, labels = set(), set()
    for i, level in enumerate(levels, start=1):
        at = f"{where} › level {i}"
        if not isinstance(level, dict):
            errors.append(f"{at}: must be an object")
            continue
        code, label = _text(level.get("code")), _text(level.get("label"))
        if not code or not label:
            errors.append(f"{at}: a code and a label are required")
        if code in codes or label in labels:
            errors.append(f"{at}: the code or label is used twice")
        codes.add(code)
        labels.add(label)
        try:
            Decimal(str(level.get("score")))
        except (InvalidOperation, ValueError):
            errors.append(f"{at}: the score must be a number")
    return errors


def validate_catalogue(data: Any, *, council: Council) -> list[str]:
    if not isinstance(data, dict):
        return ["The file must hold one JSON object."]
    shape = schema_errors(data)
    if shape:
        return shape
    errors: list[str] = []
    if data.get("format") != FORMAT:
        errors.append(f'The format must be "{FORMAT}".')
    if data.get("council") != council.slug:
        errors.append(f'This catalogue is for "{data.get("council")}", not {council.name} ("{council.slug}").')
    scales = [s for s in data.get("scales") or [] if isinstance(s, dict)]
    frameworks = [f for f in data.get("frameworks") or [] if isinstance(f, dict)]
    templates = [t for t in data.get("templates") or [] if isinstance(t, dict)]
    if not templates:
        errors.append("The catalogue has no templates.")
    for scale in scales:
        errors += validate_scale(scale)
    scale_keys = [_text(s.get("key")) for s in scales]
    framework_keys = [_text(f.get("key")) for f in frameworks]
    for label, keys in [("scale", scale_keys), ("framework", framework_keys)]:
        for key in {k for k in keys if keys.count(k) > 1}:
            errors.append(f'The {label} key "{key}" is used twice.')
    for f in frameworks:
        if not KEY_RE.match(_text(f.get("key"))) or not _text(f.get("name")):
            errors.append(f'Framework "{f.get("key") or "?"}": a key and a name are required')
    normalised = [normalise_template(t) for t in templates]
    template_keys = [t["key"] for t in normalised]
    for key in {k for k in template_keys if template_keys.count(k) > 1}:
        errors.append(f'The template key "{key}" is used twice.')
    for t in normalised:
        errors += validate_template(t, frameworks=set(framework_keys), scales=set(scale_keys))

    # Against the catalogue as it stands: frozen scales and drafts in progress.
    for scale in scales:
        existing = RatingScale.objects.filter(council=council, key=_text(scale.get("key"))).first()
        if existing and not validate_scale(scale) and _db_levels(existing) != _scale_levels(scale):
            if existing.versions.exclude(status=TemplateVersion.Status.DRAFT).exists():
                errors.append(
                    f'Scale "{existing.key}": its levels differ from the scale published templates use; '
                    "give the changed scale a new key."
                )
    drafts = TemplateVersion.objects.filter(
        council=council, status=TemplateVersion.Status.DRAFT, template__key__in=template_keys
    ).select_related("template")
    for draft in drafts:
        errors.append(
            f'Template "{draft.template.key}": a draft (version {draft.number}) is being edited; '
            "publish or discard it before importing."
        )
    return errors


def _db_levels(scale: RatingScale) -> list[tuple]:
    return [(lv.code, lv.label, lv.score, lv.meets_standard) for lv in scale.levels.all()]


# --- importing -----------------------------------------------------------------------------------


def import_catalogue(*, council: Council, data: Any, by: User | None = None) -> ImportReport:
    """Validate everything, then apply everything: each changed template gets a new published version."""
    errors = validate_catalogue(data, council=council)
    if errors:
        raise CatalogueInvalid(errors)
    report = ImportReport()
    with transaction.atomic():
        scales = {}
        for s in data.get("scales") or []:
            scale, _ = RatingScale.objects.update_or_create(
                council=council, key=s["key"], defaults={"name": _text(s["name"])}
            )
            if _db_levels(scale) != _scale_levels(s):
                scale.levels.all().delete()
                ScaleLevel.objects.bulk_create(
                    ScaleLevel(
                        council=council, scale=scale, order=i, code=code, label=label, score=score, meets_standard=meets
                    )
                    for i, (code, label, score, meets) in enumerate(_scale_levels(s), start=1)
                )
            scales[s["key"]] = scale
        frameworks = {}
        for f in data.get("frameworks") or []:
            frameworks[f["key"]], _ = Framework.objects.update_or_create(
                council=council,
                key=f["key"],
                defaults={"name": _text(f["name"]), "description": _text(f.get("description"))},
            )
        for order, raw in enumerate(data["templates"], start=1):
            t = normalise_template(raw)
            template, _ = ReviewTemplate.objects.update_or_create(
                council=council,
                key=t["key"],
                defaults={"name": t["name"], "short_name": t["short_name"], "order": order},
            )
            latest = template.versions.order_by("-number").first()
            if (
                latest is not None
                and latest.status == TemplateVersion.Status.PUBLISHED
                and normalise_template(export_version(latest)) == t
            ):
                report.unchanged.append(t["key"])
                continue
            version = create_version(
                template=template,
                content=t,
                framework=frameworks[t["framework"]],
                scale=scales[t["scale"]] if t["scale"] else None,
                by=by,
            )
            version.status = TemplateVersion.Status.PUBLISHED
            version.published_at, version.published_by = timezone.now(), by
            version.save(update_fields=["status", "published_at", "published_by"])
            report.published.append(t["key"])
    return report


def create_version(
    *,
    template: ReviewTemplate,
    content: dict,
    framework: Framework,
    scale: RatingScale | None,
    by: User | None,
    status: str = TemplateVersion.Status.DRAFT,
) -> TemplateVersion:
    """A new version of `template` holding `content` (a normalised template)."""
    council = template.council
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = TemplateVersion.objects.create(
        council=council,
        template=template,
        number=number,
        status=status,
        framework=framework,
        scale=scale,
        description=content["description"],
        guidance=content["guidance"],
        completion=content["completion"],
        completed_by_roles=content["completed_by_roles"],
        delegable_to_roles=content["delegable_to_roles"],
        requires_authorisation=content["requires_authorisation"],
        review_kinds=content["review_kinds"],
        subject=content["subject"],
        independence=content["independence"],
        lookback_group=content["lookback_group"],
        created_by=by,
    )
    TemplateSection.objects.bulk_create(
        TemplateSection(
            council=council, version=version, order=i, kind=s["kind"], required=s["required"], guidance=s["guidance"]
        )
        for i, s in enumerate(content["sections"], start=1)
    )
    for i, s in enumerate(content["standards"], start=1):
        standard = Standard.objects.create(
            council=council,
            version=version,
            order=i,
            number=s["number"],
            title=s["title"],
            description=s["description"],
            expectations=s["expectations"],
            rated=s["rated"],
            answered_by=s["answered_by"],
        )
        Criterion.objects.bulk_create(
            Criterion(
                council=council,
                standard=standard,
                order=j,
                number=c["number"],
                text=c["text"],
                guidance=c["guidance"],
                answer_kind=c["answer_kind"],
                comment=c["comment"],
                required=c["required"],
            )
            for j, c in enumerate(s["criteria"], start=1)
        )
    return version


# --- exporting -----------------------------------------------------------------------------------


def export_version(version: TemplateVersion) -> dict:
    template = version.template
    return {
        "key": template.key,
        "name": template.name,
        "short_name": template.short_name,
        "description": version.description,
        "guidance": version.guidance,
        "framework": version.framework.key,
        "scale": version.scale.key if version.scale else None,
        "completion": version.completion,
        "completed_by_roles": version.completed_by_roles,
        "delegable_to_roles": version.delegable_to_roles,
        "requires_authorisation": version.requires_authorisation,
        "review_kinds": version.review_kinds,
        **({"subject": version.subject} if version.subject != Subject.CASE else {}),
        "independence": version.independence,
        **({"lookback_group": version.lookback_group} if version.lookback_group else {}),
        "sections": [
            {"kind": s.kind, "required": s.required, **({"guidance": s.guidance} if s.guidance else {})}
            for s in version.sections.all()
        ],
        "standards": [
            {
                "number": s.number,
                "title": s.title,
                "description": s.description,
                "expectations": s.expectations,
                "rated": s.rated,
                "answered_by": s.answered_by,
                "criteria": [
                    {
                        "number": c.number,
                        "text": c.text,
                        "guidance": c.guidance,
                        "answer_kind": c.answer_kind,
                        "comment": c.comment,
                        "required": c.required,
                    }
                    for c in s.criteria.all()
                ],
            }
            for s in version.standards.all()
        ],
    }


def export_catalogue(*, council: Council) -> dict:
    """The council's current catalogue: the newest published version of each template in use."""
    versions = current_versions(council=council)
    scales = {v.scale for v in versions if v.scale is not None}
    frameworks = {v.framework for v in versions}
    return {
        "format": FORMAT,
        "council": council.slug,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "scales": [
            {
                "key": s.key,
                "name": s.name,
                "levels": [
                    {"code": lv.code, "label": lv.label, "score": float(lv.score), "meets_standard": lv.meets_standard}
                    for lv in s.levels.all()
                ],
            }
            for s in sorted(scales, key=lambda s: s.key)
        ],
        "frameworks": [
            {"key": f.key, "name": f.name, "description": f.description}
            for f in sorted(frameworks, key=lambda f: f.key)
        ],
        "templates": [export_version(v) for v in versions],
    }


def load_catalogue_file(*, council: Council, path: Path) -> ImportReport:
    """Import a catalogue file (a launch catalogue from CATALOGUES, or one the quality team supplies)."""
    return import_catalogue(council=council, data=parse_catalogue(path.read_bytes()))

"""Writes to a council's catalogue. Only drafts change; a published version is frozen."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qaportal.models import Council, User

from .catalogue_io import create_version, export_version, normalise_template, validate_template
from .models import (
    Criterion,
    Framework,
    RatingScale,
    ReviewTemplate,
    ScaleLevel,
    Standard,
    TemplateSection,
    TemplateVersion,
)
from .selectors import version_with_content


def _ensure_draft(version: TemplateVersion) -> None:
    """The single guard that keeps published versions — and the reviews that use them — unchanged."""
    if not version.is_draft:
        raise ValidationError(
            _("Version %(n)s of %(t)s is %(status)s and cannot be changed. Start a new draft to make changes.")
            % {"n": version.number, "t": version.template, "status": version.get_status_display().lower()}
        )


@transaction.atomic
def draft_start(*, template: ReviewTemplate, by: User) -> TemplateVersion:
    """The template's draft: the one in progress, or a new one copied from the newest version."""
    existing = template.versions.filter(status=TemplateVersion.Status.DRAFT).first()
    if existing:
        return existing
    newest = version_with_content(template.versions.order_by("-number")).first()
    if newest is None:
        raise ValidationError(_("This template has no version to start from."))
    return create_version(
        template=template,
        content=normalise_template(export_version(newest)),
        framework=newest.framework,
        scale=newest.scale,
        by=by,
    )


@transaction.atomic
def draft_discard(*, version: TemplateVersion) -> None:
    _ensure_draft(version)
    version.delete()


@transaction.atomic
def version_update_settings(*, version: TemplateVersion, **fields) -> TemplateVersion:
    _ensure_draft(version)
    template_fields = {k: fields.pop(k) for k in ["name", "short_name"] if k in fields}
    sections = fields.pop("sections", None)
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    version.save()
    if template_fields:
        for name, value in template_fields.items():
            setattr(version.template, name, value)
        version.template.save(update_fields=list(template_fields))
    if sections is not None:
        version.sections.all().delete()
        TemplateSection.objects.bulk_create(
            TemplateSection(
                council=version.council,
                version=version,
                order=i,
                kind=s["kind"],
                required=s["required"],
                guidance=s.get("guidance", ""),
            )
            for i, s in enumerate(sections, start=1)
        )
    return version


def _check_number(qs, number: str, label: str) -> None:
    if qs.filter(number=number).exists():
        raise ValidationError(
            {"number": _("Another %(what)s already has the number %(n)s.") % {"what": label, "n": number}}
        )


@transaction.atomic
def standard_save(*, version: TemplateVersion, standard: Standard | None = None, **fields) -> Standard:
    _ensure_draft(version)
    others = version.standards.all()
    if standard is not None:
        others = others.exclude(pk=standard.pk)
    _check_number(others, fields["number"], _("standard"))
    if standard is None:
        standard = Standard(council=version.council, version=version, order=version.standards.count() + 1)
    for name, value in fields.items():
        setattr(standard, name, value)
    standard.full_clean()
    standard.save()
    return standard


@transaction.atomic
def standard_delete(*, standard: Standard) -> None:
    _ensure_draft(standard.version)
    version = standard.version
    standard.delete()
    _renumber(list(version.standards.order_by("order")))


@transaction.atomic
def criterion_save(*, standard: Standard, criterion: Criterion | None = None, **fields) -> Criterion:
    _ensure_draft(standard.version)
    others = Criterion.objects.filter(council=standard.council, standard__version=standard.version)
    if criterion is not None:
        others = others.exclude(pk=criterion.pk)
    _check_number(others, fields["number"], _("question"))
    if criterion is None:
        criterion = Criterion(council=standard.council, standard=standard, order=standard.criteria.count() + 1)
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    standard = criterion.standard
    _ensure_draft(standard.version)
    criterion.delete()
    _renumber(list(standard.criteria.order_by("order")))


def _renumber(items: list) -> None:
    for i, item in enumerate(items, start=1):
        if item.order != i:
            item.order = i
            item.save(update_fields=["order"])


def _move(items: list, item, direction: str) -> None:
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    # Two passes so the unique ordering never clashes half-way.
    for i, x in enumerate(items, start=1):
        x.order = 1000 + i
        x.save(update_fields=["order"])
    _renumber(items)


@transaction.atomic
def standard_move(*, standard: Standard, direction: str) -> None:
    _ensure_draft(standard.version)
    _move(list(standard.version.standards.order_by("order")), standard, direction)


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: str) -> None:
    _ensure_draft(criterion.standard.version)
    _move(list(criterion.standard.criteria.order_by("order")), criterion, direction)


def version_problems(version: TemplateVersion) -> list[str]:
    """What stops this version being published, in the same words the importer uses."""
    version = version_with_content(TemplateVersion.objects.filter(pk=version.pk)).get()
    council = version.council
    return validate_template(
        normalise_template(export_version(version)),
        frameworks=set(Framework.objects.filter(council=council).values_list("key", flat=True)),
        scales=set(RatingScale.objects.filter(council=council).values_list("key", flat=True)),
    )


@transaction.atomic
def version_publish(*, version: TemplateVersion, by: User) -> TemplateVersion:
    _ensure_draft(version)
    problems = version_problems(version)
    if problems:
        raise ValidationError(problems)
    version.status = TemplateVersion.Status.PUBLISHED
    version.published_at, version.published_by = timezone.now(), by
    version.save(update_fields=["status", "published_at", "published_by"])
    return version


@transaction.atomic
def version_retire(*, version: TemplateVersion, by: User) -> TemplateVersion:
    """Stop new reviews starting on this version; reviews already on it carry on."""
    if version.status != TemplateVersion.Status.PUBLISHED:
        raise ValidationError(_("Only a published version can be retired."))
    version.status = TemplateVersion.Status.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    return version


@transaction.atomic
def scale_create(*, council: Council, key: str, name: str, levels: list[dict]) -> RatingScale:
    """A new rating scale. Scales are never edited once a published version uses them."""
    if RatingScale.objects.filter(council=council, key=key).exists():
        raise ValidationError({"key": _("A scale with this key already exists.")})
    scale = RatingScale(council=council, key=key, name=name)
    scale.full_clean()
    scale.save()
    ScaleLevel.objects.bulk_create(
        ScaleLevel(council=council, scale=scale, order=i, **level) for i, level in enumerate(levels, start=1)
    )
    return scale

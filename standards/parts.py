"""A template version's parts (sections, standards with their criteria, the scale's levels), read once
per process for versions that can no longer change.

Only a draft is ever edited (standards/services.py refuses changes to any other version), so a
published or retired version's parts are the same for every review of it, in every council page that
shows one. The review form's pages are the busiest in the service; reading the catalogue on each of
them was four queries and most of their database time. The cache is per process, not Redis: nothing
to invalidate, nothing to unpickle, and a page still works when Redis is down."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Model, prefetch_related_objects
from django_scopes import scopes_disabled

from .models import Criterion, RatingScale, ScaleLevel, Standard, TemplateSection, TemplateVersion

# Enough for every form of 150 councils, several versions each; a few MB at most.
MAX_VERSIONS = 2048


@dataclass(frozen=True)
class Parts:
    sections: tuple[TemplateSection, ...]
    standards: tuple[Standard, ...]  # each with its criteria attached, in order
    levels: tuple[ScaleLevel, ...]


_cache: OrderedDict[tuple, Parts] = OrderedDict()
_lock = threading.Lock()


def _key(version: TemplateVersion) -> tuple:
    # The creation time as well as the id: a test database that resets its sequences reuses ids.
    return (version.pk, version.created_at)


def _read(version: TemplateVersion) -> Parts:
    # Read by the version's id alone: the caller already holds the version of the council it asked for.
    with scopes_disabled():
        sections = tuple(TemplateSection.objects.filter(version_id=version.pk).order_by("order"))
        standards = tuple(Standard.objects.filter(version_id=version.pk).order_by("order"))
        criteria = Criterion.objects.filter(standard__version_id=version.pk).order_by("order")
        levels = tuple(ScaleLevel.objects.filter(scale_id=version.scale_id).select_related("scale").order_by("order"))
        by_standard: dict[int, list[Criterion]] = {s.pk: [] for s in standards}
        for criterion in criteria:
            by_standard[criterion.standard_id].append(criterion)
    for standard in standards:
        _prefetched(standard, "criteria", by_standard[standard.pk])
        for criterion in by_standard[standard.pk]:
            criterion.standard = standard
    return Parts(sections=sections, standards=standards, levels=levels)


def _prefetched(instance: Model, name: str, objects) -> None:
    """What prefetch_related leaves behind, so `instance.<name>.all()` reads no query."""
    manager = getattr(instance, name)  # a reverse foreign key's manager: the only kind used here
    cache_name = manager.field.remote_field.cache_name
    cache: dict = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(cache_name, None)
    with scopes_disabled():
        queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache[cache_name] = queryset


def parts_of(version: TemplateVersion) -> Parts:
    key = _key(version)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    parts = _read(version)
    with _lock:
        _cache[key] = parts
        while len(_cache) > MAX_VERSIONS:
            _cache.popitem(last=False)
    return parts


def attach_parts(version: TemplateVersion) -> None:
    """Give `version` (and its scale, if it was selected with it) its parts, as prefetch_related would:
    from the process's cache for a published or retired version, from the database for a draft."""
    if version.is_draft:
        prefetch_related_objects([version], "sections", "standards__criteria", "scale__levels")
        return
    parts = parts_of(version)
    _prefetched(version, "sections", parts.sections)
    _prefetched(version, "standards", parts.standards)
    scale: RatingScale | None = version.scale if version.scale_id else None
    if scale is not None:
        _prefetched(scale, "levels", parts.levels)


def clear() -> None:
    """Forget every version's parts (tests that change a published version behind the service's back)."""
    with _lock:
        _cache.clear()

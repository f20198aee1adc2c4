"""Sections by kind. Each kind registers its class here; apps above `audits` register their own
(feedback registers "feedback"), so the review form never has to know them."""

from __future__ import annotations

from collections.abc import Callable

from ..models import Review
from .base import Section

SectionFactory = Callable[[Review, bool, str], Section]
SECTIONS: dict[str, SectionFactory] = {}


def register_section(kind: str, factory: SectionFactory | None = None):
    """Register the class (or factory) that handles sections of `kind`; usable as a decorator."""

    def register(handler: SectionFactory) -> SectionFactory:
        SECTIONS[kind] = handler
        return handler

    return register(factory) if factory is not None else register


def sections_of(review: Review) -> list[Section]:
    """The review's sections in form order, as its template version defines them."""
    result = []
    if any(s.answered_by == "subject" for s in review.template_version.standards.all()):
        # The worker's own part comes first: they answer it before the reviewer can finish.
        result.append(SECTIONS["worker_part"](review, True, ""))
    for spec in review.template_version.sections.all():
        factory = SECTIONS.get(spec.kind)
        if factory is None:
            raise LookupError(f"No section handles {spec.kind!r}: is the app that provides it installed?")
        result.append(factory(review, spec.required, spec.guidance))
    return result


def worker_sections(review: Review) -> list[Section]:
    """The sections the worker whose practice is audited completes themselves."""
    return [s for s in sections_of(review) if s.worker_completes]


def section_of(review: Review, kind: str) -> Section | None:
    return next((s for s in sections_of(review) if s.kind == kind), None)


def review_relations(kinds: set[str] | None = None) -> tuple[set[str], list]:
    """(select_related, prefetch_related) the registered sections (or those of `kinds`) need to show a review."""
    selected: set[str] = set()
    prefetched: list = []
    seen: set[str] = set()
    for kind, factory in SECTIONS.items():
        if kinds is not None and kind not in kinds:
            continue
        handler = factory if isinstance(factory, type) else getattr(factory, "func", None)
        selected.update(getattr(handler, "select_related", ()))
        for item in getattr(handler, "prefetch_related", ()):
            # A Prefetch with its own queryset is built now, inside the council's scope.
            item = item() if callable(item) else item
            key = item if isinstance(item, str) else item.prefetch_to
            if key not in seen:
                seen.add(key)
                prefetched.append(item)
    return selected, prefetched

"""Reads about a council's catalogue."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from qaportal.models import Council

from .models import Criterion, Framework, RatingScale, ReviewTemplate, Standard, TemplateVersion

_published = TemplateVersion.Status.PUBLISHED


def current_version(*, template: ReviewTemplate) -> TemplateVersion | None:
    """The version new reviews start on: the newest published one. Retired versions take no new reviews."""
    return template.versions.filter(status=_published).order_by("-number").first()


def version_with_content(qs: QuerySet[TemplateVersion]) -> QuerySet[TemplateVersion]:
    return qs.select_related("template", "framework", "scale").prefetch_related(
        "sections",
        "scale__levels",
        Prefetch(
            "standards",
            queryset=Standard.objects.prefetch_related(
                Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
            ).order_by("order"),
        ),
    )


def current_versions(*, council: Council) -> list[TemplateVersion]:
    newest: dict[int, TemplateVersion] = {}
    for version in version_with_content(
        TemplateVersion.objects.filter(council=council, status=_published).order_by("template__order", "-number")
    ):
        newest.setdefault(version.template_id, version)
    return list(newest.values())


def templates_overview(*, council: Council) -> list[dict]:
    """Each template with its current version and draft, for the catalogue page."""
    templates = list(ReviewTemplate.objects.filter(council=council))
    versions = TemplateVersion.objects.filter(council=council).select_related("framework").order_by("-number")
    by_template: dict[int, list[TemplateVersion]] = {}
    for version in versions:
        by_template.setdefault(version.template_id, []).append(version)
    rows = []
    for template in templates:
        own = by_template.get(template.pk, [])
        current = next((v for v in own if v.status == _published), None)
        rows.append(
            {
                "template": template,
                "current": current,
                "draft": next((v for v in own if v.is_draft), None),
                "framework": (current or own[0]).framework if own else None,
            }
        )
    return rows


def frameworks_in_council(*, council: Council) -> QuerySet[Framework]:
    return Framework.objects.filter(council=council)


def scales_in_council(*, council: Council) -> QuerySet[RatingScale]:
    return RatingScale.objects.filter(council=council).prefetch_related("levels")


def template_in_council(*, council: Council, pk: int) -> ReviewTemplate | None:
    template = ReviewTemplate.objects.filter(council=council, pk=pk).first()
    return template


def versions_of(*, template: ReviewTemplate) -> QuerySet[TemplateVersion]:
    """Every version, with how many reviews each was used for."""
    return template.versions.annotate(review_count=Count("reviews")).select_related("published_by")


def version_in_council(*, council: Council, pk: int) -> TemplateVersion | None:
    version = version_with_content(TemplateVersion.objects.filter(council=council, pk=pk)).first()
    return version


def standard_in_council(*, council: Council, pk: int) -> Standard | None:
    standard = Standard.objects.filter(council=council, pk=pk).select_related("version__template").first()
    return standard


def criterion_in_council(*, council: Council, pk: int) -> Criterion | None:
    criterion = Criterion.objects.filter(council=council, pk=pk).select_related("standard__version__template").first()
    return criterion


def repeated_criteria(version: TemplateVersion) -> dict[int, str]:
    """Questions whose wording another question of the form repeats in full (Lincolnshire's 5.8 is
    the second half of 5.9), by id, with the number of the question that repeats it. Shown flagged in
    the catalogue editor; merging them is the quality team's choice, never made for them."""

    def words(text: str) -> str:
        return " ".join(text.lower().split()).strip(" .")

    # Uses the prefetched standards and criteria the version page already holds.
    criteria = [c for standard in version.standards.all() for c in standard.criteria.all()]
    repeated: dict[int, str] = {}
    for short in criteria:
        wording = words(short.text)
        if len(wording) < 40:
            continue  # "Yes/No" style questions repeat by nature
        for other in criteria:
            if other.pk != short.pk and wording in words(other.text) and len(words(other.text)) > len(wording):
                repeated[short.pk] = other.number
                break
    for c in criteria:
        c.repeated_in = repeated.get(c.pk, "")  # for the page that lists them
    return repeated

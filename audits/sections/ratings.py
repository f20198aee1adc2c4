"""Ratings per standard on the template's scale, with evidence: generated from the catalogue."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from qaportal.db import update_rows
from qaportal.models import User
from standards.forms import RatingsForm
from standards.models import SectionKind

from ..models import StandardRating
from .base import Change, Problem, Section, lenient, short
from .registry import register_section


@register_section(SectionKind.RATINGS)
class RatingsSection(Section):
    kind = SectionKind.RATINGS
    template_name = "audits/sections/ratings.html"
    display_template = "audits/sections/display/ratings.html"
    worker_sees = True
    prefetch_related = (lambda: Prefetch("ratings", queryset=StandardRating.objects.select_related("level")),)

    def _ratings(self) -> dict[int, StandardRating]:
        return {r.standard_id: r for r in self.review.ratings.all()}

    def form(self, data=None, *, add_row: bool = False) -> RatingsForm:
        initial = {}
        for standard_id, rating in self._ratings().items():
            initial[f"rating_{standard_id}"] = rating.level.code if rating.level else ""
            initial[f"evidence_{standard_id}"] = rating.evidence
        form = RatingsForm(data, version=self.review.template_version, initial=initial)
        lenient(form)
        return form

    def save(self, form: RatingsForm, by: User) -> list[Change]:
        scale = self.review.template_version.scale
        levels = {lv.code: lv for lv in scale.levels.all()} if scale else {}
        existing = self._ratings()
        changes, to_create, to_update = [], [], []
        for standard, _names in form.groups:
            code = form.cleaned_data.get(f"rating_{standard.pk}") or ""
            evidence = form.cleaned_data.get(f"evidence_{standard.pk}") or ""
            rating = existing.get(standard.pk)
            old_code = rating.level.code if rating and rating.level else ""
            old_evidence = rating.evidence if rating else ""
            if (code, evidence) == (old_code, old_evidence):
                continue
            if code != old_code:
                changes.append(
                    Change(
                        _("Standard %(n)s rating") % {"n": standard.number},
                        levels[old_code].label if old_code else "",
                        levels[code].label if code else "",
                    )
                )
            if evidence != old_evidence:
                changes.append(Change(_("Standard %(n)s evidence") % {"n": standard.number}, old_evidence, evidence))
            if rating is None:
                to_create.append(
                    StandardRating(
                        council=self.review.council,
                        review=self.review,
                        standard=standard,
                        level=levels.get(code),
                        evidence=evidence,
                    )
                )
            else:
                rating.level, rating.evidence = levels.get(code), evidence
                to_update.append(rating)
        StandardRating.objects.bulk_create(to_create)
        update_rows(to_update, ["level", "evidence"], council=self.review.council)
        return changes

    def problems(self) -> list[Problem]:
        ratings = self._ratings()
        found = []
        for standard in self.review.template_version.standards.all():
            if not standard.rated:
                continue
            rating = ratings.get(standard.pk)
            if rating is None or rating.level_id is None:
                found.append(
                    Problem(
                        f"id_rating_{standard.pk}_0",
                        _("Rate standard %(n)s: %(title)s")
                        % {"n": standard.number, "title": short(standard.title, 20)},
                    )
                )
            if rating is None or not rating.evidence.strip():
                found.append(
                    Problem(
                        f"id_evidence_{standard.pk}",
                        _("Give the evidence for your rating of standard %(n)s") % {"n": standard.number},
                    )
                )
        return found

    def is_started(self) -> bool:
        return bool(self._ratings())

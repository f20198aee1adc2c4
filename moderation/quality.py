"""How a moderator grades the quality of a review as a whole, per council.

The councils' documents ask panel members to "consider the quality of the PSR/SPSR" (Derbyshire's
practice guidance) ; Derbyshire's reviews are graded in its own words, and the CQC-style three
levels are the default for councils whose documents name none."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DEFAULT = (
    ("good", _("Good")),
    ("requires_improvement", _("Requires improvement")),
    ("inadequate", _("Inadequate")),
)

BY_COUNCIL: dict[str, tuple[tuple[str, str], ...]] = {
    # Derbyshire's panel grades a PSR on the words its reviews use: "Outstanding, Good or Needs
    # Further Work" (PSR / SPSR practice guidance v4).
    "derbyshire": (
        ("outstanding", _("Outstanding")),
        ("good", _("Good")),
        ("needs_further_work", _("Needs further work")),
    ),
}


def quality_levels(council_slug: str) -> tuple[tuple[str, str], ...]:
    return BY_COUNCIL.get(council_slug, DEFAULT)


def quality_label(council_slug: str, code: str) -> str:
    return str(dict(quality_levels(council_slug)).get(code, code))

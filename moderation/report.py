"""The round report for the quality board: the sample, the verdicts, how far moderators agreed with
the ratings, learning themes and what moderators said. A page, and a tagged PDF made by Celery with
the same renderer as a review's PDF."""

from __future__ import annotations

from collections import Counter

from django.template.loader import render_to_string
from django.utils import timezone

from qaportal.documents import DocumentKind, Progress, register_document_kind
from qaportal.models import Document
from qaportal.pdf import html_to_pdf

from . import selectors
from .models import ModerationRound, StandardVerdict, Verdict
from .quality import quality_label, quality_levels

ROUND_REPORT = "moderation-round-report"


def round_report_context(moderation_round: ModerationRound) -> dict:
    council = moderation_round.council
    assignments = list(selectors.round_assignments(moderation_round=moderation_round))
    submitted = [a.verdict for a in assignments if a.submitted]
    quality = Counter(v.quality for v in submitted)
    themes = Counter(
        name
        for name in Verdict.themes.through.objects.filter(verdict__in=submitted).values_list(
            "learningtheme__name", flat=True
        )
    )
    rows = selectors.moderated_pairs(council=council, round_id=moderation_round.pk)
    disagreements = list(
        StandardVerdict.objects.filter(council=council, verdict__in=submitted, agrees=False)
        .select_related(
            "rating__standard", "rating__level", "level", "final_level", "verdict__assignment__review__case"
        )
        .order_by("verdict__assignment__position", "rating__standard__order")
    )
    return {
        "round": moderation_round,
        "council": council,
        "generated_at": timezone.localtime(),
        "assignments": assignments,
        "progress": selectors.panel_progress(assignments),
        "submitted": len(submitted),
        "quality": [(label, quality[code]) for code, label in quality_levels(council.slug)],
        "overall": selectors.agreement_by(rows, None),
        "by_standard": selectors.agreement_by(rows, "standard"),
        "disagreements": disagreements,
        "themes": themes.most_common(),
        "quotes": [
            {
                "verdict": v,
                "quality": quality_label(council.slug, v.quality),
                "feedback": v.feedback,
                "practice": v.practice,
            }
            for v in submitted
            if v.feedback or v.practice
        ],
    }


def _render(document: Document, progress: Progress) -> tuple[bytes, str]:
    moderation_round = selectors.round_in_council(council=document.council, pk=document.params["round_id"])
    if moderation_round is None:
        raise LookupError("The round no longer exists.")
    progress(20)
    html = render_to_string("moderation/round_report_pdf.html", {**round_report_context(moderation_round), "pdf": True})
    progress(60)
    return html_to_pdf(html), f"moderation-round-{moderation_round.pk}.pdf"


register_document_kind(DocumentKind(name=ROUND_REPORT, queue="reports", render=_render))

"""A review as a tagged, accessible PDF for the case record (WeasyPrint), made by a Celery worker."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from qaportal.documents import DocumentKind, Progress, register_document_kind
from qaportal.models import Document
from qaportal.pdf import html_to_pdf

from ..models import Review
from . import selectors

REVIEW_PDF = "review-pdf"


def review_pdf_bytes(review: Review) -> bytes:
    html = render_to_string(
        "audits/review_pdf.html",
        {
            "review": review,
            "council": review.council,
            "limited": False,
            "pdf": True,
            "generated_at": timezone.localtime(),
            **selectors.review_contents(review),
            "events": review.events.select_related("by").order_by("at", "pk"),
        },
    )
    return html_to_pdf(html)


def _render(document: Document, progress: Progress) -> tuple[bytes, str]:
    review = selectors.review_in_council(council=document.council, pk=document.params["review_id"])
    if review is None:
        raise LookupError("The review no longer exists.")
    progress(10)
    return review_pdf_bytes(review), f"review-{review.case.pin}-{review.pk}.pdf"


register_document_kind(DocumentKind(name=REVIEW_PDF, queue="pdf", render=_render))

"""A completed review as a tagged, accessible PDF for the case record (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Review


def review_pdf_bytes(review: Review, **context) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "audits/review_pdf.html",
        {
            "review": review,
            "council": review.council,
            "limited": False,
            "pdf": True,
            "generated_at": timezone.localtime(),
            **context,
        },
    )
    # PDF/UA: a structure tree, document language and title, so screen readers can use it.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")

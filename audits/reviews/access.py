"""What the access log says about a review: every page that shows one in full, or hands out its PDF,
records it here in one line."""

from __future__ import annotations

from qaportal.access_log.services import record_access
from qaportal.models import AccessRecord, Council, User

from ..models import Review


def review_label(review: Review) -> str:
    """The form and the review's number ("PSR review 1234"): never the PIN or a name, which the log
    would keep after the person's case is erased."""
    return f"{review.template_version.template} review {review.pk}"


def review_viewed(*, council: Council, review: Review, by: User) -> None:
    _record(council, review, by, AccessRecord.Action.VIEWED, AccessRecord.Kind.REVIEW)


def review_pdf_downloaded(*, council: Council, review: Review, by: User) -> None:
    _record(council, review, by, AccessRecord.Action.DOWNLOADED, AccessRecord.Kind.REVIEW_PDF)


def _record(council: Council, review: Review, by: User, action: str, kind: str) -> None:
    record_access(council=council, by=by, action=action, kind=kind, object_id=review.pk, label=review_label(review))

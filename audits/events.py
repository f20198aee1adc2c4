"""The audit trail of a review's life. Every event — a transition, an allocation, an escalation, a
compliment — is written here and nowhere else, with a fixed action from `ReviewEvent.Action`."""

from __future__ import annotations

from qaportal.models import User

from .models import Review, ReviewEvent


def review_event_record(
    *,
    review: Review,
    action: str,
    by: User | None,
    reason: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
) -> ReviewEvent:
    """Record that `by` did `action` to `review`, and why. Statuses default to the review's current
    one (an event that changes nothing about the status, such as a delegation)."""
    if action not in ReviewEvent.Action.values:
        raise ValueError(f"{action!r} is not an action of a review's history.")
    return ReviewEvent.objects.create(
        council=review.council,
        review=review,
        by=by,
        action=action,
        from_status=review.status if from_status is None else from_status,
        to_status=review.status if to_status is None else to_status,
        reason=reason,
    )

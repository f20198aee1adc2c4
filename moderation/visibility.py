"""Moderators read the reviews they are assigned, through a rule this app registers with `audits`,
which never imports us."""

from audits.models import Review
from audits.reviews.permissions import register_visibility_rule
from qaportal.models import User

from .models import Assignment, ModerationRound


@register_visibility_rule
def assigned_moderators_read_reviews(user: User, review: Review) -> bool:
    """A panel member reads a review they were assigned in a round that was not cancelled; no one
    else reads a review for moderation."""
    return (
        Assignment.objects.filter(council=review.council, review=review, moderator=user)
        .exclude(round__status=ModerationRound.Status.CANCELLED)
        .exists()
    )

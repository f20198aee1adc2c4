from audits.models import Review
from audits.reviews.permissions import can_edit_review, can_view_review
from qaportal.models import Council, User
from qaportal.permissions import has_any_role
from qaportal.roles import QUALITY_ROLES


def can_manage_feedback(user: User, council: Council) -> bool:
    """The quality team reads the public feedback inbox and keeps the best practice log."""
    return user.is_superuser or has_any_role(user, council, QUALITY_ROLES)


def can_share_feedback_link(user: User, review: Review) -> bool:
    return can_edit_review(user, review)


def can_route_feedback(user: User, review: Review) -> bool:
    """Logging a compliment or referring a complaint from a review: its reviewer, or the quality team."""
    return can_edit_review(user, review) or (
        can_view_review(user, review) and has_any_role(user, review.council, QUALITY_ROLES)
    )

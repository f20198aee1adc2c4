"""Moderators read reviews through a rule this app registers with `audits`, which never imports us."""

from audits.models import Review
from audits.reviews.permissions import register_visibility_rule
from qaportal.models import User
from qaportal.permissions import has_any_role
from qaportal.roles import Role


@register_visibility_rule
def moderators_read_reviews(user: User, review: Review) -> bool:
    """Moderators read the council's reviews to check the consistency of its ratings."""
    return has_any_role(user, review.council, {Role.MODERATOR})

"""Who may do what with a review. Views, templates and tests all ask these functions."""

from __future__ import annotations

from qaportal.models import Council, Membership, User
from qaportal.permissions import has_any_role
from qaportal.roles import CASE_ROLES, Role

from .models import Review

# Roles that see every review in their council, in full.
OVERSIGHT_ROLES = [Role.QUALITY_TEAM, Role.PRINCIPAL_SOCIAL_WORKER, Role.MODERATOR, Role.DIRECTOR]


def is_group_manager_for(user: User, review: Review) -> bool:
    """A group manager over the team that owns the case."""
    cache = user.__dict__.setdefault("_qaportal_gm_teams", {})
    if review.council_id not in cache:
        cache[review.council_id] = set(
            Membership.objects.filter(council_id=review.council_id, user=user, role=Role.GROUP_MANAGER).values_list(
                "team_id", flat=True
            )
        )
    return review.case.team_id in cache[review.council_id]


def is_reviewer(user: User, review: Review) -> bool:
    return user.pk in {review.reviewer_id, review.delegate_id}


def can_view_review(user: User, review: Review) -> bool:
    """Everyone entitled to see the review in full."""
    return (
        user.is_superuser
        or is_reviewer(user, review)
        or user.pk == review.allocated_by_id
        or is_group_manager_for(user, review)
        or has_any_role(user, review.council, OVERSIGHT_ROLES)
    )


def can_view_ratings_and_summary(user: User, review: Review) -> bool:
    """The allocated worker sees how their work was rated, and the summary, once the review is done."""
    if can_view_review(user, review):
        return True
    return user.pk == review.case.responsible_worker_id and review.status in {
        Review.Status.SUBMITTED,
        Review.Status.AUTHORISED,
    }


def can_edit_review(user: User, review: Review) -> bool:
    """Only the reviewer or their delegate, while the review is open."""
    return review.is_open and is_reviewer(user, review)


def can_submit_review(user: User, review: Review) -> bool:
    return can_edit_review(user, review) and review.status in {Review.Status.IN_PROGRESS, Review.Status.RETURNED}


def can_authorise(user: User, review: Review) -> bool:
    """A group manager over the case's team, never the reviewer or delegate of this review."""
    return (
        review.status == Review.Status.SUBMITTED
        and review.template_version.requires_authorisation
        and not is_reviewer(user, review)
        and is_group_manager_for(user, review)
    )


can_return_review = can_authorise


def can_download_pdf(user: User, review: Review) -> bool:
    return can_view_review(user, review)


def can_delegate(user: User, review: Review) -> bool:
    return review.is_open and user.pk == review.reviewer_id and bool(review.template_version.delegable_to_roles)


def can_cancel(user: User, review: Review) -> bool:
    return review.is_open and (
        user.pk == review.allocated_by_id
        or is_group_manager_for(user, review)
        or has_any_role(user, review.council, [Role.QUALITY_TEAM])
    )


def can_allocate(user: User, council: Council) -> bool:
    return user.is_superuser or has_any_role(user, council, [Role.GROUP_MANAGER, Role.QUALITY_TEAM])


def can_acknowledge_escalation(user: User, review: Review) -> bool:
    return is_group_manager_for(user, review)


def can_see_case(user: User, council: Council) -> bool:
    """Case histories are for managers and the quality side; practitioners see their own reviews."""
    return user.is_superuser or has_any_role(user, council, CASE_ROLES)

"""Who may do what in moderation. The quality team and the principal social worker run rounds (the
PSW "oversees" moderation, Derbyshire's guidance); panel members moderate what they are assigned;
a review's reviewer and group manager read its verdict once the round has closed."""

from __future__ import annotations

from audits.reviews.permissions import is_group_manager_for, is_reviewer
from qaportal.models import Council, User
from qaportal.permissions import has_any_role
from qaportal.roles import QUALITY_ROLES

from .models import ModerationRound, Verdict


def can_run_moderation(user: User, council: Council) -> bool:
    return user.is_superuser or has_any_role(user, council, QUALITY_ROLES)


def can_moderate(user: User, verdict_assignment) -> bool:
    return verdict_assignment.moderator_id == user.pk


def can_read_outcome(user: User, verdict: Verdict) -> bool:
    """The moderator and the quality team at any time; the reviewer and their group manager once the
    round has closed, and only for a submitted verdict."""
    assignment = verdict.assignment
    if assignment.moderator_id == user.pk or can_run_moderation(user, verdict.council):
        return True
    if verdict.status != Verdict.Status.SUBMITTED or assignment.round.status != ModerationRound.Status.CLOSED:
        return False
    return is_reviewer(user, assignment.review) or is_group_manager_for(user, assignment.review)


def can_discuss(user: User, verdict: Verdict) -> bool:
    return verdict.assignment.round.status == ModerationRound.Status.CLOSED and can_read_outcome(user, verdict)

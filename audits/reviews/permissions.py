"""Who may do what with a review. Views, templates and tests all ask these functions."""

from __future__ import annotations

from collections.abc import Callable

from qaportal.models import Council, User
from qaportal.permissions import has_any_role, is_practice_development_ap, team_ids_over
from qaportal.roles import ALLOCATOR_ROLES, CASE_ROLES, OVERSIGHT_ROLES, Role

from ..models import GroupSession, QAPlanAction, Review
from ..models.reviews import COMPLETED_STATUSES
from ..sections import Section, worker_sections

# Who else may read a review in full, beyond those named below: apps above `audits` register a rule
# (moderation: the moderators a review is assigned to) instead of `audits` importing them.
VisibilityRule = Callable[[User, Review], bool]
VISIBILITY_RULES: list[VisibilityRule] = []


def register_visibility_rule(rule: VisibilityRule) -> VisibilityRule:
    VISIBILITY_RULES.append(rule)
    return rule


def is_group_manager_for(user: User, review: Review) -> bool:
    """A group manager over the team that owns the case."""
    return review.case.team_id in team_ids_over(user, review.council)


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
        or reads_completed_audits(user, review)
        or takes_part(user, review)
        or attended(user, review)
        or any(rule(user, review) for rule in VISIBILITY_RULES)
    )


def is_audited_worker(user: User, review: Review) -> bool:
    return user.pk == review.case.responsible_worker_id


def takes_part(user: User, review: Review) -> bool:
    """The worker whose practice is audited, on a form with a part of their own (Coventry's observation
    and supervision audit): they read the whole review, the observer's report included, as the form
    intends ("Worker completes box four after reading the observer's report")."""
    return is_audited_worker(user, review) and bool(worker_sections(review))


def attended(user: User, review: Review) -> bool:
    """A practitioner who reviewed the PIN in a facilitated session reads what the session recorded."""
    try:
        session = review.group_session
    except GroupSession.DoesNotExist:
        return False
    return any(a.person_id == user.pk for a in session.attendees.all())


def can_edit_section(user: User, review: Review, section: Section) -> bool:
    """The reviewer (or delegate) their sections, the audited worker theirs, while the review is open."""
    if not review.is_open:
        return False
    if section.worker_completes:
        return is_audited_worker(user, review)
    return section.reviewer_completes and is_reviewer(user, review)


def reads_completed_audits(user: User, review: Review) -> bool:
    """Somerset's Practice Development advanced practitioners read every completed audit of their
    council, for themes to report to the Practice Quality Board (Practice Quality Framework)."""
    return review.status in COMPLETED_STATUSES and is_practice_development_ap(user, review.council)


def can_view_ratings_and_summary(user: User, review: Review) -> bool:
    """The allocated worker sees how their work was rated, and the summary, once the ratings are final
    (authorised): a submitted review may yet be returned and rated again."""
    if can_view_review(user, review):
        return True
    return user.pk == review.case.responsible_worker_id and review.is_final


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
    return user.is_superuser or has_any_role(user, council, ALLOCATOR_ROLES)


def can_acknowledge_escalation(user: User, review: Review) -> bool:
    return is_group_manager_for(user, review)


def can_update_qa_action(user: User, action: QAPlanAction) -> bool:
    """The action's owner, once the review is submitted (the group manager authorises "once assured
    these actions are being responded to"); the group manager over the case and the quality team too."""
    review = action.review
    if review.status not in {Review.Status.SUBMITTED, Review.Status.AUTHORISED}:
        return False
    return (
        user.pk == action.owner_person_id
        or is_group_manager_for(user, review)
        or has_any_role(user, review.council, [Role.QUALITY_TEAM])
    )


def can_see_case(user: User, council: Council) -> bool:
    """Case histories are for managers and the quality side; practitioners see their own reviews."""
    return user.is_superuser or has_any_role(user, council, CASE_ROLES)


def can_keep_manager_note(user: User, review: Review) -> bool:
    """The private note is the group manager's, for local quality assurance; the quality team reads it
    for the themes it collates. Nobody else: not the reviewer, the worker, moderators or directors."""
    return (
        user.is_superuser
        or is_group_manager_for(user, review)
        or has_any_role(user, review.council, {Role.QUALITY_TEAM})
    )

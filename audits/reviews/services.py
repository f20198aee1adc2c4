"""Writes about reviews. Every transition is one function here: it checks who may do it and from
which state, records who, when and why, and keeps the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from qaportal import outbox
from qaportal.calendar import last_working_day
from qaportal.models import Council, Membership, User
from qaportal.roles import Role
from qaportal.selectors import supervisor_of
from qaportal.text import problem_in_text, without_control_characters
from standards.models import ReviewKind, ReviewTemplate, Subject
from standards.selectors import current_version

from .. import notifications
from ..events import review_event_record
from ..models import (
    Case,
    Escalation,
    GuidanceRead,
    ManagerNote,
    QAPlanAction,
    Review,
    ReviewChange,
    ReviewEvent,
    ReviewRead,
    SectionDraft,
    SectionState,
)
from ..models.reviews import OPEN_STATUSES
from ..sections import section_of, sections_of
from . import permissions, rules, selectors

S = Review.Status
A = ReviewEvent.Action

# The lifecycle: which transitions are allowed from which states.
TRANSITIONS: dict[str, set[str]] = {
    A.START: {S.ALLOCATED, S.RETURNED},
    A.SUBMIT: {S.IN_PROGRESS, S.RETURNED},
    A.AUTHORISE: {S.SUBMITTED},
    A.RETURN: {S.SUBMITTED},
    A.CANCEL: {S.ALLOCATED, S.IN_PROGRESS, S.RETURNED},
}


def _locked(review: Review) -> Review:
    """The review as it stands now, its row locked until the transaction ends. Every change of
    status is decided on this copy, never on one read before the lock: two people acting at once
    are serialised, and the second sees what the first did."""
    return Review.objects.select_for_update().get(council=review.council, pk=review.pk)


def _locked_status(review: Review) -> str:
    """`_locked` for a caller that needs only the status (a section's save, the busiest write): the
    same lock, one column read."""
    return (
        Review.objects.select_for_update()
        .filter(council=review.council, pk=review.pk)
        .values_list("status", flat=True)
        .get()
    )


def _transition(review: Review, action: str, to: str, by: User | None, reason: str = "", **fields) -> Review:
    """Move the review to `to` if its current status allows `action`; record who, when and why.

    Must run inside a transaction. `review` is updated in place to match the saved row."""
    current = _locked(review)
    if current.status not in TRANSITIONS[action]:
        review.status = current.status
        raise ValidationError(
            _("This review is now %(status)s, so it cannot be %(action)s.")
            % {"status": current.get_status_display().lower(), "action": _ACTION_WORDS[action]}
        )
    review_event_record(review=review, action=action, by=by, reason=reason, from_status=current.status, to_status=to)
    for target in (current, review):
        target.status = to
        for name, value in fields.items():
            setattr(target, name, value)
    current.save(update_fields=["status", *fields])
    return review


_ACTION_WORDS: dict[str, str] = {
    A.START: _("started"),
    A.SUBMIT: _("submitted"),
    A.AUTHORISE: _("authorised"),
    A.RETURN: _("returned"),
    A.CANCEL: _("cancelled"),
}


# --- creating reviews ----------------------------------------------------------------------------


@transaction.atomic
def review_allocate(
    *,
    council: Council,
    template: ReviewTemplate,
    case: Case,
    reviewer: User,
    by: User | None,
    kind: str = ReviewKind.MANDATORY,
    period: dt.date | None = None,
    due_date: dt.date | None = None,
    delegate: User | None = None,
) -> Review:
    """Allocate a case for review, to `reviewer` (delegated to `delegate` where the template allows).
    Peer, role and look-back rules are checked by `rules.check_new_review`. `by` None: the monthly
    programme allocated it."""
    if by is not None and by != reviewer and not permissions.can_allocate(by, council):
        raise PermissionDenied(_("Only group managers and the quality team allocate reviews."))
    version = current_version(template=template)
    if version is None:
        raise ValidationError(_("%(t)s has no version in use for new reviews.") % {"t": template})
    if case.council_id != council.pk or template.council_id != council.pk:
        raise ValidationError(_("The case and template must belong to this council."))
    # Lock the case: two allocations of one case at once are serialised, so the look-back rule
    # below sees the other's review and refuses the second with its usual explanation.
    Case.objects.select_for_update().filter(council=council, pk=case.pk).first()
    rules.check_new_review(case=case, version=version, reviewer=reviewer, kind=kind)
    if delegate is not None:
        rules.check_delegate(case=case, version=version, kind=kind, delegate=delegate)
    period = (period or timezone.localdate()).replace(day=1)
    review = Review.objects.create(
        council=council,
        template_version=version,
        case=case,
        reviewer=reviewer,
        allocated_by=by,
        kind=kind,
        period=period,
        due_date=due_date or last_working_day(period),
        delegate=delegate,
    )
    review_event_record(
        review=review,
        action=A.ALLOCATE,
        by=by,
        from_status="",
        reason=_("%(kind)s review allocated to %(who)s") % {"kind": ReviewKind(kind).label, "who": reviewer},
    )
    if delegate is not None:
        review_event_record(
            review=review, action=A.DELEGATE, by=by, reason=_("Delegated to %(who)s at allocation") % {"who": delegate}
        )
    if by != reviewer or delegate is not None:
        outbox.enqueue(notifications.notify_review_allocated.name, [review.council_id, review.pk])
    worker_part = next((s for s in sections_of(review) if s.kind == "worker_part"), None)
    if worker_part is not None:
        part = worker_part.title
        outbox.enqueue(notifications.notify_worker_part.name, [review.council_id, review.pk, part])
    return review


@transaction.atomic
def supervision_file_for(*, council: Council, supervisee: User) -> Case:
    """The member of staff's supervision file: what a review about them (Coventry's supervision audit,
    practice observation) is of. Held in their team, with their current supervisor as its manager."""
    supervisor = supervisor_of(council=council, person=supervisee)
    team_id = (
        Membership.objects.filter(council=council, user=supervisee, team__isnull=False)
        .exclude(role=Role.GROUP_MANAGER)
        .values_list("team_id", flat=True)
        .first()
    ) or Membership.objects.filter(council=council, user=supervisee, team__isnull=False).values_list(
        "team_id", flat=True
    ).first()
    if team_id is None:
        raise ValidationError(_("%(person)s is in no team, so has no supervision file here.") % {"person": supervisee})
    case, created = Case.objects.get_or_create(
        council=council,
        about=Subject.SUPERVISEE,
        responsible_worker=supervisee,
        defaults={"pin": f"staff-{supervisee.pk}", "team_id": team_id, "responsible_manager": supervisor},
    )
    if not created and case.responsible_manager_id != (supervisor.pk if supervisor else None):
        case.responsible_manager = supervisor
        case.save(update_fields=["responsible_manager"])
    return case


def review_start_own(*, council: Council, template: ReviewTemplate, case: Case, by: User, kind: str) -> Review:
    """A reviewer starts an additional or self review of their own choosing."""
    if kind not in {ReviewKind.ADDITIONAL, ReviewKind.SELF, ReviewKind.PEER}:
        raise ValidationError(_("Mandatory reviews are allocated; start an additional, self or peer review."))
    return review_allocate(council=council, template=template, case=case, reviewer=by, by=by, kind=kind)


@transaction.atomic
def review_delegate(*, review: Review, delegate: User | None, by: User) -> Review:
    """Delegate (or take back) a review; the reviewer stays accountable and keeps access."""
    if not permissions.can_delegate(by, review):
        raise PermissionDenied(_("Only the reviewer can delegate this review."))
    if delegate is not None:
        rules.check_delegate(case=review.case, version=review.template_version, kind=review.kind, delegate=delegate)
    review.delegate = delegate
    review.save(update_fields=["delegate"])
    review_event_record(
        review=review,
        action=A.DELEGATE,
        by=by,
        reason=_("Delegated to %(who)s") % {"who": delegate} if delegate else _("Delegation withdrawn"),
    )
    if delegate is not None:
        outbox.enqueue(notifications.notify_review_allocated.name, [review.council_id, review.pk])
    return review


# --- saving sections -----------------------------------------------------------------------------


class SectionConflict(Exception):
    """Someone saved this section after the person opened it."""

    def __init__(self, state: SectionState):
        super().__init__("section changed")
        self.state = state


class ReviewClosed(Exception):
    """The review was submitted (or cancelled) after the person opened the section: nothing is saved,
    and what they typed is kept aside."""

    def __init__(self, review: Review):
        super().__init__(f"review is {review.status}")
        self.review = review


def section_save(*, review: Review, kind: str, data, base_version: int, by: User):
    """Save one section. Returns the bound form: invalid forms come back with errors, nothing saved.

    Raises SectionConflict (after keeping the person's input aside) when the section was saved by
    someone else — or in another tab — since `base_version`.
    """
    section = section_of(review, kind)
    if section is None or not permissions.can_edit_section(by, review, section):
        raise PermissionDenied(_("Only the reviewer or their delegate can change this review."))
    form = section.form(data)
    if not form.is_valid():
        return form
    with transaction.atomic():
        # Lock the review row: saves of one review are serialised, so the version check is exact,
        # and a review submitted a moment ago is seen as submitted.
        status = _locked_status(review)
        closed = status not in OPEN_STATUSES
        state, _created = SectionState.objects.get_or_create(council=review.council, review=review, kind=kind)
        conflict = state.version != base_version
        if not (conflict or closed):
            _apply_section(review, section, form, state, by)
    if closed:
        review.status = status
        _keep_aside(review, kind, data, base_version, by)
        raise ReviewClosed(review)
    if conflict:
        _keep_aside(review, kind, data, base_version, by)
        raise SectionConflict(state)
    return form


def _keep_aside(review: Review, kind: str, data, base_version: int, by: User) -> None:
    # Kept outside the save's transaction, so the person's input survives the refusal.
    SectionDraft.objects.update_or_create(
        council=review.council,
        review=review,
        kind=kind,
        user=by,
        defaults={
            "data": _plain(data),
            "base_version": max(base_version, 0),
            "source": SectionDraft.Source.CONFLICT,
        },
    )


def _apply_section(review: Review, section, form, state: SectionState, by: User) -> None:
    changes = section.save(form, by)
    ReviewChange.objects.bulk_create(
        ReviewChange(
            council=review.council,
            review=review,
            by=by,
            section=section.kind,
            field=c.field[:200],
            old_value=c.old,
            new_value=c.new,
        )
        for c in changes
    )
    state.version += 1
    state.progress = section.progress()
    state.saved_at, state.saved_by = timezone.now(), by
    state.save(update_fields=["version", "progress", "saved_at", "saved_by"])
    SectionDraft.objects.filter(council=review.council, review=review, kind=section.kind, user=by).delete()
    if review.status in TRANSITIONS[A.START]:
        _transition(
            review,
            A.START,
            S.IN_PROGRESS,
            by,
            _("Amending after return") if review.status == S.RETURNED else "",
            started_at=review.started_at or timezone.now(),
        )


def _plain(data) -> dict:
    """Input as it can be kept in the database: control characters (which PostgreSQL cannot store, and
    which the form refuses anyway) are dropped, everything else is kept as typed."""
    plain = {}
    for key in data:
        if key == "csrfmiddlewaretoken":
            continue
        values = data.getlist(key) if hasattr(data, "getlist") else data[key]
        values = values if isinstance(values, list) else [values]
        plain[without_control_characters(str(key))] = [without_control_characters(str(v)) for v in values]
    return plain


AUTOSAVE_MAX_CHARS = 200_000
AUTOSAVE_MAX_FIELDS = 500


def querydict_from(data: dict) -> QueryDict:
    """Kept input (a draft, or a post kept through sign-in) as the QueryDict a form is bound to."""
    qd = QueryDict(mutable=True)
    for key, value in data.items():
        qd.setlist(str(key), [str(v) for v in (value if isinstance(value, list) else [value])])
    return qd


def _check_draft(review: Review, kind: str, data: dict) -> None:
    """Refuse, with a reason, input that could not be kept or shown again: too much of it, characters
    the database cannot store, or a shape the section's form cannot be built from."""
    if len(data) > AUTOSAVE_MAX_FIELDS or sum(len(v) for values in data.values() for v in values) > AUTOSAVE_MAX_CHARS:
        raise ValidationError(_("Too much text to keep as a draft: use Save."))
    if any(problem_in_text(v) or problem_in_text(key) for key, values in data.items() for v in values):
        raise ValidationError(_("The draft holds control characters that cannot be kept: remove them and save."))
    section = section_of(review, kind)
    if section is None or not (section.reviewer_completes or section.worker_completes):
        raise ValidationError(_("This section is not completed by the reviewer."))
    try:
        section.form(querydict_from(data)).is_valid()
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValidationError(_("This input cannot be kept as a draft: use Save.")) from exc


@transaction.atomic
def section_autosave(*, review: Review, kind: str, data: dict, base_version: int, by: User) -> SectionDraft:
    """Keep unsaved input aside — never in the live record — until the person saves the section."""
    section = section_of(review, kind)
    if section is None or not permissions.can_edit_section(by, review, section):
        raise PermissionDenied
    _check_draft(review, kind, data)
    draft, _ = SectionDraft.objects.update_or_create(
        council=review.council,
        review=review,
        kind=kind,
        user=by,
        defaults={"data": data, "base_version": max(base_version, 0), "source": SectionDraft.Source.AUTOSAVE},
    )
    return draft


# --- submitting and authorising ------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitProblem:
    section: str  # the kind of section to go to
    anchor: str  # the field in it
    message: str


class SubmitBlocked(ValidationError):
    """The review cannot be submitted yet; `problems` says where, so the page can link to each."""

    def __init__(self, problems: list[SubmitProblem]):
        super().__init__([p.message for p in problems])
        self.problems = problems


def submit_problems(review: Review) -> list[SubmitProblem]:
    """What stops the review being submitted, section by section."""
    return [
        SubmitProblem(section.kind, problem.anchor, problem.message)
        for section in sections_of(review)
        if section.reviewer_completes or section.worker_completes
        for problem in section.problems()
    ]


@transaction.atomic
def review_submit(*, review: Review, by: User) -> Review:
    if not permissions.can_submit_review(by, review):
        raise PermissionDenied(_("Only the reviewer or their delegate can submit this review."))
    # Lock first, then check the answers as they stand now, not as they were when the page was read:
    # a save finishing in another tab cannot slip between the check and the submission.
    _locked(review)
    current = selectors.review_in_council(council=review.council, pk=review.pk)
    problems = submit_problems(current if current is not None else review)
    if problems:
        raise SubmitBlocked(problems)
    _transition(review, A.SUBMIT, S.SUBMITTED, by, submitted_at=timezone.now())
    if review.template_version.requires_authorisation:
        outbox.enqueue(notifications.notify_review_submitted.name, [review.council_id, review.pk])
    return review


@transaction.atomic
def review_authorise(*, review: Review, by: User, comments: str = "") -> Review:
    if not permissions.can_authorise(by, review):
        raise PermissionDenied(
            _("Only a group manager over the case's team can authorise this review, and never their own.")
        )
    _transition(
        review,
        A.AUTHORISE,
        S.AUTHORISED,
        by,
        comments,
        authorised_at=timezone.now(),
        authorised_by=by,
        authoriser_comments=comments.strip(),
    )
    outbox.enqueue(notifications.notify_review_authorised.name, [review.council_id, review.pk])
    return review


@transaction.atomic
def review_return(*, review: Review, by: User, reason: str) -> Review:
    if not permissions.can_return_review(by, review):
        raise PermissionDenied(_("Only a group manager over the case's team can return this review."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the reviewer needs to change")})
    _transition(review, A.RETURN, S.RETURNED, by, reason.strip())
    outbox.enqueue(notifications.notify_review_returned.name, [review.council_id, review.pk])
    return review


@transaction.atomic
def review_cancel(*, review: Review, by: User, reason: str) -> Review:
    if not permissions.can_cancel(by, review):
        raise PermissionDenied(_("You cannot cancel this review."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the review is cancelled, for example reallocated")})
    _transition(review, A.CANCEL, S.CANCELLED, by, reason.strip())
    return review


# --- escalation ----------------------------------------------------------------------------------


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: User) -> Escalation:
    if not permissions.can_acknowledge_escalation(by, escalation.review):
        raise PermissionDenied(_("Only the group manager responsible for the case can acknowledge this."))
    current = Escalation.objects.select_for_update().get(council=escalation.council, pk=escalation.pk)
    if current.acknowledged_at is None:
        current.acknowledged_at, current.acknowledged_by = timezone.now(), by
        current.save(update_fields=["acknowledged_at", "acknowledged_by"])
        review_event_record(
            review=escalation.review, action=A.ACKNOWLEDGE, by=by, reason=escalation.get_concern_display()
        )
    escalation.acknowledged_at, escalation.acknowledged_by = current.acknowledged_at, current.acknowledged_by
    return escalation


# --- QA plan actions ------------------------------------------------------------------------------


@transaction.atomic
def qa_action_close(*, action: QAPlanAction, by: User, status: str, note: str = "") -> QAPlanAction:
    """Mark a QA plan action done, or not needed (saying why). Re-read under a lock: of two people
    closing it at once, the second is told it is already closed."""
    if not permissions.can_update_qa_action(by, action):
        raise PermissionDenied(_("Only the action's owner, the group manager or the quality team can update it."))
    if status not in {QAPlanAction.Status.DONE, QAPlanAction.Status.NOT_NEEDED}:
        raise ValidationError({"status": _("Choose whether the action is done or not needed")})
    note = note.strip()
    if status == QAPlanAction.Status.NOT_NEEDED and not note:
        raise ValidationError({"note": _("Say why the action is not needed")})
    current = QAPlanAction.objects.select_for_update().get(council=action.council, pk=action.pk)
    if current.status != QAPlanAction.Status.OPEN:
        raise ValidationError(
            _("%(who)s already marked this action %(status)s on %(date)s.")
            % {
                "who": current.status_by or _("Someone"),
                "status": current.get_status_display().lower(),
                "date": current.completed_at.strftime("%-d %B %Y") if current.completed_at else "",
            }
        )
    current.status, current.status_note, current.status_by = status, note, by
    current.completed_at = timezone.localdate()
    current.save(update_fields=["status", "status_note", "status_by", "completed_at"])
    ReviewChange.objects.create(
        council=action.council,
        review=action.review,
        by=by,
        section="qa_plan",
        field=_("QA plan action %(n)s") % {"n": current.order},
        old_value=str(QAPlanAction.Status.OPEN.label),
        new_value=f"{current.get_status_display()}{': ' + note if note else ''}",
    )
    return current


def review_read_record(*, review: Review, by: User) -> None:
    """Note that `by` has read this completed review (once; reading again changes nothing)."""
    if review.status in {Review.Status.SUBMITTED, Review.Status.AUTHORISED}:
        ReviewRead.objects.get_or_create(council=review.council, review=review, user=by)


def guidance_first_reading(*, review: Review, kind: str, by: User) -> bool:
    """Whether this is the first time `by` sees this section's guidance (recorded now if so)."""
    _read, created = GuidanceRead.objects.get_or_create(
        council=review.council, user=by, version=review.template_version, kind=kind
    )
    return created


@transaction.atomic
def manager_note_save(*, review: Review, by: User, text: str) -> ManagerNote | None:
    """Keep (or, when emptied, remove) the group manager's private note on a review."""
    if not permissions.can_keep_manager_note(by, review):
        raise PermissionDenied(_("Only the group manager and the quality team keep notes on a review."))
    text = text.strip()
    note = ManagerNote.objects.select_for_update().filter(council=review.council, review=review).first()
    if not text:
        if note is not None:
            note.delete()
        return None
    note = note or ManagerNote(council=review.council, review=review)
    note.text, note.updated_by = text, by
    note.save()
    return note

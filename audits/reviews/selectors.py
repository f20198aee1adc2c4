"""Reads about cases and reviews. Each takes the council explicitly."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as DbCase
from django.db.models import F, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower, Trim

from qaportal.models import Council, Document, User
from qaportal.selectors import teams_over
from standards.models import SectionKind
from standards.parts import attach_parts

from ..models import Case, Escalation, ManagerNote, QAPlanAction, Review, ReviewEvent, SectionDraft, SectionState
from ..models.reviews import ReviewQuerySet
from ..sections import review_relations, sections_of


def _review_base(council: Council) -> ReviewQuerySet:
    return Review.objects.filter(council=council).select_related(
        "case__team",
        "case__responsible_worker",
        "case__responsible_manager",
        "reviewer",
        "delegate",
        "allocated_by",
        "authorised_by",
        "template_version__template",
        "template_version__scale",
    )


def review_in_council(*, council: Council, pk: int) -> Review | None:
    """A review with everything its pages show, in a fixed number of queries: the catalogue parts,
    and whatever each registered kind of section says it needs (feedback's records included)."""
    selected, prefetched = review_relations()
    return _with_parts(
        council,
        _review_base(council)
        .filter(pk=pk)
        .select_related(*sorted(selected))
        .prefetch_related(
            "section_states",
            Prefetch("events", queryset=ReviewEvent.objects.select_related("by").order_by("at", "pk")),
            *prefetched,
        ),
    )


def review_for_section(*, council: Council, pk: int, kind: str) -> Review | None:
    """A review with what one section's page shows: that section's own records, not every section's
    (the review form's pages are the busiest in the service). Another section's records read from
    this review are a query each: pages showing more than one section use `review_in_council`."""
    selected, prefetched = review_relations(kinds={kind})
    # Only what a section's page shows: every join more costs the database more to plan than to run
    # (eleven joins took PostgreSQL 5 ms to plan and 0.4 ms to execute).
    selected |= {"case", "reviewer", "template_version__template", "template_version__scale"}
    return _with_parts(
        council,
        Review.objects.filter(council=council, pk=pk)
        .select_related(*sorted(selected))
        # Not its history nor the sections' states: a save needs neither (it reads the state again
        # under a lock), and the page reads the one of each it shows (`section_state`,
        # `return_being_answered`).
        .prefetch_related(*prefetched),
    )


def _with_parts(council: Council, reviews: QuerySet[Review]) -> Review | None:
    # get() rather than first(): no ORDER BY for one row by its id, and Django compiles less.
    try:
        review = reviews.get()
    except Review.DoesNotExist:
        return None
    review.council = council  # the same row the request already holds: no query for it
    attach_parts(review.template_version)
    return review


def section_state(*, review: Review, kind: str) -> SectionState | None:
    """Where one section stands (its version, who saved it when), by its unique key; None until first saved."""
    try:
        return SectionState.objects.get(council=review.council, review=review, kind=kind)
    except SectionState.DoesNotExist:
        return None


def section_draft(*, review: Review, kind: str, user: User) -> SectionDraft | None:
    """What `user` typed in this section and did not get saved (autosaved, or kept from a save that lost
    a race), if anything: one row by its unique key, so get() and no ORDER BY to compile."""
    try:
        return SectionDraft.objects.get(council=review.council, review=review, kind=kind, user=user)
    except SectionDraft.DoesNotExist:
        return None


def reviews_for_reviewer(*, council: Council, user: User) -> ReviewQuerySet:
    """The person's own reviews (as reviewer or delegate), returned ones first."""
    return (
        _review_base(council)
        .filter(Q(reviewer=user) | Q(delegate=user))
        .annotate(
            returned_first=DbCase(
                When(status=Review.Status.RETURNED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("returned_first", "due_date", "-created_at")
    )


def reviews_of_own_cases(*, council: Council, user: User) -> ReviewQuerySet:
    """Audits of the cases this person is the responsible worker for (not ones they did themselves)."""
    return (
        _review_base(council)
        .filter(case__responsible_worker=user)
        .exclude(status=Review.Status.CANCELLED)
        .exclude(Q(reviewer=user) | Q(delegate=user))
        .order_by("-created_at")
    )


# How reviewers name the case's own worker as an action's owner, rather than by name.
WORKER_AS_OWNER = ["allocated worker", "the allocated worker", "responsible worker", "the responsible worker", "worker"]


def qa_actions_owned_by(*, council: Council, user: User) -> QuerySet[QAPlanAction]:
    """Open QA plan actions of submitted or authorised reviews that are this person's: they are its
    owner; or, for actions written before owners were people, named by name or as "allocated worker"
    on a case they work. From submission, so the group manager can see them being answered before
    authorising ("once assured these actions are being responded to")."""
    name = user.get_full_name().strip().lower()
    named = Q(review__case__responsible_worker=user, owner_lower__in=WORKER_AS_OWNER)
    if name:
        named |= Q(owner_lower=name)
    legacy = Q(owner_person__isnull=True) & named
    return (
        QAPlanAction.objects.filter(
            council=council,
            status=QAPlanAction.Status.OPEN,
            review__in=Review.objects.filter(council=council).completed(),
        )
        .annotate(owner_lower=Lower(Trim("owner")))
        .filter(Q(owner_person=user) | legacy)
        .select_related("review__case", "review__template_version__template")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def overdue_qa_actions_over(*, council: Council, user: User, today: dt.date) -> QuerySet[QAPlanAction]:
    """Open QA plan actions past their due date on cases of the teams this group manager is over."""
    return (
        QAPlanAction.objects.filter(
            council=council,
            status=QAPlanAction.Status.OPEN,
            due_date__lt=today,
            review__in=Review.objects.filter(council=council).completed().for_teams_over(user),
        )
        .select_related("review__case", "owner_person")
        .order_by("due_date", "pk")
    )


def authorisation_queue(*, council: Council, user: User) -> ReviewQuerySet:
    """Submitted reviews of cases owned by the teams this group manager is over."""
    return (
        _review_base(council)
        .for_teams_over(user)
        .filter(status=Review.Status.SUBMITTED, template_version__requires_authorisation=True)
        .exclude(Q(reviewer=user) | Q(delegate=user))
        .order_by("submitted_at")
    )


def open_escalations_for(*, council: Council, user: User) -> QuerySet[Escalation]:
    return Escalation.objects.filter(
        council=council,
        review__case__team_id__in=teams_over(council=council, user=user).values("pk"),
        acknowledged_at__isnull=True,
    ).select_related("review__case", "raised_by", "review__template_version__template")


def case_in_council(*, council: Council, pk: int) -> Case | None:
    return (
        Case.objects.filter(council=council, pk=pk)
        .select_related("team", "responsible_worker", "responsible_manager")
        .first()
    )


def case_by_pin(*, council: Council, pin: str) -> Case | None:
    return Case.objects.filter(council=council, pin=pin.strip()).select_related("team").first()


def case_reviews(*, case: Case) -> QuerySet[Review]:
    return _review_base(case.council).filter(case=case).order_by("-created_at")


def review_pdf_key(review: Review) -> str:
    """What a PDF of the review shows, as a key: it changes with every recorded change or event, so a
    PDF made earlier is reused only while nothing in the review has changed since."""
    last_change = review.changes.aggregate(m=Max("pk"))["m"] or 0
    last_event = review.events.aggregate(m=Max("pk"))["m"] or 0
    return f"review:{review.pk}:{review.status}:{last_event}:{last_change}"


def review_pdf_document(*, review: Review, pk: int) -> Document | None:
    """A PDF run made of this review; runs of other reviews (or councils) are not found."""
    return Document.objects.filter(
        council=review.council, pk=pk, kind="review-pdf", params__review_id=review.pk
    ).first()


def last_return(review: Review) -> ReviewEvent | None:
    """The latest time the review was returned, from the events already prefetched with it."""
    returns = [e for e in review.events.all() if e.action == ReviewEvent.Action.RETURN]
    return returns[-1] if returns else None


def changes_since_return(review: Review) -> list:
    """Every answer changed after the review was last returned: what the group manager asked for, and
    what the reviewer did about it, side by side on the authorise page."""
    returned = last_return(review)
    if returned is None:
        return []
    return list(review.changes.filter(at__gte=returned.at).select_related("by").order_by("at", "pk"))


def return_being_answered(review: Review) -> ReviewEvent | None:
    """The return the reviewer is working on: returned and not yet submitted again. Its comment stays
    on every section until then (saving a section moves the review back to "in progress")."""
    if not review.is_open or review.submitted_at is None:
        return None  # never submitted, so never returned (a return keeps the submission's time): no query
    latest = (
        review.events.filter(action__in=[ReviewEvent.Action.RETURN, ReviewEvent.Action.SUBMIT])
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    return latest if latest is not None and latest.action == ReviewEvent.Action.RETURN else None


def audits_to_read(*, council: Council, user: User, since: dt.date) -> ReviewQuerySet:
    """Completed reviews submitted since `since` that `user` has not yet read, oldest first."""
    return (
        _review_base(council)
        .completed()
        .filter(submitted_at__date__gte=since)
        .exclude(reads__user=user)
        .order_by("submitted_at", "pk")
    )


def audits_with_your_part(*, council: Council, user: User) -> QuerySet[Review]:
    """Open audits of `user`'s practice whose form has a part the worker completes themselves."""
    return (
        Review.objects.filter(council=council, case__responsible_worker=user)
        .open()
        .exclude(reviewer=user)
        .filter(
            Q(template_version__standards__answered_by="subject")
            | Q(template_version__sections__kind=SectionKind.SUBJECT_COMMENTS)
        )
        .distinct()
        .select_related("template_version__template", "reviewer", "case__responsible_worker")
        .order_by("due_date", "pk")
    )


def manager_note_of(review: Review) -> ManagerNote | None:
    return ManagerNote.objects.filter(council=review.council, review=review).select_related("updated_by").first()


def review_contents(review: Review) -> dict:
    """What a review's page, its PDF and its moderator read: its sections, and its ratings, answers
    and texts keyed for the section templates (`review` comes from `review_in_council`, prefetched)."""
    return {
        "sections": sections_of(review),
        "ratings": {r.standard_id: r for r in review.ratings.all()},
        "answers": {a.criterion_id: a for a in review.answers.all()},
        "texts": {t.kind: t.text for t in review.texts.all()},
    }

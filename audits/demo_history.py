"""A year of completed reviews in each demo council, so moderation, agreement and the reports have
history to show on first run. Deterministic (seeded by the council) and idempotent.

Written in bulk, as a year of work would have left it: each review allocated by the group manager
over the case's team, completed by someone in another team the form allows, rated standard by
standard with a plausible spread (most "good", fewer at either end), summarised, and authorised
where the form needs it. Where the form has the sections, about half the reviews leave QA plan
actions on the person's care (most done by now, some overdue), a few escalate a concern to the
group manager, and about one in ten notes best practice, some of it shared since. (The person's
feedback is the feedback app's: `feedback.demo`.) Live work of the current month is made through
the services instead (`audits.demo.load_reviews`)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scope

from qaportal.calendar import add_months, nth_working_day_from
from qaportal.demo import office_moment, team_tilt
from qaportal.models import Council, Membership
from qaportal.roles import Role
from standards.models import AnswerKind, ScaleLevel, SectionKind, Subject, TemplateSection, TemplateVersion
from standards.selectors import current_versions

from .models import (
    BestPracticeNotice,
    Case,
    CriterionAnswer,
    Escalation,
    ExpectedReview,
    QAPlanAction,
    Review,
    SectionText,
    StandardRating,
)
from .programme.services import expected_reviews_for

# Past reviews completed each month: the programme's work, then additional reviews up to this many.
REVIEWS_A_MONTH = 10
# What became of the programme's expected reviews in past months: completed, left in progress, never started.
PROGRAMME_OUTCOMES = [0.9, 0.04, 0.06]
# How often each level of a scale is given, best first: most work is good, fewer outstanding or weak.
SPREAD = {2: [0.8, 0.2], 3: [0.2, 0.62, 0.18], 4: [0.12, 0.5, 0.28, 0.1]}
SUMMARIES = [
    "A strengths-based assessment with the person's own words recorded throughout.",
    "Good evidence of working with the family; the support plan needs to reflect the outcomes agreed.",
    "Clear recording of risk and the decisions taken. Mental capacity was assumed without a record of why.",
    "The carer's needs were identified but no carer's assessment was offered.",
    "Timely, proportionate work with a clear rationale for the support arranged.",
]

# Of the reviews whose form has the section: the share leaving QA plan actions, escalating a concern,
# and noting best practice. Of actions past their due date, the share done (give or take a team's lean).
QA_ACTIONS_SHARE = 0.5
ESCALATION_SHARE = 0.04
BEST_PRACTICE_SHARE = 0.1
QA_ACTIONS_DONE = 0.75
# Actions about the person's care and record only: never staff performance or service themes.
QA_ACTIONS = [
    "Offer a carer's assessment to the person's daughter.",
    "Update the care and support plan with the outcomes the person agreed.",
    "Record a mental capacity assessment for the decision about where the person lives.",
    "Review the risk assessment with the person and share it with their district nurse.",
    "Arrange a review of the person's care and support within six weeks.",
    "Send the person a copy of their assessment in easy read.",
    "Refer the person to occupational therapy for an assessment of their home.",
    "Record the person's views on their support plan in their own words.",
    "Check the person's Deprivation of Liberty Safeguards authorisation is in date and record it.",
    "Offer the person an independent advocate and record their answer.",
    "Record the person's consent to share information with their GP.",
    "Carry out a benefits check with the person and record the outcome.",
]
NOT_NEEDED = [
    "The person moved into a care home before it was due; the home's assessment covers this.",
    "It had been done: the record was updated after the review.",
]
ESCALATIONS = {
    Escalation.Concern.SAFETY: [
        "The person told their carers they have fallen twice this month. The record shows no response to either fall.",
        "The home care agency reported unexplained bruising. No safeguarding concern has been raised.",
    ],
    Escalation.Concern.RISK: [
        "A neighbour manages the person's medication. There is no plan or risk assessment in the record.",
        "The person's carer says they cannot carry on. There is no plan for the person's care if they stop.",
    ],
    Escalation.Concern.LEGALITY: [
        "The person's Deprivation of Liberty Safeguards authorisation ran out 3 months ago. "
        "No new application is recorded.",
        "The decision to move the person into a care home was made without a recorded capacity assessment "
        "or best interests decision.",
    ],
}
BEST_PRACTICE = [
    "The person's own words run through the assessment, and their outcomes shape every part of the plan.",
    "Creative use of what the community offers: the person now goes to a lunch club twice a week.",
    "A clear mental capacity assessment: the decision, the support given and the reasons are all recorded.",
    "The carer was involved from the start and offered an assessment the same week.",
    "Joint working with the district nurses and the GP, with agreed next steps written down for everyone.",
    "Risks were talked through openly with the person, who agreed a plan that lets them keep going out alone.",
]
SHARED_HOW = [
    "Practice Week",
    "Team meeting",
    "Practice newsletter",
    "Principal social worker's briefing",
    "Practice forum",
]


def load_history(council: Council) -> int:
    """Reviews completed in each of the months before this one (`QAPORTAL_DEMO_HISTORY_MONTHS`),
    skipped if history exists; then their QA plans, escalations and best practice, skipped if written."""
    months = settings.QAPORTAL_DEMO_HISTORY_MONTHS
    if months <= 0:
        return 0
    with scope(council=council):
        this_month = timezone.localdate().replace(day=1)
        written = 0
        if not Review.objects.filter(council=council, period__lt=this_month).exists():
            written = _write(council, this_month, months)
        # Apart, so that a demo loaded before these were written gains them on its next load.
        _write_outcomes(council, this_month)
        return written


@transaction.atomic
def _write(council: Council, this_month: dt.date, months: int) -> int:
    rng = random.Random(f"history-{council.slug}")
    versions = [v for v in current_versions(council=council) if v.subject == Subject.CASE and v.completion != "group"]
    memberships = list(Membership.objects.filter(council=council, team__isnull=False).order_by("pk"))
    by_role: dict[str, list[Membership]] = defaultdict(list)
    managers: dict[int, int] = {}
    for m in memberships:
        by_role[m.role].append(m)
        if m.role == Role.GROUP_MANAGER:
            managers.setdefault(m.team_id, m.user_id)
    cases = list(Case.objects.filter(council=council, about=Subject.CASE).order_by("pin"))
    rng.shuffle(cases)
    levels = _levels(council, versions)
    standards = {v.pk: [s for s in v.standards.all() if s.rated] for v in versions}
    criteria = {
        v.pk: [c for s in v.standards.all() if s.answered_by == "reviewer" for c in s.criteria.all()] for v in versions
    }
    by_template = {v.template_id: v for v in versions}
    role_of = {(m.user_id, m.role): m for m in memberships}
    plan: list[tuple[dt.date, TemplateVersion, Membership, Case, ExpectedReview | None, bool]] = []
    unstarted: list[ExpectedReview] = []

    def peer_case(reviewer: Membership) -> Case | None:
        # Someone from another team, never authorising their own review; a case is reviewed once in
        # the year, as the look-back rules ask.
        case = next(
            (c for c in cases if c.team_id != reviewer.team_id and managers.get(c.team_id) != reviewer.user_id), None
        )
        if case is not None:
            cases.remove(case)
        return case

    for back in range(months, 0, -1):
        month = add_months(this_month, -back)
        # What the programme asked of the month, as its monthly run would have: most done, a few left
        # in progress or never started (overdue ever since).
        done = 0
        for expected in expected_reviews_for(council=council, period=month):
            version = by_template.get(expected.template_id)
            if version is None:  # a form the history does not write (group sessions, staff subjects)
                continue
            reviewer = next(
                (
                    role_of[(expected.person_id, r)]
                    for r in version.completed_by_roles
                    if (expected.person_id, r) in role_of
                ),
                None,
            )
            if reviewer is None:
                continue
            outcome = rng.choices(["completed", "in_progress", "unstarted"], weights=PROGRAMME_OUTCOMES)[0]
            case = peer_case(reviewer) if outcome != "unstarted" else None
            if case is None:
                unstarted.append(expected)
                continue
            plan.append((month, version, reviewer, case, expected, outcome == "completed"))
            done += outcome == "completed"
        # Work the programme did not ask for (one-off allocations, additional reviews) makes up the rest.
        for _i in range(max(0, REVIEWS_A_MONTH - done)):
            version = rng.choice(versions)
            reviewers = [m for role in version.completed_by_roles for m in by_role.get(role, [])]
            if not reviewers or not cases:
                continue
            reviewer = rng.choice(reviewers)
            case = peer_case(reviewer)
            if case is not None:
                plan.append((month, version, reviewer, case, None, True))
    reviews = [
        _review(
            council,
            rng,
            month,
            version,
            reviewer,
            case,
            managers,
            kind=expected.kind if expected else version.review_kinds[0],
            completed=completed,
        )
        for month, version, reviewer, case, expected, completed in plan
    ]
    Review.objects.bulk_create(reviews)
    # Allocated when the month began, not today (bulk_create stamps auto_now_add fields with now).
    Review.objects.filter(council=council, pk__in=[r.pk for r in reviews]).update(
        created_at=F("started_at") - dt.timedelta(days=2)
    )
    linked = []
    for review, step in zip(reviews, plan, strict=True):
        if step[4] is not None:
            step[4].review = review
            linked.append(step[4])
    ExpectedReview.objects.bulk_create([*linked, *unstarted])
    reviews = [r for r in reviews if r.status != Review.Status.IN_PROGRESS]  # answered only once completed
    ratings, texts, answers = [], [], []
    for review in reviews:
        scale = levels.get(review.template_version.scale_id or 0, [])
        for criterion in criteria[review.template_version_id]:
            answer = _answer(rng, criterion.answer_kind, scale)
            if answer:
                answers.append(CriterionAnswer(council=council, review=review, criterion=criterion, answer=answer))
        for standard in standards[review.template_version_id]:
            level = rng.choices(scale, weights=SPREAD.get(len(scale), [1] * len(scale)))[0] if scale else None
            ratings.append(
                StandardRating(
                    council=council,
                    review=review,
                    standard=standard,
                    level=level,
                    evidence=f"Evidence in the case record for standard {standard.number}.",
                )
            )
        texts.append(SectionText(council=council, review=review, kind="summary", text=rng.choice(SUMMARIES)))
    StandardRating.objects.bulk_create(ratings)
    SectionText.objects.bulk_create(texts)
    CriterionAnswer.objects.bulk_create(answers)
    return len(reviews)


def _answer(rng: random.Random, kind: str, scale: list[ScaleLevel]) -> str:
    """A question answered as a reviewer would: a level of the scale, yes / partly / no, or a line."""
    if kind == AnswerKind.RATING and scale:
        return rng.choices(scale, weights=SPREAD.get(len(scale), [1] * len(scale)))[0].code
    if kind == AnswerKind.YES_PARTLY_NO:
        return rng.choices(["yes", "partly", "no"], weights=[6, 3, 1])[0]
    if kind == AnswerKind.YES_NO:
        return rng.choices(["yes", "no"], weights=[8, 2])[0]
    if kind == AnswerKind.TEXT:
        return rng.choice(SUMMARIES)
    return ""  # dates are left as the record has them: unanswered


def _levels(council: Council, versions) -> dict[int, list[ScaleLevel]]:
    found: dict[int, list[ScaleLevel]] = defaultdict(list)
    for level in ScaleLevel.objects.filter(council=council, scale_id__in={v.scale_id for v in versions}):
        found[level.scale_id].append(level)
    return found


def _review(council, rng, month, version, reviewer, case, managers, *, kind: str, completed: bool) -> Review:
    manager = managers.get(case.team_id)
    allocated = timezone.make_aware(dt.datetime.combine(nth_working_day_from(month, 1), dt.time(9)))
    submitted: dt.datetime | None = allocated + dt.timedelta(days=rng.randint(5, 22), hours=rng.randint(0, 6))
    authorised = (
        submitted + dt.timedelta(days=rng.randint(1, 6)) if submitted and version.requires_authorisation else None
    )
    if not completed:  # started, and never finished: overdue ever since
        submitted = authorised = None
    return Review(
        council=council,
        template_version=version,
        case=case,
        reviewer_id=reviewer.user_id,
        allocated_by_id=manager,
        kind=kind,
        status=(
            Review.Status.IN_PROGRESS
            if not completed
            else Review.Status.AUTHORISED
            if authorised
            else Review.Status.SUBMITTED
        ),
        period=month,
        due_date=nth_working_day_from(add_months(month, 1), 1) - dt.timedelta(days=1),
        started_at=allocated + dt.timedelta(days=2),
        submitted_at=submitted,
        authorised_at=authorised,
        authorised_by_id=manager if authorised else None,
    )


@transaction.atomic
def _write_outcomes(council: Council, this_month: dt.date) -> None:
    """QA plan actions, escalations and best practice on the past completed reviews whose forms have
    those sections. Skipped once any past review has one, or records that it needs no actions."""
    past = Review.objects.filter(council=council, period__lt=this_month).completed()
    if past.filter(
        Q(no_qa_actions=True)
        | Q(qa_actions__isnull=False)
        | Q(escalations__isnull=False)
        | Q(best_practice__isnull=False)
    ).exists():
        return
    reviews = list(
        past.select_related("reviewer", "case__team", "case__responsible_worker", "case__responsible_manager").order_by(
            "pk"
        )
    )
    kinds: dict[int, set[str]] = defaultdict(set)
    for version_id, kind in TemplateSection.objects.filter(
        council=council, version_id__in={r.template_version_id for r in reviews}
    ).values_list("version_id", "kind"):
        kinds[version_id].add(kind)

    def asking(kind: str) -> list[Review]:
        return [r for r in reviews if kind in kinds[r.template_version_id]]

    managers: dict[int, int] = {}
    for team_id, user_id in (
        Membership.objects.filter(council=council, role=Role.GROUP_MANAGER, team__isnull=False)
        .order_by("pk")
        .values_list("team_id", "user_id")
    ):
        managers.setdefault(team_id, user_id)
    rng = random.Random(f"history-outcomes-{council.slug}")
    today = timezone.localdate()
    _qa_plans(council, rng, asking(SectionKind.QA_PLAN), today)
    escalated = _escalations(council, rng, asking(SectionKind.ESCALATION), managers)
    # A review escalating a concern about the person's safety is not the one held up as best practice.
    _best_practice(council, rng, [r for r in asking(SectionKind.BEST_PRACTICE) if r.pk not in escalated], today)


def _qa_plans(council: Council, rng: random.Random, reviews: list[Review], today: dt.date) -> None:
    """About half the reviews leave 1 to 3 actions, each for the case's worker (or its manager) by a
    date weeks after the review; the rest record that none are needed."""
    actions: list[QAPlanAction] = []
    none_needed: list[int] = []
    for review in reviews:
        if rng.random() >= QA_ACTIONS_SHARE:
            none_needed.append(review.pk)
            continue
        assert review.submitted_at is not None
        submitted = timezone.localtime(review.submitted_at).date()
        case = review.case
        done_share = QA_ACTIONS_DONE + 0.15 * team_tilt(case.team.name, "qa-actions-done")
        count = rng.choices([1, 2, 3], weights=[5, 3, 2])[0]
        for order, description in enumerate(rng.sample(QA_ACTIONS, k=count), start=1):
            owner = (case.responsible_worker if rng.random() < 0.75 else None) or case.responsible_manager
            owner = owner or case.responsible_worker or review.reviewer
            due = nth_working_day_from(submitted + dt.timedelta(days=rng.randint(14, 56)), 1)
            status, completed, note = _progress(rng, submitted, due, today, done_share)
            actions.append(
                QAPlanAction(
                    council=council,
                    review=review,
                    order=order,
                    description=description,
                    owner_person=owner,
                    owner=owner.get_full_name(),
                    due_date=due,
                    status=status,
                    status_note=note,
                    status_by=None if status == QAPlanAction.Status.OPEN else owner,
                    completed_at=completed,
                )
            )
    QAPlanAction.objects.bulk_create(actions)
    Review.objects.filter(council=council, pk__in=none_needed).update(no_qa_actions=True)


def _progress(
    rng: random.Random, submitted: dt.date, due: dt.date, today: dt.date, done_share: float
) -> tuple[str, dt.date | None, str]:
    """Where an action stands today: most past their due date are done (some late), the rest overdue;
    a few of those not yet due are done early; now and then one turns out not to be needed."""
    status = QAPlanAction.Status
    latest = min(due + dt.timedelta(days=14), today)
    if latest <= submitted:
        return status.OPEN, None, ""
    completed = submitted + dt.timedelta(days=rng.randint(1, (latest - submitted).days))
    roll = rng.random()
    if roll < 0.04:
        return status.NOT_NEEDED, completed, rng.choice(NOT_NEEDED)
    if roll < (done_share if due < today else 0.3):
        return status.DONE, completed, ""
    return status.OPEN, None, ""


def _escalations(council: Council, rng: random.Random, reviews: list[Review], managers: dict[int, int]) -> set[int]:
    """A few reviews raise a concern while under way; the group manager over the case's team is told
    within minutes and acknowledges it within a day or so, but for the latest, still waiting.
    Returns the reviews escalating."""
    if not reviews:
        return set()
    chosen = sorted(rng.sample(reviews, k=max(1, round(len(reviews) * ESCALATION_SHARE))), key=lambda r: r.pk)
    rows, raised = [], []
    now = timezone.now()
    for review in chosen:
        assert review.started_at is not None and review.submitted_at is not None
        concern = rng.choices(list(ESCALATIONS), weights=[4, 4, 2])[0]
        at = office_moment(rng, review.started_at, review.submitted_at, rng.uniform(0.1, 0.8))
        manager = managers.get(review.case.team_id)
        waiting = len(chosen) > 1 and review is chosen[-1]
        acknowledged = manager is not None and not waiting
        rows.append(
            Escalation(
                council=council,
                review=review,
                concern=concern,
                detail=rng.choice(ESCALATIONS[concern]),
                raised_by_id=review.reviewer_id,
                notified_at=at + dt.timedelta(minutes=rng.randint(1, 4)),
                acknowledged_by_id=manager if acknowledged else None,
                acknowledged_at=min(at + dt.timedelta(hours=rng.randint(1, 30)), now) if acknowledged else None,
            )
        )
        raised.append(at)
    Escalation.objects.bulk_create(rows)
    _restamp(
        Escalation.objects.filter(council=council), "raised_at", {e.pk: at for e, at in zip(rows, raised, strict=True)}
    )
    return {r.pk for r in chosen}


def _best_practice(council: Council, rng: random.Random, reviews: list[Review], today: dt.date) -> None:
    """About one review in ten notes best practice as it is finished; the quality team has shared
    about half of those since (at Practice Week, a team meeting…)."""
    if not reviews:
        return
    chosen = sorted(rng.sample(reviews, k=max(1, round(len(reviews) * BEST_PRACTICE_SHARE))), key=lambda r: r.pk)
    notices, raised = [], []
    for review in chosen:
        assert review.submitted_at is not None
        at = review.submitted_at - dt.timedelta(minutes=rng.randint(10, 120))  # written last
        shared = nth_working_day_from(timezone.localtime(at).date() + dt.timedelta(days=rng.randint(7, 45)), 1)
        share = rng.random() < 0.5 and shared <= today
        notices.append(
            BestPracticeNotice(
                council=council,
                review=review,
                text=rng.choice(BEST_PRACTICE),
                raised_by_id=review.reviewer_id,
                shared_at=shared if share else None,
                shared_how=rng.choice(SHARED_HOW) if share else "",
            )
        )
        raised.append(at)
    BestPracticeNotice.objects.bulk_create(notices)
    _restamp(
        BestPracticeNotice.objects.filter(council=council),
        "raised_at",
        {n.pk: at for n, at in zip(notices, raised, strict=True)},
    )


def _restamp(queryset: models.QuerySet, field: str, values: dict[int, dt.datetime]) -> None:
    """Date rows as they happened, in one query: bulk_create stamps auto_now(_add) fields with now."""
    if values:
        whens = [models.When(pk=pk, then=models.Value(at)) for pk, at in values.items()]
        queryset.filter(pk__in=list(values)).update(**{field: models.Case(*whens, output_field=models.DateTimeField())})

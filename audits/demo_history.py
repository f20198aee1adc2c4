"""A year of completed reviews in each demo council, so moderation, agreement and (later) the
reports have history to show on first run. Deterministic (seeded by the council) and idempotent.

Written in bulk, as a year of work would have left it: each review allocated by the group manager
over the case's team, completed by someone in another team the form allows, rated standard by
standard with a plausible spread (most "good", fewer at either end), summarised, and authorised
where the form needs it. Live work of the current month is made through the services instead
(`audits.demo.load_reviews`)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scope

from qaportal.calendar import add_months, nth_working_day_from
from qaportal.models import Council, Membership
from qaportal.roles import Role
from standards.models import AnswerKind, ScaleLevel, Subject
from standards.selectors import current_versions

from .models import Case, CriterionAnswer, Review, SectionText, StandardRating

REVIEWS_A_MONTH = 10
# How often each level of a scale is given, best first: most work is good, fewer outstanding or weak.
SPREAD = {2: [0.8, 0.2], 3: [0.2, 0.62, 0.18], 4: [0.12, 0.5, 0.28, 0.1]}
SUMMARIES = [
    "A strengths-based assessment with the person's own words recorded throughout.",
    "Good evidence of working with the family; the support plan needs to reflect the outcomes agreed.",
    "Clear recording of risk and the decisions taken. Mental capacity was assumed without a record of why.",
    "The carer's needs were identified but no carer's assessment was offered.",
    "Timely, proportionate work with a clear rationale for the support arranged.",
]


def load_history(council: Council) -> int:
    """Reviews completed in each of the months before this one (`QAPORTAL_DEMO_HISTORY_MONTHS`).
    Skipped if history exists."""
    months = settings.QAPORTAL_DEMO_HISTORY_MONTHS
    if months <= 0:
        return 0
    with scope(council=council):
        this_month = timezone.localdate().replace(day=1)
        if Review.objects.filter(council=council, period__lt=this_month).exists():
            return 0
        return _write(council, this_month, months)


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
    plan = []
    for back in range(months, 0, -1):
        month = add_months(this_month, -back)
        for _i in range(REVIEWS_A_MONTH):
            version = rng.choice(versions)
            reviewers = [m for role in version.completed_by_roles for m in by_role.get(role, [])]
            if not reviewers or not cases:
                continue
            reviewer = rng.choice(reviewers)
            # Someone from another team, never authorising their own review.
            case = next(
                (c for c in cases if c.team_id != reviewer.team_id and managers.get(c.team_id) != reviewer.user_id),
                None,
            )
            if case is None:
                continue
            cases.remove(case)  # a case is reviewed once in the year, as the look-back rules ask
            plan.append((month, version, reviewer, case))
    reviews = [
        _review(council, rng, month, version, reviewer, case, managers) for month, version, reviewer, case in plan
    ]
    Review.objects.bulk_create(reviews)
    # Allocated when the month began, not today (bulk_create stamps auto_now_add fields with now).
    Review.objects.filter(council=council, pk__in=[r.pk for r in reviews]).update(
        created_at=F("started_at") - dt.timedelta(days=2)
    )
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


def _review(council, rng, month, version, reviewer, case, managers) -> Review:
    manager = managers.get(case.team_id)
    allocated = timezone.make_aware(dt.datetime.combine(nth_working_day_from(month, 1), dt.time(9)))
    submitted = allocated + dt.timedelta(days=rng.randint(5, 22), hours=rng.randint(0, 6))
    authorised = submitted + dt.timedelta(days=rng.randint(1, 6)) if version.requires_authorisation else None
    review = Review(
        council=council,
        template_version=version,
        case=case,
        reviewer_id=reviewer.user_id,
        allocated_by_id=manager,
        kind=version.review_kinds[0],
        status=Review.Status.AUTHORISED if authorised else Review.Status.SUBMITTED,
        period=month,
        due_date=nth_working_day_from(add_months(month, 1), 1) - dt.timedelta(days=1),
        started_at=allocated + dt.timedelta(days=2),
        submitted_at=submitted,
        authorised_at=authorised,
        authorised_by_id=manager if authorised else None,
    )
    return review

"""Demo cases: ~500 PINs per council, each with an owning team and responsible worker and manager."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django_scopes import scope

from qaportal.demo import demo_login_email
from qaportal.fields import DateField
from qaportal.models import Council, Membership, SupervisionRelationship, Team, User
from qaportal.roles import Role, TeamKind
from standards.models import Subject
from standards.selectors import current_version, current_versions

from .models import Case, ExpectedReview, Review
from .programme.services import expected_allocate
from .reviews import services
from .reviews.rules import LINE_RULES, NewReviewRules
from .reviews.selectors import review_in_council
from .sections import sections_of

CASES_PER_COUNCIL = 500
CASE_TEAM_KINDS = {TeamKind.LONG_TERM, TeamKind.START, TeamKind.OT, TeamKind.AMHP, TeamKind.SAFEGUARDING, TeamKind.DOLS}


@transaction.atomic
def load_cases(council: Council, *, pin_digits: int, count: int = CASES_PER_COUNCIL) -> int:
    rng = random.Random(f"cases-{council.slug}")
    with scope(council=council):
        teams = list(Team.objects.filter(council=council, kind__in=CASE_TEAM_KINDS).order_by("pk"))
        staff: dict[int, dict[str, list]] = {t.pk: {"workers": [], "managers": []} for t in teams}
        for m in Membership.objects.filter(council=council, team__in=teams).select_related("user"):
            if m.role in {Role.PRACTITIONER, Role.SENIOR_PRACTITIONER}:
                staff[m.team_id]["workers"].append(m.user)
            elif m.role == Role.SERVICE_MANAGER:
                staff[m.team_id]["managers"].append(m.user)
        pins: set[str] = set()
        cases: list[Case] = []
        while len(cases) < count:
            pin = str(rng.randint(10 ** (pin_digits - 1), 10**pin_digits - 1))
            if pin in pins:
                continue
            pins.add(pin)
            team = teams[len(cases) % len(teams)]
            workers, managers = staff[team.pk]["workers"], staff[team.pk]["managers"]
            cases.append(
                Case(
                    council=council,
                    pin=pin,
                    team=team,
                    responsible_worker=rng.choice(workers) if workers else None,
                    responsible_manager=managers[0] if managers else None,
                )
            )
        Case.objects.bulk_create(cases, ignore_conflicts=True)
        return Case.objects.filter(council=council).count()


# --- demo reviews in every state, so each demo login has work on its home page ------------------

SAMPLE_TEXT = {
    "evidence": "Clear evidence in the record: the assessment reflects what matters to the person, in their words.",
    "feedback": "She said her social worker listened and helped her stay at home.",
    "summary": "A person-centred piece of work with a clear record of decisions.",
}


def _reload(review: Review) -> Review:
    fresh = review_in_council(council=review.council, pk=review.pk)
    if fresh is None:
        raise LookupError(f"Review {review.pk} disappeared while the demo was being made.")
    return fresh


def _fill(review: Review, by: User, *, leave_out: frozenset[str] = frozenset()) -> None:
    """Complete each section the reviewer completes, through the same service the pages use."""
    for section in sections_of(review):
        if not (section.reviewer_completes or section.worker_completes):
            continue
        if section.kind in leave_out or section.kind == "escalation":
            continue
        # The worker's own part is filled in as the worker, as they would from their login.
        author = (review.case.responsible_worker or by) if section.worker_completes else by
        fresh = _reload(review)
        form = next(s for s in sections_of(fresh) if s.kind == section.kind).form()
        data = QueryDict(mutable=True)
        for name, field in form.fields.items():
            choices = [c for c, _label in getattr(field, "choices", []) if c]
            if name == "no_actions" or name.startswith(("no_contact", "anonymous")):
                continue
            if isinstance(field, DateField):
                day = timezone.localdate() - dt.timedelta(days=7)
                data.update({f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)})
            elif choices:
                data[name] = choices[1] if len(choices) > 2 and name.startswith("rating_") else choices[0]
            elif name.startswith("evidence_"):
                data[name] = SAMPLE_TEXT["evidence"]
            elif name == "feedback":
                data[name] = SAMPLE_TEXT["feedback"]
            elif name.startswith("answer_") or name == "text":
                data[name] = SAMPLE_TEXT["summary"]
        if section.kind == "feedback":
            day = timezone.localdate() - dt.timedelta(days=3)
            data.update(
                {
                    "attempt-TOTAL_FORMS": "1",
                    "attempt-INITIAL_FORMS": "0",
                    "attempt-0-date_0": str(day.day),
                    "attempt-0-date_1": str(day.month),
                    "attempt-0-date_2": str(day.year),
                    "attempt-0-time": "10:30",
                    "attempt-0-contacted": "person",
                    "attempt-0-method": "phone",
                    "attempt-0-outcome": "reached",
                }
            )
        if section.kind == "qa_plan":
            due = timezone.localdate() + dt.timedelta(days=28)
            data.update(
                {
                    "action-TOTAL_FORMS": "1",
                    "action-INITIAL_FORMS": "0",
                    "action-0-description": "Update the care and support plan to reflect the outcomes agreed with "
                    "the person.",
                    # The case's worker, or the reviewer where the case has none.
                    "action-0-owner": str(review.case.responsible_worker_id or by.pk),
                    "action-0-due_date_0": str(due.day),
                    "action-0-due_date_1": str(due.month),
                    "action-0-due_date_2": str(due.year),
                }
            )
        state = next((s for s in fresh.section_states.all() if s.kind == section.kind), None)
        services.section_save(
            review=fresh, kind=section.kind, data=data, base_version=state.version if state else 0, by=author
        )


@transaction.atomic
def load_reviews(council: Council) -> int:
    """A handful of reviews for the demo service manager and group manager. Skipped if any exist."""
    with scope(council=council):
        # Reviews the monthly run allocated itself (allocated_by empty) are not the demo's.
        if Review.objects.filter(council=council, allocated_by__isnull=False).exists():
            return Review.objects.filter(council=council).count()
        reviewer = User.objects.get(email=demo_login_email(council.slug, Role.SERVICE_MANAGER))
        manager = User.objects.get(email=demo_login_email(council.slug, Role.GROUP_MANAGER))
        own_team = Membership.objects.get(council=council, user=reviewer, role=Role.SERVICE_MANAGER).team
        managed = (
            Membership.objects.filter(council=council, user=manager, role=Role.GROUP_MANAGER)
            .exclude(team=own_team)
            .values("team_id")
        )
        # Cases of other teams (for peer reviews) and of the reviewer's supervisees (Coventry's
        # supervisors audit their own supervisees' cases); each review takes the first its rules allow.
        candidates = list(Case.objects.filter(council=council, team_id__in=managed).order_by("pin")[:20]) + list(
            Case.objects.filter(
                council=council,
                about=Subject.CASE,
                responsible_worker__in=SupervisionRelationship.objects.filter(
                    council=council, supervisor=reviewer
                ).values("supervisee_id"),
            ).order_by("pin")[:20]
        )
        versions = [
            v
            for v in current_versions(council=council)
            if Role.SERVICE_MANAGER in v.completed_by_roles and v.subject == Subject.CASE and v.completion != "group"
        ]
        # The month's programme work for the reviewer first (oldest due first, furthest on), then
        # additional reviews, so compliance shows programme work completed and authorised.
        plan = ["authorised", "submitted", "returned", "in_progress", "allocated"]
        expectations = list(
            ExpectedReview.objects.filter(council=council, person=reviewer)
            .exclude(review__status__in=["submitted", "authorised"])
            .select_related("template", "review", "subject")
            .order_by("due_date", "number", "pk")  # pk: the same demo every load
        )
        used: set[int] = set()
        for i, step in enumerate(plan):
            review = None
            if i < len(expectations):
                expected = expectations[i]
                review = expected.review or _from_expected(expected, candidates, used, by=manager)
            elif versions:
                version = versions[i % len(versions)]
                kind = "additional" if "additional" in version.review_kinds else version.review_kinds[0]
                case = _allowed_case(council, version, reviewer, kind, candidates, used)
                if case is not None:
                    review = _allocate(council, version, case=case, reviewer=reviewer, by=manager)
            if review is None:
                continue
            used.add(review.case_id)
            version = review.template_version
            if step == "allocated":
                continue
            _fill(review, reviewer, leave_out=frozenset({"summary"} if step == "in_progress" else ()))
            if step == "in_progress":
                continue
            review = services.review_submit(review=_reload(review), by=reviewer)
            if not version.requires_authorisation:
                continue
            if step == "returned":
                services.review_return(
                    review=review,
                    by=manager,
                    reason="Please add the evidence from the carer's assessment to standard 2.",
                )
            elif step == "authorised":
                services.review_authorise(review=review, by=manager, comments="A thorough review. Thank you.")
        _review_of_the_practitioners_case(council, manager=manager, own_team=own_team, version=versions[0])
        _practitioner_led_session(council, manager=manager)
        return Review.objects.filter(council=council).count()


def _practitioner_led_session(council: Council, *, manager: User) -> None:
    """Where the council runs practitioner-led reviews (Derbyshire), one facilitated session with three
    practitioners, submitted for the group manager to authorise."""
    version = next((v for v in current_versions(council=council) if v.template.key == "practitioner-led-psr"), None)
    facilitator = User.objects.filter(email=demo_login_email(council.slug, Role.PRINCIPAL_SOCIAL_WORKER)).first()
    if version is None or facilitator is None:
        return
    teams = Membership.objects.filter(council=council, user=manager, role=Role.GROUP_MANAGER).values("team_id")
    candidates = list(Case.objects.filter(council=council, team_id__in=teams, about=Subject.CASE).order_by("-pin")[:20])
    case = _allowed_case(council, version, facilitator, "mandatory", candidates, set())
    if case is None:
        return
    review = _allocate(council, version, case=case, reviewer=facilitator, by=manager)
    _fill(review, facilitator, leave_out=frozenset({"session"}))
    attendees = list(
        Membership.objects.filter(council=council, role=Role.PRACTITIONER)
        .exclude(user=case.responsible_worker_id)
        .order_by("pk")
        .values_list("user_id", flat=True)[:3]
    )
    day = timezone.localdate() - dt.timedelta(days=5)
    data = QueryDict(mutable=True)
    data.update({"held_on_0": str(day.day), "held_on_1": str(day.month), "held_on_2": str(day.year)})
    data.setlist("attendees", [str(pk) for pk in attendees])
    data["reflections"] = (
        "The group found the person's voice clear in the assessment, and agreed the carer's needs were "
        "not revisited after the hospital discharge. Learning: check carers' assessments at each review."
    )
    services.section_save(review=_reload(review), kind="session", data=data, base_version=0, by=facilitator)
    services.review_submit(review=_reload(review), by=facilitator)


def _allowed_case(council: Council, version, reviewer: User, kind: str, candidates: list[Case], used: set[int]):
    rules = NewReviewRules(council=council, version=version, kind=kind, reviewers=[reviewer], cases=candidates)
    return next((c for c in candidates if c.pk not in used and not rules.problems(reviewer, c)), None)


def _from_expected(expected: ExpectedReview, candidates: list[Case], used: set[int], *, by: User) -> Review | None:
    version = current_version(template=expected.template)
    if version is None:
        return None
    if expected.subject_id:
        candidates = list(Case.objects.filter(council=expected.council, responsible_worker=expected.subject_id))
    case = _allowed_case(expected.council, version, expected.person, expected.kind, candidates, used)
    return expected_allocate(expected=expected, case=case, by=by) if case is not None else None


def _allocate(council: Council, version, *, case: Case, reviewer: User, by: User) -> Review:
    """Programme work where the programme expects it of the reviewer (so compliance counts it against
    the expectation, as a real month would); an additional review otherwise."""
    expected = (
        ExpectedReview.objects.filter(
            council=council, person=reviewer, template=version.template, review__isnull=True, subject__isnull=True
        )
        .order_by("-period", "number")
        .first()
    )
    if expected is not None:
        return expected_allocate(expected=expected, case=case, by=by)
    kind = "additional" if "additional" in version.review_kinds else version.review_kinds[0]
    return services.review_allocate(
        council=council, template=version.template, case=case, reviewer=reviewer, by=by, kind=kind
    )


def _review_of_the_practitioners_case(council: Council, *, manager: User, own_team, version) -> None:
    """An authorised audit of a case the demo practitioner works, by a peer service manager from another
    team, so the practitioner's home page shows what audits found and the action that is theirs."""
    practitioner = User.objects.get(email=demo_login_email(council.slug, Role.PRACTITIONER))
    case = Case.objects.filter(council=council, responsible_worker=practitioner).order_by("pin").first()
    peer = (
        Membership.objects.filter(
            council=council,
            role=Role.SERVICE_MANAGER,
            team_id__in=Membership.objects.filter(council=council, user=manager, role=Role.GROUP_MANAGER).values(
                "team_id"
            ),
        )
        .exclude(team=own_team)
        .exclude(team=case.team if case else None)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    reviewer = peer.user if peer else None
    if version.independence in LINE_RULES and case is not None:
        # Coventry: the practitioner's supervisor audits their case with them.
        auditor = NewReviewRules(
            council=council, version=version, kind="mandatory", reviewers=[], cases=[]
        ).line_auditor(practitioner.pk)
        reviewer = User.objects.filter(pk=auditor).first() if auditor else None
    if case is None or reviewer is None:
        return
    review = _allocate(council, version, case=case, reviewer=reviewer, by=manager)
    _fill(review, reviewer)
    review = services.review_submit(review=_reload(review), by=reviewer)
    if version.requires_authorisation:
        services.review_authorise(review=review, by=manager, comments="Clear evidence. Thank you.")

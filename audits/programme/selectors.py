"""Reads about the audit programme: which rules apply, who they apply to, samples, and the work
each person and group manager has outstanding. Each takes the council explicitly."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from qaportal.calendar import first_working_day, month_start
from qaportal.fields import people_to_choose
from qaportal.models import Council, Membership, Team, User
from qaportal.roles import Role
from qaportal.selectors import teams_over
from standards.models import ReviewKind, ReviewTemplate, Subject
from standards.selectors import current_version

from ..models import AuditProgramme, Case, CaseSample, ExpectedReview, ProgrammeRule, Review
from ..reviews.rules import LINE_RULES, NewReviewRules, reviews_within_lookback

SAMPLE_SIZE = 10


def programme_for(*, council: Council, period: dt.date) -> AuditProgramme | None:
    return (
        AuditProgramme.objects.filter(council=council, is_active=True, starts_on__lte=period)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period))
        .order_by("-starts_on")
        .first()
    )


def people_for_rule(rule: ProgrammeRule) -> list[tuple[int, int | None]]:
    """(person, team) for everyone the rule applies to, one entry per person."""
    memberships = Membership.objects.filter(council_id=rule.council_id, role=rule.role, user__is_active=True)
    if rule.team_kind:
        memberships = memberships.filter(team__kind=rule.team_kind, team__is_active=True)
    if rule.except_team_kind:
        memberships = memberships.exclude(team__kind=rule.except_team_kind)
    people: dict[int, int | None] = {}
    for user_id, team_id in memberships.order_by("user_id", "team_id").values_list("user_id", "team_id"):
        people.setdefault(user_id, team_id)
    return sorted(people.items())


def supervisees_due(
    *, rule: ProgrammeRule, template: ReviewTemplate, period: dt.date, first_month: int
) -> list[tuple[int, int, int | None]]:
    """(who audits, supervisee, supervisee's team) for each supervisee whose turn under a rule for each
    supervisee falls in `period`. Coventry's framework: supervision records "annually with audit
    activity spread over year", practice standards audits twice a year, an observation once a year.

    The rule's months (in programme-year order) are split into `count` equal blocks; each auditor's
    supervisees are spaced evenly through a block, starting at a point that differs between
    auditors, so one person's audits are spread across the year, and so is the council's."""
    version = current_version(template=template)
    if version is None or version.independence not in LINE_RULES:
        return []
    people = dict(people_for_rule(rule))
    lines = NewReviewRules(council=rule.council, version=version, kind=rule.kind, reviewers=[], cases=[])
    by_auditor: dict[int, list[int]] = {}
    for supervisee in sorted(people):
        auditor = lines.line_auditor(supervisee)
        if auditor is not None:
            by_auditor.setdefault(auditor, []).append(supervisee)
    months = sorted(set(rule.months), key=lambda m: (m - first_month) % 12)
    if not months:
        return []
    count = max(1, min(rule.count, len(months)))
    block = len(months) // count
    due = []
    for auditor, supervisees in sorted(by_auditor.items()):
        for k, supervisee in enumerate(supervisees):
            turn = (auditor + k * block // len(supervisees)) % block
            if period.month in {months[b * block + turn] for b in range(count)}:
                due.append((auditor, supervisee, people[supervisee]))
    return due


def sessions_due(rule: ProgrammeRule) -> list[tuple[int, int, int]]:
    """(facilitator, team, number) for a rule of one facilitated session a team (Derbyshire's
    practitioner-led PSRs: "These sessions will be facilitated by the Practice Standards Team and PSW"):
    each team of the kind has `count` sessions, given to the people with the role in turn."""
    facilitators = [
        user_id
        for user_id in Membership.objects.filter(council_id=rule.council_id, role=rule.role, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    ]
    teams = Team.objects.filter(council_id=rule.council_id, is_active=True)
    if rule.team_kind:
        teams = teams.filter(kind=rule.team_kind)
    due, numbers = [], dict.fromkeys(facilitators, 0)
    if not facilitators:
        return []
    for i, team_id in enumerate(teams.order_by("pk").values_list("pk", flat=True)):
        for _n in range(rule.count):
            person = facilitators[i % len(facilitators)]
            numbers[person] += 1
            due.append((person, team_id, numbers[person]))
    return due


def is_run_day(today: dt.date) -> bool:
    return today >= first_working_day(today)


def sample_managers(rules: list[ProgrammeRule], council: Council) -> dict[int, list[int]]:
    """Group manager -> the teams they are over, for the teams of people on sample rules."""
    teams = {team_id for rule in rules for _p, team_id in people_for_rule(rule) if team_id}
    managers: dict[int, list[int]] = {}
    for user_id, team_id in (
        Membership.objects.filter(council=council, role=Role.GROUP_MANAGER)
        .order_by("user_id", "team_id")
        .values_list("user_id", "team_id")
    ):
        managers.setdefault(user_id, []).append(team_id)
    return {gm: team_ids for gm, team_ids in managers.items() if set(team_ids) & teams}


def recently_reviewed_case_ids(*, council: Council, today: dt.date) -> set[int]:
    return set(reviews_within_lookback(council=council, today=today).values_list("case_id", flat=True))


def draw_cases(
    *, council: Council, team_ids: list[int], seed: str, exclude: set[int], size: int = SAMPLE_SIZE
) -> list[int]:
    """A reproducible random draw, spread across the teams in turn, leaving out excluded cases."""
    rng = random.Random(seed)
    pools = []
    for team_id in sorted(team_ids):
        cases = Case.objects.filter(council=council, team_id=team_id, about=Subject.CASE)
        ids = sorted(set(cases.values_list("pk", flat=True)) - exclude)
        rng.shuffle(ids)
        pools.append(ids)
    drawn: list[int] = []
    while len(drawn) < size and any(pools):
        for pool in pools:
            if pool and len(drawn) < size:
                drawn.append(pool.pop())
    return drawn


def expected_for_group_manager(*, council: Council, user: User, period: dt.date) -> QuerySet[ExpectedReview]:
    teams = teams_over(council=council, user=user).values("pk")
    return ExpectedReview.objects.filter(
        council=council, period=month_start(period), team_id__in=teams, rule__mode=ProgrammeRule.Mode.SAMPLE
    ).select_related("person", "team", "template", "review__case")


def sample_for(*, council: Council, user: User, period: dt.date) -> CaseSample | None:
    return (
        CaseSample.objects.filter(council=council, group_manager=user, period=month_start(period))
        .prefetch_related("cases__case__team")
        .first()
    )


def case_histories(*, council: Council, case_ids: list[int]) -> dict[int, list[Review]]:
    history: dict[int, list[Review]] = {}
    for review in (
        Review.objects.filter(council=council, case_id__in=case_ids)
        .select_related("template_version__template", "reviewer")
        .order_by("-created_at")
    ):
        history.setdefault(review.case_id, []).append(review)
    return history


def requests_for(*, council: Council, user: User) -> QuerySet[ExpectedReview]:
    """Direct requests, and audits of a supervisee's practice, waiting for the person to choose a case."""
    return (
        ExpectedReview.objects.filter(
            council=council,
            person=user,
            review__isnull=True,
            rule__mode__in=[ProgrammeRule.Mode.DIRECT, ProgrammeRule.Mode.DRAWN, ProgrammeRule.Mode.SUPERVISEE],
        )
        .select_related("template", "subject")
        .order_by("due_date")
    )


def teams_of(*, council: Council) -> QuerySet[Team]:
    return Team.objects.filter(council=council)


def outstanding_for_group_manager(*, council: Council, user: User, today: dt.date) -> list[ExpectedReview]:
    """Expected reviews of the group manager's teams not yet completed, due this month or overdue."""
    teams = teams_over(council=council, user=user).values("pk")
    return list(
        ExpectedReview.objects.filter(council=council, team_id__in=teams, period__lte=today)
        .exclude(review__status__in=[Review.Status.SUBMITTED, Review.Status.AUTHORISED])
        .select_related("person", "template", "team", "review")
        .order_by("due_date", "person__last_name")
    )


def due_for_person(*, council: Council, user: User, today: dt.date) -> list[ExpectedReview]:
    return list(
        ExpectedReview.objects.filter(council=council, person=user, period__lte=today)
        .exclude(review__status__in=[Review.Status.SUBMITTED, Review.Status.AUTHORISED])
        .select_related("template", "review")
        .order_by("due_date")
    )


@dataclass
class AllocationChoice:
    """For one expected review on the allocation page: the sample's cases its reviewer may take, the
    ones they may not with the reason, and who it may be delegated to."""

    offered: dict[str, Case] = field(default_factory=dict)
    not_offered: list[tuple[Case, str]] = field(default_factory=list)
    delegates: dict[str, User] = field(default_factory=dict)


def allocation_choices(
    *, council: Council, expected: list[ExpectedReview], cases: list[Case], today: dt.date | None = None
) -> dict[int, AllocationChoice]:
    """The peer, role and look-back rules applied to every (reviewer, case) pair of the page at once,
    in a fixed number of queries per form used this month."""
    seniors = list(people_to_choose(council=council, roles=[Role.SENIOR_PRACTITIONER]))
    choices: dict[int, AllocationChoice] = {}
    by_template: dict[int, list[ExpectedReview]] = {}
    for row in expected:
        by_template.setdefault(row.template_id, []).append(row)
    for rows in by_template.values():
        version = current_version(template=rows[0].template)
        for row in rows:
            choices[row.pk] = AllocationChoice()
        if version is None:
            continue
        for kind in {row.kind for row in rows}:
            rules = NewReviewRules(
                council=council,
                version=version,
                kind=kind,
                reviewers=[row.person for row in rows] + seniors,
                cases=cases,
                today=today,
            )
            for row in (r for r in rows if r.kind == kind):
                choice = choices[row.pk]
                for case in cases:
                    problems = rules.problems(row.person, case)
                    if problems:
                        choice.not_offered.append((case, problems[0]))
                    else:
                        choice.offered[str(case.pk)] = case
                # Who holds a role the form may be delegated to; their independence of the chosen
                # case is checked when the allocation is made.
                choice.delegates = {
                    str(s.pk): s
                    for s in seniors
                    if s.pk != row.person_id and rules.roles[s.pk] & set(version.delegable_to_roles)
                }
    return choices


# A caseload is rarely above forty; past this the person gives the PIN instead.
OWN_CASES_OFFERED = 100


# Somerset's managers and advanced practitioners choose from this many cases drawn at random for them.
DRAWN_CASES_OFFERED = 5


def own_cases_to_choose(*, expected: ExpectedReview, today: dt.date | None = None) -> list[Case]:
    """The cases offered to start an audit asked of a person, each one the form's rules let them
    audit (look-back and role applied), so nobody types a PIN from memory: for a self-audit, their own
    cases; for an audit with a supervisee, the supervisee's; for a rule of drawn cases, a reproducible
    random draw from the whole council. Other audits are of a case the person names by PIN."""
    version = current_version(template=expected.template)
    if version is None:
        return []
    if expected.rule.mode == ProgrammeRule.Mode.DRAWN:
        cases = drawn_for(expected=expected, today=today)
    elif expected.kind == ReviewKind.SELF or expected.subject_id:
        worker = expected.subject if expected.subject_id else expected.person
        cases = list(
            Case.objects.filter(council=expected.council, responsible_worker=worker, about=Subject.CASE)
            .select_related("team")
            .order_by("pin")[:OWN_CASES_OFFERED]
        )
    else:
        return []
    rules = NewReviewRules(
        council=expected.council,
        version=version,
        kind=expected.kind,
        reviewers=[expected.person],
        cases=cases,
        today=today,
    )
    allowed = [case for case in cases if not rules.problems(expected.person, case)]
    return allowed[:DRAWN_CASES_OFFERED] if expected.rule.mode == ProgrammeRule.Mode.DRAWN else allowed


def drawn_for(*, expected: ExpectedReview, today: dt.date | None = None) -> list[Case]:
    """Somerset's practice quality framework, audit methodology for managers and advanced
    practitioners: "A random sample of cases will be generated for audit each month". Drawn across
    the council's teams, seeded by the council, month and expected review, so the person sees the same
    cases every time they come back; more than are offered, as the rules may refuse some."""
    council = expected.council
    teams = list(Team.objects.filter(council=council, is_active=True).values_list("pk", flat=True))
    exclude = recently_reviewed_case_ids(council=council, today=today or expected.period)
    ids = draw_cases(
        council=council,
        team_ids=teams,
        seed=f"{council.slug}:{expected.period:%Y-%m}:expected-{expected.pk}",
        exclude=exclude,
        size=DRAWN_CASES_OFFERED * 4,
    )
    cases = Case.objects.in_bulk(ids)
    return [cases[pk] for pk in ids]

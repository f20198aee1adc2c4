"""The audit programme at work: the monthly run, case samples, allocation from them, reminders and
compliance. Called by the Celery tasks, the management command and the pages alike."""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from qaportal.calendar import first_working_day, last_working_day, month_start
from qaportal.models import Council, Membership, Team, User
from qaportal.roles import Role
from qaportal.uploads import csv_rows

from . import services
from .models import (
    AuditProgramme,
    Case,
    CaseSample,
    ExpectedReview,
    ProgrammeRule,
    ProgrammeRun,
    Review,
    SampleCase,
)

logger = logging.getLogger(__name__)
SAMPLE_SIZE = 10
COMPLETED = {Review.Status.SUBMITTED, Review.Status.AUTHORISED}


def programme_for(*, council: Council, period: dt.date) -> AuditProgramme | None:
    return (
        AuditProgramme.objects.filter(council=council, is_active=True, starts_on__lte=period)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period))
        .order_by("-starts_on")
        .first()
    )


def _template_for(rule: ProgrammeRule, month: int, timetable: dict[int, int]):
    return rule.template_id or timetable.get(month)


def _people(rule: ProgrammeRule) -> list[tuple[int, int | None]]:
    """(person, team) for everyone the rule applies to, one entry per person."""
    memberships = Membership.objects.filter(council_id=rule.council_id, role=rule.role, user__is_active=True)
    if rule.team_kind:
        memberships = memberships.filter(team__kind=rule.team_kind, team__is_active=True)
    people: dict[int, int | None] = {}
    for user_id, team_id in memberships.order_by("user_id", "team_id").values_list("user_id", "team_id"):
        people.setdefault(user_id, team_id)
    return sorted(people.items())


@dataclass
class RunReport:
    council: str
    period: dt.date
    expected_created: int = 0
    samples_created: int = 0
    skipped: bool = False
    error: str = ""


def run_month(*, council: Council, period: dt.date) -> RunReport:
    """Build the month's expected reviews and case samples for one council.

    Idempotent and restart-safe: everything is created in one transaction together with the run's
    row, which is unique per council and month, and every row has a unique key, so running twice —
    or again after a crash — creates nothing new."""
    period = month_start(period)
    report = RunReport(council=council.slug, period=period)
    with scope(council=council), transaction.atomic():
        if ProgrammeRun.objects.filter(council=council, period=period, status=ProgrammeRun.Status.DONE).exists():
            report.skipped = True
            return report
        programme = programme_for(council=council, period=period)
        sample_rules: list[ProgrammeRule] = []
        if programme is not None:
            timetable = dict(programme.timetable.values_list("month", "template_id"))
            due = last_working_day(period)
            rows = []
            for rule in programme.rules.all():
                if period.month not in rule.months:
                    continue
                template_id = _template_for(rule, period.month, timetable)
                if template_id is None:
                    continue
                if rule.mode == ProgrammeRule.Mode.SAMPLE:
                    sample_rules.append(rule)
                for person_id, team_id in _people(rule):
                    for number in range(1, rule.count + 1):
                        rows.append(
                            ExpectedReview(
                                council=council,
                                rule=rule,
                                period=period,
                                number=number,
                                person_id=person_id,
                                team_id=team_id,
                                template_id=template_id,
                                kind=rule.kind,
                                due_date=due,
                            )
                        )
            before = ExpectedReview.objects.filter(council=council, period=period).count()
            ExpectedReview.objects.bulk_create(rows, ignore_conflicts=True)
            report.expected_created = ExpectedReview.objects.filter(council=council, period=period).count() - before
            report.samples_created = _build_samples(council=council, period=period, rules=sample_rules)
        ProgrammeRun.objects.update_or_create(
            council=council,
            period=period,
            defaults={
                "status": ProgrammeRun.Status.DONE,
                "expected_created": report.expected_created,
                "samples_created": report.samples_created,
                "error": "",
            },
        )
    return report


def run_month_for_all(*, period: dt.date, councils: QuerySet[Council] | None = None) -> list[RunReport]:
    """Every active council, each on its own: one council's failure is recorded and the rest go on."""
    reports = []
    for council in councils if councils is not None else Council.objects.filter(is_active=True).order_by("slug"):
        try:
            reports.append(run_month(council=council, period=period))
        except Exception as exc:  # noqa: BLE001 - reported and recorded; the other councils carry on
            logger.exception("Monthly programme run failed for %s (%s)", council.slug, period)
            with scope(council=council):
                ProgrammeRun.objects.update_or_create(
                    council=council,
                    period=month_start(period),
                    defaults={"status": ProgrammeRun.Status.FAILED, "error": f"{type(exc).__name__}: {exc}"},
                )
            reports.append(RunReport(council=council.slug, period=month_start(period), error=str(exc)))
    return reports


def is_run_day(today: dt.date) -> bool:
    return today >= first_working_day(today)


# --- case samples --------------------------------------------------------------------------------


def sample_managers(rules: list[ProgrammeRule], council: Council) -> dict[int, list[int]]:
    """Group manager -> the teams they are over, for the teams of people on sample rules."""
    teams = {team_id for rule in rules for _p, team_id in _people(rule) if team_id}
    managers: dict[int, list[int]] = {}
    for user_id, team_id in (
        Membership.objects.filter(council=council, role=Role.GROUP_MANAGER)
        .order_by("user_id", "team_id")
        .values_list("user_id", "team_id")
    ):
        managers.setdefault(user_id, []).append(team_id)
    return {gm: team_ids for gm, team_ids in managers.items() if set(team_ids) & teams}


def recently_reviewed_case_ids(*, council: Council, today: dt.date) -> set[int]:
    from .rules import reviews_within_lookback

    return set(reviews_within_lookback(council=council, today=today).values_list("case_id", flat=True))


def draw_cases(
    *, council: Council, team_ids: list[int], seed: str, exclude: set[int], size: int = SAMPLE_SIZE
) -> list[int]:
    """A reproducible random draw, spread across the teams in turn, leaving out excluded cases."""
    rng = random.Random(seed)
    pools = []
    for team_id in sorted(team_ids):
        ids = sorted(set(Case.objects.filter(council=council, team_id=team_id).values_list("pk", flat=True)) - exclude)
        rng.shuffle(ids)
        pools.append(ids)
    drawn: list[int] = []
    while len(drawn) < size and any(pools):
        for pool in pools:
            if pool and len(drawn) < size:
                drawn.append(pool.pop())
    return drawn


def _build_samples(*, council: Council, period: dt.date, rules: list[ProgrammeRule]) -> int:
    if not rules:
        return 0
    created = 0
    exclude = recently_reviewed_case_ids(council=council, today=period)
    for gm_id, team_ids in sample_managers(rules, council).items():
        if CaseSample.objects.filter(council=council, period=period, group_manager_id=gm_id).exists():
            continue  # the MI team uploaded this one
        seed = f"{council.slug}:{period:%Y-%m}:{gm_id}"
        sample = CaseSample.objects.create(
            council=council, period=period, group_manager_id=gm_id, source=CaseSample.Source.DRAW, seed=seed
        )
        SampleCase.objects.bulk_create(
            SampleCase(council=council, sample=sample, case_id=case_id, position=i)
            for i, case_id in enumerate(
                draw_cases(council=council, team_ids=team_ids, seed=seed, exclude=exclude), start=1
            )
        )
        created += 1
    return created


@dataclass
class SampleUpload:
    errors: list[tuple[int, str]] = field(default_factory=list)
    samples: int = 0
    cases: int = 0


def sample_upload_csv(*, council: Council, period: dt.date, data: bytes, by: User) -> SampleUpload:
    """The MI team's monthly PINs, one per line with the group manager's email. Every line is
    checked first; if any is wrong nothing is applied, and each problem names its line."""
    result = SampleUpload()
    period = month_start(period)
    parsed, result.errors = csv_rows(
        data, columns=["group_manager_email", "pin"], required=["group_manager_email", "pin"]
    )
    managers = {
        email.lower(): user_id
        for email, user_id in Membership.objects.filter(council=council, role=Role.GROUP_MANAGER).values_list(
            "user__email", "user_id"
        )
    }
    cases = dict(Case.objects.filter(council=council).values_list("pin", "pk"))
    has_sample = set(
        CaseSample.objects.filter(council=council, period=period).values_list("group_manager_id", flat=True)
    )
    rows: dict[int, list[int]] = {}
    for line, row in parsed:
        problems = []
        gm = managers.get(row["group_manager_email"].lower())
        if gm is None:
            problems.append(_("'%(e)s' is not a group manager in this council") % {"e": row["group_manager_email"]})
        case_id = cases.get(row["pin"])
        if case_id is None:
            problems.append(_("there is no case with PIN '%(pin)s'") % {"pin": row["pin"]})
        if gm and case_id and case_id in rows.get(gm, []):
            problems.append(_("PIN %(pin)s appears twice for this group manager") % {"pin": row["pin"]})
        if gm and gm in has_sample:
            problems.append(_("this group manager already has a sample for %(m)s") % {"m": period.strftime("%B %Y")})
        if problems:
            message = "; ".join(str(p) for p in problems)
            result.errors.append((line, message[0].upper() + message[1:] + "."))
        else:
            rows.setdefault(gm, []).append(case_id)
    result.errors.sort()
    if result.errors:
        return result
    if not rows:
        result.errors.append((1, _("The file has no PINs in it.")))
        return result
    recent = recently_reviewed_case_ids(council=council, today=period)
    with transaction.atomic():
        for gm, case_ids in rows.items():
            sample = CaseSample.objects.create(
                council=council, period=period, group_manager_id=gm, source=CaseSample.Source.UPLOAD
            )
            SampleCase.objects.bulk_create(
                SampleCase(
                    council=council, sample=sample, case_id=case_id, position=i, reviewed_recently=case_id in recent
                )
                for i, case_id in enumerate(case_ids, start=1)
            )
            _replace_recently_reviewed(sample, recent)
            result.samples += 1
            result.cases += len(case_ids)
    return result


def _replace_recently_reviewed(sample: CaseSample, recent: set[int]) -> None:
    """Offer the next case for each one reviewed in the look-back window, and tell the MI team."""
    flagged = list(sample.cases.filter(reviewed_recently=True).select_related("case"))
    if not flagged:
        return
    teams = list(
        Membership.objects.filter(
            council=sample.council, user_id=sample.group_manager_id, role=Role.GROUP_MANAGER
        ).values_list("team_id", flat=True)
    )
    taken = set(sample.cases.values_list("case_id", flat=True))
    extra = draw_cases(
        council=sample.council,
        team_ids=teams,
        seed=f"{sample.pk}:replacements",
        exclude=recent | taken,
        size=len(flagged),
    )
    last = sample.cases.count()
    SampleCase.objects.bulk_create(
        SampleCase(council=sample.council, sample=sample, case_id=case_id, position=last + i)
        for i, case_id in enumerate(extra, start=1)
    )
    from .tasks import notify_mi_team

    transaction.on_commit(lambda: notify_mi_team.delay(sample.council_id, sample.pk))


# --- allocating and starting expected reviews ---------------------------------------------------


@transaction.atomic
def expected_allocate(*, expected: ExpectedReview, case: Case, by: User, delegate: User | None = None) -> Review:
    """Allocate a case (from the sample, or the person's own choice) to an expected review. The peer,
    role and look-back rules are the same as for any review."""
    # Re-read under a lock: two group managers (or two tabs) allocating the same expected review at
    # once are serialised, and the second is told it is already allocated.
    current = (
        ExpectedReview.objects.select_for_update(of=("self",))
        .select_related("review__case")
        .get(council=expected.council, pk=expected.pk)
    )
    if current.review_id and current.review.status != Review.Status.CANCELLED:
        raise ValidationError(
            _("This review has already been allocated (PIN %(pin)s).") % {"pin": current.review.case.pin}
        )
    if delegate is not None:
        from . import rules

        probe = Review(
            council=expected.council,
            case=case,
            kind=expected.kind,
            template_version=services.current_version(template=expected.template),
        )
        rules.check_delegate(review=probe, delegate=delegate)
    review = services.review_allocate(
        council=expected.council,
        template=expected.template,
        case=case,
        reviewer=expected.person,
        by=by,
        kind=expected.kind,
        period=expected.period,
        due_date=expected.due_date,
    )
    if delegate is not None:
        review.delegate = delegate
        review.save(update_fields=["delegate"])
        services.ReviewEvent.objects.create(
            council=review.council,
            review=review,
            by=by,
            action="delegate",
            from_status=review.status,
            to_status=review.status,
            reason=_("Delegated to %(who)s at allocation") % {"who": delegate},
        )
    expected.review = review
    expected.save(update_fields=["review"])
    return review


def expected_for_group_manager(*, council: Council, user: User, period: dt.date) -> QuerySet[ExpectedReview]:
    teams = Membership.objects.filter(council=council, user=user, role=Role.GROUP_MANAGER).values("team_id")
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
    """Direct requests waiting for the person to choose a case."""
    return (
        ExpectedReview.objects.filter(
            council=council, person=user, review__isnull=True, rule__mode=ProgrammeRule.Mode.DIRECT
        )
        .select_related("template")
        .order_by("due_date")
    )


# --- compliance ----------------------------------------------------------------------------------


def compliance(*, council: Council, period: dt.date, by: str = "team", today: dt.date | None = None) -> list[dict]:
    """Expected, allocated, completed, authorised and overdue reviews for the month, per person, team,
    group (group manager) or the council. A fixed number of queries, whatever the size."""
    today = today or timezone.localdate()
    rows = list(
        ExpectedReview.objects.filter(council=council, period=month_start(period)).values(
            "person_id",
            "person__first_name",
            "person__last_name",
            "team_id",
            "team__name",
            "due_date",
            "review__status",
        )
    )
    group_of: dict[int, str] = {}
    if by == "group":
        for team_id, first, last in Membership.objects.filter(council=council, role=Role.GROUP_MANAGER).values_list(
            "team_id", "user__first_name", "user__last_name"
        ):
            group_of.setdefault(team_id, f"{first} {last}")
    totals: dict[str, dict] = {}
    for row in rows:
        key = {
            "person": f"{row['person__first_name']} {row['person__last_name']}",
            "team": row["team__name"] or _("No team"),
            "group": group_of.get(row["team_id"], _("No group manager")),
            "council": council.name,
        }[by]
        t = totals.setdefault(
            key, {"name": key, "expected": 0, "allocated": 0, "completed": 0, "authorised": 0, "overdue": 0}
        )
        status = row["review__status"]
        t["expected"] += 1
        t["allocated"] += status is not None and status != Review.Status.CANCELLED
        t["completed"] += status in COMPLETED
        t["authorised"] += status == Review.Status.AUTHORISED
        t["overdue"] += status not in COMPLETED and row["due_date"] < today
    return sorted(totals.values(), key=lambda t: t["name"])


def teams_of(*, council: Council) -> QuerySet[Team]:
    return Team.objects.filter(council=council)


def outstanding_for_group_manager(*, council: Council, user: User, today: dt.date) -> list[ExpectedReview]:
    """Expected reviews of the group manager's teams not yet completed, due this month or overdue."""
    teams = Membership.objects.filter(council=council, user=user, role=Role.GROUP_MANAGER).values("team_id")
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


@transaction.atomic
def rule_update(*, rule: ProgrammeRule, **fields) -> ProgrammeRule:
    """Change a rule; months already run keep what they produced, later runs use the change."""
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.months = sorted(set(rule.months))
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def rule_create(*, programme: AuditProgramme, **fields) -> ProgrammeRule:
    rule = ProgrammeRule(council=programme.council, programme=programme)
    return rule_update(rule=rule, **fields)


@transaction.atomic
def rule_delete(*, rule: ProgrammeRule) -> None:
    """A rule that has produced expected reviews is kept for the compliance history; change its months instead."""
    if rule.expected.exists():
        raise ValidationError(
            _("This rule has already set reviews; remove its months instead, so past compliance keeps its history.")
        )
    rule.delete()


@transaction.atomic
def timetable_update(*, programme: AuditProgramme, months: dict[int, int | None]) -> None:
    """Set which template each month audits (None: no audit that month). Later runs use it."""
    from .models import TimetableEntry

    programme.timetable.all().delete()
    TimetableEntry.objects.bulk_create(
        TimetableEntry(council=programme.council, programme=programme, month=month, template_id=template_id)
        for month, template_id in sorted(months.items())
        if template_id
    )

"""The audit programme at work: the monthly run, case samples, allocation from them, reminders and
compliance. Called by the Celery tasks, the management command and the pages alike."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_scopes import scope

from qaportal import outbox
from qaportal.calendar import last_working_day, month_start
from qaportal.models import Council, Membership, User
from qaportal.roles import Role
from qaportal.selectors import teams_over
from qaportal.uploads import csv_rows
from standards.models import ReviewTemplate, Subject
from standards.selectors import current_version

from ..models import (
    AuditProgramme,
    Case,
    CaseSample,
    ExpectedReview,
    ProgrammeRule,
    ProgrammeRun,
    Review,
    SampleCase,
    TimetableEntry,
)
from ..reviews import services as review_services
from . import notifications
from .selectors import (
    draw_cases,
    people_for_rule,
    programme_for,
    recently_reviewed_case_ids,
    sample_managers,
    sessions_due,
    supervisees_due,
)

logger = logging.getLogger(__name__)


def _expected_of(rule: ProgrammeRule, period: dt.date, template_id: int, programme: AuditProgramme):
    """(person, team, number, supervisee) for each review the rule expects this month: one for each
    person with the role (`count` each), for each team (facilitated sessions), or for each supervisee."""
    if rule.mode == ProgrammeRule.Mode.SUPERVISEE:
        template = ReviewTemplate.objects.get(council=rule.council, pk=template_id)
        due = supervisees_due(rule=rule, template=template, period=period, first_month=programme.starts_on.month)
        return [(auditor, team, 1, supervisee) for auditor, supervisee, team in due]
    if rule.mode == ProgrammeRule.Mode.TEAM:
        return [(person, team, number, None) for person, team, number in sessions_due(rule)]
    return [
        (person, team, number, None) for person, team in people_for_rule(rule) for number in range(1, rule.count + 1)
    ]


def _template_for(rule: ProgrammeRule, month: int, timetable: dict[int, int]):
    return rule.template_id or timetable.get(month)


@dataclass
class RunReport:
    council: str
    period: dt.date
    expected_created: int = 0
    samples_created: int = 0
    skipped: bool = False
    error: str = ""


def _month_expectations(
    *, council: Council, period: dt.date
) -> tuple[list[ExpectedReview], list[ProgrammeRule], list[ProgrammeRule]]:
    """The month's expected reviews (unsaved), and the rules that draw case samples and supervision
    files for it."""
    programme = programme_for(council=council, period=period)
    sample_rules: list[ProgrammeRule] = []
    supervisee_rules: list[ProgrammeRule] = []
    rows: list[ExpectedReview] = []
    if programme is None:
        return rows, sample_rules, supervisee_rules
    timetable = dict(programme.timetable.values_list("month", "template_id"))
    due = last_working_day(period)
    for rule in programme.rules.all():
        if period.month not in rule.months:
            continue
        template_id = _template_for(rule, period.month, timetable)
        if template_id is None:
            continue
        if rule.mode == ProgrammeRule.Mode.SAMPLE:
            sample_rules.append(rule)
        if rule.mode == ProgrammeRule.Mode.SUPERVISEE:
            supervisee_rules.append(rule)
        rows += [
            ExpectedReview(
                council=council,
                rule=rule,
                period=period,
                number=number,
                person_id=person_id,
                subject_id=subject_id,
                team_id=team_id,
                template_id=template_id,
                kind=rule.kind,
                due_date=due,
            )
            for person_id, team_id, number, subject_id in _expected_of(rule, period, template_id, programme)
        ]
    return rows, sample_rules, supervisee_rules


def expected_reviews_for(*, council: Council, period: dt.date) -> list[ExpectedReview]:
    """What the programme expects of the council in a month, unsaved (the demo's year of history is
    written from it, as the monthly run would have)."""
    return _month_expectations(council=council, period=month_start(period))[0]


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
        rows, sample_rules, supervisee_rules = _month_expectations(council=council, period=period)
        if rows or sample_rules or supervisee_rules:
            before = ExpectedReview.objects.filter(council=council, period=period).count()
            ExpectedReview.objects.bulk_create(rows, ignore_conflicts=True)
            report.expected_created = ExpectedReview.objects.filter(council=council, period=period).count() - before
            report.samples_created = _build_samples(council=council, period=period, rules=sample_rules)
            _allocate_supervision_files(council=council, period=period, rules=supervisee_rules)
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


def _allocate_supervision_files(*, council: Council, period: dt.date, rules: list[ProgrammeRule]) -> None:
    """A review about a supervisee (Coventry's supervision audit, practice observation) has nothing to
    choose: it is allocated to the person the line relationship names as soon as it is expected. One
    the rules refuse (someone's line changed since) stays on the programme page, unallocated."""
    waiting = ExpectedReview.objects.filter(
        council=council, period=period, rule__in=rules, review__isnull=True, subject__isnull=False
    ).select_related("subject", "person", "template")
    for expected in waiting:
        version = current_version(template=expected.template)
        if version is None or version.subject != Subject.SUPERVISEE:
            continue  # the supervisor chooses which of the supervisee's cases (practice standards audit)
        try:
            expected_allocate(
                expected=expected,
                case=review_services.supervision_file_for(council=council, supervisee=expected.subject),
                by=None,
            )
        except ValidationError as exc:
            logger.warning("Not allocated: %s (%s)", expected, "; ".join(exc.messages))


# --- case samples --------------------------------------------------------------------------------


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
        _announce(sample)
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
    cases = dict(Case.objects.filter(council=council, about=Subject.CASE).values_list("pin", "pk"))
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
        if problems:
            message = "; ".join(str(p) for p in problems)
            result.errors.append((line, message[0].upper() + message[1:] + "."))
        elif gm is not None and case_id is not None:
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
            result.cases += _apply_upload(
                council=council, period=period, group_manager_id=gm, case_ids=case_ids, recent=recent
            )
            result.samples += 1
    return result


def _apply_upload(
    *, council: Council, period: dt.date, group_manager_id: int, case_ids: list[int], recent: set[int]
) -> int:
    """Derbyshire PSR/SPSR guidance: "10 PINs per group manager will be sourced from the Management
    Information team (MIT)". MIT's list is the primary source: it replaces a sample drawn that morning
    while nothing has been allocated from it; once allocation has started it adds its PINs that are
    not in the sample already (what was allocated stays as it is). Returns the PINs added."""
    # Locked: an allocation from this sample and the upload never interleave.
    sample = (
        CaseSample.objects.select_for_update()
        .filter(council=council, period=period, group_manager_id=group_manager_id)
        .first()
    )
    if sample is None:
        sample = CaseSample.objects.create(
            council=council, period=period, group_manager_id=group_manager_id, source=CaseSample.Source.UPLOAD
        )
    elif not _allocated_from(sample):
        sample.cases.all().delete()
        sample.source, sample.seed = CaseSample.Source.UPLOAD, ""
        sample.save(update_fields=["source", "seed"])
    have = set(sample.cases.values_list("case_id", flat=True))
    new = [case_id for case_id in case_ids if case_id not in have]
    last = sample.cases.count()
    SampleCase.objects.bulk_create(
        SampleCase(
            council=council, sample=sample, case_id=case_id, position=last + i, reviewed_recently=case_id in recent
        )
        for i, case_id in enumerate(new, start=1)
    )
    _replace_recently_reviewed(sample, recent)
    _announce(sample)
    return len(new)


def _allocated_from(sample: CaseSample) -> bool:
    case_ids = sample.cases.values("case_id")
    return (
        ExpectedReview.objects.filter(council=sample.council, period=sample.period, review__case_id__in=case_ids)
        .exclude(review__status=Review.Status.CANCELLED)
        .exists()
    )


def _reviews_needed(sample: CaseSample) -> int:
    """How many reviews the month's sample rules ask of the people in the group manager's teams."""
    programme = programme_for(council=sample.council, period=sample.period)
    if programme is None:
        return 0
    teams = set(teams_over(council=sample.council, user=sample.group_manager).values_list("pk", flat=True))
    return sum(
        rule.count
        for rule in programme.rules.filter(mode=ProgrammeRule.Mode.SAMPLE)
        if sample.period.month in rule.months
        for _person, team_id in people_for_rule(rule)
        if team_id in teams
    )


def _announce(sample: CaseSample) -> None:
    """The group manager hears their sample is ready once it has committed (send-once, so a re-run or
    a retried task never tells them twice)."""
    outbox.enqueue(notifications.notify_sample_ready.name, [sample.council_id, sample.pk])


def _replace_recently_reviewed(sample: CaseSample, recent: set[int]) -> None:
    """A PIN reviewed in the look-back window is not offered, and the MI team is told. "Another PIN must
    be allocated (from the list of 10)": the group manager's other PINs come first; only when they are
    too few for the month's reviews are more drawn."""
    flagged = list(sample.cases.filter(reviewed_recently=True).select_related("case"))
    if not flagged:
        return
    outbox.enqueue(notifications.notify_mi_team.name, [sample.council_id, sample.pk])
    usable = sample.cases.filter(reviewed_recently=False).count()
    shortfall = min(len(flagged), max(0, _reviews_needed(sample) - usable))
    if not shortfall:
        return
    teams = list(teams_over(council=sample.council, user=sample.group_manager).values_list("pk", flat=True))
    taken = set(sample.cases.values_list("case_id", flat=True))
    extra = draw_cases(
        council=sample.council,
        team_ids=teams,
        seed=f"{sample.pk}:replacements",
        exclude=recent | taken,
        size=shortfall,
    )
    last = sample.cases.count()
    SampleCase.objects.bulk_create(
        SampleCase(council=sample.council, sample=sample, case_id=case_id, position=last + i)
        for i, case_id in enumerate(extra, start=1)
    )


# --- allocating and starting expected reviews ---------------------------------------------------


@transaction.atomic
def expected_allocate(*, expected: ExpectedReview, case: Case, by: User | None, delegate: User | None = None) -> Review:
    """Allocate a case (from the sample, or the person's own choice) to an expected review. The peer,
    role and look-back rules are the same as for any review. `by` None: the programme itself."""
    # Re-read under a lock: two group managers (or two tabs) allocating the same expected review at
    # once are serialised, and the second is told it is already allocated.
    current = (
        ExpectedReview.objects.select_for_update(of=("self",))
        .select_related("review__case")
        .get(council=expected.council, pk=expected.pk)
    )
    if current.review_id and current.review.status != Review.Status.CANCELLED:
        raise ValidationError(_("This review has already been allocated (%(case)s).") % {"case": current.review.case})
    if expected.rule.mode == ProgrammeRule.Mode.TEAM and case.team_id != expected.team_id:
        raise ValidationError(_("This session is for %(team)s: choose one of its cases.") % {"team": expected.team})
    if expected.subject_id and case.responsible_worker_id != expected.subject_id:
        raise ValidationError(
            _("This audit is of %(person)s's practice: choose one of their cases.") % {"person": expected.subject}
        )
    review = review_services.review_allocate(
        council=expected.council,
        template=expected.template,
        case=case,
        reviewer=expected.person,
        by=by,
        kind=expected.kind,
        period=expected.period,
        due_date=expected.due_date,
        delegate=delegate,
    )
    expected.review = review
    expected.save(update_fields=["review"])
    return review


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
    programme.timetable.all().delete()
    TimetableEntry.objects.bulk_create(
        TimetableEntry(council=programme.council, programme=programme, month=month, template_id=template_id)
        for month, template_id in sorted(months.items())
        if template_id
    )

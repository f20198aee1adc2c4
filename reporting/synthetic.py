"""Synthetic national data: N councils × ten years of audits, for measuring the service at the scale of
every English council with adult social care duties (about 150) — never for a real deployment.

Each council takes one of the four launch catalogues and programmes in turn, and gets teams, staff
and cases. Its years of work are written as its programme would have asked for them: each month
the people a rule names are expected to complete their reviews; nine in ten are completed (fewer in
early years, more later), a few are left in progress or never started, and some additional reviews
are done besides. Reviews and expected reviews are written from Python with PostgreSQL's COPY; what
completed reviews hold (ratings, answers, the summary, the person's feedback, QA plan actions,
escalations, best practice, moderation) is generated inside PostgreSQL with INSERT … SELECT, with a
seeded random(): millions of rows, none of them through Python. Teams lean a little better or worse
than others, and practice improves a little year on year, so dashboards have something to show.

Resumable: a council whose reviews are written is not written again, and the generated records are
written for councils that do not yet have them. `VACUUM (ANALYZE)` at the end, so the planner knows the
sizes and autovacuum has nothing left to do."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audits.models import AuditProgramme, ProgrammeRule, Review, SectionText, TimetableEntry
from audits.programme.loading import load_programme, programme_definition
from qaportal import demo
from qaportal.calendar import add_months
from qaportal.models import Council, Membership, Team, User
from qaportal.roles import Role, TeamKind
from standards.catalogue_io import CATALOGUES, import_catalogue
from standards.models import ReviewTemplate, SectionKind, Subject
from standards.selectors import current_versions

BASES = ["derbyshire", "somerset", "lincolnshire", "coventry"]
SLUG = "synthetic-{:03d}"
TEAMS = 10
# Of the programme's expected reviews in a month: completed, left in progress, never started (the
# first year; each later year completes a little more).
OUTCOMES = [0.86, 0.05, 0.09]
ADDITIONAL = 0.06  # additional reviews, beyond the programme, as a share of its expected ones
PERSON_MODES = {ProgrammeRule.Mode.SAMPLE, ProgrammeRule.Mode.DIRECT, ProgrammeRule.Mode.DRAWN}


@dataclass
class Summary:
    councils: int = 0
    reviews: int = 0
    expected: int = 0
    steps: list[tuple[str, float]] = field(default_factory=list)


def load_synthetic(
    *, councils: int, years: int, reviews_a_year: int = 710, seed: int = 1, say: Callable[[str], None] = print
) -> Summary:
    """Write `councils` synthetic councils with `years` years of audits each (about `reviews_a_year` a
    year each) and everything completed reviews hold; return what was written and how long each step took."""
    if connection.vendor != "postgresql":
        raise RuntimeError("Synthetic national data is written with PostgreSQL's COPY: run it on PostgreSQL.")
    summary = Summary()
    this_month = timezone.localdate().replace(day=1)
    password = make_password(demo.DEMO_PASSWORD)
    start = time.perf_counter()
    with scopes_disabled():
        for n in range(councils):
            slug = SLUG.format(n)
            if Review.objects.filter(council__slug=slug).exists():
                continue
            council = _council(n, slug, password)
            rng = random.Random(f"{seed}-{slug}")
            reviews, expected = _write_work(council, years, reviews_a_year, this_month, rng, password)
            summary.councils += 1
            summary.reviews += reviews
            summary.expected += expected
            if summary.councils % 10 == 0:
                say(f"  {summary.councils} councils, {summary.reviews:,} reviews ({time.perf_counter() - start:.0f} s)")
        summary.steps.append(("councils, people, cases, reviews and expected reviews", time.perf_counter() - start))
        summarised = SectionText.objects.filter(council=OuterRef("pk"), kind=SectionKind.SUMMARY)
        pending = list(
            Council.objects.filter(slug__startswith="synthetic-")
            .exclude(Exists(summarised))
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
            _without_foreign_key_triggers(cursor)
            for name, sql in OUTCOME_SQL:
                step = time.perf_counter()
                if pending:
                    cursor.execute(sql, {"councils": pending, "today": timezone.localdate()})
                summary.steps.append((name, time.perf_counter() - step))
                say(f"  {name}: {time.perf_counter() - step:.0f} s")
            cursor.execute("RESET session_replication_role")
            step = time.perf_counter()
            # VACUUM as well as ANALYZE, as after any bulk load: millions of new rows would otherwise
            # have autovacuum visit them minutes later, taking the CPU from whoever is using the
            # service then (the benchmark's section page lost a quarter of its speed to it on 2 cores).
            # VACUUM cannot run inside a transaction: a caller holding one gets ANALYZE alone.
            vacuum = not connection.in_atomic_block
            cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
            summary.steps.append(("VACUUM and ANALYZE" if vacuum else "ANALYZE", time.perf_counter() - step))
    return summary


def _without_foreign_key_triggers(cursor) -> None:
    """Millions of generated rows each queue a deferred foreign-key check until commit: most of the time
    and memory of writing them. Every id they hold is read from the rows they point to in the same
    statement, so the checks can be skipped, as pg_restore does (`replica` needs a superuser: the
    benchmark's throwaway cluster has one; elsewhere the checks run, only slower)."""
    try:
        with transaction.atomic():
            cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        pass


# --- councils, people and cases -------------------------------------------------------------------


@transaction.atomic
def _council(n: int, slug: str, password: str) -> Council:
    base = BASES[n % len(BASES)]
    council = Council.objects.filter(slug=slug).first() or Council.objects.create(
        slug=slug, name=f"Synthetic Council {n:03d}"
    )
    with scope(council=council):
        if not ReviewTemplate.objects.filter(council=council).exists():
            data = json.loads((CATALOGUES / f"{base}.json").read_text(encoding="utf-8"))
            import_catalogue(council=council, data={**data, "council": slug})
        programme = programme_definition(base)
        if programme is not None and not AuditProgramme.objects.filter(council=council).exists():
            load_programme(council, data={**programme, "council": slug})
    return council


@dataclass(frozen=True)
class Ask:
    """A programme rule, with the form it asks for in each month (its own, or the timetable's)."""

    rule: ProgrammeRule
    templates: dict[int, int]

    def covers(self, team: Team) -> bool:
        rule = self.rule
        return (not rule.team_kind or team.kind == rule.team_kind) and team.kind != rule.except_team_kind

    def months_of(self, supervisee: int) -> set[int]:
        """For a rule for each supervisee: the months their `count` reviews a year fall in, spread out."""
        count = max(1, self.rule.count)
        return {(supervisee + k * 12 // count) % 12 + 1 for k in range(count)}


def _asks(council: Council) -> list[Ask]:
    """The programme's rules that ask for reviews of cases, by people or for each supervisee (not group
    sessions or audits of staff, which the national figures do not need)."""
    case_templates = {
        v.template_id
        for v in current_versions(council=council)
        if v.subject == Subject.CASE and v.completion != "group"
    }
    timetable = dict(TimetableEntry.objects.filter(council=council).values_list("month", "template_id"))
    asks = []
    for rule in ProgrammeRule.objects.filter(council=council).order_by("pk"):
        if rule.mode not in PERSON_MODES | {ProgrammeRule.Mode.SUPERVISEE}:
            continue
        months = rule.months or list(range(1, 13))
        templates = {m: t for m in months if (t := rule.template_id or timetable.get(m)) in case_templates}
        if templates:
            asks.append(Ask(rule, templates))
    return asks


def _staff(council: Council, asks: list[Ask], reviews_a_year: int, password: str):
    """Teams of the kinds the rules name; enough people with each rule's role to be asked for about
    `reviews_a_year` reviews a year; a service manager in every team (who supervises its staff), a group
    manager over each pair of teams, and two moderators."""
    kinds = [TeamKind.LONG_TERM] + sorted({a.rule.team_kind for a in asks if a.rule.team_kind} - {TeamKind.LONG_TERM})
    teams = Team.objects.bulk_create(
        Team(council=council, name=f"Team {t + 1}", kind=kinds[t % len(kinds)]) for t in range(TEAMS)
    )
    # Reviews a year asked of (or, for a supervisee, because of) one person with each role, on average
    # over the teams the role's rules cover.
    yearly: dict[str, float] = {}
    for role in {a.rule.role for a in asks}:
        per_team = [
            sum(
                a.rule.count * (1 if a.rule.mode == ProgrammeRule.Mode.SUPERVISEE else len(a.templates))
                for a in asks
                if a.rule.role == role and a.covers(t)
            )
            for t in teams
        ]
        yearly[role] = sum(per_team) / max(1, sum(n > 0 for n in per_team))
    # As many people with each role as `reviews_a_year` needs, spread over the teams its rules cover.
    each = max(1, round(reviews_a_year / (1 + ADDITIONAL) / max(sum(yearly.values()), 1)))
    people: list[tuple[str, Team | None]] = []
    for role in sorted(yearly):
        covered = [t for t in teams if any(a.rule.role == role and a.covers(t) for a in asks)]
        people += [(role, covered[i % len(covered)]) for i in range(each)]
    if any(a.rule.mode == ProgrammeRule.Mode.SUPERVISEE for a in asks) or Role.SERVICE_MANAGER not in yearly:
        people += [(Role.SERVICE_MANAGER, team) for team in teams]  # who supervise the team's staff
    people += [(Role.GROUP_MANAGER, teams[t]) for t in range(0, TEAMS, 2)]
    people += [(Role.MODERATOR, None), (Role.MODERATOR, None)]
    users = User.objects.bulk_create(
        User(email=f"{role}.{i}@{council.slug}.synthetic.example", password=password, first_name="Synthetic",
             last_name=f"{Role(role).label} {i}")
        for i, (role, _team) in enumerate(people)
    )  # fmt: skip
    members = [
        Membership(council=council, user=user, role=role, team=team)
        for user, (role, team) in zip(users, people, strict=True)
    ]
    # Each group manager is over the next team too.
    members += [
        Membership(council=council, user=users[i], role=Role.GROUP_MANAGER, team=teams[teams.index(team) + 1])
        for i, (role, team) in enumerate(people)
        if role == Role.GROUP_MANAGER and team is not None and teams.index(team) + 1 < TEAMS
    ]
    Membership.objects.bulk_create(members)
    return teams, members


def _cases(council: Council, teams: list[Team], count: int) -> dict[int, list[int]]:
    per_team = -(-count // len(teams))
    rows = [
        (council.pk, f"S{council.pk:04d}{t:02d}{c:05d}", team.pk, Subject.CASE)
        for t, team in enumerate(teams)
        for c in range(per_team)
    ]
    ids = _copy("audits_case", ["council_id", "pin", "team_id", "about", "created_at"], [(*r, _NOW) for r in rows])
    by_team: dict[int, list[int]] = defaultdict(list)
    for row, pk in zip(rows, ids, strict=True):
        by_team[row[2]].append(pk)
    return by_team


# --- the years of work ------------------------------------------------------------------------------

_NOW = timezone.now()  # when the rows were written (created_at)

REVIEW_COLUMNS = [
    "council_id",
    "template_version_id",
    "case_id",
    "reviewer_id",
    "allocated_by_id",
    "kind",
    "status",
    "period",
    "due_date",
    "created_at",
    "started_at",
    "submitted_at",
    "authorised_at",
    "authorised_by_id",
    "authoriser_comments",
    "no_qa_actions",
]
EXPECTED_COLUMNS = [
    "council_id",
    "rule_id",
    "period",
    "number",
    "person_id",
    "team_id",
    "template_id",
    "kind",
    "due_date",
    "review_id",
    "created_at",
    "subject_id",
]


@transaction.atomic
def _write_work(
    council: Council, years: int, reviews_a_year: int, this_month: dt.date, rng: random.Random, password: str
) -> tuple[int, int]:
    asks = _asks(council)
    teams, members = _staff(council, asks, reviews_a_year, password)
    cases = _cases(council, teams, int(reviews_a_year * 1.1))
    versions = {v.template_id: v for v in current_versions(council=council)}
    team_of = {t.pk: t for t in teams}
    managers = {m.team_id: m.user_id for m in members if m.role == Role.GROUP_MANAGER}
    supervisors: dict[int | None, Membership] = {}
    by_role: dict[str, list[Membership]] = defaultdict(list)
    for m in members:
        by_role[m.role].append(m)
        if m.role == Role.SERVICE_MANAGER:
            supervisors.setdefault(m.team_id, m)
    next_case: dict[int, int] = defaultdict(int)

    def case_of(team: int) -> tuple[int, int]:
        # Each of the team's cases in turn: a case is reviewed about once a year.
        i = next_case[team]
        next_case[team] += 1
        return cases[team][i % len(cases[team])], team

    def peer_case(reviewer_team: int) -> tuple[int, int]:
        others = [t.pk for t in teams if t.pk != reviewer_team]
        return case_of(others[rng.randrange(len(others))])

    reviews: list[list] = []
    expected: list[list] = []  # the review's index in `reviews`, or None, in place of its id
    for back in range(years * 12, 0, -1):
        month = add_months(this_month, -back)
        due = add_months(month, 1) - dt.timedelta(days=1)
        age = back // 12  # years ago: practice improves, and more of the programme is done, year on year
        weights = [OUTCOMES[0] + 0.01 * (years - age), OUTCOMES[1], OUTCOMES[2]]
        asked = 0
        for ask in asks:
            rule, template_id = ask.rule, ask.templates.get(month.month)
            if template_id is None:
                continue
            for member in by_role[rule.role]:
                team = member.team_id
                if team is None or not ask.covers(team_of[team]):
                    continue
                if rule.mode == ProgrammeRule.Mode.SUPERVISEE:
                    if month.month not in ask.months_of(member.user_id):
                        continue
                    # Asked of their supervisor (a service manager's, of the group manager), on a case they hold.
                    reviewer_id = supervisors[team].user_id
                    if reviewer_id == member.user_id:
                        reviewer_id = managers[team]
                    subject, numbers, own = member.user_id, range(1, 2), True
                else:
                    reviewer_id, subject, numbers = member.user_id, None, range(1, rule.count + 1)
                    own = rule.kind == "self"
                for number in numbers:
                    asked += 1
                    outcome = rng.choices(("completed", "in_progress", "unstarted"), weights)[0]
                    index = None
                    if outcome != "unstarted":
                        index = len(reviews)
                        reviews.append(
                            _review(
                                council,
                                rng,
                                versions[template_id],
                                reviewer_id,
                                case_of(team) if own else peer_case(team),
                                managers,
                                month,
                                due,
                                rule.kind,
                                completed=outcome == "completed",
                            )
                        )
                    expected.append([council.pk, rule.pk, month, number, reviewer_id, team,
                                     template_id, rule.kind, due, index, _NOW, subject])  # fmt: skip
        for _i in range(int(asked * ADDITIONAL + rng.random())):  # rounded at random: small councils too
            ask = rng.choice(asks)
            template_id = next(iter(ask.templates.values()))
            member = rng.choice([m for m in by_role[ask.rule.role] if m.team_id])
            reviews.append(_review(council, rng, versions[template_id], member.user_id, peer_case(member.team_id or 0),
                                   managers, month, due, "additional", completed=True))  # fmt: skip
    ids = _copy("audits_review", REVIEW_COLUMNS, reviews)
    for row in expected:
        row[9] = ids[row[9]] if row[9] is not None else None
    _copy("audits_expectedreview", EXPECTED_COLUMNS, expected)
    return len(reviews), len(expected)


def _review(council, rng, version, reviewer_id, case, managers, month, due, kind, *, completed: bool) -> list:
    case_id, case_team = case
    allocated = dt.datetime.combine(month + dt.timedelta(days=rng.randint(0, 3)), dt.time(9), tzinfo=dt.UTC)
    submitted = allocated + dt.timedelta(days=rng.randint(5, 22), hours=rng.randint(0, 6)) if completed else None
    needs = version.requires_authorisation
    authorised = submitted + dt.timedelta(days=rng.randint(1, 6)) if submitted and needs else None
    status = (
        Review.Status.IN_PROGRESS if not completed else Review.Status.AUTHORISED if needs else Review.Status.SUBMITTED
    )
    manager = managers.get(case_team)  # the group manager over the case's team allocates and authorises
    started = allocated + dt.timedelta(days=2)
    return [council.pk, version.pk, case_id, reviewer_id, manager, kind, status, month, due, allocated,
            started, submitted, authorised, manager if authorised else None, "", False]  # fmt: skip


def _copy(table: str, columns: list[str], rows: list) -> list[int]:
    """COPY `rows` into `table` with ids taken from its sequence in one step; return the ids, in order."""
    if not rows:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + len(rows) - 1])
        names = ", ".join(f'"{c}"' for c in ["id", *columns])
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for i, row in enumerate(rows):
                copy.write_row((first + i, *row))
    return list(range(first, first + len(rows)))


# --- what completed reviews hold, generated in PostgreSQL -------------------------------------------

# Completed reviews of the councils being written, with their scale, the case's team's lean (-0.1 to
# 0.1: teams differ) and how many years ago (practice improves a little each year). `x` is a uniform
# draw skewed by both: lower is better, as levels are ordered best first.
_COMPLETED = """
    SELECT r.id, r.council_id, r.template_version_id AS version_id, v.scale_id, r.reviewer_id,
           r.authorised_by_id, r.submitted_at, c.team_id,
           (mod(abs(hashtext(c.team_id::text)), 21) - 10) / 100.0
             + (EXTRACT(YEAR FROM age(%(today)s::date, r.period)))::int * 0.015 AS lean
    FROM audits_review r
    JOIN standards_templateversion v ON v.id = r.template_version_id
    JOIN audits_case c ON c.id = r.case_id
    WHERE r.council_id = ANY(%(councils)s) AND r.status IN ('submitted', 'authorised')
"""
# The levels of each scale with the share of reviews given each (most work good, fewer at either
# end), as ranges of [0, 1): the same spread as the demo's history.
PICKS = """
    SELECT l.scale_id, l.id AS level_id, l.code,
           COALESCE(SUM(w.share) OVER (PARTITION BY l.scale_id ORDER BY l.rank
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lo,
           SUM(w.share) OVER (PARTITION BY l.scale_id ORDER BY l.rank) AS hi
    FROM (SELECT *, row_number() OVER (PARTITION BY scale_id ORDER BY "order") AS rank,
                 count(*) OVER (PARTITION BY scale_id) AS n
          FROM standards_scalelevel) l
    CROSS JOIN LATERAL (SELECT CASE l.n
        WHEN 2 THEN (ARRAY[0.8, 0.2])[l.rank]
        WHEN 3 THEN (ARRAY[0.2, 0.62, 0.18])[l.rank]
        WHEN 4 THEN (ARRAY[0.12, 0.5, 0.28, 0.1])[l.rank]
        ELSE 1.0 / l.n END AS share) w
"""


def _sections(kind: str) -> str:
    return f"(SELECT version_id FROM standards_templatesection WHERE kind = '{kind}')"


OUTCOME_SQL: list[tuple[str, str]] = [
    (
        "ratings (a level and evidence for each rated standard)",
        f"""
        WITH picks AS ({PICKS}), drawn AS (
            SELECT d.*, s.id AS standard_id, s.number,
                   LEAST(0.999, GREATEST(0, random() + d.lean)) AS x
            FROM ({_COMPLETED}) d JOIN standards_standard s ON s.version_id = d.version_id AND s.rated
        )
        INSERT INTO audits_standardrating (council_id, review_id, standard_id, level_id, evidence)
        SELECT d.council_id, d.id, d.standard_id, p.level_id,
               'Evidence in the case record for standard ' || d.number || '.'
        FROM drawn d LEFT JOIN picks p ON p.scale_id = d.scale_id AND d.x >= p.lo AND d.x < p.hi
        """,
    ),
    (
        "answers to the reviewer's questions",
        f"""
        WITH picks AS ({PICKS}), drawn AS (
            SELECT d.*, c.id AS criterion_id, c.answer_kind, random() AS x,
                   LEAST(0.999, GREATEST(0, random() + d.lean)) AS y
            FROM ({_COMPLETED}) d
            JOIN standards_standard s ON s.version_id = d.version_id AND s.answered_by = 'reviewer'
            JOIN standards_criterion c ON c.standard_id = s.id AND c.answer_kind <> 'date'
        )
        INSERT INTO audits_criterionanswer (council_id, review_id, criterion_id, answer, comment)
        SELECT d.council_id, d.id, d.criterion_id,
               CASE d.answer_kind
                   WHEN 'yes_partly_no' THEN CASE WHEN d.y < 0.6 THEN 'yes' WHEN d.y < 0.9 THEN 'partly' ELSE 'no' END
                   WHEN 'yes_no' THEN CASE WHEN d.y < 0.8 THEN 'yes' ELSE 'no' END
                   WHEN 'rating' THEN COALESCE(p.code, '')
                   ELSE 'Recorded in the case notes, with the person''s own words.'
               END,
               CASE WHEN d.x < 0.15 THEN 'See the assessment of ' || to_char(d.submitted_at, 'FMDD Month YYYY') || '.'
                    ELSE '' END
        FROM drawn d LEFT JOIN picks p ON d.answer_kind = 'rating' AND p.scale_id = d.scale_id
                                       AND d.y >= p.lo AND d.y < p.hi
        """,
    ),
    (
        "the person's feedback, or why there is none",
        f"""
        WITH drawn AS (SELECT d.*, random() + d.lean / 2 AS x, random() AS y FROM ({_COMPLETED}) d
                       WHERE d.version_id IN {_sections("feedback")})
        INSERT INTO feedback_reviewfeedback (council_id, review_id, given_by, feedback, anonymous,
                                             no_contact_reason, no_contact_detail)
        SELECT council_id, id,
               CASE WHEN x < 0.55 THEN 'person' WHEN x < 0.7 THEN 'representative'
                    WHEN x < 0.8 THEN 'professional' ELSE '' END,
               CASE WHEN x >= 0.8 THEN ''
                    WHEN y < 0.4 THEN 'The worker listened and explained what would happen next.'
                    WHEN y < 0.7 THEN 'Things have improved since the support started.'
                    WHEN y < 0.9 THEN 'It took a long time to hear back after the first visit.'
                    ELSE 'I was not told who my worker was when they changed.' END,
               false,
               CASE WHEN x < 0.8 THEN '' WHEN y < 0.6 THEN 'unreachable' WHEN y < 0.85 THEN 'declined'
                    ELSE 'inappropriate' END,
               ''
        FROM drawn
        """,
    ),
    (
        "QA plan actions (about half the reviews; most done by their date)",
        f"""
        WITH drawn AS (SELECT d.*, random() + d.lean AS x, random() AS y FROM ({_COMPLETED}) d
                       WHERE d.version_id IN {_sections("qa_plan")}),
             actions AS (
                SELECT d.*, n, (d.submitted_at + interval '30 days')::date AS due
                FROM drawn d CROSS JOIN generate_series(1, 2) n
                WHERE d.x > 0.5 AND (n = 1 OR d.y < 0.3))
        INSERT INTO audits_qaplanaction (council_id, review_id, "order", description, owner, owner_person_id,
                                         due_date, completed_at, status, status_by_id, status_note)
        SELECT council_id, id, n,
               CASE WHEN mod(id + n, 3) = 0 THEN 'Record the person''s views on the support plan.'
                    WHEN mod(id + n, 3) = 1 THEN 'Offer the carer an assessment of their own.'
                    ELSE 'Record the reason for the decision on mental capacity.' END,
               'allocated worker', NULL, due,
               CASE WHEN due < %(today)s AND y < 0.85 THEN due - mod(id, 20)::int END,
               CASE WHEN due < %(today)s AND y < 0.85 THEN 'done' ELSE 'open' END, NULL, ''
        FROM actions
        """,
    ),
    (
        "escalations (about 4 in 100)",
        f"""
        INSERT INTO audits_escalation (council_id, review_id, concern, detail, raised_at, notified_at,
                                       acknowledged_at, acknowledged_by_id, raised_by_id)
        SELECT council_id, id, (ARRAY['safety', 'risk', 'legality'])[1 + mod(id, 3)],
               'The risk assessment does not reflect the concerns the family raised.', submitted_at,
               submitted_at, submitted_at + interval '1 day', authorised_by_id, reviewer_id
        FROM ({_COMPLETED}) d
        WHERE d.version_id IN {_sections("escalation")} AND random() < 0.04
        """,
    ),
    (
        "best practice noticed (about 1 in 10)",
        f"""
        INSERT INTO audits_bestpracticenotice (council_id, review_id, text, raised_at, shared_at, shared_how,
                                               raised_by_id)
        SELECT council_id, id, 'A clear, warm record of the person''s own goals, reviewed with them.', submitted_at,
               CASE WHEN mod(id, 2) = 0 THEN (submitted_at + interval '20 days')::date END,
               CASE WHEN mod(id, 2) = 0 THEN 'Team meeting' ELSE '' END, reviewer_id
        FROM ({_COMPLETED}) d
        WHERE d.version_id IN {_sections("best_practice")} AND random() - d.lean < 0.1
        """,
    ),
    (
        "moderation rounds (one a quarter, four reviews each, with verdicts)",
        f"""
        WITH quarters AS (
            SELECT DISTINCT d.council_id, date_trunc('quarter', d.submitted_at)::date AS q
            FROM ({_COMPLETED}) d WHERE d.scale_id IS NOT NULL),
        rounds AS (
            INSERT INTO moderation_moderationround (council_id, name, period_start, period_end, template_keys,
                sample_rule, amount, seed, closes_on, status, schedule, created_at, cancel_reason, closed_at)
            SELECT council_id, 'Moderation ' || to_char(q, 'Mon YYYY') || ' to '
                   || to_char(q + interval '2 months', 'Mon YYYY'),
                   q, (q + interval '3 months' - interval '1 day')::date, '[]'::jsonb, 'per_member', 2,
                   'synthetic', (q + interval '4 months')::date, 'closed', '', q + interval '3 months', '',
                   q + interval '4 months'
            FROM quarters
            RETURNING id, council_id, period_start, period_end),
        chosen AS (
            SELECT ro.id AS round_id, ro.council_id, d.id AS review_id,
                   row_number() OVER (PARTITION BY ro.id ORDER BY random()) AS position
            FROM rounds ro JOIN ({_COMPLETED}) d ON d.council_id = ro.council_id AND d.scale_id IS NOT NULL
                 AND d.submitted_at::date BETWEEN ro.period_start AND ro.period_end),
        assignments AS (
            INSERT INTO moderation_assignment (council_id, round_id, review_id, moderator_id, position, created_at)
            SELECT c.council_id, c.round_id, c.review_id,
                   (SELECT m.user_id FROM qaportal_membership m WHERE m.council_id = c.council_id
                    AND m.role = 'moderator' ORDER BY m.user_id OFFSET mod(c.position, 2) LIMIT 1),
                   c.position, now()
            FROM chosen c WHERE c.position <= 4
            RETURNING id, council_id, review_id, round_id),
        verdicts AS (
            INSERT INTO moderation_verdict (council_id, assignment_id, status, quality, practice, feedback, version,
                draft_data, updated_at, submitted_at)
            SELECT a.council_id, a.id, 'submitted', '', 'Sound, proportionate work.', '', 1, '{{}}'::jsonb,
                   ro.period_end + interval '10 days', ro.period_end + interval '10 days'
            FROM assignments a JOIN rounds ro ON ro.id = a.round_id
            RETURNING id, council_id, assignment_id)
        INSERT INTO moderation_standardverdict (council_id, verdict_id, rating_id, agrees, level_id, final_level_id,
                                                reason, resolution)
        SELECT v.council_id, v.id, sr.id, x < 0.85,
               CASE WHEN x < 0.85 THEN sr.level_id ELSE
                   (SELECT l.id FROM standards_scalelevel l JOIN standards_scalelevel o ON o.scale_id = l.scale_id
                    WHERE o.id = sr.level_id AND l.id <> sr.level_id ORDER BY abs(l."order" - o."order"), l.id
                    LIMIT 1) END,
               sr.level_id,
               CASE WHEN x < 0.85 THEN '' ELSE 'The evidence recorded does not support this rating.' END, ''
        FROM verdicts v JOIN assignments a ON a.id = v.assignment_id
        JOIN LATERAL (SELECT s.*, random() AS x FROM audits_standardrating s WHERE s.review_id = a.review_id) sr
             ON sr.level_id IS NOT NULL
        """,
    ),
    # Last: a council with its summaries has everything (see `load_synthetic`'s resumption).
    (
        "summaries",
        f"""
        INSERT INTO audits_sectiontext (council_id, review_id, kind, text)
        SELECT council_id, id, 'summary',
               (ARRAY['A strengths-based assessment with the person''s own words recorded throughout.',
                      'Good evidence of working with the family; the support plan needs to reflect the outcomes.',
                      'Clear recording of risk and the decisions taken.',
                      'Timely, proportionate work with a clear rationale for the support arranged.'])[1 + mod(id, 4)]
        FROM ({_COMPLETED}) d
        """,
    ),
]

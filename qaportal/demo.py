"""Demo councils, teams and staff for the local set-up. Deterministic and idempotent.

Team structures are plausible, not real: the seeds describe the councils' processes, not their org charts.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from .calendar import is_working_day
from .models import Council, Membership, SupervisionRelationship, Team, User
from .roles import Profession, Role, TeamKind

DEMO_PASSWORD = "demo-password-2026"

# Apps above this one add their own demo data (moderation rounds, …) for each council, in order,
# after its people, catalogue, cases and reviews are in place; `qaportal` never imports them.
DemoStep = Callable[[Council], str]
DEMO_STEPS: list[tuple[int, DemoStep]] = []


def register_demo_step(order: int):
    def decorator(step: DemoStep) -> DemoStep:
        DEMO_STEPS.append((order, step))
        DEMO_STEPS.sort(key=lambda item: item[0])
        return step

    return decorator


def run_demo_steps(council: Council) -> list[str]:
    """Each registered step for the council; each returns a line for the load's report (or "")."""
    return [line for _order, step in DEMO_STEPS if (line := step(council))]


def team_tilt(team_name: str, what: str) -> float:
    """How far a team leans from the council's average at `what` (the share of people reached for
    feedback, of QA actions done…), between -1 and 1: the same every load, and different per team,
    so the demo's dashboards have differences between teams to show."""
    return random.Random(f"{what}-{team_name}").uniform(-1, 1)


def office_moment(rng: random.Random, start: dt.datetime, end: dt.datetime, fraction: float) -> dt.datetime:
    """A moment about `fraction` of the way from `start` to `end`, as work is done: in office hours
    (9:00 to 17:00) on the working day nearest that point, and at least half an hour after `start`
    and before `end`."""
    earliest, latest = start + dt.timedelta(minutes=30), end - dt.timedelta(minutes=30)
    target = timezone.localtime(start + (end - start) * fraction).date()
    windows = []
    day = timezone.localtime(earliest).date()
    while day <= timezone.localtime(latest).date():
        opens = max(earliest, timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
        closes = min(latest, timezone.make_aware(dt.datetime.combine(day, dt.time(17))))
        if opens < closes:
            # A weekend or bank holiday only when the span has no working day (the past reviews'
            # dates are the history's, and a few fall over Easter).
            windows.append((not is_working_day(day), abs((day - target).days), day, opens, closes))
        day += dt.timedelta(days=1)
    if not windows:
        return earliest + (latest - earliest) * fraction
    *_nearest, opens, closes = min(windows)
    return opens + dt.timedelta(minutes=rng.randrange(max(1, int((closes - opens).total_seconds() // 60))))


# Known TOTP secrets (base32) for demo accounts whose role requires two-factor authentication,
# so a person trying the demo can add them to an authenticator app or run `manage.py demo_code`.
DEMO_TOTP_SECRETS = {
    "derbyshire": "JBSWY3DPEHPK3PXPDERBYSHR",
    "somerset": "JBSWY3DPEHPK3PXPSOMERSET",
    "lincolnshire": "JBSWY3DPEHPK3PXPLINCOLNS",
    "coventry": "JBSWY3DPEHPK3PXPCOVENTRY",
}


@dataclass(frozen=True)
class CouncilSpec:
    slug: str
    name: str
    department: str
    compliments_email: str
    complaints_email: str
    # (area, group manager's teams as (name, kind))
    areas: list[tuple[str, list[tuple[str, str]]]]
    pin_digits: int
    # Records who supervises whom: Coventry's framework audits supervision along these lines.
    records_supervision: bool = False


COUNCILS = [
    CouncilSpec(
        slug="derbyshire",
        name="Derbyshire County Council",
        department="Adult Social Care and Health",
        compliments_email="your.views@derbyshire.example",
        complaints_email="complaints@derbyshire.example",
        areas=[
            (
                "North Derbyshire",
                [
                    ("Chesterfield Long Term Team", TeamKind.LONG_TERM),
                    ("Bolsover and North East Derbyshire Long Term Team", TeamKind.LONG_TERM),
                    ("High Peak Long Term Team", TeamKind.LONG_TERM),
                ],
            ),
            (
                "South Derbyshire",
                [
                    ("Amber Valley Long Term Team", TeamKind.LONG_TERM),
                    ("Erewash Long Term Team", TeamKind.LONG_TERM),
                    ("South Derbyshire Long Term Team", TeamKind.LONG_TERM),
                ],
            ),
            (
                "Countywide",
                [
                    ("START North", TeamKind.START),
                    ("START South", TeamKind.START),
                    ("Occupational Therapy North", TeamKind.OT),
                    ("Occupational Therapy South", TeamKind.OT),
                    ("AMHP Service", TeamKind.AMHP),
                ],
            ),
        ],
        pin_digits=7,
    ),
    CouncilSpec(
        slug="somerset",
        name="Somerset Council",
        department="Adult Social Care",
        compliments_email="compliments@somerset.example",
        complaints_email="complaints@somerset.example",
        areas=[
            (
                "East Somerset",
                [
                    ("Mendip Locality Team", TeamKind.LONG_TERM),
                    ("South Somerset Locality Team", TeamKind.LONG_TERM),
                ],
            ),
            (
                "West Somerset",
                [
                    ("Taunton Locality Team", TeamKind.LONG_TERM),
                    ("Sedgemoor Locality Team", TeamKind.LONG_TERM),
                    ("West Somerset Locality Team", TeamKind.LONG_TERM),
                ],
            ),
            (
                "Countywide",
                [
                    ("Occupational Therapy Service", TeamKind.OT),
                    ("Safeguarding Hub", TeamKind.SAFEGUARDING),
                    ("Practice Development Team", TeamKind.PRACTICE_DEVELOPMENT),
                ],
            ),
        ],
        pin_digits=6,
    ),
    CouncilSpec(
        slug="lincolnshire",
        name="Lincolnshire County Council",
        department="Adult Care and Community Wellbeing",
        compliments_email="compliments@lincolnshire.example",
        complaints_email="complaints@lincolnshire.example",
        areas=[
            (
                "North Lincolnshire area",
                [
                    ("Lincoln Adult Care Team", TeamKind.LONG_TERM),
                    ("Gainsborough Adult Care Team", TeamKind.LONG_TERM),
                    ("Louth Adult Care Team", TeamKind.LONG_TERM),
                ],
            ),
            (
                "South Lincolnshire area",
                [
                    ("Boston Adult Care Team", TeamKind.LONG_TERM),
                    ("Grantham Adult Care Team", TeamKind.LONG_TERM),
                    ("Spalding Adult Care Team", TeamKind.LONG_TERM),
                ],
            ),
            (
                "Countywide",
                [
                    ("DoLS Team", TeamKind.DOLS),
                    ("Safeguarding Adults Team", TeamKind.SAFEGUARDING),
                ],
            ),
        ],
        pin_digits=8,
    ),
    CouncilSpec(
        slug="coventry",
        name="Coventry City Council",
        department="Adult Social Care",
        compliments_email="compliments@coventry.example",
        complaints_email="complaints@coventry.example",
        areas=[
            (
                "Localities",
                [
                    ("Coventry North Locality Team", TeamKind.LONG_TERM),
                    ("Coventry South Locality Team", TeamKind.LONG_TERM),
                    ("Coventry East Locality Team", TeamKind.LONG_TERM),
                ],
            ),
            (
                "Specialist services",
                [
                    ("Therapy Services", TeamKind.OT),
                    ("Mental Health AMHP Team", TeamKind.AMHP),
                    ("Promoting Independence", TeamKind.START),
                ],
            ),
        ],
        pin_digits=7,
        records_supervision=True,
    ),
]

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jade",
    "Kieran",
    "Laura",
    "Mohammed",
    "Natalie",
    "Owen",
    "Priya",
    "Rachel",
    "Sam",
    "Tom",
    "Uzma",
    "Victoria",
    "Will",
    "Yasmin",
    "Zoe",
    "Adam",
    "Bethany",
    "Callum",
    "Deborah",
    "Ellie",
    "Fraser",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Katie",
    "Liam",
]
LAST_NAMES = [
    "Ahmed",
    "Bennett",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morris",
    "Nolan",
    "Owen",
    "Patel",
    "Roberts",
    "Singh",
    "Taylor",
    "Walker",
    "Wright",
    "Young",
]

# Demo login per role per council: "<role>@<council>.example".
DEMO_LOGIN_ROLES = [
    Role.PRACTITIONER,
    Role.SENIOR_PRACTITIONER,
    Role.ADVANCED_PRACTITIONER,
    Role.SERVICE_MANAGER,
    Role.STRATEGIC_MANAGER,
    Role.GROUP_MANAGER,
    Role.MODERATOR,
    Role.PRINCIPAL_SOCIAL_WORKER,
    Role.QUALITY_TEAM,
    Role.DIRECTOR,
    Role.COUNCIL_ADMIN,
]


def demo_login_email(slug: str, role: str) -> str:
    return f"{role.replace('_', '.')}@{slug}.example"


@functools.cache
def _demo_password_hash() -> str:
    # Hashing once: a fresh hash per account costs about a quarter of a second each.
    return make_password(DEMO_PASSWORD)


class _People:
    def __init__(self, council: Council, rng: random.Random):
        self.council, self.rng = council, rng
        self.n = 0

    def person(self, *, email: str | None = None) -> User:
        self.n += 1
        first = FIRST_NAMES[(self.n * 7 + len(self.council.slug)) % len(FIRST_NAMES)]
        last = LAST_NAMES[(self.n * 5 + len(self.council.slug) * 3) % len(LAST_NAMES)]
        email = email or f"{first}.{last}.{self.n}@{self.council.slug}.example".lower()
        user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
        if created:
            user.password = _demo_password_hash()
            user.save(update_fields=["password"])
        return user

    def give(self, user: User, role: str, team: Team | None = None, profession: str = "") -> None:
        Membership.objects.get_or_create(
            council=self.council, user=user, role=role, team=team, defaults={"profession": profession}
        )


@transaction.atomic
def load_council(spec: CouncilSpec) -> Council:
    council, _ = Council.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "department": spec.department,
            "compliments_email": spec.compliments_email,
            "complaints_email": spec.complaints_email,
            "quality_team_email": f"quality@{spec.slug}.example",
            "mi_team_email": f"mi.team@{spec.slug}.example",
        },
    )
    rng = random.Random(spec.slug)
    with scope(council=council):
        people = _People(council, rng)
        professions = [Profession.SOCIAL_WORKER, Profession.ADULT_SOCIAL_CARE_PRACTITIONER]
        first_team: Team | None = None
        for area_index, (area, teams) in enumerate(spec.areas):
            group_manager = people.person(
                email=demo_login_email(spec.slug, Role.GROUP_MANAGER) if area_index == 0 else None
            )
            for team_index, (team_name, kind) in enumerate(teams):
                team, _ = Team.objects.get_or_create(
                    council=council, name=team_name, defaults={"kind": kind, "service": area}
                )
                first_team = first_team or team
                people.give(group_manager, Role.GROUP_MANAGER, team)
                if kind == TeamKind.PRACTICE_DEVELOPMENT:
                    # Practice development advanced practitioners (Somerset's PDAPs) hold no cases.
                    for _i in range(2):
                        people.give(people.person(), Role.ADVANCED_PRACTITIONER, team)
                    continue

                is_first = area_index == 0 and team_index == 0
                people.give(
                    people.person(email=demo_login_email(spec.slug, Role.SERVICE_MANAGER) if is_first else None),
                    Role.SERVICE_MANAGER,
                    team,
                )
                people.give(
                    people.person(email=demo_login_email(spec.slug, Role.SENIOR_PRACTITIONER) if is_first else None),
                    Role.SENIOR_PRACTITIONER,
                    team,
                )
                for i in range(2):
                    profession = (
                        Profession.OCCUPATIONAL_THERAPIST
                        if kind == TeamKind.OT and i == 0
                        else Profession.OT_ASSISTANT
                        if kind == TeamKind.OT
                        else professions[(team_index + i) % 2]
                    )
                    email = demo_login_email(spec.slug, Role.PRACTITIONER) if is_first and i == 0 else None
                    people.give(people.person(email=email), Role.PRACTITIONER, team, profession)
        assert first_team is not None
        # Council-wide roles.
        # A strategic manager answers for an area: their membership is in a team of the first one.
        for role in [Role.ADVANCED_PRACTITIONER, Role.STRATEGIC_MANAGER]:
            people.give(people.person(email=demo_login_email(spec.slug, role)), role, first_team)
        for role in [
            Role.MODERATOR,
            Role.PRINCIPAL_SOCIAL_WORKER,
            Role.QUALITY_TEAM,
            Role.DIRECTOR,
            Role.COUNCIL_ADMIN,
        ]:
            people.give(people.person(email=demo_login_email(spec.slug, role)), role)
        # A second moderator and quality team member, as panels and teams have more than one person.
        people.give(people.person(), Role.MODERATOR)
        people.give(people.person(), Role.QUALITY_TEAM)
        if spec.records_supervision:
            _record_supervision(council)
        _activate_demo_mfa(council)
    return council


# Who supervises whom in a team: practitioners by the senior practitioner, the senior practitioner by
# the service manager, the service manager by the group manager, group managers by the strategic manager.
_SUPERVISED_BY = {
    Role.PRACTITIONER: Role.SENIOR_PRACTITIONER,
    Role.SENIOR_PRACTITIONER: Role.SERVICE_MANAGER,
    Role.SERVICE_MANAGER: Role.GROUP_MANAGER,
}


def _record_supervision(council: Council) -> None:
    by_team: dict[tuple[int, str], int] = {}
    memberships = list(Membership.objects.filter(council=council, team__isnull=False).order_by("pk"))
    for m in memberships:
        by_team.setdefault((m.team_id, m.role), m.user_id)
    strategic = next((m.user_id for m in memberships if m.role == Role.STRATEGIC_MANAGER), None)
    lines: dict[int, int] = {}
    for m in memberships:
        if m.role in _SUPERVISED_BY:
            supervisor = by_team.get((m.team_id, _SUPERVISED_BY[m.role]))
        elif m.role == Role.GROUP_MANAGER:
            supervisor = strategic
        else:
            continue
        if supervisor and supervisor != m.user_id:
            lines.setdefault(m.user_id, supervisor)
    for supervisee, supervisor in lines.items():
        SupervisionRelationship.objects.get_or_create(
            council=council, supervisee_id=supervisee, defaults={"supervisor_id": supervisor}
        )


def _activate_demo_mfa(council: Council) -> None:
    for role in council.mfa_required_roles:
        user = User.objects.filter(email=demo_login_email(council.slug, role)).first()
        if user is None:
            continue
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRETS[council.slug])


def load_people() -> list[Council]:
    return [load_council(spec) for spec in COUNCILS]

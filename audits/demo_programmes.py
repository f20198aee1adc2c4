"""The four councils' audit programmes, from their documents. Months marked "plausible" are our
choice where a document leaves them open; the quality team can change every rule."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_scopes import scope

from qaportal.models import Council
from qaportal.roles import Role, TeamKind
from standards.models import ReviewTemplate

from .models import AuditProgramme, ProgrammeRule, TimetableEntry

EVERY_MONTH = list(range(1, 13))
S, D = ProgrammeRule.Mode.SAMPLE, ProgrammeRule.Mode.DIRECT

# (name, template key or None for the timetable, role, team kind, months, count, kind, mode)
PROGRAMMES = {
    "derbyshire": {
        # Guidance v4: "From 1st April 2026, every month each long-term team service manager ... is
        # expected to complete one Practice Standard Review, i.e. a PSR and a SPSRs on alternate months."
        "name": "Practice Standard Review programme 2026 to 2027",
        "starts_on": dt.date(2026, 4, 1),
        "rules": [
            (
                "Long-term teams: PSR",
                "psr",
                Role.SERVICE_MANAGER,
                TeamKind.LONG_TERM,
                [4, 6, 8, 10, 12, 2],
                1,
                "mandatory",
                S,
            ),
            (
                "Long-term teams: SPSR",
                "spsr",
                Role.SERVICE_MANAGER,
                TeamKind.LONG_TERM,
                [5, 7, 9, 11, 1, 3],
                1,
                "mandatory",
                S,
            ),
            # "START teams ... will complete 3 PSR's and 3 SPSR's annually" — on alternate months.
            ("START teams: PSR", "psr", Role.SERVICE_MANAGER, TeamKind.START, [4, 8, 12], 1, "mandatory", S),
            ("START teams: SPSR", "spsr", Role.SERVICE_MANAGER, TeamKind.START, [6, 10, 2], 1, "mandatory", S),
            # "Occupational Therapy teams are expected to complete 1 PSR every month."
            (
                "Occupational therapy teams: PSR",
                "psr",
                Role.SERVICE_MANAGER,
                TeamKind.OT,
                EVERY_MONTH,
                1,
                "mandatory",
                S,
            ),
            # AMHP and practitioner-led PSRs "on their own months": plausible months, editable.
            ("AMHP service: AMHP PSR", "amhp-psr", Role.SERVICE_MANAGER, TeamKind.AMHP, [5, 11], 1, "mandatory", D),
            (
                "Practitioner-led PSR sessions",
                "practitioner-led-psr",
                Role.PRACTITIONER,
                TeamKind.LONG_TERM,
                [6, 12],
                1,
                "peer",
                D,
            ),
        ],
    },
    "somerset": {
        # Practice Quality Framework: one standard a month, September to July, none in August or
        # December; audits a month per role; practitioners alternate self-audit and peer audit.
        "name": "Practice Quality Framework audit timetable",
        "starts_on": dt.date(2026, 9, 1),
        "timetable": {
            9: "standard-1",
            10: "standard-2",
            11: "standard-3",
            1: "standard-4",
            2: "standard-5",
            3: "standard-6",
            4: "standard-7",
            5: "standard-8",
            6: "standard-9",
            7: "standard-10",
        },
        "rules": [
            ("Directors", None, Role.DIRECTOR, "", [9, 10, 11, 1, 2, 3, 4, 5, 6, 7], 1, "peer", D),
            ("Strategic managers", None, Role.STRATEGIC_MANAGER, "", [9, 10, 11, 1, 2, 3, 4, 5, 6, 7], 2, "peer", D),
            ("Service managers", None, Role.SERVICE_MANAGER, "", [9, 10, 11, 1, 2, 3, 4, 5, 6, 7], 2, "peer", D),
            (
                "Practice development advanced practitioners",
                None,
                Role.ADVANCED_PRACTITIONER,
                TeamKind.PRACTICE_DEVELOPMENT,
                [9, 10, 11, 1, 2, 3, 4, 5, 6, 7],
                6,
                "peer",
                D,
            ),
            (
                "Advanced practitioners",
                None,
                Role.ADVANCED_PRACTITIONER,
                TeamKind.LONG_TERM,
                [9, 10, 11, 1, 2, 3, 4, 5, 6, 7],
                2,
                "peer",
                D,
            ),
            ("Moderators", None, Role.MODERATOR, "", [9, 10, 11, 1, 2, 3, 4, 5, 6, 7], 2, "peer", D),
            ("Practitioners: self-audit", None, Role.PRACTITIONER, "", [9, 11, 2, 4, 6], 1, "self", D),
            ("Practitioners: peer audit", None, Role.PRACTITIONER, "", [10, 1, 3, 5, 7], 1, "peer", D),
        ],
    },
    "coventry": {
        # Annual audit plan (Appendix 6): supervision audit yearly by line managers of supervisors,
        # practice standards audit twice a year and practice observation yearly by supervisors.
        "name": "Annual audit plan 2026 to 2027",
        "starts_on": dt.date(2026, 4, 1),
        "rules": [
            ("Staff supervision audit", "supervision-audit", Role.GROUP_MANAGER, "", [6], 1, "mandatory", D),
            (
                "Practice standards audit",
                "practice-standards-audit",
                Role.SERVICE_MANAGER,
                "",
                [4, 10],
                1,
                "mandatory",
                D,
            ),
            ("Practice observation", "practice-observation", Role.SERVICE_MANAGER, "", [1], 1, "mandatory", D),
        ],
    },
    "lincolnshire": {
        # Our design, editable: each service manager audits one case a month against all eight standards,
        # allocated by their group manager from a monthly sample.
        "name": "Quality Practice Assurance audit cycle 2026 to 2027",
        "starts_on": dt.date(2026, 4, 1),
        "rules": [
            ("Service managers: QPA audit", "qpa-audit", Role.SERVICE_MANAGER, "", EVERY_MONTH, 1, "mandatory", S),
        ],
    },
}


@transaction.atomic
def load_programme(council: Council) -> AuditProgramme | None:
    spec = PROGRAMMES.get(council.slug)
    if spec is None:
        return None
    with scope(council=council):
        programme, created = AuditProgramme.objects.get_or_create(
            council=council, name=spec["name"], defaults={"starts_on": spec["starts_on"]}
        )
        if not created:
            return programme
        templates = {t.key: t for t in ReviewTemplate.objects.filter(council=council)}
        for month, key in spec.get("timetable", {}).items():
            TimetableEntry.objects.create(council=council, programme=programme, month=month, template=templates[key])
        for name, key, role, team_kind, months, count, kind, mode in spec["rules"]:
            ProgrammeRule.objects.create(
                council=council,
                programme=programme,
                name=name,
                template=templates[key] if key else None,
                role=role,
                team_kind=team_kind,
                months=months,
                count=count,
                kind=kind,
                mode=mode,
            )
        return programme

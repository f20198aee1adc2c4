"""Demo cases: ~500 PINs per council, each with an owning team and responsible worker and manager."""

from __future__ import annotations

import random

from django.db import transaction
from django_scopes import scope

from qaportal.models import Council, Membership, Team
from qaportal.roles import Role, TeamKind

from .models import Case

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
        cases = []
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

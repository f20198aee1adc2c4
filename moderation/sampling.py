"""Drawing a moderation sample and sharing it among the panel: pure functions, no ORM, so the rules
can be checked over any staff and review sets (tests use hypothesis)."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    """A completed review as sampling sees it."""

    review: int
    team: int
    reviewer: int
    template: int
    # Everyone who wrote, delegated, allocated or authorised it: none of them may moderate it.
    involved: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Member:
    person: int
    teams: frozenset[int] = field(default_factory=frozenset)


def may_moderate(member: Member, candidate: Candidate) -> bool:
    """Never a review they wrote, delegated, allocated or authorised, nor one of their own team's cases."""
    return member.person not in candidate.involved and candidate.team not in member.teams


def _interleave(groups: dict, rng: random.Random) -> list:
    """Each group's items in turn, groups in a seeded order (each group already shuffled)."""
    keys = sorted(groups)
    rng.shuffle(keys)
    ordered = []
    while any(groups[k] for k in keys):
        for key in keys:
            if groups[key]:
                ordered.append(groups[key].pop())
    return ordered


def stratified_order(candidates: list[Candidate], seed: str) -> list[Candidate]:
    """The candidates in a reproducible random order that takes each team in turn, and within a team
    each form and reviewer in turn, so a small sample is spread across them rather than bunched in
    the busiest team."""
    rng = random.Random(seed)
    by_team: dict[int, dict[tuple[int, int], list[Candidate]]] = defaultdict(lambda: defaultdict(list))
    for c in sorted(candidates, key=lambda c: c.review):
        by_team[c.team][(c.template, c.reviewer)].append(c)
    queues: dict[int, list[Candidate]] = {}
    for team in sorted(by_team):
        strata = by_team[team]
        for key in sorted(strata):
            rng.shuffle(strata[key])
        # Reversed so that pop() in `_interleave` takes them in the order drawn.
        queues[team] = list(reversed(_interleave(strata, rng)))
    return _interleave(queues, rng)


def draw(
    candidates: list[Candidate], panel: list[Member], *, seed: str, percent: int | None = None, each: int | None = None
) -> list[tuple[Candidate, Member]]:
    """The sample and who moderates each review: `percent` of the candidates, or `each` per panel
    member, shared as evenly as the rules allow. Reproducible: the same seed gives the same result."""
    if not panel:
        return []
    target = math.ceil(len(candidates) * percent / 100) if percent is not None else (each or 0) * len(panel)
    limit = each if each is not None else math.inf
    rng = random.Random(f"{seed}:panel")
    members = sorted(panel, key=lambda m: m.person)
    rng.shuffle(members)
    load = {m.person: 0 for m in members}
    result: list[tuple[Candidate, Member]] = []
    for candidate in stratified_order(candidates, seed):
        if len(result) >= target:
            break
        eligible = [m for m in members if load[m.person] < limit and may_moderate(m, candidate)]
        if not eligible:
            continue  # nobody independent of it is free: the next review in the order instead
        chosen = min(eligible, key=lambda m: load[m.person])  # the least loaded, ties in the seeded order
        load[chosen.person] += 1
        result.append((candidate, chosen))
    return result

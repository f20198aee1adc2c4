"""Moderation samples (issue: Moderation, panel and assignment): drawn reproducibly from the stored
seed, spread across teams, reviewers and forms, shared evenly, and never given to someone who wrote,
delegated, allocated or authorised the review, or whose own team owns the case."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.sampling import Candidate, Member, draw, may_moderate, stratified_order

people = st.integers(min_value=1, max_value=12)


@st.composite
def worlds(draw_):
    candidates = [
        Candidate(
            review=i,
            team=draw_(st.integers(1, 5)),
            reviewer=(reviewer := draw_(people)),
            template=draw_(st.integers(1, 3)),
            involved=frozenset({reviewer, *draw_(st.sets(people, max_size=3))}),
        )
        for i in range(draw_(st.integers(0, 40)))
    ]
    panel = [
        Member(person, frozenset(draw_(st.sets(st.integers(1, 5), max_size=2))))
        for person in draw_(st.sets(people, min_size=1, max_size=6))
    ]
    return candidates, panel


@settings(max_examples=300, deadline=None)
@given(worlds(), st.text(min_size=1, max_size=8), st.integers(1, 4))
def test_no_one_moderates_work_they_are_part_of_and_the_load_is_even(world, seed, each):
    candidates, panel = world
    sample = draw(candidates, panel, seed=seed, each=each)
    assert all(may_moderate(member, candidate) for candidate, member in sample)
    assert len({c.review for c, _m in sample}) == len(sample)  # a review once
    load = Counter(m.person for _c, m in sample)
    assert all(n <= each for n in load.values())
    # Nobody is left short while an eligible review they could take went unsampled.
    taken = {c.review for c, _m in sample}
    for member in panel:
        if load[member.person] < each:
            assert not any(may_moderate(member, c) for c in candidates if c.review not in taken)
    assert draw(candidates, panel, seed=seed, each=each) == sample  # the same seed, the same sample


@settings(max_examples=100, deadline=None)
@given(worlds(), st.integers(1, 100))
def test_a_percentage_sample_never_exceeds_its_share(world, percent):
    candidates, panel = world
    sample = draw(candidates, panel, seed="s", percent=percent)
    assert len(sample) <= -(-len(candidates) * percent // 100)


def test_a_small_sample_is_spread_across_teams_not_bunched_in_the_busiest():
    busy = [Candidate(i, team=1, reviewer=100 + i, template=1) for i in range(30)]
    quiet = [Candidate(100 + i, team=t, reviewer=200 + t, template=1) for i, t in enumerate([2, 3, 4])]
    first_four = stratified_order(busy + quiet, "2026-11")[:4]
    assert {c.team for c in first_four} == {1, 2, 3, 4}
    assert stratified_order(busy + quiet, "2026-11") == stratified_order(list(reversed(busy + quiet)), "2026-11")
    assert stratified_order(busy + quiet, "2026-11") != stratified_order(busy + quiet, "2026-12")

"""How consistently a council rates: the agreement statistics a moderation round reports, checked
against published worked examples and, on random data, against irrCAC (Gwet's own implementation)."""

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from irrCAC.table import CAC

from moderation.agreement import FEW_PAIRS, cohen_kappa, gwet_ac1, percent_agreement, summary, table

# Gwet, Handbook of Inter-Rater Reliability, 4th edition (2014): two abstractors classifying 100
# pregnancies (Ectopic, AIU, NIU), the worked example irrCAC's documentation reproduces.
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def test_gwets_worked_example_ac1_and_quadratic_ac2_with_their_intervals():
    ac1 = gwet_ac1(ABSTRACTORS)
    assert (round(ac1.value, 5), round(ac1.low, 5), round(ac1.high, 5)) == (0.84933, 0.76358, 0.93508)
    assert (round(ac1.observed, 5), round(ac1.chance, 5), ac1.pairs) == (0.89, 0.26992, 100)
    ac2 = gwet_ac1(ABSTRACTORS, "quadratic")
    assert (round(ac2.value, 5), round(ac2.low, 5), round(ac2.high, 5)) == (0.94024, 0.90468, 0.97579)


def test_cohens_kappa_worked_example():
    # Wikipedia, "Cohen's kappa", worked example: 50 proposals, both yes 20, both no 15, A yes B no 5,
    # A no B yes 10: observed agreement 0.7, chance 0.5, kappa 0.4.
    kappa = cohen_kappa([[20, 5], [10, 15]])
    assert (round(kappa.observed, 3), round(kappa.chance, 3), round(kappa.value, 3)) == (0.7, 0.5, 0.4)


def test_when_nearly_every_review_is_rated_the_same_kappa_collapses_and_ac1_does_not():
    # The "kappa paradox" (Feinstein & Cicchetti 1990; Gwet 2008): 118 of 125 pairs agree, yet kappa is
    # about zero because one category dominates. AC1 stays high, which is why the board sees both.
    paradox = [[118, 5], [2, 0]]
    assert round(percent_agreement(paradox).value, 3) == 0.944
    assert round(cohen_kappa(paradox).value, 3) == -0.023
    assert round(gwet_ac1(paradox).value, 3) == 0.941


def test_too_few_pairs_are_said_in_plain_english():
    few = summary([("good", "good"), ("good", "ri"), ("ri", "ri")], ["good", "ri", "inadequate"], ordinal=True)
    assert [a.name for a in few] == [
        "Percentage agreement",
        "Cohen's kappa",
        "Cohen's kappa (linear weights)",
        "Cohen's kappa (quadratic weights)",
        "Gwet's AC1",
    ]
    assert all(a.pairs == 3 for a in few)
    assert few[0].warning.startswith("Only 3 moderated pairs: too few to mean much")
    assert summary([], ["good", "ri"], ordinal=False)[0].warning == "No moderated pairs yet."
    same = cohen_kappa(table([("good", "good")] * FEW_PAIRS, ["good", "ri"]))
    assert same.value is None and "cannot tell agreement from chance" in same.warning
    assert gwet_ac1(table([("good", "good")] * FEW_PAIRS, ["good", "ri"])).warning == ""


def irrcac(counts, weights):
    q = len(counts)
    frame = pd.DataFrame(counts, index=range(q), columns=range(q))
    return CAC(frame, weights=weights, digits=10)


def close(ours, theirs):
    value = theirs["est"]["coefficient_value"]
    low, high = theirs["est"]["confidence_interval"]
    assert math.isclose(ours.value, value, abs_tol=1e-7)
    low, high = float(low), float(high)
    if math.isnan(low):  # no spread at all (every pair in one cell): irrCAC gives no interval; ours is a point
        assert math.isclose(ours.low, ours.value, abs_tol=1e-9)
        return
    assert math.isclose(ours.low, low, abs_tol=1e-6) and math.isclose(ours.high, high, abs_tol=1e-6)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=2, max_value=4).flatmap(
        lambda q: st.lists(
            st.lists(st.integers(min_value=0, max_value=30), min_size=q, max_size=q), min_size=q, max_size=q
        )
    ),
    st.sampled_from(["identity", "linear", "quadratic"]),
)
def test_every_coefficient_and_interval_matches_irrcac_on_random_tables(counts, weights):
    n = sum(map(sum, counts))
    if n < 2:
        return
    ours_kappa = cohen_kappa(counts, weights)
    if ours_kappa.value is not None and ours_kappa.low is not None:
        close(ours_kappa, irrcac(counts, weights).cohen())
    ours_ac1 = gwet_ac1(counts, weights)
    if ours_ac1.low is not None:
        close(ours_ac1, irrcac(counts, weights).gwet())
    ours_pa = percent_agreement(counts, weights)
    if ours_pa.low is not None:
        close(ours_pa, irrcac(counts, weights).pa2())

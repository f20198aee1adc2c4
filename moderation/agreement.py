"""How consistently two people rate the same work: percentage agreement, Cohen's kappa (unweighted,
linearly and quadratically weighted for ordinal scales) and Gwet's AC1 (robust when nearly every
rating agrees, where kappa collapses), each with its number of pairs and a 95 % confidence interval.

Pure Python, no ORM: it takes pairs of ratings (the reviewer's, the moderator's) and the scale's
categories in order. The variances are those of Gwet, Handbook of Inter-Rater Reliability (4th ed.,
2014), chapter 2, the same as the irrCAC package (tests cross-check against it); the interval uses
Student's t with n − 1 degrees of freedom, as Gwet does."""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

# Below this many pairs a coefficient is shown with a warning: its interval is too wide to say much.
FEW_PAIRS = 20
CONFIDENCE = 0.95

Weights = str  # "identity", "linear" or "quadratic"


@dataclass(frozen=True)
class Agreement:
    name: str
    value: float | None  # None when it cannot be worked out (no pairs; all in one category for kappa)
    pairs: int
    low: float | None = None
    high: float | None = None
    observed: float | None = None  # pa: the (weighted) share of pairs that agree
    chance: float | None = None  # pe: what chance alone would give

    @property
    def warning(self) -> str:
        """Plain English for a council's board: why this number should not be leaned on."""
        if self.pairs == 0:
            return "No moderated pairs yet."
        if self.value is None:
            return (
                "Every rating was in the same category, so this coefficient cannot tell agreement "
                "from chance. Look at the percentage agreement instead."
            )
        if self.pairs < FEW_PAIRS:
            return (
                f"Only {self.pairs} moderated {'pair' if self.pairs == 1 else 'pairs'}: too few to mean much "
                f"(the true value could be anywhere from {_pct(self.low)} to {_pct(self.high)})."
            )
        return ""


def _pct(x: float | None) -> str:
    return "unknown" if x is None else f"{x:.2f}"


def table(pairs: Iterable[tuple[Hashable, Hashable]], categories: Sequence[Hashable]) -> list[list[int]]:
    """The q × q contingency table: rows the first rater's category, columns the second's."""
    index = {c: i for i, c in enumerate(categories)}
    counts = [[0] * len(categories) for _c in categories]
    for first, second in pairs:
        counts[index[first]][index[second]] += 1
    return counts


def weights(q: int, kind: Weights = "identity") -> list[list[float]]:
    """Agreement credit for each pair of categories: full on the diagonal; for ordinal scales, partial
    credit for near misses (linear: 1 − |k − l|/(q − 1); quadratic: 1 − (k − l)²/(q − 1)²)."""
    if kind == "identity" or q == 1:
        return [[1.0 if k == m else 0.0 for m in range(q)] for k in range(q)]
    if kind == "linear":
        return [[1 - abs(k - m) / (q - 1) for m in range(q)] for k in range(q)]
    if kind == "quadratic":
        return [[1 - (k - m) ** 2 / (q - 1) ** 2 for m in range(q)] for k in range(q)]
    raise ValueError(f"Unknown weights {kind!r}")


class _Table:
    def __init__(self, counts: list[list[int]], kind: Weights):
        self.q = len(counts)
        self.n = sum(map(sum, counts))
        self.w = weights(self.q, kind)
        self.p = [[c / self.n for c in row] for row in counts] if self.n else counts
        self.rows = [sum(row) for row in self.p]  # first rater's marginals
        self.cols = [sum(self.p[k][m] for k in range(self.q)) for m in range(self.q)]
        self.pa = sum(self.w[k][m] * self.p[k][m] for k in range(self.q) for m in range(self.q)) if self.n else 0.0

    def cells(self):
        return ((k, m) for k in range(self.q) for m in range(self.q))

    def interval(self, name: str, value: float, variance: float, pe: float) -> Agreement:
        if self.n < 2 or variance < 0:
            return Agreement(name, value, self.n, observed=self.pa, chance=pe)
        margin = _t_quantile((1 + CONFIDENCE) / 2, self.n - 1) * math.sqrt(variance)
        return Agreement(name, value, self.n, value - margin, min(1.0, value + margin), self.pa, pe)


def percent_agreement(counts: list[list[int]], kind: Weights = "identity") -> Agreement:
    t = _Table(counts, kind)
    name = "Percentage agreement" if kind == "identity" else f"Percentage agreement ({kind} weights)"
    if not t.n:
        return Agreement(name, None, 0)
    variance = (sum(t.p[k][m] * t.w[k][m] ** 2 for k, m in t.cells()) - t.pa**2) / t.n
    return t.interval(name, t.pa, variance, 0.0)


def cohen_kappa(counts: list[list[int]], kind: Weights = "identity") -> Agreement:
    """Cohen (1960); weighted, Cohen (1968)."""
    t = _Table(counts, kind)
    name = "Cohen's kappa" if kind == "identity" else f"Cohen's kappa ({kind} weights)"
    if not t.n:
        return Agreement(name, None, 0)
    pe = sum(t.w[k][m] * t.rows[k] * t.cols[m] for k, m in t.cells())
    if math.isclose(pe, 1.0):
        return Agreement(name, None, t.n, observed=t.pa, chance=pe)
    kappa = (t.pa - pe) / (1 - pe)
    by_row = [sum(t.w[m][k] * t.cols[m] for m in range(t.q)) for k in range(t.q)]
    by_col = [sum(t.w[k][m] * t.rows[k] for k in range(t.q)) for m in range(t.q)]
    spread = sum(t.p[k][m] * (t.w[k][m] - (1 - kappa) * (by_row[k] + by_col[m])) ** 2 for k, m in t.cells())
    variance = (spread - (t.pa - 2 * (1 - kappa) * pe) ** 2) / (t.n * (1 - pe) ** 2)
    return t.interval(name, kappa, variance, pe)


def gwet_ac1(counts: list[list[int]], kind: Weights = "identity") -> Agreement:
    """Gwet (2008): chance agreement as the propensity to agree on hard-to-rate work, so a scale used
    mostly at one level (nearly every review "Good") does not drive the coefficient to nothing."""
    t = _Table(counts, kind)
    name = "Gwet's AC1" if kind == "identity" else f"Gwet's AC2 ({kind} weights)"
    if not t.n or t.q < 2:
        return Agreement(name, None, t.n)
    pi = [(t.rows[k] + t.cols[k]) / 2 for k in range(t.q)]
    total = sum(map(sum, t.w))
    pe = total * sum(x * (1 - x) for x in pi) / (t.q * (t.q - 1))
    ac1 = (t.pa - pe) / (1 - pe)
    spread = sum(
        t.p[k][m] * (t.w[k][m] - 2 * (1 - ac1) * total * (1 - (pi[k] + pi[m]) / 2) / (t.q * (t.q - 1))) ** 2
        for k, m in t.cells()
    )
    variance = (spread - (t.pa - 2 * (1 - ac1) * pe) ** 2) / (t.n * (1 - pe) ** 2)
    return t.interval(name, ac1, variance, pe)


def summary(
    pairs: Iterable[tuple[Hashable, Hashable]], categories: Sequence[Hashable], *, ordinal: bool
) -> list[Agreement]:
    """Every coefficient a moderation report shows for one set of pairs, in the order it shows them."""
    counts = table(pairs, categories)
    result = [percent_agreement(counts), cohen_kappa(counts)]
    if ordinal and len(categories) > 2:
        result += [cohen_kappa(counts, "linear"), cohen_kappa(counts, "quadratic")]
    return [*result, gwet_ac1(counts)]


# --- Student's t, without SciPy -------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom, by bisection on its CDF. Kept per
    (p, df): a dashboard asks for dozens, and the same ones again on every load."""
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < p:
        high *= 2
    while high - low > 1e-12:  # far finer than any interval is shown
        mid = (low + high) / 2
        if _t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _t_cdf(t: float, df: int) -> float:
    x = df / (df + t * t)
    tail = 0.5 * _incomplete_beta(df / 2, 0.5, x)
    return 1 - tail if t >= 0 else tail


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x > (a + 1) / (a + b + 2):
        return 1 - _incomplete_beta(b, a, 1 - x)
    tiny = 1e-300
    f, c, d = 1.0, 1.0, 0.0
    for i in range(400):
        m = i // 2
        if i == 0:
            numerator = 1.0
        elif i % 2 == 0:
            numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        else:
            numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + numerator * d
        d = tiny if abs(d) < tiny else d
        d = 1 / d
        c = 1 + numerator / c
        c = tiny if abs(c) < tiny else c
        f *= c * d
        if abs(1 - c * d) < 1e-15:
            break
    return front * (f - 1) / a

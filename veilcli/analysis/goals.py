"""Goal attainment and the significance of a change versus the baseline."""

from __future__ import annotations

import math
from enum import StrEnum

from veilcli.domain.language import DEFAULT_LANG, Lang, catalogue
from veilcli.domain.plans import Goal

SIGNIFICANCE_LEVEL = 0.05


class Status(StrEnum):
    """Whether an indicator meets its goal in the period."""

    achieved = "achieved"
    not_achieved = "not_achieved"
    undetermined = "undetermined"  # the underlying range allows both
    monitor = "monitor"  # no goal: monitored only
    no_data = "no_data"
    incomplete = "incomplete"  # the sources cover only part of the period or the baseline
    too_few = "too_few"  # a district's registrations are too few to judge (``too_few_to_judge``)

    @property
    def judged(self) -> bool:
        """Whether the status says something about the goal (achieved or not)."""
        return self in (Status.achieved, Status.not_achieved)

    def label(self, lang: Lang = DEFAULT_LANG) -> str:
        """The status in words for reports: "not achieved", "niet behaald"."""
        return catalogue(lang)["status"][self.value]

    @property
    def short_label(self) -> str:
        """The status in a terminal column: "monitor" where reports say "no goal (monitor)"."""
        return catalogue(DEFAULT_LANG)["status_short"][self.value]


def change_pct(value: float | None, baseline: float | None) -> float | None:
    """Change versus the baseline in % (None when either is missing or the baseline is 0)."""
    if not _known(value) or not _known(baseline) or baseline == 0:
        return None
    assert value is not None and baseline is not None
    return (value / baseline - 1) * 100


def status(goal: Goal, value: float | None, baseline: float | None) -> Status:
    """decrease: achieved when the value fell; no_increase: when it did not rise; increase: when it rose;
    no_decrease: when it did not fall; no goal: monitor.

    Judged on the values, so a baseline of 0 (a rare offence) still has a status even though its
    change in % is undefined (a rise from 0 is no decrease); but 0 -> 0 against a decrease goal is
    ``undetermined``: nothing can fall below 0, so the goal could not have been met. A missing value
    or baseline is ``no_data``.
    """
    if goal is Goal.none:
        return Status.monitor
    if not _known(value) or not _known(baseline):
        return Status.no_data
    assert value is not None and baseline is not None
    if goal is Goal.decrease and baseline == 0 and value == 0:
        return Status.undetermined
    achieved = {
        Goal.decrease: value < baseline,
        Goal.no_increase: value <= baseline,
        Goal.increase: value > baseline,
        Goal.no_decrease: value >= baseline,
    }[goal]
    return Status.achieved if achieved else Status.not_achieved


def range_status(goal: Goal, low: float | None, high: float | None, baseline: float | None) -> Status:
    """The status of a value known only to lie in [low, high]: judged when both ends agree."""
    at_low, at_high = status(goal, low, baseline), status(goal, high, baseline)
    return at_low if at_low is at_high else Status.undetermined


def _known(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def rate_p_value(
    count: float | None, exposure: float | None, baseline_count: float | None, baseline_exposure: float | None
) -> float | None:
    """Two-sided exact test that two Poisson rates are equal (conditional binomial).

    Given the total, the period's count is Binomial(total, exposure / (exposure + baseline_exposure))
    under equal rates. Counts are rounded to whole registrations (corrected counts are fractional).
    """
    if not all(_known(x) for x in (count, exposure, baseline_count, baseline_exposure)):
        return None
    assert count is not None and exposure is not None and baseline_count is not None
    assert baseline_exposure is not None
    if exposure <= 0 or baseline_exposure <= 0:
        return None
    k, total = round(count), round(count) + round(baseline_count)
    if total == 0:
        return None
    return binomial_two_sided(k, total, exposure / (exposure + baseline_exposure))


def too_few_to_judge(
    count: float | None, exposure: float | None, baseline_count: float | None, baseline_exposure: float | None
) -> bool:
    """The small-numbers rule, defined once: too few registrations to judge a change.

    True when, with this many registrations, the exact test of equal rates (``rate_p_value``) could
    not show a change in both directions: of the ``n = count + baseline_count`` registrations of
    both periods, all in the period (the most a rise can be) or all in the baseline (the most a fall
    can be) would give p >= ``SIGNIFICANCE_LEVEL`` for at least one of the two. Then the figure
    cannot tell a change from chance whichever way it went, and the goal is not judged: 0 -> 0
    always (n = 0), 1 -> 2, and with equal exposures any n <= 5 (0 -> 5 has p = 2 x 0.5^5 = 0.0625;
    0 -> 6 has 0.031). Both directions, because a district that grew could show a fall of 4
    registrations to 0 as significant but never a rise of 4 from 0: its 1 -> 3 is not judged either.
    The exposures (inhabitants, dwellings) weigh the periods as the test does; without them (a
    count) the periods weigh equally. Unknown counts are not judged here (no_data, incomplete).
    """
    if not _known(count) or not _known(baseline_count):
        return False
    assert count is not None and baseline_count is not None
    n = round(count) + round(baseline_count)
    if n == 0:
        return True
    known = [x for x in (exposure, baseline_exposure) if x is not None and _known(x) and x > 0]
    share = known[0] / sum(known) if len(known) == 2 else 0.5
    weakest = max(binomial_two_sided(0, n, share), binomial_two_sided(n, n, share))
    return weakest >= SIGNIFICANCE_LEVEL


def _binomial_pmf(x: int, n: int, p: float) -> float:
    if x < 0 or x > n:
        return 0.0
    log = math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
    return math.exp(log + x * math.log(p) + (n - x) * math.log1p(-p))


def _boundary(n_low: int, n_high: int, below: float, increasing: bool, n: int, p: float) -> int:
    """Binary search on the monotone side of the pmf for the last x (pmf increasing: the last
    x with pmf(x) <= below) or the first x (pmf decreasing: the first x with pmf(x) <= below)."""
    lo, hi = n_low, n_high
    while lo < hi:
        mid = (lo + hi + 1) // 2 if increasing else (lo + hi) // 2
        if increasing:
            lo, hi = (mid, hi) if _binomial_pmf(mid, n, p) <= below else (lo, mid - 1)
        else:
            lo, hi = (lo, mid) if _binomial_pmf(mid, n, p) <= below else (mid + 1, hi)
    return lo


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction (modified
    Lentz), accurate to about 1e-15: the binomial tails without importing scipy."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast on this side only
        return 1.0 - _betainc(b, a, 1.0 - x)
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= c * d
        if abs(c * d - 1.0) < 1e-16:
            break
    return math.exp(log_front) * fraction / a


def bdtr(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return _betainc(n - k, k + 1, 1.0 - p)


def bdtrc(k: int, n: int, p: float) -> float:
    """P(X > k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 1.0
    if k >= n:
        return 0.0
    return _betainc(k + 1, n - k, p)


def binomial_two_sided(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial test p-value, the 'minlike' way of ``scipy.stats.binomtest``: the
    probability of every outcome no more likely than ``k`` (relative tolerance 1e-7), with the tails
    from the incomplete beta function (no scipy import: ``compare`` starts faster)."""
    if p <= 0 or p >= 1:
        return 1.0 if (p <= 0 and k == 0) or (p >= 1 and k == n) else 0.0
    d = _binomial_pmf(k, n, p) * (1 + 1e-7)
    mode = p * n
    if k == mode:
        return 1.0
    if k < mode:
        start = math.ceil(mode)
        if _binomial_pmf(n, n, p) > d:  # no outcome on the far side is as unlikely
            return min(1.0, float(bdtr(k, n, p)))
        first = _boundary(start, n, d, increasing=False, n=n, p=p)
        return min(1.0, float(bdtr(k, n, p)) + float(bdtrc(first - 1, n, p)))
    end = math.floor(mode)
    if _binomial_pmf(0, n, p) > d:
        return min(1.0, float(bdtrc(k - 1, n, p)))
    last = _boundary(0, end, d, increasing=True, n=n, p=p)
    return min(1.0, float(bdtr(last, n, p)) + float(bdtrc(k - 1, n, p)))


# --- survey figures ----------------------------------------------------------------------------

Z_95 = 1.96  # the normal quantile of a published two-sided 95% interval


def normal_two_sided(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportions_z(p1: float, n1: float, p2: float, n2: float) -> float | None:
    """z of the difference of two independent proportions (0..1) with the pooled standard error,
    ``(p2 - p1) / sqrt(p (1 - p) (1/n1 + 1/n2))``, ``p = (p1 n1 + p2 n2) / (n1 + n2)`` (the test of
    equal proportions); None when it is undefined (n below 1, or p 0 or 1 in both)."""
    if n1 < 1 or n2 < 1:
        return None
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return None if se == 0 else (p2 - p1) / se


def interval_se(lower: float, upper: float) -> float:
    """The standard error a published 95% interval implies: ``(upper - lower) / (2 x 1.96)``."""
    return (upper - lower) / (2 * Z_95)


def intervals_z(
    value1: float, lower1: float, upper1: float, value2: float, lower2: float, upper2: float
) -> float | None:
    """z of the difference of two independent estimates from their published 95% intervals:
    ``(v2 - v1) / sqrt(se1^2 + se2^2)``; None when both intervals have no width."""
    se = math.hypot(interval_se(lower1, upper1), interval_se(lower2, upper2))
    return None if se == 0 else (value2 - value1) / se

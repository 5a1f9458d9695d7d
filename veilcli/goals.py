"""Goal attainment and the significance of a change versus the baseline."""

from __future__ import annotations

from enum import StrEnum

from veilcli.plans import Goal

SIGNIFICANCE_LEVEL = 0.05


class Status(StrEnum):
    """Whether an indicator meets its goal in the period."""

    achieved = "achieved"
    not_achieved = "not_achieved"
    no_goal = "no_goal"
    no_data = "no_data"


def change_pct(value: float | None, baseline: float | None) -> float | None:
    """Change versus the baseline in % (None when either is missing or the baseline is 0)."""
    if value is None or baseline is None or baseline == 0:
        return None
    return (value / baseline - 1) * 100


def status(goal: Goal, change: float | None) -> Status:
    """decrease: achieved when change < 0; no_increase: when change <= 0; monitors: no_goal."""
    if goal is Goal.none:
        return Status.no_goal
    if change is None:
        return Status.no_data
    achieved = change < 0 if goal is Goal.decrease else change <= 0
    return Status.achieved if achieved else Status.not_achieved


def rate_p_value(
    count: float | None, exposure: float | None, baseline_count: float | None, baseline_exposure: float | None
) -> float | None:
    """Two-sided exact test that two Poisson rates are equal (conditional binomial).

    Given the total, the period's count is Binomial(total, exposure / (exposure + baseline_exposure))
    under equal rates. Counts are rounded to whole registrations (corrected counts are fractional).
    """
    if None in (count, exposure, baseline_count, baseline_exposure):
        return None
    assert count is not None and exposure and baseline_count is not None and baseline_exposure
    k, total = round(count), round(count) + round(baseline_count)
    if total == 0 or exposure <= 0 or baseline_exposure <= 0:
        return None
    from scipy.stats import binomtest  # imported here: scipy is slow to import and only needed now

    return float(binomtest(k, total, exposure / (exposure + baseline_exposure)).pvalue)

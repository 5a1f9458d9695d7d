"""Numbers as people read them, in the output's language (its word file's ``[conventions]``):
"1.043" and "6,3" in Dutch, "1,043" and "6.3" in English. One place for every renderer (terminal,
workbook text, HTML report); scripts get the numbers themselves (JSON, CSV), never these strings.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from veilcli.domain.language import Lang, conventions
from veilcli.domain.units import Unit

if TYPE_CHECKING:  # annotations only: rendering an ingest loads none of the analysis
    from veilcli.analysis.results.compare import IndicatorResult

SMALL_P = 0.001  # below this a p-value is shown as "< 0.001": its digits say nothing more


def number(value: float, decimals: int = 0, lang: Lang = "en") -> str:
    """``value`` with thousands separators and ``decimals`` decimals in the language's style."""
    return conventions(lang).digits(f"{value:,.{decimals}f}")


def value_text(value: float | None, unit: Unit, lang: Lang = "en", carried_from: int | None = None) -> str:
    """An indicator's value: counts whole, rates with one decimal (two below 1: 0.2 street robberies
    per 1,000 would hide a change of +20%). A survey figure carried forward into a later period's
    column shows the survey year it is from: "18.2 (2017)", never a bare number that reads as new."""
    if value is None or math.isnan(value):
        return "-"
    decimals = 0 if unit is Unit.count else 2 if abs(value) < 1 else 1
    shown = number(value, decimals, lang)
    return shown if carried_from is None else f"{shown} ({carried_from})"


def pct_text(value: float | None, lang: Lang = "en", unit: str = "%") -> str:
    """A change: signed whole numbers, a decimal below 1 (never "0%" for a change that is not 0)."""
    if value is None or math.isnan(value):
        return "-"
    if value == 0:
        return f"0{unit}"
    if abs(value) < 1:
        shown = f"{value:+.1f}"
        if shown in ("+0.0", "-0.0"):
            shown = f"{value:+.2g}"
    else:
        shown = f"{value:+.0f}"
    return shown.replace(".", conventions(lang).decimal) + unit


def range_text(low: float | None, high: float | None, lang: Lang = "en", joiner: str = " .. ") -> str:
    """An underlying change range, "-14% .. +2%" (one value when both ends show the same)."""
    if low is None or high is None:
        return "-"
    if pct_text(low, lang) == pct_text(high, lang):
        return pct_text(low, lang)
    return f"{pct_text(low, lang)}{joiner}{pct_text(high, lang)}"


def p_text(p: float | None, lang: Lang = "en", space: bool = True) -> str:
    """A p-value: "< 0.001" for the very small ones (never "0.000"), three decimals below 0.01, else
    two ("0.59")."""
    if p is None or math.isnan(p):
        return ""
    if p < SMALL_P:
        return ("< " if space else "<") + number(SMALL_P, 3, lang)
    return number(p, 3 if p < 0.01 else 2, lang)


def carried(ind: IndicatorResult, period: str) -> int | None:
    """The earlier survey year a survey value in ``period``'s column is carried forward from (None:
    a registered figure, or the survey of the period's own year)."""
    return ind.survey.carried_from(period) if ind.survey is not None else None


def survey_points(ind: IndicatorResult) -> tuple[float, str] | None:
    """A survey indicator's change and its unit, "pp" (percentage points) or "pt" (points); None for
    a registered indicator (its change is in %) or a survey change that is undefined."""
    if ind.survey is None or ind.survey.change is None:
        return None
    return ind.survey.change, "pp" if ind.survey.change_unit == "percentage_points" else "pt"


def change_text(ind: IndicatorResult, lang: Lang) -> str:
    """The change as shown: in % for registered figures; in percentage points (pp) or points (pt) for
    survey figures, whose ``change_pct`` is null."""
    if ind.survey is not None:
        points = survey_points(ind)
        return "-" if points is None else points_text(*points, lang)
    return pct_text(ind.change_pct, lang)


def points_text(value: float, unit: str, lang: Lang = "en") -> str:
    """A survey change: signed, one decimal (survey figures are published so), "-3.2 pp"."""
    shown = f"{value:+.1f}"
    return f"{shown.replace('.', conventions(lang).decimal)} {unit}"


def benchmark_names(indicators: list[IndicatorResult]) -> list[str]:
    """The benchmarks' names in the plan's order, over every indicator: a survey indicator has none
    (its figure is the area's own survey), and it may come first in the plan."""
    names: dict[str, None] = {}
    for ind in indicators:
        names.update(dict.fromkeys(ind.benchmarks))
    return list(names)


def bench_change(ind: IndicatorResult, name: str) -> float | None:
    """The change of benchmark ``name`` for an indicator; None where it has no such benchmark."""
    bench = ind.benchmarks.get(name)
    return None if bench is None else bench.change_pct

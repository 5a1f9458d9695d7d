"""Results as a notebook shows them: a short ``repr`` and a wide ``polars`` table.

``CompareResult``, ``TrendResult``, ``LeagueResult`` and ``NormaliseResult`` keep their JSON form
(``model_dump`` / ``to_json``) and their long ``to_table`` (the ``--format csv`` table, one row per
indicator x period). A notebook wants two more things: a few lines that say what the result is
when it is echoed (a pydantic repr of a comparison runs to thousands of characters), and one row
per indicator with the figures side by side (``to_polars``). Both are built here, from the
result's own fields: nothing is computed that the result does not hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from veilcli.analysis.compare import CompareResult, IndicatorResult
    from veilcli.analysis.corrections import NormaliseResult
    from veilcli.analysis.league import LeagueResult
    from veilcli.analysis.trend import TrendResult

# The columns of ``CompareResult.to_polars`` before the benchmarks' (documented in the README).
COMPARE_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.String(),
    "theme": pl.Int64(),
    "label": pl.String(),
    "unit": pl.String(),
    "goal": pl.String(),
    "baseline_period": pl.String(),
    "period": pl.String(),
    "baseline_value": pl.Float64(),
    "value": pl.Float64(),
    "baseline_count": pl.Float64(),
    "count": pl.Float64(),
    "count_change": pl.Float64(),
    "change_pct": pl.Float64(),
    "p_value": pl.Float64(),
    "significant": pl.Boolean(),
    "status": pl.String(),
    "underlying_change_pct": pl.Float64(),
    "underlying_change_low_pct": pl.Float64(),
    "underlying_change_high_pct": pl.Float64(),
    "underlying_status": pl.String(),
    "previous_period": pl.String(),
    "previous_value": pl.Float64(),
    "previous_change_pct": pl.Float64(),
    "previous_count_change": pl.Float64(),
    "previous_p_value": pl.Float64(),
    "coverage": pl.Float64(),
    "notes": pl.String(),
}


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    # A rate below 1 per 1,000 (straatroof 0.19) needs two decimals to show that it moved.
    return f"{value:,.{2 if digits == 1 and abs(value) < 1 else digits}f}"


def _pct(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:+.1f}%" if abs(value) < 1 else f"{value:+.0f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _statuses(statuses: Iterable[str]) -> str:
    counted = Counter(statuses)
    return ", ".join(f"{status} {n}" for status, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))


def indicator_repr(ind: IndicatorResult, period: str | None = None, baseline: str | None = None) -> str:
    """One line: ``woninginbraak (per_1000_dwellings): 6.3 -> 4.3, -31%, achieved``; the counts too
    where the rate is below 1 per 1,000 (``straatroof ...: 0.19 -> 0.23 (38 -> 47), +20%, ...``)."""
    periods = list(ind.values)
    then_at = baseline or (periods[0] if periods else None)
    now_at = period or (periods[-1] if periods else None)
    then = ind.values.get(then_at) if then_at else None
    now = ind.values.get(now_at) if now_at else None
    digits = 0 if ind.unit.value == "count" else 1
    figures = f"{_number(then, digits)} -> {_number(now, digits)}"
    small = [v for v in (then, now) if v is not None and abs(v) < 1]
    if small and digits and then_at and now_at:
        figures += f" ({_number(ind.counts.get(then_at), 0)} -> {_number(ind.counts.get(now_at), 0)})"
    return f"{ind.id} ({ind.unit.value}): {figures}, {_pct(ind.change_pct)}, {ind.status.value}"


def compare_repr(result: CompareResult) -> str:
    """A few lines: area, period vs baseline, how many indicators and their statuses, each indicator."""
    lines = [
        f"CompareResult {result.area} {result.period} vs {result.baseline} ({result.plan}): "
        f"{_plural(len(result.indicators), 'indicator')}; "
        f"{_statuses(i.status.value for i in result.indicators)}"
    ]
    lines += [f"  {indicator_repr(i, result.period, result.baseline)}" for i in result.indicators]
    if result.districts:
        lines.append(f"  + {len(result.districts)} districts (.districts)")
    lines.append("  .to_polars(): one row per indicator; .to_table(): one row per indicator and period")
    return "\n".join(lines)


def _indicator_record(result: CompareResult, ind: IndicatorResult) -> dict[str, Any]:
    under, previous = ind.underlying, ind.previous
    return {
        "id": ind.id,
        "theme": ind.theme,
        "label": ind.label,
        "unit": ind.unit.value,
        "goal": ind.goal.value,
        "baseline_period": result.baseline,
        "period": result.period,
        "baseline_value": ind.values.get(result.baseline),
        "value": ind.values.get(result.period),
        "baseline_count": ind.counts.get(result.baseline),
        "count": ind.counts.get(result.period),
        "count_change": ind.count_change,
        "change_pct": ind.change_pct,
        "p_value": ind.p_value,
        "significant": ind.significant,
        "status": ind.status.value,
        "underlying_change_pct": under.change_pct if under else None,
        "underlying_change_low_pct": under.change_pct_range[0] if under else None,
        "underlying_change_high_pct": under.change_pct_range[1] if under else None,
        "underlying_status": under.status.value if under else None,
        "previous_period": previous.period if previous else None,
        "previous_value": ind.values.get(previous.period) if previous else None,
        "previous_change_pct": previous.change_pct if previous else None,
        "previous_count_change": previous.count_change if previous else None,
        "previous_p_value": previous.p_value if previous else None,
        "coverage": ind.coverage.get(result.period),
        "notes": ";".join(n.code for n in ind.notes) or None,
    }


def compare_wide(result: CompareResult) -> pl.DataFrame:
    """One row per indicator (and, with ``--by district``, per district and indicator, with a
    ``district`` column: null for the area itself): the figures of the period beside the baseline's,
    the change, its test and status, the underlying change and status, the change against the same
    part of the previous year, and per benchmark ``<name> value``, ``<name> change_pct`` and
    ``<name> level_pct``."""
    groups = [(None, result.indicators)] + [(d.district, d.indicators) for d in result.districts or []]
    records: list[dict[str, Any]] = []
    benchmarks: dict[str, None] = {}
    for district, indicators in groups:
        for ind in indicators:
            record = {"district": district, **_indicator_record(result, ind)}
            for name, bench in ind.benchmarks.items():
                benchmarks[name] = None
                record[f"{name} value"] = bench.values.get(result.period)
                record[f"{name} change_pct"] = bench.change_pct
                record[f"{name} level_pct"] = bench.level_pct
            records.append(record)
    schema: dict[str, pl.DataType] = {"district": pl.String(), **COMPARE_COLUMNS}
    for name in benchmarks:
        schema |= {
            f"{name} value": pl.Float64(),
            f"{name} change_pct": pl.Float64(),
            f"{name} level_pct": pl.Float64(),
        }
    frame = pl.DataFrame(
        [{column: record.get(column) for column in schema} for record in records], schema=schema, orient="row"
    )
    return frame if result.districts else frame.drop("district")


def trend_repr(result: TrendResult) -> str:
    """A few lines: area, the periods, each indicator's first and last value."""
    first, last = (result.periods[0], result.periods[-1]) if result.periods else ("-", "-")
    lines = [
        f"TrendResult {result.area} {first}..{last} ({len(result.periods)} periods, by {result.unit.value}): "
        f"{len(result.indicators)} indicators"
    ]
    for series in result.indicators:
        values = [p.value for p in series.points]
        known = [v for v in values if v is not None]
        span = f"{_number(known[0])} .. {_number(known[-1])}" if known else "no data"
        lines.append(f"  {series.id} ({series.unit.value}): {span}")
    lines.append("  .to_polars(): one row per indicator, a column per period; .to_table(): one row per point")
    return "\n".join(lines)


def trend_wide(result: TrendResult) -> pl.DataFrame:
    """One row per indicator: ``id``, ``label``, ``unit``, then the registered value of every period
    (a column per period, oldest first; null where there is no data)."""
    schema: dict[str, pl.DataType] = {"id": pl.String(), "label": pl.String(), "unit": pl.String()}
    schema |= {period: pl.Float64() for period in result.periods}
    rows = []
    for series in result.indicators:
        values = {p.period: p.value for p in series.points}
        rows.append([series.id, series.label, series.unit.value, *(values.get(p) for p in result.periods)])
    return pl.DataFrame(rows, schema=schema, orient="row")


def league_repr(result: LeagueResult) -> str:
    """A few lines: the selection, period vs baseline, how many areas and indicators, statuses."""
    statuses = (r.status.value for i in result.indicators for r in i.rows)
    return (
        f"LeagueResult {result.selection} {result.period} vs {result.baseline} ({result.plan}): "
        f"{_plural(len(result.areas), 'area')} x {_plural(len(result.indicators), 'indicator')}; "
        f"{_statuses(statuses)}\n"
        "  .to_polars(): one row per area, the indicators side by side; .to_table(): one row per area "
        "and indicator"
    )


def league_wide(result: LeagueResult) -> pl.DataFrame:
    """One row per area (a league's natural table): ``area``, then per indicator ``<id> value``,
    ``<id> baseline_value``, ``<id> change_pct``, ``<id> status`` and ``<id> rank``."""
    schema: dict[str, pl.DataType] = {"area": pl.String()}
    by_area: dict[str, dict[str, Any]] = {area: {"area": area} for area in result.areas}
    for ind in result.indicators:
        schema |= {
            f"{ind.id} value": pl.Float64(),
            f"{ind.id} baseline_value": pl.Float64(),
            f"{ind.id} change_pct": pl.Float64(),
            f"{ind.id} status": pl.String(),
            f"{ind.id} rank": pl.Int64(),
        }
        for row in ind.rows:
            record = by_area.setdefault(row.area, {"area": row.area})
            record |= {
                f"{ind.id} value": row.value,
                f"{ind.id} baseline_value": row.baseline_value,
                f"{ind.id} change_pct": row.change_pct,
                f"{ind.id} status": row.status.value,
                f"{ind.id} rank": row.rank,
            }
    return pl.DataFrame(
        [{column: record.get(column) for column in schema} for record in by_area.values()],
        schema=schema,
        orient="row",
    )


def normalise_repr(result: NormaliseResult) -> str:
    """A few lines: area, period vs baseline, categories, which corrections were on, and the totals."""
    period = str(result.period)
    now = result.rows.filter(pl.col("period") == period)
    raw, corrected = float(now["raw"].sum()), float(now["corrected"].sum())
    on = ", ".join(name for name, applied in result.applied.items() if applied) or "none"
    baseline = str(result.baseline) if result.baseline else "-"
    return (
        f"NormaliseResult {result.area} {period} vs {baseline} (by {result.by}): "
        f"{result.changes.height} rows of changes, corrections on: {on}\n"
        f"  {period}: raw {_number(raw, 0)}, corrected {_number(corrected, 0)}\n"
        "  .to_polars(): one row per category; .rows, .changes: the frames behind it"
    )


def normalise_wide(result: NormaliseResult) -> pl.DataFrame:
    """One row per area and category (or indicator, ``by``): its label, the raw count in the baseline
    and the period, the period's count after samenloop and corrected (the internet bound), and how
    the change versus the baseline splits (``changes``' columns)."""
    period = str(result.period)
    baseline = str(result.baseline) if result.baseline else None
    key = ["area", "category"]
    rows = result.rows
    now = rows.filter(pl.col("period") == period).select(
        *key,
        "label",
        pl.col("raw").alias("raw"),
        pl.col("after_samenloop").alias("after_samenloop"),
        pl.col("corrected").alias("corrected"),
    )
    then = rows.filter(pl.col("period") == baseline).select(*key, pl.col("raw").alias("baseline_raw"))
    wide = (
        now.join(then, on=key, how="full", coalesce=True)
        .join(result.changes, on=key, how="full", coalesce=True)
        .with_columns(
            pl.lit(baseline, dtype=pl.String).alias("baseline_period"), pl.lit(period).alias("period")
        )
    )
    first = [
        *key,
        "label",
        "baseline_period",
        "period",
        "baseline_raw",
        "raw",
        "after_samenloop",
        "corrected",
    ]
    return wide.select(*first, pl.exclude(first)).sort(key)

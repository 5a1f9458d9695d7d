"""The JSON contract of ``veilcli compare``: ``CompareResult`` and its parts, with its views.

Registered figures are the headline (DESIGN §2); the ``underlying`` figure stands beside them.
``to_table`` is the ``--format csv`` table (one row per indicator x period), ``to_polars`` one row
per indicator with the period beside the baseline, ``repr`` a few lines for a notebook.
"""

from __future__ import annotations

from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from veilcli.analysis.goals import SIGNIFICANCE_LEVEL, Status, change_pct
from veilcli.analysis.results.text import number, pct, plural, tally
from veilcli.analysis.survey import SurveyResult
from veilcli.domain.notes import Note
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit, unit_names

Values = dict[str, float | None]
DISTRICT_UNKNOWN = "(district unknown)"
SamenloopMethod = Literal["rows", "factors", "none"]
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


class Corrections(BaseModel):
    """Which corrections the underlying figure has."""

    samenloop: SamenloopMethod = Field(
        description="rows: recounted from event ids (exact); factors: published factors (estimate); none."
    )
    internet: Literal["range", "none"] = Field(
        description="range: the internet correction applies (a range); none: it does not."
    )


class Underlying(BaseModel):
    """The figure after the registration-method corrections, beside the registered one."""

    counts: Values = Field(description="Counts per period after the samenloop correction (the point).")
    values: Values = Field(description="Values per period after the samenloop correction.")
    change_pct: float | None = Field(description="Change after samenloop versus the baseline, in %.")
    change_pct_range: tuple[float | None, float | None] = Field(
        description="[low, high] change in %: the internet correction's bound at one end, the point at the "
        "other (equal when the internet correction does not apply)."
    )
    status: Status = Field(description="achieved / not_achieved only when the whole range agrees.")
    corrections: Corrections = Field(description="Which corrections the underlying figure has.")
    effects: dict[str, Values] = Field(
        description="Per period, how much each correction moved the count: samenloop (to the point) and "
        "internet (from the point to the bound)."
    )


class PreviousYear(BaseModel):
    """The registered change against the same part of the previous year, beside the change against
    the baseline (no status: the plan's goals are against the baseline)."""

    period: str = Field(description="The same part of the previous year, e.g. 2018H1.")
    change_pct: float | None = Field(
        description="Registered change versus that period, in % (null: not both periods whole)."
    )
    count_change: float | None = Field(description="Registered count now minus then (whole numbers).")
    p_value: float | None = Field(description="Two-sided exact test of equal rates, now vs then.")
    significant: bool | None = Field(description=f"p < {SIGNIFICANCE_LEVEL}; None when untested.")


class BenchmarkResult(BaseModel):
    """One benchmark's registered values per period and change versus the baseline."""

    counts: Values = Field(
        default_factory=dict, description="Registered counts per period, where known (pooled: summed)."
    )
    level_pct: float | None = Field(
        None,
        description="The area's registered value in the period against the benchmark's, in % (+12: 12% "
        "higher than the benchmark); null for counts or without both values.",
    )
    values: Values = Field(description="Registered values per period (null: no data).")
    change_pct: float | None = Field(description="Registered change versus the baseline, in %.")
    underlying_change_pct: float | None = Field(description="After samenloop (null under --raw).")
    samenloop: SamenloopMethod = Field(
        description="How samenloop was corrected for the benchmark: rows, factors or none."
    )


class IndicatorResult(BaseModel):
    """One indicator in one area: registered figures first, the underlying figure beside them."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="The indicator's stable id from the plan.")
    theme: int = Field(description="Theme number.")
    label: str = Field(description="The plan's label.")
    unit: Unit = Field(description=f"What the value is: {unit_names()}.")
    goal: Goal = Field(description="The plan's goal versus the baseline.")
    counts: Values = Field(description="Registered counts per period.")
    values: Values = Field(description="Registered values per period: rates per 1,000, or counts.")
    change_pct: float | None = Field(description="Registered change versus the baseline, in %.")
    count_change: float | None = Field(
        None,
        description="Registered count in the period minus the baseline's (null unless both are whole).",
    )
    previous: PreviousYear | None = Field(
        None,
        description="The change against the same part of the previous year (null: no earlier period "
        "in the comparison, or a survey indicator).",
    )
    status: Status = Field(
        description="Registered status: achieved, not_achieved, monitor, no_data, incomplete, "
        "undetermined (a goal that cannot be judged, e.g. 0 -> 0 against a decrease), too_few (districts "
        "only: so few registrations in the baseline and the period together that the exact test cannot show "
        "both a rise and a fall beyond chance: all of them in the period, or all in the baseline, gives "
        "p >= 0.05; 0 -> 0 always, and with equal exposures any total of 5 or fewer)."
    )
    p_value: float | None = Field(description="Two-sided exact test of equal rates on registered counts.")
    significant: bool | None = Field(description=f"p < {SIGNIFICANCE_LEVEL}; None when untested.")
    coverage: Values = Field(description="Covered fraction of each period (1 = whole, 0 = none).")
    source: str | None = Field(description="What feeds the period's figure: registrations, counts, suspects.")
    underlying: Underlying | None = Field(description="Null under --raw.")
    benchmarks: dict[str, BenchmarkResult] = Field(
        description="Per benchmark name, its registered values and change."
    )
    notes: list[Note] = Field(
        description="Every qualification of the figures: {code, params, message}.", default_factory=list
    )
    survey: SurveyResult | None = Field(
        None,
        exclude_if=lambda v: v is None,
        description="Survey indicators only (left out of the JSON otherwise): the survey years compared, the "
        "figures with their intervals, the change in change_unit and its test. Their values are the survey "
        "figures, counts and underlying are null, change_pct is null (see survey.change).",
    )

    def __repr__(self) -> str:
        return f"IndicatorResult {indicator_repr(self)}"


class DistrictResult(BaseModel):
    """The indicators of one district (``--by district``). A district's figure whose registrations
    are too few for the exact test to show any change is ``too_few`` (``goals.too_few_to_judge``),
    never achieved or not achieved; its counts, count_change and rates stay as registered."""

    district: str = Field(description='The district (wijk) name, or "(district unknown)".')
    has_population: bool = Field(
        description="Whether district population is stored (rates and goals), else counts only."
    )
    inhabitants: float | None = Field(
        None, description="The district's inhabitants on 1 January of the period's year (null: not stored)."
    )
    indicators: list[IndicatorResult] = Field(
        description="The district's registration indicators (and survey indicators)."
    )


class CompareResult(BaseModel):
    """The JSON contract of ``veilcli compare --format json`` (see README)."""

    model_config = ConfigDict(extra="forbid", title="compare")

    plan: str = Field(description="The plan's name.")
    plan_file: str = Field(description="The plan file used.")
    plan_sha256: str = Field(description="The plan file's sha256.")
    rules_file: str = Field(description="The normalisation rules file used.")
    rules_sha256: str = Field(description="The rules file's sha256.")
    area: str = Field(description="The area compared (canonical name).")
    period: str = Field(description="The period, e.g. 2019H1.")
    baseline: str = Field(description="The baseline period: the same part of the baseline year, e.g. 2017H1.")
    periods: list[str] = Field(description="Every period shown, baseline first.")
    normalisation: dict[str, bool] = Field(
        description='Which corrections were on: {"samenloop": bool, "internet": bool}.'
    )
    significance_note: str = Field(description="How the p-values were computed.")
    themes: dict[int, str] = Field(description="Theme number -> label, as the plan names them.")
    indicators: list[IndicatorResult] = Field(description="The plan's indicators for the area.")
    districts: list[DistrictResult] | None = Field(
        None, description="With --by district: the indicators per district (wijk)."
    )

    def to_table(self) -> pl.DataFrame:
        """One row per indicator x period (x district): the ``--format csv`` table."""
        return compare_table(self)

    def to_polars(self) -> pl.DataFrame:
        """One row per indicator, period beside baseline (``compare_wide``, README)."""
        return compare_wide(self)

    def __repr__(self) -> str:
        return compare_repr(self)

    def unsettled(self) -> list[str]:
        """Indicators (``id``, or ``district/id``) that are no_data, incomplete or undetermined
        (``--strict`` fails on them)."""
        bad = {Status.no_data, Status.incomplete, Status.undetermined}
        groups = [("", self.indicators)] + [(f"{d.district}/", d.indicators) for d in self.districts or []]
        return [
            f"{prefix}{i.id}"
            for prefix, indicators in groups
            for i in indicators
            if i.status in bad or (i.underlying is not None and i.underlying.status in bad)
        ]


def compare_table(result: CompareResult) -> pl.DataFrame:
    """One row per indicator x period (x district): the ``--format csv`` table."""
    records = []
    groups = [(None, result.indicators)] + [(d.district, d.indicators) for d in result.districts or []]
    for district, indicators in groups:
        for ind in indicators:
            under = ind.underlying
            for period in result.periods:
                current = period == result.period
                record = {
                    "district": district,
                    "id": ind.id,
                    "theme": ind.theme,
                    "label": ind.label,
                    "unit": ind.unit.value,
                    "goal": ind.goal.value,
                    "period": period,
                    "count": ind.counts[period],
                    "value": ind.values[period],
                    "coverage": ind.coverage[period],
                    "change_pct": ind.change_pct if current else _full_change(ind, period, result.baseline),
                    "status": ind.status.value if current else None,
                    "p_value": ind.p_value if current else None,
                    "count_change": ind.count_change if current else None,
                    "previous_change_pct": ind.previous.change_pct if current and ind.previous else None,
                    "previous_count_change": ind.previous.count_change if current and ind.previous else None,
                    "previous_p_value": ind.previous.p_value if current and ind.previous else None,
                    "underlying_count": under.counts[period] if under else None,
                    "underlying_value": under.values[period] if under else None,
                    "underlying_change_pct": under.change_pct if under and current else None,
                    "underlying_change_low_pct": under.change_pct_range[0] if under and current else None,
                    "underlying_change_high_pct": under.change_pct_range[1] if under and current else None,
                    "underlying_status": under.status.value if under and current else None,
                    "notes": ";".join(n.code for n in ind.notes) if current else None,
                }
                for name, bench in ind.benchmarks.items():
                    record[f"{name} value"] = bench.values[period]
                    record[f"{name} level_pct"] = bench.level_pct if current else None
                records.append(record)
    frame = pl.DataFrame(records, infer_schema_length=None)
    return frame if result.districts else frame.drop("district")


def _full_change(ind: IndicatorResult, period: str, baseline: str) -> float | None:
    if (ind.coverage[period] or 0) < 1 or (ind.coverage[baseline] or 0) < 1:
        return None
    return change_pct(ind.values[period], ind.values[baseline])


def indicator_repr(ind: IndicatorResult, period: str | None = None, baseline: str | None = None) -> str:
    """One line: ``woninginbraak (per_1000_dwellings): 6.3 -> 4.3, -31%, achieved``; the counts too
    where the rate is below 1 per 1,000 (``straatroof ...: 0.19 -> 0.23 (38 -> 47), +20%, ...``)."""
    periods = list(ind.values)
    then_at = baseline or (periods[0] if periods else None)
    now_at = period or (periods[-1] if periods else None)
    then = ind.values.get(then_at) if then_at else None
    now = ind.values.get(now_at) if now_at else None
    digits = 0 if ind.unit.value == "count" else 1
    figures = f"{number(then, digits)} -> {number(now, digits)}"
    small = [v for v in (then, now) if v is not None and abs(v) < 1]
    if small and digits and then_at and now_at:
        figures += f" ({number(ind.counts.get(then_at), 0)} -> {number(ind.counts.get(now_at), 0)})"
    return f"{ind.id} ({ind.unit.value}): {figures}, {pct(ind.change_pct)}, {ind.status.value}"


def compare_repr(result: CompareResult) -> str:
    """A few lines: area, period vs baseline, how many indicators and their statuses, each indicator."""
    lines = [
        f"CompareResult {result.area} {result.period} vs {result.baseline} ({result.plan}): "
        f"{plural(len(result.indicators), 'indicator')}; "
        f"{tally(i.status.value for i in result.indicators)}"
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

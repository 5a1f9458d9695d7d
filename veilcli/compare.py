"""`compare`: the plan's indicators in the period versus the baseline, with goals and benchmarks.

``compare(...)`` returns a ``CompareResult`` (pydantic); ``--format json`` prints exactly its
dump, so scripts and the Python API see the same thing.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from veilcli.api import comparison_periods, latest_complete_period, require_known_area
from veilcli.errors import InputError, UsageError
from veilcli.goals import SIGNIFICANCE_LEVEL, Status, change_pct, rate_p_value, status
from veilcli.indicators import Tables, missing_population, pooled_series, population_table
from veilcli.models import Kind
from veilcli.normalise import (
    aggregate_counts,
    aggregate_registrations,
    aggregate_suspects,
    combine,
)
from veilcli.periods import Period, parse_period, period_label_expr
from veilcli.plans import Goal, Indicator, LoadedPlan, Unit, load_plan, plan_line
from veilcli.resources import resolve_areas
from veilcli.rules import Rules, load_rules
from veilcli.store import Store, holding_read_lock

Values = dict[str, float | None]


class Effects(BaseModel):
    """How much each correction moved the period's count."""

    samenloop: float | None
    internet: float | None


class BenchmarkResult(BaseModel):
    """One benchmark's values per period and change versus the baseline."""

    values: Values
    change_pct: float | None


class IndicatorResult(BaseModel):
    """One indicator in one area."""

    model_config = ConfigDict(extra="forbid")

    id: str
    theme: int
    label: str
    unit: Unit
    goal: Goal
    counts: Values = Field(description="Counts per period (corrected unless --raw).")
    values: Values = Field(description="Values per period: rates per 1,000, or counts for unit 'count'.")
    raw_counts: Values
    raw_values: Values
    change_pct: float | None = Field(description="Change of the value versus the baseline, in %.")
    raw_change_pct: float | None
    status: Status
    p_value: float | None = Field(description="Two-sided exact test of equal rates, period vs baseline.")
    significant: bool | None = Field(description=f"p < {SIGNIFICANCE_LEVEL}; None when untested.")
    effects: Effects = Field(description="How much each correction moved the period's count.")
    period_effects: dict[str, Effects] = Field(description="The same for every period shown.")
    benchmarks: dict[str, BenchmarkResult]
    notes: list[str] = Field(default_factory=list)


class DistrictResult(BaseModel):
    """The indicators of one district (``--by district``)."""

    district: str
    has_population: bool
    indicators: list[IndicatorResult]


class CompareResult(BaseModel):
    """The JSON contract of ``veilcli compare --format json`` (see README)."""

    model_config = ConfigDict(extra="forbid", title="compare")

    plan: str
    plan_file: str
    plan_sha256: str
    rules_file: str
    rules_sha256: str
    area: str
    period: str
    baseline: str
    periods: list[str]
    normalisation: dict[str, bool]
    significance_note: str
    themes: dict[int, str] = Field(description="Theme number -> label, as the plan names them.")
    indicators: list[IndicatorResult]
    districts: list[DistrictResult] | None = None


def _tables(
    store: Store,
    areas: list[str],
    rules: Rules,
    unit: str,
    labels: list[str],
    plan: LoadedPlan,
    by_district_of: str | None,
) -> Tables:
    """Normalise everything the comparison needs once: registrations, counts, suspects per age range."""
    baseline = labels[0]
    area_column = "district" if by_district_of else "municipality"
    registrations = store.scan(Kind.registrations)
    if by_district_of:
        registrations = registrations.filter(pl.col("municipality") == by_district_of)
    else:
        registrations = registrations.filter(pl.col("municipality").is_in(areas))
    regs = aggregate_registrations(
        registrations, rules, unit=unit, baseline=baseline, area_column=area_column, periods=labels
    )
    counts = aggregate_counts(
        store.scan(Kind.counts).filter(pl.col("area").is_in(areas)), rules, unit=unit, baseline=baseline
    )
    suspects_scan = store.scan(Kind.suspects).filter(
        pl.col("municipality") == by_district_of if by_district_of else pl.col("municipality").is_in(areas)
    )
    suspects = {}
    for indicator in plan.plan.indicators:
        if indicator.kind is Kind.suspects and indicator.age not in suspects:
            where = pl.col("age").is_between(*indicator.age) if indicator.age else None
            suspects[indicator.age] = aggregate_suspects(suspects_scan, rules, unit=unit, where=where)

    def coverage(scan: pl.LazyFrame, column: str) -> set[tuple[str, str]]:
        frame = scan.select(
            pl.col(column).alias("area"), period_label_expr(pl.col("date"), unit).alias("period")
        )
        return {(r[0], r[1]) for r in frame.unique().collect().iter_rows()}

    return Tables(
        combined=combine(regs, counts) if not by_district_of else regs,
        counts=counts,
        suspects=suspects,
        # Periods with registrations have rows here (only codes counted in no category are absent).
        registration_coverage={
            (r[0], r[1]) for r in regs.filter(pl.col("raw") > 0).select("area", "period").iter_rows()
        },
        suspect_coverage=coverage(suspects_scan, "municipality") if not by_district_of else set(),
        population=population_table(store.scan(Kind.population)),
    )


@holding_read_lock
def compare(
    store: Store,
    *,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    area: str | None = None,
    raw: bool = False,
    by: Literal["area", "district"] = "area",
    theme: int | None = None,
) -> CompareResult:
    """Compute every indicator of the plan for the period vs the baseline, with benchmarks."""
    # scipy.stats takes about a second to import; load it while polars aggregates (polars releases the GIL).
    threading.Thread(target=importlib.import_module, args=("scipy.stats",), daemon=True).start()
    loaded_plan = load_plan(plan_path)
    plan = loaded_plan.plan
    loaded_rules = load_rules(rules_path)
    rules = loaded_rules.rules.without_corrections() if raw else loaded_rules.rules
    chosen = parse_period(period) if isinstance(period, str) else period or latest_complete_period(store)
    periods = comparison_periods(chosen, baseline if baseline is not None else plan.baseline)
    labels = [str(p) for p in periods]
    area = resolve_areas([area or plan.area])[0]
    require_known_area(store, area)
    indicators = [i for i in plan.indicators if theme is None or i.theme == theme]
    if not indicators:
        raise UsageError(
            f"the plan has no indicators in theme {theme}.",
            hint=f"themes: {', '.join(str(t.number) for t in plan.themes)}",
        )
    bench_areas = [a for b in plan.benchmarks for a in b.areas]
    tables = _tables(store, [area, *bench_areas], rules, chosen.unit, labels, loaded_plan, None)
    _check_benchmark_population(tables, loaded_plan, indicators)
    results = [_indicator(tables, i, [area], labels, loaded_plan, with_benchmarks=True) for i in indicators]
    districts = None
    if by == "district":
        districts = _districts(store, area, rules, chosen.unit, labels, loaded_plan, indicators)
    return CompareResult(
        plan=plan.name,
        plan_file=str(loaded_plan.path),
        plan_sha256=loaded_plan.sha256,
        rules_file=str(loaded_rules.path),
        rules_sha256=loaded_rules.sha256,
        area=area,
        period=str(chosen),
        baseline=labels[0],
        periods=labels,
        normalisation={"samenloop": rules.samenloop.enabled, "internet": rules.internet.method != "none"},
        significance_note=(
            f"p-values: two-sided exact test of equal rates (conditional binomial), period vs {labels[0]}, "
            "on the counts shown; corrected counts rounded to whole registrations for the test; "
            f"p >= {SIGNIFICANCE_LEVEL} means the change is within chance."
        ),
        themes={t.number: t.label for t in plan.themes},
        indicators=results,
        districts=districts,
    )


def _indicator(
    tables: Tables,
    indicator: Indicator,
    areas: list[str],
    labels: list[str],
    plan: LoadedPlan,
    with_benchmarks: bool,
) -> IndicatorResult:
    series = pooled_series(tables, indicator, areas, labels)
    rows = {r["period"]: r for r in series.to_dicts()}
    base, now = rows[labels[0]], rows[labels[-1]]
    change = change_pct(now["value"], base["value"])
    notes: list[str] = []
    missing = missing_population(tables, indicator, areas, sorted({int(p[:4]) for p in labels}))
    if missing:
        notes.append(f"no {indicator.unit.denominator} for {', '.join(missing)}: rate not computed")
    for label in labels:
        if rows[label]["count"] is None:
            notes.append(f"no data for {label}")
    if indicator.unit is Unit.per_1000_youths_12_24:
        years = [int(p[:4]) for p in labels]
        estimated = tables.population.filter(
            pl.col("area").is_in(areas),
            pl.col("year").is_in(years),
            pl.col("youths_12_24_estimated").fill_null(False),
        )
        if estimated.height:
            notes.append(
                "ESTIMATE: youths 12-24 estimated from the CBS age bands (--youth-from-15-25) for "
                + ", ".join(f"{r['area']} {r['year']}" for r in estimated.select("area", "year").to_dicts())
            )
    p_value = None
    if indicator.unit is not Unit.count:
        p_value = rate_p_value(now["count"], now["denominator"], base["count"], base["denominator"])
    benchmarks = {}
    if with_benchmarks:
        for bench in plan.plan.benchmarks:
            b = {r["period"]: r for r in pooled_series(tables, indicator, bench.areas, labels).to_dicts()}
            benchmarks[bench.name] = BenchmarkResult(
                values={p: b[p]["value"] for p in labels},
                change_pct=change_pct(b[labels[-1]]["value"], b[labels[0]]["value"]),
            )
    return IndicatorResult(
        id=indicator.id,
        theme=indicator.theme,
        label=indicator.label,
        unit=indicator.unit,
        goal=indicator.goal,
        counts={p: rows[p]["count"] for p in labels},
        values={p: rows[p]["value"] for p in labels},
        raw_counts={p: rows[p]["raw_count"] for p in labels},
        raw_values={p: rows[p]["raw_value"] for p in labels},
        change_pct=change,
        raw_change_pct=change_pct(now["raw_value"], base["raw_value"]),
        status=status(indicator.goal, now["value"], base["value"]),
        p_value=p_value,
        significant=None if p_value is None else p_value < SIGNIFICANCE_LEVEL,
        effects=Effects(samenloop=now["samenloop_effect"], internet=now["internet_effect"]),
        period_effects={
            p: Effects(samenloop=rows[p]["samenloop_effect"], internet=rows[p]["internet_effect"])
            for p in labels
        },
        benchmarks=benchmarks,
        notes=notes,
    )


def _check_benchmark_population(tables: Tables, plan: LoadedPlan, indicators: list[Indicator]) -> None:
    """A pooled group member without any population is a plan error (a typo, or data never ingested).

    A member missing one year or one column only makes those pooled values unknown (no_data).
    """
    for index, bench in enumerate(plan.plan.benchmarks):
        if not bench.pooled:
            continue
        have = set(tables.population["area"].to_list())
        missing = [m for m in bench.areas if m not in have]
        if missing and any(i.unit.denominator for i in indicators):
            raise InputError(
                f"{plan_line(plan, 'benchmarks', index)}: benchmark group {bench.name!r} has member(s) "
                f"without any population in the store: {', '.join(missing[:6])}.",
                hint="ingest population for every member, or remove the member from the plan.",
            )


def _districts(
    store: Store,
    area: str,
    rules: Rules,
    unit: str,
    labels: list[str],
    plan: LoadedPlan,
    indicators: list[Indicator],
) -> list[DistrictResult]:
    """Registration indicators per district of the area; rates where district population is stored."""
    tables = _tables(store, [area], rules, unit, labels, plan, by_district_of=area)
    names = sorted({a for a, _ in tables.registration_coverage if a is not None})
    populated = set(tables.population["area"].to_list())
    results = []
    for name in names:
        district_indicators = [
            _indicator(tables, i, [name], labels, plan, with_benchmarks=False)
            for i in indicators
            if i.kind is Kind.registrations
        ]
        if name not in populated:
            for result in district_indicators:
                result.notes.append("no district population stored: counts only")
        results.append(
            DistrictResult(district=name, has_population=name in populated, indicators=district_indicators)
        )
    return results


def compare_table(result: CompareResult) -> pl.DataFrame:
    """One row per indicator x period (x district): the ``--format csv`` table."""
    records = []
    groups = [(None, result.indicators)] + [(d.district, d.indicators) for d in result.districts or []]
    for district, indicators in groups:
        for ind in indicators:
            for period in result.periods:
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
                    "raw_count": ind.raw_counts[period],
                    "raw_value": ind.raw_values[period],
                    "change_pct": change_pct(ind.values[period], ind.values[result.baseline]),
                    "status": ind.status.value if period == result.period else None,
                    "p_value": ind.p_value if period == result.period else None,
                }
                for name, bench in ind.benchmarks.items():
                    record[f"{name} value"] = bench.values[period]
                records.append(record)
    frame = pl.DataFrame(records, infer_schema_length=None)
    return frame if result.districts else frame.drop("district")

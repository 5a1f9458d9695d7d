"""`compare --area all` (or a group): every municipality in one run, as a league table.

For each plan indicator and each area: the registered value in the baseline and the period, the
change, the goal status, and the rank among the areas (1 = the lowest value in the period: the
least crime). All areas are computed at once with polars expressions over the normalised tables:
no loop over areas. Coverage follows ``compare``'s rule in a conservative form: a
registration-fed area and period counts only where one of its sources covers the whole period
for the indicator's categories (else ``incomplete``); a period without any data is ``no_data``.
The league ranks the registered figures, as the police publish them; the corrected (underlying)
figures stay with the single-area ``compare``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from pydantic import BaseModel, Field

from veilcli.analysis.compare import source_spans
from veilcli.analysis.coverage import Span
from veilcli.analysis.goals import Status
from veilcli.analysis.indicators import population_table
from veilcli.analysis.normalise import (
    aggregate_counts,
    aggregate_registrations,
    aggregate_suspects,
    combine,
    counts_for,
    sum_or_null,
)
from veilcli.analysis.selection import comparison_periods, latest_complete_period
from veilcli.domain.classification import TOTAL_CRIME_CODE, crime_codes, nuisance_codes
from veilcli.domain.geography import gemeente_of_expr, municipality_names
from veilcli.domain.groups import group_areas
from veilcli.domain.models import Kind
from veilcli.domain.periods import Period, parse_period, period_year_expr
from veilcli.domain.plans import ALL_CRIMES, ALL_NUISANCE, Goal, Indicator, Unit, expand_categories, load_plan
from veilcli.domain.resources import area_expr
from veilcli.domain.rules import load_rules
from veilcli.errors import UsageError
from veilcli.store.store import Store, holding_read_lock

ALL = "all"


class LeagueRow(BaseModel):
    """One area's figure for one indicator."""

    area: str
    baseline_value: float | None
    value: float | None
    change_pct: float | None
    status: Status
    rank: int | None = Field(description="1 = the lowest value in the period among the areas ranked.")


class LeagueIndicator(BaseModel):
    """One indicator for every area."""

    id: str
    label: str
    unit: Unit
    goal: Goal
    rows: list[LeagueRow]


class LeagueResult(BaseModel):
    """The JSON contract of ``veilcli compare --area all --format json``."""

    plan: str
    period: str
    baseline: str
    selection: str = Field(description='"all", or the group whose members were compared.')
    areas: list[str]
    sort: str | None = Field(description="The indicator id the areas are ordered by (its rank).")
    indicators: list[LeagueIndicator]

    def to_table(self) -> pl.DataFrame:
        """One row per indicator and area (``--format csv``)."""
        return pl.DataFrame(
            [{"id": i.id, **r.model_dump(mode="json")} for i in self.indicators for r in i.rows],
            schema={
                "id": pl.String,
                "area": pl.String,
                "baseline_value": pl.Float64,
                "value": pl.Float64,
                "change_pct": pl.Float64,
                "status": pl.String,
                "rank": pl.Int64,
            },
        )


def league_areas(store: Store, selection: str, years: list[int] | None = None) -> list[str]:
    """Every municipality the store holds data for (in ``years``: counts stored in parts are read for
    those years only), or a shipped group's (or group file's) members. A municipality whose counts
    are stored only per wijk or buurt is one too."""
    if selection.casefold() != ALL:
        return group_areas(selection)
    names = set(municipality_names().values())
    found: set[str] = set()
    values = store.scan(Kind.registrations).select(pl.col("municipality").unique()).collect()["municipality"]
    found |= {v for v in values.drop_nulls().to_list() if v in names}
    # Distinct values first: a national buurt table has ~16,000 areas in 16M rows of two years.
    distinct = (
        store.scan(Kind.counts, years=years).select(pl.col("area").unique()).collect(engine="streaming")
    )
    area = pl.col("area")
    stored = distinct.select(
        pl.when(area.str.contains(r"^(BU\d{8}|WK\d{6})$"))
        .then(area_expr(gemeente_of_expr(area)))
        .otherwise(area)
        .alias("area")
        .unique()
    )["area"]
    found |= {v for v in stored.drop_nulls().to_list() if v in names}
    if not found:
        raise UsageError(
            "the store holds no municipality to compare.", hint="ingest data per municipality first."
        )
    return sorted(found)


def _coverage(spans: list[Span], codes: list[str], periods: list[Period]) -> pl.DataFrame:
    """(area, period, covered) for the pairs a source holds every one of ``codes`` in: ``covered`` when
    one source covers the whole period, else only part of it."""
    rows: list[tuple[str, str, bool]] = []
    for span in spans:  # a loop over sources (a handful), not over areas
        if not all(span.includes(c) for c in codes):
            continue
        for period in periods:
            if span.start <= period.last_day and span.end >= period.start:
                whole = span.start <= period.start and span.end >= period.last_day
                rows.extend((area, str(period), whole) for area in span.areas or [])
    frame = pl.DataFrame(
        rows, schema={"area": pl.String, "period": pl.String, "covered": pl.Boolean}, orient="row"
    )
    return frame.group_by("area", "period").agg(pl.col("covered").any(), pl.lit(True).alias("in_scope"))


def _counts(indicator: Indicator, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """area, period, count (null = unknown), registrations (whether registrations feed it)."""
    if indicator.kind is Kind.suspects:
        rows = tables[f"suspects:{indicator.age}"].filter(
            pl.col("category").is_in(expand_categories(indicator.categories))
        )
    elif indicator.kind is Kind.counts:
        rows = tables["counts"].filter(pl.col("category").is_in(indicator.categories))
    elif indicator.categories == [ALL_CRIMES]:
        combined = tables["combined"]
        from_registrations = combined.filter(
            pl.col("source") == "registrations", pl.col("category").is_in(crime_codes())
        )
        total_rows = combined.filter(pl.col("source") == "counts", pl.col("category") == TOTAL_CRIME_CODE)
        rows = pl.concat([from_registrations, total_rows])
    else:
        codes = expand_categories(indicator.categories)
        rows = tables["combined"].filter(pl.col("category").is_in(codes))
    return rows.group_by("area", "period").agg(
        sum_or_null("raw").alias("count"), (pl.col("source") != "counts").any().alias("registrations")
    )


def _status(goal: Goal) -> pl.Expr:
    base, now = pl.col("baseline_value"), pl.col("value")
    judged = (
        pl.lit(Status.monitor.value)
        if goal is Goal.none
        else pl.when((now < base) if goal is Goal.decrease else (now <= base))
        .then(pl.lit(Status.achieved.value))
        .otherwise(pl.lit(Status.not_achieved.value))
    )
    return (
        pl.when(base.is_null() | now.is_null())
        .then(pl.lit(Status.no_data.value))
        .when(pl.col("incomplete"))
        .then(pl.lit(Status.incomplete.value))
        .otherwise(judged)
    )


@holding_read_lock
def league(
    store: Store,
    selection: str = ALL,
    *,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    sort: str | None = None,
) -> LeagueResult:
    """Every municipality (or a group's members): each plan indicator's registered values, change,
    status and rank, computed for all areas at once."""
    loaded_plan = load_plan(plan_path)
    plan = loaded_plan.plan
    if sort is not None and sort not in {i.id for i in plan.indicators}:
        raise UsageError(
            f"--sort {sort!r} is not an indicator of the plan.", hint=", ".join(i.id for i in plan.indicators)
        )
    rules = load_rules(rules_path).rules.without_corrections()  # the league ranks registered figures
    chosen = parse_period(period) if isinstance(period, str) else period or latest_complete_period(store)
    base_year = baseline if baseline is not None else plan.baseline
    if base_year >= chosen.year:
        raise UsageError(f"the period {chosen} lies in or before the baseline year {base_year}.")
    periods = [p for p in comparison_periods(chosen, base_year) if p in (chosen.in_year(base_year), chosen)]
    labels = [str(p) for p in periods]
    years = sorted({p.year for p in periods})
    areas = league_areas(store, selection, years)
    in_areas = pl.col("municipality").is_in(areas)
    regs = aggregate_registrations(
        store.scan(Kind.registrations).filter(in_areas),
        rules,
        unit=chosen.unit,
        baseline=labels[0],
        periods=labels,
    )
    in_years = pl.col("period").str.slice(0, 4).is_in([str(y) for y in years])
    counts = aggregate_counts(
        counts_for(store.scan(Kind.counts, years=years).filter(in_years), areas),
        rules,
        unit=chosen.unit,
        baseline=labels[0],
    ).filter(pl.col("period").is_in(labels))
    tables = {"combined": combine(regs, counts), "counts": counts}
    suspects = store.scan(Kind.suspects).filter(in_areas)
    for indicator in plan.indicators:
        if indicator.kind is Kind.suspects:
            where = pl.col("age").is_between(*indicator.age) if indicator.age else None
            tables[f"suspects:{indicator.age}"] = aggregate_suspects(
                suspects, rules, unit=chosen.unit, where=where
            ).filter(pl.col("period").is_in(labels))
    held = {p for t in tables.values() for p in t["period"].unique().to_list()}
    empty = [label for label in labels if label not in held]
    if empty:
        raise UsageError(
            f"no area has data for {' and '.join(empty)}: a league table would be empty.",
            hint="choose --period/--baseline within what the store holds (`veilcli status`).",
        )
    population = population_table(store.scan(Kind.population))
    spans = {
        Kind.registrations: source_spans(store, Kind.registrations),
        Kind.suspects: source_spans(store, Kind.suspects),
    }
    grid = pl.DataFrame({"area": areas}).join(pl.DataFrame({"period": labels}), how="cross")
    result = []
    for indicator in plan.indicators:  # a loop over the plan's indicators; areas are columns of frames
        result.append(_indicator(indicator, tables, grid, population, spans, periods, labels))
    ordered = areas
    if sort is not None:
        ranks = {r.area: r.rank for i in result if i.id == sort for r in i.rows}
        ordered = sorted(areas, key=lambda a: (ranks.get(a) is None, ranks.get(a) or 0, a))
        for ind in result:
            position = {a: n for n, a in enumerate(ordered)}
            ind.rows.sort(key=lambda r: position[r.area])
    return LeagueResult(
        plan=plan.name,
        period=labels[-1],
        baseline=labels[0],
        selection=selection,
        areas=ordered,
        sort=sort,
        indicators=result,
    )


def _indicator(
    indicator: Indicator,
    tables: dict[str, pl.DataFrame],
    grid: pl.DataFrame,
    population: pl.DataFrame,
    spans: dict[Kind, list[Span]],
    periods: list[Period],
    labels: list[str],
) -> LeagueIndicator:
    codes = (
        crime_codes()
        if indicator.categories == [ALL_CRIMES]
        else nuisance_codes()
        if indicator.categories == [ALL_NUISANCE]
        else expand_categories(indicator.categories)
    )
    kind = Kind.suspects if indicator.kind is Kind.suspects else Kind.registrations
    covered = _coverage(spans[kind], codes, periods)
    counted = (
        grid.join(_counts(indicator, tables), on=["area", "period"], how="left")
        .join(covered, on=["area", "period"], how="left")
        .with_columns(
            pl.col("covered", "in_scope").fill_null(False), pl.col("registrations").fill_null(False)
        )
        .with_columns(
            # a covered period without any registration of these categories: a real 0; registrations
            # of a source that does not hold every category (a total from one category): no figure
            pl.when(pl.col("count").is_null() & pl.col("covered"))
            .then(0.0)
            .when(pl.col("registrations") & ~pl.col("in_scope") & pl.lit(indicator.kind is not Kind.counts))
            .then(None)
            .otherwise(pl.col("count"))
            .alias("count"),
            # registrations that do not cover the whole period: not a figure to judge
            (pl.col("registrations") & ~pl.col("covered") & pl.lit(indicator.kind is not Kind.counts)).alias(
                "incomplete"
            ),
        )
    )
    column = indicator.unit.denominator
    if column is not None:
        people = population.select("year", "area", pl.col(column).cast(pl.Float64).alias("denominator"))
        counted = counted.with_columns(period_year_expr(pl.col("period")).alias("year")).join(
            people, on=["year", "area"], how="left"
        )
        per_1000 = pl.col("count") / pl.col("denominator") * 1000
        value: pl.Expr = pl.when(pl.col("denominator") > 0).then(per_1000)
    else:
        value = pl.col("count")
    counted = counted.with_columns(value.alias("value"))
    base = counted.filter(pl.col("period") == labels[0]).select(
        "area", pl.col("value").alias("baseline_value"), pl.col("incomplete").alias("base_incomplete")
    )
    now = counted.filter(pl.col("period") == labels[-1]).select("area", "value", "incomplete")
    joined = (
        now.join(base, on="area", how="left")
        .with_columns((pl.col("incomplete") | pl.col("base_incomplete").fill_null(False)).alias("incomplete"))
        .with_columns(
            _status(indicator.goal).alias("status"),
            pl.when((pl.col("baseline_value") > 0) & ~pl.col("incomplete"))
            .then((pl.col("value") / pl.col("baseline_value") - 1) * 100)
            .alias("change_pct"),
        )
        .with_columns(
            pl.when(pl.col("status").is_in([Status.no_data.value, Status.incomplete.value]).not_())
            .then(pl.col("value"))
            .rank("min")
            .cast(pl.Int64)
            .alias("rank")
        )
        .sort("area")
    )
    rows = [
        LeagueRow(
            area=r["area"],
            baseline_value=r["baseline_value"],
            value=r["value"],
            change_pct=r["change_pct"],
            status=Status(r["status"]),
            rank=r["rank"],
        )
        for r in joined.select("area", "baseline_value", "value", "change_pct", "status", "rank").to_dicts()
    ]
    return LeagueIndicator(
        id=indicator.id, label=indicator.label, unit=indicator.unit, goal=indicator.goal, rows=rows
    )

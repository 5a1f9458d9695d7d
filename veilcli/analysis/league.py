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

import datetime as dt
from typing import Any

import polars as pl

from veilcli.analysis.compare import figure_status, rollup_codes, source_spans, territories
from veilcli.analysis.goals import Status, change_pct
from veilcli.analysis.indicators import population_table
from veilcli.analysis.normalise import (
    aggregate_counts,
    aggregate_registrations,
    aggregate_suspects,
    counts_for,
    rollup_parts,
    sum_or_null,
)
from veilcli.analysis.results.league import LeagueIndicator, LeagueResult, LeagueRow
from veilcli.analysis.selection import Resolved, comparison_periods
from veilcli.domain.choices import ALL, Kind
from veilcli.domain.classification import TOTAL_CRIME_CODE
from veilcli.domain.coverage import Span, covered_days, rollup_coverage
from veilcli.domain.geography import (
    area_expr,
    gemeente_of_expr,
    is_finer_expr,
    merged_by,
    municipality_names,
    resolve_areas,
)
from veilcli.domain.groups import group_areas
from veilcli.domain.periods import Period, period_year_expr
from veilcli.domain.plans import ALL_CRIMES, Goal, Indicator, expand_categories
from veilcli.errors import UsageError
from veilcli.store.snapshot import Snapshot


def league_areas(
    snapshot: Snapshot, selection: str, years: list[int] | None = None, at: dt.date | None = None
) -> list[str]:
    """Every municipality the store holds data for (in ``years``: counts stored in parts are read for
    those years only), or a shipped group's (or group file's) members. A municipality whose counts
    are stored only per wijk or buurt is one too. With ``at``, a municipality that had merged by then
    is its successor (Haren in 2019 is Groningen: its data are added up there, not listed apart)."""
    if selection.casefold() != ALL:
        return group_areas(selection)
    names = set(municipality_names().values())
    found: set[str] = set()
    values = (
        snapshot.scan(Kind.registrations).select(pl.col("municipality").unique()).collect()["municipality"]
    )
    found |= {v for v in values.drop_nulls().to_list() if v in names}
    # Distinct values first: a national buurt table has ~16,000 areas in 16M rows of two years.
    distinct = (
        snapshot.scan(Kind.counts, years=years).select(pl.col("area").unique()).collect(engine="streaming")
    )
    area = pl.col("area")
    stored = distinct.select(
        pl.when(is_finer_expr(area))
        .then(area_expr(gemeente_of_expr(area)))
        .otherwise(area)
        .alias("area")
        .unique()
    )["area"]
    found |= {v for v in stored.drop_nulls().to_list() if v in names}
    if at is not None:
        found = {merged_by(a, at) or a for a in found}
    if not found:
        raise UsageError(
            "the store holds no municipality to compare.", hint="ingest data per municipality first."
        )
    return sorted(found)


def _covered(spans: list[Span], members: list[str], codes: list[str], periods: list[Period]) -> pl.DataFrame:
    """(member, period, covered): the covered fraction of each period, by ``coverage.covered_days``
    as ``compare`` judges it (a loop over the areas sources name, a handful of calls each)."""
    named = {a for s in spans for a in (s.areas if s.areas is not None else members)}
    rows = [
        (
            member,
            str(period),
            covered_days(spans, member, codes, period.start, period.last_day) / _days(period),
        )
        for member in members
        if member in named
        for period in periods
    ]
    return pl.DataFrame(
        rows, schema={"member": pl.String, "period": pl.String, "covered": pl.Float64}, orient="row"
    )


def _days(period: Period) -> int:
    return (period.last_day - period.start).days + 1


def _summed(rows: pl.DataFrame, name: str) -> pl.DataFrame:
    """(member, period, ``name``): the raw counts of ``rows`` per area and period (null: suppressed)."""
    return rows.group_by(pl.col("area").alias("member"), "period").agg(sum_or_null("raw").alias(name))


def _fed(
    indicator: Indicator,
    tables: dict[str, pl.DataFrame],
    spans: dict[Kind, list[Span]],
    members: list[str],
    periods: list[Period],
) -> pl.DataFrame:
    """(member, period, count, coverage, fed) for every member that some source feeds, chosen as
    ``indicators.feed`` chooses: registrations (suspects) where a source covers the categories,
    else the police counts of every category (a crime total from its total row only)."""
    codes = expand_categories(indicator.categories)
    schema = {"member": pl.String, "period": pl.String, "count": pl.Float64, "coverage": pl.Float64}
    # counts summed from wijken and buurten whose parts differ between the periods: incomplete
    rolled = rollup_coverage(tables["rollup_parts"], rollup_codes(indicator), [str(p) for p in periods])
    partial = rolled.select(pl.col("area").alias("member"), "period", pl.col("coverage").alias("__part"))

    def whole_or_partial(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.join(partial, on=["member", "period"], how="left")
            .with_columns(pl.col("__part").fill_null(1.0).alias("coverage"))
            .select(list(schema))
        )

    if indicator.kind is Kind.counts:
        rows = tables["counts"].filter(pl.col("category").is_in(indicator.categories))
        return whole_or_partial(_summed(rows, "count"))
    kind = Kind.suspects if indicator.kind is Kind.suspects else Kind.registrations
    source = tables[f"suspects:{indicator.age}"] if kind is Kind.suspects else tables["registrations"]
    covered = _covered(spans[kind], members, codes, periods).filter(pl.col("covered") > 0)
    registered = (
        covered.join(
            _summed(source.filter(pl.col("category").is_in(codes)), "count"),
            on=["member", "period"],
            how="left",
        )
        .with_columns(pl.col("count").fill_null(0.0), pl.col("covered").alias("coverage"))
        .select(list(schema))
    )
    if kind is Kind.suspects:
        return registered
    counts = tables["counts"]
    if indicator.categories == [ALL_CRIMES]:
        from_counts = _summed(counts.filter(pl.col("category") == TOTAL_CRIME_CODE), "count")
    else:
        held = counts.filter(pl.col("category").is_in(codes))
        whole = held.group_by("area", "period").agg(pl.col("category").n_unique() == len(set(codes)))
        from_counts = _summed(
            held.join(
                whole.filter(pl.col("category")).select("area", "period"), on=["area", "period"], how="semi"
            ),
            "count",
        )
    from_counts = from_counts.join(registered, on=["member", "period"], how="anti")
    return pl.concat([registered, whole_or_partial(from_counts)])


def league(snapshot: Snapshot, selection: Resolved) -> LeagueResult:
    """Every municipality (or a group's members: the selection's area, ``all`` when none): each plan
    indicator's registered values, change, status and rank, computed for all areas at once by
    ``compare``'s rules (territory, coverage, feed, status): a test checks that both agree on every
    area."""
    loaded_plan, asked = selection.plan, selection.selection
    plan, sort, name = loaded_plan.plan, asked.sort, asked.area or ALL
    if sort is not None and sort not in {i.id for i in plan.indicators}:
        raise UsageError(
            f"--sort {sort!r} is not an indicator of the plan.", hint=", ".join(i.id for i in plan.indicators)
        )
    rules = selection.loaded_rules.rules.without_corrections()  # the league ranks registered figures
    chosen = selection.period
    base_year = selection.baseline
    if base_year >= chosen.year:
        raise UsageError(f"the period {chosen} lies in or before the baseline year {base_year}.")
    periods = [p for p in comparison_periods(chosen, base_year) if p in (chosen.in_year(base_year), chosen)]
    labels = [str(p) for p in periods]
    years = sorted({p.year for p in periods})
    areas = league_areas(snapshot, name, years, at=periods[-1].last_day)
    members = territories(areas, periods, asked.territory)
    names = list(dict.fromkeys(m for by_label in members.values() for ms in by_label.values() for m in ms))
    in_areas = pl.col("municipality").is_in(names)
    regs = aggregate_registrations(
        snapshot.scan(Kind.registrations).filter(in_areas),
        rules,
        unit=chosen.unit,
        baseline=labels[0],
        periods=labels,
    )
    in_years = pl.col("period").str.slice(0, 4).is_in([str(y) for y in years])
    own_counts = counts_for(snapshot.scan(Kind.counts, years=years).filter(in_years), names)
    counts = aggregate_counts(own_counts, rules, unit=chosen.unit, baseline=labels[0]).filter(
        pl.col("period").is_in(labels)
    )
    tables = {"registrations": regs, "counts": counts, "rollup_parts": rollup_parts(own_counts, chosen.unit)}
    suspects = snapshot.scan(Kind.suspects).filter(in_areas)
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
    population = population_table(snapshot.scan(Kind.population))
    spans = {
        Kind.registrations: source_spans(snapshot, Kind.registrations),
        Kind.suspects: source_spans(snapshot, Kind.suspects),
    }
    grid = pl.DataFrame(
        [
            (area, label, member, member == area)
            for area, by_label in members.items()
            for label, ms in by_label.items()
            for member in ms
        ],
        schema={"area": pl.String, "period": pl.String, "member": pl.String, "main": pl.Boolean},
        orient="row",
    )
    result = []
    for indicator in plan.indicators:  # a loop over the plan's indicators; areas are columns of frames
        fed = _fed(indicator, tables, spans, names, periods)
        result.append(_indicator(indicator, fed, grid, population, labels))
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
        selection=name,
        areas=ordered,
        sort=sort,
        own_area=next((a for a in resolve_areas([plan.area]) if a in ordered), None),
        indicators=result,
    )


def _indicator(
    indicator: Indicator,
    fed: pl.DataFrame,
    grid: pl.DataFrame,
    population: pl.DataFrame,
    labels: list[str],
) -> LeagueIndicator:
    """One indicator for every area, by ``compare``'s rules: each area's members summed per period
    (a merged member without a feed or denominator left out and counted uncovered, as
    ``indicators.series_many`` does), the coverage weighted by inhabitants, the status and change by
    ``goals``; ranked among the judged areas."""
    column = indicator.unit.denominator
    people = population.select(
        "year",
        pl.col("area").alias("member"),
        (pl.col(column).cast(pl.Float64) if column else pl.lit(None, dtype=pl.Float64)).alias("denominator"),
        pl.col("inhabitants").cast(pl.Float64).alias("__weight"),
    )
    parts = (
        grid.join(fed.with_columns(pl.lit(True).alias("fed")), on=["member", "period"], how="left")
        .with_columns(pl.col("fed").fill_null(False), period_year_expr(pl.col("period")).alias("year"))
        .join(people, on=["year", "member"], how="left")
        .with_columns(
            (
                ~pl.col("main")
                & (~pl.col("fed") | pl.lit(column is not None) & pl.col("denominator").is_null())
            ).alias("missing")
        )
    )
    present = ~pl.col("missing")
    weight = (
        pl.when(pl.col("__weight").is_null().any() | (pl.col("__weight") <= 0).any())
        .then(pl.lit(1.0))
        .otherwise(pl.col("__weight"))
    )
    covered = pl.when(pl.col("fed") & present).then(pl.col("coverage")).otherwise(0.0)
    summed = parts.group_by("area", "period").agg(
        pl.when(pl.col("fed").filter(pl.col("main")).all())
        .then(sum_or_null(pl.col("count").filter(present), "count"))
        .alias("count"),
        sum_or_null(pl.col("denominator").filter(present), "denominator"),
        ((covered * weight).sum() / weight.sum()).alias("coverage"),
    )
    rate = pl.col("count") / pl.col("denominator") * indicator.unit.per
    value = pl.when(pl.col("denominator") > 0).then(rate) if column is not None else pl.col("count")
    summed = summed.with_columns(value.alias("value"))
    at = {(r["area"], r["period"]): r for r in summed.to_dicts()}
    rows = []
    for area in grid["area"].unique(maintain_order=True).to_list():
        base, now = at[(area, labels[0])], at[(area, labels[-1])]
        judged_status = _judged(indicator.goal, now, base)
        judged = judged_status not in (Status.no_data, Status.incomplete)
        rows.append(
            {
                "area": area,
                "baseline_value": base["value"],
                "value": now["value"],
                "change_pct": change_pct(now["value"], base["value"]) if judged else None,
                "status": judged_status,
            }
        )
    judged_values = [
        r["value"] if r["status"] not in (Status.no_data, Status.incomplete) else None for r in rows
    ]
    ranks = pl.Series(judged_values, dtype=pl.Float64).rank("min").cast(pl.Int64).to_list()
    league_rows = sorted(
        (LeagueRow(**r, rank=rank) for r, rank in zip(rows, ranks, strict=True)), key=lambda r: r.area
    )
    return LeagueIndicator(
        id=indicator.id, label=indicator.label, unit=indicator.unit, goal=indicator.goal, rows=league_rows
    )


def _judged(goal: Goal, now: dict[str, Any], base: dict[str, Any]) -> Status:
    return figure_status(goal, now["value"], base["value"], base["coverage"], now["coverage"])

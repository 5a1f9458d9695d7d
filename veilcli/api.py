"""The Python entry point: what the commands compute, as plain functions over a store.

>>> from veilcli.api import normalise_store
>>> result = normalise_store(Store(), period="2019H1", baseline=2017)   # doctest: +SKIP
>>> result.rows          # polars DataFrame: raw, after_samenloop, corrected per period x category
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from veilcli.analysis.indicators import population_table
from veilcli.analysis.normalise import aggregate_counts, aggregate_registrations, combine, roll_up_counts
from veilcli.domain.classification import categories
from veilcli.domain.models import Kind
from veilcli.domain.periods import Period, parse_period
from veilcli.domain.resources import resolve_areas
from veilcli.domain.rules import LoadedRules, load_rules
from veilcli.errors import UsageError
from veilcli.store.store import Store, holding_read_lock

By = Literal["category", "district"]


def latest_complete_period(store: Store, unit: str = "H") -> Period:
    """The latest period of ``unit`` the store's registrations (else counts) cover to its end."""
    last = store.scan(Kind.registrations).select(pl.col("date").max()).collect().item()
    if last is not None:
        period = Period.of(last, unit)
        # The period holding the last date is complete only if the data reach its last day.
        return period if last >= period.end - dt.timedelta(days=1) else period.previous()
    # Counts: the latest period they cover whole at this unit (months add up to a half-year).
    rolled = roll_up_counts(store.scan(Kind.counts), unit).select("period").unique().collect()
    matching = sorted(parse_period(x) for x in rolled["period"].to_list())
    if not matching:
        raise UsageError(
            "the store holds no data to pick a period from.",
            hint="run `veilcli ingest PATH` first, or pass --period 2019H1.",
        )
    return matching[-1]


def comparison_periods(period: Period, baseline_year: int | None) -> list[Period]:
    """Baseline, every same part of the year between, and the period itself."""
    if baseline_year is None:
        return [period]
    if baseline_year < 1990:
        raise UsageError(
            f"--baseline {baseline_year} is not a year veilcli can use.", hint="write it in full: 2017."
        )
    if baseline_year > period.year:
        raise UsageError(f"the baseline {baseline_year} lies after the period {period}.")
    return [period.in_year(year) for year in range(baseline_year, period.year + 1)]


def default_area(store: Store) -> str:
    """The one municipality of the stored registrations (asks for --area when there are several)."""
    stored = store.scan(Kind.registrations).select(pl.col("municipality").unique()).collect()["municipality"]
    areas = sorted(a for a in stored.to_list() if a is not None)
    if len(areas) == 1:
        return areas[0]
    if not areas:
        raise UsageError("no registrations stored, so no default area.", hint="pass --area NAME.")
    raise UsageError(
        f"the store has registrations of {len(areas)} municipalities.",
        hint=f"pass --area ({', '.join(areas[:8])}).",
    )


def require_known_area(store: Store, area: str) -> None:
    """An area the store has nothing for is a typo far more often than a real comparison."""
    known: set[str] = set()
    for kind, column in (
        (Kind.registrations, "municipality"),
        (Kind.counts, "area"),
        (Kind.population, "area"),
    ):
        known |= set(
            store.scan(kind).select(pl.col(column).unique()).collect()[column].drop_nulls().to_list()
        )
    if area not in known:
        shown = ", ".join(sorted(known)[:12]) or "none: run `veilcli ingest PATH` first"
        raise UsageError(f"the store has no data for area {area!r}.", hint=f"areas in the store: {shown}.")


@dataclass
class NormaliseResult:
    """Corrected counts for a selection, with how the change versus the baseline splits."""

    area: str
    period: Period
    baseline: Period | None
    periods: list[Period]
    by: By
    rules: LoadedRules
    raw: bool
    rows: pl.DataFrame
    changes: pl.DataFrame
    applied: dict[str, bool] = field(default_factory=dict)


@holding_read_lock
def normalise_store(
    store: Store,
    *,
    period: str | Period | None = None,
    baseline: int | None = 2017,
    area: str | None = None,
    by: By = "category",
    rules_path: Path | None = None,
    raw: bool = False,
) -> NormaliseResult:
    """Raw, samenloop-corrected and internet-corrected counts of an area for the comparison periods."""
    loaded = load_rules(rules_path)
    rules = loaded.rules.without_corrections() if raw else loaded.rules
    chosen = parse_period(period) if isinstance(period, str) else period or latest_complete_period(store)
    periods = comparison_periods(chosen, baseline)
    base = periods[0] if baseline is not None else None
    area = resolve_areas([area])[0] if area else default_area(store)
    require_known_area(store, area)
    labels = [str(p) for p in periods]
    registrations = store.scan(Kind.registrations).filter(pl.col("municipality") == area)
    area_column = "district" if by == "district" else "municipality"
    frame = aggregate_registrations(
        registrations, rules, unit=chosen.unit, baseline=str(base) if base else None, area_column=area_column
    )
    if by == "category":
        counts = aggregate_counts(
            store.scan(Kind.counts).filter(pl.col("area") == area),
            rules,
            unit=chosen.unit,
            baseline=str(base) if base else None,
        )
        frame = combine(frame, counts)
    rows = frame.filter(pl.col("period").is_in(labels)).join(
        categories().select(pl.col("code").alias("category"), pl.col("label")), on="category", how="left"
    )
    return NormaliseResult(
        area=area,
        period=chosen,
        baseline=base,
        periods=periods,
        by=by,
        rules=loaded,
        raw=raw,
        rows=rows,
        changes=change_split(
            rows,
            str(base) if base else None,
            str(chosen),
            population_table(store.scan(Kind.population)).select("year", "area", "inhabitants"),
        ),
        applied={"samenloop": rules.samenloop.enabled, "internet": rules.internet.method != "none"},
    )


def change_split(
    rows: pl.DataFrame, baseline: str | None, period: str, population: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Per area x category: the registered change vs the baseline, split into samenloop and
    internet points, and the underlying change as a range (DESIGN §2), all in %.

    With ``population`` (year, area, inhabitants) the changes are of rates per 1,000 inhabitants,
    as ``compare`` reports them; an area without inhabitants in both years gets changes of counts,
    and ``change_of`` says which. raw change = samenloop points + underlying point; the underlying
    low end (every extra online report new) = point - internet points.
    """
    schema = {
        "area": pl.String,
        "category": pl.String,
        "change_of": pl.String,
        "raw_change_pct": pl.Float64,
        "samenloop_pts": pl.Float64,
        "internet_pts": pl.Float64,
        "underlying_change_pct": pl.Float64,
        "underlying_low_pct": pl.Float64,
    }
    if baseline is None or baseline == period:
        return pl.DataFrame(schema=schema)
    columns = ["raw", "after_samenloop", "corrected"]
    then = rows.filter(pl.col("period") == baseline).select(
        "area", "category", *[pl.col(c).alias(f"{c}_b") for c in columns]
    )
    now = rows.filter(pl.col("period") == period).select("area", "category", *columns)
    both = now.join(then, on=["area", "category"], how="full", coalesce=True)
    people = pl.DataFrame(schema={"area": pl.String, "year": pl.Int64, "inhabitants": pl.Int64})
    if population is not None:
        people = population.select(
            "area", pl.col("year").cast(pl.Int64), pl.col("inhabitants").cast(pl.Int64)
        )
    inhabitants = {
        tag: people.filter(pl.col("year") == int(label[:4])).select("area", pl.col("inhabitants").alias(tag))
        for tag, label in (("pop_now", period), ("pop_b", baseline))
    }
    both = both.join(inhabitants["pop_now"], on="area", how="left").join(
        inhabitants["pop_b"], on="area", how="left"
    )
    rates = (pl.col("pop_now") > 0) & (pl.col("pop_b") > 0)
    scale = pl.when(rates).then(pl.col("pop_b") / pl.col("pop_now")).otherwise(1.0)

    def change(column: str) -> pl.Expr:
        before = pl.col(f"{column}_b")
        return pl.when(before > 0).then((pl.col(column) * scale / before - 1) * 100)

    return both.select(
        "area",
        "category",
        pl.when(rates).then(pl.lit("per_1000_inhabitants")).otherwise(pl.lit("count")).alias("change_of"),
        change("raw").alias("raw_change_pct"),
        (change("raw") - change("after_samenloop")).alias("samenloop_pts"),
        (change("after_samenloop") - change("corrected")).alias("internet_pts"),
        change("after_samenloop").alias("underlying_change_pct"),
        change("corrected").alias("underlying_low_pct"),
    ).sort("area", "category")


def normalise_json(result: NormaliseResult) -> dict[str, object]:
    """The JSON document of ``veilcli normalise --format json``."""
    return {
        "area": result.area,
        "period": str(result.period),
        "baseline": str(result.baseline) if result.baseline else None,
        "periods": [str(p) for p in result.periods],
        "by": result.by,
        "normalisation": result.applied,
        "rules": {"path": str(result.rules.path), "sha256": result.rules.sha256},
        "rows": result.rows.to_dicts(),
        "changes": result.changes.to_dicts(),
    }


def normalise_table(result: NormaliseResult) -> pl.DataFrame:
    """One flat table (``--format csv``): rows per period, the change split on the current period's row."""
    changes = result.changes.with_columns(pl.lit(str(result.period)).alias("period"))
    return result.rows.join(changes, on=["area", "category", "period"], how="left")

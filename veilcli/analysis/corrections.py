"""`normalise`: an area's counts per category, raw beside samenloop- and internet-corrected,
and how the change versus the baseline splits into the two corrections and the underlying change.
"""

from __future__ import annotations

import polars as pl

from veilcli.analysis.indicators import population_table
from veilcli.analysis.normalise import aggregate_counts, aggregate_registrations, combine
from veilcli.analysis.results.normalise import NormaliseResult
from veilcli.analysis.selection import (
    Resolved,
    comparison_periods,
)
from veilcli.domain.choices import Kind, NormaliseBy
from veilcli.domain.classification import categories
from veilcli.domain.periods import parse_period
from veilcli.store.snapshot import Snapshot


def normalise_area(
    snapshot: Snapshot, selection: Resolved, by: NormaliseBy | str = NormaliseBy.category
) -> NormaliseResult:
    """Raw, samenloop-corrected and internet-corrected counts of an area (the selection's, else the
    store's one municipality) for the comparison periods, per category or per district (``by``)."""
    loaded, rules, raw = selection.loaded_rules, selection.rules, selection.selection.raw
    chosen = selection.period
    baseline = selection.baseline
    periods = comparison_periods(chosen, baseline)
    base = periods[0]
    area = selection.stored_area
    labels = [str(p) for p in periods]
    registrations = snapshot.scan(Kind.registrations).filter(pl.col("municipality") == area)
    by = NormaliseBy(by)
    area_column = "district" if by is NormaliseBy.district else "municipality"
    frame = aggregate_registrations(
        registrations, rules, unit=chosen.unit, baseline=str(base) if base else None, area_column=area_column
    )
    if by is NormaliseBy.category:
        counts = aggregate_counts(
            snapshot.scan(Kind.counts).filter(pl.col("area") == area),
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
            population_table(snapshot.scan(Kind.population)).select("year", "area", "inhabitants"),
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
        tag: people.filter(pl.col("year") == parse_period(label).year).select(
            "area", pl.col("inhabitants").alias(tag)
        )
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

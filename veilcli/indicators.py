"""Indicator counts and rates per area and period, from the normalised tables.

A count is never made up: a period an area has no data for is null (``no_data``), while a
category without registrations in a period the area does have registrations for is 0.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import polars as pl

from veilcli.models import Kind
from veilcli.normalise import sum_or_null
from veilcli.plans import ALL_CRIMES, TOTAL_CRIME_CODE, Indicator, expand_categories

SERIES_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "count": pl.Float64(),
    "raw_count": pl.Float64(),
    "samenloop_effect": pl.Float64(),
    "internet_effect": pl.Float64(),
    "denominator": pl.Float64(),
    "value": pl.Float64(),
    "raw_value": pl.Float64(),
}


@dataclass
class Tables:
    """Normalised counts and what the store covers, for every area a comparison needs."""

    combined: pl.DataFrame  # registrations (winning) and counts: period, area, category, raw, corrected...
    counts: pl.DataFrame  # pre-aggregated counts only (for kind = counts indicators)
    suspects: dict[tuple[int, int] | None, pl.DataFrame]  # per age range
    registration_coverage: set[tuple[str, str]]  # (area, period) with any registration
    suspect_coverage: set[tuple[str, str]]
    population: pl.DataFrame  # year, area, inhabitants, dwellings, youths_12_24

    @functools.cached_property
    def _combined_parts(self) -> dict[tuple[str, str], pl.DataFrame]:
        return {
            (str(key[0]), str(key[1])): part
            for key, part in self.combined.partition_by(["area", "period"], as_dict=True).items()
        }

    def combined_at(self, area: str, period: str) -> pl.DataFrame:
        """The combined rows of one area and period (split once, looked up per indicator)."""
        return self._combined_parts.get((area, period), self.combined.clear())


def _sum_or_null(rows: pl.DataFrame, column: str) -> float | None:
    """Sum of a column; None when any value is unknown (e.g. suppressed). No rows: 0 (the caller
    only sums periods the area has data for)."""
    total = rows.select(sum_or_null(column)).item()
    return None if total is None else float(total)


def indicator_counts(tables: Tables, indicator: Indicator, area: str, periods: list[str]) -> pl.DataFrame:
    """Corrected and raw counts of one indicator in one area per period (null = no data)."""
    records: list[dict[str, str | float | None]] = []
    for period in periods:
        rows, covered = _rows(tables, indicator, area, period)
        if rows is None or (rows.height == 0 and not covered):
            records.append({"period": period})
            continue
        records.append(
            {
                "period": period,
                "count": _sum_or_null(rows, "corrected"),
                "raw_count": _sum_or_null(rows, "raw"),
                "samenloop_effect": _sum_or_null(rows, "samenloop_effect"),
                "internet_effect": _sum_or_null(rows, "internet_effect"),
            }
        )
    return pl.DataFrame(records, schema={k: SERIES_SCHEMA[k] for k in list(SERIES_SCHEMA)[:5]})


def _rows(tables: Tables, indicator: Indicator, area: str, period: str) -> tuple[pl.DataFrame | None, bool]:
    """The normalised rows an indicator sums in one area and period, and whether the period is covered."""
    at = (pl.col("area") == area) & (pl.col("period") == period)
    if indicator.kind is Kind.counts:
        rows = tables.counts.filter(at, pl.col("category").is_in(indicator.categories))
        return rows, rows.height > 0
    if indicator.kind is Kind.suspects:
        table = tables.suspects[indicator.age]
        rows = table.filter(at, pl.col("category").is_in(expand_categories(indicator.categories)))
        return rows, (area, period) in tables.suspect_coverage
    codes = expand_categories(indicator.categories)
    in_area = tables.combined_at(area, period)
    covered = (area, period) in tables.registration_coverage
    if not covered and indicator.categories == [ALL_CRIMES]:
        # Police open data give total crime as its own code; prefer it over summing categories.
        total = in_area.filter(pl.col("category") == TOTAL_CRIME_CODE)
        if total.height:
            return total, True
    rows = in_area.filter(pl.col("category").is_in(codes))
    return rows, covered


def pooled_series(tables: Tables, indicator: Indicator, areas: list[str], periods: list[str]) -> pl.DataFrame:
    """Counts summed over areas (null when any area lacks the period) with pooled denominators, and rates."""
    per_area = [
        indicator_counts(tables, indicator, a, periods).with_columns(pl.lit(a).alias("area")) for a in areas
    ]
    stacked = pl.concat(per_area).with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int64).alias("year"))
    column = indicator.unit.denominator
    if column is not None:
        population = tables.population.select(
            "year", "area", pl.col(column).cast(pl.Float64).alias("denominator")
        )
        stacked = stacked.join(population, on=["year", "area"], how="left")
    else:
        stacked = stacked.with_columns(pl.lit(None, dtype=pl.Float64).alias("denominator"))

    summed = stacked.group_by("period", maintain_order=True).agg(
        sum_or_null("count"),
        sum_or_null("raw_count"),
        sum_or_null("samenloop_effect"),
        sum_or_null("internet_effect"),
        sum_or_null("denominator"),
    )
    if column is None:
        value, raw_value = pl.col("count"), pl.col("raw_count")
    else:
        per = pl.when(pl.col("denominator") > 0).then(1000 / pl.col("denominator"))
        value, raw_value = pl.col("count") * per, pl.col("raw_count") * per
    return summed.with_columns(value.alias("value"), raw_value.alias("raw_value")).select(
        [pl.col(c).cast(t) for c, t in SERIES_SCHEMA.items()]
    )


def population_table(population: pl.LazyFrame) -> pl.DataFrame:
    """One row per year and area, its measures taken from whichever source gives them.

    Ingest only lets sources complement each other (a value two sources both give must agree), so
    taking the first known value per column loses nothing.
    """
    youths_flag = pl.col("youths_12_24_estimated").filter(pl.col("youths_12_24").is_not_null()).first()
    return (
        population.group_by("year", "area")
        .agg(
            *[pl.col(c).drop_nulls().first() for c in ("inhabitants", "dwellings", "youths_12_24")],
            youths_flag.alias("youths_12_24_estimated"),
        )
        .sort("year", "area")
        .collect()
    )


def missing_population(tables: Tables, indicator: Indicator, areas: list[str], years: list[int]) -> list[str]:
    """'area year' pairs without the denominator an indicator needs."""
    column = indicator.unit.denominator
    if column is None:
        return []
    have = {
        (r["area"], r["year"])
        for r in tables.population.filter(pl.col(column).is_not_null()).select("area", "year").to_dicts()
    }
    return [f"{a} {y}" for a in areas for y in years if (a, y) not in have]

"""The JSON contract of ``veilcli trend``: ``TrendResult``, its series and points, with its views."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, Field

from veilcli.analysis.results.text import number
from veilcli.domain.periods import PeriodUnit
from veilcli.domain.units import Unit


class TrendPoint(BaseModel):
    """One indicator in one period."""

    period: str
    count: float | None = Field(description="Registered count (null: no data).")
    value: float | None = Field(description="Registered value: rate per 1,000, or the count.")
    underlying_count: float | None = Field(description="After the samenloop correction (null under --raw).")
    underlying_value: float | None
    coverage: float | None = Field(description="Covered fraction of the period (1 = whole).")


class TrendSeries(BaseModel):
    """One indicator over every period."""

    id: str
    label: str
    unit: Unit
    points: list[TrendPoint]


class TrendResult(BaseModel):
    """The JSON contract of ``veilcli trend --format json``."""

    area: str
    unit: PeriodUnit
    periods: list[str]
    plan_file: str
    indicators: list[TrendSeries]

    def to_polars(self) -> pl.DataFrame:
        """One row per indicator, a column per period."""
        return trend_wide(self)

    def __repr__(self) -> str:
        return trend_repr(self)

    def to_table(self) -> pl.DataFrame:
        """One row per indicator and period (``--format csv``; the HTML report's trend frame)."""
        return pl.DataFrame(
            [{"indicator_id": s.id, **p.model_dump()} for s in self.indicators for p in s.points],
            schema={
                "indicator_id": pl.String,
                "period": pl.String,
                "count": pl.Float64,
                "value": pl.Float64,
                "underlying_count": pl.Float64,
                "underlying_value": pl.Float64,
                "coverage": pl.Float64,
            },
        )


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
        span = f"{number(known[0])} .. {number(known[-1])}" if known else "no data"
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

"""The JSON contract of ``veilcli compare --area all``: ``LeagueResult``, with its views."""

from __future__ import annotations

from typing import Any

import polars as pl
from pydantic import BaseModel, Field

from veilcli.analysis.goals import Status
from veilcli.analysis.results.text import plural, tally
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit


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
    own_area: str | None = Field(
        None, description="The plan's own area, as stored, when it is among the areas (reports highlight it)."
    )
    indicators: list[LeagueIndicator]

    def to_polars(self) -> pl.DataFrame:
        """One row per area, every indicator side by side."""
        return league_wide(self)

    def __repr__(self) -> str:
        return league_repr(self)

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


def league_repr(result: LeagueResult) -> str:
    """A few lines: the selection, period vs baseline, how many areas and indicators, statuses."""
    statuses = (r.status.value for i in result.indicators for r in i.rows)
    return (
        f"LeagueResult {result.selection} {result.period} vs {result.baseline} ({result.plan}): "
        f"{plural(len(result.areas), 'area')} x {plural(len(result.indicators), 'indicator')}; "
        f"{tally(statuses)}\n"
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

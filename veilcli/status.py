"""What the store holds: its sources and coverage per kind, area and period."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, Field

from veilcli.models import Kind, SourceRecord
from veilcli.periods import period_label_expr
from veilcli.store import Store


class CoverageRow(BaseModel):
    """Rows stored for one kind, area and period."""

    kind: Kind
    area: str | None
    period: str | None
    rows: int


class StoreStatus(BaseModel):
    """The store's sources and coverage."""

    store: str
    exists: bool
    sources: list[SourceRecord] = Field(default_factory=list)
    coverage: list[CoverageRow] = Field(default_factory=list)


def coverage(store: Store) -> pl.DataFrame:
    """Rows per kind x area x period (half-year for row data, as stored for counts)."""
    queries = {
        Kind.registrations: store.scan(Kind.registrations).select(
            pl.col("municipality").alias("area"), period_label_expr(pl.col("date"), "H").alias("period")
        ),
        Kind.suspects: store.scan(Kind.suspects).select(
            pl.col("municipality").alias("area"), period_label_expr(pl.col("date"), "H").alias("period")
        ),
        Kind.counts: store.scan(Kind.counts).select("area", "period"),
        Kind.population: store.scan(Kind.population).select(
            "area", pl.col("year").cast(pl.String).alias("period")
        ),
    }
    frames = [
        q.group_by("area", "period").agg(pl.len().alias("rows")).with_columns(pl.lit(k.value).alias("kind"))
        for k, q in queries.items()
    ]
    result = pl.concat(pl.collect_all(frames))
    return result.select("kind", "area", "period", pl.col("rows").cast(pl.Int64)).sort(
        "kind", "area", "period"
    )


def store_status(store: Store) -> StoreStatus:
    """Sources and coverage of a store (empty when nothing was ingested yet)."""
    manifest = store.manifest()
    rows = [CoverageRow(**r) for r in coverage(store).to_dicts()] if manifest.sources else []
    return StoreStatus(store=str(store.root), exists=store.exists(), sources=manifest.sources, coverage=rows)

"""What the store holds: its sources and coverage per kind, area and period."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, Field

from veilcli.domain.choices import Kind
from veilcli.domain.geography import area_expr, is_finer_expr
from veilcli.domain.kinds import KIND_FACTS, KindFacts
from veilcli.domain.models import SourceRecord
from veilcli.domain.periods import period_label_expr
from veilcli.store.store import Store, repair_hint


class CoverageRow(BaseModel):
    """Rows stored for one kind, area and period."""

    kind: Kind
    area: str | None
    period: str | None
    rows: int


class DamagedSource(BaseModel):
    """A source whose stored file does not match the manifest."""

    path: str = Field(description="The original file, as ingested.")
    sheet: str | None = None
    kind: Kind
    file: str = Field(description="The stored Parquet file, relative to the store.")
    problem: str


class StoreStatus(BaseModel):
    """The store's sources and coverage, and which stored files are damaged."""

    store: str
    exists: bool
    sources: list[SourceRecord] = Field(default_factory=list)
    coverage: list[CoverageRow] = Field(default_factory=list)
    verified: bool = Field(False, description="Whether every stored file's sha256 was checked (--verify).")
    damaged: list[DamagedSource] = Field(
        default_factory=list, description="Sources left out of the coverage: their stored file is damaged."
    )
    repair: str | None = Field(None, description="How to repair the damaged sources.")


# Counts of wijken and buurten are shown per municipality: a national buurt table has ~16,000 areas.
FINER_SUFFIX = " (wijken/buurten)"


def _folded_area(column: str) -> pl.Expr:
    """A row's area for the coverage: as stored, a wijk or buurt code as its municipality code."""
    area = pl.col(column)
    finer = is_finer_expr(area)
    return (
        pl.when(finer)
        .then(pl.lit("GM") + area.str.slice(2, 4) + pl.lit("\x00"))
        .otherwise(area)
        .alias("area")
    )


def _name_finer(frame: pl.DataFrame) -> pl.DataFrame:
    """``GM0034\0`` (the wijken and buurten of GM0034) -> ``Almere (wijken/buurten)``."""
    marked = pl.col("area").str.ends_with("\x00")
    code = pl.col("area").str.strip_chars_end("\x00")
    return frame.with_columns(
        pl.when(marked).then(area_expr(code) + pl.lit(FINER_SUFFIX)).otherwise(pl.col("area")).alias("area")
    )


def _coverage_rows(store: Store, kind_facts: KindFacts, sources: list[SourceRecord] | None) -> pl.LazyFrame:
    """A kind's rows as (area, period): row data by the half-year of its date, a table by its period
    or year as stored; wijk and buurt codes as their municipality's where the kind's facts say so."""
    area = pl.col(kind_facts.area_column).alias("area")
    if kind_facts.status_areas == "wijken_folded":
        area = _folded_area(kind_facts.area_column)
    column = pl.col(kind_facts.period_column)
    period = {
        "date": period_label_expr(column, "H"),
        "period": column,
        "year": column.cast(pl.String),
    }[kind_facts.period_column]
    return store.scan(kind_facts.kind, sources).select(area, period.alias("period"))


def coverage(store: Store, sources: list[SourceRecord] | None = None) -> pl.DataFrame:
    """Rows per kind x area x period (half-year for row data, as stored for counts; the wijken and
    buurten of a municipality together, as ``<municipality> (wijken/buurten)``)."""
    queries = {kind: _coverage_rows(store, f, sources) for kind, f in KIND_FACTS.items() if f.status_areas}
    frames = [
        q.group_by("area", "period").agg(pl.len().alias("rows")).with_columns(pl.lit(k.value).alias("kind"))
        for k, q in queries.items()
    ]
    # The streaming engine: a national table's 100M rows are counted without holding them.
    result = _name_finer(pl.concat(pl.collect_all(frames, engine="streaming")))
    result = result.group_by("kind", "area", "period").agg(pl.col("rows").sum())
    return result.select("kind", "area", "period", pl.col("rows").cast(pl.Int64)).sort(
        "kind", "area", "period"
    )


def store_status(store: Store, *, verify: bool = False) -> StoreStatus:
    """Sources and coverage of a store (empty when nothing was ingested yet).

    Every stored file is checked against the manifest (size and schema; with ``verify`` also its
    sha256, which reads every file); damaged sources are listed and left out of the coverage.
    """
    with store.reading():
        manifest = store.manifest()
        damage = store.damage(manifest.sources, checksum=verify)
        bad = {d.source.id for d in damage}
        healthy = [s for s in manifest.sources if s.id not in bad]
        rows = [CoverageRow(**r) for r in coverage(store, healthy).to_dicts()] if healthy else []
        exists = store.exists()
    return StoreStatus(
        store=str(store.root),
        exists=exists,
        sources=manifest.sources,
        coverage=rows,
        verified=verify,
        damaged=[
            DamagedSource(
                path=d.source.path,
                sheet=d.source.sheet,
                kind=d.source.kind,
                file=d.source.file,
                problem=d.problem,
            )
            for d in damage
        ],
        repair=repair_hint(d.source for d in damage) if damage else None,
    )

"""What the store does with a counts table read in blocks (``sources/blocks``): its parts, one
Parquet file per year, settled against the stored rows and moved into the store.

``settle_with_store`` does per year what ``ingest.plan_ingest`` does in memory: rows stored
already, or held by another file of the command, with the same values are agreement (dropped here,
counted), other stored rows under the same key are a conflict (an error, or with ``--replace``
removed from their source: ``Settlement``, over every file of the command). The commit then moves
the staged folder into the store (``Store.commit(folders=...)``); ``part_records`` describes its
parts for the manifest.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.kinds import facts
from veilcli.domain.models import SourceRecord, StoredPart
from veilcli.errors import StoreError
from veilcli.sources.blocks import StagedTable
from veilcli.store.store import Store, source_id_for

KEY = list(facts(Kind.counts).key)
MEASURES = ["count", "internet_count"]
_YEAR = "__year"


def source_stamp(sha256: str) -> pl.Expr:
    """The ``source_id`` column of a file's staged parts (``blocks.stage_table``'s ``stamp``)."""
    return pl.lit(source_id_for(sha256, None)).alias("source_id")


def part_records(folder: Path, years: dict[int, int], relative_folder: str) -> list[StoredPart]:
    """The manifest's records of the parts in ``folder`` (``years``: year -> rows; size and sha256
    of each file)."""
    records = []
    for year in sorted(years):
        path = folder / f"{year}.parquet"
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        records.append(
            StoredPart(
                file=f"{relative_folder}/{year}.parquet",
                year=year,
                rows=years[year],
                size=path.stat().st_size,
                sha256=digest,
            )
        )
    return records


@dataclass
class Settlement:
    """The rows stored sources keep when files of this command replace some of theirs (``--replace``),
    gathered over every file of the command (read whole or in blocks) before anything is written.

    A source in parts keeps its rows of a year in a file in ``spill`` (the command's staging
    folder), rewritten by a streaming anti-join each time rows are taken out: a yearly
    republication of a national table replaces ~66M stored rows, which never sit in memory at once.
    """

    spill: Path | None = None
    kept: dict[str, pl.DataFrame] = field(default_factory=dict)  # source id -> its rows left (one file)
    kept_parts: dict[str, dict[int, Path]] = field(default_factory=dict)  # source id -> year -> rows left
    # source id -> id of the source of this command that takes its rows -> rows taken (recorded in the
    # manifest, ``SourceRecord.replaced_by``: the source is then stored anew when its file is ingested
    # again)
    taken: dict[str, dict[str, int]] = field(default_factory=dict)
    _written: int = 0

    def remove(
        self,
        store: Store,
        source: SourceRecord,
        keys: pl.DataFrame,
        year: int | None = None,
        *,
        by: str | None = None,
        count: int | None = None,
    ) -> None:
        """Take the rows under ``keys`` out of a stored source, as far as this command left it (a
        source in parts: out of the parts of their years; ``year``: every key is of that year).
        ``by``: the id of the new source that replaces them, ``count``: how many rows (default: one
        per key)."""
        if by is not None:
            taken = self.taken.setdefault(source.id, {})
            taken[by] = taken.get(by, 0) + (keys.height if count is None else count)
        on = keys.columns
        if source.parts is None:
            base = self.kept.get(source.id)
            if base is None:
                base = pl.read_parquet(store.path_of(source), glob=False)
            self.kept[source.id] = base.join(keys, on=on, how="anti")
            return
        if self.spill is None:
            raise ValueError("rows of a source in parts are replaced: the settlement needs a staging folder")
        years = self.kept_parts.setdefault(source.id, {})
        folder = self.spill / source.id
        folder.mkdir(exist_ok=True)
        if year is not None:
            groups = {(year,): keys}
        else:
            by_year = keys.with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int32).alias(_YEAR))
            groups = {k: v.drop(_YEAR) for k, v in by_year.partition_by(_YEAR, as_dict=True).items()}
        for (year,), rows in groups.items():
            part = next((q for q in source.parts if q.year == year), None)
            if part is None:
                continue  # no rows of that year are stored there
            before = years.get(int(year))
            rows_now = before if before is not None else store.path_of(source, part)
            self._written += 1
            after = folder / f"{year}-{self._written:06d}.parquet"
            kept = pl.scan_parquet(rows_now, glob=False).join(rows.lazy(), on=on, how="anti")
            kept.sink_parquet(after, statistics=True)
            if before is not None:
                before.unlink()
            years[int(year)] = after


def clash_error(
    path: str, what: str, clashes: pl.DataFrame, key: list[str], sources: dict[str, SourceRecord]
) -> StoreError:
    """Rows of a file under keys another source holds with other values, without ``--replace``."""
    first = clashes.row(0, named=True)
    other = sources[first["source_id"]]
    return StoreError(
        f"{path}: {clashes.height} {what} already stored from another source "
        f"(e.g. {', '.join(f'{k}={first[k]}' for k in key)} from {other.path}). Nothing was stored.",
        hint="pass --replace to replace the stored rows with this file's rows.",
    )


def settle_with_store(
    store: Store,
    sources: list[SourceRecord],
    staged: StagedTable,
    path: str,
    *,
    replace: bool,
    settlement: Settlement,
    others: Sequence[tuple[str, pl.LazyFrame]] = (),
    source_id: str | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Per year: agreement is dropped from the staged part, a conflict is an error (or, with
    ``replace``, the stored rows under those keys are removed from their sources: ``settlement``).

    ``others``: (path, rows) of the command's other files stored with this one (checked against it
    already, ``_check_batch_keys``): rows they hold with the same values are agreement too, kept
    once. ``source_id``: the id the staged file is stored under (recorded with the rows it replaces).
    Returns the rows agreed and the rows replaced, by source path.
    """
    counts_sources = [s for s in sources if s.kind is Kind.counts]
    agreed: dict[str, int] = {}
    replaced: dict[str, int] = {}
    by_id = {s.id: s for s in counts_sources}
    if not counts_sources and not others:
        return agreed, replaced  # nothing stored or given to agree or clash with (a first ingest)
    for year in sorted(staged.years):
        # One year at a time, lazily: the staged rows are read by the joins, never held whole, and
        # the matches are the only frame of that year's size in memory.
        part = staged.part(year)
        new = pl.scan_parquet(part, glob=False)
        stored = store.scan(Kind.counts, counts_sources, years=[year])
        matches = _matches(stored.select(*KEY, *MEASURES, "source_id"), new, year)
        tally = matches.group_by("source_id", "__same").agg(pl.len()).rows()
        for source_id, same, rows in tally:
            if same:
                agreed[by_id[source_id].path] = agreed.get(by_id[source_id].path, 0) + rows
        clashing = [(source_id, rows) for source_id, same, rows in tally if not same]
        if clashing and not replace:
            raise clash_error(path, f"counts of {year}", matches.filter(~pl.col("__same")), KEY, by_id)
        dropped = matches.filter(pl.col("__same")).select(KEY).unique()
        for source_id, rows in clashing:
            old = by_id[source_id]
            replaced[old.path] = replaced.get(old.path, 0) + rows
            keys = matches.filter(~pl.col("__same"), pl.col("source_id") == source_id).select(KEY)
            settlement.remove(store, old, keys, year=year, by=source_id, count=rows)
        del matches
        remaining = new.join(dropped.lazy(), on=KEY, how="anti")
        removed = dropped.height
        for other_path, other_rows in others:
            agreeing = _matches(other_rows.select(*KEY, *MEASURES), remaining, year).filter(pl.col("__same"))
            if agreeing.height:
                agreed[other_path] = agreed.get(other_path, 0) + agreeing.height
                remaining = remaining.join(agreeing.select(KEY).lazy(), on=KEY, how="anti")
                removed += agreeing.height
        if removed:
            settled = part.with_name(f"{year}-settled.parquet")
            remaining.sink_parquet(settled, statistics=True)
            os.replace(settled, part)
            staged.years[year] = int(pl.scan_parquet(part, glob=False).select(pl.len()).collect().item())
    for year in [y for y, n in staged.years.items() if n == 0]:
        staged.part(year).unlink()
        del staged.years[year]
    return agreed, replaced


def _matches(rows: pl.LazyFrame, new: pl.LazyFrame, year: int) -> pl.DataFrame:
    """The rows of ``year`` under a key of ``new``, with ``__same``: whether they hold its values."""
    same = pl.all_horizontal(pl.col(m).eq_missing(pl.col(f"{m}__new")) for m in MEASURES)
    return (
        rows.filter(pl.col("period").str.starts_with(str(year)))
        .join(new.select(*KEY, *(pl.col(m).alias(f"{m}__new") for m in MEASURES)), on=KEY)
        .with_columns(same.alias("__same"))
        .collect(engine="streaming")
    )

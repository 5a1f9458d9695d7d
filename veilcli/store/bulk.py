"""A counts table too large to hold in memory (a national buurt table, ~100M rows): read in blocks,
validated block by block with the same rules, and stored in parts, one Parquet file per year.

``stage_table`` validates every block of a ``BlockReader`` (``sources/csv_stream``) with
``validate_table`` and writes the valid rows of each block, split by year, into a staging folder
inside the store; the blocks of a year are then merged into one ``<year>.parquet`` by a streaming
sink. Every block is read as the format its file's first block is (a table with an extra
dimension, chosen over the whole file, is read whole instead). What a block cannot see is checked
per year afterwards: a key on two blocks, or on an invalid row of another block, is a
``duplicate_key`` finding like one within a block (the later row is invalid), its row read again
from its block as the file writes it. Memory is bounded by a block (``BLOCK_BYTES``) and, in the
checks against the store, by one year of rows.

``settle_with_store`` does per year what ``ingest.plan_ingest`` does in memory: rows stored
already, or held by another file of the command, with the same values are agreement (dropped here,
counted), other stored rows under the same key are a conflict (an error, or with ``--replace``
removed from their source: ``Settlement``, over every file of the command). The commit then moves
the staged folder into the store (``Store.commit(folders=...)``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.models import (
    DATASET_KEYS,
    MAX_LISTED,
    FileReport,
    Issue,
    SourceFormat,
    SourceRecord,
    StoredPart,
)
from veilcli.errors import InputError, StoreError
from veilcli.sources.columns import column_specs
from veilcli.sources.csv_stream import BlockReader
from veilcli.sources.formats import format_of, recognise
from veilcli.sources.formats.interface import Recognised
from veilcli.sources.formats.veilcli_canonical import CanonicalOptions
from veilcli.sources.messages import cut
from veilcli.sources.parsing import clean_text
from veilcli.sources.table import ROW, RawTable
from veilcli.sources.validate import (
    ValidatedTable,
    describe_rows,
    mapped_texts,
    typed_columns,
    validate_table,
)
from veilcli.store.store import Store, source_id_for, stored_schema

Progress = Callable[[str], None]
KEY = list(DATASET_KEYS[Kind.counts])
MEASURES = ["count", "internet_count"]
_YEAR = "__year"


class NotCounts(Exception):
    """The file is not one to read in blocks: read it whole instead. Its first block is not a
    counts table, or not one each block can be read as on its own: an extra dimension (83651NED's
    "Gebruik van geweld") is read at one value chosen over the whole file (its total)."""


@dataclass
class StagedTable:
    """A file validated in blocks; its valid rows in ``<year>.parquet`` files of ``folder``."""

    validated: ValidatedTable  # the report and the rejected rows; ``data`` stays empty
    sha256: str
    folder: Path | None  # None: validated only (``validate``, ``--dry-run``)
    years: dict[int, int] = field(default_factory=dict)  # year -> rows staged
    areas: set[str] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)

    def periods_years(self) -> set[str]:
        """The years of the valid rows' periods (also when nothing is staged: ``validate``)."""
        return {p[:4] for p in self.periods}

    def part(self, year: int) -> Path:
        """The staged file of one year."""
        assert self.folder is not None
        return self.folder / f"{year}.parquet"

    def scan(self) -> pl.LazyFrame:
        """Every staged row (an empty frame when none is staged)."""
        if self.folder is None or not self.years:
            return pl.LazyFrame(schema=stored_schema(Kind.counts))
        return pl.scan_parquet([self.part(y) for y in sorted(self.years)], glob=False)


def stage_table(
    reader: BlockReader,
    options: object,
    folder: Path | None,
    max_per_code: int,
    progress: Progress | None = None,
) -> StagedTable:
    """Validate a large file block by block; with ``folder``, stage its valid rows by year.

    Without ``folder`` (``validate``, ``--dry-run``) only the keys of the valid rows are staged, in
    a temporary folder removed on return, so that a key on two blocks is found as in ``ingest``.
    ``options`` is the command's ``ReadOptions``. Raises ``NotCounts`` (before anything is staged)
    when the first block is not a counts table, or has an extra dimension.
    """
    if folder is not None:
        return _stage_table(reader, options, folder, max_per_code, progress, keys_only=False)
    with tempfile.TemporaryDirectory(prefix="veilcli-keys-") as temporary:
        staged = _stage_table(reader, options, Path(temporary), max_per_code, progress, keys_only=True)
    staged.folder, staged.years = None, {}
    return staged


def _stage_table(
    reader: BlockReader,
    options: object,
    folder: Path,
    max_per_code: int,
    progress: Progress | None,
    *,
    keys_only: bool,
) -> StagedTable:
    report: FileReport | None = None
    rejected: list[pl.DataFrame] = []
    staged = StagedTable(
        ValidatedTable(pl.DataFrame(), pl.DataFrame(), FileReport(path="", format="")), "", folder
    )
    first: Recognised | None = None  # the first block: every block is read as the format it is
    for block in reader.blocks():
        try:
            recognised = _recognise_like(block.table, options, first)
        except InputError:
            if first is None:
                raise NotCounts from None  # e.g. a dimension without total in this block: read whole
            raise
        if recognised.kind is not Kind.counts or _has_dimensions(recognised):
            raise NotCounts
        first = first or recognised
        validated = validate_table(recognised, max_per_code, last_part=block.last)
        report = validated.report if report is None else _merge(report, validated.report, max_per_code)
        data = validated.data
        staged.areas.update(data["area"].drop_nulls().unique().to_list())
        staged.periods.update(data["period"].drop_nulls().unique().to_list())
        if validated.rejected.height:
            rejected.append(validated.rejected)
            # Their keys count in the check across blocks, as in a file read whole.
            invalid = _invalid_keys(recognised, validated.rejected)
            with_year = invalid.with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int32).alias(_YEAR))
            for (year,), rows in with_year.partition_by(_YEAR, as_dict=True).items():
                rows.drop(_YEAR).write_parquet(folder / f"invalid-{year}-{block.number:06d}.parquet")
        if data.height:
            if keys_only:
                data = data.select(*KEY, "source_row")
            with_year = data.with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int32).alias(_YEAR))
            for (year,), rows in with_year.partition_by(_YEAR, as_dict=True).items():
                rows.drop(_YEAR).write_parquet(folder / f"{year}-{block.number:06d}.parquet")
                staged.years[int(year)] = staged.years.get(int(year), 0) + rows.height
        if progress:
            progress(f"read {report.rows_read:,} rows of {reader.path.name}")
    assert report is not None
    staged.sha256 = reader.sha256
    _merge_blocks(staged, keys_only)
    rejected = _duplicates_across_blocks(
        staged, report, max_per_code, rejected, lambda rows: _rows_as_read(reader, options, first, rows)
    )
    _describe(report, staged)
    report.notes.append(
        f"read in {reader.blocks_read} blocks (a file over {reader.stream_from:,} bytes, "
        f"VEILCLI_STREAM_BYTES); its rows are stored one file per year ({len(staged.periods_years())} years)"
    )
    staged.validated = ValidatedTable(
        pl.DataFrame(schema={k: v for k, v in stored_schema(Kind.counts).items() if k != "source_id"}),
        pl.concat(rejected, how="diagonal_relaxed").sort("row") if rejected else pl.DataFrame(),
        report,
    )
    return staged


def _has_dimensions(recognised: Recognised) -> bool:
    """Whether the table has an extra dimension, read at one of its values (``pick_dimensions``)."""
    return any(note.startswith("dimension ") for note in recognised.notes)


def _recognise_like(table: RawTable, options: object, first: Recognised | None) -> Recognised:
    """A block recognised as the file's first block was (``first``; None: this is the first block).

    A block is not recognised on its own: one holding only a label export's "Totaal misdrijven"
    rows would be taken for another format (canonical, keeping the label as the category).
    """
    kind = options.kind  # type: ignore[attr-defined]
    column_map = options.column_map  # type: ignore[attr-defined]
    if first is None:
        return recognise(table, kind, column_map, options.format_options())  # type: ignore[attr-defined]
    found_as = format_of(first.name)
    own = next(
        (o for o in options.format_options() if type(o) is found_as.options_type),  # type: ignore[attr-defined]
        None,
    )
    if first.name is SourceFormat.veilcli_canonical:
        own = CanonicalOptions(kind, column_map)
    found = found_as.to_canonical(table, own if own is not None else found_as.options_type())
    found.kind_detected = first.kind_detected
    return found


def _rows_as_read(
    reader: BlockReader, options: object, first: Recognised | None, rows: list[int]
) -> pl.DataFrame:
    """These rows as the file writes them (recognised as when first read): their blocks read again."""
    wanted = pl.DataFrame({ROW: rows}, schema={ROW: pl.Int64})
    frames = [
        _recognise_like(table, options, first).table.frame.join(wanted, on=ROW, how="semi")
        for table in reader.reread(rows)
    ]
    return pl.concat(frames, how="diagonal_relaxed")


def _merge(total: FileReport, more: FileReport, max_per_code: int) -> FileReport:
    """One file's report from its blocks' reports: counts added, findings up to ``max_per_code`` a code."""
    total.rows_read += more.rows_read
    total.rows_valid += more.rows_valid
    total.rows_invalid += more.rows_invalid
    total.blank_rows_skipped += more.blank_rows_skipped
    for code, n in more.issue_counts.items():
        total.issue_counts[code] = total.issue_counts.get(code, 0) + n
    shown: dict[str, int] = {}
    for issue in total.issues:
        shown[issue.code] = shown.get(issue.code, 0) + 1
    for issue in more.issues:
        if shown.get(issue.code, 0) < max_per_code:
            total.issues.append(issue)
            shown[issue.code] = shown.get(issue.code, 0) + 1
    total.notes.extend(n for n in more.notes if n not in total.notes)
    return total


def _merge_blocks(staged: StagedTable, keys_only: bool) -> None:
    """Each year's block files merged into one ``<year>.parquet`` in the stored schema (streamed,
    statistics kept); ``keys_only``: the keys and row numbers as staged."""
    assert staged.folder is not None
    columns = list(stored_schema(Kind.counts))
    source_id = pl.lit(source_id_for(staged.sha256, None)).alias("source_id")
    for year in sorted(staged.years):
        blocks = sorted(staged.folder.glob(f"{year}-*.parquet"))
        rows = pl.scan_parquet(blocks, glob=False)
        if not keys_only:
            rows = rows.with_columns(source_id).select(columns)
        rows.sink_parquet(staged.part(year), statistics=True)
        for block in blocks:
            block.unlink()


def _invalid_keys(recognised: Recognised, rejected: pl.DataFrame) -> pl.DataFrame:
    """The keys (and row numbers) of a block's invalid rows, parsed as ``validate_table`` parses them:
    a row with the key of an earlier invalid row is a duplicate too."""
    mapping = dict(recognised.columns)
    if not all(k in mapping for k in KEY):
        return pl.DataFrame(schema={**{k: pl.String for k in KEY}, "source_row": pl.Int64})
    frame = recognised.table.frame.join(rejected.select(pl.col("row").alias(ROW)), on=ROW, how="semi")
    texts = mapped_texts(dataclasses.replace(recognised.table, frame=frame), mapping)
    typed = typed_columns(texts, Kind.counts, column_specs(Kind.counts), mapping)
    return typed.select(*KEY, pl.col(ROW).alias("source_row")).drop_nulls(KEY)


def _duplicates_across_blocks(
    staged: StagedTable,
    report: FileReport,
    max_per_code: int,
    rejected: list[pl.DataFrame],
    as_read: Callable[[list[int]], pl.DataFrame],
) -> list[pl.DataFrame]:
    """Keys on rows of different blocks (within a block ``validate_table`` found them): the later
    row is a ``duplicate_key`` finding, as when the file is read whole; the keys of invalid rows
    count too. A valid later row is taken out of its part and rejected, an invalid one gets the
    reason as well. Returns the rejected rows (``as_read``: rows read again, as the file writes them).
    """
    later, later_invalid = _later_rows(staged)
    if rejected and later_invalid.len():  # those a block found already
        block_rejects = pl.concat(rejected, how="diagonal_relaxed")
        flagged = block_rejects.filter(pl.col("reasons").str.contains("duplicate_key (", literal=True))
        later_invalid = later_invalid.filter(~later_invalid.is_in(flagged["row"].implode()))
    if not later.len() and not later_invalid.len():
        return rejected
    rows = as_read(pl.concat([later, later_invalid]).to_list())
    reason = _report_duplicates(report, max_per_code, later, later_invalid, rows)
    also = pl.col("row").is_in(later_invalid.implode())
    rejected = [
        frame.with_columns(
            pl.when(also).then(pl.format("{}; {}", "reasons", pl.lit(reason))).otherwise("reasons")
        )
        for frame in rejected
    ]
    valid = rows.join(later.to_frame(ROW), on=ROW, how="semi")
    return [
        *rejected,
        valid.select(pl.col(ROW).alias("row"), pl.lit(reason).alias("reasons"), pl.exclude(ROW)),
    ]


def _later_rows(staged: StagedTable) -> tuple[pl.Series, pl.Series]:
    """Row numbers of the rows whose key is on an earlier row (of any block), valid and invalid
    (the keys of invalid rows are staged in ``invalid-<year>-<block>.parquet``, removed here);
    the valid ones are taken out of their part."""
    assert staged.folder is not None
    found: list[pl.Series] = []
    found_invalid: list[pl.Series] = []
    invalid_files: dict[int, list[Path]] = {}
    for path in sorted(staged.folder.glob("invalid-*.parquet")):
        invalid_files.setdefault(int(path.name.split("-")[1]), []).append(path)
    for year in sorted(set(staged.years) | set(invalid_files)):
        keys = [
            pl.scan_parquet(f, glob=False).with_columns(__valid=False) for f in invalid_files.get(year, [])
        ]
        if year in staged.years:
            keys.append(
                pl.scan_parquet(staged.part(year)).select(*KEY, "source_row").with_columns(__valid=True)
            )
        rows = pl.concat(keys)
        hashed = rows.select(pl.struct(KEY).hash().alias("h"))
        unique, count = hashed.select(pl.col("h").n_unique(), pl.len()).collect().row(0)
        if unique == count:  # the cheap test; a hash collision only costs the exact test below
            continue
        later = rows.sort("source_row").filter(~pl.struct(KEY).is_first_distinct()).collect()
        found_invalid.append(later.filter(~pl.col("__valid"))["source_row"])
        later = later.filter(pl.col("__valid"))
        if later.height:
            kept = pl.read_parquet(staged.part(year)).join(later, on="source_row", how="anti")
            kept.write_parquet(staged.part(year), statistics=True)
            staged.years[year] = kept.height
            found.append(later["source_row"])
    for files in invalid_files.values():
        for path in files:
            path.unlink()
    none = pl.Series("source_row", [], dtype=pl.Int64)
    return pl.concat([none, *found]).sort(), pl.concat([none, *found_invalid]).sort()


def _report_duplicates(
    report: FileReport, max_per_code: int, later: pl.Series, later_invalid: pl.Series, as_read: pl.DataFrame
) -> str:
    """The duplicates across blocks in the report (``as_read``: their rows as the file writes them):
    counted, the file's first ``max_per_code`` shown (with those found within blocks). Returns the
    reason for the rejected rows."""
    header = report.columns.get("period", "period")
    rows = pl.concat([later, later_invalid]).sort()
    texts = (
        as_read.join(rows.to_frame(ROW), on=ROW, how="semi")
        .sort(ROW)
        .select(ROW, clean_text(pl.col(header)).alias("text"))
        .head(max_per_code)
    )
    message = f"duplicate {' + '.join(KEY)}: the same key is on an earlier row"
    shown = [i for i in report.issues if i.code == "duplicate_key"]
    for row, text in texts.iter_rows():
        shown.append(
            Issue(
                code="duplicate_key",
                row=row,
                column=header,
                value=None if text is None else cut(text),
                message=message,
                hint="remove the duplicate row or correct its id",
            )
        )
    shown = sorted(shown, key=lambda i: i.row or 0)[:max_per_code]
    report.issues = [i for i in report.issues if i.code != "duplicate_key"] + shown
    report.issue_counts["duplicate_key"] = report.issue_counts.get("duplicate_key", 0) + rows.len()
    report.rows_valid -= later.len()
    report.rows_invalid += later.len()
    return f"duplicate_key ({header}): {message}"


def _describe(report: FileReport, staged: StagedTable) -> None:
    """Periods and areas of the file's valid rows, and the note on periods of different lengths,
    as ``validate_table`` describes a file read whole (a block saw only its own periods)."""
    periods = pl.DataFrame({"period": sorted(staged.periods)}, schema={"period": pl.String})
    whole = FileReport(path=report.path, format=report.format)
    describe_rows(whole, Kind.counts, periods.with_columns(pl.lit(None, dtype=pl.String).alias("area")))
    report.notes = [n for n in report.notes if not n.startswith("periods of different lengths")]
    report.notes.extend(whole.notes)
    report.periods = sorted(staged.periods)
    areas = sorted(staged.areas)
    report.area_count = len(areas)
    report.areas = areas[:MAX_LISTED]


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

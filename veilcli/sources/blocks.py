"""A counts table too large to hold in memory (a national buurt table, ~100M rows): read in blocks,
validated block by block with the same rules, its valid rows staged in parts, one Parquet file per
year.

``stage_table`` validates every block of a ``BlockReader`` (``csv_stream``) with ``validate_table``
and writes the valid rows of each block, split by year, into a folder the caller gives (the
store's staging folder for ``ingest``, a temporary one for ``validate``); the blocks of a year are
then merged into one ``<year>.parquet`` by a streaming sink. Every block is read as the format its
file's first block is (``pipeline.recognise_block``; a table with an extra dimension, chosen over
the whole file, is read whole instead). What a block cannot see is checked per year afterwards: a
key on two blocks, or on an invalid row of another block, is a ``duplicate_key`` finding like one
within a block (the later row is invalid), its row read again from its block as the file writes
it. Memory is bounded by a block (``BLOCK_BYTES``) and by one year of keys.

What the store does with the staged parts (agreement and conflicts with stored rows, the commit)
is ``store/bulk``'s.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.kinds import facts
from veilcli.domain.models import MAX_LISTED, FileReport, Issue
from veilcli.errors import InputError
from veilcli.sources.columns import column_specs
from veilcli.sources.csv_stream import BlockReader
from veilcli.sources.formats.interface import Recognised
from veilcli.sources.messages import cut
from veilcli.sources.parsing import clean_text
from veilcli.sources.table import ROW, RawTable
from veilcli.sources.validate import (
    SOURCE_ROW,
    ValidatedTable,
    describe_rows,
    mapped_texts,
    typed_columns,
    validate_table,
)

Progress = Callable[[str], None]
# A block recognised as its file's first block was (None: this is the first block).
RecogniseBlock = Callable[[RawTable, Recognised | None], Recognised]
# A column added to every staged row, from the file's sha256 (the store's ``source_id``).
Stamp = Callable[[str], pl.Expr]
KEY = list(facts(Kind.counts).key)
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
        """Every staged row (an empty frame of the valid rows' columns when none is staged)."""
        if self.folder is None or not self.years:
            return pl.LazyFrame(schema=self.validated.data.schema)
        return pl.scan_parquet([self.part(y) for y in sorted(self.years)], glob=False)


def stage_table(
    reader: BlockReader,
    recognise: RecogniseBlock,
    folder: Path | None,
    max_per_code: int,
    progress: Progress | None = None,
    stamp: Stamp | None = None,
) -> StagedTable:
    """Validate a large file block by block; with ``folder``, stage its valid rows by year.

    Without ``folder`` (``validate``, ``--dry-run``) only the keys of the valid rows are staged, in
    a temporary folder removed on return, so that a key on two blocks is found as in ``ingest``.
    ``recognise`` reads a block as its file's first block was read (``pipeline.recognise_block``);
    ``stamp`` is a column added to every staged row from the file's sha256 (the store's source id),
    so that the staged parts are the files the store keeps. Raises ``NotCounts`` (before anything is staged)
    when the first block is not a counts table, or has an extra dimension.
    """
    if folder is not None:
        return _stage_table(reader, recognise, folder, max_per_code, progress, stamp, keys_only=False)
    with tempfile.TemporaryDirectory(prefix="veilcli-keys-") as temporary:
        staged = _stage_table(
            reader, recognise, Path(temporary), max_per_code, progress, None, keys_only=True
        )
    staged.folder, staged.years = None, {}
    return staged


def _stage_table(
    reader: BlockReader,
    recognise: RecogniseBlock,
    folder: Path,
    max_per_code: int,
    progress: Progress | None,
    stamp: Stamp | None,
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
            recognised = recognise(block.table, first)
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
    _merge_blocks(staged, None if keys_only else stamp)
    rejected = _duplicates_across_blocks(
        staged, report, max_per_code, rejected, lambda rows: _rows_as_read(reader, recognise, first, rows)
    )
    _describe(report, staged)
    report.notes.append(
        f"read in {reader.blocks_read} blocks (a file over {reader.stream_from:,} bytes, "
        f"VEILCLI_STREAM_BYTES); its rows are stored one file per year ({len(staged.periods_years())} years)"
    )
    staged.validated = ValidatedTable(
        pl.DataFrame(schema=_valid_schema()),
        pl.concat(rejected, how="diagonal_relaxed").sort("row") if rejected else pl.DataFrame(),
        report,
    )
    return staged


def _has_dimensions(recognised: Recognised) -> bool:
    """Whether the table has an extra dimension, read at one of its values (``pick_dimensions``)."""
    return any(note.startswith("dimension ") for note in recognised.notes)


def _rows_as_read(
    reader: BlockReader, recognise: RecogniseBlock, first: Recognised | None, rows: list[int]
) -> pl.DataFrame:
    """These rows as the file writes them (recognised as when first read): their blocks read again."""
    wanted = pl.DataFrame({ROW: rows}, schema={ROW: pl.Int64})
    frames = [
        recognise(table, first).table.frame.join(wanted, on=ROW, how="semi") for table in reader.reread(rows)
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


def _valid_schema() -> dict[str, pl.DataType]:
    """The columns of a counts table's valid rows: the canonical ones and the row number."""
    schema: dict[str, pl.DataType] = {s.name: s.type.dtype for s in column_specs(Kind.counts)}
    schema[SOURCE_ROW] = pl.Int64()
    return schema


def _merge_blocks(staged: StagedTable, stamp: Stamp | None) -> None:
    """Each year's block files merged into one ``<year>.parquet`` (streamed, statistics kept): the
    valid rows' columns and the ``stamp`` column; without ``stamp`` (keys only) the keys and row
    numbers as staged."""
    assert staged.folder is not None
    columns = list(_valid_schema())
    stamped = None if stamp is None else stamp(staged.sha256)
    for year in sorted(staged.years):
        blocks = sorted(staged.folder.glob(f"{year}-*.parquet"))
        rows = pl.scan_parquet(blocks, glob=False)
        if stamped is not None:
            rows = rows.with_columns(stamped).select(*columns, stamped.meta.output_name())
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

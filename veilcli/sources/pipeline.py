"""The read side's pipeline: read -> recognise -> validate, with the options of a command.

``ReadOptions`` says how to read and interpret files (shared by ``validate``, ``map suggest``'s
check and ``ingest``). ``check_paths`` runs the pipeline per file: read (``readers``) -> recognise
(``formats``, each format with its own options) -> validate (``validate``), returning validated
tables (valid rows, rejected rows, the report with its findings) and the file hashes. A large
counts CSV goes the block-streamed way instead (``csv_stream`` + ``blocks``): each block recognised
as the first block was (``recognise_block``) and validated, its valid rows staged by year in a
folder the caller gives. Nothing here knows the store: ``ingest`` receives the validated tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from veilcli.domain.choices import Kind
from veilcli.domain.models import DEFAULT_MAX_PER_CODE, ColumnMap, SourceFormat, ValidationReport
from veilcli.sources.blocks import NotCounts, StagedTable, Stamp, stage_table
from veilcli.sources.columns import normalise_header
from veilcli.sources.csv_stream import BlockReader, streamable
from veilcli.sources.files import check_regular_file, expand_paths, find_input_files
from veilcli.sources.formats import (
    FormatOptions,
    KerncijfersOptions,
    WijkBuurtkaartOptions,
    format_of,
    recognise,
)
from veilcli.sources.formats.cbs_csv import CbsCsvOptions
from veilcli.sources.formats.interface import Recognised
from veilcli.sources.formats.veilcli_canonical import CanonicalOptions
from veilcli.sources.readers import read_tables
from veilcli.sources.table import RawTable
from veilcli.sources.validate import ValidatedTable, validate_table

Progress = Callable[[str], None]


@dataclass
class ReadOptions:
    """How to read and interpret input files (shared by ``validate`` and ``ingest``)."""

    kind: Kind | None = None
    sheet: str | None = None
    all_sheets: bool = False
    header_row: int | None = None
    column_map: ColumnMap | None = None
    max_per_code: int = DEFAULT_MAX_PER_CODE
    # CBS Kerncijfers options, kept for callers that set them here (--year, --youth-from-15-25);
    # ``formats`` is the place for every format's own options.
    year: int | None = None
    youth_from_15_25: bool = False
    covers: tuple[dt.date, dt.date] | None = None  # the span the files cover (--covers), else inferred
    scope: list[str] | None = None  # the categories the files cover (--scope), else inferred
    formats: tuple[FormatOptions, ...] = ()  # each format's own options, e.g. KerncijfersOptions(year=2019)
    allow_unknown_areas: bool = False  # a registration's misspelt-looking municipality: kept, warned

    def format_options(self) -> tuple[FormatOptions, ...]:
        """The formats' own options: ``formats``, with ``year``/``youth_from_15_25`` as the options of
        every population format (CBS Kerncijfers, wijk- en buurtkaart) unless ``formats`` holds them."""
        given = self.year is not None or self.youth_from_15_25
        if not given:
            return self.formats
        held = {type(o) for o in self.formats}
        extra = tuple(
            kind(self.year, self.youth_from_15_25)
            for kind in (KerncijfersOptions, WijkBuurtkaartOptions, CbsCsvOptions)
            if kind not in held
        )
        return (*self.formats, *extra)


@dataclass
class Checked:
    """One file (or sheet) read and validated; ``staged`` when it was read in blocks."""

    validated: ValidatedTable
    sha256: str
    staged: StagedTable | None = None


def validate_paths(
    paths: list[Path], options: ReadOptions, progress: Progress | None = None
) -> list[tuple[ValidatedTable, str]]:
    """Read, recognise and validate every file (folders expanded); returns tables with file hashes."""
    return [(c.validated, c.sha256) for c in check_paths(paths, options, progress)]


def validation_report(
    paths: list[Path], options: ReadOptions, progress: Progress | None = None
) -> ValidationReport:
    """Every file read and validated (folders expanded, their lock files skipped and listed)."""
    found = find_input_files(paths)
    validated = validate_paths(found.files, options, progress)
    return ValidationReport(files=[table.report for table, _ in validated], skipped=found.skipped)


def check_paths(
    paths: list[Path],
    options: ReadOptions,
    progress: Progress | None = None,
    staging: Path | None = None,
    stamp: Stamp | None = None,
) -> list[Checked]:
    """Read, recognise and validate every file (folders expanded).

    A counts CSV over ``VEILCLI_STREAM_BYTES`` is read in blocks (``blocks``); with ``staging``
    its valid rows are staged there, by year, for the commit, each row with the ``stamp`` column.
    """
    results: list[Checked] = []
    for number, path in enumerate(expand_paths(paths), start=1):
        if progress:
            progress(f"reading {path}")
        staged = _read_in_blocks(path, options, progress, staging, stamp, number)
        if staged is not None:
            results.append(Checked(staged.validated, staged.sha256, staged))
            continue
        for table in read_tables(
            path,
            options.sheet,
            options.all_sheets,
            options.header_row,
            list((options.column_map.columns.values()) if options.column_map else []),
        ):
            results.append(Checked(recognise_and_validate(table, options), table.sha256))
    return results


def _read_in_blocks(
    path: Path,
    options: ReadOptions,
    progress: Progress | None,
    staging: Path | None,
    stamp: Stamp | None,
    number: int,
) -> StagedTable | None:
    """A large counts CSV validated (and staged) block by block; None: read the file whole."""
    if options.sheet is not None or not streamable(path):
        return None
    check_regular_file(path)
    hints = {normalise_header(h) for h in (options.column_map.columns.values() if options.column_map else [])}
    reader = BlockReader.open(path, options.header_row, hints)
    if reader is None:
        return None
    folder = None
    if staging is not None:
        folder = staging / f"{number:08x}"
        folder.mkdir()
    try:
        by_first = partial(recognise_block, options=options)
        return stage_table(reader, by_first, folder, options.max_per_code, progress, stamp)
    except NotCounts:
        return None  # not a counts table: read whole, within the ordinary limits
    finally:
        reader.close()


def recognise_and_validate(table: RawTable, options: ReadOptions) -> ValidatedTable:
    """One table read: recognise its format (with that format's own options), then validate it."""
    recognised = recognise(table, options.kind, options.column_map, options.format_options())
    return validate_table(recognised, options.max_per_code, allow_unknown_areas=options.allow_unknown_areas)


def recognise_block(table: RawTable, first: Recognised | None, *, options: ReadOptions) -> Recognised:
    """A block of a file read in blocks, recognised as the file's first block was (``first``; None:
    this is the first block).

    A block is not recognised on its own: one holding only a label export's "Totaal misdrijven"
    rows would be taken for another format (canonical, keeping the label as the category).
    """
    if first is None:
        return recognise(table, options.kind, options.column_map, options.format_options())
    found_as = format_of(first.name)
    own = next((o for o in options.format_options() if type(o) is found_as.options_type), None)
    if first.name is SourceFormat.veilcli_canonical:
        own = CanonicalOptions(options.kind, options.column_map)
    found = found_as.to_canonical(table, own if own is not None else found_as.options_type())
    found.kind_detected = first.kind_detected
    return found

"""Export formats and their writers: the dispatch on top of the writers.

``ExportFormat`` names each format and knows its writer (as pip-audit's output formats build
their renderer): adding a format is one member here plus its writer, and ``tests/test_export.py``
fails when a member has none. ``export`` is the one entry point. Every writer checks its target
with ``targets.prepare_target`` before a byte is written, and writes only regular files,
atomically (``files/atomic.py``).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, assert_never

from veilcli.errors import InputError
from veilcli.report.targets import prepare_target, write_file

if TYPE_CHECKING:
    from veilcli.report.targets import Exported


class Writer(Protocol):
    """Writes an export's tables to ``out``; returns the files written."""

    def __call__(self, tables: Exported, out: Path, force: bool) -> list[Path]: ...


class ExportFormat(StrEnum):
    """What ``export`` writes: a report workbook, a folder of CSVs, or one JSON file."""

    xlsx = "xlsx"
    csv = "csv"
    json = "json"

    @property
    def description(self) -> str:
        """What the format writes, for help texts."""
        match self:
            case ExportFormat.xlsx:
                return "a report workbook (.xlsx)"
            case ExportFormat.csv:
                return "a folder of CSV files, one per table"
            case ExportFormat.json:
                return "one JSON file with every table"
        assert_never(self)

    def writer(self) -> Writer:
        """The function that writes this format (imported only when asked for: openpyxl is slow)."""
        match self:
            case ExportFormat.xlsx:
                return write_xlsx
            case ExportFormat.csv:
                from veilcli.report.export_files import write_csv

                return write_csv
            case ExportFormat.json:
                from veilcli.report.export_files import write_json

                return write_json
        assert_never(self)


def export(tables: Exported, fmt: ExportFormat, out: Path, force: bool = False) -> list[Path]:
    """Write ``tables`` (a comparison's, or a league's) as ``fmt`` to ``out`` (a file, or a folder for
    csv); returns the files written.

    Refuses (``InputError``, nothing written) what ``prepare_target`` refuses; an existing file is
    replaced only with ``force``.
    """
    return fmt.writer()(tables, out, force)


def write_xlsx(tables: Exported, out: Path, force: bool = False) -> list[Path]:
    """Write the workbook (a comparison's, or a league's) atomically (temp file + rename); refuse to
    overwrite without ``force``. The workbook modules are imported only here: openpyxl is slow."""
    from veilcli.report.league_tables import LeagueTables

    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the workbook needs the .xlsx extension.")
    target = prepare_target(out, force)
    if isinstance(tables, LeagueTables):
        from veilcli.report.export_league_xlsx import build_league_workbook

        workbook = build_league_workbook(tables)
    else:
        from veilcli.report.export_xlsx import build_workbook

        workbook = build_workbook(tables)
    write_file(target, workbook.save)
    return [out]

"""xlsx/xlsm workbooks: every sheet checked (``xlsx_safety``) before fastexcel/calamine reads it as
text; the header row found under title rows; rows numbered as the spreadsheet shows them.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fastexcel
from fastexcel import ExcelReader

from veilcli.errors import InputError
from veilcli.sources.files import read_file_bytes
from veilcli.sources.limits import MAX_FILE_BYTES
from veilcli.sources.messages import display_path, reason, short
from veilcli.sources.table import HEADER_SEARCH_ROWS, RawTable, check_frame, find_header_row, with_row_numbers
from veilcli.sources.table_view_layout import SEARCH_ROWS, table_view_start, title_block
from veilcli.sources.xlsx_safety import Workbook


def _excel_reader(path: Path, data: bytes) -> ExcelReader:
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise InputError(
            f"{display_path(path)}: cannot be opened as an Excel workbook ({reason(exc)}).",
            hint="check that it is a real .xlsx (not a renamed csv or an old .xls: "
            "save it as .xlsx in Excel).",
        ) from None


class EmptySheet(InputError):
    """A sheet without any cell (skipped when reading every sheet)."""


class NoTableSheet(InputError):
    """A sheet with cells but no header row: an explanation sheet, notes, a chart's data labels
    (skipped when reading every sheet, as an empty one is)."""


SKIPPED_SHEETS = "veilcli.skipped_sheets"  # metadata of a workbook's first table: sheets left unread


def _header_names(cells: tuple[object, ...]) -> list[str]:
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"column_{position}"
        while name in names:
            name = f"{name}_{position}"
        names.append(name)
    return names


def _read_sheet(
    reader: ExcelReader,
    path: Path,
    sheet: str,
    header_row: int | None,
    extra: set[str] | None,
    first_filled_row: int,
) -> RawTable:
    where = f" (sheet {short(sheet)!r})"
    try:
        raw = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise InputError(f"{display_path(path)}{where}: cannot read the sheet ({reason(exc)}).") from None
    if raw.height == 0:
        raise EmptySheet(
            f"{display_path(path)}{where}: the sheet is empty.", hint="pass --sheet NAME for another sheet."
        )
    offset = first_filled_row - 1
    head = [list(r) for r in raw.head(SEARCH_ROWS).iter_rows()] if header_row is None else []
    start = table_view_start(head)
    if start is not None:  # a StatLine table view: formats/table_view.py reads its header block
        frame = raw.slice(start)
        frame = frame.rename({c: f"column_{i}" for i, c in enumerate(frame.columns, start=1)})
        frame = with_row_numbers(frame, first_data_row=offset + start + 1)
        check_frame(path, frame, where)
        return RawTable(
            frame, path, "xlsx", sheet=sheet, header_row=offset + start + 1, metadata=title_block(head, start)
        )
    if header_row is None:
        try:
            index = find_header_row(
                [list(r) for r in raw.head(HEADER_SEARCH_ROWS).iter_rows()], path, extra, where
            )
        except InputError as exc:  # no row looks like a header: this sheet holds no table
            raise NoTableSheet(exc.message, hint=exc.hint) from None
    else:
        index = header_row - 1 - offset
        if not 0 <= index < raw.height:
            raise InputError(
                f"{display_path(path)}{where}: --header-row {header_row} is outside the filled rows."
            )
    names = _header_names(raw.row(index))
    frame = raw.slice(index + 1).rename(dict(zip(raw.columns, names, strict=True)))
    unnamed_empty = [n for n in names if n.startswith("column_") and frame[n].null_count() == frame.height]
    frame = with_row_numbers(frame.drop(unnamed_empty), first_data_row=offset + index + 2)
    check_frame(path, frame, where)
    return RawTable(frame, path, "xlsx", sheet=sheet, header_row=offset + index + 1)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refuse_twice_named(path: Path, names: list[str], chosen: list[str]) -> None:
    """Two sheets of one name (Excel refuses that, but a workbook written by another program, or with
    a name spelt once as ``D&#97;ta``, can hold them): calamine reads a sheet by its name, so it would
    read the first twice and never the second, and the store keeps a source by file and sheet name.
    Refused when such a sheet is to be read; the first sheet, read by default, is unambiguous."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen and name in chosen:
            raise InputError(
                f"{display_path(path)}: sheets {seen[name]} and {position} are both named {short(name)!r}; "
                "veilcli reads a sheet by its name and cannot tell them apart. Nothing was read.",
                hint="rename one of them (in Excel: right-click the sheet's tab, Rename) and save it.",
            )
        seen.setdefault(name, position)


def _sheet_checked_first(book: Workbook, sheet: str | None) -> str | None:
    """The sheet whose check can start before calamine lists the sheets: the one asked for, else
    the first, where the port names it as calamine will (else it waits for calamine's list)."""
    names = [name for name, _ in book.sheets]  # before ``sure`` is read: listing may clear it
    if not book.sure or not names:
        return None
    name = sheet if sheet is not None else names[0]
    return name if name in names else None


def read_workbook(
    path: Path, sheet: str | None, all_sheets: bool, header_row: int | None, extra: set[str]
) -> list[RawTable]:
    data = read_file_bytes(path, MAX_FILE_BYTES)
    # The file's sha256 and the check of the sheet to be read run beside calamine's opening of the
    # checked container (hashlib, zlib and polars let go of the GIL): the check needs the sheet's
    # bytes only, and calamine reads no sheet when it opens a workbook.
    with ThreadPoolExecutor(max_workers=2) as pool:
        digest = pool.submit(_sha256, data)
        book = Workbook(path, data)  # the container, before calamine opens it
        early = _sheet_checked_first(book, sheet)
        checked = pool.submit(book.check_sheet, early) if early is not None else None
        reader = _excel_reader(path, data)
        sha256 = digest.result()
    if not reader.sheet_names:
        raise InputError(f"{display_path(path)}: the workbook has no sheets.")
    chosen = reader.sheet_names if all_sheets else [sheet or reader.sheet_names[0]]
    _refuse_twice_named(path, reader.sheet_names, chosen if all_sheets or sheet is not None else [])
    tables = []
    skipped: list[str] = []  # with --all-sheets: the sheets without a table, and why
    for name in chosen:
        if name not in reader.sheet_names:
            raise InputError(
                f"{display_path(path)}: no sheet named {short(name)!r}.",
                hint=f"the sheets are: {', '.join(short(n) for n in reader.sheet_names[:20])}"
                f"{' ...' if len(reader.sheet_names) > 20 else ''}; pass --sheet NAME.",
            )
        if checked is not None and name == early:
            checked.result()  # its refusal, now that this sheet is read
        first_filled_row = book.check_sheet(name)  # before calamine allocates the sheet (cached)
        try:
            table = _read_sheet(reader, path, name, header_row, extra, first_filled_row)
        except (EmptySheet, NoTableSheet) as exc:
            if not all_sheets:
                raise  # the one sheet asked for holds no table: say so
            why = (
                "empty"
                if isinstance(exc, EmptySheet)
                else f"no table (no header row in rows 1-{HEADER_SEARCH_ROWS})"
            )
            skipped.append(f"sheet {short(name)!r} skipped: {why}")
            continue
        table.sha256 = sha256
        tables.append(table)
    if not tables:
        if skipped and len(skipped) == sum(s.endswith(": empty") for s in skipped):
            raise InputError(f"{display_path(path)}: every sheet is empty.")
        raise InputError(
            f"{display_path(path)}: no sheet holds a table ({'; '.join(skipped)}).",
            hint="pass --sheet NAME --header-row N for the sheet that holds the figures.",
        )
    if skipped:  # said once, with the workbook's first table (formats.recognise makes it a note)
        tables[0].metadata[SKIPPED_SHEETS] = "; ".join(skipped)
    return tables

"""`veilcli export xlsx`: a report-ready workbook from a comparison.

Sheets: ``Overzicht`` (every indicator), one sheet per theme with a native clustered bar chart per
rate indicator, ``Normalisatie`` (raw, samenloop effect, internet effect, corrected), ``Wijken``
(with ``--by district``) and ``Bronnen`` (provenance). Numbers are numbers with number formats;
every string is a string cell, never a formula (``spreadsheet_safety.py``: titles, labels, plan,
area and sheet names included). The workbook is written to a temporary file and renamed, so a
failed export leaves nothing behind; only a regular file is ever written (``exports.prepare_target``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, assert_never

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from veilcli.analysis.goals import Status
from veilcli.domain.plans import Unit
from veilcli.errors import InputError
from veilcli.report.export_tables import ExportTables
from veilcli.report.exports import prepare_target, write_file
from veilcli.report.spreadsheet_safety import is_formula_like, sheet_name, xlsx_text
from veilcli.report.table import UNIT_KEY, Column, ColumnKind, Table

RATE_FORMAT = "0.0"
SMALL_RATE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
PCT_FORMAT = "+0%;-0%;0%"
THREE_DECIMALS = "0.000"
TEXT_WIDTH = 40  # a text column's widest: longer text wraps, so a printed page keeps a readable scale
WRAPPED = (ColumnKind.text, ColumnKind.label, ColumnKind.notes)
LINE_HEIGHT = 15  # points per line of 11-point text
CHARS_PER_WIDTH = 1.1  # characters of text per unit of column width (the width of a "0"), a little low
STATUS_FILLS: dict[Status, str] = {
    Status.achieved: "C6EFCE",
    Status.not_achieved: "FFC7CE",
    Status.monitor: "D9D9D9",
    Status.undetermined: "FFEB9C",
    Status.no_data: "EDEDED",
    Status.incomplete: "FCE4D6",
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def write_cell(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> Cell:
    """Write one value: numbers as numbers, every string as a string cell (never a formula)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = xlsx_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula or an error value (formula injection from inputs)
        if is_formula_like(value):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    if number_format and isinstance(value, int | float):
        cell.number_format = number_format
    return cell


def write_table(ws: Worksheet, top: int, table: Table) -> tuple[int, int]:
    """A header row and data rows from ``top``; returns (first row, last row). Filter on the table.

    Each value is written as its column's kind says (``cell_value``); a status column marked
    ``status_fill`` is coloured by the status member.
    """
    for number, header in enumerate(table.headers, start=1):
        cell = write_cell(ws, top, number, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(table.rows, start=1):
        row_format = _value_format(table, row)
        for number, column in enumerate(table.columns, start=1):
            value, number_format = cell_value(table, column, row[column.key], row_format)
            cell = write_cell(ws, top + offset, number, value, number_format)
            cell.alignment = Alignment(wrap_text=column.kind in WRAPPED or None, vertical="top")
            if column.kind is ColumnKind.value:
                cell.number_format = number_format  # also on an empty cell, for a value typed in later
            status = row[column.key]
            if column.status_fill and isinstance(status, Status):
                cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    last = top + len(table.rows)
    if table.rows:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(table.columns))}{last}"
    return top, last


def cell_value(table: Table, column: Column, value: Any, row_format: str) -> tuple[Any, str | None]:
    """What a cell holds and its number format, by the column's kind.

    A change in % is stored as a fraction under a % format (-31.1 -> -0.311 shown as -31%); words
    and times are text; ``row_format`` is the format of the row's ``value`` columns.
    """
    kind = column.kind
    match kind:
        case (
            ColumnKind.text
            | ColumnKind.label
            | ColumnKind.timestamp
            | ColumnKind.number
            | ColumnKind.flag
            | ColumnKind.notes
        ):
            return table.display(column, value), None
        case ColumnKind.percent:
            return (value / 100 if isinstance(value, int | float) else value), PCT_FORMAT
        case ColumnKind.value:
            return value, row_format
        case ColumnKind.count:
            return value, COUNT_FORMAT
        case ColumnKind.estimate | ColumnKind.rate:
            return value, RATE_FORMAT
        case ColumnKind.p_value | ColumnKind.fraction:
            return value, THREE_DECIMALS
    assert_never(kind)


def _value_format(table: Table, row: dict[str, Any]) -> str:
    """Indicator values of one row: counts whole, rates with 1 decimal (2 when all are below 1)."""
    if row.get(UNIT_KEY) is Unit.count:
        return COUNT_FORMAT
    return _rate_format([row[c.key] for c in table.columns if c.kind is ColumnKind.value])


def fit_columns(ws: Worksheet, table: Table, header_row: int, last_row: int, minimum: int = 6) -> None:
    """Column widths from a table's longest value; headers wrap, so they count up to 14 characters.

    Text columns are at most ``TEXT_WIDTH`` wide and wrap (``write_table``): a long note makes its
    row taller, never the sheet wider, so "fit to width" prints at a readable scale.
    """
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row, max_row=last_row):
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:,.2f}" if isinstance(cell.value, float) else str(cell.value)
            length = min(len(text), 14) if cell.row == header_row else len(text)
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    lines = dict.fromkeys(range(header_row + 1, last_row + 1), 1)
    for number, column in enumerate(table.columns, start=1):
        if number not in widths:
            continue
        width = max(minimum, widths[number] + 2)
        if column.kind in WRAPPED:
            width = min(width, TEXT_WIDTH)
            per_line = int(width * CHARS_PER_WIDTH)
            for row in lines:
                value = ws.cell(row=row, column=number).value
                if isinstance(value, str) and len(value) > per_line:
                    lines[row] = max(lines[row], len(textwrap.wrap(value, per_line)))
        ws.column_dimensions[get_column_letter(number)].width = width
    ws.row_dimensions[header_row].height = 45
    for row, count in lines.items():
        if count > 1:  # wrapped text: a viewer may not grow the row itself (LibreOffice does not)
            ws.row_dimensions[row].height = LINE_HEIGHT * count


def sheet_title(text: str) -> str:
    """A valid, at most 31-character sheet name."""
    return sheet_name(text)


def _rate_format(values: list[Any]) -> str:
    numbers = [v for v in values if isinstance(v, int | float)]
    return SMALL_RATE_FORMAT if numbers and max(abs(v) for v in numbers) < 1 else RATE_FORMAT


def _add_overview(wb: Workbook, tables: ExportTables) -> None:
    ws = wb.active
    ws.title = sheet_title(tables.label("sheet_overview"))
    write_cell(ws, 1, 1, tables.title).font = Font(bold=True, size=13)
    write_cell(ws, 2, 1, tables.subtitle)
    last = _indicator_table(ws, tables, top=4, theme=None)
    legend = last + 2
    write_cell(ws, legend, 1, tables.label("legend"))
    ws.cell(row=legend, column=1).font = Font(bold=True)
    for offset, status in enumerate(STATUS_FILLS, start=1):
        cell = write_cell(ws, legend + offset, 1, status.label(tables.language))
        cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    write_cell(ws, legend + len(STATUS_FILLS) + 2, 1, tables.significance_note)


def _indicator_table(ws: Worksheet, tables: ExportTables, top: int, theme: int | None) -> int:
    """The indicator table (all, or one theme's) with formats, status fills, frozen header; its last row."""
    table = tables.overview(theme=theme)
    first, last = write_table(ws, top, table)
    ws.freeze_panes = ws.cell(row=first + 1, column=3)
    fit_columns(ws, table, first, last)
    return last


def _add_theme_sheets(wb: Workbook, tables: ExportTables) -> None:
    for theme, label in tables.themes():
        ws = wb.create_sheet(sheet_title(f"{tables.label('theme')} {theme} {label}".strip()))
        write_cell(ws, 1, 1, f"{tables.label('theme')} {theme}: {label}").font = Font(bold=True, size=13)
        anchor_row = _indicator_table(ws, tables, top=3, theme=theme) + 3
        for block in tables.chart_blocks(theme):
            header_row = anchor_row
            write_cell(ws, header_row, 1, block.title)
            for column, period in enumerate(block.periods, start=2):
                write_cell(ws, header_row, column, period)
            for offset, (name, values) in enumerate(block.rows, start=1):
                write_cell(ws, header_row + offset, 1, name)
                for column, value in enumerate(values, start=2):
                    write_cell(ws, header_row + offset, column, value, _rate_format(values))
            chart = BarChart()
            chart.type, chart.grouping = "col", "clustered"
            chart.title = xlsx_text(block.title)
            chart.y_axis.title = xlsx_text(block.unit)
            chart.y_axis.number_format = _rate_format([v for _, vs in block.rows for v in vs])
            chart.height, chart.width = 7.5, 16
            data = Reference(
                ws,
                min_col=2,
                max_col=1 + len(block.periods),
                min_row=header_row,
                max_row=header_row + len(block.rows),
            )
            categories = Reference(
                ws, min_col=1, min_row=header_row + 1, max_row=header_row + len(block.rows)
            )
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(categories)
            ws.add_chart(chart, f"{get_column_letter(len(block.periods) + 3)}{header_row}")
            anchor_row = header_row + max(len(block.rows) + 2, 16)


def _add_simple_sheet(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(sheet_title(table.title))
    first, last = write_table(ws, 1, table)
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    fit_columns(ws, table, first, last)


def _print_setup(wb: Workbook) -> None:
    """Landscape, one page wide: the sheets print (and convert to PDF) as readable pages."""
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0


def build_workbook(tables: ExportTables) -> Workbook:
    """The whole workbook, in memory."""
    wb = Workbook()
    _add_overview(wb, tables)
    _add_theme_sheets(wb, tables)
    _add_simple_sheet(wb, tables.normalisation())
    if tables.result.districts:
        _add_simple_sheet(wb, tables.districts())
    _add_simple_sheet(wb, tables.sources())
    _print_setup(wb)
    return wb


def write_xlsx(tables: ExportTables, out: Path, force: bool = False) -> list[Path]:
    """Write the workbook atomically (temp file + rename); refuse to overwrite without ``force``."""
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the workbook needs the .xlsx extension.")
    target = prepare_target(out, force)
    workbook = build_workbook(tables)
    write_file(target, workbook.save)
    return [out]


def write_workbook(tables: ExportTables, out: Path, force: bool = False) -> Path:
    """``write_xlsx`` returning the one path (kept for callers of the earlier interface)."""
    return write_xlsx(tables, out, force)[0]

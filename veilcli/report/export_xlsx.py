"""`veilcli export xlsx`: a workbook that reads on screen and prints as a report.

Sheets: ``Overzicht`` (every indicator), one sheet per theme (its indicators, then a native clustered
bar chart per rate indicator: the area and each benchmark per period, with the chart data under
them), ``Normalisatie`` (raw, samenloop effect, internet effect, corrected), ``Wijken`` (with
``--by district``) and ``Bronnen`` (provenance). Numbers are numbers with number formats (counts
whole, rates one decimal, changes in %, p-values "< 0,001" below 0.001); every string is a string
cell, never a formula (``spreadsheet_safety.py``). Only a regular file is written, atomically
(``exports.prepare_target``).

Printing (A4 landscape): every page has a header (plan; area, period and baseline) and a footer
(sheet name; page n of m). Table sheets fit the page width, their header rows repeat on every
page, and long notes are listed under the table rather than in a column (a wide notes column would
shrink the whole table). Theme sheets print at the scale that fits their width, computed here from
the column widths, with manual page breaks between rows of charts so no chart is split: Excel
ignores manual breaks under "fit to width", so those sheets give a scale instead.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, assert_never

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import pixels_to_EMU
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from veilcli.analysis.goals import Status
from veilcli.domain.notes import Lang
from veilcli.domain.plans import Unit
from veilcli.errors import InputError
from veilcli.report.export_tables import ChartBlock, ExportTables
from veilcli.report.exports import prepare_target, write_file
from veilcli.report.league_tables import LeagueTables
from veilcli.report.spreadsheet_safety import SHEET_NAME_MAX, is_formula_like, sheet_name, xlsx_text
from veilcli.report.table import UNIT_KEY, Carried, Column, ColumnKind, Points, Table, number_of

RATE_FORMAT = "0.0"
SMALL_RATE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
ESTIMATE_FORMAT = "#,##0.0"  # a corrected count that is not whole
PCT_FORMAT = "+0%;-0%;0%"
SMALL_PCT_FORMAT = "+0.0%;-0.0%;0%"  # a change below 1% shows a decimal: never "-0%" for -0.2%
THREE_DECIMALS = "0.000"
# A p-value stays a number; below 0.001 the format shows the bound ("< 0,001"), never "0.000".
P_FORMATS: dict[Lang, str] = {"nl": '[<0.001]"< 0,001";0.000', "en": '[<0.001]"< 0.001";0.000'}
TEXT_WIDTH = 40  # a text column's widest: longer text wraps, so a printed page keeps a readable scale
LABEL_WIDTH = 20  # a unit, goal or status wraps beyond this (at spaces)
WRAPPED = (ColumnKind.text, ColumnKind.label, ColumnKind.notes)
LINE_HEIGHT = 15  # points per line of 11-point text
CHARS_PER_WIDTH = 1.1  # characters of text per unit of column width (the width of a "0"), a little low
HASH_WIDTH = 34  # a sha256 in a 9-point monospaced font: two lines of 32 characters
STATUS_FILLS: dict[Status, str] = {
    Status.achieved: "C6EFCE",
    Status.not_achieved: "FFC7CE",
    Status.monitor: "D9D9D9",
    Status.undetermined: "FFEB9C",
    Status.no_data: "EDEDED",
    Status.incomplete: "FCE4D6",
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
GROUP_FILL = PatternFill("solid", fgColor="2E75B6")
FONT = "Calibri"
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
BOLD = Font(name=FONT, bold=True)
TITLE_FONT = Font(name=FONT, bold=True, size=13)
GROUP_EDGE = Border(left=Side(style="thin", color="FFFFFF"))

# A4 landscape in points, with the margins set in ``_print_setup`` (inches).
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.7, "header": 0.3, "footer": 0.3}
PRINT_WIDTH = 842 - (MARGINS["left"] + MARGINS["right"]) * 72
PRINT_HEIGHT = 595 - (MARGINS["top"] + MARGINS["bottom"]) * 72
CHART_MIN_WIDTH = 340.0  # points: narrower, a chart shows its labels too small; then one per row
CHART_ASPECT = 0.5  # height / width
POINTS_PER_WIDTH = 7.0  # see ``_column_points``
SCALE_MARGIN = 0.97  # a computed scale leaves this much room for fonts a little wider than estimated


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
    """A header row and data rows from ``top``; returns (header row, last row). Filter on the table.

    When columns have a ``group``, a row of group headings comes first (merged over each group) and
    the header row is the one under it. Each value is written as its column's kind says
    (``cell_value``); a status column marked ``status_fill`` is coloured by the status member.
    """
    header_row = top
    if any(c.group for c in table.columns):
        _group_row(ws, top, table.columns)
        header_row = top + 1
    for number, header in enumerate(table.headers, start=1):
        cell = write_cell(ws, header_row, number, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(table.rows, start=1):
        row_format = _value_format(table, row)
        for number, column in enumerate(table.columns, start=1):
            value, number_format = cell_value(table, column, row[column.key], row_format)
            cell = write_cell(ws, header_row + offset, number, value, number_format)
            cell.alignment = Alignment(wrap_text=column.kind in WRAPPED or None, vertical="top")
            if column.kind in (ColumnKind.value, ColumnKind.p_value) and number_format:
                cell.number_format = number_format  # also on an empty cell, for a value typed in later
            if column.key == "sha256":
                cell.font = Font(name="Courier New", size=9)
            status = row[column.key]
            if column.status_fill and isinstance(status, Status):
                cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    last = header_row + len(table.rows)
    if table.rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{last}"
    return header_row, last


def _group_row(ws: Worksheet, row: int, columns: list[Column]) -> None:
    """Group headings over neighbouring columns of one group (merged); blank over the others."""
    start = 1
    for number in range(1, len(columns) + 2):
        current = columns[number - 1].group if number <= len(columns) else None
        previous = columns[start - 1].group
        if number <= len(columns) and current == previous:
            continue
        for column in range(start, number):
            ws.cell(row=row, column=column).fill = GROUP_FILL if previous else HEADER_FILL
        if previous:
            cell = write_cell(ws, row, start, previous)
            cell.font, cell.border = HEADER_FONT, GROUP_EDGE
            cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
            if number - 1 > start:
                ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=number - 1)
        start = number
    ws.row_dimensions[row].height = LINE_HEIGHT


def _group_heights(ws: Worksheet, row: int, columns: list[Column]) -> None:
    """The group row as tall as its longest heading wrapped over its merged width (once widths are set)."""
    lines = 1
    for merged in ws.merged_cells.ranges:
        if merged.min_row == row:
            heading = str(ws.cell(row=row, column=merged.min_col).value or "")
            width = sum(_width(ws, c) for c in range(merged.min_col, merged.max_col + 1)) - 2
            lines = max(lines, len(textwrap.wrap(heading, max(4, width))))
    ws.row_dimensions[row].height = LINE_HEIGHT * lines


def cell_value(table: Table, column: Column, value: Any, row_format: str) -> tuple[Any, str | None]:
    """What a cell holds and its number format, by the column's kind.

    A change in % is stored as a fraction under a % format (-31.1 -> -0.311 shown as -31%); words
    and times are text; ``row_format`` is the format of the row's ``value`` columns; a count is
    whole unless a correction made it fractional; a p-value below 0.001 shows as "< 0,001".
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
        case ColumnKind.percent if isinstance(value, Points):
            unit = f'" {value.unit}"'
            return value.value, f"+0.0{unit};-0.0{unit};0.0{unit}"
        case ColumnKind.percent:
            if not isinstance(value, int | float):
                return value, PCT_FORMAT
            return value / 100, SMALL_PCT_FORMAT if 0 < abs(value) < 1 else PCT_FORMAT
        case ColumnKind.value if isinstance(value, Carried):
            # The cell keeps the number; its format shows the survey year it is carried from.
            marked = ";".join(f'{section}" ({value.year})"' for section in row_format.split(";"))
            return value.value, marked
        case ColumnKind.value:
            return value, row_format
        case ColumnKind.count:
            return value, COUNT_FORMAT
        case ColumnKind.estimate:
            whole = isinstance(value, int | float) and float(value).is_integer()
            return value, COUNT_FORMAT if whole else ESTIMATE_FORMAT
        case ColumnKind.rate:
            return value, RATE_FORMAT
        case ColumnKind.p_value:
            return value, P_FORMATS[table.lang]
        case ColumnKind.fraction:
            return value, THREE_DECIMALS
    assert_never(kind)


def _value_format(table: Table, row: dict[str, Any]) -> str:
    """Indicator values of one row: counts whole, rates with 1 decimal (2 when all are below 1)."""
    if row.get(UNIT_KEY) is Unit.count:
        return COUNT_FORMAT
    return _rate_format([number_of(row[c.key]) for c in table.columns if c.kind is ColumnKind.value])


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def fit_columns(
    ws: Worksheet,
    table: Table,
    header_row: int,
    last_row: int,
    minimum: int = 6,
    widths: dict[str, int] | None = None,
) -> None:
    """Column widths from a table's values and headers; rows as tall as their wrapped text.

    A header wraps at spaces, so it needs its longest word (and no more than 14 characters); a
    number its whole text; a unit, goal or status wraps beyond ``LABEL_WIDTH``; other text beyond
    ``TEXT_WIDTH`` (``write_table`` wraps them): a long note makes its row taller, never the sheet
    wider, so "fit to width" prints at a readable scale. A sha256 gets two lines of a small font.
    ``widths``: the least width of some columns, by key (a narrow table that should span the page).
    """
    lines = dict.fromkeys(range(header_row + 1, last_row + 1), 1)
    for number, column in enumerate(table.columns, start=1):
        header = str(ws.cell(row=header_row, column=number).value or "")
        width = max(minimum, _longest_word(header) + 2, min(len(header), 14))  # bold: wider
        values = [ws.cell(row=row, column=number).value for row in lines]
        texts = [f"{v:,.2f}" if isinstance(v, float) else str(v) for v in values if v is not None]
        longest = max((len(t) for t in texts), default=0)
        if column.key == "sha256":
            ws.column_dimensions[get_column_letter(number)].width = HASH_WIDTH
            for row, value in zip(lines, values, strict=True):
                if value:
                    lines[row] = max(lines[row], 2)
            continue
        least = (widths or {}).get(column.key, 0)
        if column.kind in WRAPPED:
            cap = LABEL_WIDTH if column.kind is ColumnKind.label else TEXT_WIDTH
            words = max((_longest_word(t) for t in texts), default=0)
            width = max(min(max(width, longest + 1), cap), min(words + 1, TEXT_WIDTH), least)
            per_line = int(width * CHARS_PER_WIDTH)
            for row, value in zip(lines, values, strict=True):
                if isinstance(value, str) and len(value) > per_line:
                    lines[row] = max(lines[row], len(textwrap.wrap(value, per_line)))
        else:
            width = max(width, longest + 2, least)
        ws.column_dimensions[get_column_letter(number)].width = width
    header_lines = max(
        len(textwrap.wrap(str(ws.cell(row=header_row, column=n).value or ""), _width(ws, n)) or [""])
        for n in range(1, len(table.columns) + 1)
    )
    ws.row_dimensions[header_row].height = LINE_HEIGHT * max(header_lines, 1) + 2
    if header_row > 1 and any(c.group for c in table.columns):
        _group_heights(ws, header_row - 1, table.columns)
    for row, count in lines.items():
        if count > 1:  # wrapped text: a viewer may not grow the row itself (LibreOffice does not)
            ws.row_dimensions[row].height = LINE_HEIGHT * count


def _width(ws: Worksheet, column: int) -> int:
    width = ws.column_dimensions[get_column_letter(column)].width
    return max(1, int((width or 8.43) * CHARS_PER_WIDTH))


# Words that do not end a name: a sheet name cut at a word boundary drops them too.
_DANGLING = {"en", "and", "of", "or", "de", "het", "een", "van", "the", "a", "an", "&", "-", "voor", "for"}
_DANGLING |= {"met", "with", "in", "op", "on", "to", "naar", "bij", "at", "om", "over", "door", "by"}


def sheet_title(text: str, taken: Iterable[str] = ()) -> str:
    """A valid sheet name of at most 31 characters that reads as a name: cut at a word boundary
    (never mid-word, no dangling "en"), unique among ``taken``."""
    name = sheet_name(text)
    spaced = re.sub(r"\s+", " ", text).strip()
    if len(spaced) > SHEET_NAME_MAX:  # cut it at a word boundary, not mid-word
        kept: list[str] = []
        for word in spaced.split(" "):
            if len(" ".join([*kept, word])) > SHEET_NAME_MAX:
                break
            kept.append(word)
        while len(kept) > 1 and kept[-1].lower() in _DANGLING:
            kept.pop()
        name = sheet_name(" ".join(kept)) if kept else name
    taken_lower = {t.lower() for t in taken}
    candidate, number = name, 2
    while candidate.lower() in taken_lower:
        suffix = f" ({number})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        number += 1
    return candidate


def _block_format(block: ChartBlock, values: list[Any]) -> str:
    return COUNT_FORMAT if block.counts else _rate_format(values)


def _rate_format(values: list[Any]) -> str:
    numbers = [v for v in values if isinstance(v, int | float)]
    return SMALL_RATE_FORMAT if numbers and max(abs(v) for v in numbers) < 1 else RATE_FORMAT


# --- sheets -------------------------------------------------------------------------------------


@dataclass
class Printed:
    """How a sheet prints: the rows that repeat on every page, a fixed scale (None: fit to width),
    and the columns printed (None: all; the overview leaves its last column, the id for scripts, to
    the screen)."""

    title_rows: tuple[int, int] | None = None
    scale: int | None = None
    columns: int | None = None


def _printed_overview(table: Table) -> Table:
    """The indicator table as printed: the id (for scripts) last, the notes listed under the table."""
    keys = [k for k in table.keys if k not in ("id", "notes")]
    return table.select([*keys, "id"])


def _add_overview(wb: Workbook, tables: ExportTables) -> Printed:
    ws = wb.active
    ws.title = sheet_title(tables.label("sheet_overview"))
    write_cell(ws, 1, 1, tables.title).font = TITLE_FONT
    write_cell(ws, 2, 1, tables.subtitle)
    full = tables.overview()
    table = _printed_overview(full)
    first, last = write_table(ws, 4, table)
    ws.freeze_panes = ws.cell(row=first + 1, column=3)
    fit_columns(ws, table, first, last)
    row = _notes_block(
        ws, tables, last + 2, [(r["label"], r["notes"]) for r in full.rows], len(table.columns) - 1
    )
    legend = row + 1
    write_cell(ws, legend, 1, tables.label("legend")).font = BOLD
    for offset, status in enumerate(STATUS_FILLS, start=1):
        cell = write_cell(ws, legend + offset, 2, status.label(tables.language))
        cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    note_row = legend + len(STATUS_FILLS) + 2
    merged_text(ws, note_row, 1, len(table.columns) - 1, tables.significance_note)
    return Printed(title_rows=(first - 1, first), columns=len(table.columns) - 1)


def _notes_block(
    ws: Worksheet, tables: ExportTables, top: int, notes: list[tuple[str, Any]], columns: int
) -> int:
    """Every note under the table: the indicator's name, then the note over the rest of the width
    (merged, wrapped); returns the next free row."""
    rows = [(label, note.render(tables.language)) for label, these in notes for note in these or []]
    if not rows:
        return top
    write_cell(ws, top, 1, tables.label("notes_heading")).font = BOLD
    row = top + 1
    previous = None
    for label, message in rows:
        merged_text(ws, row, 3, columns, message)
        if label != previous:
            write_cell(ws, row, 2, label).alignment = Alignment(wrap_text=True, vertical="top")
            lines = len(textwrap.wrap(label, max(4, _width(ws, 2) - 1)))
            height = ws.row_dimensions[row].height or LINE_HEIGHT
            ws.row_dimensions[row].height = max(height, LINE_HEIGHT * lines)
        previous = label
        row += 1
    return row + 1


def merged_text(ws: Worksheet, row: int, first: int, last: int, message: str) -> None:
    """Text over columns ``first``..``last`` (merged, wrapped), the row as tall as its lines."""
    cell = write_cell(ws, row, first, message)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    width = sum(_width(ws, c) for c in range(first, last + 1))
    lines = max(1, len(textwrap.wrap(message, max(10, width))))
    ws.row_dimensions[row].height = LINE_HEIGHT * lines


def _column_points(ws: Worksheet, columns: int) -> float:
    """The printed width of the first ``columns`` columns in points (at 100%), on the wide side: a
    width unit is the width of a "0", 5.25 pt in Excel's Calibri 11 and 7 pt where LibreOffice
    falls back to DejaVu Sans (measured); the wider one, so the page fits in both."""
    total = 0.0
    for number in range(1, columns + 1):
        width = ws.column_dimensions[get_column_letter(number)].width or 8.43
        total += width * POINTS_PER_WIDTH + 1
    return total


def _row_points(ws: Worksheet, row: int) -> float:
    return float(ws.row_dimensions[row].height or LINE_HEIGHT)


def _add_theme_sheet(wb: Workbook, tables: ExportTables, theme: int, label: str) -> Printed:
    """A theme's indicator table and notes, then its charts two by two (each whole on a page), then
    the chart data."""
    ws = wb.create_sheet(sheet_title(f"{tables.label('theme')} {theme} {label}".strip(), wb.sheetnames))
    write_cell(ws, 1, 1, f"{tables.label('theme')} {theme}: {label}").font = TITLE_FONT
    full = tables.overview(theme=theme)
    table = _printed_overview(full)
    first, last = write_table(ws, 3, table)
    ws.freeze_panes = ws.cell(row=first + 1, column=3)
    fit_columns(ws, table, first, last)
    row = _notes_block(
        ws, tables, last + 2, [(r["label"], r["notes"]) for r in full.rows], len(table.columns) - 1
    )
    blocks = tables.chart_blocks(theme)
    printed = len(table.columns) - 1  # the id is for the screen
    width = _column_points(ws, printed)
    scale = min(100, math.floor(100 * SCALE_MARGIN * PRINT_WIDTH / width))
    if not blocks:
        return Printed(scale=scale, columns=printed)
    per_row = 2 if width / 2 >= CHART_MIN_WIDTH else 1
    second = _column_at(ws, width / 2) if per_row == 2 else 2
    chart_width = min(width / per_row - 24, 2 * CHART_MIN_WIDTH)  # points at 100%, a gap between
    chart_rows = math.ceil(chart_width * CHART_ASPECT / LINE_HEIGHT) + 2  # the chart and a gap
    data_top = row + math.ceil(len(blocks) / per_row) * chart_rows + 1
    anchors = _chart_data(ws, tables, blocks, data_top, first)
    page_height = PRINT_HEIGHT * 100 / scale
    used = sum(_row_points(ws, r) for r in range(1, row))
    chart_row = row
    for index, (block, (header_row, data_rows)) in enumerate(zip(blocks, anchors, strict=True)):
        if index % per_row == 0:
            if index > 0:
                chart_row += chart_rows
            height = chart_rows * LINE_HEIGHT
            if used + height > page_height:  # this row of charts would cross the page's end
                _break_before(ws, chart_row)
                used = 0
            used += height
            for r in range(chart_row, chart_row + chart_rows):
                ws.row_dimensions[r].height = LINE_HEIGHT
        left = index % per_row == 0
        span = (2, second) if left and per_row == 2 else (second, printed + 1)
        if per_row == 1:
            span = (2, _column_at(ws, 24 + chart_width))
        chart = _chart(ws, block, header_row, data_rows, first)
        chart.anchor = _cells_anchor(span, (chart_row + 1, chart_row + chart_rows), gap=not left)
        ws.add_chart(chart)
    data_height = sum(_row_points(ws, r) for r in range(data_top - 1, ws.max_row + 1))
    if used + data_height > page_height:  # the chart data on the next page, unless it fits here
        _break_before(ws, data_top - 1)
    return Printed(scale=scale, columns=printed)


def _cells_anchor(columns: tuple[int, int], rows: tuple[int, int], gap: bool) -> TwoCellAnchor:
    """A chart from the top left of (first column, first row) to the top left of (last column,
    last row), 1-based: it stretches with the columns, so it fits the same cells in Excel and
    LibreOffice (whose column widths differ); ``gap`` leaves a little room on its left."""
    start = AnchorMarker(col=columns[0] - 1, colOff=pixels_to_EMU(12) if gap else 0, row=rows[0] - 1)
    end = AnchorMarker(col=columns[1] - 1, colOff=0, row=rows[1] - 1)
    return TwoCellAnchor(_from=start, to=end)


def _break_before(ws: Worksheet, row: int) -> None:
    """A manual page break above ``row`` (a break's id is the 0-based row it comes before)."""
    ws.row_breaks.append(Break(id=row - 1))


def _column_at(ws: Worksheet, points: float) -> int:
    """The first column that starts at or after ``points`` from the left edge."""
    total, number = 0.0, 1
    while total < points:
        total += _column_points(ws, number) - _column_points(ws, number - 1)
        number += 1
    return number


def _chart_data(
    ws: Worksheet, tables: ExportTables, blocks: list[ChartBlock], top: int, header_row: int
) -> list[tuple[int, int]]:
    """The data the charts draw: per indicator a heading row (its name, the periods under the
    table's period columns) and a row per area; returns each block's (heading row, rows)."""
    write_cell(ws, top, 1, tables.label("chart_data")).font = BOLD
    period_columns = _period_columns(ws, header_row, blocks[0].periods)
    anchors = []
    row = top + 1
    for block in blocks:
        heading = f"{block.title} ({block.unit})"
        cell = write_cell(ws, row, 2, heading)
        cell.font, cell.alignment = BOLD, Alignment(wrap_text=True, vertical="top")
        lines = len(textwrap.wrap(heading, max(4, _width(ws, 2) - 2)))
        ws.row_dimensions[row].height = LINE_HEIGHT * lines
        for column, period in zip(period_columns, block.periods, strict=True):
            write_cell(ws, row, column, period).font = BOLD
        for offset, (name, values) in enumerate(block.rows, start=1):
            write_cell(ws, row + offset, 2, name)
            for column, value in zip(period_columns, values, strict=True):
                write_cell(ws, row + offset, column, value, _block_format(block, values))
        anchors.append((row, len(block.rows)))
        row += len(block.rows) + 2
    return anchors


def _period_columns(ws: Worksheet, header_row: int, periods: list[str]) -> list[int]:
    """The table's columns headed by these periods (the chart data lines up under them)."""
    found = {ws.cell(row=header_row, column=c).value: c for c in range(1, ws.max_column + 1)}
    return [found[p] for p in periods]


def _chart(ws: Worksheet, block: ChartBlock, header_row: int, rows: int, table_header: int) -> BarChart:
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title = xlsx_text(block.title)
    chart.y_axis.title = xlsx_text(block.unit)
    chart.y_axis.number_format = _block_format(block, [v for _, vs in block.rows for v in vs])
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0  # bars from zero: a cut axis exaggerates a change
    chart.x_axis.delete = False
    columns = _period_columns(ws, table_header, block.periods)
    for column in columns:  # a series per period: the areas side by side, like the seed report
        values = Reference(ws, min_col=column, min_row=header_row, max_row=header_row + rows)
        chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=header_row + 1, max_row=header_row + rows))
    chart.legend.position = "b"
    return chart


def _add_simple_sheet(wb: Workbook, tables: ExportTables, table: Table) -> Printed:
    """A table on its own sheet; notes (districts) listed under it."""
    ws = wb.create_sheet(sheet_title(table.title, wb.sheetnames))
    shown = table.select([k for k in table.keys if k != "notes"]) if "notes" in table.keys else table
    first, last = write_table(ws, 1, shown)
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    fit_columns(ws, shown, first, last)
    if shown is not table:
        where = [
            (f"{r['district']}: {r['label']}" if "district" in r else r["label"], r["notes"])
            for r in table.rows
        ]
        _notes_block(ws, tables, last + 2, where, len(shown.columns))
    return Printed(title_rows=(first, first))


def _header_text(text: str) -> str:
    """User text in a header or footer: '&' starts a code there, so it is doubled."""
    return xlsx_text(text).replace("&", "&&")[:120]


def _print_setup(ws: Worksheet, tables: ExportTables, printed: Printed) -> None:
    r = tables.result
    print_setup(
        ws,
        printed,
        left=r.plan,
        right=f"{r.area}, {tables.words(r.period)} {tables.label('vs')} {tables.words(r.baseline)}",
        page=tables.label("page"),
    )


def print_setup(ws: Worksheet, printed: Printed, *, left: str, right: str, page: str) -> None:
    """A4 landscape; one page wide (fit to width, or the computed scale of a chart sheet); header
    with ``left`` (the plan) and ``right`` (the selection), footer with the sheet and ``page``
    ("Pagina &P van &N"); repeated title rows; the print area (``printed.columns`` wide)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if printed.scale is None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = printed.scale
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    ws.print_options.horizontalCentered = False
    if printed.title_rows:
        ws.print_title_rows = f"{printed.title_rows[0]}:{printed.title_rows[1]}"
    columns = printed.columns or max(ws.max_column, 1)
    ws.print_area = f"A1:{get_column_letter(columns)}{max(ws.max_row, 1)}"
    ws.oddHeader.left.text = _header_text(left)
    ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = _header_text(right)
    ws.oddHeader.right.size = 9
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = page
    ws.oddFooter.right.size = 9


def build_workbook(tables: ExportTables) -> Workbook:
    """The whole workbook, in memory."""
    wb = Workbook()
    printed = [_add_overview(wb, tables)]
    for theme, label in tables.themes():
        printed.append(_add_theme_sheet(wb, tables, theme, label))
    printed.append(_add_simple_sheet(wb, tables, tables.normalisation()))
    if tables.result.districts:
        printed.append(_add_simple_sheet(wb, tables, tables.districts()))
    printed.append(_add_simple_sheet(wb, tables, tables.sources()))
    for ws, how in zip(wb.worksheets, printed, strict=True):
        _print_setup(ws, tables, how)
    return wb


def write_xlsx(tables: ExportTables | LeagueTables, out: Path, force: bool = False) -> list[Path]:
    """Write the workbook (a comparison's, or a league's) atomically (temp file + rename); refuse to
    overwrite without ``force``."""
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the workbook needs the .xlsx extension.")
    target = prepare_target(out, force)
    if isinstance(tables, LeagueTables):
        from veilcli.report.export_league_xlsx import build_league_workbook  # it builds on this module

        workbook = build_league_workbook(tables)
    else:
        workbook = build_workbook(tables)
    write_file(target, workbook.save)
    return [out]


def write_workbook(tables: ExportTables, out: Path, force: bool = False) -> Path:
    """``write_xlsx`` returning the one path (kept for callers of the earlier interface)."""
    return write_xlsx(tables, out, force)[0]

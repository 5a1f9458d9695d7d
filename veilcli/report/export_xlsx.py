"""`veilcli export xlsx`: a workbook that reads on screen and prints as a report.

Sheets: ``Overzicht`` (every indicator), one sheet per theme (its indicators, then a native clustered
bar chart per rate indicator: the area and each benchmark per period, with the chart data under
them), ``Normalisatie`` (raw, samenloop effect, internet effect, corrected), ``Wijken`` (with
``--by district``) and ``Bronnen`` (provenance). Numbers are numbers with number formats (counts
whole, rates one decimal, changes in %, p-values "< 0,001" below 0.001); every string is a string
cell, never a formula (``files/spreadsheet_safety.py``). ``exports.write_xlsx`` writes it (a regular
file, atomically, where ``targets.prepare_target`` allows).

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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, assert_never

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.utils.units import pixels_to_EMU
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from veilcli.analysis.goals import Status
from veilcli.domain.language import Lang
from veilcli.domain.units import Unit
from veilcli.files.spreadsheet_safety import SHEET_NAME_MAX, is_formula_like, sheet_name, xlsx_text
from veilcli.report.export_tables import STATUS_MARKS, ChartBlock, DistrictMatrix, ExportTables, MatrixCell
from veilcli.report.numbers import SMALL_P
from veilcli.report.numbers import number as number_text
from veilcli.report.table import UNIT_KEY, Carried, Column, ColumnKind, Points, Table, number_of
from veilcli.report.words import short, word

RATE_FORMAT = "0.0"
SMALL_RATE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
# A corrected count that is not whole is an estimate: shown whole, marked "≈" (the cell keeps the number).
ESTIMATE_FORMAT = '"≈ "#,##0;"≈ "-#,##0;0'
DIFFERENCE_FORMAT = "+#,##0;-#,##0;0"
# The difference beside a count, in the next column: "18 | (-5)" reads as "18 (-5)".
BESIDE_FORMAT = '"("+#,##0")";"("-#,##0")";"(0)"'
PCT_FORMAT = "+0%;-0%;0%"
SMALL_PCT_FORMAT = "+0.0%;-0.0%;0%"  # a change below 1% shows a decimal: never "-0%" for -0.2%
THREE_DECIMALS = "0.000"
TEXT_WIDTH = 40  # a text column's widest: longer text wraps, so a printed page keeps a readable scale
LABEL_WIDTH = 20  # a unit, goal or status wraps beyond this (at spaces)
WRAPPED = (ColumnKind.text, ColumnKind.label, ColumnKind.notes)
LINE_HEIGHT = 15  # points per line of 11-point text
HASH_WIDTH = 34  # a sha256 in a 9-point monospaced font: two lines of 32 characters
STATUS_FILLS: dict[Status, str] = {
    Status.achieved: "C6EFCE",
    Status.not_achieved: "FFC7CE",
    Status.monitor: "D9D9D9",
    Status.undetermined: "FFEB9C",
    Status.no_data: "EDEDED",
    Status.incomplete: "FCE4D6",
    Status.too_few: "F2F2F2",
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
GROUP_FILL = PatternFill("solid", fgColor="2E75B6")
# Arial, not the theme's Calibri: Windows and macOS have it and Linux has a metric-compatible
# Liberation Sans, so column widths, wrapped lines and the print scale come out the same in Excel
# and LibreOffice (where Calibri fell back to the wider DejaVu Sans: a page of 18 columns measured
# in Excel printed smaller and with rows taller than their text).
FONT = "Arial"
FONT_POINTS = 11.0
BASE_FONT = Font(name=FONT, sz=FONT_POINTS, family=2)  # no theme scheme: Excel would use Calibri
HEADER_FONT = Font(name=FONT, size=FONT_POINTS, bold=True, color="FFFFFF")
BOLD = Font(name=FONT, size=FONT_POINTS, bold=True)
TITLE_FONT = Font(name=FONT, bold=True, size=13)
SOURCE_FONT = Font(name=FONT, size=FONT_POINTS - 1, italic=True, color="595959")
GROUP_EDGE = Border(left=Side(style="thin", color="FFFFFF"))

# A4 landscape in points, with the margins set in ``_print_setup`` (inches).
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.7, "header": 0.3, "footer": 0.3}
PRINT_WIDTH = 842 - (MARGINS["left"] + MARGINS["right"]) * 72
PRINT_HEIGHT = 595 - (MARGINS["top"] + MARGINS["bottom"]) * 72
CHART_MIN_WIDTH = 340.0  # points: narrower, a chart shows its labels too small; then one per row
CHART_ASPECT = 0.5  # height / width
POINTS_PER_WIDTH = 6.2  # see ``_column_points``
COLUMN_PADDING = 4.0  # points a column adds to its width units (Excel: 5 pixels)
SCALE_MARGIN = 0.97  # a computed scale leaves this much room for fonts a little wider than estimated


def p_format(lang: Lang) -> str:
    """A p-value stays a number; below 0.001 the format shows the bound in the language's digits
    ("< 0,001"), never "0.000"."""
    return f'[<{SMALL_P}]"< {number_text(SMALL_P, 3, lang)}";0.000'


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
    spans = {m.min_col: m.max_col for m in ws.merged_cells.ranges if m.min_row == row}
    for column in range(1, len(columns) + 1):
        heading = str(ws.cell(row=row, column=column).value or "")
        if heading:  # over its merged columns, or its own (a group of one column wraps in it)
            width = sum(_units(ws, c) for c in range(column, spans.get(column, column) + 1))
            lines = max(lines, text_lines(heading, width, bold=True))
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
        case ColumnKind.difference:
            return value, BESIDE_FORMAT if column.key == "count_change" else DIFFERENCE_FORMAT
        case ColumnKind.rate:
            return value, RATE_FORMAT
        case ColumnKind.p_value:
            return value, p_format(table.lang)
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
    caps: dict[str, int] | None = None,
    wrap_headers: bool = False,
) -> None:
    """Column widths from a table's values and headers; rows as tall as their wrapped text.

    A header wraps at spaces, so it needs its longest word (and no more than 14 characters); a
    number its whole text; a unit, goal or status wraps beyond ``LABEL_WIDTH``; other text beyond
    ``TEXT_WIDTH`` (``write_table`` wraps them): a long note makes its row taller, never the sheet
    wider, so "fit to width" prints at a readable scale. A sha256 gets two lines of a small font.
    ``widths``: the least width of some columns, by key (a narrow table that should span the page);
    ``caps``: the widest a text, unit, goal or status column may be, by key (a printed page's columns);
    ``wrap_headers``: every header may wrap at its spaces ("Aantal / 2019H1"), not only long ones.
    """
    lines = dict.fromkeys(range(header_row + 1, last_row + 1), 1)
    for number, column in enumerate(table.columns, start=1):
        header = str(ws.cell(row=header_row, column=number).value or "")
        unwrapped = 0 if wrap_headers else min(len(header), 14)
        width = max(minimum, _longest_word(header) + 2, unwrapped)  # bold: wider
        values = [ws.cell(row=row, column=number).value for row in lines]
        texts = [_shown_width_text(v, column.kind) for v in values if v is not None]
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
            cap = (caps or {}).get(column.key, cap)
            words = max((_longest_word(t) for t in texts), default=0)
            width = max(min(max(width, longest + 1), cap), min(words + 1, cap), least)
            for row, value in zip(lines, values, strict=True):
                if isinstance(value, str):
                    lines[row] = max(lines[row], text_lines(value, width))
        else:
            width = max(width, longest + 2, least)
        ws.column_dimensions[get_column_letter(number)].width = width
    header_lines = max(
        text_lines(str(ws.cell(row=header_row, column=n).value or ""), _units(ws, n), bold=True)
        for n in range(1, len(table.columns) + 1)
    )
    ws.row_dimensions[header_row].height = LINE_HEIGHT * max(header_lines, 1) + 2
    if header_row > 1 and any(c.group for c in table.columns):
        _group_heights(ws, header_row - 1, table.columns)
    for row, count in lines.items():
        if count > 1:  # wrapped text: a viewer may not grow the row itself (LibreOffice does not)
            ws.row_dimensions[row].height = LINE_HEIGHT * count


def _shown_width_text(value: Any, kind: ColumnKind) -> str:
    """A text about as wide as the cell shows its value: a whole float as a count ("5,031"), a
    difference with its sign and parentheses ("(+161)")."""
    if kind is ColumnKind.difference and isinstance(value, int | float):
        return f"({value:+,.0f})"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def _units(ws: Worksheet, column: int) -> float:
    return float(ws.column_dimensions[get_column_letter(column)].width or 8.43)


# Arial's advance widths (1/1000 em; Liberation Sans has the same): the lines a text wraps into are
# counted from them, so a row is as tall as its text in Excel and LibreOffice alike (counting
# characters made rows with one line of text two lines tall, which printed as blank rows, and
# cut "per 1.000 jongeren 12-24" off at two lines).
_GLYPHS = {
    **dict.fromkeys("ijlI.,:;'|!", 278),
    **dict.fromkeys("ft/[]\\ ", 278),
    **dict.fromkeys('r-()`"', 333),
    **dict.fromkeys("ckvxyzsJ", 500),
    **dict.fromkeys("0123456789abdeghnopqu$_#?L", 556),
    **dict.fromkeys("+<>=~", 584),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("ABEKPSVXY&", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("mM%", 833),
    **dict.fromkeys("W@", 944),
}
WIDE_GLYPH = 722  # letters with accents and other signs: on the wide side
TEXT_ROOM_PER_UNIT = 6.0  # points of text per unit of column width (Excel's 8 pixels; LibreOffice 6.1)
CELL_PADDING = 3.0  # points a cell keeps free of text (2 pixels a side)


def text_points(text: str, size: float = FONT_POINTS, bold: bool = False) -> float:
    """The printed width of ``text`` in Arial of ``size`` points (bold about 7% wider)."""
    em = sum(_GLYPHS.get(ch, 556 if ch.isalnum() and ch.isascii() else WIDE_GLYPH) for ch in text)
    return em * size / 1000 * (1.07 if bold else 1.0)


def text_lines(text: str, units: float, bold: bool = False, size: float = FONT_POINTS) -> int:
    """The lines ``text`` wraps into in a cell (or merged cells) ``units`` wide: words filled in
    greedily as Excel and LibreOffice do, a word wider than the cell broken over lines."""
    room = max(units * TEXT_ROOM_PER_UNIT - CELL_PADDING, 10.0)
    space = text_points(" ", size, bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for token in paragraph.split():
            width = text_points(token, size, bold)
            if used and used + space + width <= room:
                used += space + width
                continue
            if used:
                lines += 1
            extra = max(0, math.ceil(width / room) - 1)  # a word longer than the line
            lines += extra
            used = width - extra * room
    return max(lines, 1)


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


# The overview's printed columns, in order (the value columns of the periods after the goal); every
# other column of the overview (the id, p-values, the underlying range, the benchmarks) follows them
# outside the print area: on screen and for a filter, not on the A4 page, where 18 columns would
# print at about 5 pt.
PRINTED_BEFORE = ("theme", "label", UNIT_KEY, "goal")
PRINTED_AFTER = (
    "count",
    "count_change",
    "change_pct",
    "status",
    "significant",
    "previous_change_pct",
)
# The least effective font size on the printed page (points): an 11-point cell at the print scale.
MIN_PRINTED_POINTS = 9.0
# The widest the overview's text columns print (in "0" widths): longer text wraps in the row.
PRINT_CAPS = {"label": 20, UNIT_KEY: 11, "goal": 10, "status": 12}


def _printed_overview(table: Table) -> tuple[Table, int]:
    """The indicator table as printed, and how many columns print: the printed columns first, then
    the details; rows by theme (theme 0, the totals, first; the plan's order within a theme); the
    notes are listed under the table."""
    values = [c.key for c in table.columns if c.kind is ColumnKind.value]
    wanted = [*PRINTED_BEFORE, *values, *PRINTED_AFTER]
    printed = [k for k in wanted if k in table.keys]
    details = [k for k in table.keys if k not in printed and k != "notes"]
    shown = table.select([*printed, *details])
    shown.rows.sort(key=lambda row: row["theme"])  # stable: the plan's order within a theme
    return shown, len(printed)


def printed_points(ws: Worksheet, columns: int) -> float:
    """The effective size of 11-point text on the printed page when the first ``columns`` columns are
    fit to the A4 landscape width (on the wide side, ``_column_points``)."""
    return FONT_POINTS * min(1.0, PRINT_WIDTH / _column_points(ws, columns))


def _overview_table(
    ws: Worksheet, tables: ExportTables, top: int, full: Table
) -> tuple[Table, int, int, int]:
    """The indicator table from row ``top`` as ``_printed_overview`` orders it, its columns fit for
    print; returns (the table written, printed columns, header row, last row)."""
    table, printed = _printed_overview(full)
    first, last = write_table(ws, top, table)
    ws.freeze_panes = ws.cell(row=first + 1, column=3)
    if printed < len(table.columns):  # over the details (outside the print area) a heading saying so
        cell = ws.cell(row=first - 1, column=printed + 1)
        heading = tables.label("group_details")
        cell.value = xlsx_text(f"{heading}: {cell.value}" if cell.value else heading)
        cell.font, cell.alignment = HEADER_FONT, Alignment(vertical="top", wrap_text=True)
    for row in range(first + 1, last + 1):
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="top")
    fit_columns(ws, table, first, last, caps=PRINT_CAPS, wrap_headers=True)
    return table, printed, first, last


def _add_overview(wb: Workbook, tables: ExportTables) -> Printed:
    ws = wb.active
    ws.title = sheet_title(tables.label("sheet_overview"))
    write_cell(ws, 1, 1, tables.title).font = TITLE_FONT
    write_cell(ws, 2, 1, tables.subtitle)
    full = tables.overview()
    _, printed, first, last = _overview_table(ws, tables, 4, full)
    row = _notes_block(ws, tables, last + 2, [(r["label"], r["notes"]) for r in full.rows], printed)
    legend = row + 1
    write_cell(ws, legend, 1, tables.label("legend")).font = BOLD
    for offset, status in enumerate(STATUS_FILLS, start=1):
        cell = write_cell(ws, legend + offset, 2, status.label(tables.language))
        cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    note_row = legend + len(STATUS_FILLS) + 2
    merged_text(ws, note_row, 1, printed, tables.significance_note)
    return Printed(title_rows=(first - 1, first), columns=printed)


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
            lines = text_lines(label, _units(ws, 2))
            height = ws.row_dimensions[row].height or LINE_HEIGHT
            ws.row_dimensions[row].height = max(height, LINE_HEIGHT * lines)
        previous = label
        row += 1
    return row + 1


def _sentences_block(ws: Worksheet, tables: ExportTables, top: int, ids: list[str], columns: int) -> int:
    """The indicators' sentences (``report/sentences.py``) under the table, like the notes: the
    indicator's name, then its paragraph over the rest of the width; returns the next free row."""
    from veilcli.report.sentences import t

    labels = {i.id: i.label for i in tables.result.indicators}
    said = [(labels[i], tables.paragraphs[i]) for i in ids if tables.paragraphs.get(i)]
    if not said:
        return top
    write_cell(ws, top, 1, t("text_heading", tables.language)).font = BOLD
    for row, (label, text) in enumerate(said, start=top + 1):
        merged_text(ws, row, 3, columns, text)
        write_cell(ws, row, 2, label).alignment = Alignment(wrap_text=True, vertical="top")
    return top + len(said) + 2


def merged_text(ws: Worksheet, row: int, first: int, last: int, message: str) -> None:
    """Text over columns ``first``..``last`` (merged, wrapped), the row as tall as its lines."""
    cell = write_cell(ws, row, first, message)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    lines = text_lines(message, sum(_units(ws, c) for c in range(first, last + 1)))
    ws.row_dimensions[row].height = LINE_HEIGHT * lines


def _column_points(ws: Worksheet, columns: int) -> float:
    """The printed width of the first ``columns`` columns in points (at 100%), on the wide side: a
    width unit is the width of a "0" of the workbook's font, Arial 11: 6 pt in Excel (8 pixels) and
    6.1 pt in LibreOffice's Liberation Sans; the wider one, so the page fits in both."""
    total = 0.0
    for number in range(1, columns + 1):
        width = ws.column_dimensions[get_column_letter(number)].width or 8.43
        total += width * POINTS_PER_WIDTH + COLUMN_PADDING
    return total


def _row_points(ws: Worksheet, row: int) -> float:
    return float(ws.row_dimensions[row].height or LINE_HEIGHT)


def _add_theme_sheet(wb: Workbook, tables: ExportTables, theme: int, label: str) -> Printed:
    """A theme's indicator table and notes, then its charts two by two (each whole on a page), then
    the chart data."""
    ws = wb.create_sheet(sheet_title(f"{tables.label('theme')} {theme} {label}".strip(), wb.sheetnames))
    write_cell(ws, 1, 1, f"{tables.label('theme')} {theme}: {label}").font = TITLE_FONT
    full = tables.overview(theme=theme)
    _, printed, first, last = _overview_table(ws, tables, 3, full)
    row = _notes_block(ws, tables, last + 2, [(r["label"], r["notes"]) for r in full.rows], printed)
    row = _sentences_block(ws, tables, row, [r["id"] for r in full.rows], printed)
    blocks = tables.chart_blocks(theme)
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
        source_row = chart_row + chart_rows - 1  # the row under the chart: who published the figures
        chart.anchor = _cells_anchor(span, (chart_row + 1, source_row), gap=not left)
        ws.add_chart(chart)
        if block.source:
            _source_line(ws, source_row, span, block.source)
    data_height = sum(_row_points(ws, r) for r in range(data_top - 1, ws.max_row + 1))
    if used + data_height > page_height:  # the chart data on the next page, unless it fits here
        _break_before(ws, data_top - 1)
    return Printed(scale=scale, columns=printed)


def _source_line(ws: Worksheet, row: int, span: tuple[int, int], text: str) -> None:
    """ "Bron: Nationale Politie" under a chart, over the chart's columns (merged, small and grey)."""
    cell = write_cell(ws, row, span[0], text)
    cell.font = SOURCE_FONT
    cell.alignment = Alignment(vertical="top", indent=1 if span[0] > 2 else 0)
    if span[1] - 1 > span[0]:
        ws.merge_cells(start_row=row, start_column=span[0], end_row=row, end_column=span[1] - 1)


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
        lines = text_lines(heading, _units(ws, 2), bold=True)
        for column, period in zip(period_columns, block.periods, strict=True):
            cell = write_cell(ws, row, column, period)
            # Periods in words ("eerste helft 2017") wrap in the narrow value columns, not overlap.
            cell.font, cell.alignment = BOLD, Alignment(wrap_text=True, horizontal="right", vertical="bottom")
            lines = max(lines, text_lines(str(period), _units(ws, column), bold=True))
        ws.row_dimensions[row].height = LINE_HEIGHT * lines
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


# --- the district matrix (``--by district``) -----------------------------------------------------

SIGNED_COUNT_FORMAT = "+#,##0;-#,##0;0"  # a too-few cell's change: in registrations, not in %
MATRIX_FIRST = 3  # the first indicator column: wijk and inhabitants before it
MATRIX_GROUP = 4  # rate, count, change, status
MATRIX_WIDTHS = (7, 8, 12, 14)  # their widths: "0.00", "2,548", "Verandering", "✘ niet behaald" (bold)
MATRIX_MIN_SCALE = 80  # a page of the matrix prints at this scale or larger


def _significant_format(number_format: str) -> str:
    """A % format with "*" after each section: a significant change keeps its number."""
    return ";".join(f'{section}"*"' for section in number_format.split(";"))


def _matrix_values(cell: MatrixCell, lang: Lang) -> list[tuple[Any, str | None]]:
    """A cell's four workbook cells: rate, count, change (a fraction under a % format, "*" when
    significant; in registrations where too few to judge; a survey change in points), status."""
    if cell.too_few:
        change: tuple[Any, str | None] = (cell.count_change, SIGNED_COUNT_FORMAT)
    elif cell.points is not None:
        value, unit = cell.points
        points = f'+0.0" {unit}";-0.0" {unit}";0.0" {unit}"'
        change = (value, _significant_format(points) if cell.significant else points)
    elif cell.change_pct is None:
        change = (None, None)
    else:
        pct = SMALL_PCT_FORMAT if 0 < abs(cell.change_pct) < 1 else PCT_FORMAT
        change = (cell.change_pct / 100, _significant_format(pct) if cell.significant else pct)
    status = f"{STATUS_MARKS[cell.status]} {short(cell.status, lang)}"
    return [(cell.rate, None), (cell.count, COUNT_FORMAT), change, (status, None)]


def _add_district_matrix(wb: Workbook, tables: ExportTables) -> Printed:
    """The Wijken sheet: one matrix, wijken as rows (the municipality first), per indicator four
    columns (rate, count, change, status) under its name. Printed in pages of indicator groups, the
    wijk and inhabitants columns and both header rows repeated on each, at 100% where a group fits."""
    matrix: DistrictMatrix = tables.district_matrix()
    lang = tables.language
    ws = wb.create_sheet(sheet_title(tables.label("sheet_districts"), wb.sheetnames))
    heading = matrix.words("dm_heading", lang)
    # Over the wijk and inhabitants columns, wrapped: they repeat on every printed page, the title too.
    title = write_cell(ws, 1, 1, heading)
    title.font, title.alignment = TITLE_FONT, Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=MATRIX_FIRST - 1)
    groups, header = 3, 4
    year = matrix.period[:4]
    for column, text in ((1, tables.label("district")), (2, word("dm_inhabitants", lang, year=year))):
        for row in (groups, header):
            ws.cell(row=row, column=column).fill = HEADER_FILL
        cell = write_cell(ws, header, column, text)
        cell.font, cell.alignment = HEADER_FONT, Alignment(wrap_text=True, vertical="top")
    subheads = [
        word("dm_rate_long", lang),
        f"{word('dm_count_long', lang)} {matrix.period}",
        f"{word('dm_change_long', lang)} {matrix.baseline}",
        tables.label("status"),
    ]
    for index, ind in enumerate(matrix.indicators):
        first = MATRIX_FIRST + index * MATRIX_GROUP
        goal = f", {word('dm_goal', lang, goal=short(ind.goal, lang))}" if ind.goal.value != "none" else ""
        title = f"{ind.label} ({short(ind.unit, lang)}{goal})"
        cell = write_cell(ws, groups, first, title)
        cell.font, cell.border = HEADER_FONT, GROUP_EDGE
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
        for offset, text in enumerate(subheads):
            ws.cell(row=groups, column=first + offset).fill = GROUP_FILL
            sub = write_cell(ws, header, first + offset, text)
            sub.fill, sub.font = HEADER_FILL, HEADER_FONT
            sub.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(
            start_row=groups, start_column=first, end_row=groups, end_column=first + MATRIX_GROUP - 1
        )
    for offset, mrow in enumerate(matrix.rows, start=1):
        row = header + offset
        write_cell(ws, row, 1, mrow.name).font = BOLD if mrow.area else Font(name=FONT)
        write_cell(ws, row, 2, mrow.inhabitants, COUNT_FORMAT)
        for index, ind in enumerate(matrix.indicators):
            cell_ = mrow.cells.get(ind.id)
            if cell_ is None:
                continue
            for number, (value, number_format) in enumerate(_matrix_values(cell_, lang)):
                cell = write_cell(ws, row, MATRIX_FIRST + index * MATRIX_GROUP + number, value, number_format)
                cell.alignment = Alignment(vertical="top", wrap_text=number == 3 or None)
                if number == 3:
                    cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[cell_.status])
                if mrow.area:
                    cell.font = BOLD
    last = header + len(matrix.rows)
    for index, ind in enumerate(matrix.indicators):  # one rate format per indicator (two decimals below 1)
        column = MATRIX_FIRST + index * MATRIX_GROUP
        values = [ws.cell(row=r, column=column).value for r in range(header + 1, last + 1)]
        counts = all(m.cells[ind.id].unit is Unit.count for m in matrix.rows if ind.id in m.cells)
        for r in range(header + 1, last + 1):
            ws.cell(row=r, column=column).number_format = COUNT_FORMAT if counts else _rate_format(values)
    _matrix_widths(ws, matrix, header, last)
    title_units = sum(_units(ws, c) for c in range(1, MATRIX_FIRST))
    title_lines = text_lines(heading, title_units, bold=True, size=TITLE_FONT.sz or 13)
    ws.row_dimensions[1].height = 18 * max(1, title_lines)
    ws.freeze_panes = ws.cell(row=header + 1, column=MATRIX_FIRST)
    _matrix_legend(ws, tables, matrix, last + 2)
    return _matrix_print(ws, matrix, groups, header)


def _matrix_widths(ws: Worksheet, matrix: DistrictMatrix, header: int, last: int) -> None:
    """Widths from the values; the group and header rows as tall as their wrapped text."""
    names = [len(r.name) for r in matrix.rows]
    ws.column_dimensions["A"].width = max(12, min(TEXT_WIDTH, max(names) + 2))
    ws.column_dimensions["B"].width = 11
    for index in range(len(matrix.indicators)):
        first = MATRIX_FIRST + index * MATRIX_GROUP
        for offset, width in enumerate(MATRIX_WIDTHS):
            ws.column_dimensions[get_column_letter(first + offset)].width = width
    group_width = sum(MATRIX_WIDTHS)
    lines = max(
        (
            text_lines(str(ws.cell(row=header - 1, column=c).value or ""), group_width, bold=True)
            for c in range(MATRIX_FIRST, ws.max_column + 1)
        ),
        default=1,
    )
    ws.row_dimensions[header - 1].height = LINE_HEIGHT * max(lines, 1)
    ws.row_dimensions[header].height = LINE_HEIGHT * 2 + 2
    for row in range(header + 1, last + 1):
        statuses = [
            str(ws.cell(row=row, column=c).value or "")
            for c in range(MATRIX_FIRST + 3, ws.max_column + 1, MATRIX_GROUP)
        ]
        tall = max((text_lines(s, MATRIX_WIDTHS[-1]) for s in statuses if s), default=1)
        ws.row_dimensions[row].height = LINE_HEIGHT * max(tall, 1)


def _matrix_legend(ws: Worksheet, tables: ExportTables, matrix: DistrictMatrix, top: int) -> int:
    """Under the matrix: the statuses (marks and fills), how to read the columns, the too-few rule,
    the notes the matrix does not say, and where the underlying figures are; returns the next row."""
    lang = tables.language
    few = STATUS_MARKS[Status.too_few]
    # From the first indicator column over the first printed page's groups: the wijk columns repeat
    # on every page and would cut text that starts in them.
    first, span = MATRIX_FIRST, min(ws.max_column, MATRIX_FIRST + 2 * MATRIX_GROUP - 1)
    write_cell(ws, top, first, tables.label("legend")).font = BOLD
    row = top + 1
    for status in matrix.statuses():
        cell = write_cell(ws, row, first, f"{STATUS_MARKS[status]} {status.label(lang)}")
        cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
        row += 1
    texts = [matrix.words("dm_legend_columns", lang)]
    if Status.too_few in matrix.statuses():
        texts.append(word("dm_too_few_rule", lang, few=few))
    for text in texts:
        merged_text(ws, row, first, span, text)
        row += 1
    if matrix.notes:
        row += 1
        write_cell(ws, row, first, tables.label("notes_heading")).font = BOLD
        row += 1
        for note, where in matrix.notes:
            places = "; ".join(name if ids is None else f"{name} ({', '.join(ids)})" for name, ids in where)
            merged_text(ws, row, first, span, f"{places}: {note.render(lang)}")
            row += 1
    merged_text(ws, row + 1, first, span, word("dm_underlying_export", lang))
    return row + 2


def _matrix_print(ws: Worksheet, matrix: DistrictMatrix, groups: int, header: int) -> Printed:
    """Pages of whole indicator groups: a column break after the last group that fits the page
    beside the repeated wijk and inhabitants columns, as many as print at ``MATRIX_MIN_SCALE`` or more."""
    fixed = _column_points(ws, MATRIX_FIRST - 1)
    group = _column_points(ws, MATRIX_FIRST - 1 + MATRIX_GROUP) - fixed
    count = len(matrix.indicators)

    def scale_for(groups: int) -> int:
        return min(100, math.floor(100 * SCALE_MARGIN * PRINT_WIDTH / (fixed + groups * group)))

    # As many groups a page as print at a readable scale (11 pt at 80% is about 9 pt).
    per_page = max([k for k in range(1, count + 1) if scale_for(k) >= MATRIX_MIN_SCALE] or [1])
    scale = scale_for(per_page)
    for start in range(per_page, count, per_page):
        ws.col_breaks.append(Break(id=MATRIX_FIRST - 1 + start * MATRIX_GROUP))
    ws.print_title_cols = f"A:{get_column_letter(MATRIX_FIRST - 1)}"
    return Printed(title_rows=(1, header), scale=scale)


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


def new_workbook() -> Workbook:
    """An empty workbook whose base font (the unit of its column widths) is ``BASE_FONT``."""
    wb = Workbook()
    wb._fonts = IndexedList([BASE_FONT])  # openpyxl's default is the theme's Calibri
    wb._named_styles["Normal"].font = BASE_FONT
    return wb


def build_workbook(tables: ExportTables) -> Workbook:
    """The whole workbook, in memory."""
    wb = new_workbook()
    printed = [_add_overview(wb, tables)]
    for theme, label in tables.themes():
        printed.append(_add_theme_sheet(wb, tables, theme, label))
    printed.append(_add_simple_sheet(wb, tables, tables.normalisation()))
    if tables.result.districts:
        printed.append(_add_district_matrix(wb, tables))
    printed.append(_add_simple_sheet(wb, tables, tables.sources()))
    for ws, how in zip(wb.worksheets, printed, strict=True):
        _print_setup(ws, tables, how)
    return wb

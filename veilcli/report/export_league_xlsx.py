"""`veilcli export xlsx --area all` (or a group): the league table as a workbook.

Sheets: ``Overzicht`` (how to read a league, then each area's rank on every indicator, coloured by
its status), one sheet per indicator (rank, area, the registered values in the baseline and the
period under a heading with the unit, the change, the status in words) and ``Bronnen``
(provenance).

One sheet per indicator rather than one long sheet: every indicator has its own unit and its own
ranking, so each table gets its own filter and sort in Excel, its own frozen header and its own
repeated print titles; twelve blocks of 342 areas stacked on one sheet could be filtered and sorted
only as one, and a reader would scroll through thousands of rows to find an indicator. The overview
keeps the view across indicators (an area's ranks side by side).

The conventions of the comparison workbook (``export_xlsx``) apply: A4 landscape, fit to width,
header rows repeated on every page, a header (plan; selection) and footer (sheet; page n of m),
numbers as numbers with number formats, every string a string cell (formula-like text quote-
prefixed), words in the workbook's language.
"""

from __future__ import annotations

import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from veilcli.analysis.results.league import LeagueIndicator
from veilcli.files.spreadsheet_safety import SHEET_NAME_MAX
from veilcli.report.export_xlsx import (
    BOLD,
    STATUS_FILLS,
    TITLE_FONT,
    Printed,
    fit_columns,
    merged_text,
    new_workbook,
    print_setup,
    sheet_title,
    write_cell,
    write_table,
)
from veilcli.report.league_tables import LEAGUE_STATUSES, LeagueTables

_PARENTHESES = re.compile(r"\s*\([^)]*\)")
# Widths (in "0" characters) an indicator's columns get at least, so the table spans an A4 landscape
# page at about 100% and the notes above it wrap in two lines, not five.
MIN_WIDTHS = {"rank": 7, "area": 28, "baseline_value": 13, "value": 13, "change_pct": 16, "status": 20}
AREA_WIDTH = 24  # the overview's area column: room for "Capelle aan den IJssel"
CENTRED = Alignment(horizontal="center", vertical="top")
OWN_FILL = PatternFill("solid", fgColor="DDEBF7")  # the plan's own area's row: a light blue band


def indicator_sheet_name(label: str, taken: list[str]) -> str:
    """A sheet name for an indicator: its label, without what stands in parentheses when the whole
    label is too long ("Auto-inbraak (diefstal uit/vanaf motorvoertuigen)" -> "Auto-inbraak")."""
    if len(label) > SHEET_NAME_MAX:
        label = _PARENTHESES.sub("", label).strip() or label
    return sheet_title(label, taken)


def _notes(ws: Worksheet, top: int, texts: list[str], columns: int) -> int:
    """Each text on its own row, merged over ``columns`` and wrapped; returns the next free row."""
    for offset, message in enumerate(texts):
        merged_text(ws, top + offset, 1, columns, message)
    return top + len(texts)


def _mark_own(ws: Worksheet, tables: LeagueTables, first: int, last: int, area_column: int) -> None:
    """The plan's own area's row in a table (header row ``first``..``last``): bold, and the cells
    without a status colour filled light blue."""
    own = tables.result.own_area
    for row in range(first + 1, last + 1):
        if own is None or ws.cell(row=row, column=area_column).value != own:
            continue
        for column in range(1, ws.max_column + 1):
            cell = ws.cell(row=row, column=column)
            cell.font = BOLD
            if cell.fill.fill_type is None:  # a status keeps its colour
                cell.fill = OWN_FILL


def _legend(ws: Worksheet, tables: LeagueTables, row: int) -> int:
    """The status colours under each other in the first column (as wide as any table has it):
    "Legenda status", then a coloured cell per status; returns the next free row."""
    write_cell(ws, row, 1, tables.label("legend")).font = BOLD
    for offset, status in enumerate(LEAGUE_STATUSES, start=1):
        cell = write_cell(ws, row + offset, 1, status.label(tables.lang))
        cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    return row + len(LEAGUE_STATUSES) + 1


def _add_overview(wb: Workbook, tables: LeagueTables) -> Printed:
    """How to read the league, a status legend, then the rank of every area on every indicator."""
    ws = wb.active
    ws.title = sheet_title(tables.label("sheet_overview"))
    reading = f"{tables.label('l_ranks_intro')} {tables.label('l_sheets')}"
    if tables.result.own_area:  # said where the table is explained, not on a row of its own
        reading += " " + tables.label("l_own_area", area=tables.result.own_area)
    notes = [*tables.notes(), reading]
    # title, selection, the notes, a blank row, the legend (a heading and a row per status), a blank row
    header_top = 3 + len(notes) + 1 + len(LEAGUE_STATUSES) + 2
    table = tables.ranks()
    first, last = write_table(ws, header_top, table)
    statuses = tables.statuses()
    for offset, values in enumerate(table.rows, start=1):
        for number, ind in enumerate(tables.result.indicators, start=2):
            cell = ws.cell(row=first + offset, column=number)
            cell.alignment = CENTRED
            status = statuses.get((ind.id, values["area"]))
            if status is not None:
                cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    _mark_own(ws, tables, first, last, 1)
    ws.freeze_panes = ws.cell(row=first + 1, column=2)  # the area stays in view
    fit_columns(ws, table, first, last, widths={"area": AREA_WIDTH})
    width = len(table.columns)
    write_cell(ws, 1, 1, tables.title).font = TITLE_FONT
    merged_text(ws, 2, 1, width, tables.selection)
    _legend(ws, tables, _notes(ws, 3, notes, width) + 1)
    return Printed(title_rows=(first, first))


def _add_indicator(wb: Workbook, tables: LeagueTables, indicator: LeagueIndicator) -> Printed:
    """One indicator's league: a title with the unit, the selection, goal and how many areas are
    ranked, how to read it, then the table (rank, area, values, change, status)."""
    ws = wb.create_sheet(indicator_sheet_name(indicator.label, wb.sheetnames))
    if not tables.has_figures(indicator):  # a sentence, not a page of dashes per area
        write_cell(ws, 1, 1, f"{indicator.label} ({indicator.unit.label(tables.lang)})").font = TITLE_FONT
        write_cell(ws, 2, 1, f"{tables.selection}. {tables.no_figures_text()}")
        return Printed()
    notes = tables.notes()
    table = tables.indicator(indicator)
    first, last = write_table(ws, 3 + len(notes) + 1, table)  # under a row of group headings
    for row in range(first + 1, last + 1):
        ws.cell(row=row, column=1).alignment = CENTRED
    _mark_own(ws, tables, first, last, table.keys.index("area") + 1)
    ws.freeze_panes = ws.cell(row=first + 1, column=3)
    fit_columns(ws, table, first, last, widths=MIN_WIDTHS)
    width = len(table.columns)
    title = f"{indicator.label} ({indicator.unit.label(tables.lang)})"
    write_cell(ws, 1, 1, title).font = TITLE_FONT
    about = " ".join(
        (
            f"{tables.selection}.",
            tables.goal_text(indicator),
            tables.ranked_text(indicator),
            f"{tables.label('id')}: {indicator.id}.",
        )
    )
    merged_text(ws, 2, 1, width, about)
    _notes(ws, 3, notes, width)
    return Printed(title_rows=(first - 1, first))


def _add_sources(wb: Workbook, tables: LeagueTables) -> Printed:
    table = tables.sources()
    ws = wb.create_sheet(sheet_title(table.title, wb.sheetnames))
    first, last = write_table(ws, 1, table)
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    fit_columns(ws, table, first, last)
    return Printed(title_rows=(first, first))


def build_league_workbook(tables: LeagueTables) -> Workbook:
    """The league workbook, in memory: overview, a sheet per indicator, sources."""
    wb = new_workbook()
    printed = [_add_overview(wb, tables)]
    printed += [_add_indicator(wb, tables, ind) for ind in tables.result.indicators]
    printed.append(_add_sources(wb, tables))
    for ws, how in zip(wb.worksheets, printed, strict=True):
        print_setup(ws, how, left=tables.result.plan, right=tables.header_right, page=tables.label("page"))
    return wb

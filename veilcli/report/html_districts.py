"""The HTML report's ``--by district`` section: one wijk x indicator matrix.

Wijken are rows (the municipality first, as the reference; each wijk with its inhabitants),
indicators are columns; a cell holds the period's rate and status mark on its first line, the
count with its difference from the baseline's and the change in % (``*`` significant) on its
second, and is tinted by its status. A figure too small to judge (``goals.too_few_to_judge``) shows
○ and its count and difference only: no percentage that reads as a verdict. The marks carry the
status in a grey print; the tint is for the screen. Under the matrix: the legend, the too-few rule,
and the notes the matrix does not say itself, each once with the wijken it concerns. Every piece
of user text is escaped by the template (``templates/districts.html.j2``, autoescaped); there is no
script, and no style attribute.
"""

from __future__ import annotations

from typing import Any

from veilcli.analysis.goals import Status
from veilcli.domain.language import Lang
from veilcli.domain.plans import Goal
from veilcli.report.export_tables import STATUS_MARKS, DistrictMatrix, MatrixCell
from veilcli.report.numbers import number, pct_text, points_text, value_text
from veilcli.report.words import short, word

CELL_CLASS: dict[Status, str] = {
    Status.achieved: "dm-achieved",
    Status.not_achieved: "dm-not-achieved",
    Status.undetermined: "dm-undetermined",
    Status.monitor: "dm-monitor",
    Status.no_data: "dm-no-data",
    Status.incomplete: "dm-incomplete",
    Status.too_few: "dm-too-few",
}

DISTRICT_CSS = """
table.districts { font-size: 12.5px; width: auto; }
table.districts th, table.districts td { padding: 3px 6px; }
table.districts thead th { font-weight: 600; vertical-align: bottom; min-width: 6.5em; }
table.districts thead th .unit { display: block; font-weight: normal; font-size: 11px; opacity: .85; }
table.districts th[scope='row'] { position: sticky; left: 0; background: #fff; white-space: nowrap;
  font-weight: normal; }
table.districts tr.own th[scope='row'], table.districts tr.own td { font-weight: 650; }
table.districts th[scope='row'] .inh { display: block; font-size: 11px; color: var(--muted); }
td.dm { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.dm .rate { font-size: 14px; }
td.dm .mark { display: inline-block; width: 1.1em; text-align: center; }
td.dm .line2 { display: block; font-size: 11px; color: #333; }
/* "table.districts" outweighs the striped rows of every other table */
table.districts td.dm-achieved { background: #e3f5e6; }
table.districts td.dm-not-achieved { background: #fde3e6; }
table.districts td.dm-undetermined { background: #fff5cc; }
table.districts td.dm-monitor { background: #f3f3f3; }
table.districts td.dm-no-data, table.districts td.dm-incomplete { background: #fdf0e8; }
table.districts td.dm-too-few { background: #fff; color: #595959; }
ul.dm-legend { list-style: none; padding: 0; font-size: 13px; margin: 4px 0; }
ul.dm-legend li { display: inline-block; margin-right: 14px; }
@media print {
  table.districts { font-size: 8pt; }
  td.dm .rate { font-size: 9pt; } td.dm .line2 { font-size: 7pt; }
  table.districts td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def signed_count(value: float | None, lang: Lang) -> str:
    """A difference of counts in whole registrations: "+1", "-12", "0"."""
    if value is None:
        return ""
    if round(value) == 0:
        return "0"
    return ("+" if value > 0 else "-") + number(abs(value), 0, lang)


def cell_view(cell: MatrixCell | None, lang: Lang) -> dict[str, str] | None:
    """One matrix cell's texts: rate and mark, then count (difference) and change; None without a
    figure."""
    if cell is None:
        return None
    rate = value_text(cell.rate, cell.unit, lang) if cell.rate is not None else "-"
    count = number(cell.count, 0, lang) if cell.count is not None else "-"
    if cell.count is not None and cell.count_change is not None:
        count += f" ({signed_count(cell.count_change, lang)})"
    if cell.too_few:
        change = ""
    elif cell.points is not None:
        change = points_text(*cell.points, lang) + ("*" if cell.significant else "")
    else:
        change = pct_text(cell.change_pct, lang) + ("*" if cell.significant else "")
    return {
        "css": CELL_CLASS[cell.status],
        "label": cell.status.label(lang),
        "rate": rate,
        "mark": STATUS_MARKS[cell.status],
        "count": count,
        "change": change,
    }


def district_view(matrix: DistrictMatrix, lang: Lang) -> dict[str, Any]:
    """The matrix's texts for ``districts.html.j2`` (a table in a horizontally scrolling box, the
    wijk column kept in view, then its legend and notes)."""
    heads = []
    for ind in matrix.indicators:
        goal = f", {word('dm_goal', lang, goal=short(ind.goal, lang))}" if ind.goal is not Goal.none else ""
        heads.append({"label": ind.label, "unit": short(ind.unit, lang) + goal})
    rows = [
        {
            "name": row.name,
            "own": bool(row.area),
            "inhabitants": None if row.inhabitants is None else number(row.inhabitants, 0, lang),
            "cells": [cell_view(row.cells.get(ind.id), lang) for ind in matrix.indicators],
        }
        for row in matrix.rows
    ]
    few = STATUS_MARKS[Status.too_few]
    legend = [matrix.words("dm_legend_columns_html", lang)]
    if Status.too_few in matrix.statuses():
        legend.append(word("dm_too_few_rule", lang, few=few))
    notes = []
    for note, where in matrix.notes:
        places = "; ".join(name if ids is None else f"{name} ({', '.join(ids)})" for name, ids in where)
        notes.append((places, note.render(lang)))
    return {
        "corner": word("district", lang),
        "heads": heads,
        "rows": rows,
        "inhabitants_word": word("dm_inhabitants", lang, year=matrix.period[:4]),
        "marks": [(STATUS_MARKS[s], s.label(lang)) for s in matrix.statuses()],
        "legend": legend,
        "notes": notes,
        "underlying": word("dm_underlying_export", lang),
    }

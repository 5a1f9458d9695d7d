"""The HTML report's ``--by district`` section: one wijk x indicator matrix.

Wijken are rows (the municipality first, as the reference; each wijk with its inhabitants),
indicators are columns; a cell holds the period's rate and status mark on its first line, the
count with its difference from the baseline's and the change in % (``*`` significant) on its
second, and is tinted by its status. A figure too small to judge (``goals.too_few_to_judge``) shows
○ and its count and difference only: no percentage that reads as a verdict. The marks carry the
status in a grey print; the tint is for the screen. Under the matrix: the legend, the too-few rule,
and the notes the matrix does not say itself, each once with the wijken it concerns. Every piece
of user text passes ``html.escape``; there is no script, and no style attribute.
"""

from __future__ import annotations

from html import escape

from veilcli.analysis.goals import Status
from veilcli.domain.language import Lang
from veilcli.domain.periods import period_words
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


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _signed(value: float | None, lang: Lang) -> str:
    """A difference of counts in whole registrations: "+1", "-12", "0"."""
    if value is None:
        return ""
    if round(value) == 0:
        return "0"
    return ("+" if value > 0 else "-") + number(abs(value), 0, lang)


def cell_html(cell: MatrixCell | None, lang: Lang) -> str:
    """One matrix cell: rate and mark, then count (difference) and change; empty without a figure."""
    if cell is None:
        return "<td class='dm'></td>"
    rate = value_text(cell.rate, cell.unit, lang) if cell.rate is not None else "-"
    count = number(cell.count, 0, lang) if cell.count is not None else "-"
    if cell.count is not None and cell.count_change is not None:
        count += f" ({_signed(cell.count_change, lang)})"
    if cell.too_few:
        change = ""
    elif cell.points is not None:
        change = points_text(*cell.points, lang) + ("*" if cell.significant else "")
    else:
        change = pct_text(cell.change_pct, lang) + ("*" if cell.significant else "")
    second = f"{_e(count)} · {_e(change)}" if change else _e(count)
    label = cell.status.label(lang)
    return (
        f"<td class='dm {CELL_CLASS[cell.status]}' title='{_e(label)}'>"
        f"<span class='rate'>{_e(rate)}</span> <span class='mark'>{STATUS_MARKS[cell.status]}</span>"
        f"<span class='line2'>{second}</span></td>"
    )


def districts_html(matrix: DistrictMatrix, lang: Lang) -> str:
    """The matrix as a table (in a horizontally scrolling box, the wijk column kept in view), then
    its legend and notes."""
    heads = []
    for ind in matrix.indicators:
        goal = f", {word('dm_goal', lang, goal=short(ind.goal, lang))}" if ind.goal is not Goal.none else ""
        heads.append(
            f"<th scope='col' class='num'>{_e(ind.label)}"
            f"<span class='unit'>{_e(short(ind.unit, lang) + goal)}</span></th>"
        )
    year = matrix.period[:4]
    rows = []
    for row in matrix.rows:
        inhabitants = ""
        if row.inhabitants is not None:
            people = word("dm_inhabitants", lang, year=year)
            inhabitants = f"<span class='inh'>{_e(people)}: {_e(number(row.inhabitants, 0, lang))}</span>"
        cells = "".join(cell_html(row.cells.get(ind.id), lang) for ind in matrix.indicators)
        own = " class='own'" if row.area else ""
        rows.append(f"<tr{own}><th scope='row'>{_e(row.name)}{inhabitants}</th>{cells}</tr>")
    corner = f"<th scope='col'>{_e(word('district', lang))}</th>"
    table = (
        f"<div class='scroll'><table class='districts'><thead><tr>{corner}{''.join(heads)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    few = STATUS_MARKS[Status.too_few]
    marks = "".join(
        f"<li><span class='mark'>{STATUS_MARKS[s]}</span> {_e(s.label(lang))}</li>" for s in matrix.statuses()
    )
    legend = [f"<ul class='dm-legend'>{marks}</ul>"]
    columns = word(
        "dm_legend_columns_html",
        lang,
        period=period_words(matrix.period, lang),
        baseline=period_words(matrix.baseline, lang),
        few=few,
    )
    legend.append(f"<p class='small'>{_e(columns)}</p>")
    if Status.too_few in matrix.statuses():
        legend.append(f"<p class='small'>{_e(word('dm_too_few_rule', lang, few=few))}</p>")
    notes = []
    for note, where in matrix.notes:
        places = "; ".join(name if ids is None else f"{name} ({', '.join(ids)})" for name, ids in where)
        notes.append(f"<li>{_e(places)}: {_e(note.render(lang))}</li>")
    listed = f"<ul class='notes'>{''.join(notes)}</ul>" if notes else ""
    underlying = f"<p class='small'>{_e(word('dm_underlying_export', lang))}</p>"
    return table + "".join(legend) + listed + underlying

"""`veilcli report html --area all` (or a group): the league as one self-contained HTML page.

Like the comparison report (``html.py``, whose CSS it shares): one file, inline CSS and SVG, no
script, nothing loaded from anywhere, every user text (plan, area and indicator names, paths)
escaped. Structure: a title, how to read a league (registered figures, rank 1 = the lowest value,
why some areas have no rank, the order); each area's rank on every indicator; per indicator its
league table in the order the result gives (``--sort``), with a bar chart of the ranked areas when
there are at most ``CHART_LIMIT`` areas (342 bars are no chart anyone reads: then the table alone,
said so); the sources with their sha256.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from veilcli import __version__
from veilcli.analysis.league import LeagueIndicator
from veilcli.domain.periods import date_words
from veilcli.domain.units import Unit
from veilcli.errors import InputError
from veilcli.report.exports import prepare_target, write_file
from veilcli.report.html import CSS, STATUS_CLASS, status_badge
from veilcli.report.league_tables import LEAGUE_STATUSES, LeagueTables, rank_key
from veilcli.report.map_svg import league_map
from veilcli.report.numbers import number, pct_text, value_text
from veilcli.report.svg import rank_chart
from veilcli.report.table import Table
from veilcli.sources.geometry import AreaMatch

CHART_LIMIT = 40  # areas: up to this many a bar chart per indicator stays readable

LEAGUE_CSS = """
ul.how { margin: 0; padding-left: 20px; }
/* no data in light grey (as in the workbooks), apart from incomplete: a league may have empty columns */
.status.no-data { background: #f5f5f5; color: #3a3a3a; border-color: #cfcfcf; }
section.league h2 .unit { font-weight: normal; color: var(--muted); font-size: 15px; }
table.league { width: auto; min-width: 60%; }
table.ranks { width: auto; }
table.ranks td.rank { text-align: center; font-variant-numeric: tabular-nums; min-width: 40px; }
table.ranks thead th { font-size: 11.5px; vertical-align: bottom; }
/* indicator names read bottom to top, wrapping into a second line: twelve columns fit the page */
table.ranks thead th.indicator { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 170px;
  text-align: left; vertical-align: top; padding: 6px 4px; border: 0; }
table.ranks thead th a { color: #fff; }
table.ranks tbody th { font-weight: normal; white-space: nowrap; }
td.rank.achieved { background: #c6efce; } td.rank.not-achieved { background: #ffc7ce; }
td.rank.monitor { background: #e7e6e6; } td.rank.no-data { background: #f5f5f5; }
td.rank.incomplete { background: #fce4d6; } td.rank.undetermined { background: #ffeb9c; }
table.ranks tbody tr:nth-child(even) td.rank { filter: brightness(0.97); }
figure.league-chart { max-width: 720px; margin: 8px 0 12px; }
/* the plan's own area: bold, a light blue band and a bar at its left edge, in every table */
tr.own th, tr.own td { font-weight: 700; }
tr.own td:not(.rank), tr.own th { background: #ddebf7 !important; }
tr.own > :first-child { box-shadow: inset 4px 0 0 var(--head); }
@media print {
  /* no heading alone at a page's foot: each indicator from a new page, its heading, goal and the
     start of its chart or table together; a chart or a table row never split */
  section.league { break-before: page; }
  section.league h2 { break-before: avoid; }
  .keep { break-inside: avoid; break-after: avoid; }
  section.league table.league thead { break-after: avoid; }
  tr.own th, tr.own td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table.ranks th { font-size: 7.5pt; }
  td.rank { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table.league td, table.ranks td, table.ranks tbody th { padding: 1px 5px; }
  /* the report's charts print 42 mm high; a league chart keeps its shape: 40 areas fit a page */
  figure.league-chart { width: 130mm; break-inside: avoid; }
  figure.league-chart svg.chart { height: auto; }
}
"""


def _e(value: object) -> str:
    """User text as HTML text (``&``, ``<``, ``>`` and quotes escaped)."""
    return escape("" if value is None else str(value), quote=True)


class LeaguePage:
    """The HTML of one league (its ``LeagueTables``)."""

    def __init__(self, tables: LeagueTables, geometry: AreaMatch | None = None) -> None:
        self.tables, self.result, self.lang = tables, tables.result, tables.lang
        self.geometry = geometry  # --geometry: the municipalities' areas for a map per indicator

    def w(self, key: str, **params: object) -> str:
        """A word of the catalogue in the page's language, escaped."""
        return _e(self.tables.label(key, **params))

    def html(self) -> str:
        """The whole document."""
        parts = [
            "<!DOCTYPE html>",
            f"<html lang='{self.lang}'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            "<meta name='generator' content='veilcli'>",
            f"<title>{_e(self.tables.title)}</title><style>{CSS}{LEAGUE_CSS}</style></head><body><main>",
            self._header(),
            self._contents(),
            self._ranks(),
            *(self._indicator(ind) for ind in self.result.indicators),
            self._sources(),
            f"<footer class='report'>{self._made()}</footer>",
            "</main></body></html>",
        ]
        return "\n".join(parts) + "\n"

    def _own(self, area: str) -> str:
        """The class attribute of the plan's own area's row (highlighted), else nothing."""
        return " class='own'" if area == self.result.own_area else ""

    def _made(self) -> str:
        made = self.tables.generated_at
        at = f"{date_words(made.date(), self.lang)} {made:%H:%M}"  # 7 december 2026 00:52
        return self.w("h_generated", version=__version__, at=at)

    def _header(self) -> str:
        notes = self.tables.notes()
        if self.result.own_area:
            notes.append(self.tables.label("l_own_area", area=self.result.own_area))
        how = "".join(f"<li>{_e(note)}</li>" for note in notes)
        return (
            f"<header class='report'><h1>{_e(self.result.plan)}</h1>"
            f"<p class='selection'>{self.w('l_title')}: {_e(self.tables.selection)}</p>"
            f"<p class='meta'>{self._made()}</p></header>"
            f"<div class='lead'><ul class='how'>{how}</ul></div>"
        )

    def _contents(self) -> str:
        items = [f"<li><a href='#ranks'>{self.w('l_ranks')}</a></li>"]
        items += [
            f"<li><a href='#league-{_e(ind.id)}'>{_e(ind.label)}</a></li>" for ind in self.result.indicators
        ]
        items.append(f"<li><a href='#sources'>{self.w('h_sources')}</a></li>")
        contents = self.w("h_contents")
        return f"<nav aria-label='{contents}'><h2>{contents}</h2><ol>{''.join(items)}</ol></nav>"

    def _ranks(self) -> str:
        """Each area's rank on every indicator (a column each), the cell coloured by the status."""
        r = self.result
        statuses = self.tables.statuses()
        head = f"<th scope='col'>{self.w('l_area')}</th>" + "".join(
            f"<th scope='col' class='indicator'><a href='#league-{_e(i.id)}'>{_e(i.label)}</a></th>"
            for i in r.indicators
        )
        table = self.tables.ranks()
        rows = []
        for row in table.rows:
            cells = [f"<th scope='row'>{_e(row['area'])}</th>"]
            for ind in r.indicators:
                status = statuses.get((ind.id, row["area"]))
                rank = row[rank_key(ind.id)]
                shown = "" if rank is None else rank
                if status is None:  # an area without a row for this indicator
                    cells.append(f"<td class='rank'>{shown}</td>")
                    continue
                words = _e(status.label(self.lang))
                cells.append(f"<td class='rank {STATUS_CLASS[status]}' title='{words}'>{shown}</td>")
            rows.append(f"<tr{self._own(row['area'])}>{''.join(cells)}</tr>")
        shown = set(statuses.values())
        legend = " ".join(status_badge(s, self.lang) for s in LEAGUE_STATUSES if s in shown)
        return (
            f"<section class='overview' id='ranks'><h2>{self.w('l_ranks')}</h2>"
            f"<p>{self.w('l_ranks_intro')}</p><p>{legend}</p>"
            "<div class='scroll'><table class='ranks'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
        )

    def _indicator(self, ind: LeagueIndicator) -> str:
        tables, lang = self.tables, self.lang
        unit = ind.unit.label(lang)
        about = f"{tables.goal_text(ind)} {tables.ranked_text(ind)}"
        if tables.has_figures(ind):
            body = self._chart(ind) + self._table(tables.indicator(ind), ind.unit)
            if self.geometry is not None:
                body = league_map(ind, self.result.period, self.geometry, lang) + body
        else:  # a sentence, not a table of dashes for every area
            body = f"<p>{_e(tables.no_figures_text())}</p>"
        # The heading and what it says stay with the start of the chart or table (``keep`` in print).
        return (
            f"<section class='league' id='league-{_e(ind.id)}' data-indicator='{_e(ind.id)}'>"
            f"<div class='keep'><h2>{_e(ind.label)} <span class='unit'>{_e(unit)} · "
            f"<code>{_e(ind.id)}</code></span></h2><p class='goal'>{_e(about)}</p></div>{body}</section>"
        )

    def _chart(self, ind: LeagueIndicator) -> str:
        """The ranked areas' values as bars, rank 1 at the top, a tick at each baseline value."""
        r, lang = self.result, self.lang
        if len(r.areas) > CHART_LIMIT:
            return f"<p class='small'>{self.w('l_chart_left_out', count=len(r.areas))}</p>"
        ranked = sorted(
            (row for row in ind.rows if row.rank is not None and row.value is not None),
            key=lambda row: (row.rank, row.area),
        )
        if not ranked:
            return ""
        unit = ind.unit.label(lang)
        texts = [value_text(row.value, ind.unit, lang) for row in ranked]  # as the table shows them
        labels = [f"{row.rank}. {row.area}" for row in ranked]
        shown = "; ".join(f"{label} {text}" for label, text in zip(labels, texts, strict=True))
        svg = rank_chart(
            f"chart-{ind.id}",
            self.tables.label("l_chart_title", label=ind.label, period=self.tables.period, unit=unit),
            self.tables.label(
                "l_chart_desc", period=self.tables.period, baseline=self.tables.baseline, values=shown
            ),
            labels,
            [row.value or 0.0 for row in ranked],
            texts,
            [row.baseline_value for row in ranked],
            (self.tables.period, self.tables.baseline),
            lang,
        )
        unranked = len(ind.rows) - len(ranked)
        caption = _e(unit) + (f". {self.w('l_chart_unranked')}" if unranked else "")
        return f"<figure class='league-chart'>{svg}<figcaption>{caption}</figcaption></figure>"

    def _table(self, table: Table, unit: Unit) -> str:
        """One indicator's league: rank, area, values, change, status; in the result's order."""
        lang = self.lang
        group = next(c.group for c in table.columns if c.group)
        heads = "".join(
            f"<th scope='col' class='{'' if c.key in ('area', 'status') else 'num'}'>{_e(c.header)}</th>"
            for c in table.columns
        )
        groups = (
            f"<th colspan='2'></th><th colspan='2' scope='colgroup'>{_e(group)}</th><th colspan='2'></th>"
        )
        rows = []
        for row in table.rows:
            rank = row["rank"]
            rows.append(
                f"<tr data-area='{_e(row['area'])}'{self._own(row['area'])}>"
                f"<td class='num'>{'' if rank is None else rank}</td>"
                f"<td>{_e(row['area'])}</td>"
                f"<td class='num'>{_e(value_text(row['baseline_value'], unit, lang))}</td>"
                f"<td class='num'>{_e(value_text(row['value'], unit, lang))}</td>"
                f"<td class='num'>{_e(pct_text(row['change_pct'], lang))}</td>"
                f"<td>{status_badge(row['status'], lang)}</td></tr>"
            )
        return (
            "<div class='scroll'><table class='league'>"
            f"<thead><tr class='groups'>{groups}</tr><tr>{heads}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _sources(self) -> str:
        table = self.tables.sources()
        heads = "".join(f"<th scope='col'>{_e(c.header)}</th>" for c in table.columns)
        rows = []
        for values, row in zip(table.plain_rows(), table.rows, strict=True):
            cells = []
            for column, value in zip(table.columns, values, strict=True):
                css = " class='hash'" if column.key == "sha256" else ""
                if column.key == "rows" and row["rows"] is not None:
                    value = number(row["rows"], 0, self.lang)
                cells.append(f"<td{css}>{_e(value)}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        return (
            f"<section id='sources'><h2>{self.w('h_sources')}</h2><p>{self.w('h_sources_intro')}</p>"
            f"<div class='scroll'><table><thead><tr>{heads}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></section>"
        )


def render_league_html(tables: LeagueTables, geometry: AreaMatch | None = None) -> str:
    """The league as one HTML document (a string); ``geometry``: the municipalities' areas, for a
    map per indicator."""
    return LeaguePage(tables, geometry).html()


def write_league_html(
    tables: LeagueTables, out: Path, force: bool = False, geometry: AreaMatch | None = None
) -> Path:
    """Write the league page to ``out`` (``.html``/``.htm``) atomically; an existing file only with
    ``force``."""
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"{out}: the report needs the .html extension.")
    target = prepare_target(out, force)
    document = render_league_html(tables, geometry)
    write_file(target, lambda tmp: tmp.write_text(document, encoding="utf-8", newline="\n"))
    return out

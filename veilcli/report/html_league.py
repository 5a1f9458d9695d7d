"""`veilcli report html --area all` (or a group): the league as one self-contained HTML page.

Like the comparison report (``html.py``, whose CSS it shares): one file, inline CSS and SVG, no
script, nothing loaded from anywhere; ``LeaguePage`` prepares the texts and
``templates/league.html.j2`` lays them out, autoescaped (every user text: plan, area and indicator
names, paths). Structure: a title, how to read a league (registered figures, rank 1 = the lowest value,
why some areas have no rank, the order); each area's rank on every indicator; per indicator its
league table in the order the result gives (``--sort``), with a bar chart of the ranked areas when
there are at most ``CHART_LIMIT`` areas (342 bars are no chart anyone reads: then the table alone,
said so); the sources with their sha256.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from veilcli import __version__
from veilcli.analysis.results.league import LeagueIndicator
from veilcli.domain.periods import date_words
from veilcli.domain.units import Unit
from veilcli.errors import InputError
from veilcli.report.html import CSS, STATUS_CLASS, status_badge
from veilcli.report.league_tables import LEAGUE_STATUSES, LeagueTables, rank_key
from veilcli.report.map_svg import league_map
from veilcli.report.numbers import number, pct_text, value_text
from veilcli.report.svg import rank_chart
from veilcli.report.table import Table
from veilcli.report.targets import prepare_target, write_file
from veilcli.report.templates import render
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


class LeaguePage:
    """The view-model of one league (its ``LeagueTables``) for ``templates/league.html.j2``."""

    def __init__(self, tables: LeagueTables, geometry: AreaMatch | None = None) -> None:
        self.tables, self.result, self.lang = tables, tables.result, tables.lang
        self.geometry = geometry  # --geometry: the municipalities' areas for a map per indicator

    def w(self, key: str, **params: object) -> str:
        """A word of the catalogue in the page's language (the template escapes it)."""
        return self.tables.label(key, **params)

    def html(self) -> str:
        """The whole document."""
        return render(
            "league.html.j2",
            lang=self.lang,
            title=self.tables.title,
            css=Markup(CSS + LEAGUE_CSS),  # safe: the package's own style sheets, no user text
            made=self._made(),
            header=self._header(),
            contents=self._contents(),
            ranks=self._ranks(),
            indicators=[self._indicator(ind) for ind in self.result.indicators],
            sources=self._sources(),
        )

    def _own(self, area: str) -> bool:
        """Whether this is the plan's own area (its rows highlighted)."""
        return area == self.result.own_area

    def _made(self) -> str:
        made = self.tables.generated_at
        at = f"{date_words(made.date(), self.lang)} {made:%H:%M}"  # 7 december 2026 00:52
        return self.w("h_generated", version=__version__, at=at)

    def _header(self) -> dict[str, Any]:
        notes = self.tables.notes()
        if self.result.own_area:
            notes.append(self.tables.label("l_own_area", area=self.result.own_area))
        return {
            "plan": self.result.plan,
            "title": self.w("l_title"),
            "selection": self.tables.selection,
            "notes": notes,
        }

    def _contents(self) -> dict[str, Any]:
        entries = [("#ranks", self.w("l_ranks"))]
        entries += [(f"#league-{ind.id}", ind.label) for ind in self.result.indicators]
        entries.append(("#sources", self.w("h_sources")))
        return {"label": self.w("h_contents"), "entries": entries}

    def _ranks(self) -> dict[str, Any]:
        """Each area's rank on every indicator (a column each), the cell coloured by the status."""
        r = self.result
        statuses = self.tables.statuses()
        rows = []
        for row in self.tables.ranks().rows:
            cells = []
            for ind in r.indicators:
                status = statuses.get((ind.id, row["area"]))
                rank = row[rank_key(ind.id)]
                cells.append(
                    {
                        "rank": "" if rank is None else rank,
                        # an area without a row for this indicator: no status, no colour
                        "css": STATUS_CLASS[status] if status is not None else "",
                        "title": status.label(self.lang) if status is not None else "",
                    }
                )
            rows.append({"area": row["area"], "own": self._own(row["area"]), "cells": cells})
        shown = set(statuses.values())
        return {
            "heading": self.w("l_ranks"),
            "intro": self.w("l_ranks_intro"),
            "legend": [status_badge(s, self.lang) for s in LEAGUE_STATUSES if s in shown],
            "area": self.w("l_area"),
            "indicators": [(i.id, i.label) for i in r.indicators],
            "rows": rows,
        }

    def _indicator(self, ind: LeagueIndicator) -> dict[str, Any]:
        tables, lang = self.tables, self.lang
        section: dict[str, Any] = {
            "id": ind.id,
            "label": ind.label,
            "unit": ind.unit.label(lang),
            "about": f"{tables.goal_text(ind)} {tables.ranked_text(ind)}",
            "table": None,
        }
        if not tables.has_figures(ind):  # a sentence, not a table of dashes for every area
            section["no_figures"] = tables.no_figures_text()
            return section
        section["map"] = ""
        if self.geometry is not None:
            # Safe: map_svg builds the figure and its SVG escaping every label itself.
            section["map"] = Markup(league_map(ind, self.result.period, self.geometry, lang))
        section["chart_left_out"] = ""
        if len(self.result.areas) > CHART_LIMIT:
            section["chart_left_out"] = self.w("l_chart_left_out", count=len(self.result.areas))
            section["chart"] = None
        else:
            section["chart"] = self._chart(ind)
        section["table"] = self._table(tables.indicator(ind), ind.unit)
        return section

    def _chart(self, ind: LeagueIndicator) -> dict[str, Any] | None:
        """The ranked areas' values as bars, rank 1 at the top, a tick at each baseline value."""
        lang = self.lang
        ranked = sorted(
            (row for row in ind.rows if row.rank is not None and row.value is not None),
            key=lambda row: (row.rank, row.area),
        )
        if not ranked:
            return None
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
        return {
            "svg": Markup(svg),  # safe: svg.py escapes every label and title it draws
            "unranked": self.w("l_chart_unranked") if unranked else "",
        }

    def _table(self, table: Table, unit: Unit) -> dict[str, Any]:
        """One indicator's league: rank, area, values, change, status; in the result's order."""
        lang = self.lang
        rows = [
            {
                "area": row["area"],
                "own": self._own(row["area"]),
                "rank": "" if row["rank"] is None else row["rank"],
                "baseline": value_text(row["baseline_value"], unit, lang),
                "value": value_text(row["value"], unit, lang),
                "change": pct_text(row["change_pct"], lang),
                "status": status_badge(row["status"], lang),
            }
            for row in table.rows
        ]
        return {
            "group": next(c.group for c in table.columns if c.group),
            "heads": [(c.header, "" if c.key in ("area", "status") else "num") for c in table.columns],
            "rows": rows,
        }

    def _sources(self) -> dict[str, Any]:
        table = self.tables.sources()
        rows = []
        for values, row in zip(table.plain_rows(), table.rows, strict=True):
            cells = []
            for column, value in zip(table.columns, values, strict=True):
                if column.key == "rows" and row["rows"] is not None:
                    value = number(row["rows"], 0, self.lang)
                cells.append(("hash" if column.key == "sha256" else "", "" if value is None else value))
            rows.append(cells)
        return {
            "heading": self.w("h_sources"),
            "intro": self.w("h_sources_intro"),
            "heads": [c.header for c in table.columns],
            "rows": rows,
        }


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

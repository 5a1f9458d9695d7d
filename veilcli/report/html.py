"""`veilcli report html`: the comparison as one self-contained HTML document, in the structure of the
seed report.

One file, nothing loaded from anywhere: the CSS is inline, the charts are inline SVG drawn by
``svg.py``, there is no script. Structure: a title and how to read the figures; an overview table of
every indicator (rates, the count with its difference, the change against the same part of the
previous year, each benchmark's change with the level against it under it); per theme, per
indicator its registered and underlying figures and statuses, a bar chart of the periods
against the benchmarks, a trend chart (when a trend is given), the normalisation in a sentence
and the notes; the district table (``--by district``); the
normalisation per period; the sources with their sha256 (provenance). Words in the report's
language (``words.py``), numbers in its style (``numbers.py``). ``Report`` prepares the texts;
``templates/report.html.j2`` lays them out, autoescaped: every piece of user text (plan, area,
indicator, benchmark and district names, notes, paths) reaches the page as text. Marked safe, each
where it is passed: the style sheet and the SVG of ``svg.py``/``map_svg.py`` (which escape their
own labels).

Print CSS (A4 landscape: the overview's columns and two charts side by side fit; each theme from a
new page; no indicator, chart or table row split over two pages) makes the browser's "print to
PDF" a clean report. Written atomically where ``targets.prepare_target`` allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from markupsafe import Markup

from veilcli import __version__
from veilcli.analysis.goals import Status
from veilcli.analysis.results.compare import CompareResult, IndicatorResult
from veilcli.domain.language import Lang
from veilcli.domain.models import SourceRecord
from veilcli.domain.periods import date_words, period_words
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit
from veilcli.errors import InputError
from veilcli.report.export_tables import ExportTables
from veilcli.report.html_districts import DISTRICT_CSS, district_view, signed_count
from veilcli.report.numbers import (
    bench_change,
    carried,
    change_text,
    number,
    p_text,
    pct_text,
    points_text,
    range_text,
    value_text,
)
from veilcli.report.svg import REGISTERED_COLOUR, UNDERLYING_COLOUR, Series, bar_chart, line_chart
from veilcli.report.table import Carried, Column, ColumnKind, Points, Table, number_of
from veilcli.report.targets import prepare_target, write_file
from veilcli.report.templates import Badge, Cell, render
from veilcli.report.words import short, word

if TYPE_CHECKING:
    from veilcli.sources.geometry import AreaMatch

STATUS_CLASS: dict[Status, str] = {
    Status.achieved: "achieved",
    Status.not_achieved: "not-achieved",
    Status.undetermined: "undetermined",
    Status.monitor: "monitor",
    Status.no_data: "no-data",
    Status.incomplete: "incomplete",
    Status.too_few: "too-few",
}
TREND_COLUMNS = ("indicator_id", "period", "value", "underlying_value")

CSS = """
:root { --ink: #1a1a1a; --muted: #595959; --rule: #d0d7de; --head: #1f4e78; --band: #f3f6f9; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1360px; margin: 0 auto; padding: 24px 28px 48px; }
header.report { border-bottom: 4px solid var(--head); margin-bottom: 20px; padding-bottom: 12px; }
header.report h1 { font-size: 28px; margin: 0 0 4px; color: var(--head); }
header.report .selection { font-size: 18px; margin: 0; }
header.report .meta { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
h2 { font-size: 22px; color: var(--head); border-bottom: 2px solid var(--head); padding-bottom: 4px;
  margin: 40px 0 16px; }
h3 { font-size: 18px; margin: 0 0 4px; }
h3 .unit { font-weight: normal; color: var(--muted); font-size: 14px; }
.lead { background: var(--band); border-left: 4px solid var(--head); padding: 10px 14px; margin: 12px 0; }
nav ol { columns: 2; margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 16px; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
thead th { background: var(--head); color: #fff; font-weight: 600; }
thead tr.groups th { background: #2e75b6; text-align: center; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.scroll { overflow-x: auto; }
tbody tr:nth-child(even) td { background: #fafbfc; }
.status { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; white-space: nowrap;
  border: 1px solid transparent; }
.status.achieved { background: #c6efce; color: #0b5323; border-color: #8fd19e; }
.status.not-achieved { background: #ffc7ce; color: #7a0010; border-color: #f19ca7; }
.status.undetermined { background: #ffeb9c; color: #5c4800; border-color: #e5cf6b; }
.status.monitor { background: #e7e6e6; color: #3a3a3a; border-color: #c9c9c9; }
.status.no-data, .status.incomplete { background: #fce4d6; color: #6b2a00; border-color: #f0b894; }
.status.too-few { background: #f2f2f2; color: #595959; border-color: #bfbfbf; border-style: dashed; }
article.indicator { border: 1px solid var(--rule); border-radius: 6px; padding: 14px 16px; margin: 16px 0; }
.goal { color: var(--muted); margin: 0 0 10px; font-size: 14px; }
.body { display: grid; grid-template-columns: minmax(200px, 1fr) 2fr; gap: 14px; align-items: start; }
.body.with-trend { grid-template-columns: minmax(200px, 0.9fr) 1.6fr 1.6fr; }
.figures { display: flex; flex-direction: column; gap: 8px; }
.figure-box { background: var(--band); border-radius: 6px; padding: 6px 10px; }
.figure-box .label { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.figure-box .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums;
  line-height: 1.2; }
.figure-box .change { font-size: 13px; }
.figure-box .count, .figure-box .previous { font-size: 13px; }
ul.levels { margin: 2px 0 0; padding-left: 16px; font-size: 13px; }
figure { margin: 0; }
figure svg.chart { width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: var(--muted); }
.normalisation { font-size: 14px; }
.small { font-size: 12px; color: var(--muted); }
table.overview { font-size: 12.5px; }
table.overview td, table.overview th { padding: 4px 5px; }
ul.notes { font-size: 13px; color: #333; margin: 6px 0 0; padding-left: 20px; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px;
  word-break: break-all; }
footer.report { color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); margin-top: 40px;
  padding-top: 8px; }
@media screen and (max-width: 860px) {
  .body, .body.with-trend { grid-template-columns: 1fr; }
  nav ol { columns: 1; }
}
/* A phone (390 px): the overview scrolls sideways, its status column stays in view at the right
   edge (sticky, opaque, a shadow where the figures pass under it), so a row's judgement never
   scrolls out of sight. */
@media screen and (max-width: 600px) {
  main { padding: 12px 10px 32px; }
  header.report h1 { font-size: 22px; }
  h2 { font-size: 19px; margin-top: 28px; }
  table.overview { font-size: 12px; }
  table.overview td, table.overview th { padding: 3px 4px; }
  table.overview .col-status { position: sticky; right: 0; z-index: 1; background: #fff;
    box-shadow: -3px 0 4px rgba(0, 0, 0, .12); }
  table.overview tbody tr:nth-child(even) td.col-status { background: #fafbfc; }
  table.overview thead th.col-status { background: var(--head); }
  article.indicator { padding: 10px; }
}
@page { size: A4 landscape; margin: 10mm 12mm 11mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  table.overview { font-size: 8.5pt; }
  .status { font-size: 8pt; padding: 0 5px; }
  nav { display: none; }
  h2 { break-before: page; break-after: avoid; }
  section.overview h2 { break-before: auto; }
  article.indicator, figure, table tr { break-inside: avoid; }
  article.indicator { border-color: #bbb; }
  thead { display: table-header-group; }
  .status { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead th, .figure-box { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  article.indicator { padding: 6px 10px; margin: 6px 0; }
  .goal { margin-bottom: 4px; }
  .figure-box .value { font-size: 15pt; }
  .figure-box .change, .figure-box .label, .figure-box .count, .figure-box .previous,
  ul.levels { font-size: 8.5pt; }
  .normalisation, ul.notes { font-size: 8pt; margin: 4px 0 0; }
  p.sentences { font-size: 8.5pt; line-height: 1.3; margin: 0 0 3px; }
  .figures { gap: 4px; }
  figcaption { font-size: 7.5pt; }
  h3 { font-size: 13pt; }
  figure svg.chart { height: 42mm; }  /* the viewBox keeps its shape inside: two indicators a page */
}
"""
CSS += DISTRICT_CSS  # the district matrix's own rules (``html_districts``)


def status_badge(value: Status | None, lang: Lang, narrow: bool = False) -> Badge | None:
    """A status as a coloured badge with its words (``narrow``: the short words, "monitor")."""
    if value is None:
        return None
    return Badge(STATUS_CLASS[value], short(value, lang) if narrow else value.label(lang))


def _decimals(unit: Unit, values: Iterable[float | None]) -> int:
    if unit is Unit.count:
        return 0
    known = [abs(v) for v in values if v is not None]
    return 2 if known and max(known) < 1 else 1


def count_text(count: float | None, change: float | None, lang: Lang) -> str:
    """A registered count with its difference: "47 (+9)"; "-" without a count."""
    if count is None:
        return "-"
    shown = number(count, 0, lang)
    return shown if change is None else f"{shown} ({signed_count(change, lang)})"


def previous_text(ind: IndicatorResult, lang: Lang) -> str:
    """The change against the same part of the previous year: "+32% (+12)"; "-" without one."""
    before = ind.previous
    if before is None:
        return "-"
    shown = pct_text(before.change_pct, lang)
    return shown if before.count_change is None else f"{shown} ({signed_count(before.count_change, lang)})"


def level_text(level: float | None, lang: Lang) -> str:
    """The area's level against a benchmark's: "+35% hoger", "-13% lager"; "-" without one."""
    if level is None:
        return "-"
    if round(level) == 0:
        return word("level_same_pct", lang)
    return word("level_higher_pct" if level > 0 else "level_lower_pct", lang, pct=pct_text(level, lang))


class Report:
    """The view-model of one report: a ``CompareResult`` (with its export tables), an optional
    trend, prepared as texts for ``templates/report.html.j2``, which lays them out."""

    def __init__(
        self,
        result: CompareResult,
        trend: pl.DataFrame | None,
        sources: Sequence[SourceRecord],
        lang: Lang,
        command: str = "",
        generated_at: dt.datetime | None = None,
        geometry: AreaMatch | None = None,
    ) -> None:
        self.result, self.lang = result, lang
        self.geometry = geometry  # --geometry: the districts' areas for the maps (map_svg.py)
        self.tables = ExportTables(result, list(sources), result.themes, lang, command)
        if generated_at is not None:
            self.tables.generated_at = generated_at
        self.trend = _trend_rows(trend)

    def w(self, key: str, **params: Any) -> str:
        """A word of the catalogue in the report's language (the template escapes it)."""
        return word(key, self.lang, **params)

    def pw(self, period: str, short: bool = False) -> str:
        """A period in the report's words: "eerste helft 2019" (``short``: "1e helft 2019")."""
        return period_words(period, self.lang, short)

    # --- the document -----------------------------------------------------------------------------

    def html(self) -> str:
        """The whole document."""
        r = self.result
        title = f"{r.plan}: " + self.w(
            "h_selection", area=r.area, period=self.pw(r.period), baseline=self.pw(r.baseline)
        )
        maps = ""
        if self.geometry and r.districts:
            from veilcli.report.map_svg import district_maps  # only with --geometry (and its reader)

            # Safe: map_svg builds the figure and its SVG escaping every label itself.
            maps = Markup(district_maps(r, self.geometry, self.lang))
        return render(
            "report.html.j2",
            lang=self.lang,
            title=title,
            css=Markup(CSS),  # safe: this module's own style sheet, no user text
            made=self._made(),
            header=self._header(),
            contents=self._contents(),
            overview=self._overview(),
            themes=[self._theme(theme, label) for theme, label in self.tables.themes()],
            districts=self._districts(),
            maps=maps,
            normalisation=self._normalisation(),
            sources=self._sources(),
        )

    def _made(self) -> str:
        made = self.tables.generated_at
        at = f"{date_words(made.date(), self.lang)} {made:%H:%M}"  # 7 december 2026 00:52
        return self.w("h_generated", version=__version__, at=at)

    def _header(self) -> dict[str, str]:
        r = self.result
        return {
            "plan": r.plan,
            "selection": self.w(
                "h_selection", area=r.area, period=self.pw(r.period), baseline=self.pw(r.baseline)
            ),
            "title": self.w("h_title"),
            "subtitle": self.tables.subtitle,
            "how_to_read": self.w("h_how_to_read"),
        }

    def _contents(self) -> dict[str, Any]:
        items = [("#overview", self.w("h_overview"))]
        for theme, label in self.tables.themes():
            items.append((f"#theme-{theme}", self.w("h_theme", number=theme, label=label)))
        if self.result.districts:
            items.append(("#districts", self.w("h_districts")))
        if self.result.districts and self.geometry:
            from veilcli.report.map_svg import map_word

            items.append(("#maps", map_word("h_maps", self.lang)))
        items.append(("#normalisation", self.w("h_normalisation")))
        items.append(("#sources", self.w("h_sources")))
        return {"label": self.w("h_contents"), "entries": items}

    def _overview(self) -> dict[str, Any]:
        """Every indicator in one table: the registered values and change, status and p; the
        underlying change (a range) and status; each benchmark's change. Narrow enough to print."""
        r, lang = self.result, self.lang
        bench = self.tables.bench_names()
        underlying = any(i.underlying is not None for i in r.indicators)
        previous = self.tables.previous_period()
        groups = [("", 2), (word("group_registered", lang), len(r.periods) + 4)]
        if previous:
            groups.append((word("group_previous", lang), 1))
        if underlying:
            groups.append((word("group_underlying", lang), 2))
        if bench:
            groups.append((word("group_benchmarks", lang), len(bench)))
        heads = [(word("indicator", lang), ""), (word("goal", lang), "")]
        heads += [(self.pw(p), "num") for p in r.periods]
        heads.append((word("count_in", lang, period=self.pw(r.period)), "num col-count"))
        heads += [(self.tables.change_header(), "num"), (word("status", lang), "col-status"), ("p", "num")]
        if previous:
            heads.append((word("previous_change", lang, period=self.pw(previous)), "num col-previous"))
        if underlying:
            heads += [(word("h_change", lang), "num"), (word("status", lang), "")]
        heads += [(name, "num") for name in bench]
        rows = []
        for ind in r.indicators:
            under = ind.underlying
            rows.append(
                {
                    "id": ind.id,
                    "label": ind.label,
                    "unit": ind.unit.label(lang),
                    "goal": ind.goal.label(lang),
                    "figures": [
                        value_text(ind.values.get(p), ind.unit, lang, carried(ind, p)) for p in r.periods
                    ],
                    "count": count_text(ind.counts.get(r.period), ind.count_change, lang),
                    "change": change_text(ind, lang),
                    "status": status_badge(ind.status, lang, narrow=True),
                    "p": p_text(ind.p_value, lang) + (" ~" if ind.significant is False else ""),
                    "previous": previous_text(ind, lang)
                    + (" ~" if ind.previous and ind.previous.significant is False else ""),
                    "under_change": range_text(*under.change_pct_range, lang) if under else "-",
                    "under_status": status_badge(under.status if under else None, lang, narrow=True),
                    # each benchmark's change, and under it the level in the period ("+35% hoger"):
                    # one column a benchmark keeps the overview on an A4 landscape page
                    "bench": [
                        (
                            pct_text(bench_change(ind, n), lang),
                            level_text(ind.benchmarks[n].level_pct, lang) if n in ind.benchmarks else "-",
                        )
                        for n in bench
                    ],
                }
            )
        return {
            "heading": self.w("h_overview"),
            "groups": groups,
            "heads": heads,
            "underlying": underlying,
            "previous": bool(previous),
            "rows": rows,
            "significance": self.tables.significance_note,
            "within_chance": self.w("h_within_chance"),
        }

    def _theme_title(self, theme: int, label: str) -> str:
        return self.w("h_theme", number=theme, label=label) if label else self.w("h_theme_bare", number=theme)

    def _theme(self, theme: int, label: str) -> dict[str, Any]:
        return {
            "number": theme,
            "heading": self._theme_title(theme, label),
            "articles": [self._indicator(i) for i in self.result.indicators if i.theme == theme],
        }

    # --- one indicator ----------------------------------------------------------------------------

    def _indicator(self, ind: IndicatorResult) -> dict[str, Any]:
        r, lang = self.result, self.lang
        goal = (
            self.w("h_no_goal")
            if ind.goal is Goal.none
            else self.w("h_goal", goal=ind.goal.label(lang), baseline=self.pw(r.baseline))
        )
        return {
            "id": ind.id,
            "label": ind.label,
            "unit": ind.unit.label(lang),
            "goal": goal,
            "sentences": self.tables.paragraphs.get(ind.id, ""),
            "boxes": self._figures(ind),
            "levels": self._levels(ind),
            "bar": self._bar(ind),
            "trend": self._trend_chart(ind),
            "normalisation": self._normalisation_sentence(ind),
            "notes": [n.render(lang) for n in ind.notes],
            "notes_label": self.w("h_notes"),
        }

    def _figures(self, ind: IndicatorResult) -> list[dict[str, Any]]:
        """The registered figure box and, when normalised, the underlying one."""
        r, lang = self.result, self.lang
        p = None
        if ind.p_value is not None:
            chance = self.w("h_significant") if ind.significant else self.w("h_within_chance")
            if ind.survey is not None:  # not the exact test of the registered figures: say which
                chance = f"{self.w(f'test_{ind.survey.test}')}; {chance}"
            shown = p_text(ind.p_value, lang)
            p = {"shown": shown if ind.p_value < 0.001 else "= " + shown, "chance": chance}
        change_vs = self.w("h_vs", baseline=self.pw(r.baseline))
        count, registered = None, ind.counts.get(r.period)
        if registered is not None:
            count = f"{self.w('count')} {number(registered, 0, lang)}"
            if ind.count_change is not None:
                count += f" ({signed_count(ind.count_change, lang)} {change_vs})"
        before = None
        if ind.previous is not None:
            against = self.w("previous_change", period=self.pw(ind.previous.period))
            before = f"{against}: {previous_text(ind, lang)}"
            if ind.previous.p_value is not None:
                chance = self.w("h_significant") if ind.previous.significant else self.w("h_within_chance")
                shown = p_text(ind.previous.p_value, lang)
                before += f"; p {shown if ind.previous.p_value < 0.001 else '= ' + shown} ({chance})"
        boxes = [
            {
                "css": "registered",
                "label": self.w("h_registered"),
                "period": self.pw(r.period),
                "value": value_text(ind.values.get(r.period), ind.unit, lang),
                "change": change_text(ind, lang),
                "change_vs": change_vs,
                "p": p,
                "count": count,
                "previous": before,
                "status": status_badge(ind.status, lang),
            }
        ]
        under = ind.underlying
        if under is not None:
            boxes.append(
                {
                    "css": "underlying",
                    "label": self.w("h_underlying"),
                    "period": self.pw(r.period),
                    "value": value_text(under.values.get(r.period), ind.unit, lang),
                    "change": range_text(*under.change_pct_range, lang),
                    "change_vs": change_vs,
                    "p": None,
                    "count": None,
                    "previous": None,
                    "status": status_badge(under.status, lang),
                }
            )
        return boxes

    def _levels(self, ind: IndicatorResult) -> dict[str, Any] | None:
        """The level against each benchmark in the period, with the benchmark's count where known."""
        r, lang = self.result, self.lang
        items = []
        for name, bench in ind.benchmarks.items():
            count = bench.counts.get(r.period)
            if bench.level_pct is None and count is None:
                continue
            shown = f"{name}: {level_text(bench.level_pct, lang)}"
            if count is not None:
                shown += f" ({self.w('bench_count', count=number(count, 0, lang))})"
            items.append(shown)
        if not items:
            return None
        return {"label": self.w("group_levels", period=self.pw(r.period)), "entries": items}

    def _bar(self, ind: IndicatorResult) -> dict[str, Any]:
        r, lang = self.result, self.lang
        areas = [r.area]
        # A bar is a measurement: a survey figure carried forward into a later period has none.
        values = [[None if carried(ind, p) else ind.values.get(p) for p in r.periods]]
        for name, bench in ind.benchmarks.items():
            if any(bench.values.get(p) is not None for p in r.periods):
                areas.append(name)
                values.append([bench.values.get(p) for p in r.periods])
        decimals = _decimals(ind.unit, (v for row in values for v in row))
        unit = ind.unit.label(lang)
        shown = ", ".join(
            f"{self.pw(p)} {number(v, decimals, lang) if v is not None else '-'}"
            for p, v in zip(r.periods, values[0], strict=True)
        )
        svg = bar_chart(
            f"bar-{ind.id}",
            word("h_bar_title", lang, label=ind.label, area=r.area, unit=unit),
            word("h_bar_desc", lang, periods=", ".join(map(self.pw, r.periods)), area=r.area, values=shown),
            areas,
            [self.pw(p) for p in r.periods],
            values,
            decimals,
            lang,
        )
        return {
            "svg": Markup(svg),  # safe: svg.py escapes every label and title it draws
            "unit": unit,
            "source": self.w("h_chart_source", sources=""),
            "sources": self.w("h_sources"),
        }

    def _trend_chart(self, ind: IndicatorResult) -> dict[str, Any] | None:
        rows = self.trend.get(ind.id)
        if not rows:
            return None
        lang = self.lang
        periods = [row["period"] for row in rows]
        registered = [row["value"] for row in rows]
        underlying = [row.get("underlying_value") for row in rows]
        partial = [row.get("coverage") is not None and row["coverage"] < 1 for row in rows]
        series = [Series(word("h_registered", lang), registered, REGISTERED_COLOUR, partial=partial)]
        if any(v is not None for v in underlying) and underlying != registered:
            series.append(
                Series(
                    word("h_underlying", lang), underlying, UNDERLYING_COLOUR, dashed=True, partial=partial
                )
            )
        decimals = _decimals(ind.unit, [*registered, *underlying])
        unit = ind.unit.label(lang)
        svg = line_chart(
            f"trend-{ind.id}",
            word("h_trend_title", lang, label=ind.label, unit=unit),
            word(
                "h_trend_desc",
                lang,
                area=self.result.area,
                first=self.pw(periods[0]),
                last=self.pw(periods[-1]),
            ),
            [self.pw(p, short=True) for p in periods],
            series,
            decimals,
            lang,
            marks=[self.pw(self.result.baseline, short=True), self.pw(self.result.period, short=True)],
        )
        return {
            "svg": Markup(svg),  # safe: svg.py escapes every label and title it draws
            "unit": unit,
            "partial": self.w("h_trend_partial") if any(partial) else "",
        }

    def _normalisation_sentence(self, ind: IndicatorResult) -> str:
        """How the underlying figure came about, in one sentence."""
        r, lang = self.result, self.lang
        under = ind.underlying
        if under is None:
            return self.w("h_norm_raw")
        effect = under.effects.get(r.period, {}).get("samenloop")
        delta = "-" if effect is None else number(effect, 0 if float(effect).is_integer() else 1, lang)
        if effect is not None and effect > 0:
            delta = "+" + delta
        method = under.corrections.samenloop
        samenloop = (
            word("h_samenloop_none", lang)
            if method == "none"
            else word(f"h_samenloop_{method}", lang, delta=delta, period=self.pw(r.period))
        )
        if under.corrections.internet == "range":
            low, high = under.change_pct_range
            internet = word("h_internet_range", lang, low=pct_text(low, lang), high=pct_text(high, lang))
        else:
            internet = word("h_internet_none", lang, change=pct_text(under.change_pct, lang))
        status = word("h_underlying_status", lang, status=under.status.label(lang))
        return word("h_norm_intro", lang, parts=f"{samenloop}; {internet}; {status}")

    # --- tables -----------------------------------------------------------------------------------

    def _districts(self) -> dict[str, Any] | None:
        if not self.result.districts:
            return None
        matrix = self.tables.district_matrix()  # one wijk x indicator matrix (``html_districts``)
        heading = matrix.words("dm_heading", self.lang)
        return {
            "heading": self.w("h_districts"),
            "intro": f"{heading}. {self.w('h_districts_intro')}",
            "matrix": district_view(matrix, self.lang),
        }

    def _normalisation(self) -> dict[str, Any]:
        table = self.tables.normalisation()
        shown = table.select([k for k in table.keys if k != "id"])
        return {
            "heading": self.w("h_normalisation"),
            "intro": self.w("h_normalisation_intro"),
            "table": self.table_view(shown),
        }

    def _sources(self) -> dict[str, Any]:
        return {
            "heading": self.w("h_sources"),
            "intro": self.w("h_sources_intro"),
            "table": self.table_view(self.tables.sources()),
        }

    def table_view(self, table: Table) -> dict[str, Any]:
        """A typed table's texts for the ``table`` macro: numbers right-aligned in the report's
        style, statuses as badges, a row of group headings where columns have them."""
        groups = None
        if any(c.group for c in table.columns):
            groups, previous, span = [], object(), 0
            for column in [*table.columns, None]:
                group = column.group if column else object()
                if group == previous:
                    span += 1
                    continue
                if span:
                    groups.append((previous or "", span))
                previous, span = group, 1
        headers = [(c.header, "num" if _numeric(c) else "") for c in table.columns]
        rows = [[self._cell(table, column, row) for column in table.columns] for row in table.rows]
        return {"groups": groups, "headers": headers, "rows": rows}

    def _cell(self, table: Table, column: Column, row: dict[str, Any]) -> Cell:
        value, lang = row[column.key], self.lang
        kind = column.kind
        if value is None:
            return Cell("num" if _numeric(column) else "")
        if kind is ColumnKind.label and isinstance(value, Status):
            return Cell(badge=status_badge(value, lang))
        if column.key == "label" and "id" in row and table.key == "overview":
            return Cell(text=str(value), href=f"#ind-{row['id']}")
        if column.key == "sha256":
            return Cell("hash", str(value))
        match kind:
            case ColumnKind.value:
                unit = row.get("unit")
                year = value.year if isinstance(value, Carried) else None
                shown = value_text(
                    number_of(value),
                    unit if isinstance(unit, Unit) else Unit.per_1000_inhabitants,
                    lang,
                    year,
                )
                return Cell("num", shown)
            case ColumnKind.percent if isinstance(value, Points):
                return Cell("num", points_text(value.value, value.unit, lang))
            case ColumnKind.percent:
                return Cell("num", pct_text(value, lang))
            case ColumnKind.p_value:
                return Cell("num", p_text(value, lang))
            case ColumnKind.count:
                return Cell("num", number(value, 0, lang))
            case ColumnKind.difference:
                return Cell("num", ("+" if value > 0 else "") + number(value, 0, lang))
            case ColumnKind.estimate | ColumnKind.rate:
                decimals = 0 if float(value).is_integer() else 1
                return Cell("num", number(value, decimals, lang))
            case ColumnKind.fraction:
                return Cell("num", number(value * 100, 0, lang) + "%")
        shown = table.display(column, value)
        return Cell(text="" if shown is None else str(shown))


def _numeric(column: Column) -> bool:
    return column.kind in (
        ColumnKind.value,
        ColumnKind.percent,
        ColumnKind.p_value,
        ColumnKind.count,
        ColumnKind.estimate,
        ColumnKind.difference,
        ColumnKind.rate,
        ColumnKind.fraction,
        ColumnKind.number,
    )


def _trend_rows(trend: pl.DataFrame | None) -> dict[str, list[dict[str, Any]]]:
    """The trend frame (``indicator_id, period, value, underlying_value``, optional ``coverage``) as
    rows per indicator, in period order."""
    if trend is None or trend.is_empty():
        return {}
    missing = [c for c in TREND_COLUMNS if c not in trend.columns]
    if missing:
        raise ValueError(f"the trend frame lacks {', '.join(missing)} (columns: {', '.join(trend.columns)})")
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in trend.to_dicts():  # in the frame's order: periods as the trend lists them
        rows.setdefault(row["indicator_id"], []).append(row)
    return rows


def render_html(
    result: CompareResult,
    trend: pl.DataFrame | None,
    sources: Sequence[SourceRecord],
    lang: Lang,
    *,
    command: str = "",
    generated_at: dt.datetime | None = None,
    geometry: AreaMatch | None = None,
) -> str:
    """The report as one HTML document (a string); ``geometry``: the districts' areas, for a map
    of the districts per indicator."""
    return Report(result, trend, sources, lang, command, generated_at, geometry).html()


def write_html_report(
    result: CompareResult,
    trend: pl.DataFrame | None,
    sources: Sequence[SourceRecord],
    lang: Lang,
    out: Path,
    force: bool = False,
    *,
    command: str = "",
    geometry: AreaMatch | None = None,
) -> Path:
    """Write the self-contained HTML report to ``out`` (``.html``/``.htm``) atomically; an existing
    file only with ``force``. ``trend``: ``indicator_id, period, value, underlying_value`` (and
    optionally ``coverage``), e.g. ``TrendResult.to_table()``; None leaves the trend charts out."""
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"{out}: the report needs the .html extension.")
    target = prepare_target(out, force)
    document = render_html(result, trend, sources, lang, command=command, geometry=geometry)
    write_file(target, lambda tmp: tmp.write_text(document, encoding="utf-8", newline="\n"))
    return out

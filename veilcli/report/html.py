"""`veilcli report html`: the comparison as one self-contained HTML document, in the structure of the
seed report.

One file, nothing loaded from anywhere: the CSS is inline, the charts are inline SVG drawn by
``svg.py``, there is no script. Structure: a title and how to read the figures; an overview table of
every indicator; per theme, per indicator its registered and underlying figures and statuses, a bar
chart of the periods against the benchmarks, a trend chart (when a trend is given), the
normalisation in a sentence and the notes; the district table (``--by district``); the
normalisation per period; the sources with their sha256 (provenance). Words in the report's
language (``words.py``), numbers in its style (``numbers.py``). Every piece of user text (plan,
area, indicator, benchmark and district names, notes, paths) passes ``html.escape``.

Print CSS (A4 landscape: the overview's columns and two charts side by side fit; each theme from a
new page; no indicator, chart or table row split over two pages) makes the browser's "print to
PDF" a clean report. Written atomically where ``exports.prepare_target`` allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

import polars as pl

from veilcli import __version__
from veilcli.analysis.compare import CompareResult, IndicatorResult
from veilcli.analysis.goals import Status
from veilcli.domain.language import Lang
from veilcli.domain.models import SourceRecord
from veilcli.domain.periods import date_words, period_words
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit
from veilcli.errors import InputError
from veilcli.report.export_tables import ExportTables
from veilcli.report.exports import prepare_target, write_file
from veilcli.report.html_districts import DISTRICT_CSS, districts_html
from veilcli.report.map_svg import district_maps, map_word
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
from veilcli.report.words import short, word
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
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
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
  .figure-box .change, .figure-box .label { font-size: 8.5pt; }
  .normalisation, ul.notes { font-size: 8pt; margin: 4px 0 0; }
  p.sentences { font-size: 8.5pt; line-height: 1.3; margin: 0 0 3px; }
  .figures { gap: 4px; }
  figcaption { font-size: 7.5pt; }
  h3 { font-size: 13pt; }
  figure svg.chart { height: 42mm; }  /* the viewBox keeps its shape inside: two indicators a page */
}
"""
CSS += DISTRICT_CSS  # the district matrix's own rules (``html_districts``)


def _e(value: object) -> str:
    """User text as HTML text (``&``, ``<``, ``>`` and quotes escaped)."""
    return escape("" if value is None else str(value), quote=True)


def status_badge(value: Status | None, lang: Lang, narrow: bool = False) -> str:
    """A status as a coloured badge with its words (``narrow``: the short words, "monitor")."""
    if value is None:
        return ""
    words = short(value, lang) if narrow else value.label(lang)
    return f"<span class='status {STATUS_CLASS[value]}'>{_e(words)}</span>"


def _decimals(unit: Unit, values: Iterable[float | None]) -> int:
    if unit is Unit.count:
        return 0
    known = [abs(v) for v in values if v is not None]
    return 2 if known and max(known) < 1 else 1


class Report:
    """The HTML of one report: a ``CompareResult`` (with its export tables), an optional trend."""

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
        """A word of the catalogue in the report's language, escaped."""
        return _e(word(key, self.lang, **params))

    def pw(self, period: str, short: bool = False) -> str:
        """A period in the report's words: "eerste helft 2019" (``short``: "1e helft 2019")."""
        return period_words(period, self.lang, short)

    # --- the document -----------------------------------------------------------------------------

    def html(self) -> str:
        r = self.result
        title = f"{r.plan}: " + word(
            "h_selection", self.lang, area=r.area, period=self.pw(r.period), baseline=self.pw(r.baseline)
        )
        parts = [
            "<!DOCTYPE html>",
            f"<html lang='{self.lang}'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            "<meta name='generator' content='veilcli'>",
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>",
            self._header(),
            self._contents(),
            self._overview(),
            *(self._theme(theme, label) for theme, label in self.tables.themes()),
            self._districts(),
            district_maps(r, self.geometry, self.lang) if self.geometry and r.districts else "",
            self._normalisation(),
            self._sources(),
            f"<footer class='report'>{self._made()}</footer>",
            "</main></body></html>",
        ]
        return "\n".join(p for p in parts if p) + "\n"

    def _made(self) -> str:
        made = self.tables.generated_at
        at = f"{date_words(made.date(), self.lang)} {made:%H:%M}"  # 7 december 2026 00:52
        return self.w("h_generated", version=__version__, at=at)

    def _header(self) -> str:
        r = self.result
        selection = self.w("h_selection", area=r.area, period=self.pw(r.period), baseline=self.pw(r.baseline))
        return (
            f"<header class='report'><h1>{_e(r.plan)}</h1><p class='selection'>{selection}</p>"
            f"<p class='meta'>{self.w('h_title')} · {_e(self.tables.subtitle)} · {self._made()}</p></header>"
            f"<p class='lead'>{self.w('h_how_to_read')}</p>"
        )

    def _contents(self) -> str:
        items = [f"<li><a href='#overview'>{self.w('h_overview')}</a></li>"]
        for theme, label in self.tables.themes():
            items.append(
                f"<li><a href='#theme-{theme}'>{self.w('h_theme', number=theme, label=label)}</a></li>"
            )
        if self.result.districts:
            items.append(f"<li><a href='#districts'>{self.w('h_districts')}</a></li>")
        if self.result.districts and self.geometry:
            items.append(f"<li><a href='#maps'>{_e(map_word('h_maps', self.lang))}</a></li>")
        items.append(f"<li><a href='#normalisation'>{self.w('h_normalisation')}</a></li>")
        items.append(f"<li><a href='#sources'>{self.w('h_sources')}</a></li>")
        contents = self.w("h_contents")
        return f"<nav aria-label='{contents}'><h2>{contents}</h2><ol>{''.join(items)}</ol></nav>"

    def _overview(self) -> str:
        """Every indicator in one table: the registered values and change, status and p; the
        underlying change (a range) and status; each benchmark's change. Narrow enough to print."""
        r, lang = self.result, self.lang
        bench = self.tables.bench_names()
        underlying = any(i.underlying is not None for i in r.indicators)
        groups = [("", 2), (word("group_registered", lang), len(r.periods) + 3)]
        if underlying:
            groups.append((word("group_underlying", lang), 2))
        if bench:
            groups.append((word("group_benchmarks", lang), len(bench)))
        heads = [(word("indicator", lang), ""), (word("goal", lang), "")]
        heads += [(self.pw(p), "num") for p in r.periods]
        heads += [(self.tables.change_header(), "num"), (word("status", lang), "col-status"), ("p", "num")]
        if underlying:
            heads += [(word("h_change", lang), "num"), (word("status", lang), "")]
        heads += [(name, "num") for name in bench]
        rows = []
        for ind in r.indicators:
            chance = " ~" if ind.significant is False else ""
            cells = [
                f"<td><a href='#ind-{_e(ind.id)}'>{_e(ind.label)}</a><br><span class='small'>"
                f"{_e(ind.unit.label(lang))}</span></td>",
                f"<td>{_e(ind.goal.label(lang))}</td>",
                *[
                    f"<td class='num'>{_e(value_text(ind.values.get(p), ind.unit, lang, carried(ind, p)))}"
                    "</td>"
                    for p in r.periods
                ],
                f"<td class='num'>{_e(change_text(ind, lang))}</td>",
                f"<td class='col-status'>{status_badge(ind.status, lang, narrow=True)}</td>",
                f"<td class='num'>{_e(p_text(ind.p_value, lang))}{chance}</td>",
            ]
            if underlying:
                under = ind.underlying
                cells += [
                    f"<td class='num'>{_e(range_text(*under.change_pct_range, lang) if under else '-')}</td>",
                    f"<td>{status_badge(under.status if under else None, lang, narrow=True)}</td>",
                ]
            cells += [f"<td class='num'>{_e(pct_text(bench_change(ind, n), lang))}</td>" for n in bench]
            rows.append(f"<tr id='row-{_e(ind.id)}'>{''.join(cells)}</tr>")
        group_row = "".join(f"<th colspan='{span}' scope='colgroup'>{_e(name)}</th>" for name, span in groups)
        head_row = "".join(f"<th scope='col' class='{css}'>{_e(head)}</th>" for head, css in heads)
        table = (
            "<div class='scroll'><table class='overview'>"
            f"<thead><tr class='groups'>{group_row}</tr><tr>{head_row}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
        return (
            f"<section class='overview' id='overview'><h2>{self.w('h_overview')}</h2>{table}"
            f"<p class='small'>{_e(self.tables.significance_note)} ~: {self.w('h_within_chance')}.</p>"
            "</section>"
        )

    def _theme_title(self, theme: int, label: str) -> str:
        return self.w("h_theme", number=theme, label=label) if label else self.w("h_theme_bare", number=theme)

    def _theme(self, theme: int, label: str) -> str:
        articles = [self._indicator(i) for i in self.result.indicators if i.theme == theme]
        heading = self._theme_title(theme, label)
        return f"<section class='theme' id='theme-{theme}'><h2>{heading}</h2>{''.join(articles)}</section>"

    # --- one indicator ----------------------------------------------------------------------------

    def _indicator(self, ind: IndicatorResult) -> str:
        r, lang = self.result, self.lang
        goal = (
            self.w("h_no_goal")
            if ind.goal is Goal.none
            else self.w("h_goal", goal=ind.goal.label(lang), baseline=self.pw(r.baseline))
        )
        parts = [
            f"<article class='indicator' id='ind-{_e(ind.id)}' data-indicator='{_e(ind.id)}'>",
            f"<h3>{_e(ind.label)} <span class='unit'>{_e(ind.unit.label(lang))} · <code>{_e(ind.id)}</code>"
            "</span></h3>",
            f"<p class='goal'>{goal}</p>",
            f"<p class='sentences'>{_e(self.tables.paragraphs.get(ind.id, ''))}</p>",
            f"<div class='body{' with-trend' if self.trend.get(ind.id) else ''}'>",
            self._figures(ind),
            self._bar(ind),
            self._trend_chart(ind),
            "</div>",
            f"<p class='normalisation'>{self._normalisation_sentence(ind)}</p>",
        ]
        if ind.notes:
            notes = "".join(f"<li>{_e(n.render(lang))}</li>" for n in ind.notes)
            parts.append(f"<ul class='notes' aria-label='{self.w('h_notes')}'>{notes}</ul>")
        parts.append("</article>")
        return "".join(parts)

    def _figures(self, ind: IndicatorResult) -> str:
        r, lang = self.result, self.lang
        current = value_text(ind.values.get(r.period), ind.unit, lang)
        p = ""
        if ind.p_value is not None:
            chance = self.w("h_significant") if ind.significant else self.w("h_within_chance")
            if ind.survey is not None:  # not the exact test of the registered figures: say which
                chance = f"{self.w(f'test_{ind.survey.test}')}; {chance}"
            shown = p_text(ind.p_value, lang)
            p = f"<br>p {_e(shown if ind.p_value < 0.001 else '= ' + shown)} ({chance})"
        change_vs = self.w("h_vs", baseline=self.pw(r.baseline))
        registered = (
            f"<div class='figure-box registered'><div class='label'>{self.w('h_registered')} "
            f"{_e(self.pw(r.period))}</div><div class='value'>{_e(current)}</div>"
            f"<div class='change'>{_e(change_text(ind, lang))} {change_vs}"
            f"{p}</div><div>{status_badge(ind.status, lang)}</div></div>"
        )
        under = ind.underlying
        if under is None:
            return f"<div class='figures'>{registered}</div>"
        point = value_text(under.values.get(r.period), ind.unit, lang)
        underlying = (
            f"<div class='figure-box underlying'><div class='label'>{self.w('h_underlying')} "
            f"{_e(self.pw(r.period))}</div><div class='value'>{_e(point)}</div>"
            f"<div class='change'>{_e(range_text(*under.change_pct_range, lang))} {change_vs}</div>"
            f"<div>{status_badge(under.status, lang)}</div></div>"
        )
        return f"<div class='figures'>{registered}{underlying}</div>"

    def _bar(self, ind: IndicatorResult) -> str:
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
        source = self.w("h_chart_source", sources="") + f"<a href='#sources'>{self.w('h_sources')}</a>"
        return f"<figure class='bar'>{svg}<figcaption>{_e(unit)}. {source}</figcaption></figure>"

    def _trend_chart(self, ind: IndicatorResult) -> str:
        rows = self.trend.get(ind.id)
        if not rows:
            return ""
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
        caption = f"{_e(unit)}. " + (self.w("h_trend_partial") if any(partial) else "")
        return f"<figure class='trend'>{svg}<figcaption>{caption}</figcaption></figure>"

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
        return _e(word("h_norm_intro", lang, parts=f"{samenloop}; {internet}; {status}"))

    # --- tables -----------------------------------------------------------------------------------

    def _districts(self) -> str:
        if not self.result.districts:
            return ""
        matrix = self.tables.district_matrix()  # one wijk x indicator matrix (``html_districts``)
        heading = self.w(
            "dm_heading",
            area=matrix.area,
            period=period_words(matrix.period, self.lang),
            baseline=period_words(matrix.baseline, self.lang),
        )
        return (
            f"<section id='districts'><h2>{self.w('h_districts')}</h2>"
            f"<p>{heading}. {self.w('h_districts_intro')}</p>"
            f"{districts_html(matrix, self.lang)}</section>"
        )

    def _normalisation(self) -> str:
        table = self.tables.normalisation()
        shown = table.select([k for k in table.keys if k != "id"])
        return (
            f"<section id='normalisation'><h2>{self.w('h_normalisation')}</h2>"
            f"<p>{self.w('h_normalisation_intro')}</p>{self._table(shown)}</section>"
        )

    def _sources(self) -> str:
        return (
            f"<section id='sources'><h2>{self.w('h_sources')}</h2>"
            f"<p>{self.w('h_sources_intro')}</p>"
            f"{self._table(self.tables.sources())}</section>"
        )

    def _table(self, table: Table, anchors: bool = False) -> str:
        """A typed table as HTML: numbers right-aligned in the report's style, statuses as badges,
        a row of group headings where columns have them."""
        head = ""
        if any(c.group for c in table.columns):
            cells, previous, span = [], object(), 0
            for column in [*table.columns, None]:
                group = column.group if column else object()
                if group == previous:
                    span += 1
                    continue
                if span:
                    cells.append(f"<th colspan='{span}' scope='colgroup'>{_e(previous or '')}</th>")
                previous, span = group, 1
            head = f"<tr class='groups'>{''.join(cells)}</tr>"
        headers = "".join(
            f"<th scope='col' class='{'num' if _numeric(c) else ''}'>{_e(c.header)}</th>"
            for c in table.columns
        )
        body = []
        for row in table.rows:
            cells = []
            for column in table.columns:
                cells.append(self._cell(table, column, row))
            row_id = f" id='row-{_e(row['id'])}'" if anchors and "id" in row else ""
            body.append(f"<tr{row_id}>{''.join(cells)}</tr>")
        return (
            f"<div class='scroll'><table><thead>{head}<tr>{headers}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def _cell(self, table: Table, column: Column, row: dict[str, Any]) -> str:
        value, lang = row[column.key], self.lang
        kind = column.kind
        if value is None:
            return f"<td class='{'num' if _numeric(column) else ''}'></td>"
        if kind is ColumnKind.label and isinstance(value, Status):
            return f"<td>{status_badge(value, lang)}</td>"
        if column.key == "label" and "id" in row and table.key == "overview":
            return f"<td><a href='#ind-{_e(row['id'])}'>{_e(value)}</a></td>"
        if column.key == "sha256":
            return f"<td class='hash'>{_e(value)}</td>"
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
                return f"<td class='num'>{_e(shown)}</td>"
            case ColumnKind.percent if isinstance(value, Points):
                return f"<td class='num'>{_e(points_text(value.value, value.unit, lang))}</td>"
            case ColumnKind.percent:
                return f"<td class='num'>{_e(pct_text(value, lang))}</td>"
            case ColumnKind.p_value:
                return f"<td class='num'>{_e(p_text(value, lang))}</td>"
            case ColumnKind.count:
                return f"<td class='num'>{_e(number(value, 0, lang))}</td>"
            case ColumnKind.difference:
                return f"<td class='num'>{_e(('+' if value > 0 else '') + number(value, 0, lang))}</td>"
            case ColumnKind.estimate | ColumnKind.rate:
                decimals = 0 if float(value).is_integer() else 1
                return f"<td class='num'>{_e(number(value, decimals, lang))}</td>"
            case ColumnKind.fraction:
                return f"<td class='num'>{_e(number(value * 100, 0, lang))}%</td>"
        return f"<td>{_e(table.display(column, value))}</td>"


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

"""The tables an export contains: keyed for scripts, labelled for people in Dutch (default) or English.

One source for the workbook (``export_xlsx``), the HTML report, ``export csv`` and ``export json``,
so they carry the same content. Each table is a typed ``Table`` (``table.py``): columns with a
stable key, a header in the export's language and a kind the writers format by. CSV and JSON use
the keys and machine values only (indicator ids, period labels, status and unit codes), so a
script reads the same document whatever ``--lang`` was; the words are for the workbook and report.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import polars as pl

from veilcli import __version__
from veilcli.analysis.goals import Status
from veilcli.analysis.results.compare import DISTRICT_UNKNOWN, CompareResult, DistrictResult, IndicatorResult
from veilcli.domain.choices import Kind
from veilcli.domain.language import Lang, check_lang
from veilcli.domain.models import SourceRecord
from veilcli.domain.notes import Note
from veilcli.domain.periods import PeriodText, period_words
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit
from veilcli.report.numbers import bench_change, benchmark_names, carried, survey_points
from veilcli.report.table import UNIT_KEY, Carried, Column, ColumnKind, Points, Table
from veilcli.report.words import significance_survey, word


class SourceItem(StrEnum):
    """What a row of the provenance table (``sources``) is."""

    source = "source"
    plan = "plan"
    rules = "rules"
    version = "version"
    generated = "generated"
    command = "command"

    def label(self, lang: Lang) -> str:
        """The item in words: "Bestand", "Plan", "veilcli-versie", ..."""
        return word("file" if self is SourceItem.source else self.value, lang)


class SourceKind(StrEnum):
    """A stored source's kind in the provenance table: its words for people, the kind's key
    (``registrations``) for scripts."""

    registrations = "registrations"
    suspects = "suspects"
    counts = "counts"
    population = "population"
    survey = "survey"

    def label(self, lang: Lang) -> str:
        """The kind in words: "politieregistraties", "verdachten", "tellingen", "bevolking", "enquête"."""
        return word(f"kind_{self.value}", lang)


@dataclass
class ChartBlock:
    """The data of one clustered bar chart: areas as categories, periods as series."""

    title: str
    unit: str
    periods: list[str]
    rows: list[tuple[str, list[float | None]]]
    id: str = ""
    counts: bool = False  # plain counts (whole numbers), not rates
    source: str = ""  # the line under the chart: "Bron: Nationale Politie"


@dataclass
class ExportTables:
    """Everything an export writes, labelled in one language."""

    result: CompareResult
    sources_used: list[SourceRecord]
    theme_labels: dict[int, str]
    lang: Lang = "nl"
    command_line: str = ""
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    def __post_init__(self) -> None:
        check_lang(self.lang)
        self.theme_labels = self.theme_labels or self.result.themes

    @property
    def language(self) -> Lang:
        """The export's language."""
        return self.lang

    def label(self, key: str) -> str:
        """A word of the catalogue (``words.py``) in the export's language."""
        return word(key, self.language)

    def words(self, period: str) -> str:
        """A period in the export's words: "eerste helft 2019" (scripts get the key, ``2019H1``)."""
        return period_words(period, self.language)

    def _column(self, key: str, kind: ColumnKind, header: str, **options: Any) -> Column:
        return Column(key, header, kind, **options)

    def _table(self, key: str, sheet: str, columns: list[Column], rows: list[dict[str, Any]]) -> Table:
        return Table(self.label(sheet), columns, rows, self.language, key=key)

    @property
    def title(self) -> str:
        """Title line of the overview sheet."""
        r = self.result
        return f"{r.plan}: {r.area}, {self.words(r.period)} {self.label('vs')} {self.words(r.baseline)}"

    @property
    def subtitle(self) -> str:
        """Which corrections the figures carry."""
        applied = [self.label(f"correction_{name}") for name, on in self.result.normalisation.items() if on]
        return f"{self.label('corrections')}: {', '.join(applied) if applied else self.label('none')}"

    @property
    def significance_note(self) -> str:
        """How the p-values were computed, in the export's language: the exact test of the registered
        figures, and the test of each survey indicator's p-value."""
        registered = word("significance_note", self.language, baseline=self.words(self.result.baseline))
        return f"{registered} {significance_survey(self.result.indicators, self.language)}".strip()

    def themes(self) -> list[tuple[int, str]]:
        """Themes that have indicators, with labels."""
        return [(t, self.theme_labels.get(t, "")) for t in sorted({i.theme for i in self.result.indicators})]

    def bench_names(self) -> list[str]:
        """The benchmarks' names, as the plan gives them: of every indicator, since a survey indicator
        has none (its figure is the area's own survey) and may come first."""
        return benchmark_names(self.result.indicators)

    def change_header(self) -> str:
        """'Verandering t.o.v. 2017H1'."""
        return f"{self.label('change')} {self.words(self.result.baseline)}"

    def overview(self, theme: int | None = None) -> Table:
        """Every indicator: registered values per period, change, goal status, significance; the
        underlying change (point and range) and status; benchmarks; notes."""
        r = self.result
        c, k, w = self._column, ColumnKind, self.label
        registered, underlying, benchmarks = (
            w(g) for g in ("group_registered", "group_underlying", "group_benchmarks")
        )
        levels = word("group_levels", self.language, period=self.words(r.period))
        columns = [
            c("theme", k.number, w("theme")),
            c("label", k.text, w("indicator")),
            c("id", k.text, w("id")),
            c(UNIT_KEY, k.label, w("unit")),
            c("goal", k.label, w("goal")),
            *[c(period_key(p), k.value, self.words(p), group=registered) for p in r.periods],
            c("change_pct", k.percent, self.change_header(), group=registered),
            c("status", k.label, w("status"), status_fill=True, group=registered),
            c("p_value", k.p_value, w("p_value"), group=registered),
            c(
                "significant",
                k.flag,
                w("significance"),
                words=(w("significant"), w("within_chance")),
                group=registered,
            ),
            c(
                "count",
                k.count,
                word("count_in", self.language, period=self.words(r.period)),
                group=registered,
            ),
            c(
                "count_change",
                k.difference,
                word("count_diff", self.language, period=self.words(r.baseline)),
                group=registered,
            ),
            *self._previous_columns(),
            c("underlying_change_pct", k.percent, w("u_after_samenloop"), group=underlying),
            c("underlying_change_low_pct", k.percent, w("u_low"), group=underlying),
            c("underlying_change_high_pct", k.percent, w("u_high"), group=underlying),
            c("underlying_status", k.label, w("status"), status_fill=True, group=underlying),
            *[c(bench_key(n), k.percent, n, group=benchmarks) for n in self.bench_names()],
            *[c(level_key(n), k.percent, n, group=levels) for n in self.bench_names()],
            c("notes", k.notes, w("notes")),
        ]
        rows = [self._overview_row(i) for i in r.indicators if theme is None or i.theme == theme]
        return self._table("overview", "sheet_overview", columns, rows)

    def previous_period(self) -> str | None:
        """The same part of the previous year the indicators are also compared with (``2018H1``), if any."""
        return next((i.previous.period for i in self.result.indicators if i.previous), None)

    def _previous_columns(self) -> list[Column]:
        """The change against the same part of the previous year: in %, in counts and its p-value."""
        previous = self.previous_period()
        if previous is None:
            return []
        c, k, lang = self._column, ColumnKind, self.language
        group = word("group_previous", lang)
        return [
            c(
                "previous_change_pct",
                k.percent,
                word("previous_change", lang, period=self.words(previous)),
                group=group,
            ),
            c(
                "previous_count_change",
                k.difference,
                word("previous_count_change", lang, period=self.words(previous)),
                group=group,
            ),
            c(
                "previous_p_value",
                k.p_value,
                word("previous_p_value", lang, period=self.words(previous)),
                group=group,
            ),
        ]

    def _overview_row(self, ind: IndicatorResult) -> dict[str, Any]:
        under, before = ind.underlying, ind.previous
        previous = (
            {
                "previous_change_pct": before.change_pct if before else None,
                "previous_count_change": before.count_change if before else None,
                "previous_p_value": before.p_value if before else None,
            }
            if self.previous_period()
            else {}
        )
        return {
            "theme": ind.theme,
            "label": ind.label,
            "id": ind.id,
            UNIT_KEY: ind.unit,
            "goal": ind.goal,
            **{period_key(p): shown_value(ind, p, ind.values) for p in self.result.periods},
            "change_pct": shown_change(ind),
            "status": ind.status,
            "p_value": ind.p_value,
            "significant": ind.significant,
            "count": ind.counts.get(self.result.period),
            "count_change": ind.count_change,
            **previous,
            "underlying_change_pct": under.change_pct if under else None,
            "underlying_change_low_pct": under.change_pct_range[0] if under else None,
            "underlying_change_high_pct": under.change_pct_range[1] if under else None,
            "underlying_status": under.status if under else None,
            **{bench_key(n): bench_change(ind, n) for n in self.bench_names()},
            **{level_key(n): _level(ind, n) for n in self.bench_names()},
            "notes": ind.notes,
        }

    @functools.cached_property
    def paragraphs(self) -> dict[str, str]:
        """Indicator id -> its sentences as one paragraph, in the export's language (the workbook's
        theme sheets and the HTML report; ``report/sentences.py``)."""
        from veilcli.report.sentences import sentences

        return {key: " ".join(said) for key, said in sentences(self.result, self.language).items()}

    def notes_text(self, ind: IndicatorResult) -> str | None:
        """An indicator's notes in the export's language, one cell."""
        return "; ".join(n.render(self.language) for n in ind.notes) or None

    def chart_blocks(self, theme: int) -> list[ChartBlock]:
        """One chart per indicator of a theme: the area and every benchmark with data, per period."""
        blocks = []
        for ind in self.result.indicators:
            if ind.theme != theme:
                continue
            periods = self.result.periods
            # A bar is a measurement: a survey figure carried forward into a later period has none.
            own = [None if carried(ind, p) else ind.values[p] for p in periods]
            rows = [(self.result.area, own)]
            rows += [
                (name, [b.values[p] for p in periods])
                for name, b in ind.benchmarks.items()
                if any(b.values[p] is not None for p in periods)
            ]
            blocks.append(
                ChartBlock(
                    ind.label,
                    ind.unit.label(self.language),
                    [self.words(p) for p in self.result.periods],
                    rows,
                    id=ind.id,
                    counts=ind.unit is Unit.count,
                    source=self.chart_source(ind, benchmarks=len(rows) > 1),
                )
            )
        return blocks

    def chart_source(self, ind: IndicatorResult, benchmarks: bool = False) -> str:
        """ "Bron: Nationale Politie": who published the stored sources the chart's figures come from
        (the indicator's kind; police counts too when benchmarks are drawn), by each source's format."""
        kinds = {ind.source} if ind.source else set()
        if benchmarks:
            kinds.add(Kind.counts.value)
        found = [publisher(s.kind, s.source_format) for s in self.sources_used if s.kind.value in kinds]
        if not found:  # nothing stored of that kind (a test's result): the kind says who publishes it
            found = [publisher(Kind(k), None) for k in sorted(kinds) if k in Kind.__members__]
        names = list(dict.fromkeys(self.label(key) for key in found))
        return word("h_chart_source", self.language, sources=", ".join(names)) if names else ""

    def normalisation(self) -> Table:
        """Per indicator and period: registered count, samenloop effect, count after samenloop (the
        underlying point), online-reporting effect and the internet bound (the range's other end)."""
        c, k, w = self._column, ColumnKind, self.label
        columns = [
            c("label", k.text, w("indicator")),
            c("id", k.text, w("id")),
            c("period", k.label, w("period")),
            c("coverage", k.fraction, w("coverage")),
            c("count", k.estimate, w("raw")),
            c("samenloop_effect", k.estimate, w("samenloop")),
            c("after_samenloop", k.estimate, w("after_samenloop")),
            c("internet_effect", k.estimate, w("internet")),
            c("internet_bound", k.estimate, w("bound")),
        ]
        rows = []
        for ind in self.result.indicators:
            under = ind.underlying
            for p in self.result.periods:
                effects = under.effects[p] if under else {}
                after = under.counts[p] if under else ind.counts[p]
                internet = effects.get("internet")
                rows.append(
                    {
                        "label": ind.label,
                        "id": ind.id,
                        "period": PeriodText(p),
                        "coverage": ind.coverage[p],
                        "count": ind.counts[p],
                        "samenloop_effect": effects.get("samenloop"),
                        "after_samenloop": after,
                        "internet_effect": internet,
                        "internet_bound": None if after is None or internet is None else after + internet,
                    }
                )
        return self._table("normalisation", "sheet_normalisation", columns, rows)

    def districts(self) -> Table:
        """Per district and indicator, one record (``export csv``/``json``): values (rates, or counts
        without district population), the period's count and its difference from the baseline's,
        the change and the status (``too_few`` where the registrations are too few to judge)."""
        r = self.result
        c, k, w = self._column, ColumnKind, self.label
        columns = [
            c("district", k.text, w("district")),
            c("label", k.text, w("indicator")),
            c("id", k.text, w("id")),
            c(UNIT_KEY, k.label, w("unit")),
            *[c(period_key(p), k.value, self.words(p)) for p in r.periods],
            c("count", k.count, f"{w('count')} {self.words(r.period)}"),
            c("count_change", k.count, f"{w('count_change')} {self.words(r.periods[0])}"),
            c("change_pct", k.percent, self.change_header()),
            c("status", k.label, w("status"), status_fill=True),
            c("notes", k.notes, w("notes")),
        ]
        rows = []
        for district in r.districts or []:
            for ind in district.indicators:
                # Without district population registered figures are counts; survey figures need none.
                rated = district.has_population or ind.survey is not None
                values = ind.values if rated else ind.counts
                rows.append(
                    {
                        "district": district.district,
                        "label": ind.label,
                        "id": ind.id,
                        UNIT_KEY: ind.unit if rated else Unit.count,
                        **{period_key(p): shown_value(ind, p, values) for p in r.periods},
                        "count": ind.counts[r.period],
                        "count_change": ind.count_change,
                        "change_pct": shown_change(ind) if rated else None,
                        "status": ind.status if rated else None,
                        "notes": ind.notes,
                    }
                )
        return self._table("districts", "sheet_districts", columns, rows)

    def district_matrix(self) -> DistrictMatrix:
        """The wijk x indicator matrix of the workbook and the HTML report (``district_matrix``)."""
        return district_matrix(self.result)

    def sources(self) -> Table:
        """Provenance: every stored source, the plan and rules with hashes, version, time, command."""
        r = self.result
        return provenance_table(
            self.sources_used,
            Provenance(r.plan, r.plan_file, r.plan_sha256, r.rules_file, r.rules_sha256),
            self.generated_at,
            self.command_line,
            self.language,
        )

    def tables(self) -> list[Table]:
        """The tables ``export csv`` and ``export json`` write (the workbook's, without its charts)."""
        tables = [self.overview(), self.normalisation()]
        if self.result.districts:
            tables.append(self.districts())
        tables.append(self.sources())
        return tables

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables as DataFrames for scripts, keyed by table key (``overview``, ...)."""
        return {table.key: table.frame() for table in self.tables()}

    def meta(self) -> dict[str, Any]:
        """What every JSON export carries beside its tables: the veilcli version, when it was made,
        the selection, and the provenance of every figure (sources, plan and rules with sha256)."""
        r = self.result
        return {
            "veilcli_version": __version__,
            "generated_at": self.generated_at.isoformat(),
            **Provenance(r.plan, r.plan_file, r.plan_sha256, r.rules_file, r.rules_sha256).meta(),
            "area": r.area,
            "period": r.period,
            "baseline": r.baseline,
            "periods": list(r.periods),
            "normalisation": dict(r.normalisation),
            "sources": sources_meta(self.sources_used),
        }

    def document(self) -> dict[str, Any]:
        """The ``export json`` document: ``meta`` and every table's rows, keyed by table key."""
        return {"meta": self.meta(), **{table.key: table.records() for table in self.tables()}}


# --- the district matrix ------------------------------------------------------------------------

# A status as one mark in a matrix cell (the terminal's symbols, ``render.STATUS_STYLE``).
STATUS_MARKS: dict[Status, str] = {
    Status.achieved: "✔",
    Status.not_achieved: "✘",
    Status.undetermined: "~",
    Status.monitor: "·",
    Status.no_data: "?",
    Status.incomplete: "!",
    Status.too_few: "○",
}
# Notes the matrix itself says (the count beside the rate, the too-few mark, "-" for a change from 0),
# and notes on the underlying figure, which the matrix does not show: left to ``--format json``.
MATRIX_SAYS = frozenset({"small_numbers", "zero_baseline", "zero_baseline_no_decrease", "too_few_to_judge"})
UNDERLYING_NOTES = frozenset(
    {
        "internet_range",
        "no_channel_data",
        "no_channel_in_baseline",
        "no_online_in_baseline",
        "all_online_in_baseline",
        "samenloop_estimated",
        "channel_unknown",
        "samenloop_not_correctable",
    }
)


@dataclass(frozen=True)
class MatrixIndicator:
    """A column (group) of the district matrix."""

    id: str
    label: str
    theme: int
    unit: Unit
    goal: Goal


@dataclass(frozen=True)
class MatrixCell:
    """One wijk x indicator: the period's registered figures.

    ``rate`` is the value in the indicator's unit (None without district population: then the count
    alone); ``count_change`` the count now minus the baseline's; ``change`` the change in % (or a
    survey change in points, ``points``); ``status`` the registered status, ``too_few`` where the
    registrations are too few to judge (``goals.too_few_to_judge``)."""

    rate: float | None
    unit: Unit
    count: float | None
    count_change: float | None
    change_pct: float | None
    points: tuple[float, str] | None
    status: Status
    significant: bool | None

    @property
    def too_few(self) -> bool:
        """Whether the cell is marked "too few registrations to judge"."""
        return self.status is Status.too_few


@dataclass(frozen=True)
class MatrixRow:
    """A row of the matrix: the municipality (``area``) first, then each wijk."""

    name: str
    inhabitants: float | None
    area: bool
    cells: dict[str, MatrixCell]


@dataclass(frozen=True)
class DistrictMatrix:
    """Wijken as rows, indicators as columns, every cell a ``MatrixCell``; the notes the matrix
    does not say itself, each message once with the wijken it concerns."""

    area: str
    period: str
    baseline: str
    indicators: list[MatrixIndicator]
    rows: list[MatrixRow]
    notes: list[tuple[Note, list[tuple[str, list[str] | None]]]]

    def themes(self) -> list[tuple[int, list[MatrixIndicator]]]:
        """The indicators per theme, themes in number order, indicators in the plan's."""
        themes = sorted({i.theme for i in self.indicators})
        return [(t, [i for i in self.indicators if i.theme == t]) for t in themes]

    def statuses(self) -> list[Status]:
        """The statuses the cells have, in the order of ``STATUS_MARKS`` (for a legend)."""
        found = {c.status for row in self.rows for c in row.cells.values()}
        return [s for s in STATUS_MARKS if s in found]

    def words(self, key: str, lang: Lang, **params: Any) -> str:
        """A word of the matrix (``dm_heading``, ``dm_legend_columns``...) with its area, period,
        baseline (in words) and the too-few mark filled in, the same in terminal, workbook and HTML."""
        return word(
            key,
            lang,
            area=self.area,
            period=period_words(self.period, lang),
            baseline=period_words(self.baseline, lang),
            few=STATUS_MARKS[Status.too_few],
            **params,
        )


def matrix_cell(ind: IndicatorResult, period: str, rated: bool) -> MatrixCell:
    """The cell of one indicator result: rates where ``rated``, else the count alone."""
    return MatrixCell(
        rate=ind.values[period] if rated else None,
        unit=ind.unit if rated else Unit.count,
        count=ind.counts[period],
        count_change=ind.count_change,
        change_pct=ind.change_pct if rated else None,
        points=survey_points(ind),
        status=ind.status if rated else Status.no_data,
        significant=ind.significant if rated else None,
    )


def district_matrix(result: CompareResult) -> DistrictMatrix:
    """The ``--by district`` result as one wijk x indicator matrix: the municipality's own row first
    (the reference), the wijken by name, "(district unknown)" last."""
    districts = sorted(result.districts or [], key=lambda d: (d.district == DISTRICT_UNKNOWN, d.district))
    ids = list(dict.fromkeys(i.id for d in districts for i in d.indicators))
    own = {i.id: i for i in result.indicators}
    first = {i.id: i for d in districts for i in reversed(d.indicators)}
    indicators = [
        MatrixIndicator(i.id, i.label, i.theme, i.unit, i.goal) for i in (own.get(x) or first[x] for x in ids)
    ]
    rows = [
        MatrixRow(
            result.area,
            None,
            True,
            {x: matrix_cell(own[x], result.period, True) for x in ids if x in own},
        )
    ]
    for d in districts:
        rated = {i.id: d.has_population or i.survey is not None for i in d.indicators}
        cells = {i.id: matrix_cell(i, result.period, rated[i.id]) for i in d.indicators}
        rows.append(MatrixRow(d.district, d.inhabitants, False, cells))
    return DistrictMatrix(
        result.area,
        result.period,
        result.baseline,
        indicators,
        rows,
        _matrix_notes(districts, (result.baseline, result.period)),
    )


def _on_matrix(note: Note, shown: tuple[str, str]) -> bool:
    """Whether a note concerns the periods the matrix shows (the baseline and the period): a note on
    a year between them (its population, one period's size) qualifies no figure in the matrix."""
    params = note.params
    if isinstance(params.get("period"), str):
        return params["period"] in shown
    if note.code == "no_population":  # where = "Noord 2018, Zuid 2018"
        years = {label[:4] for label in shown}
        return any(part.strip()[-4:] in years for part in str(params.get("where", "")).split(","))
    return True


def _matrix_notes(
    districts: list[DistrictResult], shown: tuple[str, str]
) -> list[tuple[Note, list[tuple[str, list[str] | None]]]]:
    """Each note the matrix does not say, once per message: the wijken it concerns, each with the
    indicator ids it qualifies (None: every indicator of the wijk). Notes on the years between the
    baseline and the period (``shown``) are left to ``--format json``."""
    found: dict[str, tuple[Note, dict[str, list[str]]]] = {}
    for d in districts:
        for ind in d.indicators:
            for n in ind.notes:
                if n.code in MATRIX_SAYS or n.code in UNDERLYING_NOTES or not _on_matrix(n, shown):
                    continue
                _, where = found.setdefault(n.message, (n, {}))
                where.setdefault(d.district, []).append(ind.id)
    every = {d.district: [i.id for i in d.indicators] for d in districts}
    return [
        (n, [(name, None if ids == every[name] else ids) for name, ids in where.items()])
        for n, where in found.values()
    ]


@dataclass(frozen=True)
class Provenance:
    """The plan and rules files a result was computed with, and their sha256."""

    plan: str
    plan_file: str
    plan_sha256: str
    rules_file: str
    rules_sha256: str

    def meta(self) -> dict[str, Any]:
        """``plan`` and ``rules`` as every JSON export's ``meta`` carries them."""
        return {
            "plan": {"name": self.plan, "file": self.plan_file, "sha256": self.plan_sha256},
            "rules": {"file": self.rules_file, "sha256": self.rules_sha256},
        }


def provenance_table(
    sources_used: list[SourceRecord],
    provenance: Provenance,
    generated_at: dt.datetime,
    command_line: str,
    lang: Lang,
) -> Table:
    """The ``sources`` table of every export: each stored source, the plan and rules with their
    sha256, the veilcli version, the time and the command."""
    columns = [
        Column("item", word("what", lang), ColumnKind.label),
        Column("file", word("file", lang), ColumnKind.text),
        Column("path", word("path", lang), ColumnKind.text),
        Column("sha256", word("sha256", lang), ColumnKind.text),
        Column("kind", word("kind", lang), ColumnKind.label),
        Column("rows", word("rows", lang), ColumnKind.count),
        Column("ingested_at", word("ingested", lang), ColumnKind.timestamp),
    ]
    rows = [
        _source_row(
            SourceItem.source,
            _name(s.path) + (f" [{s.sheet}]" if s.sheet else ""),
            s.path,
            s.sha256,
            kind=SourceKind(s.kind.value),
            rows=s.rows,
            ingested=s.ingested_at,
        )
        for s in sources_used
    ]
    p = provenance
    rows += [
        _source_row(SourceItem.plan, _name(p.plan_file), p.plan_file, p.plan_sha256),
        _source_row(SourceItem.rules, _name(p.rules_file), p.rules_file, p.rules_sha256),
        _source_row(SourceItem.version, __version__),
        _source_row(SourceItem.generated, generated_at.isoformat()),
        _source_row(SourceItem.command, command_line),
    ]
    return Table(word("sheet_sources", lang), columns, rows, lang, key="sources")


def sources_meta(sources_used: list[SourceRecord]) -> list[dict[str, Any]]:
    """Every stored source as the JSON exports' ``meta.sources`` lists it."""
    return [
        {
            "path": s.path,
            "sheet": s.sheet,
            "kind": s.kind.value,
            "sha256": s.sha256,
            "rows": s.rows,
            "ingested_at": s.ingested_at.isoformat(),
        }
        for s in sources_used
    ]


def shown_value(ind: IndicatorResult, period: str, values: dict[str, float | None]) -> float | Carried | None:
    """A value cell: the number, or a survey figure carried forward marked with its survey year."""
    value, year = values[period], carried(ind, period)
    return Carried(value, year) if value is not None and year is not None else value


def shown_change(ind: IndicatorResult) -> float | Points | None:
    """A change cell: in %, or a survey change in points (for people; null for scripts)."""
    points = survey_points(ind)
    return ind.change_pct if points is None else Points(*points)


def period_key(period: str) -> str:
    """The key of a period's value column: ``value_2019H1``."""
    return f"value_{period}"


_POLICE_FORMATS = {"bvh-extract", "politie-opendata-odata", "politie-opendata-labels", "incident-list"}
_SURVEY_FORMATS = {"statline-survey", "statline-survey-view", "cbs-veiligheidsmonitor"}


def publisher(kind: Kind, source_format: str | None) -> str:
    """The word key of who published a stored source: the police for its own extracts and open data,
    CBS (with the police, for police figures on StatLine) for CBS files, the Veiligheidsmonitor for
    survey tables; a file in veilcli's own layout by what it holds."""
    fmt = str(source_format or "")
    if fmt in _POLICE_FORMATS:
        return "publisher_police"
    if fmt in _SURVEY_FORMATS or kind is Kind.survey:
        return "publisher_survey"
    if fmt == "wijkmonitor":
        return "publisher_wijkmonitor"
    if kind is Kind.population:
        return "publisher_cbs"
    if fmt.startswith(("cbs", "statline")):
        return "publisher_cbs_police"
    return "publisher_police"  # registrations, suspects and counts in veilcli's layout: police figures


def level_key(name: str) -> str:
    """The key of the area's level against a benchmark in the period: ``benchmark_level_pct:G10/100.000+``."""
    return f"benchmark_level_pct:{name}"


def _level(ind: IndicatorResult, name: str) -> float | None:
    bench = ind.benchmarks.get(name)
    return bench.level_pct if bench else None


def bench_key(name: str) -> str:
    """The key of a benchmark's change column: ``benchmark_change_pct:G10/100.000+``."""
    return f"benchmark_change_pct:{name}"


def _source_row(
    what: SourceItem,
    file: str,
    path: str | None = None,
    sha256: str | None = None,
    *,
    kind: SourceKind | None = None,
    rows: int | None = None,
    ingested: dt.datetime | None = None,
) -> dict[str, Any]:
    return {
        "item": what,
        "file": file,
        "path": path,
        "sha256": sha256,
        "kind": kind,
        "rows": rows,
        "ingested_at": ingested,
    }


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]

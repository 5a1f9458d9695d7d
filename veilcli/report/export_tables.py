"""The tables an export contains: keyed for scripts, labelled for people in Dutch (default) or English.

One source for the workbook (``export_xlsx``), the HTML report, ``export csv`` and ``export json``,
so they carry the same content. Each table is a typed ``Table`` (``table.py``): columns with a
stable key, a header in the export's language and a kind the writers format by. CSV and JSON use
the keys and machine values only (indicator ids, period labels, status and unit codes), so a
script reads the same document whatever ``--lang`` was; the words are for the workbook and report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast, get_args

import polars as pl

from veilcli import __version__
from veilcli.analysis.compare import CompareResult, IndicatorResult
from veilcli.domain.models import SourceRecord
from veilcli.domain.notes import Lang
from veilcli.domain.periods import PeriodText, period_words
from veilcli.domain.plans import Unit
from veilcli.report.numbers import bench_change, benchmark_names, carried, survey_points
from veilcli.report.table import UNIT_KEY, Carried, Column, ColumnKind, Points, Table
from veilcli.report.words import WORDS, significance_survey, word

# kept for callers of the earlier interface: every word of the exports, per language
LABELS: dict[str, dict[str, str]] = {
    lang: {key: texts[index] for key, texts in WORDS.items()} for index, lang in enumerate(("en", "nl"))
}


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


@dataclass
class ExportTables:
    """Everything an export writes, labelled in one language."""

    result: CompareResult
    sources_used: list[SourceRecord]
    theme_labels: dict[int, str]
    lang: str = "nl"
    command_line: str = ""
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    def __post_init__(self) -> None:
        if self.lang not in get_args(Lang):
            raise ValueError(f"no labels in language {self.lang!r}")
        self.theme_labels = self.theme_labels or self.result.themes

    @property
    def language(self) -> Lang:
        """The export's language."""
        return cast(Lang, self.lang)

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
            c("underlying_change_pct", k.percent, w("u_after_samenloop"), group=underlying),
            c("underlying_change_low_pct", k.percent, w("u_low"), group=underlying),
            c("underlying_change_high_pct", k.percent, w("u_high"), group=underlying),
            c("underlying_status", k.label, w("status"), status_fill=True, group=underlying),
            *[c(bench_key(n), k.percent, n, group=benchmarks) for n in self.bench_names()],
            c("notes", k.notes, w("notes")),
        ]
        rows = [self._overview_row(i) for i in r.indicators if theme is None or i.theme == theme]
        return self._table("overview", "sheet_overview", columns, rows)

    def _overview_row(self, ind: IndicatorResult) -> dict[str, Any]:
        under = ind.underlying
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
            "underlying_change_pct": under.change_pct if under else None,
            "underlying_change_low_pct": under.change_pct_range[0] if under else None,
            "underlying_change_high_pct": under.change_pct_range[1] if under else None,
            "underlying_status": under.status if under else None,
            **{bench_key(n): bench_change(ind, n) for n in self.bench_names()},
            "notes": ind.notes,
        }

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
                )
            )
        return blocks

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
        """Per district and indicator: values (rates, or counts without district population)."""
        r = self.result
        c, k, w = self._column, ColumnKind, self.label
        columns = [
            c("district", k.text, w("district")),
            c("label", k.text, w("indicator")),
            c("id", k.text, w("id")),
            c(UNIT_KEY, k.label, w("unit")),
            *[c(period_key(p), k.value, self.words(p)) for p in r.periods],
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
                        "change_pct": shown_change(ind) if rated else None,
                        "status": ind.status if rated else None,
                        "notes": ind.notes,
                    }
                )
        return self._table("districts", "sheet_districts", columns, rows)

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

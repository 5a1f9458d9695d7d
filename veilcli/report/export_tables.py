"""The tables an export contains, labelled in Dutch (default) or English.

One source for the workbook (``export_xlsx``), ``export csv`` and ``export json``, so the three
carry the same content. Each table is a typed ``Table`` (``table.py``): columns with a stable key,
a header in the export's language and a kind the writers format by.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast, get_args

import polars as pl

from veilcli import __version__
from veilcli.analysis.compare import CompareResult, IndicatorResult
from veilcli.domain.models import SourceRecord
from veilcli.domain.notes import Lang
from veilcli.domain.plans import Unit
from veilcli.report.table import TIMESTAMP_FORMAT, UNIT_KEY, Column, ColumnKind, Table

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "sheet_overview": "Overzicht",
        "sheet_normalisation": "Normalisatie",
        "sheet_districts": "Wijken",
        "sheet_sources": "Bronnen",
        "theme": "Thema",
        "indicator": "Indicator",
        "id": "Id",
        "unit": "Eenheid",
        "goal": "Doel",
        "change": "Verandering t.o.v.",
        "status": "Status",
        "p_value": "p-waarde",
        "significance": "Significantie",
        "underlying_change": "Onderliggende verandering (na samenloop)",
        "underlying_low": "Onderliggend laag",
        "underlying_high": "Onderliggend hoog",
        "underlying_status": "Status onderliggend",
        "coverage": "Dekking periode",
        "after_samenloop": "Na samenloop",
        "bound": "Ondergrens internetaangifte",
        "notes": "Opmerkingen",
        "bench_change": "verandering",
        "period": "Periode",
        "raw": "Geregistreerd",
        "samenloop": "Effect samenloop",
        "internet": "Effect internetaangifte",
        "corrected": "Gecorrigeerd",
        "district": "Wijk",
        "legend": "Legenda status",
        "within_chance": "binnen toeval",
        "significant": "significant",
        "file": "Bestand",
        "path": "Pad",
        "sha256": "sha256",
        "kind": "Soort",
        "rows": "Rijen",
        "ingested": "Ingelezen (UTC)",
        "what": "Onderdeel",
        "value": "Waarde",
        "plan": "Plan",
        "rules": "Normalisatieregels",
        "version": "veilcli-versie",
        "generated": "Gegenereerd (UTC)",
        "command": "Opdracht",
        "corrections": "Correcties",
        "none": "geen (ongecorrigeerde registraties)",
        "title": "Voortgang",
        "vs": "t.o.v.",
        "count_only": "geen wijkbevolking: alleen aantallen",
    },
    "en": {
        "sheet_overview": "Overview",
        "sheet_normalisation": "Normalisation",
        "sheet_districts": "Districts",
        "sheet_sources": "Sources",
        "theme": "Theme",
        "indicator": "Indicator",
        "id": "Id",
        "unit": "Unit",
        "goal": "Goal",
        "change": "Change vs",
        "status": "Status",
        "p_value": "p-value",
        "significance": "Significance",
        "underlying_change": "Underlying change (after samenloop)",
        "underlying_low": "Underlying low",
        "underlying_high": "Underlying high",
        "underlying_status": "Underlying status",
        "coverage": "Period covered",
        "after_samenloop": "After samenloop",
        "bound": "Online-reporting bound",
        "notes": "Notes",
        "bench_change": "change",
        "period": "Period",
        "raw": "Registered",
        "samenloop": "Samenloop effect",
        "internet": "Online-reporting effect",
        "corrected": "Corrected",
        "district": "District",
        "legend": "Status legend",
        "within_chance": "within chance",
        "significant": "significant",
        "file": "File",
        "path": "Path",
        "sha256": "sha256",
        "kind": "Kind",
        "rows": "Rows",
        "ingested": "Ingested (UTC)",
        "what": "Item",
        "value": "Value",
        "plan": "Plan",
        "rules": "Normalisation rules",
        "version": "veilcli version",
        "generated": "Generated (UTC)",
        "command": "Command",
        "corrections": "Corrections",
        "none": "none (uncorrected registrations)",
        "title": "Progress",
        "vs": "vs",
        "count_only": "no district population: counts only",
    },
}


@dataclass
class ChartBlock:
    """The data of one clustered bar chart: areas as categories, periods as series."""

    title: str
    unit: str
    periods: list[str]
    rows: list[tuple[str, list[float | None]]]


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

    @property
    def language(self) -> Lang:
        """The export's language."""
        return cast(Lang, self.lang)

    def label(self, key: str) -> str:
        """A label in the export's language."""
        return LABELS[self.lang][key]

    def _column(self, key: str, kind: ColumnKind, header: str | None = None, **options: Any) -> Column:
        """A column whose header is the label of ``key`` (or ``header``)."""
        return Column(key, self.label(key) if header is None else header, kind, **options)

    def _table(self, sheet: str, columns: list[Column], rows: list[dict[str, Any]]) -> Table:
        return Table(self.label(sheet), columns, rows, self.language)

    @property
    def title(self) -> str:
        """Title line of the overview sheet."""
        r = self.result
        return f"{r.plan}: {r.area}, {r.period} {self.label('vs')} {r.baseline}"

    @property
    def subtitle(self) -> str:
        """Which corrections the figures carry."""
        applied = [name for name, on in self.result.normalisation.items() if on]
        return f"{self.label('corrections')}: {', '.join(applied) if applied else self.label('none')}"

    @property
    def significance_note(self) -> str:
        """How the p-values were computed (always in English: it is the method's name)."""
        return self.result.significance_note

    def themes(self) -> list[tuple[int, str]]:
        """Themes that have indicators, with labels."""
        return [(t, self.theme_labels.get(t, "")) for t in sorted({i.theme for i in self.result.indicators})]

    def _bench_names(self) -> list[str]:
        return list(self.result.indicators[0].benchmarks) if self.result.indicators else []

    def _change_header(self) -> str:
        return f"{self.label('change')} {self.result.baseline}"

    def overview(self, theme: int | None = None) -> Table:
        """Every indicator: registered values per period, change, goal status, significance; the
        underlying change (point and range) and status; benchmarks; notes in the export's language."""
        r = self.result
        c, k = self._column, ColumnKind
        columns = [
            c("theme", k.number),
            c("indicator", k.text),
            c("id", k.text),
            c(UNIT_KEY, k.label),
            c("goal", k.label),
            *[c(_period_key(p), k.value, p) for p in r.periods],
            c("change", k.percent, self._change_header()),
            c("status", k.label, status_fill=True),
            c("p_value", k.p_value),
            c("significance", k.text),
            c("underlying_change", k.percent),
            c("underlying_low", k.percent),
            c("underlying_high", k.percent),
            c("underlying_status", k.label),
            *[c(_bench_key(n), k.percent, f"{n} {self.label('bench_change')}") for n in self._bench_names()],
            c("notes", k.text),
        ]
        rows = [self._overview_row(i) for i in r.indicators if theme is None or i.theme == theme]
        return self._table("sheet_overview", columns, rows)

    def _overview_row(self, ind: IndicatorResult) -> dict[str, Any]:
        significance = None
        if ind.significant is not None:
            significance = self.label("significant") if ind.significant else self.label("within_chance")
        under = ind.underlying
        return {
            "theme": ind.theme,
            "indicator": ind.label,
            "id": ind.id,
            UNIT_KEY: ind.unit,
            "goal": ind.goal,
            **{_period_key(p): ind.values[p] for p in self.result.periods},
            "change": ind.change_pct,
            "status": ind.status,
            "p_value": ind.p_value,
            "significance": significance,
            "underlying_change": under.change_pct if under else None,
            "underlying_low": under.change_pct_range[0] if under else None,
            "underlying_high": under.change_pct_range[1] if under else None,
            "underlying_status": under.status if under else None,
            **{_bench_key(n): ind.benchmarks[n].change_pct for n in self._bench_names()},
            "notes": self.notes_text(ind),
        }

    def notes_text(self, ind: IndicatorResult) -> str | None:
        """An indicator's notes in the export's language, one cell."""
        return "; ".join(n.render(self.language) for n in ind.notes) or None

    def chart_blocks(self, theme: int) -> list[ChartBlock]:
        """One chart per rate indicator of a theme: the area and every benchmark, per period."""
        blocks = []
        for ind in self.result.indicators:
            if ind.theme != theme or ind.unit is Unit.count:
                continue
            rows = [(self.result.area, [ind.values[p] for p in self.result.periods])]
            rows += [(name, [b.values[p] for p in self.result.periods]) for name, b in ind.benchmarks.items()]
            blocks.append(ChartBlock(ind.label, ind.unit.label(self.language), self.result.periods, rows))
        return blocks

    def normalisation(self) -> Table:
        """Per indicator and period: registered count, samenloop effect, count after samenloop (the
        underlying point), online-reporting effect and the internet bound (the range's other end)."""
        c, k = self._column, ColumnKind
        columns = [
            c("indicator", k.text),
            c("id", k.text),
            c("period", k.text),
            c("coverage", k.fraction),
            c("raw", k.estimate),
            c("samenloop", k.estimate),
            c("after_samenloop", k.estimate),
            c("internet", k.estimate),
            c("bound", k.estimate),
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
                        "indicator": ind.label,
                        "id": ind.id,
                        "period": p,
                        "coverage": ind.coverage[p],
                        "raw": ind.counts[p],
                        "samenloop": effects.get("samenloop"),
                        "after_samenloop": after,
                        "internet": internet,
                        "bound": None if after is None or internet is None else after + internet,
                    }
                )
        return self._table("sheet_normalisation", columns, rows)

    def districts(self) -> Table:
        """Per district and indicator: values (rates, or counts without district population)."""
        r = self.result
        c, k = self._column, ColumnKind
        columns = [
            c("district", k.text),
            c("indicator", k.text),
            c("id", k.text),
            c(UNIT_KEY, k.label),
            *[c(_period_key(p), k.rate, p) for p in r.periods],
            c("change", k.percent, self._change_header()),
            c("status", k.label, status_fill=True),
            c("notes", k.text),
        ]
        rows = []
        for district in r.districts or []:
            for ind in district.indicators:
                rated = district.has_population
                values = ind.values if rated else ind.counts
                rows.append(
                    {
                        "district": district.district,
                        "indicator": ind.label,
                        "id": ind.id,
                        UNIT_KEY: ind.unit if rated else Unit.count,
                        **{_period_key(p): values[p] for p in r.periods},
                        "change": ind.change_pct if rated else None,
                        "status": ind.status if rated else None,
                        "notes": self.notes_text(ind),
                    }
                )
        return self._table("sheet_districts", columns, rows)

    def sources(self) -> Table:
        """Provenance: every stored source, the plan and rules with hashes, version, time, command."""
        r = self.result
        c, k = self._column, ColumnKind
        columns = [
            c("what", k.text),
            c("file", k.text),
            c("path", k.text),
            c("sha256", k.text),
            c("kind", k.text),
            c("rows", k.count),
            c("ingested", k.timestamp),
        ]
        rows = [
            _source_row(
                self.label("file"),
                _name(s.path) + (f" [{s.sheet}]" if s.sheet else ""),
                s.path,
                s.sha256,
                kind=s.kind.value,
                rows=s.rows,
                ingested=s.ingested_at,
            )
            for s in self.sources_used
        ]
        rows += [
            _source_row(self.label("plan"), _name(r.plan_file), r.plan_file, r.plan_sha256),
            _source_row(self.label("rules"), _name(r.rules_file), r.rules_file, r.rules_sha256),
            _source_row(self.label("version"), __version__),
            _source_row(self.label("generated"), self.generated_at.strftime(TIMESTAMP_FORMAT)),
            _source_row(self.label("command"), self.command_line),
        ]
        return self._table("sheet_sources", columns, rows)

    def tables(self) -> list[Table]:
        """The tables ``export csv`` and ``export json`` write (the workbook's, without its charts)."""
        tables = [self.overview(), self.normalisation()]
        if self.result.districts:
            tables.append(self.districts())
        tables.append(self.sources())
        return tables

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables as DataFrames, keyed by sheet name."""
        return {table.title: table.frame() for table in self.tables()}


def _period_key(period: str) -> str:
    return f"value_{period}"


def _bench_key(name: str) -> str:
    return f"benchmark_change:{name}"


def _source_row(
    what: str,
    file: str,
    path: str | None = None,
    sha256: str | None = None,
    *,
    kind: str | None = None,
    rows: int | None = None,
    ingested: dt.datetime | None = None,
) -> dict[str, Any]:
    return {
        "what": what,
        "file": file,
        "path": path,
        "sha256": sha256,
        "kind": kind,
        "rows": rows,
        "ingested": ingested,
    }


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]

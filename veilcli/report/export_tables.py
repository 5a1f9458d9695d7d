"""The tables an export contains, labelled in Dutch (default) or English.

One source for the workbook (``export_xlsx``), ``export csv`` and ``export json``, so the three
carry the same content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast, get_args

import polars as pl

from veilcli import __version__
from veilcli.analysis.compare import CompareResult, IndicatorResult
from veilcli.analysis.goals import Status
from veilcli.domain.models import SourceRecord
from veilcli.domain.notes import Lang
from veilcli.domain.plans import Unit

PCT = "+0%;-0%;0%"  # changes stay in % here; the workbook writer stores them as fractions
P_VALUE = "0.000"
ONE_DECIMAL = "0.0"
COUNT = "#,##0"

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
Table = tuple[list[str], list[list[Any]], dict[int, str]]


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

    def label(self, key: str) -> str:
        """A label in the export's language."""
        return LABELS[self.lang][key]

    @property
    def language(self) -> Lang:
        """The export's language, checked."""
        if self.lang not in get_args(Lang):
            raise ValueError(f"no labels in language {self.lang!r}")
        return cast(Lang, self.lang)

    def status_text(self, status: str) -> str:
        """A status in words."""
        return Status(status).label(self.language)

    def status_fills(self, colours: dict[Status, str]) -> dict[str, str]:
        """Status text in this language -> fill colour."""
        return {self.status_text(code): colour for code, colour in colours.items()}

    def unit_text(self, unit: str) -> str:
        """A unit in words."""
        return Unit(unit).label(self.language)

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

    def overview(self, theme: int | None = None) -> Table:
        """Every indicator: registered values per period, change, goal status, significance; the
        underlying change (point and range) and status; benchmarks; notes in the export's language."""
        r = self.result
        header = [
            self.label("theme"),
            self.label("indicator"),
            self.label("id"),
            self.label("unit"),
            self.label("goal"),
            *r.periods,
            f"{self.label('change')} {r.baseline}",
            self.label("status"),
            self.label("p_value"),
            self.label("significance"),
            self.label("underlying_change"),
            self.label("underlying_low"),
            self.label("underlying_high"),
            self.label("underlying_status"),
            *[f"{name} {self.label('bench_change')}" for name in self._bench_names()],
            self.label("notes"),
        ]
        change = 6 + len(r.periods)  # 1-based column numbers
        formats = {change: PCT, change + 2: P_VALUE, change + 4: PCT, change + 5: PCT, change + 6: PCT}
        for offset in range(len(self._bench_names())):
            formats[change + 8 + offset] = PCT
        rows = [self._overview_row(i) for i in r.indicators if theme is None or i.theme == theme]
        return header, rows, formats

    def _overview_row(self, ind: IndicatorResult) -> list[Any]:
        significance = None
        if ind.significant is not None:
            significance = self.label("significant") if ind.significant else self.label("within_chance")
        under = ind.underlying
        return [
            ind.theme,
            ind.label,
            ind.id,
            self.unit_text(ind.unit.value),
            ind.goal.label(self.language),
            *[ind.values[p] for p in self.result.periods],
            ind.change_pct,
            self.status_text(ind.status.value),
            ind.p_value,
            significance,
            under.change_pct if under else None,
            under.change_pct_range[0] if under else None,
            under.change_pct_range[1] if under else None,
            self.status_text(under.status.value) if under else None,
            *[ind.benchmarks[name].change_pct for name in self._bench_names()],
            self.notes_text(ind),
        ]

    def notes_text(self, ind: IndicatorResult) -> str | None:
        """An indicator's notes in the export's language, one cell."""
        return "; ".join(n.render(self.language) for n in ind.notes) or None

    def chart_blocks(self, theme: int) -> list[ChartBlock]:
        """One chart per rate indicator of a theme: the area and every benchmark, per period."""
        blocks = []
        for ind in self.result.indicators:
            if ind.theme != theme or ind.unit.value == "count":
                continue
            rows = [(self.result.area, [ind.values[p] for p in self.result.periods])]
            rows += [(name, [b.values[p] for p in self.result.periods]) for name, b in ind.benchmarks.items()]
            blocks.append(ChartBlock(ind.label, self.unit_text(ind.unit.value), self.result.periods, rows))
        return blocks

    def normalisation(self) -> Table:
        """Per indicator and period: registered count, samenloop effect, count after samenloop (the
        underlying point), online-reporting effect and the internet bound (the range's other end)."""
        header = [
            self.label("indicator"),
            self.label("id"),
            self.label("period"),
            self.label("coverage"),
            self.label("raw"),
            self.label("samenloop"),
            self.label("after_samenloop"),
            self.label("internet"),
            self.label("bound"),
        ]
        rows = []
        for ind in self.result.indicators:
            under = ind.underlying
            for p in self.result.periods:
                effects = under.effects[p] if under else {}
                after = under.counts[p] if under else ind.counts[p]
                internet = effects.get("internet")
                rows.append(
                    [
                        ind.label,
                        ind.id,
                        p,
                        ind.coverage[p],
                        ind.counts[p],
                        effects.get("samenloop"),
                        after,
                        internet,
                        None if after is None or internet is None else after + internet,
                    ]
                )
        formats = {4: P_VALUE, 5: ONE_DECIMAL, 6: ONE_DECIMAL, 7: ONE_DECIMAL, 8: ONE_DECIMAL, 9: ONE_DECIMAL}
        return header, rows, formats

    def districts(self) -> Table:
        """Per district and indicator: values (rates, or counts without district population)."""
        r = self.result
        header = [
            self.label("district"),
            self.label("indicator"),
            self.label("id"),
            self.label("unit"),
            *r.periods,
            f"{self.label('change')} {r.baseline}",
            self.label("status"),
            self.label("notes"),
        ]
        rows = []
        for district in r.districts or []:
            for ind in district.indicators:
                values = ind.values if district.has_population else ind.counts
                unit = ind.unit.value if district.has_population else "count"
                rows.append(
                    [
                        district.district,
                        ind.label,
                        ind.id,
                        self.unit_text(unit),
                        *[values[p] for p in r.periods],
                        ind.change_pct if district.has_population else None,
                        self.status_text(ind.status.value) if district.has_population else None,
                        self.notes_text(ind),
                    ]
                )
        formats = {5 + len(r.periods): PCT}
        for offset in range(len(r.periods)):
            formats[5 + offset] = ONE_DECIMAL
        return header, rows, formats

    def sources(self) -> Table:
        """Provenance: every stored source, the plan and rules with hashes, version, time, command."""
        r = self.result
        header = [
            self.label("what"),
            self.label("file"),
            self.label("path"),
            self.label("sha256"),
            self.label("kind"),
            self.label("rows"),
            self.label("ingested"),
        ]
        rows: list[list[Any]] = [
            [
                self.label("file"),
                _name(s.path) + (f" [{s.sheet}]" if s.sheet else ""),
                s.path,
                s.sha256,
                s.kind.value,
                s.rows,
                s.ingested_at.strftime("%Y-%m-%d %H:%M:%S"),
            ]
            for s in self.sources_used
        ]
        rows += [
            [self.label("plan"), _name(r.plan_file), r.plan_file, r.plan_sha256, None, None, None],
            [self.label("rules"), _name(r.rules_file), r.rules_file, r.rules_sha256, None, None, None],
            [self.label("version"), __version__, None, None, None, None, None],
            [
                self.label("generated"),
                self.generated_at.strftime("%Y-%m-%d %H:%M:%S"),
                None,
                None,
                None,
                None,
                None,
            ],
            [self.label("command"), self.command_line, None, None, None, None, None],
        ]
        return header, rows, {6: COUNT}

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables as DataFrames (for ``export csv`` / ``export json``), keyed by sheet name."""
        tables = {
            self.label("sheet_overview"): self.overview(),
            self.label("sheet_normalisation"): self.normalisation(),
        }
        if self.result.districts:
            tables[self.label("sheet_districts")] = self.districts()
        tables[self.label("sheet_sources")] = self.sources()
        return {
            name: pl.DataFrame(
                [dict(zip(header, row, strict=True)) for row in rows], infer_schema_length=None
            )
            if rows
            else pl.DataFrame(schema=dict.fromkeys(header, pl.String))
            for name, (header, rows, _) in tables.items()
        }


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]

"""The tables of a league export: ``compare --area all`` (or a group) as a workbook, CSV, JSON or HTML.

The league's counterpart of ``export_tables.ExportTables``: one source for every writer, so the
workbook, the HTML report and the files for scripts carry the same figures. Tables are typed
``Table``s (``table.py``): CSV and JSON use the column keys and machine values only (indicator ids,
status, unit and goal codes), the same whatever ``--lang``; the words (headers, statuses, the notes
on how to read a league) are for the workbook and the HTML report.

The league ranks registered figures only, so the JSON ``meta`` says ``normalisation`` is off, and
every human-readable form says why (``notes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from veilcli import __version__
from veilcli.analysis.goals import Status
from veilcli.analysis.results.league import LeagueIndicator, LeagueResult
from veilcli.domain.language import Lang
from veilcli.domain.models import SourceRecord
from veilcli.domain.periods import baseline_words, parse_period, period_words
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit
from veilcli.report.export_tables import Provenance, provenance_table, sources_meta
from veilcli.report.table import UNIT_KEY, Column, ColumnKind, Table
from veilcli.report.words import word

# The statuses a league shows, in the order a legend lists them (a league has no underlying range:
# "undetermined" only for 0 -> 0 against a decrease goal, ``goals.status``).
LEAGUE_STATUSES = (
    Status.achieved,
    Status.not_achieved,
    Status.undetermined,
    Status.monitor,
    Status.incomplete,
    Status.no_data,
)


def rank_key(indicator_id: str) -> str:
    """The key of an indicator's rank column in the rank overview: ``rank:fietsdiefstal``."""
    return f"rank:{indicator_id}"


@dataclass
class LeagueTables:
    """Everything a league export writes, labelled in one language."""

    result: LeagueResult
    sources_used: list[SourceRecord]
    provenance: Provenance
    lang: Lang = "nl"
    command_line: str = ""
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    def label(self, key: str, **params: Any) -> str:
        """A word of the catalogue (``words.py``) in the export's language."""
        return word(key, self.lang, **params)

    @property
    def period(self) -> str:
        """The period in words: "eerste helft 2019" (scripts get the code, ``2019H1``)."""
        return period_words(self.result.period, self.lang)

    @property
    def baseline(self) -> str:
        """The baseline beside the period: "2017" where it is the same half ("eerste helft 2019 ten
        opzichte van 2017", as the seed writes it), else in words."""
        return baseline_words(self.result.baseline, self.result.period, self.lang)

    @property
    def value_headers(self) -> tuple[str, str]:
        """The headers of the baseline's and the period's values: the years where both are the same
        half (the selection above says which), as the seed's tables head them; else in words."""
        then, now = parse_period(self.result.baseline), parse_period(self.result.period)
        if (then.unit, then.part) == (now.unit, now.part):
            return str(then.year), str(now.year)
        return self.baseline, self.period

    @property
    def selection_words(self) -> str:
        """What was compared, in words: "alle gemeenten" for ``all``, else the group's name."""
        return self.label("l_all") if self.result.selection == "all" else self.result.selection

    # --- words for people -------------------------------------------------------------------------

    @property
    def title(self) -> str:
        """ "Almere plan: Ranglijst"."""
        return f"{self.result.plan}: {self.label('l_title')}"

    @property
    def selection(self) -> str:
        """ "3 gebieden (all), 2019H1 ten opzichte van 2017H1"."""
        r = self.result
        return self.label(
            "l_selection_all" if r.selection == "all" else "l_selection",
            count=len(r.areas),
            selection=self.selection_words,
            period=self.period,
            baseline=self.baseline,
        )

    @property
    def header_right(self) -> str:
        """The selection in a page header: "3 gebieden, 2019H1 t.o.v. 2017H1"."""
        r = self.result
        return self.label("l_header_right", count=len(r.areas), period=self.period, baseline=self.baseline)

    def notes(self) -> list[str]:
        """How to read the league: registered figures (corrections stay with a single area), what rank
        1 means, why some areas have no rank, and the order of the areas."""
        r = self.result
        order = (
            self.label("l_order_sort", indicator=self.indicator_label(r.sort))
            if r.sort
            else self.label("l_order_name")
        )
        return [
            self.label("l_registered"),
            self.label("l_rank_one", period=self.value_headers[1]),  # as the value's column is headed
            self.label("l_unranked", period=self.period, baseline=self.baseline),
            order,
        ]

    def indicator_label(self, indicator_id: str) -> str:
        """An indicator's label by its id (the id itself when the result lacks it)."""
        return next((i.label for i in self.result.indicators if i.id == indicator_id), indicator_id)

    def goal_text(self, indicator: LeagueIndicator) -> str:
        """ "Doel: niet laten stijgen ten opzichte van 2017H1." (or: monitored only)."""
        if indicator.goal is Goal.none:
            return self.label("l_no_goal")
        return self.label("l_goal", goal=indicator.goal.label(self.lang), baseline=self.baseline)

    def ranked_text(self, indicator: LeagueIndicator) -> str:
        """ "2 van de 3 gebieden gerangschikt."."""
        ranked = sum(1 for r in indicator.rows if r.rank is not None)
        return self.label("l_ranked_count", ranked=ranked, count=len(indicator.rows))

    def has_figures(self, indicator: LeagueIndicator) -> bool:
        """Whether any area has a value for the indicator in the baseline or the period."""
        return any(r.value is not None or r.baseline_value is not None for r in indicator.rows)

    def no_figures_text(self) -> str:
        """Said instead of a table of dashes when no area has a figure for an indicator."""
        baseline = period_words(self.result.baseline, self.lang)  # in full: no selection line beside it
        return self.label("l_no_figures", baseline=baseline, period=self.period)

    def change_header(self) -> str:
        """'Verandering t.o.v. 2017H1'."""
        return f"{self.label('change')} {self.baseline}"

    # --- tables -----------------------------------------------------------------------------------

    def _value_columns(self, unit: Unit, group: str | None) -> list[Column]:
        # a count shows whole; a rate one decimal, two where the row's values are below 1
        kind = ColumnKind.count if unit is Unit.count else ColumnKind.value
        then, now = self.value_headers
        return [
            Column("baseline_value", then, kind, group=group),
            Column("value", now, kind, group=group),
        ]

    def indicator(self, indicator: LeagueIndicator) -> Table:
        """One indicator's league, for people: rank, area, the values in the baseline and the period
        (under a heading with the unit), the change and the status; in the result's order."""
        values = self.label("l_values", unit=indicator.unit.label(self.lang))
        columns = [
            Column("rank", self.label("l_rank"), ColumnKind.number),
            Column("area", self.label("l_area"), ColumnKind.text),
            *self._value_columns(indicator.unit, values),
            Column("change_pct", self.change_header(), ColumnKind.percent),
            Column("status", self.label("status"), ColumnKind.label, status_fill=True),
        ]
        rows = [row.model_dump() for row in indicator.rows]  # rank, area, values, change, status
        return Table(indicator.label, columns, rows, self.lang, key=indicator.id)

    def league(self) -> Table:
        """Every indicator and area in one table, for scripts (``league.csv``, JSON ``league``): the
        keys of ``compare --area all --format csv`` plus the indicator's label, unit and goal."""
        k = ColumnKind
        columns = [
            Column("id", self.label("id"), k.text),
            Column("label", self.label("indicator"), k.text),
            Column(UNIT_KEY, self.label("unit"), k.label),
            Column("goal", self.label("goal"), k.label),
            Column("rank", self.label("l_rank"), k.number),
            Column("area", self.label("l_area"), k.text),
            Column("baseline_value", self.value_headers[0], k.value),
            Column("value", self.value_headers[1], k.value),
            Column("change_pct", self.change_header(), k.percent),
            Column("status", self.label("status"), k.label, status_fill=True),
        ]
        rows = [
            {"id": ind.id, "label": ind.label, UNIT_KEY: ind.unit, "goal": ind.goal, **row.model_dump()}
            for ind in self.result.indicators
            for row in ind.rows
        ]
        return Table(self.label("l_title"), columns, rows, self.lang, key="league")

    def ranks(self) -> Table:
        """Each area's rank on every indicator (a column per indicator), areas in the result's order."""
        r = self.result
        columns = [Column("area", self.label("l_area"), ColumnKind.text)]
        columns += [Column(rank_key(i.id), i.label, ColumnKind.number) for i in r.indicators]
        ranks = {(i.id, row.area): row.rank for i in r.indicators for row in i.rows}
        rows = [
            {"area": area, **{rank_key(i.id): ranks.get((i.id, area)) for i in r.indicators}}
            for area in r.areas
        ]
        return Table(self.label("sheet_overview"), columns, rows, self.lang, key="ranks")

    def statuses(self) -> dict[tuple[str, str], Status]:
        """Each (indicator id, area)'s status: the rank overview is coloured by it."""
        return {(i.id, row.area): row.status for i in self.result.indicators for row in i.rows}

    def sources(self) -> Table:
        """Provenance: every stored source, the plan and rules with hashes, version, time, command."""
        return provenance_table(
            self.sources_used, self.provenance, self.generated_at, self.command_line, self.lang
        )

    def tables(self) -> list[Table]:
        """The tables ``export csv`` and ``export json`` write."""
        return [self.league(), self.sources()]

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables as DataFrames for scripts, keyed by table key (``league``, ``sources``)."""
        return {table.key: table.frame() for table in self.tables()}

    def meta(self) -> dict[str, Any]:
        """What the JSON export carries beside its tables: version, time, plan and rules with sha256,
        the selection and its areas in order, the sort, the periods, and every stored source."""
        r = self.result
        return {
            "veilcli_version": __version__,
            "generated_at": self.generated_at.isoformat(),
            **self.provenance.meta(),
            "selection": r.selection,
            "areas": list(r.areas),
            "sort": r.sort,
            "period": r.period,
            "baseline": r.baseline,
            "periods": [r.baseline, r.period],
            "normalisation": {"samenloop": False, "internet": False},  # the league ranks registered figures
            "sources": sources_meta(self.sources_used),
        }

    def document(self) -> dict[str, Any]:
        """The ``export json`` document: ``meta`` and every table's rows, keyed by table key."""
        return {"meta": self.meta(), **{table.key: table.records() for table in self.tables()}}

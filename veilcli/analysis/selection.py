"""What a command looks at: the area (or the league), the period, the baseline, plan and rules.

A ``Selection`` is what the user asked for (None: the default); ``Selection.resolve(snapshot)``
gives the ``Resolved`` selection every analysis function takes, whose defaults are filled in from
the snapshot, each at most once and only when first asked for (so the checks run in the order a
verb asks, and two analyses of one command share them): the period defaults to the latest complete
half-year the store holds, the baseline to the plan's, the area to the plan's (``normalise``: the
store's one municipality). The comparison periods are the baseline, every same part of the year
between, and the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeGuard

import polars as pl

from veilcli.analysis.normalise import roll_up_counts
from veilcli.domain.choices import ALL, CompareBy, Kind, Territory
from veilcli.domain.geography import resolve_areas
from veilcli.domain.groups import shipped_groups
from veilcli.domain.language import Lang, check_lang
from veilcli.domain.periods import Period, PeriodUnit, parse_period
from veilcli.domain.plans import LoadedPlan, load_plan
from veilcli.domain.rules import LoadedRules, Rules, load_rules
from veilcli.errors import UsageError
from veilcli.store.snapshot import Snapshot


def is_league(area: str | None) -> TypeGuard[str]:
    """Whether an ``area`` asks for the league of many areas: ``all`` or a shipped group's name."""
    return area is not None and (area.casefold() == ALL or area in shipped_groups())


@dataclass(frozen=True)
class Selection:
    """What a command looks at, as asked (None: the default, filled in by ``resolve``).

    ``period``: a period as written (``2019H1``) or a ``Period``; ``area``: an area's name or CBS
    code, or a league (``all`` or a shipped group's name, ``league``); ``raw``: registered figures
    without the corrections; ``by``: the area alone or its districts too; ``theme``: one theme of
    the plan; ``sort``: the indicator a league is ranked on; ``lang``: of labels and notes;
    ``territory``: how a merger in the comparison is handled (``geography.territory_members``).
    """

    period: str | Period | None = None
    baseline: int | None = None
    area: str | None = None
    plan_path: Path | None = None
    rules_path: Path | None = None
    raw: bool = False
    by: CompareBy = CompareBy.area
    theme: int | None = None
    sort: str | None = None
    lang: Lang = "en"
    territory: Territory = Territory.auto

    def __post_init__(self) -> None:
        # Text as a script writes it ("district", "today") becomes the choice it names.
        object.__setattr__(self, "by", CompareBy(self.by))
        object.__setattr__(self, "territory", Territory(self.territory))
        check_lang(self.lang)  # a language without a word file: a UsageError naming the languages

    @property
    def league(self) -> str | None:
        """The league asked for (``all`` or a group's name), or None for one area."""
        return self.area if is_league(self.area) else None

    def check_league_or_area(self) -> None:
        """Refuse what the selection's kind has no use for: ``by`` district and ``theme`` in a
        league (``raw`` is what a league always is: registered figures), ``sort`` for one area."""
        if self.league:
            if self.by is not CompareBy.area:
                raise UsageError(
                    "--by district is for one area: a league compares municipalities, not districts."
                )
            if self.theme is not None:
                raise UsageError("--theme is for one area: a league shows every indicator of the plan.")
        elif self.sort is not None:
            raise UsageError(
                "--sort orders the areas of a league.",
                hint="use it with --area all or a group (g10-100000plus).",
            )

    def resolve(self, snapshot: Snapshot) -> Resolved:
        """This selection against a snapshot: its defaults filled in from it when asked for."""
        return Resolved(self, snapshot)


@dataclass(frozen=True, eq=False)
class Resolved:
    """A selection resolved against one snapshot: each default worked out once, when first asked
    for (the plan and rules read once, the latest complete period found once per unit)."""

    selection: Selection
    snapshot: Snapshot = field(repr=False)
    _latest: dict[PeriodUnit, Period] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def plan(self) -> LoadedPlan:
        """The plan (the shipped one unless ``plan_path``)."""
        return load_plan(self.selection.plan_path)

    @cached_property
    def loaded_rules(self) -> LoadedRules:
        """The rules file (the shipped one unless ``rules_path``)."""
        return load_rules(self.selection.rules_path)

    @cached_property
    def rules(self) -> Rules:
        """The rules as applied: without the corrections under ``raw``."""
        rules = self.loaded_rules.rules
        return rules.without_corrections() if self.selection.raw else rules

    @cached_property
    def period(self) -> Period:
        """The period asked for, else the latest complete half-year of the store."""
        period = self.selection.period
        return parse_period(period) if isinstance(period, str) else period or self.latest(PeriodUnit.H)

    @cached_property
    def baseline(self) -> int:
        """The baseline year asked for, else the plan's."""
        baseline = self.selection.baseline
        return baseline if baseline is not None else self.plan.plan.baseline

    @cached_property
    def area(self) -> str:
        """The area asked for, else the plan's, as its stored name; one the store holds nothing
        for is refused (``require_known_area``)."""
        area = resolve_areas([self.selection.area or self.plan.plan.area])[0]
        require_known_area(self.snapshot, area)
        return area

    @cached_property
    def stored_area(self) -> str:
        """The area asked for, else the store's one municipality (``normalise``), refused like
        ``area`` when the store holds nothing for it."""
        area = resolve_areas([self.selection.area])[0] if self.selection.area else default_area(self.snapshot)
        require_known_area(self.snapshot, area)
        return area

    def latest(self, unit: PeriodUnit) -> Period:
        """The latest complete period of ``unit`` in the store (``latest_complete_period``)."""
        if unit not in self._latest:
            self._latest[unit] = latest_complete_period(self.snapshot, unit)
        return self._latest[unit]


def latest_complete_period(snapshot: Snapshot, unit: PeriodUnit = PeriodUnit.H) -> Period:
    """The latest period of ``unit`` the store's registrations (else counts, else survey figures)
    cover to its end.

    A registration source covers up to its recorded span's end (``coverage.py``: the last date,
    widened to its month's end within a week of it, or ``--covers``); sources stored before spans
    were recorded count up to their last registration date. A survey year speaks for its whole year
    (the Veiligheidsmonitor's fieldwork is in the autumn): the period ending the latest survey year
    with a published figure.
    """
    ends = [s.covers_to or s.date_max for s in snapshot.sources(Kind.registrations)]
    last = max((e for e in ends if e is not None), default=None)
    if last is not None:
        period = Period.of(last, unit)
        # The period holding the last date is complete only if the data reach its last day.
        return period if last >= period.end - dt.timedelta(days=1) else period.previous()
    # Counts: the latest period they cover whole at this unit (months add up to a half-year).
    rolled = roll_up_counts(snapshot.scan(Kind.counts), unit).select("period").unique().collect()
    matching = sorted(parse_period(x) for x in rolled["period"].to_list())
    if matching:
        return matching[-1]
    years = survey_years(snapshot)
    if years:
        return Period.of(dt.date(years[-1], 12, 31), unit)
    raise UsageError(
        "the store holds no data to pick a period from.",
        hint="run `veilcli ingest PATH` first, or pass --period 2019H1.",
    )


def survey_years(snapshot: Snapshot, area: str | None = None) -> list[int]:
    """The survey years with a published figure (of ``area``, or a district row naming it as its
    municipality, when given), in order."""
    rows = snapshot.scan(Kind.survey).filter(pl.col("value").is_not_null())
    if area is not None:
        rows = rows.filter((pl.col("area") == area) | (pl.col("municipality") == area))
    years = rows.select(pl.col("year").cast(pl.Int64).unique()).collect()["year"]
    return sorted(years.drop_nulls().to_list())


def has_survey_figure(snapshot: Snapshot, area: str, period: str | Period) -> bool:
    """Whether a survey indicator has a figure for ``area`` in ``period``: a survey year in or before
    the period's year (``survey.latest_year``), so a store of survey figures can be compared."""
    year = (parse_period(period) if isinstance(period, str) else period).year
    return any(y <= year for y in survey_years(snapshot, area))


def comparison_periods(period: Period, baseline_year: int | None) -> list[Period]:
    """Baseline, every same part of the year between, and the period itself."""
    if baseline_year is None:
        return [period]
    if baseline_year < 1990:
        raise UsageError(
            f"--baseline {baseline_year} is not a year veilcli can use.", hint="write it in full: 2017."
        )
    if baseline_year > period.year:
        raise UsageError(f"the baseline {baseline_year} lies after the period {period}.")
    return [period.in_year(year) for year in range(baseline_year, period.year + 1)]


def default_area(snapshot: Snapshot) -> str:
    """The one municipality of the stored registrations (asks for --area when there are several)."""
    stored = (
        snapshot.scan(Kind.registrations).select(pl.col("municipality").unique()).collect()["municipality"]
    )
    areas = sorted(a for a in stored.to_list() if a is not None)
    if len(areas) == 1:
        return areas[0]
    if not areas:
        raise UsageError("no registrations stored, so no default area.", hint="pass --area NAME.")
    raise UsageError(
        f"the store has registrations of {len(areas)} municipalities.",
        hint=f"pass --area ({', '.join(areas[:8])}).",
    )


def require_known_area(snapshot: Snapshot, area: str) -> None:
    """An area the store has nothing for is a typo far more often than a real comparison."""
    if not snapshot.knows_area(area):
        known = snapshot.known_areas
        shown = ", ".join(sorted(known)[:12]) or "none: run `veilcli ingest PATH` first"
        raise UsageError(f"the store has no data for area {area!r}.", hint=f"areas in the store: {shown}.")

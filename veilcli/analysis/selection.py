"""What a command looks at: the area, the period, the baseline and the periods between.

Defaults are resolved here, once, for every verb: the period defaults to the latest complete
half-year the store holds; the comparison periods are the baseline, every same part of the year
between, and the period.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from veilcli.analysis.normalise import roll_up_counts
from veilcli.domain.models import Kind
from veilcli.domain.periods import Period, PeriodUnit, parse_period
from veilcli.errors import UsageError
from veilcli.store.snapshot import Snapshot


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
    known = snapshot.known_areas
    if area not in known:
        shown = ", ".join(sorted(known)[:12]) or "none: run `veilcli ingest PATH` first"
        raise UsageError(f"the store has no data for area {area!r}.", hint=f"areas in the store: {shown}.")

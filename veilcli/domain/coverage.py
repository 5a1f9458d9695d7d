"""What each stored source covers: its date span, its areas and its category scope.

A figure is only scored when the sources that feed it cover the whole period and baseline
(DESIGN §2). For registration-level sources (registrations, suspects) that is known per source:

- **span**: given at ingest (``--covers 2013-01-01..2017-09-21``), else inferred from the data
  (``infer_span``): a source covers the months it holds data for. From its rate (registrations
  per day over the days it holds) an empty stretch is judged by the chance of seeing nothing there
  if the source did cover it, ``exp(-rate x days)`` (Poisson). A whole calendar month without a
  registration inside the span is a **gap** when that chance is below ``ALPHA`` (two extracts
  pasted together, 2017 and 2019, leave 2018 uncovered). The **edges** are the first and last
  registration dates, widened to the edge of their month (within ``EDGE_DAYS``) only where the
  data cannot tell: where the chance of the missing days being empty is at least ``ALPHA``
  (an extract ending on 24 June at 4-5 a day does not cover June's last six days; one of a few
  registrations a month does).
- **scope**: given at ingest (``--scope crime``, ``--scope 1.2.3,1.2.1``), else inferred
  (``infer_scope``): a source is a complete crime extract (``crime``) only when it holds what a
  complete extract holds: at least ``MIN_CRIME_CODES`` distinct crime categories, in every one of
  the police's main groups (1 property and violence, 2 damage and public order, 3 traffic, drugs,
  weapons, fraud and other), violence (``1.4.x``) among them, group 3 in at least
  ``MIN_GROUP3_SUBGROUPS`` of its subgroups, and in proportions no partial extract has: group 2,
  group 3 and violence each at least ``MIN_GROUP_SHARE`` of the crime rows (in Almere's registered
  crime they are about 21%, 18% and 11%). A theft-and-damage extract is none of that: it covers its
  own categories, so a crime total then needs a total row or ``--scope crime``. A source with at
  least ``MIN_NUISANCE_CODES`` nuisance codes is a complete nuisance extract (``nuisance``).
- **areas**: the municipalities its rows are in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import crime_codes, nuisance_codes
from veilcli.domain.models import SourceRecord
from veilcli.domain.plans import ALL_CRIMES, ALL_NUISANCE
from veilcli.errors import UsageError

EDGE_DAYS = 7
# The chance below which an empty stretch says the source does not cover it (one in a thousand: a
# source of 60 months at the threshold rate shows a false gap about once in 17 extracts).
ALPHA = 0.001
MIN_CRIME_CODES = 10
MIN_GROUP3_SUBGROUPS = 2
MIN_GROUP_SHARE = 0.03
MIN_NUISANCE_CODES = 3


def infer_scope(codes: Mapping[str, int] | Iterable[str | None]) -> list[str]:
    """The scope of a source from the categories it holds, with their rows where known (a plain list
    of codes weighs each code once); see the module docstring."""
    rows = dict(codes) if isinstance(codes, Mapping) else {c: 1 for c in codes if c}
    present = {c for c, n in rows.items() if c and n}
    crime, nuisance = set(crime_codes()), set(nuisance_codes())
    held_crime = present & crime
    scope: set[str] = present - crime - nuisance
    scope |= {ALL_CRIMES} if _complete_crime(held_crime, rows) else held_crime
    held_nuisance = present & nuisance
    scope |= {ALL_NUISANCE} if len(held_nuisance) >= MIN_NUISANCE_CODES else held_nuisance
    return sorted(scope)


def _complete_crime(held: set[str], rows: Mapping[str, int]) -> bool:
    if len(held) < MIN_CRIME_CODES or {c.split(".")[0] for c in held} != {"1", "2", "3"}:
        return False
    if len({c.rsplit(".", 1)[0] for c in held if c.startswith("3.")}) < MIN_GROUP3_SUBGROUPS:
        return False
    total = sum(rows[c] for c in held)
    shares = [sum(rows[c] for c in held if c.startswith(prefix)) / total for prefix in ("2.", "3.", "1.4.")]
    return min(shares) >= MIN_GROUP_SHARE


def parse_scope(text: str) -> list[str]:
    """``--scope``: ``crime``, ``nuisance`` and/or category codes, comma separated."""
    known = {*crime_codes(), *nuisance_codes(), ALL_CRIMES, ALL_NUISANCE}
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in parts if p not in known]
    if not parts or unknown:
        raise UsageError(
            f"--scope {text!r}: {'unknown categories: ' + ', '.join(unknown) if unknown else 'empty'}.",
            hint='give "crime" (every crime category), "nuisance", or category codes such as 1.2.3,E35.',
        )
    return sorted(set(parts))


def parse_covers(text: str) -> tuple[dt.date, dt.date]:
    """``--covers 2013-01-01..2017-09-21``: the first and last day a source covers."""
    match = re.fullmatch(r"\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*", text)
    try:
        if not match:
            raise ValueError
        start, end = dt.date.fromisoformat(match.group(1)), dt.date.fromisoformat(match.group(2))
    except ValueError:
        raise UsageError(
            f"--covers {text!r} is not a date span.", hint="write FIRST..LAST, e.g. 2013-01-01..2017-09-21."
        ) from None
    if end < start:
        raise UsageError(f"--covers {text!r}: the last day is before the first.")
    return start, end


def inferred_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The span of data from ``first`` to ``last`` when nothing is known of their volume: widened to
    the month's edges within EDGE_DAYS (see ``infer_span`` for the rule that uses the volume)."""
    start, end, _ = infer_span(first, last, {})
    return start, end


Gap = tuple[dt.date, dt.date]


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def empty_is_plausible(rate: float | None, days: int) -> bool:
    """Whether ``days`` without any registration are plausible at ``rate`` a day (chance >= ALPHA);
    an unknown rate cannot tell, so it is plausible."""
    return rate is None or math.exp(-rate * days) >= ALPHA


def infer_span(
    first: dt.date, last: dt.date, months: dict[dt.date, int]
) -> tuple[dt.date, dt.date, list[Gap]]:
    """The span and the gaps of a source whose registrations run from ``first`` to ``last``, with
    ``months`` its rows per month (first day of the month -> rows; empty: volume unknown).

    The rate is the rows per day over the days of the months that hold data (within the span). See
    the module docstring for the rule.
    """
    held = {m: n for m, n in months.items() if n}
    rate = None
    if held:
        days = sum((min(_month_end(m), last) - max(m, first)).days + 1 for m in held)
        rate = sum(held.values()) / max(days, 1)
    before = first.day - 1
    start = first.replace(day=1) if before < EDGE_DAYS and empty_is_plausible(rate, before) else first
    after = (_month_end(last) - last).days
    end = _month_end(last) if after < EDGE_DAYS and empty_is_plausible(rate, after) else last
    gaps: list[Gap] = []
    month = _next_month(first)
    while month < last.replace(day=1):
        days = (_month_end(month) - month).days + 1
        if held and not held.get(month) and not empty_is_plausible(rate, days):
            if gaps and gaps[-1][1] + dt.timedelta(days=1) == month:
                gaps[-1] = (gaps[-1][0], _month_end(month))
            else:
                gaps.append((month, _month_end(month)))
        month = _next_month(month)
    return start, end, gaps


def describe_coverage(start: dt.date, end: dt.date, gaps: list[Gap] | None) -> str:
    """A source's span in words: ``2017-01-01..2019-12-31 except 2018-01-01..2018-12-31``."""
    text = f"{start}..{end}"
    if gaps:
        text += " except " + ", ".join(f"{a}..{b}" for a, b in gaps)
    return text


def day_counts(dates: pl.Series) -> pl.DataFrame:
    """Rows per day of a column of dates (nulls left out): the date column and ``count``."""
    return dates.drop_nulls().value_counts(name="count")


def month_counts(dates: pl.Series, days: pl.DataFrame | None = None) -> dict[dt.date, int]:
    """Rows per month (first day of the month -> rows) of a column of dates (``days``: its
    ``day_counts``, when known already)."""
    # Counted per day first, then per month: the month of a few thousand days, not of every row.
    days = day_counts(dates) if days is None else days
    found = days.group_by(pl.col(days.columns[0]).dt.truncate("1mo")).agg(pl.col("count").sum())
    return dict(zip(found[found.columns[0]].to_list(), found["count"].to_list(), strict=True))


@dataclass(frozen=True)
class Span:
    """What one source covers."""

    source: str  # the original path, for messages
    start: dt.date
    end: dt.date
    areas: frozenset[str] | None  # None: unknown (any area)
    scope: frozenset[str]
    gaps: tuple[Gap, ...] = ()  # months inside the span the source does not cover

    def intervals(self, start: dt.date, end: dt.date) -> list[Gap]:
        """The parts of [start, end] the source covers: its span without its gaps."""
        parts, cursor = [], max(self.start, start)
        last = min(self.end, end)
        for a, b in self.gaps:
            if b < cursor or a > last:
                continue
            if a > cursor:
                parts.append((cursor, a - dt.timedelta(days=1)))
            cursor = b + dt.timedelta(days=1)
        if cursor <= last:
            parts.append((cursor, last))
        return parts

    def includes(self, code: str) -> bool:
        """Whether the source covers category ``code``."""
        return (
            code in self.scope
            or (ALL_CRIMES in self.scope and code in _crime())
            or (ALL_NUISANCE in self.scope and code in _nuisance())
        )


def _crime() -> frozenset[str]:
    return frozenset(crime_codes())


def _nuisance() -> frozenset[str]:
    return frozenset(nuisance_codes())


def spans(sources: list[SourceRecord], kind: Kind, scope_of: dict[str, list[str]]) -> list[Span]:
    """The spans of the sources of ``kind``; ``scope_of`` gives the inferred scope of sources stored
    before veilcli recorded one (by source id)."""
    result = []
    for s in sources:
        if s.kind is not kind:
            continue
        start, end = s.covers_from, s.covers_to
        if (start is None or end is None) and s.date_min and s.date_max:
            start, end = inferred_span(s.date_min, s.date_max)
        if start is None or end is None:
            continue  # no rows with dates: covers nothing
        scope = s.scope if s.scope is not None else scope_of.get(s.id, [])
        areas = frozenset(s.areas) if s.areas is not None else None
        result.append(Span(s.path, start, end, areas, frozenset(scope), tuple(s.gaps or ())))
    return result


def covered_days(spans_: list[Span], area: str, codes: list[str], start: dt.date, end: dt.date) -> int:
    """Days of [start, end] that sources for ``area`` cover for every one of ``codes`` (the least
    covered code counts)."""
    if not codes:
        return 0
    least = None
    for code in codes:
        intervals = sorted(
            part
            for s in spans_
            if s.includes(code) and (s.areas is None or area in s.areas) and s.start <= end and s.end >= start
            for part in s.intervals(start, end)
        )
        days, reach = 0, start - dt.timedelta(days=1)
        for a, b in intervals:
            if b <= reach:
                continue
            a = max(a, reach + dt.timedelta(days=1))
            days += (b - a).days + 1
            reach = b
        least = days if least is None else min(least, days)
        if least == 0:
            break
    return least or 0


def describe_span(spans_: list[Span], area: str, codes: list[str], start: dt.date, end: dt.date) -> str:
    """The covered part of a period in words, e.g. '2017-07-01..2017-09-21'."""
    parts = sorted(
        part
        for s in spans_
        if all(s.includes(c) for c in codes)
        and (s.areas is None or area in s.areas)
        and s.start <= end
        and s.end >= start
        for part in s.intervals(start, end)
    )
    return ", ".join(f"{a}..{b}" for a, b in parts) or "nothing"


def rollup_coverage(parts: pl.DataFrame, codes: list[str], periods: list[str]) -> pl.DataFrame:
    """(area, period, coverage, missing) for counts summed from parts (``normalise.rollup_parts``):
    a roll-up is complete only when it holds every part that any of ``periods`` holds (for the
    categories ``codes``), so a buurt present in the baseline and missing in the period makes the
    period's figure incomplete (its share of the parts) and names the buurt. A stored wijk stands
    for all its buurten (and a wijk summed from some of its buurten for itself: nothing tells what
    it lacks). Areas and periods not returned are whole (coverage 1)."""
    if parts.is_empty():  # nothing summed from parts (no wijk or buurt counts stored): all whole
        return pl.DataFrame(schema=_ROLLUP_SCHEMA)
    wijk = pl.concat_str(pl.lit("WK"), pl.col("part").str.slice(2, 6))
    # One query: the frames are small, and each eager step is a query of its own (~18 a call).
    held = (
        parts.lazy()
        .filter(pl.col("category").is_in(codes), pl.col("period").is_in(periods))
        .select("area", "period", "category", "part")
        .with_columns(wijk.alias("wijk"))
    )
    union = held.select("area", "category", "part", "wijk").unique()
    grid = held.select("area", "period").unique().join(union, on="area", how="inner")
    found = grid.join(
        held.rename({"part": "__held"}), on=["area", "period", "category", "wijk"], how="inner"
    ).filter(
        (pl.col("__held") == pl.col("part"))
        | pl.col("__held").str.starts_with("WK")
        | pl.col("part").str.starts_with("WK")
    )
    present = found.select("area", "period", "category", "part").unique()
    missing = grid.join(present, on=["area", "period", "category", "part"], how="anti")
    return (
        grid.group_by("area", "period")
        .len("__parts")
        .join(present.group_by("area", "period").len("__present"), on=["area", "period"], how="left")
        .join(
            missing.group_by("area", "period").agg(pl.col("part").unique().sort().alias("missing")),
            on=["area", "period"],
            how="left",
        )
        .with_columns((pl.col("__present").fill_null(0) / pl.col("__parts")).alias("coverage"))
        .filter(pl.col("coverage") < 1)
        .select("area", "period", "coverage", "missing")
        .collect(engine="in-memory")
        .cast(_ROLLUP_SCHEMA)
    )


_ROLLUP_SCHEMA = pl.Schema(
    {"area": pl.String(), "period": pl.String(), "coverage": pl.Float64(), "missing": pl.List(pl.String())}
)

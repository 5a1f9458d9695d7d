"""What each stored source covers: its date span, its areas and its category scope.

A figure is only scored when the sources that feed it cover the whole period and baseline
(DESIGN §2). For registration-level sources (registrations, suspects) that is known per source:

- **span**: given at ingest (``--covers 2013-01-01..2017-09-21``), else inferred from the data:
  from the first to the last registration date, each widened to the edge of its month when it
  lies within ``EDGE_DAYS`` days of it (an extract of whole months whose first registration is
  on 2 January covers January; one that ends on 21 September does not cover September).
- **scope**: given at ingest (``--scope crime``, ``--scope 1.2.3,1.2.1``), else inferred: a source
  with at least ``MIN_CRIME_CODES`` distinct crime categories in at least ``MIN_CRIME_GROUPS`` of
  the police's main groups (1 property/violence, 2 public order/environment, 3 other) is a complete
  crime extract (``crime``); one with at least ``MIN_NUISANCE_CODES`` nuisance codes a complete
  nuisance extract (``nuisance``); otherwise it covers only the categories it holds. A one- or
  few-category extract (bicycle theft only) is never taken for a complete one.
- **areas**: the municipalities its rows are in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from veilcli.domain.classification import crime_codes, nuisance_codes
from veilcli.domain.models import Kind, SourceRecord
from veilcli.domain.plans import ALL_CRIMES, ALL_NUISANCE
from veilcli.errors import UsageError

EDGE_DAYS = 7
MIN_CRIME_CODES = 10
MIN_CRIME_GROUPS = 2
MIN_NUISANCE_CODES = 3


def infer_scope(codes: Iterable[str | None]) -> list[str]:
    """The scope of a source from the categories it holds (see the module docstring)."""
    present = {c for c in codes if c}
    crime, nuisance = set(crime_codes()), set(nuisance_codes())
    held_crime = present & crime
    scope: set[str] = present - crime - nuisance
    if len(held_crime) >= MIN_CRIME_CODES and len({c.split(".")[0] for c in held_crime}) >= MIN_CRIME_GROUPS:
        scope.add(ALL_CRIMES)
    else:
        scope |= held_crime
    held_nuisance = present & nuisance
    scope |= {ALL_NUISANCE} if len(held_nuisance) >= MIN_NUISANCE_CODES else held_nuisance
    return sorted(scope)


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
    """The span data from ``first`` to ``last`` stand for (widened to month edges within EDGE_DAYS)."""
    start = first.replace(day=1) if first.day <= EDGE_DAYS else first
    month_end = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    end = month_end if (month_end - last).days < EDGE_DAYS else last
    return start, end


@dataclass(frozen=True)
class Span:
    """What one source covers."""

    source: str  # the original path, for messages
    start: dt.date
    end: dt.date
    areas: frozenset[str] | None  # None: unknown (any area)
    scope: frozenset[str]

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
        result.append(
            Span(s.path, start, end, frozenset(s.areas) if s.areas is not None else None, frozenset(scope))
        )
    return result


def covered_days(spans_: list[Span], area: str, codes: list[str], start: dt.date, end: dt.date) -> int:
    """Days of [start, end] that sources for ``area`` cover for every one of ``codes`` (the least
    covered code counts)."""
    if not codes:
        return 0
    least = None
    for code in codes:
        intervals = sorted(
            (max(s.start, start), min(s.end, end))
            for s in spans_
            if s.includes(code) and (s.areas is None or area in s.areas) and s.start <= end and s.end >= start
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
        (max(s.start, start), min(s.end, end))
        for s in spans_
        if all(s.includes(c) for c in codes)
        and (s.areas is None or area in s.areas)
        and s.start <= end
        and s.end >= start
    )
    return ", ".join(f"{a}..{b}" for a, b in parts) or "nothing"

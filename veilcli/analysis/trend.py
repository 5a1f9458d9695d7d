"""`trend`: indicators over every period the store holds, registered and underlying.

The series runs from the first period any source covers to the latest complete one, at the
chosen unit (half-years by default). Each point is the registered value and the value after the
samenloop correction (the underlying point), with the covered fraction of the period: a period
the sources cover only in part is shown with its coverage, never as if it were whole. There is
no goal status here: a trend is not a comparison with the baseline.
"""

from __future__ import annotations

import polars as pl

from veilcli.analysis.compare import Evaluator, build_tables, territories
from veilcli.analysis.results.trend import TrendPoint, TrendResult, TrendSeries
from veilcli.analysis.selection import Resolved
from veilcli.analysis.shared import SharedGroupings
from veilcli.domain.choices import Kind
from veilcli.domain.kinds import facts
from veilcli.domain.periods import Period, PeriodUnit, parse_period
from veilcli.errors import UsageError
from veilcli.store.snapshot import Snapshot


def first_period(snapshot: Snapshot, unit: PeriodUnit) -> Period | None:
    """The first period of ``unit`` any stored source covers (registration spans, count periods)."""
    starts = [s.covers_from or s.date_min for s in snapshot.sources() if facts(s.kind).registration_level]
    dates = [d for d in starts if d is not None]
    counts = snapshot.scan(Kind.counts).select(pl.col("period").min()).collect().item()
    if counts:
        dates.append(parse_period(counts).start)
    return Period.of(min(dates), unit) if dates else None


def trend(
    snapshot: Snapshot,
    selection: Resolved,
    indicators: list[str] | None = None,
    unit: PeriodUnit | str = PeriodUnit.H,
    shared: SharedGroupings | None = None,
) -> TrendResult:
    """The plan's indicators (or the ones named by id) over every period the store holds, at
    ``unit``, the area on the territory the selection says over the whole series
    (``compare.territories``); ``shared``: the registrations and suspects grouped once for this
    and other analyses of the snapshot (``analysis/shared.py``)."""
    unit = PeriodUnit(unit)
    loaded_plan = selection.plan
    plan = loaded_plan.plan
    chosen = [i for i in plan.indicators if not indicators or i.id in indicators]
    unknown = sorted(set(indicators or []) - {i.id for i in plan.indicators})
    if unknown:
        raise UsageError(
            f"not an indicator of the plan: {', '.join(unknown)}.",
            hint=f"the plan's indicators: {', '.join(i.id for i in plan.indicators)}.",
        )
    rules, raw, lang = selection.rules, selection.selection.raw, selection.selection.lang
    area = selection.area
    last = selection.latest(unit)
    start = first_period(snapshot, unit)
    if start is None or start > last:
        raise UsageError(
            "the store holds no complete period to show.", hint="run `veilcli ingest PATH` first."
        )
    periods = [start]
    while periods[-1] < last:
        periods.append(periods[-1].next())
    labels = [str(p) for p in periods]
    members = territories([area], periods, selection.selection.territory)
    wanted = list(dict.fromkeys(m for ms in members[area].values() for m in ms))
    tables = build_tables(snapshot, wanted, rules, unit, labels, loaded_plan, None, shared)
    evaluator = Evaluator(tables, labels, loaded_plan, rules, raw, lang, members=members)
    evaluator.prefetch(chosen, [[area]], with_benchmarks=False)
    result = []
    for indicator in chosen:
        frame = evaluator.series(indicator, [area])
        points = [
            TrendPoint(
                period=r["period"],
                count=r["raw"],
                value=r["raw_value"],
                underlying_count=None if raw else r["after_samenloop"],
                underlying_value=None if raw else r["after_samenloop_value"],
                coverage=r["coverage"],
            )
            for r in frame.to_dicts()
        ]
        result.append(TrendSeries(id=indicator.id, label=indicator.label, unit=indicator.unit, points=points))
    return TrendResult(
        area=area, unit=unit, periods=labels, plan_file=str(loaded_plan.path), indicators=result
    )

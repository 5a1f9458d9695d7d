"""`analysis/shared.py`: report html's compare and trend from one grouping, each as it is alone."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from tests.test_normalise import RULES
from tests.test_normalise_properties import frame, rows_strategy
from veilcli import api
from veilcli.analysis.compare import compare
from veilcli.analysis.normalise import aggregate_registrations, correct_registrations, group_registrations
from veilcli.analysis.selection import Selection
from veilcli.analysis.shared import SharedGroupings
from veilcli.analysis.trend import trend
from veilcli.domain.periods import PeriodUnit
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths

HALVES = ["2017H1", "2017H2", "2018H1", "2018H2", "2019H1", "2019H2"]


@settings(max_examples=60, deadline=None)
@given(rows_strategy, st.lists(st.sampled_from(HALVES), min_size=1, max_size=4, unique=True), st.booleans())
def test_a_period_s_figures_do_not_depend_on_the_periods_grouped_with_it(
    rows: list[tuple], periods: list[str], raw: bool
) -> None:
    """One grouping of every period, cut to some periods, equals the aggregation of those periods
    alone: events that span periods included (what ``SharedGroupings`` rests on)."""
    rules = RULES.without_corrections() if raw else RULES
    periods = sorted(periods)
    alone = aggregate_registrations(frame(rows), rules, unit="H", baseline=periods[0], periods=periods)
    every = group_registrations(frame(rows), rules, unit="H")
    cut = correct_registrations(every, rules, baseline=periods[0], periods=periods)
    assert_frame_equal(cut, alone)
    assert cut.filter(pl.col("period").is_in(periods)).height == cut.height


def _both(store: api.Store, plan: Path, **asked: object) -> tuple[dict, dict, dict, dict, list[str]]:
    """Compare and trend of one selection alone, then with one ``SharedGroupings``; and the kinds
    of the groupings the shared one made."""
    with store.snapshot() as snapshot:
        chosen = Selection(plan_path=plan, **asked).resolve(snapshot)  # type: ignore[arg-type]
        alone = compare(snapshot, chosen), trend(snapshot, chosen)
        shared = SharedGroupings(snapshot, PeriodUnit.H)
        together = compare(snapshot, chosen, shared), trend(snapshot, chosen, shared=shared)
    dumps = [r.model_dump(mode="json") for r in (*alone, *together)]
    return dumps[0], dumps[1], dumps[2], dumps[3], [g.kind.value for g in shared._groupings]


def test_compare_and_trend_share_one_grouping_of_the_same_rows(plan_store: tuple[api.Store, Path]) -> None:
    store, plan = plan_store
    for raw in (False, True):
        compared, trended, compared_shared, trended_shared, groupings = _both(
            store, plan, period="2019H1", raw=raw
        )
        assert compared_shared == compared and trended_shared == trended
        # The benchmarks A and B have counts only: the comparison reads Testdorp's rows, as the trend.
        assert groupings == ["registrations", "suspects"]
    # A comparison of years groups its own (as alone); the trend's half-years are grouped once.
    compared, trended, compared_shared, trended_shared, groupings = _both(store, plan, period="2019")
    assert compared_shared == compared and trended_shared == trended
    assert groupings == ["registrations", "suspects"]


def test_rows_the_trend_does_not_read_keep_their_groupings_apart(
    plan_store: tuple[api.Store, Path], tmp_path: Path
) -> None:
    """An event with a registration in Testdorp and a heavier one in benchmark member A: the
    comparison (which reads A's rows too) counts it once, in A; the trend of Testdorp alone reads
    Testdorp's row only. Shared, each must still give what it gives alone."""
    store, plan = plan_store
    extract = tmp_path / "event.csv"
    extract.write_text(
        "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte;Bronregistratie\n"
        "X1;2019-03-01;1.2.3;Testdorp;Balie;E9\nX2;2019-03-01;1.1.1;A;Balie;E9\n",
        encoding="utf-8",
    )
    assert ingest_paths([extract], store, ReadOptions()).stored
    compared, trended, compared_shared, trended_shared, groupings = _both(store, plan, period="2019H1")
    bikes = next(i for i in compared["indicators"] if i["id"] == "fiets")
    bike_trend = next(s for s in trended["indicators"] if s["id"] == "fiets")
    point = next(p for p in bike_trend["points"] if p["period"] == "2019H1")
    # The two ways differ on this event (the comparison collapses across the areas it reads) ...
    assert bikes["underlying"]["counts"]["2019H1"] == point["underlying_count"] - 1
    # ... and sharing changes neither: the trend groups its own registrations (A has no suspects).
    assert compared_shared == compared and trended_shared == trended
    assert groupings == ["registrations", "suspects", "registrations"]

"""`compare` against rates, changes, statuses and p-values worked out by hand on a tiny store."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from tests.conftest import PLAN
from veilcli.analysis.goals import Status, rate_p_value, status
from veilcli.analysis.results.compare import CompareResult
from veilcli.api import compare
from veilcli.cli import app
from veilcli.domain.plans import Goal
from veilcli.errors import InputError, StoreError
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

SCHEMAS = Path(__file__).parent.parent / "schemas"


def by_id(result: CompareResult) -> dict:  # type: ignore[type-arg]
    return {i.id: i for i in result.indicators}


def test_rates_changes_and_statuses_by_hand(plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    result = compare(store, period="2019H1", plan_path=plan)
    assert result.periods == ["2017H1", "2018H1", "2019H1"]
    ind = by_id(result)
    # 10 / 5,000 dwellings x 1,000 = 2.0; 8 / 4,000 x 1,000 = 2.0: exactly 0%: a decrease goal is not met
    assert ind["inbraak"].values == {"2017H1": 2.0, "2018H1": None, "2019H1": 2.0}
    assert ind["inbraak"].change_pct == 0.0 and ind["inbraak"].status is Status.not_achieved
    # 5 / 10,000 x 1,000 = 0.5; 6 / 12,000 x 1,000 = 0.5: exactly 0%: "must not rise" is met
    assert ind["fiets"].values["2019H1"] == 0.5 and ind["fiets"].status is Status.achieved
    # 20 / 10,000 -> 30 / 12,000: 2.0 -> 2.5 per 1,000: +25%
    assert ind["vernieling"].values["2017H1"] == 2.0 and ind["vernieling"].values["2019H1"] == 2.5
    assert ind["vernieling"].change_pct == pytest.approx(25.0)
    assert ind["vernieling"].status is Status.not_achieved
    # no 2018H1 data: never a made-up 0
    assert ind["vernieling"].counts["2018H1"] is None
    assert any(n.code == "no_data_period" and n.params["period"] == "2018H1" for n in ind["vernieling"].notes)
    # monitor: 4 / 10,000 -> 4 / 12,000: -16.7%, no goal
    assert ind["overlast"].change_pct == pytest.approx((4 / 12 / (4 / 10) - 1) * 100)
    assert ind["overlast"].status is Status.monitor


def test_missing_population_is_no_data(plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    youth = by_id(compare(store, period="2019H1", plan_path=plan))["jeugd"]
    assert youth.values["2017H1"] is None and youth.status is Status.no_data
    assert any("no number of youths aged 12-24 for Testdorp 2017" in n.message for n in youth.notes)


def test_benchmark_pooled_over_members(plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    bench = by_id(compare(store, period="2019H1", plan_path=plan))["inbraak"].benchmarks["AB"]
    # (30 + 10) / (10,000 + 10,000) x 1,000 = 2.0 -> (20 + 10) / 20,000 x 1,000 = 1.5: -25%
    assert bench.values["2017H1"] == pytest.approx(2.0) and bench.values["2019H1"] == pytest.approx(1.5)
    assert bench.change_pct == pytest.approx(-25.0)


def _binomial_two_sided(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial p-value (sum of outcomes no more likely than k), written out by hand."""
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(x for x in pmf if x <= pmf[k] * (1 + 1e-7)))


def test_p_value_matches_a_hand_computation_and_r(plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    vernieling = by_id(compare(store, period="2019H1", plan_path=plan))["vernieling"]
    # 30 in 12,000 vs 20 in 10,000: given 50, the period's count is Binomial(50, 12/22) under equal rates
    assert vernieling.p_value == pytest.approx(_binomial_two_sided(30, 50, 12_000 / 22_000))
    assert vernieling.significant is False
    # R: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) gives p-value = 0.07967
    assert rate_p_value(11, 800, 21, 3011) == pytest.approx(0.07967, abs=5e-6)


def test_status_rules() -> None:
    assert status(Goal.decrease, 1.99, 2.0) is Status.achieved
    assert status(Goal.decrease, 2.0, 2.0) is Status.not_achieved  # exactly 0%: no decrease
    assert status(Goal.no_increase, 2.0, 2.0) is Status.achieved  # exactly 0%: did not rise
    assert status(Goal.no_increase, 2.01, 2.0) is Status.not_achieved
    assert status(Goal.none, None, None) is Status.monitor
    assert status(Goal.decrease, None, 2.0) is Status.no_data
    # a rare offence: 0 in the baseline, 1 now: the change in % is undefined, the status is not
    assert status(Goal.no_increase, 0.1, 0.0) is Status.not_achieved
    assert status(Goal.no_increase, 0.0, 0.0) is Status.achieved
    assert rate_p_value(3, 0, 1, 1000) is None and rate_p_value(float("nan"), 1, 1, 1) is None


def test_json_validates_against_the_committed_schema(plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    result = CliRunner().invoke(
        app,
        [
            "compare",
            "--period",
            "2019H1",
            "--plan",
            str(plan),
            "--store",
            str(store.root),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "compare-output.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document == json.loads(compare(store, period="2019H1", plan_path=plan).model_dump_json())
    assert set(document) >= {"plan", "area", "period", "baseline", "periods", "normalisation", "indicators"}


def test_csv_one_row_per_indicator_and_period(plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    result = CliRunner().invoke(
        app,
        ["compare", "--period", "2019H1", "--plan", str(plan), "--store", str(store.root), "--format", "csv"],
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 + 5 * 3
    assert lines[0].startswith("id,theme,label,unit,goal,period,count,value")


def test_plan_errors_name_the_line(tmp_path: Path, plan_store: tuple[Store, Path]) -> None:
    store, _ = plan_store
    bad = tmp_path / "bad.toml"
    bad.write_text(PLAN.replace('categories = ["2.2.1"]', 'categories = ["9.9.9"]'), encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"bad.toml: invalid plan file: line 26 \(indicators\[2\]\): unknown categories .9.9.9.",
    ):
        compare(store, period="2019H1", plan_path=bad)
    members = tmp_path / "members.toml"
    # C: neither a known area nor stored: a typo
    members.write_text(PLAN.replace('members = ["A", "B"]', 'members = ["A", "C"]'), encoding="utf-8")
    with pytest.raises(
        InputError, match=r"members.toml line 6: benchmark 'AB': C is neither a known area nor in the store"
    ):
        compare(store, period="2019H1", plan_path=members)
    # GM0050 (Zeewolde): a known area, but nothing stored for it: a note, and the group pooled from
    # the members that have figures (A: 30 -> 20 per 10,000 dwellings), never an error
    members.write_text(PLAN.replace('members = ["A", "B"]', 'members = ["A", "GM0050"]'), encoding="utf-8")
    inbraak = by_id(compare(store, period="2019H1", plan_path=members))["inbraak"]
    assert inbraak.benchmarks["AB"].values["2017H1"] == pytest.approx(3.0)
    assert inbraak.benchmarks["AB"].values["2019H1"] == pytest.approx(2.0)
    assert inbraak.benchmarks["AB"].change_pct == pytest.approx(-100 / 3)
    [missing] = [n for n in inbraak.notes if n.code == "benchmark_no_data"]
    assert missing.params == {"benchmark": ["AB"], "areas": "Zeewolde"}


def test_estimated_youths_are_labelled(tmp_path: Path, plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    youths = tmp_path / "youths.parquet"
    import polars as pl

    pl.DataFrame(
        {
            "Jaar": [2017, 2019],
            "Gebied": ["Testdorp", "Testdorp"],
            "Jongeren 12-24": [2000, 2000],
            "youths_12_24_estimated": [True, True],  # as a --youth-from-15-25 ingest stores them
        }
    ).write_parquet(youths)
    assert ingest_paths([youths], store, ReadOptions()).stored
    result = compare(store, period="2019H1", plan_path=plan, area="Testdorp")
    youth = by_id(result)["jeugd"]
    assert any(n.code == "estimated_youths" and "Testdorp 2019" in n.params["where"] for n in youth.notes)


def test_benchmark_members_by_code_and_shipped_group(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    from veilcli.domain.plans import Benchmark

    assert Benchmark(name="x", members=["GM0034", "RE03"]).areas == ["Almere", "Midden-Nederland"]
    store, _ = plan_store
    plan = tmp_path / "group.toml"
    plan.write_text(PLAN.replace('members = ["A", "B"]', 'group = "g10-100000plus"'), encoding="utf-8")
    # No member of the group is stored: every indicator says so, and the comparison runs.
    inbraak = by_id(compare(store, period="2019H1", plan_path=plan))["inbraak"]
    assert inbraak.benchmarks["AB"].values == {"2017H1": None, "2018H1": None, "2019H1": None}
    [missing] = [n for n in inbraak.notes if n.code == "benchmark_no_data"]
    assert missing.params["benchmark"] == ["AB"] and missing.params["areas"].endswith("(+26)")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text(PLAN.replace('members = ["A", "B"]', 'group = "g99"'), encoding="utf-8")
    with pytest.raises(InputError, match="line 6"):
        compare(store, period="2019H1", plan_path=unknown)


def test_unknown_area_is_a_clear_error(plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    result = CliRunner().invoke(
        app, ["compare", "--area", "Nergens", "--plan", str(plan), "--store", str(store.root)]
    )
    assert (
        result.exit_code == 2
        and "no data for area 'Nergens'" in result.output
        and "Testdorp" in result.output
    )
    result = CliRunner().invoke(app, ["normalise", "--area", "Nergens", "--store", str(store.root)])
    assert result.exit_code == 2 and "no data for area 'Nergens'" in result.output


def test_youths_from_a_separate_file_complement_the_population(
    plan_store: tuple[Store, Path], tmp_path: Path
) -> None:
    """CBS gives inhabitants and dwellings; youths 12-24 come from a file of their own."""
    store, plan = plan_store
    youths = tmp_path / "jongeren.csv"
    youths.write_text(
        "Jaar;Gebied;Jongeren 12-24\n2017;Testdorp;2.000\n2019;Testdorp;2.500\n", encoding="utf-8"
    )
    result = ingest_paths([youths], store, ReadOptions())
    assert result.stored and result.sources[0].kind == "population"
    youth = by_id(compare(store, period="2019H1", plan_path=plan))["jeugd"]
    # one suspect aged 17 in 2017H1 per 2,000 youths: 0.5 per 1,000
    assert youth.values["2017H1"] == pytest.approx(0.5)
    # inhabitants from the first file are still used beside them
    assert by_id(compare(store, period="2019H1", plan_path=plan))["fiets"].values["2019H1"] == 0.5
    contradicting = tmp_path / "anders.csv"
    contradicting.write_text("Jaar;Gebied;Inwoners\n2017;Testdorp;11.000\n", encoding="utf-8")
    with pytest.raises(StoreError, match="already stored from another source"):
        ingest_paths([contradicting], store, ReadOptions())


def test_knows_area_is_membership_of_known_areas(plan_store: tuple[Store, Path]) -> None:
    """``Snapshot.knows_area`` answers as membership of ``known_areas`` does, on every kind's area
    columns."""
    store, _ = plan_store
    with store.snapshot() as snapshot:
        known = snapshot.known_areas
        assert known, "the fixture store names areas"
        for area in [*known, "Nergens", "testdorp", ""]:
            assert snapshot.knows_area(area) is (area in known), area

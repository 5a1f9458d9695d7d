"""Benchmarks that share a member area, each pooled by hand: sum of counts over sum of inhabitants."""

from __future__ import annotations

from pathlib import Path

import pytest

from veilcli.api import compare
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

PLAN = """
name = "Shared members"
area = "Testdorp"
baseline = 2016

[[benchmarks]]
name = "AB"
members = ["Aadorp", "Beedorp"]

[[benchmarks]]
name = "BC"
members = ["Beedorp", "Ceedorp"]

[[benchmarks]]
name = "B"
area = "Beedorp"

[[indicators]]
id = "inbraak"
theme = 1
label = "Inbraak"
categories = ["1.1.1"]
unit = "per_1000_inhabitants"
goal = "decrease"

[[indicators]]
id = "fiets"
theme = 1
label = "Fiets"
categories = ["1.2.3"]
unit = "count"
goal = "none"
"""

# (period, area, category) -> count; inhabitants per area (both years)
COUNTS = {
    ("2016H1", "Testdorp", "1.1.1"): 12, ("2017H1", "Testdorp", "1.1.1"): 9,
    ("2016H1", "Aadorp", "1.1.1"): 30, ("2017H1", "Aadorp", "1.1.1"): 24,
    ("2016H1", "Beedorp", "1.1.1"): 50, ("2017H1", "Beedorp", "1.1.1"): 45,
    ("2016H1", "Ceedorp", "1.1.1"): 7, ("2017H1", "Ceedorp", "1.1.1"): 11,
    ("2016H1", "Testdorp", "1.2.3"): 5, ("2017H1", "Testdorp", "1.2.3"): 6,
    ("2016H1", "Aadorp", "1.2.3"): 100, ("2017H1", "Aadorp", "1.2.3"): 80,
    ("2016H1", "Beedorp", "1.2.3"): 200, ("2017H1", "Beedorp", "1.2.3"): 210,
    ("2016H1", "Ceedorp", "1.2.3"): 40, ("2017H1", "Ceedorp", "1.2.3"): 33,
}  # fmt: skip
INHABITANTS = {"Testdorp": 10_000, "Aadorp": 20_000, "Beedorp": 40_000, "Ceedorp": 5_000}


@pytest.fixture
def store(tmp_path: Path) -> tuple[Store, Path]:
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n"
        + "".join(f"{p};{a};{c};{n}\n" for (p, a, c), n in COUNTS.items()),
        encoding="utf-8",
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n"
        + "".join(f"{y};{a};{n}\n" for y in (2016, 2017) for a, n in INHABITANTS.items()),
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    assert ingest_paths([counts, population], store, ReadOptions()).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    return store, plan


def _pooled_rate(period: str, category: str, members: list[str]) -> float:
    return sum(COUNTS[(period, a, category)] for a in members) / sum(INHABITANTS[a] for a in members) * 1000


def test_benchmarks_sharing_a_member_each_pool_their_own_areas(store: tuple[Store, Path]) -> None:
    store_, plan = store
    result = compare(store_, period="2017H1", plan_path=plan)
    ind = {i.id: i for i in result.indicators}
    members = {"AB": ["Aadorp", "Beedorp"], "BC": ["Beedorp", "Ceedorp"], "B": ["Beedorp"]}
    for period in ("2016H1", "2017H1"):
        assert ind["inbraak"].values[period] == pytest.approx(COUNTS[(period, "Testdorp", "1.1.1")] / 10)
        assert ind["fiets"].values[period] == COUNTS[(period, "Testdorp", "1.2.3")]
        for name, areas in members.items():
            # by hand: AB 2016H1 = (30 + 50) / 60,000 x 1,000 = 1.333...; BC = (50 + 7) / 45,000 x 1,000
            assert ind["inbraak"].benchmarks[name].values[period] == pytest.approx(
                _pooled_rate(period, "1.1.1", areas)
            )
            assert ind["fiets"].benchmarks[name].values[period] == sum(
                COUNTS[(period, a, "1.2.3")] for a in areas
            )
    assert ind["inbraak"].benchmarks["AB"].values["2016H1"] == pytest.approx(80 / 60)
    assert ind["fiets"].benchmarks["BC"].values["2017H1"] == 243

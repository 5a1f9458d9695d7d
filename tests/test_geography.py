"""Municipalities since 2013, the area code tree and comparisons across a merger, by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from veilcli import api
from veilcli.domain.geography import (
    area_level_expr,
    gemeente_of_expr,
    municipalities,
    predecessors,
    territory,
    wijk_of_expr,
)
from veilcli.domain.resources import resolve_areas


def test_every_municipality_resolves_by_code_and_name() -> None:
    table = municipalities()
    assert table.filter(pl.col("last_year").is_null()).height == 342  # on 1 January 2023-2026
    assert resolve_areas(["GM0014", "gm0017", "Haren", "GM0009"]) == [
        "Groningen",
        "Haren",
        "Haren",
        "Ten Boer",
    ]
    # CBS added a province suffix in 2025; files of earlier years say "Hengelo"
    assert resolve_areas(["Hengelo", "GM0164"]) == ["Hengelo (O.)", "Hengelo (O.)"]


def test_code_tree() -> None:
    frame = pl.DataFrame({"area": ["BU00340101", "WK003401", "GM0034", "Almere"]})
    got = frame.select(
        area_level_expr(pl.col("area")).alias("level"),
        wijk_of_expr(pl.col("area")).alias("wijk"),
        gemeente_of_expr(pl.col("area")).alias("gemeente"),
    )
    assert got.rows() == [
        ("buurt", "WK003401", "GM0034"),
        ("wijk", "WK003401", "GM0034"),
        ("gemeente", None, "GM0034"),
        (None, None, None),
    ]


def test_territory_before_and_after_a_merger() -> None:
    assert {p.name for p in predecessors("Groningen")} == {"Haren", "Ten Boer"}
    assert sorted(territory("Groningen", dt.date(2018, 1, 1))) == ["Groningen", "Haren", "Ten Boer"]
    assert territory("Groningen", dt.date(2019, 1, 1)) == ["Groningen"]
    # Weesp joined Amsterdam on 24 March 2022: the first half of 2022 began before it
    assert territory("Amsterdam", dt.date(2022, 1, 1)) == ["Amsterdam", "Weesp"]


PLAN = """
name = "Groningen"
area = "Groningen"
baseline = 2018

[[indicators]]
id = "fiets"
theme = 1
label = "Fietsdiefstal"
categories = ["1.2.3"]
unit = "per_1000_inhabitants"
goal = "no_increase"
"""


def test_a_baseline_before_a_merger_uses_todays_territory(tmp_path: Path) -> None:
    """2018H1 is Groningen + Haren + Ten Boer (merged 1 January 2019), counts and population alike."""
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n"
        "2018H1;GM0014;1.2.3;1000\n2018H1;GM0017;1.2.3;50\n2018H1;GM0009;1.2.3;10\n"
        "2019H1;GM0014;1.2.3;1100\n",
        encoding="utf-8",
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2018;GM0014;202.810\n2018;GM0017;19.000\n2018;GM0009;7.000\n2019;GM0014;231.299\n",
        encoding="utf-8",
    )
    store = api.Store(tmp_path / "store")
    assert api.ingest([counts, population], store).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    [fiets] = api.compare(store, period="2019H1", plan_path=plan).indicators
    # 2018H1: (1000 + 50 + 10) / (202,810 + 19,000 + 7,000) x 1,000 = 4.6327; 2019H1: 1100 / 231,299 x 1,000
    assert fiets.counts == {"2018H1": 1060.0, "2019H1": 1100.0}
    assert fiets.values["2018H1"] == pytest.approx(1060 / 228_810 * 1000)
    assert fiets.values["2019H1"] == pytest.approx(1100 / 231_299 * 1000)
    assert fiets.change_pct == pytest.approx(((1100 / 231_299) / (1060 / 228_810) - 1) * 100)
    [note] = [n for n in fiets.notes if n.code == "merged_territory"]
    assert note.params["period"] == "2018H1" and "Haren" in note.params["members"]


def test_a_former_municipality_without_data_is_flagged(tmp_path: Path) -> None:
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n2018H1;GM0014;1.2.3;1000\n2019H1;GM0014;1.2.3;1100\n",
        encoding="utf-8",
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2018;GM0014;202.810\n2019;GM0014;231.299\n", encoding="utf-8"
    )
    store = api.Store(tmp_path / "store")
    assert api.ingest([counts, population], store).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    [fiets] = api.compare(store, period="2019H1", plan_path=plan).indicators
    # Haren and Ten Boer have no 2018 data: the baseline on the merged territory is incomplete (the
    # part that is there, Groningen's 1000, shown), never no_data and never Groningen alone as if whole.
    assert fiets.counts["2018H1"] == 1000.0 and fiets.status == "incomplete" and fiets.change_pct is None
    # No population of Haren and Ten Boer: the members count alike, 1 of 3 covered.
    assert fiets.coverage["2018H1"] == pytest.approx(1 / 3)
    assert any(n.code == "merged_territory" for n in fiets.notes)
    [missing] = [n for n in fiets.notes if n.code == "territory_member_uncovered"]
    assert missing.params["members"] == "Haren, Ten Boer" and missing.params["period"] == "2018H1"

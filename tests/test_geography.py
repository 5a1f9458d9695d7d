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
    resolve_areas,
    territory,
    wijk_of_expr,
)


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


# --- every code CBS and police tables write (issue 20): Amsterdam's lettered wijken and buurten ----

FIXTURES = Path(__file__).parent / "fixtures"
KWB_AMSTERDAM = FIXTURES / "cbs_downloads" / "Kerncijfers_wijken_en_buurten_2024_02062025_141500.csv"
COUNTS_AMSTERDAM = FIXTURES / "layouts" / "47022NED_TypedDataSet_Amsterdam.csv"


def test_every_area_code_has_its_level() -> None:
    codes = {
        "BU0363AA01": "buurt",  # Amsterdam since 2022: letters in the wijk and buurt parts
        "bu0363aa01": "buurt",
        "WK0363AA  ": "wijk",  # padded as OData writes it
        "BU00340101": "buurt",
        "WK003401": "wijk",
        "GM0363": "gemeente",
        "WP3594": "woonplaats",  # 47015NED: a place, not a municipality
        "RE05  ": "politie-eenheid",
        "PR13": "politieregio",
        "VR13": "veiligheidsregio",
        "CR23": "corop",
        "PV27  ": "provincie",
        "LD03  ": "landsdeel",
        "NL01  ": "land",
        "NL00": "land",
        "Amsterdam": None,
        "WK0363A": None,  # one character short: no code
        "BU0363AA1": None,
        "GM363": None,
        "RE3": None,
    }
    frame = pl.DataFrame({"area": list(codes)})
    assert frame.select(area_level_expr(pl.col("area")).alias("l"))["l"].to_list() == list(codes.values())
    got = frame.select(
        wijk_of_expr(pl.col("area")).alias("w"), gemeente_of_expr(pl.col("area")).alias("g")
    ).rows()
    assert got[0] == ("WK0363AA", "GM0363") and got[2] == ("WK0363AA", "GM0363")
    assert got[5] == (None, "GM0363") and all(row == (None, None) for row in got[6:])


def test_amsterdam_kerncijfers_and_buurt_counts_add_up_to_the_municipality(tmp_path: Path) -> None:
    """A Kerncijfers wijken en buurten download with the code topic (Amsterdam, 2024) and police buurt
    counts: every level is told by its code, the buurten add up to their wijken and to Amsterdam,
    and Amsterdam is compared on them."""
    store = api.Store(tmp_path / "store")
    result = api.ingest([COUNTS_AMSTERDAM, KWB_AMSTERDAM], store)
    assert result.stored and len(result.sources) == 2
    population = store.scan(api.Kind.population).select("area", "inhabitants", "dwellings").collect()
    levels = dict(population.select("area", area_level_expr(pl.col("area")).alias("level")).iter_rows())
    assert levels == {
        "Nederland": None,
        "Amsterdam": None,
        "WK0363AA": "wijk",
        "BU0363AA01": "buurt",
        "BU0363AA02": "buurt",
        "WK0363AB": "wijk",
        "BU0363AB01": "buurt",
        "BU0363AB02": "buurt",
    }
    by_area = {a: (i, d) for a, i, d in population.iter_rows()}
    assert by_area["WK0363AA"] == (4305, 2810) and by_area["BU0363AB02"] == (None, None)  # "." unknown
    [kwb] = [f for f in api.validate([KWB_AMSTERDAM]).files]
    assert any(n.startswith("6 district/neighbourhood row(s)") for n in kwb.notes)  # 2 wijken + 4 buurten

    # status counts the buurten as Amsterdam's, on one line
    coverage = {(r.kind, r.area): r.rows for r in api.status(store).coverage}
    assert coverage[("counts", "Amsterdam (wijken/buurten)")] == 8  # 1.1.1 x 2 years + 0.0.0 x 1 year
    # compare: burglary 2023 = 12 + 9 + 6 + 4 = 31, 2024 = 10 + 7 + 5 + 3 = 25; -19.35%
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'name = "Amsterdam"\narea = "Amsterdam"\nbaseline = 2023\n\n'
        '[[indicators]]\nid = "inbraak"\ntheme = 1\nlabel = "Woninginbraak"\ncategories = ["1.1.1"]\n'
        'unit = "count"\ngoal = "decrease"\n\n'
        '[[indicators]]\nid = "misdrijven"\ntheme = 1\nlabel = "Misdrijven"\ncategories = ["crime"]\n'
        'unit = "count"\ngoal = "none"\n',
        encoding="utf-8",
    )
    inbraak, misdrijven = api.compare(store, period="2024", baseline=2023, plan_path=plan).indicators
    assert inbraak.counts == {"2023": 31.0, "2024": 25.0}
    assert inbraak.change_pct == pytest.approx((25 / 31 - 1) * 100)
    # 2024's total: BU0363AA02 is suppressed, so the sum is unknown, never 140 + 95 + 61
    assert misdrijven.counts["2024"] is None

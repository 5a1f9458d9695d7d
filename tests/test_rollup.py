"""Buurt -> wijk -> gemeente roll-up of counts (``roll_up_counts``).

A hand-made buurt-level police table (the layout of 47018NED/83648NED: ``WijkenEnBuurten`` with
``GM``/``WK``/``BU`` codes): the buurt rows summed to their wijk and gemeente must equal the wijk and
gemeente rows of the same table, and a stored gemeente row is never added to twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from veilcli.analysis.normalise import roll_up_counts
from veilcli.domain.choices import Kind
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

# Almere (GM0034): wijk 01 with buurten 0101 (7) and 0102 (5); wijk 02 with buurt 0201 (10).
# Hand-counted: WK003401 = 12, WK003402 = 10, GM0034 = 22 for 1.1.1 in 2019.
TABLE = [
    ("GM0034    ", "1.1.1", "2019JJ00", 22),
    ("WK003401  ", "1.1.1", "2019JJ00", 12),
    ("WK003402  ", "1.1.1", "2019JJ00", 10),
    ("BU00340101", "1.1.1", "2019JJ00", 7),
    ("BU00340102", "1.1.1", "2019JJ00", 5),
    ("BU00340201", "1.1.1", "2019JJ00", 10),
]


def frame(rows: list[tuple[str, str, str, int | None]]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "period": [r[2][:4] for r in rows],
            "area": ["Almere" if r[0].startswith("GM0034") else r[0].strip() for r in rows],
            "category_code": [r[1] for r in rows],
            "count": [r[3] for r in rows],
            "internet_count": [None] * len(rows),
        },
        schema={
            "period": pl.String,
            "area": pl.String,
            "category_code": pl.String,
            "count": pl.Int64,
            "internet_count": pl.Int64,
        },
    )


def totals(rolled: pl.LazyFrame) -> dict[str, int | None]:
    out = rolled.collect().sort("area")
    return dict(zip(out["area"], out["count"], strict=True))


def test_buurt_counts_sum_to_the_wijk_and_gemeente_rows_of_the_same_table() -> None:
    published = totals(roll_up_counts(frame(TABLE), "Y"))
    buurten_only = [r for r in TABLE if r[0].startswith("BU")]
    rolled = totals(roll_up_counts(frame(buurten_only), "Y"))
    assert (
        rolled
        == published
        == {
            "Almere": 22,
            "WK003401": 12,
            "WK003402": 10,
            "BU00340101": 7,
            "BU00340102": 5,
            "BU00340201": 10,
        }
    )


def test_a_stored_row_wins_and_is_never_added_to_twice() -> None:
    # The gemeente row says 25 (e.g. registrations without a buurt): it stays 25, not 25 + 22.
    rows = [("GM0034    ", "1.1.1", "2019JJ00", 25), *[r for r in TABLE if not r[0].startswith("GM")]]
    assert totals(roll_up_counts(frame(rows), "Y"))["Almere"] == 25
    # Wijken only: the gemeente is their sum; a wijk with stored and buurt rows counts once.
    wijken = [r for r in TABLE if not r[0].startswith("GM")]
    assert totals(roll_up_counts(frame(wijken), "Y"))["Almere"] == 22
    # One wijk stored, the other only as buurten: 12 + 10.
    mixed = [TABLE[1], TABLE[3], TABLE[4], TABLE[5]]
    assert totals(roll_up_counts(frame(mixed), "Y"))["Almere"] == 22


def test_a_suppressed_buurt_makes_the_sum_unknown() -> None:
    rows = [TABLE[3], ("BU00340102", "1.1.1", "2019JJ00", None), TABLE[5]]
    rolled = totals(roll_up_counts(frame(rows), "Y"))
    assert rolled["WK003401"] is None and rolled["Almere"] is None and rolled["WK003402"] == 10


def test_buurt_level_open_data_ingested_gives_municipality_counts(tmp_path: Path, store_dir: Path) -> None:
    path = tmp_path / "83648NED_TypedDataSet.json"
    rows = [
        {"ID": i, "SoortMisdrijf": f"{code} ", "WijkenEnBuurten": area, "Perioden": period,
         "GeregistreerdeMisdrijven_1": count}
        for i, (area, code, period, count) in enumerate(TABLE)
        if area.startswith("BU")
    ]  # fmt: skip
    document = {
        "odata.metadata": "https://dataderden.cbs.nl/ODataApi/OData/83648NED/$metadata#TypedDataSet",
        "value": rows,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    store = Store(store_dir)
    ingest_paths([path], store, ReadOptions())
    rolled = totals(roll_up_counts(store.scan(Kind.counts), "Y").filter(pl.col("category") == "1.1.1"))
    assert rolled["Almere"] == 22 and rolled["WK003401"] == 12


ROLLUP_PLAN = """
name = "Roll-up"
area = "Almere"
baseline = 2017

[[indicators]]
id = "inbraak"
theme = 1
label = "Woninginbraak"
categories = ["1.1.1"]
unit = "per_1000_inhabitants"
goal = "decrease"
"""


def test_a_buurt_missing_in_the_period_makes_the_roll_up_incomplete(tmp_path: Path, store_dir: Path) -> None:
    """Buurt-level police open data (83648NED's OData layout) for 2017 and 2019; buurt BU00340102 is
    in 2017 (5) but not in 2019: the 2019 sum (6 + 12 = 18) is of fewer buurten than 2017's
    (7 + 5 + 10 = 22), so the change (-18%, "achieved") would compare two territories. It is
    incomplete and names the buurt; compare and the league agree."""
    from veilcli import api

    buurten = [
        ("BU00340101", "2017JJ00", 7),
        ("BU00340102", "2017JJ00", 5),
        ("BU00340201", "2017JJ00", 10),
        ("BU00340101", "2019JJ00", 6),
        ("BU00340201", "2019JJ00", 12),
    ]
    rows = [
        {"ID": i, "SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": area, "Perioden": period,
         "GeregistreerdeMisdrijven_1": count}
        for i, (area, period, count) in enumerate(buurten)
    ]  # fmt: skip
    path = tmp_path / "83648NED_TypedDataSet.json"
    path.write_text(
        json.dumps(
            {
                "odata.metadata": "https://dataderden.cbs.nl/ODataApi/OData/83648NED/$metadata#TypedDataSet",
                "value": rows,
            }
        ),
        encoding="utf-8",
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2017;GM0034;200.000\n2019;GM0034;200.000\n", encoding="utf-8"
    )
    store = Store(store_dir)
    assert ingest_paths([path, population], store, ReadOptions()).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(ROLLUP_PLAN, encoding="utf-8")
    [inbraak] = api.compare(store, period="2019", plan_path=plan).indicators
    assert inbraak.counts["2017"] == 22.0 and inbraak.counts["2019"] == 18.0
    assert inbraak.status == "incomplete" and inbraak.change_pct is None
    # 2019 holds 2 of the 3 buurten the comparison's periods hold.
    assert inbraak.coverage == {"2017": 1.0, "2018": 0.0, "2019": pytest.approx(2 / 3)}
    [note] = [n for n in inbraak.notes if n.code == "rollup_parts_missing"]
    assert note.params["period"] == "2019" and note.params["parts"] == "BU00340102"
    [row] = api.league(store, period="2019", plan_path=plan).indicators[0].rows
    assert (row.area, row.status, row.value) == ("Almere", "incomplete", pytest.approx(18 / 200))
    # The same buurten in both years: a roll-up like any other figure (22 -> 20: -9.1%).
    rows[-1]["GeregistreerdeMisdrijven_1"] = 9
    rows.append({**rows[1], "ID": 99, "Perioden": "2019JJ00", "GeregistreerdeMisdrijven_1": 5})
    path.write_text(json.dumps({"value": rows}), encoding="utf-8")
    assert api.ingest([path], store, replace=True).stored
    [whole] = api.compare(store, period="2019", plan_path=plan).indicators
    assert whole.counts["2019"] == 20.0 and whole.status == "achieved"
    assert whole.change_pct == pytest.approx((20 / 22 - 1) * 100)

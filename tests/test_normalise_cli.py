"""`veilcli normalise` end to end on a small store, checked against hand-computed values."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from veilcli import api
from veilcli.analysis.corrections import change_split
from veilcli.analysis.selection import latest_complete_period
from veilcli.cli import app
from veilcli.domain.periods import Period
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """2017H1: 1.2.3 with 2 online + 6 desk; 2019H1: 5 online + 9 desk + 1 unknown; one event in 2019."""
    lines = ["Registratienummer;Datum;Soort misdrijf code;Gemeente;Gebeurtenisnummer;Wijze van aangifte"]
    n = 0

    def add(date: str, code: str, channel: str, count: int, event: str = "") -> None:
        nonlocal n
        for _ in range(count):
            n += 1
            lines.append(f"R{n:04d};{date};{code};Almere;{event};{channel}")

    add("2017-03-01", "1.2.3", "Internet", 2)
    add("2017-03-01", "1.2.3", "Balie", 6)
    add("2019-03-01", "1.2.3", "Internet", 5)
    add("2019-03-01", "1.2.3", "Balie", 9)
    add("2019-03-01", "1.2.3", "Onbekend", 1)
    add("2019-06-30", "1.4.6", "Balie", 1, event="E1")  # straatroof with wapenhandel: one event
    add("2019-06-30", "3.1.3", "Balie", 1, event="E1")
    path = tmp_path / "reg.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(tmp_path / "store")
    assert ingest_paths([path], store, ReadOptions()).stored
    return store


def test_json_numbers_by_hand(store: Store) -> None:
    result = runner.invoke(
        app,
        [
            "normalise",
            "--period",
            "2019H1",
            "--baseline",
            "2017",
            "--store",
            str(store.root),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["periods"] == ["2017H1", "2018H1", "2019H1"] and data["normalisation"] == {
        "samenloop": True,
        "internet": True,
    }
    rows = {(r["period"], r["category"]): r for r in data["rows"]}
    bike = rows[("2019H1", "1.2.3")]
    # s0 = 2/8; D = 9, I = 5: min(14, 12) = 12, plus the unknown-channel report: 13
    assert (bike["raw"], bike["after_samenloop"], bike["corrected"]) == (15, 15, 13)
    assert rows[("2019H1", "3.1.3")]["corrected"] == 0 and rows[("2019H1", "1.4.6")]["corrected"] == 1
    [split] = [c for c in data["changes"] if c["category"] == "1.2.3"]
    # no population in this store: changes of counts. raw +87.5% (15/8); after samenloop the same
    # (the point); the internet bound 13/8 = +62.5%: the underlying range is +62.5% .. +87.5%
    assert split["change_of"] == "count"
    assert split["raw_change_pct"] == pytest.approx(87.5)
    assert split["samenloop_pts"] == pytest.approx(0)
    assert split["internet_pts"] == pytest.approx(25)
    assert split["underlying_change_pct"] == pytest.approx(87.5)
    assert split["underlying_low_pct"] == pytest.approx(62.5)


def test_cli_json_equals_the_library(store: Store) -> None:
    cli = runner.invoke(
        app, ["normalise", "--period", "2019H1", "--store", str(store.root), "--format", "json"]
    )
    library = api.normalise(store, period="2019H1", baseline=2017).to_json()
    assert json.loads(cli.stdout) == json.loads(json.dumps(library, default=str))


def test_raw_applies_nothing_and_says_so(store: Store) -> None:
    result = runner.invoke(app, ["normalise", "--period", "2019H1", "--raw", "--store", str(store.root)])
    assert result.exit_code == 0
    assert "no corrections applied" in result.stdout
    data = api.normalise(store, period="2019H1", raw=True)
    assert data.rows["corrected"].to_list() == data.rows["raw"].to_list()
    assert data.applied == {"samenloop": False, "internet": False}


def test_csv_has_one_row_per_category_and_period(store: Store) -> None:
    result = runner.invoke(
        app, ["normalise", "--period", "2019H1", "--store", str(store.root), "--format", "csv"]
    )
    table = pl.read_csv(result.stdout.encode(), infer_schema=False)
    assert {"period", "category", "raw", "after_samenloop", "corrected", "raw_change_pct"} <= set(
        table.columns
    )
    assert table.filter(pl.col("category") == "1.2.3")["period"].to_list() == ["2017H1", "2019H1"]


def test_default_period_is_the_latest_complete_half_year(store: Store) -> None:
    with store.snapshot() as snapshot:
        assert latest_complete_period(snapshot) == Period(2019, "H", 1)  # data up to 2019-06-30


def test_change_split_undefined_without_baseline_count() -> None:
    rows = pl.DataFrame(
        {
            "area": ["A", "A"],
            "category": ["x", "x"],
            "period": ["2017H1", "2019H1"],
            "raw": [0.0, 4.0],
            "after_samenloop": [0.0, 4.0],
            "corrected": [0.0, 4.0],
        }
    )
    assert change_split(rows, "2017H1", "2019H1")["raw_change_pct"].to_list() == [None]


def test_bad_rules_file_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[samenloop]\nsince = 2018-07-01\nsource = "x"\nseverity_source = "x"\nseverity = ["1.1.1"]\n'
    )
    result = runner.invoke(
        app, ["normalise", "--period", "2019H1", "--rules", str(rules), "--store", str(store.root)]
    )
    assert result.exit_code == 2
    assert "missing from the ranking" in result.output and "Traceback" not in result.output

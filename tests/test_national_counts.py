"""A national table with every level (NL, GM, WK, BU): a municipality's own rows win, its wijk and
buurt rows fill only what its own rows lack, and a municipality stored only per buurt is one too.
Figures checked against sums done by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from veilcli import api
from veilcli.analysis.league import league_areas
from veilcli.analysis.normalise import aggregate_counts, counts_for
from veilcli.domain.choices import Kind
from veilcli.domain.rules import load_rules
from veilcli.store.store import Store

HEADER = "ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"


def _table(path: Path) -> None:
    rows = []

    def add(code: str, region: str, values: list[int], year: int = 2019) -> None:
        for month, value in enumerate(values, start=1):
            rows.append(f"{len(rows)};{code:<8};{region:<10};{year}MM{month:02d};{value}")

    # Almere: its own burglary rows (1.1.1) and buurt rows that add up to something else: the own win.
    add("1.1.1", "GM0034", [5, 5, 5, 5, 5, 5])  # 30
    add("1.1.1", "BU00340101", [1, 1, 1, 1, 1, 1])  # 6: never added to Almere's 30
    # Almere's bicycle theft (1.2.3) only per buurt, in two wijken: summed, 2 x 6 x 2 + 6 x 3 = 42.
    add("1.2.3", "BU00340101", [2, 2, 2, 2, 2, 2])
    add("1.2.3", "BU00340102", [2, 2, 2, 2, 2, 2])
    add("1.2.3", "BU00340201", [3, 3, 3, 3, 3, 3])
    # Lelystad (GM0995) only per buurt: 4 x 6 = 24 burglaries.
    add("1.1.1", "BU09950101", [4, 4, 4, 4, 4, 4])
    add("1.1.1", "NL00", [99, 99, 99, 99, 99, 99])
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize("streamed", [False, True])
def test_own_rows_win_and_buurten_fill_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    table = tmp_path / "buurten.csv"
    _table(table)
    if streamed:
        monkeypatch.setenv("VEILCLI_STREAM_BYTES", "100")
        monkeypatch.setenv("VEILCLI_BLOCK_BYTES", "200")
    store = Store(tmp_path / "store")
    assert api.ingest([table], store).stored
    assert (store.sources()[0].parts is not None) is streamed
    with store.snapshot() as snapshot:
        areas = league_areas(snapshot, "all", [2019])
        assert areas == ["Almere", "Lelystad"]
        rules = load_rules(None).rules.without_corrections()
        counts = aggregate_counts(
            counts_for(snapshot.scan(Kind.counts, years=[2019]), areas), rules, unit="H", baseline=None
        )
    got = {
        (r["area"], r["category"]): r["raw"]
        for r in counts.filter(pl.col("period") == "2019H1", pl.col("area").is_in(areas)).to_dicts()
    }
    assert got == {("Almere", "1.1.1"): 30, ("Almere", "1.2.3"): 42, ("Lelystad", "1.1.1"): 24}


def test_buurten_are_not_read_when_every_municipality_has_its_own_rows(tmp_path: Path) -> None:
    """The common case of the national table: the wijk and buurt rows are left out whole."""
    table = tmp_path / "t.csv"
    table.write_text(
        HEADER
        + "0;1.1.1   ;GM0034    ;2019MM01;5\n"
        + "1;1.1.1   ;BU00340101;2019MM01;1\n"
        + "2;1.1.1   ;BU00340102;2019MM01;1\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    api.ingest([table], store)
    with store.reading():
        rows = counts_for(store.scan(Kind.counts), ["Almere"]).collect()
    assert rows["area"].to_list() == ["Almere"] and rows["count"].to_list() == [5]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_revised_table_with_replace_stores_the_new_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """The police republish every figure a year later: with --replace the revised value is stored
    (it was once counted as 'agreed' and dropped, leaving the old figure and saying 'unchanged')."""
    old, new = tmp_path / "2024.csv", tmp_path / "2025.csv"
    old.write_text(HEADER + "0;1.1.1   ;GM0034    ;2019MM01;5\n1;1.1.1   ;GM0034    ;2019MM02;6\n")
    new.write_text(HEADER + "0;1.1.1   ;GM0034    ;2019MM01;5\n1;1.1.1   ;GM0034    ;2019MM02;9\n")
    store = Store(tmp_path / "store")
    assert api.ingest([old], store).stored
    if streamed:
        monkeypatch.setenv("VEILCLI_STREAM_BYTES", "50")
        monkeypatch.setenv("VEILCLI_BLOCK_BYTES", "64")
    result = api.ingest([new], store, replace=True)
    [summary] = result.sources
    assert result.stored and summary.status.value == "stored"
    assert summary.replaced == {str(old.resolve()): 1} and summary.agreed == {str(old.resolve()): 1}
    with store.reading():
        counts = store.scan(Kind.counts).collect().sort("period")
    assert counts["count"].to_list() == [5, 9]


def test_status_counts_a_municipalitys_wijken_and_buurten_on_one_line(tmp_path: Path) -> None:
    """A national table has ~16,000 areas: status shows each municipality's wijk and buurt rows as one
    line. In January: Almere's own 1.1.1 row; its buurt rows are 1.1.1 in BU00340101 and 1.2.3 in
    BU00340101, BU00340102 and BU00340201 (4); Lelystad has one buurt row."""
    table = tmp_path / "buurten.csv"
    _table(table)
    store = Store(tmp_path / "store")
    assert api.ingest([table], store).stored
    rows = {(r.area, r.period): r.rows for r in api.status(store).coverage if r.kind.value == "counts"}
    assert rows[("Almere", "2019-01")] == 1  # GM0034, 1.1.1
    assert (
        rows[("Almere (wijken/buurten)", "2019-01")] == 4
    )  # BU00340101 x2 categories, BU00340102, BU00340201
    assert rows[("Lelystad (wijken/buurten)", "2019-01")] == 1
    assert rows[("Nederland", "2019-01")] == 1
    assert not any(area.startswith(("BU", "WK")) for area, _ in rows)

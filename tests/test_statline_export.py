"""Older StatLine exports of registered crime (issue 20): ``"Regio";"Soort misdrijf";"Jaar";...``
with the 25 police regions of 1994-2012 (``"Flevoland (PO)"``) as areas, years as periods, ``2011*``
provisional, CBS's own crime groups beside its total. The fixture is written in that layout with
figures of our own; the expected rows are read off it by hand.
"""

# ruff: noqa: E501  (fixture lines are kept whole, as the real files write them)

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.domain.geography import area_table, resolve_areas
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import ValidatedTable
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

OLD_EXPORT = """\
"Regio";"Soort misdrijf";"Jaar";"geregistreerde misdrijven";"geregistreerde misdrijven per 1 000 inwoners";"Totaal opgehelderde misdrijven";"% van totaal geregistreerde misdrijven"
"Nederland";"Misdrijven, totaal";"2010";"1200000";"72.5";"300000";"25.0"
"Nederland";"Misdrijven, totaal";"2011*";"1190000";"71.3";"290000";"24.4"
"Nederland";"1 Vermogensmisdrijven";"2010";"700000";"42.3";"93000";"13.3"
"Flevoland (PO)";"Misdrijven, totaal";"2010";"26000";"66.0";"6400";"24.6"
"Flevoland (PO)";"Misdrijven, totaal";"2011*";"25500";"64.4";"6300";"24.7"
"Flevoland (PO)";"2 Vernielingen, misdr.openb.orde/gezag";"2011*";"4800";"12.1";"800";"16.7"
"Amsterdam-Amstelland (PO)";"Misdrijven, totaal";"2011*";"110000";"120.2";"22000";"20.0"
"Niet in te delen (PO)";"Misdrijven, totaal";"2011*";" ";" ";"150";" "
"""


def validated(path: Path) -> ValidatedTable:
    [table] = read_tables(path)
    return recognise_and_validate(table, ReadOptions())


def test_old_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "Geregistreerde_criminaliteit.csv"
    path.write_text(OLD_EXPORT, encoding="utf-8")
    result = validated(path)
    report = result.report
    assert (report.source_format, report.kind, report.header_row) == ("statline-export", Kind.counts, 1)
    # 8 rows: the 2 rows of CBS groups left out, 6 totals stored (one suppressed)
    assert report.rows_read == 6 and report.valid
    got = sorted(result.data.select("period", "area", "category_code", "count").rows(), key=str)
    assert got == [
        ("2010", "Flevoland (politieregio)", "0.0.0", 26000),
        ("2010", "Nederland", "0.0.0", 1200000),
        ("2011", "Amsterdam-Amstelland (politieregio)", "0.0.0", 110000),
        ("2011", "Flevoland (politieregio)", "0.0.0", 25500),
        ("2011", "Nederland", "0.0.0", 1190000),
        ("2011", "Niet in te delen (PO)", "0.0.0", None),  # " ": suppressed, never 0
    ]
    assert [(i.row, i.code) for i in report.issues if i.code == "suppressed_value"] == [
        (9, "suppressed_value")
    ]
    notes = " | ".join(report.notes)
    assert "2 row(s) of CBS crime groups left out ('1 Vermogensmisdrijven', '2 Vernielingen" in notes
    assert "'geregistreerde misdrijven per 1 000 inwoners'" in notes  # the measures left out, named
    assert "5 row(s) of provisional years" in notes


def test_old_export_is_stored_and_compared_by_region(tmp_path: Path) -> None:
    path = tmp_path / "crimi.csv"
    path.write_text(OLD_EXPORT, encoding="utf-8")
    store = Store(tmp_path / "store")
    assert ingest_paths([path], store, ReadOptions()).stored
    with store.reading():
        stored = store.scan(Kind.counts).collect()
    flevoland = stored.filter(pl.col("area") == "Flevoland (politieregio)").sort("period")
    assert flevoland.select("period", "count").rows() == [("2010", 26000), ("2011", 25500)]
    assert stored["count"].sum() == 1200000 + 1190000 + 26000 + 25500 + 110000  # 2,551,500 by hand
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 0, out.output
    assert "statline-export" in out.output and "Flevoland (politieregio)" in out.output


def test_the_police_regions_of_1994_2012_are_known() -> None:
    table = area_table().filter(pl.col("type") == "police_region")
    assert table.height == 25
    assert table["code"].to_list() == [f"PR{n:02d}" for n in range(1, 26)]
    assert all("Politiewet 1993" in s for s in table["source"].to_list())
    # CBS's "(PO)" form, the law's spelling, the veilcli code: one region each
    assert (
        resolve_areas(["Flevoland (PO)", "PR25", "Politieregio Flevoland"])
        == ["Flevoland (politieregio)"] * 3
    )
    assert resolve_areas(["Fryslân (PO)", "Brabant-Zuid-Oost (PO)"]) == [
        "Friesland (politieregio)",
        "Brabant-Zuidoost (politieregio)",
    ]
    # a region named like a municipality never takes the municipality's name
    assert resolve_areas(["Groningen", "Groningen (PO)", "Utrecht (PO)"]) == [
        "Groningen",
        "Groningen (politieregio)",
        "Utrecht (politieregio)",
    ]


@pytest.mark.parametrize(
    "header",
    [
        '"Regio";"Soort misdrijf";"Jaar";"Aantal"',  # no registered-count measure
        '"Regio";"Jaar";"geregistreerde misdrijven"',  # no category
    ],
)
def test_other_tables_are_not_an_old_export(tmp_path: Path, header: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(header + '\n"Nederland";"Misdrijven, totaal";"2010";"5"\n', encoding="utf-8")
    [table] = read_tables(path)
    from veilcli.sources.formats.statline_export import StatLineExport

    assert not StatLineExport().recognise(table)

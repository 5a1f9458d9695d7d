"""Wide municipal monitor workbooks (issue 20): an explanation sheet first, a chart-only sheet, an
empty sheet, then data sheets with title rows. ``--all-sheets`` skips the sheets without a table,
says which and why, and reads the others without --map; a sheet with an invalid table still fails.
Expected figures are the fixture's cells, summed by hand."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.chart import BarChart, Reference

from veilcli.errors import InputError
from veilcli.sources.pipeline import ReadOptions, validation_report
from veilcli.sources.readers import read_tables
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

CRIME = [  # a StatLine-style wide sheet: one column per year, title rows, a source footer
    ["Veiligheidsmonitor Almere 2020: geregistreerde misdrijven"],
    ["Soort misdrijf: Totaal misdrijven"],
    [],
    ["Onderwerp", "Geregistreerde misdrijven", "Geregistreerde misdrijven", "Geregistreerde misdrijven"],
    ["Perioden", "2017", "2018", "2019*"],
    ["Regio's", "aantal", "aantal", "aantal"],
    ["Almere", 9120, 9380, 9750],
    ["Lelystad", 4010, ".", 4200],
    ["Bron: Politie"],
]
SURVEY = [  # the municipal wijkmonitor layout, under two title rows
    ["Veiligheidsbeleving per wijk, 2019"],
    ["Bron: Veiligheidsmonitor"],
    ["Wijk", "Indicator", "Percentage", "Ondergrens", "Bovengrens", "Aantal respondenten"],
    ["Molenbuurt", "Voelt zich wel eens onveilig in eigen buurt", "31,5", "27,0", "36,0", 400],
    ["Muziekwijk Zuid", "Voelt zich wel eens onveilig in eigen buurt", "18,0", "14,5", "21,5", 380],
]


def workbook(path: Path, crime: list[list[object]] = CRIME) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Toelichting"
    for line in (
        ["Toelichting bij de Veiligheidsmonitor"],
        ["Deze werkmap bevat de cijfers per jaar. Een * is een voorlopig cijfer."],
        ["Een punt (.) betekent: geheim of niet beschikbaar."],
    ):
        notes.append(line)
    chart_sheet = book.create_sheet("Grafiek")  # holds a chart only: no cell
    book.create_sheet("Leeg")
    data = book.create_sheet("Misdrijven")
    for row in crime:
        data.append(row)
    survey = book.create_sheet("Beleving")
    for row in SURVEY:
        survey.append(row)
    chart = BarChart()
    chart.add_data(Reference(data, min_col=2, max_col=4, min_row=7, max_row=8))
    chart_sheet.add_chart(chart, "B2")
    book.save(path)
    return path


def test_all_sheets_skips_sheets_without_a_table_and_says_why(tmp_path: Path) -> None:
    path = workbook(tmp_path / "veiligheidsmonitor-2019.xlsx")
    tables = read_tables(path, all_sheets=True)
    assert [t.sheet for t in tables] == ["Misdrijven", "Beleving"]
    report = validation_report([path], ReadOptions(all_sheets=True))
    assert [f.source_format for f in report.files] == ["statline-table-view", "wijkmonitor"]
    notes = " | ".join(report.files[0].notes)
    assert "sheet 'Toelichting' skipped: no table" in notes
    assert "sheet 'Grafiek' skipped: empty" in notes and "sheet 'Leeg' skipped: empty" in notes
    assert not any("skipped" in n for n in report.files[1].notes)  # said once per workbook


def test_stored_figures_equal_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "veiligheidsmonitor-2019.xlsx")
    result = ingest_paths([path], Store(tmp_path / "store"), ReadOptions(all_sheets=True))
    assert [(s.sheet, s.status, s.rows_stored) for s in result.sources] == [
        ("Misdrijven", "stored", 6),  # 3 years x 2 regions (one suppressed)
        ("Beleving", "stored", 2),
    ]
    counts = pl.concat([pl.read_parquet(p) for p in (tmp_path / "store" / "counts").iterdir()])
    almere = counts.filter(pl.col("area") == "Almere").sort("period")
    assert almere.select("period", "category_code", "count").rows() == [
        ("2017", "0.0.0", 9120),
        ("2018", "0.0.0", 9380),
        ("2019", "0.0.0", 9750),
    ]
    assert almere["count"].sum() == 9120 + 9380 + 9750
    lelystad = counts.filter(pl.col("area") == "Lelystad").sort("period")
    assert lelystad["count"].to_list() == [4010, None, 4200]  # "." stays unknown, never 0
    survey = pl.concat([pl.read_parquet(p) for p in (tmp_path / "store" / "survey").iterdir()])
    assert sorted(survey.select("area", "value").rows()) == [
        ("Molenbuurt", "31,5"),
        ("Muziekwijk Zuid", "18,0"),
    ]


def test_first_sheet_alone_still_says_it_has_no_table(tmp_path: Path) -> None:
    path = workbook(tmp_path / "veiligheidsmonitor-2019.xlsx")
    with pytest.raises(InputError, match=r"sheet 'Toelichting'.*no header row"):
        read_tables(path)


def test_an_invalid_table_still_fails_and_nothing_is_stored(tmp_path: Path) -> None:
    broken = [*CRIME[:6], ["Almere", 9120, "veel", 9750], *CRIME[7:]]
    path = workbook(tmp_path / "veiligheidsmonitor-2019.xlsx", broken)
    result = ingest_paths([path], Store(tmp_path / "store"), ReadOptions(all_sheets=True))
    assert not result.stored
    assert [s.status for s in result.sources] == ["rejected", "rejected"]
    assert not (tmp_path / "store" / "counts").exists() and not (tmp_path / "store" / "survey").exists()


def test_no_sheet_with_a_table_is_refused_naming_the_sheets(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Toelichting"
    book.active.append(["Alleen uitleg, geen cijfers."])
    book.create_sheet("Leeg")
    path = tmp_path / "uitleg.xlsx"
    book.save(path)
    with pytest.raises(InputError, match=r"no sheet holds a table.*'Toelichting' skipped: no table.*'Leeg'"):
        read_tables(path, all_sheets=True)

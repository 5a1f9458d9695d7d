"""Incident lists with postcode, date and type word, as "Misdaad in Kaart" publishes them
(issue 20): read without --map, municipality from the PC4 through a --pc4 table, the postcode
never stored. Expected figures are counted by hand from the fixtures below."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import write_xlsx
from veilcli.cli import app
from veilcli.domain.models import ColumnMap
from veilcli.errors import InputError, UsageError
from veilcli.sources.formats import recognise
from veilcli.sources.formats.incident_list import PC4, IncidentListOptions
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

# Rows 2-9; the postcode as the portal writes it (PC4), once as PC6 with a space.
LIST = (
    "Postcode,Datum,Soort\n"
    "1315,2019-03-05,Woninginbraak\n"  # Almere 1.1.1
    "1315 AB,2019-03-09,Woninginbraak\n"  # Almere 1.1.1
    "1325,2019-04-11,woninginbraak \n"  # Almere 1.1.1 (case and padding)
    "8232,2019-04-12,Woninginbraak\n"  # Lelystad 1.1.1
    "1315,2019-05-01,Fietsdiefstal\n"  # Almere 1.2.3
    "8232,2019-05-20,Straatroof\n"  # Lelystad 1.4.6
    "1325,2019-06-02,Autokraak\n"  # Almere 1.2.1
    "1325,2019-06-30,Fietsdiefstal\n"  # Almere 1.2.3
)
PC4_TABLE = "pc4;gemeentecode\n1315;GM0034\n1325;0034\n8232;995\n"


def files(tmp_path: Path, text: str = LIST) -> tuple[Path, Path]:
    path = tmp_path / "misdaad-in-kaart.csv"
    path.write_text(text, encoding="utf-8")
    pc4 = tmp_path / "pc4-gemeente.csv"
    pc4.write_text(PC4_TABLE, encoding="utf-8")
    return path, pc4


def options(pc4: Path | None) -> ReadOptions:
    return ReadOptions(formats=(IncidentListOptions(pc4=str(pc4)),) if pc4 else ())


def test_stored_figures_equal_the_hand_count(tmp_path: Path) -> None:
    path, pc4 = files(tmp_path)
    result = ingest_paths([path], Store(tmp_path / "store"), options(pc4))
    [summary] = result.sources
    assert (summary.status, summary.source_format, summary.rows_stored) == ("stored", "incident-list", 8)
    [parquet] = (tmp_path / "store" / "registrations").iterdir()
    stored = pl.read_parquet(parquet)
    counts = stored.group_by("municipality", "category_code").len().sort("municipality", "category_code")
    assert counts.rows() == [
        ("Almere", "1.1.1", 3),
        ("Almere", "1.2.1", 1),
        ("Almere", "1.2.3", 2),
        ("Lelystad", "1.1.1", 1),
        ("Lelystad", "1.4.6", 1),
    ]
    assert stored["registration_id"].to_list() == [str(r) for r in range(2, 10)]  # the row numbers
    assert stored["event_id"].null_count() == 8 and stored["channel"].null_count() == 8
    # The postcode is personal: not a column, not a value of any stored cell.
    cells = stored.select(pl.all().cast(pl.String)).unpivot()["value"].to_list()
    assert not {"1315", "1325", "8232", "1315 AB"} & set(cells)
    assert summary.dropped_personal_columns == ["Postcode"]


def test_notes_say_row_ids_no_events_no_channel(tmp_path: Path) -> None:
    path, pc4 = files(tmp_path)
    [table] = read_tables(path)
    report = recognise_and_validate(table, options(pc4)).report
    notes = " | ".join(report.notes)
    assert "row number" in notes and "rows 2-9" in notes
    assert "samenloop" in notes and "cannot be corrected" in notes
    assert "no reporting channel" in notes
    assert "8 of 8 row(s) placed" in notes


def test_unknown_word_is_a_finding_never_a_code(tmp_path: Path) -> None:
    path, pc4 = files(tmp_path, LIST + "1315,2019-06-30,Zwerfvuil\n")
    [table] = read_tables(path)
    report = recognise_and_validate(table, options(pc4)).report
    [issue] = [i for i in report.issues if i.code == "unknown_category"]
    assert issue.row == 10 and issue.value == "Zwerfvuil"
    result = ingest_paths(
        [path], Store(tmp_path / "store"), options(pc4), skip_invalid=True, rejected_dir=tmp_path
    )
    assert result.sources[0].rows_stored == 8 and result.sources[0].rows_rejected == 1
    rejected = Path(result.sources[0].rejected_file or "").read_text(encoding="utf-8")
    assert "Zwerfvuil" in rejected and "1315" not in rejected  # no postcode in the rejects either


def test_postcode_not_in_the_table_is_a_finding(tmp_path: Path) -> None:
    path, pc4 = files(tmp_path, LIST + "9999,2019-06-30,Straatroof\n")
    [table] = read_tables(path)
    report = recognise_and_validate(table, options(pc4)).report
    assert [(i.code, i.row) for i in report.issues if i.severity == "error"] == [("missing_value", 10)]
    assert any("8 of 9 row(s) placed" in n and "1 row(s)" in n for n in report.notes)


def test_without_pc4_table_a_clear_error_and_the_store_untouched(tmp_path: Path) -> None:
    path, _ = files(tmp_path)
    [table] = read_tables(path)
    with pytest.raises(InputError, match=r"misdaad-in-kaart\.csv: an incident list") as caught:
        recognise_and_validate(table, options(None))
    assert "--pc4 FILE" in (caught.value.hint or "")
    out = CliRunner().invoke(app, ["ingest", "--store", str(tmp_path / "store"), str(path)])
    assert out.exit_code == 2 and "--pc4" in out.output
    assert not (tmp_path / "store" / "registrations").exists()


def test_cli_reads_it_with_pc4(tmp_path: Path) -> None:
    path, pc4 = files(tmp_path)
    out = CliRunner().invoke(app, ["validate", str(path), "--pc4", str(pc4)])
    assert out.exit_code == 0, out.output
    assert "incident-list" in out.output and "Almere" in out.output


def test_own_municipality_column_needs_no_pc4(tmp_path: Path) -> None:
    text = (
        "Postcode,Datum,Soort,Gemeente\n"
        "1315,2019-03-05,Woninginbraak,Almere\n"
        "8232,2019-03-06,Overval,Lelystad\n"
    )
    path, _ = files(tmp_path, text)
    [table] = read_tables(path)
    result = recognise_and_validate(table, options(None))
    assert result.report.valid
    assert sorted(result.data.select("municipality", "category_code").rows()) == [
        ("Almere", "1.1.1"),
        ("Lelystad", "1.4.7"),
    ]


def test_xlsx_with_title_rows_and_numeric_postcodes(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "incidenten.xlsx",
        [
            ["Misdaad in Kaart - export"],
            ["Gemaakt op 1 juli 2019"],
            [],
            ["Postcode", "Datum", "Soort"],
            [1315, "2019-03-05", "Woninginbraak"],
            [8232, "2019-03-06", "Fietsdiefstal"],
        ],
    )
    _, pc4 = files(tmp_path)
    [table] = read_tables(path)
    result = recognise_and_validate(table, options(pc4))
    assert result.report.valid, result.report.issues
    assert result.data.select("registration_id", "municipality", "category_code").rows() == [
        ("5", "Almere", "1.1.1"),
        ("6", "Lelystad", "1.2.3"),
    ]


def test_pc4_table_placing_a_postcode_twice_is_refused(tmp_path: Path) -> None:
    path, pc4 = files(tmp_path)
    pc4.write_text(PC4_TABLE + "1315;GM0995\n", encoding="utf-8")
    [table] = read_tables(path)
    with pytest.raises(UsageError, match="postcode 1315 is placed in more than one municipality"):
        recognise_and_validate(table, options(pc4))


def test_postcode_digits_reach_no_other_format(tmp_path: Path) -> None:
    path, _ = files(tmp_path)
    [table] = read_tables(path)
    assert PC4 in table.frame.columns  # kept for the incident list only
    mapped = recognise(table, column_map=ColumnMap(kind="registrations", columns={"date": "Datum"}))
    assert PC4 not in mapped.table.frame.columns


def test_a_registrations_export_with_ids_and_a_postcode_is_not_an_incident_list(tmp_path: Path) -> None:
    text = (
        "Registratienummer,Datum,Soort,Misdrijfcode,Postcode,Gemeente\n"
        "PL01-1,2019-03-05,Woninginbraak,1.1.1,1315,Almere\n"
    )
    path, _ = files(tmp_path, text)
    [table] = read_tables(path)
    assert PC4 not in table.frame.columns and "Postcode" in table.dropped_personal
    result = recognise_and_validate(table, options(None))
    assert result.report.source_format != "incident-list"
    assert result.data["registration_id"].to_list() == ["PL01-1"]


def test_a_table_marked_as_an_incident_list_without_its_date_is_refused_in_one_line(tmp_path: Path) -> None:
    """``keep_pc4`` marks a table only when it has a date and a type column; should a table reach the
    reader without them, it is a refusal (exit 1), never an assertion (exit 70)."""
    from veilcli.sources.formats.incident_list import IncidentList
    from veilcli.sources.table import ROW, RawTable

    frame = pl.DataFrame({ROW: [2], PC4: ["1315"], "Omschrijving": ["x"]})
    table = RawTable(frame=frame, path=tmp_path / "lijst.csv", format="csv")
    with pytest.raises(
        InputError, match=r"lijst\.csv: read as an incident list, but its date or type column"
    ):
        IncidentList().to_canonical(table, IncidentListOptions())

"""Readers cope with real exports: title rows, encodings, delimiters, codes as text."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.conftest import write_xlsx
from veilcli.errors import InputError
from veilcli.readers import ROW, expand_paths, read_tables


def test_header_found_under_title_rows(registrations_xlsx: Path) -> None:
    [table] = read_tables(registrations_xlsx)
    assert table.header_row == 4
    assert table.sheet == "Registraties"
    assert table.headers[:3] == ["Registratienummer", "Datum", "Soort misdrijf code"]
    # Spreadsheet row numbers as the user sees them: the first data row is row 5.
    assert table.frame[ROW].to_list()[:3] == [5, 6, 7]


def test_codes_stay_text(registrations_xlsx: Path) -> None:
    [table] = read_tables(registrations_xlsx)
    assert table.frame["Soort misdrijf code"].to_list()[:2] == ["1.1.1", "1.2.3"]
    assert table.frame.schema["Soort misdrijf code"] == pl.String


def test_windows_1252_semicolon_csv(tmp_path: Path) -> None:
    text = "Jaar;Gebied;Inwoners;Woningen\n2019;Almere Café;207.904;80.911\n"
    path = tmp_path / "bevolking.csv"
    path.write_bytes(text.encode("cp1252"))
    [table] = read_tables(path)
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.frame["Gebied"].to_list() == ["Almere Café"]
    assert table.frame["Inwoners"].to_list() == ["207.904"]


def test_utf8_bom_comma_and_tab(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffJaar,Gebied,Inwoners\n2019,Almere,1\n".encode())
    [table] = read_tables(bom)
    assert table.headers == ["Jaar", "Gebied", "Inwoners"]
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    tab = tmp_path / "tab.txt"
    tab.write_text("Titel export\n\nJaar\tGebied\tInwoners\n2019\tAlmere\t1\n", encoding="utf-8")
    [table] = read_tables(tab)
    assert (table.delimiter, table.header_row) == ("\t", 3)
    assert table.frame[ROW].to_list() == [4]


def test_csv_codes_are_not_dates(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Periode,Gebied,Soort misdrijf code,Aantal\n2019H1,Almere,1.2.3,5\n", encoding="utf-8")
    [table] = read_tables(path)
    assert table.frame["Soort misdrijf code"].to_list() == ["1.2.3"]


def test_every_sheet_when_asked(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "two.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "A"
    workbook.active.append(["Jaar", "Gebied", "Inwoners"])
    second = workbook.create_sheet("B")
    second.append(["Jaar", "Gebied", "Inwoners"])
    workbook.save(path)
    assert [t.sheet for t in read_tables(path, all_sheets=True)] == ["A", "B"]
    assert [t.sheet for t in read_tables(path, sheet="B")] == ["B"]


def test_parquet_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pl.DataFrame({"Jaar": [2019], "Gebied": ["Almere"], "Inwoners": [207904]}).write_parquet(path)
    [table] = read_tables(path)
    assert table.frame["Inwoners"].to_list() == ["207904"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "file not found"),
        ("fake.xlsx", b"Jaar;Gebied\n2019;Almere\n", "it is a text file"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel .xls"),
        ("notes.docx", b"PK", "unsupported file type"),
        ("noheader.csv", b"a;b\n1;2\n", "no header row found"),
    ],
)
def test_unreadable_files_are_clear_errors(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_tables(path)


def test_wrong_sheet_lists_the_sheets(registrations_xlsx: Path) -> None:
    with pytest.raises(InputError) as info:
        read_tables(registrations_xlsx, sheet="Blad9")
    assert "Registraties" in str(info.value.hint)


def test_folders_expand_to_supported_files(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "a.xlsx", [["Jaar", "Gebied", "Inwoners"]])
    (tmp_path / "b.csv").write_text("x\n")
    (tmp_path / "README.md").write_text("not data")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.csv").write_text("x\n")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.xlsx", "b.csv"]


def test_row_numbers_when_the_sheet_starts_lower(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws["B3"], ws["C3"], ws["D3"] = "Jaar", "Gebied", "Inwoners"
    ws["B4"], ws["C4"], ws["D4"] = 2019, "Almere", 207904
    path = tmp_path / "offset.xlsx"
    workbook.save(path)
    [table] = read_tables(path)
    assert table.header_row == 3
    assert table.frame[ROW].to_list() == [4]
    assert read_tables(path, header_row=3)[0].headers == ["Jaar", "Gebied", "Inwoners"]


def test_windows_1252_beyond_the_sniffed_head(tmp_path: Path) -> None:
    rows = "".join(f"2019;Gebied {i};{i}\n" for i in range(20_000))
    path = tmp_path / "late.csv"
    path.write_bytes(("Jaar;Gebied;Inwoners\n" + rows + "2019;Café;1\n").encode("cp1252"))
    [table] = read_tables(path)
    assert table.encoding == "cp1252"
    assert table.frame["Gebied"].to_list()[-1] == "Café"


def test_all_sheets_skips_empty_ones(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "three.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Leeg"
    workbook.create_sheet("Data").append(["Jaar", "Gebied", "Inwoners"])
    workbook["Data"].append([2019, "Almere", 1])
    workbook.save(path)
    assert [t.sheet for t in read_tables(path, all_sheets=True)] == ["Data"]
    with pytest.raises(InputError, match="the sheet is empty"):
        read_tables(path)  # the first sheet, asked for implicitly, is empty: said

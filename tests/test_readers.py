"""Readers cope with real exports: title rows, encodings, delimiters, codes as text."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.conftest import write_xlsx
from tests.hostile_corpus import POPULATION_ROWS, cells, sheet_xml, workbook_entries, write_zip
from veilcli.errors import InputError
from veilcli.sources.files import expand_paths
from veilcli.sources.readers import read_tables
from veilcli.sources.table import ROW


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


# --- every input read completely or refused (issue 9) ----------------------------------------

POPULATION = "Jaar;Gebied;Inwoners\n2019;Almère;1\n2018;Almere-Stad;2\n2017;Almere-Haven;3\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_every_row(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_bytes(POPULATION.replace("\n", newline).encode())
    [table] = read_tables(path)
    assert table.frame["Gebied"].to_list() == ["Almère", "Almere-Stad", "Almere-Haven"]
    assert table.frame[ROW].to_list() == [2, 3, 4]


def test_mixed_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"Jaar;Gebied;Inwoners\r\n2019;A;1\r2018;B;2\n2017;C;3\r")
    assert read_tables(path)[0].frame["Gebied"].to_list() == ["A", "B", "C"]


def test_utf8_with_one_stray_byte_is_refused_not_garbled(tmp_path: Path) -> None:
    rows = "".join(f"2019;Wijk {i};{i}\n" for i in range(20_000))
    path = tmp_path / "late.csv"
    path.write_bytes(("Jaar;Gebied;Inwoners\n2019;Almère;1\n" + rows).encode() + b"2019;Caf\xe9;1\n")
    with pytest.raises(InputError) as info:
        read_tables(path)
    message = info.value.message
    assert "not valid UTF-8 at line 20,003, byte offset" in message and "0xE9" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Jaar;Gebied\n2019;Almere\x81\n", "neither UTF-8 nor Windows-1252: byte 0x81 at line 2"),
        (b"\xef\xbb\xbfJaar;Gebied\n2019;Alm\xe8re\n", "byte-order mark but is not valid UTF-8 at line 2"),
        (b"Jaar;Gebied\n2019;Alm\x00ere\n", "a NUL byte at line 2, byte offset 20"),
        ("Jaar;Gebied\n".encode("utf-32"), "UTF-32"),
        (b"PK\x03\x04" + bytes(30), "zip archive"),
    ],
)
def test_text_in_no_supported_encoding_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_tables(path)


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (POPULATION.encode("utf-16"), "utf-16"),
        (POPULATION.encode("utf-16-le"), "utf-16-le"),
        (POPULATION.encode("utf-16-be"), "utf-16-be"),
        (POPULATION.encode("cp1252"), "cp1252"),
        (POPULATION.encode(), "utf-8"),
        (b"\xef\xbb\xbf" + POPULATION.encode(), "utf-8-sig"),
    ],
)
def test_supported_encodings(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(encoded)
    [table] = read_tables(path)
    assert table.encoding == encoding
    assert table.frame["Gebied"][0] == "Almère"


def test_display_path_is_one_printable_line() -> None:
    import os

    from veilcli.sources.messages import display_path

    name = os.fsdecode(b"caf\xe9\x1b[31m\n.csv")
    assert display_path(Path(name)) == "caf\\xe9\\x1b[31m\\x0a.csv"
    assert display_path("Almere[/].csv") == "Almere[/].csv"


def test_only_regular_files_are_opened(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.csv"
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="named pipe"):
        read_tables(fifo)  # would block forever if it were opened for reading
    device = tmp_path / "zero.csv"
    device.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="character device"):
        read_tables(device)


def test_limits_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from veilcli.errors import UsageError

    path = tmp_path / "x.csv"
    path.write_text(POPULATION, encoding="utf-8")
    monkeypatch.setenv("VEILCLI_MAX_ROWS", "2")
    with pytest.raises(InputError, match="3 lines below the header, more than the limit of 2 rows") as info:
        read_tables(path)
    assert "VEILCLI_MAX_ROWS" in str(info.value.hint)
    monkeypatch.setenv("VEILCLI_MAX_ROWS", "1_000")
    assert read_tables(path)[0].frame.height == 3
    monkeypatch.setenv("VEILCLI_MAX_ROWS", "lots")
    with pytest.raises(UsageError, match="VEILCLI_MAX_ROWS"):
        read_tables(path)


def test_an_unclosed_quote_is_named_without_quoting_the_file(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    rows = "".join(f"2018;Almere;{i};Stationsstraat {i}\n" for i in range(3000))
    path.write_text('Jaar;Gebied;Inwoners;Straat\n2019;"Almere;1;x\n' + rows, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_tables(path)
    assert "line 2: a quoted field" in info.value.message
    assert "Stationsstraat" not in str(info.value) and len(str(info.value)) < 300


def test_json_of_the_wrong_shape_names_the_shape(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    for content, message in (
        ('{"value": 5}', "'value' is a number, not a list of records"),
        ('{"value": [1, 2]}', "the items of 'value' are not records"),
        ("[1, 2]", "not records"),
        ('"x"', "not a JSON object or array"),
        ('{"Jaar": 2019}', "without a 'value' list"),
    ):
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InputError, match=message):
            read_tables(path)


def _numbers_matching(pattern: str, candidates: list[str]) -> list[str]:
    found = pl.Series(candidates).str.contains(f"^(?:{pattern})$")
    return [c for c, hit in zip(candidates, found, strict=True) if hit]


@pytest.mark.parametrize("limit", [0, 1, 9, 10, 99, 100, 101, 199, 999, 1000, 1048576, 999999, 1090909])
def test_greater_number_pattern_matches_exactly_the_larger_numbers(limit: int) -> None:
    from veilcli.sources.xlsx_safety import _greater_number

    candidates = [str(n) for n in range(0, 2100)] + [str(limit + d) for d in range(-5, 6) if limit + d >= 0]
    candidates += ["0001", "00", "99999999999"]
    expected = [c for c in candidates if int(c) > limit or c.startswith("0")]  # "0...": looked at
    assert _numbers_matching(_greater_number(limit), candidates) == expected


@pytest.mark.parametrize("limit", [0, 1, 8, 26, 27, 52, 702, 703, 16384])
def test_greater_column_pattern_matches_exactly_the_later_columns(limit: int) -> None:
    from veilcli.sources.xlsx_safety import _column_letters, _column_number, _greater_column

    candidates = [_column_letters(n) for n in range(1, 18_279)]  # A .. ZZZ
    expected = [c for c in candidates if _column_number(c.encode()) > limit]
    assert _numbers_matching(_greater_column(limit), candidates) == expected


def test_cell_positions_are_replayed_as_calamine_places_them() -> None:
    from veilcli.sources.calamine_xml import CellScan

    scan = CellScan(1 << 20)
    scan.feed(
        b'<dimension ref="A1:C3"/><sheetData>'
        b'<row r="2"><c><v>1</v></c><c r="E2"><v>1</v></c><c><v>1</v></c></row>'  # A2, E2, F2
        b'<row><c r="B3" s="1"/><c><v>1</v></c></row>'  # an empty cell holds nothing but moves: C3
        b'<row r="9"/>'  # a self-closing row is a row: the next one is 10
        b'<x:row><x:c t="s"><x:v>0</x:v></x:c></x:row>',  # prefixed: A10
        final=True,
    )
    assert (scan.max_row, scan.max_col, scan.cells, scan.min_row) == (10, 6, 5, 2)
    assert scan.dimension == ("A1:C3", 3, 3)


def test_a_far_cell_after_many_blocks_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path (one regex search a block) sees a cell beyond the extent in any block."""
    from tests.hostile_corpus import cells, sheet_xml, workbook_entries, write_zip
    from veilcli.sources import xlsx_safety

    monkeypatch.setattr(xlsx_safety, "_BLOCK", 4096)
    monkeypatch.setattr(xlsx_safety, "_FIRST_BLOCK", 1024)
    rows = cells([["Jaar", "Gebied", "Inwoners"], *([2019, f"Wijk {i}", i] for i in range(2000))])
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    write_zip(good, workbook_entries({"Blad1": sheet_xml(rows)}))
    assert read_tables(good)[0].frame.height == 2000
    far = rows.replace('<row r="1500">', '<row r="1500"><c r="ZZ999999"><v>1</v></c>')
    write_zip(bad, workbook_entries({"Blad1": sheet_xml(far)}))
    with pytest.raises(InputError, match="its cells reach row 999,999 and column ZZ"):
        read_tables(bad)
    # A cell without its reference deep in the sheet: the whole sheet is replayed exactly.
    unusual = rows.replace('<c r="A1500">', "<c>") + '<row><c r="XFD1048576"><v>1</v></c></row>'
    write_zip(bad, workbook_entries({"Blad1": sheet_xml(unusual)}))
    with pytest.raises(InputError, match="column XFD"):
        read_tables(bad)


def test_every_limit_is_documented_in_the_readme() -> None:
    from veilcli.sources.limits import LIMITS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert [limit.env for limit in LIMITS if limit.env not in readme] == []


def test_a_sheet_is_refused_only_when_it_is_read(tmp_path: Path) -> None:
    """The sheet to be read is checked while calamine opens the workbook: a refusal of that check
    still comes only when the sheet is read, after the errors that come first (a sheet that does
    not exist), and never for a sheet that is not read."""
    far_cell = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    far = sheet_xml(cells([["Jaar", "Gebied", "Inwoners"], [2019, "Almere", 1]]) + far_cell)
    good = sheet_xml(cells(POPULATION_ROWS))
    path = tmp_path / "two.xlsx"
    write_zip(path, workbook_entries({"Bom": far, "Bevolking": good}))
    for options in ({}, {"sheet": "Bom"}, {"all_sheets": True}):
        with pytest.raises(InputError, match="XFD"):
            read_tables(path, **options)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no sheet named 'Blad9'"):
        read_tables(path, sheet="Blad9")
    (table,) = read_tables(path, sheet="Bevolking")
    assert table.frame.height == 2

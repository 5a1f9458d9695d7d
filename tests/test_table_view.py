"""StatLine / data.politie.nl table views, and the police tables with dimensions beyond ours.

Fixtures are written in the real layouts (reference/README.md items 1, 2 and 7): a title line,
fixed-filter lines, an empty line, a header block of one line per column dimension, a unit line
naming the row dimension, data rows per region or period, "." for suppressed figures and a
"Bron: Politie" footer. Expected values are counted by hand in the comments.
"""

# ruff: noqa: E501  (fixture lines are kept whole, as the real files write them)

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import write_xlsx
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.errors import InputError, UsageError
from veilcli.sources.formats.common import DimensionOptions
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import ValidatedTable
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store


def check(path: Path, *dimensions: str) -> ValidatedTable:
    [table] = read_tables(path)
    return recognise_and_validate(table, ReadOptions(formats=(DimensionOptions(dimensions),)))


def rows(result: ValidatedTable, *columns: str) -> list[tuple[Any, ...]]:
    names = columns or ("period", "area", "category_code", "count")
    return sorted(result.data.select(*names).rows(), key=lambda r: tuple(str(v) for v in r))


# Regions in rows, periods in columns; the category a fixed filter; a per-1000 topic to leave out.
REGIONS_BY_YEAR = """\
"Geregistreerde misdrijven; soort misdrijf, regio"
"Soort misdrijf: Totaal misdrijven"
""
"Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven";"Geregistreerde misdrijven per 1000 inwoners"
"Perioden";"2022";"2023*";"2023*"
"Regio's";"aantal";"aantal";"per 1 000 inwoners"
"Nederland";"   818000";"   820123";"45.1"
"Almere";"  9500";".";"44.0"
"Limburg (RE)";"  40000";"  41000";"38.2"
"Niet in te delen (RE)";"12";"";"."
""
"Bron: Politie"
"""


def test_regions_by_year(tmp_path: Path) -> None:
    path = tmp_path / "Geregistreerde_misdrijven__regio.csv"
    path.write_text(REGIONS_BY_YEAR, encoding="utf-8")
    result = check(path)
    report = result.report
    assert (report.source_format, report.kind, report.header_row) == ("statline-table-view", Kind.counts, 4)
    # 4 regions x 2 count columns = 8 figures; the per-1000 column and the footer are left out.
    assert report.rows_read == 8
    assert rows(result) == [
        ("2022", "Almere", "0.0.0", 9500),
        ("2022", "Limburg (eenheid)", "0.0.0", 40000),  # "Limburg (RE)" is the police unit RE10
        ("2022", "Nederland", "0.0.0", 818000),
        ("2022", "Niet in te delen (RE)", "0.0.0", 12),
        ("2023", "Almere", "0.0.0", None),  # "." = suppressed: null, never 0
        ("2023", "Limburg (eenheid)", "0.0.0", 41000),
        ("2023", "Nederland", "0.0.0", 820123),
        ("2023", "Niet in te delen (RE)", "0.0.0", None),  # empty = suppressed
    ]
    suppressed = sorted((i.row, i.value) for i in report.issues if i.code == "suppressed_value")
    assert suppressed == [(8, "."), (10, None)]  # the spreadsheet lines of Almere and Niet in te delen
    notes = " | ".join(report.notes)
    assert "Soort misdrijf = Totaal misdrijven" in notes
    assert "Perioden (2 in columns)" in notes and "Regio's (rows)" in notes
    assert "per 1000 inwoners" in notes  # the column left out is named
    assert "2 footer/empty line(s) dropped" in notes


# Periods in rows (half-years, quarters, months), regions in columns; comma-separated.
PERIODS_BY_REGION = """\
"Woninginbraken; periode, regio"
"Soort misdrijf: 1.1.1 Diefstal/inbraak woning"
"Onderwerp: Geregistreerde misdrijven"
""
"Regio's","Almere","Midden-Nederland (RE)","GM0363"
"Perioden","aantal","aantal","aantal"
"2019 1e halfjaar","120","2100","900"
"2019 2e halfjaar","x","2200","."
"2019 3e kwartaal","55","1050","410"
"2019 januari","20","350","150"
"Bron: Politie"
"""


def test_periods_by_region(tmp_path: Path) -> None:
    path = tmp_path / "woninginbraak.csv"
    path.write_text(PERIODS_BY_REGION, encoding="utf-8")
    result = check(path)
    assert result.report.source_format == "statline-table-view"
    data = rows(result)
    # 4 period rows x 3 region columns = 12 figures; the code GM0363 resolves to Amsterdam.
    assert result.report.rows_read == 12
    assert data == [
        ("2019-01", "Almere", "1.1.1", 20),
        ("2019-01", "Amsterdam", "1.1.1", 150),
        ("2019-01", "Midden-Nederland", "1.1.1", 350),
        ("2019H1", "Almere", "1.1.1", 120),
        ("2019H1", "Amsterdam", "1.1.1", 900),
        ("2019H1", "Midden-Nederland", "1.1.1", 2100),
        ("2019H2", "Almere", "1.1.1", None),  # "x" = confidential: null, never 0
        ("2019H2", "Amsterdam", "1.1.1", None),  # "." = suppressed
        ("2019H2", "Midden-Nederland", "1.1.1", 2200),
        ("2019Q3", "Almere", "1.1.1", 55),
        ("2019Q3", "Amsterdam", "1.1.1", 410),
        ("2019Q3", "Midden-Nederland", "1.1.1", 1050),
    ]


def test_xlsx_table_view(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "tabel.xlsx",
        [
            ["Geregistreerde misdrijven; soort misdrijf, regio"],
            ["Soort misdrijf: Totaal misdrijven"],
            [],
            ["Onderwerp", "Geregistreerde misdrijven", None],  # merged cell: the value repeats
            ["Perioden", "2019", "2020"],
            ["Regio's", "aantal", "aantal"],
            ["Almere", 5000, "."],
            ["Midden-Nederland (RE)", 60000, 58000],
            ["Bron: Politie"],
        ],
    )
    result = check(path)
    assert result.report.source_format == "statline-table-view"
    assert rows(result) == [
        ("2019", "Almere", "0.0.0", 5000),
        ("2019", "Midden-Nederland", "0.0.0", 60000),
        ("2020", "Almere", "0.0.0", None),
        ("2020", "Midden-Nederland", "0.0.0", 58000),
    ]


# 83651NED as a table view: "Gebruik van geweld" in the columns; two row dimensions (the header
# lines leave the second label cell empty).
VIOLENCE = """\
"Geregistreerde criminaliteit; gebruik van geweld, soort misdrijf, regio"
"Perioden: 2023"
""
"Onderwerp";"";"Totaal geregistreerde misdrijven";"Totaal geregistreerde misdrijven";"Totaal geregistreerde misdrijven"
"Gebruik van geweld";"";"{total}";"Met geweld";"Zonder geweld"
"Soort misdrijf";"Regio's";"aantal";"aantal";"aantal"
"Misdrijven, totaal";"Almere";"9000";"1000";"8000"
"1.4.6 Straatroof";"Almere";"40";"40";"."
"Bron: CBS, Politie"
"""


def test_extra_dimension_read_at_its_total(tmp_path: Path) -> None:
    path = tmp_path / "83651NED.csv"
    path.write_text(VIOLENCE.format(total="Totaal"), encoding="utf-8")
    result = check(path)
    assert rows(result) == [("2023", "Almere", "0.0.0", 9000), ("2023", "Almere", "1.4.6", 40)]
    assert any("'Gebruik van geweld' read at its total 'Totaal'" in n for n in result.report.notes)


def test_extra_dimension_selected(tmp_path: Path) -> None:
    path = tmp_path / "83651NED.csv"
    path.write_text(VIOLENCE.format(total="Totaal"), encoding="utf-8")
    result = check(path, "Gebruik van geweld=zonder geweld")
    assert rows(result) == [("2023", "Almere", "0.0.0", 8000), ("2023", "Almere", "1.4.6", None)]


def test_extra_dimension_without_total_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "83651NED.csv"
    path.write_text(VIOLENCE.format(total="Onbekend"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        check(path)
    text = str(caught.value)
    assert "83651NED.csv" in text and "'Gebruik van geweld'" in text
    assert "'Met geweld'" in text and "--dimension" in text
    with pytest.raises(InputError, match="no value 'Soms'"):
        check(path, "Gebruik van geweld=Soms")
    with pytest.raises(UsageError, match="NAME=VALUE"):
        check(path, "Gebruik van geweld")


def test_internet_reports_paired_with_counts(tmp_path: Path) -> None:
    path = tmp_path / "47013NED.csv"
    path.write_text(
        '"Misdrijven; aangiften, internetaangiften"\n'
        '"Soort misdrijf: 1.2.3 Diefstal van brom-, snor-, fietsen"\n'
        '""\n'
        '"Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven";"Aangiften";'
        '"Internetaangiften";"Internetaangiften"\n'
        '"Perioden";"2018";"2019";"2019";"2018";"2019"\n'
        '"Regio\'s";"aantal";"aantal";"aantal";"aantal";"aantal"\n'
        '"Almere";"900";"850";"700";"300";"310"\n'
        '"Bron: Politie"\n',
        encoding="utf-8",
    )
    result = check(path)
    assert rows(result, "period", "area", "category_code", "count", "internet_count") == [
        ("2018", "Almere", "1.2.3", 900, 300),
        ("2019", "Almere", "1.2.3", 850, 310),
    ]


def test_no_count_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "relatief.csv"
    path.write_text(REGIONS_BY_YEAR.replace('"aantal";"aantal"', '"%";"%"'), encoding="utf-8")
    with pytest.raises(InputError, match="no column of registered counts"):
        check(path)


def test_validate_says_what_it_recognised(tmp_path: Path) -> None:
    path = tmp_path / "view.csv"
    path.write_text(REGIONS_BY_YEAR, encoding="utf-8")
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 0, out.output
    assert "statline-table-view" in out.output
    assert "Soort misdrijf = Totaal misdrijven" in out.output
    assert "unpivoted" in out.output


def test_table_view_ingested(tmp_path: Path) -> None:
    path = tmp_path / "view.csv"
    path.write_text(REGIONS_BY_YEAR, encoding="utf-8")
    result = ingest_paths([path], Store(tmp_path / "store"), ReadOptions())
    assert result.stored


# --- OData and label downloads of the tables with more dimensions -------------------------------


def test_odata_83651_extra_dimension_and_cbs_total(tmp_path: Path) -> None:
    path = tmp_path / "83651NED_TypedDataSet.json"

    def row(violence: str, crime: str, count: int | None) -> dict[str, Any]:
        return {
            "ID": 0,
            "GebruikVanGeweld": violence,
            "SoortMisdrijf": crime,
            "RegioS": "GM0034",
            "Perioden": "2023JJ00",
            "TotaalGeregistreerdeMisdrijven_1": count,
            "GeregistreerdeMisdrijvenPer1000Inw_3": 40.1,
        }

    value = [
        row("T001020", "T001161", 9000),  # total violence, total crime: read as 0.0.0
        row("T001020", "CRI1000", 6000),  # a CBS category: left out (not a soort misdrijf)
        row("A028790", "T001161", 1000),  # with violence: left out (not the total)
    ]
    path.write_text(json.dumps({"odata.metadata": "x/83651NED/$metadata", "value": value}), encoding="utf-8")
    result = check(path)
    assert result.report.source_format == "politie-opendata-odata"
    assert rows(result) == [("2023", "Almere", "0.0.0", 9000)]
    notes = " | ".join(result.report.notes)
    assert "'GebruikVanGeweld' read at its total 'T001020'" in notes and "CRI" in notes
    selected = check(path, "GebruikVanGeweld=A028790")
    assert rows(selected) == [("2023", "Almere", "0.0.0", 1000)]


def test_label_export_with_extra_dimension(tmp_path: Path) -> None:
    path = tmp_path / "83651NED.csv"
    path.write_text(
        '"Gebruik van geweld";"Soort misdrijf";"Perioden";"Regio\'s";"Totaal geregistreerde misdrijven (aantal)"\n'
        '"Totaal";"Misdrijven, totaal";"2023";"Almere";"   9000"\n'
        '"Met geweld";"Misdrijven, totaal";"2023";"Almere";"   1000"\n'
        '"Totaal";"1.4.6 Straatroof";"2023";"Limburg (RE)";"."\n',
        encoding="utf-8",
    )
    result = check(path)
    assert result.report.source_format == "politie-opendata-labels"
    assert rows(result) == [("2023", "Almere", "0.0.0", 9000), ("2023", "Limburg (eenheid)", "1.4.6", None)]


# --- table views without their title block (issue 20) --------------------------------------------

# Only the header block, the data rows and the footer: the category in the columns, a per-1000 topic
# to leave out, counts padded with spaces, "." for suppressed, "2023*" provisional.
HEADERLESS = """\
"Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven";"Geregistreerde misdrijven";"Geregistreerde misdrijven per 1000 inwoners"
"Soort misdrijf";"Misdrijven, totaal";"1.1.1 Diefstal/inbraak woning";"1.1.1 Diefstal/inbraak woning";"Misdrijven, totaal"
"Perioden";"2022";"2022";"2023*";"2022"
"Regio's";"aantal";"aantal";"aantal";"per 1 000 inwoners"
"Nederland";"   818000";"   21000";"   20500";"45.1"
"Almere";"  9500";"  310";".";"44.0"
"Midden-Nederland (RE)";"  60000";"  1500";"  1450";"38.2"
"Bron: CBS"
"""


def test_table_view_without_title_lines(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    path.write_text(HEADERLESS, encoding="utf-8")
    result = check(path)
    report = result.report
    assert (report.source_format, report.kind, report.header_row) == ("statline-table-view", Kind.counts, 1)
    # 3 regions x 3 count columns = 9 figures; the per-1000 column and the footer left out.
    assert report.rows_read == 9 and report.valid
    assert rows(result) == [
        ("2022", "Almere", "0.0.0", 9500),
        ("2022", "Almere", "1.1.1", 310),
        ("2022", "Midden-Nederland", "0.0.0", 60000),
        ("2022", "Midden-Nederland", "1.1.1", 1500),
        ("2022", "Nederland", "0.0.0", 818000),
        ("2022", "Nederland", "1.1.1", 21000),
        ("2023", "Almere", "1.1.1", None),  # "." on line 6: suppressed, never 0
        ("2023", "Midden-Nederland", "1.1.1", 1450),
        ("2023", "Nederland", "1.1.1", 20500),
    ]
    assert [(i.row, i.value) for i in report.issues if i.code == "suppressed_value"] == [(6, ".")]
    notes = " | ".join(report.notes)
    assert "table view without title lines" in notes and "1 footer/empty line(s) dropped" in notes
    assert "per 1000 inwoners" in notes


def test_table_view_without_title_lines_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    path.write_text(HEADERLESS, encoding="utf-8")
    store = Store(tmp_path / "store")
    assert ingest_paths([path], store, ReadOptions()).stored
    with store.reading():
        stored = store.scan(Kind.counts).collect()
    burglary_2022 = stored.filter((stored["category_code"] == "1.1.1") & (stored["period"] == "2022"))
    assert burglary_2022["count"].sum() == 21000 + 310 + 1500  # 22,810 by hand
    assert stored.height == 9 and stored["count"].null_count() == 1


def test_table_view_without_a_category_is_refused_or_told(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    path.write_text(
        '"Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven"\n'
        '"Perioden";"2022";"2023"\n'
        '"Regio\'s";"aantal";"aantal"\n'
        '"Almere";"  9500";"  9700"\n'
        '"Bron: CBS"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        check(path)  # which soort misdrijf? the file does not say: never guessed
    assert "no category" in str(caught.value) and "--dimension" in (caught.value.hint or "")
    told = check(path, "Soort misdrijf=Totaal misdrijven")
    assert rows(told) == [("2022", "Almere", "0.0.0", 9500), ("2023", "Almere", "0.0.0", 9700)]
    assert any("--dimension: the file does not say" in n for n in told.report.notes)


def test_filter_lines_without_a_title(tmp_path: Path) -> None:
    path = tmp_path / "fietsen.csv"
    path.write_text(
        '"Soort misdrijf: 1.2.3 Diefstal van brom-, snor-, fietsen"\n'
        '""\n'
        '"Regio\'s";"Almere";"Lelystad"\n'
        '"Perioden";"aantal";"aantal"\n'
        '"2019 1e halfjaar";"700";"150"\n'
        '"2019 2e halfjaar";"650";"x"\n'
        '"Bron: Politie"\n',
        encoding="utf-8",
    )
    result = check(path)
    assert result.report.header_row == 3
    assert rows(result) == [
        ("2019H1", "Almere", "1.2.3", 700),
        ("2019H1", "Lelystad", "1.2.3", 150),
        ("2019H2", "Almere", "1.2.3", 650),
        ("2019H2", "Lelystad", "1.2.3", None),
    ]
    notes = result.report.notes
    assert "table view without title lines" in notes  # the filter line is no title
    assert "fixed filters: Soort misdrijf = 1.2.3 Diefstal van brom-, snor-, fietsen" in notes


def test_xlsx_table_view_without_title_lines(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "tabel.xlsx",
        [
            ["Soort misdrijf", "Totaal misdrijven", None],  # merged cell: the value repeats
            ["Perioden", "2019", "2020"],
            ["Regio's", "aantal", "aantal"],
            ["Almere", 5000, "."],
            ["Oost-Nederland (RE)", 80000, 79000],
            ["Bron: Politie"],
        ],
    )
    result = check(path)
    assert (result.report.source_format, result.report.header_row) == ("statline-table-view", 1)
    assert rows(result) == [
        ("2019", "Almere", "0.0.0", 5000),
        ("2019", "Oost-Nederland", "0.0.0", 80000),
        ("2020", "Almere", "0.0.0", None),
        ("2020", "Oost-Nederland", "0.0.0", 79000),
    ]


@pytest.mark.parametrize(
    ("lines", "start"),
    [
        # the header block alone, and under a title and filter line
        ([["Onderwerp", "Geregistreerde misdrijven"], ["Perioden", "2022"], ["Regio's", "aantal"]], 0),
        ([["Titel"], ["Soort misdrijf: Totaal"], [], ["Perioden", "2022"], ["Regio's", "aantal"]], 3),
        # ordinary tables whose first row is their header: never a table view
        ([["Soort misdrijf", "Perioden", "Regio's", "Geregistreerde misdrijven (aantal)"],
          ["1.2.3 Diefstal van brom-, snor-, fietsen", "2020", "Amsterdam", "   10378"]], None),
        ([["Perioden", "Regio's", "Bevolking/Aantal inwoners (aantal)"], ["2019", "Almere", "207904"]], None),
        ([["Gemeente", "Indicator", "Eenheid", "Waarde"], ["Almere", "Onveilig", "%", ""]], None),
        ([["Regio", "Soort misdrijf", "Jaar", "geregistreerde misdrijven"],
          ["Nederland", "Misdrijven, totaal", "2010", ""]], None),
    ],
)  # fmt: skip
def test_where_a_table_view_starts(lines: list[list[str]], start: int | None) -> None:
    from veilcli.sources.table_view_layout import table_view_start

    assert table_view_start(lines) == start

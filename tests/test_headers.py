"""Headers as files write them: repeated after trimming, written twice, empty; personal headers
matched as words (CBS measures whose names merely contain a personal word are kept)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import write_xlsx
from veilcli.cli import app
from veilcli.sources.columns import is_cbs_table, is_personal
from veilcli.sources.readers import read_tables
from veilcli.sources.table import unique_headers

runner = CliRunner()


def test_unique_headers_name_where_a_repeated_header_stands() -> None:
    names = ["Jaar", "Regio", "Regio ", "", "Inwoners", "_duplicated_0", "Regio_duplicated_0"]
    assert unique_headers(names) == [
        "Jaar",
        "Regio",
        "Regio (column 3)",
        "column_4",
        "Inwoners",
        "column_6",
        "Regio (column 7)",
    ]
    # the xlsx reader's "<header>_<position>" for a repeated header, and a CBS measure left alone
    assert unique_headers(["Gebied", "Jaar", "Gebied_4", "AantalInwoners_5"]) == [
        "Gebied",
        "Jaar",
        "Gebied (column 4)",
        "AantalInwoners_5",
    ]


def test_headers_equal_after_trimming_are_read_and_said(tmp_path: Path) -> None:
    path = tmp_path / "bevolking.csv"
    # "Regio" twice (once with a space), an empty header over values, "Regio" a third time
    path.write_text(
        "Jaar;Regio;Regio ;;Inwoners;Regio\n2019;Almere;Lelystad;x;207.904;Dronten\n", encoding="utf-8"
    )
    for command in (["validate", "--format", "json"], ["map", "suggest"]):
        result = runner.invoke(app, [*command, str(path)])
        assert result.exit_code == 0, result.output
    report = json.loads(runner.invoke(app, ["validate", "--format", "json", str(path)]).stdout)["files"][0]
    assert report["columns"] == {"year": "Jaar", "area": "Regio", "inhabitants": "Inwoners"}
    assert report["ignored_columns"] == ["Regio (column 3)", "column_4", "Regio (column 6)"]
    said = [n for n in report["notes"] if "more than one column is headed 'Regio'" in n]
    assert len(said) == 2 and "column 3" in said[0] and "column 6" in said[1]
    store = tmp_path / "store"
    ingested = runner.invoke(app, ["ingest", "--store", str(store), str(path)])
    assert ingested.exit_code == 0, ingested.output


def test_a_header_repeated_in_a_workbook(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "b.xlsx",
        [["Jaar", "Gebied", "Inwoners", " Gebied"], [2019, "Almere", 207904, "Lelystad"]],
    )
    [table] = read_tables(path)
    assert table.headers == ["Jaar", "Gebied", "Inwoners", "Gebied (column 4)"]
    assert table.header_notes == [
        "more than one column is headed 'Gebied' (spaces at either end do not count): the one in "
        "column 4 is read as 'Gebied (column 4)'"
    ]


# CBS aggregate columns whose names contain a personal word but count or name areas (issue 20).
CBS_MEASURES = [
    "Naam_272",
    "VoertuigenMetBromfietskenteken_207",
    "Omgevingsadressendichtheid_252",
    "Motorvoertuigen/Voertuigen met bromfietskenteken (aantal)",
    "Regioaanduiding/Gemeentenaam (naam)",
    "GeboorteTotaal_24",
    "PersonenautoSPerHuishouden_96",
    "Adresseerbare objecten",
]
# Personal headers that must stay personal, the compounds and plurals among them.
STILL_PERSONAL = [
    "Naam",
    "Naam (column 5)",  # a repeated "Naam", renamed where read
    "Naam_5",  # not in a CBS table: a name
    "Bromfietskenteken",
    "Kentekenhouder",
    "Kenteken voertuig",
    "Voertuigkenteken",
    "Pleegpostcode",
    "Postcodegebied",
    "Woonadres verdachte",
    "E-mailadres aangever",
    "Telefoonnummer melder",
    "Opmerkingen",
    "Huisnummertoevoeging",
    "Huisnummer (toevoeging)",
    "Geboortedatum slachtoffer",
    "Datum van geboorte",
    "Adresgegevens",
    "Naam met voorletters",
]


@pytest.mark.parametrize("header", CBS_MEASURES)
def test_cbs_measures_are_not_personal(header: str) -> None:
    assert not is_personal(header, cbs_table=True)
    if header != "Naam_272":  # only in a CBS table does a numbered "Naam" name an area
        assert not is_personal(header)


@pytest.mark.parametrize("header", STILL_PERSONAL)
def test_personal_headers_matched_as_words(header: str) -> None:
    assert is_personal(header, cbs_table=header != "Naam_5")


def test_a_cbs_table_keeps_its_measures_and_drops_what_is_personal(tmp_path: Path) -> None:
    headers = [
        "ID",
        "WijkenEnBuurten",
        "Naam_272",
        "AantalInwoners_5",
        "VoertuigenMetBromfietskenteken_207",
        "Omgevingsadressendichtheid_252",
        "MeestVoorkomendePostcode_107",  # a postcode: dropped, however harmless here
    ]
    assert is_cbs_table(headers)
    path = tmp_path / "kerncijfers.csv"
    path.write_text(";".join(headers) + "\n1;GM0034;Almere;207904;1200;1834;1315\n", encoding="utf-8")
    [table] = read_tables(path)
    assert table.dropped_personal == ["MeestVoorkomendePostcode_107"]
    assert table.headers == headers[:-1]

"""Personal headers (issue 21): every column that identifies or locates people is dropped when a
file is read and never stored, shown or mapped; CBS aggregate columns that merely contain such a
word (``VoertuigenMetBromfietskenteken_207``) and the dimensions of statistical tables (CBS
03759NED's ``Geslacht``) are kept."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.sources.columns import column_specs, is_cbs_table, is_personal

runner = CliRunner()

# The headers issue 21 names, their English forms, and the variants written in police and municipal
# extracts (abbreviations with a dot, compounds, a role as the header of who it was).
PERSONAL = [
    # phone, e-mail, network
    "Telnr", "Telnr.", "Tel.nr.", "Telefoonnummer", "Telefoonnr", "Mobiel", "Mobiel nummer",
    "Mobiele nummer", "Mobielnr", "Fax", "Faxnummer", "Phone", "Mobile", "Mobile phone", "Cellphone",
    "E-mail", "Emailadres", "Email", "IP-adres", "IP address", "MAC-adres", "IMEI", "IMSI", "Device ID",
    # names
    "Initialen", "Voorletters", "Voorl.", "Achternaam", "Tussenvoegsel", "Tussenv.", "First name",
    "Last name", "Surname", "Initials", "Verdachte naam", "Gebruikersnaam", "Username",
    # a person named by their role
    "Slachtoffer", "Verdachte", "Aangever", "Getuige", "Victim", "Suspect", "Witness",
    # vehicles
    "Plate", "Kenteken", "Kentekennummer", "Nummerplaat", "Licence plate", "Registration plate", "VIN",
    "Chassisnummer", "Chassis number", "Vehicle identification number", "Framenummer",
    # identity documents and numbers, bank accounts
    "Documentnummer", "Paspoortnummer", "Passport", "ID number", "ID-nummer", "ID-kaart",
    "Identiteitsbewijs", "Identiteitsnummer", "Identity card", "Rijbewijsnummer", "Driving licence number",
    "Vreemdelingennummer", "V-nummer", "A-nummer", "BSN", "Burgerservicenummer",
    "Social security number", "National insurance number", "IBAN", "Rekeningnummer", "Account number",
    # what a person is, where and when born
    "Geslacht", "Gender", "Sex", "M/V", "Geslacht verdachte", "Nationaliteit", "Nationality",
    "Nationaliteit slachtoffer", "Geboorteland", "Country of birth", "Migratieachtergrond", "Ethnicity",
    "Geboorteplaats", "Place of birth", "Geboortejaar", "Year of birth",
    # where a person lives
    "Huisnummer", "House number", "Straat", "Street", "Woonadres", "Address",
    # everything else about a person
    "Persoonsgegevens", "Contactpersoon", "Signalement",
]  # fmt: skip
# Headers of statistical tables that hold a personal word but count or name areas (kept).
CBS_KEPT = ["Naam_272", "VoertuigenMetBromfietskenteken_207", "Omgevingsadressendichtheid_252"]
KEY = ["Registratienummer", "Datum", "Soort misdrijf code", "Gemeente"]


def secret(column: int, row: int) -> str:
    """The value of a personal cell: unique, so any trace of it anywhere is found."""
    return f"PII{column:03d}R{row}"


def _registrations(path: Path, headers: list[str]) -> Path:
    """A police extract as handed over: a title row, a blank row, the header, the rows."""
    lines = ["Geregistreerde misdrijven gemeente Almere 2019;;;", ";;;", ";".join([*KEY, *headers])]
    for row in range(3):
        key = [f"2019-{row:05d}", f"0{row + 1}-03-2019", "1.1.1", "Almere"]
        lines.append(";".join([*key, *(secret(c, row) for c in range(len(headers)))]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("header", PERSONAL)
def test_each_header_is_personal(header: str) -> None:
    assert is_personal(header)


def test_every_personal_column_is_dropped_and_never_stored(tmp_path: Path) -> None:
    path = _registrations(tmp_path / "registraties.csv", PERSONAL)
    validated = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert validated.exit_code == 0, validated.output
    [report] = json.loads(validated.stdout)["files"]
    assert report["rows_read"] == 3
    assert sorted(report["dropped_personal_columns"]) == sorted(PERSONAL)
    assert report["ignored_columns"] == []
    store = tmp_path / "store"
    ingested = runner.invoke(app, ["ingest", "--store", str(store), str(path)])
    assert ingested.exit_code == 0, ingested.output
    assert "PII" not in ingested.output and "PII" not in validated.output
    parquets = list(store.rglob("*.parquet"))
    assert parquets
    stored_rows = 0
    for parquet in parquets:
        frame = pl.read_parquet(parquet)
        stored_rows += frame.height
        assert not set(frame.columns) & set(PERSONAL), parquet
        texts = frame.select(pl.col(pl.String)).unpivot()["value"].drop_nulls()
        assert not texts.str.contains("PII").any(), parquet
    assert stored_rows == 3
    written = [p for p in store.rglob("*") if p.is_file()]
    assert not [p for p in written if b"PII" in p.read_bytes()]


def test_a_birth_date_is_read_as_an_age_only(tmp_path: Path) -> None:
    """``Date of birth`` is the suspects' birth date: read for the age, the date itself never kept."""
    path = tmp_path / "verdachten.csv"
    path.write_text(
        "Verdachten Almere;;;;\n"
        "Registratienummer;Datum;Date of birth;Woonplaats;Soort misdrijf code\n"
        "2019-00001;02-03-2019;12-04-1987;Almere;1.1.1\n"
        "2019-00002;05-03-2019;30-11-2001;Almere;1.1.1\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    result = runner.invoke(app, ["ingest", "--store", str(store), "--kind", "suspects", str(path)])
    assert result.exit_code == 0, result.output
    [parquet] = store.rglob("suspects/*.parquet")
    frame = pl.read_parquet(parquet)
    assert frame["age"].to_list() == [31, 17]  # 1987-04-12 on 2019-03-02; 2001-11-30 on 2019-03-05
    assert "birth_date" not in frame.columns or frame["birth_date"].null_count() == frame.height
    for file in (p for p in store.rglob("*") if p.is_file()):
        assert b"1987" not in file.read_bytes() and b"2001-11" not in file.read_bytes()


def test_cbs_aggregate_columns_are_kept(tmp_path: Path) -> None:
    headers = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", *CBS_KEPT, "AantalInwoners_5", "Woningvoorraad_34"]
    assert is_cbs_table(headers)
    assert not [h for h in CBS_KEPT if is_personal(h, cbs_table=True)]
    path = tmp_path / "kerncijfers_2019.csv"
    path.write_text(
        ";".join(headers) + "\n"
        "1;GM0034    ;Almere                                  ;Almere    ;1834;1315;207904;80911\n"
        "2;WK003400  ;Almere                                  ;Almere-Stad;922;2210;103400;40650\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path), "--format", "json", "--year", "2019"])
    assert result.exit_code in (0, 1), result.output
    [report] = json.loads(result.stdout)["files"]
    assert report["dropped_personal_columns"] == []
    assert set(CBS_KEPT) <= set(report["ignored_columns"]) | set(report["columns"].values())


def test_a_dimension_of_a_statistical_table_is_not_personal() -> None:
    """CBS 03759NED's StatLine CSV: ``Geslacht`` is a dimension read at its total, not a person's sex;
    beside a person word it is the person's."""
    headers = ["Geslacht", "Leeftijd", "Perioden", "Regio's", "Bevolking op 1 januari (aantal)"]
    assert is_cbs_table(headers)
    assert not is_personal("Geslacht", cbs_table=True)
    assert not is_personal("Bevolking/Nationaliteit/Nederlands (aantal)")
    assert is_personal("Geslacht verdachte", cbs_table=True)
    assert is_personal("Geslacht")  # a list of people
    assert not is_cbs_table(["Registratienummer", "Datum", "Geslacht", "Perioden"])


def _map_cases() -> list[tuple[Kind, str]]:
    return [(kind, spec.name) for kind in Kind for spec in column_specs(kind)]


@pytest.mark.parametrize(("kind", "field"), _map_cases(), ids=lambda v: str(v))
def test_a_map_naming_a_personal_column_is_refused(kind: Kind, field: str, tmp_path: Path) -> None:
    path = _registrations(tmp_path / "registraties.csv", ["Telnr", "Geslacht", "Geboortedatum"])
    for header in ("Telnr", "Geslacht", "Geboortedatum"):
        if header == "Geboortedatum" and field == "birth_date":
            continue  # the one column a birth date is read into (for the age)
        map_file = tmp_path / "kolommen.toml"
        map_file.write_text(f'kind = "{kind.value}"\n[columns]\n{field} = "{header}"\n', encoding="utf-8")
        store = tmp_path / "store"
        for command in (["validate"], ["ingest", "--store", str(store)]):
            result = runner.invoke(app, [*command, str(path), "--map", str(map_file)])
            where = f"{kind}.{field} = {header} / {command[0]}: {result.output}"
            assert result.exit_code == 2, where
            lines = result.stderr.rstrip("\n").split("\n")
            assert lines[0].startswith(f"error: {map_file}: --map puts {field} in column '{header}'"), where
            assert ("a personal column" if header != "Geboortedatum" else "a birth date") in lines[0], where
            assert len(lines) == 2 and lines[1].startswith("  hint: "), where
            assert "PII" not in result.output, where
        assert not store.exists()

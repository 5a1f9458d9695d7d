"""`veilcli map suggest` on files with unfamiliar headers: the map it writes ingests them correctly."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import write_xlsx
from veilcli import api
from veilcli.cli import app

runner = CliRunner()


def test_registrations_with_unfamiliar_headers(tmp_path: Path) -> None:
    data = tmp_path / "meldingen.csv"
    data.write_text(
        "Overzicht meldingen afdeling VTH\n"
        "Volgnr.;Dag van melding;Feitcode;Plaats delict;Kanaal\n"
        "X-101;03-01-2019;1.2.3;Almere;Internet\n"
        "X-102;04-01-2019;A72;Almere;Balie\n"
        "X-103;05-01-2019;1.1.1;Almere;Telefoon\n"
        "X-104;2019-02-11;2.2.1;GM0034;Onbekend\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.toml"
    result = runner.invoke(app, ["map", "suggest", str(data), "--out", str(mapping)])
    assert result.exit_code == 0, result.output
    toml = mapping.read_text(encoding="utf-8")
    assert 'kind = "registrations"' in toml and "header_row = 2" in toml
    assert 'registration_id = "Volgnr."' in toml and 'category_code = "Feitcode"' in toml
    assert 'date = "Dag van melding"' in toml and 'municipality = "Plaats delict"' in toml
    assert "# 100% of its distinct values are police category codes" in toml  # every line says why
    store = api.Store(tmp_path / "store")
    ingested = runner.invoke(app, ["ingest", str(data), "--map", str(mapping), "--store", str(store.root)])
    assert ingested.exit_code == 0, ingested.output
    rows = store.scan(api.Kind.registrations).sort("registration_id").collect()
    assert rows["registration_id"].to_list() == ["X-101", "X-102", "X-103", "X-104"]
    assert rows["municipality"].unique().to_list() == ["Almere"]
    assert rows["channel"].to_list() == ["internet", "desk", "phone", "unknown"]
    assert rows["date"].cast(pl.String).to_list() == ["2019-01-03", "2019-01-04", "2019-01-05", "2019-02-11"]


def test_counts_workbook_with_unfamiliar_headers(tmp_path: Path) -> None:
    data = write_xlsx(
        tmp_path / "tellingen.xlsx",
        [
            ["Tellingen huisverboden"],
            [],
            ["Tijdvak", "Gemeente naam", "Delictcode", "Aantal gevallen"],
            ["2019H1", "Almere", "1.1.1", 18],
            ["2019H2", "Almere", "1.1.1", 20],
            ["2018H1", "Almere", "1.2.3", 23],
        ],
    )
    suggestion = api.suggest_map(data)
    assert suggestion.kind == "counts"
    columns = {g.column: g.header for g in suggestion.guesses}
    assert columns == {
        "period": "Tijdvak",
        "area": "Gemeente naam",
        "category_code": "Delictcode",
        "count": "Aantal gevallen",
    }
    mapping = tmp_path / "map.toml"
    mapping.write_text(suggestion.to_toml(), encoding="utf-8")
    store = api.Store(tmp_path / "store")
    assert api.ingest([data], store, api.read_options(map_file=mapping)).stored
    counts = store.scan(api.Kind.counts).sort("period").collect()
    assert counts["count"].to_list() == [23, 18, 20]


def test_known_headers_are_kept_and_said(registrations_xlsx: Path) -> None:
    suggestion = api.suggest_map(registrations_xlsx)
    reasons = {g.column: g.reason for g in suggestion.guesses}
    assert reasons["registration_id"] == "the header is a known name for it"


def test_a_missing_file_is_said_as_such(tmp_path: Path) -> None:
    result = runner.invoke(app, ["map", "suggest", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "not found" in result.output


# --- issue 20, section 3: a map you can trust -------------------------------------------------------

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
ODD = Path(__file__).parent / "fixtures" / "odd"


def _stored(store: Path, kind: api.Kind) -> pl.DataFrame:
    return api.Store(store).scan(kind).drop("source_id").collect().sort("source_row")


@pytest.mark.parametrize(
    ("name", "kind", "recognised"),
    [
        ("bvh-extract.csv", api.Kind.registrations, "bvh-extract"),
        ("politie-labels.csv", api.Kind.counts, "politie-opendata-labels"),
        ("47013NED_TypedDataSet.csv", api.Kind.counts, "politie-opendata-odata"),
        ("kwb-2019-84583NED.csv", api.Kind.population, "cbs-kerncijfers"),
    ],
)
def test_the_suggested_map_unchanged_stores_what_the_format_stores(
    tmp_path: Path, name: str, kind: api.Kind, recognised: str
) -> None:
    """The real layouts: the map `map suggest` writes, used as it is, gives the same stored rows as
    the recognised format read without a map."""
    path = tmp_path / name
    path.write_bytes((LAYOUTS / name).read_bytes())
    mapping = tmp_path / "map.toml"
    result = runner.invoke(app, ["map", "suggest", str(path), "--out", str(mapping)])
    assert result.exit_code == 0, result.output
    toml = mapping.read_text(encoding="utf-8")
    assert f"is {recognised}: veilcli reads it without a map" in toml and "[columns]" in toml
    without, with_map = tmp_path / "without", tmp_path / "with"
    assert runner.invoke(app, ["ingest", "--store", str(without), str(path)]).exit_code == 0
    ingested = runner.invoke(app, ["ingest", "--store", str(with_map), "--map", str(mapping), str(path)])
    assert ingested.exit_code == 0, ingested.output
    by_format, by_map = _stored(without, kind), _stored(with_map, kind)
    assert by_map.height > 0 and by_map.equals(by_format)
    manifest = json.loads((with_map / "manifest.json").read_text(encoding="utf-8"))
    assert [s["source_format"] for s in manifest["sources"]] == ["veilcli-canonical"]  # read by the map


def test_the_kerncijfers_year_becomes_a_value_for_every_row(tmp_path: Path) -> None:
    suggestion = api.suggest_map(LAYOUTS / "kwb-2019-84583NED.csv")
    year = next(g for g in suggestion.guesses if g.column == "year")
    assert year.value == "2019" and "year = { value = 2019 }" in suggestion.to_toml()
    stored = {g.column: g.header for g in suggestion.guesses if g.value is None}
    assert stored == {
        "area": "WijkenEnBuurten",
        "inhabitants": "AantalInwoners_5",
        "dwellings": "Woningvoorraad_34",
    }


def test_a_table_view_is_read_without_a_map(tmp_path: Path) -> None:
    """A StatLine table view turns columns into rows: no map can say that, and the map says so."""
    suggestion = api.suggest_map(ODD / "statline-tabelweergave.csv")
    assert suggestion.recognised_as == "statline-table-view" and not suggestion.guesses
    toml = suggestion.to_toml()
    assert "[columns]" not in toml and "header_row" not in toml
    mapping = tmp_path / "map.toml"
    mapping.write_text(toml, encoding="utf-8")
    report = api.validate([ODD / "statline-tabelweergave.csv"], api.read_options(map_file=mapping)).files[0]
    assert report.source_format == "statline-table-view" and report.rows_valid == 6  # 3 regions x 2 years


def test_counts_are_not_dates_and_a_unique_count_is_no_id(tmp_path: Path) -> None:
    births = api.suggest_map(ODD / "cbs-geboorten-titel-en-bron.csv")
    assert births.header_row == 2  # not the title line
    assert births.kind is None and not [g for g in births.guesses if g.column == "date"]
    assert any("no header says which" in u for u in births.undecided)
    path = tmp_path / "telling.csv"
    path.write_text(
        "Tijdvak;Gemeente naam;Delictcode;Geteld\n2019H1;Almere;1.1.1;18\n2019H2;Almere;1.2.3;20\n"
    )
    columns = {g.column: g.header for g in api.suggest_map(path).guesses}
    assert columns == {
        "period": "Tijdvak",
        "area": "Gemeente naam",
        "category_code": "Delictcode",
        "count": "Geteld",
    }


def test_category_labels_map_category_code_through_the_classification(tmp_path: Path) -> None:
    path = ODD / "meldingen-titelregels.csv"
    suggestion = api.suggest_map(path)
    assert suggestion.header_row == 4 and suggestion.kind is api.Kind.registrations
    columns = {g.column: g.header for g in suggestion.guesses}
    assert columns == {
        "registration_id": "Kenmerk",
        "date": "Moment",
        "category_code": "Feit",
        "municipality": "Plaats",
        "channel": "Via",
    }
    assert "Bedrag" in suggestion.unused  # amounts are not counts of a registration
    mapping = tmp_path / "map.toml"
    mapping.write_text(suggestion.to_toml(), encoding="utf-8")
    store = api.Store(tmp_path / "store")
    assert api.ingest([path], store, api.read_options(map_file=mapping)).stored
    rows = store.scan(api.Kind.registrations).sort("registration_id").collect()
    assert rows["category_code"].to_list() == ["1.1.1", "1.2.3", "2.2.1", "1.1.1"]  # codes, not labels


def test_a_guess_most_rows_fail_is_left_out_and_said() -> None:
    """'Feitcode' has 9 known codes among its 10 distinct values, but the tenth fills 11 of 20 rows."""
    suggestion = api.suggest_map(ODD / "feitcode-meest-onbekend.csv")
    assert "category_code" not in {g.column for g in suggestion.guesses}
    assert any(
        u.startswith("category_code: 'Feitcode' looked like it") and "55% of the rows" in u
        for u in suggestion.undecided
    )
    assert "# could not decide: category_code: a registrations table needs it" in suggestion.to_toml()


def test_headers_without_a_name_of_their_own_are_never_mapped() -> None:
    suggestion = api.suggest_map(ODD / "dubbele-koppen.csv")
    headers = [g.header for g in suggestion.guesses]
    assert headers == ["Jaar", "Regio", "Inwoners"] and len(set(headers)) == len(headers)
    assert not [h for h in headers if "(column" in h or h.startswith(("column_", "_duplicated"))]


def test_excel_serials_under_a_date_header_and_yes_no_values() -> None:
    suggestion = api.suggest_map(ODD / "bvh-andere-koppen.csv")
    reasons = {g.column: (g.header, g.reason) for g in suggestion.guesses}
    assert reasons["date"] == (
        "Kennisname",
        "100% of the values are dates (1990 to today) (Excel serial numbers, under a date header)",
    )
    assert reasons["attempt"][0] == "Poging J/N" and suggestion.rows_valid == 3


def test_headers_and_values_with_quotes_and_control_characters_are_valid_toml(tmp_path: Path) -> None:
    import tomllib

    path = tmp_path / "raar.csv"
    path.write_text(
        'Periode;"Ge\\bied ""x""";Soort misdrijf code;"Aan\ttal"\n2019;Almere;1.1.1;3\n', encoding="utf-8"
    )
    suggestion = api.suggest_map(path)
    parsed = tomllib.loads(suggestion.to_toml())
    area = next(g.header for g in suggestion.guesses if g.column == "area")  # the header as read
    assert "\\" in area and '"' in area and parsed["columns"]["area"] == area
    assert parsed["columns"]["count"] == "Aan\ttal"


ODD_FILES = sorted(p.name for p in ODD.iterdir())


@pytest.mark.parametrize("name", ODD_FILES)
def test_odd_files_never_end_in_an_internal_error(tmp_path: Path, name: str) -> None:
    """Every odd real-layout fixture through validate, map suggest and validate with the map it
    wrote: exit 0, 1 or 2 (never 70), and a map that parses."""
    path = ODD / name
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code in (0, 1, 2) and "internal error" not in checked.output, checked.output
    mapping = tmp_path / "map.toml"
    suggested = runner.invoke(app, ["map", "suggest", str(path), "--out", str(mapping)])
    assert suggested.exit_code in (0, 2) and "internal error" not in suggested.output, suggested.output
    if suggested.exit_code == 0:
        with_map = runner.invoke(app, ["validate", "--map", str(mapping), str(path)])
        assert with_map.exit_code in (0, 1, 2) and "internal error" not in with_map.output, with_map.output
        assert "not valid TOML" not in with_map.output


def test_a_workbook_with_title_rows_and_a_repeated_header(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "bevolking.xlsx",
        [
            ["Toelichting: inwoners op 1 januari"],
            [],
            ["Jaar", "Gebied", " Gebied", None, "Inwoners"],
            [2019, "Almere", "Lelystad", None, 207904],
            [2018, "Almere", "Lelystad", None, 203990],
        ],
    )
    suggestion = api.suggest_map(path)
    assert suggestion.header_row == 3 and suggestion.kind is api.Kind.population
    assert {g.column: g.header for g in suggestion.guesses} == {
        "year": "Jaar",
        "area": "Gebied",
        "inhabitants": "Inwoners",
    }
    assert "Gebied (column 3)" in suggestion.unused


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("bvh-extract.csv", api.Kind.registrations),
        ("politie-labels.csv", api.Kind.counts),
        ("47013NED_TypedDataSet.csv", api.Kind.counts),
    ],
)
def test_the_content_path_alone_maps_the_real_layouts(
    tmp_path: Path, name: str, kind: api.Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without its format (a variant veilcli would not recognise), the headers and contents alone
    still give a map that stores the format's rows."""
    from veilcli.sources import suggest

    path = tmp_path / name
    path.write_bytes((LAYOUTS / name).read_bytes())
    monkeypatch.setattr(suggest, "_as_recognised", lambda *args: None)
    suggestion = api.suggest_map(path)
    assert suggestion.kind is kind and not suggestion.undecided
    mapping = tmp_path / "map.toml"
    mapping.write_text(suggestion.to_toml(), encoding="utf-8")
    without, with_map = tmp_path / "without", tmp_path / "with"
    assert runner.invoke(app, ["ingest", "--store", str(without), str(path)]).exit_code == 0
    assert (
        runner.invoke(app, ["ingest", "--store", str(with_map), "--map", str(mapping), str(path)]).exit_code
        == 0
    )
    assert _stored(with_map, kind).equals(_stored(without, kind))

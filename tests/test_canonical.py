"""The canonical path (aliases, ``--map``) as strict as the recognised formats (issue 20, section 2).

Every fixture is written in a real layout (quoted fields, padded counts, ``.`` for suppressed,
``2019*``, title and source lines, region labels, CBS sentinels); every expected value is worked
out by hand from the fixture.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from veilcli import api
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.domain.models import ColumnMap
from veilcli.errors import InputError
from veilcli.sources.categories import resolve_categories

runner = CliRunner()


def validate(path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["validate", "--format", "json", *args, str(path)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["files"][0]  # type: ignore[no-any-return]


def stored(tmp_path: Path, path: Path, kind: Kind, *args: str) -> pl.DataFrame:
    store = tmp_path / "store"
    result = runner.invoke(app, ["ingest", "--store", str(store), *args, str(path)])
    assert result.exit_code == 0, result.output
    return api.Store(store).scan(kind).drop("source_id").collect()


# --- categories through the classification --------------------------------------------------------


def test_every_written_form_of_a_category_resolves() -> None:
    values = pl.Series(
        [
            "1.2.3",
            " e35 ",
            "1.2.3 Diefstal van brom-, snor-, fietsen",
            "Diefstal/inbraak woning",
            "Misdrijven, totaal",
            "Totaal misdrijven",
            "A72",
            "DIEFSTAL FIETS",  # A72's BVH label
            "huisverbod",
            "Woninginbraak",  # a label of the police's words, but no title: unknown, never own
            "9.9.9 Iets",
            "T001161",
        ]
    )
    counts = dict(resolve_categories(values, Kind.counts).select("text", "code").iter_rows())
    assert counts == {
        "1.2.3": "1.2.3",
        "e35": "E35",
        "1.2.3 Diefstal van brom-, snor-, fietsen": "1.2.3",
        "Diefstal/inbraak woning": "1.1.1",
        "Misdrijven, totaal": "0.0.0",
        "Totaal misdrijven": "0.0.0",
        "A72": None,  # a BVH code: registrations only
        "DIEFSTAL FIETS": None,
        "huisverbod": None,
        "Woninginbraak": None,
        "9.9.9 Iets": None,
        "T001161": "0.0.0",
    }
    how = dict(resolve_categories(values, Kind.counts).select("text", "how").iter_rows())
    assert how["huisverbod"] == "own" and how["Woninginbraak"] == "unknown" and how["A72"] == "unknown"
    registrations = dict(resolve_categories(values, Kind.registrations).select("text", "code").iter_rows())
    assert registrations["A72"] == registrations["DIEFSTAL FIETS"] == "A72"
    assert registrations["Misdrijven, totaal"] is None  # the total is no registration's category
    assert registrations["huisverbod"] is None


LABEL_COUNTS = (
    '"Soort misdrijf";"Perioden";"Regio\'s";"Aantal"\n'
    '"1.2.3 Diefstal van brom-, snor-, fietsen";"2019*";"Almere";"   1378"\n'
    '"Misdrijven, totaal";"2019*";"Almere";"  12040"\n'
    '"Diefstal/inbraak woning";"2019*";"Limburg (RE)";"    840"\n'
    '"1.2.3 Diefstal van brom-, snor-, fietsen";"2018";"Almere";"."\n'
    '"Bron: Politie";"";"";""\n'
)


def test_a_label_table_read_without_a_format_stores_codes(tmp_path: Path) -> None:
    """A police label download whose count header no recognised format knows ("Aantal"): read
    through the aliases, it stores the same codes, periods and areas as the label format would."""
    path = tmp_path / "labels.csv"
    path.write_text(LABEL_COUNTS, encoding="utf-8")
    report = validate(path)
    assert report["source_format"] == "veilcli-canonical" and report["kind"] == "counts"
    assert report["rows_read"] == 4 and report["rows_invalid"] == 0
    assert "1 title/source line(s) with nothing beside their first cell skipped" in report["notes"]
    rows = stored(tmp_path, path, Kind.counts).sort("source_row")
    assert rows.select("period", "area", "category_code", "count").rows() == [
        ("2019", "Almere", "1.2.3", 1378),
        ("2019", "Almere", "0.0.0", 12040),
        ("2019", "Limburg (eenheid)", "1.1.1", 840),  # the police unit, as the label format reads it
        ("2018", "Almere", "1.2.3", None),  # "." is suppressed, never 0
    ]


def test_a_label_the_classification_does_not_know_is_a_finding_never_a_code(tmp_path: Path) -> None:
    path = tmp_path / "tellingen.csv"
    path.write_text(
        "Periode;Gebied;Categorie;Aantal\n"
        "2019;Almere;Diefstal/inbraak woning;120\n"
        "2019;Almere;Woninginbraak;5\n"  # not a title: which category was meant is for the analyst
        "2019;Almere;A72;3\n"  # a BVH code: counts hold open-data categories
        "2019;Almere;huisverbod;18\n",  # a municipal tally's own category
        encoding="utf-8",
    )
    report = validate(path)
    assert report["columns"]["category_code"] == "Categorie"  # decided from its values
    assert report["rows_invalid"] == 2
    unknown = [(i["row"], i["value"]) for i in report["issues"] if i["code"] == "unknown_category"]
    assert unknown == [(3, "Woninginbraak"), (4, "A72")]  # as written, never as a code
    woninginbraak = next(i for i in report["issues"] if i["value"] == "Woninginbraak")
    assert "1.1.1 Diefstal/inbraak woning" in woninginbraak["hint"]
    assert any("kept as this table's own" in n and "'huisverbod'" in n for n in report["notes"])
    refused = runner.invoke(app, ["ingest", "--store", str(tmp_path / "s"), str(path)])
    assert refused.exit_code == 1
    rows = stored(tmp_path, path, Kind.counts, "--skip-invalid", "--rejected-dir", str(tmp_path))
    assert sorted(rows["category_code"].to_list()) == ["1.1.1", "huisverbod"]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("1.1.1", ["1.1.1", "1.2.3"]),  # one export writes codes
        ("Diefstal/inbraak woning", ["1.1.1", "1.2.3"]),  # another the labels
    ],
)
def test_soort_misdrijf_holds_codes_or_labels(tmp_path: Path, category: str, expected: list[str]) -> None:
    path = tmp_path / "registraties.csv"
    second = "1.2.3" if category == "1.1.1" else "1.2.3 Diefstal van brom-, snor-, fietsen"
    path.write_text(
        "Registratienummer;Datum;Soort misdrijf;Gemeente\n"
        f"R1;02-01-2019;{category};Almere\nR2;03-01-2019;{second};Almere\n",
        encoding="utf-8",
    )
    report = validate(path)
    assert report["kind"] == "registrations" and report["columns"]["category_code"] == "Soort misdrijf"
    rows = stored(tmp_path, path, Kind.registrations).sort("registration_id")
    assert rows["category_code"].to_list() == expected
    # labels are kept as the label too; codes are not labels
    labels = [category, second] if category != "1.1.1" else [None, None]
    assert rows["category_label"].to_list() == labels


def test_bvh_labels_and_lower_case_codes_of_registrations(tmp_path: Path) -> None:
    path = tmp_path / "bvh.csv"
    path.write_text(
        "Registratienummer;Datum;Maatschappelijke klasse;Gemeente\n"
        "R1;02-01-2019;DIEFSTAL FIETS;Almere\nR2;03-01-2019;a72;Almere\nR3;04-01-2019;e35;Almere\n",
        encoding="utf-8",
    )
    rows = stored(tmp_path, path, Kind.registrations).sort("registration_id")
    assert rows["category_code"].to_list() == ["A72", "A72", "E35"]


def test_a_nuisance_tables_total_is_never_the_crime_total(tmp_path: Path) -> None:
    path = tmp_path / "overlast.csv"
    path.write_text(
        "Periode;Gebied;Soort overlast;Aantal\n2019;Almere;0.0.0;900\n2019;Almere;E35;400\n",
        encoding="utf-8",
    )
    rows = stored(tmp_path, path, Kind.counts, "--kind", "counts", "--map", str(_map(tmp_path)))
    assert sorted(rows["category_code"].to_list()) == ["E35", "OVERLAST-TOTAAL"]


def _map(tmp_path: Path) -> Path:
    mapping = tmp_path / "overlast.toml"
    mapping.write_text('[columns]\ncategory_code = "Soort overlast"\n', encoding="utf-8")
    return mapping


# --- values for every row: --map and --year ---------------------------------------------------------


def test_a_map_gives_a_national_series_its_area(tmp_path: Path) -> None:
    path = tmp_path / "nederland.csv"
    path.write_text(
        '"Perioden";"Soort misdrijf";"Geregistreerde misdrijven"\n'
        '"2019*";"Misdrijven, totaal";"   801.000"\n"2018";"Misdrijven, totaal";"   786.000"\n',
        encoding="utf-8",
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'kind = "counts"\n[columns]\narea = { value = "Nederland" }\nperiod = "Perioden"\n'
        'category_code = "Soort misdrijf"\ncount = "Geregistreerde misdrijven"\n',
        encoding="utf-8",
    )
    report = validate(path, "--map", str(mapping))
    assert report["columns"]["area"] == "Nederland (--map value)"
    rows = stored(tmp_path, path, Kind.counts, "--map", str(mapping)).sort("period")
    assert rows.select("period", "area", "category_code", "count").rows() == [
        ("2018", "Nederland", "0.0.0", 786000),
        ("2019", "Nederland", "0.0.0", 801000),
    ]


def test_a_map_gives_a_population_table_its_year(tmp_path: Path) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_text("Gemeente;Inwoners\nAlmere;218.096\nLelystad;80.302\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text("[values]\nyear = 2024\n", encoding="utf-8")
    rows = stored(tmp_path, path, Kind.population, "--map", str(mapping)).sort("area")
    assert rows.select("year", "area", "inhabitants").rows() == [
        (2024, "Almere", 218096),
        (2024, "Lelystad", 80302),
    ]


def test_map_values_are_checked(tmp_path: Path) -> None:
    ok = ColumnMap.model_validate({"columns": {"area": {"value": "Nederland"}, "period": "Perioden"}})
    assert ok.columns == {"period": "Perioden"} and ok.values == {"area": "Nederland"}
    assert ColumnMap.model_validate({"columns": {"attempt": {"value": False}}}).value_texts() == {
        "attempt": "nee"
    }
    for wrong, said in (
        ({"columns": {"area": {"header": "Regio"}}}, "write the header as text"),
        ({"columns": {"area": "Regio"}, "values": {"area": "Almere"}}, "given both a header and a value"),
    ):
        with pytest.raises(ValueError, match=said):
            ColumnMap.model_validate(wrong)
    path = tmp_path / "bevolking.csv"
    path.write_text("Jaar;Gemeente;Inwoners\n2024;Almere;218.096\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'kind = "population"\n[columns]\ncategory_code = { value = "1.1.1" }\n', encoding="utf-8"
    )
    report = validate(path, "--map", str(mapping))
    assert [i["code"] for i in report["issues"]] == ["map_unknown_column"]


def test_year_for_a_population_table_without_a_year_column(tmp_path: Path) -> None:
    path = tmp_path / "inwoners.csv"
    path.write_text(
        "Inwoners per gemeente, 1 januari\n\nGebied;Inwoners;Woningen\n"
        "Almere;218.096;85.103\nLelystad;-99999999;-99999997\nDronten;;\n",
        encoding="utf-8",
    )
    report = validate(path, "--year", "2024")
    assert report["kind"] == "population" and report["columns"]["year"] == "2024 (--year)"
    assert "year 2024 for every row (--year): the file has no year column" in report["notes"]
    # CBS's sentinels are unknown; a row with no known figure is skipped (Lelystad, Dronten)
    assert "2 row(s) with no known figure skipped (an area without figures that year)" in report["notes"]
    rows = stored(tmp_path, path, Kind.population, "--year", "2024")
    assert rows.select("year", "area", "inhabitants", "dwellings").rows() == [(2024, "Almere", 218096, 85103)]


def test_year_against_a_year_column(tmp_path: Path) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_text("Jaar;Gebied;Inwoners\n2019*;Almere;207.904\n2019;Lelystad;77.389\n", encoding="utf-8")
    assert "--year 2019 agrees with the column 'Jaar'" in validate(path, "--year", "2019")["notes"]
    result = runner.invoke(app, ["validate", "--year", "2020", str(path)])
    assert result.exit_code == 2 and "--year 2020, but its column 'Jaar' holds 2019" in result.output
    with pytest.raises(InputError, match="holds 2019"):
        api.validate([path], api.read_options(year=2020))


def test_years_and_periods_as_cbs_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "bevolking.csv"
    path.write_text(
        "Perioden;Gebied;Inwoners\n2019JJ00;Almere;207.904\n2018*;Almere;203.990\n", encoding="utf-8"
    )
    rows = stored(tmp_path, path, Kind.population).sort("year")
    assert rows.select("year", "inhabitants").rows() == [(2018, 203990), (2019, 207904)]


def test_the_crime_total_as_the_last_row_is_a_category_not_a_totals_row(tmp_path: Path) -> None:
    path = tmp_path / "tellingen.csv"
    path.write_text(
        "Soort misdrijf;Perioden;Regio;Aantal\n"
        "1.1.1 Diefstal/inbraak woning;2019;Almere;612\n"
        "Totaal misdrijven;2019;Almere;12040\n",  # a category of its own, with its period and area
        encoding="utf-8",
    )
    rows = stored(tmp_path, path, Kind.counts).sort("source_row")
    assert rows.select("category_code", "count").rows() == [("1.1.1", 612), ("0.0.0", 12040)]
    # a real totals row sums the rows above and lacks their keys: skipped, and said
    path.write_text(path.read_text(encoding="utf-8") + "Totaal;;;12652\n", encoding="utf-8")
    report = validate(path)
    assert report["rows_read"] == 2 and report["issue_counts"] == {"total_row_skipped": 1}

"""Area names veilcli does not know: a misspelt municipality is a finding with the nearest names."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import snapshot, write_xlsx
from tests.test_formats import bvh_row
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.domain.models import Severity
from veilcli.sources.columns import BVH_HEADERS
from veilcli.sources.pipeline import ReadOptions, validate_paths
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

runner = CliRunner()


def bvh_extract(folder: Path, municipality_of_row_3: str) -> Path:
    """A BVH extract of three incidents; the second (spreadsheet row 3) with its own Pleeggemeente."""
    rows = [
        bvh_row("PL0900_BVH_1", "PL0900_BVH_E1", "A72", "DIEFSTAL FIETS", 43528.5),
        bvh_row(
            "PL0900_BVH_2",
            "PL0900_BVH_E2",
            "A72",
            "DIEFSTAL FIETS",
            43529.5,
            Pleeggemeente=municipality_of_row_3,
        ),
        bvh_row("PL0900_BVH_3", "PL0900_BVH_E3", "B70", "STRAATROOF", 43530.5),
    ]
    return write_xlsx(folder / "bvh-almere.xlsx", [list(BVH_HEADERS), *rows], sheet="Export")


def findings(path: Path, **options: object) -> list[tuple[object, ...]]:
    [(table, _)] = validate_paths([path], ReadOptions(**options))  # type: ignore[arg-type]
    return [(i.code, i.severity, i.row, i.column, i.value, i.hint) for i in table.report.issues]


def test_a_misspelt_municipality_in_a_bvh_extract_is_rejected_with_the_name_meant(tmp_path: Path) -> None:
    """ALMREE is 0.83 from "almere" (difflib, folded names): a misspelling. Row 3 is rejected,
    the finding names the value, the row, the column and the nearest known names."""
    path = bvh_extract(tmp_path, "ALMREE")
    [(code, severity, row, column, value, hint)] = findings(path)
    assert (code, severity, row, column, value) == (
        "unknown_area",
        Severity.error,
        3,
        "Pleeggemeente",
        "ALMREE",
    )
    assert hint == "did you mean 'Almere'? (nearest known: Almere, Aalsmeer, Waalre)"
    store = Store(tmp_path / "store")
    result = ingest_paths([path], store, ReadOptions())
    assert not result.stored and [s.status for s in result.sources] == ["rejected"]
    assert not store.root.exists()
    # Kept as written with --allow-unknown-areas: then a warning, and stored under its own name.
    [(code, severity, *_)] = findings(path, allow_unknown_areas=True)
    assert (code, severity) == ("unknown_area", Severity.warning)
    assert ingest_paths([path], store, ReadOptions(allow_unknown_areas=True)).stored
    areas = store.scan(Kind.registrations).collect()["municipality"].sort().to_list()
    assert areas == ["ALMREE", "Almere", "Almere"]


def test_the_command_line_refuses_the_typo_and_takes_the_option(tmp_path: Path) -> None:
    path = bvh_extract(tmp_path, "Almree")
    checked = runner.invoke(app, ["validate", str(path), "-f", "json"])
    assert checked.exit_code == 1
    [issue] = json.loads(checked.stdout)["files"][0]["issues"]
    assert issue["code"] == "unknown_area" and issue["value"] == "Almree" and issue["row"] == 3
    store = tmp_path / "store"
    refused = runner.invoke(app, ["ingest", str(path), "--store", str(store)])
    assert refused.exit_code == 1 and "did you mean 'Almere'?" in " ".join(refused.output.split())
    assert not store.exists()
    allowed = runner.invoke(app, ["ingest", str(path), "--store", str(store), "--allow-unknown-areas"])
    assert allowed.exit_code == 0, allowed.output
    assert "unknown_area x1" in allowed.output


@pytest.mark.parametrize(
    ("written", "nearest"),
    [
        ("Testdorp", "no known name is close"),  # a name like no municipality's
        ("Almere Stad", "nearest known names: Almere, Meierijstad, Lelystad"),  # 0.71: a district?
    ],
)
def test_an_unknown_municipality_unlike_any_is_stored_with_a_warning(
    tmp_path: Path, written: str, nearest: str
) -> None:
    path = bvh_extract(tmp_path, written)
    [(code, severity, row, _, value, hint)] = findings(path)
    assert (code, severity, row, value) == ("unknown_area", Severity.warning, 3, written)
    assert str(hint).startswith(nearest)


def test_known_names_codes_benchmark_labels_and_districts_give_no_finding(tmp_path: Path) -> None:
    """Every way a real file names an area that veilcli knows or cannot know: no finding."""
    registrations = tmp_path / "registraties.csv"
    registrations.write_text(
        "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijk;Buurt\n"
        "R1;2019-03-05;1.2.3;ALMERE;Almere-Stad;Centrum Almere-Stad\n"
        "R2;2019-03-05;1.2.3;GM0034;Almere-Haven;De Werven\n"
        "R3;2019-03-05;1.2.3;Den Haag;Centrum;Kortenbos\n"
        "R4;2019-03-05;1.2.3;Bergen (NH);Bergen;Bergen-centrum\n"  # the province without its dots
        "R5;2019-03-05;1.2.3;Haren;Haren;Haren-centrum\n",  # merged into Groningen in 2019: known
        encoding="utf-8",
    )
    population = tmp_path / "bevolking.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2019;Almere;207.904\n2019;Almere-Stad;104.900\n2019;Almere-Pampus;80\n"
        "2019;Midden-Nederland;1.347.310\n2019;Politie-eenheid Oost-Nederland;3.000.000\n"
        "2019;G10/100.000+;6.139.500\n2019;WK003401;104.900\n2019;BU00340101;3.100\n2019;NL01;17.282.163\n",
        encoding="utf-8",
    )
    for path in (registrations, population):
        [(table, _)] = validate_paths([path], ReadOptions())
        assert table.report.issues == [], path
    [(table, _)] = validate_paths([registrations], ReadOptions())
    assert table.data["municipality"].to_list() == [
        "Almere",
        "Almere",
        "'s-Gravenhage",
        "Bergen (NH.)",
        "Haren",
    ]


def test_a_misspelt_area_in_counts_population_or_a_residence_is_a_warning(tmp_path: Path) -> None:
    """Outside a registration's municipality an unknown name is normal (wijk, buurt, place of
    residence): only one close to a known name is said, and the row is kept."""
    counts = tmp_path / "tellingen.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n2019H1;Almere;1.2.3;500\n2019H1;Amstrdam;1.2.3;9000\n"
        "2019H1;Midden-Nedrland;1.2.3;7000\n2019H1;Frankendael;1.2.3;120\n",
        encoding="utf-8",
    )
    suspects = tmp_path / "verdachten.csv"
    suspects.write_text(
        "Registratienummer;Datum;Leeftijd;Woonplaats;Soort misdrijf code\n"
        "R1;2019-03-05;17;Almree;1.2.3\nR2;2019-03-05;19;Buitenland;1.2.3\nR3;2019-03-05;20;Almere;1.2.3\n",
        encoding="utf-8",
    )
    found = findings(counts)
    assert [(c, s, r, v) for c, s, r, _, v, _ in found] == [
        ("unknown_area", Severity.warning, 3, "Amstrdam"),
        ("unknown_area", Severity.warning, 4, "Midden-Nedrland"),
    ]
    nearest = "Midden-Nederland, Midden-Delfland, Midden-Drenthe"
    assert found[1][5] == f"did you mean 'Midden-Nederland'? (nearest known: {nearest})"
    assert [(c, s, r, v) for c, s, r, _, v, _ in findings(suspects)] == [
        ("unknown_area", Severity.warning, 2, "Almree")
    ]
    [(table, _)] = validate_paths([suspects], ReadOptions())
    assert table.report.rows_valid == 3


def test_a_file_of_many_unknown_area_names_is_not_compared_name_by_name(tmp_path: Path) -> None:
    """A table of 600 buurt names (a police label export): names the police wrote, not typos; the
    typo check is skipped there, so no buurt named like a municipality is flagged by chance."""
    from veilcli.sources.checks import MAX_UNKNOWN_AREAS_COMPARED

    names = [f"Buurt {n}" for n in range(MAX_UNKNOWN_AREAS_COMPARED + 100)] + ["Amstrdam"]
    counts = tmp_path / "buurten.csv"
    pl.DataFrame(
        {"Periode": "2019", "Gebied": names, "Soort misdrijf code": "1.2.3", "Aantal": "1"}
    ).write_csv(counts, separator=";")
    assert findings(counts) == []


def test_a_rejected_typo_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    good = tmp_path / "goed.csv"
    good.write_text("Registratienummer;Datum;Soort misdrijf code;Gemeente\nR1;2019-03-05;1.2.3;Almere\n")
    assert ingest_paths([good], store, ReadOptions()).stored
    before = snapshot(store.root)
    typo = tmp_path / "typo.csv"
    typo.write_text("Registratienummer;Datum;Soort misdrijf code;Gemeente\nR2;2019-03-05;1.2.3;Almree\n")
    assert not ingest_paths([typo], store, ReadOptions()).stored
    assert snapshot(store.root) == before

"""Shared fixtures: small hand-made files in the shapes analysts really get."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

REG_HEADERS = [
    "Registratienummer",
    "Datum",
    "Soort misdrijf code",
    "Soort misdrijf",
    "Gemeente",
    "Wijk",
    "Gebeurtenisnummer",
    "Wijze van aangifte",
    "Poging",
]


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Blad1") -> Path:
    """Write rows (first row = spreadsheet row 1) into a one-sheet workbook."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def registrations_xlsx(tmp_path: Path) -> Path:
    """Title and notes rows above Dutch headers; an Excel date, a serial, text dates; totals row."""
    return write_xlsx(
        tmp_path / "registraties.xlsx",
        [
            ["Geregistreerde misdrijven Almere"],  # row 1
            ["Bron: politie, bewerking gemeente"],  # row 2
            [],  # row 3
            REG_HEADERS,  # row 4
            [
                "R1",
                dt.datetime(2019, 2, 3, 14, 5),
                "1.1.1",
                "Woninginbraak",
                "Almere",
                "Stad",
                "E1",
                "Internet",
                "N",
            ],  # row 5
            ["R2", "2019-02-04", "1.2.3", "Fietsdiefstal", "GM0034", "Haven", None, "Balie", "J"],
            [None] * 9,  # row 7 blank
            ["R3", "05-03-2019 10:15", "2.2.1", "Vernieling", "Almere", "Buiten", "E1", "Telefoon", "N"],
            ["R4", 43536.5, "1.4.6", "Straatroof", "Almere", "Stad", None, None, None],  # row 9: 2019-03-12
            ["Totaal", 4, None, None, None, None, None, None, None],  # row 10
        ],
        sheet="Registraties",
    )


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A store location that does not exist yet."""
    return tmp_path / "store"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (empty when the folder does not exist)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


PLAN = """
name = "Testplan"
area = "Testdorp"
baseline = 2017

[[benchmarks]]
name = "AB"
members = ["A", "B"]

[[indicators]]
id = "inbraak"
theme = 1
label = "Inbraak"
categories = ["1.1.1"]
unit = "per_1000_dwellings"
goal = "decrease"

[[indicators]]
id = "fiets"
theme = 1
label = "Fiets"
categories = ["1.2.3"]
unit = "per_1000_inhabitants"
goal = "no_increase"

[[indicators]]
id = "vernieling"
theme = 1
label = "Vernieling"
categories = ["2.2.1"]
unit = "per_1000_inhabitants"
goal = "no_increase"

[[indicators]]
id = "jeugd"
theme = 3
label = "Jeugd"
kind = "suspects"
categories = ["crime"]
age = [12, 24]
unit = "per_1000_youths_12_24"
goal = "decrease"

[[indicators]]
id = "overlast"
theme = 1
label = "Overlast"
categories = ["E35"]
unit = "per_1000_inhabitants"
goal = "none"
"""


@pytest.fixture
def plan_store(tmp_path: Path) -> tuple[Store, Path]:
    """Testdorp: 2017H1 and 2019H1 registrations (no 2018H1), population, and members A and B."""
    plan = {
        "2017": {"1.1.1": 10, "1.2.3": 5, "2.2.1": 20, "E35": 4},
        "2019": {"1.1.1": 8, "1.2.3": 6, "2.2.1": 30, "E35": 4},
    }
    # One extract per year, each spread over the whole half-year (2 January to 28 June), so each
    # covers its H1 and nothing covers 2018H1.
    days = ["01-02", "06-28", "02-15", "03-01", "04-10", "05-20"]
    n = 0
    for year, codes in plan.items():
        rows = ["Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte"]
        for code, count in codes.items():
            for _ in range(count):
                rows.append(f"R{n + 1};{year}-{days[n % len(days)]};{code};Testdorp;Balie")
                n += 1
        (tmp_path / f"reg{year}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "pop.csv").write_text(
        "Jaar;Gebied;Inwoners;Woningen\n2017;Testdorp;10.000;5.000\n2019;Testdorp;12.000;4.000\n"
        "2017;A;20.000;10.000\n2019;A;20.000;10.000\n2017;B;20.000;10.000\n2019;B;20.000;10.000\n",
        encoding="utf-8",
    )
    (tmp_path / "counts.csv").write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n"
        "2017H1;A;1.1.1;30\n2017H1;B;1.1.1;10\n2019H1;A;1.1.1;20\n2019H1;B;1.1.1;10\n",
        encoding="utf-8",
    )
    (tmp_path / "suspects.csv").write_text(
        "Registratienummer;Datum;Leeftijd;Woonplaats;Soort misdrijf code\nR1;2017-03-01;17;Testdorp;1.1.1\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    files = [tmp_path / f for f in ("reg2017.csv", "reg2019.csv", "pop.csv", "counts.csv")]
    assert ingest_paths(files, store, ReadOptions()).stored
    # One suspect cannot show what the extract covers: declared, as `--covers` and `--scope` do.
    declared = ReadOptions(covers=(dt.date(2017, 1, 1), dt.date(2019, 6, 30)), scope=["crime"])
    assert ingest_paths([tmp_path / "suspects.csv"], store, declared).stored
    plan_path = tmp_path / "plan.toml"
    plan_path.write_text(PLAN, encoding="utf-8")
    return store, plan_path


# Tests that start processes, render with LibreOffice or regenerate the sample data: left out by
# `pytest -m "not slow"` (the daily tier); CI and the README's test command run everything.
SLOW = (
    "tests/test_cli.py::test_installed_executable",
    "tests/test_export.py::test_libreoffice_renders_the_workbook",
    "tests/test_league_exports.py::test_libreoffice_prints_the_league_workbook",
    "tests/test_league_exports.py::test_the_league_page_renders_in_headless_chromium",
    "tests/test_ingest.py::test_concurrent_ingests_are_serialised",
    "tests/test_sample_data.py::test_workbook_layout",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests listed above (one list, so no test file needs editing for it)."""
    for item in items:
        if item.nodeid.split("[")[0] in SLOW:
            item.add_marker(pytest.mark.slow)

"""Shared fixtures: small hand-made files in the shapes analysts really get."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

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

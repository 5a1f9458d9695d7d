"""A file read ahead (``sources.read_ahead``) is taken only while it is the file read; otherwise the
reader reads it itself, and a path that cannot be read ahead is left to the reader."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from veilcli.sources import read_ahead
from veilcli.sources.files import read_file_bytes_and_sha256
from veilcli.sources.readers import read_tables

CSV = "Registratienummer;Datum;Soort misdrijf code;Gemeente\nR1;03-02-2019;1.1.1;Almere\n"


@pytest.fixture(autouse=True)
def _nothing_ahead() -> None:
    read_ahead._AHEAD.clear()


def _wait(path: Path) -> None:
    """Until the read ahead of ``path`` ends (``take`` waits too; the tests change files after it)."""
    status = os.stat(path)
    future = read_ahead._AHEAD[(status.st_dev, status.st_ino)]
    future.result(timeout=10)


def test_an_unchanged_file_is_taken_with_its_sha256(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    read_ahead.read_ahead(path)
    _wait(path)
    assert read_file_bytes_and_sha256(path) == (CSV.encode(), hashlib.sha256(CSV.encode()).hexdigest())
    assert read_file_bytes_and_sha256(path) == (CSV.encode(), None)  # taken once: read again after


def test_the_table_read_ahead_is_the_table_read(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    [plain] = read_tables(path)
    read_ahead.read_ahead(path)
    [ahead] = read_tables(path)
    assert not read_ahead._AHEAD
    assert ahead.frame.equals(plain.frame) and ahead.sha256 == plain.sha256 != ""


@pytest.mark.parametrize("same_size", [False, True])
def test_a_file_changed_after_the_read_ahead_is_read_anew(tmp_path: Path, same_size: bool) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    read_ahead.read_ahead(path)
    _wait(path)
    changed = CSV.replace("R1", "R2") if same_size else CSV + "R3;04-02-2019;1.1.1;Almere\n"
    status = os.stat(path)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))  # a later write, surely
    assert read_file_bytes_and_sha256(path) == (changed.encode(), None)


def test_what_cannot_be_read_ahead_is_left_to_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "folder.csv").mkdir()
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # never opened: a writer waiting on it would be let through
    (tmp_path / "book.xlsx").write_bytes(b"PK")
    large = tmp_path / "large.csv"
    large.write_text(CSV * 10, encoding="utf-8")
    monkeypatch.setenv("VEILCLI_STREAM_BYTES", str(len(CSV)))  # read in blocks, not whole
    for path in ("missing.csv", "folder.csv", "pipe.csv", "book.xlsx", "large.csv"):
        read_ahead.read_ahead(tmp_path / path)
    assert not read_ahead._AHEAD

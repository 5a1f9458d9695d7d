"""A file's header that names one of veilcli's working columns (``__row``), a column of the rejected
rows (``row``, ``reasons``) or a polars pattern (``*``, ``^...$``) is read as ``"<header> (column
N)"`` with a note: validate, map suggest and ingest answer (never exit 70), and the rows keep their
numbers. Hypothesis found ``__row`` and a ``*`` header (a polars wildcard) ending in internal errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import write_xlsx
from tests.test_hostile import store_hashes
from veilcli import api
from veilcli.cli import app
from veilcli.sources.csv_stream import BlockReader
from veilcli.sources.table import unique_headers

RESERVED = ["__row", "__path", "__incident_place", "row", "reasons", "*", "^.*$", "^Gemeente$", " __row "]
HEADERS = ["Registratienummer", "Datum", "Soort misdrijf code", "Gemeente"]
ROWS = [["R1", "2019-01-03", "1.1.1", "Almere"], ["R2", "2019-02-30", "1.2.3", "Almere"]]  # R2: no date


def _write(tmp_path: Path, suffix: str, extra: str) -> Path:
    head, rows = [*HEADERS, extra], [[*r, "x"] for r in ROWS]
    if suffix == ".xlsx":
        return write_xlsx(tmp_path / "f.xlsx", [head, *rows])
    path = tmp_path / "f.csv"
    path.write_text("\n".join(";".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    return path


def test_reserved_headers_are_read_under_their_column() -> None:
    assert unique_headers(["Regio", "__row", "*", "^x$", "row", "Naam"]) == [
        "Regio",
        "__row (column 2)",
        "* (column 3)",
        "^x$ (column 4)",
        "row (column 5)",
        "Naam",
    ]
    assert unique_headers(["__row", "__row"]) == ["__row (column 1)", "__row (column 2)"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("extra", RESERVED)
def test_validate_and_suggest_answer_with_a_reserved_header(tmp_path: Path, suffix: str, extra: str) -> None:
    path = _write(tmp_path, suffix, extra)
    report = api.validate([path])
    [file] = report.files
    assert file.kind == "registrations" and file.rows_read == 2 and file.rows_invalid == 1
    # the row numbers are the spreadsheet's: R2 stands on row 3
    assert {i.row for i in file.issues if i.row is not None} == {3}
    assert any(f"{extra.strip()} (column 5)" in n for n in file.notes), file.notes
    api.suggest_map(path)  # answers


@pytest.mark.parametrize("extra", ["__row", "*", "reasons"])
def test_the_cli_ingests_and_refuses_without_an_internal_error(tmp_path: Path, extra: str) -> None:
    path = _write(tmp_path, ".csv", extra)
    store = tmp_path / "store"
    runner = CliRunner()
    for command in (["validate", str(path)], ["map", "suggest", str(path)]):
        result = runner.invoke(app, command)
        assert result.exit_code in (0, 1), result.output
        assert "internal error" not in result.output
    before = store_hashes(store)
    refused = runner.invoke(app, ["ingest", str(path), "--store", str(store)])  # R2 is invalid
    assert refused.exit_code == 1 and "internal error" not in refused.output, refused.output
    assert store_hashes(store) == before  # a refused ingest leaves the store as it was
    rejected = tmp_path / "rejected"
    stored = runner.invoke(
        app, ["ingest", str(path), "--store", str(store), "--skip-invalid", "--rejected-dir", str(rejected)]
    )
    assert stored.exit_code == 0, stored.output
    [rejects] = list(rejected.rglob("*.csv"))
    head, row = rejects.read_text(encoding="utf-8").splitlines()[:2]
    # veilcli's row and reasons, then the columns it read (the unmapped fifth is not among them)
    assert head == '"row","reasons","Registratienummer","Datum","Soort misdrijf code","Gemeente"'
    assert row.startswith('3,"invalid_date (Datum)')


@pytest.mark.parametrize("extra", ["__row", "*", "row"])
def test_the_block_reader_reads_a_reserved_header_as_the_whole_file_reader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    """A counts table over ``VEILCLI_STREAM_BYTES`` is read in blocks (``csv_stream``): its blocks
    carry the same renamed header. The extra column is a dimension of the table, as any unknown one
    (``Extra``) is, so the file is then read whole: the same stored rows either way."""
    lines = ['"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1";"' + extra + '"']
    lines += [
        f'{n};"1.2.3   ";"GM0034    ";"{2017 + n // 12}MM{n % 12 + 1:02d}";{n + 1};x' for n in range(120)
    ]
    path = tmp_path / "counts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("VEILCLI_STREAM_BYTES", "1000")
    monkeypatch.setenv("VEILCLI_BLOCK_BYTES", "3000")
    reader = BlockReader.open(path, None, set())
    assert reader is not None
    try:
        blocks = list(reader.blocks())
    finally:
        reader.close()
    assert len(blocks) > 1 and all(f"{extra} (column 6)" in b.table.frame.columns for b in blocks)
    frames = {}
    for mode in ("streamed", "whole"):
        if mode == "whole":
            monkeypatch.delenv("VEILCLI_STREAM_BYTES")
            monkeypatch.delenv("VEILCLI_BLOCK_BYTES")
        store = api.Store(tmp_path / f"store-{mode}")
        assert api.ingest([path], store).stored
        frames[mode] = store.scan(api.Kind.counts).drop("source_id").sort("period").collect()
    assert frames["streamed"].equals(frames["whole"]) and frames["whole"].height == 120

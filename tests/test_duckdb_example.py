"""The README's DuckDB query over the store runs as written and gives the hand-computed figures,
on a store holding a source stored in parts (read in blocks) beside one stored whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from veilcli import api
from veilcli.store.store import Store

duckdb = pytest.importorskip("duckdb")

README = Path(__file__).resolve().parents[1] / "README.md"
HEADER = "ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"
# Total crime (0.0.0) per month of 2024H1, by hand.
ALMERE = [10, 12, 9, 11, 8, 10]  # 60
LELYSTAD = [4, 5, 3, 6, 2, 4]  # 24, stored whole in a second file
UTRECHT_MISSING_JUNE = [20, 21, 22, 23, 24]  # five months only: left out by HAVING count(*) = 6


def readme_query() -> list[str]:
    """The statements of the README's DuckDB example, as written."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**The store from DuckDB or Spark.**") :]
    block = re.search(r"```sql\n(.*?)```", section, re.S)
    assert block, "the README lost its DuckDB example"
    return [s.strip() for s in block.group(1).split(";\n") if s.strip()]


def _rows(values: list[int], region: str, start_id: int, code: str = "0.0.0   ") -> str:
    return "".join(f"{start_id + i};{code};{region};2024MM{i + 1:02d};{v}\n" for i, v in enumerate(values))


def test_readme_duckdb_query_reads_parts_and_whole_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "buurten.csv"
    body = _rows(ALMERE, "GM0034    ", 0)
    body += _rows([3, 4, 2, 5, 1, 3], "BU00340101", 100)  # buurt rows: not added to Almere's own
    body += _rows(UTRECHT_MISSING_JUNE, "GM0344    ", 200)
    body += _rows([7, 7, 7, 7, 7, 7], "GM0034    ", 300, code="1.1.1   ")  # another category
    big.write_text(HEADER + body, encoding="utf-8")
    small = tmp_path / "lelystad.csv"
    small.write_text(HEADER + _rows(LELYSTAD, "GM0995    ", 0), encoding="utf-8")
    population = tmp_path / "bevolking.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2024;Almere;220000\n2024;Lelystad;40000\n2024;Utrecht;370000\n",
        encoding="utf-8",
    )
    store_path = tmp_path / "store"
    monkeypatch.setenv("VEILCLI_STREAM_BYTES", "300")  # the first file is read in blocks
    monkeypatch.setenv("VEILCLI_BLOCK_BYTES", "256")
    result = api.ingest([big, small, population], Store(store_path))
    assert result.stored, result
    sources = Store(store_path).sources()
    assert any(s.parts for s in sources) and any(
        s.parts is None and s.kind.value == "counts" for s in sources
    )

    con = duckdb.connect()
    rows = None
    for statement in readme_query():
        statement = statement.replace("'.veilcli'", f"'{store_path.as_posix()}'")
        rows = con.execute(statement).fetchall()
    assert rows == [
        ("Lelystad", 24, 40000, 0.6),  # 1000 * 24 / 40000 = 0.60
        ("Almere", 60, 220000, 0.3),  # 1000 * 60 / 220000 = 0.27 -> 0.3
    ]


def test_the_query_names_every_file_once_from_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file a killed command left behind is not in the list (a glob would count it twice)."""
    table = tmp_path / "t.csv"
    table.write_text(HEADER + _rows(ALMERE, "GM0034    ", 0), encoding="utf-8")
    store_path = tmp_path / "store"
    monkeypatch.setenv("VEILCLI_STREAM_BYTES", "100")
    monkeypatch.setenv("VEILCLI_BLOCK_BYTES", "128")
    api.ingest([table], Store(store_path))
    [source] = Store(store_path).sources()
    assert source.parts is not None
    leftover = store_path / "counts" / "0123456789abcdef.parquet"
    leftover.write_bytes((store_path / source.parts[0].file).read_bytes())
    con = duckdb.connect()
    statements = [s.replace("'.veilcli'", f"'{store_path.as_posix()}'") for s in readme_query()]
    for statement in statements[:2]:
        con.execute(statement)
    [(files,)] = con.execute("SELECT getvariable('counts_files')").fetchall()
    assert files == [f"{store_path.as_posix()}/{p.file}" for p in source.parts]

"""What a Parquet file declares (``veilcli/sources/parquet_footer.py``), read before polars reads it,
on files of several writers and on hand-written files whose headers lie (``hostile_corpus``)."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from tests.hostile_corpus import hand_parquet
from veilcli.errors import InputError
from veilcli.sources.parquet_footer import Malformed, declared_sizes
from veilcli.sources.readers import read_tables


def test_the_hand_written_file_is_a_valid_parquet_file() -> None:
    data = hand_parquet([2019, 2018, 2017])
    assert pl.read_parquet(io.BytesIO(data))["Jaar"].to_list() == [2019, 2018, 2017]
    declared = declared_sizes(data)
    assert (declared.rows, declared.columns, declared.row_groups) == (3, 1, 1)
    [chunk] = declared.chunks
    assert (chunk.column, chunk.values, chunk.page_values, chunk.inflated) == (
        "Jaar",
        3,
        3,
        12,
    )  # 3 x 4 bytes
    gzipped = hand_parquet([2019, 2018], gzip_page_claims=8)
    assert pl.read_parquet(io.BytesIO(gzipped))["Jaar"].to_list() == [2019, 2018]


def test_a_polars_file_declares_its_rows_columns_and_dictionary() -> None:
    frame = pl.DataFrame(
        {"Jaar": ["2019", "2018"] * 500, "Gebied": ["Almere", "Lelystad"] * 500, "n": range(1000)}
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer, row_group_size=400)
    declared = declared_sizes(buffer.getvalue())
    assert (declared.rows, declared.columns) == (1000, 3)
    assert declared.row_groups == 3 and len(declared.chunks) == 9
    assert sum(c.values for c in declared.chunks if c.column == "Gebied") == 1000
    assert {c.dictionary_values for c in declared.chunks if c.column == "Gebied"} == {2}
    assert all(c.page_values == c.values for c in declared.chunks)


def test_a_duckdb_file_is_read_too(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "bevolking.parquet"
    duckdb.sql(
        "SELECT 2019 AS Jaar, 'Almere' AS Gebied, 207904 AS Inwoners UNION ALL SELECT 2018, 'Almere', 203990"
    ).write_parquet(str(path))
    declared = declared_sizes(path.read_bytes())
    assert (declared.rows, declared.columns) == (2, 3)
    [table] = read_tables(path)
    assert table.frame.height == 2


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PAR1", "no PAR1 marks"),
        (b"PAR1" + b"\x00" * 8 + b"\xff\xff\xff\x7fPAR1", "a footer of 2,147,483,647 bytes"),
        (b"PAR1\x00\x00\x00\x00" + b"\x40\x00\x00\x00PAR1", "a footer longer than the file"),
        (hand_parquet([1])[:-9] + b"\x00\x00\x00\x00\x00PAR1", "cut short"),
    ],
)
def test_a_footer_that_cannot_be_read_is_malformed(data: bytes, words: str) -> None:
    with pytest.raises(Malformed, match=words):
        declared_sizes(data)


def test_pages_that_lie_are_refused_before_polars_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "lie.parquet"
    path.write_bytes(hand_parquet([2019], page_values=5))
    with pytest.raises(InputError, match="its pages hold 5 values, its metadata says 1"):
        read_tables(path)
    path.write_bytes(hand_parquet([2019], gzip_page_claims=300 << 20))
    with pytest.raises(InputError, match="a page declares 314,572,800 bytes"):
        read_tables(path)

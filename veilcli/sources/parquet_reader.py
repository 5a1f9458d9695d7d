"""Parquet: rows and columns checked from the metadata before the data is read; typed columns
become text, to go through the same parsers as every other file.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import polars as pl

from veilcli.errors import InputError
from veilcli.sources.files import read_file_bytes
from veilcli.sources.limits import MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, over_limit
from veilcli.sources.messages import display_path, reason
from veilcli.sources.table import RawTable, check_frame, refuse_nested, with_row_numbers


def read_parquet(path: Path) -> RawTable:
    raw = read_file_bytes(path, MAX_FILE_BYTES)
    name = display_path(path)
    try:
        schema = pl.read_parquet_schema(io.BytesIO(raw))
        rows = int(pl.scan_parquet(io.BytesIO(raw)).select(pl.len()).collect().item())
    except Exception as exc:
        raise InputError(f"{name}: cannot be read as Parquet ({reason(exc)}).") from None
    width = len(schema)
    if width > MAX_COLUMNS.value():
        raise over_limit(path, "", f"{width:,} columns", MAX_COLUMNS)
    if rows > MAX_ROWS.value():
        raise over_limit(path, "", f"{rows:,} rows", MAX_ROWS)
    if rows * width > MAX_CELLS.value():
        raise over_limit(path, "", f"{rows:,} rows x {width:,} columns", MAX_CELLS)
    try:
        frame = pl.read_parquet(io.BytesIO(raw))
    except Exception as exc:
        raise InputError(f"{name}: cannot be read as Parquet ({reason(exc)}).") from None
    refuse_nested(path, frame, "flat values")
    # Typed Parquet columns go through the same text parsers as everything else.
    try:
        frame = frame.with_columns(
            pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{name}: a column cannot be read as text ({reason(exc)}).") from None
    frame = with_row_numbers(frame, first_data_row=1)
    check_frame(path, frame, "")
    return RawTable(frame, path, "parquet", sha256=hashlib.sha256(raw).hexdigest())

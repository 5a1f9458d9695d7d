"""Parquet: rows, columns and the bytes the data inflates to checked from what the file declares
(``parquet_footer``: the footer and every page header) before polars reads any data, and the
bytes its text decodes to checked before anything copies it; typed columns become text, to go
through the same parsers as every other file.

A dictionary-encoded text column is read by polars as views into its dictionary (cheap), but
every later step that copies it (validation, hashing a key) spends the decoded size: one 1 MB
dictionary under 2M rows decodes to 6.6 GB. So the decoded bytes of the text columns are summed
(without copying them) and bounded like the file's own size (``VEILCLI_MAX_FILE_BYTES``).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import polars as pl

from veilcli.errors import InputError
from veilcli.sources.files import read_file_bytes
from veilcli.sources.limits import MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, over_limit
from veilcli.sources.messages import display_path, reason, short
from veilcli.sources.parquet_footer import Malformed, declared_sizes
from veilcli.sources.table import RawTable, check_frame, refuse_nested, with_row_numbers


def read_parquet(path: Path) -> RawTable:
    """A Parquet file as a table of text columns, refused past the limits before it is read."""
    raw = read_file_bytes(path, MAX_FILE_BYTES)
    name = display_path(path)
    try:
        declared = declared_sizes(raw)
    except Malformed as exc:
        raise InputError(
            f"{name}: cannot be read as Parquet ({exc}).",
            hint="write the file again (it is damaged, or made to mislead a reader), or export it as CSV.",
        ) from None
    rows, width = declared.rows, declared.columns
    if width > MAX_COLUMNS.value():
        raise over_limit(path, "", f"{width:,} columns", MAX_COLUMNS)
    if rows > MAX_ROWS.value():
        raise over_limit(path, "", f"{rows:,} rows", MAX_ROWS)
    if rows * width > MAX_CELLS.value():
        raise over_limit(path, "", f"{rows:,} rows x {width:,} columns", MAX_CELLS)
    # What polars decodes: the values (and dictionary entries) the pages declare, whatever the
    # footer's num_rows says; every text value is a 16-byte view, so these bound the memory too.
    for chunk in declared.chunks:
        if chunk.page_values != chunk.values:
            raise InputError(
                f"{name}: cannot be read as Parquet (column {short(chunk.column)!r}: its pages hold "
                f"{chunk.page_values:,} values, its metadata says {chunk.values:,}).",
                hint="write the file again (it is damaged, or made to mislead a reader).",
            )
        most = max(chunk.values, chunk.dictionary_values)
        if most > MAX_ROWS.value():
            raise over_limit(path, "", f"column {short(chunk.column)!r} holds {most:,} values", MAX_ROWS)
    inflated = declared.inflated
    if inflated > MAX_FILE_BYTES.value():
        what = f"its pages inflate to {inflated:,} bytes (a compression bomb?)"
        raise over_limit(path, "", what, MAX_FILE_BYTES)
    unencoded = sum(c.unencoded or 0 for c in declared.chunks)
    if unencoded > MAX_FILE_BYTES.value():
        raise over_limit(path, "", f"its text decodes to {unencoded:,} bytes", MAX_FILE_BYTES)
    try:
        schema = pl.read_parquet_schema(io.BytesIO(raw))
    except Exception as exc:
        raise InputError(f"{name}: cannot be read as Parquet ({reason(exc)}).") from None
    nested = [c for c, t in schema.items() if isinstance(t, (pl.List, pl.Struct, pl.Array))]
    if nested:  # refused before reading: a list column may hold any number of values a row
        raise InputError(
            f"{name}: not a table of flat values: column {short(nested[0])!r} holds nested values.",
            hint="veilcli reads an OData TypedDataSet document or a JSON array of flat records.",
        )
    try:
        frame = pl.read_parquet(io.BytesIO(raw))
    except Exception as exc:
        raise InputError(f"{name}: cannot be read as Parquet ({reason(exc)}).") from None
    refuse_nested(path, frame, "flat values")
    if frame.height > MAX_ROWS.value() or frame.height * max(frame.width, 1) > MAX_CELLS.value():
        raise over_limit(path, "", f"{frame.height:,} rows x {frame.width:,} columns", MAX_CELLS)
    decoded = _text_bytes(frame)
    if decoded > MAX_FILE_BYTES.value():
        what = f"its text columns decode to {decoded:,} bytes (a dictionary repeated row after row?)"
        raise over_limit(path, "", what, MAX_FILE_BYTES)
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


def _text_bytes(frame: pl.DataFrame) -> int:
    """Bytes the text and binary columns hold decoded, summed from their lengths: nothing copied
    (a categorical's lengths come from its categories: casting it to text would copy them all)."""
    lengths = []
    for column, dtype in frame.schema.items():
        if dtype == pl.String:
            lengths.append(pl.col(column).str.len_bytes())
        elif dtype == pl.Binary:
            lengths.append(pl.col(column).bin.size())
        elif isinstance(dtype, (pl.Categorical, pl.Enum)):
            lengths.append(pl.col(column).cat.len_bytes())
    if not lengths:
        return 0
    return int(sum(v or 0 for v in frame.select(e.cast(pl.UInt64).sum() for e in lengths).row(0)))

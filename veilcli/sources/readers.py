"""Read xlsx, csv, json and parquet files into all-text polars frames, as real exports look.

Everything is read as text (never ``try_parse_dates``: it turns the code ``1.2.3`` into a
date); typed parsing happens in one vectorised place, ``parsing.py``. Readers find the header
row under title/notes rows, and number rows as the user sees them in the spreadsheet.

This module is the entry (``read_tables``: the reader by file type); each reader and each check
lives in its own module (``files``, ``encoding``, ``limits``, ``csv_reader``, ``json_reader``,
``parquet_reader``, ``excel_reader``, ``xlsx_safety``, ``table``, ``messages``).

**Every input is read completely or refused** with one ``InputError`` line (exit 2) that names
the file (``display_path``: bytes that are not UTF-8 and control characters shown as escapes)
and quotes at most one value, cut to 40 characters. Never a silent partial read:

- Only regular files are opened: a FIFO, device or socket (also behind a symlink) is refused
  before anything is read from it.
- **Encoding of a text file (csv/txt/tsv, json), decided from the whole file**:

  1. a UTF-8 byte-order mark: UTF-8, and every byte after it must be valid UTF-8;
  2. a UTF-16 byte-order mark, or NUL bytes in every other byte of the first 4 KB: UTF-16
     (little- or big-endian), decoded (UTF-32 is named and refused);
  3. valid UTF-8 from the first byte to the last: UTF-8;
  4. otherwise Windows-1252 (Dutch Excel's "CSV"), but only when no byte sequence anywhere in
     the file is a valid UTF-8 multi-byte character. A UTF-8 file with one stray byte is refused,
     naming the line and byte offset of that byte: it is never re-read as Windows-1252 (which
     would garble every accented value without a word);
  5. a byte that Windows-1252 does not define, or a NUL byte in a text file: refused, with the
     line and byte offset. Known binary formats (zip/xlsx, xls, PDF, gzip, Parquet...) are named.

- Line endings LF, CRLF and CR (old Mac exports) are all read: a lone CR ends a line.
- **Resource limits** (``LIMITS``, documented defaults, each overridable with an environment
  variable for genuinely huge files) are checked before the expensive parse: the file size;
  rows, columns and cells (rows x columns, from the line count and header width of a CSV, the
  Parquet metadata, or the sheet's cells); one field at most ``FIELD_BYTES`` (polars' own limit
  for a CSV field). A workbook is checked with ``zipfile`` before fastexcel/calamine sees it: the
  number of zip entries, every entry's declared uncompressed size and their total, the
  compression ratio, the bytes each part really inflates to (never more than declared), no
  DTD/entity declarations (XXE, "billion laughs"), the shared-string count it asks to reserve,
  the sheet's declared ``<dimension>`` and the furthest cell it really holds (calamine allocates
  the whole rectangle up to that cell, so one cell at XFD1048576 would ask for 549 GB).
"""

from __future__ import annotations

from pathlib import Path

from veilcli.errors import InputError
from veilcli.sources.columns import normalise_header
from veilcli.sources.csv_reader import read_csv
from veilcli.sources.excel_reader import read_workbook
from veilcli.sources.files import check_regular_file
from veilcli.sources.json_reader import read_json
from veilcli.sources.messages import display_path, short
from veilcli.sources.parquet_reader import read_parquet
from veilcli.sources.table import RawTable


def read_tables(
    path: Path,
    sheet: str | None = None,
    all_sheets: bool = False,
    header_row: int | None = None,
    header_hints: list[str] | None = None,
) -> list[RawTable]:
    """Read one file into raw text tables (one per sheet read)."""
    check_regular_file(path)
    extra = {normalise_header(h) for h in header_hints or []}
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv", ".json"):
        if sheet is not None:
            raise InputError(f"{display_path(path)}: --sheet only applies to .xlsx workbooks.")
        table = read_json(path) if suffix == ".json" else read_csv(path, header_row, extra)
        table.drop_personal_columns()
        return [table]
    if suffix in (".xlsx", ".xlsm"):
        tables = read_workbook(path, sheet, all_sheets, header_row, extra)
    elif suffix == ".parquet" and sheet is None:
        tables = [read_parquet(path)]
    elif sheet is not None:
        raise InputError(f"{display_path(path)}: --sheet only applies to .xlsx workbooks.")
    elif suffix == ".xls":
        raise InputError(
            f"{display_path(path)}: old Excel .xls files are not supported.",
            hint="open it in Excel or LibreOffice and save it as .xlsx.",
        )
    else:
        raise InputError(
            f"{display_path(path)}: unsupported file type {short(suffix) or '(none)'}.",
            hint="veilcli reads .xlsx, .csv (also .txt/.tsv), .json (OData) and .parquet.",
        )
    for table in tables:
        table.drop_personal_columns()
    return tables

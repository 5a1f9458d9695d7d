"""CSV (also .txt/.tsv): the delimiter and header line sniffed, the size checked before polars
parses it, and a parse failure named in one line that never quotes the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from veilcli.errors import InputError
from veilcli.sources.columns import header_score
from veilcli.sources.encoding import decode_text, normalise_line_ends
from veilcli.sources.files import read_file_bytes_and_sha256
from veilcli.sources.limits import FIELD_BYTES, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, over_limit
from veilcli.sources.messages import display_path, reason, short
from veilcli.sources.table import (
    HEADER_SEARCH_ROWS,
    RawTable,
    check_frame,
    is_header_score,
    no_header_error,
    with_row_numbers,
)
from veilcli.sources.table_view_layout import SEARCH_ROWS, table_view_start, title_block


def _parse_csv(source: bytes, delimiter: str, skip: int) -> pl.DataFrame:
    return pl.read_csv(
        source,
        separator=delimiter,
        skip_rows=skip,
        has_header=True,
        infer_schema=False,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )


def _sniff_csv(head: str, path: Path, header_row: int | None, extra: set[str] | None) -> tuple[str, int, int]:
    """Delimiter, header line (0-based) and header width, from the first lines of a text file."""
    lines = head.split("\n")[:HEADER_SEARCH_ROWS]
    cap = MAX_COLUMNS.value() + 1  # scoring wider rows costs time and cannot change the verdict
    best: tuple[int, str, int, int] | None = None
    for delimiter in (";", ",", "\t", "|"):
        try:
            parsed = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error as exc:  # a field over 128 KB in the first lines, or worse
            if "field limit" in str(exc):
                raise _long_field_error(path, head.encode()) from None
            raise InputError(f"{display_path(path)}: cannot be read as CSV ({reason(exc)}).") from None
        widths = [len(r) for r in parsed]
        rows = [r[:cap] for r in parsed]
        if header_row is not None:
            index = header_row - 1
            score = widths[index] if index < len(rows) else 0
        else:
            scores = [header_score(list(r), extra) for r in rows]
            score = max(scores, default=0)
            index = scores.index(score) if score else -1
        width = widths[index] if 0 <= index < len(widths) else 0
        if best is None or score > best[0]:
            best = (score, delimiter, index, width)
    assert best is not None
    score, delimiter, index, width = best
    if header_row is None and not is_header_score(score, extra):
        raise no_header_error(path, "")
    return delimiter, index, width


def _check_csv_size(path: Path, data: bytes, header_index: int, width: int) -> None:
    """Refuse a text file past the column, row and cell limits before polars parses it."""
    if width > MAX_COLUMNS.value():
        raise over_limit(path, "", f"the header has {width:,} columns", MAX_COLUMNS)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    rows = max(lines - max(header_index, 0) - 1, 0)
    if rows > MAX_ROWS.value():
        raise over_limit(path, "", f"{rows:,} lines below the header", MAX_ROWS)
    if rows * width > MAX_CELLS.value():
        raise over_limit(path, "", f"{rows:,} lines x {width:,} columns = {rows * width:,} cells", MAX_CELLS)


def _long_field_error(path: Path, data: bytes) -> InputError:
    line = _long_line(data)
    return InputError(
        f"{display_path(path)}: {f'line {line:,} holds' if line else 'holds'} a field longer than "
        f"{FIELD_BYTES:,} bytes, the most one CSV field may hold.",
        hint="check the delimiter and the quotes; long free text does not belong in these files.",
    )


def _long_line(data: bytes) -> int | None:
    """Number (1-based) of the first line longer than ``FIELD_BYTES``."""
    start, number = 0, 1
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > FIELD_BYTES:
            return number
        start, number = end + 1, number + 1
    return None


def _unclosed_quote(data: bytes) -> int | None:
    """Number (1-based) of the line where a quoted field opens that is never closed, if any."""
    start, number, opened = 0, 1, None
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data.count(b'"', start, end) % 2:
            opened = number if opened is None else None
        start, number = end + 1, number + 1
    return opened


def _csv_error(path: Path, data: bytes, exc: Exception) -> InputError:
    """A polars parse failure as one line that names the problem, never quoting the file."""
    name, text = display_path(path), str(exc)
    if "field limit" in text or "larger than" in text:
        return _long_field_error(path, data)
    line = _unclosed_quote(data)
    if line is not None:
        return InputError(
            f'{name}: line {line:,}: a quoted field (") is never closed, so the rest of the file '
            "would be one value.",
            hint="close or remove that quote, or save the file again from Excel.",
        )
    if "could not parse" in text:
        column = re.search(r"at column '([^'\n]*)'", text)
        inside = f" in column {short(column.group(1))!r}" if column else ""
        return InputError(
            f'{name}: a value{inside} cannot be read: a quote (") out of place, or a quoted value '
            "running over several lines.",
            hint="check the quotes in that column, or save the file again from Excel.",
        )
    return InputError(f"{name}: cannot be read as CSV ({reason(exc)}).")


def _sniff_table_view(head: str) -> tuple[str, int, list[list[str]]] | None:
    """Delimiter, header-block line (0-based) and first lines of a StatLine table view, if it is one."""
    lines = head.split("\n")[:SEARCH_ROWS]
    for delimiter in (";", ",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            return None  # the ordinary sniffing names the problem
        start = table_view_start(rows)
        if start is not None:
            return delimiter, start, rows
    return None


def _read_table_view(
    path: Path, data: bytes, encoding: str, view: tuple[str, int, list[list[str]]]
) -> RawTable:
    """A table view's rows from its header block on, without header detection: ``column_1``.."""
    delimiter, start, rows = view
    width = max(len(r) for r in rows[start:]) if rows[start:] else 0
    _check_csv_size(path, data, start - 1, width)
    try:
        frame = pl.read_csv(
            data,
            separator=delimiter,
            skip_rows=start,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise _csv_error(path, data, exc) from None
    frame = frame.rename({c: f"column_{i}" for i, c in enumerate(frame.columns, start=1)})
    frame = with_row_numbers(frame, first_data_row=start + 1)
    check_frame(path, frame, "")
    return RawTable(
        frame,
        path,
        "csv",
        header_row=start + 1,
        encoding=encoding,
        delimiter=delimiter,
        metadata=title_block(rows, start),
    )


def read_csv(path: Path, header_row: int | None, extra: set[str] | None) -> RawTable:
    raw, sha256 = read_file_bytes_and_sha256(path, MAX_FILE_BYTES)
    if sha256 is not None:  # read and hashed ahead, while the command started (``read_ahead``)
        table = _read_csv(path, raw, header_row, extra)
        table.sha256 = sha256
        return table
    # The file's sha256 on the other core while this one checks and parses it (hashlib lets go of
    # the GIL): ~0.07 s of a 67 MB file off the wall time.
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(_sha256, raw)
        table = _read_csv(path, raw, header_row, extra)
        table.sha256 = digest.result()
    return table


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_csv(path: Path, raw: bytes, header_row: int | None, extra: set[str] | None) -> RawTable:
    data, encoding = decode_text(raw, path)
    data = normalise_line_ends(data)
    head = data[:200_000].decode("utf-8-sig", errors="ignore")
    view = _sniff_table_view(head) if header_row is None else None
    if view is not None:  # a StatLine table view: formats/table_view.py reads its header block
        return _read_table_view(path, data, encoding, view)
    delimiter, index, width = _sniff_csv(head, path, header_row, extra)
    _check_csv_size(path, data, index, width)
    try:
        # UTF-8 (checked above, BOM or not) goes to polars as is; polars skips a BOM itself.
        frame = _parse_csv(data, delimiter, index)
    except pl.exceptions.PolarsError as exc:
        # ``from None``: polars' message quotes the file (kilobytes of it, personal columns too).
        raise _csv_error(path, data, exc) from None
    frame = with_row_numbers(frame, first_data_row=index + 2)
    check_frame(path, frame, "")
    return RawTable(
        frame,
        path,
        "csv",
        header_row=index + 1,
        encoding=encoding,
        delimiter=delimiter,
    )

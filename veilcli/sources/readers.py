"""Read xlsx, csv, json and parquet files into all-text polars frames, as real exports look.

Everything is read as text (never ``try_parse_dates``: it turns the code ``1.2.3`` into a
date); typed parsing happens in one vectorised place, ``parsing.py``. Readers find the header
row under title/notes rows, and number rows as the user sees them in the spreadsheet.

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

import codecs
import contextlib
import csv
import ctypes
import functools
import hashlib
import html
import io
import itertools
import os
import posixpath
import re
import stat
import struct
import sys
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path


def _limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas at two (unless ``MALLOC_ARENA_MAX`` is set in the environment).

    Each thread polars starts would otherwise reserve its own 64 MB arena: about 1 GB of address
    space for a small file, so under ``ulimit -v 1048576`` a small ingest failed to allocate
    (a Rust allocation failure aborts the process). Done before polars is imported here; polars
    may already have been imported, then the cap still holds for the threads started later.
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc (no mallopt): nothing to cap
        ctypes.CDLL(None).mallopt(-8, 2)  # -8 = M_ARENA_MAX (glibc <malloc.h>)


_limit_malloc_arenas()

import fastexcel  # noqa: E402  (after the arena cap: importing polars starts threads)
import polars as pl  # noqa: E402
from fastexcel import ExcelReader  # noqa: E402

from veilcli.errors import InputError, UsageError  # noqa: E402
from veilcli.sources.columns import header_score, is_personal, normalise_header  # noqa: E402

ROW = "__row"  # spreadsheet row number as the user sees it
HEADER_SEARCH_ROWS = 30
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".parquet", ".json")
SHORT = 40  # characters of a value quoted in a message

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


# --- limits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """A resource limit with a documented default, overridable by an environment variable."""

    env: str
    default: int
    unit: str  # what is counted, for messages: "bytes", "rows", ...
    description: str

    def value(self) -> int:
        """The limit in force: the environment variable when set, else the default."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            value = 0
        if value <= 0:
            raise UsageError(
                f"{self.env}={short(raw)!r}: not a positive whole number.",
                hint=f"{self.description}; the default is {self.default:,} ({self.default}).",
            )
        return value


MAX_FILE_BYTES = Limit(
    "VEILCLI_MAX_FILE_BYTES", 2 * GIB, "bytes", "size of one csv/txt/tsv, xlsx or Parquet file"
)
MAX_JSON_BYTES = Limit(
    "VEILCLI_MAX_JSON_BYTES", 256 * MIB, "bytes", "size of one JSON file (parsing takes ~10x)"
)
MAX_ROWS = Limit("VEILCLI_MAX_ROWS", 10_000_000, "rows", "data rows (lines) in one file or sheet")
MAX_COLUMNS = Limit("VEILCLI_MAX_COLUMNS", 2_000, "columns", "columns in one file or sheet")
MAX_CELLS = Limit("VEILCLI_MAX_CELLS", 20_000_000, "cells", "rows x columns in one csv, json or Parquet file")
MAX_XLSX_CELLS = Limit(
    "VEILCLI_MAX_XLSX_CELLS",
    12_000_000,
    "cells",
    "rows x columns of one sheet (calamine takes ~100 bytes a cell)",
)
MAX_XLSX_ENTRIES = Limit("VEILCLI_MAX_XLSX_ENTRIES", 10_000, "entries", "entries (parts) in an xlsx zip")
MAX_XLSX_UNCOMPRESSED = Limit(
    "VEILCLI_MAX_XLSX_UNCOMPRESSED", 1 * GIB, "bytes", "uncompressed size of all the parts of an xlsx"
)
MAX_XLSX_RATIO = Limit(
    "VEILCLI_MAX_XLSX_RATIO", 100, "times", "how many times an xlsx part of 10 MB+ may inflate"
)
LIMITS = (
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    MAX_ROWS,
    MAX_COLUMNS,
    MAX_CELLS,
    MAX_XLSX_CELLS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_UNCOMPRESSED,
    MAX_XLSX_RATIO,
)
FIELD_BYTES = 131_072  # polars' limit for one CSV field; a longer value is refused in every format
RATIO_FLOOR = 10 * MIB  # a part smaller than this may compress as well as it likes


def _over(path: Path, where: str, what: str, limit: Limit) -> InputError:
    return InputError(
        f"{display_path(path)}{where}: {what}, more than the limit of {limit.value():,} {limit.unit}.",
        hint=f"if the file is genuine, raise the limit: {limit.env}=N ({limit.description}; "
        "README, 'Reading files').",
    )


# --- text for messages ----------------------------------------------------------------------

# C0 and C1 controls, DEL, bidirectional overrides, and lone surrogates (bytes of a file name
# that are not UTF-8): shown as escapes, so a message stays one printable line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def display_path(path: Path | str) -> str:
    """A path as one printable line: undecodable bytes as ``\\xNN``, control characters escaped."""
    return _CONTROL.sub(_escape, os.fspath(path))


def short(value: object, limit: int = SHORT) -> str:
    """A value for a message: control characters escaped, cut to ``limit`` characters."""
    shown = _CONTROL.sub(_escape, str(value))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _reason(exc: BaseException) -> str:
    """A library's error as a short reason: its first line, quoted data taken out, cut short."""
    first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
    if "deserializing" in first:  # polars quotes the record it could not fit
        return "the records do not all have the same shape"
    first = re.sub(r'`[^`]*(?:`|$)|"[^"]*(?:"|$)', "…", first)  # quoted data, even if cut off
    return short(first, 80)


@dataclass
class RawTable:
    """One table read from a file: text columns plus the ``__row`` column."""

    frame: pl.DataFrame
    path: Path
    format: str
    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str = ""  # of the file's bytes
    dropped_personal: list[str] = field(default_factory=list)  # headers dropped when read
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. the OData ``odata.metadata`` URL

    @property
    def headers(self) -> list[str]:
        """Column headers as written in the file (personal columns already dropped)."""
        return [c for c in self.frame.columns if c != ROW]

    def drop_personal_columns(self) -> None:
        """Drop columns that identify people, so they never reach validation, rejects or the store."""
        personal = [h for h in self.headers if is_personal(h)]
        if personal:
            self.frame = self.frame.drop(personal)
            self.dropped_personal.extend(personal)


def _find_header_row(rows: list[list[str | None]], path: Path, extra: set[str] | None, where: str) -> int:
    """Index (0-based) of the row that looks most like a header."""
    best, best_score = -1, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells, extra)
        if score > best_score:
            best, best_score = index, score
    if not _is_header_score(best_score, extra):
        raise _no_header_error(path, where)
    return best


def _is_header_score(score: int, extra: set[str] | None) -> bool:
    return score >= 2 or (score >= 1 and bool(extra))


def _no_header_error(path: Path, where: str) -> InputError:
    return InputError(
        f"{display_path(path)}{where}: no header row found in rows 1-{HEADER_SEARCH_ROWS} "
        "(no row has at least two known column names).",
        hint="pass --header-row N, or --map FILE to name the columns (see `veilcli schema`).",
    )


# --- opening files --------------------------------------------------------------------------

_FILE_TYPES = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symbolic link",
}


def _not_regular(path: Path, mode: int) -> InputError:
    what = _FILE_TYPES.get(stat.S_IFMT(mode), "not a regular file")
    return InputError(
        f"{display_path(path)}: is {what}, not a regular file; veilcli reads only regular files.",
        hint="copy the data into a file first.",
    )


def _os_error(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{display_path(path)}: file not found.")
    if isinstance(exc, PermissionError):
        return InputError(f"{display_path(path)}: permission denied (the file cannot be read).")
    return InputError(f"{display_path(path)}: cannot be read ({exc.strerror or exc.__class__.__name__}).")


def check_regular_file(path: Path) -> os.stat_result:
    """The file's status, or a clear error for a missing file, a folder, a FIFO, device or socket."""
    try:
        status = os.stat(path)  # follows symlinks: a link to /dev/zero is a device
    except OSError as exc:
        raise _os_error(path, exc) from None
    except ValueError:  # a NUL character in the name
        raise InputError(f"{display_path(path)}: not a valid file name.") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{display_path(path)}: is a folder; pass files, or use `veilcli ingest FOLDER`.")
    if not stat.S_ISREG(status.st_mode):
        raise _not_regular(path, status.st_mode)
    return status


def read_file_bytes(path: Path, limit: Limit = MAX_FILE_BYTES) -> bytes:
    """All bytes of a regular file, refused past ``limit`` (checked before and while reading)."""
    status = check_regular_file(path)
    cap = limit.value()
    if status.st_size > cap:
        raise _over(path, "", f"the file has {status.st_size:,} bytes", limit)
    try:
        # Non-blocking open: a FIFO swapped in after the check cannot hang the open itself.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode)
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            # read(n) allocates n bytes up front: ask for the size stat gave, then for any growth.
            data = handle.read(status.st_size + 1)
            while len(data) <= cap and (more := handle.read(min(16 * MIB, cap + 1 - len(data)))):
                data += more
    except OSError as exc:
        raise _os_error(path, exc) from None
    finally:
        os.close(descriptor)
    if len(data) > cap:
        raise _over(path, "", f"the file has more than {cap:,} bytes", limit)
    return data


# --- encodings and line endings ---------------------------------------------------------------

UTF8_BOM = b"\xef\xbb\xbf"
_BINARY_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook under another name?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Office file (.xls, .doc) or an encrypted workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"PAR1", "a Parquet file (name it .parquet)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "a program (ELF)"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_LONE_CR = re.compile(rb"\r(?!\n)")
_VALIDATE_STEP = 64 * MIB


def _position(data: bytes, offset: int) -> str:
    """``line N, byte offset M`` of an offset into a file's bytes (CR-only files count CRs)."""
    newline = b"\n" if b"\n" in data else b"\r"
    return f"line {data.count(newline, 0, offset) + 1:,}, byte offset {offset:,}"


def _utf8_blocks(data: bytes, start: int = 0) -> Iterator[tuple[int, memoryview]]:
    """(offset, block) of at most 64 MB, never cutting a UTF-8 character in two (bounded memory)."""
    view = memoryview(data)
    position = start
    while position < len(data):
        end = min(position + _VALIDATE_STEP, len(data))
        steps = 0  # move back over continuation bytes (at most 3) to the start of a character
        while end < len(data) and steps < 3 and 0x80 <= data[end] <= 0xBF:
            end -= 1
            steps += 1
        yield position, view[position:end]
        position = end


def _first_invalid_utf8(data: bytes, start: int = 0) -> int | None:
    """Offset of the first byte that is not valid UTF-8."""
    if data.isascii():
        return None
    for offset, block in _utf8_blocks(data, start):
        try:
            codecs.utf_8_decode(block, "strict", True)
        except UnicodeDecodeError as exc:
            return offset + exc.start
    return None


def _holds_utf8_characters(data: bytes) -> bool:
    """Whether any byte sequence in the file is a valid UTF-8 character beyond ASCII."""
    # Decoding with errors="ignore" skips each invalid sequence whole: it never joins bytes
    # around a skipped one, so a Windows-1252 "é’" is not mistaken for one UTF-8 character.
    return any(not codecs.utf_8_decode(block, "ignore", True)[0].isascii() for _, block in _utf8_blocks(data))


def _utf16(data: bytes) -> str | None:
    """``utf-16`` (with a BOM), ``utf-16-le``/``-be`` (NULs in every other byte), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: Path) -> tuple[bytes, str]:
    """The file's text as UTF-8 bytes and the encoding it was read in (rule: the module docstring)."""
    name = display_path(path)
    resave = "save the file again as UTF-8 (in Excel: 'CSV UTF-8')."
    if data.startswith(UTF8_BOM):
        bad = _first_invalid_utf8(data, len(UTF8_BOM))
        if bad is not None:
            raise InputError(
                f"{name}: starts with a UTF-8 byte-order mark but is not valid UTF-8 at "
                f"{_position(data, bad)} (byte 0x{data[bad]:02X}).",
                hint="fix or remove that byte, or " + resave,
            )
        return data, "utf-8-sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(f"{name}: UTF-32 text is not supported.", hint=resave)
    utf16 = _utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: looks like UTF-16 text but is not valid UTF-16 at byte offset {exc.start:,}.",
                hint=resave,
            ) from None
        data = text.encode("utf-8")
        nul = data.find(b"\x00")
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise InputError(f"{name}: a NUL character in UTF-16 text at line {line:,}.", hint=resave)
        return data, utf16
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(
                f"{name}: not a text file: it is {what}.",
                hint="csv files must be text; for workbooks use the .xlsx extension.",
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{name}: a NUL byte at {_position(data, nul)}: not a text file (binary content).",
            hint="csv files must be text; for workbooks use the .xlsx extension.",
        )
    bad = _first_invalid_utf8(data)
    if bad is None:
        return data, "utf-8"
    if _holds_utf8_characters(data):
        raise InputError(
            f"{name}: not valid UTF-8 at {_position(data, bad)} (byte 0x{data[bad]:02X}), though other "
            "characters in it are UTF-8; not guessing another encoding.",
            hint="fix or remove that byte, or " + resave,
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: neither UTF-8 nor Windows-1252: byte 0x{data[exc.start]:02X} at "
            f"{_position(data, exc.start)} is not a character in either.",
            hint="fix or remove that byte, or " + resave,
        ) from None
    return text.encode("utf-8"), "cp1252"


def _normalise_line_ends(data: bytes) -> bytes:
    """A lone CR (old Mac line end) becomes LF; CRLF is left to polars. Same length, same offsets."""
    carriage_returns = data.count(b"\r")
    if carriage_returns and carriage_returns != data.count(b"\r\n"):
        return _LONE_CR.sub(b"\n", data)
    return data


# --- csv --------------------------------------------------------------------------------------


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
            raise InputError(f"{display_path(path)}: cannot be read as CSV ({_reason(exc)}).") from None
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
    if header_row is None and not _is_header_score(score, extra):
        raise _no_header_error(path, "")
    return delimiter, index, width


def _check_csv_size(path: Path, data: bytes, header_index: int, width: int) -> None:
    """Refuse a text file past the column, row and cell limits before polars parses it."""
    if width > MAX_COLUMNS.value():
        raise _over(path, "", f"the header has {width:,} columns", MAX_COLUMNS)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    rows = max(lines - max(header_index, 0) - 1, 0)
    if rows > MAX_ROWS.value():
        raise _over(path, "", f"{rows:,} lines below the header", MAX_ROWS)
    if rows * width > MAX_CELLS.value():
        raise _over(path, "", f"{rows:,} lines x {width:,} columns = {rows * width:,} cells", MAX_CELLS)


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
    return InputError(f"{name}: cannot be read as CSV ({_reason(exc)}).")


def _read_csv(path: Path, header_row: int | None, extra: set[str] | None) -> RawTable:
    raw = read_file_bytes(path, MAX_FILE_BYTES)
    data, encoding = decode_text(raw, path)
    data = _normalise_line_ends(data)
    head = data[:200_000].decode("utf-8-sig", errors="ignore")
    delimiter, index, width = _sniff_csv(head, path, header_row, extra)
    _check_csv_size(path, data, index, width)
    try:
        # UTF-8 (checked above, BOM or not) goes to polars as is; polars skips a BOM itself.
        frame = _parse_csv(data, delimiter, index)
    except pl.exceptions.PolarsError as exc:
        # ``from None``: polars' message quotes the file (kilobytes of it, personal columns too).
        raise _csv_error(path, data, exc) from None
    frame = _with_row_numbers(frame, first_data_row=index + 2)
    _check_frame(path, frame, "")
    return RawTable(
        frame,
        path,
        "csv",
        header_row=index + 1,
        encoding=encoding,
        delimiter=delimiter,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _with_row_numbers(frame: pl.DataFrame, first_data_row: int) -> pl.DataFrame:
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    return frame.with_row_index(ROW, offset=first_data_row).with_columns(pl.col(ROW).cast(pl.Int64))


def _check_frame(path: Path, frame: pl.DataFrame, where: str) -> None:
    """Columns, rows, cells and the longest value of a table read, against the limits."""
    width = len([c for c in frame.columns if c != ROW])
    if width > MAX_COLUMNS.value():
        raise _over(path, where, f"{width:,} columns", MAX_COLUMNS)
    if frame.height > MAX_ROWS.value():
        raise _over(path, where, f"{frame.height:,} rows", MAX_ROWS)
    if frame.height * width > MAX_CELLS.value():
        raise _over(path, where, f"{frame.height:,} rows x {width:,} columns", MAX_CELLS)
    text = [c for c, t in frame.schema.items() if c != ROW and t == pl.String]
    if not text or frame.height == 0:
        return
    longest = frame.select(pl.col(text).str.len_bytes().max()).row(0)
    for column, length in zip(text, longest, strict=True):
        if length is not None and length > FIELD_BYTES:
            first = frame.filter(pl.col(column).str.len_bytes() > FIELD_BYTES)
            row = f"row {first[ROW][0]}, " if ROW in frame.columns else ""
            raise InputError(
                f"{display_path(path)}{where}: {row}column {short(column)!r}: a value of {length:,} bytes, "
                f"more than the {FIELD_BYTES:,} one field may hold.",
                hint="long free text does not belong in these files; check delimiters and quotes.",
            )


# --- json and parquet -------------------------------------------------------------------------


def _describe(dtype: object) -> str:
    if isinstance(dtype, pl.List):
        return "a list"
    if isinstance(dtype, pl.Struct):
        return "an object"
    if dtype == pl.Null:
        return "null"
    if dtype == pl.String:
        return "text"
    if dtype == pl.Boolean:
        return "true/false"
    numeric = getattr(dtype, "is_numeric", None)
    return "a number" if callable(numeric) and numeric() else str(dtype)


def _refuse_nested(path: Path, frame: pl.DataFrame, what: str) -> None:
    nested = [c for c, t in frame.schema.items() if isinstance(t, (pl.List, pl.Struct, pl.Array))]
    if nested:
        raise InputError(
            f"{display_path(path)}: not a table of {what}: column {short(nested[0])!r} holds nested values.",
            hint="veilcli reads an OData TypedDataSet document or a JSON array of flat records.",
        )


def _read_json(path: Path) -> RawTable:
    """An OData document (``{"odata.metadata": ..., "value": [...]}``) or a JSON array of records.

    Rows are numbered 1, 2, ... in the order of the records. Any other shape (a bare value, an
    object without a ``value`` list, a list of non-records, nested values) is refused.
    """
    raw = read_file_bytes(path, MAX_JSON_BYTES)
    data, _ = decode_text(raw, path)
    name = display_path(path)
    shape = "veilcli reads an OData TypedDataSet document or a JSON array of flat records."
    start = re.match(rb"(?:\xef\xbb\xbf)?\s*(.)", data[:65536], flags=re.DOTALL)
    top = start.group(1) if start else b""
    if top not in (b"{", b"["):
        raise InputError(f"{name}: not a JSON object or array of records.", hint=shape)
    head = data[:4096].decode("utf-8", errors="ignore")
    metadata: dict[str, str] = {}
    match = re.search(r'"odata\.metadata"\s*:\s*"([^"]*)"', head)
    if match:
        metadata["odata.metadata"] = match.group(1)
    try:
        frame = pl.read_json(io.BytesIO(data), infer_schema_length=None)
    except Exception as exc:  # polars raises several error types for malformed JSON
        reason = _reason(exc)
        if "only deserialize json objects" in reason:
            reason = "the array holds values that are not records (objects)"
        raise InputError(f"{name}: cannot be read as JSON ({reason}).", hint=shape) from None
    if top == b"{":
        if "value" not in frame.columns:
            raise InputError(f"{name}: a JSON object without a 'value' list of records.", hint=shape)
        value = frame.schema["value"]
        if "odata.nextLink" in frame.columns and frame["odata.nextLink"][0]:
            metadata["odata.nextLink"] = str(frame["odata.nextLink"][0])
        if not isinstance(value, pl.List):
            raise InputError(f"{name}: 'value' is {_describe(value)}, not a list of records.", hint=shape)
        if value.inner == pl.Null or frame["value"].list.len()[0] == 0:
            raise InputError(f"{name}: the OData document has no rows ('value' is empty).")
        if not isinstance(value.inner, pl.Struct):
            raise InputError(
                f"{name}: the items of 'value' are not records (the first is {_describe(value.inner)}).",
                hint=shape,
            )
        frame = frame.select(pl.col("value").explode()).unnest("value")
    if frame.width == 0 or frame.height == 0:
        raise InputError(f"{name}: holds no records.", hint=shape)
    _refuse_nested(path, frame, "records")
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)
    frame = _with_row_numbers(frame, first_data_row=1)
    _check_frame(path, frame, "")
    return RawTable(frame, path, "json", sha256=hashlib.sha256(raw).hexdigest(), metadata=metadata)


def _read_parquet(path: Path) -> RawTable:
    raw = read_file_bytes(path, MAX_FILE_BYTES)
    name = display_path(path)
    try:
        schema = pl.read_parquet_schema(io.BytesIO(raw))
        rows = int(pl.scan_parquet(io.BytesIO(raw)).select(pl.len()).collect().item())
    except Exception as exc:
        raise InputError(f"{name}: cannot be read as Parquet ({_reason(exc)}).") from None
    width = len(schema)
    if width > MAX_COLUMNS.value():
        raise _over(path, "", f"{width:,} columns", MAX_COLUMNS)
    if rows > MAX_ROWS.value():
        raise _over(path, "", f"{rows:,} rows", MAX_ROWS)
    if rows * width > MAX_CELLS.value():
        raise _over(path, "", f"{rows:,} rows x {width:,} columns", MAX_CELLS)
    try:
        frame = pl.read_parquet(io.BytesIO(raw))
    except Exception as exc:
        raise InputError(f"{name}: cannot be read as Parquet ({_reason(exc)}).") from None
    _refuse_nested(path, frame, "flat values")
    # Typed Parquet columns go through the same text parsers as everything else.
    try:
        frame = frame.with_columns(
            pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{name}: a column cannot be read as text ({_reason(exc)}).") from None
    frame = _with_row_numbers(frame, first_data_row=1)
    _check_frame(path, frame, "")
    return RawTable(frame, path, "parquet", sha256=hashlib.sha256(raw).hexdigest())


# --- xlsx: checked with zipfile before fastexcel/calamine sees it -------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIRST_BLOCK = 64 * KIB  # the first block of a sheet is read exactly: it sets the column count
_BLOCK = 16 * MIB
_SMALL_PART = 64 * MIB  # workbook.xml and relationship parts are read whole
_XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
_WHITESPACE_QUOTES = bytes.maketrans(b"\t\n\r'", b'   "')
_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*"([^"]*)"')
_REF_ATTR = re.compile(rb'(?:^|\s)ref\s*=\s*"([^"]*)"')
_REF = re.compile(rb"([A-Za-z]*)([0-9]+)")
_FILLED_CELL = re.compile(rb'<c +r="([A-Z]{1,3})([0-9]+)"(?:[^>]*[^/>])?>')
# A cell start tag that is not self-closing (calamine skips <c .../>): Rust regex, for counting.
_FILLED_TAG = r"<(?:[A-Za-z_][\w.-]*:)?c(?:>|\s+>|\s[^>]*[^/>]>)"
_UNIQUE_COUNT = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*\suniqueCount\s*=\s*["\']([0-9]+)')
# Anything a sheet written by Excel, LibreOffice, openpyxl or xlsxwriter does not contain, which the
# fast scan (cells with an ``r`` reference first, refs of upper-case letters and digits) cannot
# follow: cells or rows without ``r`` (positioned by counting), prefixed elements, a late
# <dimension>, DTDs/CDATA/comments, unusual attribute syntax, odd references. Rust regex (polars).
_UNUSUAL = (
    r"<(?:c|row)(?:[>/\t\r\n]| +[^r ]| +r[^=])"
    r"|<[A-Za-z_][\w.-]*:(?:c|row|dimension)[\s/>]"
    r"|<(?:[A-Za-z_][\w.-]*:)?dimension[\s/>]"
    r"|<!"
    r"|\sr\s+=|\sr=\s|\sr='"
    r'|\sr="(?:[A-Z]{0,3}[0-9]*[^0-9A-Z"]|[A-Z]{4}|[A-Z]{0,3}")'
)


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "?"


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def _greater_number(limit: int) -> str:
    """Rust regex for a decimal number greater than ``limit`` (or written with a leading zero)."""
    digits = str(limit)
    options = [f"[1-9][0-9]{{{len(digits)},}}", "0[0-9]*"]
    for index, digit in enumerate(digits):
        if digit != "9":
            rest = len(digits) - index - 1
            options.append(digits[:index] + f"[{int(digit) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(options) + ")"


def _greater_column(limit: int) -> str:
    """Rust regex for column letters after column number ``limit``."""
    if limit <= 0:
        return "[A-Z]+"
    letters = _column_letters(limit)
    options = [f"[A-Z]{{{len(letters) + 1},}}"]
    for index, letter in enumerate(letters):
        if letter != "Z":
            rest = len(letters) - index - 1
            options.append(
                letters[:index] + f"[{chr(ord(letter) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else "")
            )
    return "(?:" + "|".join(options) + ")"


def _contains(block: bytes, pattern: str) -> bool | None:
    """Whether a Rust regex matches the block (None: the block is not UTF-8 text)."""
    text = pl.Series([block], dtype=pl.Binary).cast(pl.String, strict=False)
    found = text.str.contains(pattern)[0]
    return None if found is None else bool(found)


def _cell_ref(value: bytes) -> tuple[int, int] | None:
    """``XFD1048576`` -> (row, column), both 1-based, as calamine reads it (None: not a cell ref)."""
    match = _REF.fullmatch(value)
    if not match or not match.group(1) or int(match.group(2)) == 0:
        return None
    return int(match.group(2)), _column_number(match.group(1))


class _CellScan:
    """Where calamine will put the cells of a sheet: its positions, replayed exactly.

    calamine places a cell with ``r`` at that reference and one without it after the previous cell
    of the row; a row with ``r`` sets the row, and each ``</row>`` moves to the next one.
    Self-closing cells and rows hold nothing and are skipped, as calamine skips them. ``max_row``
    and ``max_col`` are the extent (1-based) of the rectangle calamine allocates.
    """

    def __init__(self) -> None:
        self.row = 1
        self.col = 1
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.dimension: tuple[str, int, int] | None = None  # (ref, rows, columns)

    def feed(self, block: bytes) -> None:
        for closing, name, attrs in _TAG.findall(block.translate(_WHITESPACE_QUOTES)):
            self_closing = attrs.endswith(b"/")
            if name == b"c":
                if closing or self_closing:
                    continue
                self.cells += 1
                ref = _R_ATTR.search(attrs)
                position = _cell_ref(ref.group(1)) if ref else (self.row, self.col)
                if position is None:
                    continue  # calamine refuses the sheet itself
                row, self.col = position
                self.max_row = max(self.max_row, row)
                self.max_col = max(self.max_col, self.col)
                self.col += 1
            elif name == b"row":
                if closing:
                    self.row, self.col = self.row + 1, 1
                elif not self_closing and (ref := _R_ATTR.search(attrs)):
                    number = _REF.fullmatch(ref.group(1))
                    if number and int(number.group(2)):
                        self.row = int(number.group(2))
            elif not closing and (ref := _REF_ATTR.search(attrs)):
                corners = [_cell_ref(c) for c in ref.group(1).split(b":")[:2]]
                if corners and all(corners):
                    (row1, col1), (row2, col2) = corners[0], corners[-1]  # type: ignore[misc]
                    self.dimension = (
                        ref.group(1).decode("ascii", "replace"),
                        abs(row2 - row1) + 1,
                        abs(col2 - col1) + 1,
                    )


def _block_extent(block: bytes, columns: int) -> tuple[int, int] | None:
    """(rows, columns) the filled cells of one block of an ordinary sheet reach; None if unusual.

    Rows come in order, so the block's last filled cell has its highest row: one regex search
    finds any cell beyond that row or beyond ``columns``; only then are its cells read one by one.
    """
    rows = 0
    for tail in (block[-4096:], block[-65536:], block):
        filled = _FILLED_CELL.findall(tail)
        if filled:
            rows = int(filled[-1][1])
            break
    # Only cells: a row's own r="..." places nothing when every cell has its reference.
    beyond = rf'<c +r="(?:[A-Z]{{0,3}}{_greater_number(rows)}"|{_greater_column(columns)}[0-9])'
    found = _contains(block, f"{_UNUSUAL}|{beyond}")
    if found is False:
        return rows, columns
    if found is None or _contains(block, _UNUSUAL) is not False:
        return None
    for letters, digits in _FILLED_CELL.findall(block):
        rows, columns = max(rows, int(digits)), max(columns, _column_number(letters))
    return rows, columns


class _Workbook:
    """An xlsx held in memory, its zip container checked; each sheet checked before it is read."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data, self.name = path, data, display_path(path)
        if data.startswith(OLE2_MAGIC):
            raise InputError(
                f"{self.name}: an encrypted (password-protected) workbook, or an old binary Excel "
                "file (.xls) under an .xlsx name.",
                hint="open it in Excel and save it as .xlsx without a password.",
            )
        if not data.startswith(b"PK"):
            head = data[:4096].rsplit(b"\n", 1)[0]
            text = bool(data) and b"\x00" not in head and _first_invalid_utf8(head) is None
            what = "it is a text file (a csv under an .xlsx name?)" if text else "not a zip archive"
            raise InputError(
                f"{self.name}: cannot be opened as an Excel workbook: {what}.",
                hint="check that it is a real .xlsx (not a renamed csv or an old .xls: "
                "save it as .xlsx in Excel).",
            )
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self.archive.infolist()
        except Exception as exc:  # zipfile raises many types for a damaged central directory
            raise self._damaged(_reason(exc)) from None
        if len(infos) > MAX_XLSX_ENTRIES.value():
            raise _over(path, "", f"{len(infos):,} zip entries", MAX_XLSX_ENTRIES)
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.filename in self.infos:
                raise InputError(f"{self.name}: holds two zip entries named {short(info.filename)!r}.")
            self.infos[info.filename] = info
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_UNCOMPRESSED.value():
            raise _over(path, "", f"its parts declare {total:,} bytes uncompressed", MAX_XLSX_UNCOMPRESSED)
        ratio = MAX_XLSX_RATIO.value()
        for info in infos:
            if info.flag_bits & 0x1:
                raise InputError(
                    f"{self.name}: zip entry {short(info.filename)!r} is encrypted.",
                    hint="open it in Excel and save it as .xlsx without a password.",
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise InputError(
                    f"{self.name}: zip entry {short(info.filename)!r} uses compression method "
                    f"{info.compress_type}, which Excel never writes.",
                    hint="save it again as .xlsx in Excel.",
                )
            if info.file_size > RATIO_FLOOR and info.file_size > ratio * max(info.compress_size, 1):
                raise _over(
                    path,
                    "",
                    f"zip entry {short(info.filename)!r} inflates "
                    f"{info.file_size / max(info.compress_size, 1):,.0f} times "
                    f"({info.compress_size:,} -> {info.file_size:,} bytes: a zip bomb?)",
                    MAX_XLSX_RATIO,
                )
        self.workbook = self._workbook_part()
        folder = posixpath.dirname(self.workbook)
        self.folder = f"{folder}/" if folder else ""
        self.workbook_rels = f"{self.folder}_rels/{posixpath.basename(self.workbook)}.rels"
        # The parts calamine reads when it opens the workbook.
        for part in ("[Content_Types].xml", "_rels/.rels", self.workbook, self.workbook_rels):
            if part in self.infos:
                self._scan_part(part)
        for part in (f"{self.folder}styles.xml", f"{self.folder}sharedStrings.xml"):
            if part in self.infos:
                self._scan_part(part, shared_strings=part.endswith("sharedStrings.xml"))

    def _damaged(self, reason: str) -> InputError:
        return InputError(
            f"{self.name}: a damaged or truncated workbook ({reason}).",
            hint="copy it again (it may be incomplete) or save it again from Excel.",
        )

    def _workbook_part(self) -> str:
        """The workbook part the package relationships point at (calamine's rule), else xl/workbook.xml."""
        part = "xl/workbook.xml"
        if "_rels/.rels" in self.infos:
            rels = self._small_part("_rels/.rels").decode("utf-8", errors="ignore")
            for rel in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
                target = re.search(r'\bTarget\s*=\s*"([^"]*)"', rel)
                if re.search(r'\bType\s*=\s*"[^"]*/officeDocument"', rel) and target:
                    part = posixpath.normpath(target.group(1).lstrip("/"))
                    break
        if part in self.infos:
            return part
        names = set(self.infos)
        if "xl/workbook.bin" in names:
            what = "an .xlsb (binary) workbook, which veilcli cannot read"
        elif "content.xml" in names and "mimetype" in names:
            what = "an OpenDocument spreadsheet (.ods), not an xlsx workbook"
        elif "word/document.xml" in names:
            what = "a Word document, not an xlsx workbook"
        elif "ppt/presentation.xml" in names:
            what = "a PowerPoint presentation, not an xlsx workbook"
        else:
            what = f"not an xlsx workbook: the zip holds no {short(part)}"
        raise InputError(f"{self.name}: {what}.", hint="save the data as .xlsx (or .csv) in Excel.")

    def _inflate(self, info: zipfile.ZipInfo, first: int) -> Iterator[bytes]:
        """The entry's bytes, inflated by veilcli itself, refused past the size the entry declares."""
        header = self.data[info.header_offset : info.header_offset + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise self._damaged(f"zip entry {short(info.filename)!r} has no local header")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = info.header_offset + 30 + name_length + extra_length
        compressed = memoryview(self.data)[start : start + info.compress_size]
        if len(compressed) < info.compress_size:
            raise self._damaged(f"zip entry {short(info.filename)!r} is cut short")
        produced, size = 0, first
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type else None
        pending: bytes | memoryview = b""
        position = 0
        while True:
            if not pending:
                if position >= len(compressed):
                    break
                pending = compressed[position : position + (size if inflater is None else MIB)]
                position += len(pending)
            if inflater is None:
                out, pending = bytes(pending), b""
            else:
                try:
                    out = inflater.decompress(pending, size)
                except zlib.error as exc:
                    raise self._damaged(f"zip entry {short(info.filename)!r}: {_reason(exc)}") from None
                pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise InputError(
                    f"{self.name}: zip entry {short(info.filename)!r} inflates to more than the "
                    f"{info.file_size:,} bytes it declares (a zip bomb, or a damaged file).",
                    hint="save it again as .xlsx in Excel.",
                )
            if out:
                yield out
                size = _BLOCK
            if inflater is not None and inflater.eof:
                break

    def blocks(self, part: str, first: int = _FIRST_BLOCK) -> Iterator[bytes]:
        """A part's bytes in blocks that end just before a ``<`` (no tag is cut in two)."""
        carry = b""
        for chunk in self._inflate(self.infos[part], first):
            block = carry + chunk
            cut = block.rfind(b"<")
            if cut > 0:
                yield block[:cut]
                carry = block[cut:]
            elif len(block) > _BLOCK:
                raise InputError(
                    f"{self.name}: part {short(part)!r} holds more than {_BLOCK:,} bytes without any "
                    "markup (a whitespace bomb?).",
                    hint="save it again as .xlsx in Excel.",
                )
            else:
                carry = block
        if carry:
            yield carry

    def _small_part(self, part: str) -> bytes:
        info = self.infos[part]
        if info.file_size > _SMALL_PART:
            raise InputError(
                f"{self.name}: part {short(part)!r} is {info.file_size:,} bytes: not a workbook."
            )
        return b"".join(self.blocks(part))

    def _scan_part(self, part: str, shared_strings: bool = False) -> None:
        """Inflate a part calamine reads (its real size checked), refusing DTDs and huge reservations."""
        for index, block in enumerate(self.blocks(part)):
            self._check_declarations(block, part)
            count = _UNIQUE_COUNT.search(block) if shared_strings and index == 0 else None
            if count and int(count.group(1)) > MAX_XLSX_CELLS.value():
                # calamine reserves room for that many strings before reading one.
                raise _over(
                    self.path,
                    "",
                    f"the shared-string table claims {int(count.group(1)):,} strings",
                    MAX_XLSX_CELLS,
                )

    @functools.cached_property
    def sheet_parts(self) -> dict[str, str]:
        """Sheet name -> its part in the zip (from the workbook and its relationships)."""
        workbook = self._small_part(self.workbook).decode("utf-8", errors="ignore")
        targets: dict[str, str] = {}
        if self.workbook_rels in self.infos:
            rels = self._small_part(self.workbook_rels).decode("utf-8", errors="ignore")
            for rel in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
                rid = re.search(r'\bId\s*=\s*"([^"]*)"', rel)
                target = re.search(r'\bTarget\s*=\s*"([^"]*)"', rel)
                if rid and target:
                    value = target.group(1)
                    joined = value.lstrip("/") if value.startswith("/") else self.folder + value
                    targets[rid.group(1)] = posixpath.normpath(joined)
        parts: dict[str, str] = {}
        for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
            name = re.search(r'\bname\s*=\s*"([^"]*)"', tag)
            rid = re.search(r'\br:id\s*=\s*"([^"]*)"', tag) or re.search(r'\bid\s*=\s*"([^"]*)"', tag)
            if name and rid and rid.group(1) in targets:
                parts.setdefault(html.unescape(name.group(1)), targets[rid.group(1)])
        return parts

    def check_sheet(self, sheet: str) -> int:
        """Check a sheet before calamine reads it; the spreadsheet row of its first filled cell."""
        part = self.sheet_parts.get(sheet)
        where = f" (sheet {short(sheet)!r})"
        if part in self.infos:
            assert part is not None
            self._scan_sheet(part, where)
            return self._first_filled_row(part)
        # The part cannot be told: check every worksheet, so none slips through.
        for name in self.infos:
            if name.startswith(f"{self.folder}worksheets/") and name.endswith(".xml"):
                self._scan_sheet(name, where)
        return 1

    def _scan_sheet(self, part: str, where: str) -> None:
        """Refuse a sheet whose declared range, cells or furthest cell go past the limits.

        Fast path (cells referenced ``r="A1"`` first, rows in order, as every spreadsheet program
        writes them): the first block is replayed exactly; every further block is searched once
        (Rust regex, two blocks at a time while the next one inflates) for anything unusual or a
        cell beyond its own last row or the first block's columns, and only a block with such a
        cell is read cell by cell. Anything unusual: the whole sheet is replayed exactly, as
        calamine will place it (``_scan_exactly``).
        """
        blocks = self.blocks(part)
        scan = _CellScan()
        first = next(blocks, b"")
        self._check_declarations(first, part)
        scan.feed(first)
        self._check_extent(scan, where)
        columns = scan.max_col
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending: deque[Future[tuple[int, int] | None]] = deque()
            for block in itertools.chain(blocks, [b""]):
                if block:
                    pending.append(pool.submit(_block_extent, block, columns))
                while pending and (len(pending) > 2 or not block or pending[0].done()):
                    extent = pending.popleft().result()
                    if extent is None:
                        for future in pending:
                            future.cancel()
                        self._scan_exactly(part, where)
                        return
                    scan.max_row, scan.max_col = max(scan.max_row, extent[0]), max(scan.max_col, extent[1])
                    self._check_extent(scan, where)

    def _scan_exactly(self, part: str, where: str) -> None:
        """Replay a whole unusual sheet as calamine reads it, after counting its filled cells.

        The count (Rust regex, fast) refuses a sheet of too many real cells before the replay
        (Python, about a microsecond a tag) spends its time on them.
        """
        cells = 0
        for block in self.blocks(part):
            self._check_declarations(block, part)
            text = pl.Series([block], dtype=pl.Binary).cast(pl.String, strict=False)
            counted = text.str.count_matches(_FILLED_TAG)[0]
            cells += block.count(b"<") if counted is None else counted  # not UTF-8: count every tag
            if cells > MAX_XLSX_CELLS.value():
                raise _over(self.path, where, f"it holds at least {cells:,} cells", MAX_XLSX_CELLS)
        scan = _CellScan()
        for block in self.blocks(part):
            scan.feed(block)
            self._check_extent(scan, where)

    def _check_declarations(self, block: bytes, part: str) -> None:
        if any(d in block for d in _XML_DECLARATIONS):
            raise InputError(
                f"{self.name}: part {short(part)!r} declares a DTD or XML entities (external "
                "entities or entity expansion: 'XXE', 'billion laughs'); Excel never writes them.",
                hint="save it again as .xlsx in Excel.",
            )

    def _check_extent(self, scan: _CellScan, where: str) -> None:
        if scan.dimension is not None:
            ref, rows, cols = scan.dimension
            too_many = rows * cols > MAX_XLSX_CELLS.value()
            if cols > MAX_COLUMNS.value() or rows > MAX_ROWS.value() or too_many:
                limit = MAX_COLUMNS if cols > MAX_COLUMNS.value() else MAX_ROWS
                limit = MAX_XLSX_CELLS if too_many else limit
                raise _over(
                    self.path,
                    where,
                    f"the sheet declares the range {short(ref)} ({rows:,} rows x {cols:,} columns)",
                    limit,
                )
        rows, cols = scan.max_row, scan.max_col
        reach = f"its cells reach row {rows:,} and column {_column_letters(cols)} (#{cols:,})"
        if cols > MAX_COLUMNS.value():
            raise _over(self.path, where, reach, MAX_COLUMNS)
        if rows > MAX_ROWS.value():
            raise _over(self.path, where, reach, MAX_ROWS)
        if rows * cols > MAX_XLSX_CELLS.value():
            raise _over(self.path, where, f"{reach}: {rows * cols:,} cells as one table", MAX_XLSX_CELLS)
        if scan.cells > MAX_XLSX_CELLS.value():
            raise _over(self.path, where, f"it holds {scan.cells:,} cells", MAX_XLSX_CELLS)

    def _first_filled_row(self, part: str) -> int:
        """Spreadsheet row number of the first cell with a value (calamine drops empty rows above it)."""
        buffer = b""
        for block in self.blocks(part):
            buffer = buffer[-200:] + block
            # A cell element with content (not self-closing) holds a value.
            match = re.search(rb'<c\b[^>]*\br="[A-Z]+(\d+)"[^>]*(?<!/)>', buffer)
            if match:
                return int(match.group(1))
        return 1


def _excel_reader(path: Path, data: bytes) -> ExcelReader:
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise InputError(
            f"{display_path(path)}: cannot be opened as an Excel workbook ({_reason(exc)}).",
            hint="check that it is a real .xlsx (not a renamed csv or an old .xls: "
            "save it as .xlsx in Excel).",
        ) from None


class EmptySheet(InputError):
    """A sheet without any cell (skipped when reading every sheet)."""


def _header_names(cells: tuple[object, ...]) -> list[str]:
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"column_{position}"
        while name in names:
            name = f"{name}_{position}"
        names.append(name)
    return names


def _read_sheet(
    reader: ExcelReader,
    path: Path,
    sheet: str,
    header_row: int | None,
    extra: set[str] | None,
    first_filled_row: int,
) -> RawTable:
    where = f" (sheet {short(sheet)!r})"
    try:
        raw = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise InputError(f"{display_path(path)}{where}: cannot read the sheet ({_reason(exc)}).") from None
    if raw.height == 0:
        raise EmptySheet(
            f"{display_path(path)}{where}: the sheet is empty.", hint="pass --sheet NAME for another sheet."
        )
    offset = first_filled_row - 1
    if header_row is None:
        index = _find_header_row(
            [list(r) for r in raw.head(HEADER_SEARCH_ROWS).iter_rows()], path, extra, where
        )
    else:
        index = header_row - 1 - offset
        if not 0 <= index < raw.height:
            raise InputError(
                f"{display_path(path)}{where}: --header-row {header_row} is outside the filled rows."
            )
    names = _header_names(raw.row(index))
    frame = raw.slice(index + 1).rename(dict(zip(raw.columns, names, strict=True)))
    unnamed_empty = [n for n in names if n.startswith("column_") and frame[n].null_count() == frame.height]
    frame = _with_row_numbers(frame.drop(unnamed_empty), first_data_row=offset + index + 2)
    _check_frame(path, frame, where)
    return RawTable(frame, path, "xlsx", sheet=sheet, header_row=offset + index + 1)


# --- entry points -------------------------------------------------------------------------------


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
        table = _read_json(path) if suffix == ".json" else _read_csv(path, header_row, extra)
        table.drop_personal_columns()
        return [table]
    if suffix in (".xlsx", ".xlsm"):
        tables = _read_workbook(path, sheet, all_sheets, header_row, extra)
    elif suffix == ".parquet" and sheet is None:
        tables = [_read_parquet(path)]
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


def _read_workbook(
    path: Path, sheet: str | None, all_sheets: bool, header_row: int | None, extra: set[str]
) -> list[RawTable]:
    data = read_file_bytes(path, MAX_FILE_BYTES)
    book = _Workbook(path, data)  # the container, before calamine opens it
    reader = _excel_reader(path, data)
    if not reader.sheet_names:
        raise InputError(f"{display_path(path)}: the workbook has no sheets.")
    chosen = reader.sheet_names if all_sheets else [sheet or reader.sheet_names[0]]
    digest = hashlib.sha256(data).hexdigest()
    tables = []
    for name in chosen:
        if name not in reader.sheet_names:
            raise InputError(
                f"{display_path(path)}: no sheet named {short(name)!r}.",
                hint=f"the sheets are: {', '.join(short(n) for n in reader.sheet_names[:20])}"
                f"{' ...' if len(reader.sheet_names) > 20 else ''}; pass --sheet NAME.",
            )
        first_filled_row = book.check_sheet(name)  # before calamine allocates the sheet
        try:
            table = _read_sheet(reader, path, name, header_row, extra, first_filled_row)
        except EmptySheet:
            if not all_sheets:
                raise  # the one sheet asked for is empty: say so
            continue
        table.sha256 = digest
        tables.append(table)
    if not tables:
        raise InputError(f"{display_path(path)}: every sheet is empty.")
    return tables


def file_sha256(path: Path) -> str:
    """sha256 of a regular file's bytes, read in blocks."""
    check_regular_file(path)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus the supported regular files inside given folders (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(
                    f"{display_path(path)}: no .xlsx, .csv, .json or .parquet files in this folder."
                )
            files.extend(found)
        elif not path.exists() and not path.is_symlink():
            raise InputError(f"{display_path(path)}: file not found.")
        else:
            files.append(path)
    return files

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

import contextlib
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from veilcli.errors import InputError
from veilcli.sources.columns import normalise_header
from veilcli.sources.csv_reader import read_csv
from veilcli.sources.excel_reader import read_workbook
from veilcli.sources.files import check_regular_file
from veilcli.sources.formats.incident_list import keep_pc4
from veilcli.sources.json_reader import read_json
from veilcli.sources.limits import MAX_FILE_BYTES, MAX_JSON_BYTES
from veilcli.sources.messages import display_path, reason, short
from veilcli.sources.parquet_reader import read_parquet
from veilcli.sources.read_ahead import TEXT_SUFFIXES
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
    if suffix in (*TEXT_SUFFIXES, ".json"):
        if sheet is not None:
            raise InputError(f"{display_path(path)}: --sheet only applies to .xlsx workbooks.")
        table = read_json(path) if suffix == ".json" else read_csv(path, header_row, extra)
        keep_pc4(table)  # an incident list's postcode digits, for its municipality (incident_list.py)
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
        keep_pc4(table)
        table.drop_personal_columns()
    return tables


# -- standard input ---------------------------------------------------------------------------------

STDIN = Path("-")
STDIN_NAME = "standard input (-)"
# A copy of standard input lives in <temp>/veilcli-stdin-<pid>-<random>/stdin.<type> while the
# command runs (readers, hashes and the store take paths). It holds whatever was piped in, personal
# columns included, so it is removed on every way out (an error, Ctrl-C, SIGTERM, SIGHUP), and copies
# left by a killed process (SIGKILL, a power cut) are swept by the next command that reads files.
_STDIN_FOLDER = re.compile(r"veilcli-stdin-([0-9]+)-[A-Za-z0-9_]+")
# Copies of earlier versions (no pid in the name): swept once they are a day old.
_OLD_STDIN_FOLDER = re.compile(r"veilcli-stdin-[a-z0-9_]{8}")
_OLD_COPY_SECONDS = 24 * 3600
_COPY_NAME = re.compile(r"stdin(?:\.(?:csv|xlsx|parquet|json))?")
_CHUNK = 1 << 20


@contextlib.contextmanager
def standard_input_as_file(paths: list[Path], stream: BinaryIO | None = None) -> Iterator[list[Path]]:
    """``-`` among the paths: standard input (or ``stream``), copied within the size limits into a
    private temporary file named by what it holds (xlsx, parquet, json, else csv), so it is read,
    validated and hashed like any file; the copy is removed on every way out. Stale copies of killed
    commands are swept first (also when no ``-`` is given)."""
    sweep_stale_stdin_copies()
    if STDIN not in paths:
        yield paths
        return
    source = stream if stream is not None else _stdin_buffer()
    folder = Path(tempfile.mkdtemp(prefix=f"veilcli-stdin-{os.getpid()}-"))  # private: mode 0700
    try:
        with _cleanup_on_hangup():
            copy = _copy_stdin(source, folder)
            yield [copy if p == STDIN else p for p in paths]
    finally:
        _remove_copy(folder)


def _stdin_buffer() -> BinaryIO:
    stdin = sys.stdin
    buffer = getattr(stdin, "buffer", None) if stdin is not None else None
    if buffer is None:
        raise InputError(
            f"{STDIN_NAME}: is closed, there is nothing to read.",
            hint="pipe the data in (`veilcli ingest - < registraties.csv`), or pass the file's path.",
        )
    return cast(BinaryIO, buffer)


def _copy_stdin(source: BinaryIO, folder: Path) -> Path:
    """Standard input into ``folder/stdin.<type>``, counted while it is read: past the size limit
    (``VEILCLI_MAX_FILE_BYTES``; for JSON ``VEILCLI_MAX_JSON_BYTES``) reading stops and the
    command is refused, before anything is parsed."""
    part = folder / "stdin"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(part, flags, 0o600)
    head, first, size, limit = b"", b"", 0, MAX_FILE_BYTES
    try:
        while True:
            try:
                chunk = source.read(_CHUNK)
            except OSError as exc:
                raise InputError(f"{STDIN_NAME}: cannot be read ({reason(exc)}).") from None
            if not chunk:
                break
            if len(head) < 8:
                head = (head + chunk)[:8]
            if not first:
                first = chunk.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] if size == 0 else chunk.lstrip()[:1]
                if first in (b"{", b"[") and not head.startswith((b"PK\x03\x04", b"PAR1")):
                    limit = MAX_JSON_BYTES
            size += len(chunk)
            if size > limit.value():
                raise InputError(
                    f"{STDIN_NAME}: more than the limit of {limit.value():,} bytes; reading stopped, "
                    "nothing was stored.",
                    hint=f"if the data is genuine, raise the limit: {limit.env}=N ({limit.description}; "
                    "README, 'Reading files').",
                )
            view = memoryview(chunk)
            while view:
                view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)
    if head.startswith(b"PK\x03\x04"):
        suffix = ".xlsx"
    elif head.startswith(b"PAR1"):
        suffix = ".parquet"
    elif first in (b"{", b"["):
        suffix = ".json"
    else:
        suffix = ".csv"
    copy = folder / f"stdin{suffix}"
    os.replace(part, copy)
    return copy


@contextlib.contextmanager
def _cleanup_on_hangup() -> Iterator[None]:
    """SIGHUP (the terminal closed) and SIGTERM end the command like an exception while the copy
    exists, so ``finally`` removes it (``veilcli.cli.main`` handles SIGTERM already; a handler set
    by the caller is kept)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous: dict[int, Any] = {}
    for name in ("SIGHUP", "SIGTERM"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) in (signal.SIG_DFL, None):
            previous[number] = signal.signal(number, _exit_on_signal)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _remove_copy(folder: Path) -> None:
    """Remove a copy of standard input and its folder (only the names veilcli gives them)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.is_file(follow_symlinks=False) and _COPY_NAME.fullmatch(entry.name):
                os.unlink(entry.path)
    with contextlib.suppress(OSError):
        folder.rmdir()


def sweep_stale_stdin_copies(temp: Path | None = None) -> list[Path]:
    """Remove copies of standard input that killed commands left in the temporary folder: those of
    processes that no longer run (of this user; on Windows, where that cannot be asked, those older
    than a day), and those of earlier versions older than a day."""
    from veilcli.files.atomic import pid_running

    where = Path(temp or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(os.scandir(where))
    except OSError:
        return removed
    uid = getattr(os, "getuid", lambda: None)()
    now = time.time()
    for entry in entries:
        match = _STDIN_FOLDER.fullmatch(entry.name)
        old = match is None and _OLD_STDIN_FOLDER.fullmatch(entry.name)
        if not (match or old):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or (uid is not None and info.st_uid != uid):
            continue  # not a folder, or another user's
        young = now - info.st_mtime < _OLD_COPY_SECONDS
        if match is not None and (young if os.name == "nt" else pid_running(int(match.group(1)))):
            continue  # its command still runs (Windows cannot tell without ending it: a day's grace)
        if old and young:
            continue
        _remove_copy(Path(entry.path))
        if not os.path.lexists(entry.path):
            removed.append(Path(entry.path))
    return removed

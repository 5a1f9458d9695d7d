"""Reading a very large CSV in blocks: bounded memory for national police tables (100M rows).

A text file larger than ``STREAM_FROM`` (256 MiB; ``VEILCLI_STREAM_BYTES``) is not read whole:
``BlockReader`` sniffs its delimiter and header from the first megabyte exactly as
``csv_reader`` does, then hands out ``RawTable`` blocks of about ``BLOCK_BYTES`` each, cut at a
line end outside quotes, numbered as the spreadsheet rows they are, with the file's sha256
computed on the way. Every block is UTF-8-checked before polars parses it: a stray byte is
refused with its byte offset, as in a file read whole.

Streaming is for files that are plain UTF-8 CSV with LF or CRLF line ends; anything else (a
StatLine table view, UTF-16, Windows-1252, old-Mac CR line ends) is read whole, within the
ordinary limits (``BlockReader.open`` returns None).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from veilcli.errors import InputError
from veilcli.sources.csv_reader import _csv_error, _sniff_csv, _sniff_table_view
from veilcli.sources.limits import GIB, MIB, Limit, over_limit
from veilcli.sources.messages import display_path
from veilcli.sources.table import RawTable, check_frame, with_row_numbers

STREAM_FROM = Limit(
    "VEILCLI_STREAM_BYTES", 256 * MIB, "bytes", "size above which a CSV is read in blocks (streaming)"
)
MAX_STREAM_BYTES = Limit("VEILCLI_MAX_STREAM_BYTES", 512 * GIB, "bytes", "size of one CSV read in blocks")
BLOCK_BYTES = Limit(
    "VEILCLI_BLOCK_BYTES", 96 * MIB, "bytes", "bytes of a CSV parsed at a time when streaming"
)
_HEAD_BYTES = 1 << 20
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_UTF8_BOM = b"\xef\xbb\xbf"


def streamable(path: Path) -> bool:
    """Whether a file is a CSV large enough to be read in blocks."""
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        return False
    try:
        return os.stat(path).st_size > STREAM_FROM.value()
    except OSError:
        return False  # the ordinary reader names the problem


@dataclass
class Block:
    """One block of rows: the table and whether it ends the file."""

    table: RawTable
    last: bool
    number: int


@dataclass
class BlockReader:
    """A large CSV, read a block at a time (see the module docstring)."""

    path: Path
    handle: BinaryIO
    delimiter: str
    headers: list[str]
    header_row: int  # 1-based line of the header
    offset: int  # bytes consumed so far
    header_line: bytes  # LF-ended; put before every block, so polars parses it as the whole file
    digest: Any = field(default_factory=hashlib.sha256)
    rows_seen: int = 0
    lines_seen: int = 0  # lines of the file read after the header (a quoted field may hold more than one)
    blocks_read: int = 0
    stream_from: int = field(default_factory=STREAM_FROM.value)
    # per block: its first byte, its bytes, and the rows and lines before it (``reread``)
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    identity: tuple[int, int] = (0, 0)  # size and modification time when opened

    @classmethod
    def open(cls, path: Path, header_row: int | None, extra: set[str] | None) -> BlockReader | None:
        """The reader, or None when the file is not one to stream (read it whole instead)."""
        size = os.stat(path).st_size
        if size > MAX_STREAM_BYTES.value():
            raise over_limit(path, "", f"{size:,} bytes", MAX_STREAM_BYTES)
        handle = open(path, "rb")  # noqa: SIM115 - closed by blocks() or on the way out below
        try:
            head = handle.read(_HEAD_BYTES)
            start = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
            cut = head.rfind(b"\n")
            if cut < 0 or (b"\r" in head and b"\r\n" not in head):
                handle.close()
                return None  # one enormous line, or CR line ends: the ordinary reader decides
            try:
                text = head[start : cut + 1].decode("utf-8")
            except UnicodeDecodeError:
                handle.close()
                return None  # not UTF-8 (or UTF-16): the whole-file encoding rules apply
            if header_row is None and _sniff_table_view(text) is not None:
                handle.close()
                return None
            text = text.replace("\r\n", "\n")
            delimiter, index, _width = _sniff_csv(text, path, header_row, extra)
            lines = head[start:].split(b"\n", index + 1)
            header_line = lines[index]
            data_start = start + sum(len(line) + 1 for line in lines[: index + 1])
            header_line = header_line.rstrip(b"\r") + b"\n"
            headers = pl.read_csv(header_line, separator=delimiter, infer_schema=False, n_rows=0).columns
        except BaseException:
            handle.close()
            raise
        reader = cls(path, handle, delimiter, headers, index + 1, data_start, header_line)
        reader.identity = _identity(handle)
        reader.digest.update(head[:data_start])
        handle.seek(data_start)
        return reader

    def close(self) -> None:
        """Close the file (also done when the last block is out)."""
        self.handle.close()

    def blocks(self) -> Iterator[Block]:
        """The file's rows, block by block; the sha256 is complete once the last block is out."""
        size = BLOCK_BYTES.value()
        carry = b""
        ahead: bytes | None = None  # the next chunk, read to see whether anything but blank lines follows
        number = 0
        try:
            while True:
                chunk = self.handle.read(size) if ahead is None else ahead
                ahead = None
                at_end = len(chunk) < size
                data = carry + chunk
                if not at_end:
                    cut = _cut(data)
                    while cut < 0 and not at_end:  # a quoted field runs past the block: read on
                        more = self.handle.read(size)
                        at_end = len(more) < size
                        chunk += more
                        data += more
                        if len(data) > 8 * size:
                            raise self._error(data, ValueError("unclosed quote"), self.lines_seen)
                        cut = -1 if at_end else _cut(data)
                    if not at_end:
                        carry, data = data[cut + 1 :], data[: cut + 1]
                        ahead = self.handle.read(size)
                        if len(ahead) < size and _blank_lines(carry + ahead, self.delimiter):
                            # Only blank lines follow: they end this block, the file's last (its
                            # last row may be a totals row, as in the file read whole).
                            chunk, data, carry, ahead = chunk + ahead, data + carry + ahead, b"", None
                            at_end = True
                    else:
                        carry = b""
                self.digest.update(chunk)
                number += 1
                self.blocks_read = number
                self.spans.append((self.offset, len(data), self.rows_seen, self.lines_seen))
                table = self._table(data, self.offset, self.rows_seen, self.lines_seen)
                self.rows_seen += table.frame.height
                self.offset += len(data)
                self.lines_seen += data.count(b"\n")
                yield Block(table, at_end, number)
                if at_end:
                    return
        finally:
            self.handle.close()

    @property
    def sha256(self) -> str:
        """The file's sha256 (complete after the last block)."""
        return self.digest.hexdigest()

    def _error(self, data: bytes, exc: Exception, lines_before: int) -> InputError:
        """A block that cannot be parsed, as ``_csv_error`` says it, with the line it names counted
        in the file (``lines_before`` the block), not in the block."""
        error = _csv_error(self.path, data, exc)
        name = f"{display_path(self.path)}: "
        if not error.message.startswith(name):
            return error
        shift = self.header_row + lines_before
        rest = re.sub(
            r"\bline ([\d,]+)",
            lambda m: f"line {int(m[1].replace(',', '')) + shift:,}",
            error.message[len(name) :],
            count=1,
        )
        return InputError(name + rest, hint=error.hint)

    def reread(self, rows: Iterable[int]) -> Iterator[RawTable]:
        """The blocks that hold these (spreadsheet) rows, read again: for a finding made after the
        last block, the rows as the file writes them. A file changed since is an InputError."""
        firsts = [self.header_row + 1 + before for _, _, before, _ in self.spans]
        numbers = sorted({bisect.bisect_right(firsts, row) - 1 for row in rows})
        with open(self.path, "rb") as handle:
            if _identity(handle) != self.identity:
                raise InputError(
                    f"{display_path(self.path)}: the file changed while it was being read.",
                    hint="run the command again once the file is complete.",
                )
            for number in numbers:
                offset, length, rows_before, lines_before = self.spans[number]
                handle.seek(offset)
                yield self._table(handle.read(length), offset, rows_before, lines_before)

    def _table(self, data: bytes, offset: int, rows_before: int, lines_before: int) -> RawTable:
        """One block's rows (``rows_before`` and ``lines_before`` it in the file)."""
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.header_row + lines_before + data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                f"{display_path(self.path)}: line {line:,} (byte {offset + exc.start:,}) is not UTF-8 "
                f"(byte 0x{data[exc.start]:02x}); the rest of the file is UTF-8.",
                hint="save the file as UTF-8 again; a file read in parts must be UTF-8 throughout.",
            ) from None
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        try:
            # Under the header, as the whole file is parsed: the header sets the columns (a block's
            # first line may be blank, short or long).
            frame = pl.read_csv(
                self.header_line + data,
                separator=self.delimiter,
                has_header=True,
                infer_schema=False,
                truncate_ragged_lines=True,
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError as exc:
            raise self._error(data, exc, lines_before) from None
        if frame.width < len(self.headers):  # an empty or short block: the missing columns are empty
            missing = self.headers[frame.width :]
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(h) for h in missing)
        frame = with_row_numbers(frame, first_data_row=self.header_row + 1 + rows_before)
        check_frame(self.path, frame, "")
        table = RawTable(
            frame, self.path, "csv", header_row=self.header_row, encoding="utf-8", delimiter=self.delimiter
        )
        table.drop_personal_columns()
        return table


def _identity(handle: BinaryIO) -> tuple[int, int]:
    info = os.fstat(handle.fileno())
    return info.st_size, info.st_mtime_ns


def _blank_lines(data: bytes, delimiter: str) -> bool:
    """Whether ``data`` holds nothing but empty fields (delimiters, quotes, spaces, line ends)."""
    return re.fullmatch(rb'[\s"' + re.escape(delimiter.encode()) + rb"]*", data) is not None


def _cut(data: bytes) -> int:
    """The last line end of ``data`` outside quotes (-1: none yet)."""
    cut = data.rfind(b"\n")
    while cut >= 0 and data.count(b'"', 0, cut) % 2:
        cut = data.rfind(b"\n", 0, cut)
    return cut

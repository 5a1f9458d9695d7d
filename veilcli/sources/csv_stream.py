"""Reading a very large CSV in blocks: bounded memory for national police tables (100M rows).

A text file larger than ``STREAM_FROM`` (256 MiB; ``VEILCLI_STREAM_BYTES``) is not read whole:
``BlockReader`` sniffs its delimiter and header from the first megabyte exactly as
``csv_reader`` does, checks the header against the column limit before any block is parsed, then
hands out ``RawTable`` blocks of about ``BLOCK_BYTES`` each, cut at a line end outside quotes,
numbered as the spreadsheet rows they are, with the file's sha256 computed on the way.

Every check of a file read whole applies to each block: line ends are LF, CRLF or a lone CR (as
``encoding.normalise_line_ends``: a file mixing them is read the same either way; a block is
never cut between a CR and its LF); a byte that is not UTF-8 or a NUL is refused with its line
and byte offset. A file whose first bytes show another encoding (UTF-16, Windows-1252 in the
first megabyte), a StatLine table view, or a known binary format is read whole, within the
ordinary limits (``BlockReader.open`` returns None).

The reader always makes progress or refuses: the search for a block's end never goes back over
bytes it has searched, and a line (outside quotes) longer than ``LINE_BYTES`` is refused, naming
where it starts (a stray quote makes the rest of the file one value). No file is cut into more
than ``MAX_BLOCKS`` blocks (``VEILCLI_BLOCK_BYTES=100`` on a 256 MiB file would make 2.7M).
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

from veilcli.errors import InputError, UsageError
from veilcli.sources.csv_reader import _csv_error, _sniff_csv, _sniff_table_view
from veilcli.sources.encoding import needs_whole_file, normalise_line_ends, nul_error
from veilcli.sources.limits import (
    BLOCK_BYTES,
    MAX_COLUMNS,
    MAX_STREAM_BYTES,
    MIB,
    STREAM_FROM,
    over_limit,
)
from veilcli.sources.messages import display_path
from veilcli.sources.read_ahead import TEXT_SUFFIXES
from veilcli.sources.table import RawTable, check_frame, with_row_numbers

__all__ = ["BLOCK_BYTES", "MAX_STREAM_BYTES", "STREAM_FROM", "BlockReader", "streamable"]

MAX_BLOCKS = 10_000  # blocks of one file (a 512 GiB file in 96 MiB blocks: 5,462)
LINE_BYTES = 16 * MIB  # one line outside quotes (a counts table's lines are under 1 KB)
_HEAD_BYTES = 1 << 20
_UTF8_BOM = b"\xef\xbb\xbf"


def stream_settings() -> tuple[int, int]:
    """(stream threshold, block bytes) in force, each within its range (``limits``)."""
    return STREAM_FROM.value(), BLOCK_BYTES.value()


def streamable(path: Path) -> bool:
    """Whether a file is a CSV large enough to be read in blocks."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return False
    threshold, _block = stream_settings()
    try:
        return os.stat(path).st_size > threshold
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
    block_bytes: int = field(default_factory=BLOCK_BYTES.value)
    # per block: its first byte, its bytes, and the rows and lines before it (``reread``)
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    identity: tuple[int, int] = (0, 0)  # size and modification time when opened

    @classmethod
    def open(cls, path: Path, header_row: int | None, extra: set[str] | None) -> BlockReader | None:
        """The reader, or None when the file is not one to stream (read it whole instead)."""
        size = os.stat(path).st_size
        if size > MAX_STREAM_BYTES.value():
            raise over_limit(path, "", f"{size:,} bytes", MAX_STREAM_BYTES)
        threshold, block = stream_settings()
        if size > block * MAX_BLOCKS:
            fewest = -(-size // MAX_BLOCKS)
            raise UsageError(
                f"VEILCLI_BLOCK_BYTES={block:,}: {display_path(path)} ({size:,} bytes) would be read in "
                f"more than {MAX_BLOCKS:,} blocks.",
                hint=f"set VEILCLI_BLOCK_BYTES to at least {fewest:,} (default {BLOCK_BYTES.default:,}).",
            )
        handle = open(path, "rb")  # noqa: SIM115 - closed by blocks() or on the way out below
        try:
            head = handle.read(_HEAD_BYTES)
            if needs_whole_file(head):
                handle.close()
                return None  # UTF-16, UTF-32 or a binary format: the whole-file rules decide
            start = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
            # A CR as the head's last byte may be half of a CRLF: not a line end yet.
            sniffed = normalise_line_ends(head[:-1] if head.endswith(b"\r") else head)
            cut = sniffed.rfind(b"\n")
            if cut < 0 or b"\x00" in sniffed[: cut + 1]:
                handle.close()
                return None  # one enormous line, or a NUL up front: the ordinary reader decides
            try:
                text = sniffed[start : cut + 1].decode("utf-8")
            except UnicodeDecodeError:
                handle.close()
                return None  # not UTF-8 (Windows-1252?): the whole-file encoding rules apply
            if header_row is None and _sniff_table_view(text) is not None:
                handle.close()
                return None
            text = text.replace("\r\n", "\n")
            delimiter, index, width = _sniff_csv(text, path, header_row, extra)
            if width > MAX_COLUMNS.value():  # before any block is parsed (polars would take GBs)
                raise over_limit(path, "", f"the header has {width:,} columns", MAX_COLUMNS)
            lines = sniffed[start:].split(b"\n", index + 1)
            header_line = lines[index]
            data_start = start + sum(len(line) + 1 for line in lines[: index + 1])
            header_line = header_line.rstrip(b"\r") + b"\n"
            headers = pl.read_csv(header_line, separator=delimiter, infer_schema=False, n_rows=0).columns
        except BaseException:
            handle.close()
            raise
        reader = cls(path, handle, delimiter, headers, index + 1, data_start, header_line)
        reader.stream_from, reader.block_bytes = threshold, block
        reader.identity = _identity(handle)
        reader.digest.update(head[:data_start])
        handle.seek(data_start)
        return reader

    def close(self) -> None:
        """Close the file (also done when the last block is out)."""
        self.handle.close()

    def blocks(self) -> Iterator[Block]:
        """The file's rows, block by block; the sha256 is complete once the last block is out."""
        size = self.block_bytes
        buffer = b""
        end_of_file = peeked = False
        number = 0
        try:
            while True:
                searched, quotes = 0, 0  # the buffer's first bytes hold no line end to cut at
                cut = -1
                if not end_of_file and not peeked:  # a block: what the last one left, and a read
                    parts = [buffer]
                    end_of_file = self._read(size, parts)
                    buffer = b"".join(parts)
                peeked = False
                while True:
                    if end_of_file:
                        cut = len(buffer)
                        break
                    cut, quotes = _last_line_end(buffer, searched, quotes)
                    if cut >= 0:
                        break
                    if len(buffer) > LINE_BYTES:
                        raise self._long_line(buffer, quotes)
                    # Read on (as much again: the search never repeats, the reads stay few); a CR
                    # at the end may be half of a CRLF: looked at again.
                    searched = len(buffer) - 1 if buffer.endswith(b"\r") else len(buffer)
                    parts = [buffer]
                    end_of_file = self._read(max(size, len(buffer)), parts)
                    buffer = b"".join(parts)
                data, buffer = buffer[:cut], buffer[cut:]
                if not end_of_file and _blank_lines(buffer, self.delimiter):
                    # Only blank lines may follow: then they end this block, the file's last (its last
                    # row may be a totals row, as in the file read whole).
                    while (
                        not end_of_file and len(buffer) <= LINE_BYTES and _blank_lines(buffer, self.delimiter)
                    ):
                        parts = [buffer]
                        end_of_file = self._read(size, parts)
                        buffer, peeked = b"".join(parts), True
                    if end_of_file and _blank_lines(buffer, self.delimiter):
                        data, buffer = data + buffer, b""
                last = end_of_file and not buffer
                number += 1
                self.blocks_read = number
                self.spans.append((self.offset, len(data), self.rows_seen, self.lines_seen))
                text = _line_ends(data)
                table = self._table(text, self.offset, self.rows_seen, self.lines_seen)
                self.rows_seen += table.frame.height
                self.offset += len(data)
                self.lines_seen += text.count(b"\n")
                yield Block(table, last, number)
                if last:
                    return
        finally:
            self.handle.close()

    def _read(self, wanted: int, parts: list[bytes]) -> bool:
        """Read about ``wanted`` more bytes onto ``parts`` (hashed); whether the file has ended."""
        chunk = self.handle.read(wanted)
        self.digest.update(chunk)
        parts.append(chunk)
        return len(chunk) < wanted

    def _long_line(self, buffer: bytes, quotes: int) -> InputError:
        """No line end to cut at in more than ``LINE_BYTES``: a quote never closed, or a line that
        never ends. Named by the line it starts on, as the file read whole names it."""
        name = display_path(self.path)
        line = self.header_row + self.lines_seen + 1
        if b'"' in buffer:
            return InputError(
                f'{name}: line {line:,}: a quoted field (") is never closed within {LINE_BYTES:,} bytes, so '
                "the rest of the file would be one value.",
                hint="close or remove that quote, or save the file again from Excel.",
            )
        return InputError(
            f"{name}: line {line:,} runs on for more than {LINE_BYTES:,} bytes without a line end.",
            hint="check that this is a table of one row a line (a CSV), and its line ends.",
        )

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
                yield self._table(_line_ends(handle.read(length)), offset, rows_before, lines_before)

    def _table(self, data: bytes, offset: int, rows_before: int, lines_before: int) -> RawTable:
        """One block's rows (``rows_before`` and ``lines_before`` it in the file); ``data`` has its
        line ends as LF (``_line_ends``: same offsets)."""
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.header_row + lines_before + data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                f"{display_path(self.path)}: line {line:,} (byte {offset + exc.start:,}) is not UTF-8 "
                f"(byte 0x{data[exc.start]:02x}); the rest of the file is UTF-8.",
                hint="save the file as UTF-8 again; a file read in parts must be UTF-8 throughout.",
            ) from None
        nul = data.find(b"\x00")
        if nul >= 0:  # as the file read whole refuses it
            line = self.header_row + lines_before + data.count(b"\n", 0, nul) + 1
            raise nul_error(self.path, f"line {line:,}, byte offset {offset + nul:,}")
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


def _line_ends(data: bytes) -> bytes:
    """A block's line ends as the whole-file path reads them: a lone CR is a LF (CRLF is left, to
    be made LF after the checks): the same length, the same offsets."""
    return normalise_line_ends(data)


def _blank_lines(data: bytes, delimiter: str) -> bool:
    """Whether ``data`` holds nothing but empty fields (delimiters, quotes, spaces, line ends)."""
    return re.fullmatch(rb'[\s"' + re.escape(delimiter.encode()) + rb"]*", data) is not None


def _last_line_end(data: bytes, searched: int, quotes: int) -> tuple[int, int]:
    """(offset just past the last line end of ``data`` outside quotes, or -1; the quotes in
    ``data[:searched]``), looking only at line ends from ``searched`` on (those before it were
    looked at: none could be cut at). ``quotes`` counts the quotes before ``searched``.

    A line end is a LF, or a CR not followed by a LF (a CR as the last byte may be half of a CRLF:
    not yet). It is outside quotes when the quotes before it are even in number (the file read
    whole names an unclosed quote by the same count). Walking back from the end, each step skips
    to before the quote that opened the field around the line end: linear in the bytes walked.
    """
    total = quotes + data.count(b'"', searched)
    position, before = len(data), total  # ``before``: quotes in data[:position]
    while position > searched:
        newline = data.rfind(b"\n", searched, position)
        after = max(newline + 1, searched)  # a lone CR after the last LF ends a later line
        carriage = data.rfind(b"\r", after, position)
        while carriage >= 0 and (carriage + 1 >= len(data) or data[carriage + 1] == 10):
            carriage = data.rfind(b"\r", after, carriage)  # half of a CRLF, or not known yet
        end = max(newline, carriage)
        if end < 0:
            break
        before -= data.count(b'"', end, position)
        if before % 2 == 0:
            return end + 1, total
        opening = data.rfind(b'"', searched, end)
        if opening < 0:
            break
        before -= data.count(b'"', opening, end)
        position = opening
    return -1, total

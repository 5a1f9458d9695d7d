"""An xlsx checked with ``zipfile`` before fastexcel/calamine sees it (``Workbook``).

The container: the number of zip entries, every entry's declared uncompressed size and their
total, the compression ratio, the bytes each part really inflates to (never more than declared),
no DTD/entity declarations (XXE, "billion laughs"), the shared-string count it asks to reserve.
Each sheet before it is read: its declared ``<dimension>`` and the furthest cell it really holds
(calamine allocates the whole rectangle up to that cell, so one cell at XFD1048576 would ask for
549 GB), replayed as calamine places cells (``_CellScan``).
"""

from __future__ import annotations

import functools
import html
import io
import itertools
import posixpath
import re
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from veilcli.errors import InputError
from veilcli.sources.encoding import first_invalid_utf8
from veilcli.sources.limits import (
    KIB,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_CELLS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    MIB,
    RATIO_FLOOR,
    over_limit,
)
from veilcli.sources.messages import display_path, reason, short

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


class Workbook:
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
            text = bool(data) and b"\x00" not in head and first_invalid_utf8(head) is None
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
            raise self._damaged(reason(exc)) from None
        if len(infos) > MAX_XLSX_ENTRIES.value():
            raise over_limit(path, "", f"{len(infos):,} zip entries", MAX_XLSX_ENTRIES)
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.filename in self.infos:
                raise InputError(f"{self.name}: holds two zip entries named {short(info.filename)!r}.")
            self.infos[info.filename] = info
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_UNCOMPRESSED.value():
            what = f"its parts declare {total:,} bytes uncompressed"
            raise over_limit(path, "", what, MAX_XLSX_UNCOMPRESSED)
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
                raise over_limit(
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
                    raise self._damaged(f"zip entry {short(info.filename)!r}: {reason(exc)}") from None
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
            last = chunk.rfind(b"<")
            if last >= 0 and len(carry) + last > 0:
                # The usual case: cut at the chunk's last "<", copying the block once (not joining
                # carry and chunk first and then slicing that: two copies of 16 MB a block).
                yield b"".join((carry, memoryview(chunk)[:last]))
                carry = chunk[last:]
                continue
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
                raise over_limit(
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
                raise over_limit(self.path, where, f"it holds at least {cells:,} cells", MAX_XLSX_CELLS)
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
                raise over_limit(
                    self.path,
                    where,
                    f"the sheet declares the range {short(ref)} ({rows:,} rows x {cols:,} columns)",
                    limit,
                )
        rows, cols = scan.max_row, scan.max_col
        reach = f"its cells reach row {rows:,} and column {_column_letters(cols)} (#{cols:,})"
        if cols > MAX_COLUMNS.value():
            raise over_limit(self.path, where, reach, MAX_COLUMNS)
        if rows > MAX_ROWS.value():
            raise over_limit(self.path, where, reach, MAX_ROWS)
        if rows * cols > MAX_XLSX_CELLS.value():
            raise over_limit(self.path, where, f"{reach}: {rows * cols:,} cells as one table", MAX_XLSX_CELLS)
        if scan.cells > MAX_XLSX_CELLS.value():
            raise over_limit(self.path, where, f"it holds {scan.cells:,} cells", MAX_XLSX_CELLS)

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

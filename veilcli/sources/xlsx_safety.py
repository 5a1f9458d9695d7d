"""An xlsx checked with ``zipfile`` before fastexcel/calamine sees it (``Workbook``).

The container: one end record, at the end, pointing at a directory right before it; the number of
zip entries, every entry's declared uncompressed size and their total, the compression ratio, the
bytes each part really inflates to (never more than declared), entry names zip readers agree on
(no NUL, no Unicode path field that renames an entry unseen, no two names alike but for letter
case or slashes), no parts of an .xlsb or .ods beside it (calamine would read those instead when
the xlsx parts fail), no DTD/entity declarations (XXE, "billion laughs"), the shared-string
count it asks to reserve. Parts are found as calamine finds them (``calamine_xml``: letter case,
``\\`` for ``/``, targets as written, the folder ``_rels/.rels`` names), and every part it reads
is checked: the relationships, workbook, styles and shared strings when it opens the file, each
sheet before it is read. A sheet: its declared ``<dimension>`` and the furthest cell it really
holds (calamine allocates the whole rectangle up to that cell, so one cell at XFD1048576 would ask
for 549 GB), the cells placed as calamine places them (``calamine_xml.CellScan``).
"""

from __future__ import annotations

import functools
import io
import itertools
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
from veilcli.sources import calamine_xml
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
_SMALL_PART = 16 * MIB  # workbook.xml and relationship parts are read whole (Excel's: kilobytes)
_LONG_TOKEN = 2 * _BLOCK  # a tag, comment or CDATA section longer than this is refused
# A DTD (quick-xml takes any "<!d" for one) or an entity declaration.
_XML_DECLARATIONS = re.compile(rb"<![Dd]|<!ENTITY")
_FILLED_CELL = re.compile(rb'<c +r="([A-Z]{1,3})([0-9]+)"(?:[^>]*[^/>])?>')
# A cell start tag that is not self-closing (calamine skips <c .../>): Rust regex, for counting.
_FILLED_TAG = r"<(?:[^\s<>:]*:)?c(?:>|[ \t\r\n]+>|[ \t\r\n][^>]*[^/>]>)"
# uniqueCount="N" as calamine reads it on <sst>: anywhere in the part (a late or prefixed tag).
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']\s*\+?([0-9]+)""")
_STRING_ITEM = r"<(?:[^\s<>:]*:)?si[ \t\r\n/>]"  # Rust regex: one shared string each
# Anything a sheet written by Excel, LibreOffice, openpyxl or xlsxwriter does not contain, which the
# fast scan (cells with an ``r`` reference first, refs of upper-case letters and digits) cannot
# follow: cells or rows without ``r`` (positioned by counting), prefixed elements (any prefix: a
# name's first ':' ends it), a late <dimension>, DTDs/CDATA/comments, unusual attribute syntax (a
# single quote, a '>' inside quotes, a second r, r straight after a quote), odd references.
_UNUSUAL = (
    r"<(?:c|row)(?:[>/\t\r\n]| +[^r ]| +r[^=])"
    r"|:(?:c|row|dimension)[\s/>]"
    r"|<dimension[\s/>]"
    r"|<!"
    r"|\sr\s+=|\sr=\s|\sr='"
    r'|\sr="(?:[A-Z]{0,3}[0-9]*[^0-9A-Z"]|[A-Z]{4}|[A-Z]{0,3}")'
    r"|<(?:c|row)\s[^>]*'"
    r'|<(?:c|row)\s(?:[^>"]|"[^">]*")*"[^">]*>'
    r'|<c\s[^>]*[\s"]r\s*=[^>]*[\s"]r\s*='
)
# Parts of the formats calamine tries when the xlsx parts fail (folded names, as it finds them).
_XLSB = "an .xlsb (binary) workbook, which veilcli cannot read"
_ODS = "an OpenDocument spreadsheet (.ods), not an xlsx workbook"
_OTHER_FORMATS = {
    "xl/workbook.bin": (".xlsb", _XLSB),
    "xl/_rels/workbook.bin.rels": (".xlsb", _XLSB),
    "xl/sharedstrings.bin": (".xlsb", _XLSB),
    "xl/styles.bin": (".xlsb", _XLSB),
    "mimetype": (".ods", _ODS),
}


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


def _block_extent(block: bytes, columns: int) -> tuple[int, int] | None:
    """(rows, columns) the filled cells of one block of an ordinary sheet reach; None if unusual.

    Rows come in order, so the block's last filled cell has its highest row: one regex search
    finds any cell beyond that row or beyond ``columns``; only then are its cells read one by one.
    """
    rows = 0
    for tail in (block[-4096:], block[-65536:], block):
        filled = _FILLED_CELL.findall(tail)
        if filled:
            rows = calamine_xml.whole_number(filled[-1][1])
            break
    # Only cells: a row's own r="..." places nothing when every cell has its reference.
    beyond = rf'<c +r="(?:[A-Z]{{0,3}}{_greater_number(rows)}"|{_greater_column(columns)}[0-9])'
    found = _contains(block, f"{_UNUSUAL}|{beyond}")
    if found is False:
        return rows, columns
    if found is None or _contains(block, _UNUSUAL) is not False:
        return None
    for letters, digits in _FILLED_CELL.findall(block):
        rows, columns = max(rows, calamine_xml.whole_number(digits)), max(columns, _column_number(letters))
    return rows, columns


class Workbook:
    """An xlsx held in memory, its zip container checked; each sheet checked before it is read.

    Parts are named and found as calamine finds them (``calamine_xml``, ``resolve``): by the name
    its zip reader gives an entry (an Info-ZIP Unicode path field renames it), ignoring letter
    case and ``\\`` for ``/``, under the folder ``_rels/.rels`` names; the sheets from the
    workbook's own relationships, their targets taken as written (``../`` is not resolved).
    """

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
        self._check_directory()
        self.infos: dict[str, zipfile.ZipInfo] = {}  # the parts calamine can open, by name
        self._folded: dict[str, str] = {}  # calamine's path cache: folded name -> entry name
        self._name_entries(infos)
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
        self._refuse_other_formats()
        # calamine's first reads: the package relationships name the workbook's folder.
        self.sure = True  # whether the port knows what calamine reads (else every part is checked)
        self.folder = "xl/"
        package = self.resolve("_rels/.rels")
        if package is not None:
            self._scan_part(package)
            try:
                self.folder = calamine_xml.package_folder(self._small_part(package))
            except calamine_xml.Failed:
                self.sure = False  # calamine cannot open it (or it finds what the port does not)
        else:
            self.sure = False
        self.workbook = self._workbook_part()
        self.workbook_rels = self.resolve(f"{self.folder}_rels/workbook.xml.rels")
        # The parts calamine reads when it opens the workbook (styles and strings first).
        self._opened = {package, self.workbook, self.workbook_rels}
        for part in (self.resolve("[Content_Types].xml"), self.workbook_rels, self.workbook):
            if part is not None:
                self._scan_part(part)
        shared = self.resolve(f"{self.folder}sharedStrings.xml")
        styles = self.resolve(f"{self.folder}styles.xml")
        for part in (shared, styles):
            if part is not None:
                self._opened.add(part)
                self._scan_part(part, shared_strings=part == shared)
        self._checked: dict[str, int] = {}  # sheet part -> its first filled row

    def resolve(self, path: str) -> str | None:
        """The entry calamine opens for ``path``: the one named so ignoring ASCII letter case (and
        ``\\`` in the entry's name for ``/``), else the one named exactly so; None: none."""
        name = self._folded.get(calamine_xml.ascii_lower(path), path)
        return name if name in self.infos else None

    def _check_directory(self) -> None:
        """The end record must be the file's last and point at a directory right before it, as
        every spreadsheet program writes it: else zip readers can disagree on what the file holds
        (data prepended or appended, two end records: a polyglot)."""
        data = self.data
        end = data.rfind(b"PK\x05\x06")
        if end < 0 or len(data) - end < 22:
            raise self._damaged("no end of the zip directory")
        entries, size, offset, comment = struct.unpack("<HIIH", data[end + 10 : end + 22])
        if end + 22 + comment != len(data):
            raise self._damaged("bytes after the end of the zip directory")
        if (
            offset == 0xFFFFFFFF
            or size == 0xFFFFFFFF
            or entries == 0xFFFF
            or data[end - 20 : end - 16] == b"PK\x06\x07"
        ):
            return  # zip64: Python and calamine's zip reader both read the zip64 end record
        if offset + size != end or (entries and data[offset : offset + 4] != b"PK\x01\x02"):
            raise self._damaged("the zip directory is not where its end record says")

    def _name_entries(self, infos: list[zipfile.ZipInfo]) -> None:
        """Name the entries as calamine's zip reader does; refuse names readers disagree on."""
        for info in infos:
            flagged_utf8 = bool(info.flag_bits & 0x800)
            raw = info.orig_filename.encode("utf-8" if flagged_utf8 else "cp437")
            if b"\x00" in raw:
                raise InputError(
                    f"{self.name}: zip entry {short(info.orig_filename)!r} has a NUL byte in its name "
                    "(zip readers disagree on such a name).",
                    hint="save it again as .xlsx in Excel.",
                )
            renamed = self._unicode_path(info, raw)
            if renamed is not None:
                raw = renamed
            try:
                name = raw.decode("utf-8")
            except UnicodeDecodeError:
                if flagged_utf8 or renamed is not None:
                    raise self._damaged(
                        f"zip entry {short(info.filename)!r} names itself in bad UTF-8"
                    ) from None
                continue  # a cp437 name beyond ASCII: calamine's reader cannot open it by name
            if not flagged_utf8 and renamed is None and not raw.isascii():
                continue  # (the same: its name as text is not its name as bytes)
            if name in self.infos:
                raise InputError(f"{self.name}: holds two zip entries named {short(name)!r}.")
            folded = calamine_xml.ascii_lower(name.replace("\\", "/"))
            if folded in self._folded:
                raise InputError(
                    f"{self.name}: holds two zip entries named alike, {short(self._folded[folded])!r} "
                    f"and {short(name)!r} (they differ only in letter case or slashes: which one is "
                    "read is not defined).",
                    hint="save it again as .xlsx in Excel.",
                )
            self.infos[name] = info
            self._folded[folded] = name

    def _unicode_path(self, info: zipfile.ZipInfo, raw: bytes) -> bytes | None:
        """The name an Info-ZIP Unicode path field (0x7075) gives the entry, as calamine's zip reader
        takes it (Python's zipfile ignores the field); a field whose checksum does not match the
        name makes that reader refuse the file, so it is refused here too."""
        extra, position, renamed = info.extra, 0, None
        while position + 4 <= len(extra):
            kind, length = struct.unpack("<HH", extra[position : position + 4])
            body = extra[position + 4 : position + 4 + length]
            if len(body) < length:
                raise self._damaged(f"zip entry {short(info.filename)!r} has a cut extra field")
            if kind == 0x7075:
                if length < 5 or struct.unpack("<I", body[1:5])[0] != zlib.crc32(renamed or raw):
                    raise self._damaged(f"zip entry {short(info.filename)!r} has a bad Unicode path field")
                renamed = body[5:]
            position += 4 + length
        return renamed

    def _refuse_other_formats(self) -> None:
        """calamine tries .xls, .xlsx, .xlsb and .ods in turn: an xlsx that also holds the parts
        of an .xlsb or .ods is read as one of those when its xlsx parts fail, unchecked."""
        for folded, (kind, what) in _OTHER_FORMATS.items():
            name = self._folded.get(folded)
            if name is None:
                continue
            if any(other.endswith("workbook.xml") for other in self._folded):
                what = f"holds the parts of an {kind} workbook ({short(name)!r}) besides an xlsx workbook"
            raise InputError(f"{self.name}: {what}.", hint="save the data as .xlsx (or .csv) in Excel.")

    def _damaged(self, reason: str) -> InputError:
        return InputError(
            f"{self.name}: a damaged or truncated workbook ({reason}).",
            hint="copy it again (it may be incomplete) or save it again from Excel.",
        )

    def _workbook_part(self) -> str:
        """The workbook part calamine reads (``<folder>workbook.xml``), else what the zip is."""
        part = self.resolve(f"{self.folder}workbook.xml")
        if part is not None:
            return part
        names = set(self._folded)
        if "content.xml" in names:
            what = "an OpenDocument spreadsheet (.ods), not an xlsx workbook"
        elif "word/document.xml" in names:
            what = "a Word document, not an xlsx workbook"
        elif "ppt/presentation.xml" in names:
            what = "a PowerPoint presentation, not an xlsx workbook"
        else:
            what = f"not an xlsx workbook: the zip holds no {short(self.folder + 'workbook.xml')}"
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
        """Inflate a part calamine reads (its real size checked), refusing DTDs and huge reservations.

        The shared strings: calamine reserves room for ``uniqueCount`` strings on the first
        ``<sst>`` it meets, wherever that is, and then keeps every string: both are bounded by the
        cells a sheet may hold.
        """
        strings = 0
        for block in self.blocks(part):
            self._check_declarations(block, part)
            if not shared_strings:
                continue
            for count in _UNIQUE_COUNT.finditer(block):
                claimed = calamine_xml.whole_number(count.group(1))
                if claimed > MAX_XLSX_CELLS.value():
                    raise over_limit(
                        self.path,
                        "",
                        f"the shared-string table claims {claimed:,} strings",
                        MAX_XLSX_CELLS,
                    )
            text = pl.Series([block], dtype=pl.Binary).cast(pl.String, strict=False)
            counted = text.str.count_matches(_STRING_ITEM)[0]
            strings += block.count(b"<") if counted is None else counted  # not UTF-8: every tag
            if strings > MAX_XLSX_CELLS.value():
                raise over_limit(
                    self.path, "", f"the shared-string table holds {strings:,} strings", MAX_XLSX_CELLS
                )

    @functools.cached_property
    def sheets(self) -> list[tuple[str, str]]:
        """(name, part path) of each sheet as calamine lists them (the path as calamine asks for
        it: ``resolve`` finds the entry); empty, with ``sure`` off, where the port fails."""
        if not self.sure or self.workbook_rels is None:
            self.sure = False
            return []
        try:
            rels = calamine_xml.relationships(self._small_part(self.workbook_rels))
            return calamine_xml.sheets(self._small_part(self.workbook), rels, self.folder)
        except calamine_xml.Failed:
            self.sure = False  # calamine cannot open it, or the port does not follow it
            return []

    @property
    def sheet_parts(self) -> dict[str, str]:
        """Sheet name -> the entry calamine reads for it (the first sheet of a name, as calamine)."""
        parts: dict[str, str] = {}
        for name, path in self.sheets:
            part = self.resolve(path)
            if part is not None:
                parts.setdefault(name, part)
        return parts

    def check_sheet(self, sheet: str) -> int:
        """Check a sheet before calamine reads it; the spreadsheet row of its first filled cell."""
        where = f" (sheet {short(sheet)!r})"
        path = next((p for n, p in self.sheets if n == sheet), None)
        if self.sure and path is not None:
            part = self.resolve(path)
            return 1 if part is None else self._check_part(part, where)  # None: calamine finds none
        # What calamine reads cannot be told: check every part it does not read on opening.
        rows = [self._check_part(part, where) for part in self.infos if part not in self._opened]
        part = self.resolve(path) if path is not None else None
        return self._checked.get(part, 1) if part is not None else min(rows, default=1)

    def _check_part(self, part: str, where: str) -> int:
        if part not in self._checked:
            self._checked[part] = self._scan_sheet(part, where)
        return self._checked[part]

    def _scan_sheet(self, part: str, where: str) -> int:
        """Refuse a sheet whose declared range, cells or furthest cell go past the limits; the row
        of its first filled cell.

        Fast path (cells referenced ``r="A1"`` first, rows in order, as every spreadsheet program
        writes them): the first block is replayed exactly; every further block is searched once
        (Rust regex, two blocks at a time while the next one inflates) for anything unusual or a
        cell beyond its own last row or the first block's columns, and only a block with such a
        cell is read cell by cell. Anything unusual: the whole sheet is replayed exactly, as
        calamine will place it (``_scan_exactly``).
        """
        blocks = self.blocks(part)
        scan = calamine_xml.CellScan(_LONG_TOKEN)
        first = next(blocks, b"")
        self._check_declarations(first, part)
        self._feed(scan, first, part, final=False)
        self._check_extent(scan, where)
        if _contains(first, _UNUSUAL) is not False:
            return self._scan_exactly(part, where)
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
                        return self._scan_exactly(part, where)
                    scan.max_row, scan.max_col = max(scan.max_row, extent[0]), max(scan.max_col, extent[1])
                    self._check_extent(scan, where)
        return self._first_filled_row(part)

    def _scan_exactly(self, part: str, where: str) -> int:
        """Replay a whole unusual sheet as calamine reads it, after counting its filled cells; the
        row of its first filled cell, as calamine's range starts.

        The count (Rust regex, fast) refuses a sheet of too many real cells before the replay
        (Python, a few microseconds a tag) spends its time on them.
        """
        cells = 0
        for block in self.blocks(part):
            self._check_declarations(block, part)
            text = pl.Series([block], dtype=pl.Binary).cast(pl.String, strict=False)
            counted = text.str.count_matches(_FILLED_TAG)[0]
            cells += block.count(b"<") if counted is None else counted  # not UTF-8: count every tag
            if cells > MAX_XLSX_CELLS.value():
                raise over_limit(self.path, where, f"it holds at least {cells:,} cells", MAX_XLSX_CELLS)
        scan = calamine_xml.CellScan(_LONG_TOKEN)
        for block in self.blocks(part):
            self._feed(scan, block, part, final=False)
            self._check_extent(scan, where)
        self._feed(scan, b"", part, final=True)
        return scan.min_row or 1

    def _feed(self, scan: calamine_xml.CellScan, block: bytes, part: str, final: bool) -> None:
        try:
            scan.feed(block, final)
        except calamine_xml.TooLong:
            raise InputError(
                f"{self.name}: part {short(part)!r} holds a tag, comment or CDATA section longer than "
                f"{_LONG_TOKEN:,} bytes; Excel never writes one.",
                hint="save it again as .xlsx in Excel.",
            ) from None

    def _check_declarations(self, block: bytes, part: str) -> None:
        if _XML_DECLARATIONS.search(block):
            raise InputError(
                f"{self.name}: part {short(part)!r} declares a DTD or XML entities (external "
                "entities or entity expansion: 'XXE', 'billion laughs'); Excel never writes them.",
                hint="save it again as .xlsx in Excel.",
            )

    def _check_extent(self, scan: calamine_xml.CellScan, where: str) -> None:
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
                return calamine_xml.whole_number(match.group(1))
        return 1

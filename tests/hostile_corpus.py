"""Generate the hostile-input corpus: files a careless export, a damaged copy or an attacker produce.

``python tests/hostile_corpus.py FOLDER`` writes every file into FOLDER and prints the table of
cases; ``tests/test_hostile.py`` runs each through ``veilcli validate`` and ``veilcli ingest``.
Each case declares its expected outcome: ``refused`` (exit 2, one line that names the file) or
``accepted`` (read completely: exit 0, or 1 for findings in the rows). The bombs are built small
on disk: the repeated part of a zip bomb is deflated once and its compressed bytes repeated
(each copy starts from an empty dictionary, so the copies concatenate into one valid stream),
and its CRC is combined arithmetically, so a part declaring a gigabyte costs a few kilobytes and
milliseconds to write. ``dangerous`` cases (bombs, a FIFO, a device) would hang or exhaust
memory if a guard were missing: they only run in a child process with time and memory limits.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import socket
import struct
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from veilcli.tuning import tune_allocators

REFUSED, ACCEPTED = "refused", "accepted"

HEADER = "Jaar;Gebied;Inwoners;Woningen"
ROWS = ["2019;Almere;207.904;80.911", "2018;Almere;203.990;79.500", "2017;Almere-Stad;103.400;40.650"]


@dataclass(frozen=True)
class Case:
    """One hostile file and what veilcli must do with it."""

    name: str  # file name in the corpus folder (may hold bytes that are not UTF-8: surrogateescape)
    group: str  # the class of hostility
    outcome: str  # REFUSED or ACCEPTED
    reason: str  # why that is the right outcome
    build: Callable[[Path], None]
    message: str = ""  # refused: a fragment the one-line message must hold
    rows: int | None = None  # accepted: rows read (``validate --format json``)
    env: dict[str, str] = field(default_factory=dict)  # limits lowered or raised for this case
    dangerous: bool = False  # bombs and hangs: only in a child process with limits
    secret: str = ""  # a value in the file that must never appear in the message (nor in files written)
    # Options and commands beyond a file (issue 21: integers, nested TOML, personal values). The
    # placeholders {path} (this case's file), {store} and {tmp} (a folder of the test's own) are filled in.
    args: tuple[str, ...] = ()  # options for both validate and ingest
    ingest_args: tuple[str, ...] = ()  # options for ingest only (e.g. --skip-invalid)
    command: tuple[str, ...] = ()  # instead of validate and ingest: this one command
    usage: bool = False  # refused while the options are parsed: exit 2, the option named, no "error:" line
    invalid: int | None = None  # accepted: the invalid rows ``validate`` must count


# --- small builders ---------------------------------------------------------------------------


def _text(content: str, encoding: str = "utf-8", newline: str = "\n") -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.write_bytes(content.replace("\n", newline).encode(encoding))

    return build


def _raw(content: bytes) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.write_bytes(content)

    return build


def _table(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


POPULATION = _table(*ROWS)


# --- zip and xlsx writing (byte for byte, so flags, sizes and methods can lie) -----------------


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, index = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[index]
        vector >>= 1
        index += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine)."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _crc_repeated(unit: bytes, times: int) -> int:
    crc, length, result = zlib.crc32(unit), len(unit), 0
    while times:
        if times & 1:
            result = crc32_combine(result, crc, length)
        crc = crc32_combine(crc, crc, length)
        length *= 2
        times >>= 1
    return result


@dataclass
class Entry:
    """A zip entry as written: compressed bytes plus what the headers declare."""

    name: str
    data: bytes
    size: int
    crc: int
    method: int = 8
    flags: int = 0
    extra: bytes = b""  # the extra field, in both headers


def deflated(name: str, content: bytes) -> Entry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Entry(name, packer.compress(content) + packer.flush(), len(content), zlib.crc32(content))


def _segment(content: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(content) + packer.flush(zlib.Z_FULL_FLUSH)


def repeated(name: str, prefix: bytes, unit: bytes, times: int, suffix: bytes) -> Entry:
    """An entry of ``prefix + unit * times + suffix``, built from one compressed copy of ``unit``."""
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = _segment(prefix) + _segment(unit) * times + last.compress(suffix) + last.flush()
    crc = crc32_combine(zlib.crc32(prefix), _crc_repeated(unit, times), len(unit) * times)
    crc = crc32_combine(crc, zlib.crc32(suffix), len(suffix))
    return Entry(name, data, len(prefix) + len(unit) * times + len(suffix), crc)


def write_zip(path: Path, entries: list[Entry]) -> None:
    """A plain zip (no zip64) from entries whose headers say exactly what the entry declares."""
    local = struct.Struct("<IHHHHHIIIHH")
    central = struct.Struct("<IHHHHHHIIIHHHHHII")
    body, directory = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode()
        offset = len(body)
        fields = (entry.flags, entry.method, 0, 0x21, entry.crc, len(entry.data), entry.size, len(name))
        extra = len(entry.extra)
        body += local.pack(0x04034B50, 20, *fields, extra) + name + entry.extra + entry.data
        directory += central.pack(0x02014B50, 20, 20, *fields, extra, 0, 0, 0, 0, offset) + name + entry.extra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cells(rows: list[list[object]], first_row: int = 1) -> str:
    """sheetData rows of inline strings and numbers, every cell with its reference."""
    out = []
    for number, row in enumerate(rows, start=first_row):
        parts = []
        for index, value in enumerate(row, start=1):
            ref = f"{_column(index)}{number}"
            if isinstance(value, (int, float)):
                parts.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{_escape(str(value))}</t></is></c>')
        out.append(f'<row r="{number}">{"".join(parts)}</row>')
    return "".join(out)


POPULATION_ROWS: list[list[object]] = [
    ["Jaar", "Gebied", "Inwoners", "Woningen"],
    [2019, "Almere", 207904, 80911],
    [2018, "Almere", 203990, 79500],
]


def sheet_xml(data: str, dimension: str | None = None, before: str = "", after: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
        f'xmlns:r="{RELS}">{dim}{before}<sheetData>{data}</sheetData>{after}</worksheet>'
    ).encode()


def workbook_entries(
    sheets: dict[str, bytes | Entry], shared: bytes | Entry | None = None, workbook_head: str = ""
) -> list[Entry]:
    """The parts of a minimal xlsx: content types, relationships, workbook, sheets (and strings)."""
    names = list(sheets)
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
        'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{types}</Types>'
    )
    root = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    listed = "".join(
        f'<sheet name="{_escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?>{workbook_head}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        f"<sheets>{listed}</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    if shared is not None:
        rels += f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    entries = [
        deflated("[Content_Types].xml", content_types.encode()),
        deflated("_rels/.rels", root.encode()),
        deflated("xl/workbook.xml", workbook.encode()),
        deflated(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}">{rels}</Relationships>'.encode(),
        ),
    ]
    for i, content in enumerate(sheets.values(), start=1):
        name = f"xl/worksheets/sheet{i}.xml"
        if isinstance(content, Entry):
            content.name = name
            entries.append(content)
        else:
            entries.append(deflated(name, content))
    if isinstance(shared, Entry):
        shared.name = "xl/sharedStrings.xml"
        entries.append(shared)
    elif shared is not None:
        entries.append(deflated("xl/sharedStrings.xml", shared))
    return entries


def _xlsx(sheets: dict[str, bytes | Entry], **options: object) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        write_zip(path, workbook_entries(sheets, **options))  # type: ignore[arg-type]

    return build


def _good_xlsx() -> bytes:
    return sheet_xml(cells(POPULATION_ROWS), "A1:D3")


def _good_xlsx_bytes(tmp: Path) -> bytes:
    write_zip(tmp, workbook_entries({"Bevolking": _good_xlsx()}))
    return tmp.read_bytes()


def _patched(patch: Callable[[list[Entry]], None]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        entries = workbook_entries({"Bevolking": _good_xlsx()})
        patch(entries)
        write_zip(path, entries)

    return build


def _cut(keep: Callable[[int], int]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        data = _good_xlsx_bytes(path)
        path.write_bytes(data[: keep(len(data))])

    return build


def _only(*names_and_contents: tuple[str, bytes]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        write_zip(path, [deflated(n, c) for n, c in names_and_contents])

    return build


# --- bombs ------------------------------------------------------------------------------------

MB = 1 << 20
SPACES = b" " * MB


def _zip_bomb(path: Path) -> None:
    """A sheet that declares (honestly) 1 GiB of whitespace between two rows: 0.9 MB on disk."""
    prefix = sheet_xml(cells(POPULATION_ROWS[:2])).split(b"</sheetData>")[0]
    bomb = repeated("", prefix, SPACES, 1023, b"</sheetData></worksheet>")
    write_zip(path, workbook_entries({"Bevolking": bomb}))


def _lying_bomb(path: Path) -> None:
    """The same bomb, but its headers declare 2 KB: only inflating it shows what it is."""
    prefix = sheet_xml(cells(POPULATION_ROWS[:2])).split(b"</sheetData>")[0]
    bomb = repeated("", prefix, SPACES, 1023, b"</sheetData></worksheet>")
    bomb.size = 2048
    write_zip(path, workbook_entries({"Bevolking": bomb}))


def _whitespace_string_bomb(path: Path) -> None:
    """One shared string of 200 MB of spaces (Excel's limit is 32,767 characters)."""
    shared = repeated(
        "",
        f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t xml:space="preserve">'.encode(),
        SPACES,
        200,
        b"</t></si></sst>",
    )
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    write_zip(path, workbook_entries({"Blad1": sheet}, shared=shared))


def _whitespace_no_markup(path: Path) -> None:
    """40 MB of spaces inside one cell value, under the ratio limit (VEILCLI_MAX_XLSX_RATIO raised)."""
    prefix = (
        sheet_xml(cells(POPULATION_ROWS)).split(b"</sheetData>")[0]
        + b'<row r="4"><c r="A4" t="inlineStr"><is><t>'
    )
    write_zip(
        path,
        workbook_entries(
            {"Bevolking": repeated("", prefix, SPACES, 40, b"</t></is></c></row></sheetData></worksheet>")}
        ),
    )


def _row_bomb(path: Path) -> None:
    """100,000 rows, each with a cell in column A and one in XFD: calamine would allocate 1.6G cells."""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="XFD{n}"><v>1</v></c></row>' for n in range(1, 100_001)
    )
    write_zip(path, workbook_entries({"Blad1": sheet_xml(rows)}))


def _identical_rows_bomb(path: Path) -> None:
    """1.1M identical rows of 20 cells without references: 22M real cells (ratio limit raised)."""
    unit = b"<row>" + b"<c><v>1</v></c>" * 20 + b"</row>"
    prefix = sheet_xml("").split(b"</sheetData>")[0]
    write_zip(
        path,
        workbook_entries({"Blad1": repeated("", prefix, unit * 1000, 1100, b"</sheetData></worksheet>")}),
    )


def _far(rows: str, dimension: str | None = None, name: str = "Blad1") -> Callable[[Path], None]:
    return _xlsx({name: sheet_xml(rows, dimension)})


A1_AND_XFD = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _late_far_cell(path: Path) -> None:
    """20,000 ordinary rows, then one cell at XFD1048576 at the very end (past the first block)."""
    body = cells([["Jaar", "Gebied", "Inwoners"], *([2019, f"Wijk {i}", i] for i in range(20_000))])
    write_zip(
        path,
        workbook_entries(
            {"Blad1": sheet_xml(body + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')}
        ),
    )


def _out_of_order(path: Path) -> None:
    """A cell at ZZ999999 hidden among early rows; later rows go back to small numbers."""
    early = cells(POPULATION_ROWS) + '<row r="999999"><c r="ZZ999999"><v>1</v></c></row>'
    later = cells([[2017, f"Wijk {i}", i, 1] for i in range(20_000)], first_row=4)
    write_zip(path, workbook_entries({"Blad1": sheet_xml(early + later)}))


def _positional_bomb(path: Path) -> None:
    """Cells without references: one row of 16,384 cells, then 100,000 one-cell rows."""
    wide = "<row>" + "<c><v>1</v></c>" * 16_384 + "</row>"
    write_zip(path, workbook_entries({"Blad1": sheet_xml(wide + "<row><c><v>1</v></c></row>" * 100_000)}))


def _prefixed_far_cell(path: Path) -> None:
    sheet = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1">'
        '<x:v>1</x:v></x:c></x:row><x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    ).encode()
    write_zip(path, workbook_entries({"Blad1": sheet}))


def _sst_reservation(path: Path) -> None:
    shared = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    )
    write_zip(path, workbook_entries({"Blad1": _good_xlsx()}, shared=shared.encode()))


def _many_entries(path: Path) -> None:
    entries = workbook_entries({"Bevolking": _good_xlsx()})
    entries += [deflated(f"xl/media/pad{i}.bin", b"") for i in range(10_050)]
    write_zip(path, entries)


def _sheets_500(path: Path) -> None:
    sheets: dict[str, bytes | Entry] = {"Bevolking": _good_xlsx()}
    sheets.update({f"Blad{i}": sheet_xml(cells([["Jaar", "Gebied", "Inwoners"]])) for i in range(2, 501)})
    write_zip(path, workbook_entries(sheets))


def _no_sheets(path: Path) -> None:
    write_zip(path, workbook_entries({}))


XXE_HEAD = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + f']><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def _flag(
    flags: int = 0, method: int | None = None, size: int | None = None
) -> Callable[[list[Entry]], None]:
    def patch(entries: list[Entry]) -> None:
        sheet = next(e for e in entries if e.name.startswith("xl/worksheets/"))
        sheet.flags |= flags
        if method is not None:
            sheet.method = method
        if size is not None:
            sheet.size = size

    return patch


def _duplicate(entries: list[Entry]) -> None:
    entries.append(deflated("xl/worksheets/sheet1.xml", sheet_xml(A1_AND_XFD)))


def _missing_sheet_part(entries: list[Entry]) -> None:
    entries[:] = [e for e in entries if not e.name.startswith("xl/worksheets/")]


# --- file-system oddities ---------------------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path, 0o600)


def _symlink(target: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.symlink_to(target)

    return build


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "notes.md").write_text("not data")


def _socket(path: Path) -> None:
    here = Path.cwd()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.chdir(path.parent)  # a socket path is limited to ~108 bytes: bind by the short name
        server.bind(path.name)
    finally:
        os.chdir(here)
        server.close()  # the socket file stays


# --- parquet ----------------------------------------------------------------------------------


def _parquet(frame: pl.DataFrame) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        frame.write_parquet(path)

    return build


# --- parts found as calamine finds them (issue 21) ---------------------------------------------

BOMB_SHEET = sheet_xml(A1_AND_XFD)


def _renamed_sheet(name: str) -> Callable[[Path], None]:
    """The bomb sheet stored under another name calamine still finds (letter case, backslashes)."""

    def build(path: Path) -> None:
        entries = workbook_entries({"Blad1": BOMB_SHEET})
        for entry in entries:
            if entry.name == "xl/worksheets/sheet1.xml":
                entry.name = name
        write_zip(path, entries)

    return build


def _with_rels(entries: list[Entry], old: bytes, new: bytes) -> None:
    rels = next(e for e in entries if e.name == "xl/_rels/workbook.xml.rels")
    entries[entries.index(rels)] = deflated(rels.name, zlib.decompress(rels.data, -15).replace(old, new))


def _upper_folder_target(path: Path) -> None:
    """The relationship targets ``../xl/worksheets/sheet1.xml``: a stricter reader resolves it to
    the good sheet, calamine reads the entry named ``xl/../xl/worksheets/sheet1.xml`` (the bomb)."""
    entries = workbook_entries({"Bevolking": _good_xlsx()})
    _with_rels(entries, b'Target="worksheets/sheet1.xml"', b'Target="../xl/worksheets/sheet1.xml"')
    entries.append(deflated("xl/../xl/worksheets/sheet1.xml", BOMB_SHEET))
    write_zip(path, entries)


def _absolute_target(path: Path) -> None:
    """An absolute target (``/XL/Worksheets/Bomb.xml``): calamine strips the slash and finds the
    entry ignoring case; the usual sheet1.xml is a decoy."""
    entries = workbook_entries({"Bevolking": _good_xlsx()})
    _with_rels(entries, b'Target="worksheets/sheet1.xml"', b'Target="/XL/Worksheets/Bomb.xml"')
    entries.append(deflated("xl/worksheets/bomb.xml", BOMB_SHEET))
    write_zip(path, entries)


def _shared_strings_case(path: Path) -> None:
    shared = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    )
    entries = workbook_entries({"Blad1": _good_xlsx()}, shared=shared.encode())
    next(e for e in entries if e.name == "xl/sharedStrings.xml").name = "XL/SharedStrings.XML"
    write_zip(path, entries)


def _shared_strings_late(path: Path) -> None:
    """The <sst> tag after a 100 KB comment: past the first block of the part."""
    shared = (
        b'<?xml version="1.0"?><!--'
        + b"x" * 100_000
        + b'--><sst xmlns="'
        + MAIN.encode()
        + b'" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    )
    write_zip(path, workbook_entries({"Blad1": _good_xlsx()}, shared=shared))


def _cells(rows: str) -> Callable[[Path], None]:
    return _xlsx({"Blad1": sheet_xml(rows)})


FAR_ROW = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'


def _unicode_path_sheet(path: Path) -> None:
    """The bomb under a media name, renamed to the sheet by an Info-ZIP Unicode path field, which
    calamine's zip reader honours and Python's zipfile ignores."""
    entries = workbook_entries({"Blad1": BOMB_SHEET})
    sheet = next(e for e in entries if e.name == "xl/worksheets/sheet1.xml")
    sheet.name = "xl/media/image1.xml"
    body = b"\x01" + struct.pack("<I", zlib.crc32(sheet.name.encode())) + b"xl/worksheets/sheet1.xml"
    sheet.extra = struct.pack("<HH", 0x7075, len(body)) + body
    write_zip(path, entries)


def _names_alike(path: Path) -> None:
    entries = workbook_entries({"Bevolking": _good_xlsx()})
    entries.append(deflated("XL/Worksheets/Sheet1.xml", BOMB_SHEET))
    write_zip(path, entries)


def _nul_in_name(path: Path) -> None:
    entries = workbook_entries({"Bevolking": _good_xlsx()})
    entries.append(deflated("xl/worksheets/sheet1.xml\x00.bak", BOMB_SHEET))
    write_zip(path, entries)


def _xlsb_parts_besides(path: Path) -> None:
    """An xlsx whose styles part calamine cannot parse, with an .xlsb shared-string part beside it:
    calamine falls back to reading it as .xlsb, whose parts no check looks at."""
    entries = workbook_entries({"Bevolking": _good_xlsx()})
    entries.append(deflated("xl/styles.xml", b"<styleSheet><numFmts>"))
    entries.append(deflated("xl/sharedStrings.bin", b"\x9f\x01\x08\xff\xff\xff\xff\xff\xff\xff\x7f"))
    write_zip(path, entries)


def _around(before: bytes, after: bytes) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        data = _good_xlsx_bytes(path)
        path.write_bytes(before + data + after)

    return build


def _round3_xlsx_cases(add: Callable[..., None]) -> None:
    """The bombs that reached calamine past the check (issue 21), and the container tricks that
    let zip readers disagree on what a workbook holds."""
    bomb, container = "xlsx bomb", "xlsx container"
    # fmt: off
    add("sheet-part-other-case.xlsx", bomb, REFUSED, "the sheet's entry in capitals: calamine ignores case",
        _renamed_sheet("XL/WORKSHEETS/SHEET1.XML"), message="row 1,048,576", dangerous=True)
    add("sheet-part-backslashes.xlsx", bomb, REFUSED, "the sheet's entry named with backslashes",
        _renamed_sheet("xl\\worksheets\\sheet1.xml"), message="row 1,048,576", dangerous=True)
    add("sheet-target-upper-folder.xlsx", bomb, REFUSED, "target ../xl/worksheets/sheet1.xml as written",
        _upper_folder_target, message="row 1,048,576", dangerous=True)
    add("sheet-target-absolute.xlsx", bomb, REFUSED, "an absolute target in other letter case",
        _absolute_target, message="row 1,048,576", dangerous=True)
    add("shared-strings-other-case.xlsx", bomb, REFUSED, "XL/SharedStrings.XML reserving 4e9 strings",
        _shared_strings_case, message="4,000,000,000 strings", dangerous=True)
    add("shared-strings-late-tag.xlsx", bomb, REFUSED, "the <sst> reservation after a 100 KB comment",
        _shared_strings_late, message="4,000,000,000 strings", dangerous=True)
    add("empty-cell-then-positional.xlsx", bomb, REFUSED, "<c r='XFD1'/> moves the next cell to XFE",
        _cells('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"/><c><v>1</v></c></row>' + FAR_ROW),
        message="column XFE", dangerous=True)
    add("self-closing-row-bomb.xlsx", bomb, REFUSED, "<row r='1048575'/> moves the next row to 1048576",
        _cells('<row r="1"><c r="A1"><v>1</v></c><c r="BXX1"><v>1</v></c></row><row r="1048575"/>'
               '<row><c><v>1</v></c></row>'), message="2,097,152,000 cells", dangerous=True)
    add("attribute-after-quote.xlsx", bomb, REFUSED, "s='0'r='XFD1': r straight after a quote counts",
        _cells('<row r="1"><c r="A1"><v>1</v></c><c s="0"r="XFD1"><v>1</v></c></row>' + FAR_ROW),
        message="column XFD", dangerous=True)
    add("second-r-attribute.xlsx", bomb, REFUSED, "<c r='B1' r='XFD1'>: calamine takes the last",
        _cells('<row r="1"><c r="A1"><v>1</v></c><c r="B1" r="XFD1"><v>1</v></c></row>' + FAR_ROW),
        message="column XFD", dangerous=True)
    add("quoted-greater-than.xlsx", bomb, REFUSED, "a '>' inside a quoted attribute before r",
        _cells('<row r="1"><c r="A1"><v>1</v></c><c t="n" x=">" r="XFD1"><v>1</v></c></row>' + FAR_ROW),
        message="column XFD", dangerous=True)
    add("digit-prefixed-cells.xlsx", bomb, REFUSED, "<1:c r='XFD1048576'>: any prefix ends at ':'",
        _cells('<row r="1"><c r="A1"><v>1</v></c></row><1:row r="1048576"><1:c r="XFD1048576"><1:v>1</1:v>'
               "</1:c></1:row>"), message="column XFD", dangerous=True)
    add("unicode-path-sheet.xlsx", bomb, REFUSED, "a Unicode path field renames a media entry to the sheet",
        _unicode_path_sheet, message="row 1,048,576", dangerous=True)
    add("names-alike.xlsx", container, REFUSED, "sheet1.xml and Sheet1.xml: which one is read?", _names_alike,
        message="named alike")
    add("nul-in-entry-name.xlsx", container, REFUSED, "a NUL in an entry name (Python cuts it there)",
        _nul_in_name, message="NUL byte")
    add("xlsb-parts-besides.xlsx", container, REFUSED, "an .xlsb part beside a broken xlsx: read as .xlsb",
        _xlsb_parts_besides, message=".xlsb")
    add("data-before-the-zip.xlsx", container, REFUSED, "junk prepended: offsets readers shift differently",
        _around(b"PK\x07\x08" + bytes(60), b""), message="damaged or truncated")
    add("row-number-of-5000-digits.xlsx", bomb, REFUSED, "r='B99..9', 5,000 digits: int() refuses it",
        _cells(f'<row r="1"><c r="A1"><v>1</v></c><c r="B{"9" * 5000}"><v>1</v></c></row>'),
        message="more than the limit of 10,000,000 rows")
    add("unique-count-of-5000-digits.xlsx", bomb, REFUSED, "uniqueCount of 5,000 digits",
        _xlsx({"Blad1": _good_xlsx()}, shared=b'<sst uniqueCount="' + b"9" * 5000 + b'"><si/></sst>'),
        message="strings, more than the limit")
    add("data-after-the-zip.xlsx", container, REFUSED, "junk appended after the end record",
        _around(b"", b"PK\x05\x06 trailing"), message="damaged or truncated")
    # fmt: on


# --- Parquet written by hand, so its footer and page headers can lie (issue 21) -----------------

_I32, _I64, _BIN, _LIST, _STRUCT = 5, 6, 8, 9, 12


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | 0x80 if number else byte)
        if not number:
            return bytes(out)


def _thrift(kind: int, value: Any) -> bytes:
    """Thrift compact protocol: a struct is a list of (field id, type, value) in id order."""
    if kind in (_I32, _I64):
        return _varint((value << 1) ^ (value >> 63))
    if kind == _BIN:
        return _varint(len(value)) + value
    if kind == _LIST:
        element, items = value
        head = (
            bytes([len(items) << 4 | element])
            if len(items) < 15
            else bytes([0xF0 | element]) + _varint(len(items))
        )
        return head + b"".join(_thrift(element, item) for item in items)
    out, last = bytearray(), 0
    for number, field_kind, field_value in value:
        out.append((number - last) << 4 | field_kind)
        out += _thrift(field_kind, field_value)
        last = number
    return bytes(out + b"\x00")


def hand_parquet(
    years: list[int], *, gzip_page_claims: int | None = None, page_values: int | None = None
) -> bytes:
    """One required INT32 column ``Jaar`` in one page (PLAIN; gzip when ``gzip_page_claims`` is the
    uncompressed size its header declares), as a Parquet writer would write it."""
    raw = b"".join(struct.pack("<i", y) for y in years)
    data = raw if gzip_page_claims is None else gzip.compress(raw)
    count = len(years)
    page = [(1, _I32, 0), (2, _I32, gzip_page_claims or len(raw)), (3, _I32, len(data))]
    page.append((5, _STRUCT, [(1, _I32, page_values or count), (2, _I32, 0), (3, _I32, 3), (4, _I32, 3)]))
    header = _thrift(_STRUCT, page)
    size = len(header) + len(data)
    meta = [
        (1, _I32, 1),
        (2, _LIST, (_I32, [0])),
        (3, _LIST, (_BIN, [b"Jaar"])),
        (4, _I32, 0 if gzip_page_claims is None else 2),
    ]
    meta += [(5, _I64, count), (6, _I64, size), (7, _I64, size), (9, _I64, 4)]
    schema = [[(4, _BIN, b"schema"), (5, _I32, 1)], [(1, _I32, 1), (3, _I32, 0), (4, _BIN, b"Jaar")]]
    group = [(1, _LIST, (_STRUCT, [[(2, _I64, 4), (3, _STRUCT, meta)]])), (2, _I64, size), (3, _I64, count)]
    footer = _thrift(
        _STRUCT,
        [(1, _I32, 1), (2, _LIST, (_STRUCT, schema)), (3, _I64, count), (4, _LIST, (_STRUCT, [group]))],
    )
    return b"PAR1" + header + data + footer + struct.pack("<I", len(footer)) + b"PAR1"


def _footer(footer: bytes) -> Callable[[Path], None]:
    return _raw(b"PAR1" + footer + struct.pack("<I", len(footer)) + b"PAR1")


def _dictionary_bomb(categorical: bool) -> Callable[[Path], None]:
    """300 distinct values of 3,300 bytes (a 1 MB dictionary) under 2M rows: 6.6 GB decoded."""

    def build(path: Path) -> None:
        words = pl.Series([f"{i:04d}" * 825 for i in range(300)])
        column = words.gather(pl.int_range(0, 2_000_000, eager=True) % 300)  # views: cheap here
        frame = pl.DataFrame({"Gebied": column.cast(pl.Categorical) if categorical else column})
        if not categorical:
            frame = frame.with_columns(pl.lit("2019").alias("Jaar"), pl.lit("1").alias("Inwoners"))
        frame.write_parquet(path)

    return build


def _round3_parquet_cases(add: Callable[..., None]) -> None:
    """Parquet whose dictionary, footer or page headers make polars allocate beyond any limit."""
    bomb = "parquet bomb"
    # fmt: off
    add("parquet-dictionary-bomb.parquet", bomb, REFUSED, "a 1 MB dictionary under 2M rows: 6.6 GB of text",
        _dictionary_bomb(False), message="decode to 6,610,000,000 bytes", dangerous=True)
    add("parquet-categorical-bomb.parquet", bomb, REFUSED, "the same as a categorical column",
        _dictionary_bomb(True), message="decode to 6,600,000,000 bytes", dangerous=True)
    add("parquet-page-claims-2gb.parquet", bomb, REFUSED, "a gzip page header declaring 2 GB",
        _raw(hand_parquet([2019, 2018], gzip_page_claims=2**31 - 1)), message="a page declares 2,147,483,647",
        dangerous=True)
    add("parquet-footer-huge-list.parquet", bomb, REFUSED, "a footer list claiming 2^31 schema elements",
        _footer(b"\x15\x02\x19\xfc\xff\xff\xff\xff\x07" + bytes(64)), message="a list longer than the footer",
        dangerous=True)
    add("parquet-footer-deep.parquet", bomb, REFUSED, "a footer of structs nested 100,000 deep",
        _footer(b"\x1c" * 100_000 + bytes(100_000)), message="nested too deep", dangerous=True)
    add("parquet-pages-lie.parquet", bomb, REFUSED, "a page declaring 2^31 values where the footer says 1",
        _raw(hand_parquet([2019], page_values=2**31 - 1)), message="its pages hold 2,147,483,647 values")
    add("parquet-rows-over-limit.parquet", "limits", REFUSED, "VEILCLI_MAX_ROWS=2 from the footer",
        _raw(hand_parquet([2019, 2018, 2017])), env={"VEILCLI_MAX_ROWS": "2"}, message="3 rows")
    add("parquet-text-over-limit.parquet", "limits", REFUSED, "decoded text past VEILCLI_MAX_FILE_BYTES",
        _parquet(pl.DataFrame({"Jaar": ["2019"] * 1000, "Gebied": ["Almere" * 50] * 1000,
                               "Inwoners": ["1"] * 1000})),
        env={"VEILCLI_MAX_FILE_BYTES": "200000"}, message="decode to 305,000 bytes")
    # fmt: on


# --- counts CSVs over the stream threshold, read in blocks (issue 21) -----------------------------

STREAM_ENV = {"VEILCLI_STREAM_BYTES": str(2 * MB)}  # the 3 MB tables below are read in blocks
ODATA_HEADER = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"'


def _odata_lines() -> list[str]:
    """60,000 rows of a police OData table (4 categories x 250 buurten x 60 months), ~3 MB."""
    lines = [ODATA_HEADER]
    for category in ("0.0.0", "1.1.1", "1.2.3", "2.2.1"):
        for buurt in range(250):
            for year in range(2015, 2020):
                for month in range(1, 13):
                    number = len(lines)
                    lines.append(
                        f'{number};"{category:<8}";"BU0034{buurt:04d}";"{year}MM{month:02d}";{number % 97}'
                    )
    return lines


def _stream_mixed_line_ends(path: Path) -> None:
    """CRLF for the first 1.2 MB (the part sniffed), CR-only after it: every line is a row."""
    lines = _odata_lines()
    path.write_bytes(("\r\n".join(lines[:25_000]) + "\r\n" + "\r".join(lines[25_000:]) + "\r").encode())


def _stream_edit(edit: Callable[[list[str]], None]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        lines = _odata_lines()
        edit(lines)
        path.write_bytes(("\n".join(lines) + "\n").encode())

    return build


def _late_nul(lines: list[str]) -> None:
    lines[50_000] = lines[50_000].replace('"BU0034', '"BU\x00034')


def _wide_header(lines: list[str]) -> None:
    lines[0] += "".join(f';"x{i}"' for i in range(3001))  # 3,006 columns


def _stray_quote(lines: list[str]) -> None:
    lines[1] = lines[1].replace(';"', ';""', 1)[:-1]  # line 2: a quote opened, never closed


def _round3_stream_cases(add: Callable[..., None]) -> None:
    """Counts CSVs read in blocks: each check of the file read whole, applied to every block."""
    stream = "streamed csv"
    # fmt: off
    add("stream-crlf-then-cr.csv", stream, ACCEPTED, "CRLF then CR-only line ends: every line a row",
        _stream_mixed_line_ends, env={**STREAM_ENV, "VEILCLI_BLOCK_BYTES": str(256 * 1024)}, rows=60_000)
    add("stream-late-nul.csv", stream, REFUSED, "a NUL byte in an area on line 50,001",
        _stream_edit(_late_nul), env=STREAM_ENV, message="a NUL byte at line 50,001")
    add("stream-3006-columns.csv", stream, REFUSED, "a 3,006-column header, refused before a block is parsed",
        _stream_edit(_wide_header), env=STREAM_ENV, message="the header has 3,006 columns")
    add("stream-stray-quote.csv", stream, REFUSED, "a quote on line 2 never closed, 1 MiB blocks",
        _stream_edit(_stray_quote), env={**STREAM_ENV, "VEILCLI_BLOCK_BYTES": str(MB)},
        message="line 2: a quoted field", dangerous=True)
    add("stream-100-byte-blocks.csv", stream, REFUSED, "VEILCLI_BLOCK_BYTES=100: 30,000 blocks of 3 MB",
        _stream_edit(lambda lines: None), env={**STREAM_ENV, "VEILCLI_BLOCK_BYTES": "100"},
        message="more than 10,000 blocks", dangerous=True)
    # fmt: on


# --- the corpus -------------------------------------------------------------------------------

LONG = "x" * 300_000
PERSONAL = "Stationsstraat 12"  # a street in a personal column: must never reach a message
JSON_SHAPE = "JSON"


def _json(value: object) -> Callable[[Path], None]:
    return _raw(json.dumps(value).encode())


ODATA_ROW = {
    "ID": 0,
    "SoortMisdrijf": "1.1.1",
    "RegioS": "GM0034",
    "Perioden": "2019MM01",
    "GeregistreerdeMisdrijven_1": 5,
}


def cases() -> list[Case]:
    """Every case of the corpus, in a stable order."""
    c: list[Case] = []

    def add(
        name: str, group: str, outcome: str, reason: str, build: Callable[[Path], None], **kw: Any
    ) -> None:
        c.append(Case(name, group, outcome, reason, build, **kw))

    xlsx_bomb, fs = "xlsx bomb", "file system"
    # fmt: off
    # Line endings and encodings: read completely, or refused naming line and byte.
    add("cr-only.csv", "line endings", ACCEPTED, "old Mac CR line ends are line ends",
        _text(POPULATION, newline="\r"), rows=3)
    add("crlf.csv", "line endings", ACCEPTED, "Windows line ends", _text(POPULATION, newline="\r\n"), rows=3)
    add("mixed-line-ends.csv", "line endings", ACCEPTED, "LF, CRLF and CR in one file: every line read",
        _raw(f"{HEADER}\r\n{ROWS[0]}\r{ROWS[1]}\n{ROWS[2]}\r".encode()), rows=3)
    add("utf8-bom.csv", "encoding", ACCEPTED, "UTF-8 with a byte-order mark",
        _text("\ufeff" + _table("2019;Almère;1;1")), rows=1)
    add("utf16-le-bom.csv", "encoding", ACCEPTED, "UTF-16 LE with BOM (Excel 'Unicode text')",
        _text(POPULATION, "utf-16"), rows=3)
    add("utf16-be-bom.csv", "encoding", ACCEPTED, "UTF-16 BE with BOM",
        _raw(b"\xfe\xff" + POPULATION.encode("utf-16-be")), rows=3)
    add("utf16-le-no-bom.txt", "encoding", ACCEPTED, "UTF-16 told by its NUL pattern",
        _text(POPULATION, "utf-16-le"), rows=3)
    add("utf32.csv", "encoding", REFUSED, "UTF-32 is named, not guessed", _text(POPULATION, "utf-32"),
        message="UTF-32")
    add("windows-1252.csv", "encoding", ACCEPTED, "Dutch Excel CSV, no UTF-8 anywhere",
        _text(_table("2019;Café Almère;1;1"), "cp1252"), rows=1)
    add("utf8-stray-byte-late.csv", "encoding", REFUSED, "one bad byte far in: never re-read as cp1252",
        _raw(_table("2019;Almère;1;1", *(f"2019;Wijk {i};{i};1" for i in range(20_000))).encode()
             + b"2019;Caf\xe9;1;1\n"), message="line 20,003")
    add("utf8-bom-bad-byte.csv", "encoding", REFUSED, "a BOM says UTF-8; a bad byte is an error",
        _raw(b"\xef\xbb\xbf" + HEADER.encode() + b"\n2019;Almere\xff;1;1\n"), message="byte-order mark")
    add("utf8-and-cp1252-mixed.csv", "encoding", REFUSED, "é as UTF-8 on one line and as cp1252 on another",
        _raw(f"{HEADER}\n2019;Almère;1;1\n".encode() + "2018;Almère;1;1\n".encode("cp1252")),
        message="not valid UTF-8 at line 3")
    add("utf8-overlong.csv", "encoding", REFUSED, "an overlong UTF-8 sequence among valid UTF-8",
        _raw(f"{HEADER}\n2019;Almère;1;1\n".encode() + b"2018;\xc0\xafetc;1;1\n"), message="not valid UTF-8")
    add("utf8-surrogate.csv", "encoding", REFUSED, "an encoded surrogate (CESU-8) among valid UTF-8",
        _raw(f"{HEADER}\n2019;Almère;1;1\n".encode() + b"2018;\xed\xa0\x80;1;1\n"), message="not valid UTF-8")
    add("cp1252-undefined-byte.csv", "encoding", REFUSED, "0x81 is no character in UTF-8 or cp1252",
        _raw(f"{HEADER}\n2019;Almere\x81;1;1\n".encode("latin-1")), message="neither UTF-8 nor Windows-1252")
    add("nul-byte.csv", "encoding", REFUSED, "a NUL byte in a value",
        _raw(f"{HEADER}\n2019;Alm\x00ere;1;1\n".encode()), message="NUL byte at line 2")
    add("nul-in-header.csv", "encoding", REFUSED, "a NUL in the header",
        _raw(b"Ja\x00ar;Gebied;Inwoners\n2019;A;1\n"), message="NUL byte at line 1")
    add("random-bytes.csv", "encoding", REFUSED, "binary noise", _raw(bytes(range(256)) * 64),
        message="NUL byte")
    add("utf16-odd-length.csv", "encoding", REFUSED, "UTF-16 cut in the middle of a character",
        _raw(b"\xff\xfe" + POPULATION.encode("utf-16-le") + b"\x41"), message="UTF-16")
    add("utf16-with-nul-char.csv", "encoding", REFUSED, "a U+0000 inside UTF-16 text",
        _text(_table("2019;Alm\x00ere;1;1"), "utf-16"), message="NUL character")
    add("zip-named.csv", "encoding", REFUSED, "an xlsx saved as .csv", _good_xlsx_file, message="zip archive")
    add("pdf-named.csv", "encoding", REFUSED, "a PDF saved as .csv",
        _raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), message="PDF")
    add("gzip-named.csv", "encoding", REFUSED, "a gzip file saved as .csv",
        _raw(b"\x1f\x8b\x08\x00" + bytes(40)), message="gzip")
    add("bom-in-value.csv", "encoding", ACCEPTED, "a U+FEFF inside a value is text",
        _text(_table("2019;Alm\ufeffere;1;1")), rows=1)

    # CSV structure.
    add("empty.csv", "csv structure", REFUSED, "nothing to read", _raw(b""), message="no header row")
    add("only-bom.csv", "csv structure", REFUSED, "a BOM and nothing else", _raw(b"\xef\xbb\xbf"),
        message="no header row")
    add("whitespace-only.csv", "csv structure", REFUSED, "1 MB of blanks", _raw(b" \n\t" * 350_000),
        message="no header row")
    add("header-only.csv", "csv structure", ACCEPTED, "a header without rows is read (and not stored)",
        _text(_table()), rows=0)
    add("unclosed-quote.csv", "csv structure", REFUSED, "a quote never closed; no kilobytes in the message",
        _text(_table(*ROWS[:2], '2017;"Almere-Stad;1;1', header=HEADER)
              + "".join(f"2016;Almere;{i};1;{PERSONAL}\n" for i in range(2000))),
        message="never closed", secret=PERSONAL)
    add("unclosed-quote-last-line.csv", "csv structure", REFUSED, "the last value opens a quote",
        _text(POPULATION + '2016;Almere;1;"1\n'), message="never closed")
    add("quote-out-of-place.csv", "csv structure", REFUSED, "a quote closed three lines later, mid-field",
        _text(f'{HEADER}\n2019;"{PERSONAL};1;1\n2018;Almere;2;2\n2017;"x;3;3\n'), message="quote",
        secret=PERSONAL)
    add("long-field.csv", "csv structure", REFUSED, "a 300 KB field (polars' limit is 128 KB)",
        _text(_table(f"2019;{LONG};1;1")), message="longer than 131,072 bytes", secret=LONG[:50])
    add("long-field-in-head.csv", "csv structure", REFUSED, "a 300 KB header cell",
        _text(f"Jaar;{LONG};Inwoners\n2019;A;1\n"), message="longer than 131,072 bytes")
    add("long-line-short-fields.csv", "csv structure", ACCEPTED, "60,000 empty fields after the four columns",
        _text(_table(ROWS[0] + ";" * 60_000, *ROWS[1:])), rows=3)
    add("many-columns.csv", "csv structure", REFUSED, "a header of 5,000 columns",
        _text(_table(header=HEADER + "".join(f";Kolom {i}" for i in range(5000)))), message="5,004 columns")
    add("newline-bomb.csv", "csv structure", REFUSED, "10.5M empty lines after the header (10 MB)",
        _raw(POPULATION.encode() + b"\n" * 10_500_000), message="lines below the header")
    add("cell-bomb.csv", "csv structure", REFUSED, "2.1M rows x 10 columns of nothing (21M cells, 21 MB)",
        _raw(b"Jaar;Gebied;Inwoners;k1;k2;k3;k4;k5;k6;k7\n" + b";;;;;;;;;\n" * 2_100_000), message="cells")
    add("duplicate-headers.csv", "csv structure", ACCEPTED, "a header written twice",
        _text(_table(*(r + ";x" for r in ROWS), header=HEADER + ";Gebied")), rows=3)
    add("no-delimiter.csv", "csv structure", REFUSED, "one column, no known headers", _text("hello\nworld\n"),
        message="no header row")
    add("rows-over-limit.csv", "limits", REFUSED, "VEILCLI_MAX_ROWS=2 and three rows", _text(POPULATION),
        env={"VEILCLI_MAX_ROWS": "2"}, message="more than the limit of 2")
    add("file-over-limit.csv", "limits", REFUSED, "VEILCLI_MAX_FILE_BYTES=64", _text(POPULATION),
        env={"VEILCLI_MAX_FILE_BYTES": "64"}, message="more than the limit of 64")

    # Values a terminal or a spreadsheet could run: read and stored as plain text.
    add("markup-values.csv", "markup, formulas", ACCEPTED, "rich markup in values is text",
        _text(_table("2019;Almere[/];1;1", "2018;[bold]Almere;1;1", "2017;[link=http://x]A[/link];1;1")),
        rows=3)
    add("markup-headers.csv", "markup, formulas", ACCEPTED, "markup after known headers: still those headers",
        _text(_table(*ROWS, header="Jaar[/];Gebied[/];Inwoners;Woningen")), rows=3)
    add("markup-unknown-headers.csv", "markup, formulas", REFUSED, "[bold]Gebied is not a known header",
        _text(_table(*ROWS, header="[bold]Jaar;[bold]Gebied;Inwoners;Woningen")),
        message="cannot tell which kind")
    add("ansi-values.csv", "markup, formulas", ACCEPTED, "ANSI escapes and control characters in values",
        _text(_table("2019;\x1b[31mAlmere\x1b[0m;1;1", "2018;Al\x07mere\x08;1;1",
                     "2017;\x1b]0;title\x07;1;1")),
        rows=3)
    add("bidi-values.csv", "markup, formulas", ACCEPTED, "a right-to-left override in a value",
        _text(_table("2019;Almere\u202eerelA;1;1")), rows=1)
    add("formula-values.csv", "markup, formulas", ACCEPTED, "formula-like values are data, not formulas",
        _text(_table('2019;"=HYPERLINK(""http://x"";""y"")";1;1', "2018;=cmd|' /C calc'!A0;1;1",
                     "2017;@SUM(A1);1;1", "2016;+31 20;1;1", "2015;-1+1;1;1")), rows=5)

    # JSON of every wrong shape.
    for name, value, message in (
        ("scalar", 5, "not a JSON object or array"),
        ("string", "Almere", "not a JSON object or array"),
        ("null", None, "not a JSON object or array"),
        ("empty-array", [], "holds no records"),
        ("empty-object", {}, "without a 'value' list"),
        ("array-of-numbers", [1, 2, 3], "not records"),
        ("array-of-arrays", [[1, 2], [3]], "not records"),
        ("object-without-value", {"Jaar": 2019, "Gebied": "Almere"}, "without a 'value' list"),
        ("value-number", {"value": 5}, "'value' is a number"),
        ("value-object", {"value": {"a": 1}}, "'value' is an object"),
        ("value-string", {"value": "x"}, "'value' is text"),
        ("value-null", {"value": None}, "'value' is null"),
        ("value-empty", {"value": []}, "'value' is empty"),
        ("value-numbers", {"value": [1, 2]}, "not records"),
        ("value-mixed", {"value": [ODATA_ROW, 2]}, "not all have the same shape"),
        ("records-mixed", [{"Jaar": 2019}, 2], "not all have the same shape"),
        ("records-nested", [{"Jaar": 2019, "Gebied": {"naam": "Almere"}}], "nested values"),
        ("value-nested", {"value": [{**ODATA_ROW, "RegioS": ["GM0034"]}]}, "nested values"),
    ):
        add(f"json-{name}.json", "json shape", REFUSED, f"JSON of the wrong shape: {name}", _json(value),
            message=message)
    add("json-deep.json", "json shape", REFUSED, "arrays nested 100,000 deep",
        _raw(b"[" * 100_000 + b"]" * 100_000), message="cannot be read as JSON", dangerous=True)
    add("json-deep-in-value.json", "json shape", REFUSED, "a value nested 100,000 deep",
        _raw(b'{"value": [{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]}"),
        message="cannot be read as JSON", dangerous=True)
    # Nested under polars' 1,024 levels: polars types every level (13 GB, a minute for 2 KB), so
    # the depth is judged on the bytes first; dangerous: a regression would exhaust the test's memory.
    add("json-deep-nextlink.json", "json shape", REFUSED, "an odata.nextLink nested 1,000 deep",
        _raw(b'{"odata.metadata": "x", "value": [{"Jaar": 2019}], "odata.nextLink": '
             + b'{"a": ' * 1000 + b'1' + b'}' * 1000 + b'}'), message="nested more than 16 levels deep",
        dangerous=True)
    add("json-nextlink-list.json", "json shape", REFUSED, "an odata.nextLink that is a list",
        _json({"odata.metadata": "x", "value": [ODATA_ROW], "odata.nextLink": [["x"]]}),
        message="'odata.nextLink' is a list")
    add("json-deep-1000-in-value.json", "json shape", REFUSED, "'value' items nested 1,000 deep",
        _raw(b'{"value": ' + b"[" * 1000 + b"]" * 1000 + b"}"), message="nested more than 16 levels deep",
        dangerous=True)
    add("json-deep-1100.json", "json shape", REFUSED, "a key beside 'value' nested 1,100 deep",
        _raw(b'{"value": [{"Jaar": 2019}], "x": ' + b"[" * 1100 + b"]" * 1100 + b"}"),
        message="nested more than 16 levels deep", dangerous=True)
    add("json-ndjson.json", "json shape", REFUSED, "JSON lines, not one document",
        _raw(b'{"a":1}\n{"a":2}\n'), message="cannot be read as JSON")
    add("json-trailing-garbage.json", "json shape", REFUSED, "a document followed by junk",
        _raw(b'[{"a":1}] junk'), message="cannot be read as JSON")
    add("json-nan.json", "json shape", REFUSED, "NaN is not JSON", _raw(b'[{"Jaar": NaN}]'),
        message="cannot be read as JSON")
    add("json-long-string.json", "json shape", REFUSED, "a 300 KB string value",
        _json({"value": [{**ODATA_ROW, "RegioS": LONG}]}), message="more than the 131,072", secret=LONG[:50])
    add("json-odata.json", "json shape", ACCEPTED, "a police OData document",
        _json({"odata.metadata": "x", "value": [ODATA_ROW]}), rows=1)
    add("json-cp1252.json", "json shape", ACCEPTED, "a records array saved as Windows-1252",
        _raw('[{"Jaar": 2019, "Gebied": "Almère", "Inwoners": 5}]'.encode("cp1252")), rows=1)
    add("json-over-limit.json", "limits", REFUSED, "VEILCLI_MAX_JSON_BYTES=32", _json({"value": [ODATA_ROW]}),
        env={"VEILCLI_MAX_JSON_BYTES": "32"}, message="more than the limit of 32")

    # xlsx containers.
    add("text.xlsx", "xlsx container", REFUSED, "a CSV under an .xlsx name", _text(POPULATION),
        message="text file")
    add("random.xlsx", "xlsx container", REFUSED, "not a zip", _raw(bytes(range(256)) * 8),
        message="not a zip archive")
    add("empty.xlsx", "xlsx container", REFUSED, "zero bytes", _raw(b""), message="not a zip archive")
    add("password-protected.xlsx", "xlsx container", REFUSED, "an encrypted workbook is an OLE2 file",
        _raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage"),
        message="password-protected")
    add("truncated-half.xlsx", "xlsx container", REFUSED, "a copy cut in half", _cut(lambda n: n // 2),
        message="damaged or truncated")
    add("truncated-tail.xlsx", "xlsx container", REFUSED, "the end of the central directory cut off",
        _cut(lambda n: n - 30), message="damaged or truncated")
    add("docx.xlsx", "xlsx container", REFUSED, "a Word document renamed",
        _only(("word/document.xml", b"<w/>")), message="Word document")
    add("ods.xlsx", "xlsx container", REFUSED, "an OpenDocument spreadsheet renamed",
        _only(("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")),
        message="OpenDocument")
    add("xlsb.xlsx", "xlsx container", REFUSED, "a binary workbook renamed",
        _only(("xl/workbook.bin", b"\x00\x01")), message=".xlsb")
    add("zip-without-workbook.xlsx", "xlsx container", REFUSED, "a zip of other files",
        _only(("notes.txt", b"hi")), message="no xl/workbook.xml")
    add("encrypted-entry.xlsx", "xlsx container", REFUSED, "a zip entry flagged encrypted",
        _patched(_flag(flags=1)), message="is encrypted")
    add("bzip2-entry.xlsx", "xlsx container", REFUSED, "a compression method Excel never writes",
        _patched(_flag(method=12)), message="compression method 12")
    add("duplicate-entries.xlsx", "xlsx container", REFUSED, "two sheet1.xml entries: which one is read?",
        _patched(_duplicate), message="two zip entries")
    add("missing-sheet-part.xlsx", "xlsx container", REFUSED, "the workbook lists a sheet the zip lacks",
        _patched(_missing_sheet_part), message="Bevolking")
    add("no-sheets.xlsx", "xlsx container", REFUSED, "a workbook without sheets", _no_sheets,
        message="no sheets")
    add("xxe.xlsx", "xlsx container", REFUSED, "an external entity in workbook.xml",
        _xlsx({"Bevolking": _good_xlsx()}, workbook_head=XXE_HEAD), message="DTD")
    add("billion-laughs.xlsx", "xlsx container", REFUSED, "entity expansion in the shared strings",
        _xlsx({"Blad1": sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')}, shared=LAUGHS.encode()),
        message="DTD")
    add("dtd-in-sheet.xlsx", "xlsx container", REFUSED, "a DTD in the sheet itself",
        _xlsx({"Bevolking": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
               + _good_xlsx().split(b"?>", 1)[1]}), message="DTD")
    add("many-entries.xlsx", "xlsx container", REFUSED, "10,054 zip entries", _many_entries,
        message="zip entries")
    add("sheets-500.xlsx", "xlsx container", ACCEPTED, "500 sheets: the first is read", _sheets_500, rows=2)
    add("markup-sheet-name.xlsx", "markup, formulas", ACCEPTED, "a sheet named like markup",
        _xlsx({"[bold]Blad[/]": _good_xlsx()}), rows=2)
    add("formula-values.xlsx", "markup, formulas", ACCEPTED, "formula-like text and a real formula cell",
        _xlsx({"Bevolking": sheet_xml(FORMULA_ROWS)}), rows=4)
    add("xlsx-over-limit.xlsx", "limits", REFUSED, "VEILCLI_MAX_FILE_BYTES=100",
        _xlsx({"Bevolking": _good_xlsx()}), env={"VEILCLI_MAX_FILE_BYTES": "100"},
        message="more than the limit of 100")
    add("many-columns.xlsx", "limits", REFUSED, "a row of 3,000 cells",
        _xlsx({"Blad1": sheet_xml(cells([list(range(3000))]))}), message="column")

    # xlsx bombs: each would exhaust memory (or time) if it reached calamine.
    add("zip-bomb.xlsx", xlsx_bomb, REFUSED, "1 GiB of whitespace in a sheet, 1 MB on disk", _zip_bomb,
        message="inflates", dangerous=True)
    add("zip-bomb-lying-size.xlsx", xlsx_bomb, REFUSED, "the same bomb, declaring 2 KB", _lying_bomb,
        message="more than the 2,048 bytes it declares", dangerous=True)
    add("zip-bomb-ratio-raised.xlsx", xlsx_bomb, REFUSED, "the bomb with the ratio limit raised",
        _zip_bomb, env={"VEILCLI_MAX_XLSX_RATIO": "100000", "VEILCLI_MAX_XLSX_UNCOMPRESSED": str(512 * MB)},
        message="bytes uncompressed", dangerous=True)
    add("whitespace-string-bomb.xlsx", xlsx_bomb, REFUSED, "a 200 MB shared string of spaces",
        _whitespace_string_bomb, message="inflates", dangerous=True)
    add("whitespace-run.xlsx", xlsx_bomb, REFUSED, "40 MB of spaces without markup, ratio limit raised",
        _whitespace_no_markup, env={"VEILCLI_MAX_XLSX_RATIO": "100000"}, message="without any markup",
        dangerous=True)
    add("row-bomb.xlsx", xlsx_bomb, REFUSED, "100,000 rows reaching column XFD (1.6G cells)", _row_bomb,
        message="column XFD", dangerous=True)
    add("identical-rows-bomb.xlsx", xlsx_bomb, REFUSED, "22M real cells, ratio limit raised",
        _identical_rows_bomb, env={"VEILCLI_MAX_XLSX_RATIO": "100000"}, message="cells", dangerous=True)
    add("dimension-bomb.xlsx", xlsx_bomb, REFUSED, "declares A1:XFD1048576 and fills both corners",
        _far(A1_AND_XFD, "A1:XFD1048576"), message="A1:XFD1048576", dangerous=True)
    add("far-cell.xlsx", xlsx_bomb, REFUSED, "cells at A1 and XFD1048576, no dimension", _far(A1_AND_XFD),
        message="row 1,048,576", dangerous=True)
    add("far-cell-lying-dimension.xlsx", xlsx_bomb, REFUSED, "declares A1:B2 but holds XFD1048576",
        _far(A1_AND_XFD, "A1:B2"), message="row 1,048,576", dangerous=True)
    add("far-cell-late.xlsx", xlsx_bomb, REFUSED, "20,000 good rows, then XFD1048576", _late_far_cell,
        message="row 1,048,576", dangerous=True)
    add("far-cell-out-of-order.xlsx", xlsx_bomb, REFUSED, "ZZ999999 among the first rows", _out_of_order,
        message="column ZZ", dangerous=True)
    add("positional-bomb.xlsx", xlsx_bomb, REFUSED, "cells without references: 16,384 wide, 100,001 rows",
        _positional_bomb, message="its cells reach", dangerous=True)
    add("prefixed-far-cell.xlsx", xlsx_bomb, REFUSED, "namespace-prefixed cells reaching XFD1048576",
        _prefixed_far_cell, message="row 1,048,576", dangerous=True)
    add("shared-strings-reservation.xlsx", xlsx_bomb, REFUSED, "uniqueCount=4e9: a 96 GB reservation",
        _sst_reservation, message="4,000,000,000 strings", dangerous=True)

    # Things that are not regular files, hostile file names, other file types.
    add("fifo.csv", fs, REFUSED, "a named pipe would block forever", _fifo, message="named pipe",
        dangerous=True)
    add("dev-zero.csv", fs, REFUSED, "a symlink to /dev/zero would be read forever", _symlink("/dev/zero"),
        message="character device", dangerous=True)
    add("dev-null.xlsx", fs, REFUSED, "a symlink to /dev/null", _symlink("/dev/null"),
        message="character device")
    add("socket.csv", fs, REFUSED, "a unix socket", _socket, message="socket")
    add("folder.csv", fs, REFUSED, "a folder named like a file", _folder, message="no .xlsx, .csv")
    add("dangling-link.csv", fs, REFUSED, "a symlink to nothing", _symlink("/nonexistent/veilcli"),
        message="file not found")
    add(os.fsdecode(b"caf\xe9-bad.csv"), "file names", REFUSED, "a name that is not UTF-8, on a bad file",
        _raw(b"\x00\x01"), message="NUL byte")
    add(os.fsdecode(b"bevolking-\xff.csv"), "file names", ACCEPTED, "a name that is not UTF-8, good file",
        _text(POPULATION), rows=3)
    add("evil\x1b[31m\nname.csv", "file names", REFUSED, "an escape and a newline in a name: shown escaped",
        _raw(b"\x00"), message="NUL byte")
    add("[bold]markup[-]name.csv", "file names", REFUSED, "markup in the name of a bad file", _raw(b"\x00"),
        message="NUL byte")
    add("[bold]ok.csv", "file names", ACCEPTED, "markup in the name of a good file", _text(POPULATION),
        rows=3)
    add("old.xls", "file types", REFUSED, "an old .xls",
        _raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)), message="old Excel .xls")
    add("program.exe", "file types", REFUSED, "an unsupported extension", _raw(b"MZ\x90\x00"),
        message="unsupported file type")
    add("garbage.parquet", "file types", REFUSED, "not Parquet", _raw(b"PAR1 not really"),
        message="cannot be read as Parquet")
    add("nested.parquet", "file types", REFUSED, "a nested Parquet column",
        _parquet(pl.DataFrame({"Jaar": [2019], "Gebied": [["Almere"]], "Inwoners": [1]})),
        message="nested values")
    add("good.parquet", "file types", ACCEPTED, "a plain Parquet population table",
        _parquet(pl.DataFrame({"Jaar": [2019, 2018], "Gebied": ["Almere"] * 2, "Inwoners": [207904, 1]})),
        rows=2)
    option_cases(add)
    # fmt: on
    _round3_xlsx_cases(add)
    _round3_parquet_cases(add)
    _round3_stream_cases(add)
    return c


COMPARE = ("compare", "--store", "{store}", "--period", "2019H1")  # a plan or rules file is read first
SUSPECTS = "Registratienummer;Datum;Geboortedatum;Woonplaats;Soort misdrijf code"
BIRTH_SECRET = "1987-04-12"  # a valid birth date of a rejected row: never written or shown
INVALID_BIRTH = "31-02-1990"  # an invalid birth date: never echoed in a finding
REGISTRATIONS = "Registratienummer;Datum;Soort misdrijf code;Gemeente"
PHONE = "0612345678"  # a phone number in a personal column: never stored, shown or mapped


def _with_side_file(content: str, side: str, side_content: str) -> Callable[[Path], None]:
    """The case file, and a second file beside it (``<name><side>``: a --map, plan or rules file)."""

    def build(path: Path) -> None:
        path.write_text(content, encoding="utf-8")
        path.with_name(path.name + side).write_text(side_content, encoding="utf-8")

    return build


def _plan_with_indicators(count: int) -> str:
    indicator = (
        '[[indicators]]\nid = "i{n}"\ntheme = 1\nlabel = "X"\nkind = "registrations"\n'
        'categories = ["1.1.1"]\nunit = "per_1000_inhabitants"\ngoal = "decrease"\n'
    )
    head = 'name = "Plan"\narea = "Almere"\nbaseline = 2017\n'
    return head + "".join(indicator.format(n=n) for n in range(count))


def option_cases(add: Callable[..., None]) -> None:
    """Issue 21: integers beyond their real range, TOML nested or long beyond reason, and personal
    values (birth dates) in findings and rejected rows."""
    toml = "toml files"
    # fmt: off
    add("header-row-huge-map.csv", "integers", REFUSED, "header_row = 100000000000000 in a --map",
        _with_side_file(POPULATION, ".map.toml", "header_row = 100000000000000\n"),
        args=("--map", "{path}.map.toml"), message="header_row")
    add("header-row-2-63.csv", "integers", REFUSED, "--header-row 2^63 (polars with_row_index ValueError)",
        _text(POPULATION), args=("--header-row", str(2**63)), usage=True, message="--header-row")
    add("max-per-kind-huge.csv", "integers", REFUSED, "--max-per-kind beyond 2^63 (OverflowError)",
        _text(_table("2019;Almere;x;1")), args=("--max-per-kind", "9" * 23), usage=True,
        message="--max-per-kind")
    add("deep-map.csv", toml, REFUSED, "a --map of arrays nested 5,000 deep (RecursionError)",
        _with_side_file(POPULATION, ".map.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n"),
        args=("--map", "{path}.map.toml"), message="nested more than")
    add("deep-dotted-map.csv", toml, REFUSED, "a --map whose dotted key is 3,000 tables deep",
        _with_side_file(POPULATION, ".map.toml", "a." * 3000 + "b = 1\n"),
        args=("--map", "{path}.map.toml"), message="nested more than")
    add("deep-plan.toml", toml, REFUSED, "a --plan of inline tables nested 5,000 deep",
        _text("name = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"),
        command=(*COMPARE, "--plan", "{path}"), message="nested more than")
    add("deep-rules.toml", toml, REFUSED, "a --rules of arrays nested 5,000 deep",
        _text("[samenloop]\nfactors = " + "[" * 5000 + "]" * 5000 + "\n"),
        command=(*COMPARE, "--rules", "{path}"), message="nested more than")
    add("many-indicators-plan.toml", toml, REFUSED, "a plan of 6,000 indicators in 800 KB (hung)",
        _text(_plan_with_indicators(6000)), command=(*COMPARE, "--plan", "{path}"),
        message="6,000 entries", dangerous=True)
    add("birth-dates-out-of-range.csv", "personal data", ACCEPTED,
        "birth dates of 2031 and 1850 are ages -12 and 168: refused as an age of 250 is",
        _text(f"{SUSPECTS}\nR1;2019-03-01;2031-02-03;Almere;1.1.1\nR2;2019-03-02;1850-03-02;Almere;1.1.1\n"
              "R3;2019-03-02;2000-03-02;Almere;1.1.1\n"), rows=3, invalid=2, secret="2031-02-03")
    add("birth-dates-withheld.csv", "personal data", ACCEPTED,
        "an invalid birth date is not echoed, a rejected row's valid one not written to *.rejected.csv",
        _text(f"{SUSPECTS}\nR1;2019-03-01;{INVALID_BIRTH};Almere;1.1.1\n"
              f"R2;2019-03-02;{BIRTH_SECRET};Almere;9.9.9\nR3;2019-03-02;2000-03-02;Almere;1.1.1\n"),
        rows=3, invalid=2, secret=INVALID_BIRTH, ingest_args=("--skip-invalid", "--rejected-dir", "{tmp}"))
    add("birth-dates-withheld-2.csv", "personal data", ACCEPTED,
        "the valid birth date of a rejected row is not written to *.rejected.csv",
        _text(f"{SUSPECTS}\nR1;2019-03-02;{BIRTH_SECRET};Almere;9.9.9\nR2;2019-03-02;2000-03-02;Almere;1.1.1\n"),
        rows=2, invalid=1, secret=BIRTH_SECRET, ingest_args=("--skip-invalid", "--rejected-dir", "{tmp}"))
    # A --map that puts a column in a personal header: refused before the file is read (it stored the
    # phone numbers as registration ids, or put birth dates in the registration date).
    with_phone = f"{REGISTRATIONS};Telnr;Geslacht\nR1;2019-03-01;1.1.1;Almere;{PHONE};V\n"
    add("map-phone-as-id.csv", "personal data", REFUSED, "--map registration_id = 'Telnr' (stored them)",
        _with_side_file(with_phone, ".map.toml", '[columns]\nregistration_id = "Telnr"\n'),
        args=("--map", "{path}.map.toml"), message="a personal column", secret=PHONE)
    add("map-sex-as-category.csv", "personal data", REFUSED, "--map category_code = 'Geslacht'",
        _with_side_file(with_phone, ".map.toml", '[columns]\ncategory_code = "Geslacht"\n'),
        args=("--map", "{path}.map.toml"), message="a personal column", secret=PHONE)
    add("map-birth-date-as-date.csv", "personal data", REFUSED, "--map date = 'Geboortedatum' (stored them)",
        _with_side_file(f"{SUSPECTS}\nR1;2019-03-01;{BIRTH_SECRET};Almere;1.1.1\n", ".map.toml",
                        '[columns]\ndate = "Geboortedatum"\n'),
        args=("--map", "{path}.map.toml"), message="a birth date", secret=BIRTH_SECRET)
    # fmt: on


def commands(case: Case, path: Path, store: Path, tmp: Path) -> list[list[str]]:
    """The command lines a case runs (validate and ingest, or its own command), placeholders filled."""

    def filled(words: tuple[str, ...]) -> list[str]:
        return [w.format(path=path, store=store, tmp=tmp) for w in words]

    if case.command:
        return [filled(case.command)]
    return [
        ["validate", "--format", "json", *filled(case.args), str(path)],
        ["ingest", "--store", str(store), *filled(case.args), *filled(case.ingest_args), str(path)],
    ]


FORMULA_ROWS = cells([*POPULATION_ROWS, [2017, '=HYPERLINK("http://x","y")', 1, 1]]) + (
    '<row r="5"><c r="A5"><f>2000+16</f><v>2016</v></c><c r="B5" t="inlineStr"><is><t>@SUM(A1)</t></is></c>'
    '<c r="C5"><v>1</v></c></row>'
)


def _good_xlsx_file(path: Path) -> None:
    write_zip(path, workbook_entries({"Bevolking": _good_xlsx()}))


def build(folder: Path, only: list[Case] | None = None) -> list[Case]:
    """Write the corpus (or the given cases) into ``folder``, replacing what is there; the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = cases() if only is None else only
    for case in chosen:
        target = folder / case.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        case.build(target)
    return chosen


def _peak_mb() -> int:
    """This process's peak resident memory: VmHWM (ru_maxrss would keep the forking parent's, the
    whole test session's, after exec)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM"))
    except (OSError, StopIteration):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run(folder: Path, store: Path, indices: list[int]) -> None:
    """Child-process mode: cases (by index) through ``validate`` and ``ingest``, one JSON line each.

    The commands run in this process through typer's runner, one case after another; the caller
    sets the memory limit and the timeout. ``max_rss_mb`` is this process's high-water mark so far.
    """
    from typer.testing import CliRunner

    from veilcli.cli import app

    runner, everything = CliRunner(), cases()
    for index in indices:
        case = everything[index]
        for command in commands(case, folder / case.name, store, store.parent):
            start = time.perf_counter()
            result = runner.invoke(app, command, env=case.env)
            line = {
                "index": index,
                "command": command[0],
                "exit_code": result.exit_code,
                "stdout": result.stdout[:20_000],
                "stderr": result.stderr[:20_000],
                "seconds": round(time.perf_counter() - start, 3),
                "max_rss_mb": _peak_mb(),
            }
            print(json.dumps(line), flush=True)


# --- hostile network answers: `veilcli download` against a local server (issue 21) ---------------
#
# A download's answers are input too. Each case is how a broken or hostile OData service answers
# the TypedDataSet request (or DataProperties): the command must end in one line naming the URL or
# the table, exit 2 (1 where the rows themselves are invalid), write no file, leave the store as it
# was, and never ask a second server ("another host") for anything.

NET_TABLE = "47013NED"
NET_PROPERTIES = {
    "odata.metadata": "x",
    "value": [
        {"Key": "SoortMisdrijf", "Type": "Dimension"},
        {"Key": "RegioS", "Type": "GeoDimension"},
        {"Key": "Perioden", "Type": "TimeDimension"},
        {"Key": "GeregistreerdeMisdrijven_1", "Type": "Topic"},
    ],
}


def net_row(n: int, count: object = 30) -> dict[str, object]:
    """A row of police table 47013NED as the OData API serves it (padded codes, a month period)."""
    return {"ID": n, "SoortMisdrijf": "1.2.1 ", "RegioS": "GM0034    ", "Perioden": "2019MM01",
            "GeregistreerdeMisdrijven_1": count}  # fmt: skip


class Exchange:
    """One request to the hostile server and the means to answer it, byte for byte."""

    def __init__(self, handler: Any, base: str, other: str, other_by_ip: str) -> None:
        self.handler = handler
        self.path: str = handler.path
        self.base, self.other, self.other_by_ip = base, other, other_by_ip

    def query(self, name: str, default: str = "") -> str:
        from urllib.parse import parse_qs, urlsplit

        return parse_qs(urlsplit(self.path).query).get(name, [default])[0]

    def raw(self, data: bytes) -> None:
        self.handler.wfile.write(data)

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        head = [f"HTTP/1.1 {status} X", "Connection: close"]
        fields = {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}
        head += [f"{k}: {v}" for k, v in fields.items() if v != ""]
        self.raw(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def json(self, document: object, headers: dict[str, str] | None = None) -> None:
        self.send(200, json.dumps(document).encode(), headers)

    def page(self, rows: list[dict[str, object]], next_link: object = None) -> None:
        document: dict[str, object] = {"odata.metadata": f"{self.base}/{NET_TABLE}/$metadata#TypedDataSet",
                                       "value": rows}  # fmt: skip
        if next_link is not None:
            document["odata.nextLink"] = next_link
        self.json(document)

    def here(self, query: str) -> str:
        """This server's TypedDataSet URL with another query."""
        return f"{self.base}/{NET_TABLE}/TypedDataSet?{query}"


@dataclass(frozen=True)
class NetworkCase:
    """A hostile answer of an OData service and what `veilcli download` must do with it."""

    name: str
    group: str
    reason: str
    answer: Callable[[Exchange], None]  # the answer to the TypedDataSet request
    message: str
    exit_code: int = 2
    env: dict[str, str] = field(default_factory=dict)
    dangerous: bool = False  # hangs or bombs if a guard were missing: a child process with limits
    properties: Callable[[Exchange], None] | None = None  # the answer to DataProperties (default: fine)


def _trickle(data: bytes, pause: float = 0.05) -> Callable[[Exchange], None]:
    def answer(ex: Exchange) -> None:
        for byte in data:
            ex.raw(bytes([byte]))
            time.sleep(pause)

    return answer


def _trickled_body(ex: Exchange) -> None:
    ex.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    _trickle(b'{"value": [' + b" " * 99_988 + b"]}")(ex)


def _gzip_bomb(ex: Exchange) -> None:
    """200 MB of JSON in about 200 KB of gzip, streamed: compressed once, the bytes sent as made."""
    ex.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\r\n")
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    ex.raw(packer.compress(b'{"value": [{"ID": 0, "SoortMisdrijf": "'))
    block = b"0" * (1 << 20)
    for _ in range(200):
        ex.raw(packer.compress(block))
    ex.raw(packer.compress(b'"}]}') + packer.flush())


def _endless_pages(size: int = 0) -> Callable[[Exchange], None]:
    def answer(ex: Exchange) -> None:
        n = int(ex.query("page", "1"))
        padding = {"Padding": "x" * size} if size else {}
        ex.page([{**net_row(n), **padding}], ex.here(f"page={n + 1}"))

    return answer


def _slow_pages(ex: Exchange) -> None:
    time.sleep(0.4)
    _endless_pages()(ex)


def _redirect(location: Callable[[Exchange], str]) -> Callable[[Exchange], None]:
    def answer(ex: Exchange) -> None:
        ex.send(302, b"", {"Location": location(ex), "Content-Type": ""})

    return answer


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _nested(depth: int) -> bytes:
    return b'{"value": ' + b"[" * depth + b"]" * depth + b"}"


def network_cases() -> list[NetworkCase]:
    """Every hostile answer, in groups."""
    c: list[NetworkCase] = []
    page = json.dumps({"value": [net_row(1)]}).encode()

    def add(*args: Any, **kwargs: Any) -> None:
        c.append(NetworkCase(*args, **kwargs))

    # fmt: off
    # Redirects.
    add("redirect-loop", "redirects", "two URLs redirecting to each other",
        _redirect(lambda ex: ex.here("b=1" if "a=1" in ex.path else "a=1")), "redirects in a loop")
    add("redirect-to-itself", "redirects", "a URL redirecting to itself",
        _redirect(lambda ex: ex.path), "redirects in a loop")
    add("redirect-chain", "redirects", "a new URL on every redirect",
        _redirect(lambda ex: ex.here(f"hop={int(ex.query('hop', '0')) + 1}")), "more than 5 redirects")
    add("redirect-other-host", "SSRF", "a redirect to another host",
        _redirect(lambda ex: f"{ex.other}/odata/{NET_TABLE}/TypedDataSet"), "leads to another host")
    add("redirect-other-port", "SSRF", "a redirect to another port of this host",
        _redirect(lambda ex: f"{ex.other_by_ip}/odata/{NET_TABLE}/TypedDataSet"), "leads to another port")
    add("redirect-not-a-url", "redirects", "a Location that is no URL",
        _redirect(lambda ex: "http://[::1"), "is not a valid URL")
    add("redirect-file-scheme", "SSRF", "a redirect to file:///etc/passwd",
        _redirect(lambda ex: "file:///etc/passwd"), "not an http or https address")
    # odata.nextLink.
    add("nextlink-other-host", "SSRF", "page 2 on another host: its rows must not be ingested",
        lambda ex: ex.page([net_row(1)], f"{ex.other}/odata/{NET_TABLE}/TypedDataSet?page=2"),
        "leads to another host")
    add("nextlink-userinfo-host", "SSRF", "a nextLink with the start's host as user name",
        lambda ex: ex.page([net_row(1)], f"http://127.0.0.1@{ex.other.split('//')[1]}/odata/x"),
        "leads to another host")
    add("nextlink-other-port", "SSRF", "page 2 on another port of this host",
        lambda ex: ex.page([net_row(1)], f"{ex.other_by_ip}/odata/{NET_TABLE}/TypedDataSet?page=2"),
        "leads to another port")
    for name, link, message in (
        ("bad-ipv6", "http://[::1", "is not a valid URL"),
        ("bad-port", "http://127.0.0.1:99999999/x", "is not a valid URL"),
        ("spaces", "not a url", "is not a valid URL"),
        ("control", "http://127.0.0.1/\x00x", "is not a valid URL"),
        ("javascript", "javascript:alert(1)", "not an http or https address"),
        ("number", 12345, "is not a URL"),
        ("object", {"href": "x"}, "is not a URL"),
        ("nested", [[["x"]]] , "is not a URL"),
        ("long", "http://127.0.0.1/" + "a" * 10_000, "longer than 8,192 characters"),
    ):
        add(f"nextlink-{name}", "nextLink", f"an odata.nextLink that is no URL: {name}",
            lambda ex, link=link: ex.page([net_row(1)], link), message)
    add("nextlink-loop", "nextLink", "page 2 links back to page 1",
        lambda ex: ex.page([net_row(1)], ex.here("page=1" if ex.query("page") == "2" else "page=2")),
        "leads back to an earlier page")
    add("endless-pages", "limits", "a new page forever", _endless_pages(),
        "more than 20 pages", env={"VEILCLI_MAX_DOWNLOAD_PAGES": "20"})
    # JSON.
    add("deep-json-page", "json", "a page nested 100,000 deep (RecursionError)",
        lambda ex: ex.send(200, _nested(100_000)), "nested more than 16 levels deep")
    add("deep-json-500", "json", "a page nested 500 deep (parses, then too deep)",
        lambda ex: ex.send(200, _nested(500)), "nested more than 16 levels deep")
    add("deep-json-properties", "json", "DataProperties nested 100,000 deep",
        lambda ex: ex.json({"value": [net_row(1)]}), "nested more than 16 levels deep",
        properties=lambda ex: ex.send(200, _nested(100_000)))
    add("deep-json-metadata", "json", "a nested object beside DataProperties' value",
        lambda ex: ex.json({"value": [net_row(1)]}), "nested more than 16 levels deep",
        properties=lambda ex: ex.send(200, b'{"value": [], "x": ' + b'{"a":' * 900 + b"1" + b"}" * 901))
    add("not-json", "json", "an HTML error page with status 200",
        lambda ex: ex.send(200, b"<html>busy</html>", {"Content-Type": "text/html"}),
        "the answer is not JSON")
    add("json-array", "json", "a JSON array, not an OData object",
        lambda ex: ex.send(200, b"[1, 2]"), "not an OData document")
    add("nested-row", "json", "a row holding an object",
        lambda ex: ex.page([{**net_row(1), "RegioS": {"code": "GM0034"}}]), "not a flat record")
    add("properties-key-injection", "json", "a GeoDimension key that would rewrite the $filter",
        lambda ex: ex.json({"value": [net_row(1)]}), "not a column name",
        properties=lambda ex: ex.json({"value": [{"Key": "RegioS) or (1 eq 1", "Type": "GeoDimension"}]}))
    # Compression.
    add("gzip-lie", "compression", "Content-Encoding: gzip over plain JSON",
        lambda ex: ex.send(200, page, {"Content-Encoding": "gzip"}), "says it is gzip-compressed")
    add("gzip-lie-properties", "compression", "DataProperties claiming gzip",
        lambda ex: ex.json({"value": [net_row(1)]}), "says it is gzip-compressed",
        properties=lambda ex: ex.send(200, json.dumps(NET_PROPERTIES).encode(), {"Content-Encoding": "gzip"}))
    add("gzip-truncated", "compression", "half a gzip stream",
        lambda ex: ex.send(200, _gzip(page)[:20], {"Content-Encoding": "gzip"}), "ends early")
    add("deflate-lie", "compression", "Content-Encoding: deflate over plain JSON",
        lambda ex: ex.send(200, page, {"Content-Encoding": "deflate"}), "says it is deflate-compressed")
    add("brotli", "compression", "an encoding veilcli did not ask for",
        lambda ex: ex.send(200, page, {"Content-Encoding": "br"}), "compressed as br")
    add("gzip-bomb", "limits", "200 MB of JSON in 200 KB of gzip", _gzip_bomb,
        "larger than 67,108,864 bytes", dangerous=True)
    # Sizes.
    add("huge-answer", "limits", "a 3 MB page over a 1 MB limit",
        lambda ex: ex.page([{**net_row(1), "Padding": "x" * 3_000_000}]), "larger than 1,000,000 bytes",
        env={"VEILCLI_MAX_RESPONSE_BYTES": "1000000"})
    add("huge-answer-no-length", "limits", "3 MB without a Content-Length",
        lambda ex: ex.send(200, json.dumps({"value": [net_row(1)], "p": "x" * 3_000_000}).encode(),
                           {"Content-Length": ""}),
        "larger than 1,000,000 bytes", env={"VEILCLI_MAX_RESPONSE_BYTES": "1000000"})
    add("declared-terabyte", "limits", "Content-Length: 1 TB, then nothing",
        lambda ex: ex.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n{"),
        "larger than 67,108,864 bytes")
    add("download-too-big", "limits", "pages of 300 KB without end, 1 MB for the whole download",
        _endless_pages(300_000), "the download is larger than 1,000,000 bytes",
        env={"VEILCLI_MAX_DOWNLOAD_BYTES": "1000000"})
    # Time.
    add("slow-loris-body", "time", "one byte every 50 ms (each read within the read timeout)",
        _trickled_body, "no complete answer within 2 s", env={"VEILCLI_DOWNLOAD_REQUEST_SECONDS": "2"},
        dangerous=True)
    add("slow-loris-headers", "time", "the headers a byte at a time",
        _trickle(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000 + b"\r\n\r\n"),
        "no complete answer within 2 s", env={"VEILCLI_DOWNLOAD_REQUEST_SECONDS": "2"}, dangerous=True)
    add("slow-pages", "time", "0.4 s a page, pages without end, 2 s for the whole download", _slow_pages,
        "the download took more than 2 s", env={"VEILCLI_DOWNLOAD_SECONDS": "2"}, dangerous=True)
    add("bad-time-limit", "time", "VEILCLI_DOWNLOAD_SECONDS=soon", _endless_pages(),
        "VEILCLI_DOWNLOAD_SECONDS='soon': not a positive whole number",
        env={"VEILCLI_DOWNLOAD_SECONDS": "soon"})
    # Rows.
    add("every-row-invalid", "rows", "every count negative: nothing stored, exit 1",
        lambda ex: ex.page([net_row(1, -5), net_row(2, -7)]), "nothing was stored", exit_code=1)
    # fmt: on
    return c


class HostileServers:
    """Two local HTTP servers on free ports: the OData service (answering as the case says) and
    "another host" that only records what it is asked (it must be asked nothing)."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.case: NetworkCase | None = None
        self.asked_elsewhere: list[str] = []
        outer = self

        class Service(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                case = outer.case
                ex = Exchange(self, outer.base, outer.other, outer.other_by_ip)
                if case is None:
                    ex.send(500)
                elif "/DataProperties" in self.path:
                    (case.properties or (lambda e: e.json(NET_PROPERTIES)))(ex)
                elif "/TypedDataSet" in self.path:
                    case.answer(ex)
                else:
                    ex.send(404)

            def log_message(self, *args: Any) -> None:
                pass

        class Elsewhere(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.asked_elsewhere.append(self.path)
                Exchange(self, "", "", "").page([net_row(99, 1_000_000)])

            def log_message(self, *args: Any) -> None:
                pass

        class Quiet(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # the client hung up on a hostile answer: that is the point

        self.servers = [Quiet(("127.0.0.1", 0), Service), Quiet(("127.0.0.1", 0), Elsewhere)]
        service, elsewhere = (s.server_address[1] for s in self.servers)
        self.base = f"http://127.0.0.1:{service}/odata"
        self.other = f"http://localhost:{elsewhere}"  # another host name
        self.other_by_ip = f"http://127.0.0.1:{elsewhere}"  # this host, another port
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in self.servers]
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def main() -> None:
    # As the CLI does: the arena cap keeps the children's address space under the test's limit.
    tune_allocators()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--run", type=int, nargs="+", metavar="INDEX", help="run these cases (child mode)")
    parser.add_argument("--store", type=Path, help="the store for --run")
    args = parser.parse_args()
    if args.run:
        run(args.folder, args.store, args.run)
        return
    written = build(args.folder)
    for case in written:
        target = args.folder / case.name
        size = target.lstat().st_size
        print(f"{case.outcome:8} {case.group:18} {ascii(case.name)[1:-1]:36} {size:>10,}  {case.reason}")
    print(f"{len(written)} cases in {args.folder}", file=sys.stderr)


# --- stores, files veilcli writes, standard input (issue 21) -------------------------------------
# Each case builds a folder (a store, a user's folder, input files) and gives the commands to run in
# it; every command must exit 2 with one line naming the file and what to do, and leave every file
# in the folder as it was (``tests/test_hostile.py``: ``test_store_case``). ``dangerous`` ones would
# hang without the fix (a FIFO): they run in a child process with a timeout.

# A police extract as it comes: a title row and a blank row above the Dutch header.
EXTRACT_HEAD = "Geregistreerde misdrijven Almere, peildatum 1 juli 2019\n\n"
EXTRACT_HEADER = "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte\n"


def extract(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A registrations extract (id, date, code) of Almere, desk reports, with its title rows."""
    body = "".join(f"{i};{d};{c};Almere;Balie\n" for i, d, c in rows)
    path.write_text(EXTRACT_HEAD + EXTRACT_HEADER + body, encoding="utf-8")
    return path


@dataclass(frozen=True)
class StoreCase:
    """A store, a folder or standard input veilcli must refuse, with the commands that meet it."""

    name: str
    reason: str
    setup: Callable[[Path], list[list[str]]]  # builds the folder; the commands (veilcli's arguments)
    message: str  # a fragment of the one-line error
    names: str  # the file (or folder) the error names, relative to the case's folder ("-": stdin)
    stdin: bytes | None = None
    env: dict[str, str] = field(default_factory=dict)
    dangerous: bool = False


def _ingest_api(paths: list[Path], store: Path, **options: Any) -> None:
    from veilcli.sources.pipeline import ReadOptions
    from veilcli.store.ingest import ingest_paths
    from veilcli.store.store import Store

    result = ingest_paths(paths, Store(store), ReadOptions(), **options)
    assert result.stored, result


def _a_store(folder: Path) -> Path:
    """A store holding one extract (R1..R3), as veilcli writes it."""
    store = folder / "store"
    _ingest_api(
        [
            extract(
                folder / "a.csv",
                [("R1", "2019-01-02", "1.1.1"), ("R2", "2019-01-03", "1.1.1"), ("R3", "2019-01-04", "1.2.3")],
            )
        ],
        store,
    )
    return store


READERS = (["status"], ["status", "--verify"], ["compare"])


def _foreign_manifest(content: object) -> Callable[[Path], list[list[str]]]:
    """Another tool's folder: its manifest.json and its own hex-named .parquet files in counts/,
    registrations/ and population/ (a photo tool's cache, say)."""

    def setup(folder: Path) -> list[list[str]]:
        tool = folder / "tool"
        for kind in ("counts", "registrations", "population"):
            (tool / kind).mkdir(parents=True)
            (tool / kind / "0123456789abcdef.parquet").write_bytes(b"the user's own file")
        (tool / "manifest.json").write_text(json.dumps(content))
        new = extract(folder / "new.csv", [("N1", "2019-02-01", "1.1.1")])
        return [["ingest", str(new), "--store", str(tool)], *([*c, "--store", str(tool)] for c in READERS)]

    return setup


def _partly_replaced(folder: Path) -> list[list[str]]:
    """The README's repair advice after a later table replaced part of a file's rows: the file is
    stored again (here without --replace, so the conflict with the later table is said)."""
    store = _a_store(folder)
    later = extract(folder / "later.csv", [("R2", "2019-03-01", "2.2.1"), ("R9", "2019-03-02", "2.2.1")])
    _ingest_api([later], store, replace=True)
    return [["ingest", str(folder / "a.csv"), "--store", str(store)]]


def _users_rejected_csv(folder: Path) -> list[list[str]]:
    """A user's own notes under the name --skip-invalid writes its rejected rows to."""
    bad = extract(folder / "bad.csv", [("R1", "2019-01-02", "1.1.1"), ("R2", "geen datum", "1.1.1")])
    (folder / "bad.rejected.csv").write_text("my notes on the bad rows\n", encoding="utf-8")
    store = folder / "store"
    return [
        ["ingest", str(bad), "--store", str(store), "--skip-invalid"],
        ["ingest", str(bad), "--store", str(store), "--skip-invalid", "--rejected-dir", str(folder)],
    ]


def _edited_rejected_csv(folder: Path) -> list[list[str]]:
    """A rejected-rows file veilcli wrote, then edited by the analyst (a fix noted in it)."""
    bad = extract(folder / "bad.csv", [("R1", "2019-01-02", "1.1.1"), ("R2", "geen datum", "1.1.1")])
    store = folder / "store"
    _ingest_api([bad], store, skip_invalid=True, rejected_dir=folder)
    with (folder / "bad.rejected.csv").open("a", encoding="utf-8") as handle:
        handle.write('"","R2 is 2019-01-05 volgens de melder"\n')
    again = extract(folder / "bad.csv", [("R4", "2019-01-06", "1.1.1"), ("R5", "geen datum", "1.1.1")])
    return [["ingest", str(again), "--store", str(store), "--skip-invalid", "--rejected-dir", str(folder)]]


def _twice_named_sheets(folder: Path) -> list[list[str]]:
    """Two sheets named "Data": one spelt ``D&#97;ta`` in workbook.xml (Excel refuses such a name,
    other programs write it); calamine reads a sheet by name, so the second was never read."""
    entries = workbook_entries(
        {
            "Data": sheet_xml(cells(POPULATION_ROWS)),
            "Other": sheet_xml(cells([POPULATION_ROWS[0], [2017, "Lelystad", 1, 1]])),
        }
    )
    book = next(e for e in entries if e.name == "xl/workbook.xml")
    xml = zlib.decompress(book.data, -15).decode().replace('name="Other"', 'name="D&#97;ta"')
    entries[entries.index(book)] = deflated("xl/workbook.xml", xml.encode())
    path = folder / "twee-bladen.xlsx"
    write_zip(path, entries)
    store = folder / "store"
    return [
        ["validate", "--all-sheets", str(path)],
        ["ingest", "--all-sheets", str(path), "--store", str(store)],
        ["ingest", "--sheet", "Data", str(path), "--store", str(store)],
    ]


def _manifest_fifo(folder: Path) -> list[list[str]]:
    store = _a_store(folder)
    (store / "manifest.json").unlink()
    os.mkfifo(store / "manifest.json", 0o600)
    return [[*c, "--store", str(store)] for c in READERS] + [
        ["ingest", str(folder / "a.csv"), "--store", str(store)]
    ]


def _manifest_nested(folder: Path) -> list[list[str]]:
    store = _a_store(folder)
    data = json.loads((store / "manifest.json").read_text())
    data["sources"][0]["columns"] = "NESTED"
    text = json.dumps(data).replace('"NESTED"', "[" * 100_000 + "]" * 100_000)
    (store / "manifest.json").write_text(text)
    return [[*c, "--store", str(store)] for c in READERS] + [
        ["ingest", str(folder / "a.csv"), "--store", str(store)]
    ]


def _manifest_large(folder: Path) -> list[list[str]]:
    store = _a_store(folder)
    return [[*c, "--store", str(store)] for c in READERS]


def _not_a_store(folder: Path) -> list[list[str]]:
    """``--store ~/Documents`` for a read command: the folder holds the user's files, no manifest."""
    documents = folder / "Documents"
    documents.mkdir()
    (documents / "brief.docx").write_bytes(b"PK\x03\x04 a letter")
    return [[*c, "--store", str(documents)] for c in READERS]


def _stdin_over_limit(folder: Path) -> list[list[str]]:
    return [["validate", "-", "--kind", "registrations"], ["ingest", "-", "--store", str(folder / "store")]]


def store_cases() -> list[StoreCase]:
    """Every store, written-file and standard-input case, in a stable order."""
    old_format = {"format": 1, "app": "photo-tool", "sources": []}
    old_like = {
        "format": 1,
        "sources": [{"id": "0123456789abcdef", "file": "counts/0123456789abcdef.parquet"}],
    }
    return [
        StoreCase(
            "foreign-manifest-format-1",
            "another tool's manifest.json says format 1",
            _foreign_manifest(old_format),
            "is not a veilcli manifest",
            "tool/manifest.json",
        ),
        StoreCase(
            "foreign-manifest-with-sources",
            "format 1 and sources, but not veilcli's fields",
            _foreign_manifest(old_like),
            "is not a veilcli manifest",
            "tool/manifest.json",
        ),
        StoreCase(
            "ingest-original-after-partial-replace",
            "a later table replaced one of its rows",
            _partly_replaced,
            "already stored from another source",
            "a.csv",
        ),
        StoreCase(
            "users-rejected-csv",
            "a user's file at <file>.rejected.csv",
            _users_rejected_csv,
            "is not a rejected-rows file veilcli wrote",
            "bad.rejected.csv",
        ),
        StoreCase(
            "edited-rejected-csv",
            "a rejected-rows file the analyst edited",
            _edited_rejected_csv,
            "is not a rejected-rows file veilcli wrote",
            "bad.rejected.csv",
        ),
        StoreCase(
            "all-sheets-twice-named",
            "two sheets of the same name",
            _twice_named_sheets,
            "are both named 'Data'",
            "twee-bladen.xlsx",
        ),
        StoreCase(
            "manifest-fifo",
            "manifest.json is a named pipe",
            _manifest_fifo,
            "named pipe (FIFO)",
            "store/manifest.json",
            dangerous=True,
        ),
        StoreCase(
            "manifest-nested",
            "manifest.json nested 100,000 deep",
            _manifest_nested,
            "nested more than 200 deep",
            "store/manifest.json",
        ),
        StoreCase(
            "manifest-over-limit",
            "a manifest larger than the limit",
            _manifest_large,
            "more than the limit of 100",
            "store/manifest.json",
            env={"VEILCLI_MAX_MANIFEST_BYTES": "100"},
        ),
        StoreCase(
            "read-store-not-a-store",
            "--store at the user's Documents",
            _not_a_store,
            "is an existing folder that is not a veilcli store",
            "Documents",
        ),
        StoreCase(
            "stdin-over-limit",
            "3 KB on standard input, limit 1,000 bytes",
            _stdin_over_limit,
            "more than the limit of 1,000 bytes",
            "-",
            stdin=EXTRACT_HEADER.encode() * 50,
            env={"VEILCLI_MAX_FILE_BYTES": "1000"},
        ),
    ]


if __name__ == "__main__":
    main()

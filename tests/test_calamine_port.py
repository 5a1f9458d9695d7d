"""The port of calamine's XML reading (``veilcli/sources/calamine_xml.py``) against calamine itself.

Random small sheets built from the constructs that once let a bomb past the check (self-closing
rows and cells, attributes without spaces, in single quotes, twice, with ``>`` inside quotes,
prefixed names, cells inside values, comments, CDATA, processing instructions, an early
``</sheetData>``) are read by fastexcel/calamine and by the port: wherever calamine reads a
sheet, the port must place its cells in the same rectangle, and wherever the port says calamine
stops with an error, calamine must stop. Random workbooks whose parts are named in other letter
case, with backslashes, ``../``, absolute targets and decoy entries check that ``Workbook`` checks
the part calamine reads.
"""

from __future__ import annotations

import random
from pathlib import Path

import fastexcel
import pytest

from tests.hostile_corpus import MAIN, PACKAGE, RELS, deflated, sheet_xml, workbook_entries, write_zip
from veilcli.sources.calamine_xml import CellScan
from veilcli.sources.xlsx_safety import Workbook

MARKER = '<row r="1"><c r="A1"><v>1</v></c></row>'  # calamine's range then starts at A1


def _column(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _attributes(pairs: list[tuple[str, str]], rng: random.Random) -> str:
    out = ""
    for key, value in pairs:
        quote = rng.choice(['"', '"', '"', "'"])
        if quote in value:
            quote = '"' if quote == "'" else "'"
        out += rng.choice([" ", " ", " ", "\t", "\n", "" if out.endswith(('"', "'")) else " "])
        out += f"{key}{rng.choice(['=', '=', ' = '])}{quote}{value}{quote}"
    return out


def _cell(rng: random.Random, prefix: str) -> str:
    pairs: list[tuple[str, str]] = []
    kind = rng.choice([None, None, "n", "str", "inlineStr", "b"])
    reference = f"{_column(rng.randint(1, 30))}{rng.randint(1, 40)}"
    if rng.random() < 0.1:
        reference = reference.lower()
    if rng.random() < 0.6:
        pairs.append(("r", reference))
    if rng.random() < 0.3:
        pairs.append(("s", "0"))
    if kind:
        pairs.append(("t", kind))
    if rng.random() < 0.15:
        pairs.append(("x", rng.choice([">", "a>b", "<c r='Z9'>"])))
    if rng.random() < 0.15:
        pairs.append(("r", f"{_column(rng.randint(1, 30))}{rng.randint(1, 40)}"))
    if rng.random() < 0.1:
        pairs.append(("s", "1"))
    rng.shuffle(pairs)
    attrs = _attributes(pairs, rng)
    name = f"{prefix}c"
    value = "1" if kind != "str" else "x&amp;y"
    contents = [
        None,  # self-closing
        "",
        f"<{prefix}v>{value}</{prefix}v>",
        f"<{prefix}v></{prefix}v>",
        f"<{prefix}v/>",
        f"<{prefix}v><!-- {value} --></{prefix}v>",
        f'<{prefix}v>{value}<c r="Z40"><v>1</v></c></{prefix}v>',
        f"<{prefix}v><{prefix}v></{prefix}v>{value}</{prefix}v>",
        f"<{prefix}is><{prefix}t>x</{prefix}t></{prefix}is>",
        f"<{prefix}is><{prefix}r><{prefix}t>x</{prefix}t></{prefix}r><rPh><t>y</t></rPh></{prefix}is>",
        f"<{prefix}is></{prefix}is>",
        f"<{prefix}f>1+1</{prefix}f><{prefix}v>{value}</{prefix}v>",
        f"<{prefix}f>1+1</{prefix}f>",
        f"<{prefix}v><![CDATA[{value}]]></{prefix}v>",
        f"<{prefix}v>{value}</{prefix}v><?x <c r='Z40'><v>1</v></c> ?>",
    ]
    content = rng.choice(contents)
    if rng.random() < 0.03:  # what calamine stops at
        attrs, content = rng.choice([(attrs + " r=A1", content), (' r="A1B"', content), (attrs, "<x/>")])
    if content is None:
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{content}</{name}>"


def _row(rng: random.Random) -> str:
    prefix = rng.choice(["", "", "", "x:", "1:"])
    pairs: list[tuple[str, str]] = []
    if rng.random() < 0.6:
        pairs.append(("r", str(rng.randint(2, 45))))
    if rng.random() < 0.3:
        pairs.append(("spans", "1:3"))
    rng.shuffle(pairs)
    attrs = _attributes(pairs, rng)
    if rng.random() < 0.15:
        return f"<{prefix}row{attrs}/>"
    body = "".join(_cell(rng, prefix if rng.random() < 0.8 else "") for _ in range(rng.randint(0, 5)))
    extra = rng.choice(["", "", "", "<!-- <c r='Z45'><v>1</v></c> -->", "text", "<?pi x?>"])
    return f"<{prefix}row{attrs}>{extra}{body}</{prefix}row>"


def _sheet(rng: random.Random) -> str:
    rows = [_row(rng) for _ in range(rng.randint(1, 8))]
    if rng.random() < 0.1:
        rows.insert(rng.randint(0, len(rows)), "</sheetData>")
    return MARKER + "".join(rows)


def _calamine_shape(path: Path) -> tuple[int, int] | None:
    try:
        frame = fastexcel.read_excel(path.read_bytes()).load_sheet(0, header_row=None, dtypes="string")
        return frame.to_polars().shape
    except Exception:  # calamine's errors come as several types
        return None


def _port(xml: bytes, cut: int) -> CellScan:
    scan = CellScan(1 << 20)
    blocks = [xml[:cut], xml[cut:]]  # fed in two blocks, cut anywhere (also inside a tag)
    for block in blocks:
        scan.feed(block)
    scan.feed(b"", final=True)
    return scan


@pytest.mark.parametrize("seed", range(6))
def test_the_port_places_cells_where_calamine_does(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    read = failed = 0
    for case in range(120):
        sheet = sheet_xml(_sheet(rng))
        path = tmp_path / f"s{case}.xlsx"
        write_zip(path, workbook_entries({"Blad1": sheet}))
        shape = _calamine_shape(path)
        scan = _port(sheet, rng.randint(0, len(sheet)))
        where = f"seed {seed} case {case}: {sheet.decode()}"
        if scan.failed is not None:
            assert shape is None, f"the port stops ({scan.failed}) where calamine reads on: {where}"
            failed += 1
        if shape is not None:
            assert (scan.max_row, scan.max_col) == shape, where
            read += 1
    assert read > 40 and failed > 5  # both outcomes are exercised


def _decoy_workbook(rng: random.Random, path: Path) -> dict[str, int]:
    """A workbook whose one sheet may be found under several names; each candidate entry holds a
    sheet of its own height. Returns entry name -> that height."""
    target = rng.choice(
        [
            "worksheets/sheet1.xml",
            "Worksheets/Sheet1.XML",
            "worksheets\\sheet1.xml",
            "../xl/worksheets/sheet1.xml",
            "/xl/worksheets/sheet1.xml",
            "./worksheets/sheet1.xml",
            "worksheets//sheet1.xml",
        ]
    )
    candidates = [
        "xl/worksheets/sheet1.xml",
        "XL/WORKSHEETS/SHEET1.XML",
        "xl\\worksheets\\sheet1.xml",
        "xl/../xl/worksheets/sheet1.xml",
        "xl/./worksheets/sheet1.xml",
        "xl/worksheets//sheet1.xml",
        "xl/Worksheets/Sheet1.XML",
    ]
    chosen = rng.sample(candidates, rng.randint(1, 3))
    folded = {c.replace("\\", "/").lower() for c in chosen}
    if len(folded) < len(chosen):
        chosen = chosen[:1]  # names alike are refused (tested elsewhere)
    entries = workbook_entries({"Blad1": b""})
    entries = [e for e in entries if not e.name.startswith("xl/worksheets/")]
    rels = entries[3]
    assert rels.name == "xl/_rels/workbook.xml.rels"
    relationship = f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="{target}"/>'
    document = f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}">{relationship}</Relationships>'
    entries[3] = deflated(rels.name, document.encode())
    heights = {}
    for number, name in enumerate(chosen, start=2):
        rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, number + 1))
        entries.append(deflated(name, sheet_xml(rows)))
        heights[name] = number
    write_zip(path, entries)
    return heights


def test_the_sheet_checked_is_the_sheet_calamine_reads(tmp_path: Path) -> None:
    rng = random.Random(7)
    found = 0
    for case in range(150):
        path = tmp_path / f"w{case}.xlsx"
        heights = _decoy_workbook(rng, path)
        shape = _calamine_shape(path)
        book = Workbook(path, path.read_bytes())
        part = book.sheet_parts.get("Blad1")
        if shape is None:
            assert part is None or part in heights  # calamine finds none, or cannot read it
            continue
        assert part is not None and book.sure, (case, heights)
        assert heights[part] == shape[0], (case, part, heights, shape)
        found += 1
    assert found > 50


def test_the_workbook_folder_and_parts_are_found_as_calamine_finds_them(tmp_path: Path) -> None:
    """``_rels/.rels`` names the folder (its file name is ignored: calamine reads
    ``<folder>workbook.xml``); parts are found ignoring letter case."""
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2"><v>1</v></c></row>')
    entries = workbook_entries({"Blad1": sheet})
    for entry in entries:
        if entry.name == "_rels/.rels":
            root = (
                f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                f'Type="{RELS}/officeDocument" Target="/Boek/Map.xml"/></Relationships>'
            )
            entries[entries.index(entry)] = deflated("_RELS/.Rels", root.encode())
        elif entry.name.startswith("xl/"):
            entry.name = "BOEK/" + entry.name[3:].upper()
    path = tmp_path / "folder.xlsx"
    write_zip(path, entries)
    assert _calamine_shape(path) == (2, 2)
    book = Workbook(path, path.read_bytes())
    assert book.folder == "Boek/" and book.sure
    assert book.workbook == "BOEK/WORKBOOK.XML"
    assert book.sheet_parts == {"Blad1": "BOEK/WORKSHEETS/SHEET1.XML"}
    assert MAIN in sheet.decode()

"""The XML of an xlsx as calamine reads it: a port of what it does, so ``xlsx_safety`` checks the
parts, sheets and cells calamine will really read, not what a stricter parser would make of them.

Ported from calamine 0.36 (``src/xlsx/mod.rs``, ``cells_reader.rs``, ``attrs.rs``, ``utils.rs``),
as fastexcel 0.21 ships it, over quick-xml 0.41 configured as calamine configures it
(``expand_empty_elements``: ``<c/>`` is a start and an end; ``check_end_names`` off; comments not
checked). Where calamine would stop with an error the port says so (``Failed``); what it reads
before that is what it would have read.

- ``Tokens``: quick-xml's events over a part fed block by block: start and end tags (``>`` inside
  quoted attribute values does not end a tag; an end tag's name is everything up to ``>``, trailing
  whitespace trimmed), comments, CDATA and processing instructions, and whether text came before.
- ``attributes``: calamine's own attribute scanner (a key is whatever stands before ``=``; a key
  straight after a closing quote counts; values in ``"`` or ``'``); ``get_attrs`` with its early
  exit once as many matches as keys were seen.
- ``CellScan``: where ``XlsxCellReader::next_cell`` puts every cell of a sheet: a row's ``r`` sets
  the row, each ``</row>`` (also of ``<row .../>``) moves to the next; a cell's ``r`` sets the
  column, a cell without one goes after the previous cell (also an empty ``<c .../>``); inside a
  cell only ``<v>``, ``<is>`` and ``<f>`` are read, each to its own end (a ``<c>`` within a
  ``<v>`` is no cell); the sheet ends at ``</sheetData>``. A cell holds a value (calamine keeps
  it in the range) when it has a ``<v>`` with text or an ``<is>``.
- ``package_folder``, ``relationships``, ``sheets``: how calamine finds the workbook folder
  (``_rels/.rels``), the relationships and the sheet list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

START, END, OTHER = 0, 1, 2
_QUICK_XML_SPACE = b" \t\r\n"  # quick-xml's is_whitespace
_ASCII_SPACE = b" \t\n\x0c\r"  # Rust's is_ascii_whitespace (calamine's attribute scanner)
# A start or end tag up to the '>' that is outside quotes (quick-xml's ElementParser).
_NAME = re.compile(rb"[^ \t\r\n]*")
_ENTITY = re.compile(rb"&([^;&]*)(;?)")
_PREDEFINED = {b"lt": "<", b"gt": ">", b"amp": "&", b"apos": "'", b"quot": '"'}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Failed(Exception):
    """calamine stops here with an error: it reads nothing more of the part."""


class TooLong(Exception):
    """A tag, comment or CDATA section runs on for more than ``Tokens.limit`` bytes."""


_HUGE = 1 << 62  # stands for any number past every limit (Python refuses int() of 4,300+ digits)


def whole_number(digits: bytes) -> int:
    """ASCII digits as a number; a number of more than 18 digits as ``_HUGE`` (past every limit)."""
    return int(digits) if len(digits) <= 18 else _HUGE


def ascii_lower(text: str) -> str:
    """Rust's ``to_ascii_lowercase``: only A-Z change."""
    return text.translate(_ASCII_LOWER)


def local_name(name: bytes) -> bytes:
    """quick-xml's local name: everything after the first ``:``."""
    return name[name.find(b":") + 1 :]


Event = tuple[int, bytes, bytes, bool]  # kind, name, raw attributes, text before it


# One token of quick-xml (``<`` starts markup): a comment (its ``-->`` at least 6 bytes after the
# ``<``), CDATA (upper case only), a processing instruction, an end tag or a start tag, the tags
# ending at the first ``>`` outside quotes (quick-xml's ElementParser, also for end tags).
_TOKEN = re.compile(
    rb"""<(?:(!--.*?-->)|(!\[CDATA\[.*?\]\]>)|(\?.*?\?>)"""
    rb"""|/((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>"""
    rb"""|((?:[^!?/>"'](?:[^>"']++|"[^"]*+"|'[^']*+')*+)?)>)""",
    re.S,
)
_COMMENT, _CDATA, _PI, _END_TAG, _START_TAG = 1, 2, 3, 4, 5
_OPEN_ENDED = (b"<!--", b"<![CDATA[")  # may still end in the next block


class Tokens:
    """quick-xml's events over a part fed in blocks (see the module docstring).

    ``malformed`` is set where quick-xml stops with a syntax error (an unknown ``<!`` markup, a
    tag, comment or CDATA section left open at the end): no events come after it.
    """

    def __init__(self, limit: int) -> None:
        self.carry = b""
        self.text = False  # text since the last event
        self.malformed = False
        self.limit = limit

    def feed(self, block: bytes, final: bool = False) -> Iterator[Event]:
        """The events of ``block`` (and of what the previous block left unfinished)."""
        if self.malformed:
            return
        data = self.carry + block if self.carry else block
        self.carry = b""
        position = 0
        text = self.text
        for match in _TOKEN.finditer(data):
            start = match.start()
            if start > position:
                if data.find(b"<", position, start) >= 0:  # a '<' no token begins at
                    self.text = text
                    self._unmatched(data, data.find(b"<", position, start), final)
                    return
                text = True
            kind = match.lastindex
            if kind == _START_TAG:
                content = match.group(_START_TAG)
                empty = content.endswith(b"/")
                if empty:
                    content = content[:-1]
                length = _NAME.match(content).end()  # type: ignore[union-attr]
                name = content[:length]
                yield START, name, content[length:], text
                if empty:
                    yield END, name, b"", False
            elif kind == _END_TAG:
                yield END, match.group(_END_TAG).rstrip(_QUICK_XML_SPACE), b"", text
            else:
                yield OTHER, b"", b"", text
            text = False
            position = match.end()
        rest = data.find(b"<", position)
        if rest < 0:
            self.text = text or position < len(data)
            return
        self.text = text or rest > position
        self._unmatched(data, rest, final)

    def _unmatched(self, data: bytes, lt: int, final: bool) -> None:
        """A '<' that begins no token: one still open (read on) or, at the end, quick-xml's error;
        an unknown ``<!`` markup is an error at once."""
        head = data[lt : lt + 9]
        bang = head.startswith(b"<!")
        open_ended = any(head.startswith(o) or o.startswith(head) for o in _OPEN_ENDED)
        if final or (bang and not open_ended):
            self.malformed = True
            return
        if len(data) - lt > self.limit:
            raise TooLong
        self.carry = data[lt:]


def attributes(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """calamine's ``RawAttrIter``: (key, value) pairs; ``Failed`` on a key without ``=`` or a value
    without quotes (calamine's error)."""
    position, size = 0, len(raw)
    while True:
        while position < size and raw[position] in _ASCII_SPACE:
            position += 1
        if position >= size:
            return
        equals = raw.find(b"=", position)
        if equals < 0:
            raise Failed("an attribute without '='")
        key = raw[position:equals].rstrip(_ASCII_SPACE)
        position = equals + 1
        while position < size and raw[position] in _ASCII_SPACE:
            position += 1
        if position >= size or raw[position] not in b"\"'":
            raise Failed("an attribute value without quotes")
        close = raw.find(raw[position : position + 1], position + 1)
        if close < 0:
            yield key, raw[position + 1 :]
            return
        yield key, raw[position + 1 : close]
        position = close + 1


def raw_attr(raw: bytes, name: bytes) -> bytes | None:
    """calamine's ``raw_attr``: the first attribute whose key is exactly ``name``."""
    for key, value in attributes(raw):
        if key == name:
            return value
    return None


def get_attrs(raw: bytes, names: tuple[bytes, ...]) -> dict[bytes, bytes]:
    """calamine's ``get_attrs!``: the last value of each name, scanning stops once as many
    matches as names were seen (so ``<c s="1" s="2" t="n" r="XFD1">`` has no ``r``)."""
    found: dict[bytes, bytes] = {}
    matches = 0
    for key, value in attributes(raw):
        if key in names:
            found[key] = value
            matches += 1
            if matches == len(names):
                break
    return found


def row_and_column(reference: bytes) -> tuple[int, int | None]:
    """calamine's ``get_row_and_optional_column``: 0-based (row, column or None); ``Failed`` on
    anything but letters then digits (lower-case letters count), or no row."""
    column = row = 0
    index, size = 0, len(reference)
    while index < size:
        byte = reference[index]
        if 65 <= byte <= 90:
            column = min(column * 26 + byte - 64, _HUGE)  # saturated: calamine wraps, far past limits
        elif 97 <= byte <= 122:
            column = min(column * 26 + byte - 96, _HUGE)
        elif 48 <= byte <= 57:
            break
        else:
            raise Failed("a cell reference that is not letters and digits")
        index += 1
    if index >= size:
        raise Failed("a cell reference without a row")
    digits = reference[index:]
    if not digits.isdigit():  # bytes.isdigit: ASCII digits only
        raise Failed("a cell reference that is not letters and digits")
    row = whole_number(digits)  # calamine wraps past 2^32; a larger number here only refuses sooner
    if row == 0:
        raise Failed("a cell reference without a row")
    return row - 1, column - 1 if column else None


def unescape(value: bytes) -> str:
    """quick-xml's ``unescape`` after decoding: the five predefined entities and character
    references; ``Failed`` on any other entity, an entity without ``;``, or bytes not UTF-8."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        raise Failed("not UTF-8") from None
    if "&" not in text:
        return text
    out: list[str] = []
    position = 0
    for match in _ENTITY.finditer(value):
        out.append(value[position : match.start()].decode("utf-8"))
        name, semicolon = match.group(1), match.group(2)
        if not semicolon:
            raise Failed("an entity without ';'")
        if name in _PREDEFINED:
            out.append(_PREDEFINED[name])
        elif re.fullmatch(rb"#[0-9]{1,8}|#x[0-9A-Fa-f]{1,8}", name):  # longer: past U+10FFFF
            code = int(name[2:], 16) if name.startswith(b"#x") else int(name[1:])
            if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise Failed("a character reference to no character")
            out.append(chr(code))
        else:
            raise Failed("an unknown entity")
        position = match.end()
    out.append(value[position:].decode("utf-8"))
    return "".join(out)


# --- cells ---------------------------------------------------------------------------------------

_HEAD, _DATA, _CELL, _V_FIRST, _SKIP, _V_TEXT, _IS, _T, _DONE = range(9)
_PLAIN_V_TYPES = (None, b"n", b"s", b"b", b"e")
_CELL_ATTRIBUTES = (b"r", b"s", b"t")


class CellScan:
    """Where calamine puts the cells of a sheet fed block by block (the module docstring).

    ``max_row`` and ``max_col`` (1-based) bound the rectangle calamine allocates for the cells
    with a value (``cells`` of them); ``dimension`` is the ``<dimension ref>`` calamine reads
    before ``<sheetData>``, as (ref, rows, columns). ``failed`` says where calamine stops with an
    error (it allocates nothing then).
    """

    def __init__(self, limit: int) -> None:
        self.tokens = Tokens(limit)
        self.max_row = self.max_col = self.cells = 0
        self.min_row = 0  # 1-based: the first row of calamine's range (0: no cell with a value)
        self.dimension: tuple[str, int, int] | None = None
        self.failed: str | None = None
        self._state = _HEAD
        self._row = self._col = 0  # calamine's row_index and col_index (0-based)
        self._cell = (0, 0)
        self._value = False
        self._type: bytes | None = None
        self._name = b""  # the element a sub-loop reads to the end of
        self._depth = 0
        self._closing = b""  # the <is> element being read
        self._phonetic = False

    def feed(self, block: bytes, final: bool = False) -> None:
        """Place the cells of one more block (``final``: the part's last).

        One loop with the state in locals (a few microseconds a cell in Python): for each event,
        what ``next_cell`` and the value readers it calls do with it."""
        state = self._state
        if state == _DONE:
            return
        row, col, cell, value, kind_of = self._row, self._col, self._cell, self._value, self._type
        name_of, depth, closing, phonetic = self._name, self._depth, self._closing, self._phonetic
        try:
            for kind, name, attrs, text in self.tokens.feed(block, final):
                if state == _DATA:
                    if kind == START:
                        local = name[name.find(b":") + 1 :]
                        if local == b"c":
                            found = get_attrs(attrs, _CELL_ATTRIBUTES) if attrs else {}
                            reference = found.get(b"r")
                            if reference is not None:
                                cell_row, column = row_and_column(reference)
                                if column is None:
                                    raise Failed("a cell reference without a column")
                                col = column
                                cell = (cell_row, column)
                            else:
                                cell = (row, col)
                            kind_of, value, state = found.get(b"t"), False, _CELL
                        elif local == b"row":
                            reference = raw_attr(attrs, b"r") if attrs else None
                            if reference is not None:
                                row = row_and_column(reference)[0]
                    elif kind == END:
                        local = name[name.find(b":") + 1 :]
                        if local == b"row":
                            row, col = row + 1, 0
                        elif local == b"sheetData":
                            state = _DONE
                            break
                elif state == _CELL:
                    if kind == START:
                        local = name[name.find(b":") + 1 :]
                        if local == b"v":
                            if kind_of in (b"inlineStr", b"is"):
                                name_of, depth, state = name, 0, _SKIP
                            elif kind_of in _PLAIN_V_TYPES:
                                name_of, state = name, _V_FIRST
                            else:
                                name_of, value, state = name, True, _V_TEXT
                        elif local == b"is":
                            closing, phonetic, value, state = name, False, True, _IS
                        elif local == b"f":
                            name_of, depth, state = name, 0, _SKIP
                        else:
                            raise Failed("an element in a cell other than v, is or f")
                    elif kind == END and name[name.find(b":") + 1 :] == b"c":
                        col += 1
                        state = _DATA
                        if value:
                            cell_row, column = cell
                            self.cells += 1
                            if not self.min_row or cell_row < self.min_row - 1:
                                self.min_row = cell_row + 1
                            if cell_row >= self.max_row:
                                self.max_row = cell_row + 1
                            if column >= self.max_col:
                                self.max_col = column + 1
                elif state == _V_FIRST:
                    if text:  # the text is the <v>'s first event: its value; then read to its end
                        value, depth, state = True, 0, _SKIP
                        if name == name_of:  # this event is the first of the read to the end
                            if kind == START:
                                depth = 1
                            elif kind == END:
                                state = _CELL
                    elif kind == END and name == name_of:
                        state = _CELL  # <v></v>: empty
                    else:  # this event is consumed; then read to the </v> (not counting this one)
                        depth, state = 0, _SKIP
                elif state == _SKIP:  # quick-xml's read_to_end: to the end of name_of, counting nested
                    if name == name_of:
                        if kind == START:
                            depth += 1
                        elif kind == END:
                            if depth == 0:
                                state = _CELL
                            else:
                                depth -= 1
                elif state == _V_TEXT:
                    if kind == END and name == name_of:
                        state = _CELL
                elif state == _IS:
                    if kind == START:
                        local = name[name.find(b":") + 1 :]
                        if local == b"rPh":
                            phonetic = True
                        elif local == b"t" and not phonetic:
                            name_of, state = name, _T
                    elif kind == END:
                        if name == closing:
                            state = _CELL
                        elif name[name.find(b":") + 1 :] == b"rPh":
                            phonetic = False
                elif state == _T:
                    if kind == END and name == name_of:
                        state = _IS
                elif state == _HEAD and kind == START:
                    local = name[name.find(b":") + 1 :]
                    if local == b"sheetData":
                        state = _DATA
                    elif local == b"dimension":
                        reference = raw_attr(attrs, b"ref")
                        if reference is None:
                            raise Failed("a dimension without ref")
                        self.dimension = _dimension(reference)
        except Failed as exc:
            self.failed, state = str(exc), _DONE
        self._state, self._row, self._col, self._cell, self._value, self._type = (
            state,
            row,
            col,
            cell,
            value,
            kind_of,
        )
        self._name, self._depth, self._closing, self._phonetic = name_of, depth, closing, phonetic


def _dimension(reference: bytes) -> tuple[str, int, int]:
    """calamine's ``get_dimension``: (ref, rows, columns) of ``A1:C3`` or ``B2``."""
    corners = []
    for part in reference.split(b":"):
        row, column = row_and_column(part)
        if column is None:
            raise Failed("a dimension without a column")
        corners.append((row, column))
    if len(corners) > 2:
        raise Failed("a dimension of more than two corners")
    (row1, col1), (row2, col2) = corners[0], corners[-1]
    return reference.decode("ascii", "replace"), abs(row2 - row1) + 1, abs(col2 - col1) + 1


# --- the workbook --------------------------------------------------------------------------------


def _events(data: bytes) -> tuple[list[Event], bool]:
    tokens = Tokens(len(data) + 1)
    events = list(tokens.feed(data, final=True))
    return events, tokens.malformed


def package_folder(rels: bytes) -> str:
    """calamine's ``read_package_relationships``: the workbook folder (``xl/``) from the last
    officeDocument relationship of ``_rels/.rels``; ``Failed`` where calamine fails."""
    events, malformed = _events(rels)
    if malformed:
        raise Failed("malformed XML")
    started, target = False, None
    for kind, name, attrs, _text in events:
        local = local_name(name)
        if not started:
            started = kind == START and local == b"Relationships"
            continue
        if kind == START and local == b"Relationship":
            found = get_attrs(attrs, (b"Type", b"Target"))
            kind_of = found.get(b"Type")
            office = kind_of is not None and kind_of.endswith(b"/relationships/officeDocument")
            if office and b"Target" in found:
                target = unescape(found[b"Target"])
        elif kind == END and local == b"Relationships":
            break
    else:
        raise Failed("no end of the relationships")
    if target is None:
        raise Failed("no officeDocument relationship")
    cut = target.rfind("/")
    if cut < 0:
        return ""
    folder = target[: cut + 1]
    return folder[1:] if folder.startswith("/") else folder


def relationships(rels: bytes) -> dict[bytes, tuple[str, str]]:
    """calamine's ``read_relationships``: Id -> (Target, Type), as written (not unescaped)."""
    events, malformed = _events(rels)
    if malformed:
        raise Failed("malformed XML")
    found: dict[bytes, tuple[str, str]] = {}
    for kind, name, attrs, _text in events:
        local = local_name(name)
        if kind == START and local == b"Relationship":
            values = get_attrs(attrs, (b"Id", b"Type", b"Target"))
            if b"Id" in values:
                try:
                    target = values.get(b"Target", b"").decode("utf-8")
                    kind_of = values.get(b"Type", b"").decode("utf-8")
                except UnicodeDecodeError:
                    raise Failed("not UTF-8") from None
                found[values[b"Id"]] = (target, kind_of)
        elif kind == END and local == b"Relationships":
            return found
    raise Failed("no end of the relationships")


def sheets(workbook: bytes, rels: dict[bytes, tuple[str, str]], folder: str) -> list[tuple[str, str]]:
    """calamine's ``read_workbook``: (name, part path) of every sheet, in order; ``Failed`` where
    calamine fails (an unknown relationship, sheet type or state)."""
    events, malformed = _events(workbook)
    if malformed:
        raise Failed("malformed XML")
    found: list[tuple[str, str]] = []
    inside: bytes | None = None  # a definedName being read to its end
    for kind, name, attrs, _text in events:
        if inside is not None:
            if kind == END and name == inside:
                inside = None
            continue
        local = local_name(name)
        if kind == START and local == b"sheet":
            sheet, rel_id = "", b""
            for key, value in attributes(attrs):
                if key == b"name":
                    sheet = unescape(value)
                elif key == b"state":
                    if value not in (b"visible", b"hidden", b"veryHidden"):
                        raise Failed("an unknown sheet state")
                elif key == b"id" or (key.endswith(b":id")):
                    rel_id = value
            if rel_id not in rels:
                raise Failed("a sheet without its relationship")
            target, kind_of = rels[rel_id]
            path = target[1:] if target.startswith("/") else folder + target
            if kind_of.rsplit("/", 1)[-1] not in ("worksheet", "chartsheet", "dialogsheet"):
                raise Failed("a sheet of an unknown type")
            found.append((sheet, path))
        elif kind == START and local == b"workbookPr":
            raw_attr(attrs, b"date1904")
        elif kind == START and local == b"definedName":
            if raw_attr(attrs, b"name") is not None:
                inside = name
        elif kind == END and local == b"workbook":
            return found
    raise Failed("no end of the workbook")

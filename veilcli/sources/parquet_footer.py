"""What a Parquet file declares about itself, read before polars reads any data: its footer and
the header of every page (Thrift compact protocol, read by a small bounded parser of our own;
pyarrow is not a dependency).

``declared_sizes`` returns the rows, the leaf columns, and per column chunk the bytes its pages
inflate to: the sum of the pages' ``uncompressed_page_size`` as each page header declares it
(polars allocates that much to decompress a page), not the footer's ``total_uncompressed_size``
alone (a footer may lie; its pages are what polars reads). The parser refuses anything it cannot
bound: nesting deeper than ``_DEPTH``, a list or string longer than the bytes left, a footer
larger than ``MAX_FOOTER``, pages that run out of their chunk, more than ``MAX_PAGES`` pages, a
page declaring more than ``MAX_PAGE`` bytes (polars allocates what a page header declares before
it decompresses: one header claiming 2 GB aborted it).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAX_FOOTER = 16 << 20  # bytes of footer (a 10M-row, 2,000-column file's is a few MB)
MAX_PAGES = 1_000_000  # pages in a file (writers make pages of ~1 MB: a 2 GiB file has thousands)
MAX_PAGE = 256 << 20  # bytes one page may inflate to: polars allocates it before decompressing
_DEPTH = 24  # nesting of Thrift structs and lists (a Parquet footer needs about 8)
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(13)


class Malformed(Exception):
    """The footer or a page header cannot be read (or not within the bounds)."""


class _Reader:
    """Thrift compact protocol over ``data[start:end]``, bounded (see the module docstring)."""

    def __init__(self, data: bytes | memoryview, start: int, end: int) -> None:
        self.data, self.position, self.end = data, start, end

    def byte(self) -> int:
        if self.position >= self.end:
            raise Malformed("cut short")
        value = self.data[self.position]
        self.position += 1
        return value

    def varint(self) -> int:
        result = shift = 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise Malformed("a number of more than 64 bits")

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def binary(self) -> bytes:
        length = self.varint()
        if length > self.end - self.position:
            raise Malformed("a string longer than the footer")
        value = bytes(self.data[self.position : self.position + length])
        self.position += length
        return value

    def value(self, kind: int, depth: int) -> object:
        if depth > _DEPTH:
            raise Malformed("nested too deep")
        if kind in (_TRUE, _FALSE):  # inside a struct the type is the value; in a list, a byte
            return kind == _TRUE
        if kind == _BYTE:
            return self.byte()
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _DOUBLE:
            if self.end - self.position < 8:
                raise Malformed("cut short")
            self.position += 8
            return 0.0
        if kind == _BINARY:
            return self.binary()
        if kind in (_LIST, _SET):
            header = self.byte()
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            if size > self.end - self.position:  # every element takes a byte at least
                raise Malformed("a list longer than the footer")
            if element in (_TRUE, _FALSE):
                return [self.byte() == 1 for _ in range(size)]
            return [self.value(element, depth + 1) for _ in range(size)]
        if kind == _MAP:
            size = self.varint()
            if size > self.end - self.position:
                raise Malformed("a map longer than the footer")
            if not size:
                return {}
            types = self.byte()
            return {
                _key(self.value(types >> 4, depth + 1)): self.value(types & 0x0F, depth + 1)
                for _ in range(size)
            }
        if kind == _STRUCT:
            return self.struct(depth + 1)
        raise Malformed(f"an unknown Thrift type {kind}")

    def struct(self, depth: int = 0) -> dict[int, object]:
        if depth > _DEPTH:
            raise Malformed("nested too deep")
        fields: dict[int, object] = {}
        last = 0
        while True:
            header = self.byte()
            if header == _STOP:
                return fields
            delta, kind = header >> 4, header & 0x0F
            number = last + delta if delta else self.zigzag()
            fields[number] = self.value(kind, depth)
            last = number


def _key(value: object) -> object:
    return value if isinstance(value, (int, bytes, bool, float)) else repr(value)


def _int(fields: dict[int, object], number: int, default: int = 0) -> int:
    value = fields.get(number, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Malformed(f"field {number} is not a number")
    return value


def _structs(fields: dict[int, object], number: int) -> list[dict[int, object]]:
    value = fields.get(number, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Malformed(f"field {number} is not a list of structs")
    return value


@dataclass
class Chunk:
    """One column chunk: its column, values, and the bytes its pages declare."""

    column: str
    values: int
    inflated: int  # sum of the pages' uncompressed_page_size
    dictionary_values: int = 0  # entries of its dictionary page(s)
    page_values: int = 0  # values its data pages declare (polars decodes that many)
    unencoded: int | None = None  # size statistics: byte-array data bytes, when the writer gave them


@dataclass
class Declared:
    """What a Parquet file declares about itself."""

    rows: int
    columns: int  # leaf columns of the schema
    row_groups: int
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def inflated(self) -> int:
        """Bytes all pages inflate to."""
        return sum(c.inflated for c in self.chunks)


def declared_sizes(data: bytes) -> Declared:
    """The footer and page headers of a Parquet file held in memory (``Malformed``: unreadable)."""
    if len(data) < 12 or data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise Malformed("no PAR1 marks at the start and end")
    length = struct.unpack("<I", data[-8:-4])[0]
    if length > MAX_FOOTER:
        raise Malformed(f"a footer of {length:,} bytes (more than {MAX_FOOTER:,})")
    start = len(data) - 8 - length
    if start < 4:
        raise Malformed("a footer longer than the file")
    reader = _Reader(data, start, len(data) - 8)
    meta = reader.struct()
    schema = _structs(meta, 2)
    leaves = sum(1 for element in schema[1:] if 5 not in element)  # no num_children: a leaf
    groups = _structs(meta, 4)
    declared = Declared(rows=_int(meta, 3), columns=leaves, row_groups=len(groups))
    pages = [0]  # pages walked in the whole file
    for group in groups:
        for chunk in _structs(group, 1):
            meta_data = chunk.get(3)
            if not isinstance(meta_data, dict):
                raise Malformed("a column chunk without its metadata")
            declared.chunks.append(_chunk(data, meta_data, pages))
    return declared


def _chunk(data: bytes, meta: dict[int, object], pages: list[int]) -> Chunk:
    path = meta.get(3, [])
    column = (
        ".".join(p.decode("utf-8", "replace") for p in path if isinstance(p, bytes))
        if isinstance(path, list)
        else "?"
    )
    values = _int(meta, 5)
    compressed = _int(meta, 7)
    first = _int(meta, 9)
    dictionary = meta.get(11)
    if isinstance(dictionary, int) and not isinstance(dictionary, bool) and 0 < dictionary < first:
        first = dictionary  # polars starts at the dictionary page when there is one before the data
    if first < 4 or compressed < 0 or first + compressed > len(data) - 8:
        raise Malformed(f"column {column!r}: its pages lie outside the file")
    unencoded = None
    sizes = meta.get(16)
    if isinstance(sizes, dict) and isinstance(sizes.get(1), int):
        unencoded = _int(sizes, 1)
    result = Chunk(column, values, 0, unencoded=unencoded)
    position, end = first, first + compressed
    while position < end:
        reader = _Reader(data, position, end)
        header = reader.struct()
        inflated, size = _int(header, 2), _int(header, 3)
        if inflated < 0 or size < 0 or reader.position + size > end:
            raise Malformed(f"column {column!r}: a page runs past its chunk")
        if inflated > MAX_PAGE:  # writers make pages of about 1 MB
            raise Malformed(f"column {column!r}: a page declares {inflated:,} bytes (more than {MAX_PAGE:,})")
        result.inflated += inflated
        page_dictionary = header.get(7)
        if isinstance(page_dictionary, dict):
            result.dictionary_values += _int(page_dictionary, 1)
        for number in (5, 8):  # DataPageHeader, DataPageHeaderV2: num_values first
            page = header.get(number)
            if isinstance(page, dict):
                result.page_values += _int(page, 1)
        position = reader.position + size
        pages[0] += 1
        if pages[0] > MAX_PAGES:
            raise Malformed(f"more than {MAX_PAGES:,} pages")
    return result

"""The encoding of a text file (csv/txt/tsv, json), decided from the whole file, and its line ends.

The rule (also in ``readers.py`` and the README): a UTF-8 byte-order mark means UTF-8; a UTF-16
mark, or NULs in every other byte, UTF-16; valid UTF-8 throughout, UTF-8; otherwise Windows-1252,
but only when no byte sequence anywhere is a valid UTF-8 character. Anything else is refused with
the line and byte offset of the first bad byte. A lone CR (old Mac) ends a line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from veilcli.errors import InputError
from veilcli.sources.limits import MIB
from veilcli.sources.messages import display_path

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


def first_invalid_utf8(data: bytes, start: int = 0) -> int | None:
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


def nul_error(path: Path, where: str) -> InputError:
    """A NUL byte in a text file (``where``: "line N, byte offset M"), in a file read whole or in blocks."""
    return InputError(
        f"{display_path(path)}: a NUL byte at {where}: not a text file (binary content).",
        hint="csv files must be text; for workbooks use the .xlsx extension.",
    )


def needs_whole_file(head: bytes) -> bool:
    """Whether the first bytes of a file show it is not plain UTF-8 text (a UTF-16 or UTF-32 mark,
    NULs in every other byte, a known binary format): such a file is read whole, where
    ``decode_text`` decodes or names it."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or _utf16(head) is not None:
        return True
    return any(head.startswith(magic) for magic, _ in _BINARY_MAGIC)


def decode_text(data: bytes, path: Path) -> tuple[bytes, str]:
    """The file's text as UTF-8 bytes and the encoding it was read in (rule: the module docstring)."""
    name = display_path(path)
    resave = "save the file again as UTF-8 (in Excel: 'CSV UTF-8')."
    if data.startswith(UTF8_BOM):
        bad = first_invalid_utf8(data, len(UTF8_BOM))
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
        raise nul_error(path, _position(data, nul))
    bad = first_invalid_utf8(data)
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


def normalise_line_ends(data: bytes) -> bytes:
    """A lone CR (old Mac line end) becomes LF; CRLF is left to polars. Same length, same offsets."""
    if b"\r" not in data:  # the usual case, found by memchr (counting would take ~8x longer)
        return data
    carriage_returns = data.count(b"\r")
    if carriage_returns and carriage_returns != data.count(b"\r\n"):
        return _LONE_CR.sub(b"\n", data)
    return data

"""Text for messages about input: a path or a value as one printable line, cut short.

A message never quotes a file at length: at most one value, cut to ``SHORT`` characters, with
control characters, bidirectional marks and bytes that are not UTF-8 shown as escapes. Findings
(``Issue``) keep their values as written, only cut (``cut``): the terminal renderers escape them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SHORT = 40  # characters of a value quoted in a message

# C0 and C1 controls, DEL, bidirectional overrides, and lone surrogates (bytes of a file name
# that are not UTF-8): shown as escapes, so a message stays one printable line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def display_path(path: Path | str) -> str:
    """A path as one printable line: undecodable bytes as ``\\xNN``, control characters escaped."""
    return _CONTROL.sub(_escape, os.fspath(path))


def short(value: object, limit: int = SHORT) -> str:
    """A value for a message: control characters escaped, cut to ``limit`` characters."""
    shown = _CONTROL.sub(_escape, str(value))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def cut(value: object, limit: int = SHORT) -> str:
    """A value cut to ``limit`` characters (an ellipsis marks the cut), not escaped."""
    shown = str(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def reason(exc: BaseException) -> str:
    """A library's error as a short reason: its first line, quoted data taken out, cut short."""
    first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
    if "deserializing" in first:  # polars quotes the record it could not fit
        return "the records do not all have the same shape"
    first = re.sub(r'`[^`]*(?:`|$)|"[^"]*(?:"|$)', "…", first)  # quoted data, even if cut off
    return short(first, 80)

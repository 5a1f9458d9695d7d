"""User text on a terminal: printed as it is, never run as console markup or escape sequences.

Values, headers, paths, sheet and plan names come from files that someone else may have made.
rich reads ``[bold]`` or ``[/]`` in a string as markup (and an unmatched ``[/]`` raises) and
``:smile:`` as an emoji code; a terminal runs ESC sequences (colours, cursor moves, window
titles, hyperlinks) and C1 controls. So everything the CLI prints is a ``rich.text.Text`` built
by ``text`` / ``line`` (no markup, no emoji), and every string passes ``plain``, which shows
control characters as visible escapes (``\\x1b``) instead of sending them to the terminal.
The CLI's consoles are ``SafeConsole``s, so even a plain ``str`` printed there is safe.
"""

from __future__ import annotations

import os
import re
from typing import Any

from rich.console import Console
from rich.text import Text

from veilcli.errors import VeilcliError

# C0 controls but tab and newline, DEL, C1 controls (U+0080-U+009F: U+009B is a one-character
# CSI on some terminals), the bidirectional marks/overrides/isolates that reorder a line, and lone
# surrogates (bytes of a file name that are not UTF-8; they cannot even be encoded for output).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
SHORT = 40  # characters of a value quoted in a message


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def plain(value: object) -> str:
    """``str(value)`` with every control character (but tab and newline) shown as an escape."""
    return _CONTROL.sub(_escape, str(value))


def has_control(value: object) -> bool:
    """Whether ``plain`` would change the text."""
    return _CONTROL.search(str(value)) is not None


def text(value: object, style: str = "") -> Text:
    """One piece of user text for rich (no markup, no emoji, no control characters)."""
    return Text(plain(value), style=style)


def line(*parts: str | tuple[str, str]) -> Text:
    """Plain pieces and ``(text, style)`` pieces: ``line(("error:", "bold red"), " ", message)``."""
    return Text.assemble(*(plain(p) if isinstance(p, str) else (plain(p[0]), p[1]) for p in parts))


def short(value: object, limit: int = SHORT) -> str:
    """A value cut to ``limit`` characters (an ellipsis marks the cut)."""
    shown = str(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(document: str) -> str:
    """JSON text safe for a terminal: control characters left raw by ``json.dumps`` become ``\\uXXXX``.

    ``json.dumps`` escapes C0 controls itself; DEL, C1 and bidi controls can only stand inside
    strings, where the escape means the same character, so the document stays equal.
    """
    return _CONTROL.sub(_json_escape, document)


OUTPUT_CLOSED = (
    "standard output was closed before veilcli finished writing (a broken pipe, as with | head): "
    "the output is cut short."
)


class OutputClosedError(VeilcliError):
    """Standard output went away while a command wrote to it (``veilcli status | head -1``).

    Exit 2 with this one line (no hint: the reader closed on purpose, usually), never rich's silent
    exit 1 or a ``BrokenPipeError`` traceback; standard output is then ``/dev/null``, so the final
    flush at exit cannot fail a second time."""

    def __init__(self) -> None:
        super().__init__(OUTPUT_CLOSED)


def silence(fd: int) -> None:
    """Point a standard file descriptor at ``/dev/null`` (after a broken pipe on it)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # pragma: no cover - no /dev/null: nothing better to do
        return
    try:
        os.dup2(null, fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(null)


def output_closed(exc: BaseException) -> bool:
    """Whether ``exc`` is a write to standard output whose reader has gone (EPIPE on fd 1)."""
    if not isinstance(exc, BrokenPipeError):
        return False
    try:
        import select

        poll = select.poll()
        poll.register(1, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows): a broken pipe is stdout's
        return True


class SafeConsole(Console):
    """A console that prints every string as plain text: never markup or emoji codes, no controls.

    Styling goes through ``Text`` (``text``/``line``); a ``str`` given to ``print``, a table cell or
    a title is shown exactly as written, with control characters escaped by ``plain``.
    """

    def __init__(self, **options: Any) -> None:
        options.setdefault("markup", False)
        options.setdefault("emoji", False)
        options.setdefault("highlight", False)
        super().__init__(**options)

    def render_str(self, text: str, **options: Any) -> Text:
        """``Console.render_str`` on ``plain(text)``, markup and emoji off whatever the caller asks."""
        options.update(markup=False, emoji=False)
        return super().render_str(plain(text), **options)

    def on_broken_pipe(self) -> None:
        """The reader of this console's stream has gone (``| head``). Standard output: the command
        stops with ``OutputClosedError`` (exit 2, one line). Standard error: its messages are lost,
        as with ``2>/dev/null``, and the command carries on."""
        self.quiet = True
        try:
            fd = self.file.fileno()
        except (AttributeError, OSError, ValueError):  # a buffer (``output_to``): no descriptor
            fd = None
        if self.stderr:
            if fd == 2:
                silence(2)
            return
        if fd == 1:
            silence(1)
        raise OutputClosedError()

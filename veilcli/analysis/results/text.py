"""The few words a result's ``repr`` is made of (shared by the result modules)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def number(value: float | None, digits: int = 1) -> str:
    """A figure for a repr line: ``-`` for none, whole numbers with thousands separators."""
    if value is None:
        return "-"
    # A rate below 1 per 1,000 (straatroof 0.19) needs two decimals to show that it moved.
    return f"{value:,.{2 if digits == 1 and abs(value) < 1 else digits}f}"


def pct(value: float | None) -> str:
    """A change in % for a repr line: ``+7%``, ``-0.4%`` below 1, ``-`` for none."""
    if value is None:
        return "-"
    return f"{value:+.1f}%" if abs(value) < 1 else f"{value:+.0f}%"


def plural(n: int, word: str) -> str:
    """``1 area``, ``3 areas``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def tally(statuses: Iterable[str]) -> str:
    """Statuses with how often each occurs, the most frequent first: ``achieved 5, monitor 3``."""
    counted = Counter(statuses)
    return ", ".join(f"{status} {n}" for status, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))

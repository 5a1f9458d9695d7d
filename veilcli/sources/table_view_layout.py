"""The StatLine / data.politie.nl **table view** layout, as the readers see it before any header.

A table view ("CSV met statistische symbolen", or the same as xlsx) starts with a title block:
line 1 the table's title, then one line per filter fixed at one value
(``"Soort misdrijf: Totaal misdrijven"``) and an empty line. Then the **header block**: one line
per column dimension, each starting with the dimension's name (``"Onderwerp";"Geregistreerde
misdrijven";...``, ``"Perioden";"2022";"2023"``) and a last line whose first cell(s) name the row
dimension(s) and whose other cells give the unit (``"Regio's";"aantal";"aantal"``). Data rows and a
footer (``"Bron: Politie"``) follow.

``table_view_start`` tells, from the first rows of a file, whether it is laid out so and where the
header block starts; the readers then read the rows from there without header detection
(``column_1``.. as column names, ``metadata["layout"] = "table-view"``, the title and filter lines
in the metadata) and ``formats/table_view.py`` does the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

LAYOUT = "layout"
TABLE_VIEW = "table-view"
TITLE = "title"
FILTERS = "filters"  # the fixed-filter lines, one per line
SEARCH_ROWS = 40

# The unit cells of the header block's last line.
UNIT = re.compile(
    r"^(aantal|%|‰|x ?1 ?000|euro|mln euro|promille|index|per \S.*|aantal per \S.*|.*\(aantal\))$",
    re.IGNORECASE,
)


def _cells(row: Sequence[object]) -> list[str]:
    return ["" if c is None else str(c).strip() for c in row]


def unit_line(rows: Sequence[Sequence[object]], start: int) -> tuple[int, int] | None:
    """Index of the header block's unit line at or after ``start`` and the number of row-label
    cells before its units, or None when no line within ``SEARCH_ROWS`` looks like one."""
    for index in range(start, min(len(rows), start + SEARCH_ROWS)):
        cells = _cells(rows[index])
        if not cells or not cells[0]:
            return None  # every header line starts with a dimension's name
        labels = 0
        while labels < len(cells) and cells[labels] and not UNIT.match(cells[labels]):
            labels += 1
        rest = [c for c in cells[labels:] if c]
        if labels and rest and all(UNIT.match(c) for c in rest):
            return index, labels
    return None


def table_view_start(rows: Sequence[Sequence[object]]) -> int | None:
    """Index (0-based) of the first header-block line if ``rows`` (the first lines of a file or
    sheet) are a table view: a one-cell title, one-cell filter lines or empty lines, then a header
    block that ends in a unit line. None otherwise."""
    if not rows:
        return None
    first = [c for c in _cells(rows[0]) if c]
    if len(first) != 1 or not _cells(rows[0])[0]:
        return None
    for index in range(1, min(len(rows), SEARCH_ROWS)):
        filled = [c for c in _cells(rows[index]) if c]
        if len(filled) <= 1:
            continue
        return index if unit_line(rows, index) is not None else None
    return None


def title_block(rows: Sequence[Sequence[object]], start: int) -> dict[str, str]:
    """The title and fixed-filter lines above the header block, as ``RawTable.metadata``."""
    lines = [next((c for c in _cells(r) if c), "") for r in rows[:start]]
    filters = [line for line in lines[1:] if line]
    return {LAYOUT: TABLE_VIEW, TITLE: lines[0], FILTERS: "\n".join(filters)}

"""The StatLine / data.politie.nl **table view** layout, as the readers see it before any header.

A table view ("CSV met statistische symbolen", or the same as xlsx) starts with a title block:
line 1 the table's title, then one line per filter fixed at one value
(``"Soort misdrijf: Totaal misdrijven"``) and an empty line. Then the **header block**: one line
per column dimension, each starting with the dimension's name (``"Onderwerp";"Geregistreerde
misdrijven";...``, ``"Perioden";"2022";"2023"``) and a last line whose first cell(s) name the row
dimension(s) and whose other cells give the unit (``"Regio's";"aantal";"aantal"``). Data rows and a
footer (``"Bron: Politie"``) follow.

A table view may also come without its title block (only the header block, data rows and the
footer) or with filter lines but no title: then the header block starts on the file's first line
(or the first line after the filter lines), recognised by a first cell that names a StatLine
dimension (``Onderwerp``, ``Perioden``, ``Regio's``, ``Marges``, ...) and a unit line under it.

``table_view_start`` tells, from the first rows of a file, whether it is laid out so and where the
header block starts; the readers then read the rows from there without header detection
(``column_1``.. as column names, ``metadata["layout"] = "table-view"``, the title and filter lines
in the metadata) and ``formats/table_view.py`` (counts) or ``formats/statline_survey_view.py``
(survey tables) does the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from veilcli.sources.columns import normalise_header

LAYOUT = "layout"
TABLE_VIEW = "table-view"
TITLE = "title"
FILTERS = "filters"  # the fixed-filter lines, one per line
SEARCH_ROWS = 40

# The unit cells of the header block's last line: counts and rates, and the survey tables' units
# (``%``, ``% slachtoffer``, ``% 'komt vaak voor'``, ``rapportcijfer``, ``schaalscore (0-10)``).
UNIT = re.compile(
    r"^(aantal|%.*|‰|x ?1 ?000|euro|mln euro|promille|index|per \S.*|aantal per \S.*|.*\(aantal\)"
    r"|(rapportcijfer|schaalscore|(gemiddeld )?cijfer)( \([^)]*\))?)$",
    re.IGNORECASE,
)
# Folded names of the dimensions StatLine writes as the first cell of a header-block line: how a
# table view without its title block is told from an ordinary table whose first row is a header.
DIMENSION_NAMES = frozenset(
    {
        "onderwerp",
        "onderwerpen",
        "perioden",
        "periode",
        "regios",
        "regio",
        "wijkenenbuurten",
        "gemeenten",
        "gemeente",
        "politieregio",
        "politieregios",
        "politieeenheden",
        "politieeenheid",
        "soortmisdrijf",
        "soortmisdrijven",
        "overlast",
        "soortoverlast",
        "marges",
        "persoonskenmerken",
        "gebruikvangeweld",
    }
)
# The longest header block read without its title block: a few column dimensions and the unit line.
HEADERLESS_BLOCK = 6


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


def _trimmed(row: Sequence[object]) -> list[str]:
    cells = _cells(row)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def is_filter_line(text: str) -> bool:
    """Whether a one-cell line is a fixed filter (``"Soort misdrijf: Totaal misdrijven"``): a
    StatLine dimension's name, a colon and a value. A table title names no dimension so."""
    name, sep, value = text.partition(":")
    return bool(sep and value.strip()) and normalise_header(name) in DIMENSION_NAMES


def _header_block_at(rows: Sequence[Sequence[object]], start: int) -> bool:
    """Whether a header block without title starts at ``start``: its first cell names a StatLine
    dimension, the line has values beside it, and a unit line follows within a few lines whose
    units fill every column (an ordinary header row is never followed by a row of units only)."""
    first = _trimmed(rows[start])
    if len(first) < 2 or normalise_header(first[0]) not in DIMENSION_NAMES:
        return False
    found = unit_line(rows[: start + HEADERLESS_BLOCK], start + 1)
    if found is None:
        return False
    index, labels = found
    units = _trimmed(rows[index])[labels:]
    return len(units) >= len(first) - labels and all(units)


def table_view_start(rows: Sequence[Sequence[object]]) -> int | None:
    """Index (0-based) of the first header-block line if ``rows`` (the first lines of a file or
    sheet) are a table view: a one-cell title, one-cell filter lines or empty lines, then a header
    block that ends in a unit line; or the header block alone, from the first line (see the module
    docstring). None otherwise."""
    if not rows:
        return None
    first = [c for c in _cells(rows[0]) if c]
    if len(first) != 1 or not _cells(rows[0])[0]:
        return 0 if len(first) > 1 and _header_block_at(rows, 0) else None
    for index in range(1, min(len(rows), SEARCH_ROWS)):
        filled = [c for c in _cells(rows[index]) if c]
        if len(filled) <= 1:
            continue
        return index if unit_line(rows, index) is not None else None
    return None


def title_block(rows: Sequence[Sequence[object]], start: int) -> dict[str, str]:
    """The title and fixed-filter lines above the header block, as ``RawTable.metadata`` (an empty
    title when the file has none: no lines above the block, or filter lines only)."""
    lines = [next((c for c in _cells(r) if c), "") for r in rows[:start]]
    title = lines[0] if lines and not is_filter_line(lines[0]) else ""
    filters = [line for line in lines[1 if title else 0 :] if line]
    return {LAYOUT: TABLE_VIEW, TITLE: title, FILTERS: "\n".join(filters)}

"""Formula safety for every file a spreadsheet may open: CSV exports, rejected rows, workbooks.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, on import, a tab or carriage return before one) as a formula: ``=HYPERLINK("http://x","y")``,
``=cmd|' /C calc'!A0``, ``@SUM(A1)``, ``+1+1``, ``-2+3``. Values from input files, plan and area
names reach our outputs, so one rule applies to every writer (OWASP, "CSV injection"):

- **CSV**: a text value that starts with one of those characters gets a leading single quote
  (``'=HYPERLINK(...)``), so a spreadsheet shows it as text; header names too. Plain numbers in
  text (``-3.5``, ``+12``, ``-1.043,5``) and a lone ``-`` or ``+`` are left as they are: a
  spreadsheet reads them as numbers or text, never as formulas. Numeric columns are numbers.
  Text fields in files are always quoted, so a ``;`` inside a value cannot split it into a new
  cell when a Dutch Excel (list separator ``;``) opens the file. CSV on stdout (``compare`` and
  ``normalise --format csv``) is neutralised too, quoted only where CSV needs it.
- **xlsx**: every string is written as a string cell (``data_type "s"``), never a formula or an
  error value such as ``#N/A``; formula-like strings also get the quote-prefix style, so Excel
  keeps them text when the cell is edited. Control characters XML cannot carry are removed.
- **Sheet names**: characters Excel forbids are replaced, control characters removed, no leading
  formula character or apostrophe, at most 31 characters.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_RE = r"^[=+\-@\t\r]"
_NUMBER_RE = r"^[+-]?(?:\d+(?:[.,]\d+)*(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$"
_NUMBER = re.compile(_NUMBER_RE)
_HARMLESS = ("-", "+")
# XML 1.0 cannot carry these (openpyxl raises IllegalCharacterError on them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
SHEET_NAME_MAX = 31


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as (the start of) a formula."""
    return text.startswith(FORMULA_START) and text not in _HARMLESS and not _NUMBER.match(text)


def neutralise(text: str) -> str:
    """CSV rule: a leading ``'`` before formula-like text; anything else unchanged."""
    return "'" + text if is_formula_like(text) else text


def neutralise_expr(expr: pl.Expr) -> pl.Expr:
    """``neutralise`` over a String column, vectorised."""
    risky = (
        expr.str.contains(_FORMULA_START_RE) & ~expr.is_in(list(_HARMLESS)) & ~expr.str.contains(_NUMBER_RE)
    )
    return pl.when(risky).then(pl.lit("'") + expr).otherwise(expr)


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column and header name neutralised (numbers, dates and booleans untouched)."""
    text_columns = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    safe = frame.with_columns(neutralise_expr(pl.col(c).cast(pl.String)).alias(c) for c in text_columns)
    renames: dict[str, str] = {}
    taken = set(frame.columns)
    for name in frame.columns:
        if is_formula_like(name):
            new = neutralise(name)
            while new in taken:
                new = "'" + new
            renames[name] = new
            taken.add(new)
    return safe.rename(renames) if renames else safe


def csv_text(frame: pl.DataFrame, *, quote_text: bool = True) -> str:
    """The frame as CSV text a spreadsheet opens without running anything.

    ``quote_text=False`` (CSV on stdout, for scripts) quotes only where CSV needs it.
    """
    return neutralise_frame(frame).write_csv(quote_style="non_numeric" if quote_text else "necessary")


def write_csv(frame: pl.DataFrame, path: Any) -> None:
    """``csv_text`` into a file (UTF-8, no newline translation)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text(frame))


def xlsx_text(text: str) -> str:
    """Text an xlsx cell can carry: control characters XML forbids removed."""
    return _XML_ILLEGAL.sub("", text)


def sheet_name(text: str, fallback: str = "Sheet") -> str:
    """A valid sheet name: no forbidden or control characters, no leading formula character or quote."""
    name = _SHEET_CONTROL.sub("", _SHEET_FORBIDDEN.sub("-", text))
    name = name.lstrip("".join(FORMULA_START) + "' ")[:SHEET_NAME_MAX].rstrip("' ")
    return name or fallback

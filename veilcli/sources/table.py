"""A table as read from a file (``RawTable``: text columns plus the spreadsheet row number), the
header-row search every reader shares, and the limits checked on every table read.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from veilcli.errors import InputError
from veilcli.sources.columns import RENAMED_HEADER, header_score, is_cbs_table, is_personal
from veilcli.sources.limits import FIELD_BYTES, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, over_limit
from veilcli.sources.messages import display_path, short

ROW = "__row"  # spreadsheet row number as the user sees it
HEADER_SEARCH_ROWS = 30


@dataclass
class RawTable:
    """One table read from a file: text columns plus the ``__row`` column."""

    frame: pl.DataFrame
    path: Path
    format: str
    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str = ""  # of the file's bytes
    dropped_personal: list[str] = field(default_factory=list)  # headers dropped when read
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. the OData ``odata.metadata`` URL
    # header -> (the frame, weakly; its column's distinct values): ``distinct``
    _distinct: dict[str, tuple[weakref.ref[pl.DataFrame], pl.Series]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def distinct(self, header: str) -> pl.Series:
        """A column's distinct values (null among them), computed once for the frame the table has
        (recognising the categories and validating ask for them again)."""
        known = self.known_distinct(header)
        if known is None:
            known = self.frame[header].unique()
            self.remember_distinct(header, known)
        return known

    def known_distinct(self, header: str) -> pl.Series | None:
        """``distinct`` if computed already for the frame the table has now, else None."""
        known = self._distinct.get(header)
        return known[1] if known is not None and known[0]() is self.frame else None

    def remember_distinct(self, header: str, values: pl.Series) -> None:
        """Keep a column's distinct values of the frame the table has now, for ``distinct``."""
        self._distinct[header] = (weakref.ref(self.frame), values)

    @property
    def headers(self) -> list[str]:
        """Column headers as written in the file (personal columns already dropped)."""
        return [c for c in self.frame.columns if c != ROW]

    @property
    def header_notes(self) -> list[str]:
        """What reading did to the headers: a repeated header read under another name."""
        headers = set(self.headers)
        notes = []
        for header in self.headers:
            match = RENAMED_HEADER.match(header)
            if match and match.group(1) in headers:
                notes.append(
                    f"more than one column is headed {short(match.group(1))!r} (spaces at either end do not "
                    f"count): the one in column {match.group(2)} is read as {short(header)!r}"
                )
            elif match and reserved_header(match.group(1)):
                notes.append(
                    f"column {match.group(2)} is headed {short(match.group(1))!r}, a name veilcli cannot use "
                    f"as it stands (one of its own, or read as a pattern): read as {short(header)!r}"
                )
        return notes

    def drop_personal_columns(self) -> None:
        """Drop columns that identify people, so they never reach validation, rejects or the store."""
        cbs = is_cbs_table(self.headers)
        personal = [h for h in self.headers if is_personal(h, cbs)]
        if personal:
            self.frame = self.frame.drop(personal)
            self.dropped_personal.extend(personal)


def find_header_row(rows: list[list[str | None]], path: Path, extra: set[str] | None, where: str) -> int:
    """Index (0-based) of the row that looks most like a header."""
    best, best_score = -1, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells, extra)
        if score > best_score:
            best, best_score = index, score
    if not is_header_score(best_score, extra):
        raise no_header_error(path, where)
    return best


def is_header_score(score: int, extra: set[str] | None) -> bool:
    """Whether a row with ``score`` known headers is a header (one is enough with ``--map`` names)."""
    return score >= 2 or (score >= 1 and bool(extra))


def no_header_error(path: Path, where: str) -> InputError:
    """The refusal of a file (``where``: a sheet) in which no row looks like a header."""
    return InputError(
        f"{display_path(path)}{where}: no header row found in rows 1-{HEADER_SEARCH_ROWS} "
        "(no row has at least two known column names).",
        hint="pass --header-row N, or --map FILE to name the columns (see `veilcli schema`).",
    )


# A header that another column of the table already has (after trimming spaces: "Regio" and
# "Regio "; or written twice: polars reads the second as "Regio_duplicated_0") is read as
# "Regio (column 7)", naming where it stands; an empty header as "column_4" (as the xlsx reader
# names it). ``RawTable.header_notes`` says so.
_POLARS_DUPLICATE = re.compile(r"^(.*)_duplicated_\d+$")
# The xlsx reader names a repeated header "<header>_<position>": read the same way.
_NUMBERED_DUPLICATE = re.compile(r"^(.*)_\d+$")


# The columns veilcli puts before a file's own in its rejected rows (``validate._rejected_rows``).
REJECTS_COLUMNS = ("row", "reasons")


def reserved_header(header: str) -> bool:
    """Whether a header, used as a column name as it stands, would be taken for something else:
    veilcli's own working columns start with ``__`` (``__row``, ``__path``), the rejected rows begin
    with ``REJECTS_COLUMNS``, and polars reads ``*`` and ``^...$`` as patterns of other columns."""
    return (
        header.startswith("__")
        or header in REJECTS_COLUMNS
        or header == "*"
        or (header.startswith("^") and header.endswith("$"))
    )


def unique_headers(names: list[str]) -> list[str]:
    """Headers trimmed and made unique: a repeated one becomes ``"<header> (column N)"`` (N its
    1-based position), an empty one ``"column_N"``; a ``reserved_header`` is read the same way as a
    repeated one, so no header of a file can stand for a working column or a pattern."""
    seen: set[str] = set()
    out: list[str] = []
    for position, name in enumerate(names, start=1):
        stripped, where = name.strip(), position
        numbered = _NUMBERED_DUPLICATE.match(stripped)
        twice = _POLARS_DUPLICATE.match(stripped) or numbered
        if twice and twice.group(1).strip() in seen | {""}:
            if twice is numbered:
                where = int(stripped.rsplit("_", 1)[1])  # the xlsx reader's number: the sheet's column
            stripped = twice.group(1).strip()
        if not stripped:
            stripped = f"column_{where}"
        if stripped in seen or reserved_header(stripped):
            stripped = f"{stripped} (column {where})"
        while stripped in seen:  # "Regio (column 7)" written in the file as well: unlikely, still unique
            stripped = f"{stripped}_"
        seen.add(stripped)
        out.append(stripped)
    return out


def with_row_numbers(frame: pl.DataFrame, first_data_row: int) -> pl.DataFrame:
    """Headers trimmed and unique (``unique_headers``), and the ``ROW`` column: row numbers as the
    user sees them from ``first_data_row``."""
    names = frame.columns  # a file's "__row" header too: ``unique_headers`` renames it
    renamed = dict(zip(names, unique_headers(names), strict=True))
    frame = frame.rename({old: new for old, new in renamed.items() if old != new})
    return frame.with_row_index(ROW, offset=first_data_row).with_columns(pl.col(ROW).cast(pl.Int64))


def check_frame(path: Path, frame: pl.DataFrame, where: str) -> None:
    """Columns, rows, cells and the longest value of a table read, against the limits."""
    width = len([c for c in frame.columns if c != ROW])
    if width > MAX_COLUMNS.value():
        raise over_limit(path, where, f"{width:,} columns", MAX_COLUMNS)
    if frame.height > MAX_ROWS.value():
        raise over_limit(path, where, f"{frame.height:,} rows", MAX_ROWS)
    if frame.height * width > MAX_CELLS.value():
        raise over_limit(path, where, f"{frame.height:,} rows x {width:,} columns", MAX_CELLS)
    text = [c for c, t in frame.schema.items() if c != ROW and t == pl.String]
    if not text or frame.height == 0:
        return
    longest = frame.select(pl.col(text).str.len_bytes().max()).row(0)
    for column, length in zip(text, longest, strict=True):
        if length is not None and length > FIELD_BYTES:
            first = frame.filter(pl.col(column).str.len_bytes() > FIELD_BYTES)
            row = f"row {first[ROW][0]}, " if ROW in frame.columns else ""
            raise InputError(
                f"{display_path(path)}{where}: {row}column {short(column)!r}: a value of {length:,} bytes, "
                f"more than the {FIELD_BYTES:,} one field may hold.",
                hint="long free text does not belong in these files; check delimiters and quotes.",
            )


def refuse_nested(path: Path, frame: pl.DataFrame, what: str) -> None:
    """Refuse a JSON or Parquet table with list or record values: veilcli reads flat tables."""
    nested = [c for c, t in frame.schema.items() if isinstance(t, (pl.List, pl.Struct, pl.Array))]
    if nested:
        raise InputError(
            f"{display_path(path)}: not a table of {what}: column {short(nested[0])!r} holds nested values.",
            hint="veilcli reads an OData TypedDataSet document or a JSON array of flat records.",
        )

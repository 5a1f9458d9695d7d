"""A typed export table: columns with a stable key, a header in the export's language, and a kind.

The kind says what a column holds, so every writer shows it the same way without guessing: the
workbook picks its number format (and stores a change in % as a fraction under a % format), the
HTML report its text. Rows are dicts keyed by column key and hold typed values: a ``Status``,
``Unit`` or ``Goal`` member stays a member until a writer asks for it, so the workbook colours a
status by the member, never by reading its translated label back.

Two views of every value:

- ``display``: for people (workbook, HTML report), in the table's language: a member's words,
  notes as sentences, a flag as its words.
- ``machine``: for scripts (``export csv``, ``export json``), the same whatever the language: a
  member's code (``achieved``, ``per_1000_inhabitants``), notes as codes, a flag as a boolean, a
  time in ISO 8601. ``frame`` and ``records`` are keyed by column key, never by header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import polars as pl

from veilcli.domain.language import Lang
from veilcli.domain.notes import Note

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


class ColumnKind(Enum):
    """What a column holds; the writers format by it."""

    text = "text"  # words, shown as written (long text wraps in the workbook)
    label = (
        "label"  # a member with words (Status, Unit, Goal, ...): its words for people, its code for scripts
    )
    number = "number"  # a number shown as it is (a theme number)
    count = "count"  # whole numbers with thousands separators (rows of a source)
    estimate = "estimate"  # a count that corrections made fractional: one decimal
    difference = "difference"  # a count minus another, whole and signed: "+9", "-5"
    rate = "rate"  # per 1,000: one decimal
    value = "value"  # an indicator's value in the row's ``unit``: a count, or a rate (2 decimals below 1)
    percent = "percent"  # a change in % (-31.1 is -31.1%), as compare reports it
    p_value = "p_value"  # a probability: three decimals, "< 0.001" below that
    fraction = "fraction"  # a share from 0 to 1 (the part of a period covered): three decimals
    timestamp = "timestamp"  # a UTC time, shown as "2019-07-01 12:00:00"
    flag = "flag"  # True/False: the column's ``words`` for people, a boolean for scripts
    notes = "notes"  # a list of ``Note``: sentences in the table's language for people, codes for scripts


UNIT_KEY = "unit"  # the column whose Unit a ``value`` column of the same row is in


@dataclass(frozen=True)
class Carried:
    """A ``value`` cell holding a survey figure carried forward from an earlier survey ``year`` into a
    later period's column: scripts get the number, people see the year beside it ("18.2 (2017)")."""

    value: float
    year: int


@dataclass(frozen=True)
class Points:
    """A ``percent`` cell holding a survey change, which is in percentage points ("pp") or points
    ("pt"), not in %: people see "-3.2 pp"; scripts get null there (``change_pct`` is a change in %)
    and read the compare JSON's ``survey.change``."""

    value: float
    unit: str  # "pp" or "pt"


def number_of(value: Any) -> Any:
    """A cell's number (a carried-forward survey figure's own value)."""
    return value.value if isinstance(value, Carried) else value


@dataclass(frozen=True)
class Column:
    """One column: ``key`` for code (stable across languages), ``header`` for people, ``kind``.

    ``status_fill``: the workbook colours each cell by its status (the goal status column).
    ``words``: how a ``flag`` column shows True and False to people.
    ``group``: a heading over neighbouring columns ("Onderliggend" over low, high and status), so
    their own headers can be short.
    """

    key: str
    header: str
    kind: ColumnKind
    status_fill: bool = False
    words: tuple[str, str] | None = None
    group: str | None = None


@dataclass
class Table:
    """A titled table in one language; each row maps every column key to a value (None: empty).

    ``key`` names the table for scripts (``overview``: the CSV file and the JSON member); ``title``
    for people (the sheet name).
    """

    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    lang: Lang = "nl"
    key: str = ""

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.title}: duplicate column keys {keys}")
        for row in self.rows:
            if row.keys() != set(keys):
                raise ValueError(f"{self.title}: a row's keys {sorted(row)} are not the columns {keys}")
        self.key = self.key or self.title.lower()

    @property
    def headers(self) -> list[str]:
        """The column headers, in order."""
        return [c.header for c in self.columns]

    @property
    def keys(self) -> list[str]:
        """The column keys, in order."""
        return [c.key for c in self.columns]

    def select(self, keys: list[str]) -> Table:
        """The same table with only these columns, in this order (e.g. for print, notes apart)."""
        columns = {c.key: c for c in self.columns}
        chosen = [columns[k] for k in keys]
        rows = [{k: row[k] for k in keys} for row in self.rows]
        return Table(self.title, chosen, rows, self.lang, key=self.key)

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)

    def display(self, column: Column, value: Any) -> Any:
        """A value as people read it: members and flags as words, notes as sentences, times as text."""
        if value is None:
            return None
        match column.kind:
            case ColumnKind.label:
                return value.label(self.lang)
            case ColumnKind.flag:
                true, false = column.words or ("yes", "no")
                return true if value else false
            case ColumnKind.notes:
                return "; ".join(n.render(self.lang) for n in value) or None
            case ColumnKind.timestamp if isinstance(value, dt.datetime):
                return value.strftime(TIMESTAMP_FORMAT)
            case ColumnKind.value if isinstance(value, Carried):
                return f"{value.value} ({value.year})"
            case ColumnKind.percent if isinstance(value, Points):
                return f"{value.value:+.1f} {value.unit}"
        return value

    def machine(self, column: Column, value: Any, *, notes_as_text: bool = True) -> Any:
        """A value as scripts read it, the same in every language: members as codes, flags as
        booleans, notes as codes (";"-joined for CSV, README's contract, else objects with code and
        params), times in ISO 8601."""
        if value is None or isinstance(value, Points):
            return None
        match column.kind:
            case ColumnKind.label:
                return value.value if isinstance(value, Enum) else value
            case ColumnKind.flag:
                return bool(value)
            case ColumnKind.notes:
                notes: list[Note] = value
                if notes_as_text:
                    return ";".join(n.code for n in notes) or None
                return [{"code": n.code, "params": n.params} for n in notes]
            case ColumnKind.timestamp if isinstance(value, dt.datetime):
                return value.isoformat()
        return number_of(value)

    def plain_rows(self) -> Iterator[list[Any]]:
        """Each row's display values, aligned to the columns."""
        for row in self.rows:
            yield [self.display(c, row[c.key]) for c in self.columns]

    def records(self) -> list[dict[str, Any]]:
        """The rows for ``export json``: keyed by column key, machine values (notes as objects)."""
        return [
            {c.key: self.machine(c, row[c.key], notes_as_text=False) for c in self.columns}
            for row in self.rows
        ]

    def frame(self) -> pl.DataFrame:
        """The table for ``export csv``: column keys as names, machine values."""
        if not self.rows:
            return pl.DataFrame(schema=dict.fromkeys(self.keys, pl.String))
        records = [{c.key: self.machine(c, row[c.key]) for c in self.columns} for row in self.rows]
        return pl.DataFrame(records, infer_schema_length=None)

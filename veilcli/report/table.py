"""A typed export table: columns with a stable key, a header in the export's language, and a kind.

The kind says what a column holds, so every writer shows it the same way without guessing: the
workbook picks its number format (and stores a change in % as a fraction under a % format), CSV and
JSON carry the plain value. Rows are dicts keyed by column key and hold typed values: a ``Status``,
``Unit`` or ``Goal`` member stays a member until a writer asks for its words (``plain``), so the
workbook colours a status by the member, never by reading its translated label back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import polars as pl

from veilcli.domain.notes import Lang

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


class ColumnKind(Enum):
    """What a column holds; the writers format by it."""

    text = "text"  # words, shown as written (long text wraps in the workbook)
    label = "label"  # a Status, Unit or Goal member, shown as its words in the table's language
    number = "number"  # a number shown as it is (a theme number)
    count = "count"  # whole numbers with thousands separators (rows of a source)
    estimate = "estimate"  # a count that corrections made fractional: one decimal
    rate = "rate"  # per 1,000: one decimal
    value = "value"  # an indicator's value in the row's ``unit``: a count, or a rate (2 decimals below 1)
    percent = "percent"  # a change in % (-31.1 is -31.1%), as compare reports it
    p_value = "p_value"  # a probability: three decimals
    fraction = "fraction"  # a share from 0 to 1 (the part of a period covered): three decimals
    timestamp = "timestamp"  # a UTC time, shown as "2019-07-01 12:00:00"


UNIT_KEY = "unit"  # the column whose Unit a ``value`` column of the same row is in


@dataclass(frozen=True)
class Column:
    """One column: ``key`` for code (stable across languages), ``header`` for people, ``kind``.

    ``status_fill``: the workbook colours each cell by its status (the goal status column).
    """

    key: str
    header: str
    kind: ColumnKind
    status_fill: bool = False


@dataclass
class Table:
    """A titled table in one language; each row maps every column key to a value (None: empty)."""

    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    lang: Lang = "nl"

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.title}: duplicate column keys {keys}")
        for row in self.rows:
            if row.keys() != set(keys):
                raise ValueError(f"{self.title}: a row's keys {sorted(row)} are not the columns {keys}")

    @property
    def headers(self) -> list[str]:
        """The column headers, in order."""
        return [c.header for c in self.columns]

    def plain(self, column: Column, value: Any) -> Any:
        """A value as CSV and JSON carry it: members as their words, times as text, the rest as is."""
        if value is None:
            return None
        if column.kind is ColumnKind.label:
            return value.label(self.lang)
        if column.kind is ColumnKind.timestamp and isinstance(value, dt.datetime):
            return value.strftime(TIMESTAMP_FORMAT)
        return value

    def plain_rows(self) -> Iterator[list[Any]]:
        """Each row's plain values, aligned to the columns."""
        for row in self.rows:
            yield [self.plain(c, row[c.key]) for c in self.columns]

    def frame(self) -> pl.DataFrame:
        """The table for ``export csv`` / ``export json``: headers as column names, plain values."""
        if not self.rows:
            return pl.DataFrame(schema=dict.fromkeys(self.headers, pl.String))
        records = [dict(zip(self.headers, values, strict=True)) for values in self.plain_rows()]
        return pl.DataFrame(records, infer_schema_length=None)

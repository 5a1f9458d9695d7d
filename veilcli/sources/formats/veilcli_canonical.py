"""``veilcli-canonical``: any other table, its columns found through the header aliases of its kind
(``veilcli schema``) or named by a ``--map`` file. Its options are ``--kind`` and ``--map``: the
kind given, else the one its headers fit best.
"""

from __future__ import annotations

from dataclasses import dataclass

from veilcli.domain.models import ColumnMap, Kind, SourceFormat
from veilcli.errors import InputError
from veilcli.sources.columns import detect_kind, match_columns
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.messages import cut
from veilcli.sources.table import RawTable


@dataclass(frozen=True)
class CanonicalOptions(FormatOptions):
    """How to read a canonical table: its kind (``--kind``) and explicit headers (``--map``)."""

    kind: Kind | None = None
    column_map: ColumnMap | None = None


class Canonical(InputFormat[CanonicalOptions]):
    """A table in veilcli's own columns (any header alias), or named by ``--map``."""

    name = SourceFormat.veilcli_canonical
    kind = None
    title = "a table of veilcli's columns"
    options_type = CanonicalOptions

    def recognise(self, table: RawTable) -> bool:
        return True  # the format of every table no other format recognises

    def to_canonical(self, table: RawTable, options: CanonicalOptions) -> Recognised:
        column_map = options.column_map
        kind, detected = resolve_kind(table, options.kind, column_map)
        columns = match_columns(table.headers, kind, column_map.columns if column_map else None)
        return Recognised(self.name, table, kind, columns, kind_detected=detected, column_map=column_map)


def resolve_kind(table: RawTable, kind: Kind | None, column_map: ColumnMap | None) -> tuple[Kind, bool]:
    """The given kind, else the one detected from the headers; raises when it is unclear."""
    given = kind or (column_map.kind if column_map else None)
    if given is not None:
        return given, False
    explicit = column_map.columns if column_map else None
    candidates = detect_kind(table.headers, explicit)
    if not candidates:
        where = f" (sheet {table.sheet!r})" if table.sheet else ""
        shown = ", ".join(repr(cut(h)) for h in table.headers[:12])
        raise InputError(
            f"{table.path}{where}: cannot tell which kind of data this is from its columns ({shown}).",
            hint="pass --kind registrations|suspects|counts|population, and --map FILE if "
            "the headers are unusual (`veilcli schema` lists the accepted headers).",
        )
    return candidates[0], True

"""The recogniser interface: what every input format implements, and what recognition yields.

A format (one module in this package) is an ``InputFormat`` with

- ``name``: its ``SourceFormat`` member (stored in the manifest and the reports);
- ``kind``: the dataset kind its tables hold (None: any kind, for the canonical format);
- ``options_type``: its own options object (a frozen dataclass deriving ``FormatOptions``);
  only the format that owns an option ever sees it;
- ``recognise(table)``: whether a raw table is in this format (from its headers, cheaply);
- ``to_canonical(table, options)``: the table's canonical columns, the table with any values
  rewritten so the validator can parse them, and notes on how it was read.

The registry (``formats/__init__.py``) tries the formats in order; the first that recognises a
table wins, and ``veilcli-canonical`` takes the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Generic, TypeVar

from veilcli.domain.choices import Kind
from veilcli.domain.models import ColumnMap, SourceFormat
from veilcli.sources.table import RawTable


@dataclass(frozen=True)
class FormatOptions:
    """A format's own options; this base has none (the options of formats without any)."""

    flags: ClassVar[str] = ""  # the command-line flags that set them, for notes

    def given(self) -> bool:
        """Whether any option differs from its default."""
        return self != type(self)()


@dataclass
class Recognised:
    """What a table was recognised as, and the table with its canonical columns derived."""

    name: SourceFormat
    table: RawTable
    kind: Kind
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> column of ``table.frame``
    notes: list[str] = field(default_factory=list)
    kind_detected: bool = True  # the kind was told by the file, not given (--kind, --map)
    open_data_categories: bool = False  # category codes must be open-data / nuisance codes
    column_map: ColumnMap | None = None  # the --map the validator checks against the file


OptionsT = TypeVar("OptionsT", bound=FormatOptions)


class InputFormat(ABC, Generic[OptionsT]):
    """One recognised input format (see the module docstring)."""

    name: ClassVar[SourceFormat]
    kind: ClassVar[Kind | None]
    title: ClassVar[str]  # the format in words, for notes
    options_type: type[OptionsT]

    @abstractmethod
    def recognise(self, table: RawTable) -> bool:
        """Whether ``table`` is in this format."""

    @abstractmethod
    def to_canonical(self, table: RawTable, options: OptionsT) -> Recognised:
        """The recognised table: canonical columns, rewritten values, notes. May raise
        ``InputError``/``UsageError`` for a table of this format that cannot be read as asked."""

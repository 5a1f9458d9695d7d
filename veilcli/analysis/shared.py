"""What the analyses of one command share: registrations grouped once, handed to each.

``report html`` computes the comparison and the trend of one area from one snapshot. Both group
the same registrations per period, area and category (the samenloop collapse over every row is
most of either's time); here that grouping is done once, over every period, and each analysis
takes its own periods from it (``normalise.group_registrations`` says why a period's figures do not
depend on the periods grouped with it). The internet step, which depends on each analysis' own
baseline, stays with each.

A grouping is handed on only where it comes from exactly the rows the asker would read itself:
the registrations of the same municipalities, at the same unit and under the same rules. Otherwise
(a trend over former municipalities the comparison does not read, say) the asker groups its own,
as it would alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from veilcli.analysis.normalise import group_registrations
from veilcli.domain.choices import Kind
from veilcli.domain.periods import PeriodUnit
from veilcli.domain.rules import Rules
from veilcli.store.snapshot import Snapshot

# The stored registration columns ``normalise.group_registrations`` reads, besides the area column.
NORMALISED_REGISTRATION_COLUMNS = (
    "registration_id",
    "date",
    "category_code",
    "event_id",
    "channel",
    "source_id",
)


def registration_rows(snapshot: Snapshot, areas: list[str]) -> pl.LazyFrame:
    """The stored registrations of the municipalities ``areas``, only the columns the normalisation
    reads (it materialises its input once: the rest of a million rows would be read from Parquet and
    carried for nothing, ~130 MB at 1M rows)."""
    return (
        snapshot.scan(Kind.registrations)
        .filter(pl.col("municipality").is_in(areas))
        .select(*NORMALISED_REGISTRATION_COLUMNS, "municipality")
    )


@dataclass
class _Grouping:
    """One grouping of every period: of the registrations of ``areas``, at ``unit`` under ``rules``."""

    areas: frozenset[str]
    unit: PeriodUnit
    rules: Rules
    frame: pl.DataFrame
    present: frozenset[str] | None = None  # the municipalities of ``areas`` with stored rows, once asked


@dataclass
class SharedGroupings:
    """Registrations grouped per period, area and category, once per set of rows, for the analyses
    of one snapshot (give each the same object; valid inside that snapshot's block only)."""

    snapshot: Snapshot
    _groupings: list[_Grouping] = field(default_factory=list)

    def registrations(self, areas: list[str], rules: Rules, unit: PeriodUnit) -> pl.DataFrame:
        """The registrations of the municipalities ``areas`` grouped over every period
        (``normalise.group_registrations``), from an earlier grouping of the same rows if there is one."""
        wanted = frozenset(areas)
        for grouping in self._groupings:
            if grouping.unit is unit and grouping.rules == rules and self._same_rows(grouping, wanted):
                return grouping.frame
        frame = group_registrations(registration_rows(self.snapshot, areas), rules, unit=unit)
        self._groupings.append(_Grouping(wanted, unit, rules, frame))
        return frame

    def _same_rows(self, grouping: _Grouping, wanted: frozenset[str]) -> bool:
        """Whether the rows of ``wanted`` are exactly those ``grouping`` was made from: ``wanted`` lies
        within its areas and holds every one of them that has rows (the grouping collapses events
        and judges sources over all the rows it read, so a row more or less could move a count)."""
        if not wanted <= grouping.areas:
            return False
        if grouping.areas == wanted:
            return True
        if grouping.present is None:
            stored = (
                registration_rows(self.snapshot, sorted(grouping.areas))
                .select(pl.col("municipality").unique())
                .collect()["municipality"]
            )
            grouping.present = frozenset(stored.drop_nulls().to_list())
        return grouping.present <= wanted

"""What the analyses of one command share: registrations and suspects grouped once, handed to each.

``report html`` computes the comparison and the trend of one area from one snapshot. Both group
the same registrations per period, area and category (the samenloop collapse over every row is
most of either's time), and the same suspects; here each is grouped once, over every period, and
each analysis takes its own periods from it (``normalise.group_registrations`` says why a period's
figures do not depend on the periods grouped with it). The internet step, which depends on each
analysis' own baseline, stays with each.

A grouping is handed on only where it comes from exactly the rows the asker would read itself:
the rows of the same municipalities, at the same unit and under the same rules. Otherwise (a trend
over former municipalities the comparison does not read, or a benchmark member with registrations
of its own, which the comparison reads and the trend does not) the asker groups its own, as it
would alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from veilcli.analysis.normalise import aggregate_suspects, group_registrations
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


def suspect_rows(snapshot: Snapshot, areas: list[str]) -> pl.LazyFrame:
    """The stored suspects of the municipalities ``areas`` (of residence)."""
    return snapshot.scan(Kind.suspects).filter(pl.col("municipality").is_in(areas))


@dataclass
class _Grouping:
    """One grouping of every period: of the rows of ``kind`` (suspects: of ages ``age``) of
    ``areas``, under ``rules``; ``present``: the municipalities those rows are of."""

    kind: Kind
    age: tuple[int, int] | None
    areas: frozenset[str]
    present: frozenset[str]
    rules: Rules
    frame: pl.DataFrame


@dataclass
class SharedGroupings:
    """Registrations and suspects grouped per period, area and category at ``unit``, once per set of
    rows, for the analyses of one snapshot (give each the same object; valid inside that snapshot's
    block). An analysis at another unit is given what it would group alone (its own periods only):
    nothing else would use a grouping of every period at that unit."""

    snapshot: Snapshot
    unit: PeriodUnit
    _groupings: list[_Grouping] = field(default_factory=list)

    def registrations(
        self, areas: list[str], rules: Rules, unit: PeriodUnit, periods: list[str]
    ) -> pl.DataFrame:
        """The registrations of the municipalities ``areas`` grouped over every period at ``unit``
        (``normalise.group_registrations``; at another unit than the shared one, over ``periods``),
        from an earlier grouping of the same rows if there is one."""
        rows = registration_rows(self.snapshot, areas)
        if unit is not self.unit:
            return group_registrations(rows, rules, unit=unit, periods=periods)
        return self._grouped(
            Kind.registrations,
            None,
            rows,
            areas,
            rules,
            lambda read: group_registrations(read, rules, unit=unit),
        )

    def suspects(
        self, areas: list[str], rules: Rules, unit: PeriodUnit, age: tuple[int, int] | None
    ) -> pl.DataFrame:
        """The suspects of ``areas`` (of ``age``, when given) per period, area and category at ``unit``
        (``normalise.aggregate_suspects``), from an earlier grouping of the same rows if there is one."""
        rows = suspect_rows(self.snapshot, areas)
        where = pl.col("age").is_between(*age) if age else None
        if unit is not self.unit:
            return aggregate_suspects(rows, rules, unit=unit, where=where)
        return self._grouped(
            Kind.suspects,
            age,
            rows,
            areas,
            rules,
            lambda read: aggregate_suspects(read, rules, unit=unit, where=where),
        )

    def _grouped(
        self,
        kind: Kind,
        age: tuple[int, int] | None,
        rows: pl.LazyFrame,
        areas: list[str],
        rules: Rules,
        group: Callable[[pl.LazyFrame], pl.DataFrame],
    ) -> pl.DataFrame:
        wanted = frozenset(areas)
        for g in self._groupings:
            # The same rows: ``wanted`` lies within the areas grouped and holds every one of them that
            # has rows (the grouping collapses events and judges sources over every row it read, so a
            # row more or less could move a count).
            same_rows = wanted <= g.areas and g.present <= wanted
            if g.kind is kind and g.age == age and g.rules == rules and same_rows:
                return g.frame
        read = rows.collect(engine="in-memory")  # as `normalise._prepare` reads it
        present = frozenset(read["municipality"].drop_nulls().unique().to_list())
        frame = group(read.lazy())
        self._groupings.append(_Grouping(kind, age, wanted, present, rules, frame))
        return frame

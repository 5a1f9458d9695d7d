"""The store's read door: one read-locked view of a store for one command.

A ``Snapshot`` is opened by ``Store.snapshot()`` (the API opens one per command) and holds what the
analysis reads: the manifest's source records (spans, coverage, areas), read once, and a lazy frame
per kind, each file checked against the manifest once. Analysis functions take a snapshot and never
open the store themselves, so one command reads one consistent state of the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.kinds import KIND_FACTS
from veilcli.domain.models import SourceRecord

# How the store scans a kind: the sources to read, and the years of a source stored in parts.
Scanner = Callable[[Kind, list[SourceRecord], tuple[int, ...] | None], pl.LazyFrame]


class Snapshot:
    """A read-locked view of a store: its sources and the frames of each kind.

    Valid only inside the ``Store.snapshot()`` block that made it (the shared lock is held there);
    collect its frames inside that block.
    """

    def __init__(self, root: Path, sources: list[SourceRecord], scanner: Scanner) -> None:
        self.root = root
        self._sources = list(sources)
        self._scanner = scanner
        self._frames: dict[tuple[Kind, tuple[int, ...] | None], pl.LazyFrame] = {}

    def sources(self, kind: Kind | None = None) -> list[SourceRecord]:
        """The stored sources (their spans, areas, scope and gaps), optionally of one kind."""
        return [s for s in self._sources if kind is None or s.kind is kind]

    def scan(self, kind: Kind, *, years: Iterable[int] | None = None) -> pl.LazyFrame:
        """Every stored row of a kind, lazily (``Store.scan``: an empty frame with the schema if none;
        ``years`` opens only those parts of a source stored in parts, so filter on the period too)."""
        key = (kind, None if years is None else tuple(sorted(set(years))))
        if key not in self._frames:
            self._frames[key] = self._scanner(kind, self.sources(kind), key[1])
        return self._frames[key]

    def knows_area(self, area: str) -> bool:
        """Whether any stored row names ``area`` (as ``known_areas`` would hold it), asked in one
        query that reads no more than the area columns."""
        asked = [
            self.scan(kind_facts.kind).select(pl.col(column).eq(area).any())
            for kind_facts in KIND_FACTS.values()
            for column in kind_facts.known_area_columns
        ]
        return any(frame.item() for frame in pl.collect_all(asked))

    @cached_property
    def known_areas(self) -> frozenset[str]:
        """Every area any stored row names (municipalities, count and population areas, survey areas
        and their municipalities)."""
        known: set[str] = set()
        # What "the store knows this area" means is a kind fact (``KindFacts.known_area_columns``).
        for kind_facts in KIND_FACTS.values():
            for column in kind_facts.known_area_columns:
                values = self.scan(kind_facts.kind).select(pl.col(column).unique()).collect()[column]
                known |= set(values.drop_nulls().to_list())
        return frozenset(known)

    def holdings(self) -> str:
        """What the store holds, in one line for a hint: kind, areas and span per source."""
        parts = []
        for s in self._sources:
            start, end = s.covers_from or s.date_min, s.covers_to or s.date_max
            span = f"{start}..{end}" if start else ""
            parts.append(f"{s.kind.value} {', '.join(s.areas or []) or ''} {span}".strip())
        unique = sorted(set(parts))
        more = f"; and {len(unique) - 8} more" if len(unique) > 8 else ""
        return "; ".join(unique[:8]) + more or "nothing"

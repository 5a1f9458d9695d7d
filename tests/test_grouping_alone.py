"""``group_registrations`` counts the registrations without an event per month and code before it
classifies them (``normalise._alone``); the figures must be those of classifying and collapsing every
row one by one, the way it did before (the reference below, built from the same steps)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from tests.test_normalise import RULES, registrations
from veilcli.analysis.normalise import (
    KEYS,
    _prepare,
    _raw_and_collapsed,
    after_counts,
    collapse_events,
    group_registrations,
    raw_with_after,
)
from veilcli.domain.rules import Rules

CODES = ["1.1.1", "1.2.3", "1.4.6", "2.2.1", "E35", "A72", "Z99", None]  # Z99: in no category
CHANNELS = ["internet", "desk", "phone", "other", "unknown", None]
HALVES = ["2017H1", "2017H2", "2018H1", "2018H2", "2019H1", "2019H2"]

row = st.tuples(
    st.sampled_from(CODES),
    st.one_of(st.none(), st.sampled_from(["E1", "E2", "E3"])),
    st.sampled_from(CHANNELS),
    st.one_of(
        st.dates(dt.date(2017, 1, 1), dt.date(2019, 12, 31)),
        st.sampled_from([dt.date(2018, 6, 30), dt.date(2018, 7, 1)]),
    ),
    st.sampled_from(["Almere", "Lelystad"]),
)


def reference(rows: pl.LazyFrame, rules: Rules, periods: list[str] | None) -> pl.DataFrame:
    """Every row prepared, classified and collapsed, then counted (the grouping before ``_alone``)."""
    prepared = _prepare(rows, "H", "municipality", rules, periods)
    raw, collapsed = _raw_and_collapsed(prepared, rules, collapse_events, None)
    after = collapsed.group_by(KEYS).agg(*after_counts())
    return raw_with_after(raw, after, periods).collect()


def two_sources(first: list[tuple], second: list[tuple]) -> pl.LazyFrame:
    """Two sources: the second may hold no event id at all (its rows after the change are uncorrectable)."""

    def records(rows: list[tuple], prefix: str) -> list[tuple]:
        return [
            (f"{prefix}{i:03d}", date, code, event, channel, place)
            for i, (code, event, channel, date, place) in enumerate(rows)
        ]

    parts = [registrations(records(first, "R"), "S1")]
    if second:
        parts.append(registrations(records(second, "Q"), "S2"))
    return pl.concat(parts)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(row, min_size=1, max_size=50),
    st.lists(row.map(lambda r: (r[0], None, *r[2:])), max_size=20),
    st.one_of(st.none(), st.lists(st.sampled_from(HALVES), min_size=1, max_size=3, unique=True)),
    st.booleans(),
)
@example(
    [
        ("1.1.1", "E1", "desk", dt.date(2018, 7, 1), "Almere"),
        ("1.2.3", None, None, dt.date(2019, 2, 1), "Almere"),
    ],
    [("1.1.1", None, "internet", dt.date(2018, 7, 1), "Almere")],
    ["2018H2"],
    False,
)
def test_counting_alone_rows_first_gives_the_figures_of_counting_every_row(
    first: list[tuple], second: list[tuple], periods: list[str] | None, raw: bool
) -> None:
    rules = RULES.without_corrections() if raw else RULES
    rows = two_sources(first, second)
    periods = None if periods is None else sorted(periods)
    found = group_registrations(rows, rules, unit="H", periods=periods)
    expected = reference(rows, rules, periods)
    assert_frame_equal(found.sort(KEYS), expected.sort(KEYS), check_row_order=True)

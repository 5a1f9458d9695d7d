"""Properties of the corrections on random registrations (hypothesis)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_normalise import RULES, registrations
from veilcli.analysis.normalise import aggregate_registrations, collapse_events
from veilcli.domain.classification import to_category

CODES = ["1.1.1", "1.2.3", "1.4.6", "3.1.3", "2.2.1", "E35", "A72"]
CHANNELS = ["internet", "desk", "phone", "other", "unknown", None]

row = st.tuples(
    st.sampled_from(CODES),
    st.one_of(st.none(), st.sampled_from(["E1", "E2", "E3", "E4"])),
    st.sampled_from(CHANNELS),
    st.dates(dt.date(2017, 1, 1), dt.date(2019, 12, 31)),
)
rows_strategy = st.lists(row, min_size=1, max_size=60)


def frame(rows: list[tuple]) -> pl.LazyFrame:
    return registrations(
        [(f"R{i:03d}", date, code, event, channel) for i, (code, event, channel, date) in enumerate(rows)]
    )


@settings(max_examples=60, deadline=None)
@given(rows_strategy)
def test_corrected_never_exceeds_raw(rows: list[tuple]) -> None:
    result = aggregate_registrations(frame(rows), RULES, unit="H", baseline="2017H1")
    assert (result["after_samenloop"] <= result["raw"] + 1e-9).all()
    assert (result["corrected"] <= result["after_samenloop"] + 1e-9).all()
    assert (result["corrected"] >= 0).all()


@settings(max_examples=60, deadline=None)
@given(rows_strategy, st.randoms(use_true_random=False))
def test_collapse_is_idempotent_and_order_independent(rows: list[tuple], random) -> None:  # type: ignore[no-untyped-def]
    data = to_category(frame(rows)).collect()
    once = collapse_events(data.lazy(), RULES).collect()
    twice = collapse_events(once.lazy(), RULES).collect()
    assert sorted(once["registration_id"]) == sorted(twice["registration_id"])
    order = list(range(data.height))
    random.shuffle(order)
    shuffled = collapse_events(data[order].lazy(), RULES).collect()
    assert sorted(shuffled["registration_id"]) == sorted(once["registration_id"])
    # one registration per event, and every registration without event kept
    assert once["event_id"].drop_nulls().is_unique().all()
    assert (
        once.filter(pl.col("event_id").is_null()).height == data.filter(pl.col("event_id").is_null()).height
    )


@settings(max_examples=40, deadline=None)
@given(rows_strategy)
def test_with_both_corrections_off_corrected_equals_raw(rows: list[tuple]) -> None:
    result = aggregate_registrations(frame(rows), RULES.without_corrections(), unit="H", baseline="2017H1")
    assert result["corrected"].to_list() == result["raw"].to_list()


def natural_reference(text: str) -> tuple[list[object], str]:
    """The textbook natural-sort key: runs of ASCII digits as numbers, the rest as text; the id
    itself last (ids equal but for leading zeros, "X07" and "X7", keep a fixed order)."""
    import re

    runs = re.split(r"([0-9]+)", text)
    return [int(r) if i % 2 else r for i, r in enumerate(runs)], text


ID_ALPHABET = st.sampled_from(list("0123456789") * 3 + list("AaBzPLY-_/. é"))
ids_strategy = st.lists(
    st.one_of(
        st.text(ID_ALPHABET, max_size=14),
        st.from_regex(r"\A[A-Z]{0,3}[0-9]{1,30}(-[0-9]{1,30}){0,3}\Z"),  # long numbers too
    ),
    min_size=1,
    max_size=40,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(ids_strategy)
def test_natural_key_sorts_as_the_reference(ids: list[str]) -> None:
    from veilcli.analysis.normalise import NATURAL, natural_key

    ordered = pl.DataFrame({"id": ids}).with_columns(natural_key("id")).sort(NATURAL)["id"].to_list()
    assert ordered == sorted(ids, key=natural_reference)


@settings(max_examples=100, deadline=None)
@given(ids_strategy)
def test_a_tie_keeps_the_naturally_lowest_id(ids: list[str]) -> None:
    rows = pl.LazyFrame(
        {"registration_id": ids, "event_id": ["E"] * len(ids), "category": ["1.2.3"] * len(ids)}
    )
    kept = collapse_events(rows, RULES).collect()["registration_id"].to_list()
    assert kept == [min(ids, key=natural_reference)]

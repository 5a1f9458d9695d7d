"""Samenloop and internet corrections against values worked out by hand (DESIGN §2)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from veilcli.analysis.normalise import (
    aggregate_counts,
    aggregate_registrations,
    aggregate_suspects,
    collapse_events,
    collapse_suspects,
    combine,
)
from veilcli.domain.choices import Kind
from veilcli.domain.classification import to_category
from veilcli.domain.rules import default_rules
from veilcli.store.store import stored_schema

RULES = default_rules()


def registrations(rows: list[tuple], source_id: str = "S1") -> pl.LazyFrame:
    """Rows: (registration_id, date, category_code, event_id, channel[, municipality])."""
    schema = stored_schema(Kind.registrations)
    records = []
    for row in rows:
        rid, date, code, event, channel, *rest = row
        records.append(
            {
                "registration_id": rid,
                "date": date,
                "category_code": code,
                "event_id": event,
                "channel": channel,
                "municipality": rest[0] if rest else "Almere",
                "source_id": source_id,
            }
        )
    return (
        pl.DataFrame(records, schema_overrides={k: v for k, v in schema.items() if k in records[0]})
        .lazy()
        .select([pl.col(c) if c in records[0] else pl.lit(None, dtype=t).alias(c) for c, t in schema.items()])
    )


def value(frame: pl.DataFrame, period: str, category: str, column: str, area: str = "Almere") -> float:
    row = frame.filter(pl.col("period") == period, pl.col("category") == category, pl.col("area") == area)
    assert row.height == 1, f"no single row for {period} {category}"
    return row[column].item()


D = dt.date


def test_one_event_three_offences_keeps_the_heaviest() -> None:
    rows = registrations(
        [
            ("R1", D(2019, 2, 1), "1.4.6", "E1", "desk"),  # straatroof: heaviest of the event
            ("R2", D(2019, 2, 1), "3.1.3", "E1", "desk"),  # wapenhandel
            ("R3", D(2019, 2, 1), "1.4.4", "E1", "desk"),  # bedreiging
            ("R4", D(2019, 3, 1), "1.4.6", None, "desk"),  # no event: its own
        ]
    )
    kept = collapse_events(to_category(rows), RULES).collect()
    assert sorted(kept["registration_id"].to_list()) == ["R1", "R4"]
    result = aggregate_registrations(rows, RULES, unit="H", baseline=None)
    assert (
        value(result, "2019H1", "1.4.6", "raw") == 2
        and value(result, "2019H1", "1.4.6", "after_samenloop") == 2
    )
    assert (
        value(result, "2019H1", "3.1.3", "raw") == 1
        and value(result, "2019H1", "3.1.3", "after_samenloop") == 0
    )
    assert value(result, "2019H1", "1.4.4", "samenloop_effect") == -1


def test_ties_keep_the_lowest_registration_id() -> None:
    rows = registrations(
        [
            ("R6", D(2019, 2, 1), "2.2.1", "E2", "desk"),
            ("R5", D(2019, 2, 1), "2.2.1", "E2", "desk"),
            ("R7", D(2019, 2, 1), "2.2.1", "E2", "desk"),
        ]
    )
    assert collapse_events(to_category(rows), RULES).collect()["registration_id"].to_list() == ["R5"]


def test_source_without_event_ids_after_the_change_is_uncorrectable() -> None:
    with_events = registrations([("A1", D(2018, 8, 1), "1.1.1", "E9", "desk")], source_id="S1")
    without = registrations(
        [("B1", D(2018, 8, 2), "1.1.1", None, "desk"), ("B2", D(2018, 3, 2), "1.1.1", None, "desk")],
        source_id="S2",
    )
    result = aggregate_registrations(pl.concat([with_events, without]), RULES, unit="H", baseline=None)
    assert value(result, "2018H2", "1.1.1", "uncorrectable") == 1  # B1 only; A1's source has event ids
    assert "source without event numbers" in value(result, "2018H2", "1.1.1", "notes")
    assert value(result, "2018H1", "1.1.1", "uncorrectable") == 0  # before the change: nothing to correct


def _channels(
    period_start: dt.date, code: str, internet: int, other: int, unknown: int = 0, prefix: str = ""
) -> list[tuple]:
    rows = [
        (f"{prefix}{code}-{period_start}-i{i}", period_start, code, None, "internet") for i in range(internet)
    ]
    rows += [(f"{prefix}{code}-{period_start}-d{i}", period_start, code, None, "desk") for i in range(other)]
    rows += [
        (f"{prefix}{code}-{period_start}-u{i}", period_start, code, None, "unknown") for i in range(unknown)
    ]
    return rows


B, P = D(2017, 3, 1), D(2019, 3, 1)  # baseline 2017H1, period 2019H1


@pytest.mark.parametrize(
    ("baseline", "period", "expected"),
    [
        # s0 = 2/8 = 0.25; later D = 9, I = 5: min(14, 9 / 0.75 = 12) = 12, plus 1 unknown counted as reported
        ((2, 6, 0), (5, 9, 1), 13.0),
        # s0 = 0: no share to hold (DESIGN §2): no correction, 3 + 5 = 8
        ((0, 4, 0), (3, 5, 0), 8.0),
        # I = 0: min(8, 8 / 0.75) = 8, nothing changes
        ((2, 6, 0), (0, 8, 0), 8.0),
        # online share below the baseline's (0.1 < 0.5): min(10, 9 / 0.5 = 18) = 10, no upward correction
        ((4, 4, 0), (1, 9, 0), 10.0),
        # s0 = 1: no correction possible
        ((3, 0, 0), (2, 1, 0), 3.0),
    ],
)
def test_baseline_share_by_hand(
    baseline: tuple[int, int, int], period: tuple[int, int, int], expected: float
) -> None:
    rows = registrations(_channels(B, "1.2.3", *baseline) + _channels(P, "1.2.3", *period))
    result = aggregate_registrations(rows, RULES, unit="H", baseline="2017H1")
    assert value(result, "2019H1", "1.2.3", "corrected") == pytest.approx(expected)
    assert value(result, "2017H1", "1.2.3", "corrected") == value(result, "2017H1", "1.2.3", "raw")
    raw = sum(period)
    assert value(result, "2019H1", "1.2.3", "internet_effect") == pytest.approx(expected - raw)


def test_notes_for_uncorrectable_internet_and_unknown_channel() -> None:
    rows = registrations(_channels(B, "1.2.3", 3, 0) + _channels(P, "1.2.3", 2, 1, unknown=2))
    result = aggregate_registrations(rows, RULES, unit="H", baseline="2017H1")
    notes = value(result, "2019H1", "1.2.3", "notes")
    assert "online share is 100%" in notes and "2 with channel unknown" in notes
    assert value(result, "2019H1", "1.2.3", "channel_unknown") == 2


def test_no_channel_data_means_no_correction() -> None:
    rows = registrations([("R1", B, "1.2.3", None, None), ("R2", P, "1.2.3", None, None)])
    result = aggregate_registrations(rows, RULES, unit="H", baseline="2017H1")
    assert value(result, "2019H1", "1.2.3", "corrected") == 1
    assert "no channel data" in value(result, "2019H1", "1.2.3", "notes")


def test_bvh_codes_count_under_their_category_and_unknown_codes_do_not() -> None:
    rows = registrations(
        [("R1", P, "A72", None, "desk"), ("R2", P, "1.2.3", None, "desk"), ("R3", P, "ZZ9", None, "desk")]
    )
    result = aggregate_registrations(rows, RULES, unit="H", baseline=None)
    assert value(result, "2019H1", "1.2.3", "raw") == 2
    assert result.height == 1


def test_samenloop_runs_before_internet() -> None:
    # Event E1: 1.2.3 online + 2.2.1 at the desk; 1.2.3 is heavier, so the event is one online 1.2.3.
    rows = registrations(
        [
            *_channels(B, "1.2.3", 1, 3),
            ("X1", P, "1.2.3", "E1", "internet"),
            ("X2", P, "2.2.1", "E1", "desk"),
            ("X3", P, "1.2.3", None, "desk"),
        ]
    )
    result = aggregate_registrations(rows, RULES, unit="H", baseline="2017H1")
    # after samenloop: 1.2.3 has I = 1, D = 1; s0 = 0.25: min(2, 1 / 0.75) = 1.3333
    assert value(result, "2019H1", "1.2.3", "after_samenloop") == 2
    assert value(result, "2019H1", "1.2.3", "corrected") == pytest.approx(4 / 3)
    assert value(result, "2019H1", "2.2.1", "corrected") == 0


def counts(rows: list[tuple]) -> pl.LazyFrame:
    """Rows: (period, area, category_code, count, internet_count)."""
    return pl.LazyFrame(
        rows,
        schema={
            "period": pl.String,
            "area": pl.String,
            "category_code": pl.String,
            "count": pl.Int64,
            "internet_count": pl.Int64,
        },
        orient="row",
    )


def test_counts_with_samenloop_factors() -> None:
    frame = counts(
        [
            ("2018H1", "Midden-Nederland", "2.4.2", 100, None),
            ("2018H2", "Midden-Nederland", "2.4.2", 120, None),  # factor 0.20: 120 / 1.2 = 100
            ("2019H1", "Midden-Nederland", "1.2.3", 300, None),  # no factor
            ("2018", "Midden-Nederland", "3.1.3", 200, None),  # 0.32 x 184/365 of the year after 1 July
        ]
    )
    h = aggregate_counts(frame, RULES, unit="H", baseline=None)
    assert value(h, "2018H1", "2.4.2", "corrected", "Midden-Nederland") == 100
    assert value(h, "2018H2", "2.4.2", "corrected", "Midden-Nederland") == pytest.approx(100)
    assert value(h, "2019H1", "1.2.3", "corrected", "Midden-Nederland") == 300
    y = aggregate_counts(frame, RULES, unit="Y", baseline=None)
    assert value(y, "2018", "3.1.3", "after_samenloop", "Midden-Nederland") == pytest.approx(
        200 / (1 + 0.32 * 184 / 365)
    )
    # 2018 as a year from its halves: 100 + 120 = 220 raw; after: 100 + 100 = 200 would need per-half factors,
    # the year gets 0.20 x 184/365: 220 / 1.100822
    assert value(y, "2018", "2.4.2", "after_samenloop", "Midden-Nederland") == pytest.approx(
        220 / (1 + 0.2 * 184 / 365)
    )


def test_counts_internet_share_and_suppressed() -> None:
    frame = counts(
        [
            ("2017H1", "G10", "1.2.3", 100, 20),  # s0 = 0.2
            ("2019H1", "G10", "1.2.3", 100, 40),  # D = 60: min(100, 60 / 0.8 = 75) = 75
            ("2019H1", "G10", "1.4.7", None, None),
        ]
    )
    result = aggregate_counts(frame, RULES, unit="H", baseline="2017H1")
    assert value(result, "2019H1", "1.2.3", "corrected", "G10") == pytest.approx(75)
    suppressed = result.filter(pl.col("category") == "1.4.7")
    assert suppressed["raw"].to_list() == [None] and suppressed["corrected"].to_list() == [None]
    assert "suppressed" in suppressed["notes"].item()


def test_monthly_and_yearly_rows_are_not_added() -> None:
    months = [(f"2019-{m:02d}", "MN", "1.2.3", 10, None) for m in range(1, 13)]
    frame = counts([*months, ("2019", "MN", "1.2.3", 999, None)])
    assert value(aggregate_counts(frame, RULES, unit="Y", baseline=None), "2019", "1.2.3", "raw", "MN") == 999
    assert (
        value(aggregate_counts(frame, RULES, unit="H", baseline=None), "2019H2", "1.2.3", "raw", "MN") == 60
    )
    incomplete = counts(months[:5])  # January-May only: no half-year
    assert aggregate_counts(incomplete, RULES, unit="H", baseline=None).height == 0


def test_registrations_win_over_counts() -> None:
    regs = aggregate_registrations(
        registrations([("R1", P, "1.2.3", None, "desk")]), RULES, unit="H", baseline=None
    )
    cnts = aggregate_counts(
        counts(
            [
                ("2019H1", "Almere", "1.2.3", 50, None),  # same category: set aside
                (
                    "2019H1",
                    "Almere",
                    "1.1.1",
                    7,
                    None,
                ),  # other police category, same area and period: set aside too
                ("2019H1", "Almere", "huisverbod", 9, None),  # not a police category: kept
                ("2018H1", "Almere", "1.1.1", 6, None),  # a period registrations do not cover: kept
            ]
        ),
        RULES,
        unit="H",
        baseline=None,
    )
    both = combine(regs, cnts)
    assert value(both, "2019H1", "1.2.3", "raw") == 1
    assert "registrations win" in value(both, "2019H1", "1.2.3", "notes")
    assert both.filter(pl.col("period") == "2019H1", pl.col("category") == "1.1.1").height == 0
    assert value(both, "2019H1", "huisverbod", "raw") == 9
    assert value(both, "2018H1", "1.1.1", "source") == "counts"


def suspects(rows: list[tuple]) -> pl.LazyFrame:
    """Rows: (registration_id, category_code, event_id, suspect_id, age)."""
    schema = stored_schema(Kind.suspects)
    frame = pl.DataFrame(
        [
            {
                "registration_id": r,
                "category_code": c,
                "event_id": e,
                "suspect_id": s,
                "age": a,
                "date": P,
                "municipality": "Almere",
                "source_id": "S",
            }
            for r, c, e, s, a in rows
        ]
    )
    return frame.lazy().select(
        [
            pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in schema.items()
        ]
    )


def test_suspect_counts_once_per_event() -> None:
    rows = suspects(
        [
            ("R1", "1.4.6", "E1", "P1", 17),
            ("R2", "3.1.3", "E1", "P1", 17),  # same person, one event: once (1.4.6)
            ("R1", "1.4.6", "E1", "P2", 19),
            ("R2", "3.1.3", "E1", "P2", 19),
            ("R3", "1.1.1", "E2", None, 30),
            ("R4", "2.4.2", "E2", None, 30),  # no person id: heaviest registration
            ("R5", "1.1.1", None, "P1", 17),  # no event: its own
        ]
    )
    kept = collapse_suspects(to_category(rows), RULES).collect()
    assert sorted(kept.select("registration_id", "suspect_id").rows(), key=str) == sorted(
        [("R1", "P1"), ("R1", "P2"), ("R3", None), ("R5", "P1")], key=str
    )
    youth = aggregate_suspects(rows, RULES, unit="H", where=pl.col("age").is_between(12, 24))
    assert youth["raw"].sum() == 5 and youth["after_samenloop"].sum() == 3


def test_both_corrections_off_gives_raw() -> None:
    rows = registrations(
        _channels(B, "1.2.3", 2, 6)
        + _channels(P, "1.2.3", 5, 9)
        + [("E-a", P, "1.4.6", "E1", "desk"), ("E-b", P, "3.1.3", "E1", "desk")]
    )
    result = aggregate_registrations(rows, RULES.without_corrections(), unit="H", baseline="2017H1")
    assert result["corrected"].to_list() == result["raw"].to_list()
    assert (result["samenloop_effect"] == 0).all() and (result["internet_effect"] == 0).all()


def test_zero_counts_have_no_online_share_and_no_nan() -> None:
    frame = counts(
        [
            ("2017H1", "G10", "1.2.3", 0, 0),  # no baseline share: nothing to hold fixed
            ("2019H1", "G10", "1.2.3", 10, 5),
            ("2017H1", "G10", "1.1.1", 10, 2),  # s0 = 0.2
            ("2019H1", "G10", "1.1.1", 0, 0),
        ]
    )
    result = aggregate_counts(frame, RULES, unit="H", baseline="2017H1")
    assert not result.select(pl.col("corrected").is_nan().any()).item()
    assert value(result, "2019H1", "1.2.3", "corrected", "G10") == 10
    assert value(result, "2019H1", "1.1.1", "corrected", "G10") == 0


def test_no_online_reports_in_the_baseline_is_said() -> None:
    rows = registrations(_channels(B, "1.2.3", 0, 4) + _channels(P, "1.2.3", 3, 5))
    result = aggregate_registrations(rows, RULES, unit="H", baseline="2017H1")
    assert "no online reports in the baseline" in value(result, "2019H1", "1.2.3", "notes")

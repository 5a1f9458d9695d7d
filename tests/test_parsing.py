"""Vectorised parsers against values worked out by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veilcli.domain.periods import Period, parse_period, period_expr
from veilcli.sources.parsing import boolean_expr, channel_expr, clean_text, date_expr, integer_expr


def run(expr_fn, values: list[str | None]) -> list[object]:  # type: ignore[no-untyped-def]
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(expr_fn(clean_text(pl.col("v")))).to_series().to_list()


def test_dutch_whole_numbers() -> None:
    assert run(integer_expr, ["1.043", "6", " 10378", "12,0", "200.914", "1.234.567", "-3", None]) == [
        1043,
        6,
        10378,
        12,
        200914,
        1234567,
        -3,
        None,
    ]


def test_non_whole_numbers_do_not_parse() -> None:
    assert run(integer_expr, ["6,3", "1.04", "abc", "1.0434"]) == [None, None, None, None]


def test_dates_in_every_shape() -> None:
    values = [
        "2019-02-03",
        "2019-02-03 14:05:00",
        "03-02-2019",
        "3-2-2019 10:15",
        "03/02/2019",
        "43499",
        "43499.729166666701",
        "31-02-2019",
        "gisteren",
    ]
    expected = [dt.date(2019, 2, 3)] * 7 + [None, None]
    assert run(date_expr, values) == expected


def test_excel_serial_epoch() -> None:
    # 42998.729166666701 is 2017-09-20 17:30 in Excel's 1900 date system (1899-12-30 + 42998 days).
    assert run(date_expr, ["42998.729166666701"]) == [dt.date(2017, 9, 20)]


def test_booleans_and_channels() -> None:
    assert run(boolean_expr, ["J", "n", "Ja", "nee", "1", "0", "misschien"]) == [
        True,
        False,
        True,
        False,
        True,
        False,
        None,
    ]
    assert run(
        channel_expr, ["Internet", "BALIE", "Telefoon", "telefonisch", "Overig", "Onbekend", "Fax"]
    ) == ["internet", "desk", "phone", "phone", "other", "unknown", None]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2019", "2019"),
        ("2019H1", "2019H1"),
        ("2019 h2", "2019H2"),
        ("2019Q3", "2019Q3"),
        ("2019KW03", "2019Q3"),
        ("2019-05", "2019-05"),
        ("2019-5", "2019-05"),
        ("2019MM05", "2019-05"),
        ("2019JJ00", "2019"),
        ("2019 januari", "2019-01"),
        ("2019 mei", "2019-05"),
    ],
)
def test_periods(text: str, canonical: str) -> None:
    assert str(parse_period(text)) == canonical
    assert run(period_expr, [text]) == [canonical]


def test_period_arithmetic() -> None:
    h1 = parse_period("2019H1")
    assert (h1.start, h1.end) == (dt.date(2019, 1, 1), dt.date(2019, 7, 1))
    assert h1.in_year(2017) == Period(2017, "H", 1)
    assert run(period_expr, ["2019H3", "19H1", "mei 2019"]) == [None, None, None]


# One written value per column type and what it parses to (worked out by hand).
TYPED_EXAMPLES = {
    "text": ("Almere-Stad", "Almere-Stad"),
    "date": ("31-12-2019", dt.date(2019, 12, 31)),
    "integer": ("1.043", 1043),
    "boolean": ("nee", False),
    "channel": ("Balie", "desk"),
    "period": ("2019 januari", "2019-01"),
    "year": ("2019*", 2019),
    "category": ("1.2.3 Diefstal van brom-, snor-, fietsen", "1.2.3"),
}


def test_every_column_type_carries_its_dtype_parser_and_finding() -> None:
    from veilcli.domain.models import Kind
    from veilcli.sources.columns import ColumnType, column_specs
    from veilcli.store.store import stored_schema

    assert {t.value for t in ColumnType} == set(TYPED_EXAMPLES)
    for column_type in ColumnType:
        written, expected = TYPED_EXAMPLES[column_type.value]
        parse = column_type.parse or (lambda e: e)
        parsed = pl.DataFrame({"v": [written]}).select(parse(pl.col("v")).cast(column_type.dtype)).to_series()
        assert parsed.dtype == column_type.dtype and parsed.to_list() == [expected], column_type
        # Every type with a parser names the finding for a value that does not parse.
        assert (column_type.parse is None) == (column_type.failure is None), column_type
        assert column_type.failure is None or column_type.failure.code.startswith(("invalid_", "unknown_"))
    assert ColumnType.channel.blank == "unknown" and ColumnType.integer.blank is None
    # The store keeps each canonical column in its type's dtype.
    for kind in Kind:
        schema = stored_schema(kind)
        assert all(schema[s.name] == s.type.dtype for s in column_specs(kind))


def test_needs_cleaning_is_exactly_where_clean_text_changes_a_value() -> None:
    """The validator uses a column as read when ``needs_cleaning`` says no: every code point at either
    end of a value (and an empty value) must agree with what ``clean_text`` strips."""
    from veilcli.sources.parsing import changed_by_cleaning, needs_cleaning

    points = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    values = pl.Series([*(p + "a" for p in points), *("a" + p for p in points)], dtype=pl.String)
    frame = pl.DataFrame({"v": values})
    changed = frame.select(clean_text(pl.col("v")).ne_missing(pl.col("v"))).to_series()
    flagged = frame.select(changed_by_cleaning(pl.col("v")))
    assert changed.to_list() == flagged.to_series().to_list()
    regex = frame.select(pl.col("v").str.contains(r"^\s|\s$") | (pl.col("v").str.len_bytes() == 0))
    assert regex.to_series().to_list() == changed.to_list()  # the regex it replaced, for the record
    assert changed.sum() == 50  # the 25 White_Space code points, at the start and at the end

    def cleaning(column: list[str | None]) -> bool:
        frame = pl.DataFrame({"v": column}, schema={"v": pl.String})
        return bool(frame.select(needs_cleaning(pl.col("v"))).item())

    assert not cleaning(["a", "b c", None])
    assert not cleaning([])
    assert cleaning(["a", ""])
    assert cleaning(["a", "\u00a0b"])
    assert cleaning(["a", "b\t"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))), max_size=12),
    st.integers(1, 50),
)
def test_period_labels_of_distinct_dates_are_the_labels_row_by_row(
    dates: list[dt.date | None], repeat: int
) -> None:
    """``label_expr`` labels each distinct date once and maps the labels back: the same values as
    labelling every row, whatever the repeats (also none, and no rows at all)."""
    from veilcli.domain.periods import PeriodUnit

    frame = pl.DataFrame({"d": dates * repeat}, schema={"d": pl.Date})
    for unit in PeriodUnit:
        mapped = frame.select(unit.label_expr(pl.col("d"))).to_series()
        per_row = frame.select(unit.label_expr_per_row(pl.col("d"))).to_series()
        assert mapped.dtype == pl.String and mapped.equals(per_row)
        lazy = frame.lazy().select(unit.label_expr(pl.col("d"))).collect(engine="streaming").to_series()
        assert lazy.equals(per_row)


def test_offsets_in_every_written_shape() -> None:
    """Z, +hh:mm, +hhmm, no seconds, fractions, a Dutch day-month-year: the day in Amsterdam.
    Without an offset the written day stands (no time zone is assumed for local times)."""
    values = [
        "2019-06-30T23:30:00.250Z",  # 01:30 CEST, 1 July
        "2019-06-30 23:30+0000",  # the same
        "30-06-2019 23:30:00Z",  # the same, written the Dutch way
        "2019-12-31T23:30:00-01:00",  # 00:30 UTC = 01:30 CET on 1 January 2020
        "2019-06-30T23:30:00+02:00",  # 23:30 CEST: 30 June
        "2019-06-30 23:30:00",  # local: 30 June
        "30-06-2019",
    ]
    expected = [dt.date(2019, 7, 1)] * 3 + [dt.date(2020, 1, 1)] + [dt.date(2019, 6, 30)] * 3
    assert run(date_expr, values) == expected


# Periods and years as CBS and the police write them, read on every path (issue 20): the canonical
# column parsers, not only the recognised formats, read the star, the OData codes and the words.
@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2019*", "2019"),
        ("2019JJ00", "2019"),
        ("2019MM03", "2019-03"),
        ("2019KW01", "2019Q1"),
        ("2019HJ01", "2019H1"),
        ("2019HJ02*", "2019H2"),
        ("2019* januari", "2019-01"),
        ("2019 januari*", "2019-01"),
        ("2019 1e halfjaar", "2019H1"),
        ("2019  2e halfjaar", "2019H2"),
        ("2019 3e kwartaal", "2019Q3"),
        ("2019 5e kwartaal", None),
        ("2019MM13", None),
        ("2019KW05", None),
        ("*", None),
    ],
)
def test_periods_in_every_form_on_the_canonical_path(text: str, canonical: str | None) -> None:
    from veilcli.sources.columns import ColumnType

    assert ColumnType.period.parse is not None
    assert run(ColumnType.period.parse, [text]) == [canonical]


def test_years_as_the_tables_write_them() -> None:
    from veilcli.sources.parsing import year_expr

    values = ["2019", "2019*", "2019 *", "2019JJ00", "2019jj00", "2019.0", "2019MM03", "2019H1", "19", "x"]
    assert run(year_expr, values) == [2019, 2019, 2019, 2019, 2019, 2019, None, None, None, None]

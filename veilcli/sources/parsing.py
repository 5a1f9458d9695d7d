"""Vectorised text -> typed parsers for the formats analysts' spreadsheets contain.

Each parser takes a text expression and returns the typed value, null where the text cannot
be parsed; the validator turns "text present but parsed null" into a finding. Which parser a
column uses is said by its type (``columns.ColumnType``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import polars as pl

from veilcli.domain.models import Channel

EXCEL_EPOCH = dt.date(1899, 12, 30)

CHANNEL_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "internet",
            "online",
            "digitaal",
            "web",
            "website",
            "internetaangifte",
            "app",
            "via internet",
            "digitale aangifte",
        ],
        Channel.internet.value,
    ),
    **dict.fromkeys(
        [
            "balie",
            "bureau",
            "politiebureau",
            "loket",
            "desk",
            "aan de balie",
            "in persoon",
            "baliemedewerker",
        ],
        Channel.desk.value,
    ),
    **dict.fromkeys(
        ["telefoon", "telefonisch", "0900", "0900-8844", "phone", "telephone", "telefonische aangifte"],
        Channel.phone.value,
    ),
    **dict.fromkeys(
        [
            "overig",
            "overige",
            "anders",
            "other",
            "schriftelijk",
            "post",
            "e-mail",
            "email",
            "ter plaatse",
            "op locatie",
            "aangifte op afspraak",
            "afspraak",
        ],
        Channel.other.value,
    ),
    **dict.fromkeys(["onbekend", "unknown", "niet bekend", "?", "-"], Channel.unknown.value),
}

_TRUE = ["j", "ja", "y", "yes", "true", "waar", "1", "wel"]
_FALSE = ["n", "nee", "no", "false", "onwaar", "0", "niet"]
BOOLEAN_WORDS: dict[str, bool] = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def clean_text(raw: pl.Expr) -> pl.Expr:
    """Strip whitespace (Unicode, so non-breaking spaces too); empty text becomes null."""
    return raw.str.strip_chars().replace("", None)


def changed_by_cleaning(raw: pl.Expr) -> pl.Expr:
    """Per value: whether ``clean_text`` changes it (stripping shortens it, or it is empty).

    Compared by length, not by the regex ``^\\s|\\s$`` per value: ~25% less time on the 1M-row
    benchmark's columns (a test checks every code point at either end against ``clean_text``).
    """
    length = raw.str.len_bytes()
    return (raw.str.strip_chars().str.len_bytes() != length) | (length == 0)


def needs_cleaning(raw: pl.Expr) -> pl.Expr:
    """Whether ``clean_text`` changes any value of a text column (aggregate: one boolean)."""
    return changed_by_cleaning(raw).any()


def integer_expr(text: pl.Expr) -> pl.Expr:
    """Dutch and plain whole numbers: ``1.043`` -> 1043, ``12,0`` -> 12, `` 10378`` -> 10378."""
    compact = text.str.replace_all(r"[\s\u00a0]", "")
    dutch_thousands = compact.str.contains(r"^-?\d{1,3}(\.\d{3})+$")
    whole_decimal = compact.str.contains(r"^-?\d+[.,]0+$")
    normalised = (
        pl.when(dutch_thousands)
        .then(compact.str.replace_all(".", "", literal=True))
        .when(whole_decimal)
        .then(compact.str.replace(r"[.,]0+$", ""))
        .otherwise(compact)
    )
    return normalised.cast(pl.Int64, strict=False)


# A time of day followed by a UTC offset (``23:30:00Z``, ``23:30+02:00``, ``23:30:00.5+0200``) at the
# end of a value: the date is not the first ten characters but the day in Europe/Amsterdam.
OFFSET_AT_END = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})$"


def has_offset(text: pl.Expr) -> pl.Expr:
    """Whether a date text ends in a time with a UTC offset (``_offset_date`` reads it)."""
    return text.str.contains(OFFSET_AT_END)


def _offset_date(text: pl.Expr) -> pl.Expr:
    """An ISO timestamp with a UTC offset (``2018-12-31T23:30:00Z``, ``...+01:00``), as the date in
    Europe/Amsterdam: 23:30 UTC on 30 June is already 1 July, in the next half-year."""
    stamp = text.str.strip_chars().str.replace(r"[Zz]$", "+00:00").str.replace(" ", "T", literal=True)
    stamp = stamp.str.replace(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})T", "${3}-${2}-${1}T")  # 30-06-2019
    stamp = stamp.str.replace(r"(T\d{2}:\d{2})([+-])", "${1}:00${2}")  # no seconds: add them
    with_offset = stamp.str.contains(r"T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:?\d{2}$")
    parsed = stamp.str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%.f%z", strict=False)
    return pl.when(with_offset).then(parsed.dt.convert_time_zone("Europe/Amsterdam").dt.date())


def date_expr(text: pl.Expr) -> pl.Expr:
    """ISO text, ``dd-mm-yyyy`` (also ``/`` or ``.``, with time), Excel serial numbers, and ISO
    timestamps with a UTC offset (converted to Europe/Amsterdam first)."""
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})", 1).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    dmy = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T].*)?$"
    dutch = pl.concat_str(
        text.str.extract(dmy, 3),
        text.str.extract(dmy, 2).str.zfill(2),
        text.str.extract(dmy, 1).str.zfill(2),
        separator="-",
    ).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    serial_text = text.str.extract(r"^(\d{4,5}(?:[.,]\d+)?)$", 1).str.replace(",", ".")
    serial_days = serial_text.cast(pl.Float64, strict=False).floor().cast(pl.Int64)
    serial = pl.lit(EXCEL_EPOCH) + pl.duration(days=serial_days)
    return pl.coalesce(_offset_date(text), iso, dutch, serial.cast(pl.Date))


def statistical_period_text(text: pl.Expr) -> pl.Expr:
    """A period as CBS and the police write it, in a form the period parser reads, on every path:
    the provisional star dropped (``2019*``, ``2019* januari``, ``2019MM03*``), ``2019 1e halfjaar``
    -> ``2019H1``, ``2019 3e kwartaal`` -> ``2019Q3``; the OData codes (``2019JJ00``, ``2019MM03``,
    ``2019KW01``, ``2019HJ01``) and ``2019 januari`` parse as they are."""
    plain = text.str.replace_all(r"\s*\*", "").str.strip_chars().str.replace_all(r"\s+", " ")
    lower = plain.str.to_lowercase()
    half = lower.str.extract(r"^(\d{4}) ([12])(?:e|ste|de)? ?halfjaar$", 2)
    quarter = lower.str.extract(r"^(\d{4}) ([1-4])(?:e|ste|de)? ?kwartaal$", 2)
    year = lower.str.extract(r"^(\d{4}) ", 1)
    return (
        pl.when(half.is_not_null())
        .then(pl.concat_str(year, pl.lit("H"), half))
        .when(quarter.is_not_null())
        .then(pl.concat_str(year, pl.lit("Q"), quarter))
        .otherwise(plain)
    )


def year_expr(text: pl.Expr) -> pl.Expr:
    """A year as the tables write it: ``2019``, ``2019*`` (provisional), ``2019JJ00`` (the OData code
    of a whole year), ``2019.0`` (a spreadsheet number); null for anything else (``2019MM03`` is a
    month, not a year)."""
    plain = text.str.replace_all(r"\s*\*", "").str.strip_chars().str.replace(r"(?i)JJ00$", "")
    return pl.when(plain.str.contains(r"^\d{4}(?:[.,]0+)?$")).then(integer_expr(plain))


def boolean_expr(text: pl.Expr) -> pl.Expr:
    """J/N, ja/nee, yes/no, true/false, 1/0."""
    return text.str.to_lowercase().replace_strict(BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean)


def channel_expr(text: pl.Expr) -> pl.Expr:
    """Dutch and English channel words -> ``internet``/``desk``/``phone``/``other``/``unknown``."""
    return text.str.to_lowercase().replace_strict(CHANNEL_WORDS, default=None, return_dtype=pl.String)


# Single-format fast paths: tried on a sample; rows they miss fall back to the full parser.
_FAST_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")


def _one_format_date(text: pl.Expr, fmt: str) -> pl.Expr:
    """The first ten characters as a date, except a timestamp with a UTC offset: null here, so the
    full parser (``parse_with_fallback``) takes its day in Europe/Amsterdam, never the UTC day.

    ``cache=False``: polars' cache of parsed texts costs more than it saves, even with a thousand
    distinct days in a million rows (~25 ms less CPU on the 1M-row benchmark's dates).
    """
    return pl.when(~has_offset(text)).then(text.str.slice(0, 10).str.to_date(fmt, strict=False, cache=False))


def fast_date_expr(sample: pl.Series) -> Callable[[pl.Expr], pl.Expr] | None:
    """A one-format date parser that reads every value of ``sample``, if one exists."""
    values = sample.drop_nulls().head(1000)
    if values.len() == 0:
        return None
    for fmt in _FAST_DATE_FORMATS:
        parsed = values.str.slice(0, 10).str.to_date(fmt, strict=False)
        if parsed.null_count() == 0:
            return functools.partial(_one_format_date, fmt=fmt)
    if values.str.contains(_SERIAL).all():
        return _serial_date  # BVH extracts: Excel serial numbers, also as text
    return None


_SERIAL = r"^\d{5}(?:\.\d+)?$"


def _serial_date(text: pl.Expr) -> pl.Expr:
    """``42998.729166666701`` -> 2017-09-20 (the day; the time of day is dropped)."""
    days = text.cast(pl.Float64, strict=False).floor().cast(pl.Int64)
    return (pl.lit(EXCEL_EPOCH) + pl.duration(days=days)).cast(pl.Date)


def fast_integer_expr(text: pl.Expr) -> pl.Expr:
    """Plain whole numbers; Dutch forms fall back to ``integer_expr``."""
    return text.cast(pl.Int64, strict=False)


def parse_with_fallback(
    text: pl.Series, fast: Callable[[pl.Expr], pl.Expr], full: Callable[[pl.Expr], pl.Expr]
) -> pl.Series:
    """Parse with ``fast``; only the values it misses go through ``full`` (still vectorised)."""
    parsed = text.to_frame("t").select(fast(pl.col("t"))).to_series()
    completed = complete_parse(parsed, text, full)
    return parsed if completed is None else completed


def complete_parse(
    parsed: pl.Series, text: pl.Series, full: Callable[[pl.Expr], pl.Expr]
) -> pl.Series | None:
    """``parsed`` (``text`` parsed by a fast parser) with the values it missed parsed by ``full``;
    None when it missed none."""
    missed = parsed.is_null() & text.is_not_null()
    if not missed.any():
        return None
    index = missed.arg_true()
    retried = text.to_frame("t")[index].select(full(pl.col("t"))).to_series()
    return parsed.clone().scatter(index, retried.cast(parsed.dtype))

"""Periods: ``2019`` (year), ``2019H1`` (half-year), ``2019Q3`` (quarter), ``2019-05`` (month).

One Python parser for command-line options and one vectorised polars parser for columns;
both accept the police/CBS spellings (``2019MM05``, ``2019JJ00``, ``2019KW03``, ``2019 mei``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from veilcli.domain.language import Lang, catalogue, conventions
from veilcli.errors import UsageError

# The languages police and CBS write month names in ("2019 mei", "2019 March"): a period column or
# option is read in these, whatever the output language, with the months of their word files.
SOURCE_LANGS = ("nl", "en")


@functools.cache
def _month_numbers() -> dict[str, int]:
    """Month name (lower case; Dutch also by its first three letters, "okt") -> its number."""
    months = {lang: [m.casefold() for m in conventions(lang).months] for lang in SOURCE_LANGS}
    numbers = {name: i + 1 for names in months.values() for i, name in enumerate(names)}
    numbers.update({name[:3]: i + 1 for i, name in enumerate(months["nl"])})
    return numbers


class PeriodUnit(StrEnum):
    """A period's unit; each knows its months and how its labels are written."""

    Y = "Y"
    H = "H"
    Q = "Q"
    M = "M"

    @property
    def months(self) -> int:
        """Months in one period of this unit."""
        return {PeriodUnit.Y: 12, PeriodUnit.H: 6, PeriodUnit.Q: 3, PeriodUnit.M: 1}[self]

    @property
    def parts(self) -> int:
        """Periods of this unit in a year."""
        return 12 // self.months

    def label_expr(self, date: pl.Expr) -> pl.Expr:
        """Vectorised: date -> the label of its period (``2019``, ``2019H1``, ``2019Q3``, ``2019-05``).

        Dates repeat (a million registrations fall on a few thousand days): each distinct date is
        labelled once and the labels mapped back, which costs half of writing a label per row. The
        values are those of ``label_expr_per_row``.
        """
        return date.map_batches(self._label_batch, return_dtype=pl.String, is_elementwise=True)

    def _label_batch(self, dates: pl.Series) -> pl.Series:
        distinct = dates.unique()
        if distinct.len() * 4 >= dates.len():  # few repeats (or no rows): label every row
            return dates.to_frame("d").select(self.label_expr_per_row(pl.col("d"))).to_series()
        labels = distinct.to_frame("d").select(self.label_expr_per_row(pl.col("d"))).to_series()
        return dates.replace_strict(distinct, labels, return_dtype=pl.String)

    def label_expr_per_row(self, date: pl.Expr) -> pl.Expr:
        """``label_expr`` computed row by row."""
        year = date.dt.year().cast(pl.String)
        if self is PeriodUnit.Y:
            return year
        if self is PeriodUnit.M:
            return pl.concat_str(year, pl.lit("-"), date.dt.month().cast(pl.String).str.zfill(2))
        part = (date.dt.month().cast(pl.Int32) - 1) // self.months + 1
        return pl.concat_str(year, pl.lit(self.value), part.cast(pl.String))


# (regex, canonical template) for the vectorised parser; groups: year, part.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(\d{4})$", "Y"),
    (r"^(\d{4})JJ00$", "Y"),
    (r"^(\d{4})\s*-?\s*H([12])$", "H"),
    (r"^(\d{4})\s*-?\s*HJ0([12])$", "H"),
    (r"^(\d{4})\s*-?\s*Q([1-4])$", "Q"),
    (r"^(\d{4})\s*-?\s*KW0([1-4])$", "Q"),
    (r"^(\d{4})MM(0[1-9]|1[0-2])$", "M"),
    (r"^(\d{4})-(0?[1-9]|1[0-2])$", "M"),
)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; ``part`` is 1 for years."""

    year: int
    unit: PeriodUnit
    part: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", PeriodUnit(self.unit))  # "H" given as text is the same unit

    def __str__(self) -> str:
        if self.unit is PeriodUnit.Y:
            return str(self.year)
        if self.unit is PeriodUnit.M:
            return f"{self.year}-{self.part:02d}"
        return f"{self.year}{self.unit.value}{self.part}"

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        return dt.date(self.year, (self.part - 1) * self.unit.months + 1, 1)

    @property
    def end(self) -> dt.date:
        """Day after the last day of the period (exclusive end)."""
        month = self.part * self.unit.months + 1
        return dt.date(self.year + 1, 1, 1) if month > 12 else dt.date(self.year, month, 1)

    @property
    def last_day(self) -> dt.date:
        """The last day of the period."""
        return self.end - dt.timedelta(days=1)

    @classmethod
    def of(cls, date: dt.date, unit: PeriodUnit | str) -> Period:
        """The period of a unit that holds a date."""
        unit = PeriodUnit(unit)
        return cls(date.year, unit, (date.month - 1) // unit.months + 1)

    def previous(self) -> Period:
        """The period just before this one."""
        if self.part > 1:
            return Period(self.year, self.unit, self.part - 1)
        return Period(self.year - 1, self.unit, self.unit.parts)

    def next(self) -> Period:
        """The period just after this one."""
        if self.part < self.unit.parts:
            return Period(self.year, self.unit, self.part + 1)
        return Period(self.year + 1, self.unit, 1)

    def in_year(self, year: int) -> Period:
        """The same part of the year in another year (``--baseline 2017``)."""
        return Period(year, self.unit, self.part)


def parse_period(text: str) -> Period:
    """Parse a period from an option or a cell; raises ``UsageError`` with the accepted forms."""
    cleaned = text.strip().upper()
    for pattern, unit in _PATTERNS:
        m = re.match(pattern, cleaned)
        if m:
            part = int(m.group(2)) if unit != "Y" else 1
            return Period(int(m.group(1)), PeriodUnit(unit), part)
    m = re.match(r"^(\d{4})\s+([a-z]+)$", text.strip().casefold())
    if m and m.group(2) in _month_numbers():
        return Period(int(m.group(1)), PeriodUnit.M, _month_numbers()[m.group(2)])
    raise UsageError(
        f"{text!r} is not a period.",
        hint="write a year (2019), half-year (2019H1), quarter (2019Q3) or month (2019-05).",
    )


def period_expr(raw: pl.Expr) -> pl.Expr:
    """Vectorised: text column -> canonical period text (null where unparseable)."""
    text = raw.str.strip_chars().str.to_uppercase()
    options = []
    for pattern, unit in _PATTERNS:
        year = text.str.extract(pattern, 1)
        if unit == "Y":
            options.append(year)
            continue
        part = text.str.extract(pattern, 2).cast(pl.Int32, strict=False)
        if unit == "M":
            options.append(pl.concat_str(year, pl.lit("-"), part.cast(pl.String).str.zfill(2)))
        else:
            options.append(pl.concat_str(year, pl.lit(unit), part.cast(pl.String)))
    words = raw.str.strip_chars().str.to_lowercase()
    month_name = words.str.extract(r"^\d{4}\s+([a-z]+)$", 1)
    month_number = month_name.replace_strict(_month_numbers(), default=None, return_dtype=pl.Int32)
    options.append(
        pl.concat_str(
            words.str.extract(r"^(\d{4})\s+[a-z]+$", 1),
            pl.lit("-"),
            month_number.cast(pl.String).str.zfill(2),
        )
    )
    return pl.coalesce(options)


def period_label_expr(date: pl.Expr, unit: PeriodUnit | str) -> pl.Expr:
    """Vectorised: date -> the label of its period (see ``PeriodUnit.label_expr``)."""
    return PeriodUnit(unit).label_expr(date)


def period_year_expr(label: pl.Expr) -> pl.Expr:
    """Vectorised: canonical period label -> its year (Int64)."""
    return label.str.slice(0, 4).cast(pl.Int64)


def period_bounds_exprs(label: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Vectorised: canonical period label -> (first day, day after the last day)."""
    year = label.str.slice(0, 4).cast(pl.Int32)
    part = label.str.extract(r"^\d{4}[HQ-](\d+)$", 1).cast(pl.Int32)
    months = (
        pl.when(label.str.contains("H"))
        .then(6)
        .when(label.str.contains("Q"))
        .then(3)
        .when(label.str.contains("-"))
        .then(1)
        .otherwise(12)
    )
    first_month = pl.when(part.is_null()).then(1).otherwise((part - 1) * months + 1)
    start = pl.date(year, first_month, 1)
    end = start.dt.offset_by(pl.format("{}mo", months))
    return start, end


def period_unit_expr(period: pl.Expr) -> pl.Expr:
    """Vectorised: canonical period text -> its unit (Y, H, Q, M)."""
    return (
        pl.when(period.str.contains("H"))
        .then(pl.lit("H"))
        .when(period.str.contains("Q"))
        .then(pl.lit("Q"))
        .when(period.str.contains("-"))
        .then(pl.lit("M"))
        .otherwise(pl.lit("Y"))
    )


# --- periods and dates in words: the one place every output writes them for people ---------------
# (JSON and CSV keep the codes: ``2019H1``, ``2018-01-01``.)

_CANONICAL = re.compile(r"^\d{4}(?:[HQ][1-4]|-(?:0[1-9]|1[0-2]))?$")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _month_name(month: int, lang: Lang, short: bool) -> str:
    written = conventions(lang)
    return (written.months_short if short else written.months)[month - 1]


def _words(key: str, lang: Lang, **params: object) -> str:
    return catalogue(lang)["periods"][key].format(**params)


def period_words(period: Period | str, lang: str = "en", short: bool = False) -> str:
    """A period as a council document writes it: ``eerste helft 2019``, ``2e kwartaal 2019``,
    ``maart 2019``, ``2019`` (English: ``first half of 2019``, ``Q2 2019``, ``March 2019``).

    ``short`` is for a narrow column header: ``1e helft 2019``, ``2e kw. 2019``, ``mrt 2019``
    (``H1 2019``, ``Q2 2019``, ``Mar 2019``). Text that is not a period code is returned as it is,
    so a caller may pass any label."""
    if isinstance(period, str):
        if not _CANONICAL.match(period.strip()):
            return period
        period = parse_period(period)
    year, part = period.year, period.part
    match period.unit:
        case PeriodUnit.Y:
            return str(year)
        case PeriodUnit.H:
            key = "half_short" if short else f"half_{part}"
            return _words(key, lang, part=part, year=year)
        case PeriodUnit.Q:
            return _words("quarter_short" if short else "quarter", lang, part=part, year=year)
        case _:
            month = _month_name(part, lang, short)
            return _words("month_short" if short else "month", lang, month=month, year=year)


def periods_words(text: str, lang: str = "en", short: bool = False) -> str:
    """Every period code in a comma-separated list in words (``2018H1, 2019H1`` -> ``eerste helft
    2018, eerste helft 2019``); other items unchanged."""
    return ", ".join(period_words(item.strip(), lang, short) for item in text.split(","))


def date_words(date: dt.date | str, lang: str = "en") -> str:
    """A date as a council document writes it: ``1 januari 2018`` / ``1 January 2018``; in text, each
    ISO date (``2018-01-01``) is rewritten and the rest left as it is."""
    if isinstance(date, dt.date):
        return _words("date", lang, day=date.day, month=_month_name(date.month, lang, False), year=date.year)

    def spelled(m: re.Match[str]) -> str:
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return m.group(0)
        return date_words(day, lang)

    return _ISO_DATE.sub(spelled, date)


def span_words(text: str, lang: str = "en") -> str:
    """Date spans as ``coverage.describe_span`` writes them (``2017-07-01..2017-09-21``) in words:
    ``1 juli 2017 t/m 21 september 2017`` / ``1 July 2017 to 21 September 2017``."""
    joined = text.replace("..", f" {_words('span_to', lang)} ").replace("nothing", _words("nothing", lang))
    return date_words(joined, lang)


class PeriodText(str):
    """A period code in a table cell: the code (``2019H1``) for scripts, its words for people
    (``label``: "eerste helft 2019"), as a member of an enum shows itself in a ``label`` column."""

    __slots__ = ()

    @property
    def value(self) -> str:
        """The code, as scripts read it."""
        return str.__str__(self)

    def label(self, lang: str) -> str:
        """The period in words (``period_words``)."""
        return period_words(self.value, lang)


def baseline_words(baseline: str, period: str, lang: str = "en") -> str:
    """The baseline beside the period it is compared with: its year alone where it is the same part
    of the year, as the seed writes "eerste helft 2019 ten opzichte van 2017"; else its words."""
    then, now = parse_period(baseline), parse_period(period)
    if (then.unit, then.part) == (now.unit, now.part):
        return str(then.year)
    return period_words(then, lang)

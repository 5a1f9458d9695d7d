"""``cbs-kerncijfers``: CBS "Kerncijfers wijken en buurten" (KWB: ``WijkenEnBuurten`` and a numbered
``AantalInwoners_*``) and "Regionale kerncijfers Nederland" (70072NED: ``RegioS``, ``Perioden`` and a
numbered ``TotaleBevolking_*``) as OData TypedDataSets -> population on 1 January.

Its options (``KerncijfersOptions``) are its own: ``--year`` for a table whose year the file does
not tell, and ``--youth-from-15-25`` to estimate youths 12-24 from the CBS age bands.

Every year 2013-2025 has the same name stems (``WijkenEnBuurten``, ``Gemeentenaam``,
``AantalInwoners``, ``k_0Tot15Jaar``, ``k_15Tot25Jaar``, ``Woningvoorraad``); only the numeric
suffix moves, so columns are matched on the stem. A negative value (CBS's sentinel for secret or
not applicable, e.g. ``-99999999`` in files exported from the wijk- en buurtkaart) is unknown. A
table with a ``Perioden`` column (70072NED, every year since 1995 in one table) takes each row's year
from it (``2015JJ00`` -> 2015). A row without any figure is an area that did not exist that year
(70072NED lists every municipality there ever was): skipped, and counted in the notes.

The age bands (``AGE_BANDS``: ``k_0Tot15Jaar``, ``k_10Tot15Jaar``, ``JongerDan5Jaar``,
``k_80JaarOfOuder``, and the same words in CSV topics) feed ``youth_estimate``, which the CBS CSV
download (``cbs_csv.py``) shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.geography import area_expr, is_finer_expr
from veilcli.domain.models import SourceFormat
from veilcli.errors import InputError, UsageError
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.common import headers_by_fold, replace_frame, table_id
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.parsing import integer_expr
from veilcli.sources.table import RawTable

# CBS "Kerncijfers wijken en buurten": table id -> year (reference item 4 for 2017-2019; the
# other ids as CBS lists them in its catalogue).
KWB_TABLES: dict[str, int] = {
    "82339NED": 2013,
    "82931NED": 2014,
    "83220NED": 2015,
    "83487NED": 2016,
    "83765NED": 2017,
    "84286NED": 2018,
    "84583NED": 2019,
    "84799NED": 2020,
    "85039NED": 2021,
    "85318NED": 2022,
    "85618NED": 2023,
    "85984NED": 2024,
    "86165NED": 2025,
}

# Youths 12-24 are not in the KWB (its bands are 0-15, 15-25, 25-45 ...). When asked, they are
# estimated assuming ages are spread evenly within a band:
#   with the 0-15 band:    15-24 + 3/15 x (0-14)   (ages 12, 13, 14 are 3 of the 15 years 0-14)
#   without it:            15-24 x 13/10           (13 ages 12-24 from the 10 ages 15-24)
YOUTH_SHARE_OF_0_15 = 3 / 15
YOUTH_FACTOR_15_25 = 13 / 10
ESTIMATED_FLAG_COLUMN = "youths 12-24 estimated"
YOUTH_AGES = (12, 25)  # youths 12-24: from 12 up to (not including) 25

# An age band as CBS names it, folded (``normalise_header``): OData stems ``k_15Tot25Jaar``,
# ``JongerDan5Jaar``, ``k_80JaarOfOuder`` and CSV topics ``15 tot 25 jaar``, ``Jonger dan 5 jaar``,
# ``80 jaar of ouder``: (first age, first age after the band; None: no upper bound).
AGE_BANDS = (
    (re.compile(r"^k?(\d+)tot(\d+)jaar$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^jongerdan(\d+)jaar$"), lambda m: (0, int(m[1]))),
    (re.compile(r"^k?(\d+)jaarofouder$"), lambda m: (int(m[1]), None)),
)


def age_band(folded: str) -> tuple[int, int | None] | None:
    """The ages of a folded band name (``k15tot25jaar`` -> (15, 25)), or None."""
    for pattern, ages in AGE_BANDS:
        match = pattern.match(folded)
        if match:
            return ages(match)
    return None


@dataclass(frozen=True)
class YouthEstimate:
    """Youths 12-24 from age bands: the expression, how it was made (for the notes), whether it is
    an exact count (bands that cover 12-24 exactly) rather than an estimate."""

    expr: pl.Expr
    how: str
    exact: bool


def youth_estimate(bands: list[tuple[int, int | None, str]]) -> YouthEstimate | None:
    """Youths 12-24 from the age bands (first age, end age, column), ages assumed evenly spread
    within a band: the finest bands that do not overlap each other are used, each for its share of
    ages 12-24, and when they cover only part of 12-24 the sum is scaled to its 13 ages (the KWB's
    0-15 and 15-25: 15-24 + 3/15 x (0-14); only 15-25: 15-24 x 13/10; 70072NED's five-year bands:
    3/5 x (10-14) + 15-19 + 20-24). None when no band overlaps 12-24."""
    low, high = YOUTH_AGES
    chosen: list[tuple[int, int, str]] = []
    for first_age, end, column in sorted(bands, key=lambda b: (b[1] or 200) - b[0]):
        if end is None or end <= low or first_age >= high:
            continue
        if any(first_age < e and s < end for s, e, _ in chosen):
            continue  # overlaps a finer band already chosen
        chosen.append((first_age, end, column))
    if not chosen:
        return None
    terms, parts, covered = [], [], 0
    for first_age, end, column in chosen:
        width, overlap = end - first_age, min(end, high) - max(first_age, low)
        covered += overlap
        count = integer_expr(pl.col(column).str.strip_chars()).cast(pl.Float64)
        terms.append(count if overlap == width else count * (overlap / width))
        ages = f"{first_age}-{end - 1}"
        parts.append(ages if overlap == width else f"{overlap}/{width} x ({ages})")
    total = pl.sum_horizontal(terms) if len(terms) > 1 else terms[0]
    # sum_horizontal skips nulls: a band not given makes the estimate unknown, not smaller.
    missing = pl.any_horizontal(t.is_null() for t in terms)
    how = " + ".join(parts)
    if covered < high - low:
        total = total * ((high - low) / covered)
        how += f" x {high - low}/{covered}"
    exact = covered == high - low and all(s >= low and e <= high for s, e, _ in chosen)
    return YouthEstimate(pl.when(missing).then(None).otherwise(total), how, exact)


def youth_columns(
    frame: pl.DataFrame, estimate: YouthEstimate, columns: dict[str, str], notes: list[str], source: str
) -> pl.DataFrame:
    """``frame`` with the youths 12-24 column (and the estimate flag) from ``estimate``, mapped in
    ``columns``, said in ``notes``."""
    column = f"youths 12-24 ({'from' if estimate.exact else 'estimate from'} {source}: {estimate.how})"
    value = estimate.expr.round(0).cast(pl.Int64)
    columns["youths_12_24"] = column
    if estimate.exact:
        notes.append(f"youths 12-24 as {estimate.how} (the age bands cover 12-24 exactly)")
        return frame.with_columns(value.cast(pl.String).alias(column))
    columns["youths_12_24_estimated"] = ESTIMATED_FLAG_COLUMN
    notes.append(
        f"youths 12-24 ESTIMATED as {estimate.how} (ages assumed evenly spread within a CBS age band); "
        "stored with youths_12_24_estimated = true"
    )
    return frame.with_columns(
        value.cast(pl.String).alias(column),
        pl.when(value.is_not_null()).then(pl.lit("J")).alias(ESTIMATED_FLAG_COLUMN),
    )


@dataclass(frozen=True)
class KerncijfersOptions(FormatOptions):
    """The options of CBS Kerncijfers tables."""

    flags: ClassVar[str] = "--year / --youth-from-15-25"

    year: int | None = None  # the table's year when the file does not tell it (--year)
    youth_from_15_25: bool = False  # estimate youths 12-24 from the age bands (--youth-from-15-25)


class CbsKerncijfers(InputFormat[KerncijfersOptions]):
    """A CBS "Kerncijfers wijken en buurten" table."""

    name = SourceFormat.cbs_kerncijfers
    kind = Kind.population
    title = "CBS 'Kerncijfers wijken en buurten'"
    options_type = KerncijfersOptions

    def recognise(self, table: RawTable) -> bool:
        stems = headers_by_fold(table, stems=True)
        area = stems.get("wijkenenbuurten") or stems.get("regios")
        inhabitants = _inhabitants(stems)
        return bool(area and inhabitants and re.search(r"_\d+$", inhabitants))

    def to_canonical(self, table: RawTable, options: KerncijfersOptions) -> Recognised:
        stems = headers_by_fold(table, stems=True)
        area = stems.get("wijkenenbuurten") or stems.get("regios")
        inhabitants = _inhabitants(stems)
        assert area and inhabitants
        year_column, year_expr, year, source = _years(table, stems.get("perioden"), options.year)
        # 70072NED names its stock of dwellings on 1 January "VoorraadOp1Januari" (its CSV topic:
        # "Bouwen en wonen/Woningvoorraad/Voorraad op 1 januari"), the KWB "Woningvoorraad".
        dwellings = stems.get("woningvoorraad") or stems.get("voorraadop1januari")
        bands = _bands(table)
        measures = list(dict.fromkeys(h for h in (inhabitants, dwellings, *(b[2] for b in bands)) if h))
        negative = table.frame.select(
            pl.sum_horizontal(pl.col(h).str.strip_chars().str.contains(r"^-\d").sum() for h in measures)
        ).item()
        frame, secret = without_secret_rows(
            table.frame.with_columns(
                year_expr.alias(year_column),
                area_names(area, stems.get("gemeentenaam")).alias(area),
                *[negative_as_null(pl.col(h)).alias(h) for h in measures],
            ),
            measures,
        )
        columns = {"year": year_column, "area": area, "inhabitants": inhabitants}
        if dwellings:
            columns["dwellings"] = dwellings
        notes = population_notes(year, source, negative, secret if negative else 0)
        if secret and not negative:
            notes.append(f"{secret} row(s) without any figure skipped (areas that did not exist that year)")
        unnamed = frame.filter(is_finer_expr(pl.col(area)))
        if unnamed.height:
            notes.append(
                f"{unnamed.height} district/neighbourhood row(s) kept under their CBS code (WK.../BU...): "
                "this table has no district names. Registrations name districts (Wijk/Pleegwijk) in words, "
                "so district rates need the code -> name lines in schemas/areas.csv"
            )
        estimate = youth_estimate(bands)
        if estimate is not None and (estimate.exact or options.youth_from_15_25):
            frame = youth_columns(frame, estimate, columns, notes, "the age bands")
        elif options.youth_from_15_25:
            raise InputError(
                f"{table.path}: --youth-from-15-25 needs an age band of ages 12-24 (k_15Tot25Jaar, "
                "k_15Tot20Jaar, ...), which this table lacks."
            )
        else:
            notes.append(YOUTHS_MISSING)
        return Recognised(self.name, replace_frame(table, frame), Kind.population, columns, notes)


def _inhabitants(stems: dict[str, str]) -> str | None:
    """The inhabitants measure: KWB ``AantalInwoners_*``, 70072NED ``TotaleBevolking_*``."""
    return stems.get("aantalinwoners") or stems.get("totalebevolking")


def _bands(table: RawTable) -> list[tuple[int, int | None, str]]:
    """The table's numbered age-band measures: (first age, end age, header)."""
    found = []
    for header in table.headers:
        if not re.search(r"_\d+$", header):
            continue
        ages = age_band(normalise_header(re.sub(r"_\d+$", "", header)))
        if ages is not None:
            found.append((ages[0], ages[1], header))
    return found


YOUTHS_MISSING = (
    "youths 12-24 are not in this table: ingest them from a population file with a "
    "'Jongeren 12-24' column, or pass --youth-from-15-25 to estimate them"
)


def population_notes(year: int | None, source: str, negative: int, secret: int) -> list[str]:
    """The notes every CBS population table gets: its year, and the sentinels read as unknown."""
    notes = [f"population on 1 January {year if year is not None else 'of each row'} (year from {source})"]
    if negative:
        notes.append(
            f"{negative} negative value(s) (CBS: secret or not applicable, e.g. -99999999) "
            "read as unknown" + (f"; {secret} row(s) with no known figure skipped" if secret else "")
        )
    return notes


def negative_as_null(text: pl.Expr) -> pl.Expr:
    """A measure cell as text, null where CBS wrote a negative sentinel (``-99999999`` secret,
    ``-99999997`` not applicable, ``-99997``): a population is never negative."""
    return pl.when(text.str.strip_chars().str.contains(r"^-\d")).then(pl.lit(None, pl.String)).otherwise(text)


def without_secret_rows(frame: pl.DataFrame, measures: list[str]) -> tuple[pl.DataFrame, int]:
    """The rows with at least one known figure, and how many were dropped: a row CBS kept secret
    throughout has nothing to store (and would be refused as a row without any figure)."""
    if not measures:
        return frame, 0
    known = frame.filter(~pl.all_horizontal(pl.col(h).is_null() for h in measures))
    return known, frame.height - known.height


def _years(table: RawTable, period: str | None, given: int | None) -> tuple[str, pl.Expr, int | None, str]:
    """The year column's name, its value per row, the table's one year (None: a year per row) and
    where it comes from. A ``Perioden`` column of several years gives each row its own year."""
    if period is not None and given is None:
        years = _period_years(table, period)
        if years.len() > 1:
            source = f"column {period}"
            per_row = pl.col(period).str.strip_chars().str.extract(r"^(\d{4})", 1)
            return f"year ({source})", per_row, None, source
    year, source = _year(table, period, given)
    return f"year ({source})", pl.lit(str(year)), year, source


def _period_years(table: RawTable, period: str) -> pl.Series:
    """The distinct years of a period column (``2015JJ00``, ``2015``, ``2015*``)."""
    return table.frame[period].str.strip_chars().str.extract(r"^(\d{4})", 1).drop_nulls().unique().sort()


def _year(table: RawTable, period: str | None, given: int | None) -> tuple[int, str]:
    """The table's year and where it comes from; ``--year`` must agree with the file's own."""
    file_year, source = _kwb_year(table, period)
    if given is not None and file_year is not None and given != file_year:
        raise UsageError(
            f"{table.path}: --year {given}, but the file is for {file_year} ({source}).",
            hint="leave --year out, or check that this is the table you meant.",
        )
    if given is None and file_year is None:
        raise InputError(
            f"{table.path}: a CBS 'Kerncijfers wijken en buurten' table, but its year cannot be told "
            "(no table id such as 84583NED in the file name or the OData metadata, no period column).",
            hint="pass --year YYYY (the population on 1 January of that year).",
        )
    if given is not None:
        return given, source if file_year is not None else "--year"
    assert file_year is not None
    return file_year, source


def area_names(area: str, municipality: str | None) -> pl.Expr:
    """Area codes as names (``areas.csv``); a municipality code missing there takes the table's
    own municipality name."""
    code = pl.col(area).str.strip_chars()
    named = area_expr(code)
    if municipality:
        own = area_expr(pl.col(municipality))
        named = pl.when(code.str.starts_with("GM") & (named == code)).then(own).otherwise(named)
    return named


def _kwb_year(table: RawTable, period: str | None) -> tuple[int | None, str]:
    """The year of a KWB table from its id (metadata or file name) or a period column."""
    identifier = table_id(table)
    if identifier in KWB_TABLES:
        return KWB_TABLES[identifier], f"table {identifier}"
    if period is not None:
        years = _period_years(table, period)
        if years.len() == 1:
            return int(years[0]), f"column {period}"
        if years.len() > 1:
            raise UsageError(
                f"{table.path}: --year, but the period column {period!r} gives each row its year "
                f"({years[0]}-{years[-1]}).",
                hint="leave --year out: every row is stored under the year of its period.",
            )
    match = re.search(r"kwb[-_ ]?(\d{4})", table.path.name, flags=re.IGNORECASE)
    if match:
        return int(match.group(1)), f"file name {table.path.name}"
    return None, ""

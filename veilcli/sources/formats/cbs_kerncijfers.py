"""``cbs-kerncijfers``: CBS "Kerncijfers wijken en buurten" (KWB: ``WijkenEnBuurten`` and a numbered
``AantalInwoners_*``) -> population on 1 January of the table's year.

Its options (``KerncijfersOptions``) are its own: ``--year`` for a table whose year the file does
not tell, and ``--youth-from-15-25`` to estimate youths 12-24 from the CBS age bands.

Every year 2013-2025 has the same name stems (``WijkenEnBuurten``, ``Gemeentenaam``,
``AantalInwoners``, ``k_0Tot15Jaar``, ``k_15Tot25Jaar``, ``Woningvoorraad``); only the numeric
suffix moves, so columns are matched on the stem. A negative value (CBS's sentinel for secret or
not applicable, e.g. ``-99999999`` in files exported from the wijk- en buurtkaart) is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from veilcli.domain.models import Kind, SourceFormat
from veilcli.domain.resources import area_expr
from veilcli.errors import InputError, UsageError
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
        inhabitants = stems.get("aantalinwoners")
        return bool(area and inhabitants and re.search(r"_\d+$", inhabitants))

    def to_canonical(self, table: RawTable, options: KerncijfersOptions) -> Recognised:
        stems = headers_by_fold(table, stems=True)
        area = stems.get("wijkenenbuurten") or stems.get("regios")
        inhabitants = stems.get("aantalinwoners")
        assert area and inhabitants
        year, source = _year(table, stems.get("perioden"), options.year)
        year_column = f"year ({source})"
        dwellings = stems.get("woningvoorraad")
        measures = [
            h for h in (inhabitants, dwellings, stems.get("k15tot25jaar"), stems.get("k0tot15jaar")) if h
        ]
        negative = table.frame.select(
            pl.sum_horizontal(pl.col(h).str.strip_chars().str.contains(r"^-\d").sum() for h in measures)
        ).item()
        frame, secret = without_secret_rows(
            table.frame.with_columns(
                pl.lit(str(year)).alias(year_column),
                _area_names(area, stems.get("gemeentenaam")).alias(area),
                *[negative_as_null(pl.col(h)).alias(h) for h in measures],
            ),
            measures if negative else [],
        )
        columns = {"year": year_column, "area": area, "inhabitants": inhabitants}
        if dwellings:
            columns["dwellings"] = dwellings
        notes = population_notes(year, source, negative, secret)
        unnamed = frame.filter(pl.col(area).str.contains(r"^(WK|BU)\d+$"))
        if unnamed.height:
            notes.append(
                f"{unnamed.height} district/neighbourhood row(s) kept under their CBS code (WK.../BU...): "
                "this table has no district names. Registrations name districts (Wijk/Pleegwijk) in words, "
                "so district rates need the code -> name lines in schemas/areas.csv"
            )
        if options.youth_from_15_25:
            frame = _estimate_youths(table, frame, stems, columns, notes)
        else:
            notes.append(YOUTHS_MISSING)
        return Recognised(self.name, replace_frame(table, frame), Kind.population, columns, notes)


YOUTHS_MISSING = (
    "youths 12-24 are not in this table: ingest them from a population file with a "
    "'Jongeren 12-24' column, or pass --youth-from-15-25 to estimate them"
)


def population_notes(year: int | None, source: str, negative: int, secret: int) -> list[str]:
    """The notes every CBS population table gets: its year, and the sentinels read as unknown."""
    notes = [f"population on 1 January {year} (year from {source})"]
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


def _area_names(area: str, municipality: str | None) -> pl.Expr:
    """Area codes as names (``areas.csv``); a municipality code missing there takes the table's
    own municipality name."""
    code = pl.col(area).str.strip_chars()
    named = area_expr(code)
    if municipality:
        own = area_expr(pl.col(municipality))
        named = pl.when(code.str.starts_with("GM") & (named == code)).then(own).otherwise(named)
    return named


def _estimate_youths(
    table: RawTable, frame: pl.DataFrame, stems: dict[str, str], columns: dict[str, str], notes: list[str]
) -> pl.DataFrame:
    """Youths 12-24 estimated from the age bands (``--youth-from-15-25``), flagged as estimates."""
    youth_15_25, youth_0_15 = stems.get("k15tot25jaar"), stems.get("k0tot15jaar")
    if not youth_15_25:
        raise InputError(
            f"{table.path}: --youth-from-15-25 needs the k_15Tot25Jaar column, which this table lacks."
        )
    estimate_column = f"youths 12-24 (estimate from {youth_15_25}"
    band = integer_expr(pl.col(youth_15_25).str.strip_chars()).cast(pl.Float64)
    if youth_0_15:
        estimate = band + integer_expr(pl.col(youth_0_15).str.strip_chars()) * YOUTH_SHARE_OF_0_15
        estimate_column += f" + 3/15 x {youth_0_15})"
        how = "15-24 + 3/15 x (0-14)"
    else:
        estimate = band * YOUTH_FACTOR_15_25
        estimate_column += " x 13/10)"
        how = "15-24 x 13/10"
    estimated = estimate.round(0).cast(pl.Int64)
    columns["youths_12_24"] = estimate_column
    columns["youths_12_24_estimated"] = ESTIMATED_FLAG_COLUMN
    notes.append(
        f"youths 12-24 ESTIMATED as {how} (ages assumed evenly spread within a CBS age band); "
        "stored with youths_12_24_estimated = true"
    )
    return frame.with_columns(
        estimated.cast(pl.String).alias(estimate_column),
        pl.when(estimated.is_not_null()).then(pl.lit("J")).alias(ESTIMATED_FLAG_COLUMN),
    )


def _kwb_year(table: RawTable, period: str | None) -> tuple[int | None, str]:
    """The year of a KWB table from its id (metadata or file name) or a period column."""
    identifier = table_id(table)
    if identifier in KWB_TABLES:
        return KWB_TABLES[identifier], f"table {identifier}"
    if period is not None:
        years = table.frame[period].str.strip_chars().str.extract(r"^(\d{4})", 1).drop_nulls().unique()
        if years.len() == 1:
            return int(years[0]), f"column {period}"
        if years.len() > 1:
            raise InputError(
                f"{table.path}: the period column {period!r} holds several years "
                f"({', '.join(sorted(years))}).",
                hint="split the file per year.",
            )
    match = re.search(r"kwb[-_ ]?(\d{4})", table.path.name, flags=re.IGNORECASE)
    if match:
        return int(match.group(1)), f"file name {table.path.name}"
    return None, ""

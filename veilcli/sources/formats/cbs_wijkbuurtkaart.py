"""``cbs-wijkbuurtkaart``: the attribute table of the CBS "Wijk- en buurtkaart" (one row per gemeente,
wijk or buurt, exported from the shapefile/GeoPackage to CSV or xlsx) -> population on 1 January.

Two layouts, matched on the folded header (case, ``_`` and spaces ignored):

- up to 2020 (shapefiles): ``GM_CODE``, ``GM_NAAM``, ``WK_CODE``, ``WK_NAAM``, ``BU_CODE``, ``BU_NAAM``,
  ``AANT_INW``, ``WONINGEN``, ``P_00_14_JR``, ``P_15_24_JR`` (whole percentages), ``JRSTATCODE``;
- from 2021 (GeoPackage): ``gemeentecode``, ``gemeentenaam``, ``wijkcode``, ``buurtcode``,
  ``aantal_inwoners``, ``woningvoorraad``, ``percentage_personen_15_tot_25_jaar``, ``water``.

The area is the finest code a row has (``BU...`` before ``WK...`` before ``GM...``): a buurt table
also carries its wijk and gemeente codes. Municipalities are stored under their name, wijken and
buurten under their code (wijk and buurt names repeat across and within municipalities).
CBS writes a negative number where a value is secret or does not apply (``-99999999``,
``-99999997``; ``-99997`` in the newest tables): every negative value is read as unknown (null),
never as a negative population. Percentages are whole percentages of the inhabitants.

Its options are the CBS Kerncijfers ones (``--year``, ``--youth-from-15-25``), in their own object
(``WijkBuurtkaartOptions``) so each format sees only its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.geography import area_expr
from veilcli.domain.models import SourceFormat
from veilcli.errors import InputError, UsageError
from veilcli.sources.formats.cbs_kerncijfers import (
    ESTIMATED_FLAG_COLUMN,
    YOUTH_FACTOR_15_25,
    YOUTH_SHARE_OF_0_15,
    YOUTHS_MISSING,
    negative_as_null,
    population_notes,
    without_secret_rows,
)
from veilcli.sources.formats.common import first, headers_by_fold, replace_frame
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.parsing import integer_expr
from veilcli.sources.table import RawTable

# Folded headers of each column, both layouts (sources: see the module docstring and README).
BUURT_CODE = ("BU_CODE", "buurtcode")
WIJK_CODE = ("WK_CODE", "wijkcode")
GEMEENTE_CODE = ("GM_CODE", "gemeentecode")
GEMEENTE_NAME = ("GM_NAAM", "gemeentenaam")
OTHER_NAMES = ("WK_NAAM", "wijknaam", "BU_NAAM", "buurtnaam")
INHABITANTS = ("AANT_INW", "aantal_inwoners")
DWELLINGS = ("WONINGEN", "woningvoorraad", "aantal_woningen")
COUNT_15_24 = ("AANT_15_24", "aantal_personen_15_tot_25_jaar")
COUNT_0_14 = ("AANT_00_14", "aantal_personen_0_tot_15_jaar")
SHARE_15_24 = ("P_15_24_JR", "percentage_personen_15_tot_25_jaar")
SHARE_0_14 = ("P_00_14_JR", "percentage_personen_0_tot_15_jaar")
YEAR = ("JAAR", "jaar")
STATCODE = ("JRSTATCODE", "jrstatcode", "jaarstatcode")
WATER = ("WATER", "water")
HEADERS = (
    *BUURT_CODE,
    *WIJK_CODE,
    *GEMEENTE_CODE,
    *GEMEENTE_NAME,
    *OTHER_NAMES,
    *INHABITANTS,
    *DWELLINGS,
    *COUNT_15_24,
    *SHARE_15_24,
    *SHARE_0_14,
    *STATCODE,
    *WATER,
)


@dataclass(frozen=True)
class WijkBuurtkaartOptions(FormatOptions):
    """The options of a wijk- en buurtkaart table (the same flags as CBS Kerncijfers)."""

    flags: ClassVar[str] = "--year / --youth-from-15-25"

    year: int | None = None  # the table's year when the file does not tell it (--year)
    youth_from_15_25: bool = False  # estimate youths 12-24 from the age bands (--youth-from-15-25)


def _columns(table: RawTable) -> dict[str, str | None]:
    found = headers_by_fold(table)
    return {
        "buurt": first(found, *BUURT_CODE),
        "wijk": first(found, *WIJK_CODE),
        "gemeente": first(found, *GEMEENTE_CODE),
        "gemeente_name": first(found, *GEMEENTE_NAME),
        "other_name": first(found, *OTHER_NAMES),
        "inhabitants": first(found, *INHABITANTS),
        "dwellings": first(found, *DWELLINGS),
        "count_15_24": first(found, *COUNT_15_24),
        "count_0_14": first(found, *COUNT_0_14),
        "share_15_24": first(found, *SHARE_15_24),
        "share_0_14": first(found, *SHARE_0_14),
        "year": first(found, *YEAR),
        "statcode": first(found, *STATCODE),
        "water": first(found, *WATER),
    }


class CbsWijkBuurtkaart(InputFormat[WijkBuurtkaartOptions]):
    """The attribute table of a CBS "Wijk- en buurtkaart"."""

    name = SourceFormat.cbs_wijkbuurtkaart
    kind = Kind.population
    title = "CBS 'Wijk- en buurtkaart'"
    options_type = WijkBuurtkaartOptions

    def recognise(self, table: RawTable) -> bool:
        c = _columns(table)
        codes = [c["buurt"], c["wijk"], c["gemeente"]]
        own = [c["gemeente_name"], c["other_name"], c["statcode"], c["water"]]
        # A code column and a second mark of the layout: a canonical "Gemeente;Aantal inwoners" is not this.
        return bool(c["inhabitants"] and any(codes) and (sum(map(bool, codes)) > 1 or any(own)))

    def to_canonical(self, table: RawTable, options: WijkBuurtkaartOptions) -> Recognised:
        c = _columns(table)
        inhabitants = c["inhabitants"]
        assert inhabitants
        year, source = _year(table, c, options.year)
        year_column, area_column = f"year ({source})", "area (finest code)"
        codes = [
            pl.col(h).str.strip_chars().str.to_uppercase()
            for h in (c["buurt"], c["wijk"], c["gemeente"])
            if h
        ]
        code = pl.coalesce([pl.when(e != "").then(e) for e in codes])
        named = area_expr(code)
        if c["gemeente_name"]:
            own = area_expr(pl.col(c["gemeente_name"]))
            named = pl.when(code.str.starts_with("GM") & (named == code)).then(own).otherwise(named)
        measures = [h for h in (inhabitants, c["dwellings"]) if h]
        negative = table.frame.select(
            pl.sum_horizontal(pl.col(h).str.strip_chars().str.contains(r"^-\d").sum() for h in measures)
        ).item()
        frame, secret = without_secret_rows(
            table.frame.with_columns(
                pl.lit(str(year)).alias(year_column),
                named.alias(area_column),
                *[negative_as_null(pl.col(h)).alias(h) for h in measures],
            ),
            measures,
        )
        columns = {"year": year_column, "area": area_column, "inhabitants": inhabitants}
        if c["dwellings"]:
            columns["dwellings"] = c["dwellings"]
        levels = frame.select(
            pl.col(area_column).str.starts_with("WK").sum().alias("wijk"),
            pl.col(area_column).str.starts_with("BU").sum().alias("buurt"),
        ).row(0, named=True)
        notes = population_notes(year, source, negative, secret)
        if levels["wijk"] or levels["buurt"]:
            notes.append(
                f"{levels['wijk']} wijk and {levels['buurt']} buurt row(s) kept under their CBS code "
                "(WK.../BU...): wijk and buurt names repeat; map codes to the names your registrations "
                "use in schemas/areas.csv"
            )
        if options.youth_from_15_25:
            frame = _estimate_youths(table, frame, c, columns, notes)
        else:
            notes.append(YOUTHS_MISSING)
        return Recognised(self.name, replace_frame(table, frame), Kind.population, columns, notes)


def _year(table: RawTable, c: dict[str, str | None], given: int | None) -> tuple[int | None, str]:
    """The table's year (a year column, ``JRSTATCODE`` ``2019BU...``, the file name) or ``--year``."""
    found: int | None = None
    source = ""
    for header, pattern in ((c["year"], r"^((?:19|20)\d{2})$"), (c["statcode"], r"^((?:19|20)\d{2})")):
        if header is None:
            continue
        years = table.frame[header].str.strip_chars().str.extract(pattern, 1).drop_nulls().unique()
        if years.len() > 1:
            raise InputError(
                f"{table.path}: column {header!r} holds several years ({', '.join(sorted(years))}).",
                hint="split the file per year.",
            )
        if years.len() == 1:
            found, source = int(years[0]), f"column {header}"
            break
    if found is None:
        in_name = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", table.path.name))
        if len(in_name) == 1:
            found, source = int(in_name.pop()), f"file name {table.path.name}"
    if given is not None and found is not None and given != found:
        raise UsageError(
            f"{table.path}: --year {given}, but the file is for {found} ({source}).",
            hint="leave --year out, or check that this is the table you meant.",
        )
    if given is not None:
        return given, source if found is not None else "--year"
    if found is None:
        raise InputError(
            f"{table.path}: a CBS 'Wijk- en buurtkaart' table, but its year cannot be told "
            "(no JAAR or JRSTATCODE column, no single year such as 2019 in the file name).",
            hint="pass --year YYYY (the population on 1 January of that year).",
        )
    return found, source


def _band(frame_count: str | None, share: str | None, inhabitants: str) -> tuple[pl.Expr | None, str]:
    """An age band as a count: its own count column, else its whole percentage of the inhabitants."""
    if frame_count:
        return integer_expr(negative_as_null(pl.col(frame_count)).str.strip_chars()).cast(
            pl.Float64
        ), frame_count
    if share:
        percent = integer_expr(negative_as_null(pl.col(share)).str.strip_chars()).cast(pl.Float64)
        count = integer_expr(pl.col(inhabitants).str.strip_chars()).cast(pl.Float64)
        return percent / 100 * count, f"{share} % x {inhabitants}"
    return None, ""


def _estimate_youths(
    table: RawTable, frame: pl.DataFrame, c: dict[str, str | None], columns: dict[str, str], notes: list[str]
) -> pl.DataFrame:
    """Youths 12-24 estimated from the age bands (``--youth-from-15-25``), flagged as estimates."""
    inhabitants = columns["inhabitants"]
    band, band_from = _band(c["count_15_24"], c["share_15_24"], inhabitants)
    if band is None:
        raise InputError(
            f"{table.path}: --youth-from-15-25 needs the 15-24 age band (P_15_24_JR or AANT_15_24), "
            "which this table lacks.",
            hint="leave --youth-from-15-25 out and ingest youths 12-24 from another file.",
        )
    young, young_from = _band(c["count_0_14"], c["share_0_14"], inhabitants)
    if young is not None:
        estimate, how = band + young * YOUTH_SHARE_OF_0_15, "15-24 + 3/15 x (0-14)"
    else:
        estimate, how = band * YOUTH_FACTOR_15_25, "15-24 x 13/10"
    estimate_column = f"youths 12-24 (estimate from {band_from}{' and ' + young_from if young_from else ''})"
    estimated = estimate.round(0).cast(pl.Int64)
    columns["youths_12_24"] = estimate_column
    columns["youths_12_24_estimated"] = ESTIMATED_FLAG_COLUMN
    rounding = " from whole percentages (each +-0.5% of the inhabitants)" if not c["count_15_24"] else ""
    notes.append(
        f"youths 12-24 ESTIMATED as {how}{rounding} (ages assumed evenly spread within a CBS age band); "
        "stored with youths_12_24_estimated = true"
    )
    return frame.with_columns(
        estimated.cast(pl.String).alias(estimate_column),
        pl.when(estimated.is_not_null()).then(pl.lit("J")).alias(ESTIMATED_FLAG_COLUMN),
    )

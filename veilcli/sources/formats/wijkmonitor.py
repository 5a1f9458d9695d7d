"""``wijkmonitor``: a municipal wijkmonitor export of survey figures -> survey figures.

One row per district and indicator, with the published figure and its precision, e.g.
``Wijk;Indicator;Percentage;Ondergrens;Bovengrens;Aantal respondenten`` (a ``Jaar`` column, or the
year in the file name: ``wijkmonitor-2017.csv``). The figure's header tells its unit
(``Percentage`` a percentage; ``Rapportcijfer``/``Cijfer``/``Score`` a score; ``Waarde`` the
``Eenheid`` column's). A single ``Marge`` column (half the 95% interval, ``± 2,1``) gives both bounds.
Without an indicator code column, the code is made from the indicator's words
(``Voelt zich wel eens onveilig`` -> ``voelt_zich_wel_eens_onveilig``): a plan names it so.
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.domain.survey_values import PERCENT, code_from_label, decimal_expr, unit_of_name
from veilcli.errors import InputError
from veilcli.sources.formats.common import first, headers_by_fold, replace_frame
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.table import RawTable

_AREA = ("Wijk", "Wijknaam", "Gebied", "Buurt", "Stadsdeel", "District")
_INDICATOR = ("Indicator", "Indicatornaam", "Onderwerp", "Vraag")
_CODE = ("Indicator code", "Indicatorcode", "Code indicator", "Code")
_VALUE = ("Percentage", "Rapportcijfer", "Cijfer", "Score", "Waarde")
_MARGIN = ("Marge", "Betrouwbaarheidsmarge", "Foutmarge", "Marge 95%")
_LOWER, _UPPER = ("Ondergrens", "Ondergrens 95%"), ("Bovengrens", "Bovengrens 95%")
_N = ("Aantal respondenten", "Respondenten", "Aantal waarnemingen", "N")
YEAR_COLUMN = "year (from the file name)"


def _headers(table: RawTable) -> dict[str, str | None]:
    found = headers_by_fold(table)
    return {
        "area": first(found, *_AREA),
        "label": first(found, *_INDICATOR),
        "code": first(found, *_CODE),
        "value": first(found, *_VALUE),
        "margin": first(found, *_MARGIN),
        "lower": first(found, *_LOWER),
        "upper": first(found, *_UPPER),
        "respondents": first(found, *_N),
        "year": first(found, "Jaar", "Meetjaar", "Onderzoeksjaar"),
        "unit": first(found, "Eenheid"),
    }


class Wijkmonitor(InputFormat[FormatOptions]):
    """A municipal wijkmonitor export: districts, indicators, figures with margins."""

    name = SourceFormat.wijkmonitor
    kind = Kind.survey
    title = "a wijkmonitor survey export"
    options_type = FormatOptions

    def recognise(self, table: RawTable) -> bool:
        h = _headers(table)
        precision = (h["lower"] and h["upper"]) or h["margin"] or h["respondents"]
        return bool(h["area"] and (h["label"] or h["code"]) and h["value"] and precision)

    def to_canonical(self, table: RawTable, options: FormatOptions) -> Recognised:
        h = _headers(table)
        area, value = h["area"], h["value"]
        assert area and value
        frame, notes = table.frame, []
        columns: dict[str, str] = {"area": area, "value": value}
        if h["year"]:
            columns["year"] = h["year"]
        else:
            match = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", table.path.name)
            if not match:
                raise InputError(
                    f"{table.path}: a wijkmonitor export without a year "
                    "(no Jaar column, no year in the file name).",
                    hint="add a column Jaar, or put the survey year in the file name (wijkmonitor-2017.csv).",
                )
            frame = frame.with_columns(pl.lit(match.group(1)).alias(YEAR_COLUMN))
            columns["year"] = YEAR_COLUMN
            notes.append(f"survey year {match.group(1)} from the file name")
        label, code = h["label"], h["code"]
        if label:
            columns["indicator_label"] = label
        if code:
            columns["indicator_code"] = code
        else:
            assert label
            code_column = f"code (from {label})"
            frame = frame.with_columns(code_from_label(pl.col(label)).alias(code_column))
            columns["indicator_code"] = code_column
            notes.append(
                f"indicator codes made from the words in {label!r} "
                "(e.g. 'Voelt zich onveilig' -> voelt_zich_onveilig)"
            )
        if h["unit"]:
            columns["unit"] = h["unit"]
        elif value.strip().casefold() != "waarde":
            unit_column = f"unit (from {value})"
            frame = frame.with_columns(pl.lit(unit_of_name(value)).alias(unit_column))
            columns["unit"] = unit_column
            notes.append(
                f"figures in {value!r} read as "
                f"{'percentages' if unit_of_name(value) == PERCENT else 'scores'}"
            )
        if h["lower"] and h["upper"]:
            columns["lower"], columns["upper"] = h["lower"], h["upper"]
        elif h["margin"]:
            margin = h["margin"]
            lower, upper = f"{value} - {margin}", f"{value} + {margin}"
            half = decimal_expr(pl.col(margin).str.replace_all("±", "").str.replace(r"^\+/-", ""))
            centre = decimal_expr(pl.col(value))
            frame = frame.with_columns(
                (centre - half).round(6).cast(pl.String).alias(lower),
                (centre + half).round(6).cast(pl.String).alias(upper),
            )
            columns["lower"], columns["upper"] = lower, upper
            notes.append(f"the 95% interval as {value} ± {margin}")
        if h["respondents"]:
            columns["respondents"] = h["respondents"]
        return Recognised(self.name, replace_frame(table, frame), Kind.survey, columns, notes)

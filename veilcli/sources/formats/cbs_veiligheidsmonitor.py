"""``cbs-veiligheidsmonitor``: a CBS StatLine Veiligheidsmonitor table as an OData TypedDataSet (JSON or
CSV) -> survey figures.

The TypedDataSet is wide: one row per region (``RegioS``), period (``Perioden``, ``2019JJ00``) and
margin (``Marges``: ``MW00000`` the value, ``MOG0095`` / ``MBG0095`` the lower / upper bound of the
95% interval), one numbered column per measure (``VoeltZichWeleensOnveiligInBuurt_50``,
``RapportcijferVeiligheidInBuurt_60``). It becomes one survey row per region, year and measure: the
measure's name without its number is the indicator code, its words the label; a measure named as a
score (``Schaalscore``, ``Rapportcijfer``) is a score, every other a percentage. Cells CBS did not
publish (null, ``.``) in all three margins are skipped and counted. Recognised by ``Marges``,
``Perioden``, ``RegioS`` (or ``WijkenEnBuurten``) and at least one numbered measure (e.g. table
85146NED "Sociale veiligheid; regio", and 85844NED / 85147NED for persons' characteristics).
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.domain.survey_values import unit_of_name
from veilcli.sources.columns import header_words, strip_suffix
from veilcli.sources.formats.common import first, headers_by_fold, period_text, replace_frame, table_id
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.table import ROW, RawTable

# The ``Marges`` dimension: keys as in the TypedDataSet, and their titles (the label export).
MARGINS: dict[str, str] = {
    "mw00000": "value",
    "waarde": "value",
    "mog0095": "lower",
    "ondergrens95interval": "lower",
    "betrouwbaarheidsmargeondergrens": "lower",
    "mbg0095": "upper",
    "bovengrens95interval": "upper",
    "betrouwbaarheidsmargebovengrens": "upper",
}
_DIMENSIONS = ("id", "regios", "wijkenenbuurten", "marges", "perioden")
# Columns of the long table the validator reads (their names are what findings show).
YEAR, AREA, CODE, LABEL, UNIT = (
    "Perioden (year)",
    "RegioS",
    "measure",
    "measure (words)",
    "unit (from the name)",
)
VALUE, LOWER, UPPER = "Marges MW00000", "Marges MOG0095", "Marges MBG0095"


def _headers(table: RawTable) -> tuple[str | None, str | None, str | None, list[str]]:
    found = headers_by_fold(table)
    area = first(found, "RegioS", "WijkenEnBuurten")
    measures = [
        h
        for h in table.headers
        if re.search(r"_\d+$", h) and re.sub(r"[^0-9a-z]", "", h.casefold()) not in _DIMENSIONS
    ]
    return found.get("perioden"), area, found.get("marges"), measures


class CbsVeiligheidsmonitor(InputFormat[FormatOptions]):
    """A CBS Veiligheidsmonitor (survey) table in OData TypedDataSet form."""

    name = SourceFormat.cbs_veiligheidsmonitor
    kind = Kind.survey
    title = "a CBS Veiligheidsmonitor TypedDataSet"
    options_type = FormatOptions

    def recognise(self, table: RawTable) -> bool:
        period, area, margins, measures = _headers(table)
        return bool(period and area and margins and measures)

    def to_canonical(self, table: RawTable, options: FormatOptions) -> Recognised:
        period, area, margins, measures = _headers(table)
        assert period and area and margins
        found = {h for h in table.headers}
        others = sorted(
            found - {period, area, margins, *measures} - {h for h in found if h.casefold() == "id"}
        )
        margin = (
            pl.col(margins).str.strip_chars().str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")
        ).replace_strict(MARGINS, default=None, return_dtype=pl.String)
        long = (
            table.frame.with_columns(margin.alias("__margin"))
            .unpivot(
                on=measures,
                index=[ROW, period, area, "__margin"],
                variable_name="__measure",
                value_name="__v",
            )
            .with_columns(pl.col("__v").str.strip_chars().replace(["", "."], None))
        )
        unknown_margins = long.filter(pl.col("__margin").is_null()).height
        long = long.filter(pl.col("__margin").is_not_null())

        def at(which: str) -> pl.Expr:
            return pl.col("__v").filter(pl.col("__margin") == which).first()

        wide = (
            long.group_by(period, area, "__measure", maintain_order=True)
            .agg(
                pl.col(ROW)
                .filter(pl.col("__margin") == "value")
                .first()
                .fill_null(pl.col(ROW).min())
                .alias(ROW),
                at("value").alias(VALUE),
                at("lower").alias(LOWER),
                at("upper").alias(UPPER),
            )
            .sort(ROW, maintain_order=True)
        )
        published = pl.any_horizontal(pl.col(c).is_not_null() for c in (VALUE, LOWER, UPPER))
        skipped = wide.filter(~published).height
        wide = wide.filter(published)
        stems = {m: strip_suffix(m) for m in measures}
        frame = wide.select(
            ROW,
            period_text(pl.col(period))
            .str.extract(r"^(\d{4})(?:JJ00)?$", 1)
            .fill_null(pl.col(period))
            .alias(YEAR),
            pl.col(area).str.strip_chars().alias(AREA),
            pl.col("__measure").replace_strict(stems, return_dtype=pl.String).alias(CODE),
            pl.col("__measure")
            .replace_strict(
                {m: " ".join(header_words(s)).capitalize() for m, s in stems.items()}, return_dtype=pl.String
            )
            .alias(LABEL),
            pl.col("__measure")
            .replace_strict({m: unit_of_name(s) for m, s in stems.items()}, return_dtype=pl.String)
            .alias(UNIT),
            VALUE,
            LOWER,
            UPPER,
        )
        columns = {
            "year": YEAR,
            "area": AREA,
            "indicator_code": CODE,
            "indicator_label": LABEL,
            "unit": UNIT,
            "value": VALUE,
            "lower": LOWER,
            "upper": UPPER,
        }
        notes = [
            f"{len(measures)} measure(s) read as {frame.height} survey row(s) (region x year x measure): "
            "value from Marges MW00000, the 95% interval from MOG0095/MBG0095; a measure named "
            "Schaalscore/Rapportcijfer is a score, the others percentages"
        ]
        if skipped:
            notes.append(f"{skipped} measure cell(s) CBS did not publish (empty in every margin) skipped")
        if unknown_margins:
            notes.append(f"{unknown_margins} cell(s) of other margins than value and the 95% bounds ignored")
        if others:
            notes.append(
                f"other dimension column(s) {', '.join(others)} not read: "
                "rows that differ only there are duplicates"
            )
        identifier = table_id(table)
        if identifier:
            notes.append(f"table {identifier}")
        return Recognised(self.name, replace_frame(table, frame), Kind.survey, columns, notes)

"""``statline-survey``: a CBS StatLine survey table (Veiligheidsmonitor, its predecessors the IVM/PMB
tables) downloaded with labels -> survey figures.

Two layouts, as StatLine hands them out:

- **long**: one row per figure, the topic on one or more levels and the kind of figure in its own
  column: ``Perioden;Politieregio;Onderwerpen_1;Onderwerpen_2;Onderwerpen_3;Cijfersoort;Waarde``
  (``"2008*"`` a provisional year; ``Cijfersoort`` a unit such as ``% slachtoffer``, or the kind of
  figure: ``Waarde``, ``Ondergrens``/``Bovengrens``, ``Marge``), sometimes with a
  ``Waarde eenheid`` column (``% 'komt vaak voor'``, ``rapportcijfer``, ``schaalscore (0-10)``);
- **wide**: one column per indicator, the rows per region and year:
  ``"Politieregio's";"Perioden";"Voelt zich wel eens onveilig";...``, or the CBS CSV download of a
  survey table, ``Marges;Regio's;Perioden;"Veiligheidsbeleving/Voelt zich weleens onveilig (%)"``
  (``Marges``: ``Waarde``, ``Ondergrens 95%-interval``, ``Bovengrens 95%-interval``).

Recognised by a period column (``Perioden``, ``Jaar``), a region column (``Politieregio``,
``Regio's``, ``Gemeenten``, ``Wijken en buurten``, ...) and no crime-category column; long by its
``Waarde`` and ``Onderwerp`` columns; wide by figures in every other column, headed by survey units
(``(%)``, ``(rapportcijfer)``), a ``Marges`` column or survey wording (``onveilig``,
``slachtoffer``, ...). Any other column of labels is an extra dimension, read at its total or at
``--dimension NAME=VALUE`` (``Persoonskenmerken: Totaal personen``).

The indicator code is made from the topic's words, all levels joined (``survey_values.topic_levels``:
``Persoonlijk slachtoffer afgelopen 12 mnd / Geweldsdelicten totaal`` ->
``persoonlijk_slachtoffer_afgelopen_12_mnd_geweldsdelicten_totaal``): stable (the same words give
the same code in every file and layout) and readable. ``survey_figures`` (shared with the table
view, ``statline_survey_view.py``) turns rows of one figure each into one survey row per year, area
and indicator with its value, bounds (or value ± margin) and respondents. Every step is a polars
expression over whole columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.domain.survey_values import (
    PERCENT,
    SCORE,
    SCORE_STEMS,
    code_from_label,
    decimal_expr,
    survey_unit,
    topic_levels,
)
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.cbs_veiligheidsmonitor import MARGINS
from veilcli.sources.formats.common import (
    DimensionOptions,
    area_label,
    first,
    headers_by_fold,
    period_text,
    pick_dimensions,
    replace_frame,
    table_id,
)
from veilcli.sources.formats.interface import InputFormat, Recognised
from veilcli.sources.messages import display_path
from veilcli.sources.table import ROW, RawTable

PERIODS = ("Perioden", "Periode", "Jaar", "Jaren", "Onderzoeksjaar")
AREAS = (
    "Politieregio",
    "Politieregio's",
    "Regio's",
    "Regio",
    "Gemeenten",
    "Gemeente",
    "Wijken en buurten",
    "Politie-eenheden",
    "Regio-indeling",
)
CATEGORIES = ("Soort misdrijf", "Soort misdrijven", "Misdrijf", "Misdrijven", "Overlast", "Soort overlast")
_TOPIC = re.compile(r"^onderwerp(en)?\d*$")  # Onderwerp, Onderwerpen, Onderwerpen_1 (folded)
_KINDS = ("Cijfersoort", "Marges", "Marge")
_UNITS = ("Waarde eenheid", "Eenheid", "Waarde (eenheid)")
# Words of survey topics: how a wide table without units is told from other regional tables.
SURVEY_WORDS = re.compile(
    r"onveilig|slachtoffer|voelt zich|kans op|komt vaak voor|rapportcijfer|schaalscore|mee eens"
    r"|tevreden|overlast in|in de buurt|in eigen buurt|buurtproblemen|leefbaarheid|veiligheidsbeleving",
    re.IGNORECASE,
)
# A header's unit in parentheses at its end: "Voelt zich weleens onveilig (%)",
# "Sociale overlast (schaalscore (0-10))".
_UNIT_SUFFIX = re.compile(r"^(.*?)\s*\(((?:[^()]|\([^()]*\))*)\)\s*$")
# StatLine's symbols for a figure that is not there: "." (missing), "x" (secret); "-" (nil, or in the
# survey tables too few observations) is read as not published, never as 0.
_NOT_PUBLISHED = "-"
_RESPONDENT_WORDS = ("respondenten", "waarnemingen", "ongewogen")

# Columns of the frame the validator reads (their names are what findings show).
CODE, LABEL, UNIT = "indicator code (from the topic)", "topic", "unit"
VALUE, LOWER, UPPER, MARGIN, RESPONDENTS = "Waarde", "Ondergrens", "Bovengrens", "Marge", "Respondenten"


def margin_kind(text: pl.Expr) -> pl.Expr:
    """What one figure is, from ``Cijfersoort`` / ``Marges`` (keys or labels): ``value``, ``lower``,
    ``upper``, ``margin`` (half the 95% interval), ``respondents``; null for any other kind."""
    folded = text.str.strip_chars().str.to_lowercase()
    key = folded.str.replace_all(r"[^0-9a-z]", "")
    known = key.replace_strict(MARGINS, default=None, return_dtype=pl.String)
    return (
        pl.when(known.is_not_null())
        .then(known)
        .when(folded.str.contains("ondergrens|lower"))
        .then(pl.lit("lower"))
        .when(folded.str.contains("bovengrens|upper"))
        .then(pl.lit("upper"))
        .when(folded.str.contains("marge|margin|halve breedte"))
        .then(pl.lit("margin"))
        .when(folded.str.contains("|".join(_RESPONDENT_WORDS)))
        .then(pl.lit("respondents"))
        .when((key == "waarde") | (key == "value") | survey_unit(text).is_not_null())
        .then(pl.lit("value"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def unit_of_label(label: pl.Expr) -> pl.Expr:
    """The unit a topic's words imply when the file gives none: a score for ``rapportcijfer``,
    ``schaalscore``, ``cijfer``, ``score``; every other survey figure a percentage."""
    folded = label.str.to_lowercase()
    return pl.when(folded.str.contains("|".join(SCORE_STEMS))).then(pl.lit(SCORE)).otherwise(pl.lit(PERCENT))


def per_distinct(frame: pl.DataFrame, columns: list[str], expr: pl.Expr, name: str) -> pl.Series:
    """``expr`` over ``columns``, computed once per distinct combination of their values and joined
    back (a file repeats a few topics, kinds and regions over many rows): the column ``name``."""
    distinct = frame.select(columns).unique().with_columns(expr.alias(name))
    joined = frame.select(columns).join(
        distinct, on=columns, how="left", nulls_equal=True, maintain_order="left"
    )
    return joined[name]


@dataclass(frozen=True)
class Names:
    """The columns of the survey frame as the validator's findings name them."""

    year: str
    area: str
    value: str = VALUE


def survey_figures(long: pl.DataFrame, names: Names) -> tuple[pl.DataFrame, dict[str, str], list[str]]:
    """One survey row per year, area and topic from rows of one figure each.

    ``long`` has ``ROW``, ``__year`` (the period as written), ``__area``, ``__label`` (the topic's
    words, ``topic_levels``), ``__unit`` (``percent``/``score`` or null: then from the words),
    ``__kind`` (``margin_kind``; null rows are left out, counted) and ``__v`` (the figure as
    written). A respondents row without topic (``__label`` null: a column ``Aantal respondenten``
    beside the indicators) counts for every indicator of its row, year and area. Returns the frame,
    its canonical columns and notes."""
    notes: list[str] = []
    shared = long.filter((pl.col("__kind") == "respondents") & pl.col("__label").is_null())
    if shared.height:
        place = [ROW, "__year", "__area"]
        indicators = (
            long.filter(pl.col("__label").is_not_null()).select(*place, "__label").unique(maintain_order=True)
        )
        spread = indicators.join(
            shared.select(*place, "__unit", "__kind", "__v"), on=place, how="inner", maintain_order="left"
        )
        long = pl.concat([long.filter(pl.col("__label").is_not_null()), spread.select(long.columns)])
    other = long.filter(pl.col("__kind").is_null()).height
    if other:
        notes.append(f"{other} figure(s) of another kind than value, bounds, margin or respondents left out")
    text = pl.col("__v").str.strip_chars()
    long = long.filter(pl.col("__kind").is_not_null()).with_columns(
        pl.when(text != "").then(text).alias("__v"),
        pl.col("__label").str.strip_chars(),
    )
    long = long.with_columns((pl.col("__v") == _NOT_PUBLISHED).fill_null(False).alias("__nil"))
    nil = long["__nil"].sum()
    long = long.with_columns(pl.when(~pl.col("__nil")).then(pl.col("__v")).alias("__v"))
    # A second figure of the same kind, year, area and topic stays a second row (the validator
    # reports the duplicate key) instead of being dropped here.
    key = ["__year", "__area", "__label"]
    # Numbering within a key costs ~1.3 s per 500k rows: only when the keys' hashes repeat at all
    # (equal keys hash alike; ~0.1 s).
    if long.select(*key, "__kind").hash_rows().n_unique() < long.height:
        long = long.with_columns(pl.col(ROW).cum_count().over([*key, "__kind"]).alias("__n"))
    else:
        long = long.with_columns(pl.lit(0, dtype=pl.UInt32).alias("__n"))

    def at(kind: str) -> pl.Expr:
        return pl.col("__v").filter(pl.col("__kind") == kind).first()

    wide = (
        long.group_by([*key, "__n"], maintain_order=True)
        .agg(
            pl.col(ROW).filter(pl.col("__kind") == "value").first().fill_null(pl.col(ROW).min()).alias(ROW),
            at("value").alias("__value"),
            at("lower").alias("__lower"),
            at("upper").alias("__upper"),
            at("margin").alias("__margin"),
            at("respondents").alias("__respondents"),
            pl.col("__unit").filter(pl.col("__kind") == "value").drop_nulls().first().alias("__unit"),
            pl.col("__nil").filter(pl.col("__kind") == "value").any().alias("__was_nil"),
        )
        .sort(ROW, maintain_order=True)
    )
    figures = ["__value", "__lower", "__upper", "__margin", "__respondents"]
    published = pl.any_horizontal(pl.col(c).is_not_null() for c in figures)
    # A '-' figure stays a row (not published: the validator warns); an empty one is skipped.
    skipped = wide.filter(~published & ~pl.col("__was_nil")).height
    wide = wide.filter(published | pl.col("__was_nil"))
    if nil:
        notes.append(
            f"{nil} figure(s) '-' (StatLine: nil, in survey tables too few observations) kept as "
            "not published, never read as 0"
        )
    if skipped:
        notes.append(f"{skipped} empty figure(s) (not published or not applicable) skipped")
    centre, half = decimal_expr(pl.col("__value")), decimal_expr(pl.col("__margin").str.replace_all("±", ""))
    bounds_given = pl.col("__lower").is_not_null() | pl.col("__upper").is_not_null()
    margins = wide.filter(~bounds_given & pl.col("__margin").is_not_null()).height
    if margins:
        notes.append(f"the 95% interval of {margins} figure(s) as value ± margin")
    year = period_text(pl.col("__year"))
    frame = wide.select(
        ROW,
        year.str.extract(r"^(\d{4})(?:JJ00)?$", 1).fill_null(year).alias(names.year),
        pl.col("__area").alias(names.area),
        per_distinct(wide, ["__label"], code_from_label(pl.col("__label")), CODE),
        pl.col("__label").alias(LABEL),
        pl.coalesce(
            pl.col("__unit"), per_distinct(wide, ["__label"], unit_of_label(pl.col("__label")), UNIT)
        ).alias(UNIT),
        pl.col("__value").alias(names.value),
        pl.when(bounds_given)
        .then(pl.col("__lower"))
        .otherwise((centre - half).round(6).cast(pl.String))
        .alias(LOWER),
        pl.when(bounds_given)
        .then(pl.col("__upper"))
        .otherwise((centre + half).round(6).cast(pl.String))
        .alias(UPPER),
        pl.col("__respondents").alias(RESPONDENTS),
    )
    columns = {
        "year": names.year,
        "area": names.area,
        "indicator_code": CODE,
        "indicator_label": LABEL,
        "unit": UNIT,
        "value": names.value,
    }
    if frame.select(pl.col(LOWER).is_not_null().any() | pl.col(UPPER).is_not_null().any()).item():
        columns |= {"lower": LOWER, "upper": UPPER}
    else:
        frame = frame.drop(LOWER, UPPER)
    if frame[RESPONDENTS].is_not_null().any():
        columns["respondents"] = RESPONDENTS
    else:
        frame = frame.drop(RESPONDENTS)
    starred = long.filter(pl.col("__year").str.contains(r"\*"))["__year"]
    if starred.len():
        example = starred.unique(maintain_order=True)[0]
        notes.append(f"{starred.len()} figure(s) of provisional years ({example!r} ...): read as the year")
    codes = frame[CODE].unique(maintain_order=True).to_list()
    notes.append(
        f"{len(codes)} indicator(s), codes made from the topic's words "
        f"(e.g. {codes[0]!r})" + ("" if len(codes) == 1 else f" .. {codes[-1]!r}")
        if codes
        else "no survey figure"
    )
    return frame, columns, notes


# --- the label exports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    period: str
    area: str
    topics: list[str]  # long: the topic levels
    value: str | None  # long: Waarde
    kind: str | None  # Cijfersoort / Marges
    unit: str | None  # long: Waarde eenheid
    measures: list[str]  # wide: one column per indicator (or respondents)
    extra: list[str]  # columns of labels: extra dimensions


def _is_number(column: pl.Expr) -> pl.Expr:
    text = column.str.strip_chars()
    return text.is_null() | (text == "") | text.is_in([".", "x", "X", "-"]) | decimal_expr(text).is_not_null()


def _unit_suffix(header: str) -> tuple[str, str | None]:
    """``"Voelt zich weleens onveilig (%)"`` -> (``"Voelt zich weleens onveilig"``, ``"%"``)."""
    match = _UNIT_SUFFIX.match(header.strip())
    return (match.group(1), match.group(2).strip()) if match else (header.strip(), None)


def _layout(table: RawTable) -> _Layout | None:
    found = headers_by_fold(table)
    period, area = first(found, *PERIODS), first(found, *AREAS)
    if not period or not area or first(found, *CATEGORIES):
        return None
    topics = [h for h in table.headers if _TOPIC.match(normalise_header(h))]
    value = first(found, "Waarde", "Value")
    kind, unit = first(found, *_KINDS), first(found, *_UNITS)
    rest = [h for h in table.headers if h not in {period, area, kind, unit, value, *topics}]
    if topics and value:
        return _Layout(period, area, topics, value, kind, unit, [], rest)
    if topics or value or not rest:
        return None
    # Wide: figures in the columns that hold numbers; labels elsewhere are dimensions.
    sample = table.frame.select(rest).head(200)
    numeric = sample.select(_is_number(pl.col(h)).all() for h in rest).row(0)
    measures = [h for h, n in zip(rest, numeric, strict=True) if n]
    extra = [h for h, n in zip(rest, numeric, strict=True) if not n]
    if not measures:
        return None
    units = [_unit_suffix(h)[1] for h in measures]
    folded = [(u or "").casefold() for u in units]
    counts = [
        h
        for h, u in zip(measures, folded, strict=True)
        if (u == "aantal" or u.startswith(("aantal", "x 1 000", "per ")))
        and not any(w in h.casefold() for w in _RESPONDENT_WORDS)
    ]
    if counts:
        return None  # registered counts, population, rates: not a survey table
    unit_frame = pl.DataFrame({"unit": units}, schema={"unit": pl.String})
    survey_units = unit_frame.select(survey_unit(pl.col("unit")).is_not_null().any()).item()
    if not (kind or survey_units or any(SURVEY_WORDS.search(h) for h in measures)):
        return None
    return _Layout(period, area, [], None, kind, None, measures, extra)


class StatLineSurvey(InputFormat[DimensionOptions]):
    """A StatLine survey table downloaded with labels, long or wide (see the module docstring)."""

    name = SourceFormat.statline_survey
    kind = Kind.survey
    title = "a StatLine survey table downloaded with labels"
    options_type = DimensionOptions

    def recognise(self, table: RawTable) -> bool:
        return _layout(table) is not None

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        layout = _layout(table)
        assert layout is not None
        where = display_path(table.path) + (f" (sheet {table.sheet!r})" if table.sheet else "")
        frame, notes = pick_dimensions(table.frame, {h: h for h in layout.extra}, options, where)
        area = area_label(pl.col(layout.area).cast(pl.String))
        if layout.value:  # long
            # The unit from "Waarde eenheid", else from a Cijfersoort that is one ("% slachtoffer").
            told = layout.unit or layout.kind
            long = frame.select(ROW, pl.col(layout.period).alias("__year"), pl.col(layout.value).alias("__v"))
            long = long.with_columns(
                per_distinct(frame, [layout.area], area, "__area"),
                per_distinct(
                    frame, layout.topics, topic_levels([pl.col(t) for t in layout.topics]), "__label"
                ),
                per_distinct(frame, [told], survey_unit(pl.col(told)), "__unit")
                if told
                else pl.lit(None, dtype=pl.String).alias("__unit"),
                per_distinct(frame, [layout.kind], margin_kind(pl.col(layout.kind)), "__kind")
                if layout.kind
                else pl.lit("value").alias("__kind"),
            ).select(ROW, "__year", "__area", "__label", "__unit", "__kind", "__v")
            described = (
                f"long: topic from {', '.join(layout.topics)}"
                + (f", kind of figure from {layout.kind}" if layout.kind else "")
                + (f", unit from {layout.unit}" if layout.unit else "")
            )
            value_name = layout.value
        else:  # wide
            topics = [_unit_suffix(h) for h in layout.measures]
            respondents = [h for h in layout.measures if any(w in h.casefold() for w in _RESPONDENT_WORDS)]
            indicators = [h for h in layout.measures if h not in respondents]
            meta = pl.DataFrame(
                {
                    "__measure": indicators,
                    "__parts": [
                        t.split("/") for t, _ in (topics[layout.measures.index(h)] for h in indicators)
                    ],
                    "__unit_text": [topics[layout.measures.index(h)][1] for h in indicators],
                },
                schema={"__measure": pl.String, "__parts": pl.List(pl.String), "__unit_text": pl.String},
            )
            depth = max((len(p) for p in meta["__parts"].to_list()), default=1)
            meta = meta.select(
                "__measure",
                topic_levels([pl.col("__parts").list.get(i, null_on_oob=True) for i in range(depth)]).alias(
                    "__label"
                ),
                survey_unit(pl.col("__unit_text")).alias("__unit"),
            )
            kind = margin_kind(pl.col(layout.kind)) if layout.kind else pl.lit("value")
            # A respondents column has no topic of its own: it counts for every indicator of its row.
            meta = pl.concat(
                [
                    meta.with_columns(pl.lit(None, dtype=pl.String).alias("__kind")),
                    pl.DataFrame(
                        {"__measure": respondents[:1]},
                        schema={"__measure": pl.String},
                    ).with_columns(
                        pl.lit(None, dtype=pl.String).alias("__label"),
                        pl.lit(None, dtype=pl.String).alias("__unit"),
                        pl.lit("respondents").alias("__kind"),
                    ),
                ]
            )
            on = [*indicators, *respondents[:1]]
            long = (
                frame.select(
                    ROW, pl.col(layout.period).alias("__year"), area.alias("__area"), kind.alias("__k"), *on
                )
                .unpivot(
                    on=on, index=[ROW, "__year", "__area", "__k"], variable_name="__measure", value_name="__v"
                )
                .join(meta, on="__measure", how="left", maintain_order="left")
                .filter(pl.col("__kind").is_null() | (pl.col("__k") == "value"))
                .select(
                    ROW,
                    "__year",
                    "__area",
                    "__label",
                    "__unit",
                    pl.coalesce("__kind", "__k").alias("__kind"),
                    "__v",
                )
            )
            described = (
                f"wide: {len(indicators)} indicator column(s) unpivoted"
                + (f", kind of figure from {layout.kind}" if layout.kind else "")
                + (f", respondents from {respondents[0]!r}" if respondents else "")
            )
            value_name = "figure (from the indicator columns)"
        figures, columns, more = survey_figures(long, Names(layout.period, layout.area, value_name))
        notes = [described, *notes, *more]
        identifier = table_id(table)
        if identifier:
            notes.append(f"table {identifier}")
        return Recognised(self.name, replace_frame(table, figures), Kind.survey, columns, notes)

"""How survey figures read (shared by the survey formats, the checks and ``analysis.survey``).

Survey values are decimals (``14,3`` or ``14.3``; a ``%`` sign is allowed). The store keeps them as
written (``ColumnType`` has no decimal type yet); ``decimal_expr`` is the one reading of them.
Units are ``percent`` or ``score``, from the words publishers use.
"""

from __future__ import annotations

import re

import polars as pl

PERCENT = "percent"
SCORE = "score"

UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(["%", "percent", "percentage", "procent", "pct", "perc"], PERCENT),
    **dict.fromkeys(
        [
            "score",
            "rapportcijfer",
            "cijfer",
            "schaalscore",
            "gemiddelde",
            "gemiddeld cijfer",
            "mark",
            "scale",
        ],
        SCORE,
    ),
}

# Header stems (folded) that tell a score, not a percentage (CBS measure names, wijkmonitor headers).
SCORE_STEMS = ("schaalscore", "rapportcijfer", "cijfer", "score")


def decimal_expr(text: pl.Expr) -> pl.Expr:
    """Decimal text as a number: ``14,3`` and ``14.3`` -> 14.3, ``1.043,5`` -> 1043.5, ``12 %`` -> 12.0;
    null where it is not a number."""
    compact = text.str.replace_all(r"[\s\u00a0%]", "")
    dutch = compact.str.contains(",")
    normalised = (
        pl.when(dutch)
        .then(compact.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .otherwise(compact)
    )
    plain = normalised.str.contains(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")
    return pl.when(plain).then(normalised.cast(pl.Float64, strict=False))


def unit_expr(text: pl.Expr) -> pl.Expr:
    """A unit word as ``percent`` / ``score``; null where unknown or empty."""
    folded = text.str.strip_chars().str.to_lowercase()
    return folded.replace_strict(UNIT_WORDS, default=None, return_dtype=pl.String)


def unit_of_name(name: str) -> str:
    """The unit a header or CBS measure name implies: a score for ``...Schaalscore``/``Rapportcijfer...``."""
    folded = re.sub(r"[^0-9a-z]", "", name.casefold())
    return SCORE if any(stem in folded for stem in SCORE_STEMS) else PERCENT


def code_from_label(label: pl.Expr) -> pl.Expr:
    """A stable indicator code from a label: ``Voelt zich onveilig`` -> ``voelt_zich_onveilig``."""
    return (
        label.str.strip_chars()
        .str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7f]", "")
        .str.replace_all(r"[^0-9a-z]+", "_")
        .str.strip_chars("_")
    )


def survey_unit(text: pl.Expr) -> pl.Expr:
    """A unit as StatLine's survey tables write it, as ``percent`` / ``score``; null where it is no
    survey unit (``aantal``, ``per 1 000 inwoners``, empty): ``%``, ``% slachtoffer``,
    ``% 'komt vaak voor'``, ``Percentage`` -> percent; ``rapportcijfer``, ``schaalscore (0-10)``,
    ``cijfer`` -> score."""
    folded = text.str.strip_chars().str.to_lowercase()
    known = unit_expr(text)
    percent = folded.str.starts_with("%") | folded.str.contains(r"^(procent|percentage|perc\.?)\b")
    score = folded.str.contains(r"^(rapportcijfer|schaalscore|gemiddeld|(gemiddeld )?cijfer|score)\b")
    return (
        pl.when(known.is_not_null())
        .then(known)
        .when(percent)
        .then(pl.lit(PERCENT))
        .when(score)
        .then(pl.lit(SCORE))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def topic_levels(levels: list[pl.Expr]) -> pl.Expr:
    """The words of a survey topic given as levels (``Onderwerpen_1..3``, the lines of a table
    view's ``Onderwerp``, the parts of ``Thema/Sub/Onderwerp``), joined by `` / ``: empty levels
    left out, and a level left out where the next repeats it or starts with it (``Geweldsdelicten``
    / ``Geweldsdelicten totaal`` -> ``Geweldsdelicten totaal``), so the label and the code made from
    it (``code_from_label``) depend on the topic's own words only, never on the other rows."""
    cleaned = [
        pl.when(level.str.strip_chars() != "").then(level.str.strip_chars().str.replace_all(r"\s+", " "))
        for level in levels
    ]
    kept = []
    for index, level in enumerate(cleaned):
        following = pl.coalesce(cleaned[index + 1 :]) if index + 1 < len(cleaned) else pl.lit(None, pl.String)
        this, after = level.str.to_lowercase(), following.str.to_lowercase()
        repeated = after.is_not_null() & ((after == this) | after.str.starts_with(this + " "))
        kept.append(pl.when(~repeated).then(level))
    return pl.concat_str(kept, separator=" / ", ignore_nulls=True)

"""Category cells resolved through the classification, whatever the path a file takes.

A category column holds codes in one export and labels in another: ``1.2.3``, ``"1.2.3 Diefstal
van brom-, snor-, fietsen"``, ``"Diefstal/inbraak woning"``, ``"Misdrijven, totaal"``, a BVH code
(``A72``) or a BVH label (``"DIEFSTAL FIETS"``). ``category_parse`` is the category column's
parser (``columns.ColumnType.category``): every value the classification knows becomes its code,
on every path; anything else stays as written, so the checks report it (``unknown_category``) and
it is never stored as a code. ``resolve_categories`` says for each distinct value how:

- ``code``: a code of the classification (stripped, upper case: ``" e35"`` -> ``E35``);
- ``code_label``: a known code followed by its words (``"1.2.3 Diefstal ..."`` -> ``1.2.3``);
- ``label``: a category title or a total's name (``"Misdrijven, totaal"``, ``Totaal`` -> ``0.0.0``);
- ``bvh_label``: a BVH label (-> its BVH code, which registrations and suspects keep);
- ``own``: a counts table's own category (``huisverbod``, a municipal tally): one word that is no
  police code and no label of the police's words;
- ``unknown``: anything else (a label the classification does not know, a code it lacks, and for
  a kind a code it does not take: a BVH code in counts, the total in registrations).

Which codes a kind takes: registrations and suspects the open-data, nuisance and BVH codes (not
the total); counts the open-data categories, the crime total and the nuisance total
(``NUISANCE_TOTAL_CODE``).
"""

from __future__ import annotations

import difflib
import functools
import re

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import (
    CBS_TOTAL_CRIME_KEY,
    NUISANCE_TOTAL_CODE,
    NUISANCE_TOTAL_NAMES,
    TOTAL_CRIME_CODE,
    TOTAL_CRIME_NAMES,
    bvh_map,
    categories,
    open_data_codes,
    registration_codes,
)

CODE = "code"
CODE_LABEL = "code_label"
LABEL = "label"
BVH_LABEL = "bvh_label"
OWN = "own"
UNKNOWN = "unknown"
RESOLVED = (CODE, CODE_LABEL, LABEL, BVH_LABEL)
WORDED = (CODE_LABEL, LABEL, BVH_LABEL)  # values that are labels (the code derived from them)

_CODE_THEN_WORDS = r"^(\d+(?:\.\d+)+|[A-Za-z]\d+[A-Za-z]?)\s+\S"
_LOOKS_LIKE_CODE = r"^(?:\d+(?:\.\d+)+|[A-Za-z]{1,2}\d+[A-Za-z]?|\d+)$"
_OWN = r"^[A-Za-z][A-Za-z0-9_-]*$"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@functools.cache
def _titles() -> dict[str, str]:
    """Folded category title or total's name -> code."""
    cats = categories()
    titles = {_fold(label): code for label, code in zip(cats["label"], cats["code"], strict=True)}
    titles.update(dict.fromkeys(TOTAL_CRIME_NAMES, TOTAL_CRIME_CODE))
    titles.update(dict.fromkeys(NUISANCE_TOTAL_NAMES, NUISANCE_TOTAL_CODE))
    titles[CBS_TOTAL_CRIME_KEY.lower()] = TOTAL_CRIME_CODE
    titles["totaal"] = TOTAL_CRIME_CODE
    return titles


@functools.cache
def _bvh_labels() -> dict[str, str]:
    """Folded BVH label -> BVH code; of a label two codes share, the one counted in a category."""
    ordered = bvh_map().sort(pl.col("category_code").is_null())  # counted codes first
    labels: dict[str, str] = {}
    for code, label in zip(ordered["bvh_code"], ordered["bvh_label"], strict=True):
        if label:
            labels.setdefault(_fold(label), code)
    return labels


@functools.cache
def _title_words() -> tuple[str, ...]:
    """Words (5 letters or more) of the category titles: a value holding one is a label."""
    words = {
        w for label in categories()["label"] for w in re.split(r"[^a-z]+", label.casefold()) if len(w) >= 5
    }
    return tuple(sorted(words))


@functools.cache
def known_codes(kind: Kind | None = None) -> frozenset[str]:
    """The codes (normalised) a category cell of ``kind`` may hold; None: of any kind."""
    counts, registrations = frozenset(open_data_codes()), registration_codes()[0]
    if kind is None:
        return counts | registrations
    return counts if kind is Kind.counts else registrations


def category_parse(text: pl.Expr) -> pl.Expr:
    """The category column's parser: a value the classification knows (a code, a code with its
    words, a title, a total's name, a BVH label) as its code; anything else as written (stripped)."""
    return pl.coalesce(_resolved(text.str.strip_chars()), text.str.strip_chars())


def _resolved(stripped: pl.Expr) -> pl.Expr:
    """The code a value means, null where the classification does not know it (any kind)."""
    known = list(known_codes())
    upper = stripped.str.to_uppercase()
    prefix = stripped.str.extract(_CODE_THEN_WORDS, 1).str.to_uppercase()
    folded = stripped.str.replace_all(r"\s+", " ").str.to_lowercase()
    return (
        pl.when(upper.is_in(known))
        .then(upper)
        .when(prefix.is_not_null())
        .then(pl.when(prefix.is_in(known)).then(prefix))
        .otherwise(
            pl.coalesce(
                folded.replace_strict(_titles(), default=None, return_dtype=pl.String),
                folded.replace_strict(_bvh_labels(), default=None, return_dtype=pl.String),
            )
        )
    )


def _how(stripped: pl.Expr) -> pl.Expr:
    """How ``_resolved`` read a value (``code``, ``code_label``, ``label``, ``bvh_label``), null where
    it does not know it."""
    known = list(known_codes())
    prefix = stripped.str.extract(_CODE_THEN_WORDS, 1).str.to_uppercase()
    folded = stripped.str.replace_all(r"\s+", " ").str.to_lowercase()
    return (
        pl.when(stripped.str.to_uppercase().is_in(known))
        .then(pl.lit(CODE))
        .when(prefix.is_not_null())
        .then(pl.when(prefix.is_in(known)).then(pl.lit(CODE_LABEL)))
        .when(folded.is_in(list(_titles())))
        .then(pl.lit(LABEL))
        .when(folded.is_in(list(_bvh_labels())))
        .then(pl.lit(BVH_LABEL))
    )


def own_expr(stripped: pl.Expr) -> pl.Expr:
    """Whether counts values are a table's own categories (``huisverbod``): one word, no police
    code (``9.9.9``, ``A72``), no label of the police's words (``Woninginbraak``, ``Vernieling``)."""
    words = "|".join(_title_words())
    return (
        stripped.str.contains(_OWN)
        & ~stripped.str.contains(_LOOKS_LIKE_CODE)
        & ~stripped.str.to_lowercase().str.contains(f"(?:{words})")
    )


def resolve_categories(values: pl.Series, kind: Kind | None) -> pl.DataFrame:
    """Each distinct value (``text``, stripped) with its ``code`` for ``kind`` (null: not one it
    takes; ``kind`` None: any kind's) and ``how`` (``code``, ``code_label``, ``label``,
    ``bvh_label``, ``own``, ``unknown``); vectorised over the distinct values."""
    # Distinct texts first, then stripped (and made distinct again): the same set, but a column of
    # a million cells is stripped as its few distinct values.
    distinct = values.cast(pl.String).drop_nulls().unique().str.strip_chars().unique().sort()
    frame = distinct.filter(distinct != "").to_frame("text")
    text = pl.col("text")
    resolved = frame.with_columns(_resolved(text).alias("code"), _how(text).alias("how"))
    takes = pl.col("code").is_in(list(known_codes(kind)))
    own = own_expr(text) if kind is Kind.counts else pl.lit(False)
    return resolved.select(
        text,
        pl.when(takes).then(pl.col("code")).alias("code"),
        pl.when(takes)
        .then(pl.col("how"))
        .when(own)
        .then(pl.lit(OWN))
        .otherwise(pl.lit(UNKNOWN))
        .alias("how"),
    )


def resolved_share(resolution: pl.DataFrame) -> float:
    """The share of distinct values resolved to a code (0 for none)."""
    if resolution.height == 0:
        return 0.0
    return float(resolution["how"].is_in(RESOLVED).sum()) / resolution.height


def nearest_labels(text: str, limit: int = 3) -> list[str]:
    """The category titles nearest to an unknown label (``"1.1.1 Diefstal/inbraak woning"``)."""
    cats = categories()
    titles = {
        _fold(label): f"{code} {label}" for code, label in zip(cats["code"], cats["label"], strict=True)
    }
    close = difflib.get_close_matches(_fold(text), list(titles), n=limit, cutoff=0.6)
    if not close:
        words = [w for w in _title_words() if w in text.casefold()]
        close = [t for t in titles if any(w in t for w in words)][:limit]
    return [titles[c] for c in close]

"""Locate the files veilcli ships in ``schemas/`` (inside the wheel: ``veilcli/schemas``) and resolve areas.

Areas (``schemas/areas.csv``): a CBS/police code (``GM0034``, padded or lower case too) or a
known name in any letter case (``ALMERE``, ``almere``) or alias (``Den Haag``) resolves to the
canonical name (``Almere``, ``'s-Gravenhage``). Anything else is kept as written (stripped):
district and neighbourhood names, benchmark labels such as ``G10/100.000+``. Only exact names
are folded: a district that happens to share a municipality's name in another case would be
renamed to that spelling, which changes nothing but the letter case. ``nearest_areas`` names the
known names nearest to an unknown one (validation's ``unknown_area``).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@functools.cache
def schemas_dir() -> Path:
    """The shipped ``schemas`` folder, installed or in a source checkout."""
    package = Path(__file__).parent.parent  # veilcli/
    installed = package / "schemas"
    if installed.is_dir():
        return installed
    return package.parent / "schemas"


@functools.cache
def area_table() -> pl.DataFrame:
    """``areas.csv`` as text: code, name, type, source, aliases (``|``-separated)."""
    return pl.read_csv(schemas_dir() / "areas.csv", infer_schema=False)


@functools.cache
def area_codes() -> dict[str, str]:
    """CBS/police area code -> area name (``GM0034`` -> ``Almere``): ``areas.csv``, then every
    municipality since 2013 (``schemas/geography``)."""
    from veilcli.domain.geography import municipalities

    table = area_table()
    codes = dict(zip(table["code"], table["name"], strict=True))
    for code, name in zip(municipalities()["code"], municipalities()["name"], strict=True):
        codes.setdefault(code, name)
    return codes


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@functools.cache
def area_lookup() -> dict[str, str]:
    """Folded code, name or alias -> canonical name; the folding is case and spacing only."""
    table = area_table()
    lookup: dict[str, str] = {}
    for name, aliases in zip(table["name"], table["aliases"], strict=True):
        lookup[_fold(name)] = name
        for alias in (aliases or "").split("|"):
            if alias.strip():
                lookup.setdefault(_fold(alias), name)
    for code, name in zip(table["code"], table["name"], strict=True):
        lookup[_fold(code)] = name  # codes win over a name that happens to look like one
    # Every municipality since 2013 by code, name, former name and name without province suffix.
    from veilcli.domain.geography import municipality_names

    for key, name in municipality_names().items():
        lookup.setdefault(_fold(key), name)
        # "Bergen (NH)" as "Bergen (NH.)": the province abbreviation written without its dots
        lookup.setdefault(_fold(re.sub(r"\.(?=[A-Z]*\)$)", "", key)), name)
    return lookup


def area_expr(text: pl.Expr) -> pl.Expr:
    """Vectorised: known codes (padded or not) and names in any case -> canonical name; others as written."""
    stripped = text.str.strip_chars()
    folded = stripped.str.replace_all(r"\s+", " ").str.to_lowercase()
    return folded.replace_strict(area_lookup(), default=stripped, return_dtype=pl.String)


def resolve_areas(values: list[str]) -> list[str]:
    """Plain-Python form of ``area_expr`` for option values and plan files."""
    lookup = area_lookup()
    return [lookup.get(_fold(v), v.strip()) for v in values]


# A name veilcli does not know that is this close to a known one (difflib's ratio of the folded
# names) is taken for a misspelling of it: "Almree" is 0.83 from "Almere", "Amstrdam" 0.94 from
# "Amsterdam"; district names are further ("Almere-Stad" 0.71). Below ``NEAREST_RATIO`` no name is
# offered at all.
TYPO_RATIO = 0.8
NEAREST_RATIO = 0.6
# Codes (``GM0034``, ``WK003401``, ``BU00340101``, ``RE03``, ``NL01``) are not names to misspell.
AREA_CODE = r"^(?i:GM|WK|BU|RE|NL)\d+$"


@dataclass(frozen=True)
class Nearest:
    """The known names nearest to an unknown one, and whether the nearest is close enough to be
    the name that was meant (``TYPO_RATIO``)."""

    names: tuple[str, ...]
    typo: bool


@functools.cache
def known_area_names() -> frozenset[str]:
    """Every name a known code, name or alias resolves to (``area_expr``'s known results)."""
    return frozenset(area_lookup().values())


@functools.cache
def _name_keys(municipalities_only: bool) -> dict[str, str]:
    """Folded names and aliases (no codes) -> canonical name: of municipalities (since 2013), or of
    every known area."""
    from veilcli.domain.geography import municipality_names

    municipal = set(municipality_names().values())
    return {
        key: name
        for key, name in area_lookup().items()
        if not re.match(AREA_CODE, key) and (not municipalities_only or name in municipal)
    }


def unknown_areas(values: pl.Series) -> list[str]:
    """The distinct values of an area column (as ``area_expr`` left them) that are no known area
    and no area code: vectorised over the distinct values."""
    distinct = values.drop_nulls().unique()
    return sorted(
        distinct.filter(
            ~distinct.is_in(list(known_area_names())) & ~distinct.str.contains(AREA_CODE)
        ).to_list()
    )


def nearest_areas(values: Iterable[str], *, municipalities_only: bool) -> dict[str, Nearest]:
    """For each (distinct) unknown name: the up to three nearest known names (difflib, on the folded
    names) and whether the nearest is a likely misspelling. One comparison per distinct value and
    known name (a file has a few distinct areas), never per row."""
    keys = _name_keys(municipalities_only)
    choices = list(keys)
    found = {}
    for value in values:
        folded = _fold(value)
        close = difflib.get_close_matches(folded, choices, n=6, cutoff=NEAREST_RATIO)
        names = tuple(dict.fromkeys(keys[c] for c in close))[:3]
        typo = bool(close) and difflib.SequenceMatcher(None, folded, close[0]).ratio() >= TYPO_RATIO
        found[value] = Nearest(names, typo)
    return found

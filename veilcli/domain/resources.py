"""Locate the files veilcli ships in ``schemas/`` (inside the wheel: ``veilcli/schemas``) and resolve areas.

Areas (``schemas/areas.csv``): a CBS/police code (``GM0034``, padded or lower case too) or a
known name in any letter case (``ALMERE``, ``almere``) or alias (``Den Haag``) resolves to the
canonical name (``Almere``, ``'s-Gravenhage``). Anything else is kept as written (stripped):
district and neighbourhood names, benchmark labels such as ``G10/100.000+``. Only exact names
are folded: a district that happens to share a municipality's name in another case would be
renamed to that spelling, which changes nothing but the letter case.
"""

from __future__ import annotations

import functools
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

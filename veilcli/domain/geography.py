"""Dutch geography: every municipality since 2013, its boundary changes, and the area code tree.

The tables ship in ``schemas/geography/`` (CBS codes and names, with the mergers, splits and
renames since 2013; sources in its README). This module answers four questions:

- **which municipality** a code or name means (``GM0014`` = ``Groningen``; a name from before a
  rename or a province suffix added by CBS in 2025 still resolves);
- **where a wijk or buurt belongs**: the codes nest (``BU00340101`` in ``WK003401`` in ``GM0034``);
- **what territory** an area is compared on (``territory_members``, DESIGN §2): on the territory
  of the time when baseline and period lie on the same side of every merger (Groningen 2013 vs
  2017 is Groningen alone: Haren and Ten Boer joined in 2019); across a merger, on the territory
  at the comparison's end, so a period that began before the merger adds up the municipality and
  the ones that merged into it later (``Groningen`` in 2017 = Groningen + Haren + Ten Boer for a
  comparison with 2019). ``compare`` and the league both take their members from here.
  A split (a municipality divided over several) cannot be added up that way: it is reported.
- **which area** a name in a file or an option means (``schemas/areas.csv``): a CBS/police code
  (``GM0034``, padded or lower case too) or a known name in any letter case (``ALMERE``) or alias
  (``Den Haag``) resolves to the canonical name (``Almere``, ``'s-Gravenhage``). Anything else is
  kept as written (stripped): district and neighbourhood names, benchmark labels such as
  ``G10/100.000+``. Only exact names are folded: a district that happens to share a
  municipality's name in another case would be renamed to that spelling, which changes nothing
  but the letter case. ``nearest_areas`` names the known names nearest to an unknown one
  (validation's ``unknown_area``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from veilcli.domain.choices import Territory
from veilcli.files.shipped import schemas_dir


def geography_dir() -> Path:
    """The folder of the shipped geography tables."""
    return schemas_dir() / "geography"


@functools.cache
def municipalities() -> pl.DataFrame:
    """code, name, first_year, last_year (null: still exists) of every municipality since 2013."""
    return pl.read_csv(
        geography_dir() / "municipalities.csv",
        schema={"code": pl.String, "name": pl.String, "first_year": pl.Int64, "last_year": pl.Int64},
    )


@functools.cache
def boundary_changes() -> pl.DataFrame:
    """date, old_code, old_name, new_code, new_name, kind (merger | split | rename)."""
    frame = pl.read_csv(geography_dir() / "changes.csv", infer_schema=False)
    return frame.with_columns(pl.col("date").str.to_date())


@functools.cache
def municipality_names() -> dict[str, str]:
    """Code and every name a municipality had (also without a 2025 province suffix) -> its name."""
    table = municipalities()
    names: dict[str, str] = {}
    for code, name in zip(table["code"], table["name"], strict=True):
        names[code] = name
        names.setdefault(name, name)
        bare = re.sub(r"\s*\((?:[A-Z]+\.)+\)$", "", name)  # "Hengelo (O.)" was "Hengelo" until 2024
        if bare != name:
            names.setdefault(bare, name)
    renames = boundary_changes().filter(pl.col("kind") == "rename")
    for old, new in zip(renames["old_name"], renames["new_name"], strict=True):
        names.setdefault(old, new)
    return names


# --- the code tree --------------------------------------------------------------------------------

LEVELS = {"BU": "buurt", "WK": "wijk", "GM": "gemeente"}

# The area codes CBS and police tables write (reference/README.md items 1 and 9), finest first.
# A wijk is ``WK`` + the gemeente's four digits + two characters, a buurt that wijk's code + two
# more: digits almost everywhere, letters in Amsterdam since 2022 (``WK0363AA``, ``BU0363AA01``).
# ``WP`` + four digits is a woonplaats (a place, not a municipality: 47015NED), ``RE01``..``RE10``
# a police unit, ``PV20``..``PV31`` a province, ``LD01``..``LD04`` a landsdeel, ``CR`` a COROP
# area, ``VR`` a veiligheidsregio, ``NL01`` (RegioS) and ``NL00`` (WijkenEnBuurten) the country;
# ``PR01``..``PR25`` are veilcli's own codes for the police regions of 1994-2012 (schemas/areas.csv).
AREA_CODES: tuple[tuple[str, str], ...] = (
    ("buurt", r"^BU\d{4}[0-9A-Z]{4}$"),
    ("wijk", r"^WK\d{4}[0-9A-Z]{2}$"),
    ("gemeente", r"^GM\d{4}$"),
    ("woonplaats", r"^WP\d{4}$"),
    ("politie-eenheid", r"^RE\d{2}$"),
    ("politieregio", r"^PR\d{2}$"),
    ("veiligheidsregio", r"^VR\d{2}$"),
    ("corop", r"^CR\d{2}$"),
    ("provincie", r"^PV\d{2}$"),
    ("landsdeel", r"^LD\d{2}$"),
    ("land", r"^NL0[01]$"),
)
# A wijk or buurt code: the parts of a municipality that counts roll up from.
FINER_CODE = r"^(BU\d{4}[0-9A-Z]{4}|WK\d{4}[0-9A-Z]{2})$"


def _code(area: pl.Expr) -> pl.Expr:
    # OData pads codes with spaces ("WK003401  ", "NL01  "); files written by hand use lower case.
    return area.str.strip_chars().str.to_uppercase()


def area_level_expr(area: pl.Expr) -> pl.Expr:
    """Vectorised: an area code's level (``buurt``, ``wijk``, ``gemeente``, ``woonplaats``,
    ``politie-eenheid``, ``politieregio``, ``veiligheidsregio``, ``corop``, ``provincie``,
    ``landsdeel``, ``land``; see ``AREA_CODES``), null for a name or an unknown code."""
    code = _code(area)
    # The patterns exclude each other, so the first that matches is the only one.
    return pl.coalesce(
        [pl.when(code.str.contains(pattern)).then(pl.lit(level)) for level, pattern in AREA_CODES]
    )


def is_finer_expr(area: pl.Expr) -> pl.Expr:
    """Vectorised: whether an area is a wijk or buurt code (Amsterdam's lettered ones too)."""
    return _code(area).str.contains(FINER_CODE).fill_null(False)


def wijk_of_expr(area: pl.Expr) -> pl.Expr:
    """Vectorised: the wijk code of a buurt or wijk code (``BU00340101`` -> ``WK003401``,
    ``BU0363AA01`` -> ``WK0363AA``)."""
    code = _code(area)
    return pl.when(code.str.contains(FINER_CODE)).then(pl.lit("WK") + code.str.slice(2, 6))


def gemeente_of_expr(area: pl.Expr) -> pl.Expr:
    """Vectorised: the municipality code of a buurt, wijk or municipality code."""
    code = _code(area)
    return pl.when(code.str.contains(FINER_CODE) | code.str.contains(r"^GM\d{4}$")).then(
        pl.lit("GM") + code.str.slice(2, 4)
    )


# --- territory over time --------------------------------------------------------------------------


@dataclass(frozen=True)
class Predecessor:
    """A municipality that merged into an area (directly or through another merger)."""

    name: str
    code: str
    merged_on: dt.date


@dataclass(frozen=True)
class Split:
    """A municipality divided over several, one of them the area."""

    name: str
    code: str
    split_on: dt.date


def _code_of(area: str) -> str | None:
    table = municipalities()
    name = municipality_names().get(area, area)
    found = table.filter(pl.col("name") == name)["code"]
    return found[0] if found.len() else None


@functools.cache
def predecessors(area: str) -> tuple[Predecessor, ...]:
    """Every municipality that merged into ``area`` since 2013, with the date it did (transitively:
    a municipality that merged into one that later merged into ``area`` counts, with its own date)."""
    code = _code_of(area)
    if code is None:
        return ()
    # A rename with a new code is the same territory under a new code: its earlier data counts too.
    changes = boundary_changes().filter(pl.col("kind").is_in(["merger", "rename"]))
    found: list[Predecessor] = []
    frontier = [code]
    while frontier:
        target = frontier.pop()
        for row in changes.filter(pl.col("new_code") == target).iter_rows(named=True):
            found.append(Predecessor(row["old_name"], row["old_code"], row["date"]))
            frontier.append(row["old_code"])
    return tuple(sorted(found, key=lambda p: (p.merged_on, p.code)))


@functools.cache
def splits(area: str) -> tuple[Split, ...]:
    """Municipalities that were divided over several, ``area`` among them, since 2013."""
    code = _code_of(area)
    if code is None:
        return ()
    rows = boundary_changes().filter(pl.col("kind") == "split", pl.col("new_code") == code)
    return tuple(Split(r["old_name"], r["old_code"], r["date"]) for r in rows.iter_rows(named=True))


def territory(area: str, start: dt.date, until: dt.date | None = None) -> list[str]:
    """The municipalities that together formed ``area`` (as it was on ``until``; default today) in a
    period beginning on ``start``: the area itself, and every predecessor that merged into it after
    ``start`` (and on or before ``until``)."""
    return [
        area,
        *(
            p.name
            for p in predecessors(area)
            if p.merged_on > start and (until is None or p.merged_on <= until)
        ),
    ]


def territory_members(
    area: str, starts: list[dt.date], end: dt.date, mode: Territory = Territory.auto
) -> list[list[str]]:
    """The municipalities whose registrations make up ``area`` in each period of a comparison (the
    periods beginning on ``starts``, the comparison ending on ``end``): the one rule of DESIGN §2.

    ``auto``: the territory at the comparison's end (a merger after ``end`` changes nothing: every
    period then is the area alone, the territory of its time); ``then``: the area alone in every
    period; ``today``: today's territory in every period.
    """
    if mode is Territory.then:
        return [[area] for _ in starts]
    until = None if mode is Territory.today else end
    return [territory(area, start, until) for start in starts]


def merged_by(area: str, on: dt.date) -> str | None:
    """The municipality ``area`` had merged into by ``on`` (directly or through later mergers), or
    None when it still existed then (a league lists municipalities as they were at its end)."""
    code = _code_of(area)
    if code is None:
        return None
    changes = boundary_changes().filter(pl.col("kind").is_in(["merger", "rename"]))
    target: str | None = None
    while True:
        row = changes.filter(pl.col("old_code") == code, pl.col("date") <= on)
        if not row.height:
            return target
        code = row["new_code"][0]
        target = municipality_names().get(code, row["new_name"][0])


# Areas by code, name or alias (``schemas/areas.csv`` and every municipality since 2013).


@functools.cache
def area_table() -> pl.DataFrame:
    """``areas.csv`` as text: code, name, type, source, aliases (``|``-separated)."""
    return pl.read_csv(schemas_dir() / "areas.csv", infer_schema=False)


@functools.cache
def area_codes() -> dict[str, str]:
    """CBS/police area code -> area name (``GM0034`` -> ``Almere``): ``areas.csv``, then every
    municipality since 2013 (``schemas/geography``)."""
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

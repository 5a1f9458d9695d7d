"""Helpers several formats share: headers looked up by their folded form, the CBS table id, the
period and nuisance-total rewrites, a table with a transformed frame, category codes from labels
(and the totals' names), CBS's own crime categories, police-unit region labels, woonplaatsen (an area
kind of their own), the refusal of a table of rates only, and the extra dimensions
(``DimensionOptions``, ``pick_dimensions``: at a value asked for, at the total, or refused)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from veilcli.domain.classification import (
    CBS_TOTAL_CRIME_KEY,
    NUISANCE_TOTAL_CODE,
    NUISANCE_TOTAL_NAMES,
    TOTAL_CRIME_CODE,
    TOTAL_CRIME_NAMES,
    categories,
)
from veilcli.errors import InputError, UsageError
from veilcli.sources.columns import normalise_header, strip_suffix
from veilcli.sources.formats.interface import FormatOptions
from veilcli.sources.table import RawTable


def headers_by_fold(table: RawTable, stems: bool = False) -> dict[str, str]:
    """Folded header (optionally without the ``_N`` suffix) -> header as written (first wins)."""
    out: dict[str, str] = {}
    for header in table.headers:
        out.setdefault(normalise_header(strip_suffix(header) if stems else header), header)
    return out


def first(found: dict[str, str], *names: str) -> str | None:
    """The header of the first of ``names`` the table has (``found``: ``headers_by_fold``)."""
    for name in names:
        header = found.get(normalise_header(name))
        if header is not None:
            return header
    return None


def period_text(period: pl.Expr) -> pl.Expr:
    """Drop CBS's provisional-figure star (``2019*``, ``2019* januari``, ``2019 januari*``) so the
    period parses."""
    return period.str.strip_chars().str.replace_all(r"\s*\*", "")


def nuisance_total(code: pl.Expr) -> pl.Expr:
    """A nuisance table's total ``0.0.0`` as ``NUISANCE_TOTAL_CODE``, never the crime total."""
    stripped = code.str.strip_chars()
    return pl.when(stripped == TOTAL_CRIME_CODE).then(pl.lit(NUISANCE_TOTAL_CODE)).otherwise(code)


def blank_as_null(text: pl.Expr) -> pl.Expr:
    """A cell as text without the padding CBS writes (``"   25445"``, ``"Aa en Hunze      "``), and
    null where nothing is left (``""``: a quoted empty cell is read as an empty string)."""
    stripped = text.cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(pl.lit(None, pl.String)).otherwise(stripped)


def replace_frame(table: RawTable, frame: pl.DataFrame) -> RawTable:
    """The same table (path, rows, hashes) with a transformed frame."""
    return RawTable(
        frame,
        table.path,
        table.format,
        sheet=table.sheet,
        header_row=table.header_row,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sha256=table.sha256,
        dropped_personal=list(table.dropped_personal),
        metadata=dict(table.metadata),
    )


def table_id(table: RawTable) -> str | None:
    """The CBS/police table id (``84583NED``) from the OData metadata or the file name."""
    for text in (table.metadata.get("odata.metadata", ""), table.path.name):
        match = re.search(r"(\d{5}NED)", text, flags=re.IGNORECASE)
        if match:
            return match.group(1).upper()
    return None


# --- category labels ---------------------------------------------------------------------------

_CODE_IN_LABEL = r"^(\d+(?:\.\d+)+|[A-Z]\d+[A-Z]?)\s+\S"


def code_from_label(label: pl.Expr, nuisance: bool) -> pl.Expr:
    """``"1.2.3 Diefstal ..."`` -> ``1.2.3``; a label without code through the category titles and
    the totals' names (``"Totaal misdrijven"``, ``"Misdrijven, totaal"`` -> ``0.0.0``).

    A label that matches nothing is kept as written, so the validator reports it.
    """
    text = label.str.strip_chars()
    code = text.str.extract(_CODE_IN_LABEL, 1)
    titles = categories().select(pl.col("label").str.to_lowercase(), "code")
    by_title = dict(zip(titles["label"], titles["code"], strict=True))
    by_title.update(dict.fromkeys(TOTAL_CRIME_NAMES, TOTAL_CRIME_CODE))
    by_title[CBS_TOTAL_CRIME_KEY.lower()] = TOTAL_CRIME_CODE
    by_title.update(dict.fromkeys(NUISANCE_TOTAL_NAMES, NUISANCE_TOTAL_CODE))
    by_title["totaal"] = NUISANCE_TOTAL_CODE if nuisance else TOTAL_CRIME_CODE
    folded = text.str.replace_all(r"\s+", " ").str.to_lowercase()
    titled = folded.replace_strict(by_title, default=None, return_dtype=pl.String)
    resolved = pl.coalesce(code, titled, text)
    if nuisance:
        return nuisance_total(resolved)
    return resolved


# --- CBS's own crime classification ---------------------------------------------------------------

# CBS tables (83648NED, 83651NED) have a crime classification of their own, not the police's "soort
# misdrijf": keys ``T001161`` (the total) and ``CRI1000``, ``CRI1100``, ... today; in the 2018
# edition seven digits, ``0000000`` the total and ``1000000``, ``1010100``, ... the categories.
CBS_TOTAL_CRIME_KEYS = (CBS_TOTAL_CRIME_KEY, "0000000")
CBS_CATEGORY_KEY = r"^(?:CRI\d+|T00\d{4}|\d{7})$"


def cbs_categories_note(total: str, others: int, names: list[str]) -> str:
    """The note on a CBS table's own categories: the total read as the crime total, the rest left
    out (never stored under a police code, which they are not)."""
    shown = ", ".join(repr(n) for n in names[:6]) + (f" (+{len(names) - 6} more)" if len(names) > 6 else "")
    left = f"; {others} row(s) of CBS's own categories left out ({shown})" if others else ""
    return (
        f"CBS crime classification (not the police's soort misdrijf): its total {total!r} read as "
        f"{TOTAL_CRIME_CODE} (all crimes){left}: they do not match the police categories the plans use"
    )


# --- tables of rates only -------------------------------------------------------------------------

RATE_UNIT = r"(?i)per\s*1[\s.]?000|%|relatief"


def rates_only_error(where: str, topics: list[str]) -> InputError:
    """The refusal of a table whose crime topics are rates only (per 1 000 inwoners, %): veilcli
    stores registered counts and computes the rates itself from the population."""
    shown = ", ".join(repr(t) for t in topics[:4])
    return InputError(
        f"{where}: this table holds rates, not registered counts ({shown}): veilcli stores the "
        "registered counts and computes rates from the population itself.",
        hint="download the table again with the topic of registered counts (e.g. 'Totaal geregistreerde "
        "misdrijven (aantal)' or GeregistreerdeMisdrijven_1) selected.",
    )


# --- woonplaatsen ---------------------------------------------------------------------------------

# A woonplaats (the police's "Plaatsen" in 47015NED: Almere-Haven, Almere-Buiten, ... or the town
# Groningen) is not a municipality: stored as an area of its own, named "<name> (woonplaats)" (or
# ``WP`` + its four-digit code where the table gives codes), so it never resolves to, adds to or is
# compared as the municipality of the same name.
WOONPLAATS_SUFFIX = " (woonplaats)"
WOONPLAATS_NOTE = (
    "areas are woonplaatsen (places), not municipalities: stored as '<name> (woonplaats)' (codes as "
    "WP....), never as the municipality of the same name; compare them only as the places they are"
)


def woonplaats_area(area: pl.Expr) -> pl.Expr:
    """A woonplaats label or key as its own area: a name gets the suffix ``" (woonplaats)"``, a code
    (``WP3594``, or the bare four digits of the BAG woonplaatscode) becomes ``WP`` + four digits; the
    country total (``Nederland``) stays the country."""
    text = area.cast(pl.String).str.strip_chars()
    digits = text.str.extract(r"^(?i:WP)?(\d{1,4})$", 1)
    return (
        pl.when(digits.is_not_null())
        .then(pl.concat_str(pl.lit("WP"), digits.str.zfill(4)))
        .when(text.str.to_lowercase().is_in(["nederland", "totaal", "nl01", "nl00"]))
        .then(pl.lit("Nederland"))
        .otherwise(pl.concat_str(text.str.replace(r"(?i)\s*\(woonplaats\)$", ""), pl.lit(WOONPLAATS_SUFFIX)))
    )


# --- areas as the table views write them ----------------------------------------------------------


def area_label(area: pl.Expr) -> pl.Expr:
    """A region label as the police tables write it, in the form ``area_expr`` resolves:
    ``"Limburg (RE)"`` -> ``"Eenheid Limburg"`` (the police unit), ``"Almere (gemeente)"``/
    ``"Almere (GM)"`` -> ``"Almere"``; ``"Niet in te delen (RE)"`` and others kept as written."""
    text = area.str.strip_chars()
    unit = text.str.extract(r"^(.+?)\s*\((?:RE|eenheid|politie-eenheid)\)$", 1)
    named = pl.when(unit.is_not_null() & ~unit.str.to_lowercase().str.starts_with("niet in te delen"))
    return named.then(pl.concat_str(pl.lit("Eenheid "), unit)).otherwise(
        text.str.replace(r"(?i)\s*\((?:gemeente|GM)\)$", "")
    )


# --- dimensions beyond period, area and category ----------------------------------------------------


@dataclass(frozen=True)
class DimensionOptions(FormatOptions):
    """The police formats' options: ``--dimension NAME=VALUE`` selects one value of a dimension
    beyond period, area and category (e.g. ``"Gebruik van geweld=Met geweld"``); without it such
    a dimension is read at its total, or the file is refused naming the dimension and its values."""

    flags: ClassVar[str] = "--dimension"
    dimensions: tuple[str, ...] = ()

    def selected(self) -> dict[str, str]:
        """Folded dimension name -> the value asked for."""
        out: dict[str, str] = {}
        for given in self.dimensions:
            name, sep, value = given.partition("=")
            if not sep or not name.strip() or not value.strip():
                raise UsageError(
                    f"--dimension {given!r} is not NAME=VALUE.",
                    hint='write e.g. --dimension "Gebruik van geweld=Totaal".',
                )
            out[normalise_header(name)] = value.strip()
        return out


TOTAL_KEY = re.compile(r"^T00\d{4}$")  # CBS's keys of totals (T001161, T001020, ...)


def is_total_value(value: str) -> bool:
    """Whether a dimension's value is its total: ``Totaal``, ``Totaal ...``, ``..., totaal``,
    ``Total``, or a CBS total key (``T001020``)."""
    folded = " ".join(value.split()).casefold()
    return (
        folded in ("totaal", "total", "alle", "totaal alle")
        or folded.startswith(("totaal ", "total "))
        or folded.endswith((", totaal", " totaal", ", total"))
        or bool(TOTAL_KEY.match(value.strip()))
    )


def pick_dimensions(
    frame: pl.DataFrame,
    dimensions: dict[str, str],
    options: DimensionOptions | None,
    where: str,
) -> tuple[pl.DataFrame, list[str]]:
    """``frame`` kept at one value of each extra dimension (``dimensions``: its name -> the column
    of ``frame`` that holds it): the value ``--dimension NAME=VALUE`` selects, else the only one,
    else its total; a dimension without total is refused naming its values and the option.
    ``options`` None: a format without ``--dimension`` (its notes and hints do not offer it).

    ``where`` names the file in messages. Returns the frame and notes on what was kept.
    """
    selectable = options is not None
    options = options or DimensionOptions()
    selected = options.selected()
    notes: list[str] = []
    for name, column in dimensions.items():
        text = pl.col(column).cast(pl.String).str.strip_chars()
        values = [v for v in frame.select(text.unique(maintain_order=True)).to_series().to_list() if v]
        asked = selected.get(normalise_header(name))
        if asked is not None:
            match = [v for v in values if v.casefold() == asked.casefold()]
            if not match:
                raise InputError(
                    f"{where}: dimension {name!r} has no value {asked!r}; its values: {_values(values)}.",
                    hint=f'pick one of them: --dimension "{name}=VALUE".',
                )
            frame = frame.filter(text == match[0])
            notes.append(f"dimension {name!r}: {match[0]!r} (--dimension)")
            continue
        if len(values) <= 1:
            if values:
                notes.append(f"dimension {name!r}: {values[0]!r} (its only value)")
            continue
        totals = [v for v in values if is_total_value(v)]
        if not totals:
            raise InputError(
                f"{where}: dimension {name!r} is not one of period, area and category and has "
                f"{len(values)} values without a total: {_values(values)}.",
                hint=f'select one with --dimension "{name}=VALUE" (e.g. "{name}={values[0]}").'
                if selectable
                else f"download the table again with one value of {name!r} (or its total) selected.",
            )
        frame = frame.filter(text == totals[0])
        select = f'; select one with --dimension "{name}=VALUE"' if selectable else ""
        notes.append(
            f"dimension {name!r} read at its total {totals[0]!r} ({len(values) - 1} other value(s) "
            f"left out{select})"
        )
    return frame, notes


def _values(values: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" (+{len(values) - limit} more)" if len(values) > limit else "")

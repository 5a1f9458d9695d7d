"""Helpers several formats share: headers looked up by their folded form, the CBS table id, the
period and nuisance-total rewrites, a table with a transformed frame, category codes from labels
(and the totals' names), police-unit region labels, and the extra dimensions (``DimensionOptions``,
``pick_dimensions``: at a value asked for, at the total, or refused)."""

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
    frame: pl.DataFrame, dimensions: dict[str, str], options: DimensionOptions, where: str
) -> tuple[pl.DataFrame, list[str]]:
    """``frame`` kept at one value of each extra dimension (``dimensions``: its name -> the column
    of ``frame`` that holds it): the value ``--dimension NAME=VALUE`` selects, else the only one,
    else its total; a dimension without total is refused naming its values and the option.

    ``where`` names the file in messages. Returns the frame and notes on what was kept.
    """
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
                hint=f'select one with --dimension "{name}=VALUE" (e.g. "{name}={values[0]}").',
            )
        frame = frame.filter(text == totals[0])
        notes.append(
            f"dimension {name!r} read at its total {totals[0]!r} ({len(values) - 1} other value(s) "
            f'left out; select one with --dimension "{name}=VALUE")'
        )
    return frame, notes


def _values(values: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" (+{len(values) - limit} more)" if len(values) > limit else "")

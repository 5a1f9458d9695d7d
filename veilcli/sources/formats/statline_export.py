"""``statline-export``: an older CBS StatLine export of registered crime, with labels -> counts.

As StatLine exported its crime tables before the police open data (e.g. "Geregistreerde
criminaliteit; misdrijven en verdachten naar regio", 2005-2012): one row per region, category and
year, every field quoted, the measures named in lower case without unit:

    "Regio";"Soort misdrijf";"Jaar";"geregistreerde misdrijven";"geregistreerde misdrijven per 1 000
    inwoners";...  (one line in the file)
    "Flevoland (PO)";"Misdrijven, totaal";"2011*";"25875";"52.7";...

- the region is a municipality, ``Nederland`` or one of the 25 police regions of 1994-2012
  (``"Flevoland (PO)"``: ``schemas/areas.csv``, type ``police_region``), ``"Limburg (RE)"`` a
  police unit;
- the year is the period (``"2011*"``, provisional, read as 2011);
- ``geregistreerde misdrijven`` is the count; the other measures (per 1 000 inwoners, opgehelderd,
  percentages) are left out, named in a note;
- ``"Misdrijven, totaal"`` is the crime total ``0.0.0``, ``"1.2.3 Diefstal ..."`` the police category;
  CBS's own numbered groups (``"1 Vermogensmisdrijven"``, ``"2 Vernielingen, misdr.openb.orde/gezag"``,
  ``"11 Diefstal/verduistering en inbraak"``) are not the police's soort misdrijf (CBS counts e.g.
  Mishandeling under violence, the police under 1.4): their rows are left out, named in a note.

Recognised by a region, a category, a year (``Jaar``/``Perioden``) and a ``geregistreerde
misdrijven`` column whose categories are labels; a table of codes only is a canonical counts file.
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.common import (
    DimensionOptions,
    area_label,
    code_from_label,
    first,
    headers_by_fold,
    period_text,
    pick_dimensions,
    replace_frame,
    table_id,
)
from veilcli.sources.formats.interface import InputFormat, Recognised
from veilcli.sources.messages import display_path
from veilcli.sources.table import RawTable

AREAS = ("Regio", "Regio's", "Regios", "Politieregio", "Politieregio's", "Gemeente", "Gemeenten")
CATEGORIES = ("Soort misdrijf", "Soort misdrijven", "Misdrijf", "Misdrijven")
PERIODS = ("Jaar", "Jaren", "Perioden", "Periode")
_COUNT = ("geregistreerdemisdrijven", "totaalgeregistreerdemisdrijven")
# CBS's own crime groups: a number without dots before the words ("1 Vermogensmisdrijven").
CBS_GROUP = r"^\s*\d+\s+\D"


def _count(header: str) -> bool:
    """Whether a measure is the registered count: ``geregistreerde misdrijven`` (or ``(aantal)``),
    not a rate, a share or the cleared-up crimes."""
    folded = " ".join(header.split()).casefold()
    unit = re.search(r"\(([^)]*)\)\s*$", folded)
    if unit and unit.group(1).strip() != "aantal":
        return False
    stem = normalise_header(re.sub(r"\([^)]*\)\s*$", "", folded))
    return stem.startswith(_COUNT) and "per" not in folded.split() and "%" not in folded


def _headers(table: RawTable) -> dict[str, str | None]:
    found = headers_by_fold(table)
    return {
        "area": first(found, *AREAS),
        "category": first(found, *CATEGORIES),
        "period": first(found, *PERIODS),
        "count": next((h for h in table.headers if _count(h)), None),
    }


class StatLineExport(InputFormat[DimensionOptions]):
    """An older StatLine crime export with labels (see the module docstring)."""

    name = SourceFormat.statline_export
    kind = Kind.counts
    title = "an older StatLine export of registered crime"
    options_type = DimensionOptions

    def recognise(self, table: RawTable) -> bool:
        h = _headers(table)
        category = h["category"]
        if not (h["area"] and category and h["period"] and h["count"]):
            return False
        sample = table.frame[category].drop_nulls().head(200)
        return bool(sample.str.contains(r"[A-Za-z]{3}").any())  # labels, not codes only

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        h = _headers(table)
        area, category, period, count = h["area"], h["category"], h["period"], h["count"]
        assert area and category and period and count
        where = display_path(table.path) + (f" (sheet {table.sheet!r})" if table.sheet else "")
        ours = {area, category, period, count}
        # Title and source lines: a first cell and nothing else.
        others = [c for c in table.headers if c != table.headers[0]]
        frame = table.frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in others))
        notes = []
        if frame.height < table.frame.height:
            notes.append(f"{table.frame.height - frame.height} title/source line(s) without figures skipped")
        # Columns of labels beyond ours are dimensions; the rest are measures left out.
        rest = [c for c in table.headers if c not in ours]
        sample = frame.select(rest).head(200)
        labels = (
            sample.select(pl.col(c).str.contains(r"[A-Za-z]{2}").any() for c in rest).row(0) if rest else ()
        )
        extra = {c: c for c, is_label in zip(rest, labels, strict=True) if is_label}
        measures = [c for c in rest if c not in extra]
        frame, picked = pick_dimensions(frame, extra, options, where)
        notes.extend(picked)
        if measures:
            notes.append(
                f"{len(measures)} measure(s) left out (not a registered count): "
                + ", ".join(repr(m) for m in measures)
            )
        cbs = frame[category].str.contains(CBS_GROUP)
        groups = frame.filter(cbs)[category].str.strip_chars().unique(maintain_order=True).to_list()
        if groups:
            shown = ", ".join(repr(g) for g in groups[:6]) + (" ..." if len(groups) > 6 else "")
            notes.append(
                f"{int(cbs.sum())} row(s) of CBS crime groups left out ({shown}): CBS's classification is "
                "not the police's soort misdrijf; its total 'Misdrijven, totaal' is read as 0.0.0"
            )
        frame = frame.filter(~cbs).with_columns(
            code_from_label(pl.col(category), nuisance=False).alias(category),
            period_text(pl.col(period)).alias(period),
            area_label(pl.col(area)).alias(area),
        )
        provisional = table.frame.select(pl.col(period).str.contains(r"\*").sum()).item()
        if provisional:
            notes.append(f"{provisional} row(s) of provisional years ('2011*'): read as the year")
        notes.append(
            f"categories from the labels in {category!r} ('Misdrijven, totaal' -> 0.0.0); "
            f"regions as written ('Flevoland (PO)': the police region of 1994-2012)"
        )
        identifier = table_id(table)
        if identifier:
            notes.append(f"table {identifier}")
        columns = {"period": period, "area": area, "category_code": category, "count": count}
        return Recognised(
            self.name, replace_frame(table, frame), Kind.counts, columns, notes, open_data_categories=True
        )

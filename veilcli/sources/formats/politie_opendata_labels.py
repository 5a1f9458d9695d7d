"""``politie-opendata-labels``: the StatLine "download as CSV" export with labels -> counts.

Categories, periods and areas are written as labels (``"1.2.3 Diefstal van brom-, snor-,
fietsen"``, ``"2019 januari"``, ``"Amsterdam"``): the code is taken from the label (or the label
looked up among the category titles), the provisional-figure star and ``(gemeente)`` dropped, and
the title and source lines without figures skipped; ``"Limburg (RE)"`` is the police unit. A
column that is neither ours nor a measure (``"... (aantal)"``), e.g. ``"Gebruik van geweld"``, is an
extra dimension: read at the value ``--dimension NAME=VALUE`` selects, else at its total, else
refused. A table whose category column holds codes only is a canonical counts file, not this format;
one that holds only the total (``"Totaal misdrijven"``) is this format. The per-woonplaats table
(47015NED, ``"Plaatsen"``) stores each place as an area of its own (``common.woonplaats_area``). A
measure named as a CBS topic path (``"Geregistreerde misdrijven/Totaal geregistreerde misdrijven
(aantal)"``) is a CBS table with CBS's own categories: the ``cbs-csv-counts`` format, not this one.
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import NUISANCE_TOTAL_CODE, NUISANCE_TOTAL_NAMES, TOTAL_CRIME_NAMES
from veilcli.domain.models import SourceFormat
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.common import (
    RATE_UNIT,
    WOONPLAATS_NOTE,
    DimensionOptions,
    area_label,
    code_from_label,
    first,
    headers_by_fold,
    period_text,
    pick_dimensions,
    replace_frame,
    woonplaats_area,
)
from veilcli.sources.formats.interface import InputFormat, Recognised
from veilcli.sources.messages import display_path
from veilcli.sources.table import RawTable

_CODE_LABEL = r"^\s*(\d+(?:\.\d+)+|[A-Z]\d+[A-Z]?)\s+\S"
_COUNT_PREFIXES = (
    "geregistreerdemisdrijven",
    "totaalgeregistreerdemisdrijven",
    "geregistreerdeoverlast",
    "registratiesoverlast",
)
# Measure columns name their unit in parentheses: "Geregistreerde misdrijven (aantal)".
_MEASURE = r"\([^)]*\)\s*$"
_WOONPLAATS = ("Plaatsen", "Woonplaatsen", "Woonplaats", "Plaats")
_TOTALS = frozenset((*TOTAL_CRIME_NAMES, *NUISANCE_TOTAL_NAMES, "totaal"))


def _headers(table: RawTable) -> tuple[dict[str, str], dict[str, str | None]]:
    """Folded header -> header as written, and the format's headers (None where missing)."""
    found = headers_by_fold(table)
    count = next(
        (
            h
            for fold, h in found.items()
            # not a CBS topic path, not a rate ("... per 1 000 inwoners (per 1 000 inwoners)")
            if fold.startswith(_COUNT_PREFIXES) and "/" not in h and not re.search(RATE_UNIT, h)
        ),
        None,
    )
    return found, {
        "period": found.get("perioden"),
        "area": first(found, "Wijken en buurten", "Regio's", "Regios", "Regio", "Gemeenten", *_WOONPLAATS),
        "category": first(found, "Soort misdrijf", "Overlast", "Soort overlast", "Soort registratie"),
        "count": count,
    }


class OpenDataLabels(InputFormat[DimensionOptions]):
    """A police open-data table downloaded as CSV with labels."""

    name = SourceFormat.politie_opendata_labels
    kind = Kind.counts
    title = "a police open-data table downloaded with labels"
    options_type = DimensionOptions

    def recognise(self, table: RawTable) -> bool:
        _, h = _headers(table)
        category = h["category"]
        if not (h["period"] and h["area"] and category and h["count"]):
            return False
        sample = table.frame[category].drop_nulls().head(200)
        totals = sample.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase().is_in(_TOTALS)
        # Labels with their code, or only the total; a column of bare codes is a canonical file.
        return sample.len() > 0 and bool(sample.str.contains(_CODE_LABEL).any() or totals.all())

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        found, h = _headers(table)
        period, area, category, count = h["period"], h["area"], h["category"], h["count"]
        assert period and area and category and count
        nuisance = "overlast" in normalise_header(category) or "overlast" in normalise_header(count)
        columns = {"period": period, "area": area, "category_code": category, "count": count}
        internet = next((h for f, h in found.items() if f.startswith("internetaangiften")), None)
        if internet:
            columns["internet_count"] = internet
        others = [h for h in table.headers if h != table.headers[0]]
        notes_rows = pl.all_horizontal(pl.col(h).is_null() for h in others) if others else pl.lit(False)
        frame = table.frame.filter(~notes_rows)
        notes = []
        if frame.height < table.frame.height:
            notes.append(f"{table.frame.height - frame.height} title/source line(s) without figures skipped")
        # Dimensions beyond ours (e.g. "Gebruik van geweld" in 83651NED): a column that is neither
        # ours nor a measure (a measure names its unit: "... (aantal)").
        known = {period, area, category, count, *columns.values()}
        extra = {
            h: h
            for h in table.headers
            if h not in known and h != table.headers[0] and not re.search(_MEASURE, h)
        }
        if table.headers[0] not in known and not re.search(_MEASURE, table.headers[0]):
            extra[table.headers[0]] = table.headers[0]
        frame, picked = pick_dimensions(frame, extra, options, display_path(table.path))
        notes.extend(picked)
        woonplaats = area == first(found, *_WOONPLAATS)
        frame = frame.with_columns(
            code_from_label(pl.col(category), nuisance).alias(category),
            period_text(pl.col(period)).alias(period),
            (woonplaats_area(pl.col(area)) if woonplaats else area_label(pl.col(area))).alias(area),
        )
        if woonplaats:
            notes.append(WOONPLAATS_NOTE)
        notes.append(
            f"category codes taken from the labels in {category!r} (e.g. '1.2.3 Diefstal ...' -> 1.2.3)"
        )
        if nuisance:
            notes.append(
                f"nuisance table: its total is stored as {NUISANCE_TOTAL_CODE}, never as crime 0.0.0"
            )
        return Recognised(
            self.name, replace_frame(table, frame), Kind.counts, columns, notes, open_data_categories=True
        )

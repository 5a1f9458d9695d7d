"""``politie-opendata-labels``: the StatLine "download as CSV" export with labels -> counts.

Categories, periods and areas are written as labels (``"1.2.3 Diefstal van brom-, snor-,
fietsen"``, ``"2019 januari"``, ``"Amsterdam"``): the code is taken from the label (or the label
looked up among the category titles), the provisional-figure star and ``(gemeente)`` dropped, and
the title and source lines without figures skipped. A table whose category column holds codes
only is a canonical counts file, not this format.
"""

from __future__ import annotations

import polars as pl

from veilcli.domain.classification import NUISANCE_TOTAL_CODE, TOTAL_CRIME_CODE, categories
from veilcli.domain.models import Kind, SourceFormat
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.common import first, headers_by_fold, nuisance_total, period_text, replace_frame
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.table import RawTable

_CODE_LABEL = r"^\s*(\d+(?:\.\d+)+|[A-Z]\d+[A-Z]?)\s+\S"
_COUNT_PREFIXES = ("geregistreerdemisdrijven", "geregistreerdeoverlast", "registratiesoverlast")


def _headers(table: RawTable) -> tuple[dict[str, str], dict[str, str | None]]:
    """Folded header -> header as written, and the format's headers (None where missing)."""
    found = headers_by_fold(table)
    count = next((header for fold, header in found.items() if fold.startswith(_COUNT_PREFIXES)), None)
    return found, {
        "period": found.get("perioden"),
        "area": first(found, "Wijken en buurten", "Regio's", "Regios", "Regio", "Gemeenten"),
        "category": first(found, "Soort misdrijf", "Overlast", "Soort overlast", "Soort registratie"),
        "count": count,
    }


class OpenDataLabels(InputFormat[FormatOptions]):
    """A police open-data table downloaded as CSV with labels."""

    name = SourceFormat.politie_opendata_labels
    kind = Kind.counts
    title = "a police open-data table downloaded with labels"
    options_type = FormatOptions

    def recognise(self, table: RawTable) -> bool:
        _, h = _headers(table)
        category = h["category"]
        if not (h["period"] and h["area"] and category and h["count"]):
            return False
        sample = table.frame[category].drop_nulls().head(200)
        return sample.len() > 0 and bool(sample.str.contains(_CODE_LABEL).any())  # else codes only

    def to_canonical(self, table: RawTable, options: FormatOptions) -> Recognised:
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
        frame = frame.with_columns(
            _code_from_label(pl.col(category), nuisance).alias(category),
            period_text(pl.col(period)).alias(period),
            pl.col(area).str.strip_chars().str.replace(r"(?i)\s*\(gemeente\)$", "").alias(area),
        )
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


def _code_from_label(label: pl.Expr, nuisance: bool) -> pl.Expr:
    """``"1.2.3 Diefstal ..."`` -> ``1.2.3``; a label without code through the category titles.

    A label that matches nothing is kept as written, so the validator reports it.
    """
    text = label.str.strip_chars()
    code = text.str.extract(r"^(\d+(?:\.\d+)+|[A-Z]\d+[A-Z]?)\s+\S", 1)
    titles = categories().select(pl.col("label").str.to_lowercase(), "code")
    by_title = dict(zip(titles["label"], titles["code"], strict=True))
    by_title["totaal registraties overlast"] = NUISANCE_TOTAL_CODE
    by_title["totaal overlast"] = NUISANCE_TOTAL_CODE
    if nuisance:
        by_title["totaal"] = NUISANCE_TOTAL_CODE
    else:
        by_title["totaal"] = TOTAL_CRIME_CODE
    titled = text.str.to_lowercase().replace_strict(by_title, default=None, return_dtype=pl.String)
    resolved = pl.coalesce(code, titled, text)
    if nuisance:
        return nuisance_total(resolved)
    return resolved

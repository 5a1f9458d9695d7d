"""``politie-opendata-odata``: a police open-data TypedDataSet (JSON or CSV) -> counts.

Recognised by ``Perioden``, ``SoortMisdrijf`` or ``Overlast``, ``RegioS`` or ``WijkenEnBuurten``
and a numbered ``GeregistreerdeMisdrijven_*`` / ``GeregistreerdeOverlast_*`` measure (the label
export has no numeric suffix). A nuisance table's total ``0.0.0`` is stored as
``NUISANCE_TOTAL_CODE``; a document with an ``odata.nextLink`` is said to be one page.
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.classification import NUISANCE_TOTAL_CODE
from veilcli.domain.models import Kind, SourceFormat
from veilcli.sources.formats.common import (
    headers_by_fold,
    nuisance_total,
    period_text,
    replace_frame,
    table_id,
)
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.table import RawTable


def _headers(table: RawTable) -> dict[str, str | None]:
    """The format's headers as written (None where the table lacks one)."""
    stems = headers_by_fold(table, stems=True)
    exact = headers_by_fold(table)
    return {
        "period": exact.get("perioden"),
        "area": exact.get("regios") or exact.get("wijkenenbuurten"),
        "crime": exact.get("soortmisdrijf"),
        "nuisance": exact.get("overlast"),
        "count": stems.get("geregistreerdemisdrijven") or stems.get("geregistreerdeoverlast"),
        "internet": stems.get("internetaangiften"),
    }


class OpenDataOData(InputFormat[FormatOptions]):
    """A police open-data OData TypedDataSet."""

    name = SourceFormat.politie_opendata_odata
    kind = Kind.counts
    title = "a police open-data TypedDataSet"
    options_type = FormatOptions

    def recognise(self, table: RawTable) -> bool:
        h = _headers(table)
        count = h["count"]
        # The TypedDataSet names its measures with a numeric suffix; the label export does not.
        return bool(
            h["period"]
            and h["area"]
            and (h["crime"] or h["nuisance"])
            and count
            and re.search(r"_\d+$", count)
        )

    def to_canonical(self, table: RawTable, options: FormatOptions) -> Recognised:
        h = _headers(table)
        period, area, crime, nuisance, count = h["period"], h["area"], h["crime"], h["nuisance"], h["count"]
        category = crime or nuisance
        assert period and area and category and count
        columns = {"period": period, "area": area, "category_code": category, "count": count}
        if h["internet"]:
            columns["internet_count"] = h["internet"]
        frame = table.frame.with_columns(period_text(pl.col(period)).alias(period))
        notes = []
        if nuisance and not crime:
            frame = frame.with_columns(nuisance_total(pl.col(category)).alias(category))
            notes.append(
                f"nuisance table: its total 0.0.0 (Totaal registraties overlast) is stored as "
                f"{NUISANCE_TOTAL_CODE}, never as the crime total 0.0.0"
            )
        if "odata.nextLink" in table.metadata:
            notes.append(
                "the OData document has an odata.nextLink: it is one page of a larger download, "
                "the rows after it are missing"
            )
        identifier = table_id(table)
        if identifier:
            notes.append(f"table {identifier}")
        return Recognised(
            self.name, replace_frame(table, frame), Kind.counts, columns, notes, open_data_categories=True
        )

"""``politie-opendata-odata``: a police open-data TypedDataSet (JSON or CSV) -> counts.

Recognised by ``Perioden``, ``SoortMisdrijf`` or ``Overlast``, ``RegioS`` or ``WijkenEnBuurten``
and a numbered ``GeregistreerdeMisdrijven_*`` / ``GeregistreerdeOverlast_*`` measure (the label
export has no numeric suffix), also CBS's ``TotaalGeregistreerdeMisdrijven_*`` (83648NED,
83651NED, whose own crime classification is read at its total ``T001161`` only). A dimension
beyond ours (a column without numeric suffix, e.g. ``GebruikVanGeweld``) is read at the value
``--dimension NAME=VALUE`` selects, else at its total, else refused (``common.pick_dimensions``).
A nuisance table's total ``0.0.0`` is stored as ``NUISANCE_TOTAL_CODE``; a document with an
``odata.nextLink`` is said to be one page.
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.classification import CBS_TOTAL_CRIME_KEY, NUISANCE_TOTAL_CODE, TOTAL_CRIME_CODE
from veilcli.domain.models import Kind, SourceFormat
from veilcli.sources.formats.common import (
    DimensionOptions,
    headers_by_fold,
    nuisance_total,
    period_text,
    pick_dimensions,
    replace_frame,
    table_id,
)
from veilcli.sources.formats.interface import InputFormat, Recognised
from veilcli.sources.messages import display_path
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
        "count": stems.get("geregistreerdemisdrijven")
        or stems.get("totaalgeregistreerdemisdrijven")
        or stems.get("geregistreerdeoverlast"),
        "internet": stems.get("internetaangiften"),
    }


class OpenDataOData(InputFormat[DimensionOptions]):
    """A police open-data OData TypedDataSet."""

    name = SourceFormat.politie_opendata_odata
    kind = Kind.counts
    title = "a police open-data TypedDataSet"
    options_type = DimensionOptions

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

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        h = _headers(table)
        period, area, crime, nuisance, count = h["period"], h["area"], h["crime"], h["nuisance"], h["count"]
        category = crime or nuisance
        assert period and area and category and count
        columns = {"period": period, "area": area, "category_code": category, "count": count}
        if h["internet"]:
            columns["internet_count"] = h["internet"]
        frame = table.frame.with_columns(period_text(pl.col(period)).alias(period))
        notes = []
        # Dimensions beyond ours (83651NED: GebruikVanGeweld): TypedDataSet dimensions have no
        # numeric suffix, measures do.
        ours = {period, area, category, nuisance, crime}
        extra = {
            h: h
            for h in table.headers
            if h not in ours and h.casefold() != "id" and not re.search(r"_\d+$", h)
        }
        frame, picked = pick_dimensions(frame, extra, options, display_path(table.path))
        notes.extend(picked)
        if crime:
            # CBS's own crime classification (83648NED, 83651NED: T001161, CRI1000, ...) is not the
            # police's "soort misdrijf": only its total (T001161 = Misdrijven, totaal) is read.
            key = pl.col(category).str.strip_chars()
            cbs = key.str.contains(r"^(CRI\d+|T00\d{4})$")
            cbs_rows = int(frame.select(cbs.sum()).item() or 0)
            if cbs_rows:
                others = frame.filter(cbs & (key != CBS_TOTAL_CRIME_KEY)).height
                frame = frame.filter(~cbs | (key == CBS_TOTAL_CRIME_KEY)).with_columns(
                    pl.when(key == CBS_TOTAL_CRIME_KEY)
                    .then(pl.lit(TOTAL_CRIME_CODE))
                    .otherwise(pl.col(category))
                    .alias(category)
                )
                notes.append(
                    f"CBS crime classification: its total {CBS_TOTAL_CRIME_KEY} (Misdrijven, totaal) read as "
                    f"{TOTAL_CRIME_CODE}; {others} row(s) of CBS categories (CRI...) left out: they are not "
                    "the police's soort misdrijf"
                )
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

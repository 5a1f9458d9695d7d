"""``politie-opendata-odata``: a police open-data TypedDataSet (JSON or CSV) -> counts.

Recognised by ``Perioden``, ``SoortMisdrijf`` or ``Overlast``, ``RegioS``, ``WijkenEnBuurten`` or
``Plaatsen`` (47015NED, per woonplaats) and a numbered ``GeregistreerdeMisdrijven_*`` /
``GeregistreerdeOverlast_*`` measure (the label export has no numeric suffix), also CBS's
``TotaalGeregistreerdeMisdrijven_*`` (83648NED, 83651NED, whose own crime classification is read at
its total only: ``T001161``, or ``0000000`` in the 2018 edition, whose categories are seven digits).
A woonplaats is stored as an area of its own (``common.woonplaats_area``), never as a municipality.
A table whose crime measures are rates only (``GeregistreerdeMisdrijvenPer1000Inw_3``) is refused
with that reason (``common.rates_only_error``). A dimension
beyond ours (a column without numeric suffix, e.g. ``GebruikVanGeweld``) is read at the value
``--dimension NAME=VALUE`` selects, else at its total, else refused (``common.pick_dimensions``).
A nuisance table's total ``0.0.0`` is stored as ``NUISANCE_TOTAL_CODE``; a document with an
``odata.nextLink`` is said to be one page.
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import NUISANCE_TOTAL_CODE, TOTAL_CRIME_CODE
from veilcli.domain.models import SourceFormat
from veilcli.sources.columns import normalise_header, strip_suffix
from veilcli.sources.formats.common import (
    CBS_CATEGORY_KEY,
    CBS_TOTAL_CRIME_KEYS,
    WOONPLAATS_NOTE,
    DimensionOptions,
    cbs_categories_note,
    headers_by_fold,
    nuisance_total,
    period_text,
    pick_dimensions,
    rates_only_error,
    replace_frame,
    table_id,
    woonplaats_area,
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
        "area": exact.get("regios") or exact.get("wijkenenbuurten") or _woonplaats(exact),
        "crime": exact.get("soortmisdrijf"),
        "nuisance": exact.get("overlast"),
        "count": stems.get("geregistreerdemisdrijven")
        or stems.get("totaalgeregistreerdemisdrijven")
        or stems.get("geregistreerdeoverlast"),
        "internet": stems.get("internetaangiften"),
    }


def _woonplaats(exact: dict[str, str]) -> str | None:
    """The woonplaats dimension (47015NED: ``Plaatsen``), if the table has one."""
    return exact.get("plaatsen") or exact.get("woonplaatsen") or exact.get("woonplaats")


def _rates(table: RawTable) -> list[str]:
    """Numbered crime measures that are rates (``GeregistreerdeMisdrijvenPer1000Inw_3``,
    ``GeregistreerdeMisdrijvenRelatief_2``), not counts."""
    return [
        h
        for h in table.headers
        if re.search(r"_\d+$", h)
        and ("misdrijven" in (fold := normalise_header(strip_suffix(h))) or "overlast" in fold)
        and ("per1000" in fold or "relatief" in fold)
    ]


class OpenDataOData(InputFormat[DimensionOptions]):
    """A police open-data OData TypedDataSet."""

    name = SourceFormat.politie_opendata_odata
    kind = Kind.counts
    title = "a police open-data TypedDataSet"
    options_type = DimensionOptions

    def recognise(self, table: RawTable) -> bool:
        h = _headers(table)
        count = h["count"]
        if not (h["period"] and h["area"] and (h["crime"] or h["nuisance"])):
            return False
        # The TypedDataSet names its measures with a numeric suffix; the label export does not. A
        # table of rates only is recognised too, to be refused with that reason.
        return bool(count and re.search(r"_\d+$", count)) or (count is None and bool(_rates(table)))

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        h = _headers(table)
        period, area, crime, nuisance, count = h["period"], h["area"], h["crime"], h["nuisance"], h["count"]
        category = crime or nuisance
        if count is None:
            raise rates_only_error(display_path(table.path), _rates(table))
        assert period and area and category
        columns = {"period": period, "area": area, "category_code": category, "count": count}
        if h["internet"]:
            columns["internet_count"] = h["internet"]
        frame = table.frame.with_columns(period_text(pl.col(period)).alias(period))
        notes = []
        if area == _woonplaats(headers_by_fold(table)):
            frame = frame.with_columns(woonplaats_area(pl.col(area)).alias(area))
            notes.append(WOONPLAATS_NOTE)
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
            # CBS's own crime classification (83648NED, 83651NED: T001161, CRI1000, ...; 0000000,
            # 1000000, 1010100, ... in the 2018 edition) is not the police's "soort misdrijf": only
            # its total is read, as the crime total.
            key = pl.col(category).str.strip_chars()
            cbs = key.str.contains(CBS_CATEGORY_KEY)
            total = key.is_in(CBS_TOTAL_CRIME_KEYS)
            cbs_rows = int(frame.select(cbs.sum()).item() or 0)
            if cbs_rows:
                left_out = frame.filter(cbs & ~total)
                keys = left_out.select(key.unique(maintain_order=True)).to_series().to_list()
                found = frame.filter(total).select(key).to_series()
                frame = frame.filter(~cbs | total).with_columns(
                    pl.when(total).then(pl.lit(TOTAL_CRIME_CODE)).otherwise(pl.col(category)).alias(category)
                )
                notes.append(
                    cbs_categories_note(
                        found[0] if found.len() else CBS_TOTAL_CRIME_KEYS[0], left_out.height, keys
                    )
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

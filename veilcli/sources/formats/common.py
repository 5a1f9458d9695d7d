"""Helpers several formats share: headers looked up by their folded form, the CBS table id, the
period and nuisance-total rewrites, and a table with a transformed frame."""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.classification import NUISANCE_TOTAL_CODE, TOTAL_CRIME_CODE
from veilcli.sources.columns import normalise_header, strip_suffix
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
    """Drop CBS's provisional-figure star (``2019*``) so the period parses."""
    return period.str.strip_chars().str.replace(r"\s*\*$", "")


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

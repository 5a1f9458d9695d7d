"""Recognise the real police and CBS file formats and map them onto the canonical columns.

A raw table (all text, personal columns already dropped by the reader) is recognised by its
headers, in this order (the first that fits wins; ``--map`` always means "canonical"):

- ``bvh-extract``: a BVH registration extract (33 columns; ``Incident Identificatie``,
  ``Incidentsoort code`` and ``Kennisnamedatum/tijd`` present) -> registrations.
- ``politie-opendata-odata``: a police open-data TypedDataSet (JSON or CSV): ``Perioden``,
  ``SoortMisdrijf`` or ``Overlast``, ``RegioS`` or ``WijkenEnBuurten`` and a
  ``GeregistreerdeMisdrijven_*`` / ``GeregistreerdeOverlast_*`` column -> counts.
- ``politie-opendata-labels``: the StatLine "download as CSV" export with labels
  (``"1.2.3 Diefstal van brom-, snor-, fietsen"``, ``"2019 januari"``, ``"Amsterdam"``) -> counts.
- ``cbs-kerncijfers``: CBS "Kerncijfers wijken en buurten" (``WijkenEnBuurten`` and
  ``AantalInwoners_*``) -> population.
- ``veilcli-canonical``: anything else, mapped through the header aliases (``veilcli schema``).

Every transformation is a polars expression over whole columns. Values are left as text: the
validator parses and checks them as for any other file, so findings keep their spreadsheet rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from veilcli.domain.classification import NUISANCE_TOTAL_CODE, TOTAL_CRIME_CODE, categories
from veilcli.domain.models import ColumnMap, FileReport, Kind
from veilcli.domain.resources import area_expr
from veilcli.errors import InputError, UsageError
from veilcli.sources.columns import normalise_header, strip_suffix
from veilcli.sources.parsing import integer_expr
from veilcli.sources.table import RawTable

BVH_EXTRACT = "bvh-extract"
OPEN_DATA_ODATA = "politie-opendata-odata"
OPEN_DATA_LABELS = "politie-opendata-labels"
CBS_KERNCIJFERS = "cbs-kerncijfers"
CANONICAL = "veilcli-canonical"

# CBS "Kerncijfers wijken en buurten": table id -> year (reference item 4 for 2017-2019; the
# other ids as CBS lists them in its catalogue).
KWB_TABLES: dict[str, int] = {
    "82339NED": 2013,
    "82931NED": 2014,
    "83220NED": 2015,
    "83487NED": 2016,
    "83765NED": 2017,
    "84286NED": 2018,
    "84583NED": 2019,
    "84799NED": 2020,
    "85039NED": 2021,
    "85318NED": 2022,
    "85618NED": 2023,
    "85984NED": 2024,
    "86165NED": 2025,
}

# Youths 12-24 are not in the KWB (its bands are 0-15, 15-25, 25-45 ...). When asked, they are
# estimated assuming ages are spread evenly within a band:
#   with the 0-15 band:    15-24 + 3/15 x (0-14)   (ages 12, 13, 14 are 3 of the 15 years 0-14)
#   without it:            15-24 x 13/10           (13 ages 12-24 from the 10 ages 15-24)
YOUTH_SHARE_OF_0_15 = 3 / 15
YOUTH_FACTOR_15_25 = 13 / 10

BVH_COLUMNS = {
    "registration_id": "Incident Identificatie",
    "event_id": "Bronregistratie",
    "category_code": "Incidentsoort code",
    "category_label": "Incidentsoort",
    "date": "Kennisnamedatum/tijd",
    "municipality": "Pleeggemeente",
    "district": "Pleegwijk",
    "neighbourhood": "Pleegbuurt",
    "attempt": "Poging",
}
_BVH_REQUIRED = ("Incident Identificatie", "Incidentsoort code", "Kennisnamedatum/tijd")

_CODE_LABEL = r"^\s*(\d+(?:\.\d+)+|[A-Z]\d+[A-Z]?)\s+\S"
ESTIMATED_FLAG_COLUMN = "youths 12-24 estimated"


@dataclass
class Recognised:
    """What a table was recognised as, and the table with its canonical columns derived."""

    name: str
    table: RawTable
    kind: Kind | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> column of ``table.frame``
    notes: list[str] = field(default_factory=list)
    open_data_categories: bool = False  # category codes must be open-data / nuisance codes

    @property
    def column_map(self) -> ColumnMap | None:
        """The recognised mapping as an explicit column map (None for canonical files)."""
        if self.name == CANONICAL:
            return None
        return ColumnMap(kind=self.kind, columns=self.columns)


def _headers_by_fold(table: RawTable, stems: bool = False) -> dict[str, str]:
    """Folded header (optionally without the ``_N`` suffix) -> header as written (first wins)."""
    out: dict[str, str] = {}
    for header in table.headers:
        out.setdefault(normalise_header(strip_suffix(header) if stems else header), header)
    return out


def _first(found: dict[str, str], *names: str) -> str | None:
    for name in names:
        header = found.get(normalise_header(name))
        if header is not None:
            return header
    return None


def recognise(
    table: RawTable,
    kind: Kind | None = None,
    column_map: ColumnMap | None = None,
    year: int | None = None,
    youth_from_15_25: bool = False,
) -> Recognised:
    """Recognise the format of a raw table; ``--map`` or a conflicting ``--kind`` mean canonical."""
    if column_map is not None and (column_map.columns or column_map.kind):
        return Recognised(CANONICAL, table)
    for wanted, recogniser in (
        (Kind.registrations, _bvh),
        (Kind.counts, _odata),
        (Kind.counts, _labels),
        (Kind.population, _kerncijfers),
    ):
        if kind is not None and kind is not wanted:
            continue
        found = recogniser(table, year, youth_from_15_25)
        if found is not None:
            return found
    notes = []
    if year is not None or youth_from_15_25:
        notes.append(
            "--year / --youth-from-15-25 ignored: they apply to CBS 'Kerncijfers wijken en buurten' only"
        )
    return Recognised(CANONICAL, table, notes=notes)


# --- BVH registration extract -------------------------------------------------------------


def _bvh(table: RawTable, year: int | None, youth: bool) -> Recognised | None:
    found = _headers_by_fold(table)
    if not all(normalise_header(h) in found for h in _BVH_REQUIRED):
        return None
    columns = {c: found[normalise_header(h)] for c, h in BVH_COLUMNS.items() if normalise_header(h) in found}
    notes = [
        "BVH extract: category_code keeps the BVH maatschappelijke-klasse code (A72...), "
        "mapped onto the open-data categories by schemas/classification/bvh.csv",
    ]
    # The standard extract has no reporting channel; some police units add one on request.
    channel = _first(found, "Wijze van aangifte", "Aangiftekanaal", "Wijze aangifte")
    if channel:
        columns["channel"] = channel
    else:
        notes.append(
            "no reporting-channel column in a BVH extract: channel left empty (no internet correction "
            "from these rows)"
        )
    return Recognised(BVH_EXTRACT, table, Kind.registrations, columns, notes)


# --- police open data: OData TypedDataSet ------------------------------------------------


def _odata(table: RawTable, year: int | None, youth: bool) -> Recognised | None:
    stems = _headers_by_fold(table, stems=True)
    exact = _headers_by_fold(table)
    period = exact.get("perioden")
    area = exact.get("regios") or exact.get("wijkenenbuurten")
    crime, nuisance = exact.get("soortmisdrijf"), exact.get("overlast")
    count = stems.get("geregistreerdemisdrijven") or stems.get("geregistreerdeoverlast")
    # The TypedDataSet names its measures with a numeric suffix; the label export does not.
    if not (period and area and (crime or nuisance) and count and re.search(r"_\d+$", count)):
        return None
    category = crime or nuisance
    assert category is not None
    columns = {"period": period, "area": area, "category_code": category, "count": count}
    internet = stems.get("internetaangiften")
    if internet:
        columns["internet_count"] = internet
    frame = table.frame.with_columns(_period_text(pl.col(period)).alias(period))
    notes = []
    if nuisance and not crime:
        frame = frame.with_columns(_nuisance_total(pl.col(category)).alias(category))
        notes.append(
            f"nuisance table: its total 0.0.0 (Totaal registraties overlast) is stored as "
            f"{NUISANCE_TOTAL_CODE}, never as the crime total 0.0.0"
        )
    if "odata.nextLink" in table.metadata:
        notes.append(
            "the OData document has an odata.nextLink: it is one page of a larger download, "
            "the rows after it are missing"
        )
    table_id = _table_id(table)
    if table_id:
        notes.append(f"table {table_id}")
    return Recognised(OPEN_DATA_ODATA, _replace(table, frame), Kind.counts, columns, notes, True)


def _period_text(period: pl.Expr) -> pl.Expr:
    """Drop CBS's provisional-figure star (``2019*``) so the period parses."""
    return period.str.strip_chars().str.replace(r"\s*\*$", "")


def _nuisance_total(code: pl.Expr) -> pl.Expr:
    stripped = code.str.strip_chars()
    return pl.when(stripped == TOTAL_CRIME_CODE).then(pl.lit(NUISANCE_TOTAL_CODE)).otherwise(code)


def _replace(table: RawTable, frame: pl.DataFrame) -> RawTable:
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


def _table_id(table: RawTable) -> str | None:
    """The CBS/police table id (``84583NED``) from the OData metadata or the file name."""
    for text in (table.metadata.get("odata.metadata", ""), table.path.name):
        match = re.search(r"(\d{5}NED)", text, flags=re.IGNORECASE)
        if match:
            return match.group(1).upper()
    return None


# --- police open data: "download as CSV" with labels ---------------------------------------


def _labels(table: RawTable, year: int | None, youth: bool) -> Recognised | None:
    found = _headers_by_fold(table)
    period = found.get("perioden")
    area = _first(found, "Wijken en buurten", "Regio's", "Regios", "Regio", "Gemeenten")
    category = _first(found, "Soort misdrijf", "Overlast", "Soort overlast", "Soort registratie")
    count = next(
        (
            header
            for fold, header in found.items()
            if fold.startswith(("geregistreerdemisdrijven", "geregistreerdeoverlast", "registratiesoverlast"))
        ),
        None,
    )
    if not (period and area and category and count):
        return None
    sample = table.frame[category].drop_nulls().head(200)
    if sample.len() == 0 or not sample.str.contains(_CODE_LABEL).any():
        return None  # codes only: a canonical counts file
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
        _period_text(pl.col(period)).alias(period),
        pl.col(area).str.strip_chars().str.replace(r"(?i)\s*\(gemeente\)$", "").alias(area),
    )
    notes.append(f"category codes taken from the labels in {category!r} (e.g. '1.2.3 Diefstal ...' -> 1.2.3)")
    if nuisance:
        notes.append(f"nuisance table: its total is stored as {NUISANCE_TOTAL_CODE}, never as crime 0.0.0")
    return Recognised(OPEN_DATA_LABELS, _replace(table, frame), Kind.counts, columns, notes, True)


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
        return _nuisance_total(resolved)
    return resolved


# --- CBS Kerncijfers wijken en buurten -------------------------------------------------------


def _kerncijfers(table: RawTable, year: int | None, youth: bool) -> Recognised | None:
    stems = _headers_by_fold(table, stems=True)
    area = stems.get("wijkenenbuurten") or stems.get("regios")
    inhabitants = stems.get("aantalinwoners")
    if not (area and inhabitants and re.search(r"_\d+$", inhabitants)):
        return None
    file_year, source = _kwb_year(table, stems.get("perioden"))
    if year is not None and file_year is not None and year != file_year:
        raise UsageError(
            f"{table.path}: --year {year}, but the file is for {file_year} ({source}).",
            hint="leave --year out, or check that this is the table you meant.",
        )
    if year is None and file_year is None:
        raise InputError(
            f"{table.path}: a CBS 'Kerncijfers wijken en buurten' table, but its year cannot be told "
            "(no table id such as 84583NED in the file name or the OData metadata, no period column).",
            hint="pass --year YYYY (the population on 1 January of that year).",
        )
    chosen = year if year is not None else file_year
    assert chosen is not None
    source = source if file_year is not None else "--year"
    year_column = f"year ({source})"
    municipality = stems.get("gemeentenaam")
    code = pl.col(area).str.strip_chars()
    named = area_expr(code)
    if municipality:
        # A municipality code missing from areas.csv takes the table's own municipality name.
        own = area_expr(pl.col(municipality))
        named = pl.when(code.str.starts_with("GM") & (named == code)).then(own).otherwise(named)
    frame = table.frame.with_columns(pl.lit(str(chosen)).alias(year_column), named.alias(area))
    columns = {"year": year_column, "area": area, "inhabitants": inhabitants}
    dwellings = stems.get("woningvoorraad")
    if dwellings:
        columns["dwellings"] = dwellings
    notes = [f"population on 1 January {chosen} (year from {source})"]
    unnamed = frame.filter(pl.col(area).str.contains(r"^(WK|BU)\d+$"))
    if unnamed.height:
        notes.append(
            f"{unnamed.height} district/neighbourhood row(s) kept under their CBS code (WK.../BU...): "
            "this table has no district names. Registrations name districts (Wijk/Pleegwijk) in words, "
            "so district rates need the code -> name lines in schemas/areas.csv"
        )
    youth_15_25, youth_0_15 = stems.get("k15tot25jaar"), stems.get("k0tot15jaar")
    if youth:
        if not youth_15_25:
            raise InputError(
                f"{table.path}: --youth-from-15-25 needs the k_15Tot25Jaar column, which this table lacks."
            )
        estimate_column = f"youths 12-24 (estimate from {youth_15_25}"
        band = integer_expr(pl.col(youth_15_25).str.strip_chars()).cast(pl.Float64)
        if youth_0_15:
            estimate = band + integer_expr(pl.col(youth_0_15).str.strip_chars()) * YOUTH_SHARE_OF_0_15
            estimate_column += f" + 3/15 x {youth_0_15})"
            how = "15-24 + 3/15 x (0-14)"
        else:
            estimate = band * YOUTH_FACTOR_15_25
            estimate_column += " x 13/10)"
            how = "15-24 x 13/10"
        estimated = estimate.round(0).cast(pl.Int64)
        frame = frame.with_columns(
            estimated.cast(pl.String).alias(estimate_column),
            pl.when(estimated.is_not_null()).then(pl.lit("J")).alias(ESTIMATED_FLAG_COLUMN),
        )
        columns["youths_12_24"] = estimate_column
        columns["youths_12_24_estimated"] = ESTIMATED_FLAG_COLUMN
        notes.append(
            f"youths 12-24 ESTIMATED as {how} (ages assumed evenly spread within a CBS age band); "
            "stored with youths_12_24_estimated = true"
        )
    else:
        notes.append(
            "youths 12-24 are not in this table: ingest them from a population file with a "
            "'Jongeren 12-24' column, or pass --youth-from-15-25 to estimate them"
        )
    return Recognised(CBS_KERNCIJFERS, _replace(table, frame), Kind.population, columns, notes)


def _kwb_year(table: RawTable, period: str | None) -> tuple[int | None, str]:
    """The year of a KWB table from its id (metadata or file name) or a period column."""
    table_id = _table_id(table)
    if table_id in KWB_TABLES:
        return KWB_TABLES[table_id], f"table {table_id}"
    if period is not None:
        years = table.frame[period].str.strip_chars().str.extract(r"^(\d{4})", 1).drop_nulls().unique()
        if years.len() == 1:
            return int(years[0]), f"column {period}"
        if years.len() > 1:
            raise InputError(
                f"{table.path}: the period column {period!r} holds several years "
                f"({', '.join(sorted(years))}).",
                hint="split the file per year.",
            )
    match = re.search(r"kwb[-_ ]?(\d{4})", table.path.name, flags=re.IGNORECASE)
    if match:
        return int(match.group(1)), f"file name {table.path.name}"
    return None, ""


def _listed(values: list[str], total: int | None = None, limit: int = 12) -> str:
    total = len(values) if total is None else total
    shown = ", ".join(values[:limit])
    return shown + (f" (+{total - min(limit, len(values))} more)" if total > limit else "")


def recognition_lines(report: FileReport, with_columns: bool = True) -> list[str]:
    """Plain-text lines saying what a file was recognised as (format, mapping, periods, areas, notes)."""
    lines = [
        f"recognised as {report.source_format or CANONICAL} -> {report.kind or '?'} "
        f"({'detected' if report.kind_detected else 'given'})"
    ]
    if with_columns and report.columns:
        lines.append("columns: " + ", ".join(f"{c} <- {h!r}" for c, h in report.columns.items()))
    if report.periods:
        lines.append(f"periods: {_listed(report.periods)}")
    if report.areas:
        lines.append(f"areas ({report.area_count}): {_listed(report.areas, report.area_count)}")
    lines.extend(f"note: {note}" for note in report.notes)
    return lines

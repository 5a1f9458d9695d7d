"""``veilcli-canonical``: any other table, its columns found through the header aliases of its kind
(``veilcli schema``) or named by a ``--map`` file. Its options are ``--kind``, ``--map`` and
``--year``: the kind given, else the one its headers fit best.

As strict as the recognised formats (issue 20), whatever the path:

- **Values for every row**: a ``--map`` may give a column the file lacks one value
  (``area = { value = "Nederland" }``, ``year = { value = 2024 }``), and ``--year`` is the year of
  a population table without a year column. Each becomes a column of its own, named after its
  value (``"2024 (--year)"``), which the validator reads like any other.
- **Categories through the classification** (``sources/categories.py``): codes, ``"1.2.3 Diefstal
  ..."``, category titles, totals' names and BVH labels become codes; what the classification does
  not know stays as written, so the validator reports it and it is never stored as a code.
- **A header decided from its values**: ``"Soort misdrijf"`` holds codes in one export and labels in
  another, ``"Categorie"`` holds a counts table's categories. Without a ``--map`` naming it, the
  category column is the category-like header (``Categorie``, ``Soort misdrijf``, ``Delict``...)
  whose values the classification resolves best (at least half of its distinct values), where the
  header its aliases name resolves under half of them or there is none; the values it does not
  know are findings. A column of labels is also the label (registrations).
- **Statistical tables** (counts, population, survey) as the recognised formats read them: CBS's
  negative sentinels (``-99999999`` secret, ``-99999997`` not applicable, ``-99997``) are unknown,
  title and source lines with nothing beside their first cell are skipped, a population row with
  no known figure is skipped, and region labels (``"Limburg (RE)"``, ``"Almere (gemeente)"``) read
  as the areas they name. Each is said in the notes, with how many rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import NUISANCE_TOTAL_CODE, TOTAL_CRIME_CODE
from veilcli.domain.kinds import facts
from veilcli.domain.models import ColumnMap, SourceFormat
from veilcli.domain.units import POPULATION_COLUMNS
from veilcli.errors import InputError
from veilcli.sources.categories import (
    BVH_LABEL,
    CODE_LABEL,
    LABEL,
    OWN,
    WORDED,
    resolve_categories,
    resolved_share,
)
from veilcli.sources.columns import ColumnType, column_specs, detect_kind, match_columns, normalise_header
from veilcli.sources.formats.common import area_label, replace_frame
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.messages import cut, display_path
from veilcli.sources.parsing import year_expr
from veilcli.sources.table import RawTable

# CBS's negative sentinels for a figure that is secret or does not apply (reference: Kerncijfers
# and the wijk- en buurtkaart): -99999999, -99999997, -99997, -99995 ...
CBS_SENTINEL = r"^\s*-9999\d+\s*$"
# Headers that may hold categories (folded), beyond the aliases of category_code and category_label.
CATEGORY_HEADERS = frozenset(
    normalise_header(h)
    for h in (
        "Categorie",
        "Soort",
        "Soort misdrijf",
        "Misdrijf",
        "Misdrijfsoort",
        "Delict",
        "Delictsoort",
        "Soort delict",
        "Feit",
        "Incidentsoort",
        "Soort incident",
        "Soort registratie",
        "Overlast",
        "Soort overlast",
        "Omschrijving",
        "Type",
    )
)
DECIDE_SHARE = 0.5  # of a category-like header's distinct values the classification must resolve
KEEP_SHARE = 0.5  # of the header its aliases name, below which another header may be taken
MAX_DISTINCT_PROBED = 5000  # a column with more distinct values holds no categories


@dataclass(frozen=True)
class CanonicalOptions(FormatOptions):
    """How to read a canonical table: its kind (``--kind``), explicit headers and values for every
    row (``--map``), and the year of a population table without a year column (``--year``)."""

    kind: Kind | None = None
    column_map: ColumnMap | None = None
    year: int | None = None


class Canonical(InputFormat[CanonicalOptions]):
    """A table in veilcli's own columns (any header alias), or named by ``--map``."""

    name = SourceFormat.veilcli_canonical
    kind = None
    title = "a table of veilcli's columns"
    options_type = CanonicalOptions

    def recognise(self, table: RawTable) -> bool:
        return True  # the format of every table no other format recognises

    def to_canonical(self, table: RawTable, options: CanonicalOptions) -> Recognised:
        column_map = options.column_map
        given = dict(column_map.columns) if column_map else {}
        notes: list[str] = []
        table, constants = _with_values(table, column_map.value_texts() if column_map else {}, "--map value")
        explicit = {**given, **constants}
        decided = {} if "category_code" in given else _category_by_values(table, explicit)
        with_year, year = _year_column(table, options, explicit)
        kind, detected = resolve_kind(with_year, options.kind, column_map, {**explicit, **decided, **year})
        names = {s.name for s in column_specs(kind)}
        if year and "year" in names:  # --year stands for the year column the file lacks
            table = with_year
            explicit.update(year)
            notes.append(f"year {options.year} for every row (--year): the file has no year column")
        explicit.update({c: h for c, h in decided.items() if c in names})
        found = match_columns(table.headers, kind, explicit)
        order = [s.name for s in column_specs(kind)]  # the contract's order, then what the map adds
        columns = {
            c: found[c] for c in sorted(found, key=lambda c: order.index(c) if c in order else len(order))
        }
        if options.year is not None and not year and "year" in columns and "year" in names:
            _check_year(table, columns["year"], options.year)
            notes.append(f"--year {options.year} agrees with the column {cut(columns['year'])!r}")
        if "category_code" in decided and "category_code" in names:
            by_alias = match_columns(table.headers, kind).get("category_code")
            if by_alias != columns.get("category_code"):
                notes.append(
                    f"the category column is {cut(columns['category_code'])!r}: its values are categories"
                )
        table = _categories(table, kind, columns, notes)
        if facts(kind).statistical:
            table = _statistical(table, kind, columns, notes)
        return Recognised(
            self.name, table, kind, columns, notes, kind_detected=detected, column_map=column_map
        )


def resolve_kind(
    table: RawTable, kind: Kind | None, column_map: ColumnMap | None, explicit: dict[str, str] | None = None
) -> tuple[Kind, bool]:
    """The given kind, else the one detected from the headers (and ``explicit``: columns a ``--map``
    names or gives values, and those decided from the values); raises when it is unclear."""
    given = kind or (column_map.kind if column_map else None)
    if given is not None:
        return given, False
    if explicit is None:
        explicit = dict(column_map.columns) if column_map else {}
    candidates = detect_kind(table.headers, explicit)
    if not candidates:
        where = f" (sheet {table.sheet!r})" if table.sheet else ""
        shown = ", ".join(repr(cut(h)) for h in table.headers[:12])
        raise InputError(
            f"{table.path}{where}: cannot tell which kind of data this is from its columns ({shown}).",
            hint="pass --kind registrations|suspects|counts|population, and --map FILE if "
            "the headers are unusual (`veilcli schema` lists the accepted headers).",
        )
    return candidates[0], True


def _with_values(table: RawTable, values: dict[str, str], source: str) -> tuple[RawTable, dict[str, str]]:
    """The table with a column for each value given for every row (``"Nederland (--map value)"``),
    and canonical column -> that column."""
    if not values:
        return table, {}
    named: dict[str, str] = {}
    for column, value in values.items():
        name = f"{value} ({source})"
        while name in table.headers or name in named.values():
            name += " "
        named[column] = name
    frame = table.frame.with_columns(pl.lit(values[c], dtype=pl.String).alias(n) for c, n in named.items())
    return replace_frame(table, frame), named


def _year_column(
    table: RawTable, options: CanonicalOptions, explicit: dict[str, str]
) -> tuple[RawTable, dict[str, str]]:
    """The table with a column for ``--year`` and ``{"year": that column}``, where ``--year`` stands
    for a year column the file lacks (the kind is then told with it); else the table as it is and {}."""
    if options.year is None or "year" in explicit:
        return table, {}
    with_year = [k for k in Kind if "year" in {s.name for s in column_specs(k)}]
    if any("year" in match_columns(table.headers, k) for k in with_year):
        return table, {}
    return _with_values(table, {"year": str(options.year)}, "--year")


def _check_year(table: RawTable, header: str, year: int) -> None:
    """``--year`` with a year column: the column must hold that year only."""
    years = table.frame.select(year_expr(pl.col(header).str.strip_chars()).drop_nulls().unique().sort())
    found = [int(y) for y in years.to_series().to_list()]
    if found and found != [year]:
        shown = ", ".join(map(str, found[:8])) + (" ..." if len(found) > 8 else "")
        raise InputError(
            f"{display_path(table.path)}: --year {year}, but its column {cut(header)!r} holds {shown}.",
            hint="leave --year out (the column gives each row's year), or check the file.",
        )


# --- categories -----------------------------------------------------------------------------------


def _category_candidates(table: RawTable) -> list[str]:
    """Headers that may hold categories: the aliases of category_code and category_label of every
    kind, and ``CATEGORY_HEADERS``, in the table's order."""
    aliases = {
        normalise_header(a)
        for kind in Kind
        for spec in column_specs(kind)
        if spec.name in ("category_code", "category_label")
        for a in spec.aliases
    }
    return [h for h in table.headers if normalise_header(h) in aliases | CATEGORY_HEADERS]


def _probe(table: RawTable, header: str) -> pl.DataFrame | None:
    """How the classification resolves a column's distinct values (the codes of any kind); None for
    a column of too many distinct values to hold categories."""
    if table.frame.schema[header] != pl.String:
        return None
    distinct = table.distinct(header)  # counted and resolved once (null counts as a value, as n_unique)
    if distinct.len() > MAX_DISTINCT_PROBED:
        return None
    return resolve_categories(distinct, None)


def _category_by_values(table: RawTable, explicit: dict[str, str]) -> dict[str, str]:
    """The category column decided from the values, where the header its aliases name does not hold
    categories (or there is none): ``{"category_code": header}``, with ``category_label`` the same
    header when its values are labels (the code is derived, the label kept)."""
    candidates = [h for h in _category_candidates(table) if h not in explicit.values()]
    if not candidates:
        return {}
    named = [match_columns(table.headers, k).get("category_code") for k in (Kind.registrations, Kind.counts)]
    alias = next((h for h in named if h is not None), None)
    best: tuple[float, str, pl.DataFrame] | None = None
    if alias is not None and alias not in explicit.values():
        probed = _probe(table, alias)
        if probed is None:
            return {}
        if resolved_share(probed) >= KEEP_SHARE:
            best = (1.0, alias, probed)  # the header its aliases name holds categories: for every kind
    for header in candidates if best is None else []:
        probed = _probe(table, header)
        if header == alias or probed is None or probed.height == 0:
            continue
        share = resolved_share(probed)
        if share >= DECIDE_SHARE and (best is None or share > best[0]):
            best = (share, header, probed)
    if best is None:
        return {}
    _, header, probed = best
    decided = {"category_code": header}
    worded = probed.filter(pl.col("how").is_in(WORDED)).height
    if worded * 2 > probed.height:  # labels: keep them as the label, derive the code
        decided["category_label"] = header
    return decided


def _categories(table: RawTable, kind: Kind, columns: dict[str, str], notes: list[str]) -> RawTable:
    """Notes on how the category column's values read (its parser resolves them:
    ``categories.category_parse``); in a nuisance table its ``0.0.0`` is the nuisance total."""
    header = columns.get("category_code")
    if header is None or "category_code" not in {s.name for s in column_specs(kind)}:
        return table
    resolution = resolve_categories(table.distinct(header), kind)  # the same as of every row
    worded = resolution.filter(pl.col("how").is_in(WORDED))
    if worded.height:
        how = {
            CODE_LABEL: "codes taken from the labels",
            LABEL: "labels looked up among the category titles",
            BVH_LABEL: "BVH labels looked up in the BVH list",
        }
        kinds = [how[h] for h in WORDED if h in set(worded["how"].to_list())]
        notes.append(f"categories in {cut(header)!r}: {', '.join(kinds)}")
    own = resolution.filter(pl.col("how") == OWN)["text"].to_list()
    if own:
        shown = ", ".join(repr(cut(v)) for v in own[:8]) + (
            f" (+{len(own) - 8} more)" if len(own) > 8 else ""
        )
        notes.append(
            f"categories the police classification does not have, kept as this table's own (a plan's "
            f"counts indicator names them): {shown}"
        )
    nuisance = any("overlast" in normalise_header(h) for h in (header, columns.get("count") or ""))
    if not (nuisance and kind is Kind.counts):
        return table
    total = pl.col(header).str.strip_chars().str.contains(rf"^{re.escape(TOTAL_CRIME_CODE)}(?:\s|$)")
    if not table.frame.select(total.any()).item():
        return table
    notes.append(
        f"nuisance table: its total 0.0.0 is stored as {NUISANCE_TOTAL_CODE}, never as the crime total"
    )
    frame = table.frame.with_columns(
        pl.when(total).then(pl.lit(NUISANCE_TOTAL_CODE)).otherwise(pl.col(header)).alias(header)
    )
    return replace_frame(table, frame)


# --- statistical tables ---------------------------------------------------------------------------


def _statistical(table: RawTable, kind: Kind, columns: dict[str, str], notes: list[str]) -> RawTable:
    """Sentinels as unknown, title and source lines skipped, rows without a figure skipped, region
    labels read (see the module docstring)."""
    frame = table.frame
    numbers = [
        columns[s.name]
        for s in column_specs(kind)
        if s.name in columns and s.type is ColumnType.integer and frame.schema[columns[s.name]] == pl.String
    ]
    found = 0
    if numbers:
        marked = pl.sum_horizontal(pl.col(h).str.contains(CBS_SENTINEL).sum() for h in numbers)
        found = int(frame.select(marked).item())
    if found:
        frame = frame.with_columns(
            pl.when(pl.col(h).str.contains(CBS_SENTINEL)).then(None).otherwise(pl.col(h)).alias(h)
            for h in numbers
        )
        notes.append(
            f"{found} CBS sentinel value(s) (-99999999: secret, -99999997: not applicable) read as unknown"
        )
    frame, skipped = _without_note_lines(frame, table.headers, list(dict.fromkeys(columns.values())))
    if skipped:
        notes.append(f"{skipped} title/source line(s) with nothing beside their first cell skipped")
    if kind is Kind.population:
        figures = [
            columns[c] for c in POPULATION_COLUMNS if c in columns and frame.schema[columns[c]] == pl.String
        ]
        if figures:
            empty = pl.all_horizontal(
                # empty, or a mark for a figure not given (".", "x": as the validator's SUPPRESSED_MARKS)
                pl.col(h).is_null() | pl.col(h).str.contains(r"^\s*(?:[.xX])?\s*$")
                for h in figures
            )
            without = int(frame.select(empty.sum()).item())
            if without:
                frame = frame.filter(~empty)
                notes.append(
                    f"{without} row(s) with no known figure skipped (an area without figures that year)"
                )
    area = columns.get("area")
    if area is not None and frame.schema[area] == pl.String:
        # once per distinct name (a table repeats a few hundred areas over many rows)
        names = frame.select(pl.col(area).unique()).with_columns(area_label(pl.col(area)).alias("label"))
        labelled = names.filter(pl.col(area).str.strip_chars().ne_missing(pl.col("label")))
        if labelled.height:
            relabel = pl.col(area).replace(labelled[area], labelled["label"])
            frame = frame.with_columns(relabel.alias(area))
            notes.append(
                f"region labels in {cut(area)!r} read as the areas they name "
                "('Limburg (RE)' -> Eenheid Limburg)"
            )
    return table if frame is table.frame else replace_frame(table, frame)


# Lines of notes under a table: a source, a copyright, the explanation of the symbols.
_NOTE_LINE = r"(?i)^\s*(?:bron\b|source\b|©|\(c\)|copyright|toelichting|noot\b|verklaring|centraal bureau)"


def _without_note_lines(
    frame: pl.DataFrame, headers: list[str], mapped: list[str]
) -> tuple[pl.DataFrame, int]:
    """The rows without the lines of notes in the table's first column (nothing beside them): a
    line that starts like one (``"Bron: Politie"``, ``"© CBS"``) anywhere, and the block of such
    lines at the end of the table (a footer). A data row with values missing is no note: the
    validator reports it."""
    first = headers[0] if headers else None
    others = [h for h in mapped if h != first and frame.schema[h] == pl.String]
    if first is None or not others or frame.schema[first] != pl.String or frame.height == 0:
        return frame, 0
    # Cheap first: a value that starts with a non-space character is no blank (most cells of data).
    maybe_blank = pl.all_horizontal(
        pl.col(h).is_null() | (pl.col(h).str.len_bytes() == 0) | pl.col(h).str.contains(r"^\s")
        for h in others
    )
    if not frame.select(maybe_blank.any()).item():
        return frame, 0
    alone = maybe_blank & pl.col(first).str.contains(r"\S").fill_null(False)
    alone = alone & pl.all_horizontal(pl.col(h).is_null() | pl.col(h).str.contains(r"^\s*$") for h in others)
    # a row belongs to the footer when it and every row after it stands alone
    footer = alone.cast(pl.Int32).reverse().cum_min().reverse().cast(pl.Boolean)
    note = alone & (pl.col(first).str.contains(_NOTE_LINE) | footer)
    skipped = int(frame.select(note.sum()).item())
    return (frame.filter(~note), skipped) if skipped else (frame, 0)

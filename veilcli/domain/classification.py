"""The police classification: canonical categories and the BVH codes that map onto them.

Data files (see ``schemas/classification/README.md``):

- ``categories.csv``: one row per canonical category (open-data "soort misdrijf" codes,
  the total ``0.0.0`` and the nuisance codes).
- ``bvh.csv``: every BVH *maatschappelijke klasse* code with the category it counts in
  (empty when the police open data counts it in no category).

Codes are always strings: ``1.2.3`` must never become a date or a number. The two totals are
named here: ``TOTAL_CRIME_CODE`` (``0.0.0``) and ``NUISANCE_TOTAL_CODE``, under which the nuisance
tables' own ``0.0.0`` is stored.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TypeVar

import polars as pl

from veilcli.files.shipped import schemas_dir

__all__ = [
    "CBS_TOTAL_CRIME_KEY",
    "NUISANCE_TOTAL_CODE",
    "NUISANCE_TOTAL_NAMES",
    "TOTAL_CRIME_CODE",
    "TOTAL_CRIME_NAMES",
    "bvh_map",
    "categories",
    "classification_dir",
    "crime_codes",
    "normalise_code",
    "nuisance_codes",
    "open_data_codes",
    "to_category",
]

CATEGORIES_FILE = "categories.csv"
BVH_FILE = "bvh.csv"

CATEGORY_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "label": pl.String(),
    "kind": pl.String(),
    "source": pl.String(),
}
BVH_SCHEMA: dict[str, pl.DataType] = {
    "bvh_code": pl.String(),
    "bvh_label": pl.String(),
    "category_code": pl.String(),
    "is_crime": pl.String(),
    "source": pl.String(),
    "inp_level3_code": pl.String(),
    "note": pl.String(),
}

# The total of all crimes in the police open data ("Totaal misdrijven").
TOTAL_CRIME_CODE = "0.0.0"
# The nuisance tables number their total "0.0.0" (Totaal registraties overlast), the same string
# as the crime total. It is stored under this code so it can never be added to or read as crime.
NUISANCE_TOTAL_CODE = "OVERLAST-TOTAAL"
# The crime total as the police and CBS tables name it (folded: lower case, single spaces): the
# police open data's "Totaal misdrijven", CBS StatLine's "Misdrijven, totaal" (83648NED, 83651NED)
# and the measure "Totaal geregistreerde misdrijven"; CBS's key for it in ``SoortMisdrijf``.
TOTAL_CRIME_NAMES = (
    "totaal misdrijven",
    "misdrijven, totaal",
    "misdrijven totaal",
    "totaal geregistreerde misdrijven",
    "geregistreerde misdrijven, totaal",
)
CBS_TOTAL_CRIME_KEY = "T001161"
# The nuisance total as the nuisance tables name it (folded).
NUISANCE_TOTAL_NAMES = ("totaal registraties overlast", "totaal overlast", "overlast, totaal")

KIND_CRIME = "crime"
KIND_NUISANCE = "nuisance"
KIND_TOTAL = "total"
SYSTEM_OPEN_DATA = "open_data"
SYSTEM_BVH = "bvh"

OUTPUT_COLUMNS = ("category", "category_kind", "source_code_system")
_KEY = "__veilcli_category_key"

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


def classification_dir() -> Path:
    """Return the directory holding the classification CSVs (shipped in ``schemas/``)."""
    return schemas_dir() / "classification"


def _read(name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Read one classification CSV with an explicit all-String schema."""
    return pl.read_csv(
        classification_dir() / name,
        schema=schema,
        try_parse_dates=False,
        empty_string_is_null=True,
        encoding="utf8",
    )


@functools.cache
def categories() -> pl.DataFrame:
    """Canonical categories: ``code``, ``label``, ``kind``, ``source``.

    ``kind`` is ``crime``, ``nuisance`` or ``total``. Cached: treat the returned frame
    as read-only.
    """
    return _read(CATEGORIES_FILE, CATEGORY_SCHEMA)


@functools.cache
def bvh_map() -> pl.DataFrame:
    """All known BVH codes and their category.

    Columns: ``bvh_code``, ``bvh_label``, ``category_code`` (null = counted in no
    category), ``is_crime`` (Boolean; null when the police list leaves it blank),
    ``source``, ``inp_level3_code``, ``note``. Cached: treat the returned frame as
    read-only.
    """
    raw = _read(BVH_FILE, BVH_SCHEMA)
    return raw.with_columns(
        pl.col("is_crime").replace_strict(
            {"true": True, "false": False}, default=None, return_dtype=pl.Boolean
        )
    )


def normalise_code(code: pl.Expr) -> pl.Expr:
    """Normalise codes: cast to String, strip whitespace, upper-case letters."""
    return code.cast(pl.String).str.strip_chars().str.to_uppercase()


@functools.cache
def _lookup() -> pl.DataFrame:
    """One row per recognised code: ``key`` -> category, kind and code system."""
    cats = categories()
    canonical = cats.select(
        pl.col("code").alias(_KEY),
        pl.col("code").alias("category"),
        pl.col("kind").alias("category_kind"),
        pl.lit(SYSTEM_OPEN_DATA).alias("source_code_system"),
    )
    kinds = cats.select(pl.col("code").alias("category"), pl.col("kind").alias("category_kind"))
    bvh = (
        bvh_map()
        .filter(~pl.col("bvh_code").is_in(cats["code"].implode()))
        .select(pl.col("bvh_code").alias(_KEY), pl.col("category_code").alias("category"))
        .join(kinds, on="category", how="left", validate="m:1", maintain_order="left")
        .with_columns(pl.lit(SYSTEM_BVH).alias("source_code_system"))
    )
    lookup = pl.concat([canonical, bvh], how="vertical")
    if lookup[_KEY].is_duplicated().any():
        dupes = lookup.filter(pl.col(_KEY).is_duplicated())[_KEY].unique().sort().to_list()
        raise ValueError(f"classification data has duplicate codes: {dupes}")
    return lookup


def to_category(df: FrameT, column: str = "category_code") -> FrameT:
    """Add ``category``, ``category_kind`` and ``source_code_system`` from ``column``.

    - a canonical code (``1.1.1``, ``E35``) maps to itself, system ``open_data``;
    - a BVH code (``A72``) maps to its category, system ``bvh``; a known BVH code that
      the open data counts in no category gets a null category but system ``bvh``;
    - anything else gets nulls in all three columns.

    Codes are matched after stripping whitespace and upper-casing. Existing output
    columns are replaced; row order and count are preserved. Accepts a DataFrame or a
    LazyFrame and returns the same kind.
    """
    lf = df.lazy()
    existing = set(lf.collect_schema().names())
    if column not in existing:
        raise KeyError(f"column {column!r} not found")
    stale = [c for c in OUTPUT_COLUMNS if c in existing]
    out = (
        lf.drop(stale)
        .with_columns(
            pl.col(column).map_batches(_classify, return_dtype=_CLASSIFIED, is_elementwise=True).alias(_KEY)
        )
        .unnest(_KEY)
    )
    if isinstance(df, pl.DataFrame):
        return out.collect()
    return out


_CLASSIFIED = pl.Struct({"category": pl.String, "category_kind": pl.String, "source_code_system": pl.String})


def _classify(codes: pl.Series) -> pl.Series:
    """The classification of each code, looked up once per distinct code and gathered back.

    A million registrations carry a few hundred codes: normalising and joining those, then
    mapping each row to its code's row, is ~3.5x faster than a join of every row.
    """
    distinct = codes.unique()
    found = (
        distinct.to_frame("__code")
        .with_columns(normalise_code(pl.col("__code")).alias(_KEY))
        .join(_lookup(), on=_KEY, how="left", validate="m:1", maintain_order="left")
    )
    position = codes.replace_strict(
        distinct,
        pl.int_range(distinct.len(), dtype=pl.UInt32, eager=True),
        default=None,
        return_dtype=pl.UInt32,
    )
    rows = found.select(pl.col(OUTPUT_COLUMNS).gather(position))  # a null position gives nulls
    return rows.to_struct(_KEY)


@functools.cache
def registration_codes() -> tuple[frozenset[str], frozenset[str]]:
    """(codes a registration may carry, the subset counted in a category); normalised form.

    Known: every canonical category except the total, and every BVH code. Counted: the
    canonical ones and the BVH codes that map onto a category.
    """
    lookup = _lookup().filter(pl.col("category_kind").is_null() | (pl.col("category_kind") != KIND_TOTAL))
    known = frozenset(lookup[_KEY].to_list())
    counted = frozenset(lookup.filter(pl.col("category").is_not_null())[_KEY].to_list())
    return known, counted


def _codes_of_kind(kind: str) -> list[str]:
    """Category codes of one kind, in file order (a new list each call: callers may change it)."""
    return list(_codes_of_kind_cached(kind))


@functools.cache
def _codes_of_kind_cached(kind: str) -> tuple[str, ...]:
    # Asked once per category and source while a comparison checks coverage: a query each time
    # cost ~0.05 s of compare.
    return tuple(categories().filter(pl.col("kind") == kind)["code"].to_list())


def crime_codes() -> list[str]:
    """Every crime category code ("soort misdrijf"), excluding the total 0.0.0."""
    return _codes_of_kind(KIND_CRIME)


def nuisance_codes() -> list[str]:
    """Every nuisance category code (E33, E35, E38, ...)."""
    return _codes_of_kind(KIND_NUISANCE)


def open_data_codes() -> list[str]:
    """Every code a police open-data count may carry: the categories, the crime total 0.0.0 and the
    nuisance total ``NUISANCE_TOTAL_CODE``."""
    return [*categories()["code"].to_list(), NUISANCE_TOTAL_CODE]

"""A dataset kind's facts in one table: ``facts(kind)``.

What veilcli knows of each kind (registrations, suspects, counts, population, survey) is here
once: its row model (the columns, which are required, their aliases and types: ``sources/columns``
reads them from the model), its key, its period and area columns, and what follows from them
(whether it is registration-level, a statistical table, a yearly table), how rows from two sources
agree or complement each other, which columns name the areas the store knows, how ``status``
counts it, its store folder and the word for what its rows count. Code that behaves differently
per kind asks these facts (``facts(kind).registration_level``, ``REGISTRATION_LEVEL``) instead of
listing kinds (``kind in (Kind.registrations, Kind.suspects)``); a new kind is one entry here, its
row model in ``models``, its member of ``Kind`` and its row checks (``sources/checks.KIND_CHECKS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from veilcli.domain.choices import Kind
from veilcli.domain.models import Count, Population, Registration, Survey, Suspect
from veilcli.domain.units import POPULATION_COLUMNS

PeriodColumn = Literal["date", "period", "year"]


@dataclass(frozen=True)
class KindFacts:
    """The facts of one dataset kind (see the module docstring)."""

    kind: Kind
    model: type[BaseModel]  # one row: the canonical columns, in contract order
    # Rows are unique on this key; a second row with the same key is a finding. (): no key of its
    # own (a registration has several suspects, often without a person id).
    key: tuple[str, ...]
    # What dates a row: "date" (a day: one row per registration or suspect), "period" (a period
    # label such as 2019H1) or "year" (a figure on 1 January, or of a survey year).
    period_column: PeriodColumn
    area_column: str  # the column naming its area
    # The columns whose values are areas the store holds figures for (``Snapshot.known_areas``):
    # the area column, and a survey's municipality of its district rows. None for suspects: their
    # municipality is where they live, and an area with only suspects was never "known".
    known_area_columns: tuple[str, ...]
    # A file of the kind must have at least one of these columns, and each row a value in one of them.
    one_of: tuple[str, ...] = ()
    # A required figure whose empty or "not given" cell is a warning of the kind's own (the row is
    # kept as unknown), not the generic missing value.
    own_figure: str | None = None
    # Columns whose values a row from another source under the same key may give too: the same
    # values (null = null) are agreement, kept once; a differing value is a conflict. A
    # registration's label is a description, not a counted fact: not among them.
    agreeing: tuple[str, ...] = ()
    # Columns in which rows of different sources under the same key complement each other: only a
    # value both give, and differently, is a conflict (CBS inhabitants + a youths 12-24 file).
    complementary: tuple[str, ...] = ()
    guessed_by_suggest: bool = True  # ``map suggest`` tries to read a file's columns as this kind
    # How ``veilcli status`` counts its rows per area: each area as stored, or a municipality's
    # wijken and buurten as one "<municipality> (wijken/buurten)" line (a national buurt table has
    # ~16,000 areas). None: not in the status's coverage (the survey: status has never counted it).
    status_areas: Literal["as_stored", "wijken_folded"] | None = "as_stored"

    @property
    def registration_level(self) -> bool:
        """One row per registration (or suspect), dated by day: its coverage is the source's span,
        gaps and category scope, judged from the dates (``domain/coverage``)."""
        return self.period_column == "date"

    @property
    def statistical(self) -> bool:
        """A figure per period x area (a statistical table): its number cells may hold a "not
        given" mark, and its coverage is the periods and areas it gives."""
        return not self.registration_level

    @property
    def yearly(self) -> bool:
        """A table of years (population, survey figures): ``--year`` can date it."""
        return self.period_column == "year"

    @property
    def categorised(self) -> bool:
        """Its rows carry a category code (registrations, suspects, counts): they feed the plan's
        categorised indicators."""
        return "category_code" in self.model.model_fields

    @property
    def folder(self) -> str:
        """The store's folder of its Parquet files."""
        return self.kind.value


KIND_FACTS: dict[Kind, KindFacts] = {
    Kind.registrations: KindFacts(
        Kind.registrations,
        Registration,
        key=("registration_id",),
        period_column="date",
        area_column="municipality",
        known_area_columns=("municipality",),
        agreeing=(
            "date",
            "category_code",
            "municipality",
            "district",
            "neighbourhood",
            "event_id",
            "channel",
            "attempt",
        ),
    ),
    Kind.suspects: KindFacts(
        Kind.suspects,
        Suspect,
        key=(),
        period_column="date",
        area_column="municipality",
        known_area_columns=(),
        one_of=("age", "birth_date"),
    ),
    Kind.counts: KindFacts(
        Kind.counts,
        Count,
        key=("period", "area", "category_code"),
        period_column="period",
        area_column="area",
        known_area_columns=("area",),
        own_figure="count",
        agreeing=("count", "internet_count"),
        status_areas="wijken_folded",
    ),
    Kind.population: KindFacts(
        Kind.population,
        Population,
        key=("year", "area"),
        period_column="year",
        area_column="area",
        known_area_columns=("area",),
        one_of=POPULATION_COLUMNS,  # a unit's denominator (domain/units.py)
        complementary=POPULATION_COLUMNS,
    ),
    Kind.survey: KindFacts(
        Kind.survey,
        Survey,
        key=("year", "area", "indicator_code"),
        period_column="year",
        area_column="area",
        known_area_columns=("area", "municipality"),
        own_figure="value",
        guessed_by_suggest=False,
        status_areas=None,
    ),
}


# The store's kind folders, in kind order.
STORE_FOLDERS = tuple(f.folder for f in KIND_FACTS.values())
# The kinds of row data (one row per registration or suspect) and of categorised rows, in kind order.
REGISTRATION_LEVEL = tuple(f.kind for f in KIND_FACTS.values() if f.registration_level)
CATEGORISED = tuple(f.kind for f in KIND_FACTS.values() if f.categorised)


def facts(kind: Kind) -> KindFacts:
    """The facts of a dataset kind."""
    return KIND_FACTS[kind]

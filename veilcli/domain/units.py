"""What an indicator's value is (``Unit``), and every fact of a unit in one table (``UNIT_FACTS``).

A rate divides a count by a population column (``denominator``) and multiplies by ``per``; the
population columns the store keeps and the analyses read are the units' denominators
(``POPULATION_COLUMNS``). A new unit (per 1,000 businesses) is one ``Unit`` member and one
``UNIT_FACTS`` entry here, its words in each language file (``schemas/words/<lang>.toml``, sections
``[unit]`` and ``[unit_short]``), plus its column in ``models.Population`` (and a source that fills it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from veilcli.domain.language import DEFAULT_LANG, Lang, catalogue


class Unit(StrEnum):
    """What an indicator's value is."""

    per_1000_inhabitants = "per_1000_inhabitants"
    per_1000_dwellings = "per_1000_dwellings"
    per_1000_youths_12_24 = "per_1000_youths_12_24"
    count = "count"  # type: ignore[assignment]  # the member, not str.count
    percent = "percent"  # survey: a share of respondents, 0-100; changes in percentage points
    score = "score"  # survey: a mark or scale score (1-10, 0-10); changes in points

    @property
    def facts(self) -> UnitFacts:
        """This unit's entry of ``UNIT_FACTS``."""
        return UNIT_FACTS[self]

    @property
    def denominator(self) -> str | None:
        """The population column a rate divides by (None for plain counts and survey figures)."""
        return UNIT_FACTS[self].denominator

    @property
    def per(self) -> int:
        """A rate is per this many of the denominator (1 for a unit without one)."""
        return UNIT_FACTS[self].per

    @property
    def survey(self) -> bool:
        """Whether this is a survey unit (percent, score): figures from the ``survey`` kind."""
        return UNIT_FACTS[self].survey

    def label(self, lang: Lang = DEFAULT_LANG) -> str:
        """The unit in words for reports: "per 1,000 inhabitants", "per 1.000 inwoners"."""
        return catalogue(lang)["unit"][self.value]

    @property
    def short_label(self) -> str:
        """The unit in a narrow terminal column: "/1,000 inh."."""
        return catalogue(DEFAULT_LANG)["unit_short"][self.value]


@dataclass(frozen=True)
class UnitFacts:
    """One unit's facts (its words: the ``[unit]`` and ``[unit_short]`` sections of each language file;
    its denominator's, ``[terms.denominator]``)."""

    denominator: str | None = None  # the population column a rate divides by
    per: int = 1  # a rate is per this many of the denominator
    survey: bool = False  # a figure of the ``survey`` kind (never counted from records)


# tests/test_labels.py fails on a member without an entry (or without its words in a language).
UNIT_FACTS: dict[Unit, UnitFacts] = {
    Unit.per_1000_inhabitants: UnitFacts(
        denominator="inhabitants",
        per=1000,
    ),
    Unit.per_1000_dwellings: UnitFacts(
        denominator="dwellings",
        per=1000,
    ),
    Unit.per_1000_youths_12_24: UnitFacts(
        denominator="youths_12_24",
        per=1000,
    ),
    Unit.count: UnitFacts(),
    Unit.percent: UnitFacts(survey=True),
    Unit.score: UnitFacts(survey=True),
}

# The population columns: the denominators of the units, in the order the store and outputs keep them.
POPULATION_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(f.denominator for f in UNIT_FACTS.values() if f.denominator)
)


def unit_names() -> str:
    """The units' names for a description: "per_1000_inhabitants, ..., percent or score"."""
    *head, last = list(Unit)
    return f"{', '.join(head)} or {last}"

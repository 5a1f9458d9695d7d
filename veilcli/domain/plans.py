"""Safety-plan files: area, baseline, benchmark groups and indicators (TOML, pydantic-validated).

The Almere 2019-2022 plan ships in ``schemas/plans/`` and is the default. Errors name the
file, the line of the indicator or benchmark they are in, and what to write instead.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from veilcli.domain.choices import Kind
from veilcli.domain.classification import TOTAL_CRIME_CODE, categories, crime_codes, nuisance_codes
from veilcli.domain.geography import resolve_areas
from veilcli.domain.language import DEFAULT_LANG, Lang, catalogue
from veilcli.domain.tomlfiles import load_toml_model
from veilcli.domain.units import Unit
from veilcli.errors import VeilcliError
from veilcli.files.shipped import schemas_dir

ALL_CRIMES = "crime"
ALL_NUISANCE = "nuisance"


class Goal(StrEnum):
    """The plan's goal for an indicator versus the baseline."""

    decrease = "decrease"
    no_increase = "no_increase"
    increase = "increase"  # e.g. the share feeling safe, a safety mark
    no_decrease = "no_decrease"
    none = "none"

    def label(self, lang: Lang = DEFAULT_LANG) -> str:
        """The goal in words for reports: "no increase", "niet laten stijgen"."""
        return catalogue(lang)["goal"][self.value]

    @property
    def short_label(self) -> str:
        """The goal in a narrow terminal column ("-" for none)."""
        return catalogue(DEFAULT_LANG)["goal_short"][self.value]


class Noun(BaseModel):
    """What an indicator counts, in the plural, for the generated sentences ("negen straatroven meer")."""

    model_config = ConfigDict(extra="forbid")

    nl: str = Field(min_length=1, description='Dutch plural, e.g. "straatroven".')
    en: str = Field(min_length=1, description='English plural, e.g. "street robberies".')


class Indicator(BaseModel):
    """One plan indicator: which records it counts, per what, and its goal."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Stable id; scripts use it.")
    theme: int = Field(ge=0, description="Theme number of the plan (0 = general picture).")
    label: str = Field(description="Label as shown.")
    kind: Kind = Field(
        Kind.registrations, description="What it counts: registrations, suspects, counts or survey."
    )
    categories: list[str] = Field(
        min_length=1,
        description='Category codes; prefixes like "1.4.*"; "crime" = every crime category; '
        '"nuisance" = every nuisance code. For kind "counts" any code as stored (e.g. "huisverbod"); '
        'for kind "survey" the survey indicator code as stored (one), e.g. '
        '"VoeltZichWeleensOnveiligInBuurt".',
    )
    age: tuple[int, int] | None = Field(
        None, description="Inclusive age range (suspects only), e.g. [12, 24]."
    )
    unit: Unit = Field(description="What its value is.")
    goal: Goal = Field(description="The goal versus the baseline.")
    noun: Noun | None = Field(
        None,
        description="What it counts, plural, per language, for the sentences of `compare --format text` "
        '(e.g. {nl = "straatroven", en = "street robberies"}); without it they name the label and count '
        '"registraties".',
    )
    benchmarks: list[str] | None = Field(
        None,
        description="The names of the plan's benchmarks this indicator is compared with (default: all; "
        "[] = none, as the Almere report compares youth crime and house bans with no benchmark).",
    )

    @model_validator(mode="after")
    def _check(self) -> Indicator:
        if self.age is not None and self.kind is not Kind.suspects:
            raise ValueError("age applies to suspects only")
        if self.kind is Kind.population:
            raise ValueError("an indicator cannot count population rows")
        if (self.kind is Kind.survey) != self.unit.survey:
            raise ValueError(
                'kind "survey" goes with unit "percent" or "score", and those units with kind "survey"'
            )
        if self.kind is Kind.survey:
            if len(self.categories) != 1:
                raise ValueError("a survey indicator names one survey indicator code in categories")
            return self
        if self.goal in (Goal.increase, Goal.no_decrease):
            raise ValueError('goals "increase" and "no_decrease" are for survey indicators (kind "survey")')
        if self.kind is not Kind.counts:
            unknown = [c for c in self.categories if not expand_categories([c])]
            if unknown:
                raise ValueError(
                    f"unknown categories {', '.join(map(repr, unknown))} "
                    "(use open-data codes like 1.2.3, prefixes like 1.4.*, nuisance codes like E35, "
                    "or 'crime' / 'nuisance')"
                )
        return self


class Benchmark(BaseModel):
    """A benchmark: one stored area, member areas pooled, or a shipped/own group file pooled.

    Pooling is the sum of counts over the sum of denominators. Areas and members may be names or
    CBS codes (``GM0363`` = Amsterdam); groups are files in ``schemas/groups/`` or a CSV path.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="The benchmark's name, as shown.")
    area: str | None = Field(None, description="An area as stored (name or CBS code).")
    members: list[str] | None = Field(None, min_length=1, description="Member areas to pool.")
    group: str | None = Field(None, description="A group file to pool, e.g. 'g10-100000plus'.")
    source: str = Field("", description="Where its figures come from.")

    @model_validator(mode="after")
    def _one_of(self) -> Benchmark:
        if sum(x is not None for x in (self.area, self.members, self.group)) != 1:
            raise ValueError("give exactly one of area, members or group")
        if self.group is not None:
            from veilcli.domain.groups import load_group

            try:
                load_group(self.group)
            except VeilcliError as exc:  # a plan error, reported with the plan's line
                raise ValueError(str(exc)) from exc
        return self

    @property
    def pooled(self) -> bool:
        """Whether several areas are pooled (so each needs population)."""
        return self.area is None

    @property
    def areas(self) -> list[str]:
        """The stored area names this benchmark pools."""
        if self.group is not None:
            from veilcli.domain.groups import group_areas

            return group_areas(self.group)
        return resolve_areas([self.area] if self.area is not None else list(self.members or []))


class Theme(BaseModel):
    """A plan theme (for headings)."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(description="Theme number.", ge=0)
    label: str = Field(description="The theme's label.")


class Plan(BaseModel):
    """A safety plan."""

    model_config = ConfigDict(extra="forbid", title="plan")

    name: str = Field(description="The plan's name.")
    area: str = Field(description="The area the plan is for (name or CBS code).")
    area_code: str | None = Field(None, description="The area's CBS code (informative).")
    baseline: int = Field(description="The baseline year (peiljaar).", ge=1990, le=2100)
    source: str = Field("", description="Where the plan comes from.")
    themes: list[Theme] = Field(description="The plan's themes (for headings).", default_factory=list)
    benchmarks: list[Benchmark] = Field(description="Benchmarks to compare with.", default_factory=list)
    indicators: list[Indicator] = Field(description="The plan's indicators.", min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Plan:
        ids = [i.id for i in self.indicators]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"indicator ids used twice: {', '.join(twice)}")
        names = [b.name for b in self.benchmarks]
        if len(set(names)) != len(names):
            raise ValueError("benchmark names must be unique")
        for ind in self.indicators:
            unknown = [n for n in ind.benchmarks or [] if n not in names]
            if unknown:
                raise ValueError(
                    f"indicator {ind.id!r}: benchmarks {', '.join(map(repr, unknown))} are not among the "
                    f"plan's benchmarks ({', '.join(map(repr, names)) or 'none'})"
                )
        return self


def expand_categories(selection: list[str]) -> list[str]:
    """Canonical category codes a selection means ('crime', 'nuisance', '1.4.*', codes)."""
    return list(_expand(tuple(selection)))


@functools.cache
def _expand(selection: tuple[str, ...]) -> tuple[str, ...]:
    known = [c for c in categories()["code"].to_list() if c != TOTAL_CRIME_CODE]
    chosen: list[str] = []
    for item in selection:
        item = item.strip()
        if item == ALL_CRIMES:
            chosen += crime_codes()
        elif item == ALL_NUISANCE:
            chosen += nuisance_codes()
        elif item.endswith("*"):
            chosen += [c for c in known if c.startswith(item[:-1])]
        elif item.upper() in known:
            chosen.append(item.upper())
    return tuple(dict.fromkeys(chosen))


@dataclass(frozen=True)
class LoadedPlan:
    """A plan with where it came from (shown in outputs and the workbook's sources)."""

    plan: Plan
    path: Path
    sha256: str


def default_plan_path() -> Path:
    """The shipped default plan (Almere, Actieplan Veiligheid 2019-2022)."""
    return schemas_dir() / "plans" / "almere-actieplan-veiligheid-2019-2022.toml"


def _line_of(text: str, table: str, index: int) -> int | None:
    """Line number of the index-th ``[[table]]`` header in TOML text."""
    lines = [
        n for n, line in enumerate(text.splitlines(), 1) if re.match(rf"^\s*\[\[\s*{table}\s*\]\]", line)
    ]
    return lines[index] if index < len(lines) else None


def load_plan(path: Path | None = None) -> LoadedPlan:
    """Read and validate a plan file (the shipped default when ``path`` is None)."""
    path = path or default_plan_path()
    plan, data = load_toml_model(
        path, Plan, "plan file", f"compare with the shipped plan {default_plan_path()}", _describe
    )
    return LoadedPlan(plan, path, hashlib.sha256(data).hexdigest())


def _describe(error: dict[str, Any], text: str) -> str:
    loc = list(error["loc"])
    where = ".".join(map(str, loc))
    if len(loc) >= 2 and loc[0] in ("indicators", "benchmarks") and isinstance(loc[1], int):
        line = _line_of(text, str(loc[0]), loc[1])
        where = f"line {line} ({loc[0]}[{loc[1]}]{'.' + '.'.join(map(str, loc[2:])) if loc[2:] else ''})"
    return f"{where}: {error['msg'].removeprefix('Value error, ')}"


def plan_line(loaded: LoadedPlan, table: str, index: int) -> str:
    """'plan.toml line 42' for messages about one indicator or benchmark."""
    line = _line_of(loaded.path.read_text(encoding="utf-8"), table, index)
    return f"{loaded.path} line {line}" if line else str(loaded.path)

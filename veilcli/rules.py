"""Normalisation rules (samenloop, internet reporting): a TOML file validated by pydantic.

The defaults ship in ``schemas/rules/default.toml`` with their sources; ``--rules FILE``
replaces them. A category missing from the severity ranking is an error, never a default.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from veilcli.classification import categories
from veilcli.resources import schemas_dir
from veilcli.tomlfiles import load_toml_model


class SamenloopRules(BaseModel):
    """How related offences of one event are counted."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    since: dt.date = Field(description="First day registrations were split per offence.")
    source: str
    severity: list[str] = Field(description="Every category, heaviest first.")
    severity_source: str
    factors: dict[str, float] = Field(
        default_factory=dict,
        description="Increase in a period wholly after `since`, per category, for pre-aggregated counts.",
    )
    factors_source: str = ""

    @field_validator("severity")
    @classmethod
    def _covers_every_category(cls, ranking: list[str]) -> list[str]:
        known = set(categories().filter(categories()["kind"] != "total")["code"].to_list())
        duplicates = sorted({c for c in ranking if ranking.count(c) > 1})
        unknown = [c for c in ranking if c not in known]
        missing = sorted(known - set(ranking))
        problems = []
        if duplicates:
            problems.append(f"listed twice: {', '.join(duplicates)}")
        if unknown:
            problems.append(f"not categories: {', '.join(unknown)}")
        if missing:
            problems.append(f"missing from the ranking: {', '.join(missing)}")
        if problems:
            raise ValueError("; ".join(problems) + " (rank every category of schemas/classification once)")
        return ranking

    @field_validator("factors")
    @classmethod
    def _factors_known_and_positive(cls, factors: dict[str, float]) -> dict[str, float]:
        known = set(categories()["code"].to_list())
        unknown = [c for c in factors if c not in known]
        negative = [c for c, f in factors.items() if f < 0]
        if unknown:
            raise ValueError(f"factors for unknown categories: {', '.join(unknown)}")
        if negative:
            raise ValueError(f"negative factors: {', '.join(negative)}")
        return factors


class InternetRules(BaseModel):
    """How the extension of online reporting is corrected."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["baseline-share", "none"] = "baseline-share"
    source: str = ""


class Rules(BaseModel):
    """A rules file."""

    model_config = ConfigDict(extra="forbid", title="rules")

    samenloop: SamenloopRules
    internet: InternetRules = InternetRules()

    def without_corrections(self) -> Rules:
        """The same rules with both corrections switched off (``--raw``)."""
        return self.model_copy(
            update={
                "samenloop": self.samenloop.model_copy(update={"enabled": False}),
                "internet": self.internet.model_copy(update={"method": "none"}),
            }
        )


@dataclass(frozen=True)
class LoadedRules:
    """Rules with where they came from (shown in outputs and the workbook's sources)."""

    rules: Rules
    path: Path
    sha256: str


def default_rules_path() -> Path:
    """The shipped default rules file."""
    return schemas_dir() / "rules" / "default.toml"


def load_rules(path: Path | None = None) -> LoadedRules:
    """Read and validate a rules file (the shipped defaults when ``path`` is None)."""
    path = path or default_rules_path()
    rules, data = load_toml_model(
        path, Rules, "rules file", f"start from the documented defaults in {default_rules_path()}"
    )
    return LoadedRules(rules, path, hashlib.sha256(data).hexdigest())


@functools.cache
def default_rules() -> Rules:
    """The shipped defaults (cached)."""
    return load_rules().rules

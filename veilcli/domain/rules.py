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

from veilcli.domain.classification import categories
from veilcli.domain.tomlfiles import load_toml_model
from veilcli.files.shipped import schemas_dir


class SamenloopRules(BaseModel):
    """How related offences of one event are counted."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Whether the samenloop correction is on.")
    since: dt.date = Field(description="First day registrations were split per offence.")
    source: str = Field(description="Where the date comes from.")
    severity: list[str] = Field(description="Every category, heaviest first.")
    severity_source: str = Field(description="Where the severity ranking comes from.")
    factors: dict[str, float] = Field(
        default_factory=dict,
        description="Increase in a period wholly after `since`, per category, for pre-aggregated counts.",
    )
    factors_source: str = Field("", description="Where the factors come from.")

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


class OnlineExtension(BaseModel):
    """A date from which more offence types could be reported online, and which categories."""

    model_config = ConfigDict(extra="forbid")

    since: dt.date = Field(description="First day the categories could be reported online.")
    categories: list[str] = Field(min_length=1, description="Category codes the extension opened.")
    source: str = Field(description="Where the date and the categories come from (or ASSUMPTION: why).")

    @field_validator("categories")
    @classmethod
    def _known(cls, codes: list[str]) -> list[str]:
        known = set(categories()["code"].to_list())
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValueError(f"unknown categories: {', '.join(unknown)}")
        return codes


class InternetRules(BaseModel):
    """How the extension of online reporting is corrected: a range, never a point (DESIGN §2)."""

    model_config = ConfigDict(extra="forbid")

    # "baseline-share" is the name earlier rules files used for the same bound.
    method: Literal["range", "baseline-share", "none"] = Field(
        "range", description="range (the default; baseline-share is its older name) or none (off)."
    )
    source: str = Field("", description="Where the method and facts come from.")
    extensions: list[OnlineExtension] = Field(
        default_factory=list,
        description="Dated extensions of online reporting; only their categories are corrected, and only "
        "when the extension falls after the baseline began and before the period ends.",
    )

    @property
    def enabled(self) -> bool:
        """Whether the internet correction is on."""
        return self.method != "none"

    def changed_since(self, baseline_start: dt.date) -> dict[str, dt.date]:
        """category -> first extension date after ``baseline_start`` (categories whose online
        reportability changed after the baseline began)."""
        changed: dict[str, dt.date] = {}
        for extension in sorted(self.extensions, key=lambda e: e.since):
            if extension.since > baseline_start:
                for code in extension.categories:
                    changed.setdefault(code, extension.since)
        return changed


class Rules(BaseModel):
    """A rules file."""

    model_config = ConfigDict(extra="forbid", title="rules")

    samenloop: SamenloopRules = Field(description="How related offences of one event are counted.")
    internet: InternetRules = Field(
        InternetRules(), description="How the extension of online reporting is corrected."
    )

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

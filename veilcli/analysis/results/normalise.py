"""The result of ``veilcli normalise``: ``NormaliseResult``, with its views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from veilcli.analysis.results.text import number
from veilcli.domain.choices import NormaliseBy
from veilcli.domain.periods import Period
from veilcli.domain.rules import LoadedRules


@dataclass
class NormaliseResult:
    """Corrected counts for a selection, with how the change versus the baseline splits."""

    area: str
    period: Period
    baseline: Period | None
    periods: list[Period]
    by: NormaliseBy
    rules: LoadedRules
    raw: bool
    rows: pl.DataFrame
    changes: pl.DataFrame
    applied: dict[str, bool] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON document of ``veilcli normalise --format json``."""
        return {
            "area": self.area,
            "period": str(self.period),
            "baseline": str(self.baseline) if self.baseline else None,
            "periods": [str(p) for p in self.periods],
            "by": self.by,
            "normalisation": self.applied,
            "rules": {"path": str(self.rules.path), "sha256": self.rules.sha256},
            "rows": self.rows.to_dicts(),
            "changes": self.changes.to_dicts(),
        }

    def to_polars(self) -> pl.DataFrame:
        """One row per category: baseline and period counts beside the change split (``results``)."""
        return normalise_wide(self)

    def __repr__(self) -> str:
        return normalise_repr(self)

    def to_table(self) -> pl.DataFrame:
        """One flat table (``--format csv``): rows per period, the change split on the period's row."""
        changes = self.changes.with_columns(pl.lit(str(self.period)).alias("period"))
        return self.rows.join(changes, on=["area", "category", "period"], how="left")


def normalise_repr(result: NormaliseResult) -> str:
    """A few lines: area, period vs baseline, categories, which corrections were on, and the totals."""
    period = str(result.period)
    now = result.rows.filter(pl.col("period") == period)
    raw, corrected = float(now["raw"].sum()), float(now["corrected"].sum())
    on = ", ".join(name for name, applied in result.applied.items() if applied) or "none"
    baseline = str(result.baseline) if result.baseline else "-"
    return (
        f"NormaliseResult {result.area} {period} vs {baseline} (by {result.by}): "
        f"{result.changes.height} rows of changes, corrections on: {on}\n"
        f"  {period}: raw {number(raw, 0)}, corrected {number(corrected, 0)}\n"
        "  .to_polars(): one row per category; .rows, .changes: the frames behind it"
    )


def normalise_wide(result: NormaliseResult) -> pl.DataFrame:
    """One row per area and category (or indicator, ``by``): its label, the raw count in the baseline
    and the period, the period's count after samenloop and corrected (the internet bound), and how
    the change versus the baseline splits (``changes``' columns)."""
    period = str(result.period)
    baseline = str(result.baseline) if result.baseline else None
    key = ["area", "category"]
    rows = result.rows
    now = rows.filter(pl.col("period") == period).select(
        *key,
        "label",
        pl.col("raw").alias("raw"),
        pl.col("after_samenloop").alias("after_samenloop"),
        pl.col("corrected").alias("corrected"),
    )
    then = rows.filter(pl.col("period") == baseline).select(*key, pl.col("raw").alias("baseline_raw"))
    wide = (
        now.join(then, on=key, how="full", coalesce=True)
        .join(result.changes, on=key, how="full", coalesce=True)
        .with_columns(
            pl.lit(baseline, dtype=pl.String).alias("baseline_period"), pl.lit(period).alias("period")
        )
    )
    first = [
        *key,
        "label",
        "baseline_period",
        "period",
        "baseline_raw",
        "raw",
        "after_samenloop",
        "corrected",
    ]
    return wide.select(*first, pl.exclude(first)).sort(key)

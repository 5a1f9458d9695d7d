"""Survey indicators (the Veiligheidsmonitor): figures, the survey years compared, status and test.

Surveys are not half-yearly: a period uses the **latest survey year in or before its year**, the
baseline the latest survey year in or before the baseline's year, and a note says which (a survey
year counts for every period of that year). Every column says which survey year it shows: a
period without a survey of its own year repeats an earlier survey's figure, which is **carried
forward** (``carried_forward``, a note, and the year beside the value wherever it is shown), never a
new measurement; a part of a year (a half-year, quarter or month) showing its own year's survey is
said to show a figure of the whole year, whose fieldwork (the Veiligheidsmonitor's: in the autumn)
may lie after the period. Status is judged on the two figures as for every other
indicator (``goals.status``). The change is in percentage points for percentages and in points for
scores (``change_unit``); a relative change in % is not given.

The test of the change (instead of the exact rate test of registered counts):

- ``intervals`` when both figures have their published 95% interval: SE = (upper - lower) / (2 x
  1.96) each, z = (v2 - v1) / sqrt(SE1^2 + SE2^2), two-sided normal p. Preferred: CBS's intervals
  include the survey's weighting and design, which a standard error from n alone leaves out.
- ``two_proportions`` for percentages with the number of respondents in both years and no
  intervals: the pooled two-proportion z-test (``goals.two_proportions_z``), assuming a simple
  random sample (it understates the uncertainty of a weighted survey: said in the note).
- ``none`` otherwise (a score without intervals: its standard error needs the spread of the marks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import polars as pl
from pydantic import BaseModel, Field

from veilcli.analysis.goals import (
    SIGNIFICANCE_LEVEL,
    Status,
    intervals_z,
    normal_two_sided,
    status,
    two_proportions_z,
)
from veilcli.domain.choices import Kind
from veilcli.domain.language import Lang
from veilcli.domain.notes import Note, note
from veilcli.domain.periods import parse_period
from veilcli.domain.plans import Goal, Indicator
from veilcli.domain.survey_values import decimal_expr, unit_expr
from veilcli.domain.units import Unit
from veilcli.store.snapshot import Snapshot

SurveyTest = Literal["intervals", "two_proportions", "none"]
ChangeUnit = Literal["percentage_points", "points"]

SURVEY_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "area": pl.String(),
    "indicator_code": pl.String(),
    "indicator_label": pl.String(),
    "unit": pl.String(),
    "value": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "respondents": pl.Int64(),
    "municipality": pl.String(),
}


class SurveyFigure(BaseModel):
    """One published survey figure."""

    year: int = Field(description="The survey year.")
    value: float | None = Field(description="The figure: a percentage (0-100) or a score.")
    lower: float | None = Field(description="Lower bound of the published 95% interval.")
    upper: float | None = Field(description="Upper bound of the published 95% interval.")
    respondents: int | None = Field(description="Number of respondents (null: not published).")
    label: str | None = Field(description="The indicator in words, as published.")


class SurveyResult(BaseModel):
    """What a survey indicator compared: the survey years, the figures, the change and its test."""

    indicator_code: str = Field(description="The survey indicator's code.")
    year: int | None = Field(description="The latest survey year in or before the period.")
    baseline_year: int | None = Field(description="The latest survey year in or before the baseline year.")
    years: dict[str, int | None] = Field(description="Per period label, the survey year its value is from.")
    figures: dict[str, SurveyFigure] = Field(description="Every stored survey year's figure, keyed by year.")
    change: float | None = Field(description="value(year) - value(baseline_year), in change_unit.")
    change_unit: ChangeUnit = Field(description="percentage_points for percentages, points for scores.")
    test: SurveyTest = Field(
        description="intervals: SE from the 95% intervals; two_proportions: from n; none."
    )
    z: float | None = Field(description="The test statistic (null when untested).")
    carried_forward: list[str] = Field(
        default_factory=list,
        description="Periods without a survey of their own year: their value is the figure of an earlier "
        "survey year (years[period]) carried forward, not a new measurement.",
    )

    def carried_from(self, period: str) -> int | None:
        """The earlier survey year a period's value is carried forward from (None: its own year's)."""
        return self.years.get(period) if period in self.carried_forward else None


@dataclass
class SurveyEvaluation:
    """A survey indicator in one area, ready for ``IndicatorResult``."""

    result: SurveyResult
    values: dict[str, float | None]
    coverage: dict[str, float | None]
    status: Status
    p_value: float | None
    notes: list[Note] = field(default_factory=list)

    @property
    def significant(self) -> bool | None:
        return None if self.p_value is None else self.p_value < SIGNIFICANCE_LEVEL


def survey_rows(snapshot: Snapshot) -> pl.DataFrame:
    """Every stored survey figure, its decimals as numbers and its unit as percent/score."""
    frame = snapshot.scan(Kind.survey).collect()
    if frame.height == 0:
        return pl.DataFrame(schema=SURVEY_SCHEMA)
    return frame.select(
        pl.col("year").cast(pl.Int64),
        "area",
        "indicator_code",
        "indicator_label",
        unit_expr(pl.col("unit")).alias("unit"),
        *(decimal_expr(pl.col(c).cast(pl.String)).alias(c) for c in ("value", "lower", "upper")),
        pl.col("respondents").cast(pl.Int64),
        "municipality",
    )


def latest_year(years: list[int], until: int) -> int | None:
    """The latest survey year in or before ``until``."""
    earlier = [y for y in years if y <= until]
    return max(earlier) if earlier else None


def figures(
    rows: pl.DataFrame, code: str, area: str, municipality: str | None = None
) -> dict[int, SurveyFigure]:
    """The published figures of one indicator in one area, per survey year (a district row that names
    another municipality is not this district's)."""
    chosen = rows.filter(
        pl.col("indicator_code") == code, pl.col("area") == area, pl.col("value").is_not_null()
    )
    if municipality is not None:
        chosen = chosen.filter(pl.col("municipality").is_null() | (pl.col("municipality") == municipality))
    out: dict[int, SurveyFigure] = {}
    for r in chosen.sort("year").to_dicts():
        out[r["year"]] = SurveyFigure(
            year=r["year"],
            value=r["value"],
            lower=r["lower"],
            upper=r["upper"],
            respondents=r["respondents"],
            label=r["indicator_label"],
        )
    return out


def survey_test(unit: Unit, base: SurveyFigure, now: SurveyFigure) -> tuple[SurveyTest, float | None]:
    """The test fit for two survey figures (module docstring) and its z."""
    assert base.value is not None and now.value is not None
    if None not in (base.lower, base.upper, now.lower, now.upper):
        assert base.lower is not None and base.upper is not None and now.lower is not None
        assert now.upper is not None
        return "intervals", intervals_z(base.value, base.lower, base.upper, now.value, now.lower, now.upper)
    if unit is Unit.percent and base.respondents and now.respondents:
        z = two_proportions_z(base.value / 100, base.respondents, now.value / 100, now.respondents)
        return "two_proportions", z
    return "none", None


def evaluate(
    rows: pl.DataFrame,
    indicator: Indicator,
    area: str,
    labels: list[str],
    lang: Lang,
    municipality: str | None = None,
) -> SurveyEvaluation:
    """One survey indicator in one area over the comparison's periods (``labels``, baseline first)."""
    code = indicator.categories[0]
    found = figures(rows, code, area, municipality)
    years = sorted(found)
    used = {label: latest_year(years, parse_period(label).year) for label in labels}
    base_label, label = labels[0], labels[-1]
    base_year, year = used[base_label], used[label]
    values = {p: found[y].value if y is not None else None for p, y in used.items()}
    coverage: dict[str, float | None] = {p: 1.0 if y is not None else 0.0 for p, y in used.items()}
    change_unit: ChangeUnit = "percentage_points" if indicator.unit is Unit.percent else "points"
    notes: list[Note] = []
    test: SurveyTest = "none"
    z = p_value = change = None
    if base_year is None or year is None:
        state = Status.no_data
        missing = label if year is None else base_label
        notes.append(note("survey_no_data", lang, indicator=code, area=area, period=missing))
    elif base_year == year:
        state = Status.no_data
        notes.append(note("survey_same_year", lang, year=year, period=label, baseline=base_label))
    else:
        base, now = found[base_year], found[year]
        assert base.value is not None and now.value is not None
        change = now.value - base.value
        state = (
            Status.monitor if indicator.goal is Goal.none else status(indicator.goal, now.value, base.value)
        )
        notes.append(
            note("survey_years", lang, year=year, period=label, baseline_year=base_year, baseline=base_label)
        )
        test, z = survey_test(indicator.unit, base, now)
        if z is not None:
            p_value = normal_two_sided(z)
        if test == "intervals":
            notes.append(note("survey_test_intervals", lang, z=z if z is not None else float("nan")))
        elif test == "two_proportions":
            notes.append(
                note(
                    "survey_test_proportions",
                    lang,
                    n_baseline=base.respondents,
                    n=now.respondents,
                    z=z if z is not None else float("nan"),
                )
            )
        else:
            notes.append(note("survey_untested", lang, unit=indicator.unit.value))
    carried = [p for p, y in used.items() if y is not None and y < parse_period(p).year]
    notes[1:1] = _column_notes(used, carried, lang)
    result = SurveyResult(
        indicator_code=code,
        year=year,
        baseline_year=base_year,
        years=used,
        figures={str(y): f for y, f in found.items()},
        change=change,
        change_unit=change_unit,
        test=test,
        z=z,
        carried_forward=carried,
    )
    return SurveyEvaluation(result, values, coverage, state, p_value, notes)


def _column_notes(used: dict[str, int | None], carried: list[str], lang: Lang) -> list[Note]:
    """Which survey year the columns show where it is not simply the column's own: a figure carried
    forward from an earlier survey (per survey year), and a part of a year showing its year's survey."""
    notes = []
    for year in sorted({y for p in carried if (y := used[p]) is not None}):
        periods = ", ".join(p for p in carried if used[p] == year)
        notes.append(note("survey_carried_forward", lang, periods=periods, year=year))
    parts = [
        p
        for p, y in used.items()
        if y is not None and p not in carried and parse_period(p).last_day != dt.date(y, 12, 31)
    ]
    if parts:
        notes.append(note("survey_part_of_year", lang, periods=", ".join(parts)))
    return notes

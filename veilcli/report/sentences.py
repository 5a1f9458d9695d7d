"""The seed report's sentences, generated: per indicator a few Dutch (or English) sentences from its
figures and statuses only, for the council document (``compare --format text``), the HTML report
and the workbook.

Every sentence is a template of the catalogue's ``[sentences]`` (``schemas/words/<lang>.toml``)
filled with figures from the ``IndicatorResult``; nothing is invented. Per indicator, in this order:

1. the level then and now and the change ("Het aantal woninginbraken daalde van 6,3 per 1.000
   woningen in de eerste helft van 2017 naar 4,3 in de eerste helft van 2019, een daling van
   31%"), by direction (a change under ``STABLE_PCT`` reads "bleef vrijwel gelijk"); a survey
   indicator compares its survey years and changes in percentage points (or points);
2. the goal: achieved, not achieved, cannot be judged, or no goal; with whether the difference is
   larger than chance or "kan op toeval berusten" (the exact test's p against 0.05);
3. the counts where a rate is below 1 per 1,000 in either period (and always for suspects, whom
   the seed counts: "1.043 verdachten"), with the differences to the baseline and to the same part
   of the previous year, one to twelve as words ("negen meer"); for a count indicator the previous
   year's count ("18 ... t.o.v. 23");
4. the change against the same part of the previous year where its direction differs from the
   change against the baseline (and the counts sentence does not already give it);
5. the level against each benchmark, qualified by ``LEVEL_CLASSES``: under 1% "vrijwel gelijk",
   under 10% "iets", under 25% plain, else "aanzienlijk" (the seed's "aanzienlijk minder dan
   gemiddeld in de grote steden (-27%), maar iets meer dan ... Midden-Nederland (+2%)"; the seed is
   not consistent above 25%: it writes plain "minder" at -27% for drugs nuisance);
6. the qualification: the change after the corrections (samenloop, the online-reporting range)
   where it differs from the registered one, with the underlying goal status; samenloop that could
   not be corrected.

An incomplete or missing figure gets one sentence saying which period and why, never a change that
reads as complete. What a counted thing is called comes from the plan's optional ``noun`` (plural per
language); without it the sentences name the label and count "registraties".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from veilcli.analysis.goals import Status
from veilcli.analysis.results.compare import CompareResult, IndicatorResult
from veilcli.domain.choices import Kind
from veilcli.domain.classification import TOTAL_CRIME_CODE
from veilcli.domain.kinds import REGISTRATION_LEVEL
from veilcli.domain.language import Lang, catalogue, conventions
from veilcli.domain.models import SourceRecord
from veilcli.domain.periods import Period, PeriodUnit, parse_period
from veilcli.domain.plans import ALL_CRIMES, Goal, LoadedPlan, Noun, expand_categories
from veilcli.domain.units import Unit
from veilcli.errors import VeilcliError
from veilcli.report.numbers import number, pct_text, value_text
from veilcli.report.words import word

STABLE_PCT = 1.0  # a change of less than 1% "bleef vrijwel gelijk": the seed never words one
COUNTS_BELOW_RATE = 1.0  # per 1,000: below it a rate hides what the counts say ("negen straatroven meer")
MOVED_PCT = 0.5  # the corrections moved the change by at least this (percentage points): say so
# |level against a benchmark| in % below the bound -> its qualifier key (the last one: no bound).
LEVEL_CLASSES: tuple[tuple[float, str], ...] = ((1.0, "level_same"), (10.0, "level_slightly"), (25.0, ""))
LEVEL_LARGE = "level_much"


def t(key: str, lang: Lang, **params: Any) -> str:
    """The template ``key`` in ``lang`` with ``params`` filled in (an unknown key is a bug)."""
    return catalogue(lang)["sentences"][key].format(**params)


def period_words(label: str, lang: Lang = "nl") -> str:
    """A period inside a sentence: "de eerste helft van 2019", "het 2e kwartaal van 2019", "maart
    2019", "2019" ("the first half of 2019", ...)."""
    try:
        period = parse_period(label)
    except VeilcliError:  # a label compare did not make (a hand-made result): as written
        return label
    return _period(period, lang)


def _period(period: Period, lang: Lang) -> str:
    year = str(period.year)
    if period.unit is PeriodUnit.H:
        return t(f"half_{period.part}", lang, year=year)
    if period.unit is PeriodUnit.Q:
        ordinal = conventions(lang).ordinals[period.part - 1]
        return t("quarter", lang, year=year, part=period.part, ordinal=ordinal)
    if period.unit is PeriodUnit.M:
        return t("month", lang, month=conventions(lang).months[period.part - 1], year=year)
    return year


def count_words(n: int, lang: Lang = "nl") -> str:
    """A difference in a sentence: one to twelve as words ("negen"), larger numbers as digits in the
    language's style ("1.043")."""
    n = abs(n)
    return conventions(lang).number_words[n - 1] if 1 <= n <= 12 else number(n, 0, lang)


def magnitude(pct: float, lang: Lang) -> str:
    """An unsigned change in %: whole numbers, one decimal below 1 ("31%", "0,2%")."""
    return pct_text(abs(pct), lang).lstrip("+")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Context:
    """What the sentences of one comparison share: its area, periods and language."""

    area: str
    period: str
    baseline: str
    lang: Lang

    @property
    def baseline_year(self) -> str:
        """The plan's baseline year, as goals name it ("ten opzichte van 2017")."""
        return self.baseline[:4]


def indicator_sentences(ind: IndicatorResult, ctx: Context, noun: Noun | None = None) -> list[str]:
    """The sentences of one indicator, from its figures and statuses only (see the module's order)."""
    lang = ctx.lang
    if ind.status is Status.no_data or ind.status is Status.incomplete:
        return [_not_judged(ind, ctx, noun)]
    sentences = [_level(ind, ctx, noun), _goal(ind, ctx)]
    counts = _counts(ind, ctx, noun)
    sentences.append(counts)
    if not counts:
        sentences.append(_previous(ind, ctx))
    sentences += [_benchmarks(ind, ctx, noun), _corrected(ind, ctx), *_not_correctable(ind, lang)]
    return [_cap(s) for s in sentences if s]


def _noun(noun: Noun | None, lang: Lang) -> str | None:
    """The plan's noun in ``lang``; None without one, or in a language the plan gives none for."""
    if noun is None:
        return None
    plural: str | None = noun.model_dump().get(lang)
    return plural


def _values(ind: IndicatorResult, ctx: Context) -> tuple[str, str, str, str] | None:
    """(then, now, baseline words, period words): survey indicators compare their survey years."""
    lang = ctx.lang
    if ind.survey is not None:
        survey = ind.survey
        if survey.year is None or survey.baseline_year is None:
            return None
        then_fig, now_fig = (
            survey.figures.get(str(survey.baseline_year)),
            survey.figures.get(str(survey.year)),
        )
        if then_fig is None or now_fig is None or then_fig.value is None or now_fig.value is None:
            return None
        suffix = "%" if ind.unit is Unit.percent else ""
        return (
            number(then_fig.value, 1, lang) + suffix,
            number(now_fig.value, 1, lang) + suffix,
            str(survey.baseline_year),
            str(survey.year),
        )
    then, now = ind.values.get(ctx.baseline), ind.values.get(ctx.period)
    if then is None or now is None:
        return None
    unit = "" if ind.unit is Unit.count else f" {ind.unit.label(lang)}"
    return (
        _value(then, ind.unit, lang) + unit,
        _value(now, ind.unit, lang),
        period_words(ctx.baseline, lang),
        period_words(ctx.period, lang),
    )


def _value(value: float, unit: Unit, lang: Lang) -> str:
    """A value in a sentence as in the tables ("0,19", "6,3"), but nothing as "0", not "0,00"."""
    return "0" if value == 0 else value_text(value, unit, lang)


def _change(ind: IndicatorResult, lang: Lang) -> tuple[float, str, str] | None:
    """(signed change, unsigned words, signed words): % for registered figures, (percentage) points
    for a survey indicator."""
    if ind.survey is not None:
        change = ind.survey.change
        if change is None:
            return None
        key = "percentage_points" if ind.survey.change_unit == "percentage_points" else "points"
        shown = number(abs(change), 1, lang)
        signed = ("+" if change > 0 else "-" if change < 0 else "") + shown
        return change, t(key, lang, value=shown), t(key, lang, value=signed)
    if ind.change_pct is None or math.isnan(ind.change_pct):
        return None
    return ind.change_pct, magnitude(ind.change_pct, lang), pct_text(ind.change_pct, lang)


def _stable(ind: IndicatorResult, change: float) -> bool:
    if ind.survey is not None:
        return round(change, 1) == 0
    return abs(change) < STABLE_PCT


def _level(ind: IndicatorResult, ctx: Context, noun: Noun | None) -> str:
    lang = ctx.lang
    values, change = _values(ind, ctx), _change(ind, lang)
    if values is None:
        return ""
    then, now, baseline, period = values
    bare = ""
    if change is None:  # a baseline of 0 (zero_baseline): the values without a change in %
        rates = (ind.values.get(ctx.baseline), ind.values.get(ctx.period))
        if ind.survey is not None or rates[0] != 0 or rates[1] is None:
            return ""
        change, bare = (rates[1], "", ""), "_bare"
        if rates[1] == 0:  # "was 0 per 1.000 inwoners in ... en in ...": the unit goes with it
            now = then
    signed_change, pct, signed = change
    direction = "stable" if _stable(ind, signed_change) else "fell" if signed_change < 0 else "rose"
    if bare:
        direction = "rose" if signed_change > 0 else "stable"
    name = _noun(noun, lang) if ind.survey is None else None
    params = {"then": then, "now": now, "baseline": baseline, "period": period, "pct": pct, "signed": signed}
    if name:
        return t(f"{direction}_noun{bare}", lang, noun=name, **params)
    return t(f"{direction}_label{bare}", lang, label=ind.label, **params)


def _chance(ind: IndicatorResult, lang: Lang, but: bool) -> str:
    if ind.significant is None:
        return ""
    if ind.significant:
        return t("beyond_chance", lang)
    return t("chance_but" if but else "chance_plain", lang)


def _goal(ind: IndicatorResult, ctx: Context) -> str:
    lang = ctx.lang
    if ind.goal is Goal.none or ind.status is Status.monitor:
        return t("no_goal", lang, chance=_chance(ind, lang, but=False))
    goal = t(f"goal_{ind.goal.value}", lang)
    key = {
        Status.achieved: "goal_achieved",
        Status.not_achieved: "goal_not_achieved",
    }.get(ind.status, "goal_undetermined")
    chance = _chance(ind, lang, but=key != "goal_undetermined")
    if key == "goal_undetermined":
        chance = ""  # no change to judge: nothing to say about chance either
    return t(key, lang, goal=goal, year=ctx.baseline_year, chance=chance)


def _whole(value: float | None) -> int | None:
    return None if value is None or math.isnan(value) else round(value)


def _difference(n: int, period: str, lang: Lang) -> str:
    if n == 0:
        return t("as_many_as", lang, period=period)
    return t("more_than" if n > 0 else "fewer_than", lang, n=count_words(n, lang), period=period)


def _counts(ind: IndicatorResult, ctx: Context, noun: Noun | None) -> str:
    """The counts sentence: where a rate is below 1 per 1,000 (and always for suspects); for a count
    indicator, the previous year's count."""
    lang = ctx.lang
    if ind.survey is not None:
        return ""
    now, then = _whole(ind.counts.get(ctx.period)), _whole(ind.counts.get(ctx.baseline))
    previous = ind.previous
    before = _whole(ind.counts.get(previous.period)) if previous is not None else None
    if ind.unit is Unit.count:
        if previous is None or before is None:
            return ""
        return t(
            "count_previous", lang, period=period_words(previous.period, lang), count=number(before, 0, lang)
        )
    rates = [ind.values.get(ctx.baseline), ind.values.get(ctx.period)]
    small = any(r is not None and r < COUNTS_BELOW_RATE for r in rates)
    if now is None or then is None or not (small or ind.source == "suspects"):
        return ""
    differences = [_difference(now - then, period_words(ctx.baseline, lang), lang)]
    if previous is not None and before is not None:
        differences.append(_difference(now - before, period_words(previous.period, lang), lang))
    joined = f" {t('and', lang)} ".join(differences)
    default_nouns = catalogue(lang)["noun"]
    name = _noun(noun, lang) or default_nouns.get(ind.source or "", default_nouns["registrations"])
    period = period_words(ctx.period, lang)
    if now == 1:
        return t("counts_one_registered", lang, period=period, noun=name, differences=joined)
    count = t("counts_none", lang) if now == 0 else number(now, 0, lang)
    registered = _noun(noun, lang) is not None and ind.source in REGISTRATION_LEVEL
    key = "counts_registered" if registered else "counts_plain"
    return t(key, lang, period=period, count=count, noun=name, differences=joined)


def _previous(ind: IndicatorResult, ctx: Context) -> str:
    """Last year's change where its direction differs from the change against the baseline."""
    lang, previous = ctx.lang, ind.previous
    change = _change(ind, lang)
    if previous is None or previous.change_pct is None or change is None or ind.survey is not None:
        return ""
    base = 0 if _stable(ind, change[0]) else (1 if change[0] > 0 else -1)
    last = 0 if abs(previous.change_pct) < STABLE_PCT else (1 if previous.change_pct > 0 else -1)
    if base == last:
        return ""
    period = period_words(previous.period, lang)
    if last == 0:
        return t("previous_same", lang, period=period, signed=pct_text(previous.change_pct, lang))
    chance = t("previous_chance", lang) if previous.significant is False else ""
    key = "previous_rose" if last > 0 else "previous_fell"
    if base != 0:
        key += "_however"
    return t(key, lang, period=period, pct=magnitude(previous.change_pct, lang), chance=chance)


def _level_class(pct: float) -> str:
    for bound, key in LEVEL_CLASSES:
        if abs(pct) < bound:
            return key
    return LEVEL_LARGE


def _benchmarks(ind: IndicatorResult, ctx: Context, noun: Noun | None) -> str:
    """The area's level in the period against each benchmark, qualified; runs of the same
    qualification joined ("aanzienlijk lager dan A (-40%) en B (-45%)")."""
    lang = ctx.lang
    groups: list[tuple[str, int, list[str]]] = []  # (qualifier, direction, items)
    for name, bench in ind.benchmarks.items():
        if bench.level_pct is None or math.isnan(bench.level_pct):
            continue
        qualifier = _level_class(bench.level_pct)
        direction = 0 if qualifier == "level_same" else (1 if bench.level_pct > 0 else -1)
        item = t("level_item", lang, name=name, pct=pct_text(bench.level_pct, lang))
        if groups and groups[-1][0] == qualifier and groups[-1][1] == direction:
            groups[-1][2].append(item)
        else:
            groups.append((qualifier, direction, [item]))
    if not groups:
        return ""
    and_ = f" {t('and', lang)} "
    phrases: list[str] = []
    for index, (qualifier, direction, items) in enumerate(groups):
        if qualifier == "level_same":
            words = t("level_same", lang)
        else:
            side = t("level_higher" if direction > 0 else "level_lower", lang)
            words = f"{t(qualifier, lang)} {side}".strip() if qualifier else side
        phrase = f"{words} {and_.join(items)}"
        if index:
            joiner = f", {t('but', lang)} " if direction != groups[index - 1][1] else and_
            phrase = joiner + phrase
        phrases.append(phrase)
    plural = _noun(noun, lang)
    if plural and ind.unit is not Unit.count:
        unit = _cap(ind.unit.label(lang))
        return t("benchmarks_noun", lang, unit=unit, noun=plural, area=ctx.area, comparisons="".join(phrases))
    return t("benchmarks_label", lang, area=ctx.area, comparisons="".join(phrases))


def _corrected(ind: IndicatorResult, ctx: Context) -> str:
    """The change after the corrections, where it differs from the registered one."""
    lang, under = ctx.lang, ind.underlying
    if under is None or ind.change_pct is None or under.change_pct is None:
        return ""
    low, high = under.change_pct_range
    corrections = []
    if under.corrections.samenloop != "none":
        corrections.append(
            t("corr_samenloop" if under.corrections.samenloop == "rows" else "corr_samenloop_estimated", lang)
        )
    ranged = under.corrections.internet == "range" and low is not None and high is not None
    if ranged:
        corrections.append(t("corr_internet", lang))
    ends = [low, high] if ranged else [under.change_pct]
    if not corrections or all(e is None or abs(e - ind.change_pct) < MOVED_PCT for e in ends):
        return ""
    status = ""
    if ind.goal is not Goal.none and under.status in (
        Status.achieved,
        Status.not_achieved,
        Status.undetermined,
    ):
        if under.status is Status.undetermined:
            status = t("under_undetermined", lang)
        elif under.status is ind.status:
            status = t(f"under_same_{under.status.value}", lang)
        else:
            status = t(f"under_{under.status.value}", lang)
    joined = f" {t('and', lang)} ".join(corrections)
    if ranged and low is not None and high is not None and pct_text(low, lang) != pct_text(high, lang):
        return t(
            "corrected_range",
            lang,
            corrections=joined,
            low=pct_text(low, lang),
            high=pct_text(high, lang),
            status=status,
        )
    return t(
        "corrected_point", lang, corrections=joined, change=pct_text(under.change_pct, lang), status=status
    )


def _not_correctable(ind: IndicatorResult, lang: Lang) -> list[str]:
    return [
        t(
            "not_correctable",
            lang,
            period=period_words(str(n.params.get("period", "")), lang),
            rows=number(int(n.params.get("rows", 0)), 0, lang),
        )
        for n in ind.notes
        if n.code == "samenloop_not_correctable"
    ]


def _not_judged(ind: IndicatorResult, ctx: Context, noun: Noun | None) -> str:
    """The one sentence of an incomplete or missing figure: which periods and how much is covered."""
    lang = ctx.lang
    labels = [ctx.baseline, ctx.period]
    if ind.status is Status.no_data:
        missing = [
            p for p in labels if ind.values.get(p) is None or (ind.coverage.get(p) or 0) == 0
        ] or labels
        sentence = t("no_data", lang, periods=_join([period_words(p, lang) for p in missing], lang))
    else:
        partial = [p for p in labels if (ind.coverage.get(p) is not None and (ind.coverage[p] or 0) < 1)]
        shown = [
            t(
                "covered",
                lang,
                period=period_words(p, lang),
                pct=pct_text(100 * (ind.coverage[p] or 0), lang).lstrip("+"),
            )
            for p in partial
        ] or [period_words(p, lang) for p in labels]
        sentence = t("incomplete", lang, periods=_join(shown, lang))
    return t("no_data_label", lang, label=ind.label, sentence=sentence[:1].lower() + sentence[1:])


def _join(items: Sequence[str], lang: Lang) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('and', lang)} {items[-1]}"


# --- a whole comparison ------------------------------------------------------------------------------


def plan_nouns(result: CompareResult, plan: LoadedPlan | None = None) -> dict[str, Noun]:
    """Indicator id -> its noun from the plan: ``plan`` when given, else the comparison's plan file
    when it is still the file compared (same sha256); none otherwise (the sentences name labels)."""
    if plan is None:
        from veilcli.domain.plans import load_plan

        path = Path(result.plan_file)
        try:
            plan = load_plan(path) if path.is_file() else None
        except VeilcliError:
            plan = None
        if plan is None or plan.sha256 != result.plan_sha256:
            return {}
    return {i.id: i.noun for i in plan.plan.indicators if i.noun is not None}


def sentences(
    result: CompareResult, lang: Lang = "nl", nouns: Mapping[str, Noun] | None = None
) -> dict[str, list[str]]:
    """Indicator id -> its sentences in ``lang`` (nouns: ``plan_nouns`` of the result by default)."""
    nouns = plan_nouns(result) if nouns is None else nouns
    ctx = Context(result.area, result.period, result.baseline, lang)
    return {i.id: indicator_sentences(i, ctx, nouns.get(i.id)) for i in result.indicators}


def paragraph(
    result: CompareResult, ind: IndicatorResult, lang: Lang = "nl", nouns: Mapping[str, Noun] | None = None
) -> str:
    """One indicator's sentences as one paragraph (the HTML report, the workbook)."""
    nouns = plan_nouns(result) if nouns is None else nouns
    ctx = Context(result.area, result.period, result.baseline, lang)
    return " ".join(indicator_sentences(ind, ctx, nouns.get(ind.id)))


def source_line(records: Sequence[SourceRecord], lang: Lang = "nl") -> str:
    """ "Bron: Politie, open data (a.csv); b.xlsx": publishers of recognised formats with their files,
    files of canonical tables by name, in the order of their names ("" without sources)."""
    groups: dict[str | None, list[str]] = {}
    publishers = catalogue(lang)["publisher"]
    for record in sorted(records, key=lambda r: (Path(r.path).name, r.sheet or "")):  # any ingest order
        key = publishers.get(record.source_format or "")
        name = Path(record.path).name + (f" [{record.sheet}]" if record.sheet else "")
        if name not in groups.setdefault(key, []):
            groups[key].append(name)
    parts = [f"{key} ({', '.join(files)})" for key, files in groups.items() if key is not None]
    parts += groups.get(None, [])
    return t("source", lang, sources="; ".join(parts)) if parts else ""


def feeding_sources(
    frames: Mapping[Kind, pl.LazyFrame],
    records: Sequence[SourceRecord],
    result: CompareResult,
    plan: LoadedPlan,
) -> dict[str, list[SourceRecord]]:
    """Indicator id -> the stored sources with rows for its area, categories and periods (of the kind
    that feeds its figure): the "Bron" line names these. ``frames``: the store's scan per kind."""
    from veilcli.domain.classification import to_category

    start, end = parse_period(result.periods[0]).start, parse_period(result.periods[-1]).last_day
    found: dict[Kind, pl.DataFrame] = {}
    for kind in REGISTRATION_LEVEL:
        if kind in frames:
            rows = frames[kind].filter(
                (pl.col("municipality") == result.area) & pl.col("date").is_between(start, end)
            )
            found[kind] = (
                to_category(rows.select("source_id", "category_code"))
                .group_by("source_id", "category")
                .agg()
                .collect()
            )
    if Kind.counts in frames:  # police counts feed the benchmarks too
        areas = [result.area, *(a for b in plan.plan.benchmarks for a in b.areas)]
        found[Kind.counts] = (
            frames[Kind.counts]
            .filter(pl.col("area").is_in(areas) & pl.col("period").is_in(result.periods))
            .group_by("source_id", pl.col("category_code").alias("category"))
            .agg()
            .collect()
        )
    plan_indicators = {i.id: i for i in plan.plan.indicators}
    out: dict[str, list[SourceRecord]] = {}
    for ind in result.indicators:
        spec = plan_indicators.get(ind.id)
        table = found.get(Kind(ind.source)) if ind.source in {k.value for k in found} else None
        if spec is None or table is None:
            continue
        wanted = set(expand_categories(spec.categories)) | set(spec.categories)
        if ALL_CRIMES in spec.categories:
            wanted.add(TOTAL_CRIME_CODE)
        ids = set(table.filter(pl.col("category").is_in(sorted(wanted)))["source_id"].to_list())
        benchmarked = any(v is not None for b in ind.benchmarks.values() for v in b.values.values())
        if ind.source != Kind.counts.value and Kind.counts in found and benchmarked:  # their counts
            counted = found[Kind.counts].filter(pl.col("category").is_in(sorted(wanted)))
            ids |= set(counted["source_id"].to_list())
        out[ind.id] = [r for r in records if r.id in ids]  # in the order they were ingested
    return out


def text_document(
    result: CompareResult,
    lang: Lang = "nl",
    nouns: Mapping[str, Noun] | None = None,
    sources: Mapping[str, Sequence[SourceRecord]] | None = None,
) -> str:
    """The comparison as plain paragraphs for a council document: a title, a markdown heading per
    theme, per indicator its name, its sentences and a "Bron:" line from the sources that feed it."""
    nouns = plan_nouns(result) if nouns is None else nouns
    said = sentences(result, lang, nouns)
    title = t(
        "text_title",
        lang,
        plan=result.plan,
        area=result.area,
        period=period_words(result.period, lang),
        baseline=period_words(result.baseline, lang),
    )
    lines = [f"# {title}", ""]
    for theme in sorted({i.theme for i in result.indicators}):
        label = result.themes.get(theme, "")
        heading = (
            word("h_theme", lang, number=theme, label=label)
            if label
            else word("h_theme_bare", lang, number=theme)
        )
        lines += [f"## {heading}", ""]
        for ind in (i for i in result.indicators if i.theme == theme):
            lines += [f"**{ind.label}**", "", " ".join(said[ind.id]), ""]
            line = source_line((sources or {}).get(ind.id, []), lang)
            if line:
                lines += [line, ""]
    return "\n".join(lines).rstrip() + "\n"

"""`compare`: the plan's indicators in the period versus the baseline, with goals and benchmarks.

Registered figures are the headline (DESIGN §2): ``counts``, ``values``, ``change_pct``,
``status`` and ``p_value`` are what the police registered. The corrections give the
``underlying`` figure beside it: samenloop as a point, the internet correction as a range, with
its own status. A figure whose sources cover only part of its period is ``incomplete``; one no
source covers is ``no_data``. Every qualification is a structured note from ``notes.py``.

``compare(...)`` returns a ``CompareResult`` (pydantic); ``--format json`` prints exactly its
dump, so scripts and the Python API see the same thing.
"""

from __future__ import annotations

import difflib
from typing import Any

import polars as pl

from veilcli.analysis.goals import (
    SIGNIFICANCE_LEVEL,
    Status,
    change_pct,
    range_status,
    rate_p_value,
    status,
    too_few_to_judge,
)
from veilcli.analysis.indicators import (
    Point,
    Tables,
    indicator_points_many,
    missing_population,
    period_days,
    population_table,
    series_many,
)
from veilcli.analysis.normalise import (
    aggregate_counts,
    aggregate_registrations,
    aggregate_suspects,
    correct_registrations,
    counts_for,
    rollup_parts,
)
from veilcli.analysis.results.compare import (
    DISTRICT_UNKNOWN,
    BenchmarkResult,
    CompareResult,
    Corrections,
    DistrictResult,
    IndicatorResult,
    PreviousYear,
    SamenloopMethod,
    Underlying,
    Values,
)
from veilcli.analysis.selection import Resolved, comparison_periods, has_survey_figure
from veilcli.analysis.shared import NORMALISED_REGISTRATION_COLUMNS, SharedGroupings, registration_rows
from veilcli.analysis.survey import SURVEY_SCHEMA, evaluate, survey_rows
from veilcli.domain.choices import CompareBy, Kind, Territory
from veilcli.domain.classification import TOTAL_CRIME_CODE, to_category
from veilcli.domain.coverage import Span, infer_scope, infer_span, rollup_coverage, spans
from veilcli.domain.geography import area_lookup, predecessors, splits, territory_members
from veilcli.domain.kinds import REGISTRATION_LEVEL
from veilcli.domain.language import Lang
from veilcli.domain.notes import Note, merge_benchmark_notes, note
from veilcli.domain.periods import Period, PeriodUnit, parse_period
from veilcli.domain.plans import (
    ALL_CRIMES,
    Benchmark,
    Goal,
    Indicator,
    LoadedPlan,
    expand_categories,
    plan_line,
)
from veilcli.domain.rules import Rules
from veilcli.domain.units import Unit
from veilcli.errors import InputError, UsageError
from veilcli.store.snapshot import Snapshot

SMALL_NUMBER = 10  # fewer registrations, suspects or counted cases in a period: the change says little
# Why the internet correction did not apply to a row (normalise's internet_status) -> the note.
INTERNET_NOTES = {
    "no_channel": "no_channel_data",  # the period lacks channels
    "no_channel_baseline": "no_channel_in_baseline",  # the period has them, the baseline not
    "no_online_baseline": "no_online_in_baseline",
    "all_online_baseline": "all_online_in_baseline",
}


def source_spans(snapshot: Snapshot, kind: Kind) -> list[Span]:
    """Spans of a kind's sources; sources stored before veilcli recorded their scope, areas or gaps
    get them inferred from their rows (``coverage.infer_scope``, ``coverage.infer_span``)."""
    sources = snapshot.sources(kind)
    old = [s.id for s in sources if s.scope is None or s.areas is None or s.gaps is None]
    if old:
        rows = to_category(
            snapshot.scan(kind)
            .filter(pl.col("source_id").is_in(old))
            .select("source_id", "category_code", "municipality", "date")
        ).collect()
        scopes = {
            key[0]: infer_scope(dict(part.group_by("category").len().iter_rows()))
            for key, part in rows.partition_by("source_id", as_dict=True).items()
        }
        areas = rows.group_by("source_id").agg(pl.col("municipality").unique())
        found_areas = {r[0]: sorted(a for a in r[1] if a) for r in areas.iter_rows()}
        monthly = rows.group_by("source_id", pl.col("date").dt.truncate("1mo").alias("month")).agg(
            pl.len(), pl.col("date").min().alias("first"), pl.col("date").max().alias("last")
        )
        inferred_spans = {
            key[0]: infer_span(
                part["first"].min(),  # type: ignore[arg-type]
                part["last"].max(),  # type: ignore[arg-type]
                dict(zip(part["month"].to_list(), part["len"].to_list(), strict=True)),
            )
            for key, part in monthly.drop_nulls("month").partition_by("source_id", as_dict=True).items()
        }
        updated = []
        for s in sources:
            update: dict[str, object] = {}
            if s.scope is None:
                update["scope"] = scopes.get(s.id, [])
            if s.areas is None:
                update["areas"] = found_areas.get(s.id, [])
            if s.gaps is None and s.id in inferred_spans:
                start, end, gaps = inferred_spans[s.id]
                update["gaps"] = gaps
                if not s.covers_declared:
                    update["covers_from"], update["covers_to"] = start, end
            updated.append(s.model_copy(update=update))
        sources = updated
    return spans(sources, kind, {})


def build_tables(
    snapshot: Snapshot,
    areas: list[str],
    rules: Rules,
    unit: PeriodUnit,
    labels: list[str],
    plan: LoadedPlan,
    by_district_of: str | None,
    shared: SharedGroupings | None = None,
) -> Tables:
    """Normalise everything the comparison needs once: registrations, counts, suspects per age range.

    ``shared``: the registrations and suspects grouped for another analysis of the same snapshot,
    reused where they are of the same rows (``analysis/shared.py``; not for districts)."""
    baseline = labels[0]
    suspects_scan = snapshot.scan(Kind.suspects)
    where = (
        pl.col("municipality") == by_district_of if by_district_of else pl.col("municipality").is_in(areas)
    )
    suspects_scan = suspects_scan.filter(where)
    if by_district_of:
        registrations = (
            snapshot.scan(Kind.registrations)
            .filter(where)
            .select(*NORMALISED_REGISTRATION_COLUMNS, "district")
            .with_columns(pl.col("district").fill_null(DISTRICT_UNKNOWN))
        )
        regs = aggregate_registrations(
            registrations, rules, unit=unit, baseline=baseline, area_column="district", periods=labels
        )
    elif shared is not None:
        grouped = shared.registrations(areas, rules, unit, labels)
        regs = correct_registrations(grouped, rules, baseline=baseline, periods=labels)
    else:
        regs = aggregate_registrations(
            registration_rows(snapshot, areas), rules, unit=unit, baseline=baseline, periods=labels
        )
    years = sorted({label[:4] for label in labels})  # a source stored in parts: only these years are read
    stored = snapshot.scan(Kind.counts, years=[int(y) for y in years]).filter(
        pl.col("period").str.slice(0, 4).is_in(years)
    )
    own_counts = counts_for(stored, areas)
    counts = aggregate_counts(own_counts, rules, unit=unit, baseline=baseline)
    parts = rollup_parts(own_counts, unit)
    suspects = {}
    for indicator in plan.plan.indicators:
        if indicator.kind is Kind.suspects and indicator.age not in suspects:
            if shared is not None and not by_district_of:
                suspects[indicator.age] = shared.suspects(areas, rules, unit, indicator.age)
                continue
            age = pl.col("age").is_between(*indicator.age) if indicator.age else None
            suspects[indicator.age] = aggregate_suspects(suspects_scan, rules, unit=unit, where=age)
    span_area = {}
    if by_district_of:
        span_area = {d: by_district_of for d in regs["area"].unique().to_list() if d is not None}
        counts = counts.clear()  # police counts are per municipality, never per district here
    return Tables(
        registrations=regs,
        counts=counts,
        suspects=suspects,
        population=population_table(snapshot.scan(Kind.population)),
        registration_spans=source_spans(snapshot, Kind.registrations),
        suspect_spans=source_spans(snapshot, Kind.suspects),
        span_area=span_area,
        rollup_parts=parts if not by_district_of else parts.clear(),
    )


def _require_baseline_before(chosen: Period, baseline: int) -> None:
    if baseline >= chosen.year:
        raise UsageError(
            f"the period {chosen} lies in or before the baseline year {baseline}: nothing to compare.",
            hint=f"pass a later --period, or an earlier --baseline (e.g. --baseline {chosen.year - 1}).",
        )


def _require_data(tables: Tables, area: str, labels: list[str], snapshot: Snapshot) -> None:
    """The area must have some data in both the baseline and the period, else the table is empty."""
    for label in (labels[0], labels[-1]):
        start, last = period_days(label)
        spans_ = [*tables.registration_spans, *tables.suspect_spans]
        touching = any(
            (s.areas is None or area in s.areas) and s.start <= last and s.end >= start for s in spans_
        )
        has_counts = bool(tables.categories_at("counts", area, label))
        if not touching and not has_counts and not has_survey_figure(snapshot, area, label):
            raise UsageError(
                f"the store has no data for {area} in {label}: a comparison would be empty.",
                hint=f"the store holds: {snapshot.holdings()}. Ingest data for {label}, or choose "
                "--period/--baseline within what is stored.",
            )


def _check_benchmarks(tables: Tables, snapshot: Snapshot, plan: LoadedPlan) -> None:
    """A benchmark area that is neither a known area nor stored is a plan error (a typo). A known
    benchmark without stored data is not: its figures are a note (``benchmark_no_data``), since a
    store built from one municipality's downloads holds no benchmark at all."""
    stored = set(tables.population["area"].to_list()) | set(tables.counts["area"].unique().to_list())
    for s in snapshot.sources():
        stored |= set(s.areas or [])
    known = set(area_lookup().values())
    for index, bench in enumerate(plan.plan.benchmarks):
        unknown = [a for a in bench.areas if a not in known and a not in stored]
        if unknown:
            nearest = difflib.get_close_matches(unknown[0], sorted(known | stored), n=3)
            raise InputError(
                f"{plan_line(plan, 'benchmarks', index)}: benchmark {bench.name!r}: "
                f"{', '.join(unknown[:6])} is neither a known area nor in the store.",
                hint=(f"did you mean {', '.join(nearest)}? " if nearest else "")
                + "check the spelling (a name or CBS code such as GM0034 or RE03), or ingest its data.",
            )


def territories(
    areas: list[str], periods: list[Period], mode: Territory | str = Territory.auto
) -> dict[str, dict[str, list[str]]]:
    """Per area and period label, the municipalities whose data make up the area (``geography``'s
    rule: the territory of the time, or across a merger the territory at the comparison's end)."""
    starts, end = [p.start for p in periods], periods[-1].last_day
    labels = [str(p) for p in periods]
    return {
        a: dict(zip(labels, territory_members(a, starts, end, Territory(mode)), strict=True))
        for a in dict.fromkeys(areas)
    }


def compare(snapshot: Snapshot, selection: Resolved, shared: SharedGroupings | None = None) -> CompareResult:
    """Compute every indicator of the plan for the period vs the baseline, with benchmarks (each
    area on the territory the selection says: see ``geography.territory_members``); ``shared``: the
    registrations and suspects grouped once for this and other analyses of the snapshot
    (``analysis/shared.py``)."""
    loaded_plan, asked = selection.plan, selection.selection
    plan = loaded_plan.plan
    loaded_rules, rules = selection.loaded_rules, selection.rules
    raw, lang, territory, theme = asked.raw, asked.lang, asked.territory, asked.theme
    chosen = selection.period
    base_year = selection.baseline
    _require_baseline_before(chosen, base_year)
    periods = comparison_periods(chosen, base_year)
    labels = [str(p) for p in periods]
    area = selection.area
    indicators = [i for i in plan.indicators if theme is None or i.theme == theme]
    if not indicators:
        raise UsageError(
            f"the plan has no indicators in theme {theme}.",
            hint=f"themes: {', '.join(str(t.number) for t in plan.themes)}",
        )
    bench_areas = [a for b in plan.benchmarks for a in b.areas]
    members = territories([area, *bench_areas], periods, territory)
    wanted = list(dict.fromkeys(m for by_label in members.values() for ms in by_label.values() for m in ms))
    tables = build_tables(snapshot, wanted, rules, chosen.unit, labels, loaded_plan, None, shared)
    _require_data(tables, area, labels, snapshot)
    _check_benchmarks(tables, snapshot, loaded_plan)
    context = Evaluator(tables, labels, loaded_plan, rules, raw, lang, members=members)
    context.territory = territory
    if any(i.kind is Kind.survey for i in indicators):
        context.survey_rows = survey_rows(snapshot)
    context.prefetch(indicators, [[area]], with_benchmarks=True)
    results = [context.indicator(i, [area], with_benchmarks=True) for i in indicators]
    districts = None
    if asked.by is CompareBy.district:
        districts = _districts(snapshot, area, rules, chosen.unit, labels, loaded_plan, indicators, raw, lang)
    return CompareResult(
        plan=plan.name,
        plan_file=str(loaded_plan.path),
        plan_sha256=loaded_plan.sha256,
        rules_file=str(loaded_rules.path),
        rules_sha256=loaded_rules.sha256,
        area=area,
        period=str(chosen),
        baseline=labels[0],
        periods=labels,
        normalisation={"samenloop": rules.samenloop.enabled, "internet": rules.internet.enabled},
        significance_note=(
            f"p-values: two-sided exact test of equal rates (conditional binomial), period vs {labels[0]}, "
            f"on the registered counts; p >= {SIGNIFICANCE_LEVEL} means the change is within chance. "
            "Corrected (underlying) figures are modelled and get a range, not a p-value."
            + (
                " Survey indicators: a two-sided z-test instead, on the published 95% intervals or on two "
                "proportions (survey.test says which)."
                if any(i.kind is Kind.survey for i in indicators)
                else ""
            )
        ),
        themes={t.number: t.label for t in plan.themes},
        indicators=results,
        districts=districts,
    )


class Evaluator:
    """Evaluates indicators over one set of periods (shared by compare and trend)."""

    def __init__(
        self,
        tables: Tables,
        labels: list[str],
        plan: LoadedPlan,
        rules: Rules,
        raw: bool,
        lang: Lang,
        districts: bool = False,
        members: dict[str, dict[str, list[str]]] | None = None,
    ) -> None:
        self.districts = districts  # districts have no merger history: each is its own territory
        # area -> period -> the municipalities that make it up (``territories``); absent: the area alone
        self.members = members or {}
        self.territory = Territory.auto
        self._rollup_cache: dict[str, dict[tuple[str, str], tuple[float, list[str]]]] = {}
        # What ``prefetch`` counted, and what was asked before: (indicator, areas) -> area -> member
        # -> points; (indicator, the points' identities) -> the series over them.
        self._per_area: dict[tuple[int, tuple[str, ...]], dict[str, dict[str, list[Point]]]] = {}
        self._series: dict[tuple[int, tuple[tuple[str, tuple[int, ...]], ...]], pl.DataFrame] = {}
        self.survey_rows: pl.DataFrame | None = None  # survey figures, when the plan has survey indicators
        self.municipality: str | None = None  # the area whose districts these are (survey rows may say)
        self.tables, self.labels, self.plan, self.rules, self.raw, self.lang = (
            tables,
            labels,
            plan,
            rules,
            raw,
            lang,
        )

    def note(self, code: str, **params: object) -> Note:
        return note(code, self.lang, **params)

    def series(self, indicator: Indicator, areas: list[str]) -> pl.DataFrame:
        """The indicator per period over the areas' territory: counts and values at every step."""
        return self._series_of(indicator, self._points(indicator, areas))

    def prefetch(
        self, indicators: list[Indicator], area_sets: list[list[str]], with_benchmarks: bool
    ) -> None:
        """Count, in one query for the points and one for the series, what ``indicator`` and
        ``series`` will ask for: each of ``indicators`` over each of ``area_sets`` and (with
        ``with_benchmarks``) over each benchmark the plan compares it with. A query per figure cost
        ~1.5 ms, ~0.1 s a comparison of a dozen indicators; the figures are the same either way."""
        counted = [i for i in indicators if i.kind is not Kind.survey]
        own = [(i, areas) for i in counted for areas in area_sets]
        pooled = [(i, b.areas) for i in counted if with_benchmarks for b in self._benchmarks_of(i)]
        self._count_points([*own, *pooled])
        self._count_series(
            [(i, self._points(i, a)) for i, a in own] + [(i, self._pooled(i, a)[0]) for i, a in pooled]
        )

    def _count_points(self, asked: list[tuple[Indicator, list[str]]]) -> None:
        """The points of each (indicator, areas) not counted yet, in one query."""
        todo = {(id(i), tuple(areas)): (i, areas) for i, areas in asked}
        todo = {key: pair for key, pair in todo.items() if key not in self._per_area}
        if not todo:
            return
        ats = {key: self._at(areas) for key, (_, areas) in todo.items()}
        requests = [(i, [(member, label) for _, label, member in ats[key]]) for key, (i, _) in todo.items()]
        counted = indicator_points_many(self.tables, requests)
        for (key, (indicator, areas)), points in zip(todo.items(), counted, strict=True):
            self._per_area[key] = self._placed(indicator, areas, ats[key], points)

    def _count_series(self, asked: list[tuple[Indicator, dict[str, list[Point]]]]) -> None:
        """The series over each (indicator, points) not counted yet, in one query."""
        todo = {_series_key(i, points): (i, points) for i, points in asked}
        todo = {key: request for key, request in todo.items() if key not in self._series}
        if not todo:
            return
        for key, frame in zip(todo, series_many(self.tables, list(todo.values())), strict=True):
            self._series[key] = frame

    def _series_of(self, indicator: Indicator, points: dict[str, list[Point]]) -> pl.DataFrame:
        """``indicators.series_many`` of these points (counted once: ``prefetch``)."""
        self._count_series([(indicator, points)])
        return self._series[_series_key(indicator, points)]

    def _benchmarks_of(self, indicator: Indicator) -> list[Benchmark]:
        """The plan's benchmarks this indicator is compared with."""
        return [
            bench
            for bench in self.plan.plan.benchmarks
            if indicator.benchmarks is None or bench.name in indicator.benchmarks
        ]

    def indicator(self, indicator: Indicator, areas: list[str], with_benchmarks: bool) -> IndicatorResult:
        if indicator.kind is Kind.survey:
            return self._survey(indicator, areas[0])
        labels = self.labels
        points = self._points(indicator, areas)
        rows = {r["period"]: r for r in self._series_of(indicator, points).to_dicts()}
        base, now = rows[labels[0]], rows[labels[-1]]
        coverage = {p: rows[p]["coverage"] for p in labels}
        registered = self._status(indicator.goal, now["raw_value"], base["raw_value"], coverage)
        judged = registered not in (Status.no_data, Status.incomplete)
        few = (
            judged
            and self.districts
            and too_few_to_judge(now["raw"], now["denominator"], base["raw"], base["denominator"])
        )
        if few:  # a district's handful of registrations: no verdict either way (``goals.too_few_to_judge``)
            registered = Status.too_few
        p_value = None
        if judged and indicator.unit is not Unit.count:
            p_value = rate_p_value(now["raw"], now["denominator"], base["raw"], base["denominator"])
        own = [p for ps in points.values() for p in ps]
        underlying = None if self.raw else self._underlying(indicator, rows, registered, own)
        notes = self._notes(indicator, areas, points, underlying)
        if few:
            notes = self._too_few_notes(indicator, notes, base["raw"], now["raw"])
        benchmarks = {}
        if with_benchmarks:
            # A benchmark the plan does not compare this indicator with: no figures, no note.
            for bench in self._benchmarks_of(indicator):
                benchmarks[bench.name] = self._benchmark(
                    indicator, bench.name, bench.areas, notes, underlying
                )
            notes = merge_benchmark_notes(notes, self.lang)  # once per indicator, naming the benchmarks
        for found in benchmarks.values():
            found.level_pct = _level_pct(indicator, now["raw_value"], found.values[labels[-1]])
        current = points[areas[0]][-1].feed.source
        return IndicatorResult(
            id=indicator.id,
            theme=indicator.theme,
            label=indicator.label,
            unit=indicator.unit,
            goal=indicator.goal,
            counts={p: rows[p]["raw"] for p in labels},
            values={p: rows[p]["raw_value"] for p in labels},
            change_pct=change_pct(now["raw_value"], base["raw_value"]) if judged else None,
            count_change=_minus(now["raw"], base["raw"]) if judged else None,
            previous=self._previous(indicator, rows, coverage),
            status=registered,
            p_value=p_value,
            significant=None if p_value is None else p_value < SIGNIFICANCE_LEVEL,
            coverage=coverage,
            source=current,
            underlying=underlying,
            benchmarks=benchmarks,
            notes=notes,
        )

    def _too_few_notes(
        self, indicator: Indicator, notes: list[Note], baseline_count: float, count: float
    ) -> list[Note]:
        """The one note of a figure too small to judge, in place of the notes it makes moot: each
        period's small number, and a zero baseline's "the status compares the values"."""
        moot = {"small_numbers", "zero_baseline", "zero_baseline_no_decrease"}
        counted = "counts" if indicator.kind is Kind.counts else indicator.kind.value
        few = self.note(
            "too_few_to_judge",
            baseline=self.labels[0],
            baseline_count=round(baseline_count),
            period=self.labels[-1],
            count=round(count),
            counted=counted,
        )
        return [few, *(n for n in notes if n.code not in moot)]

    def _previous(
        self, indicator: Indicator, rows: dict[str, dict[str, Any]], coverage: Values
    ) -> PreviousYear | None:
        """The registered change against the comparison's previous period (the same part of the
        previous year), judged on whole periods only, with its own exact test."""
        if len(self.labels) < 2:
            return None
        then_label = self.labels[-2]
        now, then = rows[self.labels[-1]], rows[then_label]
        whole = (coverage[then_label] or 0) >= 1 and (coverage[self.labels[-1]] or 0) >= 1
        change = change_pct(now["raw_value"], then["raw_value"]) if whole else None
        p_value = None
        if whole and indicator.unit is not Unit.count and now["raw"] is not None and then["raw"] is not None:
            p_value = rate_p_value(now["raw"], now["denominator"], then["raw"], then["denominator"])
        return PreviousYear(
            period=then_label,
            change_pct=change,
            count_change=_minus(now["raw"], then["raw"]) if whole else None,
            p_value=p_value,
            significant=None if p_value is None else p_value < SIGNIFICANCE_LEVEL,
        )

    def _survey(self, indicator: Indicator, area: str) -> IndicatorResult:
        """A survey indicator (``analysis/survey.py``): survey figures, the survey test, no benchmarks."""
        rows = self.survey_rows if self.survey_rows is not None else pl.DataFrame(schema=SURVEY_SCHEMA)
        found = evaluate(rows, indicator, area, self.labels, self.lang, self.municipality)
        return IndicatorResult(
            id=indicator.id,
            theme=indicator.theme,
            label=indicator.label,
            unit=indicator.unit,
            goal=indicator.goal,
            counts=dict.fromkeys(self.labels),
            values=found.values,
            change_pct=None,
            status=found.status,
            p_value=found.p_value,
            significant=found.significant,
            coverage=found.coverage,
            source="survey",
            underlying=None,
            benchmarks={},
            notes=found.notes,
            survey=found.result,
        )

    def _rollups(self, indicator: Indicator) -> dict[tuple[str, str], tuple[float, list[str]]]:
        """(area, period) -> (covered share of the parts, the missing parts) of the counts summed from
        wijken and buurten whose parts differ between the periods (``coverage.rollup_coverage``)."""
        if indicator.id not in self._rollup_cache:
            found = rollup_coverage(self.tables.rollup_parts, rollup_codes(indicator), self.labels)
            self._rollup_cache[indicator.id] = {
                (r["area"], r["period"]): (r["coverage"], r["missing"]) for r in found.to_dicts()
            }
        return self._rollup_cache[indicator.id]

    def members_of(self, area: str, label: str) -> list[str]:
        """The municipalities whose data make up ``area`` in period ``label``."""
        return self.members.get(area, {}).get(label, [area])

    def _points(self, indicator: Indicator, areas: list[str]) -> dict[str, list[Point]]:
        """Each area's points per period, over its territory (``territories``): in a period before a
        merger within the comparison, the municipalities that merged into it are added. A merged
        member that no source covers, or without the denominator, is a missing part: left out of
        the sums, and the figure is incomplete (never no_data for the data that are there)."""
        points: dict[str, list[Point]] = {}
        for by_member in self._points_per_area(indicator, areas).values():
            for member, found in by_member.items():
                points.setdefault(member, []).extend(found)
        return points

    def _points_per_area(self, indicator: Indicator, areas: list[str]) -> dict[str, dict[str, list[Point]]]:
        """``_points`` of each area on its own, all counted in one query (or by ``prefetch``)."""
        self._count_points([(indicator, areas)])
        return self._per_area[(id(indicator), tuple(areas))]

    def _at(self, areas: list[str]) -> list[tuple[str, str, str]]:
        """(area, period, member) of each point the areas' figures sum, area by area."""
        return [
            (area, label, member)
            for area in dict.fromkeys(areas)
            for label in self.labels
            for member in self.members_of(area, label)
        ]

    def _placed(
        self, indicator: Indicator, areas: list[str], at: list[tuple[str, str, str]], found: list[Point]
    ) -> dict[str, dict[str, list[Point]]]:
        """The points counted at ``at`` by area and member, each qualified by what covers it."""
        column = indicator.unit.denominator
        populated = self.tables.populated(column) if column is not None else frozenset()
        rollups = self._rollups(indicator)
        points: dict[str, dict[str, list[Point]]] = {area: {} for area in areas}
        for (area, label, member), point in zip(at, found, strict=True):
            partial = rollups.get((member, label))
            if partial is not None and point.feed.source == "counts":
                point.feed.coverage = min(point.feed.coverage, partial[0])
                point.rollup_missing = partial[1]
            if member != area:
                unpopulated = column is not None and (member, parse_period(label).year) not in populated
                point.missing_part = not point.feed.fed or unpopulated
            points.setdefault(area, {}).setdefault(member, []).append(point)
        return points

    def _pooled(
        self, indicator: Indicator, areas: list[str]
    ) -> tuple[dict[str, list[Point]], list[str], list[str]]:
        """A benchmark's points by member; its areas with nothing stored; and, in a pooled group, the
        members left out: only members with a figure in the baseline and the period pool, so that
        both are of the same members (the others are named)."""
        labels = self.labels
        per_area = self._points_per_area(indicator, areas)
        empty = [a for a, ps in per_area.items() if all(not p.feed.fed for p in ps.get(a, []))]
        lacking: list[str] = []
        if len(per_area) > 1:
            ends = (labels[0], labels[-1])
            years = sorted({parse_period(e).year for e in ends})
            lacking = [
                a
                for a, ps in per_area.items()
                if a not in empty
                and (
                    not _complete(ps.get(a, []), ends)
                    or missing_population(self.tables, indicator, [(a, y) for y in years])
                )
            ]
            kept = {a: ps for a, ps in per_area.items() if a not in empty and a not in lacking}
            per_area = kept or per_area
        return {m: ps for by_member in per_area.values() for m, ps in by_member.items()}, empty, lacking

    def _status(self, goal: Goal, value: float | None, baseline: float | None, coverage: Values) -> Status:
        return figure_status(goal, value, baseline, coverage[self.labels[0]], coverage[self.labels[-1]])

    def _underlying(
        self, indicator: Indicator, rows: dict[str, dict], registered: Status, points: list[Point]
    ) -> Underlying:
        labels = self.labels
        base, now = rows[labels[0]], rows[labels[-1]]
        point = change_pct(now["after_samenloop_value"], base["after_samenloop_value"])
        bound = change_pct(now["corrected_value"], base["after_samenloop_value"])
        internet = any(p.internet_since is not None for p in points)
        ends = sorted(x for x in (bound, point) if x is not None)
        change_range = (ends[0], ends[-1]) if len(ends) == 2 else (point, point)
        if registered in (Status.no_data, Status.incomplete, Status.too_few) or indicator.goal is Goal.none:
            state = registered
        else:
            state = range_status(
                indicator.goal,
                now["corrected_value"],
                now["after_samenloop_value"],
                base["after_samenloop_value"],
            )
        judged = registered not in (Status.no_data, Status.incomplete)
        return Underlying(
            counts={p: rows[p]["after_samenloop"] for p in labels},
            values={p: rows[p]["after_samenloop_value"] for p in labels},
            change_pct=point if judged else None,
            change_pct_range=change_range if judged else (None, None),
            status=state,
            corrections=Corrections(
                samenloop=_samenloop_method(points, self.rules), internet="range" if internet else "none"
            ),
            effects={
                p: {
                    "samenloop": _minus(rows[p]["after_samenloop"], rows[p]["raw"]),
                    "internet": _minus(rows[p]["corrected"], rows[p]["after_samenloop"]),
                }
                for p in labels
            },
        )

    def _notes(
        self,
        indicator: Indicator,
        areas: list[str],
        points: dict[str, list[Point]],
        underlying: Underlying | None,
    ) -> list[Note]:
        """Every qualification of one indicator's figures, each once."""
        all_points = [p for ps in points.values() for p in ps]
        notes = self._population_notes(indicator, areas)
        notes += self._territory_notes(areas, points)
        # Sizes are judged on the figure shown: the sum over a territory's members, not per member.
        totals: dict[str, float | None] = {}
        for p in all_points:
            if not p.missing_part:
                known = totals.get(p.period, 0.0)
                totals[p.period] = None if known is None or p.raw is None else known + p.raw
        for p in all_points:
            if not p.missing_part:  # a member left out is named by the territory notes
                notes += self._period_notes(indicator, areas, p, totals.get(p.period))
        notes += self._correction_notes(all_points, underlying)
        return _unique(notes)

    def _territory_notes(self, areas: list[str], points: dict[str, list[Point]]) -> list[Note]:
        """Periods added up over former municipalities, members no source covers; splits that changed
        the territory; a merger inside a comparison made with ``--territory then``."""
        if self.districts:
            return []
        notes: list[Note] = []
        first, last = parse_period(self.labels[0]), parse_period(self.labels[-1])
        until = str(last.last_day)
        for area in areas:
            merged_on = {p.name: p.merged_on for p in predecessors(area)}
            for label in self.labels:
                members = self.members_of(area, label)
                if len(members) > 1:
                    notes.append(
                        self.note(
                            "merged_territory",
                            period=label,
                            area=area,
                            members=", ".join([members[0], *sorted(members[1:])]),
                            until=until,
                        )
                    )
                missing = [
                    m
                    for m in members[1:]
                    if any(p.period == label and p.missing_part for p in points.get(m, []))
                ]
                own = [p for p in points.get(area, []) if p.period == label]
                if missing and any(p.feed.fed for p in own):  # else: no data at all
                    dates = ", ".join(sorted({str(merged_on[m]) for m in missing if m in merged_on}))
                    notes.append(
                        self.note(
                            "territory_member_uncovered",
                            period=label,
                            area=area,
                            members=", ".join(sorted(missing)),
                            date=dates,
                            until=until,
                        )
                    )
            if self.territory is Territory.then:
                inside = [p for p in predecessors(area) if first.start < p.merged_on <= last.last_day]
                if inside:
                    notes.append(
                        self.note(
                            "territory_differs",
                            area=area,
                            members=", ".join(p.name for p in inside),
                            date=", ".join(sorted({str(p.merged_on) for p in inside})),
                        )
                    )
            for split in splits(area):
                if first.start < split.split_on <= last.last_day:
                    notes.append(
                        self.note("boundary_split", area=area, former=split.name, date=str(split.split_on))
                    )
        return notes

    def _population_notes(self, indicator: Indicator, areas: list[str]) -> list[Note]:
        """A missing denominator; youths estimated from the CBS age bands."""
        notes: list[Note] = []
        years = sorted({parse_period(p).year for p in self.labels})
        pairs = list(
            dict.fromkeys(
                (m, parse_period(label).year)
                for a in areas
                for label in self.labels
                for m in self.members_of(a, label)
            )
        )
        missing = missing_population(self.tables, indicator, pairs)
        if missing:
            notes.append(
                self.note("no_population", denominator=indicator.unit.denominator, where=", ".join(missing))
            )
        if indicator.unit is Unit.per_1000_youths_12_24:
            estimated = self.tables.population.filter(
                pl.col("area").is_in(areas),
                pl.col("year").is_in(years),
                pl.col("youths_12_24_estimated").fill_null(False),
            )
            if estimated.height:
                where = ", ".join(
                    f"{r['area']} {r['year']}" for r in estimated.select("area", "year").to_dicts()
                )
                notes.append(self.note("estimated_youths", where=where))
        return notes

    def _period_notes(
        self, indicator: Indicator, areas: list[str], p: Point, total: float | None
    ) -> list[Note]:
        """What qualifies one period's figure: coverage, suppression, samenloop, channels, size, sources."""
        notes: list[Note] = []
        if p.feed.why_none:
            notes.append(
                self.note(p.feed.why_none, period=p.period, categories=", ".join(indicator.categories))
            )
        elif p.feed.coverage < 1 and not p.rollup_missing:
            covered_pct = p.feed.coverage * 100
            notes.append(
                self.note(
                    "incomplete_coverage", period=p.period, covered_pct=covered_pct, covered=p.feed.covered
                )
            )
        if p.rollup_missing:
            notes.append(
                self.note(
                    "rollup_parts_missing",
                    period=p.period,
                    parts=_listed(p.rollup_missing),
                    count=len(p.rollup_missing),
                )
            )
        if p.suppressed:
            notes.append(self.note("suppressed", period=p.period))
        if p.uncorrectable and self.rules.samenloop.enabled:
            since = str(self.rules.samenloop.since)
            notes.append(
                self.note(
                    "samenloop_not_correctable", period=p.period, rows=int(p.uncorrectable), since=since
                )
            )
        if p.channel_unknown and p.raw and p.internet_applicable:
            share_pct = p.channel_unknown / p.raw * 100
            notes.append(
                self.note(
                    "channel_unknown", period=p.period, rows=int(p.channel_unknown), share_pct=share_pct
                )
            )
        if total is not None and total < SMALL_NUMBER:
            # Police counts of registration categories are registrations too; tallies are "counted".
            counted = "counts" if indicator.kind is Kind.counts else indicator.kind.value
            notes.append(self.note("small_numbers", period=p.period, count=int(total), counted=counted))
        if p.period == self.labels[0] and total == 0 and len(self.labels) > 1:
            notes += self._zero_baseline_notes(indicator, areas)
        if p.feed.source == "registrations":
            codes = set(expand_categories(indicator.categories))
            if any(self.tables.categories_at("counts", area, p.period) & codes for area in areas):
                notes.append(self.note("counts_set_aside", period=p.period))
        return notes

    def _zero_baseline_notes(self, indicator: Indicator, areas: list[str]) -> list[Note]:
        """0 in a whole baseline: the change in % is undefined; against a decrease goal with 0 in the period
        too, the status is undetermined (``goals.status``). Only where the figure is otherwise judged."""
        rows = {r["period"]: r for r in self.series(indicator, areas).to_dicts()}
        base, now = rows[self.labels[0]], rows[self.labels[-1]]
        whole = (base["coverage"] or 0) >= 1 and (now["coverage"] or 0) >= 1
        if not whole or base["raw_value"] != 0 or now["raw_value"] is None:
            return []
        if status(indicator.goal, now["raw_value"], base["raw_value"]) is Status.undetermined:
            return [self.note("zero_baseline_no_decrease", baseline=self.labels[0], period=self.labels[-1])]
        return [self.note("zero_baseline", baseline=self.labels[0])]

    def _correction_notes(self, points: list[Point], underlying: Underlying | None) -> list[Note]:
        """Samenloop by factors; why the internet correction did not apply; its range where it did."""
        notes: list[Note] = []
        if any(p.samenloop_factors for p in points) and self.rules.samenloop.enabled:
            notes.append(self.note("samenloop_estimated"))
        where: dict[str, set[str]] = {}  # note code -> the periods it concerns
        for p in points:
            for issue in p.internet_issues:
                if issue in INTERNET_NOTES:
                    where.setdefault(INTERNET_NOTES[issue], set()).add(p.period)
        for code in sorted(where):
            periods = ", ".join(sorted(where[code], key=self.labels.index))
            if code == "no_channel_data":
                notes.append(self.note(code, periods=periods))
            elif code == "no_channel_in_baseline":
                notes.append(self.note(code, baseline=self.labels[0], periods=periods))
            else:
                notes.append(self.note(code, baseline=self.labels[0]))
        if underlying is not None and underlying.corrections.internet == "range":
            low, high = underlying.change_pct_range
            since = min(p.internet_since for p in points if p.internet_since is not None)
            if low is not None and high is not None:
                notes.append(self.note("internet_range", since=str(since), low_pct=low, high_pct=high))
        return notes

    def _benchmark(
        self,
        indicator: Indicator,
        name: str,
        areas: list[str],
        notes: list[Note],
        underlying: Underlying | None,
    ) -> BenchmarkResult:
        labels = self.labels
        points, empty, lacking = self._pooled(indicator, areas)
        if empty and len(dict.fromkeys(areas)) == 1:  # one area, nothing stored: the name says it all
            notes.append(self.note("benchmark_not_stored", benchmark=[name], areas=empty))
        elif empty:
            notes.append(self.note("benchmark_no_data", benchmark=name, areas=_listed(empty)))
        if lacking:
            notes.append(self.note("benchmark_members_left_out", benchmark=name, areas=_listed(lacking)))
        b = {r["period"]: r for r in self._series_of(indicator, points).to_dicts()}
        for label in labels:  # a suppressed part makes the benchmark's value unknown: say where
            hidden = [a for a, ps in points.items() if any(p.suppressed and p.period == label for p in ps)]
            if hidden:
                notes.append(
                    self.note("benchmark_suppressed", benchmark=name, period=label, areas=_listed(hidden))
                )
        method = _samenloop_method([p for ps in points.values() for p in ps], self.rules)
        # Only where the correction moved the area's figure: otherwise nothing is unlike.
        moved = underlying is not None and any(e["samenloop"] for e in underlying.effects.values())
        if underlying is not None and moved and not empty and method != underlying.corrections.samenloop:
            notes.append(
                self.note(
                    "benchmark_corrected_differently",
                    benchmark=name,
                    benchmark_method=method,
                    area=indicator.label,
                    area_method=underlying.corrections.samenloop,
                )
            )
        return BenchmarkResult(
            counts={p: b[p]["raw"] for p in labels},
            values={p: b[p]["raw_value"] for p in labels},
            change_pct=change_pct(b[labels[-1]]["raw_value"], b[labels[0]]["raw_value"]),
            underlying_change_pct=None
            if self.raw
            else change_pct(b[labels[-1]]["after_samenloop_value"], b[labels[0]]["after_samenloop_value"]),
            samenloop=method,
        )


def _series_key(
    indicator: Indicator, points: dict[str, list[Point]]
) -> tuple[int, tuple[tuple[str, tuple[int, ...]], ...]]:
    """A series is of one indicator over these very points (the Evaluator keeps them alive)."""
    return id(indicator), tuple((member, tuple(map(id, ps))) for member, ps in points.items())


def rollup_codes(indicator: Indicator) -> list[str]:
    """The count categories whose parts a roll-up of ``indicator`` is judged on (a crime total by its
    total row)."""
    codes = indicator.categories if indicator.kind is Kind.counts else expand_categories(indicator.categories)
    return [*codes, TOTAL_CRIME_CODE] if indicator.categories == [ALL_CRIMES] else list(codes)


def figure_status(
    goal: Goal,
    value: float | None,
    baseline: float | None,
    baseline_coverage: float | None,
    coverage: float | None,
) -> Status:
    """The registered status of a figure (compare and the league alike): no_data without both values,
    incomplete unless both periods are covered whole, else the goal's (``goals.status``)."""
    if value is None or baseline is None:
        return Status.no_data
    if (baseline_coverage or 0) < 1 or (coverage or 0) < 1:
        return Status.incomplete
    return status(goal, value, baseline)


def _listed(areas: list[str], limit: int = 6) -> str:
    """Area names for a note: the first ``limit``, then how many more."""
    more = f" (+{len(areas) - limit})" if len(areas) > limit else ""
    return ", ".join(areas[:limit]) + more


def _complete(points: list[Point], periods: tuple[str, ...]) -> bool:
    """Whether an area has a known figure in each of ``periods``."""
    known = {p.period for p in points if p.feed.fed and p.raw is not None}
    return all(period in known for period in periods)


def _samenloop_method(points: list[Point], rules: Rules) -> SamenloopMethod:
    if not rules.samenloop.enabled:
        return "none"
    if any(p.samenloop_factors for p in points):
        return "factors"
    fed = {p.feed.source for p in points if p.feed.fed}
    return "rows" if fed & {k.value for k in REGISTRATION_LEVEL} else "none"


def _level_pct(indicator: Indicator, value: float | None, benchmark: float | None) -> float | None:
    """The area's level against a benchmark's in %: rates only (counts of areas of other sizes are
    not comparable)."""
    if indicator.unit is Unit.count:
        return None
    return change_pct(value, benchmark)


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _unique(notes: list[Note]) -> list[Note]:
    seen: set[str] = set()
    out = []
    for n in notes:
        if n.message not in seen:
            seen.add(n.message)
            out.append(n)
    return out


def _districts(
    snapshot: Snapshot,
    area: str,
    rules: Rules,
    unit: PeriodUnit,
    labels: list[str],
    plan: LoadedPlan,
    indicators: list[Indicator],
    raw: bool,
    lang: Lang,
) -> list[DistrictResult]:
    """Registration indicators per district of the area; rates where district population is stored."""
    tables = build_tables(snapshot, [area], rules, unit, labels, plan, by_district_of=area)
    context = Evaluator(tables, labels, plan, rules, raw, lang, districts=True)
    if any(i.kind is Kind.survey for i in indicators):
        context.survey_rows, context.municipality = survey_rows(snapshot), area
    names = sorted(tables.span_area)
    populated = set(tables.population["area"].to_list())
    year = parse_period(labels[-1]).year
    inhabitants = dict(
        tables.population.filter(pl.col("year") == year).select("area", "inhabitants").iter_rows()
    )
    context.prefetch([i for i in indicators if i.kind is Kind.registrations], [[n] for n in names], False)
    results = []
    for name in names:
        district_indicators = [
            context.indicator(i, [name], with_benchmarks=False)
            for i in indicators
            if i.kind is Kind.registrations
        ]
        for result in district_indicators:
            if name not in populated:
                result.notes.append(context.note("district_no_population"))
            if name == DISTRICT_UNKNOWN:
                result.notes.append(context.note("district_unknown"))
        # Objective beside subjective: the district's survey figures after its registered rates.
        district_indicators += [
            context.indicator(i, [name], with_benchmarks=False) for i in indicators if i.kind is Kind.survey
        ]
        results.append(
            DistrictResult(
                district=name,
                has_population=name in populated,
                inhabitants=inhabitants.get(name),
                indicators=district_indicators,
            )
        )
    return results

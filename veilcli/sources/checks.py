"""The checks validation runs, as data: rules per column, and the checks of each dataset kind.

Every check is one boolean polars expression over the whole typed table (``Check.mask``): the rows
where it is true get a finding. ``COLUMN_RULES`` run for every canonical column the file has (in
contract order), then ``KIND_CHECKS[kind]`` over whole rows; the order is the order of findings.
A new check is one function here and its place in a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import normalise_code, open_data_codes, registration_codes
from veilcli.domain.geography import nearest_areas, unknown_areas
from veilcli.domain.kinds import facts
from veilcli.domain.models import Severity
from veilcli.domain.survey_values import PERCENT, SCORE, UNIT_WORDS, decimal_expr, unit_expr
from veilcli.sources.categories import UNKNOWN, nearest_labels, resolve_categories
from veilcli.sources.columns import ColumnSpec, ColumnType

MIN_DATE = dt.date(1990, 1, 1)
# Marks of statistical tables for a figure that is not given: "." (not available / suppressed)
# and "x" (confidential). In counts and population they are null, never 0. (CBS's "-" means
# zero and is not accepted: write 0.)
SUPPRESSED_MARKS = (".", "x", "X")
# Survey figures: decimal columns, and the scale of each unit (a score is a 1-10 mark or a 0-10 scale).
SURVEY_DECIMALS = ("value", "lower", "upper")
SURVEY_SCALES = {PERCENT: (0.0, 100.0), SCORE: (0.0, 10.0)}


@dataclass
class Check:
    """One vectorised rule: rows where ``mask`` is true get a finding."""

    code: str
    column: str | None  # canonical column
    mask: pl.Expr
    message: str
    hint: str | None = None
    severity: Severity = Severity.error
    hints: dict[str, str] | None = None  # value as written -> its own hint (the nearest known names)


@dataclass(frozen=True)
class CheckContext:
    """What the checks look at: the kind, its columns, the file's mapping and the typed table
    (canonical columns beside their texts ``__text_<column>``)."""

    kind: Kind
    specs: tuple[ColumnSpec, ...]
    mapping: dict[str, str]  # canonical column -> header as written
    typed: pl.DataFrame
    open_data_categories: bool = False  # the format says: open-data / nuisance codes only
    allow_unknown_areas: bool = False  # --allow-unknown-areas: a likely misspelt municipality is kept
    # The distinct values (null among them) of some typed columns, known from parsing them once per
    # distinct text: what the checks decided per distinct value look at instead of every row.
    distinct: Mapping[str, pl.Series] = field(default_factory=dict)

    def values_of(self, column: str) -> pl.Series:
        """A typed column's distinct values when known, else the column itself (for checks that
        look at its distinct values only)."""
        known = self.distinct.get(column)
        return self.typed[column] if known is None else known


ColumnRule = Callable[[CheckContext, ColumnSpec], Iterator[Check]]
KindRule = Callable[[CheckContext], Iterator[Check]]


def _text(spec: ColumnSpec) -> pl.Expr:
    return pl.col(f"__text_{spec.name}")


def _is_mark(kind: Kind, spec: ColumnSpec, text: pl.Expr) -> pl.Expr:
    """Whether a statistical table's "not given" mark stands in a number column."""
    if facts(kind).statistical and spec.type is ColumnType.integer:
        return text.is_in(SUPPRESSED_MARKS)
    return pl.lit(False)


# --- per column -----------------------------------------------------------------------------


def _required_or_suppressed(ctx: CheckContext, spec: ColumnSpec) -> Iterator[Check]:
    """An empty required value is an error; a "not given" mark in an optional number column of a
    statistical table a warning (kept as unknown)."""
    if (
        spec.name == facts(ctx.kind).own_figure
    ):  # a warning of its own (``_count_given``, ``_survey_value_given``)
        return
    text = _text(spec)
    mark = _is_mark(ctx.kind, spec, text)
    if spec.required:
        yield Check("missing_value", spec.name, text.is_null() | mark, "required value is empty")
    elif spec.type is ColumnType.integer and facts(ctx.kind).statistical:
        yield Check(
            "suppressed_value",
            spec.name,
            mark,
            "value not given (suppressed): kept as unknown, never read as 0",
            severity=Severity.warning,
        )


def _parses(ctx: CheckContext, spec: ColumnSpec) -> Iterator[Check]:
    """A written value its type cannot parse (the type names the finding)."""
    failure = spec.type.failure
    if failure is None:
        return
    text = _text(spec)
    mask = text.is_not_null() & pl.col(spec.name).is_null() & ~_is_mark(ctx.kind, spec, text)
    yield Check(failure.code, spec.name, mask, failure.message, failure.hint)


def _in_range(ctx: CheckContext, spec: ColumnSpec) -> Iterator[Check]:
    """The bounds a model gives a column (``ge``, ``le``), on the values written in it (an age
    derived from a birth date is checked by ``_derived_age_in_range``, against the same bounds)."""
    value = pl.when(_text(spec).is_not_null()).then(pl.col(spec.name))
    if spec.ge == 0:
        yield Check("negative_value", spec.name, value < 0, "negative value", "counts cannot be below 0")
    elif spec.ge is not None:
        yield Check("out_of_range", spec.name, value < spec.ge, f"below {spec.ge}")
    if spec.le is not None:
        yield Check("out_of_range", spec.name, value > spec.le, f"above {spec.le}")


def _plausible_date(ctx: CheckContext, spec: ColumnSpec) -> Iterator[Check]:
    """A registration date before 1990 or in the future is a typing error."""
    if spec.type is not ColumnType.date or spec.name != "date":
        return
    value = pl.col(spec.name)
    yield Check(
        "date_out_of_range",
        spec.name,
        (value < MIN_DATE) | (value > dt.date.today()),
        f"date outside {MIN_DATE:%Y}..today",
        "check the year; dates before 1990 or in the future are typing errors",
    )


# --- per kind, over whole rows -----------------------------------------------------------------


def _code_findings(codes: pl.Series) -> tuple[list[str], list[str]]:
    """Codes as written that are unknown, and those known but counted in no category.

    Decided once per distinct code (a file has a few dozen), not per row.
    """
    known, counted = registration_codes()
    distinct = (
        codes.drop_nulls().unique().to_frame("code").with_columns(normalise_code(pl.col("code")).alias("key"))
    )
    unknown = distinct.filter(~pl.col("key").is_in(list(known)))["code"].to_list()
    uncounted = distinct.filter(pl.col("key").is_in(list(known)) & ~pl.col("key").is_in(list(counted)))
    return unknown, uncounted["code"].to_list()


MAX_LABELS_COMPARED = 200  # unknown labels given the nearest titles (difflib, once per value)


def _label_hints(values: list[str]) -> dict[str, str]:
    """Per unknown value that reads as a label, the nearest category titles (once per value)."""
    hints = {}
    for value in values[:MAX_LABELS_COMPARED]:
        near = nearest_labels(value) if any(c.isalpha() for c in value) else []
        if near:
            hints[value] = f"a label the classification does not know; nearest: {'; '.join(near)}"
    return hints


def _known_codes(ctx: CheckContext) -> Iterator[Check]:
    """Registration codes: open-data, nuisance or BVH codes (the category column's parser resolved
    their labels: ``categories.category_parse``); a BVH code counted nowhere is a warning."""
    if "category_code" not in ctx.mapping:
        return
    unknown, uncounted = _code_findings(ctx.values_of("category_code"))
    yield Check(
        "unknown_category",
        "category_code",
        pl.col("category_code").is_in(unknown) if unknown else pl.lit(False),
        "not a police category or BVH code (nor the label of one)",
        "use an open-data code (1.2.3), a nuisance code (E35) or a BVH code (A72), or their labels; "
        "the list is in schemas/classification/",
        hints=_label_hints(unknown),
    )
    yield Check(
        "uncounted_bvh_code",
        "category_code",
        pl.col("category_code").is_in(uncounted) if uncounted else pl.lit(False),
        "BVH code the police open data count in no category: stored, but in no indicator",
        severity=Severity.warning,
    )


# More distinct unknown names than this in an area column: a table of wijk or buurt names (a police
# label export), whose names are the police's own: not compared with the known names one by one.
MAX_UNKNOWN_AREAS_COMPARED = 500


def _nearest_hint(value: str, names: tuple[str, ...], typo: bool) -> str:
    if typo:
        return f"did you mean {names[0]!r}? (nearest known: {', '.join(names)})"
    if names:
        return f"nearest known names: {', '.join(names)}; check the spelling or the column"
    return "no known name is close: check the spelling, or the column (a district belongs in its own column)"


def _known_areas(ctx: CheckContext) -> Iterator[Check]:
    """Area names veilcli does not know (``schemas/areas.csv``, every municipality since 2013).

    Decided once per distinct unknown name, never per row. A registration's municipality close to a
    known one (``TYPO_RATIO``) is taken for a misspelling: an error (the row is rejected; with
    ``--allow-unknown-areas`` a warning), since stored under it no figure of the municipality meant
    would count it; any other unknown municipality a warning (it is stored under its name). In the
    other area columns (a suspect's residence, the area of counts, population and survey rows)
    unknown names are normal (wijk and buurt names, places, benchmark labels such as G10/100.000+):
    only one close to a known name is a warning.
    """
    for column in ("municipality", "area"):
        if column not in ctx.mapping:
            continue
        unknown = unknown_areas(ctx.values_of(column))
        strict = ctx.kind is Kind.registrations and column == "municipality"
        if not unknown or (not strict and len(unknown) > MAX_UNKNOWN_AREAS_COMPARED):
            continue
        nearest = nearest_areas(unknown, municipalities_only=column == "municipality")
        hints = {v: _nearest_hint(v, n.names, n.typo) for v, n in nearest.items()}
        typos = [v for v, n in nearest.items() if n.typo]
        what = "municipality" if column == "municipality" else "area"
        if typos and strict and not ctx.allow_unknown_areas:
            yield Check(
                "unknown_area",
                column,
                pl.col(column).is_in(typos),
                f"not a known {what}, but close to one: misspelt? Stored under this name, no figure "
                "of the municipality meant would count the row",
                "correct the name in the file, or pass --allow-unknown-areas to store it as written",
                hints=hints,
            )
        elif typos:
            yield Check(
                "unknown_area",
                column,
                pl.col(column).is_in(typos),
                f"not a known {what}, but close to one: misspelt? Kept under this name, which no figure "
                "of the area meant counts",
                severity=Severity.warning,
                hints=hints,
            )
        others = [v for v, n in nearest.items() if not n.typo]
        if strict and others:
            yield Check(
                "unknown_area",
                column,
                pl.col(column).is_in(others),
                "not a known municipality: stored under this name, as an area of its own",
                severity=Severity.warning,
                hints=hints,
            )


def _open_data_codes(ctx: CheckContext) -> Iterator[Check]:
    """Counts of a police open-data format: open-data categories and the two totals only."""
    if not ctx.open_data_categories:
        return
    yield Check(
        "unknown_category",
        "category_code",
        pl.col("category_code").is_not_null() & ~pl.col("category_code").is_in(open_data_codes()),
        "not a police open-data category or nuisance code",
        "the open-data categories are in schemas/classification/categories.csv",
    )


def _count_categories(ctx: CheckContext) -> Iterator[Check]:
    """Counts read without a police format (``--map``, aliases): the categories of the
    classification (labels resolved by the category column's parser), or a table's own category
    (``huisverbod``, a municipal tally: one word, no police code or label; said in the notes);
    anything else is an error, never stored as a code (a label the classification does not know, a
    BVH code, an unknown code)."""
    if ctx.open_data_categories or "category_code" not in ctx.mapping:
        return
    resolution = resolve_categories(ctx.typed["category_code"], Kind.counts)
    unknown = resolution.filter(pl.col("how") == UNKNOWN)["text"].to_list()
    stripped = pl.col("category_code").str.strip_chars()
    yield Check(
        "unknown_category",
        "category_code",
        stripped.is_in(unknown) if unknown else pl.lit(False),
        "not a police open-data category, nuisance code or total (nor the label of one)",
        "use an open-data code (1.2.3), a nuisance code (E35) or their labels ('Misdrijven, totaal'); "
        "a BVH code (A72) belongs in registrations",
        hints=_label_hints(unknown),
    )


def _count_given(ctx: CheckContext) -> Iterator[Check]:
    """An empty or marked count is suppressed: a warning, kept as unknown."""
    yield Check(
        "suppressed_value",
        "count",
        pl.col("__text_count").is_null() | pl.col("__text_count").is_in(SUPPRESSED_MARKS),
        "count is empty (suppressed): kept as unknown, never read as 0",
        severity=Severity.warning,
    )


def _internet_within_count(ctx: CheckContext) -> Iterator[Check]:
    """Online reports are part of the registrations."""
    if "internet_count" in ctx.mapping:
        yield Check(
            "internet_exceeds_count",
            "internet_count",
            pl.col("internet_count") > pl.col("count"),
            "more online reports than registrations",
        )


def _survey_value_given(ctx: CheckContext) -> Iterator[Check]:
    """An empty or marked survey figure was not published (too few respondents): a warning, kept as
    unknown."""
    text = pl.col("__text_value")
    yield Check(
        "suppressed_value",
        "value",
        text.is_null() | text.is_in(SUPPRESSED_MARKS),
        "figure not published (empty or '.'): kept as unknown",
        severity=Severity.warning,
    )


def _survey_numbers(ctx: CheckContext) -> Iterator[Check]:
    """Figures and bounds are decimals (``14,3`` or ``14.3``); a unit is a known word."""
    for name in SURVEY_DECIMALS:
        if name not in ctx.mapping:
            continue
        text = pl.col(f"__text_{name}")
        yield Check(
            "invalid_number",
            name,
            text.is_not_null() & ~text.is_in(SUPPRESSED_MARKS) & decimal_expr(text).is_null(),
            "not a number",
            "write decimals as 14,3 or 14.3",
        )
    if "unit" in ctx.mapping:
        text = pl.col("__text_unit")
        yield Check(
            "unknown_unit",
            "unit",
            text.is_not_null() & unit_expr(text).is_null(),
            "unknown unit",
            f"use one of {', '.join(sorted(UNIT_WORDS))}",
        )


def _survey_scale(ctx: CheckContext) -> Iterator[Check]:
    """A percentage (or a figure of unknown unit) outside 0-100, a score outside 0-10."""
    unit = unit_expr(pl.col("__text_unit"))
    for name in SURVEY_DECIMALS:
        if name not in ctx.mapping:
            continue
        number = decimal_expr(pl.col(f"__text_{name}"))
        low, high = SURVEY_SCALES[PERCENT]
        yield Check(
            "out_of_range",
            name,
            (unit.is_null() | (unit == PERCENT)) & ((number < low) | (number > high)),
            "percentage outside 0-100",
        )
        low, high = SURVEY_SCALES[SCORE]
        yield Check(
            "out_of_range",
            name,
            (unit == SCORE) & ((number < low) | (number > high)),
            "score outside 0-10 (a 1-10 mark or a 0-10 scale score)",
        )


def _survey_bounds(ctx: CheckContext) -> Iterator[Check]:
    """The published interval contains the figure; both bounds or neither."""
    if "lower" not in ctx.mapping and "upper" not in ctx.mapping:
        return
    value, lower, upper = (decimal_expr(pl.col(f"__text_{c}")) for c in SURVEY_DECIMALS)
    yield Check(
        "bounds_exclude_value",
        "value",
        (lower > value) | (upper < value) | (lower > upper),
        "the 95% interval (lower, upper) does not contain the figure",
        "check the columns: lower bound <= figure <= upper bound",
    )
    yield Check(
        "missing_value",
        "lower" if "lower" in ctx.mapping else "upper",
        lower.is_null() != upper.is_null(),
        "only one bound of the interval given",
        "give both bounds of the 95% interval, or neither",
    )


def _derived_age_in_range(ctx: CheckContext) -> Iterator[Check]:
    """One range rule for ages, whatever they come from: an age derived from a birth date (the row
    gives no age) must lie within the age column's bounds, as a written age must (a birth date in
    2031 is an age of -12, one in 1850 an age of 168: typing errors). The finding names the birth
    date's column; its value is never shown (``validate.WITHHELD``), only the age."""
    if "birth_date" not in ctx.mapping:
        return
    spec = next(s for s in ctx.specs if s.name == "age")
    derived = pl.col("__text_age").is_null() & pl.col("birth_date").is_not_null()
    age = pl.col("age")
    outside = (age < spec.ge if spec.ge is not None else pl.lit(False)) | (
        age > spec.le if spec.le is not None else pl.lit(False)
    )
    yield Check(
        "out_of_range",
        "birth_date",
        derived & outside,
        f"the birth date gives an age outside {spec.ge}-{spec.le} on the registration date",
        "check the birth date's year (and the registration date)",
    )


def _one_of_given(ctx: CheckContext) -> Iterator[Check]:
    """Each row gives at least one of the kind's ``one_of`` columns (``KindFacts``)."""
    one_of = facts(ctx.kind).one_of
    given = [c for c in one_of if c in ctx.mapping]
    yield Check(
        "missing_value",
        given[0] if given else one_of[0],
        pl.all_horizontal(pl.col(c).is_null() & pl.col(f"__text_{c}").is_null() for c in one_of),
        f"none of {', '.join(one_of)} given",
    )


def _has_duplicates(frame: pl.DataFrame, key: list[str]) -> bool:
    """Cheap test first: the per-row duplicate mask is only built when there are duplicates.

    Equal keys hash alike, so when the 64-bit hashes of the keys are all distinct the keys are
    too (counting distinct integers is ~5x faster than counting distinct texts); only when some
    hashes repeat are the keys themselves counted.
    """
    complete = frame.select(key).drop_nulls()
    hashes = complete.hash_rows() if len(key) > 1 else complete[key[0]].hash()
    if hashes.n_unique() == complete.height:
        return False
    unique = complete.n_unique() if len(key) > 1 else complete[key[0]].n_unique()
    return unique < complete.height


def _unique_key(ctx: CheckContext) -> Iterator[Check]:
    """A second row with the kind's key (``KindFacts.key``) is a finding."""
    full = facts(ctx.kind).key
    key = [k for k in full if k in ctx.mapping]
    if not key or len(key) != len(full) or not _has_duplicates(ctx.typed, key):
        return
    complete = pl.all_horizontal(pl.col(k).is_not_null() for k in key)
    yield Check(
        "duplicate_key",
        key[0],
        complete & ~(pl.col(key[0]) if len(key) == 1 else pl.struct(key)).is_first_distinct(),
        f"duplicate {' + '.join(key)}: the same key is on an earlier row",
        "remove the duplicate row or correct its id",
    )


# --- the tables ------------------------------------------------------------------------------

# Run for every canonical column the file has, in this order.
COLUMN_RULES: tuple[ColumnRule, ...] = (_required_or_suppressed, _parses, _in_range, _plausible_date)

# The checks of each kind over whole rows, after the column rules, in this order.
KIND_CHECKS: dict[Kind, tuple[KindRule, ...]] = {
    Kind.registrations: (_known_codes, _known_areas, _unique_key),
    Kind.suspects: (_known_codes, _known_areas, _derived_age_in_range, _one_of_given, _unique_key),
    Kind.counts: (
        _open_data_codes,
        _count_categories,
        _known_areas,
        _count_given,
        _internet_within_count,
        _unique_key,
    ),
    Kind.population: (_known_areas, _one_of_given, _unique_key),
    Kind.survey: (
        _survey_value_given,
        _survey_numbers,
        _survey_scale,
        _survey_bounds,
        _known_areas,
        _unique_key,
    ),
}


def checks_for(ctx: CheckContext) -> list[Check]:
    """Every check of a table: the column rules per mapped column, then the kind's checks."""
    by_column = [
        check
        for spec in ctx.specs
        if spec.name in ctx.mapping
        for rule in COLUMN_RULES
        for check in rule(ctx, spec)
    ]
    return [*by_column, *(check for rule in KIND_CHECKS[ctx.kind] for check in rule(ctx))]

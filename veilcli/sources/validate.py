"""Vectorised validation: raw text table -> typed canonical frame + findings.

Every check is one boolean polars expression over the whole table; findings are taken from
the rows where a check fails (the first few per kind, with totals). Pydantic describes the
columns and the findings; it never runs per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from veilcli.domain.classification import normalise_code, open_data_codes, registration_codes
from veilcli.domain.models import (
    DATASET_KEYS,
    DATASET_ONE_OF,
    MAX_LISTED,
    FileReport,
    Issue,
    Kind,
    Severity,
)
from veilcli.domain.periods import period_label_expr, period_unit_expr
from veilcli.domain.resources import area_expr
from veilcli.sources.columns import ColumnSpec, ColumnType, column_specs, is_personal
from veilcli.sources.formats.interface import Recognised
from veilcli.sources.messages import cut
from veilcli.sources.parsing import clean_text, parse_with_fallback
from veilcli.sources.table import ROW

MIN_DATE = dt.date(1990, 1, 1)
DEFAULT_MAX_PER_CODE = 5
AREA_COLUMNS = ("municipality", "area")
SOURCE_ROW = "source_row"
# Marks of statistical tables for a figure that is not given: "." (not available / suppressed)
# and "x" (confidential). In counts and population they are null, never 0. (CBS's "-" means
# zero and is not accepted: write 0.)
SUPPRESSED_MARKS = (".", "x", "X")


@dataclass
class Check:
    """One vectorised rule: rows where ``mask`` is true get a finding."""

    code: str
    column: str | None  # canonical column
    mask: pl.Expr
    message: str
    hint: str | None = None
    severity: Severity = Severity.error


@dataclass
class ValidatedTable:
    """The outcome of validating one raw table."""

    data: pl.DataFrame  # valid rows, canonical typed columns + source_row
    rejected: pl.DataFrame  # invalid rows as read, with a `reasons` column
    report: FileReport


def _typed(spec: ColumnSpec, header: str | None) -> pl.Expr:
    column_type = spec.type
    if header is None:
        return pl.lit(None, dtype=column_type.dtype).alias(spec.name)
    text = pl.col(f"__text_{spec.name}")
    value = column_type.parse(text) if column_type.parse else text
    if spec.name in AREA_COLUMNS:
        value = area_expr(value)
    if column_type.blank is not None:
        value = pl.when(text.is_null()).then(pl.lit(column_type.blank)).otherwise(value)
    return value.cast(column_type.dtype).alias(spec.name)


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


def _has_duplicates(frame: pl.DataFrame, key: list[str]) -> bool:
    """Cheap test first: the per-row duplicate mask is only built when there are duplicates."""
    complete = frame.select(key).drop_nulls()
    unique = complete.n_unique() if len(key) > 1 else complete[key[0]].n_unique()
    return unique < complete.height


def _parse_columns(
    texts: pl.DataFrame, specs: tuple[ColumnSpec, ...], mapping: dict[str, str]
) -> pl.DataFrame:
    """Typed canonical columns beside their texts; dates and numbers take a fast path first.

    Periods and areas repeat (a few hundred distinct values in a million rows): each distinct
    text is parsed once and joined back.
    """

    def repeats(spec: ColumnSpec) -> bool:
        return spec.name in mapping and (spec.type is ColumnType.period or spec.name in AREA_COLUMNS)

    def has_fast_path(spec: ColumnSpec) -> bool:
        return spec.type.fast is not None and spec.name in mapping

    typed = texts.with_columns(
        _typed(spec, mapping.get(spec.name))
        for spec in specs
        if not has_fast_path(spec) and not repeats(spec)
    )
    distinct = [_parse_distinct(texts, spec, mapping[spec.name]) for spec in specs if repeats(spec)]
    typed = typed.with_columns(distinct)
    fallback: list[pl.Series] = []
    for spec in specs:
        if not has_fast_path(spec):
            continue
        text = texts[f"__text_{spec.name}"]
        fast, full = spec.type.fast, spec.type.parse
        assert fast is not None and full is not None
        fallback.append(parse_with_fallback(text, fast(text) or full, full).alias(spec.name))
    return typed.with_columns(fallback)


def _parse_distinct(texts: pl.DataFrame, spec: ColumnSpec, header: str) -> pl.Series:
    """The same values as ``_typed``, computed once per distinct text."""
    column = f"__text_{spec.name}"
    parsed = texts.select(pl.col(column).unique()).with_columns(_typed(spec, header))
    joined = texts.select(column).join(parsed, on=column, how="left", nulls_equal=True, maintain_order="left")
    return joined[spec.name]


def _is_mark(kind: Kind, spec: ColumnSpec, text: pl.Expr) -> pl.Expr:
    """Whether a statistical table's "not given" mark stands in a number column."""
    if kind in (Kind.counts, Kind.population) and spec.type is ColumnType.integer:
        return text.is_in(SUPPRESSED_MARKS)
    return pl.lit(False)


def _checks(
    kind: Kind,
    specs: tuple[ColumnSpec, ...],
    mapping: dict[str, str],
    typed: pl.DataFrame,
    open_data_categories: bool = False,
) -> list[Check]:
    checks: list[Check] = []
    for spec in specs:
        if spec.name not in mapping:
            continue
        text, value = pl.col(f"__text_{spec.name}"), pl.col(spec.name)
        mark = _is_mark(kind, spec, text)
        if spec.required and not (kind is Kind.counts and spec.name == "count"):
            checks.append(Check("missing_value", spec.name, text.is_null() | mark, "required value is empty"))
        elif (
            spec.type is ColumnType.integer
            and spec.name != "count"
            and kind in (Kind.counts, Kind.population)
        ):
            checks.append(
                Check(
                    "suppressed_value",
                    spec.name,
                    mark,
                    "value not given (suppressed): kept as unknown, never read as 0",
                    severity=Severity.warning,
                )
            )
        failure = spec.type.failure
        if failure is not None:
            checks.append(
                Check(
                    failure.code,
                    spec.name,
                    text.is_not_null() & value.is_null() & ~mark,
                    failure.message,
                    failure.hint,
                )
            )
        if spec.ge == 0:
            checks.append(
                Check("negative_value", spec.name, value < 0, "negative value", "counts cannot be below 0")
            )
        elif spec.ge is not None:
            checks.append(Check("out_of_range", spec.name, value < spec.ge, f"below {spec.ge}"))
        if spec.le is not None:
            checks.append(Check("out_of_range", spec.name, value > spec.le, f"above {spec.le}"))
        if spec.type is ColumnType.date and spec.name == "date":
            checks.append(
                Check(
                    "date_out_of_range",
                    spec.name,
                    (value < MIN_DATE) | (value > dt.date.today()),
                    f"date outside {MIN_DATE:%Y}..today",
                    "check the year; dates before 1990 or in the future are typing errors",
                )
            )
    if kind in (Kind.registrations, Kind.suspects) and "category_code" in mapping:
        unknown, uncounted = _code_findings(typed["category_code"])
        checks.append(
            Check(
                "unknown_category",
                "category_code",
                pl.col("category_code").is_in(unknown) if unknown else pl.lit(False),
                "not a police category or BVH code",
                "use an open-data code (1.2.3), a nuisance code (E35) or a BVH code (A72); "
                "the list is in schemas/classification/",
            )
        )
        checks.append(
            Check(
                "uncounted_bvh_code",
                "category_code",
                pl.col("category_code").is_in(uncounted) if uncounted else pl.lit(False),
                "BVH code the police open data count in no category: stored, but in no indicator",
                severity=Severity.warning,
            )
        )
    if kind is Kind.counts and open_data_categories:
        known = open_data_codes()
        checks.append(
            Check(
                "unknown_category",
                "category_code",
                pl.col("category_code").is_not_null() & ~pl.col("category_code").is_in(known),
                "not a police open-data category or nuisance code",
                "the open-data categories are in schemas/classification/categories.csv",
            )
        )
    if kind is Kind.counts:
        checks.append(
            Check(
                "suppressed_value",
                "count",
                pl.col("__text_count").is_null() | pl.col("__text_count").is_in(SUPPRESSED_MARKS),
                "count is empty (suppressed): kept as unknown, never read as 0",
                severity=Severity.warning,
            )
        )
        if "internet_count" in mapping:
            checks.append(
                Check(
                    "internet_exceeds_count",
                    "internet_count",
                    pl.col("internet_count") > pl.col("count"),
                    "more online reports than registrations",
                )
            )
    one_of = DATASET_ONE_OF.get(kind)
    if one_of:
        checks.append(
            Check(
                "missing_value",
                next(c for c in one_of if c in mapping) if set(one_of) & mapping.keys() else one_of[0],
                pl.all_horizontal(pl.col(c).is_null() & pl.col(f"__text_{c}").is_null() for c in one_of),
                f"none of {', '.join(one_of)} given",
            )
        )
    key = [k for k in DATASET_KEYS[kind] if k in mapping]
    if key and len(key) == len(DATASET_KEYS[kind]) and _has_duplicates(typed, key):
        complete = pl.all_horizontal(pl.col(k).is_not_null() for k in key)
        checks.append(
            Check(
                "duplicate_key",
                key[0],
                complete & ~(pl.col(key[0]) if len(key) == 1 else pl.struct(key)).is_first_distinct(),
                f"duplicate {' + '.join(key)}: the same key is on an earlier row",
                "remove the duplicate row or correct its id",
            )
        )
    return checks


def _drop_blank_and_total_rows(
    frame: pl.DataFrame, headers: list[str]
) -> tuple[pl.DataFrame, int, list[Issue]]:
    blank = pl.all_horizontal(pl.col(h).is_null() for h in headers) if headers else pl.lit(True)
    marked = frame.with_columns(__blank=blank)
    blank_count = int(marked["__blank"].sum())
    kept = marked.filter(~pl.col("__blank")).drop("__blank")
    issues: list[Issue] = []
    if kept.height:
        last = kept.tail(1)
        label = next(
            (
                str(v)
                for h in headers
                for v in last[h].to_list()
                if v is not None and str(v).strip().casefold().startswith(("totaal", "total", "eindtotaal"))
            ),
            None,
        )
        if label is not None:
            row = int(last[ROW][0])
            issues.append(
                Issue(
                    code="total_row_skipped",
                    severity=Severity.warning,
                    row=row,
                    value=cut(label.strip()),
                    message="trailing totals row skipped",
                )
            )
            kept = kept.head(kept.height - 1)
    return kept, blank_count, issues


def validate_table(recognised: Recognised, max_per_code: int = DEFAULT_MAX_PER_CODE) -> ValidatedTable:
    """Validate a recognised table against its dataset kind; never raises for bad rows."""
    return _validate(recognised, max_per_code)


def _validate(recognised: Recognised, max_per_code: int) -> ValidatedTable:
    table, kind, mapping = recognised.table, recognised.kind, dict(recognised.columns)
    column_map = recognised.column_map
    specs = column_specs(kind)
    report = FileReport(
        path=str(table.path),
        sheet=table.sheet,
        format=table.format,
        source_format=recognised.name,
        kind=kind,
        kind_detected=recognised.kind_detected,
        header_row=table.header_row,
        columns=mapping,
        notes=list(recognised.notes),
    )
    mapped_headers = set(mapping.values())
    unmapped = [h for h in table.headers if h not in mapped_headers]
    report.dropped_personal_columns = [*table.dropped_personal, *(h for h in unmapped if is_personal(h))]
    report.ignored_columns = [h for h in unmapped if not is_personal(h)]
    if column_map is not None:
        for canonical, header in column_map.columns.items():
            if canonical not in {s.name for s in specs}:
                report.issues.append(
                    Issue(
                        code="map_unknown_column",
                        value=cut(canonical),
                        message=f"--map names {cut(canonical)!r}, which is not a {kind} column",
                        hint=f"{kind} columns: {', '.join(s.name for s in specs)}",
                    )
                )
            elif header in table.dropped_personal:
                report.issues.append(
                    Issue(
                        code="map_header_not_found",
                        column=header,
                        message=f"--map puts {canonical} in column {cut(header)!r}, a personal column: "
                        "veilcli drops it when reading and never stores it",
                        hint="map a column that does not identify people",
                    )
                )
            elif header not in table.headers:
                report.issues.append(
                    Issue(
                        code="map_header_not_found",
                        column=header,
                        message=f"--map puts {canonical} in column {cut(header)!r}; "
                        "the file has no such column",
                        hint=f"the file's headers: {', '.join(cut(h) for h in table.headers[:30])}"
                        + (", ..." if len(table.headers) > 30 else ""),
                    )
                )

    missing = [s for s in specs if s.required and s.name not in mapping]
    one_of = DATASET_ONE_OF.get(kind, ())
    if one_of and not set(one_of) & mapping.keys():
        missing.append(next(s for s in specs if s.name == one_of[0]))
    for spec in missing:
        report.issues.append(
            Issue(
                code="missing_column",
                column=spec.name,
                message=f"required column {spec.name!r} not found",
                hint=f"accepted headers: {', '.join(spec.aliases[1:6])}...; or name it with --map FILE",
            )
        )
    texts = table.frame.select(ROW, *[clean_text(pl.col(h)).alias(f"__text_{c}") for c, h in mapping.items()])
    texts, report.blank_rows_skipped, total_issues = _drop_blank_and_total_rows(
        texts, [f"__text_{c}" for c in mapping]
    )
    report.issues.extend(total_issues)
    report.rows_read = texts.height
    if missing or any(i.code.startswith("map_") for i in report.issues):
        report.rows_invalid = texts.height
        _count_issues(report)
        empty = pl.DataFrame(schema={s.name: pl.String for s in specs})
        return ValidatedTable(empty, table.frame.head(0), report)

    texts = texts.with_columns(
        pl.lit(None, dtype=pl.String).alias(f"__text_{s.name}") for s in specs if s.name not in mapping
    )
    typed = _parse_columns(texts, specs, mapping)
    if kind is Kind.suspects:
        typed = typed.with_columns(pl.coalesce("age", _age_at("date", "birth_date")).alias("age"))

    checks = _checks(kind, specs, mapping, typed, recognised.open_data_categories)
    flagged = typed.with_columns(
        [c.mask.fill_null(False).alias(f"__check_{i}") for i, c in enumerate(checks)]
    )
    error_cols = [f"__check_{i}" for i, c in enumerate(checks) if c.severity is Severity.error]
    flagged = flagged.with_columns(__invalid=pl.any_horizontal(error_cols) if error_cols else pl.lit(False))
    totals = flagged.select(pl.col(f"__check_{i}").sum() for i in range(len(checks))).row(0) if checks else ()
    for i, (check, total) in enumerate(zip(checks, totals, strict=True)):
        if not total:
            continue
        written: str | None = mapping.get(check.column or "", check.column)
        hits = flagged.filter(pl.col(f"__check_{i}")).head(max_per_code)
        values = hits[f"__text_{check.column}"].to_list() if check.column else [None] * hits.height
        for row, value in zip(hits[ROW].to_list(), values, strict=True):
            report.issues.append(
                Issue(
                    code=check.code,
                    severity=check.severity,
                    row=row,
                    column=written,
                    value=None if value is None else cut(value),  # one value, cut: it may be personal
                    message=check.message,
                    hint=check.hint,
                )
            )
        report.issue_counts[check.code] = report.issue_counts.get(check.code, 0) + int(total)

    report.rows_invalid = int(flagged["__invalid"].sum())
    report.rows_valid = texts.height - report.rows_invalid
    for issue in total_issues:
        report.issue_counts[issue.code] = report.issue_counts.get(issue.code, 0) + 1

    data = flagged.filter(~pl.col("__invalid")).select(
        *(s.name for s in specs), pl.col(ROW).alias(SOURCE_ROW)
    )
    _describe(report, kind, data)
    rejected = _rejected_rows(flagged, checks, table.frame, mapping)
    return ValidatedTable(data, rejected, report)


def _describe(report: FileReport, kind: Kind, data: pl.DataFrame) -> None:
    """Periods and areas of the valid rows, for ``validate`` and ``ingest --dry-run``."""
    if data.height == 0:
        return
    if kind in (Kind.registrations, Kind.suspects):
        periods = data.select(period_label_expr(pl.col("date"), "H").alias("p"))["p"]
        areas = data["municipality"]
    elif kind is Kind.counts:
        periods, areas = data["period"], data["area"]
        units = data.select(period_unit_expr(pl.col("period")).alias("u").unique().sort())["u"].to_list()
        if len(units) > 1:
            names = {"Y": "years", "H": "half-years", "Q": "quarters", "M": "months"}
            report.notes.append(
                f"periods of different lengths ({', '.join(names[u] for u in units)}) are stored apart under "
                "their own labels; a longer period is never added to the shorter ones it contains"
            )
    else:
        periods, areas = data["year"].cast(pl.String), data["area"]
    report.periods = periods.drop_nulls().unique().sort().to_list()
    distinct = areas.drop_nulls().unique().sort()
    report.area_count = distinct.len()
    report.areas = distinct.head(MAX_LISTED).to_list()


def _age_at(date: str, birth: str) -> pl.Expr:
    d, b = pl.col(date), pl.col(birth)

    # month() and day() are Int8: widen before arithmetic (month * 100 overflows Int8).
    def month_day(x: pl.Expr) -> pl.Expr:
        return x.dt.month().cast(pl.Int32) * 100 + x.dt.day().cast(pl.Int32)

    before_birthday = month_day(d) < month_day(b)
    return (d.dt.year().cast(pl.Int64) - b.dt.year() - before_birthday.cast(pl.Int64)).cast(pl.Int64)


def _rejected_rows(
    flagged: pl.DataFrame, checks: list[Check], frame: pl.DataFrame, mapping: dict[str, str]
) -> pl.DataFrame:
    reasons = pl.concat_str(
        [
            pl.when(pl.col(f"__check_{i}")).then(
                pl.lit(f"{c.code} ({mapping.get(c.column or '', c.column)}): {c.message}")
            )
            for i, c in enumerate(checks)
            if c.severity is Severity.error
        ]
        or [pl.lit(None, dtype=pl.String)],
        separator="; ",
        ignore_nulls=True,
    )
    bad = flagged.filter(pl.col("__invalid")).select(ROW, reasons.alias("reasons"))
    return bad.join(frame, on=ROW, how="left").rename({ROW: "row"})


def _count_issues(report: FileReport) -> None:
    for issue in report.issues:
        report.issue_counts[issue.code] = report.issue_counts.get(issue.code, 0) + 1

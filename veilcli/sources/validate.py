"""Vectorised validation: a recognised table -> typed canonical frame + findings.

``validate_table`` runs the steps in order: the report header (mapping, ignored and personal
columns), the ``--map`` and missing-column findings, the texts without blank and totals rows, the
typed columns, the checks (``checks.py``: per column and per kind, as data), the findings per
check (the first few rows, with totals), the valid rows and the rejected ones. Pydantic describes
the columns and the findings; it never runs per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.coverage import day_counts
from veilcli.domain.geography import area_expr
from veilcli.domain.kinds import facts
from veilcli.domain.models import (
    DEFAULT_MAX_PER_CODE,
    MAX_LISTED,
    FileReport,
    Issue,
    Severity,
)
from veilcli.domain.periods import period_label_expr, period_unit_expr
from veilcli.sources.checks import Check, CheckContext, checks_for
from veilcli.sources.columns import ColumnSpec, ColumnType, column_specs, is_cbs_table, is_personal
from veilcli.sources.formats.interface import Recognised
from veilcli.sources.messages import cut
from veilcli.sources.parsing import clean_text, complete_parse, needs_cleaning
from veilcli.sources.table import ROW, RawTable

AREA_COLUMNS = ("municipality", "area")
CATEGORY_COLUMNS = ("category_code", "category_label")  # "Totaal misdrijven" is a category there
# Columns whose values are personal and read only to derive another (a birth date gives the age):
# findings and rejected rows show what is derived (``withheld_text``), never the value.
WITHHELD = {"birth_date": "age"}
INVALID_WITHHELD = "invalid date, value withheld"
# Column types whose texts repeat: parsed once per distinct text (``_parse_distinct``).
REPEATING_TYPES = (ColumnType.period, ColumnType.channel, ColumnType.boolean, ColumnType.category)
SOURCE_ROW = "source_row"


@dataclass(frozen=True)
class RowFacts:
    """What ``describe_rows`` learns of a frame of valid rows that ingest's summary and coverage
    need again (each computed once): valid for that frame alone (``of``)."""

    rows: pl.DataFrame  # the frame described
    areas: list[str]  # its distinct areas (nulls left out), sorted
    days: pl.DataFrame | None = None  # registration level: its rows per day (``coverage.day_counts``)

    def of(self, data: pl.DataFrame) -> RowFacts | None:
        """These facts if they are of ``data`` (the same frame, not an equal one), else None."""
        return self if data is self.rows else None


@dataclass
class ValidatedTable:
    """The outcome of validating one raw table."""

    data: pl.DataFrame  # valid rows, canonical typed columns + source_row
    rejected: pl.DataFrame  # invalid rows as read, with a `reasons` column
    report: FileReport
    facts: RowFacts | None = None  # of ``data`` as validated (``describe_rows``)

    def facts_of(self, data: pl.DataFrame) -> RowFacts | None:
        """The facts of ``data``, when it is the frame they describe."""
        return self.facts.of(data) if self.facts is not None else None


def validate_table(
    recognised: Recognised,
    max_per_code: int = DEFAULT_MAX_PER_CODE,
    *,
    last_part: bool = True,
    allow_unknown_areas: bool = False,
) -> ValidatedTable:
    """Validate a recognised table against its dataset kind; never raises for bad rows.

    ``last_part=False``: the table is a block of a file read in parts (``sources/csv_stream``) that
    is not its end, so its last row is no trailing totals row. ``allow_unknown_areas``: a
    registration's municipality that looks misspelt is a warning, not an error (``checks``).
    """
    table, kind, mapping = recognised.table, recognised.kind, dict(recognised.columns)
    specs = column_specs(kind)
    report = _new_report(recognised, mapping)
    report.issues.extend(_map_issues(recognised, specs))
    missing = _missing_columns(kind, specs, mapping)
    report.issues.extend(_missing_column_issue(spec) for spec in missing)
    mapped, distinct = texts_and_distinct(table, mapping)
    texts, report.blank_rows_skipped, total_issues = _drop_blank_and_total_rows(
        mapped,
        [f"__text_{c}" for c in mapping],
        trailing_total=last_part,
        categories=[f"__text_{c}" for c in CATEGORY_COLUMNS if c in mapping],
        required=[f"__text_{s.name}" for s in specs if s.required and s.name in mapping],
    )
    report.issues.extend(total_issues)
    report.rows_read = texts.height
    if missing or any(i.code.startswith("map_") for i in report.issues):
        report.rows_invalid = texts.height  # the file cannot be read as this kind: no row is valid
        _count(report, report.issues)
        empty = pl.DataFrame(schema={s.name: pl.String for s in specs})
        return ValidatedTable(empty, table.frame.head(0), report)

    # The distinct texts are those of every row read: of no use once a blank or totals row is gone.
    values: dict[str, pl.Series] = {}
    typed = typed_columns(
        texts, kind, specs, mapping, distinct if texts.height == mapped.height else None, values
    )
    context = CheckContext(
        kind,
        specs,
        mapping,
        typed,
        recognised.open_data_categories,
        allow_unknown_areas=allow_unknown_areas,
        distinct=values,
    )
    checks = checks_for(context)
    flagged = _flag(typed, checks)
    _add_findings(report, flagged, checks, mapping, max_per_code)
    report.rows_invalid = int(flagged["__invalid"].sum())
    report.rows_valid = texts.height - report.rows_invalid
    _count(report, total_issues)

    data = flagged.filter(~pl.col("__invalid")).select(
        *(
            pl.lit(None, dtype=flagged.schema[s.name]).alias(s.name) if s.name in WITHHELD else s.name
            for s in specs
        ),
        pl.col(ROW).alias(SOURCE_ROW),
    )  # a birth date is read for the age, never kept
    # Every row valid: the distinct areas of the rows are those of the column parsed.
    areas = values.get(facts(kind).area_column) if report.rows_invalid == 0 else None
    described = describe_rows(report, kind, data, areas)
    rejected = _rejected_rows(flagged, checks, table.frame, mapping)
    return ValidatedTable(data, rejected, report, described)


def _new_report(recognised: Recognised, mapping: dict[str, str]) -> FileReport:
    """The file's report before any finding: format, kind, mapping, ignored and personal columns."""
    table = recognised.table
    mapped_headers = set(mapping.values())
    unmapped = [h for h in table.headers if h not in mapped_headers]
    cbs = is_cbs_table(table.headers)
    return FileReport(
        path=str(table.path),
        sheet=table.sheet,
        format=table.format,
        source_format=recognised.name,
        kind=recognised.kind,
        kind_detected=recognised.kind_detected,
        header_row=table.header_row,
        columns=mapping,
        notes=[*table.header_notes, *recognised.notes],
        dropped_personal_columns=[*table.dropped_personal, *(h for h in unmapped if is_personal(h, cbs))],
        ignored_columns=[h for h in unmapped if not is_personal(h, cbs)],
    )


def _map_issues(recognised: Recognised, specs: tuple[ColumnSpec, ...]) -> list[Issue]:
    """A ``--map`` that names a column its kind lacks, or a header the file lacks or drops."""
    table, kind, column_map = recognised.table, recognised.kind, recognised.column_map
    if column_map is None:
        return []
    issues = []
    for canonical in column_map.values:
        if canonical not in {s.name for s in specs}:
            issues.append(
                Issue(
                    code="map_unknown_column",
                    value=cut(canonical),
                    message=f"--map gives a value for {cut(canonical)!r}, which is not a {kind} column",
                    hint=f"{kind} columns: {', '.join(s.name for s in specs)}",
                )
            )
    for canonical, header in column_map.columns.items():
        if canonical not in {s.name for s in specs}:
            issues.append(
                Issue(
                    code="map_unknown_column",
                    value=cut(canonical),
                    message=f"--map names {cut(canonical)!r}, which is not a {kind} column",
                    hint=f"{kind} columns: {', '.join(s.name for s in specs)}",
                )
            )
        elif header in table.dropped_personal:
            issues.append(
                Issue(
                    code="map_header_not_found",
                    column=header,
                    message=f"--map puts {canonical} in column {cut(header)!r}, a personal column: "
                    "veilcli drops it when reading and never stores it",
                    hint="map a column that does not identify people",
                )
            )
        elif header not in table.headers:
            issues.append(
                Issue(
                    code="map_header_not_found",
                    column=header,
                    message=f"--map puts {canonical} in column {cut(header)!r}; the file has no such column",
                    hint=f"the file's headers: {', '.join(cut(h) for h in table.headers[:30])}"
                    + (", ..." if len(table.headers) > 30 else ""),
                )
            )
    return issues


def _missing_columns(kind: Kind, specs: tuple[ColumnSpec, ...], mapping: dict[str, str]) -> list[ColumnSpec]:
    """Required columns the file lacks (and the first of a ``one_of`` group none of which it has)."""
    missing = [s for s in specs if s.required and s.name not in mapping]
    one_of = facts(kind).one_of
    if one_of and not set(one_of) & mapping.keys():
        missing.append(next(s for s in specs if s.name == one_of[0]))
    return missing


def _missing_column_issue(spec: ColumnSpec) -> Issue:
    return Issue(
        code="missing_column",
        column=spec.name,
        message=f"required column {spec.name!r} not found",
        hint=f"accepted headers: {', '.join(spec.aliases[1:6])}...; or name it with --map FILE",
    )


def mapped_texts(table: RawTable, mapping: dict[str, str]) -> pl.DataFrame:
    """The row number and each mapped column's text (``__text_<column>``), trimmed, empty as null.

    A column none of whose values has whitespace at either end or is empty is its own text: it is
    used as read, not copied (``clean_text`` would give the same values; a copy of a million texts
    costs ~20 MB a column).
    """
    return texts_and_distinct(table, mapping)[0]


def texts_and_distinct(table: RawTable, mapping: dict[str, str]) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """``mapped_texts``, and the distinct texts of each few-valued mapped column (``_few_valued``),
    by canonical column (null among them when there is one), for ``typed_columns``.

    Whether a few-valued column needs cleaning is asked of its distinct values: a million rows of
    five districts are hashed once (~7 ms) instead of stripped and measured (~17 ms), and the
    distinct texts serve again when the column is parsed (``_parse_distinct``).
    """
    frame = table.frame
    headers = list(dict.fromkeys(mapping.values()))
    few = [h for h in headers if _few_valued(frame[h])]
    many = [h for h in headers if h not in few]
    raw_distinct = {h: known for h in few if (known := table.known_distinct(h)) is not None}
    # One select: polars works on the columns in parallel (one column's distinct values or check
    # per core), not one after the other.
    found = frame.select(
        *(needs_cleaning(pl.col(h)).alias(h) for h in many),
        *(pl.col(h).unique().implode().alias(h) for h in few if h not in raw_distinct),
    )
    raw_distinct |= {h: found[h][0] for h in few if h not in raw_distinct}
    dirty = {h for h in many if found[h][0] is not False}
    dirty |= {h for h, values in raw_distinct.items() if _needs_cleaning(values)}
    texts = frame.select(
        ROW,
        *[
            (clean_text(pl.col(h)) if h in dirty else pl.col(h)).alias(f"__text_{c}")
            for c, h in mapping.items()
        ],
    )
    distinct = {h: _cleaned(values) if h in dirty else values for h, values in raw_distinct.items()}
    return texts, {c: distinct[h] for c, h in mapping.items() if h in distinct}


# A column is few-valued when a sample of FEW_SAMPLE of its values, spread over the column, holds
# at most FEW_DISTINCT distinct ones. A wrong guess costs time, never a different result.
FEW_SAMPLE = 1000
FEW_DISTINCT = 100


def _few_valued(column: pl.Series) -> bool:
    """Whether a text column looks few-valued (districts, channels): its distinct values are then
    computed, not the whole column cleaned; a column of registration numbers never is."""
    if column.dtype != pl.String:
        return False
    step = max(column.len() // FEW_SAMPLE, 1)
    return column.gather_every(step).n_unique() <= FEW_DISTINCT


def _needs_cleaning(values: pl.Series) -> bool:
    """``needs_cleaning`` of one column, as a bool (False for a column without a value)."""
    return bool(values.to_frame("v").select(needs_cleaning(pl.col("v"))).item())


def _cleaned(values: pl.Series) -> pl.Series:
    """The distinct texts ``clean_text`` makes of distinct values."""
    return values.to_frame("v").select(clean_text(pl.col("v")).unique()).to_series()


def typed_columns(
    texts: pl.DataFrame,
    kind: Kind,
    specs: tuple[ColumnSpec, ...],
    mapping: dict[str, str],
    distinct: dict[str, pl.Series] | None = None,
    values: dict[str, pl.Series] | None = None,
) -> pl.DataFrame:
    """Every canonical column typed beside its text (null where the file lacks it); a suspect's age
    from the birth date when no age is given.

    ``distinct``: the distinct texts of some columns (``texts_and_distinct``), exactly those of
    ``texts`` (no row dropped since), parsed instead of computing them again. ``values``, when
    given, receives the distinct typed values (null among them) of the columns parsed once per
    distinct text, for the checks (``CheckContext.distinct``)."""
    texts = texts.with_columns(
        pl.lit(None, dtype=pl.String).alias(f"__text_{s.name}") for s in specs if s.name not in mapping
    )
    typed = _parse_columns(texts, specs, mapping, distinct or {}, values)
    if kind is Kind.suspects:
        typed = typed.with_columns(pl.coalesce("age", _age_at("date", "birth_date")).alias("age"))
    return typed


def _typed(spec: ColumnSpec, header: str | None) -> pl.Expr:
    """A canonical column parsed from its text (``__text_<column>``) by its type; null when absent."""
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


def _parse_columns(
    texts: pl.DataFrame,
    specs: tuple[ColumnSpec, ...],
    mapping: dict[str, str],
    distinct: dict[str, pl.Series],
    values: dict[str, pl.Series] | None = None,
) -> pl.DataFrame:
    """Typed canonical columns beside their texts; dates and numbers take a fast path first.

    Periods, areas, channels and yes/no values repeat (a few hundred distinct values in a million
    rows): each distinct text is parsed once and mapped back.
    """

    def repeats(spec: ColumnSpec) -> bool:
        return spec.name in mapping and (spec.type in REPEATING_TYPES or spec.name in AREA_COLUMNS)

    def has_fast_path(spec: ColumnSpec) -> bool:
        return spec.type.fast is not None and spec.name in mapping

    columns: list[pl.Expr | pl.Series] = [
        _typed(spec, mapping.get(spec.name))
        for spec in specs
        if not has_fast_path(spec) and not repeats(spec)
    ]
    columns += [
        _parse_distinct(texts, spec, mapping[spec.name], distinct.get(spec.name), values)
        for spec in specs
        if repeats(spec)
    ]
    fast_paths = [spec for spec in specs if has_fast_path(spec)]
    for spec in fast_paths:
        fast, full = spec.type.fast, spec.type.parse
        assert fast is not None and full is not None
        parser = fast(texts[f"__text_{spec.name}"]) or full
        columns.append(parser(pl.col(f"__text_{spec.name}")).alias(spec.name))
    # One with_columns: polars parses the columns in parallel, not one after the other.
    typed = texts.with_columns(columns)
    missed: list[pl.Series] = []
    for spec in fast_paths:
        assert spec.type.parse is not None
        completed = complete_parse(typed[spec.name], typed[f"__text_{spec.name}"], spec.type.parse)
        if completed is not None:  # the texts the fast parser missed, parsed in full
            missed.append(completed.alias(spec.name))
    return typed.with_columns(missed) if missed else typed


def _parse_distinct(
    texts: pl.DataFrame,
    spec: ColumnSpec,
    header: str,
    distinct: pl.Series | None = None,
    values: dict[str, pl.Series] | None = None,
) -> pl.Expr | pl.Series:
    """The same values as ``_typed``, computed once per distinct text (``distinct`` when given:
    the column's distinct texts, known already); an expression that maps them back (a Series for
    an empty table). ``values`` receives the column's distinct values.

    When parsing leaves every distinct text as it is (areas written by their canonical names), the
    text column is the value: used as is, not joined back into a copy.
    """
    column = f"__text_{spec.name}"
    known = texts.select(pl.col(column).unique()) if distinct is None else distinct.to_frame(column)
    parsed = known.with_columns(_typed(spec, header))
    if values is not None:
        values[spec.name] = parsed[spec.name].unique()
    dtype = parsed.schema[spec.name]
    if texts.schema[column] == dtype and parsed[column].equals(parsed[spec.name]):
        return pl.col(column).alias(spec.name)
    # Every text (null too) is one of ``parsed``'s: a strict replacement, cheaper than a join back.
    # (The cast: polars keeps the input's type when the column is empty. Without a text at all, the
    # replacement of a Series: as an expression polars 2.1 drops the mapping, its type and the cast.)
    text = texts[column] if parsed.height == 0 else pl.col(column)
    mapped = text.replace_strict(parsed[column], parsed[spec.name], return_dtype=dtype)
    return mapped.cast(dtype).alias(spec.name)


def _drop_blank_and_total_rows(
    frame: pl.DataFrame,
    headers: list[str],
    *,
    trailing_total: bool = True,
    categories: list[str] | None = None,
    required: list[str] | None = None,
) -> tuple[pl.DataFrame, int, list[Issue]]:
    """Rows without any value dropped (and counted); a trailing totals row dropped, with a finding.

    A last row is a totals row when a text starts with ``Totaal``/``Total`` in it, except a category
    (``categories``: "Totaal misdrijven" is the crime total, a category of its own) in a row that
    gives every ``required`` column: a totals row sums the rows above and lacks a key of theirs."""
    blank = pl.all_horizontal(pl.col(h).is_null() for h in headers) if headers else pl.lit(True)
    marked = frame.with_columns(__blank=blank)
    blank_count = int(marked["__blank"].sum())
    kept = marked.filter(~pl.col("__blank")).drop("__blank")
    issues: list[Issue] = []
    if kept.height and trailing_total:
        last = kept.tail(1)
        complete = all(last[h][0] is not None for h in required or [])
        label = next(
            (
                str(v)
                for h in headers
                if not (complete and h in (categories or []))
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


def _flag(typed: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    """The typed table with a column per check (``__check_<i>``) and ``__invalid`` (any error)."""
    flagged = typed.with_columns(
        [c.mask.fill_null(False).alias(f"__check_{i}") for i, c in enumerate(checks)]
    )
    error_cols = [f"__check_{i}" for i, c in enumerate(checks) if c.severity is Severity.error]
    return flagged.with_columns(__invalid=pl.any_horizontal(error_cols) if error_cols else pl.lit(False))


def _add_findings(
    report: FileReport, flagged: pl.DataFrame, checks: list[Check], mapping: dict[str, str], max_per_code: int
) -> None:
    """Per check that fails: the first ``max_per_code`` rows as findings, and the total."""
    totals = flagged.select(pl.col(f"__check_{i}").sum() for i in range(len(checks))).row(0) if checks else ()
    for i, (check, total) in enumerate(zip(checks, totals, strict=True)):
        if not total:
            continue
        written: str | None = mapping.get(check.column or "", check.column)
        hits = flagged.filter(pl.col(f"__check_{i}")).head(min(max_per_code, flagged.height))
        if check.column in WITHHELD:
            values = hits.select(withheld_text(check.column)).to_series().to_list()
        elif check.column:
            values = hits[f"__text_{check.column}"].to_list()
        else:
            values = [None] * hits.height
        for row, value in zip(hits[ROW].to_list(), values, strict=True):
            report.issues.append(
                Issue(
                    code=check.code,
                    severity=check.severity,
                    row=row,
                    column=written,
                    value=None if value is None else cut(value),  # one value, cut: it may be personal
                    message=check.message,
                    hint=check.hints.get(value, check.hint) if check.hints and value else check.hint,
                )
            )
        report.issue_counts[check.code] = report.issue_counts.get(check.code, 0) + int(total)


def describe_rows(
    report: FileReport, kind: Kind, data: pl.DataFrame, areas: pl.Series | None = None
) -> RowFacts | None:
    """Periods and areas of the valid rows, for ``validate`` and ``ingest --dry-run``; the facts
    ingest needs again (None without a row). ``areas``: the distinct values of the area column of
    ``data``, when known."""
    if data.height == 0:
        return None
    kind_facts = facts(kind)
    column = kind_facts.period_column
    days = None
    if kind_facts.registration_level:
        days = day_counts(data[column])  # a few thousand days: each labelled once
        periods = days.select(period_label_expr(pl.col(column), "H").alias("p"))["p"]
    elif not kind_facts.yearly:  # period labels, of one length or several
        periods = data[column]
        units = data.select(period_unit_expr(pl.col(column)).alias("u").unique().sort())["u"].to_list()
        if len(units) > 1:
            names = {"Y": "years", "H": "half-years", "Q": "quarters", "M": "months"}
            report.notes.append(
                f"periods of different lengths ({', '.join(names[u] for u in units)}) are stored apart under "
                "their own labels; a longer period is never added to the shorter ones it contains"
            )
    else:
        periods = data[column].cast(pl.String)
    report.periods = periods.drop_nulls().unique().sort().to_list()
    distinct = (data[kind_facts.area_column].unique() if areas is None else areas).drop_nulls().sort()
    report.area_count = distinct.len()
    report.areas = distinct.head(MAX_LISTED).to_list()
    return RowFacts(data, distinct.to_list(), days)


def _age_at(date: str, birth: str) -> pl.Expr:
    """The age on ``date`` of someone born on ``birth`` (whole years)."""
    d, b = pl.col(date), pl.col(birth)

    # month() and day() are Int8: widen before arithmetic (month * 100 overflows Int8).
    def month_day(x: pl.Expr) -> pl.Expr:
        return x.dt.month().cast(pl.Int32) * 100 + x.dt.day().cast(pl.Int32)

    before_birthday = month_day(d) < month_day(b)
    return (d.dt.year().cast(pl.Int64) - b.dt.year() - before_birthday.cast(pl.Int64)).cast(pl.Int64)


def withheld_text(column: str) -> pl.Expr:
    """What a finding or a rejected row shows for a personal value read only to derive another
    (``WITHHELD``): the derived value (``age 31``), or that the value is invalid and withheld;
    never the value (``2031-02-03`` or ``31-02-1990``)."""
    derived = WITHHELD[column]
    text = pl.col(f"__text_{column}")
    return (
        pl.when(text.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col(column).is_null())
        .then(pl.lit(INVALID_WITHHELD))
        .otherwise(pl.concat_str(pl.lit(f"{derived} "), pl.col(derived).cast(pl.String)))
        .alias(column)
    )


def _rejected_rows(
    flagged: pl.DataFrame, checks: list[Check], frame: pl.DataFrame, mapping: dict[str, str]
) -> pl.DataFrame:
    """The invalid rows as read, with their row number and the reasons (the error checks they fail);
    a personal value read only to derive another (a birth date) as what is derived (``withheld_text``)."""
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
    withheld = {mapping[c]: withheld_text(c) for c in WITHHELD if c in mapping}
    invalid = flagged.filter(pl.col("__invalid"))
    bad = invalid.select(ROW, reasons.alias("reasons"))
    # Only the rows read that are rejected take part in the join (none: no hash table of every row).
    read = frame.filter(pl.col(ROW).is_in(bad[ROW].implode())) if bad.height else frame.clear()
    if withheld:
        derived = invalid.select(ROW, *(expr.alias(header) for header, expr in withheld.items()))
        read = read.drop(list(withheld)).join(derived, on=ROW, how="left")
    return bad.join(read, on=ROW, how="left").rename({ROW: "row"})


def _count(report: FileReport, issues: list[Issue]) -> None:
    for issue in issues:
        report.issue_counts[issue.code] = report.issue_counts.get(issue.code, 0) + 1

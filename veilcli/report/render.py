"""Rich renderings of results; the CLI picks these for terminals and JSON for scripts.

Everything printed is a ``rich.text.Text`` (``console_text``): user strings (paths, sheets,
values, headers, areas) are never read as markup, emoji codes or terminal escapes.
"""

from __future__ import annotations

import json
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from veilcli.analysis.corrections import NormaliseResult
from veilcli.domain.models import FileReport, Severity, ValidationReport
from veilcli.report.console_text import json_text, line, text
from veilcli.store.ingest import IngestResult
from veilcli.store.status import CoverageRow, StoreStatus


def new_table(console: Console, *headers: str, **options: Any) -> Table:
    """A rich table: box drawing on a terminal, plain ASCII when piped to a file or a script.

    Headers and a string ``title`` are plain text; add rows with ``add_text_row``.
    """
    if isinstance(options.get("title"), str):
        options["title"] = text(options["title"])
    table = Table(box=box.HEAVY_HEAD if console.is_terminal else box.ASCII, **options)
    for header in headers:
        table.add_column(text(header))
    return table


def cells(*values: object) -> list[Text]:
    """Table cells as plain text (a ``Text`` is kept with its style)."""
    return [v if isinstance(v, Text) else text("" if v is None else v) for v in values]


def add_text_row(table: Table, *values: object) -> None:
    """A row whose cells are plain text."""
    table.add_row(*cells(*values))


def print_json(data: Any) -> None:
    """Machine-readable output on stdout (no colour, no wrapping, no raw control characters)."""
    print(json_text(json.dumps(data, indent=2, ensure_ascii=False, default=str)))


def _where(report: FileReport) -> str:
    return report.path + (f" [sheet {report.sheet}]" if report.sheet else "")


def render_file_report(console: Console, report: FileReport, max_per_code: int) -> None:
    """Per-file validation summary plus the first findings of each kind."""
    from veilcli.sources.formats import recognition_lines

    state = ("valid", "green") if report.valid else ("invalid", "red")
    console.print(
        line(
            (_where(report), "bold"),
            f": {report.source_format or report.format}, {report.kind} "
            f"({'detected' if report.kind_detected else 'given'}), "
            f"header on row {report.header_row}; {report.rows_read} rows read, "
            f"{report.rows_valid} valid, {report.rows_invalid} invalid: ",
            state,
        )
    )
    for recognised in recognition_lines(report)[1:]:
        console.print(text(f"  {recognised}"))
    if report.blank_rows_skipped:
        console.print(text(f"  {report.blank_rows_skipped} blank row(s) skipped"))
    if report.dropped_personal_columns:
        console.print(
            text("  personal columns dropped (never stored): " + ", ".join(report.dropped_personal_columns))
        )
    if report.ignored_columns:
        console.print(text("  columns not used: " + ", ".join(report.ignored_columns)))
    if not report.issues:
        return
    table = new_table(
        console, "row", "column", "value", "problem", "hint", show_lines=False, header_style="bold"
    )
    shown: dict[str, int] = {}
    for issue in report.issues:
        shown[issue.code] = shown.get(issue.code, 0) + 1
        colour = "red" if issue.severity is Severity.error else "yellow"
        add_text_row(
            table,
            "" if issue.row is None else str(issue.row),
            issue.column or "",
            "" if issue.value is None else repr(issue.value),
            line((issue.code, colour), f": {issue.message}"),
            issue.hint or "",
        )
    console.print(table)
    for code, total in report.issue_counts.items():
        if total > shown.get(code, 0):
            first = shown.get(code, 0)
            console.print(text(f"  {code}: {total} in all (first {first} shown; more with --max-per-kind N)"))


def render_validation(console: Console, report: ValidationReport, max_per_code: int) -> None:
    """Every file's validation report."""
    for file_report in report.files:
        render_file_report(console, file_report, max_per_code)


def render_ingest(console: Console, result: IngestResult) -> None:
    """Summary of an ingest: what was stored, skipped or rejected, and why."""
    warnings = {
        (f.path, f.sheet): {
            code: n
            for code, n in f.issue_counts.items()
            if any(i.code == code and i.severity is Severity.warning for i in f.issues)
        }
        for f in result.report.files
    }
    from veilcli.sources.formats import recognition_lines

    reports = {(f.path, f.sheet): f for f in result.report.files}
    for s in result.sources:
        colour = {"stored": "green", "unchanged": "cyan", "rejected": "red"}.get(s.status, "white")
        name = s.path + (f" [{s.sheet}]" if s.sheet else "")
        console.print(
            line(
                (name, "bold"),
                f": {s.source_format + ', ' if s.source_format else ''}{s.kind or '?'}, ",
                (s.status, colour),
                f": {s.rows_stored} rows stored, {s.rows_rejected} rejected",
            )
        )
        report = reports.get((s.path, s.sheet))
        recognised = s.status == "dry-run" and report is not None
        if recognised and report is not None:
            # What was recognised, as `validate` reports it (periods and areas included); nothing was written.
            for recognised_line in recognition_lines(report):
                console.print(text(f"  {recognised_line}"))
            if report.ignored_columns:
                console.print(text("  columns not used: " + ", ".join(report.ignored_columns)))
        details = []
        if s.date_min and not recognised:
            details.append(f"{s.date_min} .. {s.date_max}")
        if s.areas and not recognised:
            more = f" (+{len(s.areas) - 6} more)" if len(s.areas) > 6 else ""
            details.append("areas " + ", ".join(s.areas[:6]) + more)
        if s.event_linked_share is not None:
            details.append(f"linked by event_id {s.event_linked_share:.1%}")
        if s.channel_mix:
            details.append("channels " + ", ".join(f"{k} {v:.1%}" for k, v in s.channel_mix.items()))
        if details:
            console.print(text("  " + "; ".join(details)))
        if s.covers:
            how = (
                "as declared"
                if s.coverage_declared
                else "inferred: pass --covers/--scope if the extract covers more"
            )
            console.print(text(f"  covers {s.covers}, categories: {', '.join(s.scope or [])} ({how})"))
        if warnings.get((s.path, s.sheet)):
            found = ", ".join(f"{code} x{n}" for code, n in warnings[(s.path, s.sheet)].items())
            console.print(text(f"  warnings (rows kept): {found}; `veilcli validate` shows where"))
        if s.status == "empty":
            console.print(text("  no data rows (only a header): nothing stored"))
        if s.status == "unchanged":
            console.print(text(f"  already stored (same content, sha256 {s.sha256[:12]}): nothing added"))
        if s.dropped_personal_columns:
            console.print(
                text("  personal columns dropped, not stored: " + ", ".join(s.dropped_personal_columns))
            )
        for path, rows in s.replaced.items():
            console.print(text(f"  replaced {rows} row(s) previously stored from {path}"))
        if s.rejected_file:
            console.print(
                text(f"  {s.rows_rejected} rejected row(s) with their reasons written to {s.rejected_file}")
            )
    if result.stored:
        console.print(text(f"stored in {result.store}"))


def render_status(console: Console, status: StoreStatus) -> None:
    """Sources and coverage tables."""
    if not status.sources:
        console.print(text(f"the store {status.store} is empty: run `veilcli ingest PATH` first."))
        return
    sources = new_table(
        console, "path", "sheet", "sha256", "kind", "rows", "rejected", "ingested (UTC)", header_style="bold"
    )
    for s in status.sources:
        add_text_row(
            sources,
            s.path,
            s.sheet or "",
            s.sha256[:12],
            s.kind.value,
            str(s.rows),
            str(s.rows_rejected),
            f"{s.ingested_at:%Y-%m-%d %H:%M}",
        )
    console.print(line(("store", "bold"), f" {status.store}"))
    console.print(sources)
    covering = [s for s in status.sources if s.covers_from is not None]
    if covering:
        spans = new_table(console, "path", "kind", "covers", "categories", "areas", header_style="bold")
        for s in covering:
            declared = " (declared)" if s.covers_declared or s.scope_declared else ""
            add_text_row(
                spans,
                s.path,
                s.kind.value,
                f"{s.covers_from}..{s.covers_to}{declared}",
                ", ".join(s.scope or []),
                ", ".join(s.areas or []),
            )
        console.print(spans)
    by_kind: dict[str, list[CoverageRow]] = {}
    for row in status.coverage:
        by_kind.setdefault(row.kind.value, []).append(row)
    for kind, rows in by_kind.items():
        periods = sorted({r.period or "" for r in rows})
        table = new_table(
            console, "area", *periods, title=f"{kind}: rows per area and period", header_style="bold"
        )
        cells: dict[str, dict[str, int]] = {}
        for r in rows:
            cells.setdefault(r.area or "", {})[r.period or ""] = r.rows
        for area, counts in cells.items():
            add_text_row(table, area, *(f"{counts[p]:,}" if p in counts else "-" for p in periods))
        console.print(table)


def pct_text(value: float | None, unit: str = "%") -> str:
    """A change: whole numbers, a decimal below 1 (never "0%" for a change that is not 0)."""
    if value is None:
        return "-"
    if value == 0:
        return f"0{unit}"
    if abs(value) < 1:
        shown = f"{value:+.1f}"
        return (shown if shown not in ("+0.0", "-0.0") else f"{value:+.2g}") + unit
    return f"{value:+.0f}{unit}"


def _signed(value: float | None, unit: str) -> str:
    return "n/a" if value is None else pct_text(value, unit)


def change_sentence(change: dict[str, float | None]) -> str:
    """'+12% raw (per 1,000 inh.), of which samenloop +7 pts; underlying +5% .. +2% (internet)'."""
    if change.get("raw_change_pct") is None:
        return "no baseline count: change undefined"
    basis = " (per 1,000 inh.)" if change.get("change_of") == "per_1000_inhabitants" else " (counts)"
    raw, samenloop = _signed(change["raw_change_pct"], "%"), _signed(change["samenloop_pts"], " pts")
    point, low = _signed(change["underlying_change_pct"], "%"), _signed(change.get("underlying_low_pct"), "%")
    underlying = point if point == low else f"{low} .. {point}"
    return f"{raw} raw{basis}, of which samenloop {samenloop}; underlying {underlying}"


def _number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{decimals}f}"


def render_normalise(console: Console, result: NormaliseResult) -> None:
    """Raw, samenloop effect, internet effect and corrected per category and period."""
    rules = result.rules
    if result.raw:
        console.print(
            line(("no corrections applied", "bold"), " (--raw): every figure is the registered count.")
        )
    else:
        applied = [name for name, on in result.applied.items() if on]
        console.print(
            text(
                f"corrections applied: {', '.join(applied) or 'none'} "
                f"(rules {rules.path}, sha256 {rules.sha256[:12]}); baseline {result.baseline or '-'}"
            )
        )
    changes = {(c["area"], c["category"]): c for c in result.changes.to_dicts()}
    headers = [
        "category",
        "period",
        "raw",
        "samenloop",
        "internet",
        "bound",
        "change vs baseline",
        "notes",
    ]
    table = new_table(
        console,
        *(["district"] if result.by == "district" else []),
        *headers,
        header_style="bold",
        title=f"{result.area}: registered counts, raw and corrected",
    )
    for row in result.rows.sort("area", "category", "period").to_dicts():
        current = row["period"] == str(result.period)
        change = changes.get((row["area"], row["category"])) if current else None
        values = [
            f"{row['category']} {row['label'] or ''}".strip(),
            row["period"],
            _number(row["raw"]),
            _number(row["samenloop_effect"]),
            _number(row["internet_effect"]),
            _number(row["corrected"]),
            change_sentence(change) if change else "",
            row["notes"] or "",
        ]
        add_text_row(table, *([row["area"]] if result.by == "district" else []), *values)
    console.print(table)

"""Rich renderings of results; the CLI picks these for terminals and JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from veilcli.api import NormaliseResult
from veilcli.ingest import IngestResult
from veilcli.models import FileReport, Severity, ValidationReport
from veilcli.status import CoverageRow, StoreStatus


def new_table(console: Console, *headers: str, **options: Any) -> Table:
    """A rich table: box drawing on a terminal, plain ASCII when piped to a file or a script."""
    return Table(*headers, box=box.HEAVY_HEAD if console.is_terminal else box.ASCII, **options)


def print_json(data: Any) -> None:
    """Machine-readable output on stdout (no colour, no wrapping)."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _where(report: FileReport) -> str:
    return report.path + (f" [sheet {report.sheet}]" if report.sheet else "")


def render_file_report(console: Console, report: FileReport, max_per_code: int) -> None:
    """Per-file validation summary plus the first findings of each kind."""
    from veilcli.formats import recognition_lines

    state = "[green]valid[/]" if report.valid else "[red]invalid[/]"
    console.print(
        f"[bold]{_where(report)}[/]: {report.source_format or report.format}, {report.kind} "
        f"({'detected' if report.kind_detected else 'given'}), "
        f"header on row {report.header_row}; {report.rows_read} rows read, "
        f"{report.rows_valid} valid, {report.rows_invalid} invalid: {state}"
    )
    for line in recognition_lines(report)[1:]:
        console.print(f"  {line}", highlight=False, markup=False)
    if report.blank_rows_skipped:
        console.print(f"  {report.blank_rows_skipped} blank row(s) skipped")
    if report.dropped_personal_columns:
        console.print(
            "  personal columns dropped (never stored): " + ", ".join(report.dropped_personal_columns)
        )
    if report.ignored_columns:
        console.print("  columns not used: " + ", ".join(report.ignored_columns))
    if not report.issues:
        return
    table = new_table(
        console, "row", "column", "value", "problem", "hint", show_lines=False, header_style="bold"
    )
    shown: dict[str, int] = {}
    for issue in report.issues:
        shown[issue.code] = shown.get(issue.code, 0) + 1
        colour = "red" if issue.severity is Severity.error else "yellow"
        table.add_row(
            "" if issue.row is None else str(issue.row),
            issue.column or "",
            "" if issue.value is None else repr(issue.value),
            f"[{colour}]{issue.code}[/]: {issue.message}",
            issue.hint or "",
        )
    console.print(table)
    for code, total in report.issue_counts.items():
        if total > shown.get(code, 0):
            console.print(
                f"  {code}: {total} in all (first {shown.get(code, 0)} shown; --max-per-kind N shows more)"
            )


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
    from veilcli.formats import recognition_lines

    reports = {(f.path, f.sheet): f for f in result.report.files}
    for s in result.sources:
        colour = {"stored": "green", "unchanged": "cyan", "rejected": "red"}.get(s.status, "white")
        name = s.path + (f" [{s.sheet}]" if s.sheet else "")
        console.print(
            f"[bold]{name}[/]: {s.source_format + ', ' if s.source_format else ''}{s.kind or '?'}, "
            f"[{colour}]{s.status}[/]: {s.rows_stored} rows stored, {s.rows_rejected} rejected",
            highlight=False,
        )
        report = reports.get((s.path, s.sheet))
        recognised = s.status == "dry-run" and report is not None
        if recognised and report is not None:
            # What was recognised, as `validate` reports it (periods and areas included); nothing was written.
            for line in recognition_lines(report):
                console.print(f"  {line}", highlight=False, markup=False)
            if report.ignored_columns:
                console.print("  columns not used: " + ", ".join(report.ignored_columns), highlight=False)
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
            console.print("  " + "; ".join(details), highlight=False)
        if warnings.get((s.path, s.sheet)):
            found = ", ".join(f"{code} x{n}" for code, n in warnings[(s.path, s.sheet)].items())
            console.print(f"  warnings (rows kept): {found}; `veilcli validate` shows where", highlight=False)
        if s.status == "empty":
            console.print("  no data rows (only a header): nothing stored")
        if s.status == "unchanged":
            console.print(f"  already stored (same content, sha256 {s.sha256[:12]}): nothing added")
        if s.dropped_personal_columns:
            console.print("  personal columns dropped, not stored: " + ", ".join(s.dropped_personal_columns))
        for path, rows in s.replaced.items():
            console.print(f"  replaced {rows} row(s) previously stored from {path}")
        if s.rejected_file:
            console.print(
                f"  {s.rows_rejected} rejected row(s) with their reasons written to {s.rejected_file}"
            )
    if result.stored:
        console.print(f"stored in {result.store}")


def render_status(console: Console, status: StoreStatus) -> None:
    """Sources and coverage tables."""
    if not status.sources:
        console.print(f"the store {status.store} is empty: run `veilcli ingest PATH` first.")
        return
    sources = new_table(
        console, "path", "sheet", "sha256", "kind", "rows", "rejected", "ingested (UTC)", header_style="bold"
    )
    for s in status.sources:
        sources.add_row(
            s.path,
            s.sheet or "",
            s.sha256[:12],
            s.kind.value,
            str(s.rows),
            str(s.rows_rejected),
            f"{s.ingested_at:%Y-%m-%d %H:%M}",
        )
    console.print(f"[bold]store[/] {status.store}")
    console.print(sources)
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
            table.add_row(area, *(f"{counts[p]:,}" if p in counts else "-" for p in periods))
        console.print(table)


def _signed(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:+.0f}{unit}"


def change_sentence(change: dict[str, float | None]) -> str:
    """'+12% raw, of which samenloop +7 pts, internet +3 pts, underlying +2%'."""
    if change.get("raw_change_pct") is None:
        return "no baseline count: change undefined"
    raw, samenloop = _signed(change["raw_change_pct"], "%"), _signed(change["samenloop_pts"], " pts")
    internet, underlying = (
        _signed(change["internet_pts"], " pts"),
        _signed(change["underlying_change_pct"], "%"),
    )
    return f"{raw} raw, of which samenloop {samenloop}, internet {internet}, underlying {underlying}"


def _number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{decimals}f}"


def render_normalise(console: Console, result: NormaliseResult) -> None:
    """Raw, samenloop effect, internet effect and corrected per category and period."""
    rules = result.rules
    if result.raw:
        console.print("[bold]no corrections applied[/] (--raw): every figure is the registered count.")
    else:
        applied = [name for name, on in result.applied.items() if on]
        console.print(
            f"corrections applied: {', '.join(applied) or 'none'} "
            f"(rules {rules.path}, sha256 {rules.sha256[:12]}); baseline {result.baseline or '-'}",
            highlight=False,
        )
    changes = {(c["area"], c["category"]): c for c in result.changes.to_dicts()}
    headers = [
        "category",
        "period",
        "raw",
        "samenloop",
        "internet",
        "corrected",
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
        cells = [
            f"{row['category']} {row['label'] or ''}".strip(),
            row["period"],
            _number(row["raw"]),
            _number(row["samenloop_effect"]),
            _number(row["internet_effect"]),
            _number(row["corrected"]),
            change_sentence(change) if change else "",
            row["notes"] or "",
        ]
        table.add_row(*([row["area"]] if result.by == "district" else []), *cells)
    console.print(table)

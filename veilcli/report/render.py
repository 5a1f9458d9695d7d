"""Rich renderings of results; the CLI picks these for terminals and JSON for scripts.

Everything printed is a ``rich.text.Text`` (``console_text``): user strings (paths, sheets,
values, headers, areas) are never read as markup, emoji codes or terminal escapes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from veilcli.analysis.goals import Status
from veilcli.domain.coverage import describe_coverage
from veilcli.domain.language import DEFAULT_LANG, Lang
from veilcli.domain.models import FileReport, Severity, SourceRecord, ValidationReport
from veilcli.domain.notes import row_notes_text
from veilcli.domain.periods import period_words
from veilcli.report import numbers
from veilcli.report.console_text import json_text, line, text
from veilcli.report.numbers import number
from veilcli.report.words import word

if TYPE_CHECKING:  # annotations only: rendering a comparison must not import ingest and its readers
    from veilcli.analysis.results.normalise import NormaliseResult
    from veilcli.store.ingest import IngestResult
    from veilcli.store.status import CoverageRow, StoreStatus


# How a status looks on a terminal (its words are ``words.short``), in every renderer.
STATUS_STYLE: dict[Status, tuple[str, str]] = {
    Status.achieved: ("green", "✔"),
    Status.not_achieved: ("red", "✘"),
    Status.undetermined: ("yellow", "~"),
    Status.monitor: ("bright_black", "·"),
    Status.no_data: ("yellow", "?"),
    Status.incomplete: ("yellow", "!"),
    Status.too_few: ("bright_black", "○"),
}


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
            more = "more with --max-per-kind N"
            console.print(text(f"  {code}: {total:,} in all (first {first:,} shown; {more})"))


def render_validation(
    console: Console, report: ValidationReport, max_per_code: int, *, skipped: bool = True
) -> None:
    """Every file's validation report (and, with ``skipped``, the files of a folder left unread)."""
    if skipped:
        render_skipped(console, report)
    for file_report in report.files:
        render_file_report(console, file_report, max_per_code)


def render_skipped(console: Console, report: ValidationReport) -> None:
    """Files of a given folder that were not read, each with the reason."""
    for s in report.skipped:
        console.print(line((s.path, "bold"), ": ", ("skipped", "yellow"), f": {s.message}"))


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
    render_skipped(console, result.report)
    for s in result.sources:
        colour = {"stored": "green", "unchanged": "cyan", "rejected": "red", "no-valid-rows": "red"}.get(
            s.status, "white"
        )
        name = s.path + (f" [{s.sheet}]" if s.sheet else "")
        console.print(
            line(
                (name, "bold"),
                f": {s.source_format + ', ' if s.source_format else ''}{s.kind or '?'}, ",
                (s.status, colour),
                f": {s.rows_stored:,} rows stored, {s.rows_rejected:,} rejected",
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
        if s.status == "no-valid-rows":
            console.print(text(f"  no valid rows: all {s.rows_rejected:,} rejected, nothing stored"))
        if s.status == "empty":
            console.print(text("  no data rows (only a header): nothing stored"))
        if s.status == "unchanged":
            console.print(text(f"  already stored (same content, sha256 {s.sha256[:12]}): nothing added"))
        if s.dropped_personal_columns:
            console.print(
                text("  personal columns dropped, not stored: " + ", ".join(s.dropped_personal_columns))
            )
        for path, rows in s.replaced.items():
            console.print(text(f"  replaced {rows:,} row(s) previously stored from {path}"))
        for path, rows in s.agreed.items():
            kept = f"{rows:,} row(s) stored already from {path} with the same values: kept once"
            console.print(text(f"  {kept}"))
        for o in s.overlaps:
            where = o.path + (f" [{o.sheet}]" if o.sheet else "")
            console.print(
                line(
                    ("  warning:", "yellow"),
                    f" {o.rows:,} row(s) on {o.days:,} day(s) ({o.first}..{o.last}; "
                    f"{', '.join(o.municipalities)}) have the municipality, day and category of other "
                    f"{s.kind or 'rows'} in {where}, "
                    "under other ids: if both are extracts of the same registrations, both are counted "
                    "(see README, 'The store')",
                )
            )
        if s.rejected_file:
            console.print(
                text(f"  {s.rows_rejected:,} rejected row(s) with their reasons written to {s.rejected_file}")
            )
    if result.stored:
        console.print(text(f"stored in {result.store}"))


def render_status(console: Console, status: StoreStatus, lang: Lang = DEFAULT_LANG) -> None:
    """Sources, what they cover, and rows per kind x area x period. Paths are never cut: the full
    table where it fits the console, else a compact one whose paths fold onto more lines; period
    columns that do not fit go into further tables."""
    if not status.sources:
        console.print(text(word("t_store_empty", lang, store=status.store)))
        return
    console.print(line((word("t_store", lang), "bold"), f" {status.store}"))
    full = _sources_table(console, status, lang)
    console.print(full if fits(console, full) else _sources_compact(console, status, lang))
    covering = [s for s in status.sources if s.covers_from is not None]
    if covering:
        spans = _spans_table(console, covering, lang)
        console.print(spans if fits(console, spans) else _spans_compact(console, covering, lang))
    by_kind: dict[str, list[CoverageRow]] = {}
    for row in status.coverage:
        by_kind.setdefault(row.kind.value, []).append(row)
    for kind, rows in by_kind.items():
        _coverage_tables(console, kind, rows, lang)


def _sources_table(console: Console, status: StoreStatus, lang: Lang) -> Table:
    headers = ("t_path", "t_sheet", "t_sha256", "t_kind", "t_rows", "t_rejected", "t_ingested")
    sources = new_table(console, *(word(h, lang) for h in headers), header_style="bold")
    for column in sources.columns[2:]:
        column.no_wrap = True
    for column in sources.columns[4:6]:
        column.justify = "right"
    for s in status.sources:
        add_text_row(
            sources,
            s.path,
            s.sheet or "",
            s.sha256[:12],
            s.kind.value,
            number(s.rows, 0, lang),
            number(s.rows_rejected, 0, lang),
            f"{s.ingested_at:%Y-%m-%d %H:%M}",
        )
    return sources


def _sources_compact(console: Console, status: StoreStatus, lang: Lang) -> Table:
    """One row per source: the path (folded, never cut) and sheet over a line of what it holds."""
    table = new_table(console, word("t_source", lang), header_style="bold", show_lines=True)
    table.columns[0].overflow = "fold"
    for s in status.sources:
        sheet = f" [{s.sheet}]" if s.sheet else ""
        held = word(
            "t_source_line",
            lang,
            kind=s.kind.value,
            rows=number(s.rows, 0, lang),
            rejected=number(s.rows_rejected, 0, lang),
            sha=s.sha256[:12],
            at=f"{s.ingested_at:%Y-%m-%d %H:%M}",
        )
        table.add_row(Text.assemble(text(s.path + sheet, "bold"), "\n", text(held)))
    return table


def _spans_table(console: Console, covering: list[SourceRecord], lang: Lang) -> Table:
    headers = ("t_path", "t_kind", "t_covers", "t_categories", "t_areas")
    spans = new_table(console, *(word(h, lang) for h in headers), header_style="bold")
    spans.columns[0].overflow = "fold"
    spans.columns[1].no_wrap = True
    spans.columns[2].no_wrap = True
    for s in covering:
        declared = f"\n{word('t_declared', lang)}" if s.covers_declared or s.scope_declared else ""
        add_text_row(
            spans,
            s.path,
            s.kind.value,
            f"{describe_coverage(s.covers_from, s.covers_to, s.gaps)}{declared}",  # type: ignore[arg-type]
            ", ".join(s.scope or []),
            ", ".join(s.areas or []),
        )
    return spans


def _spans_compact(console: Console, covering: list[SourceRecord], lang: Lang) -> Table:
    """One row per source: the path (folded, never cut) over what it covers."""
    table = new_table(console, word("t_covers", lang), header_style="bold", show_lines=True)
    table.columns[0].overflow = "fold"
    for s in covering:
        declared = f" {word('t_declared', lang)}" if s.covers_declared or s.scope_declared else ""
        covers = (
            f"{s.kind.value}, {describe_coverage(s.covers_from, s.covers_to, s.gaps)}{declared}; "  # type: ignore[arg-type]
            f"{word('t_categories', lang)}: {', '.join(s.scope or [])}; "
            f"{word('t_areas', lang)}: {', '.join(s.areas or [])}"
        )
        table.add_row(Text.assemble(text(s.path, "bold"), "\n", text(covers)))
    return table


def _coverage_tables(console: Console, kind: str, rows: list[CoverageRow], lang: Lang) -> None:
    """Rows per area and period; as many tables as it takes to show every period whole."""
    periods = sorted({r.period or "" for r in rows})
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(r.area or "", {})[r.period or ""] = r.rows
    title = word("t_rows_per_period", lang, kind=kind)
    chunk = len(periods)
    while True:
        tables = []
        for first in range(0, len(periods), chunk):
            shown = periods[first : first + chunk]
            table = new_table(console, word("t_area", lang), *shown, title=title, header_style="bold")
            for column in table.columns[1:]:
                column.justify, column.no_wrap = "right", True
            for area, held in counts.items():
                add_text_row(table, area, *(number(held[p], 0, lang) if p in held else "-" for p in shown))
            tables.append(table)
        if chunk == 1 or all(fits(console, t) for t in tables):
            break
        chunk = max(1, chunk // 2 if chunk > 8 else chunk - 1)
    for table in tables:
        console.print(table)


def pct_text(value: float | None, unit: str = "%") -> str:
    """A change: whole numbers, a decimal below 1 (never "0%" for a change that is not 0)."""
    return numbers.pct_text(value, "en", unit)


def change_sentence(change: dict[str, float | None], lang: Lang = DEFAULT_LANG) -> str:
    """'+12% raw (per 1,000 inh.), of which samenloop +7 pts; underlying +5% .. +2% (internet)'."""
    if change.get("raw_change_pct") is None:
        return word("t_no_baseline_count", lang)
    basis = word(
        "t_basis_rate" if change.get("change_of") == "per_1000_inhabitants" else "t_basis_count", lang
    )
    raw = _signed(change["raw_change_pct"], "%", lang)
    samenloop = _signed(change["samenloop_pts"], word("t_pts", lang), lang)
    underlying = _underlying(change, lang)
    return word("t_change_sentence", lang, raw=raw, basis=basis, samenloop=samenloop, underlying=underlying)


def _signed(value: float | None, unit: str, lang: Lang) -> str:
    return word("t_not_available", lang) if value is None else numbers.pct_text(value, lang, unit)


def _underlying(change: dict[str, float | None], lang: Lang, joiner: str = " .. ") -> str:
    point = _signed(change["underlying_change_pct"], "%", lang)
    low = _signed(change.get("underlying_low_pct"), "%", lang)
    return point if point == low else f"{low}{joiner}{point}"


def _short_change(change: dict[str, float | None], lang: Lang) -> str:
    """'+6% / -25%..+6%': the registered change and the underlying one (a range where it is one)."""
    if change.get("raw_change_pct") is None:
        return "-"
    return f"{_signed(change['raw_change_pct'], '%', lang)} / {_underlying(change, lang, '..')}"


def _number(value: float | None, decimals: int = 1, lang: Lang = DEFAULT_LANG) -> str:
    if value is None:
        return "-"
    return number(value, 0 if float(value).is_integer() else decimals, lang)


def render_normalise(console: Console, result: NormaliseResult, lang: Lang = DEFAULT_LANG) -> None:
    """Raw, samenloop effect, internet effect and corrected per category and period. The full table
    where it fits the console, else a compact one: the change as "registered / underlying" and the
    notes under the table."""
    rules = result.rules
    if result.raw:
        console.print(text(word("t_raw_only", lang)))
    else:
        applied = [word(f"correction_{name}", lang) for name, on in result.applied.items() if on]
        console.print(
            text(
                word(
                    "t_corrections_applied",
                    lang,
                    applied=", ".join(applied) or word("t_none", lang),
                    rules=rules.path,
                    sha=rules.sha256[:12],
                    baseline=period_words(str(result.baseline), lang) if result.baseline else "-",
                )
            )
        )
    full = _normalise_table(console, result, lang)
    if fits(console, full):
        console.print(full)
    else:
        _normalise_blocks(console, result, lang)


def _normalise_cells(
    result: NormaliseResult, lang: Lang
) -> list[tuple[tuple[str, str], str, list[str], str | None]]:
    """Per row: (area, category), the category's label, the cells (period, raw, samenloop, internet,
    bound, change or ""), the row's notes."""
    changes = {(c["area"], c["category"]): c for c in result.changes.to_dicts()}
    rows = []
    for row in result.rows.sort("area", "category", "period").to_dicts():
        key = (row["area"], row["category"])
        change = changes.get(key) if row["period"] == str(result.period) else None
        cells = [
            period_words(row["period"], lang, short=True),
            _number(row["raw"], lang=lang),
            _number(row["samenloop_effect"], lang=lang),
            _number(row["internet_effect"], lang=lang),
            _number(row["corrected"], lang=lang),
        ]
        label = f"{row['category']} {row['label'] or ''}".strip()
        rows.append((key, label, cells, row_notes_text(row["notes"], lang)))
        rows[-1][2].append(change_sentence(change, lang) if change else "")
        rows[-1][2].append(_short_change(change, lang) if change else "")
    return rows


def _normalise_table(console: Console, result: NormaliseResult, lang: Lang) -> Table:
    district = result.by == "district"
    headers = ["t_category", "t_period", "t_raw", "t_samenloop", "t_internet", "t_bound"]
    table = new_table(
        console,
        *([word("district", lang).lower()] if district else []),
        *(word(h, lang) for h in [*headers, "t_change_vs_baseline", "t_notes"]),
        header_style="bold",
        title=word("t_normalise_title", lang, area=result.area),
    )
    first = 1 if district else 0
    table.columns[first].max_width = 30
    for column in table.columns[first + 1 : first + 6]:
        column.no_wrap = True
    for column in table.columns[first + 2 : first + 6]:
        column.justify = "right"
    for column in table.columns[first + 6 :]:
        column.max_width = 36
    for (area, _), label, cells, notes in _normalise_cells(result, lang):
        add_text_row(table, *([area] if district else []), label, *cells[:6], notes or "")
    return table


def _normalise_blocks(console: Console, result: NormaliseResult, lang: Lang) -> None:
    """One block per category (and district): its name, then a row per period; the change as
    "registered / underlying" on the period's row; the notes under it. Same widths in every block."""
    rows = _normalise_cells(result, lang)
    headers = [word(h, lang) for h in ("t_period", "t_raw", "t_samenloop", "t_internet", "t_bound")]
    headers.append(word("t_change_short", lang))
    widths = [max(len(part) for part in h.split("\n")) for h in headers]
    for _, _, cells, _ in rows:
        shown = [*cells[:5], cells[6]]
        widths = [max(w, len(c)) for w, c in zip(widths, shown, strict=True)]
    console.print(line((word("t_normalise_title", lang, area=result.area), "bold")))
    groups: dict[tuple[str, str], list[tuple[str, list[str], str | None]]] = {}
    for key, label, cells, notes in rows:
        groups.setdefault(key, []).append((label, cells, notes))
    as_lines = 2 + sum(widths) + 2 * (len(widths) - 1) > console.width  # no table fits: lines of words
    for number_, ((area, _), group) in enumerate(groups.items()):
        title = group[0][0] if result.by != "district" else f"{area}: {group[0][0]}"
        if as_lines:
            console.print(text(title, "bold"))
            for _, cells, notes in group:
                figures = ", ".join(
                    f"{h.replace(chr(10), ' ')} {c}"
                    for h, c in zip(headers[1:], [*cells[1:5], cells[6]], strict=True)
                    if c
                )
                console.print(Padding(text(f"{cells[0]}: {figures}"), (0, 0, 0, 2), expand=False))
                if notes:
                    console.print(Padding(text(notes, "dim"), (0, 0, 0, 4), expand=False))
            continue
        table = Table(box=None, show_header=number_ == 0, header_style="bold", padding=(0, 1), pad_edge=False)
        for column, (head, width) in enumerate(zip(headers, widths, strict=True)):
            table.add_column(
                text(head), width=width, no_wrap=True, justify="left" if column == 0 else "right"
            )
        for _, cells, _ in group:
            add_text_row(table, *cells[:5], cells[6])
        console.print(text(title, "bold"))
        console.print(Padding(table, (0, 0, 0, 2), expand=False))
        for _, cells, notes in group:
            if notes:
                console.print(Padding(text(f"{cells[0]}: {notes}", "dim"), (0, 0, 0, 4), expand=False))


def fits(console: Console, renderable: Any) -> bool:
    """Whether ``renderable`` fits the console's width without cutting anything (its widest
    rendering; columns with a ``max_width`` count at that width)."""
    unbounded = console.options.update_width(100_000)  # a measure never exceeds the width it is given
    return console.measure(renderable, options=unbounded).maximum <= console.width

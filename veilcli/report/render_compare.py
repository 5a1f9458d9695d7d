"""Rich rendering of `veilcli compare`: one table per theme, goals in words and colour.

Registered figures first; the underlying figure (after the corrections, with its range and own
status) beside them; every note under the theme it qualifies. Plan, area, district, indicator and
benchmark names are user text: printed as ``Text``, never markup.

Two layouts, chosen by the console's width: the **full table** (one row per indicator, every period,
the underlying change and each benchmark in columns) where it fits, else a **compact** one (one
block per indicator: registered, underlying and each benchmark as rows under the indicator's name).
Numbers and statuses never wrap and are never cut; only names wrap, at spaces. When even the
compact block is too wide, the periods between the baseline and the period are folded away (said
so). Words come from ``words.py`` in the language asked for; colour only on a terminal (rich drops
it under ``NO_COLOR``; the words and symbols stay).
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from veilcli.analysis.compare import CompareResult, DistrictResult, IndicatorResult
from veilcli.analysis.goals import Status
from veilcli.domain.notes import DEFAULT_LANG, Lang, Note
from veilcli.domain.periods import period_words
from veilcli.domain.plans import Unit
from veilcli.report.console_text import line, text
from veilcli.report.numbers import (
    bench_change,
    benchmark_names,
    carried,
    change_text,
    p_text,
    pct_text,
    range_text,
    value_text,
)
from veilcli.report.render import fits, new_table
from veilcli.report.words import period_headers, short, significance_survey, word

# How a status looks on a terminal (its words are ``words.short``).
STATUS_STYLE: dict[Status, tuple[str, str]] = {
    Status.achieved: ("green", "✔"),
    Status.not_achieved: ("red", "✘"),
    Status.undetermined: ("yellow", "~"),
    Status.monitor: ("bright_black", "·"),
    Status.no_data: ("yellow", "?"),
    Status.incomplete: ("yellow", "!"),
}
LABEL_MIN = 12  # a compact block's name column never narrower: below it, periods are folded away
LABEL_MAX = 28  # and never wider (the rest of the line is numbers)
FULL_LABEL_MAX = 24  # the full table's indicator column wraps beyond this


def render_compare(
    console: Console, result: CompareResult, themes: dict[int, str] | None = None, lang: Lang = DEFAULT_LANG
) -> None:
    """Every theme's indicators: registered values, change, goal, status, significance; the
    underlying change range and status beside them; benchmarks; notes. The full table where it fits
    the console's width, else one compact block per indicator."""
    themes = result.themes if themes is None else themes
    fancy = console.is_terminal
    console.print(_heading(result, lang))
    for theme in sorted({i.theme for i in result.indicators}):
        indicators = [i for i in result.indicators if i.theme == theme]
        title = text(f"{theme} {themes.get(theme, '')}".strip(), "bold")
        full = _full_table(console, result, indicators, lang)
        console.print()
        if fits(console, full):
            console.print(title)
            console.print(full)
            for ind in indicators:
                _print_notes(console, ind.id, ind.notes, lang)
        else:
            console.print(title)
            _compact(console, result, indicators, lang, fancy)
    # The exact test is the registered figures'; a survey row's p is a z-test: each named.
    footnote = f"{word('t_footnote', lang)} {significance_survey(result.indicators, lang)}".strip()
    console.print(Padding(text(footnote), (0, 0, 0, 2), expand=False))
    for district in result.districts or []:
        _district(console, result, district, lang, fancy)


def _heading(result: CompareResult, lang: Lang) -> Text:
    corrections = [word(f"correction_{name}", lang) for name, on in result.normalisation.items() if on]
    how = (
        word("t_registered_first", lang, corrections=f" {word('and', lang)} ".join(corrections))
        if corrections
        else word("t_no_corrections", lang)
    )
    head = word(
        "t_compare_head",
        lang,
        plan="\x00",
        area=result.area,
        period=period_words(result.period, lang),
        baseline=period_words(result.baseline, lang),
    )
    before, after = head.split("\x00", 1)
    return line(before, (result.plan, "bold"), f"{after} {how}")


def status_text(value: Status, fancy: bool, lang: Lang = DEFAULT_LANG) -> Text:
    """A status in words, with its symbol and colour on a terminal."""
    words, (colour, symbol) = short(value, lang), STATUS_STYLE[value]
    return text(f"{symbol} {words}", colour) if fancy else text(words)


def _p(ind: IndicatorResult, lang: Lang) -> str:
    if ind.p_value is None:
        return ""
    return p_text(ind.p_value, lang, space=False) + ("" if ind.significant else " ~")


def _bench_names(result: CompareResult) -> list[str]:
    return benchmark_names(result.indicators)


def _numbers(table: Table, header: str) -> None:
    """A column of numbers or statuses: right-aligned, never wrapped or cut."""
    table.add_column(text(header), justify="right", no_wrap=True)


def _words(table: Table, header: str) -> None:
    """A column of short words (unit, goal, status): never wrapped or cut."""
    table.add_column(text(header), no_wrap=True)


def _full_table(
    console: Console, result: CompareResult, indicators: list[IndicatorResult], lang: Lang
) -> Table:
    fancy = console.is_terminal
    bench_names = _bench_names(result)
    underlying = any(i.underlying is not None for i in result.indicators)
    table = new_table(console, header_style="bold")
    table.add_column(text(word("t_indicator", lang)), max_width=FULL_LABEL_MAX, overflow="fold")
    _words(table, word("t_unit", lang))
    for header in period_headers(result.periods, lang):
        _numbers(table, header)
    _numbers(table, word("t_change", lang))
    _words(table, word("t_goal", lang))
    _words(table, word("t_status", lang))
    _numbers(table, word("t_p", lang))
    if underlying:
        _numbers(table, word("t_underlying", lang))
        _words(table, word("t_underlying_status", lang))
    for name in bench_names:
        table.add_column(text(f"{name}\n{word('t_change', lang)}"), justify="right", overflow="fold")
    for ind in indicators:
        cells: list[Text] = [
            text(ind.label),
            text(short(ind.unit, lang)),
            *[text(value_text(ind.values[p], ind.unit, lang, carried(ind, p))) for p in result.periods],
            text(change_text(ind, lang)),
            text(short(ind.goal, lang)),
            status_text(ind.status, fancy, lang),
            text(_p(ind, lang)),
        ]
        if underlying:
            under = ind.underlying
            if under is None:
                cells += [text("-"), text("-")]
            else:
                cells += [
                    text(range_text(*under.change_pct_range, lang)),
                    status_text(under.status, fancy, lang),
                ]
        cells += [text(pct_text(bench_change(ind, name), lang)) for name in bench_names]
        table.add_row(*cells)
    return table


def _compact(
    console: Console, result: CompareResult, indicators: list[IndicatorResult], lang: Lang, fancy: bool
) -> None:
    """One block per indicator: its name, unit and goal as a title; registered, underlying and each
    benchmark as rows; the same column widths in every block of the theme, so they read as one table."""
    periods, folded = _fitting_periods(console, result, lang, fancy)
    widths = _compact_widths(result, periods, lang, fancy)
    label_width = _label_width(console.width, widths)
    if label_width < LABEL_MIN:  # narrower than any table: each figure as a line of words
        for ind in indicators:
            _lines_block(console, result, ind, lang, fancy)
            _print_notes(console, None, ind.notes, lang)
        return
    for number, ind in enumerate(indicators):
        console.print(_compact_block(result, ind, periods, widths, label_width, lang, fancy, number == 0))
        _print_notes(console, None, ind.notes, lang)
    if folded:
        console.print(
            Padding(
                text(
                    word(
                        "t_periods_folded",
                        lang,
                        periods=", ".join(h.replace("\n", " ") for h in period_headers(folded, lang)),
                        width=console.width,
                    )
                ),
                (0, 0, 0, 2),
                expand=False,
            )
        )


def _lines_block(
    console: Console, result: CompareResult, ind: IndicatorResult, lang: Lang, fancy: bool
) -> None:
    """The last resort of a very narrow console: each figure as one line that wraps at spaces
    ("registered: 2017H1 24.2, 2019H1 24.2; change -0.2%; p 0.94 ~; monitor"), nothing cut."""
    console.print(line((ind.label, "bold"), f"  {short(ind.unit, lang)}  ", (f"[{ind.id}]", "dim")))
    headers = [
        *(period_words(p, lang, short=True) for p in result.periods),
        word("t_change", lang),
        word("t_p", lang),
    ]
    for row in _compact_rows(result, ind, list(result.periods), lang, fancy):
        label, *cells = row
        status = cells.pop()
        parts = [f"{h} {c.plain}" for h, c in zip(headers, cells, strict=True) if c.plain]
        shown = Text.assemble(
            text(f"{label.plain}: " + ", ".join(parts)), "  " if status.plain else "", status
        )
        console.print(Padding(shown, (0, 0, 0, 2), expand=False))


def _compact_rows(
    result: CompareResult, ind: IndicatorResult, periods: list[str], lang: Lang, fancy: bool
) -> list[list[Text]]:
    """The rows of one block: label, a value per period, change, p, status."""

    def values(shown: dict[str, float | None], own: bool = False) -> list[Text]:
        return [
            text(value_text(shown.get(p), ind.unit, lang, carried(ind, p) if own else None)) for p in periods
        ]

    rows = [
        [
            text(word("t_registered", lang)),
            *values(ind.values, own=True),
            text(change_text(ind, lang)),
            text(_p(ind, lang)),
            status_text(ind.status, fancy, lang),
        ]
    ]
    if ind.underlying is not None:
        under = ind.underlying
        rows.append(
            [
                text(word("t_underlying", lang)),
                *values(under.values),
                text(range_text(*under.change_pct_range, lang, joiner="..")),
                text(""),
                status_text(under.status, fancy, lang),
            ]
        )
    for name, bench in ind.benchmarks.items():
        if all(bench.values.get(p) is None for p in periods) and bench.change_pct is None:
            continue  # no data: a note says so
        rows.append(
            [text(name), *values(bench.values), text(pct_text(bench.change_pct, lang)), text(""), text("")]
        )
    return rows


def _compact_widths(result: CompareResult, periods: list[str], lang: Lang, fancy: bool) -> list[int]:
    """The widths of every column but the first (the label): the widest cell over all indicators."""
    headers = [*period_headers(periods, lang), word("t_change", lang), word("t_p", lang)]
    headers.append(word("t_status", lang))
    widths = [max(len(part) for part in h.split("\n")) for h in headers]
    for ind in result.indicators:
        for row in _compact_rows(result, ind, periods, lang, fancy):
            for column, cell in enumerate(row[1:]):
                widths[column] = max(widths[column], cell.cell_len)
    return widths


def _label_width(console_width: int, widths: list[int]) -> int:
    """What is left for the name column: the console's width less the number columns and the gaps."""
    gaps = 2 * len(widths)
    return min(LABEL_MAX, console_width - sum(widths) - gaps - 2)


def _fitting_periods(
    console: Console, result: CompareResult, lang: Lang, fancy: bool
) -> tuple[list[str], list[str]]:
    """All periods when the block fits; else the baseline and the period only (and the folded ones)."""
    periods = list(result.periods)
    if _label_width(console.width, _compact_widths(result, periods, lang, fancy)) >= LABEL_MIN:
        return periods, []
    kept = [periods[0], periods[-1]] if len(periods) > 1 else periods
    return kept, [p for p in periods if p not in kept]


def _compact_block(
    result: CompareResult,
    ind: IndicatorResult,
    periods: list[str],
    widths: list[int],
    label_width: int,
    lang: Lang,
    fancy: bool,
    header: bool,
) -> Group:
    goal = word("t_goal_is", lang, goal=short(ind.goal, lang)) if ind.goal.value != "none" else ""
    title = line(
        (ind.label, "bold"),
        f"  {short(ind.unit, lang)}" + (f", {goal}" if goal else "") + "  ",
        (f"[{ind.id}]", "dim"),
    )
    table = Table(
        box=None, show_header=header, header_style="bold", padding=(0, 1), pad_edge=False, show_edge=False
    )
    table.add_column(text(""), width=max(label_width, 1), overflow="fold")
    headers = [*period_headers(periods, lang), word("t_change", lang), word("t_p", lang)]
    headers.append(word("t_status", lang))
    for column, (head, width) in enumerate(zip(headers, widths, strict=True)):
        justify = "left" if column == len(headers) - 1 else "right"
        table.add_column(text(head), width=width, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in _compact_rows(result, ind, periods, lang, fancy):
        table.add_row(*row)
    return Group(title, Padding(table, (0, 0, 0, 2), expand=False))


def _print_notes(console: Console, prefix: str | None, notes: list[Note], lang: Lang) -> None:
    """Each note on its own line, indented; continuation lines indented further (words never cut)."""
    for note in notes:
        message = note.render(lang)
        shown = f"{prefix}: {message}" if prefix else message
        console.print(Padding(text(shown, "dim" if prefix is None else ""), (0, 0, 0, 4), expand=False))


def _district(
    console: Console, result: CompareResult, district: DistrictResult, lang: Lang, fancy: bool
) -> None:
    table = new_table(
        console,
        title=word("t_district", lang, name=district.district),
        header_style="bold",
        title_justify="left",
    )
    table.add_column(text(word("t_indicator", lang)), max_width=FULL_LABEL_MAX, overflow="fold")
    for header in period_headers(result.periods, lang):
        _numbers(table, header)
    _numbers(table, word("t_change", lang))
    _words(table, word("t_status", lang))
    for ind in district.indicators:
        # Without district population registered figures are counts; survey figures need none.
        rated = district.has_population or ind.survey is not None
        shown = ind.values if rated else ind.counts
        unit = ind.unit if rated else Unit.count
        table.add_row(
            text(ind.label),
            *[text(value_text(shown[p], unit, lang, carried(ind, p))) for p in result.periods],
            text(change_text(ind, lang) if rated else "-"),
            status_text(ind.status, fancy, lang) if rated else text("-"),
        )
    console.print(table)
    shown = dict.fromkeys(f"{ind.id}: {n.render(lang)}" for ind in district.indicators for n in ind.notes)
    for message in shown:
        console.print(Padding(text(f"{district.district}, {message}"), (0, 0, 0, 2), expand=False))

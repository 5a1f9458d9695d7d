"""Rich rendering of `veilcli compare`: one line per indicator by default, every figure with
``--detail``.

The **default** is what fits a terminal of 80x24: one line per indicator (the rate in the baseline
and in the period, the count in the period with its difference from the baseline, the change, its
significance as a symbol, the status), themes as headings, the columns at the same offsets on every
line. The underlying figure and the benchmarks are out of it, but where they change the verdict a
marker says so, and one short line under the table explains it (the status after the corrections
differs; a benchmark changed the same way as much or more). Where the console is wider the change
against the same part of the previous year is a column too. Names are cut (the full name is in
``--detail``); numbers and statuses never are. Too narrow for the line, the detail is shown.

``--detail`` shows everything: registered figures first; the underlying figure (after the
corrections, with its range and own status) beside them; counts, the change against the previous
year, each benchmark's change, level and counts; every note under the theme it qualifies. Plan,
area, district, indicator and benchmark names are user text: printed as ``Text``, never markup.

Two detail layouts, chosen by the console's width: the **full table** (one row per indicator, every
period, the underlying change and each benchmark in columns) where it fits, else a **compact** one
(one block per indicator: registered, counts, previous year, underlying and each benchmark as rows
under the indicator's name). Numbers and statuses never wrap and are never cut; only names wrap, at
spaces. When even the compact block is too wide, the periods between the baseline and the period are
folded away (said so). Words come from ``words.py`` (and the catalogue's ``[summary]``) in the language
asked for; colour only on a terminal (rich drops it under ``NO_COLOR``; the words and symbols stay).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from veilcli.analysis.goals import Status
from veilcli.analysis.results.compare import CompareResult, IndicatorResult
from veilcli.domain.language import DEFAULT_LANG, Lang, phrase
from veilcli.domain.notes import Note
from veilcli.domain.periods import period_words
from veilcli.domain.units import Unit
from veilcli.report.console_text import line, text
from veilcli.report.numbers import (
    bench_change,
    benchmark_names,
    carried,
    change_text,
    number,
    p_text,
    pct_text,
    range_text,
    value_text,
)
from veilcli.report.render import STATUS_STYLE, fits, new_table
from veilcli.report.render_districts import render_districts
from veilcli.report.words import period_headers, short, significance_survey, word

LABEL_MIN = 12  # a compact block's name column never narrower: below it, periods are folded away
LABEL_MAX = 28  # and never wider (the rest of the line is numbers)
FULL_LABEL_MAX = 24  # the full table's indicator column wraps beyond this
SUMMARY_LABEL_MAX = 60  # the default line's name column never wider, on any console
SUMMARY_PREVIOUS_LABEL = 24  # the previous year's column only where names keep this much room
SUMMARY_INDENT = 2  # indicator lines under their theme's heading
STATUS_COLUMN = 5  # of the default line's columns after the name (see ``_summary_columns``)
UNDERLYING_MARK = "†"  # the status after the corrections differs
BENCHMARK_MARK = "‡"  # a benchmark changed the same way as much or more
SIGNIFICANT_MARK = "*"  # p < 0.05
CHANCE_MARK = "~"  # within chance, as in the detail's p column


def summary_word(key: str, lang: Lang = DEFAULT_LANG, **params: Any) -> str:
    """The words of ``key`` of the catalogue's ``[summary]`` in ``lang``, ``{parameters}`` filled in."""
    return phrase("summary", key, lang, **params)


def render_compare(
    console: Console,
    result: CompareResult,
    themes: dict[int, str] | None = None,
    lang: Lang = DEFAULT_LANG,
    detail: bool = False,
) -> None:
    """The comparison on a terminal: one line per indicator (``detail=False``, falling back to the
    detail where the console is too narrow for the line), or every figure (``detail=True``); the
    districts (``--by district``) after either."""
    themes = result.themes if themes is None else themes
    fancy = console.is_terminal
    if detail or not _summary(console, result, themes, lang, fancy):
        _detail(console, result, themes, lang, fancy)
    if result.districts:
        _district(console, result, lang, fancy)


def _detail(console: Console, result: CompareResult, themes: dict[int, str], lang: Lang, fancy: bool) -> None:
    """Every theme's indicators: registered values, counts, change (also against the previous year),
    goal, status, significance; the underlying change range and status beside them; benchmarks;
    notes. The full table where it fits the console's width, else one compact block per indicator."""
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
    if any(b.level_pct is not None for i in result.indicators for b in i.benchmarks.values()):
        legend = summary_word("level_legend", lang, period=period_words(result.period, lang))
        console.print(Padding(text(legend), (0, 0, 0, 2), expand=False))


# --- the default: one line per indicator ------------------------------------------------------------


def _significance_mark(p_value: float | None, significant: bool | None) -> str:
    """``*`` beyond chance, ``~`` within chance, nothing when untested."""
    if p_value is None or significant is None:
        return ""
    return SIGNIFICANT_MARK if significant else CHANCE_MARK


def _signed(value: float | None, lang: Lang) -> str:
    """A whole-number difference of counts: "+9", "-144", "0"; "-" when unknown."""
    if value is None:
        return "-"
    shown = number(abs(value), 0, lang)
    return shown if round(value) == 0 else ("+" if value > 0 else "-") + shown


def count_text(ind: IndicatorResult, period: str, lang: Lang) -> str:
    """The registered count in ``period`` with its difference from the baseline: "47 (+9)"; the
    count alone when the difference is unknown (a part of either period is missing); "-" for a
    survey indicator or without a count."""
    count = ind.counts.get(period)
    if ind.survey is not None or count is None:
        return "-"
    shown = number(count, 0, lang)
    return shown if ind.count_change is None else f"{shown} ({_signed(ind.count_change, lang)})"


def underlying_differs(ind: IndicatorResult) -> bool:
    """Whether the status after the corrections is another than the registered one."""
    return ind.underlying is not None and ind.underlying.status is not ind.status


def benchmark_alike(ind: IndicatorResult) -> bool:
    """Whether a benchmark moved the same way as the area, as much or more, where the plan judges a
    goal: a goal reached (or missed) with the benchmarks, not only here."""
    if ind.status not in (Status.achieved, Status.not_achieved) or not ind.change_pct:
        return False
    own = ind.change_pct
    return any(
        b.change_pct is not None and b.change_pct * own > 0 and abs(b.change_pct) >= abs(own)
        for b in ind.benchmarks.values()
    )


def _marks(ind: IndicatorResult) -> str:
    return (UNDERLYING_MARK if underlying_differs(ind) else "") + (
        BENCHMARK_MARK if benchmark_alike(ind) else ""
    )


def _previous_text(ind: IndicatorResult, lang: Lang) -> str:
    """The change against the same part of the previous year with its significance mark."""
    prev = ind.previous
    if prev is None or prev.change_pct is None:
        return "-"
    mark = _significance_mark(prev.p_value, prev.significant) or " "  # the % signs aligned
    return f"{pct_text(prev.change_pct, lang)} {mark}"


def _previous_count(ind: IndicatorResult, lang: Lang) -> str:
    """The count's difference against the same part of the previous year: "count +3"."""
    if ind.previous is None or ind.previous.count_change is None or ind.survey is not None:
        return ""
    return f"{summary_word('detail_count', lang)} {_signed(ind.previous.count_change, lang)}"


def _summary_columns(
    result: CompareResult, lang: Lang, fancy: bool, previous: str | None
) -> list[tuple[Text, dict[str, Text], bool]]:
    """The default line's columns after the name: (header, cell per indicator id, right-aligned)."""
    base, now = result.periods[0], result.periods[-1]
    inds = result.indicators

    def cells(make: Any) -> dict[str, Text]:
        return {i.id: make(i) for i in inds}

    def status(i: IndicatorResult) -> Text:
        shown = status_text(i.status, fancy, lang)
        marks = _marks(i)
        return Text.assemble(shown, f" {marks}") if marks else shown

    columns = [
        (
            text(period_headers([base, now], lang)[0]),
            cells(lambda i: text(value_text(i.values.get(base), i.unit, lang, carried(i, base)))),
            True,
        ),
        (
            text(period_headers([base, now], lang)[1]),
            cells(lambda i: text(value_text(i.values.get(now), i.unit, lang, carried(i, now)))),
            True,
        ),
        (text(summary_word("count", lang)), cells(lambda i: text(count_text(i, now, lang))), True),
        (text(summary_word("change", lang)), cells(lambda i: text(change_text(i, lang))), True),
        (text(word("t_p", lang)), cells(lambda i: text(_significance_mark(i.p_value, i.significant))), False),
        (text(word("t_status", lang)), cells(status), False),
    ]
    if previous is not None:
        header = text(summary_word("previous", lang, period=period_words(previous, lang, short=True)))
        columns.append((header, cells(lambda i: text(_previous_text(i, lang))), True))
    return columns


def _previous_period(result: CompareResult) -> str | None:
    """The previous year's period shown by any indicator (the same for all), else None."""
    found = [i.previous.period for i in result.indicators if i.previous is not None]
    return found[0] if found else None


def _widths(columns: list[tuple[Text, dict[str, Text], bool]]) -> list[int]:
    return [max([head.cell_len, *(c.cell_len for c in cells.values())]) for head, cells, _ in columns]


def _room(console_width: int, widths: list[int]) -> int:
    """What the name column has on a line: the width less the indent, the columns and their gaps
    (one space between numbers, two before the words of the status)."""
    return console_width - SUMMARY_INDENT - sum(widths) - len(widths) - 1


def _summary_line(label: Text, cells: list[Text], widths: list[int], rights: list[bool]) -> Text:
    """One line: the name cut or padded to its width, each cell aligned in its column, no trailing
    spaces."""
    shown = Text(" " * SUMMARY_INDENT)
    shown.append_text(label)
    for number_, (cell, width, right) in enumerate(zip(cells, widths, rights, strict=True)):
        gap = 2 if number_ == STATUS_COLUMN else 1  # before the status, which is words
        pad = " " * (width - cell.cell_len)
        shown.append(" " * gap)
        shown.append_text(Text.assemble(pad, cell) if right else Text.assemble(cell, pad))
    shown.rstrip()
    return shown


def _summary(
    console: Console, result: CompareResult, themes: dict[int, str], lang: Lang, fancy: bool
) -> bool:
    """The default view; False (nothing printed) where the console is too narrow for one line per
    indicator with a name of ``LABEL_MIN`` characters."""
    if len(result.periods) < 1 or not result.indicators:
        return False
    previous = _previous_period(result)
    columns = _summary_columns(result, lang, fancy, previous) if previous else None
    longest = max(cell_len(i.label) for i in result.indicators)
    if columns is None or _room(console.width, _widths(columns)) < min(longest, SUMMARY_PREVIOUS_LABEL):
        columns = _summary_columns(result, lang, fancy, None)
    widths = _widths(columns)
    label_width = min(_room(console.width, widths), longest, SUMMARY_LABEL_MAX)
    if label_width < LABEL_MIN:
        return False
    rights = [right for _, _, right in columns]
    console.print(text(_heading_line(result, lang)))
    console.print()
    header = [head for head, _, _ in columns]
    console.print(_summary_line(Text(" " * label_width), header, widths, rights), style="bold")
    for theme in sorted({i.theme for i in result.indicators}):
        console.print(text(f"{theme} {themes.get(theme, '')}".strip(), "bold"))
        for ind in (i for i in result.indicators if i.theme == theme):
            label = text(ind.label)
            label.truncate(label_width, overflow="ellipsis", pad=True)
            console.print(_summary_line(label, [cells[ind.id] for _, cells, _ in columns], widths, rights))
    legends = [summary_word("p_legend", lang), significance_survey(result.indicators, lang)]
    if any(underlying_differs(i) for i in result.indicators):
        legends.append(summary_word("underlying_mark", lang))
    if any(benchmark_alike(i) for i in result.indicators):
        legends.append(summary_word("benchmark_mark", lang))
    legends.append(
        summary_word(
            "count_legend",
            lang,
            period=period_words(result.period, lang, short=True),
            baseline=period_words(result.baseline, lang, short=True),
        )
    )
    for legend in filter(None, legends):
        console.print(text(legend))
    return True


def _heading_line(result: CompareResult, lang: Lang) -> str:
    """The default view's first line, kept to one line at 80 columns: the area is left out where
    the plan's name already says it ("Almere, Actieplan Veiligheid ...: 1e helft 2019 t.o.v. ...")."""
    if result.area in result.plan:
        return summary_word(
            "heading",
            lang,
            plan=result.plan,
            period=period_words(result.period, lang, short=True),
            baseline=period_words(result.baseline, lang, short=True),
        )
    return word(
        "t_compare_head",
        lang,
        plan=result.plan,
        area=result.area,
        period=period_words(result.period, lang, short=True),  # one line at 80 columns
        baseline=period_words(result.baseline, lang, short=True),
    )


# --- --detail ---------------------------------------------------------------------------------------


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
    _numbers(table, summary_word("count", lang))
    previous = _previous_period(result)
    if previous is not None:
        _numbers(table, summary_word("previous", lang, period=period_words(previous, lang, short=True)))
    _words(table, word("t_goal", lang))
    _words(table, word("t_status", lang))
    _numbers(table, word("t_p", lang))
    if underlying:
        _numbers(table, word("t_underlying", lang))
        _words(table, word("t_underlying_status", lang))
    for name in bench_names:
        table.add_column(text(f"{name}\n{word('t_change', lang)}"), justify="right", overflow="fold")
    levels = [n for n in bench_names if any(_level(i, n) is not None for i in result.indicators)]
    for name in levels:
        header = f"{name}\n{summary_word('level', lang, pct='').strip()}"
        table.add_column(text(header), justify="right", overflow="fold")
    for ind in indicators:
        cells: list[Text] = [
            text(ind.label),
            text(short(ind.unit, lang)),
            *[text(value_text(ind.values[p], ind.unit, lang, carried(ind, p))) for p in result.periods],
            text(change_text(ind, lang)),
            text(count_text(ind, result.period, lang)),
            *([text(_previous_full(ind, lang))] if previous is not None else []),
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
        cells += [text(pct_text(_level(ind, name), lang)) for name in levels]
        table.add_row(*cells)
    return table


def _previous_full(ind: IndicatorResult, lang: Lang) -> str:
    """The full table's previous-year cell: the change, the count's difference, the mark: "+31% (+3) ~"."""
    shown = _previous_text(ind, lang).rstrip()
    if ind.previous is None or ind.previous.count_change is None or ind.survey is not None or shown == "-":
        return shown
    change, _, mark = shown.partition(" ")
    return f"{change} ({_signed(ind.previous.count_change, lang)}) {mark}".rstrip()


def _level(ind: IndicatorResult, name: str) -> float | None:
    """The area's level against benchmark ``name`` in the period, in %; None where unknown."""
    bench = ind.benchmarks.get(name)
    return None if bench is None else bench.level_pct


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
    for place, ind in enumerate(indicators):
        console.print(_compact_block(result, ind, periods, widths, label_width, lang, fancy, place == 0))
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
    blank = [text("") for _ in periods]
    if ind.survey is None and any(ind.counts.get(p) is not None for p in periods):
        change = "" if ind.count_change is None else _signed(ind.count_change, lang)
        rows.append(
            [text(summary_word("detail_count", lang)), *_counts(ind.counts, periods, lang), text(change)]
        )
        rows[-1] += [text(""), text("")]
    if ind.previous is not None:
        prev = ind.previous
        p_shown = "" if prev.p_value is None else p_text(prev.p_value, lang, space=False)
        p_shown += " ~" if p_shown and not prev.significant else ""
        rows.append(
            [
                text(
                    summary_word("detail_previous", lang, period=period_words(prev.period, lang, short=True))
                ),
                *blank,
                text(pct_text(prev.change_pct, lang)),
                text(p_shown),
                text(_previous_count(ind, lang)),
            ]
        )
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
        level = (
            ""
            if bench.level_pct is None
            else summary_word("level", lang, pct=pct_text(bench.level_pct, lang))
        )
        rows.append(
            [text(name), *values(bench.values), text(pct_text(bench.change_pct, lang)), text(""), text(level)]
        )
        if any(bench.counts.get(p) is not None for p in periods):
            label = text(f"  {summary_word('detail_count', lang)}")
            rows.append([label, *_counts(bench.counts, periods, lang), text(""), text(""), text("")])
    return rows


def _counts(counts: dict[str, float | None], periods: list[str], lang: Lang) -> list[Text]:
    """Registered counts per period, whole numbers."""
    return [text(value_text(counts.get(p), Unit.count, lang)) for p in periods]


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


def _district(console: Console, result: CompareResult, lang: Lang, fancy: bool) -> None:
    """The wijk x indicator matrix (``render_districts``)."""
    render_districts(console, result, lang, fancy)

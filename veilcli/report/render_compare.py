"""Rich rendering of `veilcli compare`: one table per theme, goals coloured on a terminal.

Registered figures first; the underlying figure (after the corrections, with its range and own
status) beside them; every note under the table it qualifies. Plan, area, district, indicator and
benchmark names are user text: printed as ``Text``, never markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from veilcli.analysis.compare import CompareResult, IndicatorResult
from veilcli.analysis.goals import Status
from veilcli.domain.plans import Unit
from veilcli.report.console_text import line, text
from veilcli.report.render import add_text_row, new_table, pct_text

# How a status looks on a terminal (its words are ``Status.short_label``).
STATUS_STYLE: dict[Status, tuple[str, str]] = {
    Status.achieved: ("green", "✔"),
    Status.not_achieved: ("red", "✘"),
    Status.undetermined: ("yellow", "~"),
    Status.monitor: ("bright_black", "·"),
    Status.no_data: ("yellow", "?"),
    Status.incomplete: ("yellow", "…"),
}


def value_text(value: float | None, unit: Unit) -> str:
    """A value as shown: counts whole, rates with one decimal (two below 1)."""
    if value is None:
        return "-"
    if unit is Unit.count:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 1 else f"{value:,.1f}"  # 0.2 street robberies per 1,000 hides +20%


def range_text(low: float | None, high: float | None) -> str:
    """An underlying change range, e.g. "-1% .. +7%" (one value when both ends agree)."""
    if low is None or high is None:
        return "-"
    if pct_text(low) == pct_text(high):
        return pct_text(low)
    return f"{pct_text(low)} .. {pct_text(high)}"


def render_compare(console: Console, result: CompareResult, themes: dict[int, str]) -> None:
    """Every theme's indicators: registered values, change, goal, status, significance; the
    underlying change range and status beside them; benchmarks; notes."""
    fancy = console.is_terminal
    corrections = [name for name, on in result.normalisation.items() if on]
    console.print(
        line(
            (result.plan, "bold"),
            f": {result.area}, {result.period} vs {result.baseline}. Registered figures; "
            + (
                f"underlying after {' and '.join(corrections)} beside them."
                if corrections
                else "no corrections (--raw)."
            ),
        )
    )
    bench_names = list(result.indicators[0].benchmarks) if result.indicators else []
    underlying = any(i.underlying is not None for i in result.indicators)
    for theme in sorted({i.theme for i in result.indicators}):
        table = new_table(
            console,
            title=f"{theme} {themes.get(theme, '')}".strip(),
            header_style="bold",
            title_justify="left",
        )
        headers = ["indicator", "unit", *result.periods, "change", "goal", "status", "p"]
        if underlying:
            headers += ["underlying", "status (underl.)"]
        headers += [f"{name} change" for name in bench_names]
        for header in headers:
            left = header in ("indicator", "unit", "goal", "status", "status (underl.)")
            table.add_column(text(header), justify="left" if left else "right")
        for ind in (i for i in result.indicators if i.theme == theme):
            add_text_row(table, *_cells(ind, result, bench_names, fancy, underlying))
        console.print(table)
    for ind in result.indicators:
        for note in ind.notes:
            console.print(text(f"  {ind.id}: {note.message}"))
    console.print(
        text(
            "  p: exact test of equal rates on the registered counts vs the baseline; "
            "'~' marks a change within chance (p >= 0.05). underlying: the change after samenloop, as a "
            "range where online reporting was extended (every extra online report new .. none new)."
        )
    )
    for district in result.districts or []:
        table = new_table(
            console, title=f"district {district.district}", header_style="bold", title_justify="left"
        )
        for header in ["indicator", *result.periods, "change", "status"]:
            table.add_column(text(header))
        for ind in district.indicators:
            shown = ind.values if district.has_population else ind.counts
            unit = ind.unit if district.has_population else Unit.count
            add_text_row(
                table,
                ind.label,
                *[value_text(shown[p], unit) for p in result.periods],
                pct_text(ind.change_pct if district.has_population else None),
                _status(ind.status, fancy) if district.has_population else text("-"),
            )
        console.print(table)
        notes = {n.message for ind in district.indicators for n in ind.notes}
        for message in sorted(notes):
            console.print(text(f"  {district.district}: {message}"))


def _status(value: Status, fancy: bool) -> Text:
    words, (colour, symbol) = value.short_label, STATUS_STYLE[value]
    return text(f"{symbol} {words}", colour) if fancy else text(words)


def _cells(
    ind: IndicatorResult, result: CompareResult, bench_names: list[str], fancy: bool, underlying: bool
) -> list[str | Text]:
    chance = ""
    if ind.p_value is not None:
        chance = f"{ind.p_value:.2f}" + ("" if ind.significant else " ~")
    cells: list[str | Text] = [
        ind.label,
        ind.unit.short_label,
        *[value_text(ind.values[p], ind.unit) for p in result.periods],
        pct_text(ind.change_pct),
        ind.goal.short_label,
        _status(ind.status, fancy),
        chance,
    ]
    if underlying:
        under = ind.underlying
        if under is None:
            cells += ["-", "-"]
        else:
            cells += [range_text(*under.change_pct_range), _status(under.status, fancy)]
    cells += [pct_text(ind.benchmarks[name].change_pct) for name in bench_names]
    return cells

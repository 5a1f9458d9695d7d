"""Rich rendering of `veilcli compare`: one table per theme, goals coloured on a terminal."""

from __future__ import annotations

from rich.console import Console

from veilcli.compare import CompareResult, IndicatorResult
from veilcli.goals import Status
from veilcli.plans import Unit
from veilcli.render import new_table

STATUS_TEXT = {
    Status.achieved: ("achieved", "green", "✔"),
    Status.not_achieved: ("not achieved", "red", "✘"),
    Status.no_goal: ("monitor", "bright_black", "·"),
    Status.no_data: ("no data", "yellow", "?"),
}
GOAL_TEXT = {"decrease": "decrease", "no_increase": "no increase", "none": "-"}


def _value(value: float | None, unit: Unit) -> str:
    if value is None:
        return "-"
    if unit is Unit.count:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 1 else f"{value:,.1f}"  # 0.2 street robberies per 1,000 hides +20%


def _pct(value: float | None) -> str:
    if value is None:
        return "-"
    return "0%" if round(value) == 0 else f"{value:+.0f}%"


def render_compare(console: Console, result: CompareResult, themes: dict[int, str]) -> None:
    """Every theme's indicators: values per period, change, goal, status, benchmarks, significance."""
    fancy = console.is_terminal
    corrections = [name for name, on in result.normalisation.items() if on]
    console.print(
        f"[bold]{result.plan}[/]: {result.area}, {result.period} vs {result.baseline}; "
        f"corrections: {', '.join(corrections) if corrections else 'none (raw registered counts)'}",
        highlight=False,
    )
    bench_names = list(result.indicators[0].benchmarks) if result.indicators else []
    for theme in sorted({i.theme for i in result.indicators}):
        table = new_table(
            console,
            title=f"{theme} {themes.get(theme, '')}".strip(),
            header_style="bold",
            title_justify="left",
        )
        for header in ["indicator", "unit", *result.periods, "change", "goal", "status", "p"]:
            table.add_column(
                header, justify="right" if header not in ("indicator", "unit", "goal", "status") else "left"
            )
        for name in bench_names:
            table.add_column(f"{name} change", justify="right")
        table.add_column("raw → corrected")
        for ind in (i for i in result.indicators if i.theme == theme):
            table.add_row(*_cells(ind, result, bench_names, fancy))
        console.print(table)
    notes = [(i.id, n) for i in result.indicators for n in i.notes]
    for ident, note in notes:
        console.print(f"  {ident}: {note}", highlight=False)
    console.print(
        "  p: exact test of equal rates vs the baseline (counts rounded); "
        "'~' marks a change within chance (p >= 0.05).",
        highlight=False,
    )
    for district in result.districts or []:
        table = new_table(
            console, title=f"district {district.district}", header_style="bold", title_justify="left"
        )
        for header in ["indicator", *result.periods, "change", "status"]:
            table.add_column(header)
        for ind in district.indicators:
            shown = ind.values if district.has_population else ind.counts
            unit = ind.unit if district.has_population else Unit.count
            table.add_row(
                ind.label,
                *[_value(shown[p], unit) for p in result.periods],
                _pct(ind.change_pct if district.has_population else None),
                _status(ind.status, fancy),
            )
        console.print(table)
        if not district.has_population:
            console.print(
                f"  {district.district}: no district population stored: counts only, no rates or goals"
            )


def _status(value: Status, fancy: bool) -> str:
    text, colour, symbol = STATUS_TEXT[value]
    return f"[{colour}]{symbol} {text}[/]" if fancy else text


def _cells(ind: IndicatorResult, result: CompareResult, bench_names: list[str], fancy: bool) -> list[str]:
    unit = {
        "per_1000_inhabitants": "/1,000 inh.",
        "per_1000_dwellings": "/1,000 dwell.",
        "per_1000_youths_12_24": "/1,000 youths",
        "count": "count",
    }[ind.unit.value]
    chance = ""
    if ind.p_value is not None:
        chance = f"{ind.p_value:.2f}" + ("" if ind.significant else " ~")
    differs = any(ind.raw_values[p] != ind.values[p] for p in result.periods)
    raw_note = ""
    if differs:
        now = result.period
        raw, corrected = _value(ind.raw_values[now], ind.unit), _value(ind.values[now], ind.unit)
        raw_note = f"{raw} → {corrected} ({_pct(ind.raw_change_pct)} raw)"
    return [
        ind.label,
        unit,
        *[_value(ind.values[p], ind.unit) for p in result.periods],
        _pct(ind.change_pct),
        GOAL_TEXT[ind.goal.value],
        _status(ind.status, fancy),
        chance,
        *[_pct(ind.benchmarks[name].change_pct) for name in bench_names],
        raw_note,
    ]

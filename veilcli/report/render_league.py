"""Terminal rendering of `veilcli compare --area all`: a league table per indicator."""

from __future__ import annotations

from rich.console import Console

from veilcli.analysis.league import LeagueIndicator, LeagueResult
from veilcli.report.console_text import line, text
from veilcli.report.numbers import value_text
from veilcli.report.render import cells, new_table, pct_text

OWN_MARK = " *"  # after the plan's own area: a mark that survives `-o file.txt` and no colour
OWN_STYLE = "bold"


def render_league(console: Console, result: LeagueResult) -> None:
    """One table per indicator: rank, area, baseline and period values, change, status."""
    order = f"; ordered by the rank on {result.sort}" if result.sort else ""
    if result.own_area:
        order += f"; {OWN_MARK.strip()} = {result.own_area}, the plan's own area (bold)"
    console.print(
        line(
            (result.plan, "bold"),
            f": {len(result.areas)} areas ({result.selection}), {result.period} vs {result.baseline}; "
            f"registered figures, rank 1 = the lowest value{order}",
        )
    )
    for indicator in result.indicators:
        _render_indicator(console, result, indicator)


def _render_indicator(console: Console, result: LeagueResult, indicator: LeagueIndicator) -> None:
    table = new_table(
        console,
        title=f"{indicator.label} ({indicator.unit.short_label})",
        title_justify="left",
        header_style="bold",
    )
    for header, justify in (
        ("rank", "right"),
        ("area", "left"),
        (result.baseline, "right"),
        (result.period, "right"),
        ("change", "right"),
        ("status", "left"),
    ):
        table.add_column(text(header), justify=justify, no_wrap=header != "area")  # type: ignore[arg-type]
    for row in indicator.rows:
        own = row.area == result.own_area  # highlighted: bold, and marked for output without styles
        table.add_row(
            *cells(
                "" if row.rank is None else str(row.rank),
                row.area + (OWN_MARK if own else ""),
                value_text(row.baseline_value, indicator.unit),
                value_text(row.value, indicator.unit),
                pct_text(row.change_pct),
                row.status.short_label,
            ),
            style=OWN_STYLE if own else None,
        )
    console.print(table)

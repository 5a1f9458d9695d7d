"""Terminal rendering of `veilcli trend`: one block per indicator, a bar per period."""

from __future__ import annotations

from rich.console import Console

from veilcli.analysis.trend import TrendResult, TrendSeries
from veilcli.report.console_text import line, text
from veilcli.report.numbers import value_text
from veilcli.report.render import add_text_row, new_table

BAR = "█"
HALF = "▌"


def _bar(value: float | None, top: float, width: int) -> str:
    if value is None or top <= 0:
        return ""
    cells = value / top * width
    return BAR * int(cells) + (HALF if cells - int(cells) >= 0.5 else "")


def render_trend(console: Console, result: TrendResult) -> None:
    """Each indicator's registered value per period with a bar, the underlying value beside it."""
    console.print(
        line(
            ("trend", "bold"), f": {result.area}, {result.periods[0]} .. {result.periods[-1]} ({result.unit})"
        )
    )
    width = max(10, min(40, console.width - 50))
    for series in result.indicators:
        _render_series(console, series, width)
    console.print(
        text(
            "  underlying: after the samenloop correction; coverage below 100% means the sources cover "
            "only part of the period (the value is not the whole period's)."
        )
    )


def _render_series(console: Console, series: TrendSeries, width: int) -> None:
    top = max((p.value or 0 for p in series.points), default=0)
    table = new_table(console, title=f"{series.label} ({series.unit.short_label})", title_justify="left")
    for header, justify in (("period", "left"), ("value", "right"), ("underlying", "right"), ("", "left")):
        table.add_column(text(header), justify=justify)  # type: ignore[arg-type]
    for p in series.points:
        coverage = "" if p.coverage is None or p.coverage >= 1 else f" ({p.coverage:.0%} covered)"
        add_text_row(
            table,
            p.period,
            value_text(p.value, series.unit),
            value_text(p.underlying_value, series.unit),
            _bar(p.value, top, width) + coverage,
        )
    console.print(table)

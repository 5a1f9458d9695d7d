"""Terminal rendering of `veilcli trend`: one block per indicator, a bar per period, in ``--lang``."""

from __future__ import annotations

from rich.console import Console

from veilcli.analysis.results.trend import TrendResult, TrendSeries
from veilcli.domain.language import DEFAULT_LANG, Lang
from veilcli.domain.periods import period_words
from veilcli.report.console_text import line, text
from veilcli.report.numbers import number, value_text
from veilcli.report.render import add_text_row, new_table
from veilcli.report.words import short, word

BAR = "█"
HALF = "▌"


def _bar(value: float | None, top: float, width: int) -> str:
    if value is None or top <= 0:
        return ""
    cells = value / top * width
    return BAR * int(cells) + (HALF if cells - int(cells) >= 0.5 else "")


def render_trend(console: Console, result: TrendResult, lang: Lang = DEFAULT_LANG) -> None:
    """Each indicator's registered value per period with a bar, the underlying value beside it."""
    first, last = (period_words(p, lang) for p in (result.periods[0], result.periods[-1]))
    unit = word(f"t_trend_unit_{result.unit}", lang)
    console.print(
        line(
            (word("t_trend", lang), "bold"),
            f": {result.area}, {first} {word('t_through', lang)} {last} ({unit})",
        )
    )
    width = max(10, min(40, console.width - 50))
    for series in result.indicators:
        _render_series(console, series, width, lang)
    console.print(text("  " + word("t_trend_footnote", lang)))


def _render_series(console: Console, series: TrendSeries, width: int, lang: Lang) -> None:
    top = max((p.value or 0 for p in series.points), default=0)
    table = new_table(console, title=f"{series.label} ({short(series.unit, lang)})", title_justify="left")
    for header, justify in (
        (word("t_period", lang), "left"),
        (word("t_value", lang), "right"),
        (word("t_underlying", lang), "right"),
        ("", "left"),
    ):
        table.add_column(text(header), justify=justify)  # type: ignore[arg-type]
    for p in series.points:
        coverage = (
            ""
            if p.coverage is None or p.coverage >= 1
            else " " + word("t_covered", lang, pct=number(p.coverage * 100, 0, lang))
        )
        add_text_row(
            table,
            period_words(p.period, lang, short=True),
            value_text(p.value, series.unit, lang),
            value_text(p.underlying_value, series.unit, lang),
            _bar(p.value, top, width) + coverage,
        )
    console.print(table)

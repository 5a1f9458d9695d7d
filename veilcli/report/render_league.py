"""Terminal rendering of `veilcli compare --area all`: a league table per indicator, in ``--lang``."""

from __future__ import annotations

from rich.console import Console

from veilcli.analysis.results.league import LeagueIndicator, LeagueResult
from veilcli.domain.language import DEFAULT_LANG, Lang
from veilcli.domain.periods import baseline_words, period_words
from veilcli.report.console_text import line, text
from veilcli.report.numbers import pct_text, value_text
from veilcli.report.render import cells, new_table
from veilcli.report.words import period_headers, short, word

OWN_MARK = " *"  # after the plan's own area: a mark that survives `-o file.txt` and no colour
OWN_STYLE = "bold"


def render_league(console: Console, result: LeagueResult, lang: Lang = DEFAULT_LANG) -> None:
    """One table per indicator: rank, area, baseline and period values, change, status."""
    order = word("t_league_order", lang, indicator=_label(result, result.sort)) if result.sort else ""
    if result.own_area:
        order += word("t_league_own", lang, mark=OWN_MARK.strip(), area=result.own_area)
    console.print(
        line(
            (result.plan, "bold"),
            ": "
            + word(
                "t_league_head",
                lang,
                count=len(result.areas),
                selection=word("l_all", lang) if result.selection == "all" else result.selection,
                period=period_words(result.period, lang),
                baseline=baseline_words(result.baseline, result.period, lang),
            )
            + order,
        )
    )
    for indicator in result.indicators:
        _render_indicator(console, result, indicator, lang)


def _label(result: LeagueResult, indicator_id: str) -> str:
    """An indicator's label by its id (the id where the result lacks it)."""
    return next((i.label for i in result.indicators if i.id == indicator_id), indicator_id)


def _render_indicator(console: Console, result: LeagueResult, indicator: LeagueIndicator, lang: Lang) -> None:
    table = new_table(
        console,
        title=f"{indicator.label} ({short(indicator.unit, lang)})",
        title_justify="left",
        header_style="bold",
    )
    baseline, period = period_headers([result.baseline, result.period], lang)  # the years, as compare
    for header, justify, wrap in (
        (word("t_rank", lang), "right", False),
        (word("t_area", lang), "left", True),
        (baseline, "right", False),
        (period, "right", False),
        (word("t_change", lang), "right", False),
        (word("t_status", lang), "left", False),
    ):
        table.add_column(text(header), justify=justify, no_wrap=not wrap)  # type: ignore[arg-type]
    for row in indicator.rows:
        own = row.area == result.own_area  # highlighted: bold, and marked for output without styles
        table.add_row(
            *cells(
                "" if row.rank is None else str(row.rank),
                row.area + (OWN_MARK if own else ""),
                value_text(row.baseline_value, indicator.unit, lang),
                value_text(row.value, indicator.unit, lang),
                pct_text(row.change_pct, lang),
                short(row.status, lang),
            ),
            style=OWN_STYLE if own else None,
        )
    console.print(table)

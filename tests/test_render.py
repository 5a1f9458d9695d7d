"""Terminal tables that fit: `compare`, `normalise` and `status` rendered into consoles of 40, 80 and
200 columns, in Dutch and English; no number or status is ever cut, only names wrap."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from veilcli import api
from veilcli.analysis.goals import Status
from veilcli.analysis.results.compare import CompareResult
from veilcli.domain.language import Lang
from veilcli.domain.periods import period_words
from veilcli.report.console_text import SafeConsole
from veilcli.report.numbers import p_text, pct_text, range_text, value_text
from veilcli.report.render import render_normalise, render_status
from veilcli.report.render_compare import render_compare
from veilcli.report.words import short
from veilcli.store.store import Store

WIDTHS = (40, 80, 200)  # 40: the narrowest COLUMNS veilcli takes
LANGS: tuple[Lang, ...] = ("nl", "en")


def rendered(draw, width: int, terminal: bool = False) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    console = Console(width=width, file=out, force_terminal=terminal, color_system=None)
    draw(console)
    return out.getvalue()


def assert_fits(output: str, width: int) -> None:
    """Nothing cut (rich marks a cut with '…'), no line wider than the console."""
    assert "…" not in output, output
    for line in output.splitlines():
        assert len(line.rstrip()) <= width, line


@pytest.fixture
def compared(plan_store: tuple[Store, Path]) -> CompareResult:
    store, plan = plan_store
    return api.compare(store, period="2019H1", plan_path=plan)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_compare_shows_every_change_and_status_whole(compared: CompareResult, width: int, lang: Lang) -> None:
    output = rendered(lambda c: render_compare(c, compared, compared.themes, lang, detail=True), width)
    assert_fits(output, width)
    for ind in compared.indicators:
        assert ind.label in output or ind.id in output
        assert pct_text(ind.change_pct, lang) in output, (ind.id, pct_text(ind.change_pct, lang))
        assert short(ind.status, lang) in output
        for period in compared.periods:
            assert value_text(ind.values[period], ind.unit, lang) in output
        if ind.underlying is not None:
            low, high = ind.underlying.change_pct_range
            assert range_text(low, high, lang) in output or range_text(low, high, lang, "..") in output
            assert short(ind.underlying.status, lang) in output
        if ind.p_value is not None:
            assert p_text(ind.p_value, lang, space=False) in output


def test_wide_consoles_get_the_full_table_narrow_ones_a_block_per_indicator(compared: CompareResult) -> None:
    wide = rendered(lambda c: render_compare(c, compared, compared.themes, "en", detail=True), 200)
    header = next(line for line in wide.splitlines() if "indicator" in line)
    # the same half of every year: the years head the columns, the heading says which half
    assert all(word in header for word in ("2017", "2018", "2019", "change", "goal", "status"))
    assert "2019H1" not in wide and "first half of 2019" in wide
    assert "AB" in wide  # the benchmark's column
    narrow = rendered(lambda c: render_compare(c, compared, compared.themes, "en", detail=True), 80)
    assert "registered" in narrow and "[vernieling]" in narrow  # blocks: a row per figure, ids shown
    vernieling = narrow[narrow.index("[vernieling]") :].splitlines()[1:3]
    assert any("+25%" in line and "not achieved" in line for line in vernieling)


def test_dutch_words_and_numbers(compared: CompareResult) -> None:
    output = rendered(lambda c: render_compare(c, compared, compared.themes, "nl", detail=True), 80)
    assert "niet behaald" in output and "geregistreerd" in output and "t.o.v." in output
    assert "2,5" in output and "2.5" not in output  # Dutch decimal comma
    english = rendered(lambda c: render_compare(c, compared, compared.themes, "en", detail=True), 80)
    assert "not achieved" in english and "niet behaald" not in english


def test_many_periods_are_folded_on_a_narrow_console_and_said_so(compared: CompareResult) -> None:
    periods = [f"{year}H1" for year in range(2013, 2020)]
    widened = compared.model_copy(
        update={
            "periods": periods,
            "baseline": periods[0],
            "indicators": [
                ind.model_copy(update={"values": {p: 1234.5 for p in periods}}) for ind in compared.indicators
            ],
        }
    )
    output = rendered(lambda c: render_compare(c, widened, widened.themes, "en", detail=True), 80)
    assert_fits(output, 80)
    assert "2014, 2015, 2016, 2017, 2018 left out" in output  # under "first half of 2019 vs ... 2013"
    assert "1,234.5" in output


def test_a_p_value_too_small_to_print_is_below_a_bound_never_zero() -> None:
    assert p_text(2e-11, "en") == "< 0.001" and p_text(2e-11, "nl") == "< 0,001"
    assert p_text(0.0049, "en") == "0.005" and p_text(0.5, "nl") == "0,50" and p_text(None) == ""


def test_status_in_colour_on_a_terminal_and_without_under_no_color(
    compared: CompareResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    def draw(no_color: bool) -> str:
        if no_color:
            monkeypatch.setenv("NO_COLOR", "1")
        else:
            monkeypatch.delenv("NO_COLOR", raising=False)
        out = io.StringIO()
        console = SafeConsole(width=80, file=out, force_terminal=True, color_system="standard")
        render_compare(console, compared, compared.themes, "en", detail=True)
        return out.getvalue()

    coloured, plain = draw(False), draw(True)
    assert "\x1b[31m✘ not achieved" in coloured and "\x1b[32m✔ achieved" in coloured
    assert "✘ not achieved" in plain and "\x1b[31m" not in plain and "\x1b[32m" not in plain


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_normalise_fits(plan_store: tuple[Store, Path], width: int, lang: Lang) -> None:
    store, _ = plan_store
    result = api.normalise(store, period="2019H1")
    output = rendered(lambda c: render_normalise(c, result, lang), width)
    assert_fits(output, width)
    for row in result.rows.to_dicts():
        assert row["category"] in output and period_words(row["period"], lang, short=True) in output


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_status_shows_every_path_whole(plan_store: tuple[Store, Path], width: int, lang: Lang) -> None:
    store, _ = plan_store
    status = api.status(store)
    output = rendered(lambda c: render_status(c, status, lang), width)
    assert_fits(output, width)
    for source in status.sources:
        if len(source.path) < width - 4:
            assert source.path in output
        assert source.sha256[:12] in output
    assert ("opslag" if lang == "nl" else "store") in output


def test_every_status_has_short_words_in_every_language() -> None:
    for status in Status:
        assert short(status, "nl") and short(status, "en") == status.short_label

"""`report html`: one self-contained HTML document (inline CSS, inline SVG, no script, nothing
loaded), every indicator in it, user text escaped, words in the report's language; rendered by
headless Chromium where it is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import PLAN
from veilcli.analysis.compare import CompareResult, compare
from veilcli.errors import InputError
from veilcli.report.html import render_html, write_html_report
from veilcli.report.svg import bar_chart, nice_axis
from veilcli.store.store import Store

# Anything that would make a browser fetch something: a URL in an attribute, CSS url()/@import, a
# script, a stylesheet link, a frame, an image, an object.
LOADS = re.compile(
    r"""(?ix)
    (?:src|href|srcset|action|poster|data|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)
    | url\s*\( | @import | <script | <link | <iframe | <img | <object | <embed | <base
    """
)
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)


@pytest.fixture
def compared(plan_store: tuple[Store, Path]) -> CompareResult:
    store, plan = plan_store
    return compare(store, period="2019H1", plan_path=plan, lang="nl")


def trend_frame(result: CompareResult) -> pl.DataFrame:
    """A trend over five half-years for every indicator, one period only partly covered."""
    periods = ["2017H1", "2017H2", "2018H1", "2018H2", "2019H1"]
    rows = [
        {
            "indicator_id": ind.id,
            "period": p,
            "count": None,
            "value": None if p == "2018H1" else 2.0 + n / 10,
            "underlying_count": None,
            "underlying_value": None if p == "2018H1" else 1.8 + n / 10,
            "coverage": 0.5 if p == "2017H2" else 1.0,
        }
        for ind in result.indicators
        for n, p in enumerate(periods)
    ]
    return pl.DataFrame(rows)


def test_the_report_is_self_contained_with_every_indicator(
    plan_store: tuple[Store, Path], compared: CompareResult, tmp_path: Path
) -> None:
    store, _ = plan_store
    out = write_html_report(
        compared, trend_frame(compared), store.sources(), "nl", tmp_path / "r.html", False
    )
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<html lang='nl'>" in html
    assert not LOADS.search(html), LOADS.search(html)
    assert "http:" not in html and "https:" not in html
    for ind in compared.indicators:
        assert f"id='ind-{ind.id}'" in html and f"<code>{ind.id}</code>" in html
        assert f"id='bar-{ind.id}-title'" in html and f"id='trend-{ind.id}-title'" in html
    # the structure of the seed report: themes, then districts (none here), normalisation, sources
    order = [html.index(s) for s in ("id='overview'", "id='theme-1'", "id='theme-3'", "id='normalisation'")]
    assert order == sorted(order) and "id='sources'" in html
    for source in store.sources():
        assert source.sha256 in html
    assert compared.plan_sha256 in html and compared.rules_sha256 in html
    assert "@media print" in html and "@page" in html


def test_words_numbers_and_statuses_in_the_reports_language(
    plan_store: tuple[Store, Path], compared: CompareResult
) -> None:
    store, _ = plan_store
    dutch = render_html(compared, None, store.sources(), "nl")
    english = render_html(compared, None, store.sources(), "en")
    assert "Thema 1" in dutch and "niet behaald" in dutch and "Normalisatie:" in dutch
    assert "Theme 1" in english and "not achieved" in english and "Normalisation:" in english
    assert "niet behaald" not in english
    # vernieling: 2.0 -> 2.5 per 1,000 inhabitants, +25%; the decimal comma in Dutch
    assert ">2,5<" in dutch and ">2.5<" in english and "+25%" in dutch
    assert "vergelijking AB: geen opgeslagen gegevens" in dutch  # notes rendered in the language
    assert "benchmark AB: no stored data" in english
    assert "trend-" not in dutch  # no trend frame: no trend charts


def test_user_text_is_escaped_everywhere(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = plan_store
    hostile = "<script>alert('x')</script> & \"quoted\""
    plan = tmp_path / "evil.toml"
    plan.write_text(
        PLAN.replace('label = "Inbraak"', f"label = {json.dumps(hostile)}")
        .replace('name = "Testplan"', 'name = "Plan <b>bold</b>"')
        .replace('name = "AB"', 'name = "A<i>B"'),
        encoding="utf-8",
    )
    result = compare(store, period="2019H1", plan_path=plan)
    html = render_html(result, trend_frame(result), store.sources(), "en")
    assert "<script" not in html and "<b>bold" not in html and "A<i>B" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in html
    assert "Plan &lt;b&gt;bold&lt;/b&gt;" in html and "A&lt;i&gt;B" in html


def test_written_like_every_export(
    compared: CompareResult, plan_store: tuple[Store, Path], tmp_path: Path
) -> None:
    store, _ = plan_store
    out = tmp_path / "r.html"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="exists already"):
        write_html_report(compared, None, store.sources(), "nl", out, False)
    assert out.read_text(encoding="utf-8") == "keep me"
    assert write_html_report(compared, None, store.sources(), "nl", out, True) == out
    with pytest.raises(InputError, match=r"\.html extension"):
        write_html_report(compared, None, store.sources(), "nl", tmp_path / "r.pdf", False)
    with pytest.raises(ValueError, match="underlying_value"):
        render_html(
            compared, pl.DataFrame({"indicator_id": ["x"], "period": ["2019H1"], "value": [1.0]}), [], "nl"
        )


def test_charts_start_at_zero_and_never_draw_a_missing_value() -> None:
    assert nice_axis(6.3) == (8, 2) and nice_axis(0.23) == (0.3, 0.1) and nice_axis(1043) == (1500, 500)
    svg = bar_chart("c", "T", "D", ["A", "B"], ["2017H1", "2019H1"], [[6.3, None], [2.0, 4.3]], 1, "nl")
    assert svg.count("<rect") == 3 + 2  # three bars, two legend keys: the missing value is not a bar
    assert ">-</text>" in svg and ">6,3</text>" in svg and "role='img'" in svg


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_renders_in_headless_chromium_without_console_errors(
    plan_store: tuple[Store, Path], compared: CompareResult, tmp_path: Path
) -> None:
    """The page loads with the network cut off, logs nothing to the console, has every indicator in
    its DOM, and makes a screenshot and a PDF (the print CSS)."""
    store, _ = plan_store
    out = write_html_report(
        compared, trend_frame(compared), store.sources(), "nl", tmp_path / "r.html", False
    )
    assert CHROMIUM is not None
    common = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run([*common, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console
    for ind in compared.indicators:
        assert f'id="ind-{ind.id}"' in dom.stdout
    assert dom.stdout.count("<svg") == 2 * len(compared.indicators)
    shot, pdf = tmp_path / "r.png", tmp_path / "r.pdf"
    for flag in (f"--screenshot={shot}", f"--print-to-pdf={pdf}"):
        done = subprocess.run(
            [*common, "--window-size=1200,1600", "--no-pdf-header-footer", flag, out.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert not [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert pdf.read_bytes()[:5] == b"%PDF-"

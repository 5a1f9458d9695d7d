"""`report html`: one self-contained HTML document (inline CSS, inline SVG, no script, nothing
loaded), every indicator in it, user text escaped, words in the report's language; rendered by
headless Chromium where it is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import PLAN
from veilcli.analysis.results.compare import CompareResult
from veilcli.api import compare
from veilcli.errors import InputError
from veilcli.report.html import CSS, render_html, write_html_report
from veilcli.report.html_league import LEAGUE_CSS
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


# --- every kind of indicator in one plan, with a benchmark (issue 21) -----------------------------

# A survey indicator comes first: its benchmarks are none (the area's own survey), and the reports
# once took the benchmark columns from the first indicator (no columns at all) or crashed with
# KeyError: 'Midden-Nederland' on the survey row when a registered indicator came first.
EVERY_KIND_PLAN = """
name = "Actieplan Testdorp"
area = "Almere"
baseline = 2017

[[themes]]
number = 1
label = "Veilige wijken"
[[themes]]
number = 3
label = "Zorg en veiligheid"

[[benchmarks]]
name = "Midden-Nederland"
area = "Midden-Nederland"

[[indicators]]
id = "onveilig"
theme = 1
label = "Voelt zich weleens onveilig in de buurt"
kind = "survey"
categories = ["VoeltZichWeleensOnveiligInBuurt"]
unit = "percent"
goal = "decrease"

[[indicators]]
id = "woninginbraak"
theme = 1
label = "Woninginbraak"
categories = ["1.1.1"]
unit = "per_1000_dwellings"
goal = "decrease"

[[indicators]]
id = "jeugdcriminaliteit"
theme = 3
label = "Jeugdcriminaliteit (verdachten 12-24)"
kind = "suspects"
categories = ["crime"]
age = [12, 24]
unit = "count"
goal = "decrease"

[[indicators]]
id = "huisverboden"
theme = 3
label = "Huisverboden"
kind = "counts"
categories = ["huisverbod"]
unit = "count"
goal = "none"
"""

# The police unit in a StatLine table view (reference item 7): title, fixed filter, empty line,
# header block, unit line, "." suppressed, "2019 1e halfjaar*" provisional, the source footer.
MIDDEN_NEDERLAND = """\
"Geregistreerde misdrijven; soort misdrijf, regio"
"Soort misdrijf: Diefstal/inbraak woning"
""
"Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven";"Geregistreerde misdrijven"
"Perioden";"2017 1e halfjaar";"2018 1e halfjaar";"2019 1e halfjaar*"
"Regio's";"aantal";"aantal";"aantal"
"Midden-Nederland (RE)";"  4000";".";"  3000"
""
"Bron: Politie"
"""


def _registrations(year: int, burglaries: int, damage: int) -> str:
    """A municipal extract of one half-year: a title and a source line above the header, the first
    registration on 1 January and the last on 30 June (it covers the half-year), a Totaal row."""
    lines = [
        f"Geregistreerde misdrijven Almere, eerste halfjaar {year}",
        "Bron: politie, bewerking gemeente",
        "",
        "Registratienummer;Datum;Soort misdrijf code;Soort misdrijf;Gemeente;Wijk;Wijze van aangifte",
    ]
    n = 0
    for code, label, count in (
        ("1.1.1", "Diefstal/inbraak woning", burglaries),
        ("2.2.1", "Vernieling", damage),
    ):
        for i in range(count):
            n += 1
            month = 1 + i % 6
            day = 1 if month == 1 else 30 if month == 6 else 15
            wijk = "Stad" if i % 2 == 0 else "Haven"
            lines.append(
                f"PL0900-{year}{n:05d};{day:02d}-{month:02d}-{year};{code};{label};Almere;{wijk};Balie"
            )
    lines.append(f"Totaal;{n};;;;;")
    return "\n".join(lines) + "\n"


def _survey() -> str:
    """CBS Veiligheidsmonitor 85146NED as the OData API serves it: padded RegioS, one record per margin."""
    figures = [
        ("GM0034  ", "2017JJ00", (18.2, 16.4, 20.0)),
        ("GM0034  ", "2019JJ00", (15.0, 13.4, 16.6)),
        ("RE03    ", "2017JJ00", (20.0, 19.0, 21.0)),
        ("RE03    ", "2019JJ00", (19.0, 18.0, 20.0)),
    ]
    records = [
        {"ID": 3 * n + m, "Marges": margin, "RegioS": region, "Perioden": period,
         "VoeltZichWeleensOnveiligInBuurt_50": value}
        for n, (region, period, values) in enumerate(figures)
        for m, (margin, value) in enumerate(zip(("MW00000", "MOG0095", "MBG0095"), values, strict=True))
    ]  # fmt: skip
    metadata = "https://opendata.cbs.nl/ODataApi/OData/85146NED/$metadata#Cbs.OData.WebAPI.TypedDataSet"
    return json.dumps({"odata.metadata": metadata, "value": records})


@pytest.fixture
def every_kind(tmp_path: Path) -> tuple[Path, Path]:
    """A store with registrations, suspects, counts, survey figures and a benchmark; the plan.

    By hand: burglary 12 / 4,000 dwellings = 3.0 per 1,000 (2017H1), 6 / 5,000 = 1.2 (2019H1): -60%;
    Midden-Nederland 4,000 -> 3,000 per 1,000,000 dwellings = 4.0 -> 3.0: -25%. Suspects aged 12-24:
    15, 19, 24 (not 31) -> 12 (not 25): 3 -> 1, -67%. House bans 20 -> 15: -25%. Feeling unsafe:
    18.2% -> 15.0%, -3.2 percentage points; a survey indicator has no benchmark: '-'.
    """
    from typer.testing import CliRunner

    from veilcli.cli import app

    files = {
        "registraties-2017.csv": _registrations(2017, 12, 6),
        "registraties-2019.csv": _registrations(2019, 6, 6),
        "bevolking.csv": "Jaar;Gebied;Inwoners;Woningen;Jongeren 12-24\n"
        + "".join(
            f"{year};Almere;{inhabitants};{dwellings};30.000\n{year};Midden-Nederland;2.000.000;1.000.000;300.000\n"
            for year, inhabitants, dwellings in (
                (2017, "200.000", "4.000"),
                (2018, "225.000", "4.500"),
                (2019, "250.000", "5.000"),
            )
        ),
        "huisverboden.csv": "Periode;Gebied;Soort misdrijf code;Aantal\n"
        "2017H1;Almere;huisverbod;20\n2019H1;Almere;huisverbod;15\n",
        "misdrijven-midden-nederland.csv": MIDDEN_NEDERLAND,
        "85146NED_TypedDataSet.json": _survey(),
        "verdachten.csv": "Registratienummer;Datum;Leeftijd;Woonplaats;Soort misdrijf code\n"
        "PL0900-2017-1;2017-02-01;15;Almere;1.1.1\nPL0900-2017-2;2017-03-01;19;Almere;2.2.1\n"
        "PL0900-2017-3;2017-04-01;24;Almere;1.1.1\nPL0900-2017-4;2017-05-01;31;Almere;1.1.1\n"
        "PL0900-2019-1;2019-02-01;12;Almere;1.1.1\nPL0900-2019-2;2019-05-01;25;Almere;2.2.1\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    store = tmp_path / "store"
    runner = CliRunner()
    paths = [str(tmp_path / n) for n in files if n != "verdachten.csv"]
    result = runner.invoke(app, ["ingest", "--store", str(store), *paths])
    assert result.exit_code == 0, result.output
    # A handful of suspects cannot show what the extract covers: declared, as an analyst would.
    declared = ["--covers", "2017-01-01..2019-06-30", "--scope", "crime"]
    result = runner.invoke(
        app, ["ingest", "--store", str(store), *declared, str(tmp_path / "verdachten.csv")]
    )
    assert result.exit_code == 0, result.output
    plan = tmp_path / "plan.toml"
    plan.write_text(EVERY_KIND_PLAN, encoding="utf-8")
    return store, plan


def _overview_row(page: str, indicator: str) -> list[str]:
    """The cells' text of an indicator's row in the overview table."""
    row = re.search(rf"<tr id='row-{indicator}'>(.*?)</tr>", page)
    assert row is not None, indicator
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


@pytest.mark.parametrize(
    ("options", "burglary", "survey"),
    [
        ([], ["3,0", "-", "1,2", "-60%"], ["18,2", "18,2 (2017)", "15,0", "-3,2 pp"]),
        (["--lang", "en"], ["3.0", "-", "1.2", "-60%"], ["18.2", "18.2 (2017)", "15.0", "-3.2 pp"]),
        (["--by", "district"], ["3,0", "-", "1,2", "-60%"], ["18,2", "18,2 (2017)", "15,0", "-3,2 pp"]),
        (["--raw"], ["3,0", "-", "1,2", "-60%"], ["18,2", "18,2 (2017)", "15,0", "-3,2 pp"]),
    ],
    ids=["nl", "en", "district", "raw"],
)
def test_report_with_every_kind_of_indicator_and_a_benchmark(
    every_kind: tuple[Path, Path], tmp_path: Path, options: list[str], burglary: list[str], survey: list[str]
) -> None:
    from typer.testing import CliRunner

    from veilcli.cli import app

    store, plan = every_kind
    out = tmp_path / "rapport.html"
    common = ["--store", str(store), "--plan", str(plan), "--period", "2019H1"]
    result = CliRunner().invoke(app, ["report", "html", str(out), *common, *options])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    # Every indicator has its section; the overview has the benchmark's column, last in each row.
    for ind in ("onveilig", "woninginbraak", "jeugdcriminaliteit", "huisverboden"):
        assert f"id='ind-{ind}'" in page
    assert "scope='col' class='num'>Midden-Nederland</th>" in page
    rows = {ind: _overview_row(page, ind) for ind in ("onveilig", "woninginbraak", "jeugdcriminaliteit")}
    # the periods' values, then the count with its difference (issue 22 §1), then the change; the
    # benchmark's cell: its change, and under it the level in the period
    figures = {ind: row[2:5] + row[6:7] for ind, row in rows.items()}
    assert figures["woninginbraak"] == burglary and rows["woninginbraak"][-1].startswith("-25%")
    assert figures["onveilig"] == survey and rows["onveilig"][-1] == "-"  # no survey benchmark
    assert figures["jeugdcriminaliteit"] == ["3", "0", "1", "-67%"] and rows["jeugdcriminaliteit"][-1] == "-"
    assert ("id='districts'" in page) == ("district" in options)


def test_workbook_with_every_kind_of_indicator_and_a_benchmark(
    every_kind: tuple[Path, Path], tmp_path: Path
) -> None:
    import openpyxl
    from typer.testing import CliRunner

    from veilcli.cli import app

    store, plan = every_kind
    out = tmp_path / "rapport.xlsx"
    common = ["--store", str(store), "--plan", str(plan), "--period", "2019H1"]
    result = CliRunner().invoke(app, ["export", "xlsx", str(out), *common, "--by", "district"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Overzicht"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "Midden-Nederland" for c in r))
    bench = next(c.column for c in header if c.value == "Midden-Nederland")
    rows: dict[object, int] = {}
    for r in sheet.iter_rows(min_row=header[0].row + 1):
        rows.setdefault(r[1].value, r[0].row)  # the table's row, not the notes listed under it
    assert sheet.cell(rows["Woninginbraak"], bench).value == pytest.approx(-0.25)  # -25% as a percentage
    assert sheet.cell(rows["Voelt zich weleens onveilig in de buurt"], bench).value in (None, "-")
    assert sheet.cell(rows["Huisverboden"], bench).value in (None, "-")


@pytest.mark.parametrize("width", [250, 70], ids=["full", "compact"])
def test_terminal_with_every_kind_of_indicator_and_a_benchmark(
    every_kind: tuple[Path, Path], width: int
) -> None:
    """The same plan on the terminal (the full table and the compact blocks), the survey indicator
    last this time: its row once crashed with KeyError: 'Midden-Nederland'."""
    import io

    from rich.console import Console

    from veilcli.report.render_compare import render_compare

    store, plan = every_kind
    head, survey, others = EVERY_KIND_PLAN.split("[[indicators]]", 2)
    plan.write_text(f"{head}[[indicators]]{others}[[indicators]]{survey}", encoding="utf-8")
    result = compare(Store(store), period="2019H1", plan_path=plan)
    out = io.StringIO()
    render_compare(
        Console(width=width, file=out, color_system=None), result, result.themes, "en", detail=True
    )
    lines = out.getvalue().splitlines()
    if width == 250:  # one column per benchmark: the burglary's -25%, the survey's '-'; then its level
        assert any("Midden-Nederland" in line for line in lines)
        assert next(line for line in lines if "| Woninginbraak" in line).endswith("-25% |             -60% |")
        assert next(line for line in lines if "| Voelt zich" in line).endswith(" - |")
    else:  # a row per benchmark under each indicator that has one
        assert any(line.strip().startswith("Midden-Neder") and "-25%" in line for line in lines)
    assert "-3.2 pp" in out.getvalue()


# --- injection: every text that reaches the report (issue 21) ------------------------------------

# What each place receives: a script, a style break, an element with an event handler, attribute
# breakers of both quotes, a javascript: link and an open comment. Run, any of them would call ran(),
# which the page does not define: an uncaught error in Chromium's console; parsed, any would show as
# a tag, an attribute or a comment.
RUN = "ran('{tag}')"


def hostile(tag: str, slash: bool = True) -> str:
    """The payload for one place, ending in its tag so the test can find where each one shows."""
    run = RUN.format(tag=tag)
    payload = (
        f"<script>{run}</script></style><img src=x onerror=\"{run}\">' onmouseover='{run}' x='"
        f'" autofocus onfocus="{run}" x="<a href="javascript:{run}">j</a><!--{tag}'
    )
    return payload if slash else payload.replace("/", "")  # a file name cannot hold a slash


# Places the report shows (each must come through as text); the last three are stored and may
# appear in notes or not at all, but never as markup.
SHOWN = ("area", "district", "bencharea", "plan", "theme", "bench", "label-inbraak", "label-lokaal")
SHOWN += ("label-onveilig", "file", "surveycode")
STORED = ("categorylabel", "surveylabel")
# A counts table's own category is one word of letters, digits, '-' and '_' (validation refuses any
# other value, so no markup can be one): the local indicator's category is a plain word.
LOCAL_CATEGORY = "lokaal_register"

ALLOWED_TAGS = {
    *("html", "head", "meta", "title", "style", "body", "main", "header", "footer", "nav", "section"),
    *("article", "h1", "h2", "h3", "p", "ol", "ul", "li", "a", "div", "span", "br", "code", "table"),
    *("thead", "tbody", "tr", "th", "td", "figure", "figcaption", "svg", "g", "rect", "line", "text"),
    *("desc", "path", "circle", "polyline", "tspan"),
}
VOID = {"meta", "br"}
SVG_TAGS = {"svg", "g", "rect", "line", "text", "desc", "path", "circle", "polyline", "tspan", "title"}


class Structure(HTMLParser):
    """The page as html.parser sees it: tags, attributes, text, comments, the nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.styles: list[str] = []
        self.stack: list[str] = []
        self.mismatched: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        self._in_style = tag == "style"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if not self.stack or self.stack[-1] != tag:
            self.mismatched.append(tag)
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parsed(page: str) -> Structure:
    structure = Structure()
    structure.feed(page)
    structure.close()
    return structure


@pytest.fixture
def injected(tmp_path: Path) -> tuple[Path, Path]:
    """A store whose every name is hostile: area, two districts, the benchmark's area, a local count
    category and its label, the registrations' category label, a survey indicator's code and label,
    the source file's name; and a plan whose every label is (plan, theme, benchmark, indicators)."""
    import csv

    from typer.testing import CliRunner

    from veilcli.cli import app

    area, district, bench_area = hostile("area"), hostile("district"), hostile("bencharea")

    def write(name: str, header: list[str], rows: list[list[str]]) -> Path:
        # Every field quoted, as police exports write them: the payload's ';' and '"' stay inside.
        with (tmp_path / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
            writer.writerow(header)
            writer.writerows(rows)
        return tmp_path / name

    registrations = []
    for year, count in ((2017, 12), (2019, 6)):
        for i in range(count):
            month = 1 + i % 6
            day = 1 if month == 1 else 30 if month == 6 else 15
            wijk = district if i % 2 == 0 else "Haven"  # Haven has no survey figure: a note names the code
            row = [f"R{year}-{i}", f"{year}-{month:02d}-{day:02d}", "1.1.1", hostile("categorylabel")]
            registrations.append([*row, area, wijk])
    files = [
        write(
            hostile("file", slash=False) + ".csv",
            [*("Registratienummer", "Datum", "Soort misdrijf code", "Soort misdrijf", "Gemeente"), "Wijk"],
            registrations,
        ),
        write(
            "bevolking.csv",
            ["Jaar", "Gebied", "Inwoners", "Woningen"],
            [[str(y), a, "200.000", "4.000"] for y in (2017, 2018, 2019) for a in (area, bench_area)],
        ),
        write(
            "tellingen.csv",
            ["Periode", "Gebied", "Soort misdrijf code", "Aantal"],
            [
                ["2017H1", bench_area, "1.1.1", "4000"],
                ["2019H1", bench_area, "1.1.1", "3000"],
                ["2017H1", area, LOCAL_CATEGORY, "20"],
                ["2019H1", area, LOCAL_CATEGORY, "15"],
            ],
        ),
        write(
            "enquete.csv",
            [
                *("Jaar", "Gebied", "Indicator code", "Indicator label", "Waarde", "Eenheid", "Ondergrens"),
                *("Bovengrens", "Aantal respondenten"),
            ],
            [
                [year, where, hostile("surveycode"), hostile("surveylabel"), value, "%", low, high, n]
                for year, where, value, low, high, n in (
                    ("2017", area, "18,2", "16,4", "20,0", "900"),
                    ("2019", area, "15,0", "13,4", "16,6", "1000"),
                    ("2017", district, "20,0", "", "", "400"),
                )
            ],
        ),
    ]
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["ingest", "--store", str(store), *map(str, files)])
    assert result.exit_code in (0, 1), result.output
    q = json.dumps
    plan = tmp_path / "plan.toml"
    plan.write_text(
        f"name = {q(hostile('plan'))}\narea = {q(area)}\nbaseline = 2017\n"
        f"[[themes]]\nnumber = 1\nlabel = {q(hostile('theme'))}\n"
        f"[[benchmarks]]\nname = {q(hostile('bench'))}\narea = {q(bench_area)}\n"
        f'[[indicators]]\nid = "inbraak"\ntheme = 1\nlabel = {q(hostile("label-inbraak"))}\n'
        'categories = ["1.1.1"]\nunit = "per_1000_dwellings"\ngoal = "decrease"\n'
        f'[[indicators]]\nid = "lokaal"\ntheme = 1\nlabel = {q(hostile("label-lokaal"))}\nkind = "counts"\n'
        f'categories = [{q(LOCAL_CATEGORY)}]\nunit = "count"\ngoal = "none"\n'
        f'[[indicators]]\nid = "onveilig"\ntheme = 1\nlabel = {q(hostile("label-onveilig"))}\n'
        f'kind = "survey"\ncategories = [{q(hostile("surveycode"))}]\nunit = "percent"\ngoal = "decrease"\n',
        encoding="utf-8",
    )
    return store, plan


def check_structure(page: str, css: str = CSS) -> Structure:
    """Nothing in the page can run or load, and its structure is the report's own."""
    structure = parsed(page)
    assert set(structure.tags) <= ALLOWED_TAGS, set(structure.tags) - ALLOWED_TAGS
    assert structure.tags.count("style") == 1 and "".join(structure.styles) == css  # no </style> break
    assert not structure.comments  # no <!-- swallowing the rest of the page
    assert not structure.mismatched and structure.stack == [], (structure.mismatched, structure.stack)
    for tag, name, value in structure.attributes:
        assert not name.startswith("on") and name not in ("src", "srcset", "action", "formaction", "style")
        assert name != "autofocus" and (name != "x" or tag in SVG_TAGS), (tag, name, value)
        if name in ("href", "xlink:href"):
            assert value.startswith("#"), (tag, name, value)  # in-page links only, never javascript:
    return structure


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nothing_injected_runs_and_the_structure_holds(
    injected: tuple[Path, Path], tmp_path: Path, lang: str
) -> None:
    from typer.testing import CliRunner

    from veilcli.cli import app

    store, plan = injected
    out = tmp_path / "r.html"
    options = ["--store", str(store), "--plan", str(plan), "--period", "2019H1", "--by", "district"]
    result = CliRunner().invoke(app, ["report", "html", str(out), *options, "--lang", lang])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    structure = check_structure(page)
    shown = "".join(structure.text)
    for tag in SHOWN:
        payload = hostile(tag, slash=tag != "file")
        assert payload in shown, tag  # shown whole, as text
    for tag in (*SHOWN, *STORED):
        assert RUN.format(tag=tag) not in page  # its quotes are always escaped in the source
    # the sections of the report, each once
    for anchor in ("overview", "theme-1", "districts", "normalisation", "sources"):
        assert page.count(f"id='{anchor}'") == 1
    for ind in ("inbraak", "lokaal", "onveilig"):
        assert page.count(f"<article class='indicator' id='ind-{ind}'") == 1


def test_the_league_page_is_not_injected_either(every_kind: tuple[Path, Path], tmp_path: Path) -> None:
    """The league ranks known municipalities only (a hostile area name is no municipality): its
    plan, theme, benchmark and indicator labels and a source file's name are hostile here."""
    from typer.testing import CliRunner

    from veilcli.cli import app

    store, plan = every_kind
    extra = tmp_path / f"{hostile('file', slash=False)}.csv"
    extra.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n2018H1;Almere;huisverbod;23\n", encoding="utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--store", str(store), str(extra)]).exit_code == 0
    text = plan.read_text(encoding="utf-8")
    for label in (
        "Actieplan Testdorp",
        "Veilige wijken",
        "Woninginbraak",
        "Huisverboden",
        "Midden-Nederland",
    ):
        text = text.replace(f'"{label}"', json.dumps(hostile(label)))
    plan.write_text(text, encoding="utf-8")
    out = tmp_path / "league.html"
    options = ["--store", str(store), "--plan", str(plan), "--period", "2019H1", "--area", "all"]
    result = runner.invoke(app, ["report", "html", str(out), *options])
    assert result.exit_code == 0, result.output
    structure = check_structure(out.read_text(encoding="utf-8"), CSS + LEAGUE_CSS)
    shown = "".join(structure.text)
    for label in ("Actieplan Testdorp", "Woninginbraak", "Huisverboden"):
        assert hostile(label) in shown, label


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_nothing_injected_runs_in_headless_chromium(injected: tuple[Path, Path], tmp_path: Path) -> None:
    """Loaded in Chromium (network cut off, time for handlers to fire): nothing in the console (an
    injection that ran would throw 'ran is not defined'), no script or image in the DOM."""
    from typer.testing import CliRunner

    from veilcli.cli import app

    store, plan = injected
    out = tmp_path / "r.html"
    options = ["--store", str(store), "--plan", str(plan), "--period", "2019H1", "--by", "district"]
    assert CliRunner().invoke(app, ["report", "html", str(out), *options]).exit_code == 0
    assert CHROMIUM is not None
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"]
    flags += ["--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000"]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console
    structure = parsed(dom.stdout)
    assert "script" not in structure.tags and "img" not in structure.tags
    assert hostile("plan") in "".join(structure.text)

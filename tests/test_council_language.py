"""Council language (issue 22 §3): what a council reads says periods, dates and numbers as the
language writes them, and no internal word (kind names, samenloop method keys, note codes, period
codes); each note once per indicator. Every output of the sample data is read back as its reader
sees it: the terminal's text, the workbook's cells (openpyxl), the HTML's text; JSON and CSV keep the
codes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from veilcli.cli import app
from veilcli.domain.language import catalogue
from veilcli.domain.notes import merge_benchmark_notes, message, note
from veilcli.domain.periods import date_words, period_words, periods_words, span_words

SAMPLE = Path(__file__).parent.parent / "sample_data"
LANGS = ("nl", "en")

# Words of veilcli's insides that no council output may show (whole words, any case where noted).
INTERNAL = [
    r"\bfactors\b",
    r"\brows\b",
    r"\bcounts\b",
    r"\bregistrations\b",
    r"\bpopulation\b",
    r"ESTIMATE",
    r"\bdwellings\b",
    r"\binhabitants\b",
    r"\bevent_id\b",
    r"\byouths_12_24\b",
    *(rf"\b{code}\b" for code in (*catalogue("en")["notes"], *catalogue("en")["row_notes"])),
]
# English words inside Dutch outputs are internal too; these are English only (not in a plan label).
ENGLISH_ONLY = ["registrations", "counts", "population", "dwellings", "inhabitants", "factors", "rows"]
# Dutch words that must not leak into English outputs (none of them is in the plan's or the police's
# labels, which stay as written).
DUTCH = [
    "eerste helft",
    "tweede helft",
    "t.o.v.",
    "vergelijking",
    "niet behaald",
    "registraties",
    "opmerkingen",
    "gemeenten",
    "kwartaal",
    "januari",
    "peiljaar",
    "onderliggend",
    "verandering",
    "gegevens",
    "politieregistraties",
    "tellingen",
    "bevolking",
    "internetaangifte",
    "geschat",
    "herteld",
]
# A period code (2019H1, 2019Q2, 2019-05): for scripts, never for people.
PERIOD_CODE = re.compile(r"\b\d{4}(?:H[12]|Q[1-4])\b|\b\d{4}-(?:0[1-9]|1[0-2])\b(?!-\d)")


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("council") / "S"
    files = sorted(str(p) for p in SAMPLE.iterdir() if p.suffix in (".csv", ".xlsx"))
    run("ingest", *files, "--store", str(root))
    return root


@pytest.fixture(scope="module")
def outputs(store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """Per language, per output: the texts a reader sees (the terminal's lines; a workbook's string
    cells, sheet names, page headers and chart titles; the HTML's text nodes)."""
    out = tmp_path_factory.mktemp("outputs")
    common = ["--store", str(store), "--period", "2019H1"]
    shown: dict[str, dict[str, list[str]]] = {}
    for lang in LANGS:
        texts: dict[str, list[str]] = {}
        texts["compare"] = run("compare", *common, "--detail", "--lang", lang).splitlines()
        texts["compare_summary"] = run("compare", *common, "--lang", lang).splitlines()
        texts["compare_districts"] = run("compare", *common, "--by", "district", "--lang", lang).splitlines()
        texts["league"] = run("compare", *common, "--area", "all", "--lang", lang).splitlines()
        texts["normalise"] = run("normalise", *common, "--lang", lang).splitlines()
        texts["trend"] = run("trend", "--store", str(store), "--lang", lang).splitlines()
        for name, extra in (("workbook", []), ("league_workbook", ["--area", "all"])):
            path = out / f"{name}-{lang}.xlsx"
            run("export", "xlsx", str(path), *common, *extra, "--lang", lang)
            texts[name] = workbook_texts(path)
        for name, extra in (("html", []), ("league_html", ["--area", "all"])):
            path = out / f"{name}-{lang}.html"
            run("report", "html", str(path), *common, *extra, "--lang", lang)
            texts[name] = html_texts(path)
        shown[lang] = texts
    return shown


def workbook_texts(path: Path) -> list[str]:
    wb = load_workbook(path)
    texts = []
    for ws in wb.worksheets:
        texts.append(ws.title)
        texts += [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        texts += [str(part.text) for part in (ws.oddHeader.left, ws.oddHeader.right) if part.text]
        for chart in ws._charts:  # openpyxl keeps a sheet's charts here
            if chart.title is not None and chart.title.tx is not None and chart.title.tx.rich is not None:
                texts += [run.t for p in chart.title.tx.rich.p for run in (p.r or [])]
    return [t for t in texts if not t.startswith("veilcli ") and "--store" not in t]  # the command


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def html_texts(path: Path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return [t for t in parser.texts if "--store" not in t]  # the command, as typed


def prose(lines: list[str]) -> str:
    """Wrapped terminal lines (and cells) as one text: a phrase split over two lines is found."""
    return re.sub(r"\s+", " ", " ".join(lines))


def found(texts: list[str], pattern: str, flags: int = 0) -> list[str]:
    return [t for t in texts if re.search(pattern, t, flags)]


@pytest.mark.parametrize("lang", LANGS)
def test_no_internal_words_or_period_codes(outputs: dict[str, dict[str, list[str]]], lang: str) -> None:
    for name, texts in outputs[lang].items():
        for pattern in INTERNAL:
            if lang == "en" and pattern.strip("\\b") in ENGLISH_ONLY:
                continue  # plain English words in English
            assert not found(texts, pattern), (name, pattern, found(texts, pattern)[:3])
        assert not found(texts, PERIOD_CODE.pattern), (name, found(texts, PERIOD_CODE.pattern)[:3])


def test_dutch_outputs_say_periods_dates_and_decimals_in_dutch(
    outputs: dict[str, dict[str, list[str]]],
) -> None:
    nl = outputs["nl"]
    for name, texts in nl.items():
        for pattern in ENGLISH_ONLY:
            assert not found(texts, rf"\b{pattern}\b", re.IGNORECASE), (name, pattern)
        # a decimal point (2.5, -12.3%) is English; 1.043 and 100.000 are Dutch thousands
        points = [t for t in found(texts, r"\d\.\d{1,2}(?!\d)") if not re.search(r"\d+\.\d+\.\d+", t)]
        assert not points, (name, points[:3])
    compare = prose(nl["compare"])
    assert "eerste helft 2019 t.o.v. eerste helft 2017" in compare
    # the online-reporting note of total crime: its date in words, its range with decimal commas
    assert "sinds 1 januari 2018" in compare and "-12,3% (elke extra internetaangifte is nieuw)" in compare
    assert "eerste helft 2018: slechts 9 registraties" in compare  # overval, H1 2018
    workbook = prose(nl["workbook"])
    assert "eerste helft 2017" in workbook and "Verandering t.o.v. eerste helft 2017" in workbook
    assert "politieregistraties" in nl["workbook"] and "bevolking" in nl["workbook"]  # Bronnen: kinds
    assert "Bronnen" in nl["workbook"] and "Bronnen" in nl["league_workbook"]
    html = prose(nl["html"])
    assert "eerste helft 2019" in html and "sinds 1 januari 2018" in html
    assert "rang" in prose(nl["league"]) and "behaald" in prose(nl["league"])
    assert "1e helft 2019" in prose(nl["normalise"]) and "verloop" in prose(nl["trend"])


def test_english_outputs_have_no_dutch(outputs: dict[str, dict[str, list[str]]]) -> None:
    for name, texts in outputs["en"].items():
        texts = [t for t in texts if not re.search(r"\.(csv|xlsx)\b", t)]  # file names stay as named
        for word in DUTCH:
            assert not found(texts, re.escape(word), re.IGNORECASE), (
                name,
                word,
                found(texts, re.escape(word))[:2],
            )
        assert not found(texts, r"\d,\d{1,2}%"), name  # a decimal comma in an English percentage
    compare = prose(outputs["en"]["compare"])
    assert "first half of 2019 vs first half of 2017" in compare and "since 1 January 2018" in compare
    assert "between -12.3% (every extra online report is new)" in compare


@pytest.mark.parametrize("lang", LANGS)
def test_each_note_once_per_indicator(outputs: dict[str, dict[str, list[str]]], lang: str) -> None:
    """The samenloop-method note of total crime names both benchmarks in one note, in plain words;
    indicators the plan compares with no benchmark say nothing about benchmarks."""
    compare = outputs[lang]["compare"]
    start = next(i for i, line in enumerate(compare) if "[totaal_misdrijven]" in line)
    end = next(i for i, line in enumerate(compare) if "[woninginbraak]" in line)
    block = " ".join(line.strip() for line in compare[start:end])
    said = (
        "vergelijking met Midden-Nederland en G10/100.000+: daar is samenloop geschat met gepubliceerde "
        "factoren, hier herteld per gebeurtenis"
        if lang == "nl"
        else "compared with Midden-Nederland "
        "and G10/100.000+: there samenloop is estimated with published factors, here recounted by event"
    )
    assert said in block and block.count("Midden-Nederland") == 2  # its row, and the one note
    for name in ("workbook", "html"):
        texts = outputs[lang][name]
        assert not [t for t in texts if t.count(said) > 1]
        # once in the HTML; in the workbook once on the overview and once on the theme's sheet
        assert len([t for t in texts if said in t]) == (2 if name == "workbook" else 1)
    youth = next(i for i, line in enumerate(compare) if "[jeugdcriminaliteit]" in line)
    bans = next(i for i, line in enumerate(compare) if "[huisverboden]" in line)
    assert not [line for line in compare[youth:] if "Midden-Nederland" in line]
    assert bans > youth


def test_json_and_csv_keep_the_codes(store: Path) -> None:
    common = ["--store", str(store), "--period", "2019H1", "--lang", "nl"]
    compared = json.loads(run("compare", *common, "--format", "json"))
    total = next(i for i in compared["indicators"] if i["id"] == "totaal_misdrijven")
    assert list(total["values"]) == ["2017H1", "2018H1", "2019H1"]
    unlike = [n for n in total["notes"] if n["code"] == "benchmark_corrected_differently"]
    assert [n["params"] for n in unlike] == [
        {
            "benchmark": ["Midden-Nederland", "G10/100.000+"],
            "benchmark_method": "factors",
            "area": "Geregistreerde misdrijven (totaal)",
            "area_method": "rows",
        }
    ]
    internet = next(n for n in total["notes"] if n["code"] == "internet_range")
    assert internet["params"]["since"] == "2018-01-01" and "1 januari 2018" in internet["message"]
    youth = next(i for i in compared["indicators"] if i["id"] == "jeugdcriminaliteit")
    assert youth["benchmarks"] == {} and not [n for n in youth["notes"] if "benchmark" in n["params"]]
    assert "2019H1" in run("normalise", *common, "--format", "csv")


# --- the words themselves, by hand -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "nl", "en", "nl_short", "en_short"),
    [
        ("2019H1", "eerste helft 2019", "first half of 2019", "1e helft 2019", "H1 2019"),
        ("2019H2", "tweede helft 2019", "second half of 2019", "2e helft 2019", "H2 2019"),
        ("2019Q2", "2e kwartaal 2019", "Q2 2019", "2e kw. 2019", "Q2 2019"),
        ("2019-03", "maart 2019", "March 2019", "mrt 2019", "Mar 2019"),
        ("2019", "2019", "2019", "2019", "2019"),
    ],
)
def test_period_words(code: str, nl: str, en: str, nl_short: str, en_short: str) -> None:
    assert (period_words(code, "nl"), period_words(code, "en")) == (nl, en)
    assert (period_words(code, "nl", short=True), period_words(code, "en", short=True)) == (
        nl_short,
        en_short,
    )


def test_dates_spans_and_lists_in_words() -> None:
    assert (
        date_words("2018-01-01", "nl") == "1 januari 2018" and date_words("2018-07-01", "en") == "1 July 2018"
    )
    assert span_words("2017-07-01..2017-09-21", "nl") == "1 juli 2017 t/m 21 september 2017"
    assert periods_words("2018H1, 2019H1", "nl") == "eerste helft 2018, eerste helft 2019"
    assert period_words("nothing", "nl") == "nothing"  # not a code: left as it is
    coverage = message(
        "incomplete_coverage",
        {"period": "2019H1", "covered_pct": 49.72, "covered": "2019-01-01..2019-03-31"},
        "nl",
    )
    assert coverage == (
        "eerste helft 2019: de bronnen dekken 50% van de periode (1 januari 2019 t/m 31 maart 2019); geen "
        "status tot ze volledig is"
    )


def test_numbers_in_notes_follow_the_language_at_render_time() -> None:
    made = note("samenloop_not_correctable", "en", period="2019H1", rows=1043, since="2018-07-01")
    assert made.message.startswith(
        "first half of 2019: 1,043 registrations after the samenloop change (1 July"
    )
    assert made.render("nl").startswith(
        "eerste helft 2019: 1.043 registraties na de samenloopwijziging (1 juli"
    )
    assert made.params == {"period": "2019H1", "rows": 1043, "since": "2018-07-01"}
    assert note("no_population", "nl", denominator="dwellings", where="Almere 2019").message == (
        "geen aantal woningen voor Almere 2019: geen cijfer per 1.000 berekend"
    )


def test_benchmark_notes_merge_per_indicator() -> None:
    """Notes that differ only in their benchmark become one naming both; a note of other facts stays."""
    made = [
        note(
            "benchmark_corrected_differently",
            benchmark="MN",
            benchmark_method="none",
            area="x",
            area_method="rows",
        ),
        note("small_numbers", period="2019H1", count=3, counted="registrations"),
        note(
            "benchmark_corrected_differently",
            benchmark="G10",
            benchmark_method="none",
            area="x",
            area_method="rows",
        ),
        note(
            "benchmark_corrected_differently",
            benchmark="B",
            benchmark_method="factors",
            area="x",
            area_method="rows",
        ),
        note("benchmark_not_stored", benchmark=["MN"], areas=["Midden-Nederland"]),
        note("benchmark_not_stored", benchmark=["G10"], areas=["G10"]),
    ]
    merged = merge_benchmark_notes(made, "nl")
    assert [n.code for n in merged] == [
        "benchmark_corrected_differently",
        "small_numbers",
        "benchmark_corrected_differently",
        "benchmark_not_stored",
    ]
    assert merged[0].params["benchmark"] == ["MN", "G10"] and merged[2].params["benchmark"] == ["B"]
    assert merged[0].message == (
        "vergelijking met MN en G10: daar is samenloop niet gecorrigeerd, hier herteld per gebeurtenis; de "
        "onderliggende veranderingen zijn niet één-op-één vergelijkbaar"
    )
    assert merged[3].message == "geen opgeslagen gegevens voor vergelijking met MN (Midden-Nederland) en G10"

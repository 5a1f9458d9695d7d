"""Districts that are honest and short (issue 22 §4): one wijk x indicator matrix in the terminal,
the workbook and the HTML report, with one "too few registrations to judge" mark.

The fixture is a police extract in the sample's layout (``Registratienummer;Datum;...;Wijk``, dates
as ``dd-mm-yyyy hh:mm``) and a population table with Dutch thousands dots, for three wijken of
Testdorp: Noord and Zuid of some size, and Klein with 60 inhabitants and 25 dwellings. Every
expected figure below is computed by hand from these rows.

              vernieling (2.2.1, per 1,000 inh.,       woninginbraak (1.1.1, per 1,000 dwellings,
              goal: no increase)                       goal: decrease)
  Noord       12 / 10,000 -> 6 / 10,000: 1.2 -> 0.6    8 / 4,000 -> 4 / 4,000: 2.0 -> 1.0
              -50%, -6, achieved, n = 18               -50%, -4, achieved
  Zuid        5 / 5,000 -> 12 / 6,000: 1.0 -> 2.0      3 / 2,000 -> 3 / 2,500: 1.5 -> 1.2
              +100%, +7, not achieved                  -20%, 0, achieved (n = 6 can show both ways)
  Klein       0 -> 0: too few                          1 / 25 -> 2 / 25: 40 -> 80: too few, +1
  Testdorp    17 / 15,060 -> 18 / 16,060               12 / 6,025 -> 9 / 6,525
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from veilcli.analysis.goals import Status, too_few_to_judge
from veilcli.analysis.results.compare import CompareResult
from veilcli.api import compare
from veilcli.cli import app
from veilcli.report.export_tables import STATUS_MARKS, district_matrix
from veilcli.report.render import STATUS_STYLE
from veilcli.report.render_compare import render_compare
from veilcli.report.render_districts import district_lines
from veilcli.store.store import Store

runner = CliRunner()
HEADER = (
    "Registratienummer;Datum;Soort misdrijf code;Soort misdrijf;Gemeente;Wijk;Buurt;Gebeurtenisnummer;"
    "Wijze van aangifte;Poging"
)
LABELS = {"2.2.1": "Vernieling", "1.1.1": "Diefstal/inbraak woning"}
# (year, wijk, code) -> registrations in the first half-year
COUNTS = {
    (2017, "Noord", "2.2.1"): 12,
    (2019, "Noord", "2.2.1"): 6,
    (2017, "Zuid", "2.2.1"): 5,
    (2019, "Zuid", "2.2.1"): 12,
    (2017, "Noord", "1.1.1"): 8,
    (2019, "Noord", "1.1.1"): 4,
    (2017, "Zuid", "1.1.1"): 3,
    (2019, "Zuid", "1.1.1"): 3,
    (2017, "Klein", "1.1.1"): 1,
    (2019, "Klein", "1.1.1"): 2,
}
PLAN = """name = "Actieplan Testdorp"
area = "Testdorp"
baseline = 2017

[[themes]]
number = 1
label = "Veilige wijken"

[[indicators]]
id = "vernieling"
theme = 1
label = "Vernieling"
categories = ["2.2.1"]
unit = "per_1000_inhabitants"
goal = "no_increase"

[[indicators]]
id = "woninginbraak"
theme = 1
label = "Woninginbraak"
categories = ["1.1.1"]
unit = "per_1000_dwellings"
goal = "decrease"
"""


def _registrations() -> str:
    """The extract: each wijk's registrations spread over the half-year's months (day 3..27), desk
    reports, no event ids; Klein's registrations in a neighbourhood of its own."""
    lines = [HEADER]
    number = 0
    for (year, wijk, code), count in sorted(COUNTS.items()):
        for n in range(count):
            number += 1
            month, day = 1 + n % 6, 3 + (n * 7) % 25
            buurt = f"Centrum {wijk}"
            lines.append(
                f"PL9999-{year}{number:06d};{day:02d}-{month:02d}-{year} 1{n % 10}:15;{code};{LABELS[code]};"
                f"Testdorp;{wijk};{buurt};;Balie;N"
            )
    return "\n".join(lines) + "\n"


POPULATION = """Jaar;Gebied;Inwoners;Woningen
2017;Testdorp;15.060;6.025
2019;Testdorp;16.060;6.525
2017;Noord;10.000;4.000
2019;Noord;10.000;4.000
2017;Zuid;5.000;2.000
2019;Zuid;6.000;2.500
2017;Klein;60;25
2019;Klein;60;25
"""


@pytest.fixture(scope="module")
def districts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store with the extract (declared to cover 2017-01 .. 2019-06, crime) and the population."""
    root = tmp_path_factory.mktemp("districts")
    (root / "registraties.csv").write_text(_registrations(), encoding="utf-8")
    (root / "bevolking.csv").write_text(POPULATION, encoding="utf-8")
    plan = root / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    store = root / "store"
    declared = ["--covers", "2017-01-01..2019-06-30", "--scope", "crime"]
    done = runner.invoke(app, ["ingest", "--store", str(store), *declared, str(root / "registraties.csv")])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["ingest", "--store", str(store), str(root / "bevolking.csv")])
    assert done.exit_code == 0, done.output
    return store, plan


@pytest.fixture(scope="module")
def result(districts: tuple[Path, Path]) -> CompareResult:
    store, plan = districts
    return compare(Store(store), period="2019H1", plan_path=plan, by="district")


def _figures(result: CompareResult) -> dict[tuple[str, str], object]:
    return {(d.district, i.id): i for d in result.districts or [] for i in d.indicators}


# --- the rule ----------------------------------------------------------------------------------


def test_the_too_few_rule() -> None:
    """Equal exposures: 0 -> 5 has p = 2 x 0.5^5 = 0.0625 (too few), 0 -> 6 has 2 x 0.5^6 = 0.031."""
    for n in range(6):
        assert too_few_to_judge(0, 1, n, 1) and too_few_to_judge(n, 1, 0, 1)
    assert not too_few_to_judge(0, 1, 6, 1) and not too_few_to_judge(3, 1, 3, 1)
    assert too_few_to_judge(0, None, 0, None) and too_few_to_judge(2, 60, 1, 60)  # 0 -> 0; 1 -> 2
    # A wijk grown from 14,000 to 18,700: 0.43^4 = 0.034 (all 4 in the baseline) but 0.57^4 = 0.105
    # (all 4 in the period): a rise of 4 from 0 could not be shown, so 1 -> 3 is not judged either.
    assert too_few_to_judge(3, 18_700, 1, 14_000)
    # Zuid's burglaries, 3 -> 3 at 2,000 -> 2,500 dwellings: 0.556^6 + 0.444^6 = 0.037 at the rarer
    # end, 0.444^6 + ... = 0.0077 at the other: both ways significant, so judged.
    assert not too_few_to_judge(3, 2_500, 3, 2_000)
    assert not too_few_to_judge(None, 1, 0, 1)  # unknown counts are no_data, not too few


# --- the analysis --------------------------------------------------------------------------------


def test_rates_counts_changes_and_statuses_by_hand(result: CompareResult) -> None:
    figures = _figures(result)
    expected = {
        ("Noord", "vernieling"): (1.2, 0.6, 12, 6, -50.0, -6, Status.achieved),
        ("Zuid", "vernieling"): (1.0, 2.0, 5, 12, 100.0, 7, Status.not_achieved),
        ("Klein", "vernieling"): (0.0, 0.0, 0, 0, None, 0, Status.too_few),
        ("Noord", "woninginbraak"): (2.0, 1.0, 8, 4, -50.0, -4, Status.achieved),
        ("Zuid", "woninginbraak"): (1.5, 1.2, 3, 3, -20.0, 0, Status.achieved),
        ("Klein", "woninginbraak"): (40.0, 80.0, 1, 2, 100.0, 1, Status.too_few),
    }
    for key, (rate0, rate1, count0, count1, change, diff, status) in expected.items():
        ind = figures[key]
        assert ind.values["2017H1"] == pytest.approx(rate0) and ind.values["2019H1"] == pytest.approx(
            rate1
        ), key
        assert (ind.counts["2017H1"], ind.counts["2019H1"], ind.count_change) == (count0, count1, diff), key
        assert (ind.change_pct is None) if change is None else ind.change_pct == pytest.approx(change), key
        assert ind.status is status, key
    # Noord's damage, 12 -> 6 at equal population: 2 x P(X <= 6 | 18, 0.5) = 2 x 31,180 / 262,144
    assert figures["Noord", "vernieling"].p_value == pytest.approx(2 * 31_180 / 2**18)
    klein = {d.district: d for d in result.districts or []}["Klein"]
    assert klein.inhabitants == 60 and klein.has_population


def test_too_few_is_never_not_achieved_and_has_one_note(result: CompareResult) -> None:
    """0 -> 0 and 1 -> 2 in a wijk of 60: one note saying why, none of the small-number notes it
    replaces; the underlying status is too_few as well. The municipality keeps its goal status."""
    figures = _figures(result)
    for key in (("Klein", "vernieling"), ("Klein", "woninginbraak")):
        ind = figures[key]
        codes = [n.code for n in ind.notes]
        assert codes.count("too_few_to_judge") == 1, codes
        assert not {"small_numbers", "zero_baseline", "zero_baseline_no_decrease"} & set(codes)
        assert ind.underlying is not None and ind.underlying.status is Status.too_few
    note = next(n for n in figures["Klein", "woninginbraak"].notes if n.code == "too_few_to_judge")
    assert note.render("en").startswith(
        "first half of 2017 1, first half of 2019 2 registrations: too few to judge"
    )
    own = {i.id: i for i in result.indicators}
    assert own["woninginbraak"].status is Status.achieved  # 12/6,025 = 1.99 -> 9/6,525 = 1.38
    assert Status.too_few not in {i.status for i in result.indicators}
    assert "Klein/vernieling" not in result.unsettled()  # a verdict on the numbers, not missing data


# --- the terminal --------------------------------------------------------------------------------


def _terminal(result: CompareResult, width: int, lang: str = "en") -> str:
    out = io.StringIO()
    render_compare(Console(width=width, file=out, force_terminal=False), result, lang=lang)  # type: ignore[arg-type]
    return out.getvalue().split("Districts of" if lang == "en" else "Wijken van", 1)[1]


def _row(page: str, name: str) -> list[str]:
    return next(line for line in page.splitlines() if line.startswith(f"{name} ")).split()


def test_terminal_matrix_at_80_columns(result: CompareResult) -> None:
    shown = _terminal(result, 80)
    lines = shown.splitlines()
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines), [x for x in lines if len(x) > 80]
    # One page: both indicators beside each other, the municipality's row first.
    header = next(line for line in lines if "vernieling" in line and "woninginbraak" in line)
    rows = [line.split()[0] for line in lines[lines.index(header) + 2 :][:4]]
    assert rows == ["Testdorp", "Klein", "Noord", "Zuid"]
    # rate, n, change, mark per indicator (vernieling, then woninginbraak)
    assert _row(shown, "Noord") == ["Noord", "0.60", "6", "-50%", "✔", "1.0", "4", "-50%", "✔"]
    assert _row(shown, "Zuid") == ["Zuid", "2.0", "12", "+100%", "✘", "1.2", "3", "-20%", "✔"]
    assert _row(shown, "Klein") == ["Klein", "0.00", "0", "0", "○", "80.0", "2", "+1", "○"]
    assert "not achieved" not in "\n".join(line for line in lines if line.startswith("Klein"))
    assert "○ too few registrations to judge" in shown
    assert "vernieling: Vernieling, /1,000 inh., goal: no increase" in shown  # the key under the page
    # The whole compare at 80 columns is short: a few screens, not hundreds of lines.
    assert len(lines) < 30


def test_terminal_pages_at_40_columns_and_in_dutch(result: CompareResult) -> None:
    """Narrower than two groups: one indicator a page, each page headed and keyed; Dutch numbers."""
    shown = _terminal(result, 40, "nl")
    lines = shown.splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert "1 Veilige wijken (1/2)" in shown and "1 Veilige wijken (2/2)" in shown
    second = shown.split("(2/2)")[1]
    assert _row(second, "Zuid") == ["Zuid", "1,2", "3", "-20%", "✔"]
    assert "○ te weinig registraties om te" in shown


def test_the_matrix_lines_fit_any_width(result: CompareResult) -> None:
    matrix = district_matrix(result)
    for width in (60, 80, 100, 132):
        lines = district_lines(matrix, result.themes, width, "en", fancy=True)
        assert max(line.cell_len for line in lines) <= width, width


def test_status_marks_match_the_terminal() -> None:
    assert {s: STATUS_STYLE[s][1] for s in Status} == STATUS_MARKS


# --- workbook, HTML, JSON and CSV -----------------------------------------------------------------


def _export(districts: tuple[Path, Path], *args: str) -> None:
    store, plan = districts
    options = ["--store", str(store), "--plan", str(plan), "--period", "2019H1", "--by", "district"]
    done = runner.invoke(app, [*args, *options, "--force"])
    assert done.exit_code == 0, done.output


def test_workbook_wijken_sheet_is_one_matrix(districts: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    _export(districts, "export", "xlsx", str(out), "--lang", "en")
    ws = openpyxl.load_workbook(out)["Districts"]
    assert ws["C3"].value == "Vernieling (/1,000 inh., goal: no increase)"
    assert ws["G3"].value == "Woninginbraak (/1,000 dwell., goal: decrease)"
    assert [c.value for c in ws[4]][:6] == [
        "District",
        "Inhabitants 2019",
        "Rate",
        "Count 2019H1",
        "Change 2017H1",
        "Status",
    ]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=5, max_row=8)}
    assert list(rows) == ["Testdorp", "Klein", "Noord", "Zuid"]
    noord, zuid, klein = rows["Noord"], rows["Zuid"], rows["Klein"]
    assert [c.value for c in noord[1:6]] == [10_000, pytest.approx(0.6), 6, pytest.approx(-0.5), "✔ achieved"]
    assert noord[4].number_format == "+0%;-0%;0%"  # p = 0.24: no star
    assert zuid[8].value == pytest.approx(-0.2) and zuid[8].number_format == "+0%;-0%;0%"  # 3 -> 3: p = 1
    # Testdorp's burglaries, 12 -> 9 at 6,025 -> 6,525 dwellings: within chance too; no star anywhere
    assert not any('"*"' in str(c.number_format) for r in ws.iter_rows(min_row=5, max_row=8) for c in r)
    # Klein: rates and counts as registered, the change in registrations, never a verdict
    assert [c.value for c in klein[1:10]] == [60, 0, 0, 0, "○ too few", 80, 2, 1, "○ too few"]
    assert klein[8].number_format == "+#,##0;-#,##0;0"
    assert not any("not achieved" in str(c.value) for c in klein)
    assert ws.print_title_cols == "$A:$B"
    texts = [str(c.value) for r in ws.iter_rows(min_row=9) for c in r if c.value]
    assert any(t.startswith("○ too few registrations to judge") for t in texts)


def test_html_district_matrix(districts: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    _export(districts, "report", "html", str(out), "--lang", "en")
    page = out.read_text(encoding="utf-8")
    section = page.split("<section id='districts'>")[1].split("</section>")[0]
    assert section.count("<table class='districts'>") == 1
    rows = {
        re.sub(r"<[^>]+>", " ", m.group(1)).split()[0]: m.group(2)
        for m in re.finditer(r"<tr[^>]*><th scope='row'>(.*?)</th>(.*?)</tr>", section)
    }
    assert list(rows) == ["Testdorp", "Klein", "Noord", "Zuid"]

    def cells(name: str) -> list[str]:
        return [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[name])
        ]

    assert cells("Noord") == ["0.60 ✔ 6 (-6) · -50%", "1.0 ✔ 4 (-4) · -50%"]
    assert cells("Zuid") == ["2.0 ✘ 12 (+7) · +100%", "1.2 ✔ 3 (0) · -20%"]
    assert cells("Klein") == ["0.00 ○ 0 (0)", "80.0 ○ 2 (+1)"]
    assert rows["Klein"].count("class='dm dm-too-few'") == 2 and "not achieved" not in rows["Klein"]
    assert "Inhabitants 2019: 60" in section


def test_json_and_csv_records_carry_count_change_and_too_few(
    districts: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    _export(districts, "export", "json", str(out))
    records = {(r["district"], r["id"]): r for r in json.loads(out.read_text(encoding="utf-8"))["districts"]}
    klein = records["Klein", "woninginbraak"]
    assert (klein["count"], klein["count_change"], klein["status"]) == (2, 1, "too_few")
    assert (records["Zuid", "vernieling"]["count"], records["Zuid", "vernieling"]["count_change"]) == (12, 7)
    assert records["Klein", "vernieling"]["status"] == "too_few"
    store, plan = districts
    args = ["compare", "--store", str(store), "--plan", str(plan), "--period", "2019H1", "--by", "district"]
    done = runner.invoke(app, [*args, "--format", "csv"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    header = lines[0].split(",")
    row = next(
        dict(zip(header, line.split(","), strict=False))
        for line in lines[1:]
        if line.startswith("Klein,vernieling,") and ",2019H1," in line
    )
    assert row["status"] == "too_few" and float(row["count"]) == 0 and float(row["count_change"]) == 0
    assert float(row["value"]) == 0

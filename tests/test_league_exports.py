"""`export xlsx|csv|json --area all` and `report html --area all`: the league in every output format,
against figures computed by hand for three municipalities."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.test_league import PLAN as LEAGUE_PLAN
from tests.test_report_html import CHROMIUM, LOADS
from veilcli import api
from veilcli.analysis.results.league import LeagueResult
from veilcli.cli import app
from veilcli.report.export_league_xlsx import build_league_workbook, indicator_sheet_name
from veilcli.report.export_tables import Provenance
from veilcli.report.html_league import CHART_LIMIT, render_league_html
from veilcli.report.league_tables import LeagueTables

runner = CliRunner()

PLAN = (
    LEAGUE_PLAN
    + """
[[indicators]]
id = "vernieling"
theme = 1
label = "Vernieling"
categories = ["2.2.1"]
unit = "count"
goal = "decrease"
"""
)

# By hand (counts / inhabitants x 1,000):
#   fiets       Almere   600 / 200,000 = 3.000 -> 540 / 210,000 = 2.571 (-14.3%, achieved)    rank 2
#               Lelystad 100 /  77,000 = 1.299 -> 120 /  78,000 = 1.538 (+18.5%, not achieved) rank 1
#               Zeewolde no 2017                ->  10 /  23,000 = 0.435 (no data)          unranked
#   totaal      Almere   25.0 -> 24.76, Lelystad 19.48 -> 17.95 (monitor); Zeewolde no 2017
#   vernieling  counts: Almere 40 -> 30 (-25%, achieved), Lelystad 30 -> 30 (0%, not achieved),
#               Zeewolde 5 -> 8 (+60%, not achieved); ranks on 2019H1: Zeewolde 1, Almere and
#               Lelystad share rank 2 (equal values share the lowest rank)
FIETS = {
    "Lelystad": (1, 100 / 77, 120 / 78, (120 / 78 / (100 / 77) - 1) * 100, "not_achieved"),
    "Almere": (2, 3.0, 540 / 210, (540 / 210 / 3.0 - 1) * 100, "achieved"),
    "Zeewolde": (None, None, 10 / 23, None, "no_data"),
}
ORDER = ["Lelystad", "Almere", "Zeewolde"]  # by the rank on fiets (--sort fiets), unranked last


@pytest.fixture
def national(tmp_path: Path) -> tuple[api.Store, Path]:
    """Police counts and population for Almere, Lelystad and Zeewolde (Zeewolde lacks 2017H1 for
    bicycles and the total)."""
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n"
        "2017H1;GM0034;1.2.3;600\n2019H1;GM0034;1.2.3;540\n2017H1;GM0034;0.0.0;5000\n2019H1;GM0034;0.0.0;5200\n"
        "2017H1;GM0034;2.2.1;40\n2019H1;GM0034;2.2.1;30\n"
        "2017H1;GM0995;1.2.3;100\n2019H1;GM0995;1.2.3;120\n2017H1;GM0995;0.0.0;1500\n2019H1;GM0995;0.0.0;1400\n"
        "2017H1;GM0995;2.2.1;30\n2019H1;GM0995;2.2.1;30\n"
        "2019H1;GM0050;1.2.3;10\n2019H1;GM0050;0.0.0;200\n2017H1;GM0050;2.2.1;5\n2019H1;GM0050;2.2.1;8\n",
        encoding="utf-8",
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2017;GM0034;200.000\n2019;GM0034;210.000\n2017;GM0995;77.000\n2019;GM0995;78.000\n"
        "2017;GM0050;22.000\n2019;GM0050;23.000\n",
        encoding="utf-8",
    )
    store = api.Store(tmp_path / "store")
    assert api.ingest([counts, population], store).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    return store, plan


def _options(plan: Path) -> dict[str, object]:
    return {"area": "all", "period": "2019H1", "plan_path": plan, "sort": "fiets"}


def _cli(store: api.Store, plan: Path, *args: str) -> list[str]:
    return [*args, "--area", "all", "--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]


def _table(ws: openpyxl.worksheet.worksheet.Worksheet, first: str) -> tuple[int, list[list[object]]]:
    """The header row (the row whose first cell is ``first``) and the rows under it, as values."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=header + 1, max_row=ws.max_row)]
    return header, rows


def test_the_workbook_has_a_sheet_per_indicator_with_ranks_values_change_and_status(
    national: tuple[api.Store, Path], tmp_path: Path
) -> None:
    store, plan = national
    out = tmp_path / "league.xlsx"
    assert api.export(store, api.ExportFormat.xlsx, out, **_options(plan)) == [out]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Overzicht", "Fietsdiefstal", "Totaal", "Vernieling", "Bronnen"]
    ws = wb["Fietsdiefstal"]
    assert ws["A1"].value == "Fietsdiefstal (per 1.000 inwoners)"
    header, rows = _table(ws, "Rang")
    assert [c.value for c in ws[header]] == [
        "Rang",
        "Gebied",
        "2017",  # the years, under "eerste helft 2019 ten opzichte van 2017" (as the seed's tables)
        "2019",
        "Verandering t.o.v. 2017",
        "Status",
    ]
    assert ws.cell(header - 1, 3).value == "Geregistreerd, per 1.000 inwoners"  # the unit over the values
    assert [r[1] for r in rows] == ORDER
    for row in rows:
        rank, base, value, change, _ = FIETS[str(row[1])]
        assert row[0] == rank and row[2] == pytest.approx(base) and row[3] == pytest.approx(value)
        assert row[4] == (None if change is None else pytest.approx(change / 100))  # a % format
    assert [r[5] for r in rows] == ["niet behaald", "behaald", "geen gegevens"]
    lelystad, zeewolde = header + 1, header + 3
    assert ws.cell(lelystad, 3).number_format == "0.0" and ws.cell(lelystad, 5).number_format == "+0%;-0%;0%"
    assert ws.cell(zeewolde, 4).number_format == "0.00"  # 0.43: two decimals below 1
    assert ws.cell(lelystad, 6).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(header + 2, 6).fill.fgColor.rgb.endswith("C6EFCE")
    texts = " ".join(str(c.value) for row in ws.iter_rows(max_row=header) for c in row if c.value)
    for said in (
        "Alle 3 gemeenten, eerste helft 2019 ten opzichte van 2017",
        "Geregistreerde cijfers",
        "veilcli compare --area NAAM",
        "Rang 1 = de laagste waarde in 2019",
        "onvolledig of geen gegevens krijgen geen rang",
        "Doel: niet laten stijgen",
        "2 van de 3 gebieden gerangschikt",
        "volgorde van hun rang op Fietsdiefstal",
    ):
        assert said in texts, said
    # a count: whole numbers; equal values share the lowest rank
    count_header, counts = _table(wb["Vernieling"], "Rang")
    assert [(r[0], r[1], r[3]) for r in counts] == [
        (2, "Lelystad", 30),
        (2, "Almere", 30),
        (1, "Zeewolde", 8),
    ]
    assert wb["Vernieling"].cell(count_header + 1, 4).number_format == "#,##0"
    assert [r[5] for r in counts] == ["niet behaald", "behaald", "niet behaald"]


def test_the_overview_shows_every_rank_coloured_by_status(
    national: tuple[api.Store, Path], tmp_path: Path
) -> None:
    store, plan = national
    out = tmp_path / "league.xlsx"
    api.export(store, api.ExportFormat.xlsx, out, **_options(plan))
    ws = openpyxl.load_workbook(out)["Overzicht"]
    header, rows = _table(ws, "Gebied")
    assert [c.value for c in ws[header]] == ["Gebied", "Fietsdiefstal", "Totaal", "Vernieling"]
    assert rows == [["Lelystad", 1, 1, 2], ["Almere", 2, 2, 2], ["Zeewolde", None, None, 1]]
    fills = [ws.cell(header + 1, c).fill.fgColor.rgb[-6:] for c in (2, 3, 4)]
    assert fills == ["FFC7CE", "D9D9D9", "FFC7CE"]  # not achieved, monitor, not achieved
    assert ws.cell(header + 3, 2).fill.fgColor.rgb.endswith("EDEDED")  # no data: grey, no rank
    assert ws.freeze_panes == f"B{header + 1}" and ws.auto_filter.ref == f"A{header}:D{header + 3}"
    legend = [ws.cell(r, 1).value for r in range(1, header)]
    assert "Legenda status" in legend and "geen gegevens" in legend and "onvolledig" in legend


def test_every_sheet_prints_as_the_comparison_workbook_does(
    national: tuple[api.Store, Path], tmp_path: Path
) -> None:
    store, plan = national
    out = tmp_path / "league.xlsx"
    api.export(store, api.ExportFormat.xlsx, out, **_options(plan))
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows and ws.print_area
        assert ws.oddHeader.left.text == "Landelijk"
        assert ws.oddHeader.right.text == "3 gebieden, eerste helft 2019 t.o.v. 2017"
        assert ws.oddFooter.left.text == "&A" and ws.oddFooter.right.text == "Pagina &P van &N"
    fiets = wb["Fietsdiefstal"]
    header, _ = _table(fiets, "Rang")
    assert fiets.print_title_rows == f"${header - 1}:${header}"  # the unit heading and the headers
    assert fiets.freeze_panes == f"C{header + 1}"


def test_english_words_in_the_workbook(national: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = national
    out = tmp_path / "league.xlsx"
    api.export(store, api.ExportFormat.xlsx, out, lang="en", **_options(plan))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Overview" and wb.sheetnames[-1] == "Sources"
    header, rows = _table(wb["Fietsdiefstal"], "Rank")
    assert [c.value for c in wb["Fietsdiefstal"][header]][4:] == ["Change vs 2017", "Status"]
    assert [r[5] for r in rows] == ["not achieved", "achieved", "no data"]
    assert wb["Fietsdiefstal"].oddFooter.right.text == "Page &P of &N"


def _hostile(tables: LeagueTables) -> LeagueTables:
    """The league with formula-like and markup names for the plan, an indicator and an area."""
    result = tables.result
    evil_area = '=HYPERLINK("http://x","<script>y</script>")'
    fiets = result.indicators[0]
    rows = [r.model_copy(update={"area": evil_area}) if r.area == "Almere" else r for r in fiets.rows]
    indicators = [
        fiets.model_copy(update={"label": "@SUM(A1) & <b>", "rows": rows}),
        *result.indicators[1:],
    ]
    other_rows = {
        i.id: [r.model_copy(update={"area": evil_area}) if r.area == "Almere" else r for r in i.rows]
        for i in indicators[1:]
    }
    indicators = [indicators[0], *(i.model_copy(update={"rows": other_rows[i.id]}) for i in indicators[1:])]
    areas = [evil_area if a == "Almere" else a for a in result.areas]
    hostile = result.model_copy(
        update={"plan": "=cmd|' /C calc'!A0 & co", "indicators": indicators, "areas": areas}
    )
    return LeagueTables(hostile, tables.sources_used, tables.provenance, tables.lang)


def test_formula_like_names_stay_text(national: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = national
    tables = _hostile(api.league_tables(store, period="2019H1", plan_path=plan, sort="fiets"))
    wb = build_league_workbook(tables)
    out = tmp_path / "evil.xlsx"
    wb.save(out)
    parts = zipfile.ZipFile(out)
    for name in parts.namelist():
        if name.startswith("xl/worksheets/sheet"):
            assert "<f>" not in parts.read(name).decode(), name  # no formula anywhere
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[1] == "SUM(A1) & <b>"  # no leading formula character in a sheet name
    ws = wb.worksheets[1]
    evil = [
        c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYP")
    ]
    assert evil and all(c.data_type == "s" and c.quotePrefix for c in evil)
    title = next(c for c in ws["A"] if c.value == "@SUM(A1) & <b> (per 1.000 inwoners)")
    assert title.data_type == "s" and title.quotePrefix
    assert ws.oddHeader.left.text == "=cmd|' /C calc'!A0 && co"  # '&' starts a code in a header


def test_sheet_names_of_long_labels_drop_the_parentheses() -> None:
    long = "Auto-inbraak (diefstal uit/vanaf motorvoertuigen)"
    assert indicator_sheet_name(long, []) == "Auto-inbraak"
    assert indicator_sheet_name("Jeugdoverlast (meldingen)", []) == "Jeugdoverlast (meldingen)"
    assert indicator_sheet_name("Totaal", ["Totaal"]) == "Totaal (2)"


def test_json_and_csv_carry_keys_and_codes(national: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = national
    documents, csvs = {}, {}
    for lang in ("nl", "en"):
        out = tmp_path / f"{lang}.json"
        api.export(store, api.ExportFormat.json, out, lang=lang, **_options(plan))
        documents[lang] = json.loads(out.read_text(encoding="utf-8"))
        folder = tmp_path / f"csv-{lang}"
        written = api.export(store, api.ExportFormat.csv, folder, lang=lang, **_options(plan))
        assert sorted(p.name for p in written) == ["league.csv", "sources.csv"]
        csvs[lang] = (folder / "league.csv").read_text(encoding="utf-8")
    document = documents["nl"]
    assert list(document) == ["meta", "league", "sources"]
    meta = document["meta"]
    assert meta["selection"] == "all" and meta["areas"] == ORDER and meta["sort"] == "fiets"
    assert (meta["period"], meta["baseline"], meta["periods"]) == ("2019H1", "2017H1", ["2017H1", "2019H1"])
    assert meta["normalisation"] == {"samenloop": False, "internet": False}
    assert meta["plan"]["name"] == "Landelijk" and meta["plan"]["file"] == str(plan)
    assert len(meta["plan"]["sha256"]) == 64 and len(meta["rules"]["sha256"]) == 64
    assert {s["sha256"] for s in meta["sources"]} == {s.sha256 for s in store.sources()}
    league = document["league"]
    assert len(league) == 3 * 3 and list(league[0]) == [
        "id",
        "label",
        "unit",
        "goal",
        "rank",
        "area",
        "baseline_value",
        "value",
        "change_pct",
        "status",
    ]
    fiets = [r for r in league if r["id"] == "fiets"]
    assert [r["area"] for r in fiets] == ORDER
    for row in fiets:
        rank, base, value, change, status = FIETS[row["area"]]
        assert (row["rank"], row["status"], row["unit"], row["goal"]) == (
            rank,
            status,
            "per_1000_inhabitants",
            "no_increase",
        )
        assert row["value"] == pytest.approx(value) and row["change_pct"] == (
            None if change is None else pytest.approx(change)  # in %, as compare reports it
        )
        assert row["baseline_value"] == (None if base is None else pytest.approx(base))
    # the same document whatever the language, but for when it was made
    for doc in documents.values():
        doc["meta"].pop("generated_at")
        doc["sources"] = [r for r in doc["sources"] if r["item"] != "generated"]
    assert documents["nl"] == documents["en"]
    assert csvs["nl"] == csvs["en"]
    lines = csvs["nl"].splitlines()
    assert (
        lines[0] == '"id","label","unit","goal","rank","area","baseline_value","value","change_pct","status"'
    )
    assert lines[1].startswith('"fiets","Fietsdiefstal","per_1000_inhabitants","no_increase",1,"Lelystad",')
    assert lines[3].endswith('"Zeewolde",,0.4347826086956522,,"no_data"')  # no 2017H1: empty
    assert "niet behaald" not in csvs["nl"]


def test_the_api_writes_what_the_cli_writes(national: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = national
    by_cli, by_api = tmp_path / "cli.json", tmp_path / "api.json"
    result = runner.invoke(app, _cli(store, plan, "export", "json", str(by_cli), "--sort", "fiets"))
    assert result.exit_code == 0, result.output
    api.export(store, api.ExportFormat.json, by_api, **_options(plan))
    cli, library = (json.loads(p.read_text(encoding="utf-8")) for p in (by_cli, by_api))
    for doc in (cli, library):  # provenance differs only in the time and the command line
        doc["meta"].pop("generated_at")
        doc["sources"] = [r for r in doc["sources"] if r["item"] not in ("generated", "command")]
    assert cli == library
    # the league rows are compare --area all's, key for key
    compared = runner.invoke(app, [*_cli(store, plan, "compare", "--sort", "fiets"), "-f", "json"])
    rows = json.loads(compared.stdout)["indicators"]
    assert [{"id": i["id"], **r} for i in rows for r in i["rows"]] == [
        {k: r[k] for k in ("id", "area", "baseline_value", "value", "change_pct", "status", "rank")}
        for r in cli["league"]
    ]


def _section(html: str, indicator: str) -> str:
    start = html.index(f"id='league-{indicator}'")
    return html[start : html.index("</section>", start)]


def test_the_html_page_lists_the_areas_in_rank_order_and_loads_nothing(
    national: tuple[api.Store, Path], tmp_path: Path
) -> None:
    store, plan = national
    out = tmp_path / "league.html"
    assert api.report_html(store, out, **_options(plan)) == out
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<html lang='nl'>" in html
    assert not LOADS.search(html), LOADS.search(html)
    assert "<script" not in html and "http:" not in html and "https:" not in html
    fiets = _section(html, "fiets")
    positions = [fiets.index(f"<tr data-area='{area}'") for area in ORDER]
    assert positions == sorted(positions)
    lelystad = fiets[positions[0] : positions[1]]
    assert ">1</td>" in lelystad and ">1,3</td>" in lelystad and ">1,5</td>" in lelystad
    assert ">+18%</td>" in lelystad and "niet behaald" in lelystad
    assert ">0,43</td>" in fiets and "geen gegevens" in fiets
    # the chart: the ranked areas, rank 1 first, each value in the table's style; no unranked area
    assert "id='chart-fiets-title'" in fiets
    chart = fiets[fiets.index("<svg") : fiets.index("</svg>")]
    assert chart.index("1. Lelystad") < chart.index("2. Almere") and "Zeewolde" not in chart
    assert ">2,6</text>" in chart and chart.count("<rect") == 2 + 1  # two bars and a legend key
    for said in (
        "Rang 1 = de laagste waarde",
        "geen rang",
        "Geregistreerde cijfers",
        "rang op Fietsdiefstal",
    ):
        assert said in html, said
    for source in store.sources():
        assert source.sha256 in html
    ranks = html[html.index("id='ranks'") : html.index("</section>", html.index("id='ranks'"))]
    assert "<td class='rank not-achieved' title='niet behaald'>1</td>" in ranks
    assert runner.invoke(app, _cli(store, plan, "report", "html", str(out))).exit_code == 2  # no --force
    english = runner.invoke(app, _cli(store, plan, "report", "html", str(out), "--force", "--lang", "en"))
    assert english.exit_code == 0, english.output
    assert "not achieved" in out.read_text(encoding="utf-8")


def test_the_html_page_escapes_names_and_leaves_the_chart_out_for_many_areas(
    national: tuple[api.Store, Path],
) -> None:
    store, plan = national
    tables = _hostile(api.league_tables(store, period="2019H1", plan_path=plan, sort="fiets"))
    html = render_league_html(tables)
    assert "<script>y" not in html and "<b>" not in html
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;&lt;script&gt;y&lt;/script&gt;&quot;)" in html
    assert "@SUM(A1) &amp; &lt;b&gt;" in html
    result = tables.result
    many = [f"Gebied {n}" for n in range(CHART_LIMIT + 1)]
    big = result.model_copy(update={"areas": many})
    html = render_league_html(LeagueTables(big, [], tables.provenance, "nl"))
    assert "<svg" not in html and f"{CHART_LIMIT + 1} gebieden: te veel voor een leesbare grafiek" in html


def test_a_group_is_a_league_of_its_members(national: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = national
    out = tmp_path / "g10.json"
    api.export(store, api.ExportFormat.json, out, area="g10", period="2019H1", plan_path=plan)
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert meta["selection"] == "g10" and len(meta["areas"]) == 10 and "Almere" in meta["areas"]
    assert meta["sort"] is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--by", "district"], "--by district is for one area"),
        (["--theme", "1"], "--theme is for one area"),
        (["--sort", "nope"], "--sort 'nope' is not an indicator of the plan"),
    ],
)
def test_options_that_do_not_fit_a_league_are_one_message(
    national: tuple[api.Store, Path], tmp_path: Path, extra: list[str], message: str
) -> None:
    store, plan = national
    out = tmp_path / "x.xlsx"
    result = runner.invoke(app, [*_cli(store, plan, "export", "xlsx", str(out)), *extra])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_sort_without_a_league_is_refused(national: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = national
    args = ["export", "json", str(tmp_path / "x.json"), "--area", "Almere", "--sort", "fiets"]
    result = runner.invoke(app, [*args, "--plan", str(plan), "--store", str(store.root)])
    assert result.exit_code == 2 and "--sort orders the areas of a league" in result.output


def test_league_tables_need_no_store_to_render() -> None:
    """The writers take any ``LeagueResult``: an empty league renders (no rows, no chart)."""
    empty = LeagueResult(
        plan="p", period="2019H1", baseline="2017H1", selection="all", areas=[], sort=None, indicators=[]
    )
    tables = LeagueTables(empty, [], Provenance("p", "p.toml", "0" * 64, "r.toml", "1" * 64), "en")
    assert "League table" in render_league_html(tables)
    assert build_league_workbook(tables).sheetnames == ["Overview", "Sources"]


def test_an_indicator_no_area_has_figures_for_is_a_sentence_not_a_table(
    national: tuple[api.Store, Path],
) -> None:
    store, plan = national
    tables = api.league_tables(store, period="2019H1", plan_path=plan, lang="en")
    fiets = tables.result.indicators[0]
    empty = [r.model_copy(update={"value": None, "baseline_value": None, "rank": None}) for r in fiets.rows]
    result = tables.result.model_copy(
        update={"indicators": [fiets.model_copy(update={"rows": empty}), *tables.result.indicators[1:]]}
    )
    tables = LeagueTables(result, tables.sources_used, tables.provenance, "en")
    said = (
        "No area has a figure for this indicator in first half of 2017 or first half of 2019: there is "
        "nothing to rank."
    )
    section = _section(render_league_html(tables), "fiets")
    assert said in section and "<table" not in section and "<tr data-area" not in section
    ws = build_league_workbook(tables)["Fietsdiefstal"]
    assert said in str(ws["A2"].value) and ws.max_row == 2  # no table of dashes
    assert "<tr data-area='Almere' class='own'>" in _section(render_league_html(tables), "totaal")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_the_league_workbook(national: tuple[api.Store, Path], tmp_path: Path) -> None:
    """Every printed page has the plan and the selection in its header and 'Pagina n van m'."""
    store, plan = national
    out = tmp_path / "league.xlsx"
    api.export(store, api.ExportFormat.xlsx, out, **_options(plan))
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True,
        timeout=180,
    )
    assert done.returncode == 0 and (tmp_path / "league.pdf").stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / "league.pdf"), "-"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        pages = [page for page in text.split("\f") if page.strip()]
        assert len(pages) == 5  # overview, three indicators, sources: each fits one page
        for number, page in enumerate(pages, start=1):
            assert "Landelijk" in page and "3 gebieden, eerste helft 2019 t.o.v. 2017" in page
            assert f"Pagina {number} van {len(pages)}" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_the_league_page_renders_in_headless_chromium(
    national: tuple[api.Store, Path], tmp_path: Path
) -> None:
    """With the network cut off: no console messages, every indicator's section and chart in the DOM."""
    store, plan = national
    out = api.report_html(store, tmp_path / "league.html", **_options(plan))
    assert CHROMIUM is not None
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            out.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert not [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    for indicator in ("fiets", "totaal", "vernieling"):
        assert f'id="league-{indicator}"' in dom.stdout and f'id="chart-{indicator}-title"' in dom.stdout

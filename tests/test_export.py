"""`veilcli export`: the workbook re-opened cell by cell, safe text, atomic writes, CSV/JSON twins."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from tests.conftest import PLAN
from veilcli.analysis.goals import Status
from veilcli.api import compare
from veilcli.cli import app
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit
from veilcli.errors import InputError
from veilcli.report import exports
from veilcli.report.export_tables import ExportTables
from veilcli.report.export_xlsx import (
    PRINT_HEIGHT,
    TEXT_WIDTH,
    build_workbook,
    fit_columns,
    sheet_title,
    write_table,
)
from veilcli.report.exports import ExportFormat
from veilcli.report.table import Column, ColumnKind, Table
from veilcli.store.store import Store

runner = CliRunner()
PERIODS = ("2017H1", "2018H1", "2019H1")


def export(store: Store, plan: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    args = ["export", "xlsx", str(out), "--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    return runner.invoke(app, [*args, *extra])


def test_workbook_values_formats_fills_and_charts(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, plan = plan_store
    out = tmp_path / "rapport.xlsx"
    result = export(store, plan, out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Overzicht", "Thema 1", "Thema 3", "Normalisatie", "Bronnen"]
    ws = wb["Overzicht"]
    header = [c.value for c in ws[5]]  # under a row of group headings ("Geregistreerd", ...)
    assert header[:4] == ["Thema", "Indicator", "Eenheid", "Doel"]
    assert header[4:7] == ["eerste helft 2017", "eerste helft 2018", "eerste helft 2019"]  # words, not codes
    # the id (for scripts) first of the details, right of the print area (tests/test_print_layout.py)
    id_column = header.index("Id") + 1
    assert ws.print_area.endswith(f":${get_column_letter(id_column - 1)}${ws.max_row}")
    groups = [c.value for c in ws[4]]
    assert groups[4] == "Geregistreerd" and "Onderliggend (na correcties)" in groups
    rows = {ws.cell(r, id_column).value: r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value}
    vernieling = rows["vernieling"]
    # 20 / 10,000 and 30 / 12,000 inhabitants x 1,000: 2.0 and 2.5, stored as numbers, 1 decimal
    assert (
        ws.cell(vernieling, 5).value == pytest.approx(2.0) and ws.cell(vernieling, 5).number_format == "0.0"
    )
    assert ws.cell(vernieling, 7).value == pytest.approx(2.5)
    assert ws.cell(vernieling, 6).value is None  # no 2018H1 data: empty, not 0
    change = ws.cell(vernieling, header.index("Verandering t.o.v. eerste helft 2017") + 1)
    assert change.value == pytest.approx(0.25) and change.number_format == "+0%;-0%;0%"
    status = ws.cell(vernieling, header.index("Status") + 1)
    assert status.value == "niet behaald" and status.fill.fgColor.rgb.endswith("FFC7CE")
    fiets_status = ws.cell(rows["fiets"], header.index("Status") + 1)
    assert fiets_status.value == "behaald" and fiets_status.fill.fgColor.rgb.endswith("C6EFCE")
    assert ws.freeze_panes == "C6" and ws.auto_filter.ref.startswith("A5:")
    # notes under the table, in the workbook's language
    texts = [c.value for row in ws.iter_rows(min_row=vernieling + 1) for c in row if isinstance(c.value, str)]
    assert "Opmerkingen" in texts and any("vergelijking AB: geen opgeslagen gegevens" in t for t in texts)
    # one native chart per indicator of theme 1 (inbraak, fiets, vernieling, overlast)
    theme = wb["Thema 1"]
    assert len(theme._charts) == 4
    first = theme._charts[0]
    refs = [s.val.numRef.f for s in first.series]
    assert len(refs) == 3 and refs[0].startswith("'Thema 1'!$E$")  # a series per period, under its column
    normalisation = wb["Normalisatie"]
    assert [c.value for c in normalisation[1]][:5] == [
        "Indicator",
        "Id",
        "Periode",
        "Dekking periode",
        "Geregistreerd",
    ]
    sources = [r[0] for r in wb["Bronnen"].iter_rows(min_row=2, values_only=True)]
    assert (
        sources.count("Bestand") == 5 and "Plan" in sources and "Opdracht" in sources
    )  # reg 2017, 2019, pop, counts, suspects


def test_english_labels(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, plan = plan_store
    out = tmp_path / "report.xlsx"
    assert export(store, plan, out, "--lang", "en").exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Overview" and wb["Overview"]["A5"].value == "Theme"
    texts = [c.value for row in wb["Overview"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Notes" in texts and any(t.startswith("benchmark AB: no stored data") for t in texts)
    assert any(t.startswith("p-values: two-sided exact test") for t in texts)


def test_formula_like_text_stays_text(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = plan_store
    plan = tmp_path / "evil.toml"
    plan.write_text(
        PLAN.replace('label = "Inbraak"', 'label = "=HYPERLINK(\\"http://x\\",\\"klik\\")"'), encoding="utf-8"
    )
    out = tmp_path / "evil.xlsx"
    assert export(store, plan, out).exit_code == 0
    ws = openpyxl.load_workbook(out)["Overzicht"]
    cell = next(c for c in ws["B"] if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # a string, never a formula
    assert "<f>" not in _sheet_xml(out, 1)


def _sheet_xml(path: Path, index: int) -> str:
    import zipfile

    return zipfile.ZipFile(path).read(f"xl/worksheets/sheet{index}.xml").decode()


def test_overwrite_refused_without_force(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, plan = plan_store
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"keep me")
    result = export(store, plan, out)
    assert result.exit_code == 2 and "pass --force" in result.output
    assert out.read_bytes() == b"keep me"
    assert export(store, plan, out, "--force").exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Overzicht"


def test_failure_mid_export_leaves_no_file(
    plan_store: tuple[Store, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, plan = plan_store
    tables = ExportTables(compare(store, period="2019H1", plan_path=plan), store.sources(), {})

    def half_written(self, filename):  # type: ignore[no-untyped-def]
        Path(filename).write_bytes(b"PK half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", half_written)
    out = tmp_path / "r.xlsx"
    with pytest.raises(InputError, match=r"cannot write .*r\.xlsx: disk full"):  # one message naming the file
        exports.write_xlsx(tables, out)
    assert list(tmp_path.glob("*.xlsx*")) == [] and not out.exists()


def test_csv_and_json_carry_the_same_tables(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, plan = plan_store
    common = ["--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    assert runner.invoke(app, ["export", "csv", str(tmp_path / "csv"), *common]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "normalisation.csv",
        "overview.csv",
        "sources.csv",
    ]
    assert runner.invoke(app, ["export", "json", str(tmp_path / "r.json"), *common]).exit_code == 0
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert list(document) == ["meta", "overview", "normalisation", "sources"]
    vernieling = next(r for r in document["overview"] if r["id"] == "vernieling")
    assert vernieling["value_2019H1"] == pytest.approx(2.5) and vernieling["status"] == "not_achieved"
    assert vernieling["unit"] == "per_1000_inhabitants" and vernieling["goal"] == "no_increase"
    assert vernieling["significant"] is False
    no_data = {"code": "benchmark_no_data", "params": {"benchmark": ["AB"], "areas": "A, B"}}
    assert no_data in vernieling["notes"]
    overview_csv = (tmp_path / "csv" / "overview.csv").read_text(encoding="utf-8")
    header = overview_csv.splitlines()[0].replace('"', "").split(",")
    assert header[:5] == ["theme", "label", "id", "unit", "goal"]
    assert header[5:9] == [*[f"value_{p}" for p in PERIODS], "change_pct"]
    assert "not_achieved" in overview_csv and "niet behaald" not in overview_csv
    assert runner.invoke(app, ["export", "json", str(tmp_path / "r.json"), *common]).exit_code == 2


def _without_time(document: dict) -> dict:  # type: ignore[type-arg]
    """A JSON export without what differs between two runs: the time it was made and the command."""
    document["meta"].pop("generated_at")
    document["sources"] = [r for r in document["sources"] if r["item"] not in ("generated", "command")]
    return document


def test_export_keys_and_values_do_not_depend_on_the_language(
    plan_store: tuple[Store, Path], tmp_path: Path
) -> None:
    """Scripts read `export json` and `export csv` by keys and codes: --lang changes neither."""
    store, plan = plan_store
    common = ["--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    documents, csvs = {}, {}
    for lang in ("nl", "en"):
        out = tmp_path / f"{lang}.json"
        assert runner.invoke(app, ["export", "json", str(out), *common, "--lang", lang]).exit_code == 0
        documents[lang] = json.loads(out.read_text(encoding="utf-8"))
        folder = tmp_path / f"csv-{lang}"
        assert runner.invoke(app, ["export", "csv", str(folder), *common, "--lang", lang]).exit_code == 0
        csvs[lang] = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    nl, en = documents["nl"], documents["en"]
    assert list(nl) == list(en)
    for table in nl:
        if isinstance(nl[table], list):
            assert [list(r) for r in nl[table]] == [list(r) for r in en[table]], table
    assert _without_time(nl) == _without_time(en)
    assert csvs["nl"].keys() == csvs["en"].keys()
    for name in ("overview.csv", "normalisation.csv"):
        assert csvs["nl"][name] == csvs["en"][name], name
    assert csvs["nl"]["sources.csv"].splitlines()[0] == csvs["en"]["sources.csv"].splitlines()[0]


def test_every_json_export_carries_meta(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    from veilcli import __version__

    store, plan = plan_store
    out = tmp_path / "r.json"
    common = ["--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    assert runner.invoke(app, ["export", "json", str(out), *common]).exit_code == 0
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert meta["veilcli_version"] == __version__
    assert dt.datetime.fromisoformat(meta["generated_at"]).tzinfo is not None
    assert len(meta["plan"]["sha256"]) == 64 and len(meta["rules"]["sha256"]) == 64
    assert meta["plan"]["file"] == str(plan)
    stored = {s.sha256 for s in store.sources()}
    assert {s["sha256"] for s in meta["sources"]} == stored and len(meta["sources"]) == 5
    assert meta["periods"] == ["2017H1", "2018H1", "2019H1"] and meta["baseline"] == "2017H1"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_workbook(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    store, plan = plan_store
    out = tmp_path / "r.xlsx"
    assert export(store, plan, out).exit_code == 0
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True,
        timeout=180,
    )
    assert done.returncode == 0 and (tmp_path / "r.pdf").stat().st_size > 10_000
    if shutil.which("pdftotext"):  # every page has the header (plan) and the footer (page n of m)
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, timeout=60
        ).stdout
        pages = [page for page in text.split("\f") if page.strip()]
        assert len(pages) >= 5  # overview, two themes, normalisation, sources
        for number, page in enumerate(pages, start=1):
            assert "Testplan" in page and f"Pagina {number} van {len(pages)}" in page, page[:200]


def test_by_district_rates_where_population_counts_otherwise(tmp_path: Path) -> None:
    """Districts: rates where the store has district population, counts alone where not (and said so)."""
    # one extract per year, each over its whole first half-year (2 January .. 28 June)
    for year, per_wijk in (("2017", {"Noord": 4, "Zuid": 3}), ("2019", {"Noord": 2, "Zuid": 5})):
        rows = ["Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijk"]
        for wijk, count in per_wijk.items():
            for n in range(count):
                rows.append(f"R{year}{wijk}{n};{year}-{'01-02' if n % 2 else '06-28'};2.2.1;Testdorp;{wijk}")
        (tmp_path / f"reg{year}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "pop.csv").write_text(
        "Jaar;Gebied;Inwoners\n2017;Testdorp;10.000\n2019;Testdorp;10.000\n2017;Noord;2.000\n2019;Noord;4.000\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    from veilcli.sources.pipeline import ReadOptions
    from veilcli.store.ingest import ingest_paths

    files = [tmp_path / "reg2017.csv", tmp_path / "reg2019.csv", tmp_path / "pop.csv"]
    assert ingest_paths(files, store, ReadOptions()).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'name = "p"\narea = "Testdorp"\nbaseline = 2017\n[[indicators]]\nid = "vernieling"\ntheme = 1\n'
        'label = "Vernieling"\ncategories = ["2.2.1"]\nunit = "per_1000_inhabitants"\ngoal = "no_increase"\n',
        encoding="utf-8",
    )
    result = compare(store, period="2019H1", plan_path=plan, by="district")
    districts = {d.district: d for d in result.districts or []}
    north, south = districts["Noord"], districts["Zuid"]
    # Noord: 4 / 2,000 x 1,000 = 2.0 -> 2 / 4,000 x 1,000 = 0.5: -75%
    assert north.has_population and north.indicators[0].values == {
        "2017H1": 2.0,
        "2018H1": None,
        "2019H1": 0.5,
    }
    assert north.indicators[0].change_pct == pytest.approx(-75.0)
    # Zuid: no population: the counts 3 and 5 alone, no rate, said so
    assert not south.has_population and south.indicators[0].counts == {
        "2017H1": 3,
        "2018H1": None,
        "2019H1": 5,
    }
    assert any(n.code == "district_no_population" for n in south.indicators[0].notes)
    out = tmp_path / "w.xlsx"
    args = ["export", "xlsx", str(out), "--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    assert runner.invoke(app, [*args, "--by", "district"]).exit_code == 0
    wijken = openpyxl.load_workbook(out)["Wijken"]
    # the district matrix: wijk, inhabitants, then the indicator's rate, count, change, status
    table = {r[0]: r[1:6] for r in wijken.iter_rows(min_row=5, values_only=True) if r[0] in ("Noord", "Zuid")}
    assert table["Noord"][:3] == (4000, 0.5, 2) and table["Zuid"][:3] == (None, None, 5)
    zuid = next(r for r in wijken.iter_rows(min_row=2) if r[0].value == "Zuid")
    assert zuid[3].number_format == "#,##0"  # counts whole: "5", not "5.0"


def test_csv_and_json_changes_are_percent_like_compare(
    plan_store: tuple[Store, Path], tmp_path: Path
) -> None:
    store, plan = plan_store
    common = ["--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    assert runner.invoke(app, ["export", "json", str(tmp_path / "r.json"), *common]).exit_code == 0
    row = next(
        r for r in json.loads((tmp_path / "r.json").read_text())["overview"] if r["id"] == "vernieling"
    )
    assert row["change_pct"] == pytest.approx(25.0)  # %, as compare's change_pct


def test_export_tables_are_typed_with_keys_that_do_not_depend_on_the_language(
    plan_store: tuple[Store, Path],
) -> None:
    store, plan = plan_store
    result = compare(store, period="2019H1", plan_path=plan)
    dutch, english = (ExportTables(result, store.sources(), {}, lang) for lang in ("nl", "en"))
    overview = dutch.overview()
    keys = [c.key for c in overview.columns]
    assert keys[:5] == ["theme", "label", "id", "unit", "goal"]
    assert keys[5:8] == ["value_2017H1", "value_2018H1", "value_2019H1"]
    assert keys[8:] == [
        "change_pct",
        "status",
        "p_value",
        "significant",
        "count",
        "count_change",
        "previous_change_pct",
        "previous_count_change",
        "previous_p_value",
        "underlying_change_pct",
        "underlying_change_low_pct",
        "underlying_change_high_pct",
        "underlying_status",
        "benchmark_change_pct:AB",
        "benchmark_level_pct:AB",
        "notes",
    ]
    assert [c.key for c in english.overview().columns] == keys
    kinds = {c.key: c.kind for c in overview.columns}
    assert kinds["value_2019H1"] is ColumnKind.value and kinds["change_pct"] is ColumnKind.percent
    assert kinds["p_value"] is ColumnKind.p_value and kinds["status"] is ColumnKind.label
    row = next(r for r in overview.rows if r["id"] == "vernieling")
    assert row["unit"] is Unit.per_1000_inhabitants and row["status"] is Status.not_achieved
    assert row["change_pct"] == pytest.approx(25.0)  # in %, as compare reports it
    plain = dict(
        zip(overview.headers, next(v for v in overview.plain_rows() if v[2] == "vernieling"), strict=True)
    )
    assert plain["Status"] == "niet behaald" and plain["Eenheid"] == "per 1.000 inwoners"
    assert plain["Significantie"] == "binnen toeval"
    machine = next(r for r in overview.frame().to_dicts() if r["id"] == "vernieling")
    assert machine["status"] == "not_achieved" and machine["unit"] == "per_1000_inhabitants"
    assert [t.title for t in dutch.tables()] == ["Overzicht", "Normalisatie", "Bronnen"]
    assert [c.kind for c in dutch.sources().columns][-2:] == [ColumnKind.count, ColumnKind.timestamp]


def test_the_workbook_formats_by_kind_not_by_label(tmp_path: Path) -> None:
    """A tiny table of every kind: numbers stay numbers with their kind's format, changes in % are
    stored as fractions, members are written as words and a status is coloured by its member."""
    k = ColumnKind
    columns = [
        Column("unit", "U", k.label),
        Column("goal", "G", k.label),
        Column("v1", "2017", k.value),
        Column("v2", "2019", k.value),
        Column("change", "Δ", k.percent),
        Column("status", "S", k.label, status_fill=True),
        Column("p", "p", k.p_value),
        Column("share", "f", k.fraction),
        Column("n", "n", k.count),
        Column("est", "e", k.estimate),
        Column("rate", "r", k.rate),
        Column("theme", "t", k.number),
        Column("text", "x", k.text),
        Column("at", "when", k.timestamp),
    ]
    base = {"p": 0.0123, "share": 0.5, "n": 12345, "est": 7.25, "rate": 2.5, "theme": 3, "text": "=1+1"}
    rows = [
        base | {"unit": Unit.count, "goal": Goal.decrease, "v1": 12, "v2": 9, "change": -25.0}
        | {"status": Status.achieved, "at": dt.datetime(2019, 7, 1, 12, 0, 0)},
        base | {"unit": Unit.per_1000_inhabitants, "goal": Goal.none, "v1": 0.25, "v2": 0.5, "change": 100.0}
        | {"status": Status.monitor, "at": None},
        base | {"unit": Unit.per_1000_dwellings, "goal": Goal.no_increase, "v1": 6.3, "v2": None}
        | {"change": None, "status": Status.no_data, "at": None},
    ]  # fmt: skip
    table = Table("T", columns, rows, "en")
    wb = openpyxl.Workbook()
    assert write_table(wb.active, 1, table) == (1, 4)
    wb.save(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    cell = {(r, c.value): ws.cell(r, i) for r in (2, 3, 4) for i, c in enumerate(ws[1], start=1)}
    assert [cell[2, h].value for h in ("U", "G", "S", "when")] == [
        "count",
        "decrease",
        "achieved",
        "2019-07-01 12:00:00",
    ]
    assert cell[3, "U"].value == "per 1,000 inhabitants" and cell[3, "S"].value == "no goal (monitor)"
    assert cell[2, "S"].fill.fgColor.rgb.endswith("C6EFCE") and cell[3, "S"].fill.fgColor.rgb.endswith(
        "D9D9D9"
    )
    assert (cell[2, "2017"].value, cell[2, "2017"].number_format) == (12, "#,##0")  # a count row
    assert cell[3, "2019"].number_format == "0.00" and cell[4, "2017"].number_format == "0.0"  # rates
    assert cell[4, "2019"].value is None and cell[4, "2019"].number_format == "0.0"
    assert cell[2, "Δ"].value == pytest.approx(-0.25) and cell[2, "Δ"].number_format == "+0%;-0%;0%"
    assert cell[4, "Δ"].value is None
    formats = {h: cell[2, h].number_format for h in ("p", "f", "n", "e", "r", "t")}
    p_format = '[<0.001]"< 0.001";0.000'  # a p-value below 0.001 shows the bound, never "0.000"
    # a fractional corrected count prints whole and marked as an estimate: "≈ 12" (the cell keeps 12.4)
    estimate = '"≈ "#,##0;"≈ "-#,##0;0'
    assert formats == {"p": p_format, "f": "0.000", "n": "#,##0", "e": estimate, "r": "0.0", "t": "General"}
    assert cell[2, "x"].data_type == "s" and cell[2, "x"].value == "=1+1"  # text, never a formula
    frame = table.frame()  # for scripts: keys and codes
    assert frame["status"].to_list() == ["achieved", "monitor", "no_data"]
    assert frame["unit"].to_list() == ["count", "per_1000_inhabitants", "per_1000_dwellings"]
    assert frame["change"].to_list() == [-25.0, 100.0, None]  # CSV and JSON keep changes in %
    assert frame["at"].to_list() == ["2019-07-01T12:00:00", None, None]


def test_a_row_must_fill_every_column() -> None:
    with pytest.raises(ValueError, match="not the columns"):
        Table("T", [Column("a", "A", ColumnKind.text)], [{"b": 1}])
    with pytest.raises(ValueError, match="duplicate"):
        Table("T", [Column("a", "A", ColumnKind.text), Column("a", "B", ColumnKind.text)])


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=str)
def test_every_export_format_has_a_writer(
    fmt: ExportFormat, plan_store: tuple[Store, Path], tmp_path: Path
) -> None:
    """Adding a format is a member plus its writer: a member without one fails here."""
    assert callable(fmt.writer()) and fmt.description
    store, plan = plan_store
    tables = ExportTables(compare(store, period="2019H1", plan_path=plan), store.sources(), {})
    out = tmp_path / f"out.{fmt.value}"
    written = exports.export(tables, fmt, out)
    assert written and all(p.is_file() for p in written)
    assert all(p == out or p.parent == out for p in written)
    with pytest.raises(InputError, match="exists already"):
        exports.export(tables, fmt, out)
    assert exports.export(tables, fmt, out, force=True) == written


def test_long_text_wraps_so_the_sheet_prints_at_a_readable_scale(tmp_path: Path) -> None:
    """A long note makes its row taller, never the sheet wider ("fit to width" would shrink it)."""
    note = "; ".join(["the underlying change lies between -34.2% and -24.0%"] * 8)  # ~430 characters
    columns = [Column("id", "Id", ColumnKind.text), Column("v", "2019", ColumnKind.rate)]
    columns.append(Column("notes", "Notes", ColumnKind.text))
    table = Table("T", columns, [{"id": "a", "v": 2.5, "notes": note}, {"id": "b", "v": 1.0, "notes": None}])
    wb = openpyxl.Workbook()
    ws = wb.active
    first, last = write_table(ws, 1, table)
    fit_columns(ws, table, first, last)
    wb.save(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert ws.column_dimensions["C"].width == TEXT_WIDTH and ws["C2"].alignment.wrap_text
    assert ws["C2"].value == note  # the whole text, wrapped, not cut
    assert ws.row_dimensions[2].height >= 15 * len(note) // (TEXT_WIDTH * 2)  # tall enough to show it
    assert ws.row_dimensions[3].height is None  # rows without long text keep their height
    assert not ws["B2"].alignment.wrap_text and ws["B2"].alignment.vertical == "top"


def _many_charts(store: Store, plan: Path, lang: str = "nl") -> ExportTables:
    """Theme 1 with ten indicators (ten charts: several pages of them) and a long theme name."""
    result = compare(store, period="2019H1", plan_path=plan)
    fiets = next(i for i in result.indicators if i.id == "fiets")
    many = [fiets.model_copy(update={"id": f"fiets_{n}", "label": f"Fiets {n}"}) for n in range(10)]
    result = result.model_copy(
        update={
            "indicators": [*result.indicators, *many],
            "themes": {1: "Veilige wijken en een heel lange naam voor dit thema", 3: "Zorg en veiligheid"},
        }
    )
    return ExportTables(result, store.sources(), {}, lang)


def test_the_workbook_prints_as_a_report(plan_store: tuple[Store, Path]) -> None:
    """Landscape A4; table sheets fit the page width and repeat their header rows; every page has a
    header (plan; selection) and a footer (sheet; page n of m); the print area leaves the id out."""
    store, plan = plan_store
    wb = build_workbook(_many_charts(store, plan))
    themes = ["Thema 1 Veilige wijken", "Thema 3 Zorg en veiligheid"]
    assert wb.sheetnames == ["Overzicht", *themes, "Normalisatie", "Bronnen"]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert (
            ws.oddHeader.left.text == "Testplan"
            and "eerste helft 2019 t.o.v. eerste helft 2017" in ws.oddHeader.right.text
        )
        assert ws.oddFooter.left.text == "&A" and ws.oddFooter.right.text == "Pagina &P van &N"
        assert ws.print_area
    for name, titles in (("Overzicht", "$4:$5"), ("Normalisatie", "$1:$1"), ("Bronnen", "$1:$1")):
        ws = wb[name]
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == titles
    overview = wb["Overzicht"]
    header = [c.value for c in overview[5]]
    last_printed = header.index("Id")  # the column before the id, 1-based
    assert overview.print_area.endswith(f"$A$1:${get_column_letter(last_printed)}${overview.max_row}")


def test_no_chart_is_split_by_a_page_break(plan_store: tuple[Store, Path]) -> None:
    """Chart sheets print at the scale that fits their width (Excel ignores manual breaks under
    "fit to width"), with a break before each row of charts that would cross the page's end."""
    store, plan = plan_store
    ws = build_workbook(_many_charts(store, plan))["Thema 1 Veilige wijken"]
    scale = ws.page_setup.scale
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and 10 <= scale <= 100
    charts = ws._charts
    assert len(charts) == 14  # inbraak, fiets, vernieling, overlast and ten more
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # a break comes before the 0-based row ``id``
    assert breaks, "ten charts do not fit one page"

    def height(first: int, last: int) -> float:  # 0-based rows first..last-1, in points
        return sum(ws.row_dimensions[r + 1].height or 15 for r in range(first, last))

    for chart in charts:
        top, bottom = chart.anchor._from.row, chart.anchor.to.row
        assert not any(top < b < bottom for b in breaks), (chart.title, top, bottom, breaks)
        page_top = max([0, *(b for b in breaks if b <= top)])
        assert height(page_top, bottom) * scale / 100 <= PRINT_HEIGHT, chart.anchor._from.row
    # two charts side by side, each within the printed columns
    columns = {(c.anchor._from.col, c.anchor.to.col) for c in charts}
    assert len(columns) == 2 and max(to for _, to in columns) <= len([c for c in ws[4] if c.value]) - 1


def test_sheet_names_read_as_names() -> None:
    assert sheet_title("Thema 0 Algemeen veiligheidsbeeld") == "Thema 0 Algemeen"
    assert sheet_title("Thema 2 Ondermijning en georganiseerde criminaliteit") == "Thema 2 Ondermijning"
    assert sheet_title("Thema 1 Veilige wijken") == "Thema 1 Veilige wijken"
    assert sheet_title("Thema 0 Algemeen", taken=["Thema 0 Algemeen"]) == "Thema 0 Algemeen (2)"
    assert sheet_title("Eenzeerlangwoordzonderspatiesdatnietpast") == "Eenzeerlangwoordzonderspatiesda"


def test_csv_notes_are_codes_joined_by_a_semicolon(plan_store: tuple[Store, Path], tmp_path: Path) -> None:
    """README: `export csv` carries notes as codes, `;`-joined (no space): the JSON's codes in order."""
    import polars as pl

    store, plan = plan_store
    common = ["--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    assert runner.invoke(app, ["export", "csv", str(tmp_path / "csv"), *common]).exit_code == 0
    assert runner.invoke(app, ["export", "json", str(tmp_path / "r.json"), *common]).exit_code == 0
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    overview = pl.read_csv(tmp_path / "csv" / "overview.csv", infer_schema=False)
    cells = dict(zip(overview["id"], overview["notes"], strict=True))
    several = 0
    for row in document["overview"]:
        codes = [n["code"] for n in row["notes"]]
        several += len(codes) > 1
        assert cells[row["id"]] == (";".join(codes) or None), row["id"]
    assert several  # at least one indicator has two notes, so the separator is tested

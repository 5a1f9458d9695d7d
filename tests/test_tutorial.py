"""The README's tutorial "Reproduce the H1 2019 report", its `normalise` example and its notebook
example, run as written (issue 22 section 7).

The tutorial's commands are read from the README (the ``sh`` block after the ``<!-- tutorial``
marker) and run one by one in a fresh folder holding a copy of ``sample_data/``; each must end with
exit 0, and the figures the tutorial names (the seed report's) must come out of what they wrote.
"""

from __future__ import annotations

import datetime as dt
import doctest
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from veilcli import api, cli
from veilcli.cli import app

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
SAMPLE = ROOT / "sample_data"


def block_after(marker: str, fence: str = "```") -> list[str]:
    """The lines of the first fenced block after the line that starts with ``marker`` (indented
    blocks of a list item too: the lines without the fence's indentation)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(marker))
    opening = next(i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith(fence))
    indent = len(lines[opening]) - len(lines[opening].lstrip())
    closing = next(i for i in range(opening + 1, len(lines)) if lines[i].lstrip().startswith(fence))
    return [line[indent:] for line in lines[opening + 1 : closing]]


def commands_after(marker: str) -> list[tuple[list[str], int]]:
    """The ``veilcli ...`` lines of a block as argument lists (without ``veilcli``), each with the
    exit code its ``# exit N`` comment names (0 without one)."""
    found = []
    for line in block_after(marker):
        words = shlex.split(line, comments=True)
        if words and words[0] == "veilcli":
            code = re.search(r"#\s*exit (\d)\b", line)
            found.append((words[1:], int(code.group(1)) if code else 0))
    return found


def tutorial_commands() -> list[list[str]]:
    """The tutorial's ``veilcli ...`` lines as argument lists (without ``veilcli``)."""
    return [args for args, _ in commands_after("<!-- tutorial:")]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every tutorial command run in a fresh folder: the folder and each command's output."""
    folder = tmp_path_factory.mktemp("tutorial")
    shutil.copytree(SAMPLE, folder / "sample_data")
    outputs: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("VEILCLI_STORE", raising=False)
        # A terminal of 80 columns, as the README's examples are shown (the CLI reads COLUMNS once).
        patch.setattr(cli.stdout, "width", 80)
        for args in tutorial_commands():
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, f"veilcli {shlex.join(args)}: {result.output}"
            outputs[shlex.join(args)] = result.stdout
    return {"folder": folder, "outputs": outputs}


def test_the_tutorial_is_the_six_steps() -> None:
    verbs = [args[0] for args in tutorial_commands()]
    assert verbs == ["ingest", "status", "compare", "compare", "normalise", "export", "report"]
    for args in tutorial_commands()[2:]:
        assert "--period" in args and args[args.index("--period") + 1] == "2019H1"
        assert "--baseline" in args and args[args.index("--baseline") + 1] == "2017"


def test_every_tutorial_command_ends_well_and_stores_the_sample(ran: dict[str, Any]) -> None:
    folder: Path = ran["folder"]
    manifest = json.loads((folder / ".veilcli" / "manifest.json").read_text(encoding="utf-8"))
    rows = sorted(source["rows"] for source in manifest["sources"])
    assert rows == [6, 27, 120, 12_462, 12_877, 25_309]  # the counts step 1 names
    for name in ("vergelijking.json", "rapport-2019H1.xlsx", "rapport-2019H1.html"):
        assert (folder / name).stat().st_size > 0, name


def test_the_figures_the_tutorial_names(ran: dict[str, Any]) -> None:
    result = json.loads((ran["folder"] / "vergelijking.json").read_text(encoding="utf-8"))
    assert (result["area"], result["period"], result["baseline"]) == ("Almere", "2019H1", "2017H1")
    ind = {i["id"]: i for i in result["indicators"]}
    burglary = ind["woninginbraak"]
    # 495 / 78,614 and 351 / 80,911 dwellings (sample_data/README.md): 6.3 -> 4.3 per 1,000, -31%
    assert round(burglary["values"]["2017H1"], 1) == 6.3 and round(burglary["values"]["2019H1"], 1) == 4.3
    assert (burglary["counts"]["2017H1"], burglary["counts"]["2019H1"]) == (495, 351)
    assert round(burglary["change_pct"]) == -31 and burglary["status"] == "achieved"
    assert (ind["straatroof"]["counts"]["2017H1"], ind["straatroof"]["count_change"]) == (38, 9)
    assert ind["overval"]["count_change"] == 1 and ind["overval"]["previous"]["count_change"] == 3
    assert ind["jeugdcriminaliteit"]["counts"]["2019H1"] == 1043
    assert ind["huisverboden"]["counts"]["2019H1"] == 18 and ind["huisverboden"]["counts"]["2018H1"] == 23
    total = ind["totaal_misdrijven"]
    assert round(total["values"]["2019H1"], 1) == 24.2 and round(total["previous"]["change_pct"]) == 4
    published = {"fietsdiefstal": -14, "vernieling": -4, "jeugdoverlast": -32, "online_handelsfraude": 20}
    assert {k: round(ind[k]["change_pct"]) for k in published} == published
    assert round(ind["drugs_drankoverlast"]["change_pct"]) == -8


def test_the_terminal_workbook_and_html_show_the_burglary_figures(ran: dict[str, Any]) -> None:
    text = ran["outputs"]["compare --period 2019H1 --baseline 2017"]
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Woninginbraak"))
    block = "\n".join(lines[at : at + 4])
    assert re.search(r"6[.,]3\b", block) and re.search(r"4[.,]3\b", block) and "-31%" in block, block
    workbook = openpyxl.load_workbook(ran["folder"] / "rapport-2019H1.xlsx", read_only=True)
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Woninginbraak" in cells
    assert any(isinstance(c, float) and abs(c - 351 / 80_911 * 1000) < 1e-9 for c in cells)
    html = (ran["folder"] / "rapport-2019H1.html").read_text(encoding="utf-8")
    assert "Woninginbraak" in html and "4,3" in html  # the report is Dutch by default


def test_the_readme_normalise_example_is_the_real_output(ran: dict[str, Any]) -> None:
    """Every line of the README's example (but the ``...`` elisions) is a line of the real output, in
    the same order (trailing spaces aside)."""
    example = block_after("<!-- normalise example")
    assert example[0] == "$ veilcli normalise --period 2019H1 --baseline 2017"
    real = [
        line.rstrip() for line in ran["outputs"]["normalise --period 2019H1 --baseline 2017"].splitlines()
    ]
    position = 0
    for line in example[1:]:
        if line == "...":
            continue
        assert line in real[position:], f"not in the real output (after line {position}): {line!r}"
        position = real.index(line, position) + 1


def test_the_readme_notebook_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``>>>`` lines of the README's Python API example, as a doctest in a fresh folder."""
    shutil.copytree(SAMPLE, tmp_path / "sample_data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VEILCLI_STORE", raising=False)
    example = "\n".join(block_after("<!-- notebook example"))
    assert ">>> result = api.compare" in example
    test = doctest.DocTestParser().get_doctest(example, {}, "README notebook example", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    summary = runner.summarize(verbose=False)
    assert summary.failed == 0 and summary.attempted == 9


def test_reading_a_file_veilcli_does_not_recognise_step_by_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's steps for a file of unknown headers, run as written: validate refuses it (exit
    2), map suggest writes the map the README shows, the review adds the README's lines, validate
    and ingest with the map end well, and the store holds the fixture's rows, read by hand."""
    fixture = Path("tests") / "fixtures" / "odd" / "registraties-eigen-koppen.csv"
    (tmp_path / fixture).parent.mkdir(parents=True)
    shutil.copyfile(ROOT / fixture, tmp_path / fixture)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VEILCLI_STORE", raising=False)
    steps = commands_after("<!-- unrecognised file:")
    assert [args[:2] for args, _ in steps] == [
        ["validate", str(fixture)],
        ["map", "suggest"],
        ["validate", "--map"],
        ["ingest", "--map"],
    ]
    review = block_after("<!-- map review")
    shown = [line for line in block_after("2. **`map suggest`** finds the header row") if line.strip()]
    for args, expected in steps:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == expected, f"veilcli {shlex.join(args)}: {result.output}"
        if args[0] == "validate" and expected == 2:
            assert "no header row found in rows 1-30" in result.output
        if args[:2] == ["map", "suggest"]:
            mapping = Path(args[args.index("-o") + 1])
            written = mapping.read_text(encoding="utf-8").splitlines()
            assert [line for line in shown if line not in written] == []  # the README shows the real map
            # the review: the README's lines under [columns]
            at = written.index("[columns]") + 1
            mapping.write_text("\n".join([*written[:at], *review, *written[at:]]) + "\n", encoding="utf-8")
    stored = api.Store(".veilcli").scan(api.Kind.registrations).collect().sort("registration_id")
    assert stored.select("registration_id", "event_id", "category_code", "district", "attempt").rows() == [
        ("PL0900_BVH_4711", "PL0900_BVH_2019000811", "B70", "Stad", False),
        ("PL0900_BVH_4712", "PL0900_BVH_2019000811", "F550", "Stad", False),
        ("PL0900_BVH_4790", "PL0900_BVH_2019001502", "A72", "Haven", False),
        ("PL0900_BVH_4791", "PL0900_BVH_2019001533", "A72", "Buiten", True),
        ("PL0900_BVH_4850", "PL0900_BVH_2019002210", "A20", "Buiten", False),
        ("PL0900_BVH_4851", "PL0900_BVH_2019002260", "A20", "Stad", True),
        ("PL0900_BVH_5020", "PL0900_BVH_2019004870", "A72", "Stad", False),
    ]
    assert stored["date"].min() == dt.date(2019, 1, 5) and stored["date"].max() == dt.date(2019, 5, 28)
    assert "Omschrijving MK" not in stored.columns and stored["municipality"].unique().to_list() == ["Almere"]
    # the 7 registrations by open-data category, through the classification (B70 1.4.6, F550 1.4.5,
    # A72 1.2.3, A20 1.1.1); the two of event PL0900_BVH_2019000811 count once after samenloop
    normalised = api.normalise(".veilcli", period="2019H1", baseline=2019, area="Almere").to_polars()
    raw = dict(zip(normalised["category"], normalised["raw"], strict=True))
    assert raw == {"1.1.1": 2, "1.2.3": 3, "1.4.5": 1, "1.4.6": 1}
    assert normalised["after_samenloop"].sum() == 6


def test_the_notebook_table_by_district(ran: dict[str, Any]) -> None:
    """``to_polars()`` with ``by="district"``: a district column (null on Almere's own rows), one row
    per district and indicator; the districts' burglaries add up to Almere's 351."""
    result = api.compare(ran["folder"] / ".veilcli", period="2019H1", baseline=2017, by="district")
    wide = result.to_polars()
    districts = sorted(d.district for d in result.districts or [])
    assert len(districts) == 6 and wide.columns[0] == "district"
    assert wide.height == len(result.indicators) + sum(len(d.indicators) for d in result.districts or [])
    burglary = wide.filter(id="woninginbraak")
    assert burglary.filter(pl.col("district").is_null())["count"].to_list() == [351]
    assert sorted(burglary["district"].drop_nulls().to_list()) == districts
    assert burglary.filter(pl.col("district").is_not_null())["count"].sum() == 351
    assert repr(result).splitlines()[-2] == "  + 6 districts (.districts)"

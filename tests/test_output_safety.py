"""Output safety (issue 9): user text printed as text, formula-safe spreadsheets, safe exports,
environment failures named (never "a bug"), and personal columns never in any output."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import write_xlsx
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.errors import InputError
from veilcli.files import atomic
from veilcli.files.atomic import sweep_stale, temp_folder, temp_path, write_atomic
from veilcli.files.spreadsheet_safety import (
    FORMULA_START,
    csv_text,
    is_formula_like,
    neutralise,
    neutralise_frame,
    sheet_name,
)
from veilcli.report.console_text import SafeConsole, json_text, plain, short
from veilcli.report.targets import prepare_target
from veilcli.sources.columns import (
    BVH_HEADERS,
    OPEN_DATA_HEADERS,
    PERSONAL_HEADERS,
    column_specs,
    is_personal,
)
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

runner = CliRunner()

ESC = "\x1b"
MARKUP = "[/]"
BOLD = "[bold red]x"
ANSI = "\x1b[31m"
FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "@SUM(A1)", "+1+1", "-2+3"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def assert_plain(output: str, *literals: str) -> None:
    """No escape byte reached the output, no traceback, and the literal user text is there."""
    assert ESC not in output and "\x9b" not in output
    assert "Traceback" not in output and "MarkupError" not in output
    for literal in literals:
        assert literal in output, f"{literal!r} not in output:\n{output}"


# --- the rules themselves -------------------------------------------------------------------


def test_plain_shows_controls_as_escapes() -> None:
    assert plain("a\x1b[31mb") == "a\\x1b[31mb"
    assert plain("c1\x9b2J bidi\u202e nul\x00 del\x7f") == "c1\\x9b2J bidi\\u202e nul\\x00 del\\x7f"
    assert plain("tab\tnew\nline") == "tab\tnew\nline"
    assert plain("caf\udce9") == "caf\\xe9"  # a byte of a non-UTF-8 file name
    assert plain("[/] [bold red]x :smile:") == "[/] [bold red]x :smile:"


def test_short_cuts_long_values() -> None:
    assert short("x" * 40) == "x" * 40
    assert short("x" * 500) == "x" * 39 + "…" and len(short("x" * 500)) == 40


def test_safe_console_never_reads_markup_or_emoji() -> None:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, width=200)
    console.print(f"Almere{MARKUP} {BOLD} :thumbs_up: {ANSI}red", markup=True, emoji=True)
    assert buffer.getvalue() == "Almere[/] [bold red]x :thumbs_up: \\x1b[31mred\n"


def test_json_text_escapes_what_json_dumps_leaves_raw() -> None:
    document = json.dumps({"a": "x\x9by\u202ez\x1b"}, ensure_ascii=False)
    safe = json_text(document)
    assert "\x9b" not in safe and "\u202e" not in safe and ESC not in safe
    assert json.loads(safe) == {"a": "x\x9by\u202ez\x1b"}  # the same value


@pytest.mark.parametrize("value", [*FORMULAS, "=1", "\tx", "\rx", "-x", "+x", "@x"])
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert is_formula_like(value) and neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["-3.5", "-3,5", "+12", "-1.043,5", "1e5", "-", "+", "Almere", "a=b", ""])
def test_numbers_and_plain_text_stay(value: str) -> None:
    assert not is_formula_like(value) and neutralise(value) == value


def test_neutralise_frame_only_touches_text() -> None:
    frame = pl.DataFrame({"t": [*FORMULAS, "-3.5"], "n": [-1, -2, 3, -4, 5, -6], "=h": ["a"] * 6})
    safe = neutralise_frame(frame)
    assert safe.columns == ["t", "n", "'=h"]
    assert safe["t"].to_list() == ["'" + v for v in FORMULAS] + ["-3.5"]
    assert safe["n"].to_list() == [-1, -2, 3, -4, 5, -6]
    text = csv_text(frame)
    assert '"x;=1"' in csv_text(pl.DataFrame({"t": ["x;=1"]}))  # a ; inside stays inside its cell
    assert_no_formula_cells(text)


def test_sheet_names() -> None:
    assert sheet_name("=Thema [1]: a/b\x1b") == "Thema -1-- a-b"
    assert sheet_name("'quoted'") == "quoted"
    assert sheet_name("=+-@") == "Sheet"
    assert len(sheet_name("x" * 80)) == 31


def assert_no_formula_cells(text: str) -> None:
    """Every CSV field a spreadsheet could run is neutralised (numbers pass)."""
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            assert not is_formula_like(field), field


# --- a store and plan full of hostile text ----------------------------------------------------

AREA = f"Dorp{MARKUP} {BOLD}"  # markup in an area name; the ESC goes into the district
DISTRICT = f"Wijk{ANSI}rood{MARKUP}"
PLAN_TOML = """
name = "=Plan[/] [bold red]x \\u001b[31m"
area = "{area}"
baseline = 2017

[[themes]]
number = 1
label = "=Thema[/] \\u001b[31m"

[[indicators]]
id = "inbraak"
theme = 1
label = '=HYPERLINK("http://x","y")'
categories = ["1.1.1"]
unit = "per_1000_dwellings"
goal = "decrease"

[[indicators]]
id = "fiets"
theme = 1
label = "=cmd|' /C calc'!A0"
categories = ["1.2.3"]
unit = "per_1000_inhabitants"
goal = "no_increase"

[[indicators]]
id = "vernieling"
theme = 1
label = "@SUM(A1) [/]"
categories = ["2.2.1"]
unit = "count"
goal = "none"
"""


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    """Files, folders and a store whose names and values carry markup, ANSI escapes and formulas."""
    folder = tmp_path / f"in {BOLD} [red]"  # a file name cannot hold the / of [/]
    folder.mkdir()
    rows = [f"Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijk;Extra{MARKUP}{ANSI}"]
    n = 0
    dates = {"2017-03-01": {"1.1.1": 10, "1.2.3": 5, "2.2.1": 20}, "2019-03-01": {"1.1.1": 8}}
    for date, codes in dates.items():
        for code, count in codes.items():
            for _ in range(count):
                n += 1
                rows.append(f"R{n};{date};{code};{AREA};{DISTRICT};{FORMULAS[n % len(FORMULAS)]}")
    reg = folder / f"reg{BOLD}{ANSI}.csv"
    reg.write_text("\n".join(rows) + "\n", encoding="utf-8")
    pop = folder / "pop.csv"
    pop.write_text(
        f"Jaar;Gebied;Inwoners;Woningen\n2017;{AREA};10.000;5.000\n2019;{AREA};12.000;4.000\n"
        f"2017;{DISTRICT};1.000;500\n2019;{DISTRICT};1.000;500\n",
        encoding="utf-8",
    )
    store = tmp_path / f"store {ESC}x"  # no [ here: polars reads [..] in a path as a glob (store.py)
    assert ingest_paths([reg, pop], Store(store), ReadOptions()).stored
    plan = folder / f"plan{BOLD}.toml"
    plan.write_text(PLAN_TOML.replace("{area}", AREA), encoding="utf-8")
    return {"folder": folder, "reg": reg, "pop": pop, "store": store, "plan": plan, "tmp": tmp_path}


def test_ingest_and_validate_print_user_text_as_text(hostile: dict[str, Path], tmp_path: Path) -> None:
    bad = hostile["folder"] / f"bad{BOLD}.csv"
    bad.write_text(
        f"Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijk\n"
        f"B1;niet{MARKUP}{ANSI};1.1.1;{AREA};{DISTRICT}\nB2;2019-01-01;1.1.1;{AREA};{BOLD}\n",
        encoding="utf-8",
    )
    result = invoke("validate", str(bad))
    assert result.exit_code == 1
    assert_plain(result.output, MARKUP, "bad[bold red]x.csv", "niet[/]")
    for output in ("table", "json"):
        result = invoke(
            "ingest", str(hostile["reg"]), str(bad), "--store", str(tmp_path / "s2"), "--skip-invalid",
            "--rejected-dir", str(tmp_path / f"rej{BOLD}"), "--format", output,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert_plain(result.output, "reg[bold red]x")
    assert "\\x1b[31m" in result.output or "\\u001b[31m" in result.output


def test_status_compare_normalise_print_user_text_as_text(hostile: dict[str, Path]) -> None:
    store, plan = str(hostile["store"]), str(hostile["plan"])
    result = invoke("status", "--store", store)
    assert result.exit_code == 0, result.output
    assert_plain(result.output, AREA, "Wijk\\x1b[31mrood[/]", "reg[bold red]x\\x1b[31m.csv")
    for output in ("table", "json", "csv"):
        for by in ("area", "district"):
            args = ["--period", "2019H1", "--plan", plan, "--store", store, "--format", output, "--by", by]
            result = invoke("compare", *args)
            assert result.exit_code == 0, result.output
            assert ESC not in result.output and "Traceback" not in result.output
        if output == "table":
            assert_plain(result.output, "=Plan[/] [bold red]x", "@SUM(A1) [/]", "Wijk\\x1b[31mrood[/]")
        if output == "csv":
            assert_no_formula_cells(result.stdout)
    for output in ("table", "json", "csv"):
        args = ["--period", "2019H1", "--area", AREA, "--store", store, "--format", output]
        result = invoke("normalise", *args)
        assert result.exit_code == 0, result.output
        assert ESC not in result.output and "Traceback" not in result.output


def test_errors_quote_user_text_as_text(tmp_path: Path) -> None:
    missing = f"nope{MARKUP}{BOLD}{ANSI}.csv"  # folder "nope[" then "]..."
    result = invoke("validate", str(missing))
    assert result.exit_code == 2
    assert_plain(result.output, "nope[/][bold red]x\\x1b[31m.csv: file not found")
    result = invoke("--debug", "validate", str(missing))
    assert result.exit_code == 2 and "Traceback" in result.output
    assert ESC not in result.output and "file not found" in result.output


def test_sheet_names_with_markup_print_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            ["Registratienummer", "Datum", "Soort misdrijf code", "Gemeente"],
            ["R1", "2019-01-02", "1.1.1", "A"],
        ],
        sheet="BLADNAAM",
    )
    # Excel forbids [ ] in sheet names; a hand-made file need not care.
    patched = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"BLADNAAM", b"Blad[/][bold red]x")
            target.writestr(item, data)
    result = invoke("validate", str(patched), "--all-sheets")
    assert result.exit_code == 0, result.output
    assert_plain(result.output, "Blad[/][bold red]x")


# --- formula safety through every spreadsheet output ------------------------------------------


def _export(hostile: dict[str, Path], what: str, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return invoke(
        "export", what, str(out), "--period", "2019H1", "--plan", str(hostile["plan"]),
        "--store", str(hostile["store"]), *extra,
    )  # fmt: skip


def test_workbook_cells_titles_and_sheet_names_are_never_formulas(hostile: dict[str, Path]) -> None:
    out = hostile["tmp"] / "r.xlsx"
    result = _export(hostile, "xlsx", out, "--by", "district")
    assert result.exit_code == 0, result.output
    assert_plain(result.output)
    wb = openpyxl.load_workbook(out)
    texts = []
    for ws in wb.worksheets:
        assert not ws.title.startswith(FORMULA_START) and ESC not in ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    first = wb.worksheets[0]["A1"]
    assert first.value.startswith("=Plan[/] [bold red]x") and first.data_type == "s"
    for formula in [*FORMULAS[:2], "@SUM(A1) [/]"]:
        assert formula in texts, formula  # the text intact, as a string cell
    for ws_xml in (n for n in zipfile.ZipFile(out).namelist() if n.startswith("xl/worksheets/sheet")):
        assert "<f>" not in zipfile.ZipFile(out).read(ws_xml).decode()


def test_csv_export_is_formula_safe(hostile: dict[str, Path]) -> None:
    out = hostile["tmp"] / "csv"
    result = _export(hostile, "csv", out, "--by", "district")
    assert result.exit_code == 0, result.output
    overview = (out / "overview.csv").read_text(encoding="utf-8")
    assert '\'=HYPERLINK(""http://x"",""y"")' in overview and "'@SUM(A1) [/]" in overview
    for path in out.iterdir():
        assert_no_formula_cells(path.read_text(encoding="utf-8"))
    assert _export(hostile, "json", hostile["tmp"] / "r.json").exit_code == 0
    document = json.loads((hostile["tmp"] / "r.json").read_text(encoding="utf-8"))
    assert any(row.get("label") == FORMULAS[0] for row in document["overview"])  # JSON keeps values


def test_rejected_rows_file_is_formula_safe(tmp_path: Path, store_dir: Path) -> None:
    lines = ["Registratienummer;Datum;Soort misdrijf code;Gemeente"]
    lines += [f"R{i};2019-01-0{i + 1};{value};Almere" for i, value in enumerate(FORMULAS)]
    lines += ["R9;2019-01-09;1.1.1;Almere", "R10;niet;1.1.1;-3.5"]
    path = tmp_path / "evil.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--store", str(store_dir), "--skip-invalid", "--rejected-dir", str(tmp_path)]
    result = invoke("ingest", str(path), *args)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "evil.rejected.csv").read_text(encoding="utf-8")
    assert_no_formula_cells(text)
    rejected = pl.read_csv(text.encode(), infer_schema=False)
    assert rejected["Soort misdrijf code"].to_list()[:5] == ["'" + v for v in FORMULAS]
    assert rejected["Gemeente"].to_list()[-1] == "-3.5"  # a number stays a number


# --- exports write only regular files, atomically -------------------------------------------


@pytest.fixture
def small(plan_store: tuple[Store, Path]) -> dict[str, Path]:
    store, plan = plan_store
    return {"store": store.root, "plan": plan, "tmp": plan.parent}


@pytest.mark.parametrize("what", ["json", "xlsx"])
def test_export_to_a_folder_is_refused(small: dict[str, Path], what: str) -> None:
    out = small["tmp"] / f"out.{what}"
    out.mkdir()
    result = _export(small, what, out, "--force")
    assert result.exit_code == 2 and "is a folder" in result.output and "bug" not in result.output
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_export_to_a_device_is_refused_and_the_device_kept(small: dict[str, Path], device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    before = os.stat(device)
    result = _export(small, "json", Path(device), "--force")
    assert result.exit_code == 2 and "not a regular file" in result.output, result.output
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    link = small["tmp"] / "link.json"
    link.symlink_to(device)
    result = _export(small, "json", link, "--force")
    assert result.exit_code == 2 and "symlink to a device" in result.output
    assert link.is_symlink() and stat.S_ISCHR(os.stat(device).st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_export_to_a_fifo_is_refused_without_hanging(small: dict[str, Path]) -> None:
    fifo = small["tmp"] / "pipe.json"
    os.mkfifo(fifo)
    result = _export(small, "json", fifo, "--force")
    assert result.exit_code == 2 and "FIFO" in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_through_a_symlink_to_a_file_replaces_the_file(small: dict[str, Path]) -> None:
    target = small["tmp"] / "real.json"
    target.write_text("old", encoding="utf-8")
    link = small["tmp"] / "latest.json"
    link.symlink_to(target)
    assert _export(small, "json", link, "--force").exit_code == 0
    assert link.is_symlink() and "overview" in json.loads(target.read_text(encoding="utf-8"))


def _deny_writes_in(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A read-only folder, also for root (who ignores permission bits): creating files there fails."""
    real_open, real_mkdir = os.open, os.mkdir

    def guarded_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).parent == folder and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    def guarded_mkdir(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).parent == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "open", guarded_open)
    monkeypatch.setattr(atomic.os, "mkdir", guarded_mkdir)


@pytest.mark.parametrize("what", ["json", "xlsx", "csv"])
def test_export_to_a_read_only_folder(
    small: dict[str, Path], monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    folder = small["tmp"] / "readonly"
    folder.mkdir()
    out = folder / ("out" if what == "csv" else f"out.{what}")
    if os.geteuid() == 0:
        _deny_writes_in(monkeypatch, folder)
    else:
        folder.chmod(0o555)
    try:
        result = _export(small, what, out)
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert "permission denied" in result.output and str(out) in result.output
    assert "bug" not in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2  # one message (and a hint)
    assert list(folder.iterdir()) == []


def test_csv_export_onto_an_existing_file_is_refused(small: dict[str, Path]) -> None:
    out = small["tmp"] / "report.csv"
    out.write_text("keep me", encoding="utf-8")
    result = _export(small, "csv", out, "--force")
    assert result.exit_code == 2 and "is a file" in result.output and "folder" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"


def test_prepare_target_one_check_for_files_and_folders(tmp_path: Path) -> None:
    """The checks every writer runs before writing: a file, or a folder and the files it receives."""
    (tmp_path / "file.json").write_text("keep", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "a.csv").write_text("keep", encoding="utf-8")
    (tmp_path / "folder" / "b.csv").mkdir()
    (tmp_path / "to-folder").symlink_to(tmp_path / "folder")
    (tmp_path / "to-file.json").symlink_to(tmp_path / "file.json")
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    new = prepare_target(tmp_path / "new.json", force=False)
    assert (new.path, new.exists) == (tmp_path / "new.json", False)
    assert prepare_target(tmp_path / "to-file.json", force=True).path == tmp_path / "file.json"
    assert prepare_target(tmp_path / "to-folder", force=True, files=["a.csv"]).path == tmp_path / "folder"
    assert prepare_target(tmp_path / "new", force=False, files=["a.csv"]).exists is False
    refused = [
        (tmp_path / "file.json", False, None, "exists already"),
        (tmp_path / "folder", True, None, "is a folder"),
        (tmp_path / "dangling.json", True, None, "symlink to nothing"),
        (tmp_path / "to-folder", True, None, "symlink to a folder, not to a regular file"),
        (tmp_path / "to-file.json", True, ["a.csv"], "symlink to a file, not to a folder"),
        (tmp_path / "file.json", True, ["a.csv"], r"is a file; this export writes a folder \(a.csv\)"),
        (tmp_path / "folder", False, ["a.csv"], "exists already"),
        (tmp_path / "folder", True, ["b.csv"], "b.csv: is a folder"),
        (tmp_path / "missing" / "x.json", True, None, "folder does not exist"),
        (tmp_path / "missing" / "x", True, ["a.csv"], "folder does not exist"),
    ]
    for out, force, files, message in refused:
        with pytest.raises(InputError, match=message):
            prepare_target(out, force, files=files)
    assert (tmp_path / "file.json").read_text(encoding="utf-8") == "keep"
    assert (tmp_path / "folder" / "a.csv").read_text(encoding="utf-8") == "keep"


def _fail_on_second_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    import veilcli.report.export_files as export_files

    calls = {"n": 0}
    real = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(export_files.os, "fsync", fsync)


def test_folder_export_failing_midway_leaves_nothing(
    small: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sorted(p.name for p in small["tmp"].iterdir())
    _fail_on_second_fsync(monkeypatch)
    out = small["tmp"] / "csv"
    result = _export(small, "csv", out)
    assert result.exit_code == 2 and "disk full" in result.output and str(out) in result.output
    assert not out.exists()
    assert sorted(p.name for p in small["tmp"].iterdir()) == before  # no temporary folder left


def test_folder_export_into_an_existing_folder_replaces_only_after_all_are_written(
    small: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = small["tmp"] / "csv"
    assert _export(small, "csv", out).exit_code == 0
    (out / "mine.txt").write_text("not ours", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert _export(small, "csv", out).exit_code == 2  # files there: --force needed
    _fail_on_second_fsync(monkeypatch)
    assert _export(small, "csv", out, "--force").exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not any(p.name.startswith(".") for p in small["tmp"].iterdir())
    monkeypatch.undo()
    assert _export(small, "csv", out, "--force", "--lang", "en").exit_code == 0
    assert (out / "mine.txt").read_text(encoding="utf-8") == "not ours"  # never ours to delete


def test_stale_temporaries_of_our_naming_are_swept_and_nothing_else(small: dict[str, Path]) -> None:
    tmp = small["tmp"]
    dead = 999_999_999  # no such process
    out = tmp / "r.json"
    stale_file = temp_path(out, dead)
    stale_file.write_text("half", encoding="utf-8")
    stale_folder = temp_folder(tmp / "csv", dead)
    stale_folder.mkdir()
    (stale_folder / "overview.csv").write_text("half", encoding="utf-8")
    keep = [
        tmp / ".r.tmp-1.json",  # a process that runs (init)
        tmp / ".r.tmp-abc.json",  # not a pid
        tmp / f".other.tmp-{dead}.json",  # another target
        tmp / f"r.tmp-{dead}.json",  # not hidden
        tmp / "notes.txt",
    ]
    for path in keep:
        path.write_text("keep", encoding="utf-8")
    odd = temp_folder(tmp / "csv", dead + 1)  # holds something that is not a regular file
    (odd / "sub").mkdir(parents=True)
    assert _export(small, "json", out).exit_code == 0
    assert _export(small, "csv", tmp / "csv").exit_code == 0
    assert not stale_file.exists() and not stale_folder.exists()
    assert all(p.read_text(encoding="utf-8") == "keep" for p in keep) and odd.exists()
    assert sweep_stale(out) == []


def test_write_atomic_never_writes_through_a_planted_temporary(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    target = tmp_path / "out.txt"
    temp_path(target).symlink_to(victim)
    write_atomic(target, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert victim.read_text(encoding="utf-8") == "untouched" and target.read_text(encoding="utf-8") == "new"
    assert not temp_path(target).exists() and not temp_path(target).is_symlink()
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(tmp_path, lambda tmp: tmp.write_text("x", encoding="utf-8"))


# --- exit 70 is for bugs only -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/data/x.parquet"), "disk full"),
        (PermissionError(errno.EACCES, "Permission denied", "/data/x.parquet"), "permission denied"),
        (PermissionError(errno.EPERM, "Operation not permitted", "/data/x.parquet"), "permission denied"),
        (OSError(errno.EROFS, "Read-only file system", "/data/x.parquet"), "read-only file system"),
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "/data/x.parquet"), "no such file"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/data/x.parquet"), "is a folder"),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory", "/data/x.parquet"), "not a folder"),
        (OSError(errno.EIO, "Input/output error", "/data/x.parquet"), "input/output error"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk full"),
        (OSError("No space left on device (os error 28)"), "disk full"),  # as polars raises it
        (MemoryError(), "out of memory"),
    ],
)
def test_environment_failures_exit_2_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, registrations_xlsx: Path, error: BaseException, words: str
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("veilcli.sources.pipeline.validate_paths", broken)
    result = invoke("validate", str(registrations_xlsx))
    assert result.exit_code == 2, result.output
    assert words in result.output and "bug" not in result.output and "internal error" not in result.output
    if getattr(error, "filename", None):
        assert "/data/x.parquet" in result.output
    assert "Traceback" not in result.output


def test_debug_traceback_has_no_locals_and_no_long_messages(
    monkeypatch: pytest.MonkeyPatch, registrations_xlsx: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        secret = "".join(["SEC", "RET-LOCAL"])  # a frame local: never printed
        raise RuntimeError("boom " + "x" * 5000 + secret[:0])

    monkeypatch.setattr("veilcli.sources.pipeline.validate_paths", broken)
    result = invoke("--debug", "validate", str(registrations_xlsx))
    assert result.exit_code == 70
    assert "Traceback" in result.output and "RuntimeError" in result.output
    assert "SECRET-LOCAL" not in result.output
    assert "x" * 400 not in result.output  # the message is cut


# --- personal columns: the vocabulary, and never in any output ---------------------------------

PERSONAL_EXAMPLES = [
    "Straat", "Street name", "Huisnr", "hnr", "Huisnummer toevoeging", "House no.", "House number",
    "Postcode", "Postal code", "Zip", "PC4", "PC5", "PC6", "Naam", "Voornaam", "Achternaam",
    "Voorletters", "Tussenvoegsel", "Name", "First name", "Surname", "Last name", "Naam slachtoffer",
    "Naam verdachte", "Naam aangever", "Naam melder", "VictimName", "Suspect name", "Reporter name",
    "Geboortedatum slachtoffer", "Geb.datum", "Geb. dat.", "DOB", "Place of birth", "Geboorteplaats",
    "BSN", "Social security number", "Telefoon", "Tel.", "Mobiel", "GSM", "Telefoonnummer melder",
    "Phone", "E-mail", "Email", "E-mailadres aangever", "IBAN", "Bank account", "Rekeningnummer",
    "Kenteken", "Kenteken voertuig", "Licence plate", "X", "Y", "X-coördinaat", "Latitude",
    "Coördinaten", "Toelichting", "Omschrijving vrij", "Opmerkingen", "Notes", "Description",
    "Remarks", "IP-adres", "IP address", "Adres", "Woonadres", "Address",
]  # fmt: skip
NOT_PERSONAL = [
    "Gemeentenaam", "Gemeentenaam_1", "Wijknaam", "Buurtnaam", "Naam gemeente", "Omschrijving",
    "Geboortedatum", "Date of birth", "Woonplaats", "Leeftijd verdachte", "Verdachten", "Straatroof",
    "Persoonsnummer", "Perioden", "Wijken en buurten", "Soort misdrijf", "Telling", "Totaal",
    "AantalInwoners_5", "Inwoners (x 1 000)",
]  # fmt: skip


@pytest.mark.parametrize("header", PERSONAL_EXAMPLES)
def test_personal_headers_are_recognised(header: str) -> None:
    assert is_personal(header)


def test_canonical_and_known_headers_are_not_personal() -> None:
    known = [*NOT_PERSONAL, *OPEN_DATA_HEADERS]
    bvh_personal = ("Pleegstraatnaam", "Pleeghuisnummer met toev.", "Pleegpostcode", "X", "Y")
    known += [h for h in BVH_HEADERS if h not in bvh_personal]
    known += [a for kind in Kind for spec in column_specs(kind) for a in spec.aliases]
    assert [h for h in known if is_personal(h)] == []
    assert all(is_personal(h) for h in PERSONAL_HEADERS)


def test_personal_values_never_reach_any_output(tmp_path: Path, plan_store: tuple[Store, Path]) -> None:
    store, plan = plan_store
    headers = ["Registratienummer", "Datum", "Soort misdrijf code", "Gemeente", *PERSONAL_EXAMPLES]
    headers.append("Vrije kolom")
    rows = [";".join(headers)]
    for i in range(6):
        date = "2019-03-02" if i % 2 else "geen datum"  # every other row invalid: rejected
        secrets = [f"SECRET-{i}-{j}" for j in range(len(PERSONAL_EXAMPLES) + 1)]
        rows.append(";".join([f"P{i}", date, "1.1.1", "Testdorp", *secrets]))
    path = tmp_path / "personal.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rejected = tmp_path / "rejected"
    outputs = []
    for debug in ([], ["--debug"]):
        for output in ("table", "json"):
            outputs.append(invoke(*debug, "validate", str(path), "--format", output))
    outputs.append(invoke("ingest", str(path), "--store", str(store.root), "--dry-run"))
    outputs.append(invoke("ingest", str(path), "--store", str(store.root)))  # refused: invalid rows
    outputs.append(
        invoke("--debug", "ingest", str(path), "--store", str(store.root), "--skip-invalid",
               "--rejected-dir", str(rejected), "--format", "json")
    )  # fmt: skip
    assert outputs[-1].exit_code == 0, outputs[-1].output
    for command in (["status"], ["compare", "--plan", str(plan), "--format", "json"]):
        outputs.append(invoke("--debug", *command, "--store", str(store.root)))
    outputs.append(_export({"store": store.root, "plan": plan}, "json", tmp_path / "r.json"))
    outputs.append(_export({"store": store.root, "plan": plan}, "csv", tmp_path / "csv"))
    outputs.append(_export({"store": store.root, "plan": plan}, "xlsx", tmp_path / "r.xlsx"))
    for result in outputs:
        assert "SECRET-" not in result.output, result.output
    folders = (store.root, rejected, tmp_path / "csv")
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    files += [tmp_path / "r.json", tmp_path / "r.xlsx"]
    assert any(p.name.endswith(".rejected.csv") for p in files)
    for file in files:
        data = file.read_bytes()
        if file.suffix == ".xlsx":
            data = b"".join(zipfile.ZipFile(file).read(n) for n in zipfile.ZipFile(file).namelist())
        assert b"SECRET-" not in data, file
    report = json.loads(outputs[1].stdout)["files"][0]
    assert "Vrije kolom" in report["ignored_columns"]
    assert set(PERSONAL_EXAMPLES) <= set(report["dropped_personal_columns"])


def test_rejected_file_holds_only_the_columns_read(tmp_path: Path, store_dir: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "Registratienummer;Datum;Soort misdrijf code;Gemeente;Iets anders\n"
        "R1;2019-01-02;1.1.1;Almere;vrij\nR2;nooit;1.1.1;Almere;vrij\n",
        encoding="utf-8",
    )
    ingest_paths([path], Store(store_dir), ReadOptions(), skip_invalid=True, rejected_dir=tmp_path)
    rejected = pl.read_csv(tmp_path / "x.rejected.csv", infer_schema=False)
    read = ["Registratienummer", "Datum", "Soort misdrijf code", "Gemeente"]
    assert rejected.columns == ["row", "reasons", *read]


def test_findings_quote_one_value_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    long_value = "2019-" + "9" * 300
    header = "Registratienummer;Datum;Soort misdrijf code;Gemeente"
    path.write_text(f"{header}\nR1;{long_value};1.1.1;Almere\n", encoding="utf-8")
    result = invoke("validate", str(path), "--format", "json")
    issue = json.loads(result.stdout)["files"][0]["issues"][0]
    assert issue["code"] == "invalid_date" and len(issue["value"]) == 40 and issue["value"].endswith("…")
    assert "9" * 60 not in result.output
    assert "9" * 60 not in invoke("validate", str(path)).output

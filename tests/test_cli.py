"""The CLI through typer's runner, and once through the installed executable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import snapshot
from veilcli.cli import app

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_validate_json_report(registrations_xlsx: Path) -> None:
    result = invoke("validate", str(registrations_xlsx), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["valid"] is True
    [file] = report["files"]
    assert (file["kind"], file["header_row"], file["rows_read"], file["rows_valid"]) == (
        "registrations",
        4,
        4,
        4,
    )


def test_validate_invalid_rows_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Jaar;Gebied;Inwoners\n2019;Almere;-5\n", encoding="utf-8")
    result = invoke("validate", str(path), "--format", "json")
    assert result.exit_code == 1
    issue = json.loads(result.stdout)["files"][0]["issues"][0]
    assert (issue["code"], issue["row"], issue["column"], issue["value"]) == (
        "negative_value",
        2,
        "Inwoners",
        "-5",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "nope.csv"], "file not found"),
        (["validate", "{xlsx}", "--sheet", "Blad9"], "no sheet named 'Blad9'"),
        (["validate", "{fake}"], "cannot be opened as an Excel workbook"),
        (["validate", "{xlsx}", "--kind", "weather"], "Invalid value for '--kind'"),
        (["ingest", "{xlsx}", "--map", "missing.toml"], "column map (--map) not found"),
    ],
)
def test_user_mistakes_exit_2_without_traceback(
    tmp_path: Path, registrations_xlsx: Path, args: list[str], message: str
) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    args = [a.format(xlsx=registrations_xlsx, fake=fake) for a in args]
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_ingest_status_json(tmp_path: Path, registrations_xlsx: Path) -> None:
    store = tmp_path / "store"
    result = invoke("ingest", str(registrations_xlsx), "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["stored"] is True and payload["sources"][0]["rows_stored"] == 4
    status = json.loads(invoke("status", "--store", str(store), "--format", "json").stdout)
    assert status["sources"][0]["rows"] == 4
    assert status["coverage"] == [{"kind": "registrations", "area": "Almere", "period": "2019H1", "rows": 4}]


def test_invalid_ingest_exit_1_and_store_untouched(tmp_path: Path, registrations_xlsx: Path) -> None:
    store = tmp_path / "store"
    invoke("ingest", str(registrations_xlsx), "--store", str(store))
    before = snapshot(store)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Registratienummer;Datum;Soort misdrijf code;Gemeente\nQ1;2019-02-30;1.1.1;Almere\n", encoding="utf-8"
    )
    result = invoke("ingest", str(bad), "--store", str(store))
    assert result.exit_code == 1
    assert "nothing was stored" in result.output
    assert snapshot(store) == before


def test_installed_executable(tmp_path: Path, registrations_xlsx: Path) -> None:
    exe = shutil.which("veilcli", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("veilcli is not installed in this environment (pip install -e .)")
    env = {"VEILCLI_STORE": str(tmp_path / "store"), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run(
        [exe, "ingest", str(registrations_xlsx)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [exe, "status", "--format", "json"], capture_output=True, text=True, env=env, timeout=120
    )
    assert json.loads(done.stdout)["sources"][0]["rows"] == 4
    done = subprocess.run(
        [exe, "validate", str(tmp_path / "none.csv")], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2 and "file not found" in done.stderr and "Traceback" not in done.stderr
    module = subprocess.run(
        [sys.executable, "-m", "veilcli", "--version"], capture_output=True, text=True, timeout=120
    )
    assert module.stdout.startswith("veilcli ")


def test_debug_shows_the_traceback() -> None:
    # --debug prints the traceback (no frame locals) before the message, with the same exit code.
    result = invoke("--debug", "validate", "nope.csv")
    assert result.exit_code == 2
    assert "Traceback" in result.output and "InputError" in result.output
    assert "error: nope.csv: file not found" in result.output


def test_internal_errors_are_one_message(monkeypatch: pytest.MonkeyPatch, registrations_xlsx: Path) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("veilcli.sources.pipeline.validate_paths", broken)
    result = invoke("validate", str(registrations_xlsx))
    assert result.exit_code == 70
    assert "internal error: RuntimeError: boom" in result.output and "Traceback" not in result.output


def test_every_command_has_help_and_is_in_the_readme() -> None:
    import typer.main

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    commands = ["compare", "download", "export", "ingest", "map", "normalise", "report", "schema", "status"]
    commands += ["trend", "validate"]
    assert names == commands
    for name in names:
        result = invoke(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output
        assert f"veilcli {name}" in readme, f"`veilcli {name}` is not documented in README.md"


def _excel_owner_file(path: Path) -> Path:
    """What Excel leaves beside an open workbook: `~$<name>`, 162 bytes (the user's name, padded,
    twice: in a one-byte-length field and in UTF-16), no zip, no workbook."""
    user = b"analist"
    data = bytes([len(user)]) + user.ljust(53, b" ") + bytes([len(user), 0]) + "analist".encode("utf-16-le")
    path.write_bytes(data.ljust(162, b" "))
    assert path.stat().st_size == 162
    return path


def test_a_folder_skips_office_lock_files_and_says_so(registrations_xlsx: Path, tmp_path: Path) -> None:
    """`~$rapport.xlsx` (Excel) and `.~lock.rapport.xlsx#` (LibreOffice) are the locks of an open
    workbook, not data: validate and ingest of the folder read the workbook and list both as skipped."""
    folder = tmp_path / "aangeleverd"
    folder.mkdir()
    registrations_xlsx = registrations_xlsx.rename(folder / registrations_xlsx.name)
    excel = _excel_owner_file(folder / "~$rapport.xlsx")
    libre = folder / ".~lock.rapport.xlsx#"
    libre.write_text(",analist,laptop,05.03.2019 10:15,file:///home/analist/.config/libreoffice/4;")
    checked = invoke("validate", str(folder), "-f", "json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)
    assert [f["path"] for f in report["files"]] == [str(registrations_xlsx)]
    skipped = {(s["path"], s["reason"]) for s in report["skipped"]}
    assert skipped == {(str(excel), "lock_file"), (str(libre), "lock_file")}
    assert "skipped" in invoke("validate", str(folder)).output
    store = tmp_path / "store"
    stored = invoke("ingest", str(folder), "--store", str(store))
    assert stored.exit_code == 0, stored.output
    assert "~$rapport.xlsx: skipped: an office suite's lock file" in stored.output.replace("\n", "")
    assert "4 rows stored" in " ".join(stored.output.split())
    as_json = json.loads(invoke("ingest", str(folder), "--store", str(store), "-f", "json").stdout)
    assert {s["reason"] for s in as_json["report"]["skipped"]} == {"lock_file"}
    # A folder holding only a lock file has no data: said, with the lock file named.
    only = tmp_path / "only"
    only.mkdir()
    _excel_owner_file(only / "~$rapport.xlsx")
    refused = invoke("validate", str(only))
    assert refused.exit_code == 2 and "lock file" in refused.output and "Traceback" not in refused.output


def test_skip_invalid_without_a_valid_row_exits_1(tmp_path: Path) -> None:
    """Every row invalid: --skip-invalid has nothing to store; exit 1 as for invalid rows (README)."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "Registratienummer;Datum;Soort misdrijf code;Gemeente\nR1;nooit;1.1.1;Almere\n", encoding="utf-8"
    )
    store = tmp_path / "store"
    result = invoke(
        "ingest", str(path), "--store", str(store), "--skip-invalid", "--rejected-dir", str(tmp_path)
    )
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "no valid row" in said and "nothing was stored" in said and "stored in" not in said
    assert not store.exists()
    as_json = invoke("ingest", str(path), "--store", str(store), "--skip-invalid", "-f", "json")
    assert as_json.exit_code == 1
    document = json.loads(as_json.stdout)
    assert document["stored"] is False and document["sources"][0]["status"] == "no-valid-rows"


READ_COMMANDS = [
    ["status"],
    ["status", "-f", "json"],
    ["compare"],
    ["compare", "--area", "all"],
    ["trend"],
    ["normalise"],
    ["export", "xlsx", "{out}/r.xlsx"],
    ["export", "csv", "{out}/csv"],
    ["export", "json", "{out}/r.json"],
    ["report", "html", "{out}/r.html"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_store_that_does_not_exist_is_an_error_for_every_read_command(
    tmp_path: Path, command: list[str]
) -> None:
    """`--store /typo`: not "no data for Almere" (compare) nor an empty store and exit 0 (status),
    but: the store is missing, its path, and the way out; nothing written, no folder created."""
    typo = tmp_path / "typo"
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(*[part.format(out=out) for part in command], "--store", str(typo))
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"no store at {typo}: the folder does not exist" in said
    assert "veilcli ingest" in said and "VEILCLI_STORE" in said and "Traceback" not in said
    assert not typo.exists() and list(out.iterdir()) == []


def test_the_default_store_missing_says_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VEILCLI_STORE", raising=False)
    result = invoke("status")
    assert result.exit_code == 2
    assert "no store at .veilcli" in result.output and "working folder" in result.output


def test_ingest_still_creates_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Registratienummer;Datum;Soort misdrijf code;Gemeente\nR1;2019-03-05;1.2.3;Almere\n")
    store = tmp_path / "new" / "store"
    assert invoke("ingest", str(path), "--store", str(store)).exit_code == 0
    assert invoke("status", "--store", str(store)).exit_code == 0


def test_the_ingest_summary_writes_its_counts_with_thousands_separators(tmp_path: Path) -> None:
    """1,234 rows read as "1,234 rows stored", as every other count veilcli prints, not "1234"."""
    header = "Registratienummer;Datum;Soort misdrijf code;Soort misdrijf;Gemeente;Wijk;Buurt;"
    header += "Gebeurtenisnummer;Wijze van aangifte;Poging"
    rows = [
        f"PL0900-2018{n:06d};{1 + n % 28:02d}-03-2018 10:00;1.2.1;Diefstal uit/vanaf motorvoertuigen;"
        "Almere;Almere-Stad;Centrum Almere-Stad;;Balie;N"
        for n in range(1234)
    ]
    source = tmp_path / "registraties.csv"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    stored = invoke("ingest", str(source), "--store", str(tmp_path / "store"))
    assert stored.exit_code == 0, stored.output
    assert "1,234 rows stored, 0 rejected" in " ".join(stored.output.split())
    source.write_text("\n".join([header, *(r.replace(";Balie;", ";Internet;") for r in rows)]) + "\n")
    replaced = invoke("ingest", str(source), "--store", str(tmp_path / "store"), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert f"replaced 1,234 row(s) previously stored from {source}" in " ".join(replaced.output.split())

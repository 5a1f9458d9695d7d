"""The hostile corpus (``tests/hostile_corpus.py``) through ``veilcli validate`` and ``veilcli ingest``.

Every refused case must exit 2 with one ``error:`` line (and at most a ``hint:`` line) that names
the file by its display name and says what is wrong, without a traceback, without quoting the
file's contents at length, and must leave the store byte for byte as it was. Every accepted case
must be read completely (exit 0, or 1 for findings in the rows; the rows counted).

The harmless cases run in this process. The dangerous ones (bombs, a FIFO, a device) would hang or
exhaust memory if a guard were missing, so they run in two child processes (the cases split
between them, each case after the other) under a 2 GiB address-space limit and a timeout, and each
case must finish within 60 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.hostile_corpus import ACCEPTED, REFUSED, Case, build, cases
from veilcli.cli import app
from veilcli.sources.messages import display_path

ROOT = Path(__file__).resolve().parent.parent
CASES = cases()
SAFE = [c for c in CASES if not c.dangerous]
DANGEROUS = [c for c in CASES if c.dangerous]
MEMORY_LIMIT = 2 << 30  # bytes of address space for a child
SECONDS = 60  # per case

# Cases that fail because of code other engineers own; remove an entry once that fix lands.
XFAIL: dict[str, str] = {}


def _id(case: Case) -> str:
    return ascii(case.name)[1:-1]


def _params(chosen: list[Case]) -> list[Any]:
    return [
        pytest.param(c, id=_id(c), marks=[pytest.mark.xfail(reason=XFAIL[c.name], strict=False)])
        if c.name in XFAIL
        else pytest.param(c, id=_id(c))
        for c in chosen
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    build(folder)
    return folder


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the sample population: refused inputs must leave it byte for byte."""
    location = tmp_path_factory.mktemp("hostile-store") / "store"
    result = CliRunner().invoke(
        app, ["ingest", "--store", str(location), str(ROOT / "sample_data" / "bevolking.csv")]
    )
    assert result.exit_code == 0, result.output
    return location


def store_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file in a store (nothing when the store does not exist)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def check(case: Case, path: Path, command: str, exit_code: int, stdout: str, stderr: str) -> None:
    """The outcome a case declares, for one command."""
    output = stdout + stderr
    where = f"{_id(case)} / {command}: exit {exit_code}\n{output[:2000]}"
    assert "Traceback" not in output, where
    assert "internal error" not in output, where
    if case.outcome == ACCEPTED:
        assert exit_code in (0, 1), where
        if command == "validate" and case.rows is not None:
            [report] = json.loads(stdout)["files"]
            assert report["rows_read"] == case.rows, where
        return
    assert case.outcome == REFUSED
    assert exit_code == 2, where
    lines = stderr.rstrip("\n").split("\n")
    assert lines[0].startswith("error: "), where
    assert all(line.startswith("  hint: ") for line in lines[1:]) and len(lines) <= 2, where
    assert display_path(path) in lines[0], where  # names the file, printably
    assert case.message in lines[0], where
    assert len(lines[0]) < 400, where  # never kilobytes of the file
    if case.secret:
        assert case.secret not in output, where


@pytest.mark.parametrize("case", _params(SAFE))
def test_harmless_case(case: Case, corpus: Path, store: Path, tmp_path: Path) -> None:
    path = corpus / case.name
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "--format", "json", str(path)], env=case.env)
    check(case, path, "validate", result.exit_code, result.stdout, result.stderr)
    target = store if case.outcome == REFUSED else tmp_path / "store"
    before = store_hashes(target)
    result = runner.invoke(app, ["ingest", "--store", str(target), str(path)], env=case.env)
    check(case, path, "ingest", result.exit_code, result.stdout, result.stderr)
    if case.outcome == REFUSED:
        assert store_hashes(target) == before


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture(scope="module")
def dangerous_results(corpus: Path, store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the dangerous cases in two child processes; their JSON lines by (case index, command)."""
    indices = [CASES.index(c) for c in DANGEROUS]
    children = []
    for number, share in enumerate((indices[0::2], indices[1::2])):
        own = tmp_path_factory.mktemp(f"hostile-child-{number}")
        copy = own / "store"
        shutil.copytree(store, copy)
        command = [
            sys.executable,
            str(ROOT / "tests" / "hostile_corpus.py"),
            str(corpus),
            "--store",
            str(copy),
        ]
        process = subprocess.Popen(
            [*command, "--run", *map(str, share)],
            cwd=own,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_limit_memory,
            # Address space grows with polars' thread count: the same few threads on any machine.
            env={**os.environ, "POLARS_MAX_THREADS": "4"},
        )
        children.append((process, copy, store_hashes(copy)))
    results: dict[str, Any] = {"lines": {}, "stores": []}
    for process, copy, before in children:
        try:
            out, err = process.communicate(timeout=SECONDS * 2)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        for line in out.decode().splitlines():
            record = json.loads(line)
            results["lines"][(record["index"], record["command"])] = record
        results["stores"].append(
            (before, store_hashes(copy), process.returncode, err.decode(errors="replace"))
        )
    return results


@pytest.mark.slow
@pytest.mark.parametrize("case", _params(DANGEROUS))
def test_dangerous_case(case: Case, corpus: Path, dangerous_results: dict[str, Any]) -> None:
    index = CASES.index(case)
    for command in ("validate", "ingest"):
        record = dangerous_results["lines"].get((index, command))
        assert record is not None, f"{_id(case)} / {command} did not finish: {dangerous_results['stores']}"
        check(case, corpus / case.name, command, record["exit_code"], record["stdout"], record["stderr"])
        assert record["seconds"] < SECONDS
        assert record["max_rss_mb"] < MEMORY_LIMIT >> 20


@pytest.mark.slow
def test_dangerous_cases_leave_the_store_alone(dangerous_results: dict[str, Any]) -> None:
    for before, after, returncode, stderr in dangerous_results["stores"]:
        assert returncode == 0, stderr[-2000:]
        assert after == before


def test_the_corpus_is_big_and_varied() -> None:
    assert len(CASES) >= 75
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.outcome for c in CASES} == {REFUSED, ACCEPTED}
    assert len({c.group for c in CASES}) >= 10
    assert all(c.message for c in CASES if c.outcome == REFUSED)


MAP_SUGGEST_CASES = [
    "sheet-part-other-case.xlsx",
    "sheet-target-upper-folder.xlsx",
    "shared-strings-late-tag.xlsx",
    "self-closing-row-bomb.xlsx",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", MAP_SUGGEST_CASES)
def test_map_suggest_refuses_the_bombs_too(name: str, corpus: Path, tmp_path: Path) -> None:
    """``map suggest`` reads a workbook through the same checks (issue 21: it aborted too)."""
    path = corpus / name
    result = subprocess.run(
        [sys.executable, "-m", "veilcli", "map", "suggest", str(path), "-o", str(tmp_path / "map.toml")],
        capture_output=True,
        preexec_fn=_limit_memory,
        env={**os.environ, "POLARS_MAX_THREADS": "4", "PYTHONPATH": str(ROOT)},
        timeout=SECONDS,
    )
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 2, stderr[-2000:]
    assert stderr.startswith("error: ") and "Traceback" not in stderr
    assert not (tmp_path / "map.toml").exists()

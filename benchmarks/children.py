"""Running a benchmark's child process: its wall time, its own peak memory and what it reports."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_child(argv: list[str], root: Path = REPO) -> dict[str, float]:
    """Run a child on the veilcli of ``root``; its wall and CPU seconds and peak RSS (MiB, ``os.wait4``),
    plus what it printed last as ``{"op_s": ...}`` JSON (a command's own output is not read)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    # An empty folder of its own as the working folder: Python puts it first on a child's path, so
    # a stray "attr.py" in a shared temporary folder would shadow the package ``attrs``.
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as cwd,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if code != 0:
        raise SystemExit(f"child {argv} failed ({code}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
    # CPU seconds (user + system, all threads): on a loaded machine less noisy than the wall time.
    cpu = usage.ru_utime + usage.ru_stime
    result: dict[str, float] = {"wall_s": wall, "cpu_s": cpu, "peak_mib": usage.ru_maxrss / 1024}
    lines = stdout.strip().splitlines()
    if lines and lines[-1].startswith('{"op_s"'):
        result.update(json.loads(lines[-1]))
    return result

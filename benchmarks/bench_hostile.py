"""Benchmark: time and peak memory of refusing each bomb of the hostile corpus.

Writes the corpus (``tests/hostile_corpus.py``) into ``benchmarks/data/hostile/`` and runs each
bomb (the dangerous cases, and the big text files) through ``veilcli validate`` and ``veilcli
ingest`` in a fresh child process of its own, under a 2 GiB address-space limit, so the peak RSS
is that case's alone (it includes Python and polars, about 115 MB: see the ``baseline`` row).
Then it times the exact replay of a 1M-cell sheet without cell references, and the checks on an
ordinary 1M-row workbook (from ``bench_ingest.py``), against calamine's own reads of them.
Usage: ``python benchmarks/bench_hostile.py [--no-large]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile_corpus import build, cases  # noqa: E402

DATA = Path(__file__).parent / "data"
BIG_TEXT = ("newline-bomb.csv", "cell-bomb.csv", "long-field.csv", "utf8-stray-byte-late.csv")
BASELINE = "header-only.csv"


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def population_store(folder: Path) -> Path:
    """A store holding the sample population, as the tests give the cases (a plan or rules file is
    only read once there is a store to compare: without one, compare says so first)."""
    store = folder.parent / "hostile-population-store"
    if not store.exists():
        population = ROOT / "sample_data" / "bevolking.csv"
        subprocess.run(
            [sys.executable, "-m", "veilcli", "ingest", str(population), "--store", str(store)],
            check=True,
            capture_output=True,
        )
    return store


def run_case(
    folder: Path, index: int, env: dict[str, str]
) -> tuple[list[dict[str, object]], float, int, int]:
    """One case in a fresh child, on its own copy of the population store: its JSON lines, wall
    seconds, peak RSS (MB), exit status."""
    store = folder.parent / "hostile-store"
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(population_store(folder), store)
    command = [sys.executable, str(ROOT / "tests" / "hostile_corpus.py"), str(folder), "--store", str(store)]
    start = time.perf_counter()
    child = subprocess.Popen(
        [*command, "--run", str(index)], stdout=subprocess.PIPE, preexec_fn=_limit, env={**os.environ, **env}
    )
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    lines = [json.loads(line) for line in out.decode().splitlines()]
    return lines, seconds, round(usage.ru_maxrss / 1024), child.returncode


def bombs(folder: Path) -> None:
    everything = cases()
    chosen = [c for c in everything if c.dangerous or c.name in BIG_TEXT or c.name == BASELINE]
    build(folder, chosen)
    print("| case | on disk | refused by | validate (s) | ingest (s) | child wall (s) | peak RSS (MB) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for case in chosen:
        lines, wall, rss, status = run_case(folder, everything.index(case), case.env)
        seconds = {str(line["command"]): float(line["seconds"]) for line in lines}  # type: ignore[arg-type]
        message = str(lines[0]["stderr"]).split("\n")[0] if lines else f"child exit {status}"
        reason = message.split(": ", 2)[-1][:70] if case.outcome == "refused" else "(accepted)"
        size = (folder / case.name).lstat().st_size
        print(
            f"| {case.name} | {size:,} | {reason} | {seconds.get('validate', float('nan')):.2f} | "
            f"{seconds.get('ingest', float('nan')):.2f} | {wall:.2f} | {rss} |"
        )


def large_workbook() -> None:
    """The checks on an ordinary 1M-row workbook, against calamine's own read of it."""
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_ingest  # the 1M-row registrations workbook, generated once
    import fastexcel

    from veilcli.sources import files, xlsx_safety

    path = bench_ingest.ensure_files(1_000_000, True)["xlsx"]
    data = files.read_file_bytes(path)
    start = time.perf_counter()
    book = xlsx_safety.Workbook(path, data)
    for sheet in book.sheet_parts:
        book.check_sheet(sheet)
    checks = time.perf_counter() - start
    start = time.perf_counter()
    fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string").to_polars()
    calamine = time.perf_counter() - start
    size = path.stat().st_size
    print(f"\n1M-row workbook ({size:,} bytes): checks {checks:.2f} s, calamine read {calamine:.2f} s")


def unusual_workbook() -> None:
    """The exact replay (``calamine_xml.CellScan``) of a sheet whose 1M cells have no reference,
    which sends the check off the fast path, against calamine's own read of it."""
    import fastexcel

    from tests.hostile_corpus import sheet_xml, workbook_entries, write_zip
    from veilcli.sources import xlsx_safety

    path = DATA / "positional-1m.xlsx"
    if not path.exists():
        rows = "".join("<row>" + "<c><v>1</v></c>" * 10 + "</row>" for _ in range(100_000))
        write_zip(path, workbook_entries({"Blad1": sheet_xml(rows)}))
    data = path.read_bytes()
    os.environ["VEILCLI_MAX_XLSX_RATIO"] = "1000"  # it compresses 177 times
    start = time.perf_counter()
    xlsx_safety.Workbook(path, data).check_sheet("Blad1")
    checks = time.perf_counter() - start
    start = time.perf_counter()
    fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string").to_polars()
    calamine = time.perf_counter() - start
    print(f"1M cells without references: exact replay {checks:.2f} s, calamine read {calamine:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-large", action="store_true", help="skip the 1M-row workbook")
    args = parser.parse_args()
    bombs(DATA / "hostile")
    unusual_workbook()
    if not args.no_large:
        large_workbook()


if __name__ == "__main__":
    main()

"""Benchmark: `compare` (default Almere plan, corrections on) on a store of N registrations, cold.

Builds the store once under ``benchmarks/data/`` (not committed) from the ingest benchmark's
generated CSV plus the sample population, counts and suspects. Then, ``--runs`` times (default 5),
one after the other so machine load hits all of them alike, each in a fresh child process:

- ``python -c pass`` and ``import polars``: what any Python child and any polars child cost;
- library, cold: ``from veilcli.api import compare`` and the first
  ``compare(store, period="2019H1", baseline=2017)``, timed inside the child (imports included,
  interpreter start not), then ``--warm`` more calls in the same child (their median is "warm");
- command: ``veilcli compare --period 2019H1 --baseline 2017 --store S --format json``, the whole
  child process as the parent sees it (interpreter start, imports, rendering, printing);
- ``veilcli report html ... FILE --force``, the whole child process (compare and trend, the HTML
  written to a temporary file);
- ``veilcli --help``, the whole child process;
- yardsticks: a process that imports polars, reads the registrations' Parquet and groups it (by
  category, municipality and half-year, the shape of compare's first aggregation): once scanning
  only the four columns grouped, once reading every column first.

Peak RSS is each child's own (``ru_maxrss`` from ``os.wait4``). Reported are the medians (min-max).
The children run the veilcli of the checkout this script belongs to (``PYTHONPATH`` is set to it).
``--against DIR`` also runs the compare children on another checkout (e.g. main) in the same rounds,
for a before/after under the same machine load.
Usage: ``python benchmarks/bench_compare.py [--rows 1000000] [--runs 5] [--warm 3] [--against ../main]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from children import run_child

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = REPO / "sample_data"
PERIOD, BASELINE = "2019H1", 2017


def store_root(rows: int) -> Path:
    """The store of a size, built in a child process when missing.

    This process stays small: a child's ``ru_maxrss`` starts from its parent's resident size at
    the fork, so a parent that built the store itself would inflate every child's peak.
    """
    root = HERE / "data" / f"store-{rows}"
    if not (root / "manifest.json").exists():
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build", str(rows)], check=True)
    return root


def build_store(rows: int) -> Path:
    """A store with N registrations and the sample's population, counts and suspects (cached)."""
    root = HERE / "data" / f"store-{rows}"
    if (root / "manifest.json").exists():
        return root
    sys.path.insert(0, str(HERE))
    from bench_ingest import ensure_files

    from veilcli.sources.pipeline import ReadOptions
    from veilcli.store.ingest import ingest_paths
    from veilcli.store.store import Store

    csv = ensure_files(rows, xlsx=False)["csv"]
    extra = [
        SAMPLE / n
        for n in (
            "bevolking.csv",
            "benchmarks-tellingen.csv",
            "almere-huisverboden.csv",
            "almere-verdachten-2017-2019.csv",
        )
    ]
    result = ingest_paths([csv, *extra], Store(root), ReadOptions())
    assert result.stored
    return root


def child(root: Path, warm_calls: int) -> None:
    """In a fresh process: compare cold (imports included), then warm; print JSON."""
    start = time.perf_counter()
    from veilcli.api import Store, compare

    store = Store(root)
    result = compare(store, period=PERIOD, baseline=BASELINE)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(warm_calls):
        start = time.perf_counter()
        compare(store, period=PERIOD, baseline=BASELINE)
        warm.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "op_s": cold,
                "warm_s": statistics.median(warm) if warm else None,
                "indicators": len(result.indicators),
            }
        )
    )


def yardstick(root: Path, columns: str) -> None:
    """In a fresh process: import polars, read the store's registrations and group them; print JSON.

    ``columns`` "used": only the four columns grouped (a lazy scan: projection pushed down to the
    Parquet reader), the floor for compare's first aggregation; "all": every column read first.
    """
    start = time.perf_counter()
    import polars as pl

    rows = pl.scan_parquet(root / "registrations" / "*.parquet")
    if columns == "all":
        rows = rows.collect().lazy()
    grouped = (
        rows.group_by(
            "category_code",
            "municipality",
            pl.col("date").dt.year().alias("year"),
            (pl.col("date").dt.month() > 6).alias("half"),
        )
        .agg(pl.len(), (pl.col("channel") == "internet").sum())
        .collect()
    )
    print(json.dumps({"op_s": time.perf_counter() - start, "groups": grouped.height}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm", type=int, default=3, help="warm calls after the cold one, per child")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--yardstick", nargs=2, metavar=("STORE", "COLUMNS"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (e.g. main) measured in the same rounds, for a before/after",
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.warm)
        return
    if args.build:
        build_store(args.build)
        return
    if args.yardstick:
        yardstick(Path(args.yardstick[0]), args.yardstick[1])
        return
    root = store_root(args.rows)
    # Bytecode first, as an installed package has it: a checkout without __pycache__ (this machine sets
    # PYTHONDONTWRITEBYTECODE=1) compiles every module again in every child (~0.07 s of each).
    for checkout in (REPO, *([args.against] if args.against else [])):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "veilcli")], check=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert own < 40, f"this process holds {own:.0f} MiB: it would inflate its children's peak RSS"
    python = sys.executable
    commands = {
        "`python -c pass`": [python, "-c", "pass"],
        "`import polars`": [python, "-c", "import polars"],
        "library, cold: import + first `compare()`": [
            python,
            __file__,
            "--child",
            str(root),
            "--warm",
            str(args.warm),
        ],
        "`veilcli compare ... --format json` (command)": [
            python,
            "-m",
            "veilcli",
            "compare",
            "--period",
            PERIOD,
            "--baseline",
            str(BASELINE),
            "--store",
            str(root),
            "--format",
            "json",
        ],
        "`veilcli report html ... FILE --force` (command)": [
            python,
            "-m",
            "veilcli",
            "report",
            "html",
            "--period",
            PERIOD,
            "--baseline",
            str(BASELINE),
            "--store",
            str(root),
            "--force",
            str(Path(tempfile.gettempdir()) / f"bench-report-{os.getpid()}.html"),
        ],
        "`veilcli --help` (command)": [python, "-m", "veilcli", "--help"],
        "yardstick: import polars, scan the registrations' Parquet (4 columns), group": [
            python,
            __file__,
            "--yardstick",
            str(root),
            "used",
        ],
        "yardstick: import polars, read the registrations' Parquet (all columns), group": [
            python,
            __file__,
            "--yardstick",
            str(root),
            "all",
        ],
    }
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    # With --against, every veilcli child runs on both checkouts in each round (alternating which first).
    runs = [(name, argv, REPO) for name, argv in commands.items()]
    if args.against:
        veilcli_children = [name for name in commands if "compare" in name or "report" in name]
        runs += [(f"{name} of {args.against}", commands[name], args.against) for name in veilcli_children]
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in runs}
    for number in range(args.runs):
        for name, argv, checkout in runs if number % 2 == 0 else runs[::-1]:
            results[name].append(run_child(argv, checkout))

    def cell(name: str, key: str, digits: int = 2) -> str:
        values = [r[key] for r in results[name] if r.get(key) is not None]
        if not values:
            return "-"
        return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"

    print(f"\n{args.rows:,} registrations, medians of {args.runs} runs (min-max)\n")
    print("| child | op, in the child (s) | warm (s) | wall (s) | CPU (s) | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in results:
        print(
            f"| {name} | {cell(name, 'op_s')} | {cell(name, 'warm_s')} | {cell(name, 'wall_s')} | "
            f"{cell(name, 'cpu_s')} | {cell(name, 'peak_mib', 0)} |"
        )
    compare_name = "`veilcli compare ... --format json` (command)"
    for name in results:
        if "report html" in name or "yardstick" in name:
            # Each checkout's report against its own compare; the yardsticks against this checkout's.
            own = compare_name + name.partition(" (command)")[2] if " of " in name else compare_name
            compare_wall = statistics.median(r["wall_s"] for r in results[own])
            wall = statistics.median(r["wall_s"] for r in results[name])
            print(f"- {name}: {wall / compare_wall:.2f}x the `veilcli compare` command's wall time ({own})")
    load = os.getloadavg()
    print(f"\nload average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()

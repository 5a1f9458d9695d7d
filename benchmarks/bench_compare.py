"""Benchmark: `compare` (default Almere plan, corrections on) on a store of N registrations.

Builds the store once under ``benchmarks/data/`` from the ingest benchmark's generated CSV plus
the sample population, counts and suspects, then times ``compare`` in a fresh child process
(first call, which includes imports of scipy etc., and the best of the following calls), and
``veilcli --help`` start-up. Usage: ``python benchmarks/bench_compare.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "sample_data"


def build_store(rows: int) -> Path:
    """A store with N registrations and the sample's population, counts and suspects (cached)."""
    from bench_ingest import ensure_files

    from veilcli.store.ingest import ReadOptions, ingest_paths
    from veilcli.store.store import Store

    root = HERE / "data" / f"store-{rows}"
    if (root / "manifest.json").exists():
        return root
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


def child(root: Path, repeat: int) -> None:
    """In a fresh process: time compare cold and warm; print JSON."""
    start = time.perf_counter()
    from veilcli.analysis.compare import compare
    from veilcli.store.store import Store

    store = Store(root)
    result = compare(store, period="2019H1", baseline=2017)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        compare(store, period="2019H1", baseline=2017)
        warm.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"cold_s": cold, "warm_s": min(warm), "peak_rss_mb": peak, "indicators": len(result.indicators)}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    sys.path.insert(0, str(HERE))
    root = build_store(args.rows)
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(root), "--repeat", str(args.repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    exe = Path(sys.executable).parent / "veilcli"
    helps = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        helps.append(time.perf_counter() - start)
    print(
        f"| {args.rows:,} | {result['cold_s']:.2f} | {result['warm_s']:.2f} | {result['peak_rss_mb']:,.0f} | "
        f"{min(helps):.2f} |"
    )


if __name__ == "__main__":
    main()

"""Benchmark: normalise N stored registrations (about 15% sharing an event_id).

Writes N rows in the store's Parquet layout under ``benchmarks/data/`` (cached), then runs
``aggregate_registrations`` (classification join, samenloop collapse, baseline-share internet
correction, aggregation per half-year x area x category) in a fresh child process, so its
peak RSS is the normalisation's own. Usage: ``python benchmarks/bench_normalise.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

DATA = Path(__file__).parent / "data"
CODES = [
    "1.1.1",
    "1.2.1",
    "1.2.3",
    "1.4.6",
    "2.2.1",
    "3.9.1",
    "1.4.5",
    "2.5.2",
    "3.1.3",
    "1.4.4",
    "E35",
    "A72",
]
CHANNELS = ["internet", "desk", "phone", "other", "unknown"]


def make_store_file(rows: int) -> Path:
    """N registrations as the store keeps them (cached)."""
    path = DATA / f"stored-registrations-{rows}.parquet"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    i = pl.int_range(rows, eager=True, dtype=pl.Int64)
    frame = pl.DataFrame({"i": i}).select(
        pl.format("PL{}", pl.col("i")).alias("registration_id"),
        (pl.lit(dt.date(2017, 1, 1)) + pl.duration(days=(pl.col("i") * 7919) % 1095)).alias("date"),
        pl.col("i")
        .mod(len(CODES))
        .replace_strict(dict(enumerate(CODES)), return_dtype=pl.String)
        .alias("category_code"),
        pl.lit(None, dtype=pl.String).alias("category_label"),
        pl.lit("Almere").alias("municipality"),
        pl.format("W{}", pl.col("i").mod(6)).alias("district"),
        pl.lit(None, dtype=pl.String).alias("neighbourhood"),
        # 15% of rows share an event with two neighbours (ids i//3 among those rows).
        pl.when(pl.col("i").mod(100) < 15).then(pl.format("GB{}", pl.col("i") // 3)).alias("event_id"),
        pl.col("i")
        .mod(len(CHANNELS))
        .replace_strict(dict(enumerate(CHANNELS)), return_dtype=pl.String)
        .alias("channel"),
        (pl.col("i").mod(10) == 0).alias("attempt"),
        pl.col("i").alias("source_row"),
        pl.lit("bench").alias("source_id"),
    )
    frame.write_parquet(path)
    return path


def child(path: Path, repeat: int) -> None:
    """Run in a fresh process: time the normalisation, report seconds and peak RSS as JSON."""
    from veilcli.analysis.normalise import aggregate_registrations
    from veilcli.domain.rules import default_rules

    rules = default_rules()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = aggregate_registrations(pl.scan_parquet(path), rules, unit="H", baseline="2017H1")
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "best_s": min(times),
                "peak_rss_mb": peak,
                "groups": result.height,
                "raw": result["raw"].sum(),
                "corrected": result["corrected"].sum(),
            }
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
    path = make_store_file(args.rows)
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--repeat", str(args.repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    print(
        f"| {args.rows:,} | {result['best_s']:.2f} | {result['peak_rss_mb']:,.0f} | {result['groups']} | "
        f"{result['raw']:,.0f} | {result['corrected']:,.0f} |"
    )


if __name__ == "__main__":
    main()

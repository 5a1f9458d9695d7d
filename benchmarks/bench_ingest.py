"""Benchmark: `veilcli ingest` against the raw polars read of the same file, each in a fresh process.

Generates N registration rows (Dutch headers, dd-mm-yyyy dates, channel words) as CSV and xlsx
under ``benchmarks/data/`` (cached, not committed). Then, ``--runs`` times (default 5), one after
the other so machine load hits all of them alike, each in a fresh child process of its own:

- ``import polars``: a child that only imports polars (the memory floor every child shares);
- yardstick: ``pl.read_csv(path, separator=";")`` / ``pl.read_excel(path)`` (calamine);
- ``ingest_paths``: the library call into a fresh store (read, header detection, sha256,
  validation of every rule, summary, Parquet write, manifest);
- ``veilcli ingest PATH --store TMP``: the command as a user runs it (typer, rendering included).

Per child: "op" is the seconds of the read or ingest call measured inside the child (imports
excluded), "wall" the whole child process as the parent sees it (interpreter start and imports
included), and the peak RSS the child's own (``ru_maxrss`` from ``os.wait4``). Reported are the
medians. Memory ratios are given twice: **gross** (veilcli's peak RSS / the yardstick's peak RSS,
both with their imports) and **net** (each minus the peak RSS of the bare ``import polars`` child).

The children run the veilcli of the checkout this script belongs to (``PYTHONPATH`` is set to it).
``--against DIR`` also runs the two veilcli children on another checkout (e.g. main) in the same
rounds, alternating which goes first, for a before/after under the same machine load.
Usage: ``python benchmarks/bench_ingest.py [--rows 1000000] [--formats csv xlsx] [--runs 5]
[--against ../main]``.
Prints Markdown tables for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from children import run_child

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
CODES = ["1.1.1", "1.2.1", "1.2.3", "1.4.6", "2.2.1", "3.9.1", "1.4.5", "2.5.2", "E35", "E38"]
CHANNELS = ["Internet", "Balie", "Telefoon", "Overig", ""]
DISTRICTS = ["Almere-Stad", "Almere-Haven", "Almere-Buiten", "Almere-Hout", "Almere-Poort"]


def registrations(rows: int) -> Any:
    """N synthetic registrations with Dutch headers, about 15% sharing an event."""
    import polars as pl

    i = pl.int_range(rows, eager=True)
    base = pl.DataFrame({"i": i}).with_columns(
        (pl.lit(dt.datetime(2017, 1, 1)) + pl.duration(minutes=(pl.col("i") * 7919) % (1095 * 1440))).alias(
            "date"
        )
    )
    return base.select(
        pl.format("PL0900-{}", pl.col("i")).alias("Registratienummer"),
        pl.col("date").dt.strftime("%d-%m-%Y %H:%M").alias("Datum"),
        pl.col("i").mod(len(CODES)).replace_strict(dict(enumerate(CODES))).alias("Soort misdrijf code"),
        pl.lit("Almere").alias("Gemeente"),
        pl.col("i").mod(len(DISTRICTS)).replace_strict(dict(enumerate(DISTRICTS))).alias("Wijk"),
        pl.when(pl.col("i").mod(100) < 15)
        .then(pl.format("GB-{}", pl.col("i") // 3))
        .otherwise(None)
        .alias("Gebeurtenisnummer"),
        pl.col("i").mod(len(CHANNELS)).replace_strict(dict(enumerate(CHANNELS))).alias("Wijze van aangifte"),
        pl.when(pl.col("i").mod(10) == 0).then(pl.lit("J")).otherwise(pl.lit("N")).alias("Poging"),
    )


def ensure_files(rows: int, xlsx: bool) -> dict[str, Path]:
    """Generate (once) the csv and xlsx inputs of a size."""
    DATA.mkdir(parents=True, exist_ok=True)
    frame = None
    files = {"csv": DATA / f"registrations-{rows}.csv"}
    if xlsx:
        files["xlsx"] = DATA / f"registrations-{rows}.xlsx"
    for fmt, path in files.items():
        if path.exists():
            continue
        frame = frame if frame is not None else registrations(rows)
        if fmt == "csv":
            frame.write_csv(path, separator=";")
        else:
            write_xlsx(frame, path)
    return files


def write_xlsx(frame: Any, path: Path) -> None:
    """A plain workbook with a title row above the header, as exports look (openpyxl write-only)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Registraties")
    sheet.append(["Geregistreerde misdrijven (benchmark)"])
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(row)
    workbook.save(path)


def generated_files(rows: int) -> dict[str, Path]:
    """The inputs of a size, generated in a child process when missing.

    This process stays small: a child's ``ru_maxrss`` starts from its parent's resident size at
    the fork, so a parent that generated a million rows would inflate every child's peak.
    """
    files = {fmt: DATA / f"registrations-{rows}.{fmt}" for fmt in ("csv", "xlsx")}
    if not all(p.exists() for p in files.values()):
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--generate", str(rows)], check=True)
    return files


# --- children ---------------------------------------------------------------------------------


def child(what: str, path: Path) -> None:
    """Run one measurement in this (fresh) process; print the op seconds as JSON."""
    if what == "polars":
        import polars  # noqa: F401

        print(json.dumps({"op_s": 0.0}))
        return
    if what in ("read_csv", "read_excel"):
        import polars as pl

        start = time.perf_counter()
        frame = pl.read_csv(path, separator=";") if what == "read_csv" else pl.read_excel(path)
        op = time.perf_counter() - start
        print(json.dumps({"op_s": op, "rows": frame.height}))
        return
    assert what == "ingest_paths"
    try:
        from veilcli.tuning import tune_allocators
    except ImportError:  # a checkout before issue 23 (--against): importing veilcli tuned them
        pass
    else:
        tune_allocators()  # as the CLI does, before polars loads (an API user's choice)
    try:
        from veilcli.sources.pipeline import ReadOptions
    except ImportError:  # before issue 23 the options lived with the store's ingest
        from veilcli.store.ingest import ReadOptions  # type: ignore[attr-defined,no-redef]
    from veilcli.store.ingest import ingest_paths
    from veilcli.store.store import Store

    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        start = time.perf_counter()
        result = ingest_paths([path], Store(folder / "store"), ReadOptions())
        op = time.perf_counter() - start
        assert result.stored, "benchmark input must be valid"
        print(json.dumps({"op_s": op, "rows": result.sources[0].rows_stored}))
    finally:
        shutil.rmtree(folder)


def cli_ingest(path: Path, root: Path = REPO) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-cli-"))
    try:
        argv = [sys.executable, "-m", "veilcli", "ingest", str(path), "--store", str(folder / "s")]
        return run_child(argv, root)
    finally:
        shutil.rmtree(folder)


def measure(path: Path, fmt: str, runs: int, against: Path | None) -> dict[str, dict[str, Any]]:
    """Medians over ``runs`` rounds of: import polars, yardstick, ingest_paths, veilcli ingest (and
    the last two on the ``against`` checkout, in the same rounds)."""
    yardstick = "read_csv" if fmt == "csv" else "read_excel"
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    roots = {"": REPO, **({"@against": against} if against else {})}
    rounds: dict[str, list[dict[str, float]]] = {"polars": [], yardstick: []}
    for number in range(runs):
        rounds["polars"].append(run_child([*me, "polars", str(path)]))
        rounds[yardstick].append(run_child([*me, yardstick, str(path)]))
        order = list(roots.items()) if number % 2 == 0 else list(roots.items())[::-1]
        for suffix, root in order:  # which checkout goes first alternates between rounds
            rounds.setdefault(f"ingest_paths{suffix}", []).append(
                run_child([*me, "ingest_paths", str(path)], root)
            )
            rounds.setdefault(f"cli{suffix}", []).append(cli_ingest(path, root))
    return {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        | {f"{key}_range": (min(r[key] for r in results), max(r[key] for r in results)) for key in results[0]}
        for name, results in rounds.items()
    }


def report(rows: int, fmt: str, path: Path, m: dict[str, Any], runs: int, against: Path | None) -> None:
    yardstick = "read_csv" if fmt == "csv" else "read_excel"
    base, yard, api, cli = m["polars"], m[yardstick], m["ingest_paths"], m["cli"]
    checkouts = [("", "", api, cli)]
    if against is not None:
        checkouts.append((f" of {against}", "@against", m["ingest_paths@against"], m["cli@against"]))

    def rng(entry: dict[str, Any], key: str, digits: int = 2) -> str:
        low, high = entry[f"{key}_range"]
        return f"{entry[key]:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"

    size = path.stat().st_size / 1e6
    print(f"\n### {rows:,} rows, {fmt} ({size:.0f} MB), medians of {runs} runs (min-max)\n")
    print("| child | op (s) | wall (s) | CPU (s) | peak RSS (MiB) | net of import polars (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    label = '`pl.read_csv(path, separator=";")`' if fmt == "csv" else "`pl.read_excel(path)` (calamine)"
    children = [("`import polars` only", base), (f"yardstick: {label}", yard)]
    for where, _, library, command in checkouts:
        children += [
            (f"`ingest_paths` (library){where}", library),
            (f"`veilcli ingest` (command){where}", command),
        ]
    for name, entry in children:
        op = rng(entry, "op_s") if "op_s" in entry else "-"
        net = entry["peak_mib"] - base["peak_mib"]
        print(
            f"| {name} | {op} | {rng(entry, 'wall_s')} | {rng(entry, 'cpu_s')} | "
            f"{rng(entry, 'peak_mib', 0)} | {net:,.0f} |"
        )
    yard_net = yard["peak_mib"] - base["peak_mib"]
    for where, _, library, command in checkouts:
        print(f"\n{'This checkout' if not where else 'The checkout' + where}:")
        print(f"- time, op/op: ingest_paths {library['op_s'] / yard['op_s']:.2f}x the yardstick's read")
        print(
            f"- time, wall/wall: veilcli ingest {command['wall_s'] / yard['wall_s']:.2f}x, ingest_paths "
            f"{library['wall_s'] / yard['wall_s']:.2f}x the yardstick's child"
        )
        for name, entry in (("ingest_paths", library), ("veilcli ingest", command)):
            gross = entry["peak_mib"] / yard["peak_mib"]
            net = (entry["peak_mib"] - base["peak_mib"]) / yard_net if yard_net > 0 else float("nan")
            print(f"- memory, {name}: gross {gross:.2f}x, net of `import polars` {net:.2f}x the yardstick's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--formats", nargs="+", choices=["csv", "xlsx"], default=["csv", "xlsx"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (e.g. main) measured in the same rounds, for a before/after",
    )
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    if args.generate:
        ensure_files(args.generate, True)
        return
    # Bytecode first, as an installed package has it: a checkout without __pycache__ (this machine sets
    # PYTHONDONTWRITEBYTECODE=1) compiles every module again in every child (~0.07 s of each).
    for root in (REPO, *([args.against] if args.against else [])):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "veilcli")], check=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert own < 40, f"this process holds {own:.0f} MiB: it would inflate its children's peak RSS"
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    for rows in args.rows:
        files = generated_files(rows)
        for fmt in args.formats:
            path = files[fmt]
            measured = measure(path, fmt, args.runs, args.against)
            report(rows, fmt, path, measured, args.runs, args.against)
    load = os.getloadavg()
    print(f"\nload average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: `veilcli ingest` against the raw polars read of the same file.

Generates N registration rows (Dutch headers, dd-mm-yyyy dates, channel words) as CSV and
xlsx under ``benchmarks/data/`` (cached), then times, in one process on one machine:

- raw read: ``pl.read_csv(path)`` / ``pl.read_excel(path)`` (calamine), what polars alone does;
- ingest: ``ingest_paths`` into a fresh store (read + header detection + validation + Parquet).

Usage: ``python benchmarks/bench_ingest.py [--rows 100000 1000000] [--xlsx-max 1000000]``.
Writes a table to stdout; paste it into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import tempfile
import time
from pathlib import Path

import openpyxl
import polars as pl

from veilcli.store.ingest import ReadOptions, ingest_paths
from veilcli.store.store import Store

DATA = Path(__file__).parent / "data"
CODES = ["1.1.1", "1.2.1", "1.2.3", "1.4.6", "2.2.1", "3.9.1", "1.4.5", "2.5.2", "E35", "E38"]
CHANNELS = ["Internet", "Balie", "Telefoon", "Overig", ""]
DISTRICTS = ["Almere-Stad", "Almere-Haven", "Almere-Buiten", "Almere-Hout", "Almere-Poort"]


def registrations(rows: int) -> pl.DataFrame:
    """N synthetic registrations with Dutch headers, about 15% sharing an event."""
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
    frame: pl.DataFrame | None = None
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


def write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    """A plain workbook with a title row above the header, as exports look (openpyxl write-only)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Registraties")
    sheet.append(["Geregistreerde misdrijven (benchmark)"])
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(row)
    workbook.save(path)


def timed(func) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def best_of(func, repeat: int) -> float:  # type: ignore[no-untyped-def]
    return min(timed(func) for _ in range(repeat))


def bench(path: Path, fmt: str, repeat: int) -> tuple[float, float]:
    """Best-of-N seconds for the raw polars read and for a full ingest into a fresh store."""

    def raw() -> None:
        if fmt == "csv":
            pl.read_csv(path, separator=";")
        else:
            pl.read_excel(path, engine="calamine")

    def ingest() -> None:
        folder = Path(tempfile.mkdtemp())
        try:
            result = ingest_paths([path], Store(folder / "store"), ReadOptions())
            assert result.stored, "benchmark input must be valid"
        finally:
            shutil.rmtree(folder)

    return best_of(raw, repeat), best_of(ingest, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--xlsx-max", type=int, default=1_000_000, help="largest size also run as xlsx")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| rows | format | raw polars read (s) | veilcli ingest (s) | ingest rows/s | ratio |")
    print("|---:|---|---:|---:|---:|---:|")
    for rows in args.rows:
        for fmt, path in ensure_files(rows, rows <= args.xlsx_max).items():
            raw, ingest = bench(path, fmt, args.repeat if rows < 1_000_000 or fmt == "csv" else 1)
            cells = [
                f"{rows:,}",
                fmt,
                f"{raw:.2f}",
                f"{ingest:.2f}",
                f"{rows / ingest:,.0f}",
                f"{ingest / raw:.2f}",
            ]
            print("| " + " | ".join(cells) + " |", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the benchmark process: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()

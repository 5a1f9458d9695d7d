"""Benchmark: reading a StatLine table view against the raw polars read of the same CSV.

Generates (once, under ``benchmarks/data/``) a buurt-level table view as data.politie.nl writes it:
a title line, a fixed filter, an empty line, the header block (``Onderwerp``, ``Perioden`` with
three years), the unit line naming two row dimensions (``Soort misdrijf``, ``Wijken en buurten``),
N data rows (``"1.1.1 Diefstal/inbraak woning";"BU00340101";" 12";"."...``, 5% suppressed) and the
``"Bron: Politie"`` footer. Then times, in one process:

- raw polars read: ``pl.read_csv`` of the same file (title lines skipped, all text), what polars
  alone does;
- veilcli read: ``read_tables`` (table-view sniff, encoding check, sha256, all-text read);
- veilcli read + recognise: the above plus ``TableView.to_canonical`` (header block, footer drop,
  unpivot of the period columns, period/area/category rewrites) -- the table-view read as a whole;
- + validate: ``validate_table`` on top (parse and check every figure), for information.

Usage: ``python benchmarks/bench_table_view.py [--rows 1000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from veilcli.sources.formats import recognise
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import validate_table

DATA = Path(__file__).parent / "data"
LABELS = [
    "1.1.1 Diefstal/inbraak woning",
    "1.2.1 Diefstal uit/vanaf motorvoertuigen",
    "1.2.3 Diefstal van brom-, snor-, fietsen",
    "1.4.6 Straatroof",
    "2.2.1 Vernieling cq. zaakbeschadiging",
    "Totaal misdrijven",
]
YEARS = ["2021", "2022", "2023*"]
HEADER_LINES = 6  # title, filter, empty, Onderwerp, Perioden, unit line


def ensure_file(rows: int) -> Path:
    path = DATA / f"table-view-{rows}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    i = pl.int_range(rows, eager=True)
    frame = pl.DataFrame({"i": i}).select(
        (pl.col("i") % len(LABELS)).replace_strict(dict(enumerate(LABELS))).alias("category"),
        pl.format("BU{}", (pl.col("i") // len(LABELS)).cast(pl.String).str.zfill(8)).alias("area"),
        *(
            pl.when((pl.col("i") * (k + 7)) % 20 == 0)
            .then(pl.lit("."))
            .otherwise(pl.format("{}", (pl.col("i") * (k + 3)) % 97).str.pad_start(6))
            .alias(year)
            for k, year in enumerate(YEARS)
        ),
    )
    head = (
        '"Geregistreerde misdrijven; wijken en buurten (benchmark)"\n'
        '"Onderwerp: Geregistreerde misdrijven"\n'
        '""\n'
        '"Onderwerp";"";' + ";".join('"Geregistreerde misdrijven"' for _ in YEARS) + "\n"
        '"Perioden";"";' + ";".join(f'"{y}"' for y in YEARS) + "\n"
        '"Soort misdrijf";"Wijken en buurten";' + ";".join('"aantal"' for _ in YEARS) + "\n"
    )
    body = frame.write_csv(separator=";", include_header=False, quote_style="always")
    path.write_text(head + body + '"Bron: Politie"\n', encoding="utf-8")
    return path


def best_of(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(path: Path, repeat: int) -> list[str]:
    """The table's cells for one file: sizes, best-of-``repeat`` seconds, the ratio."""

    def raw() -> pl.DataFrame:
        return pl.read_csv(path, separator=";", skip_rows=HEADER_LINES, has_header=False, infer_schema=False)

    def read_recognise() -> object:
        return recognise(read_tables(path)[0])

    def full() -> object:
        return validate_table(recognise(read_tables(path)[0]))

    t_raw = best_of(raw, repeat)
    t_read = best_of(lambda: read_tables(path), repeat)
    t_rec = best_of(read_recognise, repeat)
    t_full = best_of(full, max(1, repeat - 1))
    figures = recognise(read_tables(path)[0]).table.frame.height
    rows = raw().height - 1  # the footer line
    return [
        f"{rows:,}",
        f"{figures:,}",
        f"{t_raw:.2f}",
        f"{t_read:.2f}",
        f"{t_rec:.2f}",
        f"{t_rec / t_raw:.2f}",
        f"{t_full:.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        "| data rows | figures | raw polars read (s) | veilcli read (s) | read + recognise (s) "
        "| ratio | + validate (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        print("| " + " | ".join(bench(ensure_file(rows), args.repeat)) + " |", flush=True)


if __name__ == "__main__":
    main()

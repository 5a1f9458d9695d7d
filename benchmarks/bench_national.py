"""Benchmark: every municipality at once (`compare --area all`) on national police open data.

Generates a police open-data table in its real OData CSV layout (``ID``, padded ``SoortMisdrijf``,
``RegioS``, ``Perioden`` as ``2013MM01``, ``GeregistreerdeMisdrijven_1``, ``Internetaangiften_3``):
every municipality of 2023 (342), every month 2013-2024 (144), every crime category and the total
(60): about 3M rows. With ``--wijken N`` each municipality gets N wijk rows as well (the buurt-level
national table of the issue, ~100M rows, is ``--wijken 38`` for wijken and far more for buurten:
not run here, see BENCHMARKS.md). Then times ``ingest`` and ``league`` (``compare --area all``) in
child processes and reports wall time and peak RSS. Files go to ``benchmarks/data/`` (not committed).

Usage: ``python benchmarks/bench_national.py [--wijken 0] [--first 2013] [--last 2024]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).parent
DATA = HERE / "data"


def generate(path: Path, first: int, last: int, wijken: int) -> int:
    """Write the table (cached by name); returns its rows."""
    from veilcli.domain.classification import categories
    from veilcli.domain.geography import municipalities

    if path.exists():
        return pl.scan_csv(path, separator=";").select(pl.len()).collect().item()
    codes = municipalities().filter(pl.col("last_year").is_null())["code"]
    areas = pl.DataFrame({"RegioS": codes})
    if wijken:
        extra = areas.join(pl.DataFrame({"w": list(range(1, wijken + 1))}), how="cross").select(
            (
                pl.lit("WK") + pl.col("RegioS").str.slice(2, 4) + pl.col("w").cast(pl.String).str.zfill(2)
            ).alias("RegioS")
        )
        areas = pl.concat([areas, extra])
    months = pl.DataFrame(
        {"Perioden": [f"{y}MM{m:02d}" for y in range(first, last + 1) for m in range(1, 13)]}
    )
    kinds = categories().filter(pl.col("kind").is_in(["crime", "total"]))["code"]
    soort = pl.DataFrame({"SoortMisdrijf": [f"{c:<8}" for c in kinds]})
    table = (
        areas.join(months, how="cross")
        .join(soort, how="cross")
        .with_row_index("ID")
        .with_columns(
            ((pl.col("ID") * 2654435761) % 97).cast(pl.Int64).alias("GeregistreerdeMisdrijven_1"),
        )
        .with_columns((pl.col("GeregistreerdeMisdrijven_1") // 7).alias("Internetaangiften_3"))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    table.write_csv(path, separator=";")
    return table.height


POPULATION = """
import polars as pl, sys
from veilcli.domain.geography import municipalities
codes = municipalities().filter(pl.col("last_year").is_null())["code"]
years = range(2013, 2025)
rows = [{"Jaar": y, "Gebied": c, "Inwoners": 50000, "Woningen": 22000} for y in years for c in codes]
pl.DataFrame(rows).write_csv(sys.argv[1], separator=";")
"""

INGEST = """
import sys
from pathlib import Path
from veilcli import api
store = api.Store(Path(sys.argv[1]))
result = api.ingest([Path(p) for p in sys.argv[2:]], store)
assert result.stored, result
"""

LEAGUE = """
import sys, json
from pathlib import Path
from veilcli import api
result = api.league(api.Store(Path(sys.argv[1])), "all", period="2024H1", baseline=2017)
print(json.dumps({"areas": len(result.areas), "indicators": len(result.indicators)}))
"""


def timed(code: str, *args: str) -> tuple[float, float, str]:
    """Run code in a child; wall seconds, peak RSS in MiB, stdout."""
    wrapper = (
        "import resource, runpy, sys\n"
        f"exec(compile({code!r}, 'bench', 'exec'))\n"
        "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    rss = int(done.stderr.strip().rsplit("RSS ", 1)[1].split()[0]) / 1024
    return wall, rss, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wijken", type=int, default=0)
    parser.add_argument("--first", type=int, default=2013)
    parser.add_argument("--last", type=int, default=2024)
    args = parser.parse_args()
    table = DATA / f"national-{args.first}-{args.last}-w{args.wijken}.csv"
    rows = generate(table, args.first, args.last, args.wijken)
    population = DATA / "national-population.csv"
    if not population.exists():
        subprocess.run([sys.executable, "-c", POPULATION, str(population)], check=True)
    store = DATA / f"national-store-w{args.wijken}"
    if store.exists():
        import shutil

        shutil.rmtree(store)
    ingest_s, ingest_mb, _ = timed(INGEST, str(store), str(table), str(population))
    league_s, league_mb, out = timed(LEAGUE, str(store))
    print(
        "| rows | ingest (s) | ingest peak RSS (MiB) | compare --area all (s) | its peak RSS (MiB) | result |"
    )
    print("|---:|---:|---:|---:|---:|---|")
    result = json.loads(out)
    print(f"| {rows:,} | {ingest_s:.1f} | {ingest_mb:.0f} | {league_s:.1f} | {league_mb:.0f} | {result} |")


if __name__ == "__main__":
    main()

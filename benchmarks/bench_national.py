"""Benchmark: every municipality at once (`compare --area all`) on national police open data.

``--level gemeente`` (the default): a police open-data table in its real OData CSV layout (``ID``,
padded ``SoortMisdrijf``, ``RegioS``, ``Perioden`` as ``2013MM01``, ``GeregistreerdeMisdrijven_1``,
``Internetaangiften_3``): every municipality of 2023 (342), every month 2013-2024 (144), every crime
category and the total (60): about 3M rows. With ``--wijken N`` each municipality gets N wijk rows.

``--level buurt``: the national buurt table (the layout of 47022NED: ``ID``, ``SoortMisdrijf``,
``WijkenEnBuurten`` with the country ``NL00``, every municipality ``GM....``, its wijken
``WK......`` and buurten ``BU........``, ``Perioden``, ``GeregistreerdeMisdrijven_1``), ordered as
CBS orders a TypedDataSet (category, then region, then period): ~10 wijken per municipality, ~4.3
buurten per wijk (~18,500 regions), 144 months and ``--categories`` (38: the total and the plan's
crime categories first) = about 100M rows, 4.6 GB. Wijk, municipality and country counts are the
sums of their buurten; the total is the sum of the categories. ``--municipalities N`` takes the
first N municipalities (a smaller table with the same shape).

Then times ``ingest`` (a file over 256 MiB is read in blocks and stored in parts by year) and
``league`` (``compare --area all``, 2024H1 vs 2017H1) in child processes: wall time, peak RSS and
the store's size. Files go to ``benchmarks/data/`` (not committed).

Usage: ``python benchmarks/bench_national.py [--level gemeente|buurt] [--wijken 0]
[--municipalities 342] [--categories 38] [--first 2013] [--last 2024]``.
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


PLAN_CODES = ["0.0.0", "1.1.1", "1.4.6", "1.4.7", "1.2.1", "1.2.3", "2.2.1", "3.9.1"]


def generate_buurten(
    path: Path, first: int, last: int, municipalities_n: int, categories_n: int, revision: int = 0
) -> int:
    """Write the national buurt table (cached by name); returns its rows. ``revision`` > 0: the same
    table with other values, as the police republish it a year later (every figure revised)."""
    from veilcli.domain.classification import categories
    from veilcli.domain.geography import municipalities

    if path.exists():
        return pl.scan_csv(path, separator=";").select(pl.len()).collect().item()
    digits = (
        municipalities().filter(pl.col("last_year").is_null())["code"].str.slice(2, 4).head(municipalities_n)
    )
    gm = pl.DataFrame({"gm": digits}).with_row_index("g")
    wijken = (
        gm.with_columns((3 + pl.col("g") % 15).alias("n"))  # 3..17 wijken, ~10 on average
        .with_columns(pl.int_ranges(1, pl.col("n") + 1).alias("w"))
        .explode("w")
        .with_columns((pl.col("gm") + pl.col("w").cast(pl.String).str.zfill(2)).alias("wk"))
    )
    buurten = (
        wijken.with_row_index("i")
        .with_columns(pl.int_ranges(1, 2 + pl.col("i") % 6).alias("b"))  # 1..6 buurten, ~3.5-4.5
        .explode("b")
        .with_columns((pl.col("wk") + pl.col("b").cast(pl.String).str.zfill(2)).alias("bu"))
        .select("gm", "wk", "bu")
    )
    months = pl.DataFrame(
        {"Perioden": [f"{y}MM{m:02d}" for y in range(first, last + 1) for m in range(1, 13)]}
    ).with_row_index("t")
    crime = categories().filter(pl.col("kind") == "crime")["code"].to_list()
    chosen = [c for c in PLAN_CODES if c != "0.0.0"]
    chosen += [c for c in crime if c not in chosen][: categories_n - 1 - len(chosen)]
    grid = buurten.with_row_index("r").join(months, how="cross")
    total: pl.Series | None = None
    blocks: list[tuple[str, pl.DataFrame]] = []
    for number, code in enumerate(chosen):
        values = grid.with_columns(
            ((pl.col("r") * 2654435761 + pl.col("t") * 40503 + number * 97 + revision * 3) % 7)
            .cast(pl.Int64)
            .alias("v")
        )["v"]
        total = values if total is None else total + values
        blocks.append((code, pl.DataFrame({"v": values})))
    assert total is not None
    rows = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for code, values in [("0.0.0", pl.DataFrame({"v": total})), *blocks]:
            frame = grid.with_columns(values["v"])
            levels = [
                frame.group_by("Perioden", "t")
                .agg(pl.col("v").sum())
                .with_columns(pl.lit("NL00      ").alias("WijkenEnBuurten"), pl.lit(0).alias("order")),
                frame.group_by("gm", "Perioden", "t")
                .agg(pl.col("v").sum())
                .with_columns(
                    (pl.lit("GM") + pl.col("gm") + pl.lit("    ")).alias("WijkenEnBuurten"),
                    pl.lit(1).alias("order"),
                ),
                frame.group_by("wk", "Perioden", "t")
                .agg(pl.col("v").sum())
                .with_columns(
                    (pl.lit("WK") + pl.col("wk") + pl.lit("  ")).alias("WijkenEnBuurten"),
                    pl.lit(2).alias("order"),
                ),
                frame.with_columns(
                    (pl.lit("BU") + pl.col("bu")).alias("WijkenEnBuurten"), pl.lit(3).alias("order")
                ),
            ]
            cols = ["WijkenEnBuurten", "Perioden", "t", "v", "order"]
            table = (
                pl.concat([level.select(cols) for level in levels])
                .sort("WijkenEnBuurten", "t")
                .select(
                    (pl.int_range(pl.len()) + rows).alias("ID"),
                    pl.lit(f"{code:<8}").alias("SoortMisdrijf"),
                    "WijkenEnBuurten",
                    "Perioden",
                    pl.col("v").alias("GeregistreerdeMisdrijven_1"),
                )
            )
            table.write_csv(handle, separator=";", include_header=rows == 0)
            rows += table.height
    return rows


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

REPLACE = """
import sys
from pathlib import Path
from veilcli import api
store = api.Store(Path(sys.argv[1]))
result = api.ingest([Path(sys.argv[2])], store, replace=True)
assert result.stored, result
print(sum(result.sources[0].replaced.values()))
"""

LEAGUE = """
import sys, json
from pathlib import Path
from veilcli import api
result = api.league(api.Store(Path(sys.argv[1])), "all", period="2024H1", baseline=2017)
print(json.dumps({"areas": len(result.areas), "indicators": len(result.indicators)}))
"""


def store_bytes(store: Path) -> int:
    """Bytes of every file in the store."""
    return sum(p.stat().st_size for p in store.rglob("*") if p.is_file())


def timed(code: str, *args: str) -> tuple[float, float, str]:
    """Run code in a child; wall seconds, peak RSS in MiB, stdout."""
    wrapper = (
        "import sys\n"
        f"exec(compile({code!r}, 'bench', 'exec'))\n"
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report this
        # (large) benchmark process's peak instead of its own.
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print('RSS', hwm, file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    rss = int(done.stderr.strip().rsplit("RSS ", 1)[1].split()[0]) / 1024
    return wall, rss, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--level", choices=["gemeente", "buurt"], default="gemeente")
    parser.add_argument("--wijken", type=int, default=0)
    parser.add_argument("--municipalities", type=int, default=342)
    parser.add_argument("--categories", type=int, default=38)
    parser.add_argument("--first", type=int, default=2013)
    parser.add_argument("--last", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=1, help="league runs (the median is reported)")
    parser.add_argument("--keep-store", action="store_true", help="reuse the store of an earlier run")
    parser.add_argument(
        "--update", action="store_true", help="then ingest a revised table with --replace (buurt level)"
    )
    args = parser.parse_args()
    if args.level == "buurt":
        name = f"buurt-{args.first}-{args.last}-m{args.municipalities}-c{args.categories}"
        table = DATA / f"national-{name}.csv"
        started = time.perf_counter()
        rows = generate_buurten(table, args.first, args.last, args.municipalities, args.categories)
        took = time.perf_counter() - started
        print(f"table: {rows:,} rows, {table.stat().st_size / 1e9:.2f} GB ({took:.0f} s)")
    else:
        name = f"w{args.wijken}"
        table = DATA / f"national-{args.first}-{args.last}-w{args.wijken}.csv"
        rows = generate(table, args.first, args.last, args.wijken)
    population = DATA / "national-population.csv"
    if not population.exists():
        subprocess.run([sys.executable, "-c", POPULATION, str(population)], check=True)
    store = DATA / f"national-store-{name}"
    ingest_s = ingest_mb = float("nan")
    if not (args.keep_store and store.exists()):
        if store.exists():
            import shutil

            shutil.rmtree(store)
        ingest_s, ingest_mb, _ = timed(INGEST, str(store), str(table), str(population))
    leagues = sorted(timed(LEAGUE, str(store)) for _ in range(args.runs))
    league_s, league_mb, out = leagues[len(leagues) // 2]
    print(
        "| rows | file (GB) | ingest (s) | ingest peak RSS (MiB) | store (GB) | compare --area all (s) "
        "| its peak RSS (MiB) | result |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    result = json.loads(out)
    print(
        f"| {rows:,} | {table.stat().st_size / 1e9:.2f} | {ingest_s:.1f} | {ingest_mb:.0f} "
        f"| {store_bytes(store) / 1e9:.2f} | {league_s:.1f} | {league_mb:.0f} | {result} |"
    )
    if args.runs > 1:
        print("league runs (s):", ", ".join(f"{s:.1f}" for s, _, _ in leagues))
    if args.update and args.level == "buurt":
        revised = DATA / f"national-{name}-revised.csv"
        generate_buurten(revised, args.first, args.last, args.municipalities, args.categories, revision=1)
        update_s, update_mb, replaced = timed(REPLACE, str(store), str(revised))
        size = store_bytes(store) / 1e9
        print(
            f"update: a revised table ingested with --replace: {update_s:.1f} s, peak RSS "
            f"{update_mb:.0f} MiB, {int(replaced):,} stored rows replaced; store {size:.2f} GB"
        )


if __name__ == "__main__":
    main()

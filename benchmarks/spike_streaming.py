"""Spike (issue 23, item 8): polars' lazy/streaming engine against the block reader for large counts CSVs.

The question: can ``pl.scan_csv`` with the checks as lazy expressions and a partitioned
``sink_parquet`` replace ``sources/csv_stream.py`` + ``store/bulk.py`` while keeping exact row
numbers in findings, the same findings, the same stored rows and bounded memory?

The prototype (``spike_ingest``) covers one format, the police OData counts table (the national
tables that are large: ``ID;SoortMisdrijf;WijkenEnBuurten|RegioS;Perioden;GeregistreerdeMisdrijven_1``),
and the rules such a table meets: suppressed count, not a whole number, negative, period not
understood, and a key on an earlier row. It reuses veilcli's own expressions where there are
some (``integer_expr``, ``statistical_period_text``) and the head sniffing (delimiter, header row,
the column limit before any parse), which the whole-file reader keeps anyway. What it does not do
is any byte-level pass of its own: that is the question (polars reads the bytes).

Each case runs in two fresh child processes: ``veilcli ingest FILE --skip-invalid -f json`` with
the case's ``VEILCLI_STREAM_BYTES`` / ``VEILCLI_BLOCK_BYTES`` (the streamed path), and the
prototype. Compared: the outcome (stored or refused, and the message), rows read / stored, the
findings (issue counts per code, and the rows veilcli lists per code against the prototype's first
rows of that code), the stored rows (every column but ``source_id``, sorted by ``source_row``), wall
seconds and peak RSS (``os.wait4``).

Usage: ``python benchmarks/spike_streaming.py [--cases ...] [--runs 1]``. Files go to
``benchmarks/data/spike/`` (not committed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data" / "spike"
MIB = 1 << 20
KEY = ["period", "area", "category_code"]
SHOWN = 20  # findings listed per code by the prototype (veilcli lists fewer: compared on its count)


# --- the prototype ------------------------------------------------------------------------------


def spike_ingest(path: Path, out: Path) -> dict[str, Any]:
    """Read, check and store a police OData counts CSV with polars' lazy engine only."""
    import polars as pl

    from veilcli.domain.geography import municipality_names
    from veilcli.errors import VeilcliError
    from veilcli.sources.csv_reader import _sniff_csv
    from veilcli.sources.limits import MAX_COLUMNS
    from veilcli.sources.parsing import clean_text, integer_expr, statistical_period_text

    # The head, sniffed as today (delimiter, header row, the column limit before any parse).
    with open(path, "rb") as handle:
        head = handle.read(MIB)
    text = head.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    text = text[: text.rfind("\n") + 1]
    try:
        delimiter, index, width = _sniff_csv(text, path, None, None)
    except VeilcliError as exc:
        return {"outcome": "refused", "message": exc.message}
    if width > MAX_COLUMNS.value():
        return {
            "outcome": "refused",
            "message": f"the header has {width:,} columns (head sniffing, not polars)",
        }

    # sha256: a pass of its own (polars does not hand out the bytes it read).
    phases: dict[str, float] = {}
    started = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(8 * MIB):
            digest.update(chunk)

    phases["sha256"] = time.perf_counter() - started
    first_row = index + 2  # 1-based: the header is line index + 1
    raw = pl.scan_csv(
        path,
        separator=delimiter,
        skip_rows=index,
        infer_schema=False,
        row_index_name="source_row",
        row_index_offset=first_row,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )
    names = raw.collect_schema().names()
    fields = [n for n in names if n != "source_row"]
    # A row of empty fields is skipped (counted apart), keeping its number: as both readers do.
    raw = raw.filter(~pl.all_horizontal(clean_text(pl.col(c)).is_null() for c in fields))
    area = "WijkenEnBuurten" if "WijkenEnBuurten" in names else "RegioS"
    internet = "Internetaangiften_3" if "Internetaangiften_3" in names else None
    texts = {
        "period": clean_text(pl.col("Perioden")),
        "area": clean_text(pl.col(area)),
        "category_code": clean_text(pl.col("SoortMisdrijf")),
        "count": clean_text(pl.col("GeregistreerdeMisdrijven_1")),
    }
    if internet:
        texts["internet_count"] = clean_text(pl.col(internet))
    marks = [".", "x", "X"]
    period = statistical_period_text(pl.col("__text_period"))
    parsed_period = (
        pl.when(period.str.contains(r"^\d{4}MM(0[1-9]|1[0-2])$"))
        .then(pl.concat_str(period.str.slice(0, 4), pl.lit("-"), period.str.slice(6, 2)))
        .when(period.str.contains(r"^\d{4}JJ00$"))
        .then(period.str.slice(0, 4))
        .when(period.str.contains(r"^\d{4}KW0[1-4]$"))
        .then(pl.concat_str(period.str.slice(0, 4), pl.lit("Q"), period.str.slice(7, 1)))
    )
    typed = raw.select(
        "source_row",
        *(expr.alias(f"__text_{name}") for name, expr in texts.items()),
    ).with_columns(
        parsed_period.alias("period"),
        # A municipality code is stored as its name (as the area column's type does).
        pl.col("__text_area").replace(municipality_names()).alias("area"),
        pl.col("__text_category_code").alias("category_code"),
        *(
            pl.when(pl.col(f"__text_{c}").is_in(marks))
            .then(None)
            .otherwise(integer_expr(pl.col(f"__text_{c}")))
            .alias(c)
            for c in ("count", "internet_count")
            if c in texts
        ),
    )
    # A NUL in any field refuses the file, as today; polars gives the record, not the line or byte.
    nul = raw.select(
        pl.any_horizontal(pl.col(fields).str.contains("\x00", literal=True)).alias("nul"),
        "source_row",
    )
    checks: list[tuple[str, str, pl.Expr, bool]] = [  # code, header, mask, is an error
        ("missing_value", "Perioden", pl.col("__text_period").is_null(), True),
        ("missing_value", area, pl.col("__text_area").is_null(), True),
        ("missing_value", "SoortMisdrijf", pl.col("__text_category_code").is_null(), True),
        (
            "invalid_period",
            "Perioden",
            pl.col("__text_period").is_not_null() & pl.col("period").is_null(),
            True,
        ),
        (
            "suppressed_value",
            "GeregistreerdeMisdrijven_1",
            pl.col("__text_count").is_null() | pl.col("__text_count").is_in(marks),
            False,
        ),
        (
            "invalid_number",
            "GeregistreerdeMisdrijven_1",
            pl.col("__text_count").is_not_null()
            & ~pl.col("__text_count").is_in(marks)
            & pl.col("count").is_null(),
            True,
        ),
        ("negative_value", "GeregistreerdeMisdrijven_1", pl.col("count") < 0, True),
    ]
    # A key on an earlier row (valid or not: as the file read whole). Not a streaming operation:
    # polars holds every key of the file for it.
    duplicate = pl.struct(KEY).is_first_distinct().not_() & pl.all_horizontal(pl.col(KEY).is_not_null())
    checks.append(("duplicate_key", "Perioden", duplicate, True))
    flagged = typed.with_columns(
        *(mask.fill_null(False).alias(f"__{n}") for n, (_, _, mask, _) in enumerate(checks)),
    ).with_columns(
        pl.any_horizontal(pl.col(f"__{n}") for n, c in enumerate(checks) if c[3]).alias("__invalid"),
    )
    stored = flagged.filter(~pl.col("__invalid")).select(
        *KEY,
        pl.col("count").cast(pl.Int64),
        (pl.col("internet_count") if internet else pl.lit(None, dtype=pl.Int64)).alias("internet_count"),
        pl.col("source_row").cast(pl.Int64),
        pl.lit(digest.hexdigest()[:16]).alias("source_id"),
        pl.col("period").str.slice(0, 4).alias("__year"),
    )
    issues = flagged.filter(pl.any_horizontal(pl.col(f"__{n}") for n in range(len(checks)))).select(
        "source_row",
        *(f"__{n}" for n in range(len(checks))),
        *(f"__text_{name}" for name in texts),
    )
    summary = flagged.select(
        pl.len().alias("rows_read"),
        (~pl.col("__invalid")).sum().alias("rows_valid"),
        *(pl.col(f"__{n}").sum().alias(f"__{n}") for n in range(len(checks))),
    )
    out.mkdir(parents=True, exist_ok=True)
    sink = stored.sink_parquet(
        pl.PartitionBy(out, key="__year", include_key=False), lazy=True, mkdir=True, statistics=True
    )
    try:
        # The NUL check first (a refused file stores nothing): a pass of its own over the file.
        started = time.perf_counter()
        nuls = nul.filter("nul").select("source_row").head(1).collect(engine="streaming")
        phases["nul pass"] = time.perf_counter() - started
        if nuls.height:
            return {
                "outcome": "refused",
                "message": f"a NUL byte in row {nuls['source_row'][0]:,} (a record, not a line)",
            }
        started = time.perf_counter()
        _, found, totals = pl.collect_all([sink, issues, summary], engine="streaming")
        phases["checks + sink"] = time.perf_counter() - started
    except pl.exceptions.PolarsError as exc:
        return {"outcome": "refused", "message": f"polars: {str(exc).splitlines()[0]}"}
    counts: dict[str, int] = {}
    listed: dict[str, list[int]] = {}
    for n, (code, _, _, _) in enumerate(checks):
        hits = totals[f"__{n}"][0]
        if hits:
            counts[code] = counts.get(code, 0) + hits
            listed.setdefault(code, []).extend(
                found.filter(pl.col(f"__{n}"))["source_row"].head(SHOWN).to_list()
            )
    rows_read, rows_valid = totals["rows_read"][0], totals["rows_valid"][0]
    return {
        "outcome": "stored",
        "rows_read": rows_read,
        "rows_stored": rows_valid,
        "issue_counts": counts,
        "listed": {code: sorted(rows)[:SHOWN] for code, rows in listed.items()},
        "sha256": digest.hexdigest(),
        "phases": phases,
    }


# --- the cases ----------------------------------------------------------------------------------


def awkward(path: Path) -> None:
    """A 16 MB OData counts table (360,000 rows) with everything that moves row numbers or findings: two title
    rows above the header, CRLF line ends, a quoted CRLF in a category field on row 5,
    a blank line at 100,000 lines, suppressed, non-numeric and negative counts, a duplicate key
    far from its first row (another block) and one within a block."""
    lines = [
        "Geregistreerde misdrijven (spike);;;;",
        ";;;;",
        '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"',
    ]
    number = 0
    for category in ("0.0.0", "1.1.1", "1.2.3", "2.2.1", "3.5.2", "1.4.6"):
        for buurt in range(1000):
            for year in range(2015, 2020):
                for month in range(1, 13):
                    value: str = str(number % 97)
                    if number % 10_007 == 5:
                        value = "x"
                    elif number % 25_013 == 7:
                        value = "12a"
                    elif number % 50_021 == 9:
                        value = "-3"
                    lines.append(
                        f'{number};"{category:<8}";"BU0034{buurt:04d}";"{year}MM{month:02d}";{value}'
                    )
                    number += 1
    lines[4] = lines[4].replace(
        '"0.0.0   "', '"0.0.0\r\n"', 1
    )  # a quoted CRLF inside a field (row 5 of the sheet)
    lines.insert(100_000, "")
    lines.append(lines[10])  # the key of an early row again, at the end: another block
    lines.append(lines[500])
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def national(path: Path) -> None:
    """The national gemeente table of bench_national (2016-2024, 3 wijken a municipality)."""
    sys.path.insert(0, str(HERE))
    from bench_national import generate

    generate(path, 2016, 2024, 3)


def hostile(name: str) -> Callable[[Path], None]:
    """A streamed-path case of tests/hostile_corpus.py, built by its own builder."""

    def build(path: Path) -> None:
        sys.path.insert(0, str(REPO / "tests"))
        import hostile_corpus

        found: list[Any] = []
        hostile_corpus._round3_stream_cases(lambda *a, **k: found.append(a))
        {a[0]: a[4] for a in found}[name](path)  # add(name, group, expected, description, build, ...)

    return build


def hostile_env(name: str) -> dict[str, str]:
    sys.path.insert(0, str(REPO / "tests"))
    import hostile_corpus

    found: list[Any] = []
    hostile_corpus._round3_stream_cases(lambda *a, **k: found.append((a, k)))
    return {a[0]: k.get("env", {}) for a, k in found}[name]


CASES: dict[str, tuple[Callable[[Path], None], Callable[[], dict[str, str]]]] = {
    "awkward.csv": (
        awkward,
        lambda: {"VEILCLI_STREAM_BYTES": str(8 * MIB), "VEILCLI_BLOCK_BYTES": str(4 * MIB)},
    ),
    "national-w3.csv": (national, lambda: {}),
    **{
        name: (hostile(name), lambda name=name: hostile_env(name))
        for name in (
            "stream-crlf-then-cr.csv",
            "stream-late-nul.csv",
            "stream-stray-quote.csv",
            "stream-3006-columns.csv",
        )
    },
}


# --- the children -------------------------------------------------------------------------------


def streamed_child(path: Path) -> dict[str, Any]:
    """``veilcli ingest --skip-invalid -f json`` (this checkout), summarised as the prototype's answer."""
    folder = Path(tempfile.mkdtemp(prefix="spike-veilcli-"))
    try:
        argv = [
            sys.executable,
            "-m",
            "veilcli",
            "ingest",
            str(path),
            "--skip-invalid",
            "-f",
            "json",
            "--store",
            str(folder / "s"),
            "--rejected-dir",
            str(folder / "rejected"),
        ]
        start = time.perf_counter()
        done = subprocess.run(
            argv, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}
        )
        op = time.perf_counter() - start
        if done.returncode not in (0, 1) or not done.stdout.strip().startswith("{"):
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            return {"outcome": "refused", "message": " ".join(lines)[:300], "rc": done.returncode, "op_s": op}
        import polars as pl  # after the command: its peak RSS starts from this process's size at the fork

        answer = json.loads(done.stdout)
        report = answer["report"]["files"][0]
        listed: dict[str, list[int]] = {}
        for issue in report["issues"]:
            listed.setdefault(issue["code"], []).append(issue["row"])
        parts = sorted((folder / "s" / "counts").rglob("*.parquet"))
        rows = pl.read_parquet(parts).drop("source_id").sort("source_row") if parts else None
        if rows is not None:
            rows.write_parquet(folder.parent / f"spike-rows-veilcli-{os.getpid()}.parquet")
        return {
            "outcome": "stored",
            "op_s": op,
            "rows_read": report["rows_read"],
            "rows_stored": rows.height if rows is not None else 0,
            "issue_counts": report["issue_counts"],
            "listed": {code: sorted(r) for code, r in listed.items()},
            "notes": [n for n in report["notes"] if "block" in n],
            "rows_file": str(folder.parent / f"spike-rows-veilcli-{os.getpid()}.parquet")
            if rows is not None
            else None,
        }
    finally:
        shutil.rmtree(folder)


def prototype_child(path: Path) -> dict[str, Any]:
    """The prototype into a temporary folder; its stored rows kept for the comparison."""
    import polars as pl

    folder = Path(tempfile.mkdtemp(prefix="spike-lazy-"))
    try:
        start = time.perf_counter()
        answer = spike_ingest(path, folder / "counts")
        answer["op_s"] = time.perf_counter() - start  # the veilcli child's time includes its interpreter
        parts = sorted((folder / "counts").rglob("*.parquet"))
        if answer["outcome"] == "stored" and parts:
            rows = pl.read_parquet(parts).drop("source_id").sort("source_row")
            target = folder.parent / f"spike-rows-lazy-{os.getpid()}.parquet"
            rows.write_parquet(target)
            answer["rows_file"] = str(target)
            answer["rows_in_parts"] = rows.height
            answer["parts"] = len(parts)
        return answer
    finally:
        shutil.rmtree(folder)


def run(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """A child: its answer (last line, JSON), wall seconds and peak RSS (MiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, stdout=out, stderr=err, env={**os.environ, **env, "PYTHONPATH": str(REPO)}
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child {argv} failed:\n{text[-2000:]}\n{errors[-2000:]}")
    answer = json.loads(text.strip().splitlines()[-1])
    # The streamed child's own peak is that of the veilcli process it ran (RUSAGE_CHILDREN of it).
    peak = answer.pop("child_peak_mib", usage.ru_maxrss / 1024)
    return answer | {"wall_s": wall, "peak_mib": peak}


def compare(case: str, runs: int) -> None:
    import polars as pl

    build, env_of = CASES[case]
    path = DATA / case
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        build(path)
    env = env_of()
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    answers: dict[str, list[dict[str, Any]]] = {"streamed": [], "lazy": []}
    for number in range(runs):
        order = ["streamed", "lazy"] if number % 2 == 0 else ["lazy", "streamed"]
        for which in order:
            answers[which].append(run([*me, which, str(path)], env))
    s, z = answers["streamed"][-1], answers["lazy"][-1]
    same_rows = None
    if s.get("rows_file") and z.get("rows_file"):
        a, b = pl.read_parquet(s["rows_file"]), pl.read_parquet(z["rows_file"])
        same_rows = a.equals(b)
        if not same_rows and a.height == b.height:
            for column in a.columns:
                differ = (~a[column].eq_missing(b[column])).sum()
                if differ:
                    print(f"  stored rows differ in {column}: {differ:,} rows")
    for answer in (s, z):
        if answer.get("rows_file"):
            Path(answer["rows_file"]).unlink(missing_ok=True)
    same_listed = None
    if s["outcome"] == z["outcome"] == "stored":
        same_listed = s["issue_counts"] == z["issue_counts"] and all(
            z["listed"].get(code, [])[: len(rows)] == rows for code, rows in s["listed"].items()
        )
    size = path.stat().st_size / 1e6

    def med(which: str, key: str) -> str:
        values = [a[key] for a in answers[which]]
        return (
            f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"
            if len(values) > 1
            else f"{values[0]:.2f}"
        )

    print(f"\n#### {case} ({size:,.0f} MB; env {env or 'default'})\n")
    print(
        json.dumps(
            {
                "streamed": {k: v for k, v in s.items() if k != "rows_file"},
                "lazy": {k: v for k, v in z.items() if k != "rows_file"},
            },
            default=str,
        )
    )
    print(f"- same findings (counts per code, rows listed): {same_listed}; same stored rows: {same_rows}")
    print(
        f"- op s (veilcli: its whole process) streamed {med('streamed', 'op_s')}, lazy {med('lazy', 'op_s')}"
    )
    print(f"- peak MiB streamed {med('streamed', 'peak_mib')}, lazy {med('lazy', 'peak_mib')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, path = args.child[0], Path(args.child[1])
        answer = streamed_child(path) if which == "streamed" else prototype_child(path)
        if which == "streamed":  # the veilcli process's own peak
            import resource

            answer["child_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        else:  # this process's own high-water mark (``ru_maxrss`` would start from the parent's size)
            status = Path("/proc/self/status").read_text()
            answer["child_peak_mib"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
        print(json.dumps(answer, default=str))
        return
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    for case in args.cases:
        compare(case, args.runs)
    load = os.getloadavg()
    print(f"\nload average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()

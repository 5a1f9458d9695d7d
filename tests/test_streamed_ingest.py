"""A counts CSV over ``VEILCLI_STREAM_BYTES`` is read in blocks and stored in parts, one per year.

Every test compares the streamed path with the whole-file ingest of the same file (the threshold
left at its default) or with values computed by hand, never with the streamed code's own output
alone. The files are small police open-data tables; ``VEILCLI_STREAM_BYTES=1000`` and
``VEILCLI_BLOCK_BYTES=3000`` make them streamed in several blocks.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.test_league import PLAN
from veilcli import api
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.errors import InputError, StoreError
from veilcli.sources.csv_stream import BlockReader
from veilcli.sources.readers import read_tables

HEADER = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"'
CATEGORIES = ["0.0.0", "1.2.3"]
AREAS = ["GM0034", "WK003401", "BU00340101", "GM0995", "GM0050"]
YEARS = [2017, 2018, 2019]
POPULATION = (
    "Jaar;Gebied;Inwoners\n"
    "2017;GM0034;200.000\n2018;GM0034;205.000\n2019;GM0034;210.000\n"
    "2017;GM0995;77.000\n2018;GM0995;77.500\n2019;GM0995;78.000\n"
    "2017;GM0050;22.000\n2018;GM0050;22.500\n2019;GM0050;23.000\n"
)


@dataclass
class Row:
    """One line of an open-data table: category, area and period codes as the police write them."""

    category: str
    area: str
    period: str  # 2017MM01
    count: str

    def line(self, number: int) -> str:
        return f'{number};"{self.category:<8}";"{self.area:<10}";"{self.period}";{self.count}'


def table_rows(
    categories: list[str] = CATEGORIES, areas: list[str] = AREAS, years: list[int] = YEARS
) -> list[Row]:
    """Category > area > period order (as the police write them): every block holds several years."""
    rows = []
    for c in categories:
        for a in areas:
            for y in years:
                for m in range(1, 13):
                    rows.append(Row(c, a, f"{y}MM{m:02d}", str((7 * len(rows) + 3) % 97 + 1)))
    return rows


def write_table(path: Path, rows: list[Row]) -> Path:
    """The file; row ``i`` of ``rows`` is spreadsheet row ``i + 2`` (the header is row 1)."""
    path.write_text("\n".join([HEADER, *(r.line(i) for i, r in enumerate(rows))]) + "\n", encoding="utf-8")
    return path


class Mode:
    """Switch between the whole-file reader (default thresholds) and streaming in small blocks."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mp = monkeypatch

    def whole(self) -> None:
        self.mp.delenv("VEILCLI_STREAM_BYTES", raising=False)
        self.mp.delenv("VEILCLI_BLOCK_BYTES", raising=False)

    def streamed(self, block: int = 3000) -> None:
        self.mp.setenv("VEILCLI_STREAM_BYTES", "1000")
        self.mp.setenv("VEILCLI_BLOCK_BYTES", str(block))


@pytest.fixture
def mode(monkeypatch: pytest.MonkeyPatch) -> Mode:
    """Whole-file reading to start with; ``mode.streamed()`` switches to blocks."""
    monkeypatch.delenv("VEILCLI_STORE", raising=False)
    current = Mode(monkeypatch)
    current.whole()
    return current


def digest_tree(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder (relative path -> digest); empty when there is none."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def staging_left(store: api.Store) -> list[Path]:
    return sorted(store.root.glob(".staging-*")) if store.root.exists() else []


def stored(store: api.Store) -> pl.DataFrame:
    with store.reading():
        return store.scan(Kind.counts).collect().sort("source_row", "source_id")


def blocks_note(report: object) -> list[str]:
    return [n for n in report.notes if n.startswith("read in ")]  # type: ignore[attr-defined]


def without_block_note(report: object) -> dict[str, object]:
    data = report.model_dump()  # type: ignore[attr-defined]
    data["notes"] = [n for n in data["notes"] if not n.startswith("read in ")]
    data["issues"] = sorted(data["issues"], key=lambda i: (i["code"], i["row"] or 0, i["column"] or ""))
    return data


def verify_clean(store: api.Store) -> None:
    status = api.status(store, verify=True)
    assert status.verified and status.damaged == [], status.damaged


def invoke(*args: object) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def compare_all_json(store: api.Store, plan: Path) -> dict[str, object]:
    args = ["--period", "2019H1", "--baseline", "2017", "--plan", plan, "--store", store.root]
    result = invoke("compare", "--area", "all", *args, "--format", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


# --- 1. streamed vs whole ----------------------------------------------------------------------


def test_streamed_store_equals_whole_file_store(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    counts = write_table(tmp_path / "counts.csv", rows)
    population = tmp_path / "pop.csv"
    population.write_text(POPULATION, encoding="utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    whole, streamed = api.Store(tmp_path / "whole"), api.Store(tmp_path / "streamed")

    mode.whole()
    result = api.ingest([counts, population], whole)
    assert result.stored and not blocks_note(result.report.files[0])
    mode.streamed()
    result = api.ingest([counts, population], streamed)
    assert result.stored
    [note] = blocks_note(result.report.files[0])
    body = counts.stat().st_size - len(HEADER) - 1
    assert note.startswith(f"read in {body // 3000 + 1} blocks")  # 3,000 bytes a read; the last one short
    assert [s.status for s in result.sources] == ["stored", "stored"]
    assert result.sources[0].rows_stored == len(rows) == 360

    assert stored(streamed).equals(stored(whole))
    [source] = streamed.sources(Kind.counts)
    assert source.parts is not None
    assert [(p.year, p.rows) for p in source.parts] == [(2017, 120), (2018, 120), (2019, 120)]
    assert [p.file for p in source.parts] == [f"counts/{source.id}/{y}.parquet" for y in YEARS]
    assert source.rows == 360 and source.file_size == sum(p.size for p in source.parts)
    for part in source.parts:
        path = streamed.root / part.file
        assert path.stat().st_size == part.size
        assert hashlib.sha256(path.read_bytes()).hexdigest() == part.sha256
        assert pl.read_parquet(path)["period"].str.starts_with(str(part.year)).all()
    verify_clean(streamed)
    verify_clean(whole)
    assert invoke("status", "--verify", "--store", streamed.root).exit_code == 0  # type: ignore[attr-defined]

    league_whole = api.league(whole, period="2019H1", baseline=2017, plan_path=plan)
    league_streamed = api.league(streamed, period="2019H1", baseline=2017, plan_path=plan)
    assert league_streamed.model_dump() == league_whole.model_dump()
    # by hand: Almere's bicycle thefts in 2019H1 are the first six months of 2019 of GM0034, 1.2.3
    almere = sum(
        int(r.count)
        for r in rows
        if (r.category, r.area) == ("1.2.3", "GM0034") and r.period < "2019MM07" and r.period >= "2019"
    )
    fiets = {r.area: r for r in league_streamed.indicators[0].rows}
    assert fiets["Almere"].value == pytest.approx(almere / 210)
    assert compare_all_json(streamed, plan) == compare_all_json(whole, plan)


def late_block_errors(rows: list[Row]) -> list[int]:
    """A negative count and an unknown category in the last blocks; their spreadsheet rows."""
    rows[300].count = "-5"
    rows[333].category = "9.9.9"
    rows[350].count = "-1"
    return [302, 335, 352]


def test_findings_in_a_late_block_have_the_whole_file_row_numbers(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    bad = late_block_errors(rows)
    counts = write_table(tmp_path / "counts.csv", rows)
    mode.whole()
    whole = api.validate([counts]).files[0]
    mode.streamed()
    streamed = api.validate([counts]).files[0]
    assert blocks_note(streamed)
    assert (streamed.rows_read, streamed.rows_valid, streamed.rows_invalid) == (360, 357, 3)
    assert (whole.rows_read, whole.rows_valid, whole.rows_invalid) == (360, 357, 3)
    assert streamed.issue_counts == whole.issue_counts == {"negative_value": 2, "unknown_category": 1}
    assert sorted(i.row for i in streamed.issues) == bad
    assert without_block_note(streamed) == without_block_note(whole)


def test_skip_invalid_streamed_stores_and_rejects_what_whole_does(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    bad = late_block_errors(rows)
    counts = write_table(tmp_path / "counts.csv", rows)
    mode.whole()
    whole = api.ingest(
        [counts], api.Store(tmp_path / "whole"), skip_invalid=True, rejected_dir=tmp_path / "w"
    )
    mode.streamed()
    streamed = api.ingest(
        [counts], api.Store(tmp_path / "streamed"), skip_invalid=True, rejected_dir=tmp_path / "s"
    )
    assert stored(api.Store(tmp_path / "streamed")).equals(stored(api.Store(tmp_path / "whole")))
    assert (streamed.sources[0].rows_stored, streamed.sources[0].rows_rejected) == (357, 3)
    assert (whole.sources[0].rows_stored, whole.sources[0].rows_rejected) == (357, 3)
    rejected = Path(streamed.sources[0].rejected_file or "")
    assert rejected.read_bytes() == Path(whole.sources[0].rejected_file or "").read_bytes()
    assert pl.read_csv(rejected, infer_schema=False)["row"].to_list() == [str(r) for r in bad]


def edge_lines() -> list[str]:
    """A table with blank lines, short and long rows and a quoted line end, and three bad counts."""
    rows = table_rows()
    rows[30].count, rows[120].count, rows[300].count = "-7", "-1", "-5"
    lines = [HEADER, *(r.line(i) for i, r in enumerate(rows))]
    for at in (200, 150, 100, 50, 20):
        lines[at:at] = ["", ""]
    lines[60:60] = ['""', ";;;;"]
    lines[250] += ';"extra"'
    lines[270:270] = ["x;y"]
    lines[280] = lines[280].replace('"20', '"20\n', 1)
    return lines


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_blocks_are_the_rows_of_the_whole_file_wherever_they_are_cut(
    tmp_path: Path, mode: Mode, end: str
) -> None:
    """A block may begin with a blank line, a short or a long row, or inside a quoted field."""
    path = tmp_path / "edges.csv"
    path.write_bytes((end.join(edge_lines()) + end).encode())
    whole = read_tables(path)[0]
    mode.streamed()
    for block in range(150, 1200, 31):
        mode.mp.setenv("VEILCLI_BLOCK_BYTES", str(block))
        reader = BlockReader.open(path, None, set())
        assert reader is not None
        tables = [b.table for b in reader.blocks()]
        assert len(tables) > 1 and reader.sha256 == whole.sha256
        frame = pl.concat([t.frame for t in tables])
        assert frame.equals(whole.frame), block
        assert {(t.delimiter, t.header_row, t.headers == whole.headers) for t in tables} == {(";", 1, True)}


def test_findings_at_block_edges_are_the_whole_files(tmp_path: Path, mode: Mode) -> None:
    path = tmp_path / "edges.csv"
    path.write_bytes(("\r\n".join(edge_lines()) + "\r\n").encode())
    mode.whole()
    whole = without_block_note(api.validate([path]).files[0])
    assert (whole["rows_read"], whole["rows_invalid"]) == (361, 5)
    for block in (1000, 2222, 3000):
        mode.streamed(block=block)
        streamed = api.validate([path]).files[0]
        assert blocks_note(streamed) and without_block_note(streamed) == whole


def test_periods_of_different_lengths_in_different_blocks_are_noted(tmp_path: Path, mode: Mode) -> None:
    """The note on months and years stored apart is the file's, not a block's."""
    months = table_rows(years=[2017, 2018])
    years = [Row(c, a, "2019JJ00", "500") for c in CATEGORIES for a in AREAS]
    counts = write_table(tmp_path / "counts.csv", months + years)
    mode.whole()
    whole = api.validate([counts]).files[0]
    assert any(n.startswith("periods of different lengths (months, years)") for n in whole.notes)
    mode.streamed(block=len("".join(r.line(i) + "\n" for i, r in enumerate(months))))  # months | years
    streamed = api.validate([counts]).files[0]
    assert without_block_note(streamed) == without_block_note(whole)


# --- 2. validate writes nothing ---------------------------------------------------------------


def test_validate_streamed_equals_whole_and_writes_nothing(
    tmp_path: Path, mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also --dry-run; keys are checked across blocks in a temporary folder, removed on return."""
    import tempfile

    (tmp_path / "data").mkdir()
    rows = table_rows()
    rows[300] = Row(rows[3].category, rows[3].area, rows[3].period, "5")  # a key on two blocks
    counts = write_table(tmp_path / "data" / "counts.csv", rows)
    work, temporary = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    temporary.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setenv("VEILCLI_STORE", str(tmp_path / "store"))
    mode.whole()
    whole = api.validate([counts]).files[0]
    assert whole.issue_counts == {"duplicate_key": 1}
    mode.streamed()
    before = digest_tree(tmp_path)
    streamed = api.validate([counts]).files[0]
    assert blocks_note(streamed) and without_block_note(streamed) == without_block_note(whole)
    result = invoke("validate", counts)
    assert result.exit_code == 1 and "duplicate" in result.output  # type: ignore[attr-defined]
    dry = api.ingest([counts], api.Store(tmp_path / "store"), dry_run=True)
    assert not dry.stored and without_block_note(dry.report.files[0]) == without_block_note(whole)
    assert digest_tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["counts.csv", "data", "tmp", "work"]


# --- 3. idempotent ----------------------------------------------------------------------------


def test_reingesting_a_streamed_file_is_unchanged_and_writes_nothing(tmp_path: Path, mode: Mode) -> None:
    counts = write_table(tmp_path / "counts.csv", table_rows())
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([counts], store).stored
    before = digest_tree(store.root)
    again = api.ingest([counts], store)
    assert [s.status for s in again.sources] == ["unchanged"] and not again.stored
    assert again.sources[0].rows_stored == 0
    assert digest_tree(store.root) == before
    assert staging_left(store) == []


# --- 4. a key on two blocks -------------------------------------------------------------------


def test_a_key_on_two_blocks_is_a_duplicate(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    first = rows[5]  # 0.0.0, GM0034, 2017MM06: spreadsheet row 7, in the first block
    rows[340] = Row(first.category, first.area, first.period, "999")  # row 342, in the last block
    counts = write_table(tmp_path / "counts.csv", rows)
    mode.whole()
    whole = api.validate([counts]).files[0]
    assert whole.issue_counts == {"duplicate_key": 1}
    mode.streamed()
    report = api.validate([counts]).files[0]
    assert without_block_note(report) == without_block_note(whole)
    [issue] = report.issues
    assert (issue.code, issue.row) == ("duplicate_key", 342)

    store = api.Store(tmp_path / "store")
    assert api.ingest([write_table(tmp_path / "other.csv", table_rows(years=[2016]))], store).stored
    before = digest_tree(store.root)
    result = api.ingest([counts], store)
    assert not result.stored and result.sources[0].status == "rejected"
    assert digest_tree(store.root) == before
    assert staging_left(store) == []

    mode.whole()
    whole_store = api.Store(tmp_path / "whole")
    whole_result = api.ingest([counts], whole_store, skip_invalid=True, rejected_dir=tmp_path / "w")
    mode.streamed()
    result = api.ingest([counts], store, skip_invalid=True, rejected_dir=tmp_path / "s")
    assert result.stored and (result.sources[0].rows_stored, result.sources[0].rows_rejected) == (359, 1)
    kept = stored(store).filter(
        pl.col("period") == "2017-06", pl.col("area") == "Almere", pl.col("category_code") == "0.0.0"
    )
    assert kept.select("count", "source_row").rows() == [(int(first.count), 7)]
    rejected = Path(result.sources[0].rejected_file or "")
    assert pl.read_csv(rejected, infer_schema=False)["row"].to_list() == ["342"]
    assert rejected.read_bytes() == Path(whole_result.sources[0].rejected_file or "").read_bytes()
    new_id = next(s.id for s in store.sources() if s.path == str(counts.resolve()))
    assert (
        stored(store)
        .filter(pl.col("source_id") == new_id)
        .drop("source_id")
        .equals(stored(whole_store).drop("source_id"))
    )
    assert staging_left(store) == []
    verify_clean(store)


def test_many_duplicates_in_and_across_blocks_are_reported_as_whole(tmp_path: Path, mode: Mode) -> None:
    """Findings are capped per code (``max_per_code``) at the first rows of the file, blocks or not;
    the rejected rows are the whole file's, as written, in row order."""
    rows = table_rows()
    rows[300].count = "-4"  # an invalid row between the duplicates
    copies = [Row(r.category, r.area, r.period, "1") for r in rows[40:44]]  # keys of the first block
    rows[200:200] = [Row(r.category, r.area, r.period, "2") for r in rows[198:200]]  # next to their twins
    rows[250:250] = copies
    rows += [Row(r.category, r.area, r.period, "3") for r in rows[0:3]]
    counts = write_table(tmp_path / "counts.csv", rows)
    options = api.read_options(max_per_code=3)
    mode.whole()
    whole = api.validate([counts], options).files[0]
    assert whole.issue_counts == {"duplicate_key": 9, "negative_value": 1}
    assert [i.row for i in whole.issues if i.code == "duplicate_key"] == [202, 203, 252]
    mode.streamed(block=2000)
    streamed = api.validate([counts], options).files[0]
    assert without_block_note(streamed) == without_block_note(whole)
    api.ingest([counts], api.Store(tmp_path / "s"), options, skip_invalid=True, rejected_dir=tmp_path / "s")
    mode.whole()
    api.ingest([counts], api.Store(tmp_path / "w"), options, skip_invalid=True, rejected_dir=tmp_path / "w")
    rejected = (tmp_path / "s" / "counts.rejected.csv").read_bytes()
    assert rejected == (tmp_path / "w" / "counts.rejected.csv").read_bytes()
    assert b'"GM0034    "' in rejected or b"GM0034    " in rejected  # as written, not the stored name
    assert stored(api.Store(tmp_path / "s")).equals(stored(api.Store(tmp_path / "w")))


def test_a_key_of_an_invalid_row_in_another_block_is_a_duplicate_too(tmp_path: Path, mode: Mode) -> None:
    """As when the file is read whole: a row with the key of an earlier invalid row is a duplicate,
    valid or not (the invalid one gets both reasons)."""
    rows = table_rows()
    rows[5].count, rows[6].count = "-3", "-2"  # invalid, in the first block
    rows[340] = Row(rows[5].category, rows[5].area, rows[5].period, "999")  # valid twin of row 7
    rows[341] = Row(rows[6].category, rows[6].area, rows[6].period, "-9")  # invalid twin of row 8
    rows[100].count = "-1"
    rows[101] = Row(rows[100].category, rows[100].area, rows[100].period, "-1")  # twins in one block
    counts = write_table(tmp_path / "counts.csv", rows)
    mode.whole()
    whole = api.validate([counts]).files[0]
    assert whole.issue_counts == {"negative_value": 5, "duplicate_key": 3}
    assert sorted(i.row for i in whole.issues if i.code == "duplicate_key") == [103, 342, 343]
    whole_result = api.ingest(
        [counts], api.Store(tmp_path / "w"), skip_invalid=True, rejected_dir=tmp_path / "w"
    )
    mode.streamed()
    streamed = api.validate([counts]).files[0]
    assert without_block_note(streamed) == without_block_note(whole)
    store = api.Store(tmp_path / "s")
    result = api.ingest([counts], store, skip_invalid=True, rejected_dir=tmp_path / "s")
    assert (result.sources[0].rows_stored, result.sources[0].rows_rejected) == (354, 6)
    rejected = Path(result.sources[0].rejected_file or "").read_bytes()
    assert rejected == Path(whole_result.sources[0].rejected_file or "").read_bytes()
    assert stored(store).equals(stored(api.Store(tmp_path / "w")))
    [source] = store.sources()
    assert sorted(p.name for p in (store.root / source.file).iterdir()) == [
        "2017.parquet",
        "2018.parquet",
        "2019.parquet",
    ]
    verify_clean(store)


def test_a_file_changed_between_readings_is_refused(tmp_path: Path, mode: Mode) -> None:
    counts = write_table(tmp_path / "counts.csv", table_rows())
    mode.streamed()
    reader = BlockReader.open(counts, None, set())
    assert reader is not None
    blocks = [b.table.frame for b in reader.blocks()]
    [again] = list(reader.reread([blocks[2][0, "__row"]]))
    assert again.frame.equals(blocks[2])
    with counts.open("ab") as handle:
        handle.write(b'9999;"1.2.3   ";"GM0034    ";"2020MM01";1\n')
    with pytest.raises(InputError, match="changed while it was being read"):
        list(reader.reread([5]))


def test_a_file_without_a_valid_row_stores_nothing_as_when_read_whole(tmp_path: Path, mode: Mode) -> None:
    """--skip-invalid and no valid row (every count -1): nothing stored, read whole or in blocks."""
    counts = write_table(
        tmp_path / "counts.csv", [Row(r.category, r.area, r.period, "-1") for r in table_rows()]
    )
    results = {}
    for how in ("whole", "streamed"):
        getattr(mode, how)()
        store = api.Store(tmp_path / how)
        result = api.ingest([counts], store, skip_invalid=True, rejected_dir=tmp_path / how)
        [summary] = result.sources
        results[how] = (result.stored, summary.status, summary.rows_stored, summary.rows_rejected)
        assert not store.root.exists()  # not even the staging folder is left
    assert results["streamed"] == results["whole"] == (False, "no-valid-rows", 0, 360)


# --- 5. a clash with a stored whole-file source ----------------------------------------------


def test_a_clash_with_a_stored_source_is_an_error_or_replaced(tmp_path: Path, mode: Mode) -> None:
    new_rows = table_rows()
    # The old source (whole file, small): Almere 1.2.3 of 2018 with other counts than the new file
    # (12 clashes), and Almere 1.1.1 of 2018, which the new file does not hold (12 rows kept).
    almere_2018 = [r for r in new_rows if (r.category, r.area) == ("1.2.3", "GM0034") and r.period < "2019"]
    almere_2018 = [r for r in almere_2018 if r.period.startswith("2018")]
    old_rows = [Row(r.category, r.area, r.period, str(int(r.count) + 1000)) for r in almere_2018]
    old_rows += [Row("1.1.1", r.area, r.period, str(n + 1)) for n, r in enumerate(almere_2018)]
    old = write_table(tmp_path / "old.csv", old_rows)
    store = api.Store(tmp_path / "store")
    mode.whole()
    assert api.ingest([old], store).stored
    new = write_table(tmp_path / "new.csv", new_rows)
    before = digest_tree(store.root)
    mode.streamed()
    with pytest.raises(StoreError, match="12 counts of 2018 already stored from another source"):
        api.ingest([new], store)
    assert digest_tree(store.root) == before and staging_left(store) == []
    cli = invoke("ingest", new, "--store", store.root)
    assert cli.exit_code == 2 and cli.output.count("already stored") == 1  # type: ignore[attr-defined]
    assert digest_tree(store.root) == before and staging_left(store) == []

    result = api.ingest([new], store, replace=True)
    assert result.stored and result.sources[0].replaced == {str(old.resolve()): 12}
    rows = stored(store)
    assert rows.height == 360 + 12  # the new file, and the old one's 1.1.1 rows
    almere = rows.filter(
        pl.col("area") == "Almere",
        pl.col("category_code") == "1.2.3",
        pl.col("period").str.starts_with("2018"),
    )
    assert sorted(almere["count"].to_list()) == sorted(int(r.count) for r in almere_2018)
    old_record = next(s for s in store.sources() if s.path == str(old.resolve()))
    assert old_record.rows == 12 and old_record.parts is None
    kept = rows.filter(pl.col("source_id") == old_record.id)
    assert kept["category_code"].unique().to_list() == ["1.1.1"]
    assert sorted(kept["count"].to_list()) == list(range(1, 13))
    assert sum(rows["count"]) == sum(int(r.count) for r in new_rows) + sum(range(1, 13))
    assert staging_left(store) == []
    verify_clean(store)


# --- 6. agreement ------------------------------------------------------------------------------


def test_rows_stored_already_with_the_same_values_agree(tmp_path: Path, mode: Mode) -> None:
    all_rows = table_rows()
    old_rows = [r for r in all_rows if r.area == "GM0995"]  # 72 rows, stored first (whole)
    old = write_table(tmp_path / "old.csv", old_rows)
    store = api.Store(tmp_path / "store")
    mode.whole()
    assert api.ingest([old], store).stored
    new = write_table(tmp_path / "new.csv", all_rows)
    mode.streamed()
    result = api.ingest([new], store)
    summary = result.sources[0]
    assert summary.status == "stored" and summary.agreed == {str(old.resolve()): 72}
    assert summary.rows_stored == 360 - 72
    rows = stored(store)
    assert rows.height == 360
    assert rows["count"].sum() == sum(int(r.count) for r in all_rows)
    assert rows.select("period", "area", "category_code").is_unique().all()
    record = next(s for s in store.sources() if s.path == str(new.resolve()))
    assert record.rows == 288 and record.parts is not None and sum(p.rows for p in record.parts) == 288
    verify_clean(store)
    # Every row stored already: unchanged, nothing written.
    before = digest_tree(store.root)
    mode.whole()
    again = api.ingest([old], store)
    assert again.sources[0].status == "unchanged" and digest_tree(store.root) == before


def test_a_streamed_file_whose_rows_are_all_stored_is_unchanged(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    store = api.Store(tmp_path / "store")
    mode.whole()
    assert api.ingest([write_table(tmp_path / "a.csv", rows)], store).stored
    before = digest_tree(store.root)
    # The same rows with other IDs (another sha256): all agreement.
    copy = tmp_path / "b.csv"
    copy.write_text((tmp_path / "a.csv").read_text().replace("\n0;", "\n1000;"), encoding="utf-8")
    mode.streamed()
    result = api.ingest([copy], store)
    assert result.sources[0].status == "unchanged" and result.sources[0].agreed == {
        str((tmp_path / "a.csv").resolve()): 360
    }
    assert digest_tree(store.root) == before and staging_left(store) == []


# --- 7. replacing a source stored in parts -----------------------------------------------------


def test_replacing_rows_of_a_source_stored_in_parts(tmp_path: Path, mode: Mode) -> None:
    old_rows = table_rows()
    old = write_table(tmp_path / "old.csv", old_rows)
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([old], store).stored
    [before] = store.sources()
    assert before.parts is not None
    old_folder = store.root / before.file
    # The new file: Zeewolde, 2019 only, other counts (24 clashes), plus 2020 rows (new).
    new_rows = [
        Row(r.category, r.area, r.period, str(int(r.count) + 500))
        for r in old_rows
        if r.area == "GM0050" and r.period.startswith("2019")
    ]
    new_rows += table_rows(areas=["GM0050"], years=[2020])
    new = write_table(tmp_path / "new.csv", new_rows)
    mode.streamed(block=1500)
    with pytest.raises(StoreError, match="24 counts of 2019 already stored"):
        api.ingest([new], store)
    result = api.ingest([new], store, replace=True)
    assert result.stored and result.sources[0].replaced == {str(old.resolve()): 24}
    old_record = next(s for s in store.sources() if s.path == str(old.resolve()))
    assert old_record.parts is not None and old_record.file != before.file
    assert [(p.year, p.rows) for p in old_record.parts] == [(2017, 120), (2018, 120), (2019, 96)]
    assert not old_folder.exists()  # the old folder is gone after the commit
    # untouched years: the same bytes as before
    kept_by_year = {p.year: p.sha256 for p in before.parts}
    assert [p.sha256 == kept_by_year[p.year] for p in old_record.parts] == [True, True, False]
    rows = stored(store)
    old_now = rows.filter(pl.col("source_id") == old_record.id)
    assert old_now.height == 336
    assert old_now.filter(pl.col("area") == "Zeewolde", pl.col("period").str.starts_with("2019")).height == 0
    zeewolde_2019 = rows.filter(pl.col("area") == "Zeewolde", pl.col("period").str.starts_with("2019"))
    assert sorted(zeewolde_2019["count"].to_list()) == sorted(
        int(r.count) + 500 for r in old_rows if r.area == "GM0050" and r.period.startswith("2019")
    )
    assert rows.select("period", "area", "category_code").is_unique().all()
    verify_clean(store)
    assert staging_left(store) == []
    folders = sorted(p.name for p in (store.root / "counts").iterdir())
    assert folders == sorted(Path(s.file).name for s in store.sources())


def test_a_year_of_a_source_in_parts_wholly_replaced_leaves_its_parts(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    old = write_table(tmp_path / "old.csv", rows)
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([old], store).stored
    revised = [
        Row(r.category, r.area, r.period, str(int(r.count) + 1000)) for r in rows if r.period >= "2019"
    ]
    new = write_table(tmp_path / "new.csv", revised)
    result = api.ingest([new], store, replace=True)
    assert result.sources[0].replaced == {str(old.resolve()): 120}
    record = next(s for s in store.sources() if s.path == str(old.resolve()))
    assert record.parts is not None and [(p.year, p.rows) for p in record.parts] == [(2017, 120), (2018, 120)]
    assert sorted(p.name for p in (store.root / record.file).iterdir()) == ["2017.parquet", "2018.parquet"]
    assert_stored_once(store, [r for r in rows if r.period < "2019"] + revised)
    # and every row of it: a source without rows, as one stored whole keeps an empty file
    everything = write_table(tmp_path / "all.csv", [Row(r.category, r.area, r.period, "5000") for r in rows])
    api.ingest([everything], store, replace=True)
    record = next(s for s in store.sources() if s.path == str(old.resolve()))
    assert record.parts == [] and record.rows == 0
    assert stored(store)["count"].to_list() == [5000] * 360
    verify_clean(store)


def test_replacing_rows_of_a_source_in_parts_where_files_cannot_be_linked(
    tmp_path: Path, mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system without hard links (a network share): the untouched parts are copied."""
    rows = table_rows()
    old = write_table(tmp_path / "old.csv", rows)
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([old], store).stored
    [before] = store.sources()

    def no_links(*args: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    revised = [
        Row(r.category, r.area, r.period, "5000") for r in rows if r.period >= "2019" and r.area == "GM0050"
    ]
    assert api.ingest([write_table(tmp_path / "new.csv", revised)], store, replace=True).stored
    record = next(s for s in store.sources() if s.path == str(old.resolve()))
    assert record.parts is not None and before.parts is not None
    assert [p.sha256 for p in record.parts[:2]] == [p.sha256 for p in before.parts[:2]]
    keys = {(r.category, r.area, r.period) for r in revised}
    assert_stored_once(store, [r for r in rows if (r.category, r.area, r.period) not in keys] + revised)


# --- files of one command, read whole and in blocks ---------------------------------------------


def assert_stored_once(store: api.Store, rows: list[Row]) -> pl.DataFrame:
    """Every key once, and the counts those of ``rows`` (summed by hand)."""
    stored_rows = stored(store)
    assert stored_rows.select("period", "area", "category_code").is_unique().all()
    assert stored_rows.height == len(rows)
    assert stored_rows["count"].sum() == sum(int(r.count) for r in rows)
    verify_clean(store)
    return stored_rows


@pytest.mark.parametrize("small_first", [True, False])
def test_a_file_read_whole_and_one_in_blocks_agreeing_in_one_command(
    tmp_path: Path, mode: Mode, small_first: bool
) -> None:
    rows = table_rows()
    small = write_table(tmp_path / "small.csv", [r for r in rows if r.area == "GM0995"])  # 72 rows
    big = write_table(tmp_path / "big.csv", rows)
    mode.mp.setenv("VEILCLI_STREAM_BYTES", str(small.stat().st_size + 1))  # small.csv is read whole
    mode.mp.setenv("VEILCLI_BLOCK_BYTES", "3000")
    store = api.Store(tmp_path / "store")
    result = api.ingest([small, big] if small_first else [big, small], store)
    by_path = {Path(s.path).name: s for s in result.sources}
    assert by_path["small.csv"].rows_stored + by_path["big.csv"].rows_stored == 360
    assert by_path["big.csv"].agreed == {str(small): 72}
    assert_stored_once(store, rows)


def test_two_files_read_in_blocks_agreeing_in_one_command(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    a = write_table(tmp_path / "a.csv", [r for r in rows if r.category == "0.0.0" or r.area == "GM0995"])
    b = write_table(tmp_path / "b.csv", [r for r in rows if r.category == "1.2.3"])  # 36 rows also in a
    mode.streamed()
    store = api.Store(tmp_path / "store")
    result = api.ingest([a, b], store)
    assert [s.rows_stored for s in result.sources] == [216, 144]
    assert result.sources[1].agreed == {str(a): 36}
    assert_stored_once(store, rows)


def test_a_file_read_whole_replacing_rows_of_a_source_in_parts(tmp_path: Path, mode: Mode) -> None:
    rows = table_rows()
    big = write_table(tmp_path / "big.csv", rows)
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([big], store).stored
    [before] = store.sources()
    assert before.parts is not None
    revised = [
        Row(r.category, r.area, r.period, "7") for r in rows if r.area == "GM0050" and r.period >= "2019"
    ]
    fix = write_table(tmp_path / "fix.csv", revised)
    mode.mp.setenv("VEILCLI_STREAM_BYTES", str(fix.stat().st_size + 1))  # fix.csv is read whole
    result = api.ingest([fix], store, replace=True)
    assert result.sources[0].replaced == {str(big.resolve()): 24} and not blocks_note(result.report.files[0])
    old = next(s for s in store.sources() if s.path == str(big.resolve()))
    assert old.parts is not None and [(p.year, p.rows) for p in old.parts] == [
        (2017, 120),
        (2018, 120),
        (2019, 96),
    ]
    assert [p.sha256 for p in old.parts[:2]] == [p.sha256 for p in before.parts[:2]]  # untouched years
    kept = {(r.category, r.area, r.period) for r in revised}
    expected = [r for r in rows if (r.category, r.area, r.period) not in kept] + revised
    stored_rows = assert_stored_once(store, expected)
    zeewolde = stored_rows.filter(pl.col("area") == "Zeewolde", pl.col("period") >= "2019")
    assert zeewolde["count"].to_list() == [7] * 24
    assert not (store.root / before.file).exists() and staging_left(store) == []


@pytest.mark.parametrize("small_whole", [True, False])
def test_two_files_of_one_command_replacing_rows_of_the_same_sources(
    tmp_path: Path, mode: Mode, small_whole: bool
) -> None:
    """Two files (one read whole or both in blocks), both replacing rows of a source stored whole and
    of one stored in parts: each source loses the rows of both files."""
    rows = table_rows()
    store = api.Store(tmp_path / "store")
    mode.streamed()
    in_parts = write_table(tmp_path / "in_parts.csv", [r for r in rows if r.area != "GM0034"])  # 288 rows
    assert api.ingest([in_parts], store).stored
    mode.whole()
    almere = [Row(r.category, r.area, r.period, "1005") for r in rows if r.area == "GM0034"]
    whole = write_table(tmp_path / "whole.csv", almere)  # 72 rows
    assert api.ingest([whole], store).stored
    # small: Almere and Zeewolde of 2018 (read whole); big: Almere and Zeewolde of 2019 and Lelystad
    small_rows = [Row(r.category, r.area, r.period, "1008") for r in rows if r.area in ("GM0034", "GM0050")]
    small_rows = [r for r in small_rows if r.period.startswith("2018")]
    big_rows = [Row(r.category, r.area, r.period, "1009") for r in rows if r.area in ("GM0034", "GM0050")]
    big_rows = [r for r in big_rows if r.period.startswith("2019")] + [r for r in rows if r.area == "GM0995"]
    small = write_table(tmp_path / "small.csv", small_rows)
    big = write_table(tmp_path / "big.csv", big_rows)
    mode.mp.setenv("VEILCLI_STREAM_BYTES", str(small.stat().st_size + 1 if small_whole else 1000))
    mode.mp.setenv("VEILCLI_BLOCK_BYTES", "1500")
    result = api.ingest([small, big], store, replace=True)
    assert [bool(blocks_note(f)) for f in result.report.files] == [not small_whole, True]
    summaries = {Path(s.path).name: s for s in result.sources}
    assert summaries["small.csv"].replaced == {str(whole.resolve()): 24, str(in_parts.resolve()): 24}
    assert summaries["big.csv"].replaced == {str(whole.resolve()): 24, str(in_parts.resolve()): 24}
    assert summaries["big.csv"].agreed == {str(in_parts.resolve()): 72}  # Lelystad, the same values
    new_rows = small_rows + [r for r in big_rows if r.area != "GM0995"]  # Lelystad: the same values
    replaced = {(r.category, r.area, r.period) for r in new_rows}
    expected = [
        r
        for r in [*[r for r in rows if r.area != "GM0034"], *almere]
        if (r.category, r.area, r.period) not in replaced
    ]
    expected += new_rows
    stored_rows = assert_stored_once(store, expected)
    records = {Path(s.path).name: s for s in store.sources()}
    assert records["whole.csv"].rows == 24 and records["in_parts.csv"].rows == 288 - 48
    left = stored_rows.filter(pl.col("source_id") == records["whole.csv"].id)
    assert left["period"].str.slice(0, 4).unique().to_list() == ["2017"]
    assert staging_left(store) == []


# --- 8. not UTF-8; not counts --------------------------------------------------------------------


def test_a_stray_byte_in_a_late_block_names_line_and_offset(tmp_path: Path, mode: Mode) -> None:
    # Over 1 MiB: the first MiB is read to sniff the file (a stray byte there: read whole).
    areas = [f"BU0034{n:04d}" for n in range(100)]
    rows = table_rows(["0.0.0", "1.1.1", "1.2.3", "2.2.1"], areas, list(range(2015, 2021)))
    rows[100].area = "BU\n0034"  # a quoted line end: the file's lines are no longer its rows
    counts = write_table(tmp_path / "counts.csv", rows)
    data = counts.read_bytes()
    assert len(data) > 1.1 * 2**20
    lines = data.split(b"\n")
    line = 27_001  # 1-based line number of the file (as an editor counts), past the first MiB
    column = lines[line - 1].index(b"BU")
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + column
    counts.write_bytes(data[:offset] + b"\xff" + data[offset + 1 :])
    store = api.Store(tmp_path / "store")
    mode.streamed(block=200_000)
    assert api.ingest([write_table(tmp_path / "other.csv", table_rows(years=[2016]))], store).stored
    before = digest_tree(store.root)
    with pytest.raises(InputError) as caught:
        api.ingest([counts], store)
    assert f"line {line:,} (byte {offset:,}) is not UTF-8" in str(caught.value)
    assert digest_tree(store.root) == before and staging_left(store) == []
    with pytest.raises(InputError, match=f"line {line:,} "):
        api.validate([counts])


def test_an_unclosed_quote_in_a_late_block_names_the_files_line(tmp_path: Path, mode: Mode) -> None:
    lines = [HEADER, *(r.line(i) for i, r in enumerate(table_rows()))]
    lines[300] = lines[300].replace('"20', '"20\n', 1)  # a quoted line end
    lines[320] += ';"scherm 5 breed'
    counts = tmp_path / "counts.csv"
    counts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mode.whole()
    with pytest.raises(InputError) as whole:
        api.validate([counts])
    assert "line 322: a quoted field" in str(whole.value)  # 321 lines before it, one holding two
    for block in (500, 3000):
        mode.streamed(block=block)
        with pytest.raises(InputError) as streamed:
            api.validate([counts])
        assert str(streamed.value) == str(whole.value)


def test_a_large_registrations_csv_is_read_whole(tmp_path: Path, mode: Mode) -> None:
    lines = ["Registratienummer;Datum;Soort misdrijf code;Gemeente"]
    lines += [f"R{n};2019-01-{n % 28 + 1:02d};1.2.3;Almere" for n in range(400)]
    path = tmp_path / "reg.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 3 * 3000
    mode.streamed()
    store = api.Store(tmp_path / "store")
    result = api.ingest([path], store)
    assert result.stored and result.sources[0].rows_stored == 400 and not blocks_note(result.report.files[0])
    [source] = store.sources()
    assert source.parts is None and source.kind is Kind.registrations
    assert staging_left(store) == []


def test_a_table_with_an_extra_dimension_is_read_whole(tmp_path: Path, mode: Mode) -> None:
    """83651NED's "Gebruik van geweld" is read at one value chosen over the whole file (its total,
    or --dimension): a block holding other values only must not choose for itself."""
    lines = ['"ID";"GebruikVanGeweld";"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1"']
    for value in ["T001019", "A028350", "A028351"]:  # the total, with violence, without
        for r in table_rows(areas=["GM0034", "GM0995", "GM0050"]):
            lines.append(f'{len(lines)};"{value}";"{r.category:<8}";"{r.area:<10}";"{r.period}";{r.count}')
    path = tmp_path / "geweld.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for options in (api.read_options(), api.read_options(dimensions=["GebruikVanGeweld=A028351"])):
        mode.whole()
        whole = api.validate([path], options).files[0]
        assert (whole.rows_read, whole.rows_valid) == (216, 216)
        mode.streamed()
        streamed = api.validate([path], options).files[0]
        assert streamed == whole  # read whole: no "read in blocks" note
        store = api.Store(tmp_path / f"store-{len(options.formats)}")
        assert api.ingest([path], store, options).stored
        [source] = store.sources()
        assert source.parts is None and stored(store).height == 216
    assert staging_left(store) == []


# --- 9. damage -----------------------------------------------------------------------------


def test_a_truncated_part_is_found_and_refused(tmp_path: Path, mode: Mode) -> None:
    counts = write_table(tmp_path / "counts.csv", table_rows())
    population = tmp_path / "pop.csv"
    population.write_text(POPULATION, encoding="utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([counts, population], store).stored
    [source] = store.sources(Kind.counts)
    assert source.parts is not None
    part = store.root / source.parts[1].file
    part.write_bytes(part.read_bytes()[:-100])
    status = api.status(store, verify=True)
    assert [d.problem for d in status.damaged] == [
        f"its stored file {source.parts[1].file} has {source.parts[1].size - 100} bytes, "
        f"the manifest says {source.parts[1].size}"
    ]
    cli = invoke("status", "--verify", "--store", store.root)
    assert cli.exit_code != 0 and source.parts[1].file in cli.output  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match="is damaged"):
        api.league(store, period="2019H1", baseline=2017, plan_path=plan)
    with pytest.raises(StoreError, match="is damaged"):
        api.compare(store, period="2019H1", baseline=2017, plan_path=plan)
    args = ["--period", "2019H1", "--baseline", "2017", "--plan", plan, "--store", store.root]
    result = invoke("compare", "--area", "all", *args)
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert result.output.count("damaged") == 1 and "Traceback" not in result.output  # type: ignore[attr-defined]
    assert f"veilcli ingest --replace {counts}" in result.output  # type: ignore[attr-defined]
    # The repair the message gives: the original ingested again.
    repaired = api.ingest([counts], store, replace=True)
    assert repaired.sources[0].status == "stored" and repaired.sources[0].rows_stored == 360
    verify_clean(store)
    mode.whole()
    whole = api.Store(tmp_path / "whole")
    assert api.ingest([counts], whole).stored
    assert stored(store).equals(stored(whole))
    assert api.league(store, period="2019H1", baseline=2017, plan_path=plan).indicators


def test_a_flipped_byte_in_a_part_is_found_by_verify(tmp_path: Path, mode: Mode) -> None:
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([write_table(tmp_path / "counts.csv", table_rows())], store).stored
    [source] = store.sources()
    assert source.parts is not None
    part = store.root / source.parts[2].file
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    assert api.status(store).damaged == []  # size and schema as recorded: only the sha256 tells
    [damage] = api.status(store, verify=True).damaged
    assert (
        damage.problem == f"its stored file {source.parts[2].file} does not match its sha256 in the manifest"
    )
    (store.root / source.parts[0].file).unlink()
    [damage] = api.status(store).damaged
    assert damage.problem == f"its stored file {source.parts[0].file} is missing"


# --- 10. a totals-like row at a block's end ----------------------------------------------------


def test_a_totals_row_at_the_end_of_a_block_is_kept(tmp_path: Path, mode: Mode) -> None:
    """A category written as a label, first: "Totaal misdrijven" is a category, not a totals line."""
    lines = []
    for category in ["1.2.3", "Totaal misdrijven", "1.1.1"]:
        for area in ["Almere", "Lelystad"]:
            for year in [2018, 2019]:
                for month in range(1, 13):
                    lines.append(f"{category};{area};{year}-{month:02d};{(len(lines) * 11) % 89 + 1}")
    path = tmp_path / "labels.csv"
    head = b"Soort misdrijf;Gebied;Periode;Aantal\n"
    # The first block ends on the last "Totaal misdrijven" row of Almere: its line ends the block.
    last_total = max(i for i, x in enumerate(lines) if x.startswith("Totaal") and ";Almere;" in x)
    body = "".join(x + "\n" for x in lines).encode()
    block = len("".join(x + "\n" for x in lines[: last_total + 1]).encode())
    path.write_bytes(head + body)
    mode.whole()
    whole = api.validate([path]).files[0]
    store_whole = api.Store(tmp_path / "whole")
    assert api.ingest([path], store_whole).stored
    mode.streamed(block=block)
    streamed = api.validate([path]).files[0]
    assert blocks_note(streamed) and not blocks_note(whole)
    assert streamed.rows_read == streamed.rows_valid == whole.rows_read == len(lines)
    assert "total_row_skipped" not in streamed.issue_counts
    assert without_block_note(streamed) == without_block_note(whole)
    store = api.Store(tmp_path / "streamed")
    assert api.ingest([path], store).stored
    assert stored(store).equals(stored(store_whole))
    row = last_total + 2
    [category] = stored(store).filter(pl.col("source_row") == row)["category_code"].to_list()
    assert category == "0.0.0"  # the label through the classification (issue 20), on both paths

    # A real totals row at the very end is dropped by both.
    path.write_bytes(head + body + b"Totaal;;;12345\n")
    mode.whole()
    whole = api.validate([path]).files[0]
    mode.streamed(block=block)
    streamed = api.validate([path]).files[0]
    assert streamed.issue_counts.get("total_row_skipped") == whole.issue_counts.get("total_row_skipped") == 1
    assert without_block_note(streamed) == without_block_note(whole)

    # ... also when blank lines follow it (a spreadsheet's export), wherever the blocks end.
    path.write_bytes(head + body + b"Totaal;;;12345\r\n" + b";;;\r\n" * 40 + b'"";;;\n\n')
    mode.whole()
    whole = api.validate([path]).files[0]
    assert whole.issue_counts == {"total_row_skipped": 1} and whole.blank_rows_skipped == 42
    for size in range(len(body) - 30, len(body) + 300, 11):  # the first block ends about there
        mode.streamed(block=size)
        assert without_block_note(api.validate([path]).files[0]) == without_block_note(whole), size


MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september"]
MONTHS += ["oktober", "november", "december"]
TOWNS = ["Almere", "Lelystad", "Zeewolde", "Dronten", "Urk", "Noordoostpolder", "Amsterdam", "Utrecht"]
TOWNS += ["Rotterdam", "Zwolle", "Amersfoort", "Apeldoorn", "Arnhem", "Nijmegen", "Ede", "Deventer"]
TOWNS += ["Enschede", "Hengelo", "Haarlem", "Leiden"]


def test_a_label_export_block_of_only_totals_is_read_as_the_file(tmp_path: Path, mode: Mode) -> None:
    """A block holding only "Totaal misdrijven" rows of a label export is read as a label export
    (0.0.0), as the whole file is, not as a table of its own (which kept the label as category)."""
    lines = []
    for category in [
        "1.2.3 Diefstal van brom-, snor-, fietsen",
        "Totaal misdrijven",
        "1.1.1 Diefstal/inbraak woning",
    ]:
        for town in TOWNS:
            for year in [2018, 2019]:
                lines += [f'"{category}";"{town}";"{year} {m}";{(len(lines) * 11) % 89 + 1}' for m in MONTHS]
    path = tmp_path / "labels.csv"
    header = '"Soort misdrijf";"Regio\'s";"Perioden";"Geregistreerde misdrijven (aantal)"'
    path.write_text("\n".join([header, *lines, '"Bron: Politie";;;']) + "\n", encoding="utf-8")
    mode.whole()
    whole = api.validate([path]).files[0]
    assert api.ingest([path], api.Store(tmp_path / "whole")).stored
    mode.streamed(block=13_000)
    reader = BlockReader.open(path, None, set())
    assert reader is not None
    categories = [set(b.table.frame["Soort misdrijf"].to_list()) for b in reader.blocks()]
    assert {"Totaal misdrijven"} in categories  # a block of totals only
    streamed = api.validate([path]).files[0]
    assert streamed.source_format == whole.source_format == "politie-opendata-labels"
    assert (streamed.rows_read, streamed.rows_valid, streamed.issue_counts) == (1440, 1440, {})
    assert set(without_block_note(streamed)["notes"]) == set(whole.notes)  # type: ignore[arg-type]
    store = api.Store(tmp_path / "streamed")
    assert api.ingest([path], store).stored
    rows = stored(store)
    assert rows.equals(stored(api.Store(tmp_path / "whole")))
    assert sorted(rows["category_code"].unique().to_list()) == ["0.0.0", "1.1.1", "1.2.3"]


# --- 11. clean-up of staging folders ------------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_staging_folders_are_removed_and_live_ones_kept(tmp_path: Path, mode: Mode) -> None:
    store = api.Store(tmp_path / "store")
    mode.streamed()
    assert api.ingest([write_table(tmp_path / "a.csv", table_rows(years=[2017]))], store).stored
    dead = store.root / f".staging-{dead_pid()}-0123abcd"
    (dead / "00000001").mkdir(parents=True)
    (dead / "00000001" / "2017.parquet").write_bytes(b"PAR1")
    (dead / "00000001" / "2017-000001.parquet").write_bytes(b"PAR1")
    live = store.root / f".staging-{os.getppid()}-89abcdef"
    (live / "00000001").mkdir(parents=True)
    (live / "00000001" / "2018.parquet").write_bytes(b"PAR1")
    from veilcli.store.store import _HOST

    ours_dead = store.root / f".staging-{dead_pid()}-0123abce-{_HOST}"
    ours_dead.mkdir()
    elsewhere = store.root / f".staging-{dead_pid()}-0123abcf-{'0' * 8 if _HOST != '0' * 8 else '1' * 8}"
    elsewhere.mkdir()  # another machine's (a network share): its pid says nothing here
    assert api.ingest([write_table(tmp_path / "b.csv", table_rows(years=[2018]))], store).stored
    assert not dead.exists() and not ours_dead.exists()
    assert (live / "00000001" / "2018.parquet").exists()
    assert elsewhere.exists()


def test_a_folder_with_only_a_staging_folder_is_still_a_store_folder(tmp_path: Path, mode: Mode) -> None:
    root = tmp_path / "store"
    (root / f".staging-{dead_pid()}-0123abcd" / "00000001").mkdir(parents=True)
    store = api.Store(root)
    small = write_table(
        tmp_path / "small.csv", table_rows(categories=["1.2.3"], areas=["GM0034"], years=[2017])
    )
    assert api.ingest([small], store).stored  # read whole: the folder is taken for a store folder
    assert staging_left(store) == []
    (root / f".staging-{dead_pid()}-89abcdef").mkdir()
    mode.streamed()
    result = api.ingest([write_table(tmp_path / "a.csv", table_rows(years=[2018]))], store)
    assert result.stored
    assert staging_left(store) == []


# --- 9. every check of the file read whole; progress or refusal (issue 21) -----------------------


def big_table(tmp_path: Path, end: str = "\n") -> tuple[Path, list[str]]:
    """28,800 rows (~1.3 MB: past the first MiB, which is sniffed), lines joined by ``end``."""
    areas = [f"BU0034{n:04d}" for n in range(100)]
    rows = table_rows(["0.0.0", "1.1.1", "1.2.3", "2.2.1"], areas, list(range(2015, 2021)))
    lines = [HEADER, *(r.line(i) for i, r in enumerate(rows))]
    path = tmp_path / "counts.csv"
    path.write_bytes((end.join(lines) + end).encode())
    return path, lines


def test_crlf_turning_cr_only_after_the_first_mib_stores_every_row(tmp_path: Path, mode: Mode) -> None:
    """The issue's case: CRLF in the part sniffed, CR-only after it; blocks used to be cut at LFs
    only, so the CR-only lines ran together (484,271 of 968,544 rows lost, exit 0)."""
    path, lines = big_table(tmp_path)
    cut = 25_000  # line 25,001 starts past the first MiB
    assert len("\r\n".join(lines[:cut]).encode()) > 2**20
    path.write_bytes(("\r\n".join(lines[:cut]) + "\r\n" + "\r".join(lines[cut:]) + "\r").encode())
    results = {}
    for how in ("whole", "streamed"):
        mode.whole() if how == "whole" else mode.streamed(block=100_000)
        store = api.Store(tmp_path / how)
        result = api.ingest([path], store, skip_invalid=True, rejected_dir=tmp_path / how)
        assert (result.sources[0].rows_stored, result.sources[0].rows_rejected) == (28_800, 0), how
        results[how] = stored(store).drop("source_id")
    assert blocks_note(result.report.files[0])  # the second one was read in blocks
    assert results["streamed"].equals(results["whole"])


@pytest.mark.parametrize("seed", range(3))
def test_any_mix_of_line_ends_is_read_in_blocks_as_whole(tmp_path: Path, mode: Mode, seed: int) -> None:
    """LF, CRLF and lone CR in any order (also inside quoted fields), blocks cut anywhere: a lone
    CR is a line end in both paths and a block is never cut between a CR and its LF."""
    import random

    rng = random.Random(seed)
    lines = edge_lines()
    text = lines[0] + "".join(rng.choice(["\n", "\r\n", "\r"]) + line for line in lines[1:]) + "\r"
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode())
    whole = read_tables(path)[0]
    mode.streamed()
    for block in [rng.randint(64, 1500) for _ in range(8)]:
        mode.mp.setenv("VEILCLI_BLOCK_BYTES", str(block))
        reader = BlockReader.open(path, None, set())
        assert reader is not None
        tables = [b.table for b in reader.blocks()]
        assert pl.concat([t.frame for t in tables]).equals(whole.frame), block
        assert reader.sha256 == whole.sha256


def test_a_late_nul_byte_is_refused_as_when_read_whole(tmp_path: Path, mode: Mode) -> None:
    """It was stored (area ``G\\x00M1992``) where the file read whole is refused."""
    path, lines = big_table(tmp_path)
    lines[27_000] = lines[27_000].replace('"BU0034', '"BU\x00034')
    path.write_bytes(("\n".join(lines) + "\n").encode())
    mode.whole()
    with pytest.raises(InputError) as whole:
        api.validate([path])
    assert "a NUL byte at line 27,001, byte offset" in str(whole.value)
    store = api.Store(tmp_path / "store")
    for block in (3000, 200_000):
        mode.streamed(block=block)
        with pytest.raises(InputError) as streamed:
            api.ingest([path], store)
        assert str(streamed.value) == str(whole.value)
    assert not store.root.exists() or store.sources() == []


def test_a_file_that_is_not_utf8_text_up_front_is_read_whole(tmp_path: Path, mode: Mode) -> None:
    """UTF-16 (every other byte a NUL) is valid UTF-8 to a decoder: it is read whole, as UTF-16."""
    path, lines = big_table(tmp_path)
    path.write_bytes(("\n".join(lines[:3000]) + "\n").encode("utf-16"))
    mode.streamed()
    assert BlockReader.open(path, None, set()) is None
    assert read_tables(path)[0].frame.height == 2999


def test_a_stray_quote_on_line_2_is_refused_at_once(
    tmp_path: Path, mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It hung (each cut counted the quotes from the block's start again, for every line end);
    the same file read whole is refused at once. A line longer than ``LINE_BYTES`` is refused
    where it starts, without reading on."""
    import time

    from veilcli.sources import csv_stream

    path, lines = big_table(tmp_path)
    lines[1] = lines[1].replace(';"', ';""', 1)[:-1]
    path.write_bytes(("\n".join(lines) + "\n").encode())
    mode.whole()
    with pytest.raises(InputError) as whole:
        api.validate([path])
    assert 'line 2: a quoted field (") is never closed' in str(whole.value)
    mode.streamed(block=2**20)
    start = time.perf_counter()
    with pytest.raises(InputError) as streamed:
        api.validate([path])
    assert str(streamed.value) == str(whole.value) and time.perf_counter() - start < 10
    monkeypatch.setattr(csv_stream, "LINE_BYTES", 64 * 1024)
    mode.streamed(block=4096)
    reader = BlockReader.open(path, None, set())
    assert reader is not None
    reads: list[int] = []
    read = reader._read
    reader._read = lambda wanted, parts: reads.append(wanted) or read(wanted, parts)  # type: ignore[method-assign]
    with pytest.raises(InputError, match=r"line 2: a quoted field .* is never closed within 65,536 bytes"):
        next(reader.blocks())
    assert sum(reads) < 200_000 < path.stat().st_size  # it stopped reading: 4 KB, doubled past 64 KB
    lines[1] = lines[2]  # the stray quote gone; a line of 200 KB (short fields) past the first MiB
    path.write_bytes(("\n".join([*lines[:25_000], "x;" * 100_000, *lines[25_000:]]) + "\n").encode())
    reader = BlockReader.open(path, None, set())
    assert reader is not None
    with pytest.raises(InputError, match="line 25,001 runs on for more than 65,536 bytes without a line end"):
        list(reader.blocks())


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"VEILCLI_BLOCK_BYTES": "10"}, "VEILCLI_BLOCK_BYTES='10': outside 64 to 2,147,483,648 bytes"),
        ({"VEILCLI_BLOCK_BYTES": str(3 << 30)}, "outside 64 to 2,147,483,648 bytes"),
        ({"VEILCLI_BLOCK_BYTES": "-5"}, "not a positive whole number"),
        ({"VEILCLI_STREAM_BYTES": "lots"}, "VEILCLI_STREAM_BYTES='lots': not a positive whole number"),
        ({"VEILCLI_STREAM_BYTES": str(1 << 40)}, "outside 1 to 549,755,813,888 bytes"),
        ({"VEILCLI_BLOCK_BYTES": "100"}, "would be read in more than 10,000 blocks"),
    ],
)
def test_block_and_stream_sizes_are_validated(
    tmp_path: Path, mode: Mode, env: dict[str, str], words: str
) -> None:
    """``VEILCLI_BLOCK_BYTES=100`` on a large file made millions of blocks (it hung): sizes outside
    their range, or more than 10,000 blocks, are refused."""
    path, _lines = big_table(tmp_path)  # 1.3 MB: 100-byte blocks would be 13,000
    mode.streamed()
    for name, value in env.items():
        mode.mp.setenv(name, value)
    result = invoke("validate", path)
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert words in result.output and "Traceback" not in result.output  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_3006_column_header_is_refused_before_a_block_is_parsed(tmp_path: Path) -> None:
    """It took 5.5 GB (SIGABRT with default blocks) before the column limit fired: the header is
    checked when the file is opened, so memory stays at the interpreter's own (~80 MB)."""
    row = '1;"0.0.0   ";"GM0034    ";"2019MM01";5;' + ";".join("1" for _ in range(3001))
    header = HEADER + "".join(f';"x{i}"' for i in range(3001))
    path = tmp_path / "wide.csv"
    path.write_bytes((header + "\n" + "\n".join([row] * 5000) + "\n").encode())  # 30 MB
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from veilcli.cli import app\n"
        "result = CliRunner().invoke(app, ['validate', sys.argv[1]])\n"
        # VmHWM: this process's own peak (ru_maxrss keeps the forking parent's after exec).
        "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0]\n"
        "print(result.exit_code, int(peak.split()[1]) // 1024)\n"
        "print(result.output)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILCLI_")}  # none another test left
    env.update(VEILCLI_STREAM_BYTES=str(2**20), PYTHONPATH=str(Path(__file__).parent.parent))
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, env=env, timeout=120)
    exit_code, peak = map(int, done.stdout.decode().split("\n", 1)[0].split())
    assert exit_code == 2 and "the header has 3,006 columns" in done.stdout.decode()
    assert peak < 300, peak  # main took 427 MB on this 30 MB file, 1.16 GB on 97 MB

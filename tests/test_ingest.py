"""The store: all-or-nothing, byte-for-byte untouched on failure, idempotent, conflict-aware."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import snapshot
from veilcli.domain.choices import Kind
from veilcli.errors import InputError, StoreError
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.status import store_status
from veilcli.store.store import Store

HEADER = "Registratienummer;Datum;Soort misdrijf code;Gemeente;Gebeurtenisnummer;Wijze van aangifte\n"


def csv_file(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def ingest(paths: list[Path], store: Store, **kwargs):  # type: ignore[no-untyped-def]
    return ingest_paths(paths, store, ReadOptions(), **kwargs)


def test_ingest_then_reingest_adds_nothing(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    path = csv_file(
        tmp_path,
        "a.csv",
        [
            "R1;2019-01-02;1.1.1;Almere;E1;Internet",
            "R2;2019-01-03;1.2.3;Almere;E1;Balie",
            "R3;2019-07-03;1.2.3;Almere;;Balie",
        ],
    )
    first = ingest([path], store)
    assert first.stored and first.sources[0].rows_stored == 3
    assert first.sources[0].event_linked_share == pytest.approx(2 / 3)
    assert first.sources[0].channel_mix == {"desk": pytest.approx(2 / 3), "internet": pytest.approx(1 / 3)}
    before = snapshot(store_dir)
    second = ingest([path], store)
    assert not second.stored and second.sources[0].status == "unchanged"
    assert snapshot(store_dir) == before
    assert store.scan(Kind.registrations).collect().height == 3
    status = store_status(store)
    assert [(c.area, c.period, c.rows) for c in status.coverage] == [
        ("Almere", "2019H1", 2),
        ("Almere", "2019H2", 1),
    ]


def test_failed_ingest_leaves_store_byte_for_byte(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    ingest([csv_file(tmp_path, "good.csv", ["R1;2019-01-02;1.1.1;Almere;;Internet"])], store)
    before = snapshot(store_dir)
    assert before  # manifest, lock and one parquet file
    good = csv_file(tmp_path, "good2.csv", ["R9;2019-01-02;1.1.1;Almere;;Internet"])
    bad = csv_file(tmp_path, "bad.csv", ["R2;2019-13-02;1.1.1;Almere;;Internet"])
    result = ingest([good, bad], store)
    assert not result.stored
    assert {s.status for s in result.sources} == {"rejected"}
    assert snapshot(store_dir) == before


def test_failed_ingest_does_not_create_a_store(tmp_path: Path, store_dir: Path) -> None:
    ingest([csv_file(tmp_path, "bad.csv", ["R2;xx;1.1.1;Almere;;Internet"])], Store(store_dir))
    assert not store_dir.exists()


def test_skip_invalid_stores_valid_rows_and_names_the_rejects(tmp_path: Path, store_dir: Path) -> None:
    bad = csv_file(
        tmp_path,
        "mixed.csv",
        ["R1;2019-01-02;1.1.1;Almere;;Internet", "R2;2019-13-02;1.1.1;Almere;;Internet"],
    )
    result = ingest([bad], Store(store_dir), skip_invalid=True, rejected_dir=tmp_path)
    summary = result.sources[0]
    assert (summary.status, summary.rows_stored, summary.rows_rejected) == ("stored", 1, 1)
    rejected = pl.read_csv(summary.rejected_file, infer_schema=False)
    assert rejected["row"].to_list() == ["3"]
    assert "invalid_date (Datum)" in rejected["reasons"][0]
    assert rejected["Registratienummer"].to_list() == ["R2"]


def test_skip_invalid_without_a_valid_row_stores_nothing(tmp_path: Path, store_dir: Path) -> None:
    """--skip-invalid stores the valid rows of a file; a file with none (2 rows, both with a 13th
    month) stores nothing at all, says so, and leaves the store byte for byte (none: not created)."""
    bad = csv_file(
        tmp_path, "bad.csv", ["R1;2019-13-02;1.1.1;Almere;;Internet", "R2;2019-13-03;1.1.1;Almere;;Internet"]
    )
    result = ingest([bad], Store(store_dir), skip_invalid=True, rejected_dir=tmp_path)
    [summary] = result.sources
    assert not result.stored
    assert (summary.status, summary.rows_stored, summary.rows_rejected) == ("no-valid-rows", 0, 2)
    assert not store_dir.exists() and not (tmp_path / "bad.rejected.csv").exists()
    store = Store(store_dir)
    good = csv_file(tmp_path, "good.csv", ["R9;2019-01-02;1.1.1;Almere;;Internet"])
    ingest([good], store)
    before = snapshot(store_dir)
    # With a valid file in the same command: all or nothing, as for any refused file.
    other = csv_file(tmp_path, "other.csv", ["R8;2019-01-02;1.1.1;Almere;;Internet"])
    result = ingest([other, bad], store, skip_invalid=True, rejected_dir=tmp_path)
    assert not result.stored
    assert [s.status for s in result.sources] == ["rejected", "no-valid-rows"]
    assert snapshot(store_dir) == before
    assert [s.rows for s in store.sources()] == [1]


def test_id_from_another_source_is_an_error_or_replaced(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    ingest(
        [
            csv_file(
                tmp_path,
                "old.csv",
                ["R1;2019-01-02;1.1.1;Almere;;Internet", "R2;2019-01-02;1.1.1;Almere;;Balie"],
            )
        ],
        store,
    )
    before = snapshot(store_dir)
    newer = csv_file(tmp_path, "new.csv", ["R2;2019-01-05;1.2.3;Almere;;Balie"])
    with pytest.raises(StoreError, match=r"already stored from another source \(e.g. registration_id=R2"):
        ingest([newer], store)
    assert snapshot(store_dir) == before
    result = ingest([newer], store, replace=True)
    assert result.sources[0].replaced == {str((tmp_path / "old.csv").resolve()): 1}
    rows = store.scan(Kind.registrations).sort("registration_id").collect()
    assert rows.select("registration_id", "category_code").rows() == [("R1", "1.1.1"), ("R2", "1.2.3")]
    assert sorted(s.rows for s in store.sources()) == [1, 1]
    # Files no longer referenced by the manifest are gone.
    assert len(list((store_dir / "registrations").iterdir())) == 2


def test_same_id_in_two_files_of_one_command(tmp_path: Path, store_dir: Path) -> None:
    a = csv_file(tmp_path, "a.csv", ["R1;2019-01-02;1.1.1;Almere;;Internet"])
    b = csv_file(tmp_path, "b.csv", ["R1;2019-01-03;1.1.1;Almere;;Internet"])
    with pytest.raises(StoreError, match="more than one file"):
        ingest([a, b], Store(store_dir))
    assert not store_dir.exists()


def test_personal_columns_never_reach_the_store(tmp_path: Path, store_dir: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "Registratienummer;Datum;Soort misdrijf code;Gemeente;Pleegpostcode;X;Y\n"
        "R1;2019-01-02;1.1.1;Almere;1234AB;150000;480000\n",
        encoding="utf-8",
    )
    store = Store(store_dir)
    result = ingest([path], store)
    assert result.sources[0].dropped_personal_columns == ["Pleegpostcode", "X", "Y"]
    [parquet] = (store_dir / "registrations").iterdir()
    columns = pl.read_parquet_schema(parquet)
    assert not {"Pleegpostcode", "X", "Y"} & set(columns)
    assert b"1234AB" not in parquet.read_bytes()


def test_orphan_files_from_a_killed_writer_are_ignored(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    ingest([csv_file(tmp_path, "a.csv", ["R1;2019-01-02;1.1.1;Almere;;Internet"])], store)
    # A writer killed after its Parquet file but before the manifest leaves an unreferenced file.
    orphan = store_dir / "registrations" / "deadbeef.parquet"
    pl.DataFrame({"registration_id": ["X"]}).write_parquet(orphan)
    assert store.scan(Kind.registrations).collect().height == 1
    ingest([csv_file(tmp_path, "b.csv", ["R2;2019-01-02;1.1.1;Almere;;Internet"])], store)
    assert not orphan.exists()


def _ingest_in_process(args: tuple[str, str]) -> int:
    path, store = args
    result = ingest_paths([Path(path)], Store(Path(store)), ReadOptions())
    return sum(s.rows_stored for s in result.sources)


def test_concurrent_ingests_are_serialised(tmp_path: Path, store_dir: Path) -> None:
    files = [
        csv_file(tmp_path, f"f{i}.csv", [f"R{i}-{j};2019-01-02;1.1.1;Almere;;Internet" for j in range(200)])
        for i in range(4)
    ]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        stored = pool.map(_ingest_in_process, [(str(f), str(store_dir)) for f in files])
    assert stored == [200] * 4
    store = Store(store_dir)
    assert len(store.sources()) == 4
    assert store.scan(Kind.registrations).collect().height == 800


def test_files_from_an_older_schema_still_read(tmp_path: Path, store_dir: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text("Jaar;Gebied;Inwoners\n2019;Almere;207.904\n", encoding="utf-8")
    store = Store(store_dir)
    ingest([path], store)
    [parquet] = (store_dir / "population").iterdir()
    pl.read_parquet(parquet).drop("youths_12_24_estimated").write_parquet(
        parquet
    )  # as an older veilcli wrote it, with a manifest that recorded no size or schema
    manifest = store.manifest()
    old = [
        s.model_copy(update={"file_size": None, "file_sha256": None, "file_schema": None})
        for s in manifest.sources
    ]
    (store_dir / "manifest.json").write_text(manifest.model_copy(update={"sources": old}).model_dump_json())
    rows = store.scan(Kind.population).collect()
    assert rows["inhabitants"].to_list() == [207904] and rows["youths_12_24_estimated"].to_list() == [None]


def test_replace_from_two_files_of_one_command(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    ingest(
        [csv_file(tmp_path, "old.csv", [f"A{i};2019-01-02;1.1.1;Almere;;Balie" for i in (1, 2, 3)])], store
    )
    new1 = csv_file(tmp_path, "new1.csv", ["A1;2019-01-03;1.2.3;Almere;;Balie"])
    new2 = csv_file(tmp_path, "new2.csv", ["A2;2019-01-04;2.2.1;Almere;;Balie"])
    result = ingest([new1, new2], store, replace=True)
    assert [s.replaced for s in result.sources] == [{str((tmp_path / "old.csv").resolve()): 1}] * 2
    rows = store.scan(Kind.registrations).sort("registration_id").collect()
    assert rows.select("registration_id", "category_code").rows() == [
        ("A1", "1.2.3"),
        ("A2", "2.2.1"),
        ("A3", "1.1.1"),
    ]


def test_rejected_rows_folder_is_created_and_names_do_not_collide(tmp_path: Path, store_dir: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = csv_file(
        tmp_path / "a", "x.csv", ["R1;2019-01-02;1.1.1;Almere;;Balie", "R2;bad;1.1.1;Almere;;Balie"]
    )
    two = csv_file(
        tmp_path / "b", "x.csv", ["R3;2019-01-02;1.1.1;Almere;;Balie", "R4;bad;1.1.1;Almere;;Balie"]
    )
    result = ingest(
        [one, two], Store(store_dir), skip_invalid=True, rejected_dir=tmp_path / "new" / "rejects"
    )
    names = sorted(Path(s.rejected_file).name for s in result.sources if s.rejected_file)
    assert names == ["x-2.rejected.csv", "x.rejected.csv"]


def test_header_only_file_is_not_stored(tmp_path: Path, store_dir: Path) -> None:
    result = ingest([csv_file(tmp_path, "h.csv", [])], Store(store_dir))
    assert result.sources[0].status == "empty" and not result.stored
    assert not (store_dir / "manifest.json").exists()


def test_the_plan_writes_nothing_and_the_commit_writes_it(tmp_path: Path, store_dir: Path) -> None:
    from veilcli.sources.pipeline import validate_paths
    from veilcli.store.ingest import (
        SourceStatus,
        admit,
        commit_ingest,
        pending_source,
        plan_ingest,
    )

    store = Store(store_dir)
    old = csv_file(tmp_path, "old.csv", ["R1;2019-01-02;1.1.1;Almere;;Internet"])
    ingest([old], store)
    new = csv_file(tmp_path, "new.csv", ["R1;2019-01-05;1.2.3;Almere;;Balie", "R2;2019-02-01;1.1.1;Almere;;"])
    options = ReadOptions()
    pending = [pending_source(table, sha) for table, sha in validate_paths([old, new], options)]
    assert admit(pending, dry_run=False, skip_invalid=False)
    before = snapshot(store_dir)
    with store.locked():
        plan = plan_ingest(store, pending, options, replace=True)
    assert snapshot(store_dir) == before  # planned under the lock, nothing written
    assert [p.summary.status for p in pending] == [SourceStatus.unchanged, SourceStatus.stored]
    assert [p.summary.path for p in plan.to_store] == [str(new)]
    assert pending[1].summary.replaced == {str(old.resolve()): 1}  # R1 moves to the new file
    # Two files to write: old.csv's rows without R1 (none left), and new.csv's rows.
    assert sorted(frame.height for frame in plan.frames.values()) == [0, 2]
    assert [s.rows for s in plan.sources] == [0, 2]
    with store.locked():
        commit_ingest(store, plan, rejected_to=None)
    assert sorted(store.scan(Kind.registrations).collect()["registration_id"]) == ["R1", "R2"]
    assert {s.value for s in SourceStatus} == {
        "stored",
        "unchanged",
        "rejected",
        "no-valid-rows",
        "dry-run",
        "empty",
    }


# --- counts from two sources: agreement, not conflict ------------------------------------------

COUNTS_HEADER = "Periode;Gebied;Soort misdrijf code;Aantal;Internetaangiften\n"


def counts_file(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(COUNTS_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_counts_with_the_same_values_agree_and_are_kept_once(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    ingest([counts_file(tmp_path, "a.csv", ["2019;Almere;1.1.1;500;40", "2019;Almere;1.2.3;900;"])], store)
    # A second source overlapping on 1.2.3 with the same count (and the same unknown online count),
    # and adding 2.2.1: no conflict; the overlap is stored once, so a sum counts it once.
    b = counts_file(tmp_path, "b.csv", ["2019;Almere;1.2.3;900;", "2019;Almere;2.2.1;300;"])
    result = ingest([b], store)
    [summary] = result.sources
    assert summary.status == "stored" and summary.rows_stored == 1
    assert summary.agreed == {str((tmp_path / "a.csv").resolve()): 1}
    rows = store.scan(Kind.counts).sort("category_code").collect()
    assert rows.select("category_code", "count").rows() == [("1.1.1", 500), ("1.2.3", 900), ("2.2.1", 300)]
    # The same values again from a third file: nothing new to store.
    again = counts_file(tmp_path, "c.csv", ["2019;Almere;2.2.1;300;"])
    assert ingest([again], store).sources[0].status == "unchanged"
    assert store.scan(Kind.counts).collect().height == 3


def test_counts_with_differing_values_conflict(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    ingest([counts_file(tmp_path, "a.csv", ["2019;Almere;1.2.3;900;"])], store)
    before = snapshot(store_dir)
    for rows in (["2019;Almere;1.2.3;901;"], ["2019;Almere;1.2.3;900;12"]):  # the count, the online count
        with pytest.raises(StoreError, match=r"already stored from another source \(e.g. period=2019"):
            ingest([counts_file(tmp_path, "b.csv", rows)], store)
        assert snapshot(store_dir) == before


def test_counts_in_two_files_of_one_command(tmp_path: Path, store_dir: Path) -> None:
    a = counts_file(tmp_path, "a.csv", ["2019;Almere;1.2.3;900;"])
    same = counts_file(tmp_path, "b.csv", ["2019;Almere;1.2.3;900;", "2019;Almere;2.2.1;300;"])
    store = Store(store_dir)
    result = ingest([a, same], store)
    assert result.sources[1].agreed == {str(a): 1}
    assert store.scan(Kind.counts).collect().height == 2
    other = counts_file(tmp_path, "c.csv", ["2020;Almere;1.2.3;900;"])
    differ = counts_file(tmp_path, "d.csv", ["2020;Almere;1.2.3;901;"])
    with pytest.raises(StoreError, match="more than one file"):
        ingest([other, differ], store)


def test_a_wijk_and_a_buurt_of_the_same_name_are_refused(tmp_path: Path, store_dir: Path) -> None:
    # A label export names the wijk Frankendael and the buurt Frankendael alike (Amsterdam).
    path = tmp_path / "labels.csv"
    path.write_text(
        '"Soort misdrijf";"Perioden";"Wijken en buurten";"Geregistreerde misdrijven (aantal)"\n'
        '"1.2.3 Diefstal van brom-, snor-, fietsen";"2020";"Amsterdam";"   10378"\n'
        '"1.2.3 Diefstal van brom-, snor-, fietsen";"2020";"Frankendael";"   120"\n'
        '"1.2.3 Diefstal van brom-, snor-, fietsen";"2020";"Frankendael";"   45"\n',
        encoding="utf-8",
    )
    for skip in (False, True):  # --skip-invalid must not keep one of them
        with pytest.raises(InputError, match=r"'Frankendael'; row\(s\) 4 .*a wijk and a buurt") as info:
            ingest([path], Store(store_dir), skip_invalid=skip)
        assert "region codes" in str(info.value.hint)
        assert not store_dir.exists()
    # With codes the two are told apart by level: both are stored.
    coded = tmp_path / "codes.csv"
    coded.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n2020;WK036391;1.2.3;120\n2020;BU03630910;1.2.3;45\n",
        encoding="utf-8",
    )
    ingest([coded], Store(store_dir))
    assert Store(store_dir).scan(Kind.counts).collect().height == 2


# --- a source whose rows a later file replaced is stored again when its file is (issue 21) ---------

TITLE = "Geregistreerde misdrijven Almere, peildatum 1 juli 2019\n\n"  # police extracts carry a title


def extract_file(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(TITLE + HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_reingesting_a_partly_replaced_source_restores_its_rows(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    original = extract_file(
        tmp_path, "jan.csv", [f"R{i};2019-01-0{i};1.1.1;Almere;;Balie" for i in range(1, 7)]
    )
    ingest([original], store)
    # A corrected table that gives R2 and R4 other codes (and a new R7), stored with --replace.
    later = extract_file(
        tmp_path,
        "correctie.csv",
        [
            "R2;2019-01-02;1.2.3;Almere;;Balie",
            "R4;2019-01-04;2.2.1;Almere;;Balie",
            "R7;2019-01-07;1.1.1;Almere;;Balie",
        ],
    )
    assert ingest([later], store, replace=True).sources[0].replaced == {str(original.resolve()): 2}
    by_path = {s.path: s for s in store.sources()}
    jan, fix = by_path[str(original.resolve())], by_path[str(later.resolve())]
    assert (jan.rows, jan.replaced_by) == (4, {fix.id: 2})  # recorded: 2 rows now held by correctie.csv
    # Without --replace the file's own rows are not simply dropped again: the conflict is said.
    before = snapshot(store_dir)
    with pytest.raises(StoreError, match=r"jan\.csv: 2 registrations already stored from another source"):
        ingest([original], store)
    assert snapshot(store_dir) == before
    # The README's repair advice: the original again, with --replace, restores R2 and R4 (before the
    # fix: "already stored, nothing added", and the two rows stayed missing).
    result = ingest([original], store, replace=True)
    assert result.stored and result.sources[0].status == "stored" and result.sources[0].rows_stored == 6
    assert result.sources[0].replaced == {str(later.resolve()): 2}
    rows = store.scan(Kind.registrations).sort("registration_id").collect()
    assert rows.select("registration_id", "category_code").rows() == [
        ("R1", "1.1.1"),
        ("R2", "1.1.1"),
        ("R3", "1.1.1"),
        ("R4", "1.1.1"),
        ("R5", "1.1.1"),
        ("R6", "1.1.1"),
        ("R7", "1.1.1"),
    ]  # 6 rows from jan.csv, R7 from correctie.csv
    by_path = {s.path: s for s in store.sources()}
    assert (by_path[str(original.resolve())].rows, by_path[str(original.resolve())].replaced_by) == (6, {})
    assert (by_path[str(later.resolve())].rows, by_path[str(later.resolve())].replaced_by) == (1, {jan.id: 2})
    # Stored whole again: a further ingest of the original adds nothing.
    again = ingest([original], store)
    assert not again.stored and again.sources[0].status == "unchanged"
    assert store_status(store, verify=True).damaged == []


def test_a_partly_replaced_source_in_parts_is_restored(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large counts table (read in blocks, stored in parts by year) of which a later table replaced
    one count: ingesting the table again with --replace restores it."""
    store = Store(store_dir)
    rows = [
        f"{year}MM0{month};GM0034;1.1.1;{year - 2000 + month};"
        for year in (2018, 2019)
        for month in range(1, 10)
    ]
    national = counts_file(tmp_path, "landelijk.csv", rows)
    monkeypatch.setenv("VEILCLI_STREAM_BYTES", "100")
    monkeypatch.setenv("VEILCLI_BLOCK_BYTES", "200")
    ingest([national], store)
    [stored] = store.sources(Kind.counts)
    assert stored.parts is not None and [p.year for p in stored.parts] == [2018, 2019]
    monkeypatch.delenv("VEILCLI_STREAM_BYTES")
    fix = counts_file(tmp_path, "fix.csv", ["2019MM03;GM0034;1.1.1;99;"])
    assert ingest([fix], store, replace=True).sources[0].replaced == {str(national.resolve()): 1}
    count = pl.col("count")
    march = store.scan(Kind.counts).filter(pl.col("period") == "2019-03").select(count).collect()
    assert march[0, 0] == 99
    monkeypatch.setenv("VEILCLI_STREAM_BYTES", "100")
    result = ingest([national], store, replace=True)
    assert result.stored and result.sources[0].rows_stored == 18
    everything = store.scan(Kind.counts).sort("period").collect()
    assert everything.height == 18  # 2 years x 9 months, fix.csv's one count replaced again
    assert everything.filter(pl.col("period") == "2019-03")[0, "count"] == 19 + 3  # 2019-2000+3


# --- rejected-rows files: only veilcli's own are replaced (issue 21) --------------------------------


def bad_file(folder: Path, ids: tuple[str, str]) -> Path:
    return extract_file(
        folder, "bad.csv", [f"{ids[0]};2019-01-02;1.1.1;Almere;;Balie", f"{ids[1]};geen;1.1.1;Almere;;Balie"]
    )


def test_a_rejected_rows_file_veilcli_wrote_is_replaced_and_recorded(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    first = ingest([bad_file(tmp_path, ("A1", "A2"))], store, skip_invalid=True, rejected_dir=tmp_path)
    written = tmp_path / "bad.rejected.csv"
    assert first.sources[0].rejected_file == str(written)
    [record] = store.manifest().rejected_files
    import hashlib

    assert record.path == str(written.resolve()) and record.size == written.stat().st_size
    assert record.sha256 == hashlib.sha256(written.read_bytes()).hexdigest()
    # The next file's rejects replace it without --force: veilcli wrote it and nobody changed it.
    ingest([bad_file(tmp_path, ("B1", "B2"))], store, skip_invalid=True, rejected_dir=tmp_path)
    assert pl.read_csv(written, infer_schema=False)["Registratienummer"].to_list() == ["B2"]
    assert [r.sha256 for r in store.manifest().rejected_files] == [
        hashlib.sha256(written.read_bytes()).hexdigest()
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_a_users_file_is_overwritten_only_with_force(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    mine = tmp_path / "bad.rejected.csv"
    mine.write_text("mijn aantekeningen\n", encoding="utf-8")
    bad = bad_file(tmp_path, ("A1", "A2"))
    with pytest.raises(
        InputError, match=r"bad\.rejected\.csv: exists already and is not a rejected-rows file"
    ):
        ingest([bad], store, skip_invalid=True, rejected_dir=tmp_path)
    assert mine.read_text(encoding="utf-8") == "mijn aantekeningen\n" and not store_dir.exists()
    result = ingest([bad], store, skip_invalid=True, rejected_dir=tmp_path, force=True)
    assert result.stored and pl.read_csv(mine, infer_schema=False)["Registratienummer"].to_list() == ["A2"]


def test_a_symlink_at_the_rejected_name_is_not_written_through(tmp_path: Path, store_dir: Path) -> None:
    outside = tmp_path / "elders.txt"
    outside.write_text("niet van veilcli\n", encoding="utf-8")
    (tmp_path / "bad.rejected.csv").symlink_to(outside)
    bad = bad_file(tmp_path, ("A1", "A2"))
    with pytest.raises(InputError, match="not a rejected-rows file veilcli wrote"):
        ingest([bad], Store(store_dir), skip_invalid=True, rejected_dir=tmp_path)
    # With --force the link itself is replaced by the file, its target left alone.
    ingest([bad], Store(store_dir), skip_invalid=True, rejected_dir=tmp_path, force=True)
    assert not (tmp_path / "bad.rejected.csv").is_symlink()
    assert outside.read_text(encoding="utf-8") == "niet van veilcli\n"


def test_a_failed_commit_leaves_the_rejected_rows_file_as_it_was(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(store_dir)
    ingest([bad_file(tmp_path, ("A1", "A2"))], store, skip_invalid=True, rejected_dir=tmp_path)
    written = (tmp_path / "bad.rejected.csv").read_bytes()
    before = snapshot(store_dir)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "commit", fail)
    with pytest.raises(OSError):
        ingest([bad_file(tmp_path, ("B1", "B2"))], store, skip_invalid=True, rejected_dir=tmp_path)
    assert (tmp_path / "bad.rejected.csv").read_bytes() == written and snapshot(store_dir) == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


# --- standard input: within the limits, never left behind (issue 21) -------------------------------


class Endless:
    """Standard input that never ends (``yes`` piped in), counting what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = b"R1;2019-01-02;1.1.1;Almere;;Balie\n" * max(1, (size if size > 0 else 1 << 20) // 34)
        self.read_bytes += len(chunk)
        return chunk


def test_endless_standard_input_stops_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from veilcli.sources.readers import standard_input_as_file

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("VEILCLI_MAX_FILE_BYTES", str(5 << 20))
    stream = Endless()
    too_much = r"standard input \(-\): more than the limit of 5,242,880 bytes"
    with pytest.raises(InputError, match=too_much), standard_input_as_file([Path("-")], stream):  # type: ignore[arg-type]
        pass
    assert 5 << 20 < stream.read_bytes <= (5 << 20) + (1 << 20)  # read one block past the limit, no more
    assert list(tmp_path.iterdir()) == []  # the copy is removed


def test_standard_input_json_has_the_json_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import tempfile

    from veilcli.sources.readers import standard_input_as_file

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("VEILCLI_MAX_JSON_BYTES", "40")
    document = b'\xef\xbb\xbf  {"value": [{"Jaar": 2019, "Gebied": "Almere", "Inwoners": 1}]}'
    with (
        pytest.raises(InputError, match="VEILCLI_MAX_JSON_BYTES"),
        standard_input_as_file([Path("-")], io.BytesIO(document)),
    ):
        pass
    monkeypatch.delenv("VEILCLI_MAX_JSON_BYTES")
    with standard_input_as_file([Path("a.csv"), Path("-")], io.BytesIO(document)) as paths:
        assert paths[0] == Path("a.csv") and paths[1].name == "stdin.json"
        assert paths[1].read_bytes() == document and (paths[1].parent.stat().st_mode & 0o077) == 0
    assert list(tmp_path.iterdir()) == []

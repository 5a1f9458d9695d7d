"""Store safety (issue 9): veilcli writes only into its own store, deletes only its own files, verifies
the files against the manifest, names every fault, and readers lock out writers."""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import snapshot
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.errors import StoreError
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

runner = CliRunner()
HEADER = "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte\n"


def reg_csv(folder: Path, name: str, ids: list[str], code: str = "1.1.1", date: str = "2019-01-02") -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(f"{i};{date};{code};Almere;Balie\n" for i in ids), encoding="utf-8")
    return path


def counts_csv(folder: Path, name: str = "counts.csv") -> Path:
    path = folder / name
    path.write_text("Periode;Gebied;Soort misdrijf code;Aantal\n2019H1;Almere;1.1.1;7\n", encoding="utf-8")
    return path


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def tree(folder: Path) -> dict[str, tuple[str, bytes | str]]:
    """Every entry under a folder, symlinks as their target (never followed), files with their bytes."""
    out: dict[str, tuple[str, bytes | str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                out[key] = ("link", os.readlink(path))
            elif path.is_dir():
                out[key] = ("dir", "")
            else:
                out[key] = ("file", path.read_bytes())
    return out


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A store with one registrations source (ids A1..A3) and one counts source."""
    store = Store(tmp_path / "store")
    result = ingest_paths(
        [reg_csv(tmp_path, "regs.csv", ["A1", "A2", "A3"]), counts_csv(tmp_path)], store, ReadOptions()
    )
    assert result.stored
    return store


def source_of(store: Store, kind: Kind):  # type: ignore[no-untyped-def]
    [source] = store.sources(kind)
    return source


def normalise(store: Store):  # type: ignore[no-untyped-def]
    return invoke("normalise", "--period", "2019H1", "--baseline", "2019", "--store", store.root)


# -- only our own folder, only our own files --------------------------------------------------------


def test_existing_folder_that_is_not_a_store_is_refused_and_untouched(tmp_path: Path) -> None:
    documents = tmp_path / "Documents"
    (documents / "counts").mkdir(parents=True)
    (documents / "letter.txt").write_text("dear ...")
    (documents / "counts" / "0123456789abcdef.parquet").write_bytes(b"named like ours, but not ours")
    (documents / "counts" / "tally.xlsx").write_bytes(b"a user's file")
    outside = tmp_path / "outside.parquet"
    outside.write_bytes(b"outside the folder")
    (documents / "counts" / "fedcba9876543210.parquet").symlink_to(outside)
    before = tree(documents)
    result = invoke("ingest", counts_csv(tmp_path), "--store", documents)
    assert result.exit_code == 2, result.output
    assert "is an existing folder that is not a veilcli store" in result.output
    assert str(documents) in result.output and "Traceback" not in result.output
    assert tree(documents) == before
    assert outside.read_bytes() == b"outside the folder"


def test_the_root_folder_is_not_a_store() -> None:
    with pytest.raises(StoreError, match="not a veilcli store"):
        Store(Path("/"))._check_writable()  # read-only check: lists /, writes nothing


def test_a_foreign_manifest_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "webapp"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"name": "my web app", "icons": []}')
    before = tree(folder)
    result = invoke("ingest", counts_csv(tmp_path), "--store", folder)
    assert result.exit_code == 2 and "is not a veilcli manifest" in result.output
    assert tree(folder) == before


def test_empty_folder_and_a_leftover_lock_are_accepted(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert ingest_paths([counts_csv(tmp_path)], Store(empty), ReadOptions()).stored
    only_lock = tmp_path / "only-lock"
    only_lock.mkdir()
    (only_lock / "lock").touch()  # a command that stored nothing leaves its lock file
    assert ingest_paths([counts_csv(tmp_path)], Store(only_lock), ReadOptions()).stored
    manifest = json.loads((empty / "manifest.json").read_text())
    assert manifest["marker"] == "veilcli-store"


def test_manifest_of_an_older_veilcli_without_marker_still_reads_and_writes(
    store: Store, tmp_path: Path
) -> None:
    data = json.loads(store.manifest_path.read_text())
    del data["marker"]
    del data["rejected_files"]  # written since issue 21
    for source in data["sources"]:
        for field in ("file_size", "file_sha256", "file_schema"):
            del source[field]
    store.manifest_path.write_text(json.dumps(data))
    assert store.scan(Kind.registrations).collect().height == 3
    assert ingest_paths([reg_csv(tmp_path, "more.csv", ["B1"])], store, ReadOptions()).stored
    assert json.loads(store.manifest_path.read_text())["marker"] == "veilcli-store"
    # Without the marker and without `format: 1` it is not ours.
    del data["format"]
    store.manifest_path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="not a veilcli manifest"):
        store.manifest()


def test_cleanup_deletes_only_our_own_file_names_and_never_through_symlinks(
    store: Store, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "0123456789abcdef.parquet").write_bytes(b"not the store's")
    (outside / ".0123456789abcdef.tmp-1.parquet").write_bytes(b"not the store's either")
    regs = store.root / "registrations"
    (regs / "notes.txt").write_text("a user's note in the store")
    (regs / "fedcba9876543210.parquet").symlink_to(outside / "0123456789abcdef.parquet")
    orphan = regs / "aaaaaaaaaaaaaaaa.parquet"  # a killed writer's file: ours, unreferenced
    orphan.write_bytes(b"orphan")
    stale_tmp = regs / ".bbbbbbbbbbbbbbbb.tmp-99999.parquet"
    stale_tmp.write_bytes(b"temp")
    (store.root / "suspects").symlink_to(outside, target_is_directory=True)  # a symlinked kind folder
    outside_before = tree(outside)
    assert ingest_paths([reg_csv(tmp_path, "more.csv", ["B1"])], store, ReadOptions()).stored
    assert not orphan.exists() and not stale_tmp.exists()  # the sweep ran
    assert (regs / "notes.txt").exists() and (regs / "fedcba9876543210.parquet").is_symlink()
    assert tree(outside) == outside_before


def test_symlinked_kind_folder_is_not_written_through(store: Store, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (store.root / "population").symlink_to(outside, target_is_directory=True)
    population = tmp_path / "pop.csv"
    population.write_text("Jaar;Gebied;Inwoners\n2019;Almere;207.904\n", encoding="utf-8")
    before = tree(store.root)
    with pytest.raises(StoreError, match="population is not a folder of the store"):
        ingest_paths([population], store, ReadOptions())
    assert list(outside.iterdir()) == [] and tree(store.root) == before


def test_manifest_path_outside_the_store_is_never_opened(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.parquet"
    pl.DataFrame({"registration_id": ["S1"]}).write_parquet(secret)
    data = json.loads(store.manifest_path.read_text())
    [reg] = [s for s in data["sources"] if s["kind"] == "registrations"]
    reg["file"] = "../secret.parquet"
    store.manifest_path.write_text(json.dumps(data))
    opened: list[str] = []
    for name in ("scan_parquet", "read_parquet", "read_parquet_schema"):
        real = getattr(pl, name)

        def spy(path: object, *args: object, _real: Callable[..., object] = real, **kwargs: object) -> object:
            opened.append(str(path))
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(pl, name, spy)
    with pytest.raises(StoreError, match=r"regs\.csv.*outside the store"):
        store.scan(Kind.registrations)
    reg["file"] = "../../etc/passwd"
    store.manifest_path.write_text(json.dumps(data))
    result = normalise(store)
    assert result.exit_code == 2 and "regs.csv" in result.output and "outside the store" in result.output
    assert not [p for p in opened if "secret" in p or "passwd" in p]


# -- the store verifies itself ----------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["missing", "garbage", "other schema", "appended"])
def test_damaged_parquet_is_a_clear_error_naming_the_source(store: Store, damage: str) -> None:
    source = source_of(store, Kind.registrations)
    path = store.root / source.file
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"PAR1 this is not parquet" * 20)
    elif damage == "other schema":
        pl.DataFrame({"registration_id": ["A1"], "source_id": [source.id]}).write_parquet(path)
    else:
        path.write_bytes(path.read_bytes() + b"\0")
    result = normalise(store)
    assert result.exit_code == 2, result.output
    assert str(Path(source.path)) in result.output and "veilcli ingest --replace" in result.output
    assert {
        "missing": "is missing",
        "garbage": "bytes, the manifest says",
        "other schema": "bytes, the manifest says",
        "appended": "bytes, the manifest says",
    }[damage] in result.output
    status = invoke("status", "--store", store.root, "--format", "json")
    assert status.exit_code == 1
    [damaged] = json.loads(status.stdout)["damaged"]
    assert damaged["path"] == source.path


def test_schema_is_checked_even_when_the_size_matches(store: Store) -> None:
    """A file of another schema never gives null counts: the schema is checked besides the size."""
    source = source_of(store, Kind.counts)
    path = store.root / source.file
    pl.DataFrame({"period": ["2019H1"], "area": ["Almere"], "category_code": ["1.1.1"]}).write_parquet(path)
    data = json.loads(store.manifest_path.read_text())
    for s in data["sources"]:
        if s["id"] == source.id:
            s["file_size"] = path.stat().st_size  # as if the size happened to match
    store.manifest_path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match=r"counts\.csv.*lacks count"):
        store.scan(Kind.counts)
    # A source from an older store (no size, no schema recorded): the columns it was stored with.
    for s in data["sources"]:
        s["file_size"] = s["file_schema"] = None
    store.manifest_path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match=r"counts\.csv.*lacks the column\(s\) count"):
        store.scan(Kind.counts)


def test_status_verify_finds_a_flipped_byte(store: Store) -> None:
    source = source_of(store, Kind.registrations)
    path = store.root / source.file
    data = bytearray(path.read_bytes())
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")  # the schema lives in the footer
    data[footer // 2] ^= 0xFF  # a byte of the data pages: same size, same schema, only the sha256 tells
    path.write_bytes(bytes(data))
    assert invoke("status", "--store", store.root).exit_code == 0
    result = invoke("status", "--verify", "--store", store.root)
    assert result.exit_code == 1
    assert f"damaged: {source.path}" in result.output and "sha256" in result.output
    assert "veilcli ingest --replace" in result.output
    payload = json.loads(invoke("status", "--verify", "--store", store.root, "--format", "json").stdout)
    assert payload["verified"] is True and [d["path"] for d in payload["damaged"]] == [source.path]
    # the counts source is fine and still covered
    assert [c["kind"] for c in payload["coverage"]] == ["counts"]


def test_status_verify_passes_on_a_sound_store(store: Store) -> None:
    result = invoke("status", "--verify", "--store", store.root)
    assert result.exit_code == 0 and "verified: 2 stored file(s) match the manifest" in result.output


def test_ingesting_the_original_again_repairs_a_damaged_file(store: Store, tmp_path: Path) -> None:
    source = source_of(store, Kind.registrations)
    (store.root / source.file).write_bytes(b"garbage")
    result = invoke("ingest", "--replace", source.path, "--store", store.root)
    assert result.exit_code == 0, result.output
    assert not (store.root / source.file).exists()
    assert store.scan(Kind.registrations).collect()["registration_id"].sort().to_list() == ["A1", "A2", "A3"]
    assert invoke("status", "--verify", "--store", store.root).exit_code == 0


# -- faults are named, and a failed commit leaves the store as it was ----------------------------------


def _failing_replace(monkeypatch: pytest.MonkeyPatch, exc: BaseException, on_call: int) -> None:
    real = os.replace
    calls = {"n": 0}

    def replace(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == on_call:
            raise exc
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize(
    ("exc", "on_call", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), 1, "the disk is full"),
        (OSError(errno.ENOSPC, "No space left on device"), 3, "the disk is full"),  # at the manifest
        (PermissionError(errno.EACCES, "Permission denied"), 2, "permission denied"),
        (OSError(errno.EROFS, "Read-only file system"), 1, "the file system is read-only"),
    ],
)
def test_commit_failure_is_named_and_leaves_the_store_byte_identical(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exc: OSError,
    on_call: int,
    message: str,
) -> None:
    # Two new files and a replacement: three os.replace calls (two Parquet files, then the manifest).
    new = reg_csv(tmp_path, "new.csv", ["A1", "C1"], code="1.2.3")
    population = tmp_path / "pop.csv"
    population.write_text("Jaar;Gebied;Inwoners\n2019;Almere;207.904\n", encoding="utf-8")
    before = snapshot(store.root)
    _failing_replace(monkeypatch, exc, on_call)
    result = invoke("ingest", "--replace", new, "--store", store.root)
    assert result.exit_code == 2, result.output
    assert message in result.output and str(store.root) in result.output and "Traceback" not in result.output
    assert "bug in veilcli" not in result.output
    assert snapshot(store.root) == before  # no temp files, no new Parquet, same manifest
    monkeypatch.undo()
    _failing_replace(monkeypatch, exc, on_call)
    with pytest.raises(StoreError):
        ingest_paths([new, population], store, ReadOptions(), replace=True)
    assert snapshot(store.root) == before


def test_interrupted_commit_leaves_the_store_byte_identical(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(store.root)
    _failing_replace(monkeypatch, KeyboardInterrupt(), 2)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(
            [reg_csv(tmp_path, "x.csv", ["X1"]), reg_csv(tmp_path, "y.csv", ["Y1"])], store, ReadOptions()
        )
    assert snapshot(store.root) == before


def test_failed_first_commit_leaves_no_store_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "new-store")
    _failing_replace(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), 2)
    with pytest.raises(StoreError, match="the disk is full"):
        ingest_paths([counts_csv(tmp_path)], store, ReadOptions())
    assert not store.root.exists()  # not even the lock file of the attempt


def test_read_only_store_reads_and_refuses_writes(store: Store, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions (the monkeypatched tests cover this)")
    before = snapshot(store.root)
    folders = [store.root, *(p for p in store.root.iterdir() if p.is_dir())]
    try:
        for folder in folders:
            folder.chmod(0o555)
        assert invoke("status", "--store", store.root).exit_code == 0
        assert normalise(store).exit_code == 0
        result = invoke("ingest", reg_csv(tmp_path, "new.csv", ["Z1"]), "--store", store.root)
        assert result.exit_code == 2 and "permission denied" in result.output
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert snapshot(store.root) == before


def test_reader_without_a_lock_file_on_a_read_only_store(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    (store.root / "lock").unlink()
    real_open = os.open

    def read_only_open(path: object, flags: int, *args: object) -> int:
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and str(path).startswith(str(store.root)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only_open)
    result = normalise(store)
    assert result.exit_code == 0, result.output
    assert not (store.root / "lock").exists()
    result = invoke("ingest", reg_csv(store.root.parent, "new.csv", ["Z1"]), "--store", store.root)
    assert result.exit_code == 2 and "the file system is read-only" in result.output


def test_store_path_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "store.txt"
    path.write_text("mine")
    for args in (["ingest", counts_csv(tmp_path)], ["status"], ["normalise", "--period", "2019H1"]):
        result = invoke(*args, "--store", path)
        assert result.exit_code == 2, result.output
        assert f"the store path {path} is a file, not a folder" in result.output
    assert path.read_text() == "mine"


def test_lock_that_is_a_directory(store: Store, tmp_path: Path) -> None:
    lock = store.root / "lock"
    lock.unlink()
    lock.mkdir()
    before = tree(store.root)
    for args in (["ingest", reg_csv(tmp_path, "new.csv", ["Z1"])], ["status"]):
        result = invoke(*args, "--store", store.root)
        assert result.exit_code == 2, result.output
        assert f"{lock} is not a regular file" in result.output
    assert tree(store.root) == before


def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.csv")  # Latin-1 bytes in a file name
    try:
        (folder / name).write_text(HEADER + "R1;2019-01-02;1.1.1;Almere;Balie\n", encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system does not take non-UTF-8 names")
    store = tmp_path / "store"
    result = invoke("ingest", folder, "--store", store)
    assert result.exit_code == 0, result.output
    manifest = json.loads((store / "manifest.json").read_bytes())
    assert manifest["sources"][0]["path"].endswith("caf\\xe9.csv")
    files = sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())
    assert files == ["lock", "manifest.json", manifest["sources"][0]["file"]]  # nothing stray
    assert invoke("status", "--verify", "--store", store).exit_code == 0


# -- readers and writers lock each other out ------------------------------------------------------------


def test_reader_blocks_a_replacing_writer_until_it_has_collected(store: Store, tmp_path: Path) -> None:
    replacement = reg_csv(tmp_path, "replacement.csv", ["A1", "A2"], code="2.2.1")
    done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            ingest_paths([replacement], Store(store.root), ReadOptions(), replace=True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    with store.reading():
        frame = store.scan(Kind.registrations)
        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.5)  # the writer validates, then waits for the lock
        assert not done.is_set()
        # The writer has not pulled the file from under us: our frame still collects.
        assert frame.collect()["registration_id"].sort().to_list() == ["A1", "A2", "A3"]
    thread.join(timeout=20)
    assert done.is_set() and not errors
    assert sorted(store.scan(Kind.registrations).collect()["registration_id"].to_list()) == ["A1", "A2", "A3"]
    assert len(store.sources(Kind.registrations)) == 2


def test_writer_and_reader_exclude_each_other(store: Store) -> None:
    other = Store(store.root)
    with store.reading(), pytest.raises(StoreError, match="is busy"), other.locked(timeout=0.2):
        pass  # pragma: no cover
    busy = "is busy: another veilcli command is writing"
    with store.locked(), pytest.raises(StoreError, match=busy), other.reading(timeout=0.2):
        pass  # pragma: no cover
    with store.reading(), other.reading(timeout=0.2):
        pass  # readers share


# -- issue 21: old stores told by more than one key, temp files exclusive, locks, stdin copies -------


def test_an_old_manifest_is_told_by_its_sources_and_files(store: Store, tmp_path: Path) -> None:
    data = json.loads(store.manifest_path.read_text())
    old = {
        "format": 1,
        "sources": [{k: v for k, v in s.items() if not k.startswith("file_")} for s in data["sources"]],
    }
    store.manifest_path.write_text(json.dumps(old))
    assert len(store.manifest().sources) == 2  # an older veilcli's manifest: read
    # Another key beside format and sources, a source without veilcli's fields, a stored file named
    # otherwise, or none of its files in the store: not veilcli's.
    for changed in (
        {**old, "app": "photo-tool"},
        {"format": 1, "sources": [{"id": "x", "file": "counts/0123456789abcdef.parquet"}]},
        {"format": 1, "sources": [{**old["sources"][0], "file": "counts/holiday.parquet"}]},
        {"format": 1, "sources": []},
    ):
        store.manifest_path.write_text(json.dumps(changed))
        with pytest.raises(StoreError, match="is not a veilcli manifest"):
            store.manifest()
    store.manifest_path.write_text(json.dumps(old))
    for source in old["sources"]:
        (store.root / source["file"]).unlink()
    with pytest.raises(StoreError, match="is not a veilcli manifest"):
        store.manifest()


def test_reading_a_foreign_folder_creates_no_lock_file(tmp_path: Path) -> None:
    tool = tmp_path / "tool"
    tool.mkdir()
    (tool / "manifest.json").write_text('{"format": 1, "sources": []}')
    for command in (["status"], ["compare"], ["trend"]):
        result = invoke(*command, "--store", tool)
        assert result.exit_code == 2 and "is not a veilcli manifest" in result.output, result.output
    assert sorted(p.name for p in tool.iterdir()) == ["manifest.json"]


def test_an_empty_folder_reads_as_an_empty_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("status", "--store", empty, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["sources"] == []
    assert list(empty.iterdir()) == []


def test_a_symlink_planted_at_the_manifest_temp_name_is_not_written_through(
    store: Store, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text("not the store's")
    planted = store.root / f".manifest.tmp-{os.getpid()}.json"
    planted.symlink_to(outside)
    assert ingest_paths([reg_csv(tmp_path, "more.csv", ["B1"])], store, ReadOptions()).stored
    assert outside.read_text() == "not the store's" and not planted.is_symlink()
    assert {s.path.rsplit("/", 1)[1] for s in store.sources()} == {"regs.csv", "counts.csv", "more.csv"}


def test_write_atomic_refuses_a_temp_file_swapped_under_it(tmp_path: Path) -> None:
    from veilcli.errors import InputError
    from veilcli.files.atomic import write_atomic

    target = tmp_path / "out.csv"
    target.write_text("old")

    def swap(tmp: Path) -> None:
        tmp.unlink()
        tmp.write_text("someone else's")

    with pytest.raises(InputError, match="was replaced while veilcli wrote it"):
        write_atomic(target, swap)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_locks_go_through_portalocker_shared_for_readers(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linux keeps flock (portalocker's default there); Windows gets LockFileEx, with shared locks."""
    import portalocker

    taken: list[str] = []
    real = portalocker.lock

    def spy(handle: object, flags: portalocker.LockFlags) -> None:
        taken.append("shared" if flags & portalocker.LockFlags.SHARED else "exclusive")
        real(handle, flags)  # type: ignore[arg-type]

    monkeypatch.setattr(portalocker, "lock", spy)
    with store.reading():
        pass
    with store.locked():
        pass
    assert taken == ["shared", "exclusive"]
    assert portalocker.portalocker.LOCKER is __import__("fcntl").flock  # today's lock on Linux


def test_the_download_cache_follows_the_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from veilcli.sources.download import cache_dir

    monkeypatch.delenv("VEILCLI_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "veilcli" / "odata"  # Linux: XDG, default ~/.cache
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "veilcli" / "odata"
    monkeypatch.setenv("VEILCLI_CACHE", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def _stdin_copies(temp: Path) -> list[Path]:
    return sorted(temp.glob("veilcli-stdin-*/*"))


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGHUP"])
def test_a_killed_ingest_from_stdin_leaves_no_copy(tmp_path: Path, how: str) -> None:
    """A copy of standard input holds personal columns: removed when the command is ended (SIGTERM,
    SIGHUP), and swept by the next command when the process was killed outright (SIGKILL)."""
    import signal
    import subprocess
    import sys

    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    command = [sys.executable, "-m", "veilcli", "ingest", "-", "--store", str(tmp_path / "store")]

    def default_signals() -> None:  # as in a terminal: a test runner may start us with SIGHUP ignored
        for number in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)

    child = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        preexec_fn=default_signals,
    )
    try:
        assert child.stdin is not None
        child.stdin.write(HEADER.encode() + b"R1;2019-01-02;1.1.1;Almere;Balie\n")  # still open: being read
        child.stdin.flush()
        deadline = time.monotonic() + 30
        while not _stdin_copies(temp) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _stdin_copies(temp), "the copy of standard input never appeared"
        os.kill(child.pid, getattr(signal, how))
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if how == "SIGKILL":
        assert _stdin_copies(temp)  # nothing can run in a killed process ...
        other = subprocess.run(
            [sys.executable, "-m", "veilcli", "validate", str(reg_csv(tmp_path, "a.csv", ["A1"]))],
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert other.returncode == 0, other.stderr  # ... the next command sweeps it
    else:
        assert child.returncode == 128 + getattr(signal, how)
    assert list(temp.iterdir()) == []

"""The embedded store: one Parquet file per ingested source plus ``manifest.json``.

Writers hold an exclusive lock on ``<store>/lock``, write every Parquet file to a temporary
name and ``os.replace`` it into place, and replace the manifest last: readers only ever see
files the manifest lists, so a killed writer leaves at most unreferenced files, which the
next writer removes. Readers hold a shared lock on the same file (``Store.reading``), so a
writer never replaces a file under a running command.

A store is a folder veilcli created: its manifest carries ``marker: "veilcli-store"`` (older
manifests are recognised by ``format: 1``). veilcli writes only into a store, a folder that does
not exist yet, or an empty one; it deletes only files whose names it gives its own files, never
through a symbolic link. Each stored file's size, Parquet schema and sha256 are recorded in the
manifest; size and schema are checked whenever the file is read, the sha256 by ``status --verify``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import io
import os
import re
import shlex
import socket
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import portalocker
import pydantic_core
from pydantic import ValidationError

from veilcli import STORE_ENV
from veilcli.domain.choices import Kind
from veilcli.domain.kinds import STORE_FOLDERS, facts
from veilcli.domain.models import Manifest, SourceRecord, StoredPart
from veilcli.errors import MissingStoreError, StoreError
from veilcli.files.atomic import pid_running, write_atomic_bytes
from veilcli.sources.columns import column_specs
from veilcli.sources.limits import MIB, Limit
from veilcli.store.snapshot import Snapshot

DEFAULT_STORE = Path(".veilcli")
MANIFEST = "manifest.json"
LOCK = "lock"
LOCK_TIMEOUT_S = 30.0
MARKER = "veilcli-store"
# The manifest is read like any input: a regular file (never a FIFO or device), at most this size
# (a source takes ~2 KB: 64 MiB is ~30,000 sources), nested at most 200 deep (the JSON parser's own
# bound; a real manifest nests 5 deep).
MAX_MANIFEST_BYTES = Limit("VEILCLI_MAX_MANIFEST_BYTES", 64 * MIB, "bytes", "size of a store's manifest.json")
# What a manifest of a veilcli from before the marker holds: ``format: 1`` and sources, each with
# these fields (the first version's required ones).
_OLD_MANIFEST_KEYS = {"format", "sources"}
_OLD_SOURCE_FIELDS = {"id", "path", "sha256", "kind", "rows", "file", "ingested_at", "veilcli_version"}

# The only names veilcli gives files in a kind folder: <hex source id>.parquet, <id>-r<UTC time>.parquet
# (rows kept after --replace; early versions added -<n>), and the temporary names of write_atomic
# (.<stem>.tmp-<pid>.parquet).
_STEM = r"[0-9a-f]{8,64}(?:-r[0-9]{20}(?:-[0-9]+)?)?"
_STORED_NAME = re.compile(_STEM + r"\.parquet")
_TEMP_NAME = re.compile(r"\." + _STEM + r"\.tmp-[0-9]+\.parquet")
_MANIFEST_TEMP = re.compile(r"\.manifest\.tmp-[0-9]+\.json")
# A source stored in parts: the folder <kind>/<stem>/ holding <year>.parquet files; files read in
# blocks are staged in .staging-<pid>-<hex>/ (.staging-<pid>-<hex>-<host>/ since hosts are named:
# a store on a network share is used from several machines) before the commit moves them in.
_STEM_FOLDER = re.compile(_STEM)
_PART_NAME = re.compile(r"[0-9]{4}\.parquet")
_STAGING = re.compile(r"\.staging-([0-9]+)-[0-9a-f]{8}(?:-([0-9a-f]{8}))?")


def stored_schema(kind: Kind) -> dict[str, pl.DataType]:
    """Column types of stored rows of a kind (canonical columns + provenance)."""
    schema: dict[str, pl.DataType] = {s.name: s.type.dtype for s in column_specs(kind)}
    schema["source_row"] = pl.Int64()
    schema["source_id"] = pl.String()
    return schema


def source_id_for(sha256: str, sheet: str | None) -> str:
    """The id a source is stored under: from its file's sha256 and its sheet."""
    return hashlib.sha256(f"{sha256}:{sheet or ''}".encode()).hexdigest()[:16]


def resolve_store_path(path: Path | None = None) -> Path:
    """``--store``, else ``$VEILCLI_STORE``, else ``./.veilcli``."""
    if path is not None:
        return path
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def safe_text(text: str) -> str:
    """Text that encodes as UTF-8: bytes of a file name that are not UTF-8 become ``\\xe9`` escapes.

    Python hands such bytes over as lone surrogates (``surrogateescape``); JSON cannot hold them.
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def os_problem(exc: OSError) -> str:
    """An operating-system failure in a few words: disk full and permission errors named as such."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return safe_text(exc.strerror or exc.__class__.__name__)


def _write_error(root: Path, exc: OSError) -> StoreError:
    problem = os_problem(exc)
    where = f" ({safe_text(str(exc.filename))})" if exc.filename else ""
    if problem == "the disk is full":
        hint = "free some disk space and run the command again."
    elif problem in ("permission denied", "the file system is read-only"):
        hint = f"check that you may write to {safe_text(str(root))}, or pass --store with a folder you may."
    else:
        hint = "run the command again; rerun with --debug to see where it failed."
    return StoreError(
        f"could not write to the store {safe_text(str(root))}: {problem}{where}. Nothing was stored.",
        hint=hint,
    )


@dataclass(frozen=True)
class Damage:
    """A stored file that does not match the manifest."""

    source: SourceRecord
    problem: str


def repair_hint(damaged: Iterable[SourceRecord]) -> str:
    """How to rebuild damaged stored files from their originals."""
    sources = list(damaged)
    command = "veilcli ingest --replace " + " ".join(shlex.quote(s.path) for s in sources)
    sheets = sorted({s.sheet for s in sources if s.sheet})
    if sheets:
        command += " " + " ".join(f"--sheet {shlex.quote(s)}" for s in sheets[:1])
    return f"ingest the original file(s) again: `{command}`."


def damage_error(root: Path, damage: list[Damage]) -> StoreError:
    """One message naming each damaged source (its original path) and what is wrong."""
    shown = "; ".join(
        f"{d.source.path}{f' [{d.source.sheet}]' if d.source.sheet else ''}: {d.problem}" for d in damage[:5]
    )
    more = f" (and {len(damage) - 5} more)" if len(damage) > 5 else ""
    return StoreError(
        f"the store {safe_text(str(root))} is damaged: {shown}{more}.",
        hint=repair_hint(d.source for d in damage),
    )


def _lock_error(path: Path, exc: OSError) -> StoreError:
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.ELOOP:
        return StoreError(
            f"{safe_text(str(path))} is not a regular file; veilcli locks the store with a file "
            "of that name.",
            hint="remove it, while no veilcli command runs on this store, and run the command again.",
        )
    return _write_error(path.parent, exc)


_BUSY = (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK, errno.EINTR)


def _acquire(fd: int, path: Path, shared: bool, timeout: float) -> None:
    """Take the lock (shared for readers, exclusive for writers) within ``timeout`` seconds.

    portalocker: ``flock`` on Linux and macOS (as before), ``LockFileEx`` on Windows, which has
    shared locks too (pywin32); without pywin32 a reader takes the exclusive lock (readers then
    wait for each other, never for nothing).
    """
    deadline = time.monotonic() + timeout
    flags = (portalocker.LockFlags.SHARED if shared else portalocker.LockFlags.EXCLUSIVE) | (
        portalocker.LockFlags.NON_BLOCKING
    )
    while True:
        try:
            try:
                portalocker.lock(fd, flags)
            except ImportError:  # pragma: no cover - Windows without pywin32: no shared locks
                portalocker.lock(fd, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
            return
        except portalocker.exceptions.LockException as exc:
            cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else None
            busy = isinstance(exc, portalocker.exceptions.AlreadyLocked) or (
                cause is not None and cause.errno in _BUSY
            )
            if not busy:
                raise _lock_error(path, cause or OSError(errno.EIO, str(exc))) from exc
            if time.monotonic() > deadline:
                doing = "writing to it" if shared else "using it"
                raise StoreError(
                    f"the store {safe_text(str(path.parent))} is busy: another veilcli command is {doing}.",
                    hint="wait for it to finish and run the command again.",
                ) from exc
            time.sleep(0.05)


def _release(fd: int) -> None:
    """Let go of the lock and close the lock file (closing alone releases it too, on every platform)."""
    with contextlib.suppress(portalocker.exceptions.LockException, OSError):
        portalocker.unlock(fd)
    os.close(fd)


def _check_lock_file(fd: int, path: Path) -> None:
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _lock_error(path, IsADirectoryError(errno.EISDIR, "not a file", str(path)))


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# A FIFO opened without O_NONBLOCK blocks in open() itself until a writer comes (POSIX; Windows has
# neither the flag nor FIFOs in the file system). O_BINARY: Windows only, bytes as they are.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


@contextlib.contextmanager
def _exclusive_lock(path: Path, timeout: float) -> Iterator[None]:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
    except OSError as exc:
        raise _lock_error(path, exc) from exc
    _check_lock_file(fd, path)
    try:
        _acquire(fd, path, shared=False, timeout=timeout)
        yield
    finally:
        _release(fd)


class Store:
    """A veilcli store folder."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        # Store("rapport/.veilcli") as well as Store(Path(...)): a notebook passes text.
        self.root = resolve_store_path(Path(root) if root is not None else None)
        self._readers = 0

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / MANIFEST

    def _check_folder(self) -> bool:
        """Whether the store folder exists; a file in its place is an error."""
        try:
            mode = os.stat(self.root).st_mode
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StoreError(
                f"cannot open the store {safe_text(str(self.root))}: {os_problem(exc)}.",
                hint="pass --store with a folder veilcli may use.",
            ) from exc
        if not stat.S_ISDIR(mode):
            raise StoreError(
                f"the store path {safe_text(str(self.root))} is a file, not a folder.",
                hint="pass --store with a folder (a new one is created), e.g. --store "
                f"{safe_text(str(self.root.with_name(self.root.name + '.veilcli')))}.",
            )
        return True

    def exists(self) -> bool:
        """Whether anything was ever stored here."""
        return self._check_folder() and self.manifest_path.exists()

    def require(self) -> None:
        """Refuse to read a store whose folder does not exist (only ``ingest`` creates one): a
        mistyped ``--store`` would otherwise read as a store without data ("no data for Almere").
        An existing folder without a manifest that holds files of its own (``--store ~/Documents``)
        is not a store either; an empty one is a store without data."""
        if self._check_folder():
            if not self._manifest_present():
                self._refuse_foreign_folder(reading=True)
            return
        where = safe_text(str(self.root))
        default = self.root == DEFAULT_STORE
        raise MissingStoreError(
            f"no store at {where}: the folder does not exist"
            + (" (the default store, ./.veilcli in the working folder)" if default else "")
            + ".",
            hint=f"ingest data first (`veilcli ingest PATH --store {where}`), or check the store path: "
            f"--store or the {STORE_ENV} environment variable"
            + (", or run the command in the folder that holds .veilcli." if default else "."),
        )

    def _manifest_present(self) -> bool:
        """Whether anything is at the manifest's name (a FIFO or a folder there too: it is then
        refused as damaged when read, never taken for "no manifest")."""
        return os.path.lexists(self.manifest_path)

    def manifest(self) -> Manifest:
        """The current manifest (empty when the store does not exist yet).

        Read like any input: only a regular file (a FIFO, device or folder there is a damaged
        store, never read from), at most ``VEILCLI_MAX_MANIFEST_BYTES``, nested at most 200 deep;
        then it must be veilcli's (``_is_ours``) and valid.
        """
        if not self._check_folder():
            return Manifest()
        raw = self._manifest_bytes()
        if raw is None:
            return Manifest()
        try:
            data = pydantic_core.from_json(raw)  # bounded nesting: a deep document is a ValueError
        except ValueError as exc:
            raise self._damaged_manifest(_json_problem(exc)) from exc
        if not self._is_ours(data):
            raise StoreError(
                f"{safe_text(str(self.manifest_path))} is not a veilcli manifest, so "
                f"{safe_text(str(self.root))} is not a veilcli store; veilcli neither reads nor writes it.",
                hint="pass --store with a veilcli store, a new folder or an empty one.",
            )
        try:
            return Manifest.model_validate(data)
        except ValidationError as exc:
            raise self._damaged_manifest(exc.__class__.__name__) from exc

    def _manifest_bytes(self) -> bytes | None:
        """The manifest's bytes (None: there is none), opened without blocking and checked to be a
        regular file within the size limit before a byte is read."""
        path = self.manifest_path
        try:
            descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0) | _BINARY)
        except FileNotFoundError:
            if os.path.islink(path):
                raise self._damaged_manifest("a symbolic link to nothing") from None
            return None
        except IsADirectoryError:
            raise self._damaged_manifest("a folder, not a file") from None
        except OSError as exc:
            raise StoreError(
                f"cannot read the store's manifest {safe_text(str(path))}: {os_problem(exc)}.",
                hint="check that you may read the store folder.",
            ) from exc
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise self._damaged_manifest(f"{_file_type(info.st_mode)}, not a regular file")
            cap = MAX_MANIFEST_BYTES.value()
            if info.st_size > cap:
                raise self._damaged_manifest(
                    f"{info.st_size:,} bytes, more than the limit of {cap:,} ({MAX_MANIFEST_BYTES.env})"
                )
            if _NONBLOCK:
                os.set_blocking(descriptor, True)
            chunks, size = [], 0
            while chunk := os.read(descriptor, max(1, min(16 * MIB, cap + 1 - size))):
                chunks.append(chunk)
                size += len(chunk)
                if size > cap:  # it grew while being read
                    raise self._damaged_manifest(
                        f"more than the limit of {cap:,} bytes ({MAX_MANIFEST_BYTES.env})"
                    )
            return b"".join(chunks)
        except OSError as exc:
            raise StoreError(
                f"cannot read the store's manifest {safe_text(str(path))}: {os_problem(exc)}.",
                hint="check that you may read the store folder.",
            ) from exc
        finally:
            os.close(descriptor)

    def _is_ours(self, data: object) -> bool:
        """Whether a parsed manifest is veilcli's: it carries the marker, or it is an older
        veilcli's, told by more than ``format: 1`` (another tool's manifest.json may say that too,
        and taking it for ours would delete the user's files): only the keys veilcli wrote, at
        least one source, every source with the fields veilcli recorded and its stored file named
        as veilcli names them, in its kind's folder, and at least one of those files there."""
        if not isinstance(data, dict):
            return False
        if data.get("marker") == MARKER:
            return True
        sources = data.get("sources")
        if set(data) - _OLD_MANIFEST_KEYS or data.get("format") != 1 or not isinstance(sources, list):
            return False
        kinds = {k.value for k in Kind}
        present = False
        for source in sources:
            if not isinstance(source, dict) or _OLD_SOURCE_FIELDS - set(source):
                return False
            kind, file, ident = source.get("kind"), source.get("file"), source.get("id")
            if kind not in kinds or not isinstance(file, str) or not isinstance(ident, str):
                return False
            folder, _, name = file.partition("/")
            stem = name.removesuffix(".parquet")
            if folder != kind or not _STEM_FOLDER.fullmatch(stem) or not stem.startswith(ident):
                return False
            present = present or os.path.lexists(self.root / folder / name)
        return present  # no source, or none of its files there: nothing tells it is ours

    def _damaged_manifest(self, problem: str) -> StoreError:
        return StoreError(
            f"the store's manifest {safe_text(str(self.manifest_path))} is damaged ({problem}); the "
            f"store {safe_text(str(self.root))} cannot be used.",
            hint="restore manifest.json from a backup, or move the store folder aside and ingest the "
            "original files again into a new store.",
        )

    def sources(self, kind: Kind | None = None) -> list[SourceRecord]:
        """Sources in the manifest, optionally of one kind."""
        return [s for s in self.manifest().sources if kind is None or s.kind is kind]

    # -- stored files ---------------------------------------------------------------------------

    def path_of(self, source: SourceRecord, part: StoredPart | None = None) -> Path:
        """A source's stored file (or one of its parts); a manifest entry pointing outside the store
        is a StoreError."""
        relative = Path(source.file if part is None else part.file)
        target = self.root / relative
        depth = 2 if part is None else 3
        inside = not relative.is_absolute() and ".." not in relative.parts and len(relative.parts) == depth
        if inside:
            with contextlib.suppress(OSError):
                inside = target.resolve().is_relative_to(self.root.resolve())
        if not inside:
            raise StoreError(
                f"the store's manifest {safe_text(str(self.manifest_path))} gives the file of "
                f"{source.path} as {relative.as_posix()!r}, outside the store; veilcli does not open it.",
                hint="the manifest was edited or damaged: restore it from a backup, or move the store "
                "aside and ingest again.",
            )
        return target

    def problem(self, source: SourceRecord, *, checksum: bool = False) -> str | None:
        """What is wrong with a source's stored file (or any of its parts), or None.

        Always: the file is inside the store, a regular file of the recorded size whose Parquet
        schema is the recorded one (files from older stores: the columns they were stored with,
        with today's types). With ``checksum``: also its sha256.
        """
        if source.parts is None:
            return self._file_problem(source, None, source.file_size, source.file_sha256, checksum)
        for part in source.parts:
            problem = self._file_problem(source, part, part.size, part.sha256, checksum)
            if problem:
                return problem
        return None

    def _file_problem(
        self,
        source: SourceRecord,
        part: StoredPart | None,
        size: int | None,
        sha256: str | None,
        checksum: bool,
    ) -> str | None:
        name = source.file if part is None else part.file
        try:
            path = self.path_of(source, part)
        except StoreError:
            return f"its stored file {name!r} lies outside the store"
        folders = [path.parent] if part is None else [path.parent, path.parent.parent]
        if any(f.is_symlink() for f in folders):
            return f"its folder {path.parent.relative_to(self.root).as_posix()}/ is a symbolic link"
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return f"its stored file {name} is missing"
        except OSError as exc:
            return f"its stored file {name} cannot be read ({os_problem(exc)})"
        if not stat.S_ISREG(info.st_mode):
            return f"its stored file {name} is not a regular file"
        if size is not None and info.st_size != size:
            return f"its stored file {name} has {info.st_size} bytes, the manifest says {size}"
        try:
            with open(path, "rb") as handle:  # a handle: a store path with '[' is no glob pattern
                schema = pl.read_parquet_schema(handle)
        except (pl.exceptions.PolarsError, OSError):
            return f"its stored file {name} is not a readable Parquet file"
        wrong = _schema_problem(source, {column: str(dtype) for column, dtype in schema.items()})
        if wrong:
            return f"its stored file {name} {wrong}"
        if checksum and sha256 is not None:
            try:
                with open(path, "rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError as exc:
                return f"its stored file {name} cannot be read ({os_problem(exc)})"
            if digest != sha256:
                return f"its stored file {name} does not match its sha256 in the manifest"
        return None

    def damage(self, sources: Iterable[SourceRecord], *, checksum: bool = False) -> list[Damage]:
        """Every source whose stored file does not match the manifest."""
        found = []
        for source in sources:
            problem = self.problem(source, checksum=checksum)
            if problem:
                found.append(Damage(source, problem))
        return found

    def scan(
        self, kind: Kind, sources: list[SourceRecord] | None = None, *, years: Iterable[int] | None = None
    ) -> pl.LazyFrame:
        """Every stored row of a kind, lazily (an empty frame with the schema if none).

        ``years``: a source stored in parts contributes only the parts of those years (its other
        files are not opened); rows of other years may still come from sources stored whole, so
        filter on the period as well.

        Each file is first checked against the manifest (size and schema: a damaged store is a
        StoreError naming the source). Each file is aligned to the current schema, so files
        written by an older veilcli (a column added since) still read: the missing column is null.
        Collect the frame inside ``reading()`` (or ``locked()``).
        """
        schema = stored_schema(kind)
        chosen = [s for s in (self.sources() if sources is None else sources) if s.kind is kind]
        damaged = self.damage(chosen)
        if damaged:
            raise damage_error(self.root, damaged)
        wanted = None if years is None else set(years)
        frames = []
        for source in chosen:
            if source.parts is None:
                paths = [self.path_of(source)]
            else:
                paths = [self.path_of(source, p) for p in source.parts if wanted is None or p.year in wanted]
                if not paths:
                    continue
            frame = pl.scan_parquet(paths, glob=False)
            present = set(frame.collect_schema().names())
            frames.append(
                frame.select(
                    pl.col(c).cast(t) if c in present else pl.lit(None, dtype=t).alias(c)
                    for c, t in schema.items()
                )
            )
        return pl.concat(frames, how="vertical") if frames else pl.LazyFrame(schema=schema)

    # -- locks ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def reading(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        """Hold the readers' shared lock while scanning and collecting (nests; no lock when the
        store cannot be locked: nothing stored in it yet, or its folder is read-only).

        Every command that reads the store reads it here: a store folder that does not exist is a
        ``MissingStoreError`` (``require``). ``ingest`` writes under ``locked()``, which creates it.
        """
        if self._readers:
            self._readers += 1
            try:
                yield
            finally:
                self._readers -= 1
            return
        self.require()
        fd = self._open_lock_for_reading()
        try:
            if fd is not None:
                _acquire(fd, self.root / LOCK, shared=True, timeout=timeout)
            self._readers += 1
            try:
                yield
            except (OSError, pl.exceptions.ComputeError) as exc:
                converted = self._read_error(exc)
                if converted is exc:
                    raise
                raise converted from exc
            finally:
                self._readers -= 1
        finally:
            if fd is not None:
                _release(fd)

    @contextlib.contextmanager
    def snapshot(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[Snapshot]:
        """One read-locked view of the store for a command (``snapshot.py``): its manifest read once,
        its frames scanned once; the shared lock is held until the block ends."""
        with self.reading(timeout):
            yield Snapshot(
                self.root,
                self.manifest().sources,
                lambda kind, sources, years: self.scan(kind, sources, years=years),
            )

    def _open_lock_for_reading(self) -> int | None:
        if not self._check_folder() or not self._manifest_present():
            return None  # nothing stored: nothing to protect, and no file is created in a foreign folder
        path = self.root / LOCK
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            # No lock file yet: create one only in a folder whose manifest is veilcli's (another
            # tool's manifest.json, or a damaged one, is refused here, and nothing is written).
            self.manifest()
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                    return None  # a read-only store: read it without a lock
                raise _lock_error(path, exc) from exc
        except PermissionError:
            return None
        except OSError as exc:
            raise _lock_error(path, exc) from exc
        _check_lock_file(fd, path)
        return fd

    def _read_error(self, exc: Exception) -> Exception:
        """A stored file that fails while being read is a StoreError; anything else stays as it is."""
        text = str(exc)
        if isinstance(exc, OSError):
            ours = str(self.root) in f"{exc.filename or ''} {text}"
        else:
            ours = "parquet" in text.lower()
        if not ours:
            return exc
        first = text.splitlines()[0] if text else exc.__class__.__name__
        return StoreError(
            f"reading the store {safe_text(str(self.root))} failed: {safe_text(first)}.",
            hint="run `veilcli status --verify` to find the damaged file, then ingest its original again "
            "with `veilcli ingest --replace`.",
        )

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        """Hold the writer lock (creates the store folder).

        Refuses a path that is a file and an existing folder that is not a veilcli store: veilcli
        writes only into a store, a folder that does not exist yet, or an empty one.
        """
        self._check_writable()
        created = not self._check_folder()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _write_error(self.root, exc) from exc
        with _exclusive_lock(self.root / LOCK, timeout):
            try:
                self._check_writable()  # another command may have changed it while we waited
                yield
            finally:
                if created and not self._manifest_present():
                    # A first ingest that stored nothing (refused, or failed) leaves no folder behind.
                    with contextlib.suppress(OSError):
                        (self.root / LOCK).unlink()
                        self.root.rmdir()

    def _check_writable(self) -> None:
        if not self._check_folder():
            return
        if self._manifest_present():
            self.manifest()  # a manifest that is not veilcli's (or is damaged) is refused here
            return
        self._refuse_foreign_folder(reading=False)

    def _refuse_foreign_folder(self, *, reading: bool) -> None:
        """An existing folder without a manifest is a store only when it is empty, or holds only
        what a command that stored nothing leaves (its lock file, another command's first commit
        or staging in progress); anything else is the user's folder, refused."""
        try:
            entries = list(os.scandir(self.root))
        except OSError as exc:
            raise _write_error(self.root, exc) from exc
        # A manifest temp file is ours: another command's first commit is writing it right now.
        foreign = sorted(
            e.name
            for e in entries
            if not (e.is_file(follow_symlinks=False) and (e.name == LOCK or _MANIFEST_TEMP.fullmatch(e.name)))
            and not (e.is_dir(follow_symlinks=False) and _STAGING.fullmatch(e.name))
        )
        if not foreign:
            return
        shown = ", ".join(safe_text(n) for n in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        where = safe_text(str(self.root))
        if reading:
            raise StoreError(
                f"{where} is an existing folder that is not a veilcli store (no {MANIFEST}; it holds "
                f"{shown}); nothing was read.",
                hint="pass --store with the folder `veilcli ingest` stored into (default ./.veilcli), "
                f"or check the {STORE_ENV} environment variable.",
            )
        raise StoreError(
            f"{where} is an existing folder that is not a veilcli store (no {MANIFEST}; it holds "
            f"{shown}); veilcli writes only into a store folder it created.",
            hint="pass --store with a new or empty folder, e.g. --store "
            f"{safe_text(str(self.root / DEFAULT_STORE))}.",
        )

    # -- writing --------------------------------------------------------------------------------

    def commit(
        self, manifest: Manifest, frames: dict[str, pl.DataFrame], folders: dict[str, Path] | None = None
    ) -> None:
        """Write new Parquet files, then the manifest; drop files no longer referenced.

        Call while holding ``locked()``. ``frames`` maps a relative file name (``<kind>/<name>``,
        a name no file has yet) to its rows; the size, sha256 and schema of each file are recorded
        in the sources that name it. ``folders`` maps the folder of a source stored in parts
        (``<kind>/<name>``, recorded with its parts already) to the staged folder
        (``staging_folder``) that is moved there. Everything is encoded before anything is written,
        and a failure removes what this commit wrote (staged folders go back): the store is left
        as it was.
        """
        folders = folders or {}
        blobs: dict[str, bytes] = {}
        for relative, frame in frames.items():
            buffer = io.BytesIO()
            frame.write_parquet(buffer, statistics=True)
            blobs[relative] = buffer.getvalue()
        sources = []
        for source in manifest.sources:
            if source.file in blobs:
                data = blobs[source.file]
                source = source.model_copy(
                    update={
                        "file_size": len(data),
                        "file_sha256": hashlib.sha256(data).hexdigest(),
                        "file_schema": {
                            name: str(dtype) for name, dtype in frames[source.file].schema.items()
                        },
                    }
                )
            sources.append(source)
        final = manifest.model_copy(update={"sources": sources})
        payload = final.model_dump_json(indent=2).encode()
        targets = {relative: self._new_file(relative) for relative in blobs}
        moves = {staged: self._new_file(relative, folder=True) for relative, staged in folders.items()}

        written: list[Path] = []
        created: list[Path] = []
        moved: list[tuple[Path, Path]] = []
        try:
            if not self.manifest_path.exists():
                # Mark the folder as a store before any data goes in.
                _write_bytes(self.manifest_path, Manifest().model_dump_json(indent=2).encode())
                created.append(self.manifest_path)
            for relative, data in blobs.items():
                target = targets[relative]
                if not target.parent.is_dir():
                    target.parent.mkdir()
                    created.append(target.parent)
                _write_bytes(target, data)
                written.append(target)
            for staged, target in moves.items():
                if not target.parent.is_dir():
                    target.parent.mkdir()
                    created.append(target.parent)
                os.replace(staged, target)
                moved.append((staged, target))
            _write_bytes(self.manifest_path, payload)
        except BaseException as exc:
            for staged, target in reversed(moved):
                with contextlib.suppress(OSError):
                    os.replace(target, staged)
            for path in written:
                with contextlib.suppress(OSError):
                    path.unlink()
            for path in reversed(created):
                with contextlib.suppress(OSError):
                    path.rmdir() if path.is_dir() else path.unlink()
            if isinstance(exc, OSError):
                raise _write_error(self.root, exc) from exc
            raise
        self._remove_unreferenced(final)

    def new_file_name(
        self, kind: Kind, source_id: str, *, replaced: bool = False, folder: bool = False
    ) -> str:
        """A name for a new stored file (relative to the store) that no file has yet.

        ``<kind>/<id>.parquet``; rows kept after ``--replace``, or a source stored again while a
        file of that name is left (a damaged one being repaired), get ``<id>-r<UTC time>.parquet``.
        ``folder``: the folder of a source stored in parts, ``<kind>/<id>`` (``-r<time>`` likewise).
        """
        suffix = "" if folder else ".parquet"
        name = f"{facts(kind).folder}/{source_id}{suffix}"
        while replaced or os.path.lexists(self.root / name):
            replaced = False
            name = f"{facts(kind).folder}/{source_id}-r{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}{suffix}"
        return name

    @contextlib.contextmanager
    def staging_folder(self) -> Iterator[Path]:
        """A new folder in the store for files written before the lock is taken (removed on the way
        out unless ``commit`` moved it into place). Creates the store folder when there is none."""
        self._check_writable()
        created = not self._check_folder()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            folder = self.root / f".staging-{os.getpid()}-{os.urandom(4).hex()}-{_HOST}"
            folder.mkdir()
        except OSError as exc:
            raise _write_error(self.root, exc) from exc
        try:
            yield folder
        finally:
            _remove_tree(folder)
            if created:
                with contextlib.suppress(OSError):
                    self.root.rmdir()  # only when this command left it empty

    def _new_file(self, relative: str, *, folder: bool = False) -> Path:
        """Where a new stored file (or folder of parts) goes: in a real kind folder of this store,
        under an unused name."""
        parts = Path(relative).parts
        name = _STEM_FOLDER if folder else _STORED_NAME
        if len(parts) != 2 or parts[0] not in STORE_FOLDERS or not name.fullmatch(parts[1]):
            raise ValueError(f"not a stored file name: {relative!r}")  # a bug, not a user's mistake
        kind_folder = self.root / parts[0]
        if kind_folder.is_symlink() or (kind_folder.exists() and not kind_folder.is_dir()):
            raise StoreError(
                f"{safe_text(str(kind_folder))} is not a folder of the store (a symbolic link or a file); "
                "veilcli writes stored files only into folders it created.",
                hint="move it out of the store folder and run the command again.",
            )
        target = kind_folder / parts[1]
        if os.path.lexists(target):
            raise ValueError(f"refusing to overwrite {target}")  # callers pick unused names
        return target

    def _remove_unreferenced(self, manifest: Manifest) -> None:
        """Delete files veilcli wrote that the manifest no longer lists (best effort).

        Only regular files named as veilcli names its files, in real kind folders (never
        through a symbolic link), and temporary manifests left by a killed writer.
        """
        referenced = {Path(s.file).as_posix() for s in manifest.sources}
        self._remove_stale_staging()
        for folder, pattern in [(self.root, _MANIFEST_TEMP), *((self.root / f, None) for f in STORE_FOLDERS)]:
            if folder.is_symlink() or not folder.is_dir():
                continue
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if pattern is None and _STEM_FOLDER.fullmatch(entry.name):
                    if f"{folder.name}/{entry.name}" not in referenced and entry.is_dir(
                        follow_symlinks=False
                    ):
                        _remove_tree(Path(entry.path))
                    continue
                ours = (
                    pattern.fullmatch(entry.name)
                    if pattern
                    else (_STORED_NAME.fullmatch(entry.name) or _TEMP_NAME.fullmatch(entry.name))
                )
                if not ours or not entry.is_file(follow_symlinks=False):
                    continue
                if pattern is None and f"{folder.name}/{entry.name}" in referenced:
                    continue
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def _remove_stale_staging(self) -> None:
        """Staging folders of commands that died (their process is gone); a live one is left alone."""
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return
        for entry in entries:
            match = _STAGING.fullmatch(entry.name)
            if not match or not entry.is_dir(follow_symlinks=False):
                continue
            if match.group(2) not in (None, _HOST):
                continue  # another machine's (a store on a network share): its pid means nothing here
            if not pid_running(int(match.group(1))):
                _remove_tree(Path(entry.path))


_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]  # names this machine's staging


def _remove_tree(folder: Path) -> None:
    """Delete a folder veilcli wrote (staging or parts): only regular files with veilcli's names,
    one level deep, never through a symbolic link; then the folder if that emptied it."""
    if folder.is_symlink() or not folder.is_dir():
        return
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False) and (
                _STEM_FOLDER.fullmatch(entry.name) or entry.name in ("parts", "rejected")
            ):
                _remove_tree(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and (
                _PART_NAME.fullmatch(entry.name) or entry.name.endswith((".parquet", ".csv"))
            ):
                os.unlink(entry.path)
    with contextlib.suppress(OSError):
        folder.rmdir()


_FILE_TYPES = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def _file_type(mode: int) -> str:
    return _FILE_TYPES.get(stat.S_IFMT(mode), "a special file")


def _json_problem(exc: ValueError) -> str:
    """What the JSON parser found, in a few words (it names the line and column, never the text)."""
    text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    if "recursion limit" in text:
        return f"nested more than 200 deep: {text}"
    return f"not valid JSON: {safe_text(text[:120])}"


def _write_bytes(path: Path, data: bytes) -> None:
    write_atomic_bytes(path, data)


def _schema_problem(source: SourceRecord, schema: dict[str, str]) -> str | None:
    """How a stored file's columns differ from what the manifest says it holds, or None."""
    if source.file_schema is not None:
        if schema == source.file_schema:
            return None
        missing = [c for c in source.file_schema if c not in schema]
        changed = [c for c in source.file_schema if c in schema and schema[c] != source.file_schema[c]]
        extra = [c for c in schema if c not in source.file_schema]
        parts = [
            f"lacks {', '.join(missing[:4])}" if missing else "",
            f"has other types for {', '.join(changed[:4])}" if changed else "",
            f"has other columns ({', '.join(extra[:4])})" if extra else "",
        ]
        return "does not have the columns the manifest records: " + "; ".join(p for p in parts if p)
    # Stored by an older veilcli: the columns it was stored with, with today's types.
    expected = {name: str(dtype) for name, dtype in stored_schema(source.kind).items()}
    needed = [c for c in expected if c in source.columns or c == "source_id"]
    missing = [c for c in needed if c not in schema]
    if missing:
        return f"lacks the column(s) {', '.join(missing[:4])} it was stored with"
    changed = [c for c in expected if c in schema and schema[c] != expected[c]]
    if changed:
        return f"has other types for {', '.join(changed[:4])}"
    return None

"""The embedded store: one Parquet file per ingested source plus ``manifest.json``.

Writers hold an exclusive lock on ``<store>/lock``, write every Parquet file to a temporary
name and ``os.replace`` it into place, and replace the manifest last: readers only ever see
files the manifest lists, so a killed writer leaves at most unreferenced files, which the
next writer removes.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from veilcli import STORE_ENV
from veilcli.atomic import write_atomic
from veilcli.columns import column_specs
from veilcli.errors import StoreError
from veilcli.models import Kind, Manifest, SourceRecord

DEFAULT_STORE = Path(".veilcli")
MANIFEST = "manifest.json"
LOCK = "lock"
LOCK_TIMEOUT_S = 30.0

_DTYPES = {
    "text": pl.String,
    "channel": pl.String,
    "period": pl.String,
    "integer": pl.Int64,
    "date": pl.Date,
    "boolean": pl.Boolean,
}


def stored_schema(kind: Kind) -> dict[str, pl.DataType]:
    """Column types of stored rows of a kind (canonical columns + provenance)."""
    schema: dict[str, pl.DataType] = {s.name: _DTYPES[s.parser]() for s in column_specs(kind)}
    schema["source_row"] = pl.Int64()
    schema["source_id"] = pl.String()
    return schema


def resolve_store_path(path: Path | None = None) -> Path:
    """``--store``, else ``$VEILCLI_STORE``, else ``./.veilcli``."""
    if path is not None:
        return path
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


@contextlib.contextmanager
def _exclusive_lock(path: Path, timeout: float) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if os.name == "nt":  # pragma: no cover - exercised on Windows only
                    import msvcrt

                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
                else:
                    import fcntl

                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"the store {path.parent} is busy: another veilcli command is writing to it.",
                        hint="wait for it to finish and run the command again.",
                    ) from exc
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock on every platform


class Store:
    """A veilcli store folder."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = resolve_store_path(root)

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / MANIFEST

    def exists(self) -> bool:
        """Whether anything was ever stored here."""
        return self.manifest_path.exists()

    def manifest(self) -> Manifest:
        """The current manifest (empty when the store does not exist yet)."""
        if not self.manifest_path.exists():
            return Manifest()
        try:
            return Manifest.model_validate_json(self.manifest_path.read_bytes())
        except (ValidationError, json.JSONDecodeError) as exc:
            raise StoreError(
                f"the store's manifest {self.manifest_path} is damaged ({exc.__class__.__name__}).",
                hint="restore it from a backup, or move the store aside and ingest again.",
            ) from exc

    def sources(self, kind: Kind | None = None) -> list[SourceRecord]:
        """Sources in the manifest, optionally of one kind."""
        return [s for s in self.manifest().sources if kind is None or s.kind is kind]

    def scan(self, kind: Kind) -> pl.LazyFrame:
        """Every stored row of a kind, lazily (an empty frame with the schema if none).

        Each file is aligned to the current schema, so files written by an older veilcli (a column
        added since) still read: the missing column is null.
        """
        schema = stored_schema(kind)
        frames = []
        for source in self.sources(kind):
            frame = pl.scan_parquet(self.root / source.file)
            present = set(frame.collect_schema().names())
            frames.append(
                frame.select(
                    pl.col(c).cast(t) if c in present else pl.lit(None, dtype=t).alias(c)
                    for c, t in schema.items()
                )
            )
        return pl.concat(frames, how="vertical") if frames else pl.LazyFrame(schema=schema)

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        """Hold the writer lock (creates the store folder)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _exclusive_lock(self.root / LOCK, timeout):
            yield

    def commit(
        self,
        manifest: Manifest,
        frames: dict[str, pl.DataFrame],
    ) -> None:
        """Write new Parquet files, then the manifest; drop files no longer referenced.

        Call while holding ``locked()``. ``frames`` maps a relative file name to its rows.
        """
        for relative, frame in frames.items():
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, functools.partial(frame.write_parquet, statistics=True))
        payload = manifest.model_dump_json(indent=2).encode()
        write_atomic(self.manifest_path, lambda tmp: tmp.write_bytes(payload))
        self._remove_unreferenced(manifest)

    def _remove_unreferenced(self, manifest: Manifest) -> None:
        referenced = {(self.root / s.file).resolve() for s in manifest.sources}
        for kind in Kind:
            folder = self.root / kind.value
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.resolve() not in referenced:
                    path.unlink(missing_ok=True)

"""A CSV file's bytes and their sha256, read on another thread while a command starts up.

``veilcli ingest FILE`` spends ~0.3 s importing polars, pydantic and veilcli before it reads the
file. The command names the first file to ``read_ahead``, which reads and hashes it on a thread of
its own meanwhile (file reads and hashlib let go of the GIL). The reader takes the bytes
(``take``) only if the file is still the one read: the same device, inode, size and modification
time as its ``os.stat`` says now. Otherwise, and whenever reading ahead failed or was not tried
(a folder, a FIFO, a file to read in blocks or past the size limit, a missing file), the reader
reads the file itself, with its own checks and messages. Light: imports nothing of polars or
pydantic (the point is to start before them).
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from veilcli.sources.limits import MAX_FILE_BYTES, STREAM_FROM

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")  # the files the CSV reader reads (``readers``, ``csv_stream``)

Fingerprint = tuple[int, int, int, int]  # device, inode, size, modification time (ns)


@dataclass(frozen=True)
class _Read:
    fingerprint: Fingerprint
    data: bytes
    sha256: str


_AHEAD: dict[tuple[int, int], Future[_Read | None]] = {}  # (device, inode) -> the read under way
_LOCK = threading.Lock()


def fingerprint(status: os.stat_result) -> Fingerprint:
    """What says a file is the one read: device, inode, size and modification time."""
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def read_ahead(path: Path) -> None:
    """Start reading a CSV file that is read whole (and its sha256) on another thread, for ``take``;
    nothing for any other path, and never an error (the reader reports problems itself)."""
    try:
        status = os.stat(path)
        cap = min(MAX_FILE_BYTES.value(), STREAM_FROM.value())  # a larger file is refused or streamed
    except Exception:  # a missing file, a bad limit in the environment: the reader says so
        return
    if path.suffix.lower() not in TEXT_SUFFIXES or not stat.S_ISREG(status.st_mode) or status.st_size > cap:
        return
    future: Future[_Read | None] = Future()
    with _LOCK:
        _AHEAD[(status.st_dev, status.st_ino)] = future
    threading.Thread(target=_read_into, args=(path, future), name="veilcli-read-ahead", daemon=True).start()


def _read_into(path: Path, future: Future[_Read | None]) -> None:
    try:
        future.set_result(_read(path))
    except BaseException:  # any failure: the reader reads the file itself, and names the problem
        future.set_result(None)


def _read(path: Path) -> _Read | None:
    """The file's bytes and sha256 with the status they were read under; None for a file that is
    not regular (swapped in since the stat) or changed size while read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(status.st_size + 1)
    finally:
        os.close(descriptor)
    if len(data) != status.st_size:
        return None
    return _Read(fingerprint(status), data, hashlib.sha256(data).hexdigest())


def take(status: os.stat_result) -> tuple[bytes, str] | None:
    """The bytes and sha256 read ahead of the file ``status`` describes (waiting for the read to
    end), if it is unchanged since; None otherwise. Each read ahead is taken once."""
    with _LOCK:
        future = _AHEAD.pop((status.st_dev, status.st_ino), None)
    if future is None:
        return None
    read = future.result()
    if read is None or read.fingerprint != fingerprint(status):
        return None
    return read.data, read.sha256

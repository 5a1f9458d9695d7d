"""Write a file so that readers see the old version or the new one, never half of one.

Temporary files and folders are named ``.<name>.tmp-<pid><suffix>`` beside their target: hidden,
and traceable to the process that wrote them. A process that is killed cannot remove its own, so
``sweep_stale`` (called before an export writes) removes those of processes that no longer run;
it only ever touches names of exactly this form, for the target being written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from veilcli.errors import InputError

TEMP_MARK = ".tmp-"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where links are rare

_REASONS = {
    errno.ENOSPC: "disk full (no space left on device)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied (operation not permitted)",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "file name too long",
    errno.EMFILE: "too many open files",
    errno.ENOTEMPTY: "folder not empty",
    errno.EEXIST: "exists already",
    errno.EXDEV: "cannot move between file systems",
    errno.EIO: "input/output error (failing disk or network drive?)",
}
_OS_ERROR_NUMBER = re.compile(r"\(os error (\d+)\)")


def os_error_number(exc: BaseException) -> int | None:
    """The errno of an OSError, also when polars only put it in the message (``(os error 28)``)."""
    number = getattr(exc, "errno", None)
    if isinstance(number, int):
        return number
    found = _OS_ERROR_NUMBER.search(str(exc))
    return int(found.group(1)) if found else None


def os_error_reason(exc: BaseException) -> str:
    """A short reason in words: 'disk full (no space left on device)', 'permission denied', ..."""
    number = os_error_number(exc)
    if number in _REASONS:
        return _REASONS[number]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


def temp_path(path: Path, pid: int | None = None) -> Path:
    """The temporary name of ``path`` for process ``pid`` (default: this one)."""
    return path.with_name(f".{path.stem}{TEMP_MARK}{pid or os.getpid()}{path.suffix}")


def temp_folder(folder: Path, pid: int | None = None) -> Path:
    """The temporary name of a folder written as a whole (``.<name>.tmp-<pid>``)."""
    return folder.with_name(f".{folder.name}{TEMP_MARK}{pid or os.getpid()}")


def file_kind(path: Path) -> str | None:
    """What is at ``path`` without following a symlink: None (nothing), 'file', 'folder', 'symlink', ..."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def refuse_special(path: Path) -> None:
    """Refuse (``InputError``) a folder, device, FIFO or socket where a regular file is to be written."""
    kind = file_kind(path)
    if kind not in (None, "file", "symlink"):
        raise InputError(
            f"{path}: is a {kind}, not a regular file; nothing was written.",
            hint="write to a file path (a new name, or an existing regular file with --force).",
        )


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write`` on a temporary file beside ``path``, flush it to disk, then rename it into place.

    If ``write`` fails, the temporary file is removed and ``path`` is untouched. ``path`` must be
    absent, a regular file or a symlink (the link itself is replaced, never followed); a folder,
    device, FIFO or socket there is refused (``InputError``) before anything is written.
    The temporary file is created exclusively (``O_EXCL | O_NOFOLLOW``), so a file or symlink
    planted under its name is never written through.
    """
    refuse_special(path)
    tmp = temp_path(path)
    try:
        # The descriptor stays open while ``write`` writes by name, so its inode cannot be reused: a
        # file swapped in under the temporary name meanwhile is told apart and never moved into place.
        descriptor = _create_exclusive(tmp)
        try:
            created = os.fstat(descriptor)
            write(tmp)
            now = os.lstat(tmp)
            if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (created.st_dev, created.st_ino):
                raise InputError(
                    f"{tmp}: the temporary file was replaced while veilcli wrote it; nothing was written.",
                    hint="check who else writes into that folder, and run the command again.",
                )
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    finally:
        _remove_temp(tmp)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """``data`` into ``path`` atomically, written through the descriptor that created the temporary
    file exclusively (``O_EXCL | O_NOFOLLOW``): nothing planted under its name is ever written to.
    ``path`` as for ``write_atomic``."""
    tmp = stage_bytes(path, data)
    try:
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    finally:
        _remove_temp(tmp)


def stage_bytes(path: Path, data: bytes) -> Path:
    """``data`` in ``path``'s temporary file, created exclusively and flushed to disk; the caller
    moves it into place (``os.replace``) or removes it (``discard_staged``). ``path`` as for
    ``write_atomic``; on failure nothing is left."""
    refuse_special(path)
    tmp = temp_path(path)
    try:
        descriptor = _create_exclusive(tmp)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except BaseException:
        _remove_temp(tmp)
        raise
    return tmp


def discard_staged(tmp: Path) -> None:
    """Remove a temporary file of ``stage_bytes`` that is not moved into place."""
    _remove_temp(tmp)


def _create_exclusive(tmp: Path) -> int:
    """Create ``tmp`` exclusively and return its open descriptor (a name left by this pid, or
    planted, is removed first, never written through)."""
    if file_kind(tmp) in ("file", "symlink"):
        tmp.unlink()  # ours (this pid) from an earlier run, or planted
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    return os.open(tmp, flags, 0o644)


def _remove_temp(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if file_kind(tmp) in ("file", "symlink"):
            tmp.unlink()


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name == "nt":  # pragma: no cover - Windows has no folder fsync
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def pid_running(pid: int) -> bool:
    """Whether a process of this machine with that id is running (ours always is)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _stale_pid(name: str, prefix: str, suffix: str) -> int | None:
    """The pid in ``<prefix><pid><suffix>`` when that process no longer runs."""
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return None
    digits = name[len(prefix) : len(name) - len(suffix) if suffix else None]
    if not digits.isdigit():
        return None
    pid = int(digits)
    return None if pid_running(pid) else pid


def sweep_stale(path: Path, *, folder: bool = False) -> list[Path]:
    """Remove temporaries of ``path`` left by killed processes; returns what was removed.

    Only ``.<stem>.tmp-<pid><suffix>`` files (``folder=True``: ``.<name>.tmp-<pid>`` folders holding
    only regular files) whose process no longer runs; never a symlink's target, never anything else.
    """
    parent = path.parent
    if folder:
        prefix, suffix = f".{path.name}{TEMP_MARK}", ""
    else:
        prefix, suffix = f".{path.stem}{TEMP_MARK}", path.suffix
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if _stale_pid(entry.name, prefix, suffix) is None:
            continue
        kind = file_kind(entry)
        with contextlib.suppress(OSError):
            if kind in ("file", "symlink") and not folder:
                entry.unlink()
                removed.append(entry)
            elif kind == "folder" and folder:
                inside = list(entry.iterdir())
                if all(file_kind(p) == "file" for p in inside):
                    shutil.rmtree(entry)
                    removed.append(entry)
    return removed


@contextlib.contextmanager
def failures_named(path: Path, done: str = "nothing was written") -> Iterator[None]:
    """Turn a file-system failure while writing ``path`` into one ``InputError`` naming it."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        if not isinstance(exc, OSError) and os_error_number(exc) is None:
            raise
        raise InputError(f"cannot write {path}: {os_error_reason(exc)}; {done}.") from exc

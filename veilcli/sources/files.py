"""Opening input files: regular files only (never a FIFO, device or socket, also behind a
symlink), read whole within a size limit; folders expanded into the supported files they hold.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from veilcli.domain.models import SkippedFile
from veilcli.errors import InputError
from veilcli.sources import read_ahead
from veilcli.sources.limits import MAX_FILE_BYTES, MIB, Limit, over_limit
from veilcli.sources.messages import display_path

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".parquet", ".json")
# Lock files an office suite keeps beside an open document: Excel's owner file `~$rapport.xlsx`
# (162 bytes, not a workbook) and LibreOffice's `.~lock.rapport.xlsx#`. They sit in the analyst's
# folder whenever the workbook is open, so a folder ingest skips them (and says so) instead of
# stopping at an unreadable "workbook".
LOCK_FILE_PREFIXES = ("~$", ".~lock.")

_FILE_TYPES = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symbolic link",
}


def _not_regular(path: Path, mode: int) -> InputError:
    what = _FILE_TYPES.get(stat.S_IFMT(mode), "not a regular file")
    return InputError(
        f"{display_path(path)}: is {what}, not a regular file; veilcli reads only regular files.",
        hint="copy the data into a file first.",
    )


def _os_error(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{display_path(path)}: file not found.")
    if isinstance(exc, PermissionError):
        return InputError(f"{display_path(path)}: permission denied (the file cannot be read).")
    return InputError(f"{display_path(path)}: cannot be read ({exc.strerror or exc.__class__.__name__}).")


def check_regular_file(path: Path) -> os.stat_result:
    """The file's status, or a clear error for a missing file, a folder, a FIFO, device or socket."""
    try:
        status = os.stat(path)  # follows symlinks: a link to /dev/zero is a device
    except OSError as exc:
        raise _os_error(path, exc) from None
    except ValueError:  # a NUL character in the name
        raise InputError(f"{display_path(path)}: not a valid file name.") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{display_path(path)}: is a folder; pass files, or use `veilcli ingest FOLDER`.")
    if not stat.S_ISREG(status.st_mode):
        raise _not_regular(path, status.st_mode)
    return status


def read_file_bytes_and_sha256(path: Path, limit: Limit = MAX_FILE_BYTES) -> tuple[bytes, str | None]:
    """``read_file_bytes``, with the bytes' sha256 when they were read ahead (``read_ahead``: the
    command's first file, read while it started up), else None (the caller hashes them)."""
    status = check_regular_file(path)
    if status.st_size <= limit.value() and (ahead := read_ahead.take(status)) is not None:
        return ahead
    return read_file_bytes(path, limit), None


def read_file_bytes(path: Path, limit: Limit = MAX_FILE_BYTES) -> bytes:
    """All bytes of a regular file, refused past ``limit`` (checked before and while reading)."""
    status = check_regular_file(path)
    cap = limit.value()
    if status.st_size > cap:
        raise over_limit(path, "", f"the file has {status.st_size:,} bytes", limit)
    try:
        # Non-blocking open: a FIFO swapped in after the check cannot hang the open itself.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode)
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            # read(n) allocates n bytes up front: ask for the size stat gave, then for any growth.
            data = handle.read(status.st_size + 1)
            while len(data) <= cap and (more := handle.read(min(16 * MIB, cap + 1 - len(data)))):
                data += more
    except OSError as exc:
        raise _os_error(path, exc) from None
    finally:
        os.close(descriptor)
    if len(data) > cap:
        raise over_limit(path, "", f"the file has more than {cap:,} bytes", limit)
    return data


@dataclass
class InputFiles:
    """The files a command reads, and the files of given folders it leaves alone (with why)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def _lock_file(path: Path) -> SkippedFile:
    return SkippedFile(
        path=display_path(path),
        reason="lock_file",
        message="an office suite's lock file (the workbook is open somewhere), not data",
    )


def find_input_files(paths: list[Path]) -> InputFiles:
    """Files given directly, plus the supported regular files inside given folders (sorted); lock
    files in a folder are skipped and listed. A file given by name is read whatever its name."""
    found = InputFiles()
    for path in paths:
        if path.is_dir():
            data, locks = [], []
            for p in sorted(path.rglob("*")):
                *folders, name = p.relative_to(path).parts
                if not p.is_file() or any(part.startswith(".") for part in folders):
                    continue  # hidden folders (.git, .veilcli) are not the analyst's files
                if (
                    name.startswith(LOCK_FILE_PREFIXES)
                    and Path(name.rstrip("#")).suffix.lower() in SUPPORTED_SUFFIXES
                ):
                    locks.append(p)  # the lock of a file veilcli would read
                elif not name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES:
                    data.append(p)
            found.skipped.extend(_lock_file(p) for p in locks)
            if not data:
                also = f" (skipped {len(locks)} lock file(s), e.g. {locks[0].name})" if locks else ""
                raise InputError(
                    f"{display_path(path)}: no .xlsx, .csv, .json or .parquet files in this folder{also}."
                )
            found.files.extend(data)
        elif not path.exists() and not path.is_symlink():
            raise InputError(f"{display_path(path)}: file not found.")
        else:
            found.files.append(path)
    return found


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus the supported regular files inside given folders (sorted)."""
    return find_input_files(paths).files


def user_cache_folder(*parts: str) -> Path:
    """veilcli's folder in the user's cache (platformdirs): ``~/.cache/veilcli`` on Linux (or
    ``$XDG_CACHE_HOME/veilcli``), ``%LOCALAPPDATA%\\veilcli\\Cache`` on Windows,
    ``~/Library/Caches/veilcli`` on macOS; ``parts`` below it."""
    import platformdirs

    return platformdirs.user_cache_path("veilcli", appauthor=False).joinpath(*parts)

"""Opening input files: regular files only (never a FIFO, device or socket, also behind a
symlink), read whole within a size limit; folders expanded into the supported files they hold.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from veilcli.errors import InputError
from veilcli.sources.limits import MAX_FILE_BYTES, MIB, Limit, over_limit
from veilcli.sources.messages import display_path

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".parquet", ".json")

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


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus the supported regular files inside given folders (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(
                    f"{display_path(path)}: no .xlsx, .csv, .json or .parquet files in this folder."
                )
            files.extend(found)
        elif not path.exists() and not path.is_symlink():
            raise InputError(f"{display_path(path)}: file not found.")
        else:
            files.append(path)
    return files

"""Where an export writes: the target checked before a byte is written, and the file written there.

Every writer (workbook, CSV, JSON, HTML) checks its target with ``prepare_target`` first and writes
only regular files, atomically (``files/atomic.py``). ``Exported`` names what an export writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from veilcli.errors import InputError
from veilcli.files.atomic import failures_named, file_kind, refuse_special, sweep_stale, write_atomic

if TYPE_CHECKING:
    from veilcli.report.export_tables import ExportTables
    from veilcli.report.league_tables import LeagueTables

    # What an export writes: one area's comparison, or the league of many areas (``--area all``).
    Exported = ExportTables | LeagueTables


@dataclass(frozen=True)
class Target:
    """Where an export writes, checked: ``out`` as given (for messages and the files reported),
    ``path`` with a symlink followed (where the bytes go), and whether that folder exists already."""

    out: Path
    path: Path
    exists: bool


def prepare_target(out: Path, force: bool, *, files: Sequence[str] | None = None) -> Target:
    """Check where an export writes before a byte is written; refuse anything unsafe (``InputError``).

    ``files=None``: ``out`` is one regular file. With ``files``: ``out`` is a folder that receives
    these files (a new folder, or an existing one where only these names are replaced).

    Refused: a device (``/dev/full``), FIFO or socket; a symlink to one of those or to nothing; a
    folder where a file is written and a file where a folder is; an existing file without
    ``force``; a parent folder that does not exist (no surprise trees). A symlink to the right kind
    is followed: the file or folder it points to is written and the link kept. Inside an existing
    folder each of ``files`` must be absent, or a regular file (or a symlink to one; the new file
    replaces the link) with ``force``.
    """
    if files is None:
        return Target(out, _file(out, force), exists=False)
    path, exists = _folder(out, list(files))
    if exists:
        for name in files:
            _file(path / name, force)
    return Target(out, path, exists)


def _followed(out: Path, want: str) -> tuple[Path, str | None]:
    """``out`` with a symlink followed, and what is there; a link must point to a ``want``."""
    kind = file_kind(out)
    if kind != "symlink":
        return out, kind
    path = out.resolve()
    kind = file_kind(path)
    if kind != want:
        what = "nothing (a dangling link)" if kind is None else f"a {kind}"
        article = "a regular file" if want == "file" else "a folder"
        raise InputError(f"{out}: is a symlink to {what}, not to {article}; nothing was written.")
    return path, kind


def _file(out: Path, force: bool) -> Path:
    path, kind = _followed(out, "file")
    if kind == "folder":
        raise InputError(
            f"{out}: is a folder; nothing was written.", hint="give the path of a file to write."
        )
    if kind not in (None, "file"):
        refuse_special(path)
    if kind == "file" and not force:
        raise InputError(f"{out}: exists already; not overwritten.", hint="pass --force to replace it.")
    _parent_exists(path)
    return path


def _folder(out: Path, files: list[str]) -> tuple[Path, bool]:
    path, kind = _followed(out, "folder")
    if kind == "file":
        raise InputError(
            f"{out}: is a file; this export writes a folder ({', '.join(files)}). Nothing was written.",
            hint="give the path of a folder (a new one, or an existing one).",
        )
    if kind not in (None, "folder"):
        raise InputError(f"{out}: is a {kind}, not a folder; nothing was written.")
    _parent_exists(path)
    return path, kind == "folder"


def _parent_exists(path: Path) -> None:
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: folder does not exist.")


def write_file(target: Target, write: Callable[[Path], object]) -> None:
    """Write a checked file target atomically (``write`` fills a temporary file); temporaries of
    killed earlier runs are swept first; a file-system failure is one ``InputError`` naming ``out``."""
    sweep_stale(target.path)
    with failures_named(target.out):
        write_atomic(target.path, write)

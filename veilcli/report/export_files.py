"""`veilcli export csv` / `export json`: the workbook's tables as files for scripts.

Only regular files are written, atomically (``atomic.py``). A CSV folder export completes or
leaves nothing: every file is written into a temporary folder beside the target first
(``.<name>.tmp-<pid>``). A new folder is then renamed into place in one step; into an existing
folder (``--force`` for files already there) the files are moved one by one, each atomically,
only after all of them were written, and other files in that folder are left alone.
CSV text is formula-safe (``spreadsheet_safety.py``); JSON is for scripts and keeps values as
they are.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from veilcli.errors import InputError
from veilcli.report.export_tables import ExportTables
from veilcli.report.spreadsheet_safety import csv_text
from veilcli.store.atomic import (
    failures_named,
    file_kind,
    output_file,
    sweep_stale,
    temp_folder,
    write_atomic,
)


def _atomic_text(path: Path, text: str) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))


def _csv_folder(folder: Path) -> tuple[Path, bool]:
    """The folder to write into (symlinks followed) and whether it exists already."""
    kind, target = file_kind(folder), folder
    if kind == "symlink":
        target = folder.resolve()
        kind = file_kind(target)
        if kind != "folder":
            what = "nothing (a dangling link)" if kind is None else f"a {kind}"
            raise InputError(f"{folder}: is a symlink to {what}, not to a folder; nothing was written.")
    if kind == "file":
        raise InputError(
            f"{folder}: is a file; `export csv` writes a folder of CSV files. Nothing was written.",
            hint="give the path of a folder (a new one, or an existing one).",
        )
    if kind not in (None, "folder"):
        raise InputError(f"{folder}: is a {kind}, not a folder; nothing was written.")
    if not target.parent.is_dir():  # as for xlsx and json: no surprise trees
        raise InputError(f"{target.parent}: folder does not exist.")
    return target, kind == "folder"


def _check_members(targets: list[Path], force: bool) -> None:
    for path in targets:
        kind = file_kind(path)
        if kind == "symlink":
            kind = file_kind(path.resolve())
            if kind != "file":
                raise InputError(
                    f"{path}: is a symlink to something that is not a regular file; nothing was written."
                )
        if kind not in (None, "file"):
            raise InputError(f"{path}: is a {kind}, not a regular file; nothing was written.")
        if kind == "file" and not force:
            raise InputError(f"{path}: exists already; not overwritten.", hint="pass --force to replace it.")


def _remove_own_temp(tmp: Path, names: list[str]) -> None:
    """Remove the temporary folder: only the files this export writes, then the folder if empty."""
    if file_kind(tmp) != "folder":
        return
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            if file_kind(tmp / name) == "file":
                (tmp / name).unlink()
    with contextlib.suppress(OSError):
        tmp.rmdir()


def write_csv_folder(tables: ExportTables, folder: Path, force: bool = False) -> list[Path]:
    """One CSV per table (``overzicht.csv``, ``normalisatie.csv``, ...); returns the files written."""
    target, exists = _csv_folder(folder)
    texts = {f"{name.lower()}.csv": csv_text(frame) for name, frame in tables.frames().items()}
    names = list(texts)
    if exists:
        _check_members([target / n for n in names], force)
    sweep_stale(target, folder=True)
    tmp = temp_folder(target)
    try:
        with failures_named(folder):
            if file_kind(tmp) == "folder":  # this pid's, from an earlier run
                shutil.rmtree(tmp)
            tmp.mkdir()
            for name, text in texts.items():
                with open(tmp / name, "x", encoding="utf-8", newline="") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
            if not exists:
                os.rename(tmp, target)  # the whole folder appears at once
        if exists:
            # Every file is written; each move is atomic. Only a failure of the file system between
            # two moves (rare: same folder) leaves some files new and the others as they were.
            with failures_named(folder, "some files may be replaced and others not: export again"):
                for name in names:
                    os.replace(tmp / name, target / name)
    finally:
        _remove_own_temp(tmp, names)
    return [folder / n for n in names]


def write_json_file(tables: ExportTables, out: Path, force: bool = False) -> Path:
    """All tables in one JSON document: ``{table name: [row objects]}``."""
    target = output_file(out, force)
    document = {name: frame.to_dicts() for name, frame in tables.frames().items()}
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    sweep_stale(target)
    with failures_named(out):
        _atomic_text(target, text)
    return out

"""`veilcli export csv` / `export json`: the workbook's tables as files for scripts.

Only regular files are written, atomically (``files/atomic.py``), where ``targets.prepare_target``
allows. A CSV folder export completes or leaves nothing: every file is written into a temporary
folder beside the target first (``.<name>.tmp-<pid>``). A new folder is then renamed into place in
one step; into an existing folder (``--force`` for files already there) the files are moved one by
one, each atomically, only after all of them were written, and other files in that folder are
left alone. CSV text is formula-safe (``files/spreadsheet_safety.py``); JSON is for scripts and keeps
values as they are.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from veilcli.files.atomic import failures_named, file_kind, sweep_stale, temp_folder
from veilcli.files.spreadsheet_safety import csv_text
from veilcli.report.targets import prepare_target, write_file

if TYPE_CHECKING:
    from veilcli.report.targets import Exported


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


def write_csv(tables: Exported, out: Path, force: bool = False) -> list[Path]:
    """One CSV per table, named by its key (``overview.csv``, ``normalisation.csv``, ``districts.csv``,
    ``sources.csv``; a league: ``league.csv``, ``sources.csv``: the same in every language); returns
    the files written."""
    frames = tables.frames()
    names = [f"{name}.csv" for name in frames]
    target = prepare_target(out, force, files=names)
    texts = {name: csv_text(frame) for name, frame in zip(names, frames.values(), strict=True)}
    folder = target.path
    sweep_stale(folder, folder=True)
    tmp = temp_folder(folder)
    try:
        with failures_named(out):
            if file_kind(tmp) == "folder":  # this pid's, from an earlier run
                shutil.rmtree(tmp)
            tmp.mkdir()
            for name, text in texts.items():
                with open(tmp / name, "x", encoding="utf-8", newline="") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
            if not target.exists:
                os.rename(tmp, folder)  # the whole folder appears at once
        if target.exists:
            # Every file is written; each move is atomic. Only a failure of the file system between
            # two moves (rare: same folder) leaves some files new and the others as they were.
            with failures_named(out, "some files may be replaced and others not: export again"):
                for name in names:
                    os.replace(tmp / name, folder / name)
    finally:
        _remove_own_temp(tmp, names)
    return [out / n for n in names]


def write_json(tables: Exported, out: Path, force: bool = False) -> list[Path]:
    """All tables in one JSON document: ``{"meta": {...}, table key: [row objects]}``, keys and codes
    the same in every language (``ExportTables.document``, ``LeagueTables.document``)."""
    target = prepare_target(out, force)
    document = tables.document()
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    write_file(target, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))
    return [out]

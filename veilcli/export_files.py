"""`veilcli export csv` / `export json`: the workbook's tables as files for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from veilcli.atomic import write_atomic
from veilcli.errors import InputError
from veilcli.export_tables import ExportTables


def _atomic_text(path: Path, text: str) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))


def _refuse_existing(paths: list[Path], force: bool) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise InputError(
            f"{existing[0]}: exists already; not overwritten.", hint="pass --force to replace it."
        )


def write_csv_folder(tables: ExportTables, folder: Path, force: bool = False) -> list[Path]:
    """One CSV per table (``overzicht.csv``, ``normalisatie.csv``, ...); returns the files written."""
    if not folder.parent.exists():
        raise InputError(
            f"{folder.parent}: folder does not exist."
        )  # as for xlsx and json: no surprise trees
    folder.mkdir(exist_ok=True)
    frames = tables.frames()
    targets = {name: folder / f"{name.lower()}.csv" for name in frames}
    _refuse_existing(list(targets.values()), force)
    for name, frame in frames.items():
        _atomic_text(targets[name], frame.write_csv())
    return list(targets.values())


def write_json_file(tables: ExportTables, out: Path, force: bool = False) -> Path:
    """All tables in one JSON document: ``{table name: [row objects]}``."""
    if not out.parent.exists():
        raise InputError(f"{out.parent}: folder does not exist.")
    _refuse_existing([out], force)
    document = {name: frame.to_dicts() for name, frame in tables.frames().items()}
    _atomic_text(out, json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    return out

"""Benchmark groups: lists of municipality codes shipped in ``schemas/groups/`` (see its README).

A group is a CSV file with ``#`` comment lines, then ``code,name``. ``load_group`` takes the
name of a shipped group (``g10-100000plus``) or a path to such a file.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from veilcli.domain.geography import area_codes, resolve_areas
from veilcli.errors import InputError
from veilcli.files.shipped import schemas_dir

_CODE = re.compile(r"^GM\d{4}$")


def groups_dir() -> Path:
    """The folder of the shipped groups."""
    return schemas_dir() / "groups"


def shipped_groups() -> list[str]:
    """Names of the shipped groups."""
    return sorted(p.stem for p in groups_dir().glob("*.csv"))


def _group_file(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix.lower() == ".csv" or path.exists():
        if not path.is_file():
            raise InputError(f"{path}: group file not found.")
        return path
    shipped = groups_dir() / f"{name_or_path}.csv"
    if not shipped.is_file():
        raise InputError(
            f"no benchmark group named {str(name_or_path)!r}.",
            hint=f"use one of {', '.join(shipped_groups())}, or a CSV file with a code,name header.",
        )
    return shipped


def _read_group(path: Path) -> pl.DataFrame:
    try:
        table = pl.read_csv(path, comment_prefix="#", infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: cannot be read as a group CSV ({exc}).") from exc
    if "code" not in table.columns:
        raise InputError(
            f"{path}: a group file needs a 'code' column (CBS municipality codes such as GM0034)."
        )
    codes = table["code"].str.strip_chars().str.to_uppercase()
    bad = [c for c in codes.to_list() if c is None or not _CODE.match(c)]
    if bad:
        raise InputError(f"{path}: not CBS municipality codes: {', '.join(map(str, bad[:5]))}.")
    if codes.is_duplicated().any():
        raise InputError(f"{path}: a municipality is listed twice.")
    return table.with_columns(codes.alias("code"))


def load_group(name_or_path: str | Path) -> list[str]:
    """The member codes (``GM0034`` ...) of a shipped group or a group CSV file, in file order."""
    return _read_group(_group_file(name_or_path))["code"].to_list()


def group_areas(name_or_path: str | Path) -> list[str]:
    """The members as area names the way veilcli stores them (codes resolved through ``areas.csv``).

    A code missing from ``areas.csv`` falls back to the file's ``name`` column.
    """
    table = _read_group(_group_file(name_or_path))
    known = area_codes()
    names = table["name"].to_list() if "name" in table.columns else [None] * table.height
    areas = []
    for code, name in zip(table["code"].to_list(), names, strict=True):
        fallback = resolve_areas([name])[0] if name else code
        areas.append(known.get(code, fallback))
    return areas

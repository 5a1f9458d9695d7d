"""Locate the files veilcli ships in ``schemas/`` (inside the wheel: ``veilcli/schemas``)."""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl


@functools.cache
def schemas_dir() -> Path:
    """The shipped ``schemas`` folder, installed or in a source checkout."""
    installed = Path(__file__).parent / "schemas"
    if installed.is_dir():
        return installed
    return Path(__file__).parent.parent / "schemas"


@functools.cache
def area_codes() -> dict[str, str]:
    """CBS/police area code -> area name (``GM0034`` -> ``Almere``)."""
    table = pl.read_csv(schemas_dir() / "areas.csv", infer_schema=False)
    return dict(zip(table["code"], table["name"], strict=True))


def area_expr(text: pl.Expr) -> pl.Expr:
    """Vectorised: area names pass through; known codes (padded or not) become names."""
    return text.str.strip_chars().replace(area_codes())

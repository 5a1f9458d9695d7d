"""Where the data files veilcli ships are: ``schemas/`` in a source checkout, ``veilcli/schemas``
inside the wheel (classification, areas, geography, plans, rules, JSON Schemas)."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def schemas_dir() -> Path:
    """The shipped ``schemas`` folder, installed or in a source checkout."""
    package = Path(__file__).parent.parent  # veilcli/
    installed = package / "schemas"
    if installed.is_dir():
        return installed
    return package.parent / "schemas"

"""The package's layers: the ground floor imports nothing above it; ``veilcli.api`` names its exports."""

from __future__ import annotations

import ast
from pathlib import Path

from veilcli import api

PACKAGE = Path(__file__).resolve().parent.parent / "veilcli"


def _veilcli_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("veilcli"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("veilcli")}
    return names


def test_the_ground_floor_imports_nothing_of_veilcli_but_errors_and_itself() -> None:
    for path in [*(PACKAGE / "files").glob("*.py"), PACKAGE / "tuning.py", PACKAGE / "errors.py"]:
        own = ("veilcli.errors", "veilcli.files")
        above = {m for m in _veilcli_imports(path) if not m.startswith(own)}
        assert not above, f"{path.name} imports {sorted(above)}"


def test_every_name_the_api_exports_resolves() -> None:
    assert len(set(api.__all__)) == len(api.__all__)
    for name in api.__all__:
        assert getattr(api, name) is not None, name

"""TOML files validated by a pydantic model (plans, rules, column maps): one reader, one error style.

A TOML file is read like any other input: a regular file, within limits checked before the
expensive steps. The limits are far above what a real plan, rules file or map holds (the shipped
plan is 3.6 KB with 13 indicators, the rules 6 KB with a 66-code list) and far below what makes
parsing or validating slow (a plan of 30,000 indicators took 11 s to load and a wrong one hung in
the error messages):

- ``MAX_TOML_BYTES`` (1 MiB) of file;
- ``MAX_TOML_DEPTH`` (16) tables and arrays inside one another (tomllib recurses: 300 nested
  arrays raise a ``RecursionError``);
- ``MAX_TOML_ITEMS`` (1,000) entries in one table or array (indicators, benchmarks, columns).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from veilcli.errors import InputError

M = TypeVar("M", bound=BaseModel)
Describe = Callable[[dict[str, Any], str], str]

MAX_TOML_BYTES = 1 << 20
MAX_TOML_DEPTH = 16
MAX_TOML_ITEMS = 1000
# Problems named in one message: a file wrong in thousands of places needs the first few.
MAX_PROBLEMS_SHOWN = 5


def _where(error: dict[str, Any], text: str) -> str:
    return f"{'.'.join(map(str, error['loc']))}: {error['msg'].removeprefix('Value error, ')}"


def _read(path: Path, what: str, hint: str) -> bytes:
    """The file's bytes: a regular file within ``MAX_TOML_BYTES`` (a FIFO is never opened)."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{path}: {what} not found.", hint=hint) from None
    except OSError as exc:
        raise InputError(f"{path}: {what} cannot be read ({exc.strerror}).", hint=hint) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: {what} not found (not a regular file).", hint=hint)
    if info.st_size > MAX_TOML_BYTES:
        raise InputError(
            f"{path}: {what} of {info.st_size:,} bytes, more than the {MAX_TOML_BYTES:,} such a file "
            "may hold.",
            hint=hint,
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: {what} cannot be read ({exc.strerror}).", hint=hint) from None
    if len(data) > MAX_TOML_BYTES:  # grew since stat
        raise InputError(f"{path}: {what} of more than {MAX_TOML_BYTES:,} bytes.", hint=hint)
    return data


def _check_shape(path: Path, value: object, what: str, hint: str) -> None:
    """Refuse tables and arrays nested deeper than ``MAX_TOML_DEPTH`` or longer than ``MAX_TOML_ITEMS``
    (walked without recursion, so no depth can exhaust the stack)."""
    stack: list[tuple[object, int, str]] = [(value, 0, "")]
    while stack:
        node, depth, where = stack.pop()
        if isinstance(node, dict):
            children = [(v, f"{where}.{k}" if where else str(k)) for k, v in node.items()]
        elif isinstance(node, list):
            children = [(v, f"{where}[{i}]") for i, v in enumerate(node)]
        else:
            continue
        if depth >= MAX_TOML_DEPTH:
            raise InputError(
                f"{path}: {what} nested more than {MAX_TOML_DEPTH} tables or arrays deep (at {where[:80]}).",
                hint=hint,
            )
        if len(children) > MAX_TOML_ITEMS:
            raise InputError(
                f"{path}: {what} with {len(children):,} entries in {where[:80] or 'the top table'}, "
                f"more than the {MAX_TOML_ITEMS:,} one table or array may hold.",
                hint=hint,
            )
        stack.extend((child, depth + 1, name) for child, name in children)


def load_toml_model(
    path: Path, model: type[M], what: str, hint: str, describe: Describe = _where
) -> tuple[M, bytes]:
    """Parse ``path`` and validate it as ``model``; every problem becomes one ``InputError``.

    ``describe`` turns a pydantic error into text (plans use it to name the file's line); the first
    ``MAX_PROBLEMS_SHOWN`` problems are named, with how many more there are.
    Returns the model and the file's bytes (for its hash).
    """
    data = _read(path, what, hint)
    try:
        text = data.decode("utf-8")
        parsed = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML ({exc}).", hint=hint) from exc
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise InputError(
            f"{path}: {what} nested more than {MAX_TOML_DEPTH} tables or arrays deep.", hint=hint
        ) from None
    _check_shape(path, parsed, what, hint)
    try:
        return model.model_validate(parsed), data
    except ValidationError as exc:
        errors = exc.errors()
        shown = [describe(e, text) for e in errors[:MAX_PROBLEMS_SHOWN]]  # type: ignore[arg-type]
        more = f" (and {len(errors) - len(shown):,} more)" if len(errors) > len(shown) else ""
        raise InputError(f"{path}: invalid {what}: {'; '.join(shown)}{more}.", hint=hint) from exc

"""TOML files validated by a pydantic model (plans, rules, column maps): one reader, one error style."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from veilcli.errors import InputError

M = TypeVar("M", bound=BaseModel)
Describe = Callable[[dict[str, Any], str], str]


def _where(error: dict[str, Any], text: str) -> str:
    return f"{'.'.join(map(str, error['loc']))}: {error['msg'].removeprefix('Value error, ')}"


def load_toml_model(
    path: Path, model: type[M], what: str, hint: str, describe: Describe = _where
) -> tuple[M, bytes]:
    """Parse ``path`` and validate it as ``model``; every problem becomes one ``InputError``.

    ``describe`` turns a pydantic error into text (plans use it to name the file's line).
    Returns the model and the file's bytes (for its hash).
    """
    if not path.is_file():
        raise InputError(f"{path}: {what} not found.", hint=hint)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
        return model.model_validate(tomllib.loads(text)), data
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML ({exc}).", hint=hint) from exc
    except ValidationError as exc:
        problems = "; ".join(describe(e, text) for e in exc.errors())  # type: ignore[arg-type]
        raise InputError(f"{path}: invalid {what}: {problems}.", hint=hint) from exc

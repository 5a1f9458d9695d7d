"""The output languages and their word catalogue: one file per language in ``schemas/words/``.

``schemas/words/<lang>.toml`` holds every word a report shows in that language, in sections
(``[report]``, ``[summary]``, ``[map]``), each key a text with ``{parameters}``. Each file is read
once, when a word of its language is first asked for. ``tests/test_labels.py`` fails when a key is
missing from a language or its parameters differ. ``Lang`` is the one language type.
"""

from __future__ import annotations

import functools
import tomllib
from typing import Any, Literal

# The languages with a file in schemas/words/ (tests/test_labels.py checks the two agree).
Lang = Literal["nl", "en"]
DEFAULT_LANG: Lang = "en"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages with a word file, Dutch first as ``--lang`` has always listed them."""
    from veilcli.files.shipped import schemas_dir

    found = sorted(p.stem for p in (schemas_dir() / "words").glob("*.toml"))
    return tuple(sorted(found, key=lambda lang: lang != "nl"))


@functools.cache
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """The words of ``lang``: section -> key -> text (read once)."""
    from veilcli.files.shipped import schemas_dir

    with (schemas_dir() / "words" / f"{lang}.toml").open("rb") as file:
        return tomllib.load(file)


def phrase(section: str, key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The words of ``key`` in ``section`` in ``lang``, ``{parameters}`` filled in (an unknown key
    is a bug: raised)."""
    template = catalogue(lang)[section][key]
    return template.format(**params) if params else template

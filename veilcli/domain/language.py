"""The output languages and their word catalogue: one file per language in ``schemas/words/``.

``schemas/words/<lang>.toml`` holds every word a report shows in that language and how the
language writes numbers, dates and periods: text sections (``[report]``, ``[summary]``,
``[periods]`` ...), each key a text with ``{parameters}``; ``[conventions]`` (decimal and
thousands separators, month names, the number words one to twelve, ordinals), read as
``Conventions``; ``[terms.<parameter>]``, the words of a note parameter that holds a key. Each file
is read once, when a word of its language is first asked for. ``tests/test_word_files.py`` fails
when a file has keys ``en.toml`` has not, or lacks one of its keys.

A language is the name of its file, so a third language is one file. ``Lang`` is a ``str``: which
names are languages is known only once the files are listed, so it is checked where a language
comes in (``check_lang``: the CLI's ``--lang``, the API's ``lang=``), and a word asked for in a
language without a file fails with the same message. ``VEILCLI_WORDS_DIR`` names a folder of word
files for languages veilcli does not ship (a translator tries a new file there before it goes into
``schemas/words/``); the shipped languages are never replaced from there.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veilcli.errors import UsageError

# A language: the name of a word file (``en``, ``nl``), checked where it enters by ``check_lang``.
Lang = str
DEFAULT_LANG: Lang = "en"
WORDS_DIR_ENV = "VEILCLI_WORDS_DIR"
# The sections of a word file that are not text templates (see the module's docstring).
CONVENTIONS = "conventions"
TERMS = "terms"


@dataclass(frozen=True)
class Conventions:
    """How a language writes numbers and dates: the ``[conventions]`` section of its word file (a
    dataclass, not a pydantic model: ``veilcli --help`` reads the language names without pydantic)."""

    decimal: str  # the decimal mark: "6,3" or "6.3"
    thousands: str  # groups thousands: "1.043" or "1,043"
    months: tuple[str, ...]  # January to December, as a date writes them
    months_short: tuple[str, ...]  # the same in a narrow column
    number_words: tuple[str, ...]  # one to twelve, as a sentence writes a difference
    ordinals: tuple[str, ...]  # 1st to 4th (the quarters)

    def digits(self, shown: str) -> str:
        """A number Python wrote ("1,043.5") with this language's separators ("1.043,5")."""
        return shown.translate({ord(","): self.thousands, ord("."): self.decimal})


# [conventions] key -> how many items it holds (1: one character, a separator).
_CONVENTION_SIZES = {
    "decimal": 1,
    "thousands": 1,
    "months": 12,
    "months_short": 12,
    "number_words": 12,
    "ordinals": 4,
}


def _shipped_dir() -> Path:
    from veilcli.files.shipped import schemas_dir

    return schemas_dir() / "words"


@functools.cache
def _files(extra: str | None) -> dict[str, Path]:
    """Language -> its word file: the shipped ones, then those of the ``VEILCLI_WORDS_DIR`` folder."""
    files = {p.stem: p for p in sorted(_shipped_dir().glob("*.toml"))}
    if extra:
        folder = Path(extra)
        if not folder.is_dir():
            raise UsageError(f"{WORDS_DIR_ENV}={extra} is not a folder.", hint=f"unset {WORDS_DIR_ENV}.")
        for path in sorted(folder.glob("*.toml")):
            if path.stem in files:
                raise UsageError(
                    f"{path} would replace the shipped language {path.stem!r}.",
                    hint=f"edit schemas/words/{path.stem}.toml instead, or rename the file.",
                )
            files[path.stem] = path
    return files


def _word_files() -> dict[str, Path]:
    return _files(os.environ.get(WORDS_DIR_ENV) or None)


def languages() -> tuple[str, ...]:
    """The languages with a word file, Dutch first as ``--lang`` has always listed them."""
    return _listed(_word_files())


def shipped_languages() -> tuple[str, ...]:
    """The languages of ``schemas/words/`` alone (``--help`` names them, whatever the environment)."""
    return _listed(_files(None))


def _listed(names: Iterable[str]) -> tuple[str, ...]:
    # Dutch first: the order --lang has always listed them in; not a language convention.
    return tuple(sorted(sorted(names), key=lambda lang: lang != "nl"))


def check_lang(lang: str) -> Lang:
    """``lang`` when it has a word file; else a UsageError naming the languages there are."""
    if lang not in _word_files():
        raise UsageError(
            f"no words in language {lang!r}: the languages are {', '.join(languages())}.",
            hint=f"pass --lang {' or '.join(languages())}; a language is a file schemas/words/<lang>.toml.",
        )
    return lang


@functools.cache
def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not a valid word file: {exc}.") from exc


def _path(lang: str) -> Path:
    path = _word_files().get(lang)
    return path if path is not None else _word_files()[check_lang(lang)]


def _raw(lang: str) -> dict[str, Any]:
    return _read(_path(lang))


def catalogue(lang: Lang) -> dict[str, dict[str, str]]:
    """The words of ``lang``: section -> key -> text (read once)."""
    return _texts(_path(lang))


@functools.cache
def _texts(path: Path) -> dict[str, dict[str, str]]:
    return {name: section for name, section in _read(path).items() if name not in (CONVENTIONS, TERMS)}


def conventions(lang: Lang) -> Conventions:
    """How ``lang`` writes numbers and dates (its ``[conventions]``)."""
    return _conventions(_path(lang))


@functools.cache
def _conventions(path: Path) -> Conventions:
    given = _read(path).get(CONVENTIONS, {})
    for key, size in _CONVENTION_SIZES.items():
        value = given.get(key)
        if size == 1 and not (isinstance(value, str) and len(value) == 1):
            raise UsageError(f"{path}: [{CONVENTIONS}] {key} is not one character.")
        if size > 1 and not (
            isinstance(value, list) and len(value) == size and all(isinstance(v, str) for v in value)
        ):
            raise UsageError(f"{path}: [{CONVENTIONS}] {key} is not a list of {size} words.")
    extra = sorted(set(given) - set(_CONVENTION_SIZES))
    if extra:
        raise UsageError(f"{path}: [{CONVENTIONS}] has unknown keys {', '.join(extra)}.")
    words = {k: tuple(v) for k, v in given.items() if isinstance(v, list)}
    return Conventions(
        given["decimal"],
        given["thousands"],
        words["months"],
        words["months_short"],
        words["number_words"],
        words["ordinals"],
    )


def terms(lang: Lang) -> dict[str, dict[str, str]]:
    """Note parameter -> key -> its words in ``lang`` (the ``[terms.<parameter>]`` tables)."""
    terms_: dict[str, dict[str, str]] = _raw(lang).get(TERMS, {})
    return terms_


def raw_words(lang: Lang) -> dict[str, Any]:
    """The whole word file of ``lang`` as read (for the test that every file has ``en``'s keys)."""
    return _raw(lang)


def phrase(section: str, key: str, lang: Lang = DEFAULT_LANG, **params: Any) -> str:
    """The words of ``key`` in ``section`` in ``lang``, ``{parameters}`` filled in (an unknown key
    is a bug: raised)."""
    template = catalogue(lang)[section][key]
    return template.format(**params) if params else template

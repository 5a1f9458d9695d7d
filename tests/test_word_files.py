"""The word files: every language has exactly ``en.toml``'s keys, and a third language is one file.

A new language is a copy of ``schemas/words/en.toml`` under its own name with its words and its
conventions (decimal mark, thousands separator, month names, ...) filled in; no code changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from veilcli.domain.language import (
    DEFAULT_LANG,
    WORDS_DIR_ENV,
    catalogue,
    check_lang,
    conventions,
    languages,
    raw_words,
)
from veilcli.domain.models import SourceFormat
from veilcli.errors import UsageError
from veilcli.files.shipped import schemas_dir
from veilcli.store.store import Store


def _keys(words: dict[str, Any], at: str = "") -> set[str]:
    """Every key of a word file, dotted ("terms.counted.suspects"); a list is one key."""
    found = set()
    for key, value in words.items():
        name = f"{at}{key}"
        found |= _keys(value, f"{name}.") if isinstance(value, dict) else {name}
    return found


@pytest.mark.parametrize("lang", languages())
def test_every_word_file_has_exactly_the_keys_of_en(lang: str) -> None:
    english, other = _keys(raw_words("en")), _keys(raw_words(lang))
    missing, extra = sorted(english - other), sorted(other - english)
    assert not missing and not extra, f"{lang}.toml: missing {missing}, extra {extra}"
    conventions(lang)  # lists of the right length, one-character separators


def test_the_shipped_languages_and_their_conventions() -> None:
    assert languages() == ("nl", "en") and DEFAULT_LANG == "en"
    assert (conventions("nl").decimal, conventions("nl").thousands) == (",", ".")
    assert conventions("nl").digits("1,043.5") == "1.043,5"
    assert conventions("en").digits("1,043.5") == "1,043.5"
    # publishers are named by the formats veilcli recognises
    assert set(catalogue("en")["publisher"]) <= {f.value for f in SourceFormat}


def test_a_language_without_a_file_is_a_usage_error_naming_the_languages() -> None:
    with pytest.raises(UsageError, match=r"no words in language 'xx': the languages are nl, en\."):
        check_lang("xx")
    with pytest.raises(UsageError, match="the languages are nl, en"):
        catalogue("xx")


def test_the_api_and_the_cli_refuse_a_language_without_a_file(plan_store: tuple[Store, Path]) -> None:
    from typer.testing import CliRunner

    from veilcli import api
    from veilcli.cli import app

    store, plan = plan_store
    with pytest.raises(UsageError, match="the languages are nl, en"):
        api.compare(store, plan_path=plan, period="2019H1", baseline=2017, lang="xx")
    result = CliRunner().invoke(app, ["compare", "--store", str(store.root), "--lang", "xx"])
    assert result.exit_code == 2 and "the languages are nl, en" in " ".join(result.output.split())


def _german(folder: Path) -> Path:
    """``en.toml`` as ``de.toml`` with a few words changed and the Dutch/German separators."""
    text = (schemas_dir() / "words" / "en.toml").read_text(encoding="utf-8")
    for english, german in (
        ('not_achieved = "not achieved"', 'not_achieved = "nicht erreicht"'),
        ('h_theme_bare = "Theme {number}"', 'h_theme_bare = "Thema {number}"'),
        ('h_theme = "Theme {number}: {label}"', 'h_theme = "Thema {number}: {label}"'),
        ('decimal = "."', 'decimal = ","'),
        ('thousands = ","', 'thousands = "."'),
        ('"January"', '"Januar"'),
    ):
        assert english in text, english
        text = text.replace(english, german)
    folder.mkdir()
    path = folder / "de.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_third_language_is_one_file(
    plan_store: tuple[Store, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from veilcli.cli import app

    _german(tmp_path / "words")
    monkeypatch.setenv(WORDS_DIR_ENV, str(tmp_path / "words"))
    assert languages() == ("nl", "de", "en") and check_lang("de") == "de"
    store, plan = plan_store
    common = ["--store", str(store.root), "--plan", str(plan), "--period", "2019H1", "--baseline", "2017"]
    result = CliRunner().invoke(app, ["compare", *common, "--lang", "de", "--detail"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "nicht erreicht" in result.output and "not achieved" not in result.output
    # vernieling: 2.0 -> 2.5 per 1,000 inhabitants, written with the file's decimal mark
    assert re.search(r"\b2,5\b", result.output) and not re.search(r"\b2\.5\b", result.output)
    out = tmp_path / "bericht.html"
    result = CliRunner().invoke(app, ["report", "html", str(out), *common, "--lang", "de"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<html lang='de'>" in page and "Thema 1" in page and "nicht erreicht" in page
    assert ">2,5<" in page and ">2.5<" not in page
    monkeypatch.delenv(WORDS_DIR_ENV)
    with pytest.raises(UsageError, match="the languages are nl, en"):
        check_lang("de")


def test_a_words_folder_never_replaces_a_shipped_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "words"
    folder.mkdir()
    (folder / "nl.toml").write_text((schemas_dir() / "words" / "en.toml").read_text(encoding="utf-8"))
    monkeypatch.setenv(WORDS_DIR_ENV, str(folder))
    with pytest.raises(UsageError, match="would replace the shipped language 'nl'"):
        catalogue("nl")

"""The note catalogue: every code in both languages with the same parameters, and rendering."""

from __future__ import annotations

import re

import polars as pl
import pytest

from veilcli.domain.notes import CATALOGUE, ROW_CATALOGUE, note, note_expr


@pytest.mark.parametrize("code", sorted({**CATALOGUE, **ROW_CATALOGUE}))
def test_both_languages_have_the_same_parameters(code: str) -> None:
    english, dutch = {**CATALOGUE, **ROW_CATALOGUE}[code]
    names = [set(re.findall(r"\{(\w+)", text)) for text in (english, dutch)]
    assert names[0] == names[1] and english != dutch


def test_note_renders_in_either_language() -> None:
    made = note("small_numbers", period="2019H1", count=7, counted="registrations")
    assert made.message == "2019H1: only 7 registration(s): the change says little"
    assert made.render("nl") == "2019H1: slechts 7 registratie(s): de verandering zegt weinig"
    with pytest.raises(KeyError):
        note("no_such_code")


def test_row_notes_are_expressions() -> None:
    frame = pl.DataFrame({"n": [3]})
    assert frame.select(note_expr("row_channel_unknown", rows=pl.col("n"))).item() == (
        "3 with channel unknown, counted as reported"
    )
    assert frame.select(note_expr("row_channel_unknown", "nl", rows=pl.col("n"))).item().startswith("3 met")

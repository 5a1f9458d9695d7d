"""The note catalogue: every code in both languages with the same parameters, and rendering."""

from __future__ import annotations

import re

import polars as pl
import pytest

from veilcli.domain.language import catalogue
from veilcli.domain.notes import note, note_expr

CODES = {**catalogue("en")["notes"], **catalogue("en")["row_notes"]}


@pytest.mark.parametrize("code", sorted(CODES))
def test_both_languages_have_the_same_parameters(code: str) -> None:
    english = CODES[code]
    dutch = {**catalogue("nl")["notes"], **catalogue("nl")["row_notes"]}[code]
    names = [set(re.findall(r"\{(\w+)", text)) for text in (english, dutch)]
    assert names[0] == names[1] and english != dutch


def test_note_renders_in_either_language() -> None:
    made = note("small_numbers", period="2019H1", count=7, counted="registrations")
    assert made.message == "first half of 2019: only 7 registrations: the change says little"
    assert made.render("nl") == "eerste helft 2019: slechts 7 registraties: de verandering zegt weinig"
    assert made.params["period"] == "2019H1"  # the code for scripts, words for people
    one = note("small_numbers", "nl", period="2019Q2", count=1, counted="registrations")
    assert one.message == "2e kwartaal 2019: slechts 1 registratie: de verandering zegt weinig"
    with pytest.raises(KeyError):
        note("no_such_code")


def test_row_notes_are_expressions() -> None:
    frame = pl.DataFrame({"n": [3]})
    assert frame.select(note_expr("row_channel_unknown", rows=pl.col("n"))).item() == (
        "3 with channel unknown, counted as reported"
    )
    assert frame.select(note_expr("row_channel_unknown", "nl", rows=pl.col("n"))).item().startswith("3 met")

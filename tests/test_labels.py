"""Every unit, goal and status has its words in every output language, defined once on the enum.

Adding a member without them fails here, not in a report at run time.
"""

from __future__ import annotations

from enum import Enum

import pytest

from veilcli.analysis.goals import Status
from veilcli.domain.language import Lang, languages
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit
from veilcli.report.export_xlsx import STATUS_FILLS
from veilcli.report.render import STATUS_STYLE

LANGS: tuple[Lang, ...] = languages()
LABELLED = [*Unit, *Goal, *Status]


@pytest.mark.parametrize("member", LABELLED, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_member_has_a_label_in_every_language(member: Unit | Goal | Status) -> None:
    labels = [member.label(lang) for lang in LANGS]
    assert all(isinstance(label, str) and label.strip() for label in labels)
    assert isinstance(member.short_label, str) and member.short_label.strip()


@pytest.mark.parametrize("enum", [Unit, Goal, Status], ids=lambda e: e.__name__)
def test_labels_tell_members_apart(enum: type[Enum]) -> None:
    for lang in LANGS:
        labels = [m.label(lang) for m in enum]  # type: ignore[attr-defined]
        assert len(set(labels)) == len(labels), (enum, lang)
    shorts = [m.short_label for m in enum]  # type: ignore[attr-defined]
    assert len(set(shorts)) == len(shorts)


def test_labels_are_the_words_the_reports_used() -> None:
    assert Unit.per_1000_dwellings.label("nl") == "per 1.000 woningen"
    assert Unit.per_1000_dwellings.label("en") == "per 1,000 dwellings"
    assert Unit.per_1000_inhabitants.short_label == "/1,000 inh."
    assert Goal.no_increase.label("nl") == "niet laten stijgen" and Goal.none.short_label == "-"
    assert Status.monitor.label("en") == "no goal (monitor)" and Status.monitor.short_label == "monitor"
    assert Status.not_achieved.label("nl") == "niet behaald"


def test_every_status_has_a_colour_in_the_workbook_and_on_the_terminal() -> None:
    assert set(STATUS_FILLS) == set(Status)
    assert set(STATUS_STYLE) == set(Status)


@pytest.mark.parametrize("member", LABELLED, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_member_has_short_terminal_words_in_every_language(member: Unit | Goal | Status) -> None:
    from veilcli.report.words import short

    assert all(short(member, lang).strip() for lang in LANGS)


# Words whose languages take different parameters, all given by the code: "the 2nd quarter" (an
# ordinal) against "het 2e kwartaal" (the number).
OWN_GRAMMAR = {("sentences", "quarter")}


def test_every_word_is_in_every_language_with_the_same_parameters() -> None:
    import string

    from veilcli.domain.language import catalogue

    english = catalogue("en")
    for lang in languages():
        words = catalogue(lang)
        assert set(words) == set(english), lang
        for section, texts in english.items():
            assert set(words[section]) == set(texts), (lang, section, set(words[section]) ^ set(texts))
            for key, text in texts.items():
                other = words[section][key]
                assert text.strip() and other.strip(), (lang, section, key)
                fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (text, other)]
                assert fields[0] == fields[1] or (section, key) in OWN_GRAMMAR, (lang, section, key)


def test_every_unit_has_its_facts() -> None:
    from veilcli.domain.units import UNIT_FACTS

    assert set(UNIT_FACTS) == set(Unit)
    assert all((f.denominator is None) == (f.per == 1) for f in UNIT_FACTS.values())

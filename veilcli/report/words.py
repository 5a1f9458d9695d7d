"""Every word a report shows, in each output language, for the terminal, the workbook and the HTML
report.

The words themselves are data: the ``[report]`` section of ``schemas/words/<lang>.toml``
(``domain/language.py``); ``word`` reads them. Units, goals and statuses read theirs from the
sections named after them (``Unit.label``, ``Goal.label``, ``Status.label``; ``short`` for a narrow
terminal column); notes from ``[notes]`` (``domain/notes.py``). This module adds the helpers that
put words together. A key is stable; its text may take
``{parameters}``. ``tests/test_labels.py`` fails when a key or a member lacks a language.

Scripts never see these words: JSON and CSV exports carry keys and codes (``table.Table.frame``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from veilcli.analysis.goals import Status
from veilcli.domain.language import Lang, catalogue, phrase
from veilcli.domain.periods import parse_period, period_words
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit

if TYPE_CHECKING:  # annotations only: rendering an ingest loads none of the analysis
    from veilcli.analysis.results.compare import IndicatorResult


def survey_tests(indicators: Iterable[IndicatorResult], lang: Lang = "en") -> str | None:
    """Which test each survey indicator's p-value is ("Onveilig: z-test from the published 95%
    intervals; ..."), for the sentence under the p-values; None without survey p-values."""
    shown = [
        f"{i.label}: {word(f'test_{i.survey.test}', lang)}"
        for i in indicators
        if i.survey is not None and i.p_value is not None
    ]
    return "; ".join(shown) or None


def significance_survey(indicators: Iterable[IndicatorResult], lang: Lang = "en") -> str:
    """The sentence naming each survey p-value's test (empty without survey p-values)."""
    tests = survey_tests(indicators, lang)
    return word("significance_survey", lang, tests=tests) if tests else ""


def word(key: str, lang: Lang = "en", **params: Any) -> str:
    """The words of ``key`` in ``lang``, ``{parameters}`` filled in (an unknown key is a bug: raised)."""
    return phrase("report", key, lang, **params)


def short(member: Unit | Goal | Status, lang: Lang = "en") -> str:
    """A unit, goal or status in a narrow terminal column, in ``lang`` (the ``[unit_short]``,
    ``[goal_short]`` and ``[status_short]`` sections of the catalogue)."""
    return catalogue(lang)[f"{type(member).__name__.lower()}_short"][member.value]


def period_headers(periods: Iterable[str], lang: Lang = "en") -> list[str]:
    """Periods over narrow terminal columns. Where every period is the same part of a year (a
    comparison always is: ``--baseline 2017`` is the same half as ``--period``), the year alone, as
    the seed's tables head "2017 2018 2019" under "eerste helft 2019 ten opzichte van 2017/2018"
    (the heading says which part); else the short words, the year on a line of its own where they
    are longer than a number ("1e helft\n2019"; "H1 2019" stays)."""
    parsed = [parse_period(p) for p in periods]
    if len({(p.unit, p.part) for p in parsed}) == 1:
        return [str(p.year) for p in parsed]
    shown = []
    for p in parsed:
        words = period_words(p, lang, short=True)
        head, _, year = words.rpartition(" ")
        shown.append(f"{head}\n{year}" if head and len(words) > 8 else words)
    return shown

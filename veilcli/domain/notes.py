"""The catalogue of notes: every qualification veilcli attaches to a figure, by stable code.

A note is a code, its parameters and a message rendered in the output language from one catalogue
(as frictionless-py keeps its errors): the ``[notes]`` and ``[row_notes]`` sections of
``schemas/words/<lang>.toml``, where ``{parameters}`` are in braces, a parameter ending in ``_pct``
is a percentage and one named ``year`` or ending in ``_year`` a year (shown as written, never
grouped like a count: 2019, not 2.019). Scripts branch on ``code`` and read ``params``; people
read ``message``. Add a note there, never as a sentence in the code.
"""

from __future__ import annotations

import functools
import re
import string
from typing import Any

import polars as pl
from pydantic import BaseModel, Field

from veilcli.domain.language import DEFAULT_LANG, Lang, catalogue, conventions, terms
from veilcli.domain.periods import date_words, periods_words, span_words

# Parameters whose value is a key (language-neutral in ``params``) shown as the words of the
# ``[terms.<parameter>]`` table of each language file. A word "singular|plural" is chosen by the
# note's ``count`` (plural unless it is 1). A parameter may take the words of another's table.
TERMS_OF = {"area_method": "benchmark_method"}
# Parameters whose value is a ", "-separated list of items, each a key of its table or as written
# (``categories``: codes, or the plan's words for all of a kind).
ITEM_PARAMS = frozenset({"categories"})
# Parameters that hold period codes (one, or a comma-separated list): shown in words.
PERIOD_PARAMS = frozenset({"period", "baseline", "periods"})
# Parameters that hold ISO dates (one, or a list) or date spans ("2017-07-01..2017-09-21").
DATE_PARAMS = frozenset({"since", "date", "until"})
SPAN_PARAMS = frozenset({"covered"})
# The parameter naming the benchmark(s) a note is about: a list, so that one note per indicator
# names every benchmark it holds for (``merge_benchmark_notes``).
BENCHMARK_PARAM = "benchmark"
# A list parameter that pairs with the benchmarks, merged with them: the area each benchmark stands
# for, shown beside its name where they differ ("Grote steden (G10/100.000+)").
PAIRED_PARAM = "areas"
PAIRED_CODES = frozenset({"benchmark_not_stored"})


class Note(BaseModel):
    """One qualification of a figure: a stable code, its parameters, and the rendered message."""

    code: str = Field(description="Stable code from veilcli's note catalogue (veilcli/notes.py).")
    params: dict[str, Any] = Field(
        description="The note's parameters (names as in the catalogue's template).", default_factory=dict
    )
    message: str = Field(description="The note in the output language.")

    def render(self, lang: Lang) -> str:
        """The message in another language."""
        return message(self.code, self.params, lang)


class _NumberFormatter(string.Formatter):
    """Fills a template with numbers in the language's style: thousands grouped and the decimal mark
    as the language writes them ("1.043" and "-12,3" in Dutch, "1,043" and "-12.3" in English), so a
    note reads like the figures beside it. Text parameters (dates, codes, names) are left alone.

    A spec ``@singular|plural`` writes the number and the word it counts: ``{rows:@registratie|
    registraties}`` -> "1 registratie", "12 registraties"."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("@"):
            singular, _, plural = format_spec[1:].partition("|")
            return f"{self.format_field(value, '')} {singular if value == 1 else plural or singular}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return super().format_field(value, format_spec)
        return conventions(self.lang).digits(format(value, _grouped(format_spec)))


def _grouped(spec: str) -> str:
    """A format spec with thousands grouping (",") added where it has none: ".1f" -> ",.1f"."""
    if "," in spec or "_" in spec or spec[-1:] not in ("", "d", "f", "g", "e", "%"):
        return spec
    head, dot, tail = spec.partition(".")
    if dot:
        return f"{head},.{tail}"
    kind = spec[-1:] if spec[-1:].isalpha() or spec[-1:] == "%" else ""
    return f"{spec[: len(spec) - len(kind)]},{kind}"


def message(code: str, params: dict[str, Any], lang: Lang = DEFAULT_LANG) -> str:
    """The catalogue text of ``code`` with ``params`` filled in for people, in ``lang``: numbers in
    the language's style, periods and dates in words ("eerste helft 2019", "1 januari 2018"), keys as
    words. ``params`` keep the codes (``2019H1``, ``2018-01-01``, ``factors``) for scripts."""
    words = catalogue(lang)
    template = words["notes"][code] if code in words["notes"] else words["row_notes"][code]
    shown = {name: _shown(name, value, lang, params) for name, value in params.items()}
    if code in PAIRED_CODES and isinstance(params.get(BENCHMARK_PARAM), list):
        pairs = zip(params[BENCHMARK_PARAM], params.get(PAIRED_PARAM) or [], strict=False)
        shown[BENCHMARK_PARAM] = joined([n if n == a else f"{n} ({a})" for n, a in pairs], lang)
    return _NumberFormatter(lang).format(template, **shown)


def _shown(name: str, value: Any, lang: Lang, params: dict[str, Any]) -> Any:
    """A parameter as its message shows it: a term in the language's words, a year as written, a
    period or date in words, a list of names joined with "and"."""
    words = terms(lang).get(TERMS_OF.get(name, name), {})
    if name not in ITEM_PARAMS and isinstance(value, str) and value in words:
        singular, _, plural = words[value].partition("|")
        return singular if not plural or params.get("count") == 1 else plural
    if (name == "year" or name.endswith("_year")) and isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return joined([str(v) for v in value], lang)
    if not isinstance(value, str):
        return value
    if name in PERIOD_PARAMS:
        return periods_words(value, lang)
    if name in DATE_PARAMS:
        return date_words(value, lang)
    if name in SPAN_PARAMS:
        return span_words(value, lang)
    if name in ITEM_PARAMS:
        return ", ".join(words.get(i, i) for i in value.split(", "))
    return value


def joined(names: list[str], lang: Lang = DEFAULT_LANG) -> str:
    """Names as a sentence lists them: "A", "A en B", "A, B en C" ("and" in English)."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {catalogue(lang)['sentences']['and']} {names[-1]}"


def merge_benchmark_notes(notes: list[Note], lang: Lang = DEFAULT_LANG) -> list[Note]:
    """Each note once per indicator: notes that differ only in the benchmark they are about become one
    note naming every benchmark ("vergelijking met Midden-Nederland en G10/100.000+: ..."), in the
    place of the first. A benchmark note's ``benchmark`` parameter is always a list of names."""
    merged: dict[tuple[str, str], Note] = {}
    out: list[Note] = []
    for n in notes:
        if BENCHMARK_PARAM not in n.params:
            out.append(n)
            continue
        paired = PAIRED_PARAM if n.code in PAIRED_CODES else None
        rest = {k: v for k, v in n.params.items() if k not in (BENCHMARK_PARAM, paired)}
        key = (n.code, repr(sorted(rest.items())))
        value = n.params[BENCHMARK_PARAM]
        names = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        with_areas = list(n.params.get(PAIRED_PARAM) or []) if paired else []
        if key in merged:
            held = merged[key]
            named = held.params[BENCHMARK_PARAM]
            for index, name in enumerate(names):
                if name not in named:
                    named.append(name)
                    if paired:
                        held.params[PAIRED_PARAM].append(with_areas[index])
            held.message = message(held.code, held.params, lang)
            continue
        params = {**n.params, BENCHMARK_PARAM: list(dict.fromkeys(names))}
        if paired:
            params[PAIRED_PARAM] = with_areas
        merged[key] = Note(code=n.code, params=params, message=message(n.code, params, lang))
        out.append(merged[key])
    return out


def note(code: str, lang: Lang = DEFAULT_LANG, **params: Any) -> Note:
    """A note of the catalogue (an unknown code is a bug, raised at once)."""
    if code not in catalogue(DEFAULT_LANG)["notes"]:
        raise KeyError(f"note code {code!r} is not in the catalogue")
    return Note(code=code, params=params, message=message(code, params, lang))


_FIELD = re.compile(r"\{(\w+)(?::@([^|}]*)\|([^}]*))?\}")


def note_expr(code: str, lang: Lang = DEFAULT_LANG, **params: pl.Expr) -> pl.Expr:
    """Vectorised: a row note of the catalogue, its ``{parameters}`` filled from expressions
    (``{name}`` placeholders of whole numbers, their thousands grouped in the language's style as
    ``message`` groups them, and ``{name:@singular|plural}`` as ``message`` writes it)."""
    template = catalogue(lang)["row_notes"][code]
    fields = _FIELD.findall(template)
    if not fields:
        return pl.lit(template)
    separator = conventions(lang).thousands
    filled = []
    for name, singular, plural in fields:
        number = _grouped_expr(params[name], separator)
        if singular or plural:
            word = pl.when(params[name] == 1).then(pl.lit(singular)).otherwise(pl.lit(plural))
            number = pl.concat_str(number, pl.lit(" "), word)
        filled.append(number)
    return pl.format(_FIELD.sub("{}", template), *filled)


def _grouped_expr(value: pl.Expr, separator: str) -> pl.Expr:
    """A whole number as text with its thousands grouped (1043 -> "1.043"): the digits reversed, a
    separator after every third, reversed back (no look-ahead in polars' regex)."""
    digits = value.cast(pl.Int64).abs().cast(pl.String).str.reverse()
    grouped = digits.str.replace_all(r"(\d{3})", "${1}" + separator).str.strip_chars_end(separator)
    return pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit("")) + grouped.str.reverse()


def _english_pattern(template: str) -> re.Pattern[str]:
    """A row note's English template as a pattern that reads its numbers back."""
    parts, at = [], 0
    for m in _FIELD.finditer(template):
        parts.append(re.escape(template[at : m.start()]))
        number = rf"(?P<{m.group(1)}>-?[\d,]+)"
        parts.append(
            number + (rf" (?:{re.escape(m.group(2))}|{re.escape(m.group(3))})" if m.group(2) else "")
        )
        at = m.end()
    parts.append(re.escape(template[at:]))
    return re.compile("^" + "".join(parts) + "$")


@functools.cache
def _row_patterns() -> dict[str, re.Pattern[str]]:
    """Each row note's pattern, from its English template (made once, when first needed)."""
    return {code: _english_pattern(english) for code, english in catalogue("en")["row_notes"].items()}


def row_notes_text(text: str | None, lang: Lang = DEFAULT_LANG) -> str | None:
    """The notes of a ``normalise`` row (``note_expr``'s English messages, "; "-joined, as the
    table's JSON and CSV carry them) in ``lang``, rendered from the catalogue at display time; a
    part that is no row note of the catalogue is left as it is."""
    if not text or lang == DEFAULT_LANG:
        return text
    shown = []
    for part in text.split("; "):
        for code, pattern in _row_patterns().items():
            m = pattern.match(part)
            if m:
                params = {k: int(v.replace(",", "")) for k, v in m.groupdict().items()}
                part = message(code, params, lang)
                break
        shown.append(part)
    return "; ".join(shown)

"""The catalogue of notes: every qualification veilcli attaches to a figure, by stable code.

A note is a code, its parameters and a message rendered in the output language from this one
catalogue (as frictionless-py keeps its errors). Scripts branch on ``code`` and read
``params``; people read ``message``. Add a note here, never as a sentence in the code.
"""

from __future__ import annotations

import re
import string
from typing import Any

import polars as pl
from pydantic import BaseModel, Field

from veilcli.domain.language import DEFAULT_LANG, Lang
from veilcli.domain.periods import date_words, periods_words, span_words
from veilcli.domain.units import UNIT_FACTS

# code -> (English, Dutch). Parameters in {braces}; a parameter ending in _pct is a percentage; one
# named year or ending in _year is a year (shown as written, never grouped like a count: 2019, not 2.019).
CATALOGUE: dict[str, tuple[str, str]] = {
    "incomplete_coverage": (
        "{period}: the sources cover {covered_pct:.0f}% of the period ({covered}); "
        "no status until it is whole",
        "{period}: de bronnen dekken {covered_pct:.0f}% van de periode ({covered}); geen status tot ze"
        " volledig is",
    ),
    "no_source_for_categories": (
        "{period}: no stored source covers {categories}: no data (never 0)",
        "{period}: geen opgeslagen bron dekt {categories}: geen gegevens (nooit 0)",
    ),
    "no_data_period": ("no data for {period}", "geen gegevens voor {period}"),
    "download_cache_discarded": (
        "a cached answer could not be used ({reason}): {path} was removed and the answer fetched again",
        "een bewaard antwoord was onbruikbaar ({reason}): {path} is verwijderd en het antwoord opnieuw "
        "opgehaald",
    ),
    "total_needs_complete_source": (
        "{period}: a crime total needs a total row or a source covering every crime category; "
        "the stored sources cover only some categories",
        "{period}: een totaal misdrijven vraagt een totaalregel of een bron met alle misdrijfsoorten; "
        "de opgeslagen bronnen dekken maar een deel",
    ),
    "samenloop_not_correctable": (
        "{period}: {rows:@registration|registrations} after the samenloop change ({since}) from a source "
        "without event numbers: not corrected for samenloop",
        "{period}: {rows:@registratie|registraties} na de samenloopwijziging ({since}) uit een bron zonder "
        "gebeurtenisnummers: niet gecorrigeerd voor samenloop",
    ),
    "samenloop_estimated": (
        "samenloop corrected with the rules file's published factors (an estimate, not a recount)",
        "samenloop gecorrigeerd met de gepubliceerde factoren uit het regelsbestand (een schatting, "
        "geen hertelling)",
    ),
    "channel_unknown": (
        "{period}: {rows:@registration|registrations} ({share_pct:.0f}%) with the reporting channel "
        "unknown, counted as reported",
        "{period}: {rows:@registratie|registraties} ({share_pct:.0f}%) met onbekende wijze van aangifte, "
        "geteld als aangifte",
    ),
    "no_channel_data": (
        "{periods}: no reporting channel in the data: no internet correction",
        "{periods}: geen wijze van aangifte in de gegevens: geen correctie voor internetaangifte",
    ),
    "no_channel_in_baseline": (
        "no reporting channel in the baseline {baseline} (its online share is unknown): no internet "
        "correction for {periods}",
        "geen wijze van aangifte in het peiljaar {baseline} (het aandeel internetaangiften is onbekend): "
        "geen correctie voor internetaangifte in {periods}",
    ),
    "no_online_in_baseline": (
        "no online reports in the baseline {baseline}: no internet correction (its share cannot be held)",
        "geen internetaangiften in het peiljaar {baseline}: geen correctie voor internetaangifte",
    ),
    "all_online_in_baseline": (
        "every report in the baseline {baseline} was online: no internet correction",
        "alle aangiften in het peiljaar {baseline} waren online: geen correctie voor internetaangifte",
    ),
    "internet_range": (
        "online reporting was extended for these offences since {since}: the underlying change lies "
        "between {low_pct:+.1f}% (every extra online report is new) and {high_pct:+.1f}% (none is)",
        "internetaangifte is voor deze delicten uitgebreid sinds {since}: de onderliggende verandering ligt "
        "tussen {low_pct:+.1f}% (elke extra internetaangifte is nieuw) en {high_pct:+.1f}% (geen enkele)",
    ),
    "estimated_youths": (
        "youths 12-24 estimated from the CBS age bands (--youth-from-15-25) for {where}",
        "jongeren 12-24 geschat uit de CBS-leeftijdsklassen (--youth-from-15-25) voor {where}",
    ),
    "no_population": (
        "no number of {denominator} for {where}: rate not computed",
        "geen aantal {denominator} voor {where}: geen cijfer per 1.000 berekend",
    ),
    "small_numbers": (
        "{period}: only {count} {counted}: the change says little",
        "{period}: slechts {count} {counted}: de verandering zegt weinig",
    ),
    "too_few_to_judge": (
        "{baseline} {baseline_count}, {period} {count} {counted}: too few to judge (so few cannot show both "
        "a rise and a fall beyond chance)",
        "{baseline} {baseline_count}, {period} {count} {counted}: te weinig om te beoordelen (zo weinig kan "
        "niet zowel een stijging als een daling buiten het toeval aantonen)",
    ),
    "zero_baseline": (
        "0 in the baseline {baseline}: no change in % can be computed (the status compares the values)",
        "0 in het peiljaar {baseline}: geen verandering in % te berekenen (de status vergelijkt de waarden)",
    ),
    "zero_baseline_no_decrease": (
        "0 in the baseline {baseline} and in {period}: no change in % can be computed and a decrease from 0 "
        "is not possible: the goal cannot be judged (undetermined)",
        "0 in het peiljaar {baseline} en in {period}: geen verandering in % te berekenen en een daling vanaf "
        "0 is niet mogelijk: het doel is niet te beoordelen (onbepaald)",
    ),
    "suppressed": (
        "{period}: a count is suppressed in the source (unknown, not 0)",
        "{period}: een aantal is in de bron afgeschermd (onbekend, niet 0)",
    ),
    "counts_set_aside": (
        "{period}: police counts set aside, not added: registrations win",
        "{period}: politietellingen terzijde gelegd, niet opgeteld: registraties gaan voor",
    ),
    "benchmark_no_data": (
        "benchmark {benchmark}: no stored data for {areas}",
        "vergelijking {benchmark}: geen opgeslagen gegevens voor {areas}",
    ),
    "benchmark_not_stored": (
        "no stored data for the benchmark {benchmark}",
        "geen opgeslagen gegevens voor vergelijking met {benchmark}",
    ),
    "benchmark_members_left_out": (
        "benchmark {benchmark}: pooled without {areas}, which lack a figure in some period (suppressed, "
        "not stored or without population)",
        "vergelijking {benchmark}: samengenomen zonder {areas}, die in een periode geen cijfer hebben "
        "(afgeschermd, niet opgeslagen of zonder bevolking)",
    ),
    "benchmark_suppressed": (
        "benchmark {benchmark}, {period}: suppressed in the source for {areas} (unknown, not 0): no "
        "benchmark value",
        "vergelijking {benchmark}, {period}: in de bron afgeschermd voor {areas} (onbekend, niet 0): geen "
        "waarde voor de vergelijking",
    ),
    "benchmark_corrected_differently": (
        "compared with {benchmark}: there samenloop is {benchmark_method}, here {area_method}; the "
        "underlying changes are not like for like",
        "vergelijking met {benchmark}: daar is samenloop {benchmark_method}, hier {area_method}; de "
        "onderliggende veranderingen zijn niet één-op-één vergelijkbaar",
    ),
    "merged_territory": (
        "{period}: {area} on its territory of {until}: {members} added up (they merged later)",
        "{period}: {area} op het grondgebied van {until}: {members} opgeteld (later samengevoegd)",
    ),
    "territory_member_uncovered": (
        "{period}: no source covers {members}, which merged into {area} on {date}: the figure on the "
        "territory of {until} is incomplete; ingest their data, or pass --territory then to compare "
        "each period on the territory of its own time",
        "{period}: geen bron dekt {members}, op {date} opgegaan in {area}: het cijfer op het grondgebied "
        "van {until} is onvolledig; lees hun gegevens in, of geef --territory then om elke periode op "
        "het grondgebied van dat moment te vergelijken",
    ),
    "rollup_parts_missing": (
        "{period}: summed from wijken and buurten, without {count:@part|parts} other periods of this "
        "comparison hold ({parts}): not the same territory, incomplete",
        "{period}: opgeteld uit wijken en buurten, zonder {count:@deel|delen} die andere perioden van deze "
        "vergelijking wel hebben ({parts}): niet hetzelfde gebied, onvolledig",
    ),
    "territory_differs": (
        "{members} merged into {area} on {date}, within this comparison: with --territory then each "
        "period is on the territory of its own time, so the change includes the merger",
        "{members} is op {date} opgegaan in {area}, binnen deze vergelijking: met --territory then staat "
        "elke periode op het grondgebied van dat moment, dus de verandering bevat de samenvoeging",
    ),
    "boundary_split": (
        "{former} was divided over {area} and other municipalities on {date}: figures before that date "
        "are of another territory",
        "{former} is op {date} verdeeld over {area} en andere gemeenten: cijfers van daarvoor gaan over "
        "een ander grondgebied",
    ),
    "district_no_population": (
        "no district population stored: counts only",
        "geen bevolking per wijk opgeslagen: alleen aantallen",
    ),
    "district_unknown": (
        "registrations without a district are shown as '(district unknown)'",
        "registraties zonder wijk staan onder '(wijk onbekend)'",
    ),
    "survey_years": (
        "survey {year} (the latest in or before {period}) against survey {baseline_year} (the latest in or "
        "before the baseline {baseline})",
        "enquête {year} (de laatste in of voor {period}) tegenover enquête {baseline_year} (de laatste in of "
        "voor het peiljaar {baseline})",
    ),
    "survey_carried_forward": (
        "{periods}: no survey in that year: the figure shown is survey {year}'s, carried forward (not a new "
        "measurement)",
        "{periods}: geen enquête in dat jaar: het getoonde cijfer is dat van enquête {year}, doorgetrokken "
        "(geen nieuwe meting)",
    ),
    "survey_part_of_year": (
        "{periods}: each shows the survey of its own year, a figure for the whole year: its fieldwork (the "
        "Veiligheidsmonitor's is in the autumn) may lie after the period",
        "{periods}: elk toont de enquête van het eigen jaar, een cijfer voor het hele jaar: het veldwerk "
        "(bij de Veiligheidsmonitor in het najaar) kan na de periode liggen",
    ),
    "survey_same_year": (
        "no survey after {year}: {period} and the baseline {baseline} have the same survey year, nothing to "
        "compare",
        "geen enquête na {year}: {period} en het peiljaar {baseline} hebben hetzelfde enquêtejaar, niets te "
        "vergelijken",
    ),
    "survey_no_data": (
        "no survey figure {indicator} for {area} in or before {period}",
        "geen enquêtecijfer {indicator} voor {area} in of voor {period}",
    ),
    "survey_test_intervals": (
        "test: z-test of the difference with standard errors from the published 95% intervals "
        "((upper - lower) / 3.92), which include the survey's weighting; z = {z:.2f}",
        "toets: z-toets van het verschil met standaardfouten uit de gepubliceerde 95%-intervallen "
        "((boven - onder) / 3,92), die de weging van de enquête meenemen; z = {z:.2f}",
    ),
    "survey_test_proportions": (
        "test: two-proportion z-test from the respondents (n = {n_baseline} and {n}); no published "
        "intervals, so the survey's weighting is not in it (the test is too confident); z = {z:.2f}",
        "toets: z-toets voor twee proporties uit de respondentaantallen (n = {n_baseline} en {n}); geen "
        "gepubliceerde intervallen, dus zonder de weging van de enquête (de toets is te zeker); z = {z:.2f}",
    ),
    "survey_untested": (
        "no test: a {unit} needs the published 95% intervals (or, for a percentage, the respondents)",
        "geen toets: een {unit} vraagt de gepubliceerde 95%-intervallen (of, bij een percentage, de "
        "respondentaantallen)",
    ),
}


# Parameters whose value is a key (language-neutral in ``params``) shown as words in each language.
# A word "singular|plural" is chosen by the note's ``count`` (plural unless it is 1).
TERMS: dict[str, dict[str, tuple[str, str]]] = {
    "counted": {
        "registrations": ("registration|registrations", "registratie|registraties"),
        "suspects": ("suspect|suspects", "verdachte|verdachten"),
        "counts": ("counted", "geteld"),
    },
    "denominator": {
        f.denominator: (f.denominator_words["en"], f.denominator_words["nl"])
        for f in UNIT_FACTS.values()
        if f.denominator and f.denominator_words
    },
    "unit": {
        "percent": ("percentage", "percentage"),
        "score": ("score", "rapportcijfer"),
    },
    # how a figure was corrected for samenloop (``Corrections.samenloop``), after "samenloop is ..."
    "benchmark_method": {
        "rows": ("recounted by event", "herteld per gebeurtenis"),
        "factors": ("estimated with published factors", "geschat met gepubliceerde factoren"),
        "none": ("not corrected", "niet gecorrigeerd"),
    },
}
TERMS["area_method"] = TERMS["benchmark_method"]

# Items of a list parameter (``categories``: codes, or the plan's words for all of a kind).
ITEM_TERMS: dict[str, dict[str, tuple[str, str]]] = {
    "categories": {"crime": ("all crimes", "alle misdrijven"), "nuisance": ("all nuisance", "alle overlast")},
}
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


# Notes on rows of the `normalise` table (one per period x area x category), built in polars.
ROW_CATALOGUE: dict[str, tuple[str, str]] = {
    "row_no_channel": (
        "no channel data: no internet correction",
        "geen wijze van aangifte: geen correctie voor internetaangifte",
    ),
    "row_no_channel_baseline": (
        "no channel data in the baseline: no internet correction",
        "geen wijze van aangifte in het peiljaar: geen correctie voor internetaangifte",
    ),
    "row_all_online_baseline": (
        "baseline online share is 100%: no internet correction",
        "aandeel internetaangiften in het peiljaar is 100%: geen correctie voor internetaangifte",
    ),
    "row_no_online_baseline": (
        "no online reports in the baseline: no internet correction",
        "geen internetaangiften in het peiljaar: geen correctie voor internetaangifte",
    ),
    "row_internet_off": ("internet correction off", "correctie voor internetaangifte uit"),
    "row_no_baseline": ("no baseline period given", "geen peiljaar opgegeven"),
    "row_channel_unknown": (
        "{rows} with channel unknown, counted as reported",
        "{rows} met onbekende wijze van aangifte, geteld als aangifte",
    ),
    "row_suspects_no_channel": (
        "no reporting channel for suspects: no internet correction",
        "geen wijze van aangifte bij verdachten: geen correctie voor internetaangifte",
    ),
    "row_suppressed": (
        "suppressed in the source: unknown, not 0",
        "afgeschermd in de bron: onbekend, niet 0",
    ),
    "row_no_online_count": (
        "no online count: no internet correction",
        "geen aantal internetaangiften: geen correctie voor internetaangifte",
    ),
    "row_samenloop_not_correctable": (
        "{rows:@registration|registrations} after the samenloop change from a source without event "
        "numbers: not corrected",
        "{rows:@registratie|registraties} na de samenloopwijziging uit een bron zonder "
        "gebeurtenisnummers: niet gecorrigeerd",
    ),
    "row_counts_set_aside": (
        "police counts for this area and period were set aside, not added: registrations win",
        "politietellingen voor dit gebied en deze periode terzijde gelegd, niet opgeteld: "
        "registraties gaan voor",
    ),
}


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
        shown = format(value, _grouped(format_spec))
        if self.lang == "nl":
            shown = shown.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return shown


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
    english, dutch = CATALOGUE[code] if code in CATALOGUE else ROW_CATALOGUE[code]
    shown = {name: _shown(name, value, lang, params) for name, value in params.items()}
    if code in PAIRED_CODES and isinstance(params.get(BENCHMARK_PARAM), list):
        pairs = zip(params[BENCHMARK_PARAM], params.get(PAIRED_PARAM) or [], strict=False)
        shown[BENCHMARK_PARAM] = joined([n if n == a else f"{n} ({a})" for n, a in pairs], lang)
    return _NumberFormatter(lang).format(dutch if lang == "nl" else english, **shown)


def _shown(name: str, value: Any, lang: Lang, params: dict[str, Any]) -> Any:
    """A parameter as its message shows it: a term in the language's words, a year as written, a
    period or date in words, a list of names joined with "and"."""
    nl = lang == "nl"
    if name in TERMS and isinstance(value, str) and value in TERMS[name]:
        singular, _, plural = TERMS[name][value][nl].partition("|")
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
    if name in ITEM_TERMS:
        words = ITEM_TERMS[name]
        return ", ".join(words[i][nl] if i in words else i for i in value.split(", "))
    return value


def joined(names: list[str], lang: Lang = DEFAULT_LANG) -> str:
    """Names as a sentence lists them: "A", "A en B", "A, B en C" ("and" in English)."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {'en' if lang == 'nl' else 'and'} {names[-1]}"


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
    if code not in CATALOGUE:
        raise KeyError(f"note code {code!r} is not in the catalogue")
    return Note(code=code, params=params, message=message(code, params, lang))


_FIELD = re.compile(r"\{(\w+)(?::@([^|}]*)\|([^}]*))?\}")


def note_expr(code: str, lang: Lang = DEFAULT_LANG, **params: pl.Expr) -> pl.Expr:
    """Vectorised: a row note of the catalogue, its ``{parameters}`` filled from expressions
    (``{name}`` placeholders of whole numbers, their thousands grouped in the language's style as
    ``message`` groups them, and ``{name:@singular|plural}`` as ``message`` writes it)."""
    english, dutch = ROW_CATALOGUE[code]
    template = dutch if lang == "nl" else english
    fields = _FIELD.findall(template)
    if not fields:
        return pl.lit(template)
    separator = "." if lang == "nl" else ","
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


_ROW_PATTERNS = {code: _english_pattern(english) for code, (english, _) in ROW_CATALOGUE.items()}


def row_notes_text(text: str | None, lang: Lang = DEFAULT_LANG) -> str | None:
    """The notes of a ``normalise`` row (``note_expr``'s English messages, "; "-joined, as the
    table's JSON and CSV carry them) in ``lang``, rendered from the catalogue at display time; a
    part that is no row note of the catalogue is left as it is."""
    if not text or lang == DEFAULT_LANG:
        return text
    shown = []
    for part in text.split("; "):
        for code, pattern in _ROW_PATTERNS.items():
            m = pattern.match(part)
            if m:
                params = {k: int(v.replace(",", "")) for k, v in m.groupdict().items()}
                part = message(code, params, lang)
                break
        shown.append(part)
    return "; ".join(shown)

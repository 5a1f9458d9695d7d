"""The catalogue of notes: every qualification veilcli attaches to a figure, by stable code.

A note is a code, its parameters and a message rendered in the output language from this one
catalogue (as frictionless-py keeps its errors). Scripts branch on ``code`` and read
``params``; people read ``message``. Add a note here, never as a sentence in the code.
"""

from __future__ import annotations

import re
import string
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, Field

Lang = Literal["nl", "en"]
DEFAULT_LANG: Lang = "en"

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
        "{period}: {rows} registration(s) after the samenloop change ({since}) come from a source without "
        "event ids: not corrected for samenloop",
        "{period}: {rows} registratie(s) na de samenloopwijziging ({since}) komen uit een bron zonder "
        "gebeurtenisnummer: niet gecorrigeerd voor samenloop",
    ),
    "samenloop_estimated": (
        "samenloop corrected with the rules file's published factors (an estimate, not a recount)",
        "samenloop gecorrigeerd met de gepubliceerde factoren uit het regelsbestand (een schatting, "
        "geen hertelling)",
    ),
    "channel_unknown": (
        "{period}: {rows} registration(s) ({share_pct:.0f}%) with the reporting channel unknown, counted "
        "as reported",
        "{period}: {rows} registratie(s) ({share_pct:.0f}%) met onbekende wijze van aangifte, geteld als "
        "aangifte",
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
        "no {denominator} for {where}: rate not computed",
        "geen {denominator} voor {where}: geen cijfer per 1.000 berekend",
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
        "benchmark {benchmark}: samenloop '{benchmark_method}' there, '{area_method}' here (rows: "
        "recount by event; factors: published estimate; none: not corrected): underlying changes are "
        "not like for like",
        "vergelijking {benchmark}: samenloop '{benchmark_method}' daar, '{area_method}' hier (rows: "
        "hertelling per gebeurtenis; factors: gepubliceerde schatting; none: niet gecorrigeerd): "
        "onderliggende veranderingen niet één op één vergelijkbaar",
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
        "{period}: summed from wijken and buurten, without {count} part(s) other periods of this comparison "
        "hold ({parts}): not the same territory, incomplete",
        "{period}: opgeteld uit wijken en buurten, zonder {count} deel/delen die andere perioden van deze "
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
TERMS: dict[str, dict[str, tuple[str, str]]] = {
    "counted": {
        "registrations": ("registration(s)", "registratie(s)"),
        "suspects": ("suspect(s)", "verdachte(n)"),
        "counts": ("counted", "geteld"),
    },
}


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
        "{rows} registration(s) after the samenloop change come from a source without event_id: "
        "not corrected",
        "{rows} registratie(s) na de samenloopwijziging komen uit een bron zonder gebeurtenisnummer: "
        "niet gecorrigeerd",
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
    note reads like the figures beside it. Text parameters (dates, codes, names) are left alone."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
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
    """The catalogue text of ``code`` with ``params`` filled in, numbers in the language's style."""
    english, dutch = CATALOGUE[code] if code in CATALOGUE else ROW_CATALOGUE[code]
    shown = {name: _shown(name, value, lang) for name, value in params.items()}
    return _NumberFormatter(lang).format(dutch if lang == "nl" else english, **shown)


def _shown(name: str, value: Any, lang: Lang) -> Any:
    """A parameter as its message shows it: a term in the language's words, a year as written."""
    if name in TERMS:
        return TERMS[name][value][lang == "nl"]
    if (name == "year" or name.endswith("_year")) and isinstance(value, int):
        return str(value)
    return value


def note(code: str, lang: Lang = DEFAULT_LANG, **params: Any) -> Note:
    """A note of the catalogue (an unknown code is a bug, raised at once)."""
    if code not in CATALOGUE:
        raise KeyError(f"note code {code!r} is not in the catalogue")
    return Note(code=code, params=params, message=message(code, params, lang))


def note_expr(code: str, lang: Lang = DEFAULT_LANG, **params: pl.Expr) -> pl.Expr:
    """Vectorised: a row note of the catalogue, its ``{parameters}`` filled from expressions
    (plain ``{name}`` placeholders of whole numbers only, their thousands grouped in the language's
    style as ``message`` groups them)."""
    english, dutch = ROW_CATALOGUE[code]
    template = dutch if lang == "nl" else english
    names = re.findall(r"\{(\w+)\}", template)
    if not names:
        return pl.lit(template)
    filled = (_grouped_expr(params[name], "." if lang == "nl" else ",") for name in names)
    return pl.format(re.sub(r"\{\w+\}", "{}", template), *filled)


def _grouped_expr(value: pl.Expr, separator: str) -> pl.Expr:
    """A whole number as text with its thousands grouped (1043 -> "1.043"): the digits reversed, a
    separator after every third, reversed back (no look-ahead in polars' regex)."""
    digits = value.cast(pl.Int64).abs().cast(pl.String).str.reverse()
    grouped = digits.str.replace_all(r"(\d{3})", "${1}" + separator).str.strip_chars_end(separator)
    return pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit("")) + grouped.str.reverse()

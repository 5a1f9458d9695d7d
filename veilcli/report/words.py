"""Every word a report shows, in each output language: one catalogue for the terminal, the workbook
and the HTML report.

The words of units, goals and statuses live on their enums (``Unit.label``, ``Goal.label``,
``Status.label``); notes in ``domain/notes.py``. This module adds what only reports say: headings,
column headers, sheet names, sentences, and the short forms of the members for a narrow terminal
column (``short``). A key is stable; its text may take ``{parameters}``. ``tests/test_labels.py``
fails when a key or a member lacks a language.

Scripts never see these words: JSON and CSV exports carry keys and codes (``table.Table.frame``).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from veilcli.analysis.goals import Status
from veilcli.domain.notes import Lang
from veilcli.domain.plans import Goal, Unit

# key -> (English, Dutch)
WORDS: dict[str, tuple[str, str]] = {
    # --- export tables: sheet names, column headers (workbook, HTML) --------------------------
    "sheet_overview": ("Overview", "Overzicht"),
    "sheet_normalisation": ("Normalisation", "Normalisatie"),
    "sheet_districts": ("Districts", "Wijken"),
    "sheet_sources": ("Sources", "Bronnen"),
    "theme": ("Theme", "Thema"),
    "indicator": ("Indicator", "Indicator"),
    "id": ("Id", "Id"),
    "unit": ("Unit", "Eenheid"),
    "goal": ("Goal", "Doel"),
    "change": ("Change vs", "Verandering t.o.v."),
    "status": ("Status", "Status"),
    "p_value": ("p-value", "p-waarde"),
    "significance": ("Significance", "Significantie"),
    "underlying_change": ("Underlying change (after samenloop)", "Onderliggende verandering (na samenloop)"),
    "underlying_low": ("Underlying low", "Onderliggend laag"),
    "underlying_high": ("Underlying high", "Onderliggend hoog"),
    "underlying_status": ("Underlying status", "Status onderliggend"),
    "coverage": ("Period covered", "Dekking periode"),
    "after_samenloop": ("After samenloop", "Na samenloop"),
    "bound": ("Online-reporting bound", "Ondergrens internetaangifte"),
    "notes": ("Notes", "Opmerkingen"),
    "bench_change": ("change", "verandering"),
    "period": ("Period", "Periode"),
    "raw": ("Registered", "Geregistreerd"),
    "samenloop": ("Samenloop effect", "Effect samenloop"),
    "internet": ("Online-reporting effect", "Effect internetaangifte"),
    "corrected": ("Corrected", "Gecorrigeerd"),
    "district": ("District", "Wijk"),
    "legend": ("Status legend", "Legenda status"),
    "within_chance": ("within chance", "binnen toeval"),
    "significant": ("significant", "significant"),
    "file": ("File", "Bestand"),
    "path": ("Path", "Pad"),
    "sha256": ("sha256", "sha256"),
    "kind": ("Kind", "Soort"),
    "rows": ("Rows", "Rijen"),
    "ingested": ("Ingested (UTC)", "Ingelezen (UTC)"),
    "what": ("Item", "Onderdeel"),
    "value": ("Value", "Waarde"),
    "plan": ("Plan", "Plan"),
    "rules": ("Normalisation rules", "Normalisatieregels"),
    "version": ("veilcli version", "veilcli-versie"),
    "generated": ("Generated (UTC)", "Gegenereerd (UTC)"),
    "command": ("Command", "Opdracht"),
    "corrections": ("Corrections", "Correcties"),
    "none": ("none (uncorrected registrations)", "geen (ongecorrigeerde registraties)"),
    "title": ("Progress", "Voortgang"),
    "vs": ("vs", "t.o.v."),
    "count_only": ("no district population: counts only", "geen wijkbevolking: alleen aantallen"),
    "chart_data": ("Chart data", "Grafiekgegevens"),
    "group_registered": ("Registered", "Geregistreerd"),
    "group_underlying": ("Underlying (after corrections)", "Onderliggend (na correcties)"),
    "group_benchmarks": ("Benchmarks (change)", "Vergelijking (verandering)"),
    "u_after_samenloop": ("After samenloop", "Na samenloop"),
    "u_low": ("Low", "Laag"),
    "u_high": ("High", "Hoog"),
    "notes_heading": ("Notes", "Opmerkingen"),
    "charts_heading": (
        "{unit}: {area} and the benchmarks per period",
        "{unit}: {area} en de vergelijkingsgebieden per periode",
    ),
    "page": ("Page &P of &N", "Pagina &P van &N"),
    "significance_note": (
        "p-values: two-sided exact test of equal rates (conditional binomial), period vs {baseline}, on the "
        "registered counts; p >= 0.05 means the change is within chance. Corrected (underlying) figures are "
        "modelled and get a range, not a p-value.",
        "p-waarden: tweezijdige exacte toets op gelijke cijfers (conditioneel binomiaal), periode t.o.v. "
        "{baseline}, op de geregistreerde aantallen; p >= 0,05 betekent dat de verandering binnen toeval "
        "valt. Gecorrigeerde (onderliggende) cijfers zijn gemodelleerd en krijgen een bereik, geen p-waarde.",
    ),
    # --- names of the corrections ----------------------------------------------------------------
    "correction_samenloop": ("samenloop", "samenloop"),
    "correction_internet": ("online reporting", "internetaangifte"),
    "and": ("and", "en"),
    # --- terminal: compare -------------------------------------------------------------------------
    "t_compare_head": (
        "{plan}: {area}, {period} vs {baseline}.",
        "{plan}: {area}, {period} t.o.v. {baseline}.",
    ),
    "t_registered_first": (
        "Registered figures; underlying after {corrections} beside them.",
        "Geregistreerde cijfers; onderliggend na {corrections} ernaast.",
    ),
    "t_no_corrections": (
        "Registered figures; no corrections (--raw).",
        "Geregistreerde cijfers; geen correcties (--raw).",
    ),
    "t_indicator": ("indicator", "indicator"),
    "t_unit": ("unit", "eenheid"),
    "t_change": ("change", "verandering"),
    "t_goal": ("goal", "doel"),
    "t_status": ("status", "status"),
    "t_p": ("p", "p"),
    "t_underlying": ("underlying", "onderliggend"),
    "t_underlying_status": ("status (underl.)", "status (onderl.)"),
    "t_registered": ("registered", "geregistreerd"),
    "t_bench_change": ("{name} change", "{name} verandering"),
    "t_goal_is": ("goal: {goal}", "doel: {goal}"),
    "t_district": ("district {name}", "wijk {name}"),
    "t_footnote": (
        "p: exact test of equal rates on the registered counts vs the baseline; '~' marks a change "
        "within chance (p >= 0.05). underlying: the change after samenloop, as a range where online "
        "reporting was extended (every extra online report new .. none new).",
        "p: exacte toets op gelijke cijfers op de geregistreerde aantallen t.o.v. het peiljaar; '~' is "
        "een verandering binnen toeval (p >= 0,05). onderliggend: de verandering na samenloop, als "
        "bereik waar internetaangifte is uitgebreid (elke extra internetaangifte nieuw .. geen nieuw).",
    ),
    "t_periods_folded": (
        "{periods} left out to fit {width} columns (wider: all periods).",
        "{periods} weggelaten om in {width} kolommen te passen (breder: alle perioden).",
    ),
    # --- terminal: status ----------------------------------------------------------------------
    "t_store": ("store", "opslag"),
    "t_store_empty": (
        "the store {store} is empty: run `veilcli ingest PATH` first.",
        "de opslag {store} is leeg: voer eerst `veilcli ingest PAD` uit.",
    ),
    "t_source": ("source", "bron"),
    "t_path": ("path", "pad"),
    "t_sheet": ("sheet", "blad"),
    "t_sha256": ("sha256", "sha256"),
    "t_kind": ("kind", "soort"),
    "t_rows": ("rows", "rijen"),
    "t_rejected": ("rejected", "afgewezen"),
    "t_ingested": ("ingested (UTC)", "ingelezen (UTC)"),
    "t_covers": ("covers", "dekt"),
    "t_categories": ("categories", "categorieën"),
    "t_areas": ("areas", "gebieden"),
    "t_area": ("area", "gebied"),
    "t_declared": ("(declared)", "(opgegeven)"),
    "t_rows_per_period": ("{kind}: rows per area and period", "{kind}: rijen per gebied en periode"),
    "t_source_line": (
        "{kind}, {rows} rows, {rejected} rejected, sha256 {sha}, ingested {at} UTC",
        "{kind}, {rows} rijen, {rejected} afgewezen, sha256 {sha}, ingelezen {at} UTC",
    ),
    # --- terminal: normalise -------------------------------------------------------------------
    "t_raw_only": (
        "no corrections applied (--raw): every figure is the registered count.",
        "geen correcties toegepast (--raw): elk cijfer is het geregistreerde aantal.",
    ),
    "t_corrections_applied": (
        "corrections applied: {applied} (rules {rules}, sha256 {sha}); baseline {baseline}",
        "toegepaste correcties: {applied} (regels {rules}, sha256 {sha}); peiljaar {baseline}",
    ),
    "t_none": ("none", "geen"),
    "t_category": ("category", "categorie"),
    "t_period": ("period", "periode"),
    "t_raw": ("raw", "geregistreerd"),
    "t_samenloop": ("samenloop", "samenloop"),
    "t_internet": ("internet", "internet"),
    "t_bound": ("bound", "grens"),
    "t_change_vs_baseline": ("change vs baseline", "verandering t.o.v. peiljaar"),
    "t_change_short": ("change:\nraw / underl.", "verandering:\ngeregistr. / onderl."),
    "t_notes": ("notes", "opmerkingen"),
    "t_normalise_title": (
        "{area}: registered counts, raw and corrected",
        "{area}: geregistreerde aantallen, ongecorrigeerd en gecorrigeerd",
    ),
    "t_no_baseline_count": (
        "no baseline count: change undefined",
        "geen aantal in het peiljaar: verandering onbepaald",
    ),
    "t_change_sentence": (
        "{raw} raw{basis}, of which samenloop {samenloop}; underlying {underlying}",
        "{raw} geregistreerd{basis}, waarvan samenloop {samenloop}; onderliggend {underlying}",
    ),
    "t_basis_rate": (" (per 1,000 inh.)", " (per 1.000 inw.)"),
    "t_basis_count": (" (counts)", " (aantallen)"),
    "t_pts": (" pts", " ptn"),
    "t_not_available": ("n/a", "n.v.t."),
}


def word(key: str, lang: Lang = "en", **params: Any) -> str:
    """The words of ``key`` in ``lang``, ``{parameters}`` filled in (an unknown key is a bug: raised)."""
    english, dutch = WORDS[key]
    template = dutch if lang == "nl" else english
    return template.format(**params) if params else template


# Members' short words for a narrow terminal column in Dutch (English: the member's ``short_label``).
SHORT_NL: dict[Enum, str] = {
    Unit.per_1000_inhabitants: "/1.000 inw.",
    Unit.per_1000_dwellings: "/1.000 won.",
    Unit.per_1000_youths_12_24: "/1.000 jong.",
    Unit.count: "aantal",
    Unit.percent: "%",
    Unit.score: "cijfer",
    Goal.decrease: "daling",
    Goal.no_increase: "niet stijgen",
    Goal.increase: "stijging",
    Goal.no_decrease: "niet dalen",
    Goal.none: "-",
    Status.achieved: "behaald",
    Status.not_achieved: "niet behaald",
    Status.undetermined: "onbepaald",
    Status.monitor: "monitor",
    Status.no_data: "geen gegevens",
    Status.incomplete: "onvolledig",
}


def short(member: Unit | Goal | Status, lang: Lang = "en") -> str:
    """A unit, goal or status in a narrow terminal column, in ``lang`` (a member without a short
    Dutch word here shows its Dutch label)."""
    if lang == "nl":
        return SHORT_NL.get(member) or member.label("nl")
    return member.short_label

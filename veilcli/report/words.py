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

from collections.abc import Iterable
from enum import Enum
from typing import Any

from veilcli.analysis.compare import IndicatorResult
from veilcli.analysis.goals import Status
from veilcli.domain.notes import Lang
from veilcli.domain.periods import parse_period, period_words
from veilcli.domain.plans import Goal
from veilcli.domain.units import Unit

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
    "kind_registrations": ("police registrations", "politieregistraties"),
    "kind_suspects": ("suspects", "verdachten"),
    "kind_counts": ("counts", "tellingen"),
    "kind_population": ("population", "bevolking"),
    "kind_survey": ("survey", "enquête"),
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
    # the counts, last year's change and the levels beside the rates (issue 22), the chart's source
    "count_in": ("Count {period}", "Aantal {period}"),
    "count_diff": ("vs {period}", "t.o.v. {period}"),
    "previous_change": ("Change vs {period}", "Verandering t.o.v. {period}"),
    "previous_count_change": ("Difference vs {period}", "Verschil t.o.v. {period}"),
    "previous_p_value": ("p-value vs {period}", "p-waarde t.o.v. {period}"),
    "group_previous": ("Against the previous year", "T.o.v. vorig jaar"),
    "group_levels": ("Benchmarks (level in {period})", "Vergelijking (niveau {period})"),
    "group_details": ("Details (not printed)", "Details (niet afgedrukt)"),
    "l_own_area": (
        "{area}, the plan's own area, is highlighted.",
        "{area}, het eigen gebied van het plan, is gemarkeerd.",
    ),
    "publisher_police": ("Nationale Politie", "Nationale Politie"),
    "publisher_cbs": ("CBS", "CBS"),
    "publisher_cbs_police": ("CBS, Nationale Politie", "CBS, Nationale Politie"),
    "publisher_survey": ("CBS, Veiligheidsmonitor", "CBS, Veiligheidsmonitor"),
    "publisher_wijkmonitor": ("Wijkmonitor", "Wijkmonitor"),
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
    "significance_survey": (
        "p of a survey indicator is a z-test of its two survey figures, not the exact test on counts: "
        "{tests}.",
        "p van een enquête-indicator is een z-toets van de twee enquêtecijfers, niet de exacte toets op "
        "aantallen: {tests}.",
    ),
    "test_intervals": (
        "z-test from the published 95% intervals",
        "z-toets uit de gepubliceerde 95%-intervallen",
    ),
    "test_two_proportions": (
        "two-proportion z-test from the respondents (too confident for a weighted survey)",
        "z-toets voor twee proporties uit de respondentaantallen (te zeker voor een gewogen enquête)",
    ),
    "test_none": ("not tested", "niet getoetst"),
    # --- names of the corrections ----------------------------------------------------------------
    "correction_samenloop": ("samenloop", "samenloop"),
    "correction_internet": ("online reporting", "internetaangifte"),
    "and": ("and", "en"),
    # --- HTML report ---------------------------------------------------------------------------
    "h_title": ("Safety progress report", "Voortgangsrapportage veiligheid"),
    "h_selection": (
        "{area}, {period} compared with {baseline}",
        "{area}, {period} ten opzichte van {baseline}",
    ),
    "h_generated": ("Made with veilcli {version} on {at} UTC.", "Gemaakt met veilcli {version} op {at} UTC."),
    "h_contents": ("Contents", "Inhoud"),
    "h_overview": ("Overview", "Overzicht"),
    "h_how_to_read": (
        "Registered figures are the headline: what the police registered, as they and the progress reports "
        "publish them; status and p-value are about them. The underlying figure stands beside it: after "
        "the samenloop correction and, where online reporting was extended after the baseline, as a "
        "range; it has its own status, which is only achieved or not achieved when the whole range agrees.",
        "De geregistreerde cijfers staan voorop: wat de politie registreerde, zoals zij en de "
        "voortgangsrapportages ze publiceren; status en p-waarde gaan daarover. Het onderliggende cijfer "
        "staat ernaast: na correctie voor samenloop en, waar internetaangifte na het peiljaar is "
        "uitgebreid, als bereik; het heeft een eigen status, die alleen behaald of niet behaald is als "
        "het hele bereik het eens is.",
    ),
    "h_registered": ("Registered", "Geregistreerd"),
    "h_underlying": ("Underlying", "Onderliggend"),
    "h_in_period": ("{period}", "{period}"),
    "h_change_vs": ("change vs {baseline}", "verandering t.o.v. {baseline}"),
    "h_change": ("Change", "Verandering"),
    "h_vs": ("vs {baseline}", "t.o.v. {baseline}"),
    "h_goal": ("Goal: {goal} compared with {baseline}", "Doel: {goal} ten opzichte van {baseline}"),
    "h_no_goal": ("No goal: monitored only", "Geen doel: alleen gevolgd"),
    "h_p": ("p = {p}", "p = {p}"),
    "h_p_small": ("p {p}", "p {p}"),
    "h_within_chance": ("within chance", "binnen toeval"),
    "h_significant": ("significant", "significant"),
    "h_bar_title": (
        "{label}: {area} and the benchmarks, {unit}",
        "{label}: {area} en vergelijkingsgebieden, {unit}",
    ),
    "h_bar_desc": (
        "Bars per area for the periods {periods}. {area}: {values}.",
        "Staven per gebied voor de perioden {periods}. {area}: {values}.",
    ),
    "h_trend_title": ("{label}: trend, {unit}", "{label}: verloop, {unit}"),
    "h_trend_desc": (
        "Registered and underlying values of {area} from {first} to {last}.",
        "Geregistreerde en onderliggende waarden van {area} van {first} tot en met {last}.",
    ),
    "h_trend_partial": (
        "A hollow point: the sources cover only part of that period.",
        "Open punt: de bronnen dekken maar een deel van die periode.",
    ),
    "h_chart_source": ("Source: {sources}", "Bron: {sources}"),
    "h_norm_intro": ("Normalisation: {parts}.", "Normalisatie: {parts}."),
    "h_norm_raw": (
        "Normalisation: none (--raw): only the registered figures.",
        "Normalisatie: geen (--raw): alleen de geregistreerde cijfers.",
    ),
    "h_samenloop_rows": (
        "samenloop recounted by event, as before July 2018 ({delta} registrations in {period})",
        "samenloop herteld per gebeurtenis, zoals vóór juli 2018 ({delta} registraties in {period})",
    ),
    "h_samenloop_factors": (
        "samenloop estimated with the published factors ({delta} in {period})",
        "samenloop geschat met de gepubliceerde factoren ({delta} in {period})",
    ),
    "h_samenloop_none": ("no samenloop correction", "geen correctie voor samenloop"),
    "h_internet_range": (
        "online reporting was extended, so the underlying change lies between {low} (every extra online "
        "report is new) and {high} (none is)",
        "internetaangifte is uitgebreid, dus de onderliggende verandering ligt tussen {low} (elke extra "
        "internetaangifte is nieuw) en {high} (geen enkele)",
    ),
    "h_internet_none": (
        "no online-reporting correction; underlying change {change}",
        "geen correctie voor internetaangifte; onderliggende verandering {change}",
    ),
    "h_underlying_status": ("underlying status: {status}", "onderliggende status: {status}"),
    "h_notes": ("Notes", "Opmerkingen"),
    "h_figures": ("Figures", "Cijfers"),
    "h_area": ("Area", "Gebied"),
    "h_districts": ("Districts", "Wijken"),
    "h_districts_intro": (
        "Per district: rates where the store holds the district's population, counts only where not.",
        "Per wijk: cijfers per 1.000 waar de bevolking van de wijk bekend is, anders alleen aantallen.",
    ),
    "h_normalisation": ("Normalisation per period", "Normalisatie per periode"),
    "h_normalisation_intro": (
        "Per indicator and period: the registered count, what the samenloop correction changed, the count "
        "after it (the underlying point), what online reporting may explain, and the bound of the range.",
        "Per indicator en periode: het geregistreerde aantal, wat de samenloopcorrectie veranderde, het "
        "aantal daarna (het onderliggende punt), wat internetaangifte kan verklaren, en de grens van het "
        "bereik.",
    ),
    "h_sources": ("Sources and provenance", "Bronnen en herkomst"),
    "h_sources_intro": (
        "Every figure in this report comes from these files; the sha256 identifies each exactly.",
        "Elk cijfer in deze rapportage komt uit deze bestanden; de sha256 identificeert elk precies.",
    ),
    "h_theme": ("Theme {number}: {label}", "Thema {number}: {label}"),
    "h_theme_bare": ("Theme {number}", "Thema {number}"),
    # --- the league table (compare --area all): workbook and HTML report -------------------
    "l_rank": ("Rank", "Rang"),
    "l_all": ("all municipalities", "alle gemeenten"),
    "l_selection_all": (
        "All {count} municipalities, {period} compared with {baseline}",
        "Alle {count} gemeenten, {period} ten opzichte van {baseline}",
    ),
    "l_area": ("Area", "Gebied"),
    "l_title": ("League table", "Ranglijst"),
    "l_selection": (
        "{count} areas ({selection}), {period} compared with {baseline}",
        "{count} gebieden ({selection}), {period} ten opzichte van {baseline}",
    ),
    "l_header_right": (
        "{count} areas, {period} vs {baseline}",
        "{count} gebieden, {period} t.o.v. {baseline}",
    ),
    "l_registered": (
        "Registered figures, as the police publish them. The corrections for samenloop and online "
        "reporting are not applied here: they stay with the comparison of a single area "
        "(veilcli compare --area NAME).",
        "Geregistreerde cijfers, zoals de politie ze publiceert. De correcties voor samenloop en "
        "internetaangifte zijn hier niet toegepast: die staan bij de vergelijking van één gebied "
        "(veilcli compare --area NAAM).",
    ),
    "l_rank_one": (
        "Rank 1 = the lowest value in {period} among the ranked areas (the least registered per "
        "inhabitant, dwelling or youth; for a count, the smallest count). Equal values share a rank.",
        "Rang 1 = de laagste waarde in {period} van de gerangschikte gebieden (het minst geregistreerd per "
        "inwoner, woning of jongere; bij een aantal het kleinste aantal). Gelijke waarden delen een rang.",
    ),
    "l_unranked": (
        "Areas whose status is incomplete or no data have no rank: their figure is missing in the "
        "baseline or the period, or the sources cover only part of one, so it cannot be judged or "
        "compared fairly.",
        "Gebieden met de status onvolledig of geen gegevens krijgen geen rang: hun cijfer ontbreekt in het "
        "peiljaar of de periode, of de bronnen dekken er maar een deel van, dus het is niet eerlijk te "
        "beoordelen of te vergelijken.",
    ),
    "l_order_sort": (
        "Areas are listed in the order of their rank on {indicator}.",
        "Gebieden staan in de volgorde van hun rang op {indicator}.",
    ),
    "l_order_name": (
        "Areas are listed alphabetically (--sort INDICATOR lists them by a rank).",
        "Gebieden staan op alfabet (--sort INDICATOR zet ze in de volgorde van een rang).",
    ),
    "l_ranks": ("Rank per indicator", "Rang per indicator"),
    "l_ranks_intro": (
        "Each area's rank on every indicator, coloured by its status; an empty cell is not ranked.",
        "De rang van elk gebied op elke indicator, gekleurd naar de status; een lege cel heeft geen rang.",
    ),
    "l_values": ("Registered, {unit}", "Geregistreerd, {unit}"),
    "l_sheets": (
        "One sheet per indicator follows, with the values, the change and the status of every area.",
        "Daarna volgt een blad per indicator, met de waarden, de verandering en de status van elk gebied.",
    ),
    "l_goal": ("Goal: {goal} compared with {baseline}.", "Doel: {goal} ten opzichte van {baseline}."),
    "l_no_goal": ("No goal: monitored only.", "Geen doel: alleen gevolgd."),
    "l_ranked_count": (
        "{ranked} of {count} areas ranked.",
        "{ranked} van de {count} gebieden gerangschikt.",
    ),
    "l_no_figures": (
        "No area has a figure for this indicator in {baseline} or {period}: there is nothing to rank.",
        "Geen enkel gebied heeft een cijfer voor deze indicator in {baseline} of {period}: er valt niets "
        "te rangschikken.",
    ),
    "l_chart_title": ("{label}: {period} per area, {unit}", "{label}: {period} per gebied, {unit}"),
    "l_chart_desc": (
        "A bar per ranked area for its value in {period}, rank 1 (the lowest) at the top; a dark tick "
        "marks its value in {baseline}. {values}",
        "Een staaf per gerangschikt gebied voor zijn waarde in {period}, rang 1 (de laagste) bovenaan; "
        "een donker streepje is de waarde in {baseline}. {values}",
    ),
    "l_chart_left_out": (
        "{count} areas: too many for a readable chart, so the table alone.",
        "{count} gebieden: te veel voor een leesbare grafiek, dus alleen de tabel.",
    ),
    "l_chart_unranked": (
        "Areas without a rank are in the table, not in the chart.",
        "Gebieden zonder rang staan in de tabel, niet in de grafiek.",
    ),
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
    # --- the district matrix (``--by district``: terminal, workbook, HTML) -------------------------
    "dm_heading": (
        "Districts of {area}: registered figures, {period} vs {baseline}",
        "Wijken van {area}: geregistreerde cijfers, {period} t.o.v. {baseline}",
    ),
    "dm_rate": ("rate", "cijfer"),
    "dm_count": ("n", "n"),
    "dm_change": ("Δ", "Δ"),
    "dm_legend_columns": (
        "rate: per 1,000 in {period}; n: registrations in {period}; Δ: change vs {baseline} in % "
        "(* significant, p < 0.05), in registrations where {few}",
        "cijfer: per 1.000 in {period}; n: registraties in {period}; Δ: verandering t.o.v. {baseline} "
        "in % (* significant, p < 0,05), in registraties bij {few}",
    ),
    "dm_legend_columns_html": (
        "Each cell: the rate per 1,000 in {period} and the status mark; under it the registrations in "
        "{period} with the difference from {baseline}, and the change vs {baseline} in % (* significant, "
        "p < 0.05; none where {few}).",
        "Elke cel: het cijfer per 1.000 in {period} en het teken van de status; daaronder de registraties "
        "in {period} met het verschil met {baseline}, en de verandering t.o.v. {baseline} in % "
        "(* significant, p < 0,05; geen bij {few}).",
    ),
    "dm_too_few_rule": (
        "{few} too few registrations to judge: so few cannot show both a rise and a fall beyond chance "
        "(exact test, p < 0.05), e.g. 0->0 or 1->2",
        "{few} te weinig registraties om te beoordelen: zo weinig kan niet zowel een stijging als een daling "
        "buiten het toeval aantonen (exacte toets, p < 0,05), bijv. 0->0 of 1->2",
    ),
    "dm_page": ("{theme} ({page}/{pages})", "{theme} ({page}/{pages})"),
    "dm_goal": ("goal: {goal}", "doel: {goal}"),
    "dm_all_indicators": ("every indicator", "alle indicatoren"),
    "dm_underlying": (
        "The underlying figures per district (after the corrections) and every note: --format json.",
        "De onderliggende cijfers per wijk (na de correcties) en alle opmerkingen: --format json.",
    ),
    "dm_underlying_export": (
        "The underlying figures per district (after the corrections) and every note: "
        "veilcli compare --by district --format json.",
        "De onderliggende cijfers per wijk (na de correcties) en alle opmerkingen: "
        "veilcli compare --by district --format json.",
    ),
    "dm_inhabitants": ("Inhabitants {year}", "Inwoners {year}"),
    "dm_rate_long": ("Rate", "Cijfer"),
    "dm_count_long": ("Count", "Aantal"),
    "dm_count_change": ("Difference in count", "Verschil aantal"),
    "dm_change_long": ("Change", "Verandering"),
    "count_change": ("Difference in count vs", "Verschil aantal t.o.v."),
    "count": ("Count", "Aantal"),
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
    # --- terminal: the league (compare --area all) ------------------------------------------------
    "t_league_head": (
        "{count} areas ({selection}), {period} vs {baseline}; registered figures, rank 1 = the lowest value",
        "{count} gebieden ({selection}), {period} t.o.v. {baseline}; geregistreerde cijfers, rang 1 = de "
        "laagste waarde",
    ),
    "t_league_order": ("; ordered by the rank on {indicator}", "; op volgorde van de rang op {indicator}"),
    "t_league_own": (
        "; {mark} = {area}, the plan's own area (bold)",
        "; {mark} = {area}, het eigen gebied van het plan (vet)",
    ),
    "t_rank": ("rank", "rang"),
    # --- terminal: trend ------------------------------------------------------------------------
    "t_trend": ("trend", "verloop"),
    "t_through": ("to", "t/m"),
    "t_trend_unit_H": ("half-years", "halfjaren"),
    "t_trend_unit_Q": ("quarters", "kwartalen"),
    "t_trend_unit_M": ("months", "maanden"),
    "t_trend_unit_Y": ("years", "jaren"),
    "t_value": ("value", "waarde"),
    "t_covered": ("({pct}% covered)", "({pct}% gedekt)"),
    "t_trend_footnote": (
        "underlying: after the samenloop correction; coverage below 100% means the sources cover only part "
        "of the period (the value is not the whole period's).",
        "onderliggend: na de correctie voor samenloop; een dekking onder 100% betekent dat de bronnen maar "
        "een deel van de periode dekken (de waarde is niet die van de hele periode).",
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
    english, dutch = WORDS[key]
    template = dutch if lang == "nl" else english
    return template.format(**params) if params else template


# Goals' and statuses' short words for a narrow terminal column in Dutch (English: the member's
# ``short_label``; a unit's are its ``UnitFacts.short``).
SHORT_NL: dict[Enum, str] = {
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
    Status.too_few: "te weinig",
}


def short(member: Unit | Goal | Status, lang: Lang = "en") -> str:
    """A unit, goal or status in a narrow terminal column, in ``lang`` (a member without a short
    Dutch word here shows its Dutch label)."""
    if isinstance(member, Unit):
        return member.facts.short[lang]
    if lang == "nl":
        return SHORT_NL.get(member) or member.label("nl")
    return member.short_label


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

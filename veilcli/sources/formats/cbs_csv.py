"""``cbs-csv-counts`` and ``cbs-csv-population``: StatLine's "CSV download" of any CBS table, read by
the wording of its topics -> counts (registered crimes) or population (1 January).

The layout (every CBS table alike; see the README's format table):

- ``;``-separated, quoted headers; a dimension column is named by its label (``"Soort misdrijf"``,
  ``"Perioden"``, ``"Regio's"``, ``"Wijken en buurten"``, ``"Plaatsen"``), a topic by its path and
  unit, ``Theme/Sub/Topic (unit)``: ``"Geregistreerde misdrijven/Totaal geregistreerde misdrijven
  (aantal)"``, ``"Bevolking/Aantal inwoners (aantal)"``, ``"Bevolking/Bevolkingssamenstelling op 1
  januari/Totale bevolking (aantal)"``, ``"Regioaanduiding/Gemeentenaam (naam)"``;
- cells padded with spaces (``"   25445"``, ``"Aa en Hunze                             "``), an empty
  cell (``""`` or nothing) where there is no figure: for every topic of a row at once where the area
  did not exist that year (70072NED lists every municipality there ever was) - such rows are
  skipped and counted, not read as suppressed; ``"2019*"`` a provisional year; in the export "with
  statistical symbols" ``"."`` (not available: kept as suppressed) and ``"-"`` (nihil: read as 0).

Topics are told by their last part and unit, whatever the table (``Topic``): registered crimes
(``Totaal geregistreerde misdrijven``, ``Geregistreerde misdrijven``, overlast) in ``aantal``; their
rates (``per 1 000 inwoners``, ``%``: left out, and a table of rates only is refused saying so);
inhabitants (``Aantal inwoners``, ``Totale bevolking``, ``Bevolking op 1 januari``), dwellings
(``Woningvoorraad``, ``Woningvoorraad/Voorraad op 1 januari``) and age bands (``Leeftijdsgroepen/15
tot 25 jaar``, ``Jonger dan 5 jaar``, ``80 jaar of ouder``: youths 12-24 by
``cbs_kerncijfers.youth_estimate``).

Crime tables of CBS (83648NED, 83651NED) have CBS's own classification: ``"Misdrijven, totaal"`` is
the crime total; the other categories (``"1 Vermogensmisdrijven"``...) are not the police's soort
misdrijf and are left out with a note (``common.cbs_categories_note``), never stored under a police
code. A dimension beyond period, area and category (``"Gebruik van geweld"``, ``"Geslacht"``) is read
at its total (``common.pick_dimensions``).

Areas: ``"Regio's"`` are names (``"Groningen (gemeente)"`` -> Groningen; provinces ``(PV)`` and other
regions kept as written); ``"Plaatsen"`` are woonplaatsen (``common.woonplaats_area``). ``"Wijken en
buurten"`` (Kerncijfers wijken en buurten) has a row per gemeente, wijk (``"Wijk 00 Annen"``) and buurt
with the municipality's name in ``Regioaanduiding/Gemeentenaam``, so areas resolve per municipality:
with the topic ``Regioaanduiding/Codering (code)`` every row is stored under its code (municipalities
under their name, as the OData format does); without it a municipality under its name, a wijk under
the code its number gives within its municipality (``"Wijk 00 Annen"`` in Aa en Hunze, GM1680, is
``WK168000``), and a buurt, whose name alone repeats within and across municipalities
(``"Centrum"``, ``"Verspreide huizen"``) and has no number, is left out with a count and the hint.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import NUISANCE_TOTAL_CODE, TOTAL_CRIME_CODE
from veilcli.domain.geography import area_expr, is_finer_expr, municipalities
from veilcli.domain.models import SourceFormat
from veilcli.errors import InputError, UsageError
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.cbs_kerncijfers import (
    KWB_TABLES,
    YOUTHS_MISSING,
    age_band,
    area_names,
    negative_as_null,
    population_notes,
    youth_columns,
    youth_estimate,
)
from veilcli.sources.formats.common import (
    RATE_UNIT,
    WOONPLAATS_NOTE,
    DimensionOptions,
    area_label,
    blank_as_null,
    cbs_categories_note,
    code_from_label,
    period_text,
    pick_dimensions,
    rates_only_error,
    replace_frame,
    table_id,
    woonplaats_area,
)
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.messages import display_path
from veilcli.sources.table import RawTable

# --- the layout: dimensions by label, topics by path and unit -------------------------------------

_TOPIC = re.compile(r"^(?P<path>.*\S)\s*\((?P<unit>[^()]*)\)\s*$")
PERIOD, AREA, WOONPLAATS, CATEGORY, IGNORED = "period", "area", "woonplaats", "category", "ignored"
_DIMENSIONS = {
    PERIOD: {"perioden", "periode", "periodes", "jaar", "jaren"},
    AREA: {"regios", "regio", "wijkenenbuurten", "gemeenten", "gemeente", "regioindeling"},
    WOONPLAATS: {"plaatsen", "woonplaatsen", "woonplaats"},
    CATEGORY: {"soortmisdrijf", "soortmisdrijven", "overlast", "soortoverlast", "soortregistratie"},
    IGNORED: {"id"},
}
# The last part of a topic (folded) of each kind of figure veilcli stores.
_CRIME_COUNTS = {"totaalgeregistreerdemisdrijven", "geregistreerdemisdrijven"}
_NUISANCE_COUNTS = {"geregistreerdeoverlast", "registratiesoverlast", "totaalregistratiesoverlast"}
_INHABITANTS = {"aantalinwoners", "totalebevolking", "bevolkingop1januari"}
_DWELLINGS_IN_STOCK = {"voorraadop1januari", "totalewoningvoorraad"}  # under a theme "Woningvoorraad"


@dataclass(frozen=True)
class Topic:
    """A topic column: its header, the parts of its path (theme, ..., topic) and its unit."""

    header: str
    parts: tuple[str, ...]
    unit: str

    @property
    def leaf(self) -> str:
        """The topic's own name, folded (``Totaal geregistreerde misdrijven`` ->
        ``totaalgeregistreerdemisdrijven``)."""
        return normalise_header(self.parts[-1])

    @property
    def folded_parts(self) -> tuple[str, ...]:
        """Every part of the path, folded."""
        return tuple(normalise_header(p) for p in self.parts)

    @property
    def counted(self) -> bool:
        """Whether its unit is a number of things (``aantal``)."""
        return normalise_header(self.unit) == "aantal"

    @property
    def crime(self) -> bool:
        """Whether it is about registered crimes or nuisance (counts or rates); a survey's
        "Ervaren overlast" (Veiligheidsmonitor) is not."""
        return any(
            "misdrijven" in p or p.startswith(("geregistreerdeoverlast", "registratiesoverlast"))
            for p in self.folded_parts
        )

    @property
    def crime_count(self) -> bool:
        """Registered crimes (or nuisance registrations), as a number."""
        return self.counted and self.leaf in _CRIME_COUNTS | _NUISANCE_COUNTS

    @property
    def rate(self) -> bool:
        """A rate of crimes: per 1 000 inhabitants, a share (%)."""
        return (
            self.crime
            and not self.crime_count
            and bool(re.search(RATE_UNIT, f"{self.unit} {self.parts[-1]}"))
        )

    @property
    def inhabitants(self) -> bool:
        """The population on 1 January."""
        return self.counted and self.leaf in _INHABITANTS

    @property
    def dwellings(self) -> bool:
        """The stock of dwellings on 1 January."""
        return self.counted and (
            self.leaf == "woningvoorraad"
            or (self.leaf in _DWELLINGS_IN_STOCK and "woningvoorraad" in self.folded_parts)
        )

    @property
    def band(self) -> tuple[int, int | None] | None:
        """The ages of an age band of the whole population (not of men or women only)."""
        parts = self.folded_parts
        if not self.counted or "leeftijdsgroepen" not in parts or {"mannen", "vrouwen"} & set(parts):
            return None
        return age_band(self.leaf)


def parse_topic(header: str) -> Topic | None:
    """A header written as ``Theme/Sub/Topic (unit)`` (or ``Topic (unit)``), else None."""
    match = _TOPIC.match(header.strip())
    if not match:
        return None
    parts = tuple(p.strip() for p in match["path"].split("/") if p.strip())
    return Topic(header, parts, match["unit"].strip()) if parts else None


@dataclass(frozen=True)
class Layout:
    """What a CBS CSV download holds: its topics, and its dimension columns by role."""

    topics: tuple[Topic, ...]
    roles: dict[str, str]  # role -> header
    extra: tuple[str, ...]  # dimensions of no role of ours (read at their total)

    @property
    def area(self) -> str | None:
        """The area (or woonplaats) dimension."""
        return self.roles.get(AREA) or self.roles.get(WOONPLAATS)

    def topic(self, leaf: str) -> Topic | None:
        """The first topic whose last part folds to ``leaf`` (``gemeentenaam``, ``codering``)."""
        return next((t for t in self.topics if t.leaf == leaf), None)


def layout(table: RawTable) -> Layout | None:
    """The table as a CBS CSV download: topics with a unit, and dimensions named by their label.
    None when it has no topic or no area dimension."""
    topics: list[Topic] = []
    roles: dict[str, str] = {}
    extra: list[str] = []
    for header in table.headers:
        topic = parse_topic(header)
        if topic is not None:
            topics.append(topic)
            continue
        folded = normalise_header(header)
        role = next((r for r, names in _DIMENSIONS.items() if folded in names), None)
        if role is None:
            extra.append(header)
        elif role != IGNORED:
            roles.setdefault(role, header)
    found = Layout(tuple(topics), roles, tuple(extra))
    return found if topics and found.area else None


def _where(table: RawTable) -> str:
    return display_path(table.path) + (f" (sheet {table.sheet!r})" if table.sheet else "")


def _nihil(text: pl.Expr) -> pl.Expr:
    """CBS's ``-`` (nihil: nothing) is 0; every other cell as it is."""
    return pl.when(text == "-").then(pl.lit("0")).otherwise(text)


def _nihil_count(frame: pl.DataFrame, headers: list[str]) -> int:
    return int(frame.select(pl.sum_horizontal((pl.col(h) == "-").sum() for h in headers)).item() or 0)


# --- counts -----------------------------------------------------------------------------------------


class CbsCsvCounts(InputFormat[DimensionOptions]):
    """A CBS crime table (83648NED, 83651NED, ...) downloaded as CSV with labels."""

    name = SourceFormat.cbs_csv_counts
    kind = Kind.counts
    title = "a CBS crime table downloaded as CSV"
    options_type = DimensionOptions

    def recognise(self, table: RawTable) -> bool:
        found = layout(table)
        if found is None or PERIOD not in found.roles:
            return False
        crime = [t for t in found.topics if t.crime_count or t.rate]
        # A CBS topic path (Theme/Topic); a police label export (one part: "Geregistreerde misdrijven
        # (aantal)") is politie-opendata-labels, unless it holds rates only (refused here, saying so).
        return any(len(t.parts) > 1 for t in crime) or bool(crime and all(t.rate for t in crime))

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        found = layout(table)
        assert found is not None
        where = _where(table)
        counts = [t for t in found.topics if t.crime_count]
        if not counts:
            raise rates_only_error(where, [t.header for t in found.topics if t.rate])
        count = next((t for t in counts if t.leaf.startswith("totaal")), counts[0]).header
        period, area, category = found.roles.get(PERIOD), found.area, found.roles.get(CATEGORY)
        assert period and area
        if category is None:
            raise InputError(
                f"{where}: a CBS crime table without its 'Soort misdrijf' column: which category the "
                f"counts of {count!r} are of cannot be told.",
                hint="download the table again with the dimension 'Soort misdrijf' "
                "(select 'Misdrijven, totaal').",
            )
        topics = [t.header for t in found.topics]
        notes: list[str] = []
        frame = table.frame.with_columns(
            blank_as_null(pl.col(h)).alias(h) for h in [*topics, period, area, category]
        )
        frame, skipped = _without_empty_rows(frame, topics, period, area)
        if skipped:
            notes.append(
                f"{skipped} row(s) without any figure skipped: areas that did not exist that year "
                "(not suppressed figures)"
            )
        frame, picked = pick_dimensions(frame, {h: h for h in found.extra}, options, where)
        notes.extend(picked)
        nuisance = "overlast" in normalise_header(category) or "overlast" in normalise_header(count)
        frame, category_notes = _categories(
            frame, category, nuisance, cbs=any(len(t.parts) > 1 for t in counts), where=where
        )
        notes.extend(category_notes)
        nihil = _nihil_count(frame, [count])
        provisional = frame.select(pl.col(period).str.contains(r"\*").sum()).item()
        woonplaats = area == found.roles.get(WOONPLAATS)
        frame = frame.with_columns(
            period_text(pl.col(period)).alias(period),
            (woonplaats_area(pl.col(area)) if woonplaats else area_label(pl.col(area))).alias(area),
            _nihil(pl.col(count)).alias(count),
        )
        if woonplaats:
            notes.append(WOONPLAATS_NOTE)
        if provisional:
            notes.append(f"{provisional} row(s) of provisional figures (a period with '*', e.g. 2019*)")
        if nihil:
            notes.append(f"{nihil} count(s) '-' (CBS: nihil) read as 0")
        rates = [t.header for t in found.topics if t.rate]
        if rates:
            notes.append(
                f"rates left out ({', '.join(repr(r) for r in rates)}): veilcli computes rates itself"
            )
        identifier = table_id(table)
        if identifier:
            notes.append(f"table {identifier}")
        columns = {"period": period, "area": area, "category_code": category, "count": count}
        return Recognised(
            self.name, replace_frame(table, frame), Kind.counts, columns, notes, open_data_categories=True
        )


def _without_empty_rows(
    frame: pl.DataFrame, topics: list[str], period: str, area: str
) -> tuple[pl.DataFrame, int]:
    """The rows with a figure in some topic, and rows of a municipality that existed in the row's
    year (an empty cell there is a suppressed figure); every other row without any figure is an
    area that did not exist that year, dropped and counted. Existence is looked up once per distinct
    (period, area) of the empty rows, never per row."""
    empty = pl.all_horizontal(pl.col(t).is_null() for t in topics)
    keys = frame.filter(empty).select(period, area).unique()
    if keys.height == 0:
        return frame, 0
    year = pl.col(period).str.extract(r"^(\d{4})", 1).cast(pl.Int64, strict=False)
    name = area_expr(area_label(pl.col(area)))
    first, last = _municipality_years()
    existed = keys.with_columns(
        (
            (name.replace_strict(first, default=None, return_dtype=pl.Int64) <= year)
            & (name.replace_strict(last, default=None, return_dtype=pl.Int64) >= year)
        )
        .fill_null(False)
        .alias("__existed")
    )
    gone = existed.filter(~pl.col("__existed")).select(period, area, pl.lit(True).alias("__gone"))
    if gone.height == 0:
        return frame, 0
    marked = frame.join(gone, on=[period, area], how="left", nulls_equal=True, maintain_order="left")
    kept = marked.filter(~(empty & pl.col("__gone").fill_null(False))).drop("__gone")
    return kept, frame.height - kept.height


@functools.cache
def _municipality_years() -> tuple[dict[str, int], dict[str, int]]:
    """Municipality name -> its first year, and -> its last (9999: still exists)."""
    table = municipalities()
    first = dict(zip(table["name"], table["first_year"], strict=True))
    last = {n: (y if y is not None else 9999) for n, y in zip(table["name"], table["last_year"], strict=True)}
    return first, last


def _categories(
    frame: pl.DataFrame, category: str, nuisance: bool, cbs: bool, where: str
) -> tuple[pl.DataFrame, list[str]]:
    """Category labels as codes. A CBS table (a topic path) has CBS's own categories: only its
    total is read (``"Misdrijven, totaal"`` -> 0.0.0); in a police table a label with a police code
    is read as that code. Every other category is left out, said in a note. Each distinct label is
    resolved once (a national table has a few dozen labels and hundreds of thousands of rows)."""
    labels = frame.select(pl.col(category).unique(maintain_order=True)).with_columns(
        code_from_label(pl.col(category).str.strip_chars(), nuisance).alias("__code")
    )
    totals = [TOTAL_CRIME_CODE, NUISANCE_TOTAL_CODE]
    code, label = pl.col("__code"), pl.col(category).str.strip_chars()
    labels = labels.with_columns(
        (code.is_in(totals) if cbs else code.is_in(totals) | (code != label)).alias("__ours")
    )
    ours = labels.filter(pl.col("__ours"))
    if ours.height == 0:
        names = labels[category].drop_nulls().to_list()
        raise InputError(
            f"{where}: the column {category!r} holds only CBS's own crime categories "
            f"({', '.join(repr(n) for n in names[:5])}), none of which is a police category; of a CBS "
            "table only its total ('Misdrijven, totaal') is read.",
            hint="download the table again with 'Misdrijven, totaal' selected in 'Soort misdrijf'.",
        )
    kept = frame.join(ours.select(category, "__code"), on=category, how="inner", maintain_order="left")
    dropped = frame.height - kept.height
    notes = []
    if cbs or dropped:
        total = ours.filter(code.is_in(totals))[category].first()
        names = labels.filter(~pl.col("__ours"))[category].drop_nulls().to_list()
        notes.append(cbs_categories_note(str(total or "Misdrijven, totaal"), dropped, names))
    return kept.with_columns(code.alias(category)).drop("__code"), notes


# --- population --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CbsCsvOptions(FormatOptions):
    """The options of a CBS population table downloaded as CSV (the same flags as Kerncijfers)."""

    flags: ClassVar[str] = "--year / --youth-from-15-25"

    year: int | None = None  # the table's year when the file does not tell it (--year)
    youth_from_15_25: bool = False  # estimate youths 12-24 from the age bands (--youth-from-15-25)


class CbsCsvPopulation(InputFormat[CbsCsvOptions]):
    """A CBS population table (Kerncijfers wijken en buurten, 70072NED, 03759NED) downloaded as CSV."""

    name = SourceFormat.cbs_csv_population
    kind = Kind.population
    title = "a CBS population table downloaded as CSV"
    options_type = CbsCsvOptions

    def recognise(self, table: RawTable) -> bool:
        found = layout(table)
        return found is not None and any(t.inhabitants or t.dwellings or t.band for t in found.topics)

    def to_canonical(self, table: RawTable, options: CbsCsvOptions) -> Recognised:
        found = layout(table)
        assert found is not None and found.area
        where, area = _where(table), found.area
        inhabitants = next((t.header for t in found.topics if t.inhabitants), None)
        dwellings = next((t.header for t in found.topics if t.dwellings), None)
        bands = [(b[0], b[1], t.header) for t in found.topics if (b := t.band) is not None]
        measures = list(dict.fromkeys(h for h in (inhabitants, dwellings, *(b[2] for b in bands)) if h))
        period = found.roles.get(PERIOD)
        municipality, code, level = (found.topic(n) for n in ("gemeentenaam", "codering", "soortregio"))
        texts = [
            h for h in (*measures, period, area, *(t.header for t in (municipality, code, level) if t)) if h
        ]
        frame = table.frame.with_columns(blank_as_null(pl.col(h)).alias(h) for h in texts)
        year_column, year_expr, year, source = _population_year(table, frame, period, options.year, where)
        negative = frame.select(
            pl.sum_horizontal(pl.col(h).str.contains(r"^-\d").sum() for h in measures)
        ).item()
        nihil = _nihil_count(frame, measures)
        frame = frame.with_columns(_nihil(negative_as_null(pl.col(h))).alias(h) for h in measures)
        empty = pl.all_horizontal(pl.col(h).is_null() for h in measures)
        skipped = frame.select(empty.sum()).item()
        frame = frame.filter(~empty)
        # No --dimension here (its options are the population ones): extra dimensions (03759NED's
        # Geslacht, Leeftijd) are read at their totals.
        frame, picked = pick_dimensions(frame, {h: h for h in found.extra}, None, where)
        notes = population_notes(year, source, negative, 0)
        notes.extend(picked)
        if skipped:
            notes.append(f"{skipped} row(s) without any figure skipped (areas that did not exist that year)")
        if nihil:
            notes.append(f"{nihil} figure(s) '-' (CBS: nihil) read as 0")
        frame, area_notes = _population_areas(frame, area, found, municipality, code, level, where)
        notes.extend(area_notes)
        frame = frame.with_columns(year_expr.alias(year_column))
        columns = {"year": year_column, "area": area}
        if inhabitants:
            columns["inhabitants"] = inhabitants
        if dwellings:
            columns["dwellings"] = dwellings
        estimate = youth_estimate(bands)
        if estimate is not None and (estimate.exact or options.youth_from_15_25):
            frame = youth_columns(frame, estimate, columns, notes, "the age bands")
        elif options.youth_from_15_25:
            raise InputError(
                f"{where}: --youth-from-15-25 needs an age band of ages 12-24, which this table lacks."
            )
        else:
            notes.append(YOUTHS_MISSING)
        if not (inhabitants or dwellings or "youths_12_24" in columns):
            raise InputError(
                f"{where}: a CBS population table without inhabitants or dwellings (its topics: "
                f"{', '.join(repr(t.header) for t in found.topics[:5])}).",
                hint="download it again with 'Aantal inwoners' / 'Totale bevolking' or 'Woningvoorraad' "
                "selected.",
            )
        identifier = table_id(table)
        if identifier:
            notes.append(f"table {identifier}")
        return Recognised(self.name, replace_frame(table, frame), Kind.population, columns, notes)


def _population_year(
    table: RawTable, frame: pl.DataFrame, period: str | None, given: int | None, where: str
) -> tuple[str, pl.Expr, int | None, str]:
    """The year column's name, each row's year, the table's one year (None: one per row) and where it
    comes from: the ``Perioden`` column (``2020``, ``2020*``, ``2015JJ00``), else the table id or the
    file name (``Kerncijfers_wijken_en_buurten_2024_...``), else ``--year``."""
    if period is not None:
        text = period_text(pl.col(period))
        years = frame.select(text.str.extract(r"^(\d{4})(?:JJ00)?$", 1).alias("y"), text.alias("t"))
        odd = years.filter(pl.col("y").is_null() & pl.col("t").is_not_null())["t"].unique(maintain_order=True)
        if odd.len():
            raise InputError(
                f"{where}: the period column {period!r} holds "
                f"{', '.join(repr(v) for v in odd.head(3).to_list())}, not years: a population is "
                "counted on 1 January of a year.",
                hint="download the table with years (Perioden: 2019, 2020, ...) selected.",
            )
        distinct = years["y"].drop_nulls().unique().sort().to_list()
        if given is not None and distinct != [str(given)]:
            raise UsageError(
                f"{where}: --year {given}, but the file's column {period!r} gives "
                f"{', '.join(distinct[:3])}{'...' if len(distinct) > 3 else ''}.",
                hint="leave --year out: every row is stored under the year of its period.",
            )
        source = f"column {period}"
        one = int(distinct[0]) if len(distinct) == 1 else None
        return f"year ({source})", text.str.extract(r"^(\d{4})", 1), one, source
    identifier = table_id(table)
    named = re.search(
        r"kerncijfers[ _-]?wijken[ _-]?en[ _-]?buurten[ _-]?(\d{4})", table.path.name, re.IGNORECASE
    )
    file_year, source = None, ""
    if identifier in KWB_TABLES:
        file_year, source = KWB_TABLES[identifier], f"table {identifier}"
    elif named:
        file_year, source = int(named.group(1)), f"file name {table.path.name}"
    if given is not None and file_year is not None and given != file_year:
        raise UsageError(
            f"{where}: --year {given}, but the file is for {file_year} ({source}).",
            hint="leave --year out, or check that this is the table you meant.",
        )
    if file_year is None and given is None:
        raise InputError(
            f"{where}: a CBS population table without a period column, and its year cannot be told "
            "from the file name (e.g. Kerncijfers_wijken_en_buurten_2024_...csv) or a table id.",
            hint="pass --year YYYY (the population on 1 January of that year).",
        )
    year = file_year if file_year is not None else given
    assert year is not None
    source = source or "--year"
    return f"year ({source})", pl.lit(str(year)), year, source


def _population_areas(
    frame: pl.DataFrame,
    area: str,
    found: Layout,
    municipality: Topic | None,
    code: Topic | None,
    level: Topic | None,
    where: str,
) -> tuple[pl.DataFrame, list[str]]:
    """Each row's area (see the module docstring): codes where the table gives them; without them
    the country and the municipalities under their names, and wijken and buurten left out."""
    name = pl.col(area)
    notes: list[str] = []
    if area == found.roles.get(WOONPLAATS):
        notes.append(WOONPLAATS_NOTE)
        return frame.with_columns(woonplaats_area(name).alias(area)), notes
    if normalise_header(area) != "wijkenenbuurten":
        return frame.with_columns(area_label(name).alias(area)), notes
    if code is not None:
        # Amsterdam's wijken and buurten have letters in their codes since 2022 (WK0363AA, BU0363AA01).
        coded = pl.col(code.header).str.contains(r"^(?i:GM|WK|BU|NL)\d{2}[0-9A-Z]*$")
        by_code = area_names(code.header, municipality.header if municipality else None)
        kept = frame.filter(coded).with_columns(by_code.alias(area))
        if kept.height < frame.height:
            notes.append(f"{frame.height - kept.height} row(s) without a region code left out")
        unnamed = kept.filter(is_finer_expr(pl.col(area))).height
        if unnamed:
            notes.append(
                f"{unnamed} district/neighbourhood row(s) stored under their CBS code (WK.../BU...). "
                "Registrations name districts in words, so district rates need the code -> name lines in "
                "schemas/areas.csv"
            )
        return kept, notes
    # Without codes a wijk or buurt has only its name, which does not tell it apart: in the 2024
    # table 27% of the wijken have no "Wijk NN" prefix (Alkmaar's "De Mare" is a wijk and a buurt),
    # 5 of 1433 prefixes differ from the wijk's code, and 563 names repeat within a municipality.
    if level is not None:
        kind = pl.col(level.header).str.to_lowercase()
    elif municipality is not None:
        own = pl.col(municipality.header)
        # A gemeente row bears its municipality's name: the first such row of each municipality (a
        # buurt can share the name of the municipality it lies in).
        first_named = pl.when(name == own).then(pl.col("__index")).min().over(own)
        kind = (
            # "Nederland" is also a wijk and buurt in Steenwijkerland: the country is its own municipality.
            pl.when((name == own) & (name.str.to_lowercase() == "nederland"))
            .then(pl.lit("land"))
            .when((name == own) & (pl.col("__index") == first_named))
            .then(pl.lit("gemeente"))
            .otherwise(pl.lit("wijk of buurt"))
        )
    else:
        raise InputError(
            f"{where}: a 'Wijken en buurten' table without the topics 'Regioaanduiding/Codering (code)', "
            "'Soort regio' and 'Gemeentenaam': a wijk or buurt cannot be told from a municipality of the "
            "same name.",
            hint="download the table again with the topic 'Regioaanduiding/Codering (code)' selected.",
        )
    frame = frame.with_row_index("__index").with_columns(kind.alias("__kind"))
    kept = frame.filter(pl.col("__kind").is_in(["land", "gemeente"]))
    left_out = frame.height - kept.height
    if left_out:
        notes.append(
            f"{left_out} wijk and buurt row(s) left out: without the topic 'Regioaanduiding/Codering "
            "(code)' a wijk or buurt has only its name, which repeats within and across municipalities "
            "('Centrum', 'Verspreide huizen'; a wijk and a buurt can share one); download the table with "
            "that topic to keep them (stored under their WK/BU code)"
        )
    return kept.with_columns(area_label(name).alias(area)).drop("__index", "__kind"), notes

"""Recognise the real police and CBS file formats and map them onto the canonical columns.

One module per format, each an ``InputFormat`` (``interface.py``) with its own options object and
its own detection. A raw table (all text, personal columns already dropped by the reader) is
recognised by its headers, in this order (the first that fits wins; ``--map`` always means
canonical, and ``--kind`` skips the formats of other kinds):

- ``bvh-extract`` (``bvh_extract.py``): a BVH registration extract -> registrations.
- ``politie-opendata-odata`` (``politie_opendata_odata.py``): a police open-data TypedDataSet
  (JSON or CSV) -> counts.
- ``politie-opendata-labels`` (``politie_opendata_labels.py``): the StatLine "download as CSV"
  export with labels -> counts.
- ``statline-export`` (``statline_export.py``): an older StatLine crime export
  (``"Regio";"Soort misdrijf";"Jaar";"geregistreerde misdrijven"``, police regions ``(PO)``) -> counts.
- ``cbs-kerncijfers`` (``cbs_kerncijfers.py``): CBS "Kerncijfers wijken en buurten" -> population;
  options ``KerncijfersOptions`` (``--year``, ``--youth-from-15-25``).
- ``cbs-wijkbuurtkaart`` (``cbs_wijkbuurtkaart.py``): the CBS "Wijk- en buurtkaart" attribute table
  -> population; options ``WijkBuurtkaartOptions`` (the same ``--year``, ``--youth-from-15-25``).
- ``cbs-veiligheidsmonitor`` (``cbs_veiligheidsmonitor.py``): a CBS Veiligheidsmonitor TypedDataSet
  (``Marges``, ``RegioS``, ``Perioden``, numbered measures) -> survey.
- ``wijkmonitor`` (``wijkmonitor.py``): a municipal wijkmonitor export (district, indicator, figure,
  bounds or margin, respondents) -> survey.
- ``cbs-csv-counts``, ``cbs-csv-population`` (``cbs_csv.py``): StatLine's "CSV download" of any
  CBS table (``Theme/Topic (unit)`` headers, dimensions by label), told by its topics -> counts
  (CBS crime tables, CBS's own categories read at their total) or population (Kerncijfers wijken en
  buurten, Regionale kerncijfers 70072NED); options ``CbsCsvOptions`` (the same ``--year``,
  ``--youth-from-15-25``).
- ``incident-list`` (``incident_list.py``): an incident list with postcode, date and type word
  ("Misdaad in Kaart") -> registrations; options ``IncidentListOptions`` (``--pc4 FILE``).
- ``statline-survey`` (``statline_survey.py``): a StatLine survey table with labels, long
  (``Onderwerpen_1..3``, ``Cijfersoort``, ``Waarde``) or wide (a column per indicator) -> survey.
- ``statline-survey-view`` (``statline_survey_view.py``): a StatLine table view of a survey table -> survey.
- ``statline-table-view`` (``table_view.py``): a StatLine / data.politie.nl table view, with or
  without its title lines -> counts.
- ``veilcli-canonical`` (``veilcli_canonical.py``): anything else, mapped through the header
  aliases (``veilcli schema``) or a ``--map`` file.

Every transformation is a polars expression over whole columns. Values are left as text: the
validator parses and checks them as for any other file, so findings keep their spreadsheet rows.
Adding a format is one module here and one line in ``FORMATS`` (and a ``SourceFormat`` member).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from veilcli.domain.choices import Kind
from veilcli.domain.classification import NUISANCE_TOTAL_CODE
from veilcli.domain.kinds import facts
from veilcli.domain.models import ColumnMap, FileReport, SourceFormat
from veilcli.sources.formats.bvh_extract import BvhExtract
from veilcli.sources.formats.cbs_csv import CbsCsvCounts, CbsCsvOptions, CbsCsvPopulation
from veilcli.sources.formats.cbs_kerncijfers import CbsKerncijfers, KerncijfersOptions
from veilcli.sources.formats.cbs_veiligheidsmonitor import CbsVeiligheidsmonitor
from veilcli.sources.formats.cbs_wijkbuurtkaart import CbsWijkBuurtkaart, WijkBuurtkaartOptions
from veilcli.sources.formats.incident_list import IncidentList, IncidentListOptions, drop_pc4
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.formats.politie_opendata_labels import OpenDataLabels
from veilcli.sources.formats.politie_opendata_odata import OpenDataOData
from veilcli.sources.formats.statline_export import StatLineExport
from veilcli.sources.formats.statline_survey import StatLineSurvey
from veilcli.sources.formats.statline_survey_view import SurveyTableView
from veilcli.sources.formats.table_view import TableView
from veilcli.sources.formats.veilcli_canonical import Canonical, CanonicalOptions
from veilcli.sources.formats.wijkmonitor import Wijkmonitor
from veilcli.sources.table import RawTable

__all__ = [
    "CANONICAL",
    "FORMATS",
    "NUISANCE_TOTAL_CODE",
    "CanonicalOptions",
    "CbsCsvOptions",
    "FormatOptions",
    "IncidentListOptions",
    "InputFormat",
    "KerncijfersOptions",
    "Recognised",
    "WijkBuurtkaartOptions",
    "format_of",
    "recognise",
    "recognition_lines",
]

# The formats a table is tried against, in order; the canonical format takes the rest.
FORMATS: tuple[InputFormat[Any], ...] = (BvhExtract(), OpenDataOData(), OpenDataLabels(), CbsKerncijfers())
FORMATS += (CbsWijkBuurtkaart(),)
FORMATS += (CbsVeiligheidsmonitor(), Wijkmonitor())  # survey figures (Veiligheidsmonitor)
FORMATS += (CbsCsvCounts(), CbsCsvPopulation())  # StatLine's CSV download of CBS tables (cbs_csv.py)
# An older StatLine crime export, "Regio";"Soort misdrijf";"Jaar" (statline_export.py): after the CBS
# CSV downloads, whose topic paths it would otherwise take for its own columns.
FORMATS += (StatLineExport(),)
FORMATS += (StatLineSurvey(),)  # StatLine survey tables with labels, long or wide (statline_survey.py)
FORMATS += (SurveyTableView(),)  # a StatLine table view of a survey table (statline_survey_view.py)
FORMATS += (TableView(),)  # a StatLine table view (read without header detection; table_view.py)
FORMATS += (IncidentList(),)  # postcode, date, type word: only tables keep_pc4 marked (incident_list.py)
CANONICAL = Canonical()


def format_of(name: SourceFormat) -> InputFormat[Any]:
    """The format registered under a name."""
    return next(f for f in (*FORMATS, CANONICAL) if f.name is name)


def recognise(
    table: RawTable,
    kind: Kind | None = None,
    column_map: ColumnMap | None = None,
    options: Iterable[FormatOptions] = (),
) -> Recognised:
    """Recognise the format of a raw table and derive its canonical columns.

    ``kind`` (``--kind``) skips the formats of other kinds; a ``column_map`` (``--map``) with
    columns or a kind means canonical. ``options`` are the formats' own options objects; each
    format sees only its own (a format without them gets its defaults).
    """
    recognised = _recognise(table, kind, column_map, options)
    skipped = table.metadata.get("veilcli.skipped_sheets")  # --all-sheets: sheets without a table
    if skipped:
        recognised.notes.append(f"--all-sheets: {skipped}")
    return recognised


def _recognise(
    table: RawTable, kind: Kind | None, column_map: ColumnMap | None, options: Iterable[FormatOptions]
) -> Recognised:
    given = {type(o): o for o in options}
    # --year is every population format's: also the canonical one's (a population table of one year)
    year = next((y for o in given.values() if (y := getattr(o, "year", None)) is not None), None)
    canonical = CanonicalOptions(kind, column_map, year)
    marked, table = table, drop_pc4(table)  # the postcode digits reach the incident list only
    if column_map is not None and (column_map.columns or column_map.values or column_map.kind):
        return CANONICAL.to_canonical(table, canonical)
    for candidate in FORMATS:
        if kind is not None and kind is not candidate.kind:
            continue
        own_table = marked if isinstance(candidate, IncidentList) else table
        if candidate.recognise(own_table):
            own = given.get(candidate.options_type)
            found = candidate.to_canonical(own_table, own if own is not None else candidate.options_type())
            found.kind_detected = kind is None  # the format told the kind
            return found
    recognised = CANONICAL.to_canonical(table, canonical)
    took_year = facts(recognised.kind).yearly and year is not None  # canonical read it
    # One line per set of flags, naming every format they apply to (--year reaches three).
    applies: dict[str, list[str]] = {}
    for candidate in FORMATS:
        own = given.get(candidate.options_type)
        if own is not None and (_without_year(own) if took_year else own).given():
            applies.setdefault(own.flags, []).append(candidate.title)
    recognised.notes.extend(
        f"{flags} ignored: they apply to {_and(titles)} only" for flags, titles in applies.items()
    )
    return recognised


def _without_year(options: FormatOptions) -> FormatOptions:
    """A format's options without ``--year`` (which the canonical format took)."""
    return replace(options, year=None) if hasattr(options, "year") else options  # type: ignore[call-arg]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _listed(values: list[str], total: int | None = None, limit: int = 12) -> str:
    total = len(values) if total is None else total
    shown = ", ".join(values[:limit])
    return shown + (f" (+{total - min(limit, len(values))} more)" if total > limit else "")


def recognition_lines(report: FileReport, with_columns: bool = True) -> list[str]:
    """Plain-text lines saying what a file was recognised as (format, mapping, periods, areas, notes)."""
    lines = [
        f"recognised as {report.source_format or SourceFormat.veilcli_canonical} -> {report.kind or '?'} "
        f"({'detected' if report.kind_detected else 'given'})"
    ]
    if with_columns and report.columns:
        lines.append("columns: " + ", ".join(f"{c} <- {h!r}" for c, h in report.columns.items()))
    if report.periods:
        lines.append(f"periods: {_listed(report.periods)}")
    if report.areas:
        lines.append(f"areas ({report.area_count}): {_listed(report.areas, report.area_count)}")
    lines.extend(f"note: {note}" for note in report.notes)
    return lines

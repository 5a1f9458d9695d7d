"""The veilcli library: one function per verb over a ``Store``, returning results scripts can use.

>>> from veilcli import api
>>> api.ingest("sample_data", ".veilcli")                             # doctest: +SKIP
>>> result = api.compare(".veilcli", period="2019H1", baseline=2017)  # doctest: +SKIP
>>> result                                                            # doctest: +SKIP
>>> result.to_polars()                                                # doctest: +SKIP
>>> api.normalise(".veilcli", period="2019H1").rows                   # doctest: +SKIP

Wherever a function takes a ``Store`` it takes the store's folder too (``".veilcli"`` or a
``Path``), and ``validate``/``ingest`` take one path or a list of them.

Every command of the CLI is one of these functions plus rendering: ``veilcli <verb> --format json``
prints exactly the JSON form of what the function returns (``model_dump`` / ``to_json``).
The selection options are the same keywords for every verb; each function builds one typed
``Selection`` from them (``analysis/selection.py``), opens one read-locked snapshot of the store
(``Store.snapshot()``) and resolves the selection against it once: ``period`` (default: the latest
complete half-year in the store), ``baseline`` (default: the plan's baseline year), ``area``
(default: the plan's area for ``compare``/``export``, the store's one municipality for
``normalise``; ``all`` or a shipped group's name is a league), ``rules_path`` and ``raw``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veilcli.domain.choices import ALL, MAX_HEADER_ROW, MAX_PER_CODE, CompareBy, Kind, NormaliseBy, Territory
from veilcli.domain.groups import shipped_groups
from veilcli.domain.kinds import CATEGORISED
from veilcli.domain.language import Lang, check_lang
from veilcli.domain.models import DEFAULT_MAX_PER_CODE, ColumnMap, ValidationReport
from veilcli.domain.periods import Period, PeriodUnit
from veilcli.domain.plans import load_plan
from veilcli.errors import InputError, UsageError
from veilcli.report.exports import ExportFormat
from veilcli.store.store import Store

if TYPE_CHECKING:
    from veilcli.analysis.results.compare import CompareResult
    from veilcli.analysis.results.league import LeagueResult
    from veilcli.analysis.results.normalise import NormaliseResult
    from veilcli.analysis.results.trend import TrendResult
    from veilcli.analysis.selection import Resolved, Selection, is_league
    from veilcli.report.league_tables import LeagueTables
    from veilcli.sources.columns import ColumnSpec
    from veilcli.sources.download import DownloadResult
    from veilcli.sources.pipeline import ReadOptions
    from veilcli.sources.suggest import MapSuggestion
    from veilcli.store.ingest import IngestResult
    from veilcli.store.snapshot import Snapshot
    from veilcli.store.status import StoreStatus

# What only some verbs need is imported when first used (``veilcli compare`` loads neither the
# readers nor the ingest machinery): the names below resolve on first access (``api.ReadOptions``...)
# and the functions import their modules in their bodies.
_LAZY = {
    "Selection": "veilcli.analysis.selection",
    "is_league": "veilcli.analysis.selection",
    "CompareResult": "veilcli.analysis.results.compare",
    "LeagueResult": "veilcli.analysis.results.league",
    "IngestResult": "veilcli.store.ingest",
    "ReadOptions": "veilcli.sources.pipeline",
    "NormaliseResult": "veilcli.analysis.results.normalise",
    "StoreStatus": "veilcli.store.status",
    "MapSuggestion": "veilcli.sources.suggest",
    "DownloadResult": "veilcli.sources.download",
    "ColumnSpec": "veilcli.sources.columns",
    "LeagueTables": "veilcli.report.league_tables",
    "TrendResult": "veilcli.analysis.results.trend",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CompareBy",
    "CompareResult",
    "ExportFormat",
    "IngestResult",
    "Kind",
    "Lang",
    "LeagueResult",
    "LeagueTables",
    "NormaliseBy",
    "NormaliseResult",
    "ReadOptions",
    "Selection",
    "Store",
    "StoreLike",
    "StoreStatus",
    "TrendResult",
    "ValidationReport",
    "accepted_columns",
    "as_store",
    "compare",
    "compare_sentences",
    "compare_text",
    "download",
    "export",
    "export_league",
    "ingest",
    "is_league",
    "league",
    "league_tables",
    "normalise",
    "read_options",
    "report_html",
    "report_league_html",
    "shipped_groups",
    "status",
    "suggest_map",
    "trend",
    "validate",
    "write_schemas",
]

Progress = Callable[[str], None]
# A store, or the folder it lives in: ``".veilcli"``, ``Path("rapport/.veilcli")``.
StoreLike = Store | str | os.PathLike[str]
# Files to read: one path or several.
PathsLike = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


def as_store(store: StoreLike) -> Store:
    """The ``Store`` given, or the store in the folder given (a ``str`` or a ``Path``; it need
    not exist yet: ``ingest`` creates it, the readers find it empty)."""
    if isinstance(store, Store):
        return store
    if isinstance(store, str | os.PathLike):
        return Store(Path(store))
    raise UsageError(
        f"{store!r} is not a store.", hint='give a veilcli.api.Store or the store\'s folder, e.g. ".veilcli".'
    )


def _as_paths(paths: PathsLike) -> list[Path]:
    """One path or several, as ``Path``s (a ``str`` is one path, never its characters)."""
    if isinstance(paths, str | os.PathLike):
        return [Path(paths)]
    return [Path(p) for p in paths]


def compare(
    store: StoreLike,
    *,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    area: str | None = None,
    raw: bool = False,
    by: CompareBy | str = CompareBy.area,
    theme: int | None = None,
    lang: Lang = "en",
    territory: Territory | str = Territory.auto,
) -> CompareResult:
    """Every indicator of the plan for the period vs the baseline, with benchmarks (the selection's
    fields: ``veilcli.analysis.selection.Selection``)."""
    from veilcli.analysis.compare import compare as _compare

    chosen = _compare_selection(
        period, baseline, plan_path, rules_path, area, raw, by, theme, lang, territory
    )
    with as_store(store).snapshot() as snapshot:
        return _compare(snapshot, chosen.resolve(snapshot))


def league(
    store: StoreLike,
    selection: str = ALL,
    *,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    sort: str | None = None,
    territory: Territory | str = Territory.auto,
) -> LeagueResult:
    """Every municipality (``selection="all"``) or a group's members: each plan indicator's
    registered values, change, status and rank, ordered by the rank on ``sort``."""
    from veilcli.analysis.league import league as _league

    chosen = _league_selection(selection, period, baseline, plan_path, rules_path, sort, territory, "en")
    with as_store(store).snapshot() as snapshot:
        return _league(snapshot, chosen.resolve(snapshot))


def trend(
    store: StoreLike,
    indicators: list[str] | None = None,
    *,
    unit: PeriodUnit | str = PeriodUnit.H,
    area: str | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    raw: bool = False,
    lang: Lang = "en",
    territory: Territory | str = Territory.auto,
) -> TrendResult:
    """The plan's indicators (or the ones named by id) over every period the store holds, at
    ``unit`` (``H``, ``Q``, ``M``, ``Y``)."""
    from veilcli.analysis.selection import Selection
    from veilcli.analysis.trend import trend as _trend

    chosen = Selection(
        area=area,
        plan_path=plan_path,
        rules_path=rules_path,
        raw=raw,
        lang=lang,
        territory=Territory(territory),
    )
    with as_store(store).snapshot() as snapshot:
        return _trend(snapshot, chosen.resolve(snapshot), indicators, unit)


def _compare_selection(
    period: str | Period | None,
    baseline: int | None,
    plan_path: Path | None,
    rules_path: Path | None,
    area: str | None,
    raw: bool,
    by: CompareBy | str,
    theme: int | None,
    lang: Lang,
    territory: Territory | str,
    sort: str | None = None,
) -> Selection:
    """The selection of a comparison (one area, or a league: ``Selection.league``)."""
    from veilcli.analysis.selection import Selection

    return Selection(
        period=period,
        baseline=baseline,
        area=area,
        plan_path=plan_path,
        rules_path=rules_path,
        raw=raw,
        by=CompareBy(by),
        theme=theme,
        sort=sort,
        lang=lang,
        territory=Territory(territory),
    )


def _league_selection(
    league: str,
    period: str | Period | None,
    baseline: int | None,
    plan_path: Path | None,
    rules_path: Path | None,
    sort: str | None,
    territory: Territory | str,
    lang: Lang,
) -> Selection:
    """The selection of a league (``all``, a group's name or a group file)."""
    from veilcli.analysis.selection import Selection

    return Selection(
        period=period,
        baseline=baseline,
        area=league,
        plan_path=plan_path,
        rules_path=rules_path,
        sort=sort,
        lang=lang,
        territory=Territory(territory),
    )


def read_options(
    *,
    kind: Kind | None = None,
    sheet: str | None = None,
    all_sheets: bool = False,
    header_row: int | None = None,
    map_file: Path | None = None,
    max_per_code: int = DEFAULT_MAX_PER_CODE,
    year: int | None = None,
    youth_from_15_25: bool = False,
    covers: str | None = None,
    scope: str | None = None,
    dimensions: list[str] | None = None,
    allow_unknown_areas: bool = False,
    pc4: Path | None = None,
) -> ReadOptions:
    """How to read files, from option values as a user writes them: a ``--map`` TOML path (its
    ``header_row`` applies unless ``header_row`` is given), ``covers`` as ``FIRST..LAST``, ``scope``
    as ``crime``, ``nuisance`` and/or codes; ``allow_unknown_areas`` keeps a registration whose
    municipality looks misspelt (a warning instead of an error); ``pc4`` is an incident list's
    ``pc4;gemeentecode`` table (``--pc4``)."""
    from veilcli.domain.coverage import parse_covers, parse_scope
    from veilcli.sources.formats.common import DimensionOptions
    from veilcli.sources.formats.incident_list import IncidentListOptions
    from veilcli.sources.pipeline import ReadOptions

    if header_row is not None and not 1 <= header_row <= MAX_HEADER_ROW:
        raise UsageError(f"header row {header_row} is not a row of a sheet (1 to {MAX_HEADER_ROW:,}).")
    if not 1 <= max_per_code <= MAX_PER_CODE:
        raise UsageError(f"findings per kind {max_per_code} is not between 1 and {MAX_PER_CODE:,}.")
    column_map = load_column_map(map_file)
    if header_row is None and column_map is not None:
        header_row = column_map.header_row
    return ReadOptions(
        kind,
        sheet,
        all_sheets,
        header_row,
        column_map,
        max_per_code,
        year=year,
        youth_from_15_25=youth_from_15_25,
        covers=parse_covers(covers) if covers else None,
        scope=parse_scope(scope) if scope else None,
        formats=((DimensionOptions(dimensions=tuple(dimensions)),) if dimensions else ())
        + ((IncidentListOptions(pc4=str(pc4)),) if pc4 is not None else ()),
        allow_unknown_areas=allow_unknown_areas,
    )


def load_column_map(path: Path | None) -> ColumnMap | None:
    """Read and check a ``--map`` TOML file."""
    from veilcli.domain.tomlfiles import load_toml_model

    if path is None:
        return None
    from veilcli.report.console_text import short
    from veilcli.sources.columns import personal_map_column

    column_map, _ = load_toml_model(
        path,
        ColumnMap,
        "column map (--map)",
        'write kind = "registrations" and a [columns] table: canonical_name = "Header in file".',
    )
    for canonical, header in column_map.columns.items():
        why = personal_map_column(canonical, header)
        if why is not None:  # refused before any file is read: nothing stored, nothing shown
            raise InputError(
                f"{path}: --map puts {short(canonical)} in column {short(header)!r}, {why}.",
                hint=f"remove the line {short(canonical)} = ... from the map; map only columns that "
                "do not identify people.",
            )
    return column_map


def validate(
    paths: PathsLike, options: ReadOptions | None = None, progress: Progress | None = None
) -> ValidationReport:
    """Read and check files (one path or several; folders expanded); store nothing."""
    from veilcli.sources import pipeline

    return pipeline.validation_report(_as_paths(paths), options or pipeline.ReadOptions(), progress)


def ingest(
    paths: PathsLike,
    store: StoreLike,
    options: ReadOptions | None = None,
    *,
    skip_invalid: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    rejected_dir: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> IngestResult:
    """Validate files, then store all of them in one atomic commit, or nothing (``force``: overwrite
    a rejected-rows CSV that veilcli did not write)."""
    from veilcli.sources.pipeline import ReadOptions
    from veilcli.store import ingest as _ingest

    return _ingest.ingest_paths(
        _as_paths(paths),
        as_store(store),
        options or ReadOptions(),
        skip_invalid=skip_invalid,
        replace=replace,
        dry_run=dry_run,
        rejected_dir=rejected_dir,
        progress=progress,
        force=force,
    )


def status(store: StoreLike, *, verify: bool = False) -> StoreStatus:
    """What the store holds, checked against its manifest (sha256 too with ``verify``)."""
    from veilcli.store.status import store_status

    return store_status(as_store(store), verify=verify)


def normalise(
    store: StoreLike,
    *,
    period: str | Period | None = None,
    baseline: int | None = None,
    area: str | None = None,
    by: NormaliseBy | str = NormaliseBy.category,
    rules_path: Path | None = None,
    raw: bool = False,
) -> NormaliseResult:
    """An area's counts per category: raw, after samenloop, the internet bound; and the change split."""
    from veilcli.analysis.corrections import normalise_area
    from veilcli.analysis.selection import Selection

    chosen = Selection(period=period, baseline=baseline, area=area, rules_path=rules_path, raw=raw)
    with as_store(store).snapshot() as snapshot:
        return normalise_area(snapshot, chosen.resolve(snapshot), NormaliseBy(by))


def compare_sentences(
    store: StoreLike,
    *,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    area: str | None = None,
    raw: bool = False,
    theme: int | None = None,
    lang: Lang = "nl",
    territory: Territory | str = Territory.auto,
) -> dict[str, list[str]]:
    """Per indicator id, its sentences for the council document (Dutch unless ``lang="en"``): level
    then and now, change, goal, chance, counts, benchmarks, corrections (``report/sentences.py``)."""
    from veilcli.report.sentences import sentences

    result = compare(
        store,
        period=period,
        baseline=baseline,
        plan_path=plan_path,
        rules_path=rules_path,
        area=area,
        raw=raw,
        theme=theme,
        lang=lang,
        territory=territory,
    )
    return sentences(result, lang)


def compare_text(store: StoreLike, result: CompareResult, *, lang: Lang = "nl") -> str:
    """A comparison made on ``store`` as plain paragraphs for a council document (``compare --format
    text``): a heading per theme, per indicator its sentences and a "Bron:" line naming the stored
    sources that feed it."""
    from veilcli.report.sentences import feeding_sources, text_document

    check_lang(lang)
    plan = load_plan(Path(result.plan_file))
    fed = {}
    with as_store(store).snapshot() as snapshot:
        if plan.sha256 == result.plan_sha256:  # the plan compared (it names the categories)
            fed = feeding_sources(
                {k: snapshot.scan(k) for k in CATEGORISED}, snapshot.sources(), result, plan
            )
    return text_document(result, lang, sources=fed)


def export(
    store: StoreLike,
    fmt: ExportFormat,
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    command: str = "",
    lang: Lang = "nl",
    sort: str | None = None,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    area: str | None = None,
    raw: bool = False,
    by: CompareBy | str = CompareBy.area,
    theme: int | None = None,
    territory: Territory | str = Territory.auto,
) -> list[Path]:
    """The comparison as a workbook, CSV files or a JSON file; returns the files written.

    The selection is ``compare``'s; labels and notes are Dutch unless ``lang="en"``. With
    ``area="all"`` or a shipped group the export is the league of those areas (as
    ``export_league``), ordered by the rank on ``sort``.
    """
    from veilcli.analysis.compare import compare as _compare
    from veilcli.report.export_tables import ExportTables
    from veilcli.report.exports import export as write

    chosen = _compare_selection(
        period, baseline, plan_path, rules_path, area, raw, by, theme, lang, territory, sort
    )
    chosen.check_league_or_area()
    with as_store(store).snapshot() as snapshot:  # the sources listed are those the figures came from
        resolved = chosen.resolve(snapshot)
        if chosen.league:
            tables: ExportTables | LeagueTables = _league_tables(snapshot, resolved, command)
        else:
            result = _compare(snapshot, resolved)
            tables = ExportTables(result, snapshot.sources(), result.themes, lang, command)
    return write(tables, fmt, Path(out), force)


def _league_tables(snapshot: Snapshot, selection: Resolved, command: str) -> LeagueTables:
    """The league of a selection with its provenance, from one snapshot."""
    from veilcli.analysis.league import league as _league
    from veilcli.report.export_tables import Provenance
    from veilcli.report.league_tables import LeagueTables

    result = _league(snapshot, selection)
    plan, rules = selection.plan, selection.loaded_rules
    provenance = Provenance(result.plan, str(plan.path), plan.sha256, str(rules.path), rules.sha256)
    return LeagueTables(result, snapshot.sources(), provenance, selection.selection.lang, command)


def league_tables(
    store: StoreLike,
    selection: str = ALL,
    *,
    lang: Lang = "nl",
    command: str = "",
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    sort: str | None = None,
    territory: Territory | str = Territory.auto,
) -> LeagueTables:
    """The league of ``selection`` (``all`` or a group) with its provenance, as every league export
    writes it."""
    chosen = _league_selection(selection, period, baseline, plan_path, rules_path, sort, territory, lang)
    with as_store(store).snapshot() as snapshot:  # the sources listed are those the figures came from
        return _league_tables(snapshot, chosen.resolve(snapshot), command)


def export_league(
    store: StoreLike,
    fmt: ExportFormat,
    out: str | os.PathLike[str],
    selection: str = ALL,
    *,
    force: bool = False,
    command: str = "",
    lang: Lang = "nl",
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    sort: str | None = None,
    territory: Territory | str = Territory.auto,
) -> list[Path]:
    """The league of ``selection`` (every municipality, or a group's members) as a workbook (a sheet
    per indicator), CSV files or a JSON file; returns the files written."""
    from veilcli.report.exports import export as write

    tables = league_tables(
        store,
        selection,
        lang=lang,
        command=command,
        period=period,
        baseline=baseline,
        plan_path=plan_path,
        rules_path=rules_path,
        sort=sort,
        territory=territory,
    )
    return write(tables, fmt, Path(out), force)


def accepted_columns() -> dict[Kind, list[ColumnSpec]]:
    """Per dataset kind, its canonical columns with type, whether required, and accepted headers."""
    from veilcli.sources.columns import column_specs

    return {kind: list(column_specs(kind)) for kind in Kind}


def write_schemas(out: Path) -> list[Path]:
    """Write the JSON Schemas of every file contract (datasets, plans, rules, outputs) into ``out``."""
    from veilcli.report.jsonschemas import write_schemas as write

    return write(out)


def download(
    table: str,
    out_dir: Path,
    store: StoreLike | None = None,
    *,
    areas: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    base_url: str | None = None,
    use_cache: bool = True,
    options: ReadOptions | None = None,
    force: bool = False,
) -> tuple[DownloadResult, IngestResult | None]:
    """Fetch a police or CBS table from its OData API into ``out_dir`` (with a provenance file), and
    ingest it into ``store`` unless ``store`` is None. A file at the download's name that veilcli
    did not write is replaced only with ``force``."""
    from veilcli.sources.download import download_table

    result = download_table(
        table,
        out_dir,
        areas=areas,
        start=start,
        end=end,
        base_url=base_url,
        use_cache=use_cache,
        force=force,
    )
    ingested = ingest([result.path], store, options) if store is not None else None
    return result, ingested


def suggest_map(path: Path, *, sheet: str | None = None, header_row: int | None = None) -> MapSuggestion:
    """A suggested ``--map`` for a file with unfamiliar headers (known headers, then content)."""
    from veilcli.sources.suggest import suggest_map as suggest

    return suggest(path, sheet, header_row)


def report_html(
    store: StoreLike,
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    command: str = "",
    lang: Lang = "nl",
    with_trend: bool = True,
    sort: str | None = None,
    geometry: Path | None = None,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    area: str | None = None,
    raw: bool = False,
    by: CompareBy | str = CompareBy.area,
    theme: int | None = None,
    territory: Territory | str = Territory.auto,
) -> Path:
    """The comparison as one self-contained HTML report (the seed report's structure), with a trend
    chart per indicator over every period in the store; the selection is ``compare``'s. With
    ``area="all"`` or a shipped group: the league of those areas (as ``report_league_html``).
    ``geometry``: a map file (GeoJSON, GeoPackage or a CSV with WKT: the CBS wijk- en buurtkaart)
    for a map per indicator of the districts (``by="district"``) or of the league's municipalities."""
    from veilcli.analysis.compare import compare as _compare

    chosen = _compare_selection(
        period, baseline, plan_path, rules_path, area, raw, by, theme, lang, territory, sort
    )
    chosen.check_league_or_area()
    if chosen.league:
        return _report_league_html(store, out, chosen, force, command, geometry)
    if geometry is not None and chosen.by is not CompareBy.district:
        raise UsageError(
            "--geometry draws a map of the districts or of a league.",
            hint="add --by district (the wijken of the area), or --area all for the municipalities.",
        )
    from veilcli.analysis.shared import SharedGroupings
    from veilcli.analysis.trend import trend as _trend
    from veilcli.report.html import write_html_report

    geo = None
    if geometry is not None:  # a bad file fails before the work; the map reader only when asked for
        from veilcli.sources.geometry import read_geometry

        geo = read_geometry(geometry)
    with as_store(store).snapshot() as snapshot:  # compare and trend of one state of the store
        resolved = chosen.resolve(snapshot)
        # With the trend: the registrations grouped once, over every half-year (the trend's unit), for
        # both (each takes its own periods from it); alone, compare groups only its own periods.
        shared = SharedGroupings(snapshot, PeriodUnit.H) if with_trend else None
        result = _compare(snapshot, resolved, shared)
        series = None
        if with_trend:
            ids = [i.id for i in result.indicators]
            series = _trend(snapshot, resolved, ids, PeriodUnit.H, shared).to_table()
        sources = snapshot.sources()
    areas = None
    if geo is not None:
        from veilcli.analysis.results.compare import DISTRICT_UNKNOWN
        from veilcli.sources.geometry import match_districts, municipality_code

        names = [d.district for d in result.districts or [] if d.district != DISTRICT_UNKNOWN]
        if not names:
            raise InputError(
                f"--geometry: no district figures for {result.area} to map.",
                hint="district figures come from registrations with a district (Wijk) column; "
                "`veilcli status` shows what is stored.",
            )
        areas = match_districts(geo, names, municipality_code(result.area))
    return write_html_report(result, series, sources, lang, Path(out), force, command=command, geometry=areas)


def report_league_html(
    store: StoreLike,
    out: str | os.PathLike[str],
    selection: str = ALL,
    *,
    force: bool = False,
    command: str = "",
    lang: Lang = "nl",
    geometry: Path | None = None,
    period: str | Period | None = None,
    baseline: int | None = None,
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    sort: str | None = None,
    territory: Territory | str = Territory.auto,
) -> Path:
    """The league of ``selection`` as one self-contained HTML page: a table (and, for up to 40
    areas, a bar chart) per indicator; with ``geometry`` (the CBS kaart's gemeenten) a map per
    indicator, the plan's own municipality outlined."""
    chosen = _league_selection(selection, period, baseline, plan_path, rules_path, sort, territory, lang)
    return _report_league_html(store, out, chosen, force, command, geometry)


def _report_league_html(
    store: StoreLike,
    out: str | os.PathLike[str],
    chosen: Selection,
    force: bool,
    command: str,
    geometry: Path | None,
) -> Path:
    from veilcli.report.html_league import write_league_html
    from veilcli.sources.geometry import match_municipalities, read_geometry

    geo = read_geometry(geometry) if geometry is not None else None
    with as_store(store).snapshot() as snapshot:
        resolved = chosen.resolve(snapshot)
        tables = _league_tables(snapshot, resolved, command)
    areas = None
    if geo is not None:
        areas = match_municipalities(geo, tables.result.areas, own=resolved.plan.plan.area)
    return write_league_html(tables, Path(out), force, geometry=areas)

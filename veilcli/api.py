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
The selection options are the same for every verb and resolved in one place
(``analysis/selection.py``): ``period`` (default: the latest complete half-year in the store),
``baseline`` (default: the plan's baseline year), ``area`` (default: the plan's area for
``compare``/``export``, the store's one municipality for ``normalise``), ``rules_path`` and ``raw``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeGuard, TypeVar

from veilcli.analysis.compare import DISTRICT_UNKNOWN, CompareResult
from veilcli.analysis.compare import compare as _compare
from veilcli.analysis.league import ALL, LeagueResult
from veilcli.analysis.league import league as _league
from veilcli.domain.choices import MAX_HEADER_ROW, MAX_PER_CODE, CompareBy, NormaliseBy, Territory
from veilcli.domain.groups import shipped_groups
from veilcli.domain.language import Lang
from veilcli.domain.models import DEFAULT_MAX_PER_CODE, ColumnMap, Kind, ValidationReport
from veilcli.domain.periods import Period
from veilcli.domain.plans import load_plan
from veilcli.domain.rules import load_rules
from veilcli.errors import InputError, UsageError
from veilcli.report.exports import ExportFormat
from veilcli.store.store import Store

if TYPE_CHECKING:
    from veilcli.analysis.corrections import NormaliseResult
    from veilcli.analysis.trend import TrendResult
    from veilcli.report.league_tables import LeagueTables
    from veilcli.sources.columns import ColumnSpec
    from veilcli.sources.download import DownloadResult
    from veilcli.sources.suggest import MapSuggestion
    from veilcli.store.ingest import IngestResult, ReadOptions
    from veilcli.store.status import StoreStatus

# What only some verbs need is imported when first used (``veilcli compare`` loads neither the
# readers nor the ingest machinery): the names below resolve on first access (``api.ReadOptions``...)
# and the functions import their modules in their bodies.
_LAZY = {
    "IngestResult": "veilcli.store.ingest",
    "ReadOptions": "veilcli.store.ingest",
    "NormaliseResult": "veilcli.analysis.corrections",
    "StoreStatus": "veilcli.store.status",
    "MapSuggestion": "veilcli.sources.suggest",
    "DownloadResult": "veilcli.sources.download",
    "ColumnSpec": "veilcli.sources.columns",
    "LeagueTables": "veilcli.report.league_tables",
    "TrendResult": "veilcli.analysis.trend",
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
    "Lang",
    "LeagueResult",
    "LeagueTables",
    "NormaliseBy",
    "NormaliseResult",
    "ReadOptions",
    "Store",
    "StoreLike",
    "StoreStatus",
    "TrendResult",
    "ValidationReport",
    "accepted_columns",
    "as_store",
    "compare",
    "download",
    "export",
    "export_league",
    "ingest",
    "is_league",
    "league",
    "league_options",
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
P = ParamSpec("P")
R = TypeVar("R")


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


def _taking_paths(func: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[StoreLike, P], R]:
    """``func`` taking the store's folder where it takes a ``Store`` (its first argument)."""

    @wraps(func)
    def wrapper(store: StoreLike, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return func(as_store(store), *args, **kwargs)

    return wrapper


compare = _taking_paths(_compare)
league = _taking_paths(_league)


def trend(store: StoreLike, indicators: list[str] | None = None, **options: Any) -> TrendResult:
    """The plan's indicators (or the ones named by id) over every period the store holds.
    ``options`` are those of ``veilcli.analysis.trend.trend``: ``unit`` (``H``, ``Q``, ``M``, ``Y``),
    ``area``, ``plan_path``, ``rules_path``, ``raw``, ``lang``, ``territory``."""
    from veilcli.analysis.trend import trend as _trend

    return _trend(as_store(store), indicators, **options)


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
    from veilcli.analysis.coverage import parse_covers, parse_scope
    from veilcli.sources.formats.common import DimensionOptions
    from veilcli.sources.formats.incident_list import IncidentListOptions
    from veilcli.store.ingest import ReadOptions

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
    from veilcli.store import ingest as _ingest

    return _ingest.validation_report(_as_paths(paths), options or _ingest.ReadOptions(), progress)


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
    from veilcli.store import ingest as _ingest

    return _ingest.ingest_paths(
        _as_paths(paths),
        as_store(store),
        options or _ingest.ReadOptions(),
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

    return normalise_area(
        as_store(store),
        period=period,
        baseline=baseline if baseline is not None else load_plan().plan.baseline,
        area=area,
        by=by,
        rules_path=rules_path,
        raw=raw,
    )


def is_league(area: str | None) -> TypeGuard[str]:
    """Whether an ``area`` asks for the league of many areas: ``all`` or a shipped group's name."""
    return area is not None and (area.casefold() == ALL or area in shipped_groups())


def league_options(options: dict[str, Any], sort: str | None) -> dict[str, Any]:
    """``compare``'s options as ``league`` takes them; refuse the ones a league has no use for
    (``raw`` is what a league always is: registered figures)."""
    if options.get("by") not in (None, CompareBy.area, CompareBy.area.value):
        raise UsageError("--by district is for one area: a league compares municipalities, not districts.")
    if options.get("theme") is not None:
        raise UsageError("--theme is for one area: a league shows every indicator of the plan.")
    return {
        "period": options.get("period"),
        "baseline": options.get("baseline"),
        "plan_path": options.get("plan_path"),
        "rules_path": options.get("rules_path"),
        "sort": sort,
        "territory": options.get("territory", Territory.auto),
    }


def _no_sort(sort: str | None) -> None:
    if sort is not None:
        raise UsageError(
            "--sort orders the areas of a league.", hint="use it with --area all or a group (g10-100000plus)."
        )


def compare_sentences(store: Store, *, lang: Lang = "nl", **options: Any) -> dict[str, list[str]]:
    """Per indicator id, its sentences for the council document (Dutch unless ``lang="en"``): level
    then and now, change, goal, chance, counts, benchmarks, corrections (``report/sentences.py``).
    ``options`` are ``compare``'s."""
    from veilcli.report.sentences import sentences

    return sentences(compare(store, lang=lang, **options), lang)


def compare_text(
    store: Store, *, lang: Lang = "nl", result: CompareResult | None = None, **options: Any
) -> str:
    """The comparison as plain paragraphs for a council document (``compare --format text``): a
    heading per theme, per indicator its sentences and a "Bron:" line naming the stored sources
    that feed it. ``result``: a comparison already made on ``store``; else ``options`` are
    ``compare``'s."""
    from veilcli.report.sentences import feeding_sources, text_document

    with store.reading():
        result = result or compare(store, lang=lang, **options)
        plan = load_plan(Path(result.plan_file))
        fed = {}
        if plan.sha256 == result.plan_sha256:  # the plan compared (it names the categories)
            kinds = (Kind.registrations, Kind.suspects, Kind.counts)
            fed = feeding_sources({k: store.scan(k) for k in kinds}, store.sources(), result, plan)
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
    **options: Any,
) -> list[Path]:
    """The comparison as a workbook, CSV files or a JSON file; returns the files written.

    ``options`` are ``compare``'s (period, baseline, plan_path, rules_path, area, raw, by, theme);
    labels and notes are Dutch unless ``lang="en"``. With ``area="all"`` or a shipped group the
    export is the league of those areas (``export_league``), ordered by the rank on ``sort``.
    """
    from veilcli.report.export_tables import ExportTables
    from veilcli.report.exports import export as write

    store = as_store(store)
    if is_league(options.get("area")):
        return export_league(
            store,
            fmt,
            out,
            options["area"],
            force=force,
            command=command,
            lang=lang,
            **league_options(options, sort),
        )
    _no_sort(sort)
    with store.reading():  # the sources listed are the ones the figures were computed from
        result = compare(store, lang=lang, **options)
        tables = ExportTables(result, store.sources(), result.themes, lang, command)
    return write(tables, fmt, Path(out), force)


def league_tables(
    store: StoreLike,
    selection: str = ALL,
    *,
    lang: Lang = "nl",
    command: str = "",
    plan_path: Path | None = None,
    rules_path: Path | None = None,
    **options: Any,
) -> LeagueTables:
    """The league of ``selection`` (``all`` or a group) with its provenance, as every league export
    writes it. ``options`` are ``league``'s (period, baseline, sort)."""
    from veilcli.report.export_tables import Provenance
    from veilcli.report.league_tables import LeagueTables

    store = as_store(store)
    with store.reading():  # the sources listed are the ones the figures were computed from
        result = league(store, selection, plan_path=plan_path, rules_path=rules_path, **options)
        sources = store.sources()
    plan, rules = load_plan(plan_path), load_rules(rules_path)
    provenance = Provenance(result.plan, str(plan.path), plan.sha256, str(rules.path), rules.sha256)
    return LeagueTables(result, sources, provenance, lang, command)


def export_league(
    store: StoreLike,
    fmt: ExportFormat,
    out: str | os.PathLike[str],
    selection: str = ALL,
    *,
    force: bool = False,
    command: str = "",
    lang: Lang = "nl",
    **options: Any,
) -> list[Path]:
    """The league of ``selection`` (every municipality, or a group's members) as a workbook (a sheet
    per indicator), CSV files or a JSON file; returns the files written. ``options`` are
    ``league``'s (period, baseline, plan_path, rules_path, sort)."""
    from veilcli.report.exports import export as write

    tables = league_tables(store, selection, lang=lang, command=command, **options)
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
    **options: Any,
) -> Path:
    """The comparison as one self-contained HTML report (the seed report's structure), with a trend
    chart per indicator over every period in the store. ``options`` are ``compare``'s. With
    ``area="all"`` or a shipped group: the league of those areas (``report_league_html``).
    ``geometry``: a map file (GeoJSON, GeoPackage or a CSV with WKT: the CBS wijk- en buurtkaart)
    for a map per indicator of the districts (``by="district"``) or of the league's municipalities."""
    from veilcli.analysis.trend import trend
    from veilcli.report.html import write_html_report
    from veilcli.sources.geometry import match_districts, municipality_code, read_geometry

    store = as_store(store)
    if is_league(options.get("area")):
        return report_league_html(
            store,
            out,
            options["area"],
            force=force,
            command=command,
            lang=lang,
            geometry=geometry,
            **league_options(options, sort),
        )
    _no_sort(sort)
    if geometry is not None and options.get("by") not in (CompareBy.district, CompareBy.district.value):
        raise UsageError(
            "--geometry draws a map of the districts or of a league.",
            hint="add --by district (the wijken of the area), or --area all for the municipalities.",
        )
    geo = read_geometry(geometry) if geometry is not None else None  # a bad file fails before the work
    with store.reading():
        result = compare(store, lang=lang, **options)
        series = None
        if with_trend:
            series = trend(
                store,
                [i.id for i in result.indicators],
                area=result.area,
                plan_path=options.get("plan_path"),
                rules_path=options.get("rules_path"),
                raw=bool(options.get("raw", False)),
                territory=options.get("territory", Territory.auto),
            ).to_table()
        sources = store.sources()
    areas = None
    if geo is not None:
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
    **options: Any,
) -> Path:
    """The league of ``selection`` as one self-contained HTML page: a table (and, for up to 40
    areas, a bar chart) per indicator; with ``geometry`` (the CBS kaart's gemeenten) a map per
    indicator, the plan's own municipality outlined. ``options`` are ``league``'s (period,
    baseline, plan_path, rules_path, sort)."""
    from veilcli.report.html_league import write_league_html
    from veilcli.sources.geometry import match_municipalities, read_geometry

    geo = read_geometry(geometry) if geometry is not None else None
    tables = league_tables(store, selection, lang=lang, command=command, **options)
    areas = None
    if geo is not None:
        own = load_plan(options.get("plan_path")).plan.area
        areas = match_municipalities(geo, tables.result.areas, own=own)
    return write_league_html(tables, Path(out), force, geometry=areas)

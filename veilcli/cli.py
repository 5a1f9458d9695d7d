"""The ``veilcli`` command line: parse options, call one library function, render the result."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from veilcli import STORE_ENV, __version__
from veilcli.errors import UsageError, VeilcliError
from veilcli.models import ColumnMap, Kind

if TYPE_CHECKING:
    from veilcli.export_tables import ExportTables
    from veilcli.ingest import ReadOptions

# polars, scipy and openpyxl are imported inside the commands: `veilcli --help` stays fast.

app = typer.Typer(
    name="veilcli",
    help="Safety-plan analytics for Dutch municipalities: ingest police spreadsheets, "
    "normalise, compare with the baseline, export.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold police records
    add_completion=False,
)
# Piped output is for files and scripts: wide enough that tables do not wrap.
stdout = Console(width=None if sys.stdout.isatty() else 160)
stderr = Console(stderr=True, soft_wrap=True)  # one message per line, never cut
_state = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])


class TableFormat(StrEnum):
    """Output formats of commands that print a report."""

    table = "table"
    json = "json"


class NormaliseBy(StrEnum):
    """Rows of `normalise`: per category, or per district and category."""

    category = "category"
    district = "district"


class Lang(StrEnum):
    """Label language of exports."""

    nl = "nl"
    en = "en"


class CompareBy(StrEnum):
    """Rows of `compare`: the area, or the area and its districts."""

    area = "area"
    district = "district"


class DataFormat(StrEnum):
    """Output formats of commands that print figures."""

    table = "table"
    json = "json"
    csv = "csv"


def handle_errors(func: F) -> F:
    """Turn veilcli failures into one message and an exit code (``--debug`` re-raises)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VeilcliError as exc:
            if _state["debug"]:
                raise
            stderr.print(f"[bold red]error:[/] {exc.message}", highlight=False)
            if exc.hint:
                stderr.print(f"  hint: {exc.hint}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            stderr.print("interrupted; the store was left as it was before this command.")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            if _state["debug"]:
                raise
            stderr.print(
                f"[bold red]internal error:[/] {exc.__class__.__name__}: {exc}\n"
                "  this is a bug in veilcli, not in your data handling; rerun with --debug for the "
                "traceback and report it. The store was left as it was before this command.",
                highlight=False,
            )
            raise typer.Exit(70) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(f"veilcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """veilcli: safety-plan analytics."""
    _state["debug"] = debug


StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", envvar=STORE_ENV, help="Store folder (default ./.veilcli).", show_default=False),
]
KindOpt = Annotated[
    Kind | None, typer.Option("--kind", help="Dataset kind; detected from the columns when omitted.")
]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Workbook sheet to read (default: the first).")]
AllSheetsOpt = Annotated[bool, typer.Option("--all-sheets", help="Read every sheet of a workbook.")]
HeaderRowOpt = Annotated[
    int | None, typer.Option("--header-row", min=1, help="Row number of the header (default: found).")
]
MapOpt = Annotated[
    Path | None,
    typer.Option("--map", help='TOML file naming unusual headers: [columns] date = "Datum melding".'),
]
FormatOpt = Annotated[TableFormat, typer.Option("--format", help="Output format.")]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        min=1990,
        max=2100,
        help="Year of a CBS 'Kerncijfers wijken en buurten' table whose file does not tell it (1 January).",
    ),
]
YouthOpt = Annotated[
    bool,
    typer.Option(
        "--youth-from-15-25",
        help="Estimate youths 12-24 from the age bands of a CBS Kerncijfers table (flagged as an estimate).",
    ),
]
MaxOpt = Annotated[int, typer.Option("--max-per-kind", min=1, help="Findings shown per kind of problem.")]


def load_column_map(path: Path | None) -> ColumnMap | None:
    """Read and check a ``--map`` TOML file."""
    if path is None:
        return None
    from veilcli.tomlfiles import load_toml_model

    column_map, _ = load_toml_model(
        path,
        ColumnMap,
        "column map (--map)",
        'write kind = "registrations" and a [columns] table: canonical_name = "Header in file".',
    )
    return column_map


def _read_options(
    kind: Kind | None,
    sheet: str | None,
    all_sheets: bool,
    header_row: int | None,
    map_file: Path | None,
    max_per_kind: int,
    year: int | None,
    youth_from_15_25: bool,
) -> ReadOptions:
    if sheet and all_sheets:
        raise UsageError("--sheet and --all-sheets exclude each other.")
    from veilcli.ingest import ReadOptions

    return ReadOptions(
        kind,
        sheet,
        all_sheets,
        header_row,
        load_column_map(map_file),
        max_per_kind,
        year=year,
        youth_from_15_25=youth_from_15_25,
    )


def _progress() -> Callable[[str], None] | None:
    if not stderr.is_terminal:
        return None
    return lambda message: stderr.print(f"[dim]{message}[/]", highlight=False)


@app.command()
@handle_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="Files or folders to check.", show_default=False)],
    kind: KindOpt = None,
    sheet: SheetOpt = None,
    all_sheets: AllSheetsOpt = False,
    header_row: HeaderRowOpt = None,
    map_file: MapOpt = None,
    output: FormatOpt = TableFormat.table,
    max_per_kind: MaxOpt = 5,
    year: YearOpt = None,
    youth_from_15_25: YouthOpt = False,
) -> None:
    """Read and check files without storing anything. Exit 0 valid, 1 invalid rows, 2 unreadable."""
    from veilcli.ingest import validate_paths
    from veilcli.models import ValidationReport
    from veilcli.render import print_json, render_validation

    options = _read_options(
        kind, sheet, all_sheets, header_row, map_file, max_per_kind, year, youth_from_15_25
    )
    report = ValidationReport(files=[v.report for v, _ in validate_paths(files, options, _progress())])
    if output is TableFormat.json:
        print_json(report.to_json_dict())
    else:
        render_validation(stdout, report, max_per_kind)
    raise typer.Exit(0 if report.valid else 1)


@app.command()
@handle_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to store.", show_default=False)],
    store: StoreOpt = None,
    kind: KindOpt = None,
    sheet: SheetOpt = None,
    all_sheets: AllSheetsOpt = False,
    header_row: HeaderRowOpt = None,
    map_file: MapOpt = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Store the valid rows; write rejected rows to a CSV.")
    ] = False,
    rejected_dir: Annotated[
        Path | None, typer.Option("--rejected-dir", help="Folder for rejected-row CSVs (default: .).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace rows already stored from another source.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and summarise; store nothing.")
    ] = False,
    output: FormatOpt = TableFormat.table,
    max_per_kind: MaxOpt = 5,
    year: YearOpt = None,
    youth_from_15_25: YouthOpt = False,
) -> None:
    """Validate files and add them to the store (all or nothing; re-ingesting adds nothing)."""
    from veilcli.ingest import ingest_paths
    from veilcli.render import print_json, render_ingest, render_validation
    from veilcli.store import Store

    options = _read_options(
        kind, sheet, all_sheets, header_row, map_file, max_per_kind, year, youth_from_15_25
    )
    result = ingest_paths(
        paths,
        Store(store),
        options,
        skip_invalid=skip_invalid,
        replace=replace,
        dry_run=dry_run,
        rejected_dir=rejected_dir,
        progress=_progress(),
    )
    if output is TableFormat.json:
        print_json(result.model_dump(mode="json") | {"report": result.report.to_json_dict()})
    else:
        if not result.report.valid:
            render_validation(stdout, result.report, max_per_kind)
        render_ingest(stdout, result)
    if any(s.status == "rejected" for s in result.sources):
        if dry_run:
            stderr.print("[bold red]dry run, invalid rows:[/] ingest would store nothing.", highlight=False)
        else:
            stderr.print(
                "[bold red]nothing was stored:[/] fix the rows above, or pass --skip-invalid to store "
                "the valid rows and write the rejected ones to a CSV.",
                highlight=False,
            )
        raise typer.Exit(1)
    if dry_run:
        stderr.print("dry run: nothing was stored.")


@app.command()
@handle_errors
def status(
    store: StoreOpt = None,
    output: FormatOpt = TableFormat.table,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="Also check every stored file's sha256 against the manifest (reads every file)."
        ),
    ] = False,
) -> None:
    """Show what the store holds: sources, and coverage per kind, area and period.

    Stored files are checked against the manifest (size and schema; sha256 with --verify);
    exit 1 when one is damaged, with the list and how to repair it.
    """
    from veilcli.render import print_json, render_status
    from veilcli.status import store_status
    from veilcli.store import Store

    result = store_status(Store(store), verify=verify)
    if output is TableFormat.json:
        print_json(result.model_dump(mode="json"))
    else:
        render_status(stdout, result)
        for d in result.damaged:
            sheet = f" [{d.sheet}]" if d.sheet else ""
            stdout.print(
                f"damaged: {d.path}{sheet} ({d.kind.value}): {d.problem}", markup=False, highlight=False
            )
    if result.damaged:
        stderr.print(
            f"error: {len(result.damaged)} stored file(s) do not match the manifest; compare and export "
            "refuse to read them.",
            markup=False,
            highlight=False,
        )
        stderr.print(f"  hint: {result.repair}", markup=False, highlight=False)
        raise typer.Exit(1)
    if verify and output is not TableFormat.json:
        unchecked = sum(1 for s in result.sources if s.file_sha256 is None)
        note = (
            f" ({unchecked} stored by an older veilcli have no sha256: size and schema checked)"
            if unchecked
            else ""
        )
        stderr.print(
            f"verified: {len(result.sources)} stored file(s) match the manifest{note}.",
            markup=False,
            highlight=False,
        )


@app.command()
@handle_errors
def normalise(
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="2019H1, 2019, 2019Q3 or 2019-05 (default: latest complete half-year)."
        ),
    ] = None,
    baseline: Annotated[
        int | None,
        typer.Option("--baseline", min=1990, max=2100, help="Baseline year (same part of the year)."),
    ] = 2017,
    area: Annotated[
        str | None, typer.Option("--area", help="Area as stored (default: the one municipality).")
    ] = None,
    by: Annotated[
        NormaliseBy, typer.Option("--by", help="Rows per category, or per district and category.")
    ] = NormaliseBy.category,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Rules TOML (default: schemas/rules/default.toml).")
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="No corrections: registered counts only.")] = False,
    store: StoreOpt = None,
    output: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.table,
) -> None:
    """Raw counts beside the samenloop- and internet-corrected ones, and how the change splits."""
    from veilcli.api import normalise_json, normalise_store, normalise_table
    from veilcli.render import print_json, render_normalise
    from veilcli.store import Store

    result = normalise_store(
        Store(store), period=period, baseline=baseline, area=area, by=by.value, rules_path=rules, raw=raw
    )
    if output is DataFormat.json:
        print_json(normalise_json(result))
    elif output is DataFormat.csv:
        sys.stdout.write(normalise_table(result).write_csv())
    else:
        render_normalise(stdout, result)


BaselineOpt = Annotated[
    int | None, typer.Option("--baseline", min=1990, max=2100, help="Baseline year (default: the plan's).")
]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", help="2019H1, 2019, 2019Q3 or 2019-05 (default: latest complete half-year)."),
]
PlanOpt = Annotated[Path | None, typer.Option("--plan", help="Plan TOML (default: the shipped Almere plan).")]
RulesOpt = Annotated[
    Path | None, typer.Option("--rules", help="Rules TOML (default: schemas/rules/default.toml).")
]
AreaOpt = Annotated[str | None, typer.Option("--area", help="Area as stored (default: the plan's).")]
RawOpt = Annotated[bool, typer.Option("--raw", help="No corrections: registered counts only.")]
ByOpt = Annotated[CompareBy, typer.Option("--by", help="'district' adds the indicators per district (wijk).")]
ThemeOpt = Annotated[int | None, typer.Option("--theme", help="Only this theme number.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Label language.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


@app.command()
@handle_errors
def compare(
    baseline: BaselineOpt = None,
    period: PeriodOpt = None,
    plan: PlanOpt = None,
    area: AreaOpt = None,
    raw: RawOpt = False,
    by: ByOpt = CompareBy.area,
    theme: ThemeOpt = None,
    rules: RulesOpt = None,
    store: StoreOpt = None,
    output: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.table,
) -> None:
    """Plan indicators in the period vs the baseline: rates, goals, benchmarks, significance."""
    from veilcli.compare import compare as run_compare
    from veilcli.compare import compare_table
    from veilcli.render_compare import render_compare
    from veilcli.store import Store

    result = run_compare(
        Store(store),
        period=period,
        baseline=baseline,
        plan_path=plan,
        rules_path=rules,
        area=area,
        raw=raw,
        by=by.value,
        theme=theme,
    )
    if output is DataFormat.json:
        print(result.model_dump_json(indent=2))
    elif output is DataFormat.csv:
        sys.stdout.write(compare_table(result).write_csv())
    else:
        render_compare(stdout, result, result.themes)


def _export_tables(
    store: Path | None,
    baseline: int | None,
    period: str | None,
    plan: Path | None,
    rules: Path | None,
    area: str | None,
    raw: bool,
    by: CompareBy,
    theme: int | None,
    lang: Lang,
) -> ExportTables:
    from veilcli.compare import compare as run_compare
    from veilcli.export_tables import ExportTables
    from veilcli.store import Store

    chosen = Store(store)
    result = run_compare(
        chosen,
        period=period,
        baseline=baseline,
        plan_path=plan,
        rules_path=rules,
        area=area,
        raw=raw,
        by=by.value,
        theme=theme,
    )
    command = " ".join(["veilcli", *sys.argv[1:]])
    return ExportTables(result, chosen.sources(), result.themes, lang.value, command)


class ExportFormat(StrEnum):
    """What `veilcli export` writes."""

    xlsx = "xlsx"
    csv = "csv"
    json = "json"


@app.command()
@handle_errors
def export(
    what: Annotated[
        ExportFormat, typer.Argument(help="xlsx: a report workbook; csv: a folder of CSVs; json: one file.")
    ],
    out: Annotated[
        Path, typer.Argument(help="The .xlsx file, the CSV folder, or the .json file.", show_default=False)
    ],
    baseline: BaselineOpt = None,
    period: PeriodOpt = None,
    plan: PlanOpt = None,
    rules: RulesOpt = None,
    area: AreaOpt = None,
    raw: RawOpt = False,
    by: ByOpt = CompareBy.area,
    theme: ThemeOpt = None,
    lang: LangOpt = Lang.nl,
    force: ForceOpt = False,
    store: StoreOpt = None,
) -> None:
    """The comparison as a report workbook (overview, a sheet with charts per theme, normalisation,
    districts, sources), or the same tables as CSV files or JSON for scripts."""
    from veilcli.export_files import write_csv_folder, write_json_file
    from veilcli.export_xlsx import write_workbook

    tables = _export_tables(store, baseline, period, plan, rules, area, raw, by, theme, lang)
    if what is ExportFormat.xlsx:
        written = [write_workbook(tables, out, force)]
    elif what is ExportFormat.csv:
        written = write_csv_folder(tables, out, force)
    else:
        written = [write_json_file(tables, out, force)]
    for path in written:
        stderr.print(f"written: {path}", highlight=False)


@app.command()
@handle_errors
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON Schemas into this folder.")
    ] = None,
) -> None:
    """List accepted columns per dataset kind, or write the JSON Schemas (--out schemas/)."""
    from veilcli.columns import column_specs
    from veilcli.jsonschemas import write_schemas

    if out is not None:
        for path in write_schemas(out):
            print(path)
        return
    for kind in Kind:
        stdout.print(f"[bold]{kind.value}[/]")
        for spec in column_specs(kind):
            need = "required" if spec.required else "optional"
            stdout.print(
                f"  {spec.name:<16} {spec.parser:<8} {need:<8} {', '.join(spec.aliases[1:])}", highlight=False
            )


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

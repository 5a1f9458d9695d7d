"""The ``veilcli`` command line: parse options, call one library function, render the result."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.text import Text

from veilcli import STORE_ENV, __version__
from veilcli.domain.choices import (
    MAX_HEADER_ROW,
    MAX_PER_CODE,
    CompareBy,
    Kind,
    NormaliseBy,
    Territory,
)
from veilcli.domain.language import DEFAULT_LANG, Lang, check_lang, shipped_languages
from veilcli.errors import UsageError, VeilcliError
from veilcli.report.console_text import (
    OUTPUT_CLOSED,
    SafeConsole,
    json_text,
    line,
    output_closed,
    plain,
    short,
    silence,
    text,
)
from veilcli.report.exports import ExportFormat
from veilcli.tuning import spare_the_exit_collection, tune_allocators, tune_collector

if TYPE_CHECKING:
    import polars as pl

    from veilcli.sources.pipeline import ReadOptions
    from veilcli.store.store import Store

# polars and openpyxl are imported inside the commands: `veilcli --help` stays fast.

app = typer.Typer(
    name="veilcli",
    help="Safety-plan analytics for Dutch municipalities: ingest police spreadsheets, "
    "normalise, compare with the baseline, export.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold police records
    add_completion=True,  # `veilcli --install-completion` for bash, zsh, fish, PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Piped output is for files and scripts: wide enough that tables do not wrap. Both consoles print
# strings as plain text (no markup, no emoji codes, control characters escaped): file names,
# values and headers come from files, and `Almere[/]` or an ESC sequence must print as written.
def _width() -> int | None:
    """``COLUMNS`` when set (also when piped), else the terminal's width, else 160 for files."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        return int(columns)
    return None if sys.stdout is not None and sys.stdout.isatty() else 160  # None: closed (`>&-`)


stdout = SafeConsole(width=_width())
stderr = SafeConsole(stderr=True, soft_wrap=True)  # one message per line, never cut
_state = {"debug": False, "quiet": False}
# Global flags the user may also write after the subcommand (`veilcli compare --debug`).
GLOBAL_FLAGS = ("--debug", "--quiet", "-q")

F = TypeVar("F", bound=Callable[..., Any])


class TableFormat(StrEnum):
    """Output formats of commands that print a report."""

    table = "table"
    json = "json"


class DataFormat(StrEnum):
    """Output formats of commands that print figures."""

    table = "table"
    json = "json"
    csv = "csv"


class CompareFormat(StrEnum):
    """Output formats of ``compare``: the figures, or the sentences for a council document."""

    table = "table"
    json = "json"
    csv = "csv"
    text = "text"


EXIT_BUG = 70  # only for real bugs: anything a user or the environment can cause exits 2
MESSAGE_LIMIT = 300  # characters of an unexpected exception's text shown (it may quote data)


def _print_traceback(exc: BaseException) -> None:
    """``--debug``: the traceback without frame locals; exception texts cut and shown as plain text."""
    from rich.traceback import Traceback

    trace = Traceback.extract(type(exc), exc, exc.__traceback__, show_locals=False)
    for stack in trace.stacks:
        stack.exc_value = plain(short(stack.exc_value, MESSAGE_LIMIT))
        stack.notes = [plain(short(note, MESSAGE_LIMIT)) for note in stack.notes]
        for frame in stack.frames:
            frame.locals = None
    stderr.print(Traceback(trace, show_locals=False, suppress=[typer]), soft_wrap=False)


_ENV_HINTS = {
    "disk": "free some disk space and run the command again.",
    "permission": "check the permissions of the file and its folder, or choose another location.",
}


def environment_failure(exc: BaseException) -> tuple[str, str | None] | None:
    """Message and hint for a failure of the machine, not of veilcli (disk full, permissions, ...)."""
    from veilcli.files.atomic import os_error_number, os_error_reason

    if isinstance(exc, MemoryError):
        return "out of memory.", "close other programs, or split the input into smaller files."
    number = os_error_number(exc)
    if not isinstance(exc, OSError) and number is None:
        return None
    reason = os_error_reason(exc)
    filename = getattr(exc, "filename", None)
    if filename is not None:
        message = f"cannot read or write {filename}: {reason}."
    else:
        message = f"{reason}." if number is not None else f"a file operation failed: {reason}."
    hint = None
    if "disk" in reason:
        hint = _ENV_HINTS["disk"]
    elif "permission" in reason or "read-only" in reason:
        hint = _ENV_HINTS["permission"]
    return message, hint


def _fail(exc: BaseException, message: Text, hint: str | None, code: int) -> NoReturn:
    if _state["debug"]:
        _print_traceback(exc)
    stderr.print(message)
    if hint:
        stderr.print(text(f"  hint: {hint}"))
    raise typer.Exit(code) from None


def handle_errors(func: F) -> F:
    """Turn failures into one message and an exit code (``--debug`` adds the traceback).

    veilcli errors carry their exit code; disk full, permission and other file-system failures
    exit 2 with a message naming the file; anything else is a bug (exit 70).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VeilcliError as exc:
            _fail(exc, line(("error:", "bold red"), " ", exc.message), exc.hint, exc.exit_code)
        except KeyboardInterrupt:
            stderr.print(text("interrupted; the store was left as it was before this command."))
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            if output_closed(exc):  # `veilcli compare --format csv | head -1`
                silence(1)
                _fail(exc, line(("error:", "bold red"), " ", OUTPUT_CLOSED), None, 2)
            failure = environment_failure(exc)
            if failure is not None:
                message, hint = failure
                _fail(exc, line(("error:", "bold red"), " ", message), hint, 2)
            _fail(
                exc,
                line(
                    ("internal error:", "bold red"),
                    f" {exc.__class__.__name__}: {short(exc, MESSAGE_LIMIT)}\n"
                    "  this is a bug in veilcli, not in your data handling; rerun with --debug for the "
                    "traceback and report it. The store was left as it was before this command.",
                ),
                None,
                EXIT_BUG,
            )

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(f"veilcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: Annotated[bool, typer.Option("--debug", metavar="", help="Show tracebacks of errors.")] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", metavar="", help="No progress or informational messages (errors still)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, metavar="", help="Print the version."),
    ] = False,
) -> None:
    """veilcli: safety-plan analytics."""
    _state["debug"] = debug
    _state["quiet"] = quiet


def info(message: Text) -> None:
    """An informational message on stderr (not with --quiet)."""
    if not _state["quiet"]:
        stderr.print(message)


class _TrimmedLines:
    """A text stream that writes each line without its trailing spaces: rich pads every table row
    to the table's width, which a file (``-o report.txt``) should not keep. Only the rich console
    writes through it; JSON and CSV (``print``) reach the file as they are."""

    encoding = "utf-8"

    def __init__(self, target: Any) -> None:
        self.target = target
        self.pending = ""

    def write(self, data: str) -> int:
        *lines, self.pending = (self.pending + data).split("\n")
        for shown in lines:
            self.target.write(shown.rstrip(" ") + "\n")
        return len(data)

    def flush(self) -> None:
        """Write a last unfinished line (trimmed)."""
        if self.pending:
            self.target.write(self.pending.rstrip(" "))
            self.pending = ""

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def output_to(path: Path | None) -> Iterator[None]:
    """Send what the command prints on stdout to ``path`` (written atomically at the end), the
    tables' lines without trailing spaces."""
    if path is None:
        yield
        return
    import io

    from veilcli.files.atomic import write_atomic

    buffer = io.StringIO()
    trimmed, before = _TrimmedLines(buffer), getattr(stdout, "_file", None)  # None: sys.stdout then
    stdout.file = trimmed  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(buffer):
            yield
    finally:
        trimmed.flush()
        stdout.file = before  # type: ignore[assignment]
    data = buffer.getvalue().encode("utf-8")
    write_atomic(path, lambda tmp: tmp.write_bytes(data))
    info(text(f"written: {path}"))


StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar=STORE_ENV,
        metavar="FOLDER",
        help="Store folder (default ./.veilcli).",
        show_default=False,
    ),
]
KindOpt = Annotated[
    Kind | None, typer.Option("--kind", help="Dataset kind; detected from the columns when omitted.")
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", metavar="SHEET", help="Workbook sheet to read (default: the first).")
]
AllSheetsOpt = Annotated[
    bool, typer.Option("--all-sheets", metavar="", help="Read every sheet of a workbook.")
]
HeaderRowOpt = Annotated[
    int | None,
    typer.Option(
        "--header-row",
        min=1,
        max=MAX_HEADER_ROW,
        metavar="N",
        help="Row number of the header (default: found).",
    ),
]
MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map", metavar="FILE", help='TOML file naming unusual headers: [columns] date = "Datum melding".'
    ),
]
FormatOpt = Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the output to this file instead of stdout."),
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        min=1990,
        max=2100,
        metavar="YEAR",
        help="Year of a CBS population table (Kerncijfers wijken en buurten, its CSV download) whose file "
        "does not tell it (1 January).",
    ),
]
AllowUnknownAreasOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unknown-areas",
        metavar="",
        help="Store a registration whose municipality looks misspelt (close to a known name) under "
        "the name as written, with a warning, instead of rejecting it.",
    ),
]
DimensionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--dimension",
        metavar="NAME=VALUE",
        help="Police/CBS tables with more dimensions: read NAME at VALUE (NAME=VALUE, repeatable); "
        "default: each at its total.",
        show_default=False,
    ),
]
Pc4Opt = Annotated[
    Path | None,
    typer.Option(
        "--pc4",
        metavar="FILE",
        help="Incident lists (Postcode, Datum, Soort): a pc4;gemeentecode table placing each postcode "
        "in its municipality.",
        show_default=False,
    ),
]
YouthOpt = Annotated[
    bool,
    typer.Option(
        "--youth-from-15-25",
        metavar="",
        help="Estimate youths 12-24 from the age bands of a CBS population table (Kerncijfers, 70072NED; "
        "flagged as an estimate).",
    ),
]
MaxOpt = Annotated[
    int,
    typer.Option(
        "--max-per-kind", min=1, max=MAX_PER_CODE, metavar="N", help="Findings shown per kind of problem."
    ),
]


def _read_options(
    kind: Kind | None,
    sheet: str | None,
    all_sheets: bool,
    header_row: int | None,
    map_file: Path | None,
    max_per_kind: int,
    year: int | None,
    youth_from_15_25: bool,
    covers: str | None = None,
    scope: str | None = None,
    dimensions: list[str] | None = None,
    allow_unknown_areas: bool = False,
    pc4: Path | None = None,
) -> ReadOptions:
    if sheet and all_sheets:
        raise UsageError("--sheet and --all-sheets exclude each other.")
    from veilcli import api

    return api.read_options(
        kind=kind,
        sheet=sheet,
        all_sheets=all_sheets,
        header_row=header_row,
        map_file=map_file,
        max_per_code=max_per_kind,
        year=year,
        youth_from_15_25=youth_from_15_25,
        covers=covers,
        scope=scope,
        dimensions=dimensions,
        allow_unknown_areas=allow_unknown_areas,
        pc4=pc4,
    )


def stdin_as_file(paths: list[Path]) -> contextlib.AbstractContextManager[list[Path]]:
    """``-`` among the paths: standard input as a temporary file, within the size limits, removed on
    every way out (``sources.readers.standard_input_as_file``)."""
    from veilcli.sources.readers import standard_input_as_file

    return standard_input_as_file(paths)


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[str], None] | None]:
    """A live line on stderr for long work: what is being done, files done, elapsed time. Only on a
    terminal, never with --quiet (the callback is None then, and the library reports nothing)."""
    if not stderr.is_terminal or _state["quiet"]:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} done"))
    with Progress(*columns, TimeElapsedColumn(), console=stderr, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        steps = {"n": -1}

        def report(message: str) -> None:
            steps["n"] += 1
            bar.update(task, description=plain(message), completed=steps["n"])

        yield report


@app.command()
@handle_errors
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="Files or folders to check.", show_default=False)
    ],
    kind: KindOpt = None,
    sheet: SheetOpt = None,
    all_sheets: AllSheetsOpt = False,
    header_row: HeaderRowOpt = None,
    map_file: MapOpt = None,
    output: FormatOpt = TableFormat.table,
    output_file: OutputOpt = None,
    max_per_kind: MaxOpt = 5,
    year: YearOpt = None,
    youth_from_15_25: YouthOpt = False,
    dimension: DimensionOpt = None,
    allow_unknown_areas: AllowUnknownAreasOpt = False,
    pc4: Pc4Opt = None,
) -> None:
    """Read and check files without storing anything. Exit 0 valid, 1 invalid rows, 2 unreadable.

    Examples:

      veilcli validate sample_data/
      veilcli validate sample_data/almere-registraties-2017.xlsx --format json
    """
    from veilcli import api
    from veilcli.report.render import print_json, render_validation

    options = _read_options(
        kind,
        sheet,
        all_sheets,
        header_row,
        map_file,
        max_per_kind,
        year,
        youth_from_15_25,
        dimensions=dimension,
        allow_unknown_areas=allow_unknown_areas,
        pc4=pc4,
    )
    with stdin_as_file(files) as read, progress_bar() as progress:
        report = api.validate(read, options, progress)
    with output_to(output_file):
        if output is TableFormat.json:
            print_json(report.to_json_dict())
        else:
            render_validation(stdout, report, max_per_kind)
    raise typer.Exit(0 if report.valid else 1)


@app.command()
@handle_errors
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="Files or folders to store.", show_default=False)
    ],
    store: StoreOpt = None,
    kind: KindOpt = None,
    sheet: SheetOpt = None,
    all_sheets: AllSheetsOpt = False,
    header_row: HeaderRowOpt = None,
    map_file: MapOpt = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", metavar="", help="Store the valid rows; write rejected rows to a CSV."
        ),
    ] = False,
    rejected_dir: Annotated[
        Path | None,
        typer.Option("--rejected-dir", metavar="FOLDER", help="Folder for rejected-row CSVs (default: .)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", metavar="", help="Replace rows already stored from another source.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", metavar="", help="Validate and summarise; store nothing.")
    ] = False,
    output: FormatOpt = TableFormat.table,
    max_per_kind: MaxOpt = 5,
    year: YearOpt = None,
    youth_from_15_25: YouthOpt = False,
    covers: Annotated[
        str | None,
        typer.Option(
            "--covers",
            metavar="FIRST..LAST",
            help="The days the files cover, FIRST..LAST (e.g. 2013-01-01..2017-09-21); "
            "default: from the data's first and last dates.",
        ),
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope",
            metavar="CATEGORIES",
            help='The categories the files cover: "crime", "nuisance" and/or codes (1.2.3,E35); '
            "default: inferred (see README).",
        ),
    ] = None,
    dimension: DimensionOpt = None,
    allow_unknown_areas: AllowUnknownAreasOpt = False,
    pc4: Pc4Opt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            metavar="",
            help="With --skip-invalid: overwrite a <file>.rejected.csv that veilcli did not write.",
        ),
    ] = False,
) -> None:
    """Validate files and add them to the store (all or nothing; re-ingesting adds nothing).

    Examples:

      veilcli ingest sample_data/
      veilcli ingest sample_data/almere-huisverboden.csv --dry-run
    """
    from veilcli.sources.read_ahead import read_ahead

    if paths and str(paths[0]) != "-":  # the first file read and hashed on another thread meanwhile
        read_ahead(paths[0])
    from veilcli import api
    from veilcli.report.render import print_json, render_ingest, render_validation

    options = _read_options(
        kind,
        sheet,
        all_sheets,
        header_row,
        map_file,
        max_per_kind,
        year,
        youth_from_15_25,
        covers,
        scope,
        dimension,
        allow_unknown_areas,
        pc4,
    )
    with stdin_as_file(paths) as read, progress_bar() as progress:
        result = api.ingest(
            read,
            api.Store(store),
            options,
            skip_invalid=skip_invalid,
            replace=replace,
            dry_run=dry_run,
            rejected_dir=rejected_dir,
            progress=progress,
            force=force,
        )
    if output is TableFormat.json:
        print_json(result.model_dump(mode="json") | {"report": result.report.to_json_dict()})
    else:
        if not result.report.valid:
            render_validation(stdout, result.report, max_per_kind, skipped=False)  # render_ingest says
        render_ingest(stdout, result)
    if none_valid := [s for s in result.sources if s.status == "no-valid-rows"]:
        first = none_valid[0]
        stderr.print(
            line(
                ("nothing was stored:", "bold red"),
                f" {first.path} has no valid row ({first.rows_rejected:,} rejected); --skip-invalid stores "
                "the valid rows of a file, and this file has none. Check that it is the right file and "
                "that its columns are mapped as you meant (`veilcli validate` shows the findings).",
            )
        )
        raise typer.Exit(1)
    if any(s.status == "rejected" for s in result.sources):
        if dry_run:
            stderr.print(line(("dry run, invalid rows:", "bold red"), " ingest would store nothing."))
        else:
            stderr.print(
                line(
                    ("nothing was stored:", "bold red"),
                    " fix the rows above, or pass --skip-invalid to store "
                    "the valid rows and write the rejected ones to a CSV.",
                )
            )
        raise typer.Exit(1)
    if dry_run:
        info(text("dry run: nothing was stored."))


@app.command()
@handle_errors
def download(
    table: Annotated[
        str,
        typer.Argument(metavar="TABLE", help="StatLine table id, e.g. 47013NED (police) or 83765NED (CBS)."),
    ],
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area", metavar="AREA", help="Region code to keep (repeatable): GM0034, RE03, WK003401."
        ),
    ] = None,
    start: Annotated[int | None, typer.Option("--from", metavar="YEAR", help="First year to keep.")] = None,
    end: Annotated[int | None, typer.Option("--to", metavar="YEAR", help="Last year to keep.")] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="FOLDER", help="Folder for the downloaded file.")
    ] = Path("."),
    no_ingest: Annotated[
        bool, typer.Option("--no-ingest", metavar="", help="Download only; do not ingest.")
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="OData service (default: dataderden.cbs.nl for 47xxxNED, else opendata.cbs.nl).",
        ),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", metavar="", help="Ignore the download cache.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", metavar="", help="Replace a file at the download's name that veilcli did not write."
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Fetch a police or CBS table from its OData API, filtered; save it with its provenance; ingest it.

    Police tables (47xxxNED) come from dataderden.cbs.nl, other tables from opendata.cbs.nl.

    Examples:

      veilcli download 47013NED --area GM0034 --from 2017 --to 2019
      veilcli download 83765NED --area GM0034 --no-ingest --out downloads
    """
    from veilcli import api
    from veilcli.report.render import render_ingest

    result, ingested = api.download(
        table,
        out_dir,
        None if no_ingest else api.Store(store),
        areas=area or [],
        start=start,
        end=end,
        base_url=base_url,
        use_cache=not refresh,
        force=force,
    )
    for made in result.notes:
        info(text(f"note: {made.message}"))
    cached = " (from the cache)" if result.from_cache else ""
    info(text(f"downloaded {result.table}: {result.rows:,} rows in {result.pages:,} page(s){cached}"))
    info(text(f"written: {result.path} (provenance: {result.provenance.name})"))
    if ingested is not None:
        render_ingest(stdout, ingested)
        # As `ingest` does: a download none of whose rows could be stored is not a success.
        refused = [s for s in ingested.sources if s.status in ("rejected", "no-valid-rows")]
        if refused:
            stderr.print(
                line(
                    ("nothing was stored:", "bold red"),
                    f" {refused[0].path} has {refused[0].rows_rejected} invalid row(s); `veilcli validate "
                    "FILE` shows the findings, `veilcli ingest --skip-invalid FILE` stores the valid rows.",
                )
            )
            raise typer.Exit(1)


map_app = typer.Typer(
    help="Column maps (--map files) for files with unfamiliar headers.", no_args_is_help=True
)
app.add_typer(map_app, name="map")


@map_app.command("suggest")
@handle_errors
def map_suggest(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The file to map.", show_default=False)],
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write the TOML here (default: stdout)."),
    ] = None,
) -> None:
    """Suggest a --map TOML for a file: known headers, then what each column holds (check it!).

    Examples:

      veilcli map suggest sample_data/almere-huisverboden.csv
      veilcli map suggest sample_data/almere-registraties-2017.xlsx -o registraties.toml
    """
    from veilcli import api

    suggestion = api.suggest_map(file, sheet=sheet, header_row=header_row)
    toml = suggestion.to_toml()
    if out is None:
        sys.stdout.write(plain(toml))
        return
    if out.exists():
        raise UsageError(f"{out}: exists already; not overwritten.", hint="choose another --out.")
    out.write_text(toml, encoding="utf-8")
    info(text(f"written: {out} (check every line, then: veilcli ingest {file} --map {out})"))


BaselineOpt = Annotated[
    int | None,
    typer.Option(
        "--baseline", min=1990, max=2100, metavar="YEAR", help="Baseline year (default: the plan's)."
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="2019H1, 2019, 2019Q3 or 2019-05 (default: latest complete half-year).",
    ),
]
PlanOpt = Annotated[
    Path | None, typer.Option("--plan", metavar="FILE", help="Plan TOML (default: the shipped Almere plan).")
]
RulesOpt = Annotated[
    Path | None,
    typer.Option("--rules", metavar="FILE", help="Rules TOML (default: schemas/rules/default.toml)."),
]
AreaOpt = Annotated[
    str | None, typer.Option("--area", metavar="AREA", help="Area as stored (default: the plan's).")
]
RawOpt = Annotated[bool, typer.Option("--raw", metavar="", help="No corrections: registered counts only.")]
ByOpt = Annotated[CompareBy, typer.Option("--by", help="'district' adds the indicators per district (wijk).")]
ThemeOpt = Annotated[int | None, typer.Option("--theme", metavar="N", help="Only this theme number.")]
TerritoryOpt = Annotated[
    Territory,
    typer.Option(
        "--territory",
        help="A municipality that merged: auto compares on the territory of the time, across a merger on "
        "the merged territory; then: each period on its own territory; today: today's in every period.",
    ),
]


def _checked_lang(lang: str | None) -> str | None:
    """--lang: a language with a word file in schemas/words/ (else click's usage error, naming them)."""
    if lang is None:
        return None
    try:
        return check_lang(lang)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


# The --lang choices: the languages with a word file in schemas/words/ (checked when given).
_LANGS = " or ".join(shipped_languages())
LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang",
        envvar="VEILCLI_LANG",
        metavar="LANG",
        callback=_checked_lang,
        help=f"Language of labels and notes: {_LANGS} (VEILCLI_LANG).",
    ),
]
TermLangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        envvar="VEILCLI_LANG",
        metavar="LANG",
        callback=_checked_lang,
        help=f"Language of the table's words and notes: {_LANGS} (default: VEILCLI_LANG, else en).",
        show_default=False,
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", metavar="", help="Overwrite an existing file.")]
SortOpt = Annotated[
    str | None,
    typer.Option(
        "--sort",
        metavar="INDICATOR",
        help="With --area all or a group: order the areas by this indicator's rank (an indicator id).",
        show_default=False,
    ),
]


@app.command()
@handle_errors
def status(
    store: StoreOpt = None,
    output: FormatOpt = TableFormat.table,
    output_file: OutputOpt = None,
    lang: TermLangOpt = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            metavar="",
            help="Also check every stored file's sha256 against the manifest (reads every file).",
        ),
    ] = False,
) -> None:
    """Show what the store holds: sources, and coverage per kind, area and period.

    Stored files are checked against the manifest (size and schema; sha256 with --verify);
    exit 1 when one is damaged, with the list and how to repair it.

    Examples:

      veilcli status
      veilcli status --verify --lang nl
    """
    from veilcli import api
    from veilcli.report.render import print_json, render_status

    result = api.status(api.Store(store), verify=verify)
    with output_to(output_file):
        if output is TableFormat.json:
            print_json(result.model_dump(mode="json"))
        else:
            render_status(stdout, result, _lang(lang))
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
    period: PeriodOpt = None,
    baseline: BaselineOpt = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area", metavar="AREA", help="Area as stored (default: the store's one municipality)."
        ),
    ] = None,
    by: Annotated[
        NormaliseBy, typer.Option("--by", help="Rows per category, or per district and category.")
    ] = NormaliseBy.category,
    rules: RulesOpt = None,
    raw: RawOpt = False,
    store: StoreOpt = None,
    output: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    output_file: OutputOpt = None,
    lang: TermLangOpt = None,
) -> None:
    """Raw counts beside the samenloop- and internet-corrected ones, and how the change splits.

    Examples:

      veilcli normalise --period 2019H1
      veilcli normalise --period 2019H1 --by district -f csv -o normalisatie.csv
    """
    from veilcli import api
    from veilcli.report.render import print_json, render_normalise

    result = api.normalise(
        api.Store(store), period=period, baseline=baseline, area=area, by=by, rules_path=rules, raw=raw
    )
    with output_to(output_file):
        if output is DataFormat.json:
            print_json(result.to_json())
        elif output is DataFormat.csv:
            _write_csv(result.to_table())
        else:
            render_normalise(stdout, result, _lang(lang))


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
    output: Annotated[
        CompareFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output format; text: the sentences per theme for a council document (Dutch unless "
            "--lang en).",
        ),
    ] = CompareFormat.table,
    output_file: OutputOpt = None,
    lang: TermLangOpt = None,
    sort: SortOpt = None,
    territory: TerritoryOpt = Territory.auto,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            metavar="",
            help="Exit 1 when any indicator is no_data, incomplete or undetermined (for scripts).",
        ),
    ] = False,
    detail: Annotated[
        bool,
        typer.Option(
            "--detail",
            metavar="",
            help="Every figure: all periods, counts, the previous year, the underlying (corrected) figure, "
            "benchmarks and notes (default: one line per indicator).",
        ),
    ] = False,
) -> None:
    """Plan indicators in the period vs the baseline: rates, goals, benchmarks, significance.

    --area all (or a group such as g10-100000plus) compares every municipality at once: a league
    table with each area's rank (--sort INDICATOR orders the areas by it).

    Examples:

      veilcli compare --period 2019H1
      veilcli compare --period 2019H1 --detail --lang nl -o vergelijking.txt
    """
    from veilcli import api

    if api.is_league(area):
        api.Selection(area=area, by=by, theme=theme).check_league_or_area()  # no --by district, --theme
        if output is CompareFormat.text:
            raise UsageError(
                "--format text writes the sentences of one area.", hint="use --area NAME, or --format table."
            )
        _league(
            api.Store(store),
            area,
            period,
            baseline,
            plan,
            rules,
            sort,
            territory,
            DataFormat(output),
            output_file,
            _lang(lang),
        )
        return

    result = api.compare(
        api.Store(store),
        period=period,
        baseline=baseline,
        plan_path=plan,
        rules_path=rules,
        area=area,
        raw=raw,
        by=by,
        theme=theme,
        lang=_lang(lang),
        territory=territory,
    )
    with output_to(output_file):
        if output is CompareFormat.json:
            print(json_text(result.model_dump_json(indent=2)))
        elif output is CompareFormat.csv:
            _write_csv(result.to_table())
        elif output is CompareFormat.text:  # for the council: Dutch unless asked otherwise
            sys.stdout.write(
                plain(api.compare_text(api.Store(store), lang=_lang(lang) if lang else "nl", result=result))
            )
        else:
            from veilcli.report.render_compare import render_compare  # rich tables: not for json/csv

            render_compare(stdout, result, result.themes, _lang(lang), detail=detail)
    unsettled = result.unsettled()
    if strict and unsettled:
        stderr.print(
            text(f"--strict: {len(unsettled)} indicator(s) without a settled status: {', '.join(unsettled)}")
        )
        raise typer.Exit(1)


def _lang(lang: Lang | None) -> Lang:
    """The terminal's language: --lang, else VEILCLI_LANG (typer reads it), else English."""
    return lang or DEFAULT_LANG


def _league(
    store: Store,
    selection: str,
    period: str | None,
    baseline: int | None,
    plan: Path | None,
    rules: Path | None,
    sort: str | None,
    territory: Territory,
    output: DataFormat,
    output_file: Path | None,
    lang: Lang = "en",
) -> None:
    from veilcli import api
    from veilcli.report.render_league import render_league

    result = api.league(
        store,
        selection,
        period=period,
        baseline=baseline,
        plan_path=plan,
        rules_path=rules,
        sort=sort,
        territory=territory,
    )
    with output_to(output_file):
        if output is DataFormat.json:
            print(json_text(result.model_dump_json(indent=2)))
        elif output is DataFormat.csv:
            _write_csv(result.to_table())
        else:
            render_league(stdout, result, lang)


class TrendUnit(StrEnum):
    """Periods of a trend."""

    H = "H"
    Q = "Q"
    M = "M"
    Y = "Y"


@app.command()
@handle_errors
def trend(
    indicators: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="INDICATOR", help="Indicator ids of the plan (default: all).", show_default=False
        ),
    ] = None,
    by: Annotated[
        TrendUnit, typer.Option("--by", help="Periods: H half-years, Q quarters, M months, Y years.")
    ] = (TrendUnit.H),
    plan: PlanOpt = None,
    area: AreaOpt = None,
    raw: RawOpt = False,
    rules: RulesOpt = None,
    store: StoreOpt = None,
    output: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    output_file: OutputOpt = None,
    territory: TerritoryOpt = Territory.auto,
    lang: TermLangOpt = None,
) -> None:
    """Indicators over every period in the store: registered and underlying, with bars.

    Examples:

      veilcli trend woninginbraak straatroof
      veilcli trend --by Y -f csv -o trend.csv
    """
    from veilcli import api
    from veilcli.report.render_trend import render_trend

    result = api.trend(
        api.Store(store),
        indicators or None,
        unit=by.value,
        area=area,
        plan_path=plan,
        rules_path=rules,
        raw=raw,
        territory=territory,
    )
    with output_to(output_file):
        if output is DataFormat.json:
            print(json_text(result.model_dump_json(indent=2)))
        elif output is DataFormat.csv:
            _write_csv(result.to_table())
        else:
            render_trend(stdout, result, _lang(lang))


def _command_line() -> str:
    """The command as typed, for provenance."""
    return " ".join(["veilcli", *sys.argv[1:]])


@app.command()
@handle_errors
def export(
    what: Annotated[
        ExportFormat,
        typer.Argument(
            metavar="FORMAT", help="xlsx: a report workbook; csv: a folder of CSVs; json: one file."
        ),
    ],
    out: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="The .xlsx file, the CSV folder, or the .json file.", show_default=False
        ),
    ],
    baseline: BaselineOpt = None,
    period: PeriodOpt = None,
    plan: PlanOpt = None,
    rules: RulesOpt = None,
    area: AreaOpt = None,
    raw: RawOpt = False,
    by: ByOpt = CompareBy.area,
    theme: ThemeOpt = None,
    lang: LangOpt = "nl",
    force: ForceOpt = False,
    store: StoreOpt = None,
    sort: SortOpt = None,
    territory: TerritoryOpt = Territory.auto,
) -> None:
    """The comparison as a report workbook, or its tables as CSV files or JSON for scripts.

    The workbook: an overview, a sheet with charts per theme, normalisation, districts, sources.

    --area all (or a group such as g10-100000plus) exports the league table of every municipality:
    a workbook with a sheet per indicator (--sort INDICATOR orders the areas by its rank).

    Examples:

      veilcli export xlsx rapport.xlsx --period 2019H1
      veilcli export csv tabellen --period 2019H1 --lang en
    """
    from veilcli import api

    written = api.export(
        api.Store(store),
        what,
        out,
        force=force,
        lang=lang,
        command=_command_line(),
        sort=sort,
        period=period,
        baseline=baseline,
        plan_path=plan,
        rules_path=rules,
        area=area,
        raw=raw,
        by=by,
        theme=theme,
        territory=territory,
    )
    for path in written:
        info(text(f"written: {path}"))


report_app = typer.Typer(help="Reports for people: a self-contained HTML document.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("html")
@handle_errors
def report_html(
    out: Annotated[Path, typer.Argument(metavar="FILE", help="The .html file to write.", show_default=False)],
    baseline: BaselineOpt = None,
    period: PeriodOpt = None,
    plan: PlanOpt = None,
    rules: RulesOpt = None,
    area: AreaOpt = None,
    raw: RawOpt = False,
    by: ByOpt = CompareBy.area,
    theme: ThemeOpt = None,
    lang: LangOpt = "nl",
    force: ForceOpt = False,
    no_trend: Annotated[
        bool, typer.Option("--no-trend", metavar="", help="Leave the trend charts out.")
    ] = False,
    store: StoreOpt = None,
    sort: SortOpt = None,
    territory: TerritoryOpt = Territory.auto,
    geometry: Annotated[
        Path | None,
        typer.Option(
            "--geometry",
            metavar="FILE",
            help="A map file (CBS wijk- en buurtkaart as GeoJSON, GeoPackage or CSV with WKT): a map per "
            "indicator of the districts (--by district) or of the municipalities (--area all).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The comparison as one self-contained HTML report.

    Per theme and indicator: registered and underlying figures, charts against the benchmarks and over
    time, notes, districts, sources.

    --area all (or a group such as g10-100000plus) writes the league table of every municipality
    instead: per indicator each area's values, change, status and rank (--sort INDICATOR).
    --geometry FILE adds a map of the wijken (with --by district) or of the municipalities.

    Examples:

      veilcli report html rapport.html --period 2019H1
      veilcli report html wijken.html --period 2019H1 --by district --lang en
    """
    from veilcli import api

    written = api.report_html(
        api.Store(store),
        out,
        force=force,
        command=_command_line(),
        lang=lang,
        with_trend=not no_trend,
        sort=sort,
        geometry=geometry,
        period=period,
        baseline=baseline,
        plan_path=plan,
        rules_path=rules,
        area=area,
        raw=raw,
        by=by,
        theme=theme,
        territory=territory,
    )
    info(text(f"written: {written}"))


@app.command()
@handle_errors
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FOLDER", help="Write the JSON Schemas into this folder.")
    ] = None,
) -> None:
    """List accepted columns per dataset kind, or write the JSON Schemas (--out schemas/).

    Examples:

      veilcli schema
      veilcli schema --out schemas
    """
    from veilcli import api

    if out is not None:
        for path in api.write_schemas(out):
            stdout.print(text(str(path)), soft_wrap=True)
        return
    for kind, specs in api.accepted_columns().items():
        stdout.print(text(kind.value, "bold"))
        for spec in specs:
            need = "required" if spec.required else "optional"
            stdout.print(text(f"  {spec.name:<16} {spec.parser:<8} {need:<8} {', '.join(spec.aliases[1:])}"))


def _write_csv(frame: pl.DataFrame) -> None:
    """CSV on stdout: formula-safe like every CSV veilcli writes, control characters escaped."""
    from veilcli.files.spreadsheet_safety import csv_text

    sys.stdout.write(plain(csv_text(frame, quote_text=False)))


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM ends the command like an exception: temporary files are removed, locks released."""
    raise SystemExit(128 + signum)


def hold_closed_streams() -> list[int]:
    """Put ``/dev/null`` on standard file descriptors 0-2 that were closed at start-up (``>&-``,
    ``2>&-``, ``<&-``); the numbers that were closed.

    A closed descriptor is the lowest free number: the next file veilcli opened (a Parquet file,
    the manifest) would take it, and whatever a library writes to "standard error" (a polars
    warning, a Rust panic) would land in that file.
    """
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:  # pragma: no cover - only when a lower number is closed and not held
                os.dup2(null, fd)
                os.close(null)
    return closed


def main() -> None:
    """Console-script entry point."""
    # First thing, before any command imports polars: jemalloc reads its settings when polars loads.
    tune_allocators()
    tune_collector()  # already done by the console script; here for callers of this function
    closed = hold_closed_streams()
    if sys.stdout is None or 1 in closed:
        # Like a broken pipe: the command's output would be lost, so it does not run at all.
        stderr.print(line(("error:", "bold red"), " standard output is closed (>&-): nothing was done."))
        stderr.print(text("  hint: send the output to a file (> out.txt) or throw it away (> /dev/null)."))
        raise SystemExit(2)
    # A closed standard input reads as empty (`ingest -` says so) and a closed standard error takes
    # the messages away, as /dev/null would: never an AttributeError on None.
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminate)
    sys.stdout, sys.stderr = _buffered(sys.stdout), _buffered(sys.stderr)
    before = _identity(1)
    try:
        args = hoist_global_flags(sys.argv[1:])
        only_the_command(app, args)(args=args, prog_name="veilcli")
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    if _output_went_away(before) and code != 2:
        # click (help, usage) and rich (typer's help console) end a broken pipe with a silent exit 1
        stderr.print(line(("error:", "bold red"), " ", OUTPUT_CLOSED))
        code = 2
    spare_the_exit_collection()
    raise SystemExit(code)


def _buffered(stream: Any) -> Any:
    """``stream`` over a buffered writer where it writes straight to its file (``PYTHONUNBUFFERED``,
    ``python -u``): there a write the pipe or disk takes only in part (a full pipe whose reader
    leaves, a full disk) is dropped without an error, and the output would end short with exit 0.
    A buffered writer writes the rest or raises. Flushed at every line, as unbuffered output is."""
    import io

    if not isinstance(getattr(stream, "buffer", None), io.FileIO):
        return stream
    return io.TextIOWrapper(
        io.BufferedWriter(stream.buffer),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=True,
    )


def _identity(fd: int) -> tuple[int, int] | None:
    """The device and inode of an open descriptor (None when it cannot be told)."""
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _output_went_away(before: tuple[int, int] | None) -> bool:
    """Whether standard output's reader went away while the command wrote (a broken pipe): click
    then wraps ``sys.stdout`` to ignore it, rich and veilcli point fd 1 at ``/dev/null``, or the last
    flush fails now (then fd 1 is pointed there, so the interpreter's own flush cannot fail)."""
    if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's, vendored by typer: by name
        return True
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence(1)
        return True
    except (OSError, ValueError):  # pragma: no cover - another failure of the last write
        return False
    try:
        null = os.stat(os.devnull)
    except OSError:  # pragma: no cover
        return False
    now = _identity(1)
    return before is not None and now != before and now == (null.st_dev, null.st_ino)


def only_the_command(typer_app: typer.Typer, args: list[str]) -> typer.Typer:
    """``typer_app`` with only the command (or group) ``args`` invoke, where they name one.

    typer turns every command's signature into click parameters on each run (evaluating each
    annotation, ~35 ms for veilcli's commands); one command's are enough. The whole app where
    the arguments name none (``--help``, a typo: click lists them all or suggests one) and for
    shell completion, which lists the commands.
    """
    name = next((a for a in args if a not in GLOBAL_FLAGS), None)
    if name is None or any(key.endswith("_COMPLETE") for key in os.environ):
        return typer_app
    commands = [
        c
        for c in typer_app.registered_commands
        if c.callback is not None and (c.name or typer.main.get_command_name(c.callback.__name__)) == name
    ]
    groups = [g for g in typer_app.registered_groups if g.name == name]
    if not commands and not groups:
        return typer_app
    pruned = copy.copy(typer_app)
    pruned.registered_commands, pruned.registered_groups = commands, groups
    return pruned


def hoist_global_flags(args: list[str]) -> list[str]:
    """Move ``--debug``/``--quiet`` written after the subcommand to the front, where the root takes
    them (``veilcli compare --debug`` works like ``veilcli --debug compare``); not after ``--``."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in GLOBAL_FLAGS]
    rest = [a for a in args[:end] if a not in GLOBAL_FLAGS]
    return flags + rest + args[end:]


if __name__ == "__main__":  # pragma: no cover
    main()

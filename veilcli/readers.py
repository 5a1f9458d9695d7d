"""Read xlsx, csv and parquet files into all-text polars frames, as real exports look.

Everything is read as text (never ``try_parse_dates``: it turns the code ``1.2.3`` into a
date); typed parsing happens in one vectorised place, ``parsing.py``. Readers find the header
row under title/notes rows, and number rows as the user sees them in the spreadsheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from veilcli.columns import header_score, normalise_header
from veilcli.errors import InputError

ROW = "__row"  # spreadsheet row number as the user sees it
HEADER_SEARCH_ROWS = 30
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".parquet")


@dataclass
class RawTable:
    """One table read from a file: text columns plus the ``__row`` column."""

    frame: pl.DataFrame
    path: Path
    format: str
    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        """Column headers as written in the file."""
        return [c for c in self.frame.columns if c != ROW]


def _find_header_row(rows: list[list[str | None]], path: Path, extra: set[str] | None, where: str) -> int:
    """Index (0-based) of the row that looks most like a header."""
    best, best_score = -1, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells, extra)
        if score > best_score:
            best, best_score = index, score
    if not _is_header_score(best_score, extra):
        raise _no_header_error(path, where)
    return best


def _is_header_score(score: int, extra: set[str] | None) -> bool:
    return score >= 2 or (score >= 1 and bool(extra))


def _no_header_error(path: Path, where: str) -> InputError:
    return InputError(
        f"{path}{where}: no header row found in rows 1-{HEADER_SEARCH_ROWS} "
        "(no row has at least two known column names).",
        hint="pass --header-row N, or --map FILE to name the columns (see `veilcli schema`).",
    )


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Dutch Excel on Windows saves "CSV" in Windows-1252; latin-1 never fails as a last resort.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _sniff_csv(head: str, path: Path, header_row: int | None, extra: set[str] | None) -> tuple[str, int]:
    """Pick the delimiter and header line from the first lines of a text file."""
    lines = head.splitlines()[:HEADER_SEARCH_ROWS]
    best: tuple[int, str, int] | None = None
    for delimiter in (";", ",", "\t", "|"):
        rows = [r for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
        rows = [r if r else [] for r in rows]
        if header_row is not None:
            index = header_row - 1
            width = len(rows[index]) if index < len(rows) else 0
            score = width
        else:
            scores = [header_score(list(r), extra) for r in rows]
            score = max(scores, default=0)
            index = scores.index(score) if score else -1
        if best is None or score > best[0]:
            best = (score, delimiter, index)
    assert best is not None
    score, delimiter, index = best
    if header_row is None and not _is_header_score(score, extra):
        raise _no_header_error(path, "")
    return delimiter, index


def _read_csv(path: Path, header_row: int | None, extra: set[str] | None) -> RawTable:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputError(
            f"{path}: this is not a text file (binary content).",
            hint="csv files must be text; for workbooks use the .xlsx extension.",
        )
    text, encoding = _decode(data)
    delimiter, index = _sniff_csv(text[:200_000], path, header_row, extra)
    # polars reads UTF-8 itself (fast path); other encodings are handed over re-encoded.
    source: bytes | Path = path if encoding == "utf-8" else text.encode("utf-8")
    try:
        frame = pl.read_csv(
            source,
            separator=delimiter,
            skip_rows=index,
            has_header=True,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc}).") from exc
    frame = _with_row_numbers(frame, first_data_row=index + 2)
    return RawTable(frame, path, "csv", header_row=index + 1, encoding=encoding, delimiter=delimiter)


def _with_row_numbers(frame: pl.DataFrame, first_data_row: int) -> pl.DataFrame:
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    return frame.with_row_index(ROW, offset=first_data_row).with_columns(pl.col(ROW).cast(pl.Int64))


def _excel_reader(path: Path):  # type: ignore[no-untyped-def]
    import fastexcel

    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise InputError(
            f"{path}: cannot be opened as an Excel workbook ({exc}).",
            hint="check that it is a real .xlsx (not a renamed csv or an old .xls: "
            "save it as .xlsx in Excel).",
        ) from exc


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook."""
    return list(_excel_reader(path).sheet_names)


def _read_sheet(path: Path, sheet: str, header_row: int | None, extra: set[str] | None) -> RawTable:
    reader = _excel_reader(path)
    if sheet not in reader.sheet_names:
        raise InputError(
            f"{path}: no sheet named {sheet!r}.",
            hint=f"the sheets are: {', '.join(reader.sheet_names)}; pass --sheet NAME.",
        )
    where = f" (sheet {sheet!r})"
    if header_row is None:
        head = reader.load_sheet(
            sheet, header_row=None, n_rows=HEADER_SEARCH_ROWS, dtypes="string"
        ).to_polars()
        rows = [list(r) for r in head.iter_rows()]
        if not rows:
            raise InputError(f"{path}{where}: the sheet is empty.")
        index = _find_header_row(rows, path, extra, where)
    else:
        index = header_row - 1
    try:
        frame = reader.load_sheet(sheet, header_row=index, dtypes="string").to_polars()
    except Exception as exc:
        raise InputError(f"{path}{where}: cannot read the sheet ({exc}).") from exc
    frame = _with_row_numbers(frame, first_data_row=index + 2)
    return RawTable(frame, path, "xlsx", sheet=sheet, header_row=index + 1)


def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise InputError(f"{path}: cannot be read as Parquet ({exc}).") from exc
    # Typed Parquet columns go through the same text parsers as everything else.
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)
    return RawTable(_with_row_numbers(frame, first_data_row=1), path, "parquet")


def read_tables(
    path: Path,
    sheet: str | None = None,
    all_sheets: bool = False,
    header_row: int | None = None,
    header_hints: list[str] | None = None,
) -> list[RawTable]:
    """Read one file into raw text tables (one per sheet read)."""
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; pass files, or use `veilcli ingest FOLDER`.")
    extra = {normalise_header(h) for h in header_hints or []}
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        names = sheet_names(path)
        chosen = names if all_sheets else [sheet or names[0]]
        return [_read_sheet(path, name, header_row, extra) for name in chosen]
    if sheet is not None:
        raise InputError(f"{path}: --sheet only applies to .xlsx workbooks.")
    if suffix in (".csv", ".txt", ".tsv"):
        return [_read_csv(path, header_row, extra)]
    if suffix == ".parquet":
        return [_read_parquet(path)]
    if suffix == ".xls":
        raise InputError(
            f"{path}: old Excel .xls files are not supported.",
            hint="open it in Excel or LibreOffice and save it as .xlsx.",
        )
    raise InputError(
        f"{path}: unsupported file type {suffix or '(none)'}.",
        hint="veilcli reads .xlsx, .csv (also .txt/.tsv) and .parquet.",
    )


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus the supported files inside given folders (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(f"{path}: no .xlsx, .csv or .parquet files in this folder.")
            files.extend(found)
        elif not path.exists():
            raise InputError(f"{path}: file not found.")
        else:
            files.append(path)
    return files

"""Read xlsx, csv and parquet files into all-text polars frames, as real exports look.

Everything is read as text (never ``try_parse_dates``: it turns the code ``1.2.3`` into a
date); typed parsing happens in one vectorised place, ``parsing.py``. Readers find the header
row under title/notes rows, and number rows as the user sees them in the spreadsheet.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl
from fastexcel import ExcelReader

from veilcli.columns import header_score, is_personal, normalise_header
from veilcli.errors import InputError

ROW = "__row"  # spreadsheet row number as the user sees it
HEADER_SEARCH_ROWS = 30
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".parquet", ".json")


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
    sha256: str = ""  # of the file's bytes
    dropped_personal: list[str] = field(default_factory=list)  # headers dropped when read
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. the OData ``odata.metadata`` URL

    @property
    def headers(self) -> list[str]:
        """Column headers as written in the file (personal columns already dropped)."""
        return [c for c in self.frame.columns if c != ROW]

    def drop_personal_columns(self) -> None:
        """Drop columns that identify people, so they never reach validation, rejects or the store."""
        personal = [h for h in self.headers if is_personal(h)]
        if personal:
            self.frame = self.frame.drop(personal)
            self.dropped_personal.extend(personal)


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


def _detect_encoding(data: bytes) -> str:
    """utf-8-sig, utf-8, else Windows-1252 (Dutch Excel's "CSV"), else latin-1 (never fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # only a character cut off at the end of the sample
    return True


def _parse_csv(source: bytes, delimiter: str, skip: int) -> pl.DataFrame:
    return pl.read_csv(
        source,
        separator=delimiter,
        skip_rows=skip,
        has_header=True,
        infer_schema=False,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )


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
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        head_bytes = data[:200_000]
        encoding = "utf-8" if _is_utf8(head_bytes) else _detect_encoding(data)
    head = (
        data[:200_000].decode("utf-8-sig", errors="ignore")
        if encoding.startswith("utf-8")
        else data[:200_000].decode(encoding)
    )
    delimiter, index = _sniff_csv(head, path, header_row, extra)
    try:
        # UTF-8 goes to polars as is (it skips a BOM and rejects invalid UTF-8 itself).
        frame = _parse_csv(
            data if encoding.startswith("utf-8") else data.decode(encoding).encode(), delimiter, index
        )
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower():
            raise InputError(f"{path}: cannot be read as CSV ({exc}).") from exc
        encoding = _detect_encoding(data)  # not UTF-8 after all, beyond the first lines
        frame = _parse_csv(data.decode(encoding).encode(), delimiter, index)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc}).") from exc
    frame = _with_row_numbers(frame, first_data_row=index + 2)
    return RawTable(
        frame,
        path,
        "csv",
        header_row=index + 1,
        encoding=encoding,
        delimiter=delimiter,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _with_row_numbers(frame: pl.DataFrame, first_data_row: int) -> pl.DataFrame:
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    return frame.with_row_index(ROW, offset=first_data_row).with_columns(pl.col(ROW).cast(pl.Int64))


def _excel_reader(path: Path) -> ExcelReader:
    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise InputError(
            f"{path}: cannot be opened as an Excel workbook ({exc}).",
            hint="check that it is a real .xlsx (not a renamed csv or an old .xls: "
            "save it as .xlsx in Excel).",
        ) from exc


class EmptySheet(InputError):
    """A sheet without any cell (skipped when reading every sheet)."""


def _sheet_xml_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="ignore")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="ignore")
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
        if name and rid and html.unescape(name.group(1)) == sheet:
            for rel in re.findall(r"<Relationship\b[^>]*>", rels):
                if f'Id="{rid.group(1)}"' in rel:
                    target = re.search(r'Target="([^"]*)"', rel)
                    if target:
                        value = target.group(1).lstrip("/")
                        return value if value.startswith("xl/") else f"xl/{value}"
    return None


def _first_filled_row(path: Path, sheet: str) -> int:
    """Spreadsheet row number of the first cell with a value (calamine drops empty rows above it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_xml_path(archive, sheet)
            if member is None:
                return 1
            with archive.open(member) as stream:
                buffer = ""
                while chunk := stream.read(1 << 16):
                    buffer = buffer[-200:] + chunk.decode("utf-8", errors="ignore")
                    # A cell element with content (not self-closing) holds a value.
                    match = re.search(r'<c\b[^>]*\br="[A-Z]+(\d+)"[^>]*(?<!/)>', buffer)
                    if match:
                        return int(match.group(1))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        pass
    return 1


def _header_names(cells: tuple[object, ...]) -> list[str]:
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"column_{position}"
        while name in names:
            name = f"{name}_{position}"
        names.append(name)
    return names


def _read_sheet(
    reader: ExcelReader, path: Path, sheet: str, header_row: int | None, extra: set[str] | None
) -> RawTable:
    if sheet not in reader.sheet_names:
        raise InputError(
            f"{path}: no sheet named {sheet!r}.",
            hint=f"the sheets are: {', '.join(reader.sheet_names)}; pass --sheet NAME.",
        )
    where = f" (sheet {sheet!r})"
    try:
        raw = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise InputError(f"{path}{where}: cannot read the sheet ({exc}).") from exc
    if raw.height == 0:
        raise EmptySheet(f"{path}{where}: the sheet is empty.", hint="pass --sheet NAME for another sheet.")
    offset = _first_filled_row(path, sheet) - 1
    if header_row is None:
        index = _find_header_row(
            [list(r) for r in raw.head(HEADER_SEARCH_ROWS).iter_rows()], path, extra, where
        )
    else:
        index = header_row - 1 - offset
        if not 0 <= index < raw.height:
            raise InputError(f"{path}{where}: --header-row {header_row} is outside the filled rows.")
    names = _header_names(raw.row(index))
    frame = raw.slice(index + 1).rename(dict(zip(raw.columns, names, strict=True)))
    unnamed_empty = [n for n in names if n.startswith("column_") and frame[n].null_count() == frame.height]
    frame = _with_row_numbers(frame.drop(unnamed_empty), first_data_row=offset + index + 2)
    return RawTable(frame, path, "xlsx", sheet=sheet, header_row=offset + index + 1)


def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise InputError(f"{path}: cannot be read as Parquet ({exc}).") from exc
    # Typed Parquet columns go through the same text parsers as everything else.
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)
    return RawTable(_with_row_numbers(frame, first_data_row=1), path, "parquet")


def _read_json(path: Path) -> RawTable:
    """An OData document (``{"odata.metadata": ..., "value": [...]}``) or a JSON array of records.

    Rows are numbered 1, 2, ... in the order of the records.
    """
    data = path.read_bytes()
    head = data[:4096].decode("utf-8", errors="ignore")
    metadata: dict[str, str] = {}
    match = re.search(r'"odata\.metadata"\s*:\s*"([^"]*)"', head)
    if match:
        metadata["odata.metadata"] = match.group(1)
    try:
        frame = pl.read_json(io.BytesIO(data), infer_schema_length=None)
    except Exception as exc:  # polars raises several error types for malformed JSON
        raise InputError(
            f"{path}: cannot be read as JSON ({exc}).",
            hint="veilcli reads an OData TypedDataSet document or a JSON array of records.",
        ) from exc
    if "value" in frame.columns and frame.height == 1:
        if "odata.nextLink" in frame.columns and frame["odata.nextLink"][0]:
            metadata["odata.nextLink"] = str(frame["odata.nextLink"][0])
        if frame.schema["value"] == pl.List(pl.Null) or frame["value"].list.len()[0] == 0:
            raise InputError(f"{path}: the OData document has no rows ('value' is empty).")
        if not isinstance(frame.schema["value"], pl.List) or not isinstance(
            frame.schema["value"].inner, pl.Struct
        ):
            raise InputError(f"{path}: 'value' is not a list of records.")
        frame = frame.select(pl.col("value").explode()).unnest("value")
    elif any(isinstance(t, (pl.List, pl.Struct)) for t in frame.schema.values()):
        raise InputError(
            f"{path}: not a table of records (nested values).",
            hint="veilcli reads an OData TypedDataSet document or a JSON array of flat records.",
        )
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)
    return RawTable(
        _with_row_numbers(frame, first_data_row=1),
        path,
        "json",
        sha256=hashlib.sha256(data).hexdigest(),
        metadata=metadata,
    )


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
    if suffix in (".csv", ".txt", ".tsv", ".json"):
        if sheet is not None:
            raise InputError(f"{path}: --sheet only applies to .xlsx workbooks.")
        # These readers hash the bytes they read.
        table = _read_json(path) if suffix == ".json" else _read_csv(path, header_row, extra)
        table.drop_personal_columns()
        return [table]
    if suffix in (".xlsx", ".xlsm"):
        reader = _excel_reader(path)
        chosen = reader.sheet_names if all_sheets else [sheet or reader.sheet_names[0]]
        tables = []
        for name in chosen:
            try:
                tables.append(_read_sheet(reader, path, name, header_row, extra))
            except EmptySheet:
                if not all_sheets:
                    raise  # the one sheet asked for is empty: say so
        if not tables:
            raise InputError(f"{path}: every sheet is empty.")
    elif suffix == ".parquet" and sheet is None:
        tables = [_read_parquet(path)]
    elif sheet is not None:
        raise InputError(f"{path}: --sheet only applies to .xlsx workbooks.")
    elif suffix == ".xls":
        raise InputError(
            f"{path}: old Excel .xls files are not supported.",
            hint="open it in Excel or LibreOffice and save it as .xlsx.",
        )
    else:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'}.",
            hint="veilcli reads .xlsx, .csv (also .txt/.tsv), .json (OData) and .parquet.",
        )
    digest = file_sha256(path)
    for table in tables:
        table.sha256 = digest
        table.drop_personal_columns()
    return tables


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
                raise InputError(f"{path}: no .xlsx, .csv, .json or .parquet files in this folder.")
            files.extend(found)
        elif not path.exists():
            raise InputError(f"{path}: file not found.")
        else:
            files.append(path)
    return files

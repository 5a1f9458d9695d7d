"""`veilcli map suggest`: a ``--map`` TOML for a file whose headers veilcli does not know.

Headers that match an alias keep their mapping. For the others the column's *content* is read
(a sample of up to ``SAMPLE`` values): a column of police category codes (``1.2.3``, ``A72``,
``E35``) is a category, a column of dates a date, a column of area names or codes an area, of
reporting-channel words a channel, of period labels a period, a unique one an id, whole numbers a
count or an age. Every line of the suggestion says why, and the user checks it: ingest never uses
an inferred mapping by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from veilcli.domain.classification import normalise_code, registration_codes
from veilcli.domain.models import Kind
from veilcli.domain.periods import period_expr
from veilcli.domain.resources import area_lookup
from veilcli.errors import InputError
from veilcli.sources.columns import column_specs, match_columns
from veilcli.sources.files import check_regular_file
from veilcli.sources.parsing import channel_expr, date_expr, integer_expr
from veilcli.sources.readers import read_tables
from veilcli.sources.table import ROW, RawTable

SAMPLE = 2000
SHARE = 0.9  # of the non-empty sampled values that must fit
HEADER_ROWS_TRIED = 10


@dataclass
class Guess:
    """One canonical column, the header it is taken from and why."""

    column: str
    header: str
    reason: str


@dataclass
class MapSuggestion:
    """A suggested column map for one file."""

    path: Path
    kind: Kind | None
    header_row: int | None
    guesses: list[Guess] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)

    def to_toml(self) -> str:
        """The suggestion as a ``--map`` file, every line with its reason."""
        lines = [
            f"# veilcli map suggest: inferred from {self.path.name}. Check every line before you use it:",
            "#   veilcli ingest FILE --map THIS_FILE",
        ]
        if self.kind is not None:
            lines.append(f'kind = "{self.kind.value}"')
        else:
            lines.append('# kind = "registrations"   # could not tell: set it')
        if self.header_row is not None:
            lines.append(f"header_row = {self.header_row}")
        lines.append("[columns]")
        for g in self.guesses:
            lines.append(f"{g.column} = {_toml_string(g.header)}   # {g.reason}")
        for header in self.unused:
            lines.append(f"# not used: {_toml_string(header)}")
        return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _candidates(path: Path, sheet: str | None, header_row: int | None) -> list[RawTable]:
    """The table read with the given header row, or with each of the first rows as the header."""
    check_regular_file(path)  # a missing file is said as such, not as "no header"
    if header_row is not None:
        return [read_tables(path, sheet, header_row=header_row)[0]]
    tables = []
    for row in range(1, HEADER_ROWS_TRIED + 1):
        try:
            tables.append(read_tables(path, sheet, header_row=row)[0])
        except InputError:
            continue
    if not tables:
        raise InputError(f"{path}: no row in the first {HEADER_ROWS_TRIED} reads as a header.")
    return tables


def _share(values: pl.Series, fits: pl.Series) -> float:
    return float(fits.sum()) / values.len() if values.len() else 0.0


def _content_guesses(sample: pl.DataFrame, taken: set[str]) -> dict[str, Guess]:
    """Canonical column -> guess, from what the free columns hold."""
    known_codes, _ = registration_codes()
    areas = set(area_lookup())
    found: dict[str, Guess] = {}
    for header in sample.columns:
        if header in taken:
            continue
        values = sample[header].drop_nulls().str.strip_chars()
        values = values.filter(values != "")
        if values.len() == 0:
            continue
        frame = values.to_frame("v")

        def fits(expr: pl.Expr, frame: pl.DataFrame = frame) -> pl.Series:
            return frame.select(expr.is_not_null().alias("ok"))["ok"]

        codes = frame.select(normalise_code(pl.col("v")).is_in(list(known_codes)).alias("ok"))["ok"]
        checks = [
            ("category_code", _share(values, codes), "police category codes"),
            ("channel", _share(values, fits(channel_expr(pl.col("v")))), "reporting-channel words"),
            ("period", _share(values, fits(period_expr(pl.col("v")))), "period labels"),
            ("date", _share(values, fits(date_expr(pl.col("v")))), "dates"),
            (
                "municipality",
                _share(values, values.str.replace_all(r"\s+", " ").str.to_lowercase().is_in(list(areas))),
                "known area names or codes",
            ),
        ]
        for column, share, what in checks:
            if share >= SHARE and column not in found:
                found[column] = Guess(column, header, f"{share:.0%} of the values are {what}")
                break
        else:
            numbers = frame.select(integer_expr(pl.col("v")).alias("n"))["n"]
            whole = _share(values, numbers.is_not_null()) >= SHARE
            if values.n_unique() == values.len():
                found.setdefault("registration_id", Guess("registration_id", header, "unique in every row"))
            if whole and numbers.drop_nulls().is_between(0, 110).all():
                found.setdefault("age", Guess("age", header, "whole numbers between 0 and 110"))
            if whole:
                found.setdefault("count", Guess("count", header, "whole numbers"))
    return found


# The same thing under another name in another kind: a municipality column is a counts "area".
SAME_AS = {"area": "municipality", "municipality": "area"}


def _pick_kind(columns: set[str]) -> Kind | None:
    """The first kind whose required columns the guesses all fill."""
    for kind in (Kind.registrations, Kind.suspects, Kind.counts, Kind.population):
        required = {s.name for s in column_specs(kind) if s.required}
        if all(c in columns or SAME_AS.get(c) in columns for c in required):
            return kind
    return None


def _guesses(table: RawTable) -> dict[str, Guess]:
    """Known headers first, then what the other columns hold."""
    by_header: dict[str, Guess] = {}
    for each in Kind:
        for column, header in match_columns(table.headers, each).items():
            by_header.setdefault(column, Guess(column, header, "the header is a known name for it"))
    taken = {g.header for g in by_header.values()}
    sample = table.frame.drop(ROW).head(SAMPLE)
    return {**_content_guesses(sample, taken), **by_header}


def suggest_map(path: Path, sheet: str | None = None, header_row: int | None = None) -> MapSuggestion:
    """Read a file and suggest its column map. Without ``header_row`` each of the first rows is
    tried as the header; the one under which most columns are recognised wins (the first on a tie)."""
    scored = [(t, _guesses(t)) for t in _candidates(path, sheet, header_row)]
    table, guesses = max(scored, key=lambda tg: (len(tg[1]), -(tg[0].header_row or 0)))
    headers = table.headers
    kind = _pick_kind(set(guesses))
    if kind is not None:
        allowed = {s.name for s in column_specs(kind)}
        for column in allowed:
            other = SAME_AS.get(column)
            if column not in guesses and other in guesses:
                guesses[column] = Guess(column, guesses[other].header, guesses[other].reason)
        guesses = {c: g for c, g in guesses.items() if c in allowed}
        if kind is Kind.suspects or kind is Kind.registrations:
            guesses.pop("count", None)
    chosen = sorted(guesses.values(), key=lambda g: headers.index(g.header))
    used = {g.header for g in chosen}
    return MapSuggestion(
        path=path,
        kind=kind,
        header_row=table.header_row,
        guesses=chosen,
        unused=[h for h in headers if h not in used],
    )

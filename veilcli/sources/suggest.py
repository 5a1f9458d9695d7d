"""`veilcli map suggest`: a ``--map`` TOML you can trust, for a file veilcli reads through its columns.

A map it writes validates and is right, or it says which columns it could not decide:

1. **The header row as the readers find it** (the row with the most known column names among the
   first 30); only where no row has two known names, the row among the first ``HEADER_ROWS_TRIED``
   that looks most like a header (filled with distinct words, not numbers or dates, over rows as
   wide). The map always names the row it was made for (``header_row``).
2. **A recognised format** (a BVH extract, a police download, a CBS table): the map is that format's
   own reading written as a map (its headers, and its constants as ``{ value = ... }``: the year of
   a Kerncijfers table), kept only when the map gives exactly the rows the format gives; otherwise
   the file is read without a map, and the suggestion says so.
3. **Other files**: headers the aliases know, then what each other column holds, judged on the
   column's whole content: police categories (codes or labels the classification resolves), dates
   (text dates, or Excel serials under a date header: whole numbers alone are counts, not dates),
   periods, known areas, reporting channels, an id (unique in every row and not a number), whole
   numbers (counts, an age under an age header, population figures by their header words). Each
   header gives one column at most, and a column one header; an empty header or one read twice
   (``column_4``, ``Regio (column 7)``) is never used.
4. **Checked by validating the file with the map**, as ``ingest`` would: a guessed column that most
   rows fail is left out and said; a map that stores nothing is never proposed as one that does.
   What it could not decide (the kind, a required column, which of several number columns is the
   count) is written in the map as such.

Every line of the map says why. Ingest never uses an inferred mapping by itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from veilcli.domain.choices import MAX_HEADER_ROW, Kind
from veilcli.domain.geography import area_lookup
from veilcli.domain.kinds import facts
from veilcli.domain.models import ColumnMap, SourceFormat
from veilcli.errors import InputError, UsageError
from veilcli.sources.categories import RESOLVED, WORDED, resolve_categories
from veilcli.sources.checks import SUPPRESSED_MARKS
from veilcli.sources.columns import (
    RENAMED_HEADER,
    column_specs,
    match_columns,
    normalise_header,
    personal_map_column,
)
from veilcli.sources.files import check_regular_file
from veilcli.sources.formats import recognise
from veilcli.sources.messages import cut, display_path
from veilcli.sources.parsing import channel_expr, clean_text, date_expr, integer_expr, statistical_period_text
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.sources.table import ROW, RawTable
from veilcli.sources.validate import SOURCE_ROW, validate_table

SHARE = 0.9  # of a column's filled values that must fit a guess
AREA_SHARE = 0.5  # of a column's distinct values that must be known areas (districts are not)
FAIL_SHARE = 0.1  # of the rows a guessed column may fail before it is left out
HEADER_ROWS_TRIED = 10  # rows tried as the header where no row has two known column names
MAX_DISTINCT = 5000  # a column with more distinct values holds no categories, areas or channels
CONTENT_KINDS = tuple(k for k in Kind if facts(k).guessed_by_suggest)
_DATE_WORDS = ("datum", "date", "dag", "tijd", "time", "moment", "kennisname")
_AGE_WORDS = ("leeftijd", "age", "oud")
_ID_WORDS = ("nummer", "nr", "id", "kenmerk", "zaak", "registratie", "incident", "melding")
_COUNT_WORDS = (
    "aantal",
    "geregistreerd",
    "misdrijven",
    "registraties",
    "meldingen",
    "incidenten",
    "count",
    "totaal",
)
_INTERNET_WORDS = ("internet", "online")
_POPULATION_WORDS = {
    "inhabitants": ("inwoner", "bevolking", "population", "inhabitant"),
    "dwellings": ("woning", "dwelling"),
    "youths_12_24": ("jongeren", "1224", "youth"),
}
_AUTO_NAME = re.compile(r"^column_\d+$")


@dataclass
class Guess:
    """One canonical column, the header it is taken from (or the value for every row) and why."""

    column: str
    header: str
    reason: str
    value: str | None = None  # one value for every row (``column = { value = ... }``) instead of a header


@dataclass
class MapSuggestion:
    """A suggested column map for one file, with what it could not decide."""

    path: Path
    kind: Kind | None
    header_row: int | None
    guesses: list[Guess] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)  # columns it could not decide, each with why
    notes: list[str] = field(default_factory=list)  # what it found: the format, the check by validation
    recognised_as: SourceFormat | None = None  # the file's format, when it is one veilcli recognises
    closest: Kind | None = None  # the kind it could not decide on, nearest to what it found
    rows_read: int = 0
    rows_valid: int = 0

    def to_toml(self) -> str:
        """The suggestion as a ``--map`` file, every line with its reason."""
        lines = [
            f"# veilcli map suggest: inferred from {_comment(self.path.name)}. "
            "Check every line before you use it:",
            "#   veilcli ingest FILE --map THIS_FILE",
        ]
        lines += [f"# {_comment(note)}" for note in self.notes]
        lines += [f"# could not decide: {_comment(u)}" for u in self.undecided]
        if self.kind is not None:
            lines.append(f'kind = "{self.kind.value}"')
        elif self.guesses:
            closest = (self.closest or Kind.registrations).value
            lines.append(f'# kind = "{closest}"   # could not tell: set it')
        if self.header_row is not None:
            lines.append(f"header_row = {self.header_row}")
        if self.guesses:
            lines.append("[columns]")
        for g in self.guesses:
            target = f"{{ value = {_literal(g.value)} }}" if g.value is not None else toml_string(g.header)
            lines.append(f"{g.column} = {target}   # {_comment(g.reason)}")
        for header in self.unused:
            lines.append(f"# not used: {_comment(toml_string(header))}")
        return "\n".join(lines) + "\n"

    def column_map(self) -> ColumnMap:
        """The suggestion as the ``ColumnMap`` its TOML reads as."""
        return ColumnMap(
            kind=self.kind,
            header_row=self.header_row if self.guesses else None,
            columns={g.column: g.header for g in self.guesses if g.value is None},
            values={g.column: g.value for g in self.guesses if g.value is not None},
        )


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _literal(value: str) -> str:
    """A value for every row as TOML writes it: a whole number bare (``2019``), else a string."""
    return value if re.fullmatch(r"-?\d{1,18}", value) else toml_string(value)


def _comment(text: str) -> str:
    """Text for a TOML comment: one line, no control characters."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", text)


# --- the table: the header row as the readers find it ----------------------------------------------


def _no_header(exc: InputError) -> bool:
    return "no header row found" in str(exc)


def _read(path: Path, sheet: str | None, header_row: int | None) -> tuple[RawTable | None, InputError | None]:
    """The table as the readers read it (their header row, or the one given); None, with the
    readers' refusal, where no row has two known column names."""
    check_regular_file(path)  # a missing file is said as such, not as "no header"
    if header_row is not None:
        if not 1 <= header_row <= MAX_HEADER_ROW:
            raise UsageError(f"header row {header_row} is not a row of a sheet (1 to {MAX_HEADER_ROW:,}).")
        return read_tables(path, sheet, header_row=header_row)[0], None
    try:
        return read_tables(path, sheet)[0], None
    except InputError as exc:
        if not _no_header(exc):
            raise
        return None, exc


def _likeliest_header(path: Path, sheet: str | None, refusal: InputError | None) -> RawTable:
    """The table under the row among the first ``HEADER_ROWS_TRIED`` that looks most like a header
    (``_header_likeness``; the first on a tie)."""
    best: tuple[float, RawTable] | None = None
    for row in range(1, HEADER_ROWS_TRIED + 1):
        try:
            table = read_tables(path, sheet, header_row=row)[0]
        except InputError:
            continue
        score = _header_likeness(table)
        if score > 0 and (best is None or score > best[0]):
            best = (score, table)
    if best is None:
        raise InputError(
            f"{display_path(path)}: no row in the first {HEADER_ROWS_TRIED} reads as a header (a row of "
            "distinct names over rows of values).",
            hint=(refusal.hint if refusal else None) or "pass --header-row N.",
        )
    return best[1]


def _is_number_or_date(text: pl.Expr) -> pl.Expr:
    return (
        integer_expr(text).is_not_null() | date_expr(text).is_not_null() | text.str.contains(r"^[\d.,\s%-]+$")
    )


def _header_likeness(table: RawTable) -> float:
    """How much a table's header row looks like one: named columns (not ``column_N``), each a word
    (not a number or a date; a period, the header of a wide table's column, counts half), distinct,
    over rows that fill about as many columns."""
    names = [h for h in table.headers if not _AUTO_NAME.match(h) and not RENAMED_HEADER.match(h)]
    if len(names) < 2 or table.frame.height == 0:
        return 0.0
    h = pl.col("h")
    words, periods = (
        pl.DataFrame({"h": names})
        .select(
            (~_is_number_or_date(h) & h.str.contains(r"[^\W\d_]")).sum().alias("words"),
            period_expr_any(h).is_not_null().sum().alias("periods"),
        )
        .row(0)
    )
    named = words + periods / 2
    if named * 2 <= len(table.headers):  # mostly numbers, dates or nothing: a data or title row
        return 0.0
    data = table.frame.head(50).drop(ROW)
    filled = data.select(pl.sum_horizontal(pl.col(c).is_not_null() for c in data.columns).mean()).item() or 0
    # a header as wide as its data; a title row (one cell) or a data row (numbers) scores low
    return named + min(float(filled), len(table.headers)) / (10 * len(table.headers))


# --- what a column holds --------------------------------------------------------------------------


@dataclass
class Profile:
    """What one column holds, judged on all its values."""

    header: str
    filled: int
    distinct: int
    category: float = 0.0  # share of distinct values the classification resolves
    worded: bool = False  # the categories are labels
    date: float = 0.0  # share of filled values that are dates between 1990 and today
    whole_numbers: bool = False  # every date among them is a plain number (an Excel serial or a count)
    period: float = 0.0
    years: bool = False  # every period is a plain year
    area: float = 0.0  # share of distinct values that are known areas
    channel: float = 0.0
    yes_no: float = 0.0
    integer: float = 0.0  # share of filled values that are whole numbers >= 0 (marks allowed)
    low: int | None = None
    high: int | None = None
    unique: bool = False  # a value in every row, no value twice
    words: bool = False  # some value has a letter or a separator: not only digits


def _profile(table: RawTable, header: str) -> Profile | None:
    """A column's profile, judged on all its values (each distinct value once, weighted by how often
    it stands in the column); None for an empty column."""
    text = table.frame.select(clean_text(pl.col(header).cast(pl.String)).alias("v"))["v"]
    values = text.drop_nulls()
    if values.len() == 0:
        return None
    counted = values.value_counts(name="n")
    v, n = pl.col("v"), pl.col("n")
    distinct = counted["v"]
    profile = Profile(header, values.len(), distinct.len())

    def share(fits: pl.Expr, among: pl.Expr | None = None) -> float:
        base = counted if among is None else counted.filter(among)
        total = int(base["n"].sum())
        return float(base.select(pl.when(fits).then(n).otherwise(0).sum()).item()) / total if total else 0.0

    profile.unique = text.null_count() == 0 and profile.distinct == profile.filled
    profile.words = bool(distinct.str.contains(r"[^\d\s.,]").any())
    if profile.distinct <= MAX_DISTINCT:
        resolution = resolve_categories(distinct, None)
        resolved = resolution.filter(pl.col("how").is_in(RESOLVED))
        profile.category = resolved.height / max(resolution.height, 1)
        profile.worded = resolved.filter(pl.col("how").is_in(WORDED)).height * 2 > max(resolved.height, 1)
        folded = distinct.str.replace_all(r"\s+", " ").str.to_lowercase()
        profile.area = float(folded.is_in(list(area_lookup())).sum()) / profile.distinct
        profile.channel = share(channel_expr(v).is_not_null())
        profile.yes_no = share(v.str.to_lowercase().is_in(["j", "n", "ja", "nee", "y", "yes", "no"]))
        profile.period = share(period_expr_any(v).is_not_null())
        profile.years = (
            profile.period > 0 and share(v.str.contains(r"^\d{4}\*?$"), period_expr_any(v).is_not_null()) == 1
        )
    date = date_expr(v)
    profile.date = share(date.is_between(dt.date(1990, 1, 1), dt.date.today() + dt.timedelta(days=1)))
    profile.whole_numbers = share(v.str.contains(r"^\d+(?:[.,]\d+)?$"), date.is_not_null()) == 1
    number = integer_expr(v)
    profile.integer = share(number.is_not_null(), ~v.is_in(SUPPRESSED_MARKS))
    bounds = counted.select(number.min().alias("low"), number.max().alias("high")).row(0)
    profile.low, profile.high = bounds
    if profile.low is not None and profile.low < 0:
        profile.integer = 0.0  # counts are never negative
    return profile


def period_expr_any(text: pl.Expr) -> pl.Expr:
    """A period label in any form the tables write (the period column's parser)."""
    from veilcli.domain.periods import period_expr

    return period_expr(statistical_period_text(text))


def _has(header: str, words: tuple[str, ...]) -> bool:
    folded = normalise_header(header)
    return any(w in folded for w in words)


@dataclass
class Candidate:
    """What a column may be, best first, each with why."""

    header: str
    options: list[tuple[str, str]]  # (canonical column or role, reason)


def _candidates(profile: Profile) -> list[tuple[str, str]]:
    """What a column may be, from its content (and its header's words where content cannot tell)."""
    p, out = profile, []
    if p.category >= SHARE:
        what = "labels the classification resolves to codes" if p.worded else "police category codes"
        out.append(("category_code", f"{p.category:.0%} of its distinct values are {what}"))
    # plain numbers are dates (Excel serials) only under a date header: births per year are counts
    is_date = p.date >= SHARE and (not p.whole_numbers or _has(p.header, _DATE_WORDS))
    if is_date:
        serials = " (Excel serial numbers, under a date header)" if p.whole_numbers else ""
        out.append(("date", f"{p.date:.0%} of the values are dates (1990 to today){serials}"))
    if p.period >= SHARE and not (p.years and p.category >= SHARE):
        out.append(("period", f"{p.period:.0%} of the values are periods"))
        if p.years:
            out.append(("year", f"{p.period:.0%} of the values are years"))
    if p.area >= AREA_SHARE and p.words:
        out.append(("area", f"{p.area:.0%} of its distinct values are known area names or codes"))
    if p.channel >= SHARE:
        out.append(("channel", f"{p.channel:.0%} of the values are reporting-channel words"))
    if p.yes_no >= SHARE and _has(p.header, ("poging", "attempt")):
        out.append(("attempt", "yes/no values under an attempt header"))
    if p.unique and p.words and p.date < SHARE and p.period < SHARE:
        out.append(("registration_id", "unique in every row, and not a number"))
    elif p.unique and _has(p.header, _ID_WORDS) and not _has(p.header, _COUNT_WORDS) and p.date < SHARE:
        out.append(("registration_id", "unique in every row, under an id header"))
    if p.integer >= SHARE and not is_date:
        if _has(p.header, _AGE_WORDS) and p.high is not None and p.high <= 120:
            out.append(("age", "whole numbers 0-120 under an age header"))
        out.append(("number", f"{p.integer:.0%} of the values are whole numbers of 0 or more"))
    return out


# --- from candidates to a kind and its columns ----------------------------------------------------


def _numbers_for(kind: Kind, numbers: list[str], taken: set[str]) -> tuple[dict[str, Guess], list[str]]:
    """The number columns of a kind, told apart by their headers' words; what it could not tell."""
    free = [h for h in numbers if h not in taken]
    guesses: dict[str, Guess] = {}
    undecided: list[str] = []
    if kind is Kind.counts:
        internet = [h for h in free if _has(h, _INTERNET_WORDS)]
        if len(internet) == 1:
            guesses["internet_count"] = Guess(
                "internet_count", internet[0], "whole numbers under an online header"
            )
        rest = [h for h in free if h not in internet]
        worded = [h for h in rest if _has(h, _COUNT_WORDS)]
        pick = worded if len(worded) == 1 else rest if len(rest) == 1 else []
        if pick:
            why = (
                "whole numbers under a count header" if pick is worded else "the one column of whole numbers"
            )
            guesses["count"] = Guess("count", pick[0], why)
        elif rest:
            shown = ", ".join(repr(cut(h)) for h in rest[:6])
            undecided.append(f"count: several columns of whole numbers ({shown}); name the count column")
    elif kind is Kind.population:
        for column, words in _POPULATION_WORDS.items():
            found = [h for h in free if _has(h, words)]
            if len(found) == 1:
                guesses[column] = Guess(column, found[0], f"whole numbers under a header with {words[0]!r}")
        if not guesses and free:
            shown = ", ".join(repr(cut(h)) for h in free[:6])
            undecided.append(
                f"inhabitants, dwellings or youths_12_24: whole numbers in {shown}, but no header says which"
            )
    return guesses, undecided


def _assign(kind: Kind, table: RawTable, candidates: list[Candidate]) -> tuple[dict[str, Guess], list[str]]:
    """The columns of ``kind``: known headers first, then the columns' contents, one header each."""
    specs = {s.name for s in column_specs(kind)}
    guesses: dict[str, Guess] = {
        c: Guess(c, h, "the header is a known name for it")
        for c, h in match_columns(table.headers, kind).items()
    }
    taken = {g.header for g in guesses.values()}
    same = {"area": "municipality", "municipality": "area", "year": "period"}
    numbers: list[str] = []
    for candidate in candidates:
        if candidate.header in taken:
            continue
        for role, reason in candidate.options:
            if role == "number":
                numbers.append(candidate.header)
                break
            column = role if role in specs else same.get(role)
            if column is None or column not in specs or column in guesses:
                continue
            if personal_map_column(column, candidate.header):  # a birth date as an id: --map refuses it
                continue
            if role == "period" and "year" in specs:
                continue  # a period column of a kind with years: only plain years fit (role "year")
            guesses[column] = Guess(column, candidate.header, reason)
            taken.add(candidate.header)
            break
    more, undecided = _numbers_for(kind, numbers, taken)
    for column, guess in more.items():
        # A column of numbers under a birth-date header ("Birth date": 1987, ...) is never a count.
        if column in specs and column not in guesses and not personal_map_column(column, guess.header):
            guesses[column] = guess
    return guesses, undecided


def _missing(kind: Kind, guesses: dict[str, Guess]) -> list[str]:
    """Required columns of ``kind`` the guesses leave open."""
    missing = [s.name for s in column_specs(kind) if s.required and s.name not in guesses]
    one_of = facts(kind).one_of
    if one_of and not set(one_of) & guesses.keys():
        missing.append(" or ".join(one_of))
    return missing


def _pick(
    table: RawTable, candidates: list[Candidate]
) -> tuple[Kind | None, Kind | None, dict[str, Guess], list[str]]:
    """The kind whose required columns the guesses fill (the most columns first), the closest kind
    (the same, or the one that lacks the fewest), its guesses and what it could not decide."""
    tried = []
    for kind in CONTENT_KINDS:
        guesses, undecided = _assign(kind, table, candidates)
        tried.append((kind, guesses, undecided, _missing(kind, guesses)))
    complete = [t for t in tried if not t[3]]
    if complete:
        kind, guesses, undecided, _ = max(complete, key=lambda t: len(t[1]))
        return kind, kind, guesses, undecided
    kind, guesses, undecided, missing = min(tried, key=lambda t: (len(t[3]), -len(t[1])))
    if not guesses:
        return None, None, {}, ["the kind: no column is known by its header or its values"]
    lacking = ", ".join(missing)
    return None, kind, guesses, [*undecided, f"the kind: as {kind.value}, it lacks {lacking}"]


# --- checking a map by validating with it -------------------------------------------------------------


def _validated(table: RawTable, suggestion: MapSuggestion) -> tuple[int, int, dict[str, int]] | None:
    """Rows read, rows valid, and per header the rows that fail a check of its column, when the file
    is read with the suggested map (as ``ingest --map`` would read it); None when it cannot be read so."""
    column_map = suggestion.column_map()
    try:
        validated = validate_table(recognise(table, column_map.kind, column_map))
    except InputError:
        return None
    report, rejected = validated.report, validated.rejected
    failing: dict[str, int] = {}
    if rejected.height and "reasons" in rejected.columns:
        for header in {*column_map.columns.values(), *validated.report.columns.values()}:
            marker = f"({header}):"
            failing[header] = int(rejected["reasons"].str.contains(marker, literal=True).sum())
    return report.rows_read, report.rows_valid, failing


def _checked(table: RawTable, suggestion: MapSuggestion) -> None:
    """Leave out each guessed column most rows fail; say how the map reads the file."""
    for _ in range(len(suggestion.guesses) + 1):
        checked = _validated(table, suggestion)
        if checked is None:
            suggestion.notes.append("the map could not be checked: the file cannot be read with it")
            return
        suggestion.rows_read, suggestion.rows_valid, failing = checked
        rows = max(suggestion.rows_read, 1)
        worst = max(
            (
                g
                for g in suggestion.guesses
                if g.value is None and g.reason != "the header is a known name for it"
            ),
            key=lambda g: failing.get(g.header, 0),
            default=None,
        )
        if worst is None or failing.get(worst.header, 0) <= FAIL_SHARE * rows:
            break
        share = failing[worst.header] / rows
        suggestion.guesses.remove(worst)
        suggestion.unused.append(worst.header)
        suggestion.undecided.append(
            f"{worst.column}: {cut(worst.header)!r} looked like it ({worst.reason}), but {share:.0%} of "
            "the rows fail its checks"
        )
    missing = _missing(suggestion.kind, {g.column: g for g in suggestion.guesses}) if suggestion.kind else []
    if missing:
        suggestion.undecided.append(
            f"{', '.join(missing)}: a {suggestion.kind} table needs it; name its column"
        )
    elif suggestion.kind is not None and suggestion.rows_read:
        if suggestion.rows_valid == 0:
            suggestion.undecided.append(
                f"the map stores nothing as it stands: all {suggestion.rows_read:,} rows fail "
                "(see veilcli validate)"
            )
        else:
            suggestion.notes.append(
                f"checked: with this map {suggestion.rows_valid:,} of {suggestion.rows_read:,} rows are valid"
            )


# --- a recognised format written as a map ---------------------------------------------------------


def _as_recognised(table: RawTable, path: Path, sheet: str | None) -> MapSuggestion | None:
    """A file in a format veilcli recognises: that format's reading written as a map, kept only when
    it gives the same rows; else a map that says to read the file without one. None: not recognised."""
    try:
        found = recognise(table)
    except (InputError, UsageError):
        return None
    if found.name is SourceFormat.veilcli_canonical:
        return None
    suggestion = MapSuggestion(path, None, None, recognised_as=found.name)
    suggestion.notes.append(f"{cut(path.name)} is {found.name.value}: veilcli reads it without a map")
    guesses, reasons = [], []
    for column, header in found.columns.items():
        if header in table.headers:
            guesses.append(Guess(column, header, f"as {found.name.value} reads it"))
            continue
        values = (
            found.table.frame[header].drop_nulls().unique() if header in found.table.frame.columns else None
        )
        if values is not None and values.len() == 1 and found.table.frame[header].null_count() == 0:
            guesses.append(
                Guess(column, header, f"as {found.name.value} reads it ({cut(header)})", str(values[0]))
            )
        else:
            reasons.append(f"{column} ({cut(header)})")
    if reasons:
        suggestion.notes.append(f"a map cannot say what the format derives: {', '.join(reasons)}")
        return suggestion
    mapped = MapSuggestion(path, found.kind, table.header_row, guesses, recognised_as=found.name)
    try:
        by_format = validate_table(found).data
        column_map = mapped.column_map()
        again = read_tables(path, sheet, header_row=column_map.header_row)[0]  # as ingest --map reads it
        by_map = recognise_and_validate(again, ReadOptions(found.kind, column_map=column_map)).data
    except (InputError, UsageError):
        return suggestion
    if _same_rows(by_format, by_map):
        mapped.notes = [
            *suggestion.notes,
            f"the map below reads it as {found.name.value} does (the same {by_format.height:,} rows, "
            "checked); without --map the result is the same",
        ]
        mapped.rows_read = mapped.rows_valid = by_format.height
        mapped.unused = [h for h in table.headers if h not in {g.header for g in guesses}]
        return mapped
    suggestion.notes.append(
        f"a map cannot say all that {found.name.value} does with its values: ingest it without --map"
    )
    return suggestion


def _same_rows(left: pl.DataFrame, right: pl.DataFrame) -> bool:
    if left.columns != right.columns or left.height != right.height:
        return False
    return left.sort(SOURCE_ROW).equals(right.sort(SOURCE_ROW))


# --- the suggestion -----------------------------------------------------------------------------------


def suggest_map(path: Path, sheet: str | None = None, header_row: int | None = None) -> MapSuggestion:
    """Read a file and suggest its column map (see the module docstring)."""
    table, refusal = _read(path, sheet, header_row)
    if table is not None and header_row is None:
        recognised = _as_recognised(table, path, sheet)
        if recognised is not None:
            return recognised
    if table is None or (header_row is None and all(_AUTO_NAME.match(h) for h in table.headers)):
        table = _likeliest_header(path, sheet, refusal)  # no row has two known names: the likeliest
    usable = [h for h in table.headers if not _AUTO_NAME.match(h) and not RENAMED_HEADER.match(h)]
    skipped = [h for h in table.headers if h not in usable]
    profiles = [p for h in usable if (p := _profile(table, h)) is not None]
    candidates = [Candidate(p.header, _candidates(p)) for p in profiles]
    kind, closest, guesses, undecided = _pick(table, candidates)
    chosen = sorted(guesses.values(), key=lambda g: table.headers.index(g.header))
    suggestion = MapSuggestion(
        path,
        kind,
        table.header_row,
        chosen,
        unused=[h for h in table.headers if h not in {g.header for g in chosen}],
        undecided=undecided,
        closest=closest,
    )
    if skipped:
        suggestion.notes.append(
            "columns without a header of their own are not used: "
            + ", ".join(repr(cut(h)) for h in skipped[:8])
        )
    periods = [h for h in usable if _is_period_header(h)]
    if len(periods) >= 2:
        suggestion.notes.append(
            f"periods as columns ({', '.join(repr(cut(h)) for h in periods[:6])}): a map names one column "
            "per canonical column, it cannot turn columns into rows; save the table with periods as rows"
        )
    if kind is not None:
        _checked(table, suggestion)
    return suggestion


def _is_period_header(header: str) -> bool:
    frame = pl.DataFrame({"h": [header]})
    return bool(frame.select(period_expr_any(pl.col("h")).is_not_null()).item())

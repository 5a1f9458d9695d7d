"""``incident-list``: a list of incidents with a postcode, a date and a type word, as "Misdaad in
Kaart" publishes them (``Postcode,Datum,Soort``: ``1315,2019-03-05,Woninginbraak``) -> registrations.

Such a list has no registration ids, no event ids and no reporting channel:

- ``registration_id`` is the spreadsheet row number (said in the notes), so the same list read
  again is the same rows, and a list exported anew with other rows is another source;
- no ``event_id``: samenloop after 2018-07-01 cannot be corrected from these rows (said);
- no ``channel``: no internet correction (said).

The type words map onto the police categories through ``schemas/classification/incident-types.csv``
(``Woninginbraak`` -> ``1.1.1``); a word it does not hold is kept as written, so the validator
reports it as an unknown category and it is never stored as a code.

The postcode is personal data (``columns.PERSONAL_HEADERS``) and is dropped when a file is read.
Before that, ``keep_pc4`` keeps its four digits in the internal column ``__incident_place`` of an incident
list only; this format turns it into the municipality through a user-supplied ``pc4;gemeentecode``
table (``--pc4 FILE``) and drops it, and ``formats.recognise`` drops it for every other format, so
it never reaches validation, rejected-rows files or the store. veilcli ships no PC4 table: no
public source it could verify was found (README, "Incident lists").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.errors import InputError, UsageError
from veilcli.files.shipped import schemas_dir
from veilcli.sources.columns import match_columns, normalise_header
from veilcli.sources.formats.common import code_from_label, first, headers_by_fold, replace_frame
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.messages import display_path, short
from veilcli.sources.table import ROW, RawTable

PC4 = "__incident_place"  # internal: the four digits of the postcode, never stored
_ID = "rijnummer"  # the derived columns, named as findings show them
_MUNICIPALITY = "gemeente (afgeleid)"
_CATEGORY = "categorie (uit soort)"

POSTCODE_HEADERS = ("Postcode", "PC4", "Pleegpostcode", "Postcode (PC4)", "Postcode 4")
DATE_HEADERS = ("Datum", "Pleegdatum", "Datum incident", "Datum melding", "Date")
TYPE_HEADERS = ("Soort", "Soort incident", "Type", "Delict", "Incidentsoort", "Misdrijf")
MUNICIPALITY_HEADERS = ("Gemeente", "Pleeggemeente", "Municipality")


@dataclass(frozen=True)
class IncidentListOptions(FormatOptions):
    """The incident list's option: ``--pc4 FILE``, a ``pc4;gemeentecode`` table that places each
    postcode in its municipality (needed unless the list has a municipality column)."""

    flags: ClassVar[str] = "--pc4"
    pc4: str | None = None


def _incident_headers(headers: list[str]) -> tuple[str | None, str | None, str | None]:
    found = {normalise_header(h): h for h in reversed(headers)}
    return first(found, *POSTCODE_HEADERS), first(found, *DATE_HEADERS), first(found, *TYPE_HEADERS)


def keep_pc4(table: RawTable) -> None:
    """Before personal columns are dropped: in an incident list (a postcode, a date and a type
    column, and no column that names a registration id), keep the postcode's four digits as
    ``__incident_place``. ``1315``, ``1315 AB``, ``1315AB`` and ``1315.0`` (a number from Excel)
    give ``1315``; anything else gives null. Tables of other layouts are left alone."""
    postcode, date, kind = _incident_headers(table.headers)
    if postcode is None or date is None or kind is None or PC4 in table.frame.columns:
        return
    if "registration_id" in match_columns(table.headers, Kind.registrations):
        return  # a registrations export with its own ids (and a postcode): read through the aliases
    digits = (
        pl.col(postcode)
        .cast(pl.String)
        .str.strip_chars()
        .str.extract(r"^(\d{4})(?:\.0+|\s*[A-Za-z]{2})?$", 1)
        .alias(PC4)
    )
    table.frame = table.frame.with_columns(digits)


def drop_pc4(table: RawTable) -> RawTable:
    """``table`` without the internal ``__incident_place`` column (for every format but this one)."""
    if PC4 not in table.frame.columns:
        return table
    return replace_frame(table, table.frame.drop(PC4))


@functools.cache
def incident_types() -> dict[str, str]:
    """Folded type word (``woninginbraak``) -> police category code (``1.1.1``), from the shipped
    ``schemas/classification/incident-types.csv``."""
    frame = pl.read_csv(
        schemas_dir() / "classification" / "incident-types.csv",
        schema={"word": pl.String, "category_code": pl.String, "note": pl.String},
    )
    words = frame.select(_fold_words(pl.col("word"))).to_series()
    return dict(zip(words.to_list(), frame["category_code"].to_list(), strict=True))


def _fold_words(words: pl.Expr) -> pl.Expr:
    return words.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()


def _gemeente_code(value: pl.Expr) -> pl.Expr:
    """``GM0034``, ``0034``, ``34`` -> ``GM0034``; a name is kept (areas resolve names too)."""
    text = value.str.strip_chars()
    digits = text.str.extract(r"^(?i:GM)?(\d{1,4})$", 1)
    return pl.when(digits.is_not_null()).then(pl.lit("GM") + digits.str.zfill(4)).otherwise(text)


def load_pc4_table(path: Path) -> pl.DataFrame:
    """A user's ``pc4;gemeentecode`` table (``;``, ``,`` or tab; a header row naming a postcode
    column and a gemeente column): columns ``__incident_place`` and ``__municipality``. A PC4 given twice with
    different municipalities is refused (a PC4 spanning two municipalities must be placed in one:
    the one with most addresses)."""
    where = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"--pc4 {where}: cannot be read ({exc.strerror}).") from None
    text = raw.decode("utf-8-sig", errors="replace")
    head = text.split("\n", 1)[0]
    separator = max((";", ",", "\t"), key=head.count)
    try:
        frame = pl.read_csv(raw, separator=separator, infer_schema=False, truncate_ragged_lines=True)
    except pl.exceptions.PolarsError:
        frame = pl.DataFrame()
    found = {normalise_header(c): c for c in frame.columns}
    pc4 = first(found, "pc4", "postcode", "postcode4", "pc")
    gemeente = first(found, "gemeentecode", "gemeente", "gm_code", "gemcode", "gemeentenaam", "municipality")
    if pc4 is None or gemeente is None:
        raise UsageError(
            f"--pc4 {where}: no postcode and gemeente columns (its header: {short(head, 60)!r}).",
            hint="write a table with the header pc4;gemeentecode, one line per postcode (1315;GM0034).",
        )
    table = frame.select(
        pl.col(pc4).str.strip_chars().alias(PC4), _gemeente_code(pl.col(gemeente)).alias(_MUNICIPALITY)
    ).filter(pl.col(PC4).is_not_null() & pl.col(_MUNICIPALITY).is_not_null())
    bad = table.filter(~pl.col(PC4).str.contains(r"^\d{4}$"))
    if bad.height:
        raise UsageError(
            f"--pc4 {where}: {short(bad[PC4][0])!r} is not a four-digit postcode "
            f"({bad.height} such line(s)).",
            hint="the pc4 column holds four digits (1315), one line per postcode.",
        )
    twice = table.unique().group_by(PC4).agg(pl.len()).filter(pl.col("len") > 1)
    if twice.height:
        raise UsageError(
            f"--pc4 {where}: postcode {twice[PC4][0]} is placed in more than one municipality "
            f"({twice.height} such postcode(s)).",
            hint="place each PC4 in one municipality: the one with most addresses in it.",
        )
    return table.unique(PC4)


class IncidentList(InputFormat[IncidentListOptions]):
    """An incident list with postcode, date and type word ("Misdaad in Kaart")."""

    name = SourceFormat.incident_list
    kind = Kind.registrations
    title = "an incident list (Postcode, Datum, Soort)"
    options_type = IncidentListOptions

    def recognise(self, table: RawTable) -> bool:
        return PC4 in table.frame.columns

    def to_canonical(self, table: RawTable, options: IncidentListOptions) -> Recognised:
        found = headers_by_fold(table)
        date = first(found, *DATE_HEADERS)
        kind = first(found, *TYPE_HEADERS)
        own_municipality = first(found, *MUNICIPALITY_HEADERS)
        if date is None or kind is None:  # keep_pc4 marks a table only with both: never, but no exit 70
            raise InputError(
                f"{display_path(table.path)}: read as an incident list, but its date or type column is "
                "missing.",
                hint="name the columns with --map FILE (see `veilcli schema`).",
            )
        frame = table.frame
        words = _fold_words(pl.col(kind).cast(pl.String))
        mapped = words.replace_strict(incident_types(), default=None, return_dtype=pl.String)
        # A word the mapping lacks may be a police code or title (1.2.3, "Straatroof"): else kept.
        category = pl.coalesce(mapped, code_from_label(pl.col(kind).cast(pl.String), nuisance=False))
        frame = frame.with_columns(
            pl.col(ROW).cast(pl.String).alias(_ID),
            category.alias(_CATEGORY),
        )
        where = display_path(table.path) + (f" (sheet {short(table.sheet)!r})" if table.sheet else "")
        first_row, last_row = frame.select(pl.col(ROW).min().alias("a"), pl.col(ROW).max().alias("b")).row(0)
        notes = [
            "incident list: no registration ids; registration_id is the spreadsheet row number "
            f"(rows {first_row}-{last_row}), so a list exported anew is another source",
            "incident list: no event ids, so samenloop after 2018-07-01 cannot be corrected from these rows",
            "incident list: no reporting channel: channel left empty (no internet correction from them)",
            f"incident list: type words ({kind!r}) mapped onto police categories by "
            "schemas/classification/incident-types.csv; a word it lacks is an unknown category",
        ]
        columns = {"registration_id": _ID, "date": date, "category_code": _CATEGORY, "category_label": kind}
        if own_municipality is not None:
            columns["municipality"] = own_municipality
            notes.append(
                f"municipality from the list's own column {own_municipality!r}; the postcode is not used"
            )
        else:
            if options.pc4 is None:
                raise InputError(
                    f"{where}: an incident list places incidents by postcode only, and veilcli ships no "
                    "PC4 -> municipality table. Nothing was read.",
                    hint="pass --pc4 FILE, a table pc4;gemeentecode with one line per postcode (e.g. "
                    "1315;GM0034), derived e.g. from CBS 'Buurt, wijk en gemeente <year> voor postcode "
                    "huisnummer' (README, 'Incident lists').",
                )
            lookup = load_pc4_table(Path(options.pc4))
            frame = frame.join(lookup, on=PC4, how="left", maintain_order="left")
            placed = frame[_MUNICIPALITY].is_not_null().sum()
            unplaced = frame.height - placed
            columns["municipality"] = _MUNICIPALITY
            notes.append(
                f"municipality from the postcode (PC4) through --pc4 {Path(options.pc4).name}: "
                f"{placed} of {frame.height} row(s) placed; the postcode itself is not stored"
                + (f"; {unplaced} row(s) with a postcode missing or not in that table" if unplaced else "")
            )
        frame = frame.drop(PC4)
        recognised = Recognised(
            self.name,
            replace_frame(table, frame),
            Kind.registrations,
            columns,
            notes,
            open_data_categories=True,
        )
        return recognised

"""Column types, column specs derived from the dataset models, and header matching.

``ColumnType`` is the one table of what a column type means: its polars dtype, its parser and
the finding for a value that does not parse (the validator and the store both read it).
Headers match an alias when they are equal after folding case and accents and removing
spaces and punctuation, so ``Kennisnamedatum/tijd`` matches ``kennisname datum tijd``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
import types
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Union, get_args, get_origin

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.kinds import facts
from veilcli.domain.models import Channel
from veilcli.domain.periods import period_expr
from veilcli.files.shipped import schemas_dir
from veilcli.sources.categories import category_parse
from veilcli.sources.parsing import (
    boolean_expr,
    channel_expr,
    date_expr,
    fast_date_expr,
    fast_integer_expr,
    integer_expr,
    statistical_period_text,
    year_expr,
)

Parser = Callable[[pl.Expr], pl.Expr]

# The header vocabularies are data beside the classification: ``schemas/headers/personal.toml``
# (the headers, stems and words that mark a column personal: dropped when a file is read, so they
# never reach validation, the store, rejected-rows files or messages, DESIGN §3) and
# ``schemas/headers/known.toml`` (the headers of a BVH extract and of the open-data and CBS tables
# that are not canonical aliases). Read once, when this module is imported.


def _vocabulary(name: str) -> dict[str, list[str]]:
    """A header vocabulary file of ``schemas/headers/``: each key a list of headers, stems or words."""
    with (schemas_dir() / "headers" / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


_PERSONAL = _vocabulary("personal")
_KNOWN = _vocabulary("known")
PERSONAL_HEADERS: tuple[str, ...] = tuple(_PERSONAL["headers"])
PERSONAL_PARTS: tuple[str, ...] = tuple(_PERSONAL["parts"])
PERSONAL_WORDS = frozenset(_PERSONAL["words"])
DIMENSION_PARTS: tuple[str, ...] = tuple(_PERSONAL["dimension_parts"])
DIMENSION_WORDS = frozenset(_PERSONAL["dimension_words"])
_NAME_PARTS: tuple[str, ...] = tuple(_PERSONAL["name_parts"])
PERSON_PARTS: tuple[str, ...] = tuple(_PERSONAL["person_parts"])
_HEAD_ONLY = frozenset(_PERSONAL["end_only"])
# The 33 columns of a BVH registration extract as handed to a municipality (reference item 3).
BVH_HEADERS: tuple[str, ...] = tuple(_KNOWN["bvh"])
# Their numeric suffix (``_5`` in ``AantalInwoners_5``) is ignored when looking for the header row.
OPEN_DATA_HEADERS: tuple[str, ...] = tuple(_KNOWN["open_data"])

_SUFFIX = re.compile(r"_\d+$")


def strip_suffix(header: str) -> str:
    """``AantalInwoners_5`` -> ``AantalInwoners``: CBS numbers its measure columns per table."""
    return _SUFFIX.sub("", str(header).strip())


@dataclass(frozen=True)
class ParseFailure:
    """The finding for a value that is written but does not parse as its column's type."""

    code: str
    message: str
    hint: str


def _fast_integer(sample: pl.Series) -> Parser:
    return fast_integer_expr


def _period(text: pl.Expr) -> pl.Expr:
    """A period label in any of the forms the tables write (``statistical_period_text``)."""
    return period_expr(statistical_period_text(text))


class ColumnType(StrEnum):
    """The type of a canonical column, with everything that depends on it.

    The value is the name the dataset models give (``x-parser`` in the JSON Schemas, the type
    column of ``veilcli schema``). Each member carries:

    - ``dtype``: the polars type of the parsed (and stored) column;
    - ``python_type``: the model annotation that means this type (None: only by name);
    - ``parse``: text expression -> typed expression, null where the text does not parse
      (None: the text is the value);
    - ``failure``: the finding for a written value that ``parse`` leaves null;
    - ``fast``: from a sample of the texts, a one-format parser to try first (the values it
      misses go through ``parse``), or None;
    - ``blank``: the value of an empty cell, when it is not null.
    """

    dtype: pl.DataType
    python_type: type | None
    parse: Parser | None
    failure: ParseFailure | None
    fast: Callable[[pl.Series], Parser | None] | None
    blank: str | None

    def __new__(
        cls,
        value: str,
        dtype: pl.DataType,
        python_type: type | None,
        parse: Parser | None = None,
        failure: ParseFailure | None = None,
        fast: Callable[[pl.Series], Parser | None] | None = None,
        blank: str | None = None,
    ) -> ColumnType:
        member = str.__new__(cls, value)
        member._value_ = value
        member.dtype = dtype
        member.python_type = python_type
        member.parse = parse
        member.failure = failure
        member.fast = fast
        member.blank = blank
        return member

    text = "text", pl.String(), str
    date = (
        "date",
        pl.Date(),
        dt.date,
        date_expr,
        ParseFailure("invalid_date", "not a date", "write dates as dd-mm-yyyy, yyyy-mm-dd or as Excel dates"),
        fast_date_expr,
    )
    integer = (
        "integer",
        pl.Int64(),
        int,
        integer_expr,
        ParseFailure("invalid_number", "not a whole number", "write whole numbers: 1043 or 1.043"),
        _fast_integer,
    )
    boolean = (
        "boolean",
        pl.Boolean(),
        bool,
        boolean_expr,
        ParseFailure("invalid_boolean", "not yes/no", "write J or N (ja/nee)"),
    )
    channel = (
        "channel",
        pl.String(),
        Channel,
        channel_expr,
        ParseFailure(
            "unknown_channel",
            "unknown reporting channel",
            "use Internet, Balie, Telefoon, Overig or Onbekend (internet/desk/phone/other/unknown)",
        ),
        None,
        Channel.unknown.value,  # a blank channel cell is "unknown"; an unrecognised word a finding
    )
    year = (
        "year",
        pl.Int64(),
        None,
        year_expr,
        ParseFailure("invalid_year", "not a year", "write the year: 2019 (also 2019JJ00 or 2019*)"),
        _fast_integer,
    )
    category = (
        "category",
        pl.String(),
        None,
        category_parse,
        # Never left null for a written value: what the classification does not know stays as
        # written, and the kind's checks (``checks.py``) report it.
        ParseFailure("unknown_category", "not a police category", "see schemas/classification/"),
    )
    period = (
        "period",
        pl.String(),
        None,
        _period,
        ParseFailure(
            "invalid_period",
            "not a period",
            "write 2019, 2019H1, 2019Q3 or 2019-05 (also 2019MM05, 2019JJ00, '2019 mei')",
        ),
    )

    @classmethod
    def of(cls, annotation: Any, name: str | None = None) -> ColumnType:
        """The type named ``name`` (a model's ``x-parser``), else the one a model annotation
        (``int | None``, ``dt.date``, ``Channel``...) means."""
        if name:
            return next(t for t in cls if t.value == name)
        base = _base_type(annotation)
        return next(t for t in cls if t.python_type is base)


@dataclass(frozen=True)
class ColumnSpec:
    """What the validator needs to know about one canonical column."""

    name: str
    type: ColumnType
    required: bool
    aliases: tuple[str, ...]
    ge: int | None = None
    le: int | None = None

    @property
    def parser(self) -> str:
        """The type's name, as ``veilcli schema`` prints it."""
        return self.type.value


def normalise_header(text: str) -> str:
    """Fold a header for matching: lower case, no accents, only letters and digits."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", without_accents.casefold())


def _base_type(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0]
    return annotation


@functools.cache
def column_specs(kind: Kind) -> tuple[ColumnSpec, ...]:
    """The canonical columns of a dataset kind, in contract order."""
    specs = []
    for name, field in facts(kind).model.model_fields.items():
        extra = field.json_schema_extra or {}
        assert isinstance(extra, dict)
        named = extra.get("x-parser")
        column_type = ColumnType.of(field.annotation, str(named) if named else None)
        ge = le = None
        for meta in field.metadata:
            ge = getattr(meta, "ge", ge)
            le = getattr(meta, "le", le)
        specs.append(
            ColumnSpec(
                name=name,
                type=column_type,
                required=bool(extra.get("x-required-column")),
                aliases=(name, *extra.get("x-aliases", [])),  # type: ignore[misc]
                ge=ge,
                le=le,
            )
        )
    return tuple(specs)


def match_columns(headers: list[str], kind: Kind, explicit: dict[str, str] | None = None) -> dict[str, str]:
    """Map canonical column -> header as written, using explicit mappings first, then aliases."""
    folded: dict[str, str] = {}
    for header in headers:
        folded.setdefault(normalise_header(header), header)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for canonical, header in (explicit or {}).items():
        if header in headers:
            mapping[canonical] = header
            used.add(header)
    for spec in column_specs(kind):
        if spec.name in mapping:
            continue
        for alias in spec.aliases:
            found = folded.get(normalise_header(alias))
            if found is not None and found not in used:
                mapping[spec.name] = found
                used.add(found)
                break
    return mapping


@functools.cache
def _known_header_forms() -> frozenset[str]:
    forms = {normalise_header(h) for h in (*PERSONAL_HEADERS, *BVH_HEADERS, *OPEN_DATA_HEADERS)}
    for kind in Kind:
        for spec in column_specs(kind):
            forms.update(normalise_header(a) for a in spec.aliases)
    return frozenset(forms)


def header_score(cells: list[str | None], extra: set[str] | None = None) -> int:
    """How many cells of a row look like known column headers."""
    known = _known_header_forms() | (extra or set())
    return sum(
        1
        for c in cells
        if c is not None and (normalise_header(c) in known or normalise_header(strip_suffix(c)) in known)
    )


@functools.cache
def _personal_forms() -> frozenset[str]:
    return frozenset(normalise_header(h) for h in PERSONAL_HEADERS)


@functools.cache
def _canonical_forms() -> frozenset[str]:
    return frozenset(
        normalise_header(a) for kind in Kind for spec in column_specs(kind) for a in spec.aliases
    )


def header_words(header: str) -> list[str]:
    """A header's words, folded: ``"Naam_Slachtoffer"`` and ``"naamSlachtoffer"`` -> naam, slachtoffer."""
    decomposed = unicodedata.normalize("NFKD", str(header))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    split = re.sub(r"([a-z])([A-Z])", r"\1 \2", without_accents)
    return [w for w in re.split(r"[^0-9a-z]+", split.casefold()) if w]


# A measure of a statistical table: a CBS identifier with its number (``AantalInwoners_5``,
# ``VoertuigenMetBromfietskenteken_207``) or a header naming its unit (``"Bevolking/Aantal inwoners
# (aantal)"``). It counts or describes areas, never one person: its head words (before "met",
# "zonder", "per": vehicles *with* a moped plate) decide, and CBS's ``Naam_272`` is an area's name.
_CBS_MEASURE = re.compile(r"^[A-Za-z][A-Za-z0-9]*_\d+$")
_UNIT = re.compile(
    r"\((?:aantal|%|procent|x\s?1\s?000[^)]*|per\s[^)]*|[^)]*euro[^)]*|km2?|ha|jaar|getal|index[^)]*|naam|code)\)\s*$",
    re.IGNORECASE,
)
_MEASURE_CUT = frozenset({"met", "zonder", "per", "with", "without"})
_PLURALS = ("", "s", "en", "n", "e", "sen")  # opmerking-en, adres-sen, notitie-s
_LONGEST_RUN = 4  # words written together that may form one stem ("social security number")
# ``"Regio (column 7)"``: a repeated header renamed where the file was read (``table.unique_headers``).
RENAMED_HEADER = re.compile(r"^(.+) \(column (\d+)\)$")


def is_measure(header: str) -> bool:
    """Whether a header is a measure of a statistical table (a CBS identifier with its number, or a
    header naming its unit): it describes areas, not people."""
    return bool(_CBS_MEASURE.match(header.strip()) or _UNIT.search(header))


def _runs(words: list[str]) -> list[str]:
    """Every run of up to ``_LONGEST_RUN`` consecutive words, written together."""
    return [
        "".join(words[i:j])
        for i in range(len(words))
        for j in range(i + 1, min(len(words), i + _LONGEST_RUN) + 1)
    ]


def _has_stem(run: str, stem: str) -> bool:
    """Whether a word (or run of words) starts with ``stem`` or ends with it (a Dutch plural too)."""
    if stem not in _HEAD_ONLY and run.startswith(stem):
        return True
    return any(run.endswith(stem + ending) for ending in _PLURALS)


def is_cbs_table(headers: list[str]) -> bool:
    """Whether headers are those of a statistical (CBS, police open-data) table: three or more
    numbered CBS identifiers (``AantalInwoners_5``, ``Gemeentenaam_1``), or a ``Perioden`` column
    beside a measure (StatLine's CSV download: ``"Bevolking op 1 januari (aantal)"``)."""
    if sum(1 for h in headers if _CBS_MEASURE.match(h.strip())) >= 3:
        return True
    periods = any(normalise_header(strip_suffix(h)) in ("perioden", "periods") for h in headers)
    return periods and any(is_measure(h) for h in headers)


@functools.cache
def is_personal(header: str, cbs_table: bool = False) -> bool:
    """Whether a header names a column that identifies or locates people (dropped at read time).

    True for the ``PERSONAL_HEADERS``, for a header with a word (or run of words) that starts or
    ends with a ``PERSONAL_PARTS`` stem, with a ``PERSONAL_WORDS`` word, for a name word with a
    person word, and for a ``DIMENSION_PARTS``/``DIMENSION_WORDS`` one outside a statistical table
    (or with a person word); never for an alias of a canonical column. A ``_5``-style CBS suffix is
    ignored, as is the ``(column N)`` of a repeated header. Of a measure (``is_measure``) only the
    words before "met"/"zonder"/"per" count; in a CBS table (``cbs_table``, ``is_cbs_table``) a bare
    ``Naam_N`` names an area.
    """
    renamed = RENAMED_HEADER.match(header)
    if renamed:
        header = renamed.group(1)
    folded = normalise_header(header)
    if not folded:
        return False
    bare_header = strip_suffix(header)
    bare = normalise_header(bare_header)
    if folded in _canonical_forms() or bare in _canonical_forms():
        return False
    measure = is_measure(header)
    every_word = header_words(_UNIT.sub("", bare_header))
    if any(w in DIMENSION_WORDS for w in every_word) or any(
        _has_stem(run, part) for run in _runs(every_word) for part in DIMENSION_PARTS
    ):
        person = any(p in "".join(every_word) for p in PERSON_PARTS)
        if person or not (cbs_table or measure):
            return True
    if folded in _personal_forms():
        return True
    if bare in _personal_forms() and not (cbs_table and measure and bare in _NAME_PARTS):
        return True
    words = header_words(_UNIT.sub("", bare_header))
    if measure:
        cut = next((i for i, w in enumerate(words) if w in _MEASURE_CUT), len(words))
        words = words[:cut] or words
    runs = _runs(words)
    if any(_has_stem(run, part) for run in runs for part in PERSONAL_PARTS):
        return True
    if any(w in PERSONAL_WORDS for w in words):
        return True
    head = "".join(words)
    return any(n in head for n in _NAME_PARTS) and any(p in head for p in PERSON_PARTS)


def detect_kind(headers: list[str], explicit: dict[str, str] | None = None) -> list[Kind]:
    """Kinds whose required columns are all present, best match first."""
    candidates: list[tuple[int, Kind]] = []
    for kind in Kind:
        mapping = match_columns(headers, kind, explicit)
        required = [s.name for s in column_specs(kind) if s.required]
        if all(r in mapping for r in required):
            score = len(mapping)
            one_of = facts(kind).one_of
            if one_of and not set(one_of) & mapping.keys():
                continue
            candidates.append((score, kind))
    candidates.sort(key=lambda c: -c[0])
    return [k for _, k in candidates]


@functools.cache
def _birth_date_forms() -> frozenset[str]:
    """The folded aliases of ``birth_date`` (of every kind)."""
    return frozenset(
        normalise_header(a)
        for kind in Kind
        for s in column_specs(kind)
        if s.name == "birth_date"
        for a in s.aliases
    )


def personal_map_column(canonical: str, header: str) -> str | None:
    """Why a ``--map`` line ``canonical = "header"`` would store personal data, or None.

    A header that names people (``is_personal``; a numbered CBS measure as in a CBS table, where
    the read itself decides) is never read into any column; a birth date (an alias of
    ``birth_date``) only into ``birth_date``, which is read for the age and never kept.
    """
    if is_personal(header, cbs_table=is_measure(header)):
        return "a personal column (it identifies or locates people), which veilcli never reads or stores"
    if canonical != "birth_date" and normalise_header(header) in _birth_date_forms():
        return "a birth date, which veilcli reads only as birth_date (for the age) and never stores"
    return None

"""Column specs derived from the dataset models, and header matching.

Headers match an alias when they are equal after folding case and accents and removing
spaces and punctuation, so ``Kennisnamedatum/tijd`` matches ``kennisname datum tijd``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import unicodedata
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from veilcli.models import DATASET_MODELS, DATASET_ONE_OF, Channel, Kind

# Columns that locate victims or people: never stored (DESIGN §3).
PERSONAL_HEADERS = (
    "Pleegstraatnaam",
    "Straatnaam",
    "Straat",
    "Pleeghuisnummer met toev.",
    "Huisnummer",
    "Pleeghuisnummer",
    "Pleegpostcode",
    "Postcode",
    "X",
    "Y",
    "X-coordinaat",
    "Y-coordinaat",
    "Naam",
    "Achternaam",
    "Voornaam",
    "BSN",
    "Adres",
    "Toelichting",
    "Omschrijving vrij",
    "Pleeghuisnummer met toevoeging",
    "Pleeghuisletter",
    "Pleeghuisnummertoevoeging",
    "Huisnummer met toev.",
    "Huisnummer toevoeging",
    "Huisletter",
    "Woonadres",
    "Adres slachtoffer",
    "Naam slachtoffer",
    "Naam verdachte",
    "Telefoonnummer",
    "E-mailadres",
    "Kenteken",
    "X-coordinaat pleeglocatie",
    "Y-coordinaat pleeglocatie",
    "X coord",
    "Y coord",
    "RD X",
    "RD Y",
    "Latitude",
    "Longitude",
    "Lat",
    "Lon",
    "Lng",
)

# The 33 columns of a BVH registration extract as handed to a municipality (reference item 3).
BVH_HEADERS = (
    "Incident Identificatie",
    "Bronregistratie",
    "Incidentsoort code",
    "Incidentsoort",
    "Pleegstraatnaam",
    "Pleeghuisnummer met toev.",
    "Pleegpostcode",
    "Pleegplaats",
    "Pleeggemeente",
    "Pleegprovincie",
    "Pleegwijk",
    "Pleegbuurt",
    "Pleegsubbuurt",
    "Begin-pleegdag v/d week",
    "Begin-pleegdagdeel",
    "Begin-pleegdatum/tijd",
    "Eind-pleegdag v/d week",
    "Eind-pleegdagdeel",
    "Eind-pleegdatum/tijd",
    "Kennisnamedag v/d week",
    "Kennisnamedagdeel",
    "Kennisnamedatum/tijd",
    "Aangifte",
    "Poging",
    "Verdachten",
    "Aanhoudingen",
    "Opgehelderd",
    "Object",
    "Project(en)",
    "Temperatuur",
    "Weer",
    "X",
    "Y",
)

# Headers of the police open-data and CBS tables that are not canonical aliases (their numeric
# suffix, ``_5`` in ``AantalInwoners_5``, is ignored when looking for the header row).
OPEN_DATA_HEADERS = (
    "ID",
    "Aangiften",
    "Internetaangiften",
    "GeregistreerdeOverlast",
    "Gemeentenaam",
    "SoortRegio",
    "Codering",
    "k_15Tot25Jaar",
    "k_0Tot15Jaar",
    "Woningvoorraad",
)

_SUFFIX = re.compile(r"_\d+$")


def strip_suffix(header: str) -> str:
    """``AantalInwoners_5`` -> ``AantalInwoners``: CBS numbers its measure columns per table."""
    return _SUFFIX.sub("", str(header).strip())


@dataclass(frozen=True)
class ColumnSpec:
    """What the validator needs to know about one canonical column."""

    name: str
    parser: str  # text | date | integer | boolean | channel | period
    required: bool
    aliases: tuple[str, ...]
    ge: int | None = None
    le: int | None = None


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


_PARSERS = {str: "text", dt.date: "date", int: "integer", bool: "boolean", Channel: "channel"}


@functools.cache
def column_specs(kind: Kind) -> tuple[ColumnSpec, ...]:
    """The canonical columns of a dataset kind, in contract order."""
    specs = []
    for name, field in DATASET_MODELS[kind].model_fields.items():
        extra = field.json_schema_extra or {}
        assert isinstance(extra, dict)
        parser = extra.get("x-parser") or _PARSERS[_base_type(field.annotation)]
        ge = le = None
        for meta in field.metadata:
            ge = getattr(meta, "ge", ge)
            le = getattr(meta, "le", le)
        specs.append(
            ColumnSpec(
                name=name,
                parser=str(parser),
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


def is_personal(header: str) -> bool:
    """Whether a header names a column that identifies people (dropped at read time)."""
    return normalise_header(header) in _personal_forms()


def detect_kind(headers: list[str], explicit: dict[str, str] | None = None) -> list[Kind]:
    """Kinds whose required columns are all present, best match first."""
    candidates: list[tuple[int, Kind]] = []
    for kind in Kind:
        mapping = match_columns(headers, kind, explicit)
        required = [s.name for s in column_specs(kind) if s.required]
        if all(r in mapping for r in required):
            score = len(mapping)
            one_of = DATASET_ONE_OF.get(kind)
            if one_of and not set(one_of) & mapping.keys():
                continue
            candidates.append((score, kind))
    candidates.sort(key=lambda c: -c[0])
    return [k for _, k in candidates]

"""Area geometry for the report's maps (``report html --geometry FILE``): the CBS wijk- en buurtkaart
(or any file of the same kind) read into polygons in RD New metres, and matched to the report's
districts or municipalities.

Three forms, recognised by content (not by extension):

- **GeoJSON** (a FeatureCollection, a Feature, or a list of features): ``Polygon``,
  ``MultiPolygon`` or a ``GeometryCollection`` of them; coordinates in RD New (EPSG:28992, a
  ``crs`` member naming it) or in WGS84 longitude/latitude (RFC 7946, the default without a
  ``crs``), converted to RD with the published approximation (below; about a metre in the
  Netherlands, far below what a map of wijken shows).
- **GeoPackage** (SQLite, read with the standard library from a copy in memory, never opened as a
  file: no journal, no lock, no write): every feature table of ``gpkg_contents``, its geometry
  column as GeoPackage binary (a ``GP`` header, an optional envelope, then standard WKB, ISO or
  EWKB dimensions), its SRS from ``gpkg_spatial_ref_sys``.
- **CSV with a WKT column** (``WKT``, ``geometry``, ``geom``, ``the_geom``, ``geometrie``, or any
  column whose first value reads ``POLYGON``/``MULTIPOLYGON``; an EWKT ``SRID=28992;`` prefix is
  allowed), ``;``, ``,`` or tab separated, UTF-8 or Windows-1252; RD or WGS84 told by the range.

Each feature's code and name come from its properties, matched case-insensitively: the finest
code of ``buurtcode``/``BU_CODE``, ``wijkcode``/``WK_CODE``, ``gemeentecode``/``GM_CODE``,
``statcode`` (PDOK's CBS gebiedsindelingen) or ``code``, and the name of the same level
(``wijknaam``/``WK_NAAM``, ...; ``statnaam``, ``naam``, ``name``). Geometry is parsed only for the
features a map needs (a national file of 14,000 buurten costs the parsing of one municipality's).

Bounded like every input (README, 'Reading files'): the file's size (``VEILCLI_MAX_JSON_BYTES``
for GeoJSON, ``VEILCLI_MAX_GEOMETRY_BYTES`` otherwise), the features in it, the coordinates parsed,
the nesting depth of GeoJSON (checked before ``json`` parses it), and for a GeoPackage the work
SQLite may do. Every refusal is one line naming the file (and the feature), with a hint.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
import sqlite3
import struct
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from veilcli.errors import InputError
from veilcli.sources.encoding import decode_text
from veilcli.sources.files import read_file_bytes
from veilcli.sources.limits import GIB, MAX_JSON_BYTES, Limit, over_limit
from veilcli.sources.messages import display_path, short

Point = tuple[float, float]
Ring = list[Point]  # closed: the first point again at the end (as GeoJSON, WKT and WKB write them)
Polygon = list[Ring]  # the outer ring first, then its holes
Shape = list[Polygon]  # a multipolygon; an area of one polygon is a list of one
Crs = Literal["rd", "wgs84"]
Level = Literal["buurt", "wijk", "gemeente"]

MAX_GEOMETRY_BYTES = Limit(
    "VEILCLI_MAX_GEOMETRY_BYTES", 1 * GIB, "bytes", "size of a --geometry GeoPackage or WKT CSV file"
)
MAX_GEOMETRY_FEATURES = Limit(
    "VEILCLI_MAX_GEOMETRY_FEATURES", 100_000, "features", "features (areas) in a --geometry file"
)
MAX_GEOMETRY_COORDINATES = Limit(
    "VEILCLI_MAX_GEOMETRY_COORDINATES",
    5_000_000,
    "coordinates",
    "coordinates parsed from the areas a map draws (--geometry)",
)
MAX_GEOJSON_DEPTH = Limit(
    "VEILCLI_MAX_GEOJSON_DEPTH", 32, "levels", "nesting of arrays and objects in a GeoJSON file", maximum=1000
)
GEOMETRY_LIMITS = (MAX_GEOMETRY_BYTES, MAX_GEOMETRY_FEATURES, MAX_GEOMETRY_COORDINATES, MAX_GEOJSON_DEPTH)
SQLITE_STEPS = 500_000_000  # SQLite VM instructions for a GeoPackage: ~50x a national buurt layer's reading

HINT = (
    "give the CBS wijk- en buurtkaart (or PDOK's gebiedsindelingen) as GeoJSON, GeoPackage or a CSV "
    "with a WKT column, in RD New (EPSG:28992) or WGS84, with wijkcode/WK_CODE or gemeentecode/GM_CODE."
)
CODE_KEYS: dict[Level, tuple[str, ...]] = {
    "buurt": ("buurtcode", "bu_code"),
    "wijk": ("wijkcode", "wk_code"),
    "gemeente": ("gemeentecode", "gm_code"),
}
NAME_KEYS: dict[Level, tuple[str, ...]] = {
    "buurt": ("buurtnaam", "bu_naam"),
    "wijk": ("wijknaam", "wk_naam"),
    "gemeente": ("gemeentenaam", "gm_naam"),
}
ANY_CODE_KEYS = ("statcode", "code", "cbs_code", "regiocode")
ANY_NAME_KEYS = ("statnaam", "naam", "name", "regionaam")
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "geometrie", "wkt_geom", "shape")
CODE_LEVEL: tuple[tuple[re.Pattern[str], Level], ...] = (
    # Amsterdam's codes end in letters since 2022 (WK0363AF, BU0363AF08): the municipality's four
    # digits, then digits or capitals
    (re.compile(r"^BU\d{4}[0-9A-Z]{4}$"), "buurt"),
    (re.compile(r"^WK\d{4}[0-9A-Z]{2}$"), "wijk"),
    (re.compile(r"^GM\d{4}$"), "gemeente"),
)


# --- features -------------------------------------------------------------------------------------


class Budget:
    """Coordinates parsed so far against ``MAX_GEOMETRY_COORDINATES``."""

    def __init__(self, path: Path) -> None:
        self.path, self.left = path, MAX_GEOMETRY_COORDINATES.value()

    def take(self, count: int) -> None:
        """Count ``count`` more coordinates; past the limit the file is refused."""
        self.left -= count
        if self.left < 0:
            raise over_limit(self.path, "", "the areas drawn have more coordinates", MAX_GEOMETRY_COORDINATES)


@dataclass
class Feature:
    """One area of a geometry file: its code and name (as written, trimmed), its level and
    municipality (from the code), and its geometry, parsed on demand (``Feature.shape``)."""

    number: int  # 1-based, for messages
    code: str | None
    name: str | None
    level: Level | None
    municipality: str | None  # GM code
    parse: Callable[[Budget], Shape] = field(repr=False)


@dataclass
class GeometryFile:
    """The features of a geometry file and the reference system of their coordinates."""

    path: Path
    form: str  # GeoJSON, GeoPackage, CSV (WKT)
    features: list[Feature]
    crs: Crs | None  # None: told from the coordinates' range
    keys: list[str]  # the property names seen (for messages)
    budget: Budget = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.budget = Budget(self.path)

    def shape(self, feature: Feature) -> Shape:
        """The feature's polygons in RD New metres (converted from WGS84 where the file is)."""
        try:
            shape = feature.parse(self.budget)
        except (struct.error, ValueError, IndexError, TypeError) as exc:
            raise self.bad(feature, f"unreadable geometry ({short(exc, 80)})") from None
        crs = self.crs or _crs_of(shape)
        if crs == "wgs84":
            shape = [[[wgs84_to_rd(lat, lon) for lon, lat in ring] for ring in polygon] for polygon in shape]
        for polygon in shape:
            for (
                ring
            ) in polygon:  # NaN and infinity survive a sum (in C); finite RD coordinates cannot overflow it
                if not math.isfinite(sum(map(sum, ring))):
                    raise self.bad(feature, "a coordinate that is not a finite number (or past 1e300)")
        return shape

    def bad(self, feature: Feature, what: str) -> InputError:
        """The refusal of one feature."""
        name = feature.code or feature.name or f"feature {feature.number:,}"
        return InputError(f"{display_path(self.path)}: {short(name)}: {what}.", hint=HINT)


def _crs_of(shape: Shape) -> Crs:
    """RD or WGS84 by the coordinates' range (RD New's x runs from about -7,000 to 300,000 m)."""
    points = [p for polygon in shape for ring in polygon for p in ring[:8]]
    if points and all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in points):
        return "wgs84"
    return "rd"


def wgs84_to_rd(lat: float, lon: float) -> Point:
    """WGS84 latitude/longitude in degrees to RD New x/y in metres: the polynomial approximation of
    Schreutelkamp and Strang van Hees (Amersfoort 52.15517440 N 5.38720621 E = 155,000, 463,000;
    within about a metre in the Netherlands)."""
    dp, dl = 0.36 * (lat - 52.15517440), 0.36 * (lon - 5.38720621)
    x = (
        190094.945 * dl
        - 11832.228 * dp * dl
        - 114.221 * dp**2 * dl
        - 32.391 * dl**3
        - 0.705 * dp
        - 2.340 * dp**3 * dl
        - 0.608 * dp * dl**3
        - 0.008 * dl**2
        + 0.148 * dp**2 * dl**3
    )
    y = (
        309056.544 * dp
        + 3638.893 * dl**2
        + 73.077 * dp**2
        - 157.984 * dp * dl**2
        + 59.788 * dp**3
        + 0.433 * dl
        - 6.439 * dp**2 * dl**2
        - 0.032 * dp * dl
        + 0.092 * dl**4
        - 0.054 * dp * dl**4
    )
    return 155000.0 + x, 463000.0 + y


def code_level(code: str | None) -> Level | None:
    """The level of a CBS area code (``BU00340101`` buurt, ``WK003401`` wijk, ``GM0034`` gemeente)."""
    if not code:
        return None
    for pattern, level in CODE_LEVEL:
        if pattern.match(code.upper()):
            return level
    return None


def _identify(props: dict[str, Any]) -> tuple[str | None, str | None, Level | None, str | None]:
    """A feature's code, name, level and municipality code from its properties."""
    lower = {str(k).strip().lower(): v for k, v in props.items()}

    def text(keys: Iterable[str]) -> str | None:
        for key in keys:
            value = lower.get(key)
            if value is not None and str(value).strip():
                return str(value).strip()
        return None

    code = name = None
    level: Level | None = None
    levels: tuple[Level, ...] = ("buurt", "wijk", "gemeente")
    for candidate in levels:
        found = text(CODE_KEYS[candidate])
        if found is not None and code_level(found) == candidate:
            code, level = found.upper(), candidate
            name = text(NAME_KEYS[candidate])
            break
    if code is None:
        found = text(ANY_CODE_KEYS)
        level = code_level(found)
        code = found.upper() if found and level else found
    if name is None:
        name = text(ANY_NAME_KEYS)
        if name is None and level is not None:
            name = text(NAME_KEYS[level])
    municipality = None
    if code and level in ("buurt", "wijk", "gemeente"):
        municipality = "GM" + code[2:6]
    else:
        gm = text(CODE_KEYS["gemeente"])
        municipality = gm.upper() if gm and code_level(gm) == "gemeente" else None
    return code, name, level, municipality


# --- reading --------------------------------------------------------------------------------------


def read_geometry(path: Path) -> GeometryFile:
    """The features of a GeoJSON, GeoPackage or WKT-CSV file (told by content), their geometry
    parsed on demand; a file with no area at all is refused."""
    start = _head(path)
    if start.startswith(b"SQLite format 3\x00"):
        found = _read_gpkg(path)
    elif start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        found = _read_geojson(path)
    else:
        found = _read_wkt_csv(path)
    if not found.features:
        raise InputError(f"{display_path(path)}: no areas in this {found.form} file.", hint=HINT)
    if not any(f.code or f.name for f in found.features):
        keys = ", ".join(short(k, 30) for k in found.keys[:8]) or "none"
        raise InputError(
            f"{display_path(path)}: no area codes or names in the {len(found.features):,} features "
            f"(looked for wijkcode, WK_CODE, gemeentecode, GM_CODE, buurtcode, statcode, naam; the "
            f"features have: {keys}).",
            hint=HINT,
        )
    return found


def _head(path: Path) -> bytes:
    """The first bytes of a file (to tell its form), after the regular-file checks."""
    from veilcli.sources.files import check_regular_file

    check_regular_file(path)
    try:
        with path.open("rb") as handle:
            return handle.read(64)
    except OSError as exc:
        raise InputError(f"{display_path(path)}: cannot be read ({exc.strerror}).") from None


def _check_count(path: Path, count: int) -> None:
    if count > MAX_GEOMETRY_FEATURES.value():
        raise over_limit(path, "", f"{count:,} features", MAX_GEOMETRY_FEATURES)


# GeoJSON ------------------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_EMPTY_PAIR = re.compile(rb"\[\]|\{\}")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit`` (strings left out). Each pass removes
    the innermost empty pairs, so ``limit`` passes of C-speed replaces decide it, whatever the size."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    for _ in range(limit):
        if not brackets:
            return False
        shorter = _EMPTY_PAIR.sub(b"", brackets)  # one level a pass: both kinds at once
        if shorter == brackets:  # unbalanced: json itself says where
            return False
        brackets = shorter
    return bool(brackets)


def _read_geojson(path: Path) -> GeometryFile:
    raw = read_file_bytes(path, MAX_JSON_BYTES)
    data, _ = decode_text(raw, path)
    depth = MAX_GEOJSON_DEPTH.value()
    if json_depth_exceeds(data, depth):
        raise over_limit(path, "", "arrays and objects nested deeper", MAX_GEOJSON_DEPTH)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{display_path(path)}: not valid JSON ({short(exc, 80)}).", hint=HINT) from None
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
    elif isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    else:
        features = document
    if not isinstance(features, list):
        raise InputError(
            f"{display_path(path)}: JSON but not GeoJSON (no FeatureCollection with a 'features' list).",
            hint=HINT,
        )
    _check_count(path, len(features))
    crs = _geojson_crs(path, document)
    found: list[Feature] = []
    keys: dict[str, None] = {}
    for number, item in enumerate(features, start=1):
        if not isinstance(item, dict):
            continue
        props = item.get("properties")
        props = props if isinstance(props, dict) else {}
        keys.update(dict.fromkeys(map(str, props)))
        geometry = item.get("geometry")
        if not isinstance(geometry, dict) or not _geojson_polygonal(geometry):
            continue
        code, name, level, municipality = _identify(props)
        found.append(
            Feature(number, code, name, level, municipality, functools.partial(_geojson_shape, geometry))
        )
    if not found and features:
        kinds = sorted(
            {
                str(item.get("geometry", {}).get("type"))
                for item in features
                if isinstance(item, dict) and isinstance(item.get("geometry"), dict)
            }
        )
        raise InputError(
            f"{display_path(path)}: no polygon geometry in the {len(features):,} features "
            f"(geometry types: {', '.join(short(k, 20) for k in kinds[:5]) or 'none'}).",
            hint=HINT,
        )
    return GeometryFile(path, "GeoJSON", found, crs, list(keys))


def _geojson_crs(path: Path, document: object) -> Crs | None:
    """RD for a ``crs`` naming EPSG:28992, WGS84 for CRS84/4326; no ``crs``: told by the range."""
    if not isinstance(document, dict) or not isinstance(document.get("crs"), dict):
        return None
    props = document["crs"].get("properties")
    name = str(props.get("name", "")) if isinstance(props, dict) else ""
    if re.search(r"(?:EPSG:+|EPSG/0/)28992\b", name):
        return "rd"
    if re.search(r"CRS84\b|(?:EPSG:+|EPSG/0/)4326\b", name):
        return "wgs84"
    raise InputError(
        f"{display_path(path)}: coordinates in {short(name or 'an unnamed reference system', 60)}.",
        hint="export the map in RD New (EPSG:28992) or WGS84 (EPSG:4326).",
    )


def _geojson_polygonal(geometry: dict[str, Any]) -> bool:
    kind = geometry.get("type")
    if kind in ("Polygon", "MultiPolygon"):
        return True
    if kind == "GeometryCollection" and isinstance(geometry.get("geometries"), list):
        return any(
            isinstance(g, dict) and g.get("type") in ("Polygon", "MultiPolygon")
            for g in geometry["geometries"]
        )
    return False


def _positions(ring: list[Any]) -> Ring:
    """A ring's positions as (x, y) floats; one comprehension (600,000 points in 0.3 s), the slow
    check of what was wrong only when it fails."""
    try:
        return [(float(p[0]), float(p[1])) for p in ring]
    except (TypeError, ValueError, IndexError, KeyError):
        bad = next(p for p in ring if not _is_position(p))
        raise ValueError(f"a position that is not a list of numbers: {short(bad, 40)}") from None


def _is_position(value: object) -> bool:
    try:
        return (
            isinstance(value, list)
            and len(value) >= 2
            and all(isinstance(float(v), float) for v in value[:2])
        )
    except (TypeError, ValueError):
        return False


def _geojson_polygon(rings: object, budget: Budget) -> Polygon:
    if not isinstance(rings, list):
        raise ValueError("polygon coordinates that are not a list of rings")
    polygon = []
    for ring in rings:
        if not isinstance(ring, list):
            raise ValueError("a ring that is not a list of positions")
        budget.take(len(ring))
        polygon.append(_positions(ring))
    return polygon


def _geojson_shape(geometry: dict[str, Any], budget: Budget) -> Shape:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [_geojson_polygon(coordinates, budget)]
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list):
            raise ValueError("multipolygon coordinates that are not a list of polygons")
        return [_geojson_polygon(p, budget) for p in coordinates]
    # a GeometryCollection: its polygons (one level; GeoJSON advises against nesting collections)
    return [
        polygon
        for part in geometry.get("geometries", [])
        if isinstance(part, dict) and part.get("type") in ("Polygon", "MultiPolygon")
        for polygon in _geojson_shape(part, budget)
    ]


# GeoPackage ---------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def _read_gpkg(path: Path) -> GeometryFile:
    data: bytes | bytearray = read_file_bytes(path, MAX_GEOMETRY_BYTES)
    if len(data) >= 20 and data[18] == 2 and data[19] == 2:
        data = bytearray(data)
        data[18] = data[19] = 1  # WAL mode in the header: read the copy as a rollback-journal database
    name = display_path(path)
    connection = sqlite3.connect(":memory:")
    steps = [0]

    def progress() -> int:
        steps[0] += 1
        return 1 if steps[0] * 10_000 > SQLITE_STEPS else 0  # non-zero aborts the statement

    try:
        connection.deserialize(data)
        connection.set_progress_handler(progress, 10_000)
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA trusted_schema = OFF")
        return _gpkg_features(path, connection)
    except sqlite3.Error as exc:
        if steps[0] * 10_000 > SQLITE_STEPS:
            raise InputError(
                f"{name}: reading this GeoPackage takes more work than a map file should.", hint=HINT
            ) from None
        raise InputError(f"{name}: not a readable GeoPackage ({short(exc, 80)}).", hint=HINT) from None
    finally:
        connection.close()


def _gpkg_features(path: Path, connection: sqlite3.Connection) -> GeometryFile:
    tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }
    if "gpkg_contents" not in tables or "gpkg_geometry_columns" not in tables:
        raise InputError(f"{display_path(path)}: an SQLite database but not a GeoPackage.", hint=HINT)
    layers = connection.execute(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
        "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features'"
    ).fetchall()
    if not layers:
        raise InputError(f"{display_path(path)}: a GeoPackage without feature tables.", hint=HINT)
    found: list[Feature] = []
    keys: dict[str, None] = {}
    crs: Crs | None = None
    for table, column, srs_id in layers:
        if table not in tables:  # a view (or a table that is not there) is never run
            continue
        layer_crs = _gpkg_crs(path, connection, srs_id)
        if crs is not None and layer_crs != crs:
            raise InputError(f"{display_path(path)}: layers in different reference systems.", hint=HINT)
        crs = layer_crs
        names = [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(table)})").fetchall()]
        wanted = {*ANY_CODE_KEYS, *ANY_NAME_KEYS, *(k for ks in CODE_KEYS.values() for k in ks)}
        wanted |= {k for ks in NAME_KEYS.values() for k in ks}
        props = [n for n in names if str(n).lower() in wanted and n != column]
        keys.update(dict.fromkeys(map(str, names)))
        count = connection.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]
        _check_count(path, len(found) + count)
        select = ", ".join([*(_quote(p) for p in props), _quote(column)])
        for row in connection.execute(f"SELECT {select} FROM {_quote(table)}"):
            blob = row[-1]
            if not isinstance(blob, bytes):
                continue
            code, name, level, municipality = _identify(dict(zip(props, row[:-1], strict=True)))
            found.append(
                Feature(len(found) + 1, code, name, level, municipality, functools.partial(gpkg_shape, blob))
            )
    return GeometryFile(path, "GeoPackage", found, crs, list(keys))


def _gpkg_crs(path: Path, connection: sqlite3.Connection, srs_id: object) -> Crs:
    row = connection.execute(
        "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)
    ).fetchone()
    organisation, number = (str(row[0]).upper(), row[1]) if row else ("EPSG", srs_id)
    if organisation == "EPSG" and number == 28992:
        return "rd"
    if organisation == "EPSG" and number == 4326:
        return "wgs84"
    raise InputError(
        f"{display_path(path)}: coordinates in {short(organisation, 20)}:{short(number, 20)}.",
        hint="export the map in RD New (EPSG:28992) or WGS84 (EPSG:4326).",
    )


ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_shape(blob: bytes, budget: Budget) -> Shape:
    """The polygons of a GeoPackage geometry blob (``GP``, version, flags, srs_id, envelope, WKB)."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not GeoPackage binary (no 'GP' header)")
    flags = blob[3]
    if flags & 0b100000:
        raise ValueError("extended GeoPackage geometry")
    envelope = ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("an envelope code that GeoPackage does not define")
    if flags & 0b10000:  # the empty flag
        return []
    shape, _ = wkb_shape(blob, 8 + envelope, budget)
    return shape


def wkb_shape(data: bytes, offset: int, budget: Budget, depth: int = 0) -> tuple[Shape, int]:
    """The polygons of the WKB geometry at ``offset`` (Polygon, MultiPolygon, or a
    GeometryCollection of them; Z/M in ISO or EWKB form) and the offset after it."""
    if depth > 2:
        raise ValueError("geometry collections nested too deep")
    order = "<" if data[offset] == 1 else ">" if data[offset] == 0 else None
    if order is None:
        raise ValueError(f"a WKB byte order of {data[offset]}")
    (kind,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    dims = 2 + bool(kind & 0x80000000) + bool(kind & 0x40000000)  # EWKB Z and M flags
    if kind & 0x20000000:
        offset += 4  # EWKB SRID
    kind &= 0x0FFFFFFF
    dims += {0: 0, 1: 1, 2: 1, 3: 2}.get(kind // 1000, 0)  # ISO: 1000 Z, 2000 M, 3000 ZM
    base = kind % 1000
    if base == 3:
        polygon, offset = _wkb_polygon(data, offset, order, dims, budget)
        return [polygon], offset
    if base in (6, 7):
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        if count > len(data) - offset:
            raise ValueError("more parts than the blob has bytes")
        shape: Shape = []
        for _ in range(count):
            part, offset = wkb_shape(data, offset, budget, depth + 1)
            shape += part
        return shape, offset
    if base in (1, 2, 4, 5) and depth > 0:  # a point or line in a collection: not an area, skipped
        raise ValueError("points or lines, not polygons")
    raise ValueError(f"WKB geometry type {kind}, not a polygon")


def _wkb_polygon(data: bytes, offset: int, order: str, dims: int, budget: Budget) -> tuple[Polygon, int]:
    (rings,) = struct.unpack_from(order + "I", data, offset)
    offset += 4
    if rings * 4 > len(data) - offset:
        raise ValueError("more rings than the blob has bytes")
    polygon: Polygon = []
    for _ in range(rings):
        (points,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        if points * dims * 8 > len(data) - offset:
            raise ValueError("more points than the blob has bytes")
        budget.take(points)
        values = struct.unpack_from(f"{order}{points * dims}d", data, offset)
        offset += points * dims * 8
        polygon.append(list(zip(values[0::dims], values[1::dims], strict=True)))
    return polygon, offset


# CSV with WKT -------------------------------------------------------------------------------------

_WKT_HEAD = re.compile(r"^\s*(?:SRID=(\d+);)?\s*(MULTIPOLYGON|POLYGON)\s*(ZM|Z|M)?\s*", re.IGNORECASE)


def wkt_shape(text: str, budget: Budget) -> Shape:
    """The polygons of a WKT ``POLYGON`` or ``MULTIPOLYGON`` (optional Z/M, ``EMPTY``, an EWKT
    ``SRID=n;`` prefix)."""
    head = _WKT_HEAD.match(text)
    if head is None:
        raise ValueError(f"not a WKT polygon: {short(text, 30)}")
    body = text[head.end() :].strip()
    if body.upper() == "EMPTY":
        return []
    ring_depth = 3 if head.group(2).upper() == "MULTIPOLYGON" else 2
    shape: Shape = []
    polygon: Polygon = []
    depth, start = 0, 0
    last = 0
    for match in re.finditer(r"[()]", body):
        between = body[last : match.start()]
        last = match.end()
        if match.group() == "(":
            if between.strip(" \t\r\n,") or depth >= ring_depth:
                raise ValueError("unexpected text or nesting in WKT")
            depth += 1
            if depth == ring_depth:
                start = match.end()
            elif depth == ring_depth - 1:
                polygon = []
            continue
        if depth == ring_depth:
            polygon.append(_wkt_ring(body[start : match.start()], budget))
        elif between.strip(" \t\r\n,"):
            raise ValueError("unexpected text in WKT")
        if depth == ring_depth - 1:
            shape.append(polygon)
        depth -= 1
        if depth < 0:
            raise ValueError("unbalanced parentheses in WKT")
    if depth != 0 or body[last:].strip():
        raise ValueError("unbalanced parentheses in WKT")
    return shape


def _wkt_ring(text: str, budget: Budget) -> Ring:
    pairs = text.split(",")
    budget.take(len(pairs))
    ring = []
    for pair in pairs:
        numbers = pair.split()
        if len(numbers) < 2:
            raise ValueError(f"a WKT point without x and y: {short(pair, 30)}")
        ring.append((float(numbers[0]), float(numbers[1])))
    return ring


def _read_wkt_csv(path: Path) -> GeometryFile:
    raw = read_file_bytes(path, MAX_GEOMETRY_BYTES)
    data, _ = decode_text(raw, path)
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text) + 1))  # a WKT field may be megabytes
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(rows, None)
        if not header:
            raise InputError(f"{display_path(path)}: empty.", hint=HINT)
        records = _bounded(path, rows)
    except csv.Error as exc:
        raise InputError(f"{display_path(path)}: not a readable CSV ({short(exc, 80)}).", hint=HINT) from None
    finally:
        csv.field_size_limit(previous)
    lower = [h.strip().lower() for h in header]
    column = next((lower.index(c) for c in WKT_COLUMNS if c in lower), None)
    if column is None and records:
        column = next(
            (i for i, value in enumerate(records[0]) if _WKT_HEAD.match(value or "")),
            None,
        )
    if column is None:
        raise InputError(
            f"{display_path(path)}: no geometry: neither GeoJSON nor a GeoPackage, and no WKT column "
            f"(WKT, geometry, geom) among {', '.join(short(h, 20) for h in header[:8])}.",
            hint=HINT,
        )
    srids = {m.group(1) for r in records[:50] if len(r) > column and (m := _WKT_HEAD.match(r[column]))}
    crs: Crs | None = None
    if srids - {None}:
        srid = next(iter(srids - {None}))
        if srid not in ("28992", "4326"):
            raise InputError(
                f"{display_path(path)}: coordinates in EPSG:{short(srid, 12)}.",
                hint="export the map in RD New (EPSG:28992) or WGS84 (EPSG:4326).",
            )
        crs = "rd" if srid == "28992" else "wgs84"
    found = []
    for number, record in enumerate(records, start=1):
        if len(record) <= column or not _WKT_HEAD.match(record[column]):
            continue
        props = dict(zip(header, record, strict=False))
        code, name, level, municipality = _identify(props)
        found.append(
            Feature(number, code, name, level, municipality, functools.partial(wkt_shape, record[column]))
        )
    if not found:
        raise InputError(
            f"{display_path(path)}: no POLYGON or MULTIPOLYGON in column {short(header[column], 30)!r}.",
            hint=HINT,
        )
    return GeometryFile(path, "CSV (WKT)", found, crs, header)


def _bounded(path: Path, rows: Iterator[list[str]]) -> list[list[str]]:
    records, cap = [], MAX_GEOMETRY_FEATURES.value()
    for row in rows:
        if not row:
            continue
        records.append(row)
        if len(records) > cap:
            raise over_limit(path, "", f"more than {cap:,} features", MAX_GEOMETRY_FEATURES)
    return records


# --- matching -------------------------------------------------------------------------------------


def normal_name(text: str) -> str:
    """A name for matching: accents, case, punctuation and CBS's "Wijk 01 " prefix left out
    ("Wijk 01 Almere-Stad" = "almere stad")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"[^a-z0-9]+", " ", plain).strip()
    return re.sub(r"^(?:wijk|buurt)\s+\d+\s+", "", plain)


@dataclass
class AreaMatch:
    """The areas of a map: ``shapes`` per area of the figures (by the name the figures use), the
    file's other areas in the map's scope (no figure: "geen gegevens"), and the areas of the
    figures the file has no geometry for."""

    path: Path
    level: Level
    shapes: dict[str, Shape]
    others: list[tuple[str, Shape]]
    missing: list[str]
    own: str | None = None  # the plan's own area (outlined in a league map)

    @property
    def matched(self) -> int:
        """How many areas of the figures have geometry."""
        return len(self.shapes)


def _match(
    geo: GeometryFile,
    wanted: Sequence[str],
    candidates: list[Feature],
    key: Callable[[Feature], Iterable[str]],
    wanted_key: Callable[[str], str],
) -> dict[str, Feature]:
    """Areas of the figures -> the one feature whose key matches (two features with the same key
    match neither: never a guess)."""
    index: dict[str, list[Feature]] = {}
    for feature in candidates:
        for k in set(key(feature)):
            index.setdefault(k, []).append(feature)
    chosen: dict[str, Feature] = {}
    for area in wanted:
        hits = index.get(wanted_key(area), [])
        if len({h.number for h in hits}) == 1:
            chosen[area] = hits[0]
    return chosen


def municipality_code(area: str) -> str | None:
    """The CBS code of a municipality (its name or a former name; a code is itself), None for an
    area that is not a municipality."""
    from veilcli.domain.geography import municipalities, municipality_names

    if code_level(area.strip().upper()) == "gemeente":
        return area.strip().upper()
    name = municipality_names().get(area, area)
    table = municipalities()
    codes = [c for c, n in zip(table["code"], table["name"], strict=True) if n == name]
    return codes[-1] if codes else None


def match_districts(geo: GeometryFile, districts: Sequence[str], municipality_code: str | None) -> AreaMatch:
    """The map of a municipality's districts: each district (a wijk or buurt code, or a name) to
    the file's area of that code, or of that name among the municipality's wijken; the
    municipality's other areas of that level drawn without figures. None matched: refused."""
    codes = [d for d in districts if code_level(d.strip().upper())]
    level: Level = "buurt" if any(code_level(d.strip().upper()) == "buurt" for d in codes) else "wijk"
    scope = [
        f
        for f in geo.features
        if f.level == level and (municipality_code is None or f.municipality == municipality_code)
    ]
    by_code = _match(geo, districts, scope, lambda f: [f.code or ""], lambda d: d.strip().upper())
    rest = [d for d in districts if d not in by_code]
    by_name = _match(geo, rest, scope, lambda f: [normal_name(f.name)] if f.name else [], normal_name)
    chosen = {**by_code, **by_name}
    where = f" of {municipality_code}" if municipality_code else ""
    if not chosen:
        in_file = sum(1 for f in geo.features if f.level == level)
        raise InputError(
            f"{display_path(geo.path)}: none of the {len(districts):,} districts matches an area of the file "
            f"(0 of {len(districts):,} matched by {level} code or name; the file has {in_file:,} "
            f"{level}en, {len(scope):,} of them{where or ' in scope'}).",
            hint="give the wijk layer of the CBS wijk- en buurtkaart of the districts' year "
            "(wijkcode/WK_CODE and wijknaam/WK_NAAM), of the municipality compared.",
        )
    return _area_match(geo, level, districts, chosen, scope)


def match_municipalities(geo: GeometryFile, areas: Sequence[str], own: str | None = None) -> AreaMatch:
    """The map of a league: each municipality (its name as the league writes it) to the file's
    area of its code (``GM0034``, through the shipped geography) or of its name; the file's other
    municipalities drawn without figures. None matched: refused."""
    from veilcli.domain.geography import municipality_names

    names = municipality_names()
    scope = [f for f in geo.features if f.level == "gemeente"]

    def keys(feature: Feature) -> list[str]:
        found = [normal_name(names.get(feature.code or "", feature.code or ""))]
        return [*found, normal_name(feature.name)] if feature.name else found

    chosen = _match(geo, areas, scope, keys, lambda a: normal_name(names.get(a, a)))
    if not chosen:
        raise InputError(
            f"{display_path(geo.path)}: none of the {len(areas):,} municipalities matches an area of the "
            "file "
            f"(0 of {len(areas):,} matched by gemeentecode or name; the file has {len(scope):,} gemeenten).",
            hint="give the gemeente layer of the CBS wijk- en buurtkaart (gemeentecode/GM_CODE, "
            "gemeentenaam).",
        )
    match = _area_match(geo, "gemeente", areas, chosen, scope)
    match.own = names.get(own, own) if own else None
    return match


def _area_match(
    geo: GeometryFile, level: Level, wanted: Sequence[str], chosen: dict[str, Feature], scope: list[Feature]
) -> AreaMatch:
    used = {f.number for f in chosen.values()}
    shapes = {area: geo.shape(feature) for area, feature in chosen.items()}
    others = [(f.name or f.code or f"#{f.number}", geo.shape(f)) for f in scope if f.number not in used]
    missing = [a for a in wanted if a not in chosen]
    return AreaMatch(geo.path, level, shapes, others, missing)

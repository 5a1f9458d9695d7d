"""`report html --geometry FILE`: the map of the wijken (and of a league's municipalities).

Fixtures of our own in ``tests/fixtures/geometry/``: the sample's six Almere wijken drawn by hand
in RD New metres (Almere-Stad with a hole, the Weerwater; Almere-Poort a multipolygon with an
islet), a seventh Almere wijk without figures (Oosterwold), a wijk of Zeewolde that is not
Almere's, and a point; the same areas as a CSV with WKT (one ``POLYGON Z``, one EWKT ``SRID=``);
a GeoPackage built here with WKB written byte by byte.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sqlite3
import struct
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_league_exports import national  # noqa: F401 - the league fixture, used below
from tests.test_report_html import CHROMIUM, LOADS
from veilcli import api
from veilcli.cli import app
from veilcli.errors import InputError
from veilcli.report.map_svg import (
    MAP_WIDTH,
    PAD,
    PALETTES,
    MapArea,
    MapClass,
    choropleth,
    class_of,
    classify,
    hatch,
    period_words,
    simplify,
)
from veilcli.sources.geometry import (
    GEOMETRY_LIMITS,
    json_depth_exceeds,
    match_districts,
    read_geometry,
    wgs84_to_rd,
)

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "geometry"
GEOJSON = FIXTURES / "almere-wijken.geojson"
WKT_CSV = FIXTURES / "almere-wijken-wkt.csv"
SAMPLE = Path(__file__).parent.parent / "sample_data"
WIJKEN = ["Almere-Buiten", "Almere-Haven", "Almere-Hout", "Almere-Pampus", "Almere-Poort", "Almere-Stad"]

# By hand, from the fixture
STAD = [
    [
        (141000.0, 484000.0),
        (147000.0, 484000.0),
        (147000.0, 489000.0),
        (141000.0, 489000.0),
        (141000.0, 484000.0),
    ],
    [
        (143000.0, 485500.0),
        (143000.0, 487000.0),
        (145000.0, 487000.0),
        (145000.0, 485500.0),
        (143000.0, 485500.0),
    ],
]
POORT = [
    [
        [
            (136000.0, 484000.0),
            (141000.0, 484000.0),
            (141000.0, 487000.0),
            (136000.0, 487000.0),
            (136000.0, 484000.0),
        ]
    ],
    [
        [
            (137000.0, 482000.0),
            (138500.0, 482000.0),
            (138500.0, 483000.0),
            (137000.0, 483000.0),
            (137000.0, 482000.0),
        ]
    ],
]


def box(x1: float, y1: float, x2: float, y2: float) -> list[tuple[float, float]]:
    return [(x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1)]


# --- parsing --------------------------------------------------------------------------------------


def test_geojson_features_codes_holes_and_multipolygons() -> None:
    geo = read_geometry(GEOJSON)
    assert geo.form == "GeoJSON" and geo.crs == "rd"
    # 9 features, the point is no area
    assert [f.code for f in geo.features] == [f"WK00340{i}" for i in range(1, 8)] + ["WK005001"]
    stad = geo.features[0]
    assert (stad.name, stad.level, stad.municipality) == ("Almere-Stad", "wijk", "GM0034")
    assert geo.shape(stad) == [STAD]
    assert geo.shape(geo.features[4]) == POORT
    assert geo.features[-1].municipality == "GM0050"


def test_wkt_csv_reads_the_same_areas() -> None:
    geo = read_geometry(WKT_CSV)
    assert geo.form == "CSV (WKT)"
    reference = read_geometry(GEOJSON)
    assert [(f.code, f.name) for f in geo.features] == [(f.code, f.name) for f in reference.features[:7]]
    for mine, theirs in zip(geo.features, reference.features, strict=False):
        assert geo.shape(mine) == reference.shape(theirs), mine.code  # POLYGON Z: z left out; SRID= read


def _gp(wkb: bytes, envelope: bool = False) -> bytes:
    """GeoPackage binary: 'GP', version 0, flags (little-endian header, envelope xy or none), srs 28992."""
    flags = 0b1 | (0b10 if envelope else 0)
    head = b"GP" + bytes([0, flags]) + struct.pack("<i", 28992)
    return head + (struct.pack("<4d", 0, 1, 0, 1) if envelope else b"") + wkb


def _polygon(
    rings: list[list[tuple[float, float]]], order: str = "<", kind: int = 3, z: bool = False
) -> bytes:
    out = bytes([1 if order == "<" else 0]) + struct.pack(order + "II", kind, len(rings))[:4]
    out += struct.pack(order + "I", len(rings))
    for ring in rings:
        out += struct.pack(order + "I", len(ring))
        for x, y in ring:
            out += struct.pack(order + ("3d" if z else "2d"), x, y, *((7.0,) if z else ()))
    return out


def write_gpkg(path: Path, rows: list[tuple[str, str, bytes]], srs: int = 28992) -> Path:
    """A minimal GeoPackage: the three gpkg tables and a layer 'wijken' (WK_CODE, WK_NAAM, GM_CODE
    as the kaart wrote them to 2020), plus a view listed as a feature table (never run)."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, "
        "organization_coordsys_id INTEGER, definition TEXT, description TEXT);"
        "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT);"
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, "
        "srs_id INTEGER, z INTEGER, m INTEGER);"
        "CREATE TABLE wijken (fid INTEGER PRIMARY KEY, geom BLOB, WK_CODE TEXT, WK_NAAM TEXT, GM_CODE TEXT);"
        "CREATE VIEW slow AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT n AS geom FROM r;"
    )
    db.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('RD', ?, 'EPSG', ?, '', '')", (srs, srs))
    for table in ("wijken", "slow"):
        db.execute("INSERT INTO gpkg_contents VALUES (?, 'features', ?)", (table, table))
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)", (table, srs)
        )
    db.executemany(
        "INSERT INTO wijken (geom, WK_CODE, WK_NAAM, GM_CODE) VALUES (?, ?, ?, 'GM0034')",
        [(blob, code, name) for code, name, blob in rows],
    )
    db.commit()
    db.close()
    return path


def gpkg_rows() -> list[tuple[str, str, bytes]]:
    poort = b"\x01" + struct.pack("<II", 6, 2) + _polygon(POORT[0]) + _polygon(POORT[1], order=">")
    return [
        ("WK003401", "Almere-Stad", _gp(_polygon(STAD), envelope=True)),
        ("WK003402", "Almere-Haven", _gp(_polygon([box(141000, 481000, 144000, 484000)], order=">"))),
        (
            "WK003403",
            "Almere-Buiten",
            _gp(_polygon([box(147000, 487000, 151000, 491000)], kind=1003, z=True)),
        ),
        ("WK003404", "Almere-Hout", _gp(_polygon([box(147000, 482000, 151000, 487000)]))),
        ("WK003405", "Almere-Poort", _gp(poort)),
        ("WK003406", "Almere-Pampus", _gp(_polygon([box(141000, 489000, 147000, 492000)]))),
    ]


def test_geopackage_wkb_little_and_big_endian_envelope_iso_z_multipolygon(tmp_path: Path) -> None:
    geo = read_geometry(write_gpkg(tmp_path / "wijken.gpkg", gpkg_rows()))
    assert geo.form == "GeoPackage" and geo.crs == "rd"
    assert [(f.code, f.name, f.municipality) for f in geo.features][:2] == [
        ("WK003401", "Almere-Stad", "GM0034"),
        ("WK003402", "Almere-Haven", "GM0034"),
    ]
    shapes = [geo.shape(f) for f in geo.features]
    assert shapes[0] == [STAD]
    assert shapes[1] == [[box(141000, 481000, 144000, 484000)]]
    assert shapes[2] == [[box(147000, 487000, 151000, 491000)]]  # z dropped
    assert shapes[4] == POORT
    reference = read_geometry(GEOJSON)
    match = match_districts(geo, WIJKEN, "GM0034")
    assert match.matched == 6 and match.missing == [] and match.others == []
    assert match.shapes["Almere-Stad"] == reference.shape(reference.features[0])


def test_wgs84_to_rd_published_points() -> None:
    # Amersfoort's Onze Lieve Vrouwetoren defines RD; the Martinitoren in Groningen: RD 233,883.131,
    # 582,065.167 is 53.219383 N, 6.568200 E (the published pair of the approximation)
    assert wgs84_to_rd(52.15517440, 5.38720621) == pytest.approx((155000.0, 463000.0), abs=1e-6)
    x, y = wgs84_to_rd(53.219383166978588, 6.5682005290780019)
    assert abs(x - 233883.131) < 1 and abs(y - 582065.167) < 1


def test_names_match_whatever_the_writing_and_codes_match_codes(tmp_path: Path) -> None:
    path = tmp_path / "w.geojson"
    features = [
        {"type": "Feature", "properties": {"statcode": "WK003401", "statnaam": "Wijk 01 Almere Stad"},
         "geometry": {"type": "Polygon", "coordinates": [box(0, 0, 10, 10)]}},
        {"type": "Feature", "properties": {"WK_CODE": "WK003402  ", "WK_NAAM": "Almere-Havén"},
         "geometry": {"type": "Polygon", "coordinates": [box(10, 0, 20, 10)]}},
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    geo = read_geometry(path)
    match = match_districts(geo, ["Almere-Stad", "almere haven", "WK003402", "Almere-Hout"], "GM0034")
    assert set(match.shapes) == {"Almere-Stad", "almere haven", "WK003402"}
    assert match.missing == ["Almere-Hout"]


# --- classes and drawing by hand ------------------------------------------------------------------


def test_amsterdam_codes_with_letters(tmp_path: Path) -> None:
    path = tmp_path / "a.geojson"
    props = {
        "bu_code": "BU0363AF08",
        "bu_naam": "Zuiderkerkbuurt",
        "wk_code": "WK0363AF",
        "gm_code": "GM0363",
    }
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [box(0, 0, 9, 9)]},
    }
    path.write_text(json.dumps([feature]), encoding="utf-8")
    found = read_geometry(path).features[0]
    assert (found.code, found.name, found.level, found.municipality) == (
        "BU0363AF08", "Zuiderkerkbuurt", "buurt", "GM0363",
    )  # fmt: skip


def test_quantile_classes_by_hand() -> None:
    # six values, four classes: class j ends at rank ceil((j+1)*6/4): ranks 2, 3, 5, 6
    assert [(c.low, c.high, c.count) for c in classify([6, 1, 5, 2, 4, 3])] == [
        (1, 2, 2),
        (3, 3, 1),
        (4, 5, 2),
        (6, 6, 1),
    ]
    # ties share a class; two distinct values make two classes
    assert [(c.low, c.high, c.count) for c in classify([1, 1, 1, 2])] == [(1, 1, 3), (2, 2, 1)]
    # ten values: five classes of two
    assert [c.count for c in classify(list(range(10)))] == [2, 2, 2, 2, 2]
    assert [c.colour for c in classify(list(range(10)))] == list(PALETTES[5])
    classes = [MapClass(1, 2, 2, "a"), MapClass(3, 3, 1, "b")]
    assert [class_of(v, classes) for v in (1, 2, 2.5, 3)] == [0, 0, 1, 1]


def test_palettes_keep_their_order_in_grey() -> None:
    def luma(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    for palette in PALETTES.values():
        greys = [luma(c) for c in palette]
        assert all(a - b >= 0.1 for a, b in itertools.pairwise(greys)), palette  # light to dark
        assert greys[0] < 0.97  # the lightest class is no white: "no data" is white and hatched


def test_douglas_peucker_by_hand() -> None:
    line = [(0, 0), (1, 0.1), (2, 0), (3, 5), (4, 0)]
    # (3,5) is 5 from the chord; then (2,0) is 10/sqrt(34) = 1.71 from (0,0)-(3,5);
    # (1,0.1) is 0.1 from (0,0)-(2,0)
    assert simplify(line, 0.35) == [(0, 0), (2, 0), (3, 5), (4, 0)]
    assert simplify(line, 0.05) == line


def test_hatching_stays_out_of_holes() -> None:
    square = [
        [
            [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)],
            [(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0)],
        ]
    ]
    # horizontal lines at 1, 3, 5, 7, 9: the line at 5 is cut by the hole
    segments = re.findall(r"M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)", hatch(square, 2.0, diagonal=False))
    assert [(float(a), float(b), float(c), float(d)) for a, b, c, d in segments] == [
        (0, 1, 10, 1), (0, 3, 10, 3), (0, 5, 4, 5), (6, 5, 10, 5), (0, 7, 10, 7), (0, 9, 10, 9),
    ]  # fmt: skip


def _paths(svg: str) -> dict[str, tuple[str, str]]:
    """data-area -> (class, d) of every area path."""
    found = re.findall(r"<path class='(area[^']*)' data-area='([^']*)' d='([^']*)'", svg)
    assert len(found) == len({name for _, name, _ in found})
    return {name: (css, d) for css, name, d in found}


def test_the_svg_has_one_path_per_area_with_its_class() -> None:
    geo = read_geometry(GEOJSON)
    match = match_districts(geo, WIJKEN, "GM0034")
    assert [name for name, _ in match.others] == ["Oosterwold"]  # Zeewolde's wijk is not Almere's
    areas = [
        MapArea("Almere-Buiten", 4.45, 96),
        MapArea("Almere-Haven", 3.52, 34),
        MapArea("Almere-Hout", 4.33, 8),
        MapArea("Almere-Pampus", 0.0, 0, too_few=True),  # 0 -> 0: status too_few
        MapArea("Almere-Poort", 4.81, 32),
        MapArea("Almere-Stad", None, None),  # no figure
    ]
    svg = choropleth("map-t", "Woninginbraak", areas, match.shapes, match.others, "nl")
    paths = _paths(svg)
    # shown 4.5, 3.5, 4.3, 4.8: four values, four classes of one
    assert {n: css for n, (css, _) in paths.items()} == {
        "Almere-Buiten": "area c3",
        "Almere-Haven": "area c1",
        "Almere-Hout": "area c2",
        "Almere-Pampus": "area too-few",
        "Almere-Poort": "area c4",
        "Almere-Stad": "area no-data",
        "Oosterwold": "area no-data",
    }
    # RD to the drawing by hand: the Almere wijken span x 136,000-155,000 and y 481,000-492,000; scale
    # min(488/19,000, 448/11,000) = 0.0256842; (141,000, 484,000) -> 6 + 5,000 s = 134.4,
    # 6 + (492,000 - 484,000) s = 211.5 (y flipped); Pampus' north edge (492,000) is at y 6
    scale = (MAP_WIDTH - 2 * PAD) / 19000
    assert paths["Almere-Stad"][1].startswith(f"M{6 + 5000 * scale:.1f} {6 + 8000 * scale:.1f} ")
    assert paths["Almere-Stad"][1].startswith("M134.4 211.5 ")
    assert paths["Almere-Stad"][1].count("M") == 2 and " 6Z" in paths["Almere-Pampus"][1]  # a hole
    assert paths["Almere-Poort"][1].count("M") == 2  # two polygons, one path
    assert svg.count("fill-rule='evenodd'") == 7
    assert "4,5 (1 gebied)" in svg and "geen gegevens" in svg
    assert "te weinig registraties om te beoordelen" in svg
    assert "<script" not in svg and not LOADS.search(svg) and "url(" not in svg


def test_names_are_escaped() -> None:
    name = "<script>alert('x')</script> & Zuid"
    shapes = {name: [[box(0, 0, 1000, 1000)]]}
    svg = choropleth("map-e", "T <b>", [MapArea(name, 2.0, 10)], shapes, [], "en")
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Zuid" in svg


def test_period_words() -> None:
    assert [period_words(p, "nl") for p in ("2019H1", "2019H2", "2019Q2", "2019-03", "2019")] == [
        "eerste helft 2019",
        "tweede helft 2019",
        "2e kwartaal 2019",
        "maart 2019",
        "2019",
    ]
    assert period_words("2019H1", "en") == "first half of 2019"


# --- the report -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> api.Store:
    store = api.Store(tmp_path_factory.mktemp("sample") / "store")
    assert api.ingest([SAMPLE], store).stored
    return store


def _report(store: api.Store, out: Path, *extra: str) -> tuple[int, str]:
    args = ["report", "html", str(out), "--store", str(store.root), "--period", "2019H1", *extra]
    done = runner.invoke(app, args)
    return done.exit_code, done.output


@pytest.mark.parametrize("geometry", [GEOJSON, WKT_CSV, "gpkg"])
def test_report_maps_every_indicator_of_the_sample(
    sample: api.Store, tmp_path: Path, geometry: Path | str
) -> None:
    path = write_gpkg(tmp_path / "w.gpkg", gpkg_rows()) if geometry == "gpkg" else Path(geometry)
    code, output = _report(sample, tmp_path / "r.html", "--by", "district", "--geometry", str(path))
    assert code == 0, output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    section = html[html.index("<section id='maps'>") :]
    section = section[: section.index("</section>")]
    assert "<a href='#maps'>Kaart van de wijken</a>" in html
    maps = re.findall(r"<figure class='map' id='map-([a-z_]+)'", section)
    assert len(maps) == 10 and maps[0] == "woninginbraak"
    assert section.count("Bron: Nationale Politie; kaart: CBS Wijk- en buurtkaart") == 10
    assert "Woninginbraak, eerste helft 2019 (per 1.000 woningen)" in section
    burglary = section[section.index("id='map-woninginbraak'") : section.index("id='map-straatroof'")]
    paths = _paths(burglary)
    # the sample: Almere-Pampus has 0 burglaries (too few); the other five 96, 34, 8, 32, 181
    assert paths["Almere-Pampus"][0] == "area too-few"
    assert sum(css.startswith("area c") for css, _ in paths.values()) == 5
    assert ("Oosterwold" in paths) == (geometry != "gpkg")  # the GeoPackage has only the six
    # Hatched exactly where the district table says ○ (too few to judge), not below a count: overval
    # in Buiten 5 -> 2 (-60%, judged) is classed; Haven 0 -> 2, Hout 0 -> 0, Pampus 0 -> 0 and Poort
    # 1 -> 3 are too few (tests/test_districts_matrix.py's rule); Stad 5 -> 5 is judged.
    robbery = section[section.index("id='map-overval'") : section.index("id='map-auto_inbraak'")]
    few = sorted(name for name, (css, _) in _paths(robbery).items() if css == "area too-few")
    assert few == ["Almere-Haven", "Almere-Hout", "Almere-Pampus", "Almere-Poort"]
    assert "Niet op de kaart" not in section
    assert "<script" not in html and not LOADS.search(html)


def test_districts_without_geometry_are_listed(sample: api.Store, tmp_path: Path) -> None:
    document = json.loads(GEOJSON.read_text(encoding="utf-8"))
    document["features"] = [f for f in document["features"] if f["properties"]["wijknaam"] != "Almere-Hout"]
    path = tmp_path / "zonder-hout.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, output = _report(sample, tmp_path / "r.html", "--by", "district", "--geometry", str(path))
    assert code == 0, output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Niet op de kaart (geen gebied met die naam of code in het kaartbestand): Almere-Hout." in html
    assert "data-area='Almere-Hout'" not in html


def _one_line_error(output: str, *words: str) -> None:
    assert "Traceback" not in output
    first = output.strip().splitlines()[0]
    for w in words:
        assert w in first, first


def test_refusals(sample: api.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.html"
    points = tmp_path / "points.geojson"
    feature = {
        "type": "Feature",
        "properties": {"wijkcode": "WK003401"},
        "geometry": {"type": "Point", "coordinates": [1, 2]},
    }
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    code, output = _report(sample, out, "--by", "district", "--geometry", str(points))
    assert code == 2
    _one_line_error(output, "points.geojson", "no polygon geometry in the 1 features", "Point")

    elsewhere = tmp_path / "zeewolde.geojson"
    document = json.loads(GEOJSON.read_text(encoding="utf-8"))
    document["features"] = [f for f in document["features"] if f["properties"]["wijkcode"] == "WK005001"]
    elsewhere.write_text(json.dumps(document), encoding="utf-8")
    code, output = _report(sample, out, "--by", "district", "--geometry", str(elsewhere))
    assert code == 2
    _one_line_error(
        output, "none of the 6 districts matches", "0 of 6 matched", "1 wijken, 0 of them of GM0034"
    )

    nameless = tmp_path / "nameless.csv"
    nameless.write_text("id;WKT\n1;POLYGON ((0 0, 1 0, 1 1, 0 0))\n", encoding="utf-8")
    code, output = _report(sample, out, "--by", "district", "--geometry", str(nameless))
    assert code == 2
    _one_line_error(output, "no area codes or names", "id, WKT")

    code, output = _report(sample, out, "--geometry", str(GEOJSON))  # no --by district
    assert code == 2
    _one_line_error(output, "--geometry draws a map of the districts or of a league")

    no_map = tmp_path / "table.csv"
    no_map.write_text("wijkcode;naam\nWK003401;Almere-Stad\n", encoding="utf-8")
    code, output = _report(sample, out, "--by", "district", "--geometry", str(no_map))
    assert code == 2
    _one_line_error(output, "no WKT column")

    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    code, output = _report(sample, out, "--by", "district", "--geometry", str(broken))
    assert code == 2
    _one_line_error(output, "broken.gpkg", "GeoPackage")
    assert not out.exists()

    monkeypatch.setenv("VEILCLI_MAX_GEOMETRY_FEATURES", "3")
    code, output = _report(sample, out, "--by", "district", "--geometry", str(GEOJSON))
    assert code == 2
    _one_line_error(output, "9 features, more than the limit of 3 features")
    monkeypatch.delenv("VEILCLI_MAX_GEOMETRY_FEATURES")

    monkeypatch.setenv("VEILCLI_MAX_GEOMETRY_COORDINATES", "20")
    code, output = _report(sample, out, "--by", "district", "--geometry", str(WKT_CSV))
    assert code == 2
    _one_line_error(output, "more coordinates, more than the limit of 20 coordinates")
    assert "VEILCLI_MAX_GEOMETRY_COORDINATES" in output


def test_geojson_nesting_is_bounded_before_json_parses(tmp_path: Path) -> None:
    assert json_depth_exceeds(b'{"a": [[[1, 2]]], "b": "[[[[[[[["}', 4) is False  # brackets in strings
    assert json_depth_exceeds(b'{"a": [[[[1]]]]}', 4) is True  # five levels
    assert json_depth_exceeds(b'{"a": [[[1]]]}', 4) is False  # four
    deep = tmp_path / "deep.geojson"
    deep.write_bytes(b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(InputError, match="nested deeper, more than the limit of 32 levels"):
        read_geometry(deep)


def test_a_view_in_the_geopackage_is_never_run(tmp_path: Path) -> None:
    # the fixture lists an endless recursive view as a feature table: reading skips it (no hang)
    geo = read_geometry(write_gpkg(tmp_path / "w.gpkg", gpkg_rows()[:1]))
    assert [f.code for f in geo.features] == ["WK003401"]


def test_limits_are_documented() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert [limit.env for limit in GEOMETRY_LIMITS if f"`{limit.env}`" not in readme] == []


# --- the league map -------------------------------------------------------------------------------

LEAGUE_BOXES = {  # WGS84 longitude/latitude boxes, no crs member (RFC 7946)
    ("GM0034", "Almere"): (5.10, 52.30, 5.30, 52.42),
    ("GM0995", "Lelystad"): (5.30, 52.42, 5.60, 52.58),
    ("GM0050", "Zeewolde"): (5.30, 52.25, 5.65, 52.42),
    ("GM0303", "Dronten"): (5.60, 52.42, 5.90, 52.62),
}


def test_league_map_outlines_the_own_municipality(
    national: tuple[api.Store, Path],  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    store, plan = national
    features = [
        {"type": "Feature", "properties": {"gemeentecode": code, "gemeentenaam": name},
         "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in box(*corners)]]}}
        for (code, name), corners in LEAGUE_BOXES.items()
    ]  # fmt: skip
    path = tmp_path / "gemeenten.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    out = tmp_path / "league.html"
    code, output = _report(store, out, "--area", "all", "--plan", str(plan), "--geometry", str(path))
    assert code == 0, output
    html = out.read_text(encoding="utf-8")
    fiets = html[html.index("id='map-fiets'") :]
    fiets = fiets[: fiets.index("</figure>")]
    paths = _paths(fiets)
    # fiets 2019H1 shown with one decimal: Zeewolde 0.4, Lelystad 1.5, Almere 2.6: three values,
    # three classes of one; Dronten has no figure
    assert {n: css for n, (css, _) in paths.items()} == {
        "Almere": "area c3",
        "Lelystad": "area c2",
        "Zeewolde": "area c1",
        "Dronten": "area no-data",
    }
    assert "0,4 (1 gebied)" in fiets and "2,6 (1 gebied)" in fiets
    assert fiets.count("<path class='own'") == 1 and "Almere (omlijnd)" in fiets
    assert "eerste helft 2019" in fiets
    # WGS84 converted to RD: the drawing is wider than tall at 52 N (0.2 deg of longitude ~ 13.7 km,
    # 0.12 deg of latitude ~ 13.4 km for Almere)
    assert "<script" not in html and not LOADS.search(html)


# --- a look in Chromium ---------------------------------------------------------------------------


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_screenshot_of_the_maps(sample: api.Store, tmp_path: Path) -> None:
    """The maps section with the report's own head (CSS), as Chromium draws it, and the whole report
    printed to PDF (the print CSS): both made with the network cut off, nothing in the console."""
    out = tmp_path / "r.html"
    code, output = _report(sample, out, "--by", "district", "--geometry", str(GEOJSON))
    assert code == 0, output
    assert CHROMIUM is not None
    html = out.read_text(encoding="utf-8")
    section = html[html.index("<section id='maps'>") :]
    page = tmp_path / "maps.html"
    page.write_text(html[: html.index("<main>") + 6] + section[: section.index("</section>") + 10], "utf-8")
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
              "--host-resolver-rules=MAP * ~NOTFOUND",
              "--enable-logging=stderr", "--v=0"]  # fmt: skip
    shot, pdf = tmp_path / "maps.png", tmp_path / "r.pdf"
    for flags, target in (
        (["--window-size=1200,1500", f"--screenshot={shot}"], page),
        (["--no-pdf-header-footer", f"--print-to-pdf={pdf}"], out),
    ):
        done = subprocess.run([*common, *flags, target.as_uri()], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert not [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert shot.stat().st_size > 50_000 and pdf.stat().st_size > 50_000  # a blank page is ~9 kB
    keep = Path("/tmp/veilcli-wijkmap")  # for a person to look at (the branch's report describes them)
    keep.mkdir(exist_ok=True)
    shutil.copy(shot, keep / "maps.png")
    shutil.copy(pdf, keep / "report.pdf")


@pytest.mark.parametrize(
    ("blob", "words"),
    [
        (
            b"GP\x00\x01" + struct.pack("<i", 28992) + b"\x01" + struct.pack("<II", 3, 0xFFFFFFFF),
            "more rings",
        ),
        (
            b"GP\x00\x01" + struct.pack("<i", 28992) + b"\x01" + struct.pack("<III", 3, 1, 0x7FFFFFFF),
            "more points",
        ),
        (b"GP\x00\x01" + struct.pack("<i", 28992) + b"\x01" + struct.pack("<I", 1) + b"\x00" * 16, "type 1"),
        (b"GP\x00\x01" + struct.pack("<i", 28992) + b"\x07", "byte order of 7"),
        (b"GP\x00\x01" + struct.pack("<i", 28992) + b"\x01\x03", "unreadable geometry"),  # cut short
        (b"XY\x00\x01" + b"\x00" * 20, "no 'GP' header"),
        (b"GP\x00\x0f" + b"\x00" * 20, "envelope code"),
    ],
)
def test_hostile_wkb_is_one_clear_refusal(tmp_path: Path, blob: bytes, words: str) -> None:
    """Counts that claim more than the blob holds are refused before anything is allocated."""
    geo = read_geometry(write_gpkg(tmp_path / "h.gpkg", [("WK003401", "Almere-Stad", blob)]))
    with pytest.raises(InputError, match="WK003401: unreadable geometry") as caught:
        match_districts(geo, ["Almere-Stad"], "GM0034")
    assert words in str(caught.value) and "\n" not in caught.value.message


def test_wgs84_geojson_and_odd_reference_systems(tmp_path: Path) -> None:
    # without a crs member GeoJSON is WGS84 (RFC 7946): converted to RD
    path = tmp_path / "wgs.geojson"
    ring = [[5.38720621, 52.15517440], [5.40, 52.15517440], [5.40, 52.17], [5.38720621, 52.15517440]]
    feature = {
        "type": "Feature",
        "properties": {"GM_CODE": "GM0307"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    geo = read_geometry(path)
    assert geo.shape(geo.features[0])[0][0][0] == pytest.approx((155000.0, 463000.0), abs=1e-6)
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
        "features": [feature],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="coordinates in EPSG:3857"):
        read_geometry(path)


def test_a_store_without_district_figures_says_so(
    national: tuple[api.Store, Path],  # noqa: F811 - the imported fixture: police counts, no districts
    tmp_path: Path,
) -> None:
    store, plan = national
    code, output = _report(
        store, tmp_path / "r.html", "--area", "Almere", "--plan", str(plan), "--by", "district",
        "--geometry", str(GEOJSON),
    )  # fmt: skip
    assert code == 2
    _one_line_error(output, "--geometry: no district figures for Almere to map.")


def test_maps_in_english(sample: api.Store, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, output = _report(sample, out, "--by", "district", "--geometry", str(GEOJSON), "--lang", "en")
    assert code == 0, output
    html = out.read_text(encoding="utf-8")
    assert "<a href='#maps'>Map of the districts</a>" in html
    assert "Source: Nationale Politie; map: CBS Wijk- en buurtkaart" in html
    assert "first half of 2019" in html and "too few registrations to judge" in html
    assert "geen gegevens" not in html and "no data" in html

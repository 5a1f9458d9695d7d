"""Choropleth maps as inline SVG for the HTML reports: the wijken of a municipality (``report html
--by district --geometry FILE``) or the municipalities of a league (``--area all``), one map per
indicator, from polygons in RD New metres (``sources/geometry.py``).

Drawn with the care of the charts (``svg.py``): hand-written, no script and no reference of any
kind (not even ``url(#...)``: hatching is computed as lines, not a pattern), every label escaped,
a ``<title>``/``<desc>`` that list every area's value, and one ``<path>`` per area (all its
polygons and holes, ``fill-rule='evenodd'``) whose class says its class of the legend.

- **Classes**: quantiles of the values as the report shows them (rounded to its decimals, so a
  shown value is never on two sides of a break): 5 classes from 10 areas, else 4, never more than
  there are distinct values; each class's range in the legend is the lowest and highest value in
  it, in the report's number style, with how many areas it holds.
- **Palette**: ColorBrewer's sequential blues, light to dark, whose grey values fall in even steps
  (a printout in grey keeps the order). "Geen gegevens" (an area of the map without a figure) is
  white with diagonal hatching; "te weinig" (a district whose status is ``too_few``, the district
  table's ○: too few registrations to judge) white with horizontal hatching. Neither is
  classed.
- **Geometry**: RD's y axis points north, the SVG's down: flipped. Coordinates are scaled to the
  drawing, rounded to 0.1 px, and simplified (Douglas-Peucker, 0.35 px: nothing visible is lost);
  a ring that shrinks below a triangle is left out, unless it is an area's only outline. Names
  and values are written on the areas when there are at most ``LABEL_LIMIT`` of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from veilcli.analysis.goals import Status
from veilcli.analysis.results.compare import DISTRICT_UNKNOWN, CompareResult
from veilcli.analysis.results.league import LeagueIndicator
from veilcli.domain.language import Lang, phrase
from veilcli.domain.periods import period_words
from veilcli.domain.units import Unit
from veilcli.report.numbers import number
from veilcli.report.svg import FONT
from veilcli.sources.geometry import AreaMatch, Shape

LABEL_LIMIT = 12  # areas: up to this many carry their name and value on the map
TOLERANCE = 0.35  # px of the drawing: Douglas-Peucker's tolerance
MAP_WIDTH = 500.0
MAP_MAX_HEIGHT = 460.0
PAD = 6.0
LEGEND_COLUMN = 250.0  # px: a legend column holds "te weinig registraties (minder dan 5)" at 12 px
LEGEND_WIDTH = 2 * LEGEND_COLUMN + PAD

# ColorBrewer "Blues" (sequential, print- and greyscale-safe), by the number of classes
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#6baed6",),
    2: ("#c6dbef", "#2171b5"),
    3: ("#deebf7", "#9ecae1", "#3182bd"),
    4: ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"),
    5: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
}
NO_DATA_FILL = "#ffffff"
HATCH_COLOUR = "#737373"
BORDER = "#525252"
OWN_COLOUR = "#000000"


def map_word(key: str, lang: Lang, **params: object) -> str:
    """A word of the maps in ``lang``, ``{parameters}`` filled in."""
    return phrase("map", key, lang, **params)


def _attr(text: object) -> str:
    return escape(str(text), quote=True)


# --- classes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapClass:
    """One class of the legend: the lowest and highest value in it, how many areas, its colour."""

    low: float
    high: float
    count: int
    colour: str


def class_count(values: Sequence[float]) -> int:
    """How many classes: 5 from 10 areas, else 4; never more than the distinct values."""
    return min(5 if len(values) >= 10 else 4, len(set(values)))


def classify(values: Sequence[float], classes: int | None = None) -> list[MapClass]:
    """Quantile classes of ``values`` (already rounded as shown): sorted, class ``j`` of ``k`` ends
    at the value of rank ceil((j+1)·n/k); equal values share a class (empty classes are dropped)."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return []
    k = classes or class_count(ordered)
    uppers: list[float] = []
    for j in range(k):
        upper = ordered[math.ceil((j + 1) * n / k) - 1]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    palette = PALETTES[len(uppers)]
    found, start = [], 0
    for j, upper in enumerate(uppers):
        members = [v for v in ordered[start:] if v <= upper]
        found.append(MapClass(members[0], upper, len(members), palette[j]))
        start += len(members)
    return found


def class_of(value: float, classes: Sequence[MapClass]) -> int:
    """The index of the class that holds ``value`` (the first whose highest value is not below it)."""
    return next((i for i, c in enumerate(classes) if value <= c.high), len(classes) - 1)


# --- geometry on the drawing ----------------------------------------------------------------------


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open line (iterative: no recursion limit); the ends are kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = -1.0, first
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - x1, py - y1)
            else:
                distance = abs(dy * (px - x1) - dx * (py - y1)) / length
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """A closed ring simplified: split at its first point and the point farthest from it, each half
    simplified, consecutive repeats dropped; fewer than 3 distinct points: empty."""
    points = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return []
    x0, y0 = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
    closed = [*points, points[0]]
    half = simplify(closed[: far + 1], tolerance)[:-1] + simplify(closed[far:], tolerance)[:-1]
    return half if len(half) >= 3 else []


def ring_area(ring: Sequence[tuple[float, float]]) -> float:
    """The ring's area (shoelace; its sign is the winding)."""
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True))


@dataclass(frozen=True)
class Frame:
    """RD metres to drawing pixels: x right, y down (RD's y points north)."""

    min_x: float
    max_y: float
    scale: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (
            round(PAD + (x - self.min_x) * self.scale, 1),
            round(PAD + (self.max_y - y) * self.scale, 1),
        )


def frame_of(shapes: Sequence[Shape]) -> tuple[Frame, float, float]:
    """The frame that fits every shape into ``MAP_WIDTH`` x at most ``MAP_MAX_HEIGHT``, and the
    drawing's width and height."""
    xs = [x for shape in shapes for polygon in shape for x, _ in polygon[0]] if shapes else []
    ys = [y for shape in shapes for polygon in shape for _, y in polygon[0]] if shapes else []
    if not xs:
        return Frame(0, 0, 1), MAP_WIDTH, 100.0
    width, height = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
    scale = min((MAP_WIDTH - 2 * PAD) / width, (MAP_MAX_HEIGHT - 2 * PAD) / height)
    return Frame(min(xs), max(ys), scale), width * scale + 2 * PAD, height * scale + 2 * PAD


def thin(ring: Sequence[tuple[float, float]], step: float) -> list[tuple[float, float]]:
    """The ring without the points within ``step`` of the point kept before them (the first and
    last always kept): the cheap pass before Douglas-Peucker, which is quadratic at worst."""
    if len(ring) < 4:
        return list(ring)
    kept = [ring[0]]
    px, py = ring[0]
    limit = step * step
    for x, y in ring[1:-1]:
        if (x - px) * (x - px) + (y - py) * (y - py) >= limit:
            kept.append((x, y))
            px, py = x, y
    kept.append(ring[-1])
    return kept


def drawn(shape: Shape, frame: Frame) -> list[list[list[tuple[float, float]]]]:
    """A shape on the drawing: every ring scaled, rounded and simplified; rings that vanish are left
    out (a hole or an islet smaller than a pixel), unless the shape would vanish whole."""
    polygons = []
    step = TOLERANCE / frame.scale  # metres: points closer than this to the last one kept add nothing
    for polygon in shape:
        rings = [
            simplify_ring([frame.point(x, y) for x, y in thin(ring, step)], TOLERANCE) for ring in polygon
        ]
        if rings and rings[0]:
            polygons.append([r for r in rings if r])
    if not polygons and shape and shape[0] and shape[0][0]:  # a tiny area: a rounded outline at least
        outline = [frame.point(x, y) for x, y in shape[0][0]]
        distinct = list(dict.fromkeys(outline))
        if len(distinct) < 3:
            x, y = distinct[0]
            distinct = [(x - 0.6, y - 0.6), (x + 0.6, y - 0.6), (x + 0.6, y + 0.6), (x - 0.6, y + 0.6)]
        polygons.append([distinct])
    return polygons


def path_data(polygons: Sequence[Sequence[Sequence[tuple[float, float]]]]) -> str:
    """SVG path data: each ring ``M x y x y ... Z`` (after M the pairs are line-tos)."""

    def n(value: float) -> str:
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text

    return "".join(
        "M" + " ".join(f"{n(x)} {n(y)}" for x, y in ring) + "Z" for polygon in polygons for ring in polygon
    )


def _crossings(rings: Sequence[Sequence[tuple[float, float]]], c: float) -> list[float]:
    """The x of every crossing of the horizontal line y = c with the rings' edges, sorted."""
    xs = []
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
            if (y1 <= c < y2) or (y2 <= c < y1):
                xs.append(x1 + (c - y1) * (x2 - x1) / (y2 - y1))
    return sorted(xs)


def hatch(polygons: Sequence[Sequence[Sequence[tuple[float, float]]]], spacing: float, diagonal: bool) -> str:
    """Hatching inside the polygons (even-odd: never in a hole) as path data of line segments:
    lines at 45 degrees or horizontal, ``spacing`` px apart."""
    cos = sin = math.sqrt(0.5)

    def turn(x: float, y: float) -> tuple[float, float]:  # into the frame where hatch lines are level
        return (x * cos + y * sin, -x * sin + y * cos) if diagonal else (x, y)

    def back(u: float, v: float) -> tuple[float, float]:
        return (u * cos - v * sin, u * sin + v * cos) if diagonal else (u, v)

    rings = [[turn(x, y) for x, y in ring] for polygon in polygons for ring in polygon]
    vs = [v for ring in rings for _, v in ring]
    if not vs:
        return ""
    parts = []
    c = math.floor(min(vs) / spacing) * spacing + spacing / 2
    while c < max(vs):
        xs = _crossings(rings, c)
        for a, b in zip(xs[0::2], xs[1::2], strict=False):
            (x1, y1), (x2, y2) = back(a, c), back(b, c)
            parts.append(f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}")
        c += spacing
    return "".join(parts)


def label_point(polygons: Sequence[Sequence[Sequence[tuple[float, float]]]]) -> tuple[float, float] | None:
    """Where a label (a name over a value) sits: in the largest polygon, the middle of the inside
    stretch that is widest over the label's height (the line itself, 11 px above and 13 below), of
    seven horizontal lines: inside even for a crescent, and clear of a hole."""
    if not polygons:
        return None
    largest = max(polygons, key=lambda p: abs(ring_area(p[0])))
    ys = [y for _, y in largest[0]]

    def width_at(c: float, x: float) -> float:
        xs = _crossings(largest, c)
        return next((b - a for a, b in zip(xs[0::2], xs[1::2], strict=False) if a <= x <= b), 0.0)

    best: tuple[float, float, float] | None = None
    for share in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        c = min(ys) + (max(ys) - min(ys)) * share
        xs = _crossings(largest, c)
        for a, b in zip(xs[0::2], xs[1::2], strict=False):
            mid = (a + b) / 2
            score = min(b - a, width_at(c - 11, mid), width_at(c + 13, mid))
            if best is None or score > best[0] + 1:
                best = (score, mid, c)
    return None if best is None else (best[1], best[2])


# --- the map --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapArea:
    """One area of the figures on a map: its name, value (None: no figure) and registered count
    in the period (None: not known, e.g. a league's municipalities)."""

    name: str
    value: float | None
    count: float | None = None
    too_few: bool = False  # its status is ``too_few``: hatched, as the district table marks it ○


def decimals_for(values: Sequence[float], count_unit: bool) -> int:
    """The decimals the report shows: counts whole, rates with one (two below 1)."""
    if count_unit:
        return 0
    return 2 if values and max(abs(v) for v in values) < 1 else 1


def choropleth(
    map_id: str,
    title: str,
    areas: Sequence[MapArea],
    shapes: dict[str, Shape],
    others: Sequence[tuple[str, Shape]],
    lang: Lang,
    *,
    count_unit: bool = False,
    own: str | None = None,
) -> str:
    """The map as one ``<svg>``: a path per area (``shapes``: the areas of the figures that have
    geometry; ``others``: the map's areas without a figure), classed and coloured, hatching on
    "no data" and "too few", the own area outlined, the legend under the map."""
    on_map = [a for a in areas if a.name in shapes]
    few = {a.name for a in on_map if a.value is not None and a.too_few}
    known = [a.value for a in on_map if a.value is not None and a.name not in few]
    decimals = decimals_for(known, count_unit)
    rounded = {a.name: round(a.value, decimals) for a in on_map if a.value is not None and a.name not in few}
    classes = classify(list(rounded.values()))
    frame, width, height = frame_of([*shapes.values(), *(s for _, s in others)])
    body: list[str] = []
    labels: list[str] = []
    described: list[str] = []
    own_path = ""

    def add(name: str, shape: Shape, area: MapArea | None) -> None:
        nonlocal own_path
        polygons = drawn(shape, frame)
        if not polygons:
            return
        d = path_data(polygons)
        if area is None or area.value is None:
            css, fill, text, lines = "area no-data", NO_DATA_FILL, map_word("no_data", lang), (5.0, True)
        elif name in few:
            shown = number(area.value, decimals, lang)
            text = f"{shown} ({number(area.count or 0, 0, lang)}; {map_word('too_few', lang)})"
            css, fill, lines = "area too-few", NO_DATA_FILL, (4.0, False)
        else:
            index = class_of(rounded[name], classes)
            css, fill, lines = f"area c{index + 1}", classes[index].colour, None
            text = number(rounded[name], decimals, lang)
            if area.count is not None:
                text += f" ({number(area.count, 0, lang)})"
        described.append(f"{name} {text}")
        body.append(
            f"<path class='{css}' data-area='{_attr(name)}' d='{d}' fill='{fill}' fill-rule='evenodd' "
            f"stroke='{BORDER}' stroke-width='0.7'><title>{_attr(f'{name}: {text}')}</title></path>"
        )
        if lines is not None:
            body.append(
                f"<path class='hatch' d='{hatch(polygons, *lines)}' stroke='{HATCH_COLOUR}' "
                "stroke-width='0.7' fill='none'/>"
            )
        if own is not None and name == own:
            own_path = (
                f"<path class='own' d='{d}' fill='none' fill-rule='evenodd' stroke='{OWN_COLOUR}' "
                "stroke-width='2.4' stroke-linejoin='round'/>"
            )
        point = label_point(polygons)
        if point is not None and len(on_map) + len(others) <= LABEL_LIMIT:  # an area without figure: its name
            value = "" if area is None or area.value is None or name in few else text.split(" (")[0]
            dark = css.startswith("area c") and _luma(fill) < 0.5
            ink, halo = ("#ffffff", "#08306b") if dark else ("#111111", "#ffffff")
            x, y = point
            style = (
                f"text-anchor='middle' font-size='12' fill='{ink}' stroke='{halo}' stroke-width='2.8' "
                "paint-order='stroke' stroke-linejoin='round'"
            )
            labels.append(f"<text x='{x:.1f}' y='{y - 2:.1f}' {style}>{_attr(name)}</text>")
            if value:
                labels.append(
                    f"<text x='{x:.1f}' y='{y + 12:.1f}' {style} font-weight='600'>{_attr(value)}</text>"
                )

    by_name = {a.name: a for a in on_map}
    for name, shape in shapes.items():
        add(name, shape, by_name.get(name))
    for name, shape in others:
        add(name, shape, None)
    legend, legend_height = _legend(classes, decimals, lang, bool(few), _has_no_data(on_map, others), own)
    top = height + 8
    full = max(width, LEGEND_WIDTH)  # a narrow map (a tall municipality) is centred over the legend
    shift = f"<g transform='translate({(full - width) / 2:.1f} 0)'>" if full > width else "<g>"
    parts = [shift, *body, own_path, *labels, "</g>", f"<g transform='translate(0 {top:.1f})'>{legend}</g>"]
    total = top + legend_height
    width = full
    desc = map_word("map_desc", lang, count=len(described), values="; ".join(described))
    return (
        f"<svg viewBox='0 0 {width:.0f} {total:.0f}' role='img' aria-labelledby='{_attr(map_id)}-title "
        f"{_attr(map_id)}-desc' class='map' style='width:100%;height:auto;display:block' {FONT}>"
        f"<title id='{_attr(map_id)}-title'>{_attr(title)}</title>"
        f"<desc id='{_attr(map_id)}-desc'>{_attr(desc)}</desc>" + "".join(p for p in parts if p) + "</svg>"
    )


def _luma(colour: str) -> float:
    """A colour's grey value (Rec. 601 luma, 0 black to 1 white): what it prints as in grey."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def _has_no_data(on_map: Sequence[MapArea], others: Sequence[tuple[str, Shape]]) -> bool:
    return bool(others) or any(a.value is None for a in on_map)


def _legend(
    classes: Sequence[MapClass],
    decimals: int,
    lang: Lang,
    few: bool,
    no_data: bool,
    own: str | None,
) -> tuple[str, float]:
    """The legend in two columns: each class's range (lowest-highest value, areas), then the
    hatched "too few" and "no data", then the own area's outline."""
    items: list[tuple[str, str]] = []  # (swatch, text)
    for c in classes:
        low, high = number(c.low, decimals, lang), number(c.high, decimals, lang)
        shown = low if low == high else f"{low}\u2013{high}"
        many = map_word("area_one", lang) if c.count == 1 else map_word("areas", lang, n=c.count)
        swatch = f"<rect width='14' height='11' fill='{c.colour}' stroke='{BORDER}' stroke-width='0.6'/>"
        items.append((swatch, f"{shown} ({many})"))
    square = [[[(0.0, 0.0), (14.0, 0.0), (14.0, 11.0), (0.0, 11.0)]]]
    for present, key, lines in ((few, "too_few", (4.0, False)), (no_data, "no_data", (5.0, True))):
        if present:
            swatch = (
                f"<rect width='14' height='11' fill='{NO_DATA_FILL}' stroke='{BORDER}' stroke-width='0.6'/>"
                f"<path d='{hatch(square, *lines)}' stroke='{HATCH_COLOUR}' stroke-width='0.7' fill='none'/>"
            )
            items.append((swatch, map_word(key, lang)))
    if own is not None:
        swatch = (
            f"<rect x='1' y='1' width='12' height='9' fill='none' stroke='{OWN_COLOUR}' stroke-width='2'/>"
        )
        items.append((swatch, map_word("own", lang, area=own)))
    rows = math.ceil(len(items) / 2)
    parts = []
    for index, (swatch, text) in enumerate(items):
        column, row = divmod(index, rows) if rows else (0, 0)
        x, y = PAD + column * LEGEND_COLUMN, row * 19
        parts.append(
            f"<g transform='translate({x:.0f} {y:.0f})'>{swatch}"
            f"<text x='20' y='11' font-size='12' fill='#262626'>{_attr(text)}</text></g>"
        )
    return "".join(parts), rows * 19 + 4


# --- the sections of the reports ------------------------------------------------------------------

FIGURE_STYLE = "margin:0;break-inside:avoid;page-break-inside:avoid"
GRID_STYLE = "display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:14px 20px"


def map_figure(map_id: str, title: str, svg: str, lang: Lang) -> str:
    """A map with its title above and the source line under it."""
    return (
        f"<figure class='map' id='{_attr(map_id)}' style='{FIGURE_STYLE}'>"
        f"<p class='map-title' style='font-weight:600;margin:0 0 4px;font-size:14px'>{_attr(title)}</p>{svg}"
        f"<figcaption>{_attr(map_word('map_source', lang))}</figcaption></figure>"
    )


def district_maps(result: CompareResult, match: AreaMatch, lang: Lang) -> str:
    """The section of the district maps: per indicator with a district figure in the period a map
    of the districts (rates; counts for a count indicator; no rate without district population),
    then the districts the map file has no area for."""
    districts = [d for d in result.districts or [] if d.district != DISTRICT_UNKNOWN]
    figures = []
    for ind in result.indicators:
        areas = []
        for district in districts:
            found = next((i for i in district.indicators if i.id == ind.id), None)
            if found is None:
                continue
            rated = district.has_population or found.unit is Unit.count or found.survey is not None
            value = found.values.get(result.period) if rated else None
            count = None if found.survey is not None else found.counts.get(result.period)
            # the district table's rule (analysis/goals.too_few_to_judge), so a wijk ○ there is hatched here
            areas.append(MapArea(district.district, value, count, found.status is Status.too_few))
        if not any(a.value is not None for a in areas):
            continue
        title = map_word(
            "map_title",
            lang,
            label=ind.label,
            period=period_words(result.period, lang),
            unit=ind.unit.label(lang),
        )
        svg = choropleth(
            f"map-{ind.id}",
            title,
            areas,
            match.shapes,
            match.others,
            lang,
            count_unit=ind.unit is Unit.count,
        )
        figures.append(map_figure(f"map-{ind.id}", title, svg, lang))
    if not figures:
        return ""
    notes = []
    missing = [d for d in match.missing if d != DISTRICT_UNKNOWN]
    if missing:
        notes.append(map_word("missing", lang, areas=", ".join(missing)))
    unpopulated = [d.district for d in districts if not d.has_population]
    if unpopulated:
        notes.append(map_word("no_population", lang, areas=", ".join(unpopulated)))
    intro = map_word("h_maps_intro", lang, period=period_words(result.period, lang), file=match.path.name)
    return (
        f"<section id='maps'><h2>{_attr(map_word('h_maps', lang))}</h2><p>{_attr(intro)}</p>"
        f"<div class='maps' style='{GRID_STYLE}'>{''.join(figures)}</div>"
        + "".join(f"<p class='small map-note'>{_attr(n)}</p>" for n in notes)
        + "</section>"
    )


def league_map(ind: LeagueIndicator, period: str, match: AreaMatch, lang: Lang) -> str:
    """The map of one league indicator: each municipality's registered value in the period, the
    plan's own municipality outlined; the league's municipalities without an area in the file named
    under it."""
    title = map_word(
        "map_title", lang, label=ind.label, period=period_words(period, lang), unit=ind.unit.label(lang)
    )
    areas = [MapArea(row.area, row.value) for row in ind.rows]
    svg = choropleth(
        f"map-{ind.id}",
        title,
        areas,
        match.shapes,
        match.others,
        lang,
        count_unit=ind.unit is Unit.count,
        own=match.own if match.own in match.shapes else None,
    )
    figure = map_figure(f"map-{ind.id}", title, svg, lang)
    missing = [a for a in match.missing if any(r.area == a for r in ind.rows)]
    note = f"<p class='small map-note'>{_attr(map_word('missing', lang, areas=', '.join(missing)))}</p>"
    intro = map_word("l_map_intro", lang, period=period_words(period, lang), file=match.path.name)
    return (
        "<div class='league-map' style='max-width:560px;margin:8px 0 12px'>"
        f"<p class='small'>{_attr(intro)}</p>{figure}{note if missing else ''}</div>"
    )

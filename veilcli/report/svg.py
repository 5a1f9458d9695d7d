"""Charts as inline SVG for the HTML report, drawn here: a clustered bar chart (areas x periods) and
a line chart (a series over periods, registered and underlying).

Hand-written on purpose: no runtime dependency (Altair's static export needs vl-convert, a bundled
JavaScript engine of about 40 MB), the same bytes for the same figures, no script in the report,
and every label escaped in one place. Each chart is an ``<svg role="img">`` with a ``<title>`` and a
``<desc>`` that say what it shows, for screen readers and for a printout without colour. Numbers
on the axes and bars are in the report's language (``numbers.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from veilcli.domain.language import Lang
from veilcli.report.numbers import number

# One colour per period, light to dark: the latest period is the darkest, as in the seed report.
PERIOD_COLOURS = ("#9dc3e6", "#5b9bd5", "#2e75b6", "#1f4e78", "#0b2a45", "#c9c9c9", "#7f7f7f")
REGISTERED_COLOUR = "#1f4e78"
UNDERLYING_COLOUR = "#c55a11"
FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"


def _attr(text: object) -> str:
    return escape(str(text), quote=True)


def nice_axis(top: float, ticks: int = 4) -> tuple[float, float]:
    """The axis maximum and step: a round step (1, 2, 2.5 or 5 x 10^n) with ``ticks`` steps or so."""
    if top <= 0 or math.isnan(top):
        return 1.0, 0.25
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return round(step * math.ceil(top / step - 1e-9), 12), step


def _decimals(step: float) -> int:
    """The decimals an axis label needs to show ``step`` exactly (2.5 -> 1, 0.25 -> 2, 10 -> 0)."""
    return next((d for d in range(6) if abs(step * 10**d - round(step * 10**d)) < 1e-9), 6)


@dataclass(frozen=True)
class Frame:
    """The plot area inside the SVG: left, top, width, height (pixels of the viewBox)."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height


def _y_axis(frame: Frame, top: float, step: float, lang: Lang) -> list[str]:
    parts = []
    decimals = _decimals(step)
    value = 0.0
    while value <= top + step / 1000:
        y = frame.bottom - value / top * frame.height
        parts.append(
            f"<line x1='{frame.left:.1f}' x2='{frame.left + frame.width:.1f}' y1='{y:.1f}' y2='{y:.1f}' "
            f"stroke='{'#bfbfbf' if value else '#595959'}' stroke-width='{0.6 if value else 1}'/>"
        )
        parts.append(
            f"<text x='{frame.left - 6:.1f}' y='{y + 4:.1f}' text-anchor='end' font-size='11' fill='#404040'>"
            f"{_attr(number(value, decimals, lang))}</text>"
        )
        value += step
    return parts


def _legend(items: Sequence[tuple[str, str, str]], x: float, y: float) -> list[str]:
    """Legend entries (label, colour, kind: "bar", "line", "dash" or "tick") in a row from (x, y)."""
    parts = []
    for label, colour, kind in items:
        if kind == "bar":
            parts.append(f"<rect x='{x:.1f}' y='{y - 9:.1f}' width='11' height='11' fill='{colour}'/>")
        elif kind == "tick":
            parts.append(
                f"<line x1='{x + 5:.1f}' x2='{x + 5:.1f}' y1='{y - 10:.1f}' y2='{y + 2:.1f}' "
                f"stroke='{colour}' stroke-width='2'/>"
            )
        else:
            dash = " stroke-dasharray='5 3'" if kind == "dash" else ""
            parts.append(
                f"<line x1='{x:.1f}' x2='{x + 16:.1f}' y1='{y - 4:.1f}' y2='{y - 4:.1f}' stroke='{colour}' "
                f"stroke-width='2.5'{dash}/>"
            )
        text_x = x + (16 if kind in ("bar", "tick") else 21)
        parts.append(
            f"<text x='{text_x:.1f}' y='{y:.1f}' font-size='11' fill='#262626'>{_attr(label)}</text>"
        )
        x = text_x + 7 * len(label) + 18
    return parts


def _svg(width: int, height: int, title: str, desc: str, chart_id: str, body: list[str]) -> str:
    ids = f"{chart_id}-title {chart_id}-desc"
    # inline in HTML: the parser puts <svg> in the SVG namespace, no xmlns (and no URL) needed
    return (
        f"<svg viewBox='0 0 {width} {height}' role='img' "
        f"aria-labelledby='{_attr(ids)}' class='chart' {FONT}>"
        f"<title id='{_attr(chart_id)}-title'>{_attr(title)}</title>"
        f"<desc id='{_attr(chart_id)}-desc'>{_attr(desc)}</desc>" + "".join(body) + "</svg>"
    )


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    areas: Sequence[str],
    periods: Sequence[str],
    values: Sequence[Sequence[float | None]],
    decimals: int,
    lang: Lang,
    width: int = 420,
    height: int = 230,
) -> str:
    """Clustered bars: a group per area, a bar per period (``values[area][period]``), from zero; each
    bar labelled with its value; a missing value is marked "-" (never drawn as 0)."""
    frame = Frame(44, 16, width - 52, height - 60)
    known = [v for row in values for v in row if v is not None]
    top, step = nice_axis(max(known, default=0.0))
    body = _y_axis(frame, top, step, lang)
    group = frame.width / max(1, len(areas))
    bar = min(34.0, group * 0.8 / max(1, len(periods)))
    for a, (area, row) in enumerate(zip(areas, values, strict=True)):
        start = frame.left + a * group + (group - bar * len(periods)) / 2
        for p, value in enumerate(row):
            x = start + p * bar
            colour = PERIOD_COLOURS[p % len(PERIOD_COLOURS)]
            if value is None:
                body.append(
                    f"<text x='{x + bar / 2:.1f}' y='{frame.bottom - 4:.1f}' text-anchor='middle' "
                    f"font-size='10' fill='#7f7f7f'>-</text>"
                )
                continue
            h = value / top * frame.height
            body.append(
                f"<rect x='{x + 1:.1f}' y='{frame.bottom - h:.1f}' width='{bar - 2:.1f}' height='{h:.1f}' "
                f"fill='{colour}'><title>{_attr(f'{area}, {periods[p]}: {number(value, decimals, lang)}')}"
                "</title></rect>"
            )
            size = 9 if bar < 26 else 10
            body.append(
                f"<text x='{x + bar / 2:.1f}' y='{frame.bottom - h - 3:.1f}' text-anchor='middle' "
                f"font-size='{size}' fill='#262626'>{_attr(number(value, decimals, lang))}</text>"
            )
        centre = frame.left + (a + 0.5) * group
        body.append(
            f"<text x='{centre:.1f}' y='{frame.bottom + 16:.1f}' text-anchor='middle' "
            f"font-size='12' fill='#262626'>{_attr(area)}</text>"
        )
    legend = [(p, PERIOD_COLOURS[i % len(PERIOD_COLOURS)], "bar") for i, p in enumerate(periods)]
    body += _legend(legend, frame.left, height - 12)
    return _svg(width, height, title, desc, chart_id, body)


@dataclass(frozen=True)
class Series:
    """One line: its label, a value per period (None: a gap), colour, dashed or not, and the
    periods only partly covered (drawn as hollow points)."""

    label: str
    values: Sequence[float | None]
    colour: str
    dashed: bool = False
    partial: Sequence[bool] = ()


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    periods: Sequence[str],
    series: Sequence[Series],
    decimals: int,
    lang: Lang,
    marks: Sequence[str] = (),
    width: int = 420,
    height: int = 215,
) -> str:
    """Lines over periods from a zero axis; a gap where a value is missing; hollow points where a
    period is only partly covered; a dotted vertical line at each period in ``marks`` (the baseline
    and the period of the comparison); the last value of each line labelled."""
    frame = Frame(44, 16, width - 84, height - 56)
    known = [v for s in series for v in s.values if v is not None]
    top, step = nice_axis(max(known, default=0.0))
    body = _y_axis(frame, top, step, lang)
    count = max(1, len(periods))
    gap = frame.width / max(1, count - 1) if count > 1 else 0.0

    def x_of(index: int) -> float:
        return frame.left + (index * gap if count > 1 else frame.width / 2)

    def y_of(value: float) -> float:
        return frame.bottom - value / top * frame.height

    # labels ~56 px apart at least, more for period words ("1e helft 2019": ~6 px a character)
    spacing = max(56, 6 * max((len(p) for p in periods), default=0))
    every = max(1, math.ceil(count / max(1, frame.width // spacing)))
    for index, period in enumerate(periods):
        if period in marks:
            body.append(
                f"<line x1='{x_of(index):.1f}' x2='{x_of(index):.1f}' y1='{frame.top:.1f}' "
                f"y2='{frame.bottom:.1f}' stroke='#7f7f7f' stroke-dasharray='2 3'/>"
            )
        if index % every == 0 or index == count - 1:
            body.append(
                f"<text x='{x_of(index):.1f}' y='{frame.bottom + 16:.1f}' text-anchor='middle' "
                f"font-size='11' fill='#262626'>{_attr(period)}</text>"
            )
    for line in series:
        points = [(i, v) for i, v in enumerate(line.values) if v is not None]
        runs: list[list[tuple[int, float]]] = []
        for i, v in points:
            if runs and runs[-1][-1][0] == i - 1:
                runs[-1].append((i, v))
            else:
                runs.append([(i, v)])
        dash = " stroke-dasharray='6 4'" if line.dashed else ""
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in run)
                body.append(
                    f"<polyline points='{path}' fill='none' stroke='{line.colour}' stroke-width='2.2'{dash}/>"
                )
        for i, v in points:
            partial = i < len(line.partial) and line.partial[i]
            fill = "#ffffff" if partial else line.colour
            label = f"{line.label}, {periods[i]}: {number(v, decimals, lang)}"
            body.append(
                f"<circle cx='{x_of(i):.1f}' cy='{y_of(v):.1f}' r='3.2' fill='{fill}' stroke='{line.colour}' "
                f"stroke-width='1.5'><title>{_attr(label)}</title></circle>"
            )
        if points:
            i, v = points[-1]
            body.append(
                f"<text x='{x_of(i) + 7:.1f}' y='{y_of(v) + 4:.1f}' font-size='11' fill='{line.colour}'>"
                f"{_attr(number(v, decimals, lang))}</text>"
            )
    legend = [(s.label, s.colour, "dash" if s.dashed else "line") for s in series]
    body += _legend(legend, frame.left, height - 10)
    return _svg(width, height, title, desc, chart_id, body)


BASELINE_MARK_COLOUR = "#1a1a1a"


def rank_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    marks: Sequence[float | None],
    legend: tuple[str, str],
    lang: Lang,
    width: int = 560,
) -> str:
    """Horizontal bars, one per label from top to bottom in the order given (a league: rank 1 first),
    from zero, each labelled with its value as ``texts`` gives it (in the report's style); a dark
    tick at each ``marks`` value (the baseline: its distance from the bar's end is the change).
    ``legend``: the words for the bar and the tick."""
    row = 18.0
    label_width = min(190.0, 6.4 * max((len(label) for label in labels), default=4) + 12)
    frame = Frame(label_width, 8, width - label_width - 56, row * max(1, len(labels)))
    height = int(frame.bottom + 50)
    known = [*values, *(m for m in marks if m is not None)]
    top, step = nice_axis(max(known, default=0.0), ticks=5)
    decimals_axis = _decimals(step)
    body: list[str] = []
    tick = 0.0
    while tick <= top + step / 1000:  # vertical grid lines with their values under the plot
        x = frame.left + tick / top * frame.width
        body.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{frame.top:.1f}' y2='{frame.bottom:.1f}' "
            f"stroke='{'#bfbfbf' if tick else '#595959'}' stroke-width='{0.6 if tick else 1}'/>"
        )
        body.append(
            f"<text x='{x:.1f}' y='{frame.bottom + 14:.1f}' text-anchor='middle' font-size='11' "
            f"fill='#404040'>{_attr(number(tick, decimals_axis, lang))}</text>"
        )
        tick += step
    for index, (label, value, shown, mark) in enumerate(zip(labels, values, texts, marks, strict=True)):
        y = frame.top + index * row
        w = value / top * frame.width
        body.append(
            f"<text x='{frame.left - 6:.1f}' y='{y + row / 2 + 4:.1f}' text-anchor='end' font-size='11' "
            f"fill='#262626'>{_attr(label)}</text>"
        )
        body.append(
            f"<rect x='{frame.left:.1f}' y='{y + 3:.1f}' width='{w:.1f}' height='{row - 6:.1f}' "
            f"fill='{PERIOD_COLOURS[2]}'><title>{_attr(f'{label}: {shown}')}</title></rect>"
        )
        end = w
        if mark is not None:
            x = frame.left + mark / top * frame.width
            end = max(end, x - frame.left)
            body.append(
                f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{y + 1:.1f}' y2='{y + row - 1:.1f}' "
                f"stroke='{BASELINE_MARK_COLOUR}' stroke-width='2'/>"
            )
        body.append(
            f"<text x='{frame.left + end + 5:.1f}' y='{y + row / 2 + 4:.1f}' font-size='10' "
            f"fill='#262626'>{_attr(shown)}</text>"
        )
    items = [(legend[0], PERIOD_COLOURS[2], "bar"), (legend[1], BASELINE_MARK_COLOUR, "tick")]
    body += _legend(items, frame.left, height - 10)
    return _svg(width, height, title, desc, chart_id, body)

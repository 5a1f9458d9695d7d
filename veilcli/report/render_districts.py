"""The terminal's ``--by district``: one wijk x indicator matrix, paged by indicator groups.

Wijken are rows (the municipality's own figure first, as the reference), indicators are column
groups headed by their short plan id; each cell is the period's rate, its count (n), the change
against the baseline (Δ, ``*`` where significant) and the status as one mark. A figure with too few
registrations to judge (``goals.too_few_to_judge``) has the mark ○ and its change in registrations,
never a status or a percentage that reads as a verdict. The groups that fit the console's width
make a page (a theme starts a new one; pages of a theme are balanced), each page with the legend of
its ids under it, so an 80x24 screen shows a whole page with its key. Notes the matrix does not say
itself are listed once, with the wijken they concern. No line is wider than the console (nothing
is cut: an id or a number wider than a narrow console overflows its page rather than be cut) and
no line ends in spaces.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from veilcli.analysis.goals import Status
from veilcli.analysis.results.compare import CompareResult
from veilcli.domain.language import DEFAULT_LANG, Lang
from veilcli.domain.plans import Goal
from veilcli.report.console_text import plain
from veilcli.report.export_tables import (
    STATUS_MARKS,
    DistrictMatrix,
    MatrixCell,
    MatrixIndicator,
    district_matrix,
)
from veilcli.report.numbers import number, pct_text, points_text, value_text
from veilcli.report.render import STATUS_STYLE
from veilcli.report.words import short, word

GAP = 2  # spaces between column groups
INDENT = "  "  # legend and notes under a page


@dataclass(frozen=True)
class _Group:
    """One indicator's columns: their widths and each row's cell texts."""

    indicator: MatrixIndicator
    widths: tuple[int, int, int]  # rate, n, Δ (the mark is one character after a space)
    cells: list[tuple[str, str, str, Status | None]]

    @property
    def width(self) -> int:
        return max(sum(self.widths) + 2 + 2, len(plain(self.indicator.id)))


def render_districts(
    console: Console, result: CompareResult, lang: Lang = DEFAULT_LANG, fancy: bool | None = None
) -> None:
    """The district matrix of a ``--by district`` result, paged to the console's width."""
    if not result.districts:
        return
    fancy = console.is_terminal if fancy is None else fancy
    matrix = district_matrix(result)
    for line in district_lines(matrix, result.themes, console.width, lang, fancy):
        console.print(line, no_wrap=True, overflow="ignore", crop=False, highlight=False)


def district_lines(
    matrix: DistrictMatrix, themes: dict[int, str], width: int, lang: Lang, fancy: bool
) -> list[Text]:
    """Every line of the matrix at ``width`` columns: heading, legend, pages (each with the key of
    its ids), notes."""
    few = STATUS_MARKS[Status.too_few]
    heading = matrix.words("dm_heading", lang)
    lines = [Text(""), *_wrapped(heading, width, "")]
    for shown in lines[1:]:
        shown.stylize("bold")
    legend = "  ".join(
        f"{STATUS_MARKS[s]} {short(s, lang)}" for s in matrix.statuses() if s is not Status.too_few
    )
    lines += _wrapped(legend, width, "")
    if Status.too_few in matrix.statuses():
        lines += _wrapped(word("dm_too_few_rule", lang, few=few), width, "")
    lines += _wrapped(
        matrix.words("dm_legend_columns", lang),
        width,
        "",
    )
    names = [plain(r.name) for r in matrix.rows]
    name_width = max(len(n) for n in names)
    for theme, indicators in matrix.themes():
        groups = [_group(matrix, ind, lang) for ind in indicators]
        pages = _pages([g.width for g in groups], width - name_width)
        start = 0
        for number_, size in enumerate(pages, start=1):
            page = groups[start : start + size]
            start += size
            title = f"{theme} {themes.get(theme, '')}".strip()
            if len(pages) > 1:
                title = word("dm_page", lang, theme=title, page=number_, pages=len(pages))
            lines += [Text(""), Text(plain(title), "bold")]
            lines += _page(matrix, page, name_width, lang, fancy)
            for g in page:
                lines += _wrapped(_key(g.indicator, lang), width, INDENT)
    lines.append(Text(""))
    if matrix.notes:
        for note, where in matrix.notes:
            places = "; ".join(name if ids is None else f"{name} ({', '.join(ids)})" for name, ids in where)
            lines += _wrapped(f"{places}: {note.render(lang)}", width, "")
    lines += _wrapped(word("dm_underlying", lang), width, "")
    return lines


def _key(ind: MatrixIndicator, lang: Lang) -> str:
    """An id's legend line: "woninginbraak: Woninginbraak, /1,000 dwell., goal: decrease"."""
    goal = f", {word('dm_goal', lang, goal=short(ind.goal, lang))}" if ind.goal is not Goal.none else ""
    return f"{ind.id}: {ind.label}, {short(ind.unit, lang)}{goal}"


def cell_texts(cell: MatrixCell | None, lang: Lang) -> tuple[str, str, str, Status | None]:
    """A cell's rate, n and Δ as shown, and its status: "-" where a figure is unknown; Δ in
    registrations ("+1", "0") where there are too few to judge, else in % with "*" when significant
    (a survey change in points)."""
    if cell is None:
        return "", "", "", None
    rate = value_text(cell.rate, cell.unit, lang) if cell.rate is not None else "-"
    count = number(cell.count, 0, lang) if cell.count is not None else "-"
    if cell.too_few:
        change = "-" if cell.count_change is None else _signed_count(cell.count_change, lang)
    elif cell.points is not None:
        change = points_text(*cell.points, lang) + ("*" if cell.significant else "")
    else:
        change = pct_text(cell.change_pct, lang) + ("*" if cell.significant else "")
    return rate, count, change, cell.status


def _signed_count(value: float, lang: Lang) -> str:
    shown = number(abs(value), 0, lang)
    return "0" if round(value) == 0 else ("+" if value > 0 else "-") + shown


def _group(matrix: DistrictMatrix, ind: MatrixIndicator, lang: Lang) -> _Group:
    cells = [cell_texts(row.cells.get(ind.id), lang) for row in matrix.rows]
    heads = (word("dm_rate", lang), word("dm_count", lang), word("dm_change", lang))
    texts = [(rate, count, change) for rate, count, change, _ in cells]
    rate, count, change = (max(len(heads[i]), *(len(t[i]) for t in texts)) for i in range(3))
    return _Group(ind, (rate, count, change), cells)


def _pages(widths: list[int], room: int) -> list[int]:
    """How many groups each page takes: as many as fit ``room`` (at least one), then the same
    number of pages balanced (3, 3, 3 rather than 4, 4, 1) where the balanced pages fit too."""
    greedy: list[int] = []
    used = 0
    for w in widths:
        if greedy and used + GAP + w <= room:
            greedy[-1] += 1
            used += GAP + w
        else:
            greedy.append(1)
            used = w
    count = len(greedy)
    base, extra = divmod(len(widths), count)
    balanced = [base + (1 if i < extra else 0) for i in range(count)]
    start = 0
    for size in balanced:
        page = widths[start : start + size]
        start += size
        if sum(page) + GAP * (len(page) - 1) > room and size > 1:
            return greedy
    return balanced


def _page(
    matrix: DistrictMatrix, groups: list[_Group], name_width: int, lang: Lang, fancy: bool
) -> list[Text]:
    """A page's header lines (the ids, then rate / n / Δ under each) and a line per row."""
    ids = Text(" " * name_width)
    heads = Text(" " * name_width)
    for g in groups:
        ids.append(" " * GAP + plain(g.indicator.id).ljust(g.width), "bold")
        r, n, c = g.widths
        sub = f"{word('dm_rate', lang):>{r}} {word('dm_count', lang):>{n}} {word('dm_change', lang):>{c}}"
        heads.append(" " * GAP + sub.ljust(g.width), "bold")
    lines = [_stripped(ids), _stripped(heads)]
    for index, row in enumerate(matrix.rows):
        line = Text(plain(row.name).ljust(name_width), "bold" if row.area else "")
        for g in groups:
            rate, count, change, status = g.cells[index]
            r, n, c = g.widths
            body = f"{rate:>{r}} {count:>{n}} {change:>{c}} "
            line.append(" " * GAP + body)
            mark = STATUS_MARKS[status] if status is not None else " "
            style = STATUS_STYLE[status][0] if fancy and status is not None else ""
            line.append(mark, style)
            line.append(" " * (g.width - len(body) - 1))
        lines.append(_stripped(line))
    return lines


def _stripped(line: Text) -> Text:
    line.rstrip()
    return line


def _wrapped(message: str, width: int, indent: str) -> list[Text]:
    """A message (user text: control characters shown as escapes) wrapped at spaces to ``width``,
    continuation lines indented a little further."""
    shown = textwrap.wrap(
        plain(message),
        max(20, width),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [Text(s) for s in shown]

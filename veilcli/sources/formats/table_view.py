"""``statline-table-view``: a StatLine / data.politie.nl table view (CSV or xlsx) -> counts.

The reader (``table_view_layout.py``) hands over the rows from the header block on, without
header detection, with the title and fixed-filter lines in the metadata. Here:

1. the header block: one line per column dimension (its name, then a value per column; a value
   left empty repeats the one before it, as merged cells do), the unit line (the row dimensions'
   names, then a unit per column);
2. every dimension gets a role by its name: period (``Perioden``), area (``Regio's``, ``Wijken en
   buurten``, ``Gemeenten``), category (``Soort misdrijf``, ``Overlast``), topic (``Onderwerp``),
   or extra (any other, e.g. ``Gebruik van geweld``): an extra dimension is kept at the value
   ``--dimension NAME=VALUE`` selects, else at its total, else the file is refused
   (``common.pick_dimensions``). A role may come from a column dimension, a row dimension or a
   fixed filter line (``"Soort misdrijf: Totaal misdrijven"``);
3. the columns kept are the counts (topic "Geregistreerde misdrijven"/overlast, unit ``aantal``)
   and the online reports (topic ``Internetaangiften``); other topics (per 1 000 inwoners,
   opgehelderd, ...) are left out, with a note;
4. footer lines (``"Bron: Politie"``, notes) are dropped, then the value columns are unpivoted
   (one polars ``unpivot``) into rows of period, area, category, count: ``"."``, ``"x"`` and empty
   cells stay as written, so the validator keeps them as suppressed (null, never 0);
5. labels are rewritten so the validator parses them: ``"2019 1e halfjaar"`` -> ``2019H1``,
   ``"2019 3e kwartaal"`` -> ``2019Q3`` (``"2019 januari"`` parses as it is), ``"Limburg (RE)"`` ->
   the police unit, category labels and the totals' names -> codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.classification import NUISANCE_TOTAL_CODE
from veilcli.domain.models import SourceFormat
from veilcli.errors import InputError
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.common import (
    DimensionOptions,
    area_label,
    code_from_label,
    pick_dimensions,
    replace_frame,
    table_id,
)
from veilcli.sources.formats.interface import InputFormat, Recognised
from veilcli.sources.messages import display_path
from veilcli.sources.parsing import statistical_period_text
from veilcli.sources.table import ROW, RawTable
from veilcli.sources.table_view_layout import FILTERS, LAYOUT, SEARCH_ROWS, TABLE_VIEW, TITLE, unit_line

PERIOD, AREA, CATEGORY, TOPIC, EXTRA = "period", "area", "category", "topic", "extra"
_ROLES = {
    PERIOD: {"perioden", "periode", "periodes", "jaar", "jaren", "maanden", "kwartalen"},
    AREA: {
        "regios",
        "regio",
        "wijkenenbuurten",
        "gemeente",
        "gemeenten",
        "gemeentenaam",
        "politieeenheden",
        "politieeenheid",
        "politieregio",
        "politieregios",
        "regioindeling",
    },
    CATEGORY: {
        "soortmisdrijf",
        "soortmisdrijven",
        "misdrijf",
        "misdrijven",
        "overlast",
        "soortoverlast",
        "soortregistratie",
    },
    TOPIC: {"onderwerp", "onderwerpen"},
}
_DEFAULT_NAMES = {PERIOD: "Perioden", AREA: "Regio's", CATEGORY: "Soort misdrijf"}
_FOOTER = r"(?i)^(bron|source|©|\(c\)|noot|voetnoot|toelichting|centraal bureau|cbs\b|politie\b)"
_COUNT_TOPICS = (
    "geregistreerde misdrijven",
    "geregistreerde overlast",
    "registraties overlast",
    "misdrijven",
)
_INTERNET_TOPICS = ("internetaangiften", "internet aangiften", "aangiften via internet")


def role_of(name: str) -> str:
    """The role of a dimension by its name (see the module docstring)."""
    folded = normalise_header(name)
    return next((role for role, names in _ROLES.items() if folded in names), EXTRA)


def period_words(period: pl.Expr) -> pl.Expr:
    """StatLine's period labels in a form the period parser reads (``parsing.statistical_period_text``:
    ``2019 1e halfjaar`` -> ``2019H1``, the provisional star dropped)."""
    return statistical_period_text(period)


def _measure(topic: str | None, unit: str | None) -> str | None:
    """``count``, ``internet`` or None (a topic left out) for one value column."""
    unit_text = " ".join((unit or "").split()).casefold()
    if unit_text not in ("", "aantal"):
        return None
    folded = " ".join((topic or "").split()).casefold()
    if not folded:
        return "count"
    if folded.startswith(_INTERNET_TOPICS):
        return "internet"
    if any(word in folded for word in _COUNT_TOPICS) and "per " not in folded and "opgehelderd" not in folded:
        return "count"
    return None


def filled(cells: list[str]) -> list[str]:
    """A header line's values with empty cells repeating the value before (merged cells)."""
    out: list[str] = []
    for cell in cells:
        out.append(cell or (out[-1] if out else ""))
    return out


def _role_values(
    role: str,
    name: str,
    found: tuple[str, str],
    counts: pl.DataFrame,
    row_dims: dict[str, str],
    filters: dict[str, str],
    rewrite: dict[str, Callable[[pl.Expr], pl.Expr]],
) -> pl.Expr:
    """The column ``name`` of the long table: a role's value from the column it was unpivoted from,
    the (already rewritten) row label, or the fixed filter line."""
    dim, place = found
    if place == "column":
        values = counts.select(rewrite[role](pl.col(dim).cast(pl.String))).to_series().to_list()
        lookup = dict(zip(counts["__col"].to_list(), values, strict=True))
        return pl.col("__col").replace_strict(lookup, return_dtype=pl.String).alias(name)
    if place == "row":
        return pl.col(row_dims[dim]).alias(name)
    value = pl.select(rewrite[role](pl.lit(filters[dim], dtype=pl.String))).item()
    return pl.lit(value, dtype=pl.String).alias(name)


@dataclass
class HeaderBlock:
    """A table view's header block as read from its first rows (``header_block``)."""

    where: str  # the file (and sheet) for messages
    title: str
    filters: dict[str, str]  # fixed-filter lines: dimension -> value
    frame: pl.DataFrame  # the table as text, from the header block on
    headers: list[str]  # the frame's columns (``column_1``..)
    unit_index: int  # the unit line's index in ``frame``
    label_count: int  # row-label cells before the values
    lines: list[tuple[str, list[str]]]  # column-dimension lines: name, value per value column
    units: list[str]  # the unit of each value column
    row_dims: dict[str, str]  # row dimension name -> its column of ``frame``

    @property
    def value_columns(self) -> list[str]:
        """The columns holding figures."""
        return self.headers[self.label_count :]

    def data(self) -> tuple[pl.DataFrame, int]:
        """The data rows (footers and empty lines dropped) and how many lines were dropped."""
        rows = self.frame.slice(self.unit_index + 1)
        kept = drop_footers(rows, self.headers[: self.label_count], self.value_columns)
        return kept, rows.height - kept.height


def header_block(table: RawTable) -> HeaderBlock:
    """The header block of a table view (the readers' ``layout = table-view`` tables): its column
    dimension lines (merged cells filled), unit line, row dimensions and the title block's filters.
    Raises ``InputError`` when no unit line ends the block."""
    where = display_path(table.path) + (f" (sheet {table.sheet!r})" if table.sheet else "")
    headers = table.headers
    frame = table.frame.with_columns(pl.col(headers).cast(pl.String))
    head = [
        ["" if c is None else str(c).strip() for c in row]
        for row in frame.select(headers).head(SEARCH_ROWS).iter_rows()
    ]
    found = unit_line(head, 0)
    if found is None:
        raise InputError(
            f"{where}: a table view without a unit line ('Regio's';'aantal';...) under its header block.",
            hint="download the table again as 'CSV met statistische symbolen', or pass --header-row N.",
        )
    unit_index, label_count = found
    width = len(headers) - label_count
    lines = [
        (line[0], filled(line[label_count:] + [""] * (width - len(line[label_count:]))))
        for line in head[:unit_index]
    ]
    return HeaderBlock(
        where=where,
        title=table.metadata.get(TITLE, ""),
        filters=parse_filters(table.metadata.get(FILTERS, "")),
        frame=frame,
        headers=headers,
        unit_index=unit_index,
        label_count=label_count,
        lines=lines,
        units=head[unit_index][label_count:],
        row_dims={head[unit_index][i]: headers[i] for i in range(label_count)},
    )


class TableView(InputFormat[DimensionOptions]):
    """A StatLine / data.politie.nl table view download."""

    name = SourceFormat.statline_table_view
    kind = Kind.counts
    title = "a StatLine / data.politie.nl table view"
    options_type = DimensionOptions

    def recognise(self, table: RawTable) -> bool:
        return table.metadata.get(LAYOUT) == TABLE_VIEW

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        block = header_block(table)
        where, headers, label_count = block.where, block.headers, block.label_count
        filters, title, value_columns = dict(block.filters), block.title, block.value_columns

        # The columns: one row per value column, with its value of each column dimension and unit
        # (a dimension on several lines keeps its last, most detailed, line).
        column_dims = dict(block.lines)
        meta = pl.DataFrame(
            {"__col": value_columns, "__unit": block.units, **column_dims},
            schema_overrides={"__col": pl.String},
        )
        meta = meta.filter(
            pl.any_horizontal(pl.col(c) != "" for c in ["__unit", *column_dims]) if column_dims else True
        )
        row_dims = block.row_dims

        roles: dict[str, tuple[str, str]] = {}  # role -> (dimension name, where: column/row/filter)
        for name in column_dims:
            roles.setdefault(role_of(name), (name, "column"))
        for name in row_dims:
            roles.setdefault(role_of(name), (name, "row"))
        for name in filters:
            roles.setdefault(role_of(name), (name, "filter"))
        given = given_roles(options, roles)
        filters.update(given)
        for name in given:
            roles[role_of(name)] = (name, "filter")
        identifier = f" (table {table_id(table)})" if table_id(table) else ""
        notes = [
            f"table view {title!r}{identifier}" if title else f"table view without title lines{identifier}"
        ]
        notes.extend(
            f"{name} = {value!r} (--dimension: the file does not say)" for name, value in given.items()
        )
        if len(filters) > len(given):
            notes.append(
                "fixed filters: " + "; ".join(f"{k} = {v}" for k, v in filters.items() if k not in given)
            )
        notes.append(
            "dimensions: "
            + ", ".join(
                [f"{n} ({len(set(v))} in columns)" for n, v in column_dims.items()]
                + [f"{n} (rows)" for n in row_dims]
            )
        )

        # Extra dimensions: at the value asked for, the only one, or the total (or refused).
        extra_columns = {n: n for n in column_dims if role_of(n) == EXTRA}
        meta, picked = pick_dimensions(meta, extra_columns, options, where)
        notes.extend(picked)
        data, dropped = block.data()
        labels = [headers[i] for i in range(label_count)]
        if dropped:
            notes.append(f"{dropped} footer/empty line(s) dropped")
        extra_rows = {n: c for n, c in row_dims.items() if role_of(n) == EXTRA}
        data, picked = pick_dimensions(data, extra_rows, options, where)
        notes.extend(picked)

        # The measures: registered counts (and online reports) in number; other topics left out.
        topic_name, topic_place = roles.get(TOPIC, ("", ""))
        topics = meta[topic_name].to_list() if topic_place == "column" else None
        fixed_topic = filters.get(topic_name) if topic_place == "filter" else None
        measures = [
            _measure(topics[i] if topics is not None else fixed_topic, unit)
            for i, unit in enumerate(meta["__unit"].to_list())
        ]
        meta = meta.with_columns(pl.Series("__measure", measures, dtype=pl.String))
        left_out = meta.filter(pl.col("__measure").is_null())
        if left_out.height:
            described = sorted(
                {
                    f"{t} ({u})" if t and u else (t or u)
                    for t, u in zip(
                        left_out[topic_name].to_list() if topics is not None else [""] * left_out.height,
                        left_out["__unit"].to_list(),
                        strict=True,
                    )
                }
            )
            notes.append(
                f"{left_out.height} column(s) left out (not a registered count): {', '.join(described)}"
            )
        counts = meta.filter(pl.col("__measure") == "count")
        if counts.height == 0:
            raise InputError(
                f"{where}: no column of registered counts "
                "(topic 'Geregistreerde misdrijven', unit 'aantal').",
                hint="download the table view with the topic 'Geregistreerde misdrijven' (aantal) selected.",
            )
        internet = meta.filter(pl.col("__measure") == "internet")

        for role in (PERIOD, AREA, CATEGORY):
            if role not in roles:
                raise InputError(
                    f"{where}: no {role} in the table view (no dimension named like {_DEFAULT_NAMES[role]!r} "
                    "in the columns, the rows or the filter lines).",
                    hint=f"download the table view with {_DEFAULT_NAMES[role]!r} as a filter, "
                    f'a column or the rows, or say which with --dimension "{_DEFAULT_NAMES[role]}=VALUE".',
                )
        names = {role: roles[role][0] for role in _DEFAULT_NAMES}
        count_name = (topics[0] if topics else None) or fixed_topic or "Geregistreerde misdrijven"
        count_name = _distinct(count_name, set(names.values()))
        nuisance = "overlast" in normalise_header(names[CATEGORY]) or "overlast" in normalise_header(
            count_name
        )
        rewrite = {
            PERIOD: period_words,
            AREA: area_label,
            CATEGORY: lambda e: code_from_label(e, nuisance),
        }
        # Row labels rewritten once per distinct value, before the unpivot multiplies them.
        data = data.with_columns(
            _by_distinct(data, row_dims[dim], rewrite[role]).alias(row_dims[dim])
            for role, (dim, place) in roles.items()
            if place == "row" and role in rewrite
        )

        # Unpivot: one row per data row and count column; the column's dimensions by lookup.
        names = {
            role: (roles[role][0] if role in roles else default) for role, default in _DEFAULT_NAMES.items()
        }
        count_name = (topics[0] if topics else None) or fixed_topic or "Geregistreerde misdrijven"
        count_name = _distinct(count_name, set(names.values()))
        long = data.select(ROW, *labels, *counts["__col"].to_list()).unpivot(
            on=counts["__col"].to_list(), index=[ROW, *labels], variable_name="__col", value_name=count_name
        )
        internet_name = None
        if internet.height:
            internet_name = _distinct("Internetaangiften", {*names.values(), count_name})
            matched = _internet_for(counts, internet, [d for d in column_dims if d != topic_name])
            online = data.select(
                [
                    (pl.col(c) if c else pl.lit(None, dtype=pl.String)).alias(f"__i{i}")
                    for i, c in enumerate(matched)
                ]
            ).unpivot(value_name=internet_name)
            long = long.with_columns(online[internet_name])
        out = long.select(
            ROW,
            *(_role_values(r, names[r], roles[r], counts, row_dims, filters, rewrite) for r in rewrite),
            pl.col(count_name),
            *([pl.col(internet_name)] if internet_name else []),
        )
        unpivoted = [roles[r][0] for r in (PERIOD, AREA, CATEGORY) if roles[r][1] == "column"]
        if unpivoted:
            notes.append(
                f"{counts.height} column(s) unpivoted into rows ({', '.join(unpivoted)}): "
                f"{data.height} row(s) x {counts.height} = {out.height} figures"
            )
        if nuisance:
            notes.append(
                f"nuisance table: its total is stored as {NUISANCE_TOTAL_CODE}, never as crime 0.0.0"
            )
        columns = {
            "period": names[PERIOD],
            "area": names[AREA],
            "category_code": names[CATEGORY],
            "count": count_name,
        }
        if internet_name:
            columns["internet_count"] = internet_name
        return Recognised(
            self.name, replace_frame(table, out), Kind.counts, columns, notes, open_data_categories=True
        )


def given_roles(options: DimensionOptions, roles: dict[str, tuple[str, str]]) -> dict[str, str]:
    """``--dimension NAME=VALUE`` for a period, area or category the table view does not name
    (a download without its filter lines): {NAME: VALUE}, as if the file had the filter line."""
    out: dict[str, str] = {}
    for given in options.dimensions:
        name, sep, value = given.partition("=")
        role = role_of(name)
        if sep and value.strip() and role in (PERIOD, AREA, CATEGORY) and role not in roles:
            out[name.strip()] = value.strip()
    return out


def _by_distinct(frame: pl.DataFrame, column: str, rewrite: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``rewrite`` of ``column``, computed once per distinct value; only the values it changes are
    mapped back (municipality names and buurt codes usually stay as they are: no lookup at all)."""
    distinct = frame.select(pl.col(column).drop_nulls().unique()).with_columns(
        rewrite(pl.col(column)).alias("__new")
    )
    changed = distinct.filter(pl.col("__new").ne_missing(pl.col(column)))
    if changed.height == 0:
        return pl.col(column)
    return pl.col(column).replace(changed[column], changed["__new"])


def parse_filters(text: str) -> dict[str, str]:
    """``"Soort misdrijf: Totaal misdrijven"`` lines -> {dimension: value} (lines without ``:`` skipped)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() and value.strip():
            out[name.strip()] = value.strip()
    return out


def drop_footers(data: pl.DataFrame, labels: list[str], values: list[str]) -> pl.DataFrame:
    """Data rows without the footer and empty lines: no label, or no value and a source/notes label."""
    no_label = pl.all_horizontal(pl.col(c).is_null() | (pl.col(c) == "") for c in labels)
    no_value = pl.all_horizontal(pl.col(c).is_null() for c in values) if values else pl.lit(True)
    # The regexes only on the few rows without any value (a null check over the rest).
    candidates = data.filter(no_value & ~no_label)
    label = pl.col(labels[0]).str.strip_chars()
    footers = candidates.filter(label.str.contains(_FOOTER) | label.str.contains(r":\s"))[ROW]
    return data.filter(~no_label & ~pl.col(ROW).is_in(footers.implode()))


def _distinct(name: str, taken: set[str]) -> str:
    while name in taken or name == ROW:
        name += " "
    return name


def _internet_for(counts: pl.DataFrame, internet: pl.DataFrame, dims: list[str]) -> list[str | None]:
    """For each count column, the online-reports column with the same dimension values (or None)."""
    key = [d for d in dims if d in counts.columns]
    by_key = {tuple(r[d] for d in key): r["__col"] for r in internet.iter_rows(named=True)}
    return [by_key.get(tuple(r[d] for d in key)) for r in counts.iter_rows(named=True)]

"""``statline-survey-view``: a StatLine table view of a survey table (Veiligheidsmonitor) -> survey.

The same layout as the crime table views (``table_view.py``: title and filter lines or none, a
header block of one line per column dimension, a unit line naming the row dimension, data rows, a
``"Bron: CBS"`` footer), with the survey tables' dimensions and units:

    "Onderwerp";"Voelt zich weleens onveilig";"Voelt zich weleens onveilig";"Rapportcijfer veiligheid buurt"
    "Perioden";"2017";"2019";"2019"
    "Regio's";"%";"%";"rapportcijfer"
    "Almere";"35.2";"33.1";"6.6"

- the topic may take several header lines (its group and the topic: ``"Onderwerp";"Veiligheidsbeleving"``
  then ``"Onderwerp";"Voelt zich weleens onveilig"``): all levels make the indicator's words and
  code (``survey_values.topic_levels``, as for the long label export);
- ``Marges`` (``Waarde``, ``Ondergrens 95%-interval``, ``Bovengrens 95%-interval``) may be a column
  dimension, the rows or a filter line; without it every figure is a value;
- units: ``%`` (also ``% slachtoffer``, ``% 'komt vaak voor'``) a percentage, ``rapportcijfer`` and
  ``schaalscore`` a score; ``aantal`` columns of respondents are the respondents; other columns
  (``aantal`` of anything else, ``per 1 000 inwoners``) are left out, with a note;
- periods are survey years (``2019``, ``2019*``), regions as in the crime views (``"Limburg (RE)"``,
  ``"Flevoland (PO)"``, municipalities by name); any other dimension (``Persoonskenmerken``) is read at
  its total or at ``--dimension NAME=VALUE``.

Recognised as a table view (``layout = table-view``) with at least one survey unit and no crime or
nuisance category dimension; the crime table views go to ``table_view.py``.
"""

from __future__ import annotations

import re

import polars as pl

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.domain.survey_values import survey_unit, topic_levels
from veilcli.errors import InputError
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.common import (
    DimensionOptions,
    area_label,
    pick_dimensions,
    replace_frame,
    table_id,
)
from veilcli.sources.formats.interface import InputFormat, Recognised
from veilcli.sources.formats.statline_survey import Names, margin_kind, per_distinct, survey_figures
from veilcli.sources.formats.table_view import (
    AREA,
    CATEGORY,
    EXTRA,
    PERIOD,
    TOPIC,
    HeaderBlock,
    given_roles,
    header_block,
    role_of,
)
from veilcli.sources.table import ROW, RawTable
from veilcli.sources.table_view_layout import LAYOUT, TABLE_VIEW

MARGIN = "margin"
_MARGIN_NAMES = ("marges", "marge", "cijfersoort")
_RESPONDENT_WORDS = ("respondenten", "waarnemingen")
# Topics of the police's registrations, never survey figures.
_REGISTRATIONS = re.compile(r"geregistreerd|registraties|internetaangiften|verdachten", re.IGNORECASE)


def survey_role(name: str) -> str:
    """A dimension's role in a survey table view: the crime views' roles, and ``margin``."""
    return MARGIN if normalise_header(name) in _MARGIN_NAMES else role_of(name)


def is_survey_view(block: HeaderBlock) -> bool:
    """Whether a table view holds survey figures: a column with a survey unit whose topic is no
    police registration (``Geregistreerde misdrijven`` in %: a crime table, refused by
    ``table_view.py``), and no crime or nuisance category among its dimensions (columns, rows or
    filter lines)."""
    names = [n for n, _ in block.lines] + list(block.row_dims) + list(block.filters)
    if any(role_of(n) == CATEGORY for n in names):
        return False
    fixed = " ".join(v for n, v in block.filters.items() if role_of(n) == TOPIC)
    topic_lines = [values for n, values in block.lines if role_of(n) == TOPIC]
    units = pl.DataFrame({"unit": block.units}, schema={"unit": pl.String})
    survey = units.select(survey_unit(pl.col("unit")).is_not_null()).to_series().to_list()
    for index, is_survey in enumerate(survey):
        topic = " ".join([fixed, *(values[index] for values in topic_lines if index < len(values))])
        if is_survey and not _REGISTRATIONS.search(topic):
            return True
    return False


class SurveyTableView(InputFormat[DimensionOptions]):
    """A StatLine table view of a survey table (see the module docstring)."""

    name = SourceFormat.statline_survey_view
    kind = Kind.survey
    title = "a StatLine table view of a survey table"
    options_type = DimensionOptions

    def recognise(self, table: RawTable) -> bool:
        if table.metadata.get(LAYOUT) != TABLE_VIEW:
            return False
        try:
            return is_survey_view(header_block(table))
        except InputError:
            return False  # no unit line: the crime table view says so

    def to_canonical(self, table: RawTable, options: DimensionOptions) -> Recognised:
        block = header_block(table)
        where, filters = block.where, dict(block.filters)
        value_columns = block.value_columns

        # One row per value column: its unit and its value of each column-dimension line.
        line_columns = [f"__line{i}" for i in range(len(block.lines))]
        meta = pl.DataFrame(
            {"__col": value_columns, "__unit_text": block.units}
            | {c: values for c, (_, values) in zip(line_columns, block.lines, strict=True)},
            schema={"__col": pl.String, "__unit_text": pl.String, **dict.fromkeys(line_columns, pl.String)},
        ).filter(pl.col("__unit_text") != "")
        by_role: dict[str, list[tuple[str, str, str]]] = {}  # role -> [(name, place, column)]
        for (name, _), column in zip(block.lines, line_columns, strict=True):
            by_role.setdefault(survey_role(name), []).append((name, "column", column))
        for name, column in block.row_dims.items():
            by_role.setdefault(survey_role(name), []).append((name, "row", column))
        for name in filters:
            by_role.setdefault(survey_role(name), []).append((name, "filter", name))
        given = given_roles(options, {r: (v[0][0], v[0][1]) for r, v in by_role.items()})
        filters.update(given)
        for name in given:
            by_role.setdefault(survey_role(name), []).append((name, "filter", name))
        for role, default in ((PERIOD, "Perioden"), (AREA, "Regio's")):
            if role not in by_role:
                raise InputError(
                    f"{where}: no {role} in the survey table view (no dimension named like {default!r} "
                    "in the columns, the rows or the filter lines).",
                    hint=f"download the table view with {default!r} as a filter, a column or the rows, "
                    f'or say which with --dimension "{default}=VALUE".',
                )

        title = block.title
        identifier = f" (table {table_id(table)})" if table_id(table) else ""
        notes = [
            f"survey table view {title!r}{identifier}"
            if title
            else f"survey table view without title{identifier}"
        ]
        notes.extend(f"{n} = {v!r} (--dimension: the file does not say)" for n, v in given.items())
        if len(filters) > len(given):
            notes.append(
                "fixed filters: " + "; ".join(f"{k} = {v}" for k, v in filters.items() if k not in given)
            )

        # Extra dimensions (columns and rows): at the value asked for, the only one, or the total.
        extras = by_role.get(EXTRA, [])
        meta, picked = pick_dimensions(meta, {n: c for n, p, c in extras if p == "column"}, options, where)
        notes.extend(picked)
        data, dropped = block.data()
        if dropped:
            notes.append(f"{dropped} footer/empty line(s) dropped")
        data, picked = pick_dimensions(data, {n: c for n, p, c in extras if p == "row"}, options, where)
        notes.extend(picked)

        # What each column holds: a survey figure, its respondents, or something left out.
        topics = [c for _, p, c in by_role.get(TOPIC, []) if p == "column"]
        words = (
            pl.concat_str([pl.col(c) for c in topics], separator=" ").str.to_lowercase()
            if topics
            else pl.lit("")
        )
        respondents = (
            pl.col("__unit_text").str.to_lowercase().str.strip_chars() == "aantal"
        ) & words.str.contains("|".join(_RESPONDENT_WORDS))
        meta = meta.with_columns(
            survey_unit(pl.col("__unit_text")).alias("__unit"), respondents.alias("__respondents")
        )
        left_out = meta.filter(pl.col("__unit").is_null() & ~pl.col("__respondents"))
        if left_out.height:
            described = sorted(set(left_out["__unit_text"].to_list()))
            notes.append(
                f"{left_out.height} column(s) left out (not a survey figure): units {', '.join(described)}"
            )
        meta = meta.filter(pl.col("__unit").is_not_null() | pl.col("__respondents"))
        if meta.height == 0:
            raise InputError(
                f"{where}: no column of survey figures (units %, rapportcijfer, schaalscore).",
                hint="download the table view with a survey topic selected.",
            )

        labels = block.headers[: block.label_count]
        kept = meta["__col"].to_list()
        long = (
            data.select(ROW, *labels, *kept)
            .unpivot(on=kept, index=[ROW, *labels], variable_name="__col", value_name="__v")
            .join(meta, on="__col", how="left", maintain_order="left")
        )

        def source(role: str) -> list[pl.Expr]:
            """A role's values: its column-dimension lines (joined from ``meta``), row labels or filter."""
            return [
                pl.lit(filters[column], dtype=pl.String) if place == "filter" else pl.col(column)
                for _, place, column in by_role.get(role, [])
            ]

        topic = source(TOPIC)
        if not topic:
            raise InputError(
                f"{where}: the survey table view names no topic (no 'Onderwerp' line, rows or filter).",
                hint="download the table view with 'Onderwerp' in the columns or as a filter line.",
            )

        def columns_of(role: str) -> list[str]:
            return [column for _, place, column in by_role.get(role, []) if place != "filter"]

        def derived(role: str, expr: pl.Expr, name: str) -> pl.Expr | pl.Series:
            """``expr`` over a role's columns once per distinct value (a filter: a constant)."""
            used = columns_of(role)
            return per_distinct(long, used, expr, name) if used else expr.alias(name)

        margin = source(MARGIN)
        long = long.with_columns(
            derived(PERIOD, source(PERIOD)[0], "__year"),
            derived(AREA, area_label(source(AREA)[0]), "__area"),
            derived(TOPIC, topic_levels(topic), "__topic"),
            derived(MARGIN, margin_kind(margin[0]), "__margin")
            if margin
            else pl.lit("value").alias("__margin"),
        ).select(
            ROW,
            "__year",
            "__area",
            pl.when(~pl.col("__respondents")).then(pl.col("__topic")).alias("__label"),
            pl.col("__unit"),
            pl.when(pl.col("__respondents"))
            .then(pl.lit("respondents"))
            .otherwise("__margin")
            .alias("__kind"),
            pl.col("__v"),
        )
        names = Names(by_role[PERIOD][0][0], by_role[AREA][0][0], "figure")
        figures, columns, more = survey_figures(long, names)
        places = {"column": "columns", "row": "rows", "filter": "filter"}
        seen: dict[tuple[str, str], int] = {}
        for role in (TOPIC, PERIOD, AREA, MARGIN):
            for n, p, _ in by_role.get(role, []):
                seen[(n, p)] = seen.get((n, p), 0) + 1
        placed = ", ".join(
            f"{n} ({f'{k} lines in ' if k > 1 else ''}{places[p]})" for (n, p), k in seen.items()
        )
        notes.append(f"dimensions: {placed}; {len(kept)} column(s) x {data.height} row(s) unpivoted")
        notes.extend(more)
        return Recognised(self.name, replace_frame(table, figures), Kind.survey, columns, notes)

"""``validate`` never stops with a bug (exit 70) on files shaped like the StatLine layouts of issue 20:
generated table views (with or without title lines), old crime exports and survey exports, their
headers and cells drawn from the words, symbols and units those layouts use (hypothesis).

Blank or repeated header cells that trim to the same name ("Regio" and "Regio ", "" and " ") crash
the ordinary reader's table (``sources/table.py``, issue 20 section 2, another part of the work):
the generators keep header cells distinct and data cells free of header words, so a data row is
never taken for the header; header-block cells are filled, as StatLine writes them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from veilcli.cli import app
from veilcli.sources.columns import header_score

HEADERS = [
    "Perioden", "Jaar", "Regio's", "Regio", "Politieregio", "Politieregio's", "Soort misdrijf",
    "Onderwerp", "Onderwerpen_1", "Onderwerpen_2", "Cijfersoort", "Waarde", "Waarde eenheid", "Marges",
    "Persoonskenmerken", "geregistreerde misdrijven", "geregistreerde misdrijven per 1 000 inwoners",
    "Voelt zich wel eens onveilig", "Veiligheidsbeleving/Voelt zich weleens onveilig (%)",
    "Rapportcijfer (rapportcijfer)", "Aantal respondenten", "Gemeente", "",
]  # fmt: skip
DIMENSIONS = [
    "Onderwerp",
    "Perioden",
    "Regio's",
    "Marges",
    "Soort misdrijf",
    "Persoonskenmerken",
    "Politieregio",
]
UNITS = ["aantal", "%", "% slachtoffer", "rapportcijfer", "schaalscore (0-10)", "per 1 000 inwoners"]
CELLS = [
    "", " ", ".", "x", "-", "2008*", "2019", "2019JJ00", "2019 1e halfjaar", "12.4", "1,5", "  9500",
    "Nederland", "Flevoland (PO)", "Limburg (RE)", "Almere", "Misdrijven, totaal", "1 Vermogensmisdrijven",
    "1.1.1 Diefstal/inbraak woning", "%", "% slachtoffer", "aantal", "rapportcijfer", "schaalscore (0-10)",
    "Waarde", "Ondergrens", "Bovengrens 95%-interval", "Marge", "Totaal personen", "Mannen", "Bron: CBS",
]  # fmt: skip
FILLED = [c for c in CELLS if c.strip()]
BODY = [c for c in CELLS if header_score([c]) == 0]  # never a known header: no data row looks like one
TITLES = ["Sociale veiligheid; regio", "Soort misdrijf: Totaal misdrijven", "Marges: Waarde", ""]

line = st.lists(st.sampled_from(BODY), min_size=1, max_size=6)
header = st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7, unique=True)
title = st.lists(st.sampled_from(TITLES), max_size=3)


def _csv(rows: list[list[str]]) -> str:
    return "".join(";".join(f'"{c}"' for c in row) + "\n" for row in rows)


def _validate(path: Path, *extra: str) -> None:
    result = CliRunner().invoke(app, ["validate", str(path), *extra])
    assert result.exit_code in (0, 1, 2), result.output


@pytest.mark.slow  # about 20 s each
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(titles=title, head=header, body=st.lists(line, max_size=8))
def test_label_exports_never_exit_70(
    tmp_path: Path, titles: list[str], head: list[str], body: list[list[str]]
) -> None:
    path = tmp_path / "statline.csv"
    path.write_text(_csv([[t] for t in titles] + [head] + body), encoding="utf-8")
    _validate(path)


@st.composite
def table_view(draw: st.DrawFn) -> list[list[str]]:
    """A header block (dimension lines, a unit line) under an optional title, data rows, a footer."""
    width = draw(st.integers(1, 4))
    labels = draw(st.integers(1, 2))
    rows = [[t] for t in draw(title)]
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(DIMENSIONS))
        values = draw(st.lists(st.sampled_from(FILLED), min_size=width, max_size=width))
        rows.append([name, *([""] * (labels - 1)), *values])
    names = draw(st.lists(st.sampled_from(DIMENSIONS), min_size=labels, max_size=labels, unique=True))
    rows.append([*names, *draw(st.lists(st.sampled_from(UNITS), min_size=width, max_size=width))])
    data = st.lists(st.sampled_from(BODY), min_size=labels + width, max_size=labels + width)
    rows += draw(st.lists(data, max_size=4))
    rows.append([draw(st.sampled_from(["Bron: CBS", "Bron: Politie", ""]))])
    return rows


@pytest.mark.slow  # about 20 s each
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=table_view())
def test_table_views_never_exit_70(tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "view.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    _validate(path)
    _validate(path, "--dimension", "Soort misdrijf=Totaal misdrijven", "--dimension", "Regio's=Almere")

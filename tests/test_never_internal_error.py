"""`validate` and `map suggest` never end in an internal error (exit 70), whatever the headers
(issue 20): a property over generated headers and cells. An internal error is any exception that is
not a ``VeilcliError`` (which the CLI turns into exit 1 or 2 with one line); the map a suggestion
writes must parse and be usable by ``validate --map`` under the same rule.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from veilcli import api
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.errors import VeilcliError
from veilcli.sources.columns import column_specs

ALIASES = sorted({a for kind in Kind for spec in column_specs(kind) for a in spec.aliases})
ODD_HEADERS = [
    "",
    " ",
    "Regio",
    "Regio ",
    " Regio",
    "Regio_duplicated_0",
    "_duplicated_0",
    "column_1",
    "Naam",
    "Naam_272",
    "Postcode",
    "X",
    "Y",
    "AantalInwoners_5",
    "Perioden",
    "2019",
    "2019*",
    "1.1.1",
    "Geboortedatum",
    '"',
    "a;b",
    "Totaal",
    "Bron: CBS",
    "Regio (column 3)",
    "\u00e9t\u00e9",
    "[bold]x",
    # named like a working column, a column of the rejected rows, or a polars pattern (all found)
    "__row",
    "__path",
    "row",
    "reasons",
    "v",
    "*",
    "^.*$",
    "^Regio$",
]
CELLS = [
    "",
    ".",
    "x",
    "-99999999",
    "0",
    "12",
    "1.043",
    "207904",
    "42998.729166666701",
    "2019",
    "2019*",
    "2019JJ00",
    "2019MM03",
    "2019 1e halfjaar",
    "2019H1",
    "03-01-2019",
    "2019-02-30",
    "2031-01-01",
    "1.1.1",
    "1.2.3 Diefstal van brom-, snor-, fietsen",
    "Misdrijven, totaal",
    "A72",
    "huisverbod",
    "Almere",
    "GM0034",
    "Limburg (RE)",
    "Internet",
    "J",
    "N",
    "Totaal",
    "Bron: Politie",
    "PL0900_BVH_1",
]

headers = st.lists(
    st.one_of(st.sampled_from(ALIASES), st.sampled_from(ODD_HEADERS), st.text(max_size=12)),
    min_size=1,
    max_size=7,
)
cells = st.one_of(st.sampled_from(CELLS), st.text(max_size=10))


def _csv(head: list[str], rows: list[list[str]], title: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    if title:
        writer.writerow(["Tabel met titel"])
    writer.writerow(head)
    for row in rows:
        writer.writerow(row[: len(head)])
    return out.getvalue().encode("utf-8")


def _quietly(call):  # type: ignore[no-untyped-def]
    """Run ``call``; a VeilcliError is an answer (exit 1 or 2), anything else fails the test."""
    try:
        return call()
    except VeilcliError:
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=headers,
    rows=st.lists(st.lists(cells, min_size=7, max_size=7), max_size=5),
    title=st.booleans(),
)
@example(head=["__row", "v"], rows=[["1", "x"]], title=False)
@example(head=["Regio", "*"], rows=[["Almere", "12"]], title=True)
def test_validate_and_suggest_never_end_in_an_internal_error(
    head: list[str], rows: list[list[str]], title: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bestand.csv"
        path.write_bytes(_csv(head, rows, title))
        _quietly(lambda: api.validate([path]))
        suggestion = _quietly(lambda: api.suggest_map(path))
        if suggestion is not None:
            mapping = Path(folder) / "map.toml"
            mapping.write_text(suggestion.to_toml(), encoding="utf-8")
            options = api.read_options(map_file=mapping)  # the map parses: never "not valid TOML"
            _quietly(lambda: api.validate([path], options))


def test_the_cli_says_70_only_for_a_bug(tmp_path: Path) -> None:
    """The property above calls the library; the CLI maps exactly its non-VeilcliError exceptions to
    70: one generated case through the CLI as well, to keep the two tied."""
    path = tmp_path / "x.csv"
    path.write_bytes(_csv(["Regio", "Regio ", "", "_duplicated_0"], [["Almere", "x", "y", "z"]], True))
    for command in (["validate", str(path)], ["map", "suggest", str(path)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code in (0, 1, 2) and "internal error" not in result.output, result.output


def test_a_suggested_map_never_maps_a_birth_date_as_a_count(tmp_path: Path) -> None:
    """Hypothesis found it: whole numbers under "Birth date" were suggested as ``count``, a map that
    ``--map`` then refuses (a birth date is read only as ``birth_date``)."""
    path = tmp_path / "bestand.csv"
    path.write_bytes(_csv(["Regio", "Birth date"], [["Almere", "1987"], ["Lelystad", "1990"]], False))
    suggestion = api.suggest_map(path)
    mapping = tmp_path / "map.toml"
    mapping.write_text(suggestion.to_toml(), encoding="utf-8")
    api.read_options(map_file=mapping)  # loads: no line maps the birth date
    lines = [line for line in suggestion.to_toml().splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in lines if '"Birth date"' in line.split("#")[0]]

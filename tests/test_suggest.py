"""`veilcli map suggest` on files with unfamiliar headers: the map it writes ingests them correctly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from tests.conftest import write_xlsx
from veilcli import api
from veilcli.cli import app

runner = CliRunner()


def test_registrations_with_unfamiliar_headers(tmp_path: Path) -> None:
    data = tmp_path / "meldingen.csv"
    data.write_text(
        "Overzicht meldingen afdeling VTH\n"
        "Volgnr.;Dag van melding;Feitcode;Plaats delict;Kanaal\n"
        "X-101;03-01-2019;1.2.3;Almere;Internet\n"
        "X-102;04-01-2019;A72;Almere;Balie\n"
        "X-103;05-01-2019;1.1.1;Almere;Telefoon\n"
        "X-104;2019-02-11;2.2.1;GM0034;Onbekend\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.toml"
    result = runner.invoke(app, ["map", "suggest", str(data), "--out", str(mapping)])
    assert result.exit_code == 0, result.output
    toml = mapping.read_text(encoding="utf-8")
    assert 'kind = "registrations"' in toml and "header_row = 2" in toml
    assert 'registration_id = "Volgnr."' in toml and 'category_code = "Feitcode"' in toml
    assert 'date = "Dag van melding"' in toml and 'municipality = "Plaats delict"' in toml
    assert "# 100% of the values are police category codes" in toml  # every line says why
    store = api.Store(tmp_path / "store")
    ingested = runner.invoke(app, ["ingest", str(data), "--map", str(mapping), "--store", str(store.root)])
    assert ingested.exit_code == 0, ingested.output
    rows = store.scan(api.Kind.registrations).sort("registration_id").collect()
    assert rows["registration_id"].to_list() == ["X-101", "X-102", "X-103", "X-104"]
    assert rows["municipality"].unique().to_list() == ["Almere"]
    assert rows["channel"].to_list() == ["internet", "desk", "phone", "unknown"]
    assert rows["date"].cast(pl.String).to_list() == ["2019-01-03", "2019-01-04", "2019-01-05", "2019-02-11"]


def test_counts_workbook_with_unfamiliar_headers(tmp_path: Path) -> None:
    data = write_xlsx(
        tmp_path / "tellingen.xlsx",
        [
            ["Tellingen huisverboden"],
            [],
            ["Tijdvak", "Gemeente naam", "Delictcode", "Aantal gevallen"],
            ["2019H1", "Almere", "1.1.1", 18],
            ["2019H2", "Almere", "1.1.1", 20],
            ["2018H1", "Almere", "1.2.3", 23],
        ],
    )
    suggestion = api.suggest_map(data)
    assert suggestion.kind == "counts"
    columns = {g.column: g.header for g in suggestion.guesses}
    assert columns == {
        "period": "Tijdvak",
        "area": "Gemeente naam",
        "category_code": "Delictcode",
        "count": "Aantal gevallen",
    }
    mapping = tmp_path / "map.toml"
    mapping.write_text(suggestion.to_toml(), encoding="utf-8")
    store = api.Store(tmp_path / "store")
    assert api.ingest([data], store, api.read_options(map_file=mapping)).stored
    counts = store.scan(api.Kind.counts).sort("period").collect()
    assert counts["count"].to_list() == [23, 18, 20]


def test_known_headers_are_kept_and_said(registrations_xlsx: Path) -> None:
    suggestion = api.suggest_map(registrations_xlsx)
    reasons = {g.column: g.reason for g in suggestion.guesses}
    assert reasons["registration_id"] == "the header is a known name for it"


def test_a_missing_file_is_said_as_such(tmp_path: Path) -> None:
    result = runner.invoke(app, ["map", "suggest", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "not found" in result.output

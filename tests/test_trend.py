"""`trend`: every period the store covers, registered and underlying, checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veilcli import api
from veilcli.cli import app
from veilcli.errors import UsageError


def test_every_period_between_the_first_and_the_last(plan_store: tuple[api.Store, Path]) -> None:
    store, plan = plan_store
    result = api.trend(store, ["vernieling", "fiets"], plan_path=plan)
    # registrations cover 2017H1 and 2019H1 (two extracts), suspects 2017-01-01..2019-06-30
    assert result.periods == ["2017H1", "2017H2", "2018H1", "2018H2", "2019H1"]
    series = {s.id: s for s in result.indicators}
    damage = {p.period: p for p in series["vernieling"].points}
    # 20 / 10,000 x 1,000 = 2.0 and 30 / 12,000 x 1,000 = 2.5; nothing covers the periods between
    assert damage["2017H1"].value == pytest.approx(2.0) and damage["2019H1"].value == pytest.approx(2.5)
    assert damage["2018H1"].value is None and damage["2018H1"].coverage == 0.0
    assert damage["2019H1"].count == 30 and damage["2019H1"].underlying_count == 30  # no event ids


def test_cli_json_equals_the_api_and_csv_has_a_row_per_point(plan_store: tuple[api.Store, Path]) -> None:
    store, plan = plan_store
    args = ["trend", "fiets", "--plan", str(plan), "--store", str(store.root)]
    cli = CliRunner().invoke(app, [*args, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    library = api.trend(store, ["fiets"], plan_path=plan).model_dump(mode="json")
    assert json.loads(cli.stdout) == library
    csv = CliRunner().invoke(app, [*args, "--format", "csv"]).stdout.strip().splitlines()
    assert csv[0].startswith("indicator_id,period,count,value") and len(csv) == 1 + 5
    table = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert table.exit_code == 0 and "H1 2019" in table.stdout  # the period in words for people
    assert all(len(line) <= 80 for line in table.stdout.splitlines()[:-1])


def test_unknown_indicator(plan_store: tuple[api.Store, Path]) -> None:
    store, plan = plan_store
    with pytest.raises(UsageError, match="not an indicator of the plan: nope"):
        api.trend(store, ["nope"], plan_path=plan)

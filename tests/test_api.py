"""Every command's `--format json` is the JSON form of its `veilcli.api` function's result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veilcli import api
from veilcli.cli import app

runner = CliRunner()


def cli_json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def same(value: object) -> object:
    """The JSON round trip the CLI applies (dates and paths as text)."""
    return json.loads(json.dumps(value, default=str))


def test_validate(registrations_xlsx: Path) -> None:
    report = api.validate([registrations_xlsx])
    assert cli_json("validate", str(registrations_xlsx)) == same(report.to_json_dict())


def test_ingest_dry_run(registrations_xlsx: Path, tmp_path: Path) -> None:
    store = tmp_path / "s"
    cli = cli_json("ingest", str(registrations_xlsx), "--dry-run", "--store", str(store))
    library = api.ingest([registrations_xlsx], api.Store(store), dry_run=True)
    expected = library.model_dump(mode="json") | {"report": library.report.to_json_dict()}
    assert cli == same(expected)
    assert not store.exists()


def test_status_normalise_compare(plan_store: tuple[api.Store, Path]) -> None:
    store, plan = plan_store
    where = ["--store", str(store.root)]
    assert cli_json("status", *where) == same(api.status(store).model_dump(mode="json"))
    normalised = api.normalise(store, period="2019H1")
    assert cli_json("normalise", "--period", "2019H1", *where) == same(normalised.to_json())
    compared = api.compare(store, period="2019H1", plan_path=plan)
    cli = cli_json("compare", "--period", "2019H1", "--plan", str(plan), *where)
    assert cli == same(compared.model_dump(mode="json"))


def test_normalise_baseline_defaults_to_the_plans(plan_store: tuple[api.Store, Path]) -> None:
    store, _ = plan_store
    assert str(api.normalise(store, period="2019H1").baseline) == "2017H1"


@pytest.mark.parametrize("fmt", list(api.ExportFormat))
def test_export(plan_store: tuple[api.Store, Path], tmp_path: Path, fmt: api.ExportFormat) -> None:
    store, plan = plan_store
    suffix = "" if fmt is api.ExportFormat.csv else f".{fmt.value}"
    by_cli, by_api = tmp_path / f"cli{suffix}", tmp_path / f"api{suffix}"
    common = ["--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    assert runner.invoke(app, ["export", fmt.value, str(by_cli), *common]).exit_code == 0
    written = api.export(store, fmt, by_api, period="2019H1", plan_path=plan)
    assert written and all(p.exists() for p in written)
    if fmt is api.ExportFormat.json:
        cli, library = json.loads(by_cli.read_text()), json.loads(by_api.read_text())
        # provenance differs only in the generation time and the command line
        for doc in (cli, library):
            doc.pop("meta"), doc.pop("sources")
        assert cli == library


def test_report_html_command(plan_store: tuple[api.Store, Path], tmp_path: Path) -> None:
    store, plan = plan_store
    out = tmp_path / "rapport.html"
    args = ["report", "html", str(out), "--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert all(i.id in page for i in api.compare(store, period="2019H1", plan_path=plan).indicators)
    assert "http://" not in page and "https://" not in page  # nothing is loaded from anywhere
    assert runner.invoke(app, args).exit_code == 2  # an existing file only with --force
    assert runner.invoke(app, [*args, "--force", "--lang", "en", "--no-trend"]).exit_code == 0


def test_reading_a_store_that_does_not_exist_raises(tmp_path: Path) -> None:
    from veilcli.errors import MissingStoreError

    store = api.Store(tmp_path / "typo")
    for read in (api.status, api.compare, api.normalise, api.trend):
        with pytest.raises(MissingStoreError, match="no store at"):
            read(store)  # type: ignore[operator]
    assert not store.root.exists()

"""`compare --area all`: every municipality at once, ranked, against hand-computed figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veilcli import api
from veilcli.cli import app

PLAN = """
name = "Landelijk"
area = "Almere"
baseline = 2017

[[indicators]]
id = "fiets"
theme = 1
label = "Fietsdiefstal"
categories = ["1.2.3"]
unit = "per_1000_inhabitants"
goal = "no_increase"

[[indicators]]
id = "totaal"
theme = 0
label = "Totaal"
categories = ["crime"]
unit = "per_1000_inhabitants"
goal = "none"
"""


@pytest.fixture
def national(tmp_path: Path) -> tuple[api.Store, Path]:
    """Police counts for three municipalities (Almere, Lelystad, Zeewolde); Zeewolde lacks 2017."""
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n"
        "2017H1;GM0034;1.2.3;600\n2019H1;GM0034;1.2.3;540\n2017H1;GM0034;0.0.0;5000\n2019H1;GM0034;0.0.0;5200\n"
        "2017H1;GM0995;1.2.3;100\n2019H1;GM0995;1.2.3;120\n2017H1;GM0995;0.0.0;1500\n2019H1;GM0995;0.0.0;1400\n"
        "2019H1;GM0050;1.2.3;10\n2019H1;GM0050;0.0.0;200\n",
        encoding="utf-8",
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2017;GM0034;200.000\n2019;GM0034;210.000\n2017;GM0995;77.000\n2019;GM0995;78.000\n"
        "2017;GM0050;22.000\n2019;GM0050;23.000\n",
        encoding="utf-8",
    )
    store = api.Store(tmp_path / "store")
    assert api.ingest([counts, population], store).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    return store, plan


def test_every_municipality_ranked(national: tuple[api.Store, Path]) -> None:
    store, plan = national
    result = api.league(store, period="2019H1", plan_path=plan, sort="fiets")
    fiets = {r.area: r for r in result.indicators[0].rows}
    # Almere 540 / 210,000 x 1,000 = 2.571 (was 600 / 200,000 = 3.0: -14.3%, achieved)
    assert fiets["Almere"].value == pytest.approx(540 / 210)
    assert fiets["Almere"].change_pct == pytest.approx((540 / 210 / 3.0 - 1) * 100)
    assert fiets["Almere"].status == "achieved"
    # Lelystad 120 / 78,000 = 1.538 (was 100 / 77,000 = 1.299: +18.5%, not achieved)
    assert fiets["Lelystad"].value == pytest.approx(120 / 78)
    assert fiets["Lelystad"].status == "not_achieved"
    # Zeewolde 10 / 23,000 = 0.435: no 2017 data: no status, not ranked among judged figures
    assert fiets["Zeewolde"].status == "no_data" and fiets["Zeewolde"].rank is None
    assert (fiets["Lelystad"].rank, fiets["Almere"].rank) == (1, 2)  # 1 = the lowest rate
    assert result.areas == ["Lelystad", "Almere", "Zeewolde"]  # sorted by the fiets rank
    total = {r.area: r for r in result.indicators[1].rows}
    assert total["Almere"].value == pytest.approx(5200 / 210) and total["Almere"].status == "monitor"


def test_cli_all_and_json(national: tuple[api.Store, Path]) -> None:
    store, plan = national
    args = ["compare", "--area", "all", "--period", "2019H1", "--plan", str(plan), "--store", str(store.root)]
    result = CliRunner().invoke(app, [*args, "-f", "json", "--sort", "fiets"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["areas"] == ["Lelystad", "Almere", "Zeewolde"] and data["indicators"][0]["id"] == "fiets"
    table = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert table.exit_code == 0 and "Lelystad" in table.stdout
    csv = CliRunner().invoke(app, [*args, "-f", "csv"]).stdout.strip().splitlines()
    assert csv[0] == "id,area,baseline_value,value,change_pct,status,rank" and len(csv) == 1 + 2 * 3


def test_a_period_no_area_has_is_an_error(national: tuple[api.Store, Path]) -> None:
    from veilcli.errors import UsageError

    store, plan = national
    with pytest.raises(UsageError, match="no area has data for 2030H1"):
        api.league(store, period="2030H1", plan_path=plan)


def test_a_partly_covered_period_is_incomplete_and_not_ranked(tmp_path: Path) -> None:
    """A bicycle-theft extract ending 21 September 2017 covers 45% of 2017H2: no status, no rank."""
    import datetime as dt

    import polars as pl

    days = pl.date_range(dt.date(2016, 7, 1), dt.date(2017, 9, 21), "3d", eager=True)
    lines = ["Registratienummer;Datum;Soort misdrijf code;Gemeente"] + [
        f"F{n};{d};1.2.3;Almere" for n, d in enumerate(days)
    ]
    registrations = tmp_path / "fiets.csv"
    registrations.write_text(
        "\n".join([*lines, f"F{len(days)};2017-09-21;1.2.3;Almere"]) + "\n", encoding="utf-8"
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2016;Almere;200.000\n2017;Almere;205.000\n", encoding="utf-8"
    )
    store = api.Store(tmp_path / "store")
    assert api.ingest([registrations, population], store).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN.replace("baseline = 2017", "baseline = 2016"), encoding="utf-8")
    result = api.league(store, period="2017H2", plan_path=plan)
    [almere] = result.indicators[0].rows
    assert almere.status == "incomplete" and almere.rank is None and almere.change_pct is None
    [total] = result.indicators[1].rows  # one category is not every crime: no total
    assert total.value is None and total.status == "no_data"


@pytest.mark.parametrize(
    ("option", "words"),
    [(["--by", "district"], "--by district is for one area"), (["--theme", "1"], "--theme")],
)
def test_compare_league_refuses_options_for_one_area(tmp_path: Path, option: list[str], words: str) -> None:
    """--by district and --theme were silently ignored by the league in the terminal."""
    result = CliRunner().invoke(app, ["compare", "--area", "all", *option, "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and words in result.output

"""Territory (DESIGN §2): the territory of the time, merged members no source covers, and the league
on the same rules as compare. Every figure below is computed by hand from the fixtures.

Groningen, Haren and Ten Boer merged on 1 January 2019; Weesp joined Amsterdam on 24 March 2022.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from veilcli import api
from veilcli.domain.choices import Territory
from veilcli.domain.geography import merged_by, territory_members

PLAN = """
name = "Territory test"
area = "{area}"
baseline = 2017

[[indicators]]
id = "fiets"
theme = 1
label = "Fietsdiefstal"
categories = ["1.2.3"]
unit = "per_1000_inhabitants"
goal = "no_increase"

[[indicators]]
id = "fiets_aantal"
theme = 1
label = "Fietsdiefstal (aantal)"
categories = ["1.2.3"]
unit = "count"
goal = "none"
"""

POPULATION = {
    ("Groningen", 2017): 202_810,
    ("Haren", 2017): 19_000,
    ("Ten Boer", 2017): 7_000,
    ("Groningen", 2019): 231_299,
    ("Almere", 2017): 200_914,
    ("Almere", 2019): 207_904,
}


def _registrations(path: Path, municipality: str, year: int, per_day: int, prefix: str) -> Path:
    """A registration extract of every day of ``year``: ``per_day`` bicycle thefts a day."""
    rows = ["Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte"]
    day, n = dt.date(year, 1, 1), 0
    while day.year == year:
        for _ in range(per_day):
            n += 1
            rows.append(f"{prefix}{year}-{n};{day.isoformat()};1.2.3;{municipality};Balie")
        day += dt.timedelta(days=1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _population(path: Path, pairs: list[tuple[str, int]]) -> Path:
    lines = ["Jaar;Gebied;Inwoners"] + [f"{y};{a};{POPULATION[(a, y)]}" for a, y in pairs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _plan(tmp_path: Path, area: str) -> Path:
    plan = tmp_path / f"plan-{area}.toml"
    plan.write_text(PLAN.format(area=area), encoding="utf-8")
    return plan


def _store(
    tmp_path: Path, extracts: list[tuple[str, int, int]], population: list[tuple[str, int]]
) -> api.Store:
    files = [
        _registrations(tmp_path / f"{m}-{y}.csv", m, y, per_day, m[:2].upper()) for m, y, per_day in extracts
    ]
    files.append(_population(tmp_path / "pop.csv", population))
    store = api.Store(tmp_path / "store")
    assert api.ingest(files, store).stored
    return store


H1_2017, H1_2019 = 181, 181  # days in each first half-year


def test_the_rule() -> None:
    starts = [dt.date(2013, 1, 1), dt.date(2017, 1, 1)]
    # Both before the merger: Groningen alone (its territory of the time).
    assert territory_members("Groningen", starts, dt.date(2017, 6, 30)) == [["Groningen"], ["Groningen"]]
    # Across the merger: the merged territory at the comparison's end.
    across = territory_members("Groningen", [dt.date(2017, 1, 1), dt.date(2019, 1, 1)], dt.date(2019, 6, 30))
    assert [sorted(m) for m in across] == [["Groningen", "Haren", "Ten Boer"], ["Groningen"]]
    then = territory_members("Groningen", starts, dt.date(2019, 6, 30), Territory.then)
    assert then == [["Groningen"], ["Groningen"]]
    today = territory_members("Amsterdam", [dt.date(2017, 1, 1)], dt.date(2019, 6, 30), Territory.today)
    assert today == [["Amsterdam", "Weesp"]]
    assert merged_by("Haren", dt.date(2019, 6, 30)) == "Groningen"
    assert merged_by("Haren", dt.date(2018, 12, 31)) is None
    assert merged_by("Weesp", dt.date(2022, 3, 24)) == "Amsterdam"


def test_a_pre_merger_extract_is_compared_on_its_own_territory(tmp_path: Path) -> None:
    """Groningen 2016-2017 only (before the 2019 merger): compared as Groningen alone, not no_data."""
    store = _store(
        tmp_path,
        [("Groningen", 2016, 3), ("Groningen", 2017, 2)],
        [("Groningen", 2017)],
    )
    (tmp_path / "pop2016.csv").write_text("Jaar;Gebied;Inwoners\n2016;Groningen;200.000\n", encoding="utf-8")
    assert api.ingest([tmp_path / "pop2016.csv"], store).stored
    result = api.compare(store, period="2017H1", baseline=2016, plan_path=_plan(tmp_path, "Groningen"))
    fiets, count = result.indicators
    # 2016H1 has 182 days (leap year): 3 x 182 = 546 per 200,000; 2017H1: 2 x 181 = 362 per 202,810.
    assert fiets.counts == {"2016H1": 546.0, "2017H1": 362.0}
    assert fiets.values["2016H1"] == pytest.approx(2.73)
    assert fiets.values["2017H1"] == pytest.approx(362 / 202_810 * 1000)
    assert fiets.change_pct == pytest.approx((362 / 202_810 / (546 / 200_000) - 1) * 100)
    assert fiets.status == "achieved"
    assert fiets.coverage == {"2016H1": 1.0, "2017H1": 1.0}
    assert not [n for n in fiets.notes if n.code.startswith(("merged", "territory"))]
    assert count.counts == {"2016H1": 546.0, "2017H1": 362.0}


def test_across_a_merger_an_uncovered_member_makes_it_incomplete(tmp_path: Path) -> None:
    """Groningen 2017 and 2019, Haren and Ten Boer not ingested: 2017H1 on the merged territory lacks
    them, so the figure is incomplete and says who is missing and what to do."""
    store = _store(
        tmp_path,
        [("Groningen", 2017, 2), ("Groningen", 2019, 4)],
        [("Groningen", 2017), ("Haren", 2017), ("Ten Boer", 2017), ("Groningen", 2019)],
    )
    plan = _plan(tmp_path, "Groningen")
    fiets = api.compare(store, period="2019H1", plan_path=plan).indicators[0]
    assert fiets.status == "incomplete" and fiets.change_pct is None
    assert fiets.counts["2017H1"] == 362.0  # the part that is there, not null, not 0
    assert fiets.values["2017H1"] == pytest.approx(362 / 202_810 * 1000)
    # Covered share of 2017H1, by inhabitants: Groningen's 202,810 of 228,810.
    assert fiets.coverage["2017H1"] == pytest.approx(202_810 / 228_810)
    assert fiets.coverage["2019H1"] == 1.0
    [missing] = [
        n for n in fiets.notes if n.code == "territory_member_uncovered" and n.params["period"] == "2017H1"
    ]
    assert missing.params["members"] == "Haren, Ten Boer" and missing.params["date"] == "2019-01-01"
    assert "--territory then" in missing.message
    # The explicit way out: each period on the territory of its own time, with the merger said.
    then = api.compare(store, period="2019H1", plan_path=plan, territory="then").indicators[0]
    assert then.values["2017H1"] == pytest.approx(362 / 202_810 * 1000)
    assert then.change_pct == pytest.approx((724 / 231_299 / (362 / 202_810) - 1) * 100)
    assert then.status == "not_achieved"
    assert any(n.code == "territory_differs" for n in then.notes)


def test_across_a_merger_every_member_covered_is_summed(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        [("Groningen", 2017, 2), ("Haren", 2017, 1), ("Ten Boer", 2017, 1), ("Groningen", 2019, 4)],
        [("Groningen", 2017), ("Haren", 2017), ("Ten Boer", 2017), ("Groningen", 2019)],
    )
    fiets = api.compare(store, period="2019H1", plan_path=_plan(tmp_path, "Groningen")).indicators[0]
    # 2017H1: (362 + 181 + 181) / 228,810; 2019H1: 724 / 231,299: -1.08%, did not rise.
    assert fiets.counts["2017H1"] == 724.0
    assert fiets.values["2017H1"] == pytest.approx(724 / 228_810 * 1000)
    assert fiets.change_pct == pytest.approx((228_810 / 231_299 - 1) * 100)
    assert fiets.status == "achieved" and fiets.coverage["2017H1"] == 1.0


def test_a_members_missing_population_is_named(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        [("Groningen", 2017, 2), ("Haren", 2017, 1), ("Ten Boer", 2017, 1), ("Groningen", 2019, 4)],
        [("Groningen", 2017), ("Ten Boer", 2017), ("Groningen", 2019)],
    )
    fiets = api.compare(store, period="2019H1", plan_path=_plan(tmp_path, "Groningen")).indicators[0]
    [no_population] = [n for n in fiets.notes if n.code == "no_population"]
    assert "Haren 2017" in no_population.params["where"]
    assert fiets.status == "incomplete"
    assert fiets.counts["2017H1"] == 362.0 + 181.0  # Groningen and Ten Boer; Haren left out
    assert fiets.values["2017H1"] == pytest.approx(543 / 209_810 * 1000)


def test_amsterdam_before_weesp_joined(tmp_path: Path) -> None:
    """A municipality-only download of Amsterdam 2017 and 2019: Weesp joined in 2022, after the
    comparison, so the baselines are Amsterdam's own (never lost to the later merger)."""
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n2017H1;GM0363;1.2.3;5000\n2019H1;GM0363;1.2.3;4500\n",
        encoding="utf-8",
    )
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2017;GM0363;844.947\n2019;GM0363;862.965\n", encoding="utf-8"
    )
    store = api.Store(tmp_path / "store")
    assert api.ingest([counts, population], store).stored
    fiets = api.compare(store, period="2019H1", plan_path=_plan(tmp_path, "Amsterdam")).indicators[0]
    assert fiets.values["2017H1"] == pytest.approx(5000 / 844_947 * 1000)
    assert fiets.change_pct == pytest.approx((4500 / 862_965 / (5000 / 844_947) - 1) * 100)
    assert fiets.status == "achieved"
    # Today's territory on request: Weesp's data are not stored, so the figure is incomplete.
    today = api.compare(store, period="2019H1", plan_path=_plan(tmp_path, "Amsterdam"), territory="today")
    assert today.indicators[0].status == "incomplete"


@pytest.mark.parametrize("haren", [True, False])
def test_league_and_compare_agree_on_every_area(tmp_path: Path, haren: bool) -> None:
    """One rule, one implementation: a merged municipality (with and without a member's data) and
    an unmerged one; the league lists Groningen as of 2019 and not Haren or Ten Boer."""
    extracts = [("Groningen", 2017, 2), ("Ten Boer", 2017, 1), ("Groningen", 2019, 4)]
    extracts += [("Almere", 2017, 3), ("Almere", 2019, 3)]
    if haren:
        extracts.append(("Haren", 2017, 1))
    population = [("Groningen", 2017), ("Haren", 2017), ("Ten Boer", 2017), ("Groningen", 2019)]
    store = _store(tmp_path, extracts, [*population, ("Almere", 2017), ("Almere", 2019)])
    plan = _plan(tmp_path, "Groningen")
    league = api.league(store, period="2019H1", baseline=2017, plan_path=plan)
    assert league.areas == ["Almere", "Groningen"]
    for indicator in league.indicators:
        for row in indicator.rows:
            single = api.compare(store, period="2019H1", baseline=2017, plan_path=plan, area=row.area)
            [mine] = [i for i in single.indicators if i.id == indicator.id]
            assert row.value == pytest.approx(mine.values["2019H1"]), (row.area, indicator.id)
            assert row.baseline_value == pytest.approx(mine.values["2017H1"]), (row.area, indicator.id)
            assert row.status == mine.status, (row.area, indicator.id)
            assert row.change_pct == pytest.approx(mine.change_pct), (row.area, indicator.id)
    groningen = next(r for r in league.indicators[0].rows if r.area == "Groningen")
    assert groningen.status == ("achieved" if haren else "incomplete")


# --- the default plan on a store of one municipality's public downloads --------------------------

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni"]


def _police_labels_csv(path: Path) -> Path:
    """The police open-data "download as CSV" (labels): Almere per month, H1 2017 and H1 2019."""
    lines = [
        '"Soort misdrijf";"Perioden";"Regio\'s";"Geregistreerde misdrijven (aantal)";'
        '"Internetaangiften (aantal)"'
    ]
    for year, base in ((2017, 40), (2019, 30)):
        for n, month in enumerate(MONTHS):
            star = "*" if year == 2019 else ""
            period = f"{year}{star} {month}"  # StatLine marks provisional figures: 2019* januari
            lines.append(f'"1.1.1 Diefstal/inbraak woning";"{period}";"Almere";"    {base + n}";"     2"')
            lines.append(f'"Totaal misdrijven";"{period}";"Almere";"   {400 + n}";"    50"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_default_plan_runs_on_one_municipalitys_downloads(tmp_path: Path) -> None:
    """No G10 or police-unit figures stored: every verb runs (exit 0), the benchmarks are notes."""
    from typer.testing import CliRunner

    from veilcli.cli import app

    counts = _police_labels_csv(tmp_path / "Geregistreerde_misdrijven__soort_misdrijf_Almere.csv")
    population = tmp_path / "bevolking.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners;Woningen\n2017;GM0034;200.914;78.614\n2019;GM0034;207.904;81.470\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest", str(counts), str(population), "--store", str(store)])
    assert ingest.exit_code == 0, ingest.output
    import json

    result = runner.invoke(app, ["compare", "--baseline", "2017", "--store", str(store), "-f", "json"])
    assert result.exit_code == 0, result.output
    compared = json.loads(result.stdout)
    assert compared["period"] == "2019H1"
    inbraak = next(i for i in compared["indicators"] if i["id"] == "woninginbraak")
    # 2017H1: 40+41+...+45 = 255 per 78,614 dwellings; 2019H1: 30+...+35 = 195 per 81,470.
    assert inbraak["counts"]["2017H1"] == 255 and inbraak["counts"]["2019H1"] == 195
    assert inbraak["values"]["2019H1"] == pytest.approx(195 / 81_470 * 1000)
    assert inbraak["status"] == "achieved"
    # one note for both benchmarks, naming them (once per indicator)
    codes = {(n["code"], tuple(n["params"].get("benchmark", ()))) for n in inbraak["notes"]}
    assert ("benchmark_not_stored", ("Midden-Nederland", "G10/100.000+")) in codes
    total = next(i for i in compared["indicators"] if i["id"] == "totaal_misdrijven")
    assert total["counts"]["2019H1"] == sum(400 + n for n in range(6))
    for command in (
        ["trend"],
        ["export", "xlsx", str(tmp_path / "r.xlsx")],
        ["export", "csv", str(tmp_path / "csv")],
        ["report", "html", str(tmp_path / "r.html")],
        ["compare", "--area", "all", "--baseline", "2017"],
        ["export", "xlsx", str(tmp_path / "league.xlsx"), "--area", "all", "--baseline", "2017"],
        ["report", "html", str(tmp_path / "league.html"), "--area", "all", "--baseline", "2017"],
    ):
        ran = runner.invoke(app, [*command, "--store", str(store)])
        assert ran.exit_code == 0, (command, ran.output)


def test_small_numbers_are_judged_on_the_territorys_sum(tmp_path: Path) -> None:
    """Hold-ups in 2017H1: Groningen 10, Ten Boer 1 (Haren's extract holds bicycle thefts only, so it
    is left out and named): the figure shown is 11, not a small number, though Ten Boer's own 1 is."""
    store = _store(
        tmp_path,
        [("Groningen", 2017, 2), ("Haren", 2017, 1), ("Ten Boer", 2017, 1), ("Groningen", 2019, 4)],
        [("Groningen", 2017), ("Haren", 2017), ("Ten Boer", 2017), ("Groningen", 2019)],
    )
    (tmp_path / "few.csv").write_text(
        "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte\n"
        "TB1;2017-03-01;1.4.7;Ten Boer;Balie\nG1;2017-03-02;1.4.7;Groningen;Balie\n"
        + "".join(f"G9{n};2017-04-{n + 1:02d};1.4.7;Groningen;Balie\n" for n in range(9)),
        encoding="utf-8",
    )
    assert api.ingest([tmp_path / "few.csv"], store, api.read_options(covers="2017-01-01..2017-12-31")).stored
    plan = tmp_path / "overval.toml"
    plan.write_text(
        PLAN.format(area="Groningen")
        .replace('"1.2.3"', '"1.4.7"')
        .split('[[indicators]]\nid = "fiets_aantal"')[0],
        encoding="utf-8",
    )
    [overval] = api.compare(store, period="2019H1", plan_path=plan).indicators
    small = [n.params for n in overval.notes if n.code == "small_numbers"]
    assert all(p["period"] != "2017H1" for p in small), small
    assert overval.counts["2017H1"] == 11.0

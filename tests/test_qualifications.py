"""Issue 19 §4: figures that were shown without the qualification they need, each against a tiny
hand-made store whose figures are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from rich.console import Console

from veilcli.analysis.goals import Status, range_status, status
from veilcli.analysis.results.compare import CompareResult, IndicatorResult
from veilcli.analysis.selection import latest_complete_period, require_known_area
from veilcli.api import compare, league
from veilcli.domain.notes import note, note_expr
from veilcli.domain.periods import PeriodUnit
from veilcli.domain.plans import Goal
from veilcli.errors import UsageError
from veilcli.report.export_tables import ExportTables
from veilcli.report.exports import write_xlsx
from veilcli.report.html import render_html
from veilcli.report.render_compare import render_compare
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

HEAD = """
name = "Testplan"
area = "Testdorp"
baseline = 2017
"""


def indicator(
    id_: str, categories: str, unit: str, goal: str, kind: str = "registrations", extra: str = ""
) -> str:
    """One ``[[indicators]]`` block of a plan."""
    return (
        f'\n[[indicators]]\nid = "{id_}"\ntheme = 1\nlabel = "{id_.capitalize()}"\nkind = "{kind}"\n'
        f'categories = [{categories}]\nunit = "{unit}"\ngoal = "{goal}"\n{extra}'
    )


def make_store(
    tmp_path: Path, files: dict[str, str], plan: str, declared: dict[str, ReadOptions] | None = None
) -> tuple[Store, Path]:
    """A store of the given CSV files (name -> text; ``declared`` gives a file its read options) and
    the plan written beside it."""
    store = Store(tmp_path / "store")
    declared = declared or {}
    plain = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        if name not in declared:
            plain.append(tmp_path / name)
    if plain:
        assert ingest_paths(plain, store, ReadOptions()).stored
    for name, options in declared.items():
        assert ingest_paths([tmp_path / name], store, options).stored
    plan_path = tmp_path / "plan.toml"
    plan_path.write_text(plan, encoding="utf-8")
    return store, plan_path


def by_id(result: CompareResult) -> dict[str, IndicatorResult]:
    return {i.id: i for i in result.indicators}


def codes(ind: IndicatorResult, code: str) -> list[dict[str, object]]:
    """The params of every note of one code."""
    return [n.params for n in ind.notes if n.code == code]


# --- 1. small numbers: suspects and counts too -----------------------------------------------------


def test_small_numbers_for_suspects_and_counts(tmp_path: Path) -> None:
    plan = HEAD + indicator(
        "jeugd", '"crime"', "per_1000_youths_12_24", "decrease", kind="suspects", extra="age = [12, 24]\n"
    )
    plan += indicator("huisverbod", '"huisverbod"', "count", "none", kind="counts")
    files = {
        "pop.csv": "Jaar;Gebied;Inwoners;Jongeren 12-24\n2017;Testdorp;10.000;2.000\n"
        "2018;Testdorp;10.000;2.000\n2019;Testdorp;10.000;2.000\n",
        # 4 house bans in 2017H1, 12 in 2018H1 and 2019H1
        "hv.csv": "Periode;Gebied;Soort misdrijf code;Aantal\n2017H1;Testdorp;huisverbod;4\n"
        "2018H1;Testdorp;huisverbod;12\n2019H1;Testdorp;huisverbod;12\n",
        # one suspect aged 17 in 2017H1, none in 2018H1, two (15 and 20) in 2019H1
        "verdachten.csv": "Registratienummer;Datum;Leeftijd;Woonplaats;Soort misdrijf code\n"
        "R1;2017-03-01;17;Testdorp;1.1.1\nR2;2019-02-01;15;Testdorp;2.2.1\nR3;2019-04-01;20;Testdorp;2.2.1\n",
    }
    declared = {
        "verdachten.csv": ReadOptions(covers=(dt.date(2017, 1, 1), dt.date(2019, 6, 30)), scope=["crime"])
    }
    store, plan_path = make_store(tmp_path, files, plan, declared)
    ind = by_id(compare(store, period="2019H1", plan_path=plan_path))
    youth = ind["jeugd"]
    # 1 / 2,000 x 1,000 = 0.5 -> 2 / 2,000 x 1,000 = 1.0: +100%, a decrease goal not met, on 1 and 2 suspects
    assert youth.values == {"2017H1": 0.5, "2018H1": 0.0, "2019H1": 1.0}
    assert youth.change_pct == pytest.approx(100.0) and youth.status is Status.not_achieved
    assert codes(youth, "small_numbers") == [
        {"period": "2017H1", "count": 1, "counted": "suspects"},
        {"period": "2018H1", "count": 0, "counted": "suspects"},
        {"period": "2019H1", "count": 2, "counted": "suspects"},
    ]
    assert "first half of 2019: only 2 suspects: the change says little" in [n.message for n in youth.notes]
    bans = ind["huisverbod"]
    assert bans.counts == {"2017H1": 4, "2018H1": 12, "2019H1": 12}
    # 4 is below 10, 12 is not
    assert codes(bans, "small_numbers") == [{"period": "2017H1", "count": 4, "counted": "counts"}]
    assert next(n for n in bans.notes if n.code == "small_numbers").render("nl") == (
        "eerste helft 2017: slechts 4 geteld: de verandering zegt weinig"
    )


# --- 2. a suppressed benchmark value is said, naming the benchmark and the period -----------------


def test_suppressed_benchmark_values_are_said(tmp_path: Path) -> None:
    plan = HEAD + (
        '\n[[benchmarks]]\nname = "AB"\nmembers = ["A", "B"]\n'
        '\n[[benchmarks]]\nname = "Regio"\narea = "Regio"\n'
    )
    plan += indicator("inbraak", '"1.1.1"', "per_1000_dwellings", "decrease")
    years = (2017, 2018, 2019)
    files = {
        "pop.csv": "Jaar;Gebied;Inwoners;Woningen\n"
        + "".join(f"{y};{a};20.000;10.000\n" for y in years for a in ("Testdorp", "A", "B", "Regio")),
        # Testdorp's own figures; A's 2018H1 count is suppressed (empty), as is Regio's 2019H1 count
        "counts.csv": "Periode;Gebied;Soort misdrijf code;Aantal\n"
        "2017H1;Testdorp;1.1.1;30\n2018H1;Testdorp;1.1.1;25\n2019H1;Testdorp;1.1.1;20\n"
        "2017H1;A;1.1.1;20\n2018H1;A;1.1.1;\n2019H1;A;1.1.1;20\n"
        "2017H1;B;1.1.1;10\n2018H1;B;1.1.1;10\n2019H1;B;1.1.1;10\n"
        "2017H1;Regio;1.1.1;50\n2018H1;Regio;1.1.1;40\n2019H1;Regio;1.1.1;\n",
    }
    store, plan_path = make_store(tmp_path, files, plan)
    burglary = by_id(compare(store, period="2019H1", plan_path=plan_path))["inbraak"]
    pooled, region = burglary.benchmarks["AB"], burglary.benchmarks["Regio"]
    # AB: (20 + 10) / 20,000 dwellings x 1,000 = 1.5 in 2017H1 and 2019H1 (0%); 2018H1: A unknown, so the
    # pooled figure is unknown (never B's 10 / 10,000 alone)
    assert pooled.values == {"2017H1": 1.5, "2018H1": None, "2019H1": 1.5} and pooled.change_pct == 0.0
    # Regio: 50 / 10,000 = 5.0, 40 / 10,000 = 4.0, then unknown: no change
    assert region.values == {"2017H1": 5.0, "2018H1": 4.0, "2019H1": None} and region.change_pct is None
    assert codes(burglary, "benchmark_suppressed") == [
        {"benchmark": ["AB"], "period": "2018H1", "areas": "A"},
        {"benchmark": ["Regio"], "period": "2019H1", "areas": "Regio"},
    ]
    said = next(n for n in burglary.notes if n.code == "benchmark_suppressed")
    assert said.message == (
        "benchmark AB, first half of 2018: suppressed in the source for A (unknown, not 0): no benchmark "
        "value"
    )
    # the area's own figure is not suppressed: no `suppressed` note of its own
    assert not codes(burglary, "suppressed")


# --- 3. a change that cannot be computed: 0 in the baseline -----------------------------------------


def test_zero_baseline_statuses() -> None:
    # From 0 nothing can decrease: 0 -> 0 cannot be judged against a decrease goal
    assert status(Goal.decrease, 0.0, 0.0) is Status.undetermined
    # a rise from 0 is clearly no decrease, and a rise
    assert status(Goal.decrease, 0.5, 0.0) is Status.not_achieved
    assert status(Goal.no_increase, 0.5, 0.0) is Status.not_achieved
    assert status(Goal.no_increase, 0.0, 0.0) is Status.achieved  # it did not rise
    assert range_status(Goal.decrease, 0.0, 0.0, 0.0) is Status.undetermined


def test_zero_baseline_change_is_not_judged(tmp_path: Path) -> None:
    plan = HEAD + indicator("overval", '"1.4.7"', "per_1000_inhabitants", "decrease")
    plan += indicator("straatroof", '"1.4.6"', "per_1000_inhabitants", "decrease")
    plan += indicator("fiets", '"1.2.3"', "per_1000_inhabitants", "no_increase")
    plan += indicator("inbraak", '"1.1.1"', "per_1000_inhabitants", "decrease")
    # no hold-ups and no bicycle thefts at all; street robbery 0 -> 3; burglary 10 -> 8
    rows = [("2017-02-01", "1.1.1")] * 10 + [("2019-02-01", "1.1.1")] * 8 + [("2019-03-01", "1.4.6")] * 3
    files = {
        "pop.csv": "Jaar;Gebied;Inwoners\n2017;Testdorp;10.000\n2018;Testdorp;10.000\n2019;Testdorp;10.000\n",
        "reg.csv": "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte\n"
        + "".join(f"R{n};{d};{c};Testdorp;Balie\n" for n, (d, c) in enumerate(rows)),
    }
    declared = {"reg.csv": ReadOptions(covers=(dt.date(2017, 1, 1), dt.date(2019, 6, 30)), scope=["crime"])}
    store, plan_path = make_store(tmp_path, files, plan, declared)
    ind = by_id(compare(store, period="2019H1", plan_path=plan_path))
    holdup = ind["overval"]
    # 0 -> 0 per 1,000: no change in %, and no decrease is possible from 0: undetermined, with the reason
    assert holdup.values["2017H1"] == 0.0 and holdup.values["2019H1"] == 0.0
    assert holdup.change_pct is None and holdup.p_value is None
    assert holdup.status is Status.undetermined
    assert holdup.underlying is not None and holdup.underlying.status is Status.undetermined
    assert codes(holdup, "zero_baseline_no_decrease") == [{"baseline": "2017H1", "period": "2019H1"}]
    assert not codes(holdup, "zero_baseline")
    # 0 -> 0.3 per 1,000 (3 / 10,000 x 1,000): no change in %, but a rise: not achieved, and said
    robbery = ind["straatroof"]
    assert robbery.values["2019H1"] == pytest.approx(0.3) and robbery.change_pct is None
    assert robbery.status is Status.not_achieved
    assert codes(robbery, "zero_baseline") == [{"baseline": "2017H1"}]
    # no_increase 0 -> 0: it did not rise: achieved; the change in % is still undefined, and said
    bikes = ind["fiets"]
    assert bikes.status is Status.achieved and bikes.change_pct is None
    assert codes(bikes, "zero_baseline") == [{"baseline": "2017H1"}]
    # 1.0 -> 0.8 per 1,000: -20%, achieved, nothing to say about a zero baseline
    burglary = ind["inbraak"]
    assert burglary.change_pct == pytest.approx(-20.0) and burglary.status is Status.achieved
    assert not codes(burglary, "zero_baseline") and not codes(burglary, "zero_baseline_no_decrease")
    message = holdup.notes[[n.code for n in holdup.notes].index("zero_baseline_no_decrease")]
    assert message.message == (
        "0 in the baseline first half of 2017 and in first half of 2019: no change in % can be computed and "
        "a decrease from 0 is not possible: the goal cannot be judged (undetermined)"
    )


# --- 7. which period lacks the reporting channel --------------------------------------------------


def test_no_channel_data_says_which_periods(tmp_path: Path) -> None:
    plan = HEAD + indicator("fiets", '"1.2.3"', "per_1000_inhabitants", "no_increase")
    plan += indicator("vernieling", '"2.2.1"', "per_1000_inhabitants", "no_increase")
    # Bicycle theft: channels in 2017H1 and 2018H1, none in 2019H1. Criminal damage: none in 2017H1,
    # channels later. Both categories' online reporting was extended on 2018-01-01 (the default rules).
    rows = [("2017-02-01", "1.2.3", "Internet"), ("2017-03-01", "1.2.3", "Balie")]
    rows += [("2018-02-01", "1.2.3", "Balie"), ("2019-02-01", "1.2.3", "")]
    rows += [
        ("2017-02-01", "2.2.1", ""),
        ("2018-02-01", "2.2.1", "Internet"),
        ("2019-02-01", "2.2.1", "Balie"),
    ]
    files = {
        "pop.csv": "Jaar;Gebied;Inwoners\n2017;Testdorp;10.000\n2018;Testdorp;10.000\n2019;Testdorp;10.000\n",
        "reg.csv": "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte\n"
        + "".join(f"R{n};{d};{c};Testdorp;{w}\n" for n, (d, c, w) in enumerate(rows)),
    }
    declared = {"reg.csv": ReadOptions(covers=(dt.date(2017, 1, 1), dt.date(2019, 6, 30)), scope=["crime"])}
    store, plan_path = make_store(tmp_path, files, plan, declared)
    ind = by_id(compare(store, period="2019H1", plan_path=plan_path))
    bikes, damage = ind["fiets"], ind["vernieling"]
    assert codes(bikes, "no_channel_data") == [{"periods": "2019H1"}]
    assert not codes(bikes, "no_channel_in_baseline")
    assert "first half of 2019: no reporting channel in the data: no internet correction" in [
        n.message for n in bikes.notes
    ]
    assert codes(damage, "no_channel_in_baseline") == [{"baseline": "2017H1", "periods": "2018H1, 2019H1"}]
    assert not codes(damage, "no_channel_data")
    said = next(n for n in damage.notes if n.code == "no_channel_in_baseline")
    assert said.message == (
        "no reporting channel in the baseline first half of 2017 (its online share is unknown): no internet "
        "correction for first half of 2018, first half of 2019"
    )


# --- 6. Dutch numbers in Dutch notes ---------------------------------------------------------------


def test_numbers_in_notes_follow_the_language() -> None:
    made = note("internet_range", "nl", since="2018-01-01", low_pct=-12.34, high_pct=-5.26)
    assert "ligt tussen -12,3% (elke extra internetaangifte is nieuw) en -5,3% (geen enkele)" in made.message
    assert "between -12.3% (every extra online report is new) and -5.3% (none is)" in made.render("en")
    unknown = note("channel_unknown", period="2019H1", rows=1043, share_pct=12.6)
    assert unknown.message.startswith("first half of 2019: 1,043 registrations (13%)")
    assert unknown.render("nl").startswith("eerste helft 2019: 1.043 registraties (13%)")
    assert note("survey_test_intervals", "nl", z=-2.6043).message.endswith("z = -2,60")
    # dates and codes in parameters are text, left alone
    assert "sinds 1 januari 2018" in made.message  # a date in words, the code stays in params
    frame = pl.DataFrame({"n": [3, 1043]})
    assert frame.select(note_expr("row_channel_unknown", "nl", rows=pl.col("n"))).to_series().to_list() == [
        "3 met onbekende wijze van aangifte, geteld als aangifte",
        "1.043 met onbekende wijze van aangifte, geteld als aangifte",
    ]


def test_dutch_notes_in_the_terminal_workbook_and_report(tmp_path: Path) -> None:
    plan = HEAD + indicator("fiets", '"1.2.3"', "per_1000_inhabitants", "no_increase")
    # Online share in 2017H1: 2 of 10 (s0 = 0.2). 2019H1: 4 online, 6 at the desk: the bound is
    # min(10, 6 / 0.8 = 7.5) = 7.5, so the underlying change lies between 7.5 / 10 - 1 = -25.0% and 0.0%.
    channels = ["Internet"] * 2 + ["Balie"] * 8 + ["Internet"] * 4 + ["Balie"] * 6
    days = ["2017-02-01"] * 10 + ["2019-02-01"] * 10
    files = {
        "pop.csv": "Jaar;Gebied;Inwoners\n2017;Testdorp;10.000\n2018;Testdorp;10.000\n2019;Testdorp;10.000\n",
        "reg.csv": "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte\n"
        + "".join(
            f"R{n};{d};1.2.3;Testdorp;{w}\n" for n, (d, w) in enumerate(zip(days, channels, strict=True))
        ),
    }
    declared = {"reg.csv": ReadOptions(covers=(dt.date(2017, 1, 1), dt.date(2019, 6, 30)), scope=["crime"])}
    store, plan_path = make_store(tmp_path, files, plan, declared)
    result = compare(store, period="2019H1", plan_path=plan_path, lang="nl")
    bikes = by_id(result)["fiets"]
    assert bikes.underlying is not None and bikes.underlying.change_pct_range == (pytest.approx(-25.0), 0.0)
    dutch = "ligt tussen -25,0% (elke extra internetaangifte is nieuw) en +0,0% (geen enkele)"
    assert codes(bikes, "internet_range") == [{"since": "2018-01-01", "low_pct": -25.0, "high_pct": 0.0}]
    assert dutch in next(n.message for n in bikes.notes if n.code == "internet_range")
    # the terminal
    out = io.StringIO()
    render_compare(Console(width=250, file=out, force_terminal=False), result, lang="nl", detail=True)
    assert dutch in " ".join(out.getvalue().split())
    # the workbook (notes listed under the tables)
    workbook = tmp_path / "rapport.xlsx"
    write_xlsx(ExportTables(result, store.sources(), result.themes, "nl"), workbook)
    cells = [
        c
        for ws in openpyxl.load_workbook(workbook).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
    ]
    assert any(isinstance(c, str) and dutch in c for c in cells)
    assert not any(isinstance(c, str) and "-25.0%" in c for c in cells)
    # the HTML report
    page = render_html(result, None, store.sources(), "nl")
    assert dutch in page and "-25.0%" not in page


# --- 5. a store of survey figures (and population) only --------------------------------------------

SURVEY_PLAN = HEAD + indicator("onveilig", '"onveilig"', "percent", "decrease", kind="survey")
SURVEY_ROWS = (
    "Jaar;Gebied;Indicator code;Waarde;Eenheid;Ondergrens;Bovengrens;Aantal respondenten\n"
    "2017;Testdorp;onveilig;18,2;%;16,4;20,0;900\n"
    "2019;Testdorp;onveilig;15,0;%;13,4;16,6;1000\n"
    "2021;Testdorp;onveilig;;%;;;\n"  # not published: no figure, so no period from it
)


def test_survey_rows_count_for_the_area_guardrail(tmp_path: Path) -> None:
    store, _ = make_store(tmp_path, {"enquete.csv": SURVEY_ROWS}, SURVEY_PLAN)
    with store.snapshot() as snapshot:
        require_known_area(snapshot, "Testdorp")  # before: "areas in the store: none"
        with pytest.raises(UsageError) as raised:
            require_known_area(snapshot, "Testdrop")
    assert "Testdorp" in str(raised.value.hint)


def test_default_period_of_a_survey_store(tmp_path: Path) -> None:
    """A survey year speaks for its whole year (fieldwork in the autumn): the latest survey with a figure,
    2019, makes the default half-year 2019H2 (and the year, quarter and month ending it)."""
    store, _ = make_store(tmp_path, {"enquete.csv": SURVEY_ROWS}, SURVEY_PLAN)
    with store.snapshot() as snapshot:
        assert str(latest_complete_period(snapshot)) == "2019H2"
        units = (PeriodUnit.Y, PeriodUnit.Q, PeriodUnit.M)
        assert [str(latest_complete_period(snapshot, u)) for u in units] == ["2019", "2019Q4", "2019-12"]


def test_a_survey_store_is_compared(tmp_path: Path) -> None:
    pop = "Jaar;Gebied;Inwoners\n2017;Testdorp;10.000\n2019;Testdorp;10.000\n"
    store, plan_path = make_store(tmp_path, {"enquete.csv": SURVEY_ROWS, "pop.csv": pop}, SURVEY_PLAN)
    result = compare(store, plan_path=plan_path)
    unsafe = by_id(result)["onveilig"]
    # 2019H2 takes survey 2019, the baseline 2017H2 survey 2017: 18.2 -> 15.0, -3.2 points, achieved
    assert result.period == "2019H2" and unsafe.survey is not None
    assert unsafe.survey.change == pytest.approx(-3.2) and unsafe.status is Status.achieved


def test_years_in_notes_are_not_grouped() -> None:
    made = note("survey_years", "nl", year=2019, period="2019H1", baseline_year=2017, baseline="2017H1")
    assert made.message.startswith(
        "enquête 2019 (de laatste in of voor eerste helft 2019) tegenover enquête 2017 "
    )
    assert "survey 2019 " in made.render("en") and "2,019" not in made.render("en")


def test_the_league_agrees_on_a_zero_baseline(tmp_path: Path) -> None:
    plan = HEAD + indicator("overval", '"1.4.7"', "per_1000_inhabitants", "decrease")
    files = {
        "pop.csv": "Jaar;Gebied;Inwoners\n2017;Almere;10.000\n2019;Almere;10.000\n"
        "2017;Lelystad;10.000\n2019;Lelystad;10.000\n",
        # Almere: no hold-ups in either half-year; Lelystad 2 -> 1 (0.2 -> 0.1 per 1,000: -50%, achieved)
        "counts.csv": "Periode;Gebied;Soort misdrijf code;Aantal\n2017H1;Almere;1.4.7;0\n"
        "2019H1;Almere;1.4.7;0\n2017H1;Lelystad;1.4.7;2\n2019H1;Lelystad;1.4.7;1\n",
    }
    store, plan_path = make_store(tmp_path, files, plan.replace('area = "Testdorp"', 'area = "Almere"'))
    alone = by_id(compare(store, period="2019H1", plan_path=plan_path))["overval"]
    assert alone.status is Status.undetermined
    rows = {r.area: r for r in league(store, period="2019H1", plan_path=plan_path).indicators[0].rows}
    assert rows["Almere"].status is Status.undetermined and rows["Almere"].change_pct is None
    assert rows["Lelystad"].status is Status.achieved and rows["Lelystad"].change_pct == pytest.approx(-50.0)

"""Numbers that must not look complete when they are not (issue 10), each against a hand computation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from veilcli.analysis.goals import Status, range_status
from veilcli.analysis.normalise import collapse_events
from veilcli.api import compare
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.domain.coverage import infer_scope, inferred_span
from veilcli.domain.plans import Goal
from veilcli.domain.rules import default_rules
from veilcli.errors import InputError, UsageError
from veilcli.sources.pipeline import ReadOptions
from veilcli.sources.validate import _age_at
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

PLAN = """
name = "Trust"
area = "Testdorp"
baseline = 2016

[[indicators]]
id = "fiets"
theme = 1
label = "Fiets"
categories = ["1.2.3"]
unit = "per_1000_inhabitants"
goal = "no_increase"

[[indicators]]
id = "inbraak"
theme = 1
label = "Inbraak"
categories = ["1.1.1"]
unit = "per_1000_inhabitants"
goal = "decrease"

[[indicators]]
id = "totaal"
theme = 0
label = "Totaal"
categories = ["crime"]
unit = "per_1000_inhabitants"
goal = "none"
"""


def _registrations(path: Path, rows: list[tuple[str, str, str]], channel: bool = False) -> Path:
    header = "Registratienummer;Datum;Soort misdrijf code;Gemeente" + (
        ";Wijze van aangifte" if channel else ""
    )
    lines = [header] + [";".join([*r, "Testdorp"]) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _population(path: Path, years: list[int]) -> Path:
    lines = ["Jaar;Gebied;Inwoners;Woningen"] + [f"{y};Testdorp;10.000;5.000" for y in years]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def bicycle_only(tmp_path: Path) -> tuple[Store, Path]:
    """A BVH-like extract of bicycle theft only, 4 January 2016 to 21 September 2017 (the real case)."""
    days = pl.date_range(dt.date(2016, 1, 4), dt.date(2017, 9, 21), "5d", eager=True)
    rows = [(f"F{n}", str(d), "1.2.3") for n, d in enumerate(days)]
    rows.append((f"F{len(rows)}", "2017-09-21", "1.2.3"))
    store = Store(tmp_path / "store")
    files = [_registrations(tmp_path / "fiets.csv", rows), _population(tmp_path / "pop.csv", [2016, 2017])]
    assert ingest_paths(files, store, ReadOptions()).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    return store, plan


def test_one_category_extract_partly_covering_the_period(bicycle_only: tuple[Store, Path]) -> None:
    store, plan = bicycle_only
    [source] = store.sources(Kind.registrations)
    # inferred: the first day is within 7 days of the month start; 21 September is not near its end
    assert (source.covers_from, source.covers_to) == (dt.date(2016, 1, 1), dt.date(2017, 9, 21))
    assert source.scope == ["1.2.3"]
    ind = {i.id: i for i in compare(store, period="2017H2", plan_path=plan).indicators}
    fiets = ind["fiets"]
    # 2017H2 = 184 days; 1 July to 21 September = 83 days: 45% covered
    assert fiets.coverage["2017H2"] == pytest.approx(83 / 184)
    assert fiets.coverage["2016H2"] == 1.0
    assert fiets.status is Status.incomplete and fiets.change_pct is None and fiets.p_value is None
    assert fiets.underlying is not None and fiets.underlying.status is Status.incomplete
    [note] = [n for n in fiets.notes if n.code == "incomplete_coverage"]
    assert note.params["period"] == "2017H2" and round(note.params["covered_pct"]) == 45
    # other categories: no source covers them: no data, never 0
    assert ind["inbraak"].status is Status.no_data and ind["inbraak"].counts["2017H2"] is None
    assert any(n.code == "no_source_for_categories" for n in ind["inbraak"].notes)
    assert ind["totaal"].status is Status.no_data and ind["totaal"].values["2016H2"] is None
    assert any(n.code == "total_needs_complete_source" for n in ind["totaal"].notes)


def test_declared_coverage_and_scope_win(tmp_path: Path) -> None:
    rows = [("F1", "2016-03-01", "1.2.3"), ("F2", "2017-05-01", "1.2.3")]
    store = Store(tmp_path / "store")
    options = ReadOptions(covers=(dt.date(2016, 1, 1), dt.date(2017, 12, 31)), scope=["crime"])
    files = [_registrations(tmp_path / "r.csv", rows), _population(tmp_path / "p.csv", [2016, 2017])]
    result = ingest_paths(files, store, options)
    assert result.sources[0].covers == "2016-01-01..2017-12-31" and result.sources[0].coverage_declared
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    ind = {i.id: i for i in compare(store, period="2017H1", plan_path=plan).indicators}
    # declared complete: burglary is a real 0, the total is the sum of every crime registration
    assert ind["inbraak"].counts == {"2016H1": 0.0, "2017H1": 0.0}
    assert ind["totaal"].counts == {"2016H1": 1.0, "2017H1": 1.0}
    assert ind["totaal"].status is Status.monitor


def test_total_from_counts_needs_the_total_row(tmp_path: Path) -> None:
    """Police counts of two categories without 0.0.0 never become a 'total'."""
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Periode;Gebied;Soort misdrijf code;Aantal\n"
        "2016H1;Testdorp;1.1.1;10\n2016H1;Testdorp;1.2.3;20\n"
        "2017H1;Testdorp;1.1.1;30\n2017H1;Testdorp;1.2.3;70\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    assert ingest_paths([counts, _population(tmp_path / "p.csv", [2016, 2017])], store, ReadOptions()).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    ind = {i.id: i for i in compare(store, period="2017H1", plan_path=plan).indicators}
    assert ind["inbraak"].values == {"2016H1": 1.0, "2017H1": 3.0}  # 10 / 10,000 x 1,000
    assert ind["totaal"].status is Status.no_data and ind["totaal"].counts == {"2016H1": None, "2017H1": None}
    assert any(n.code == "total_needs_complete_source" for n in ind["totaal"].notes)
    # with the total row it is the total row, not the sum
    counts.write_text(
        counts.read_text(encoding="utf-8") + "2016H1;Testdorp;0.0.0;100\n2017H1;Testdorp;0.0.0;150\n",
        encoding="utf-8",
    )
    assert ingest_paths([counts], store, ReadOptions(), replace=True).stored
    ind = {i.id: i for i in compare(store, period="2017H1", plan_path=plan).indicators}
    assert ind["totaal"].counts == {"2016H1": 100.0, "2017H1": 150.0}
    assert ind["totaal"].change_pct == pytest.approx(50.0)


def test_period_in_baseline_and_empty_baseline_are_errors(bicycle_only: tuple[Store, Path]) -> None:
    store, plan = bicycle_only
    with pytest.raises(UsageError, match="lies in or before the baseline year 2016"):
        compare(store, period="2016H2", plan_path=plan)
    with pytest.raises(UsageError, match="lies in or before the baseline year 2017"):
        compare(store, period="2017H1", baseline=2017, plan_path=plan)
    with pytest.raises(UsageError, match="no data for Testdorp in 2015H1") as info:
        compare(store, period="2017H1", baseline=2015, plan_path=plan)
    assert "registrations Testdorp 2016-01-01..2017-09-21" in str(info.value.hint)
    with pytest.raises(UsageError, match="no data for Testdorp in 2030H1"):
        compare(store, period="2030H1", plan_path=plan)
    result = CliRunner().invoke(
        app, ["compare", "--period", "2016H1", "--plan", str(plan), "--store", str(store.root)]
    )
    assert result.exit_code == 2 and "baseline" in result.output


def test_benchmark_typo_is_a_plan_error(bicycle_only: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = bicycle_only
    typo = tmp_path / "typo.toml"
    typo.write_text(
        PLAN.replace(
            "[[indicators]]", '[[benchmarks]]\nname = "MN"\narea = "Midden-Nedreland"\n\n[[indicators]]', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"typo.toml line 6: benchmark 'MN': Midden-Nedreland is neither"):
        compare(store, period="2017H1", plan_path=typo)
    known = tmp_path / "known.toml"
    known.write_text(typo.read_text(encoding="utf-8").replace("Midden-Nedreland", "RE03"), encoding="utf-8")
    ind = compare(store, period="2017H1", plan_path=known).indicators[0]
    assert ind.benchmarks["MN"].values["2017H1"] is None
    assert any(n.code == "benchmark_not_stored" and n.params["benchmark"] == ["MN"] for n in ind.notes)


@pytest.mark.parametrize(
    ("low", "high", "base", "goal", "expected"),
    [
        (8.0, 9.0, 10.0, Goal.decrease, Status.achieved),  # the whole range fell
        (11.0, 12.0, 10.0, Goal.decrease, Status.not_achieved),  # the whole range rose
        (9.0, 11.0, 10.0, Goal.no_increase, Status.undetermined),  # the range straddles the baseline
        (9.0, 10.0, 10.0, Goal.no_increase, Status.achieved),  # equal is "did not rise"
        (9.0, 10.0, 10.0, Goal.decrease, Status.undetermined),
    ],
)
def test_range_status(low: float, high: float, base: float, goal: Goal, expected: Status) -> None:
    assert range_status(goal, low, high, base) is expected


def _internet_store(tmp_path: Path, baseline: tuple[int, int], period: tuple[int, int]) -> Store:
    """Bicycle theft with channels: (online, desk) in 2017H1 and in 2018H1 (after the 2018 extension of
    online reporting), over the whole half-years."""
    rows: list[tuple[str, str, str, str]] = []
    for year, (online, desk) in ((2017, baseline), (2018, period)):
        for n in range(online + desk):
            date = dt.date(year, 1, 2) + dt.timedelta(days=n * 178 // (online + desk))
            rows.append((f"{year}-{n}", str(date), "1.2.3", "Internet" if n < online else "Balie"))
        rows.append((f"{year}-last", f"{year}-06-29", "1.4.5", "Balie"))
    header = "Registratienummer;Datum;Soort misdrijf code;Wijze van aangifte;Gemeente"
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header] + [";".join([*r, "Testdorp"]) for r in rows]) + "\n", encoding="utf-8")
    store = Store(tmp_path / "store")
    assert ingest_paths([path, _population(tmp_path / "p.csv", [2017, 2018])], store, ReadOptions()).stored
    return store


def test_internet_range_by_hand(tmp_path: Path) -> None:
    # baseline: 10 online of 40 (s0 = 0.25); period: 20 online, 30 desk = 50 registered.
    # bound = min(50, 30 / 0.75 = 40) = 40; point = 50 (no samenloop: no event ids, none before July 2018).
    store = _internet_store(tmp_path, (10, 30), (20, 30))
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    result = compare(store, period="2018H1", baseline=2017, plan_path=plan)
    fiets = next(i for i in result.indicators if i.id == "fiets")
    assert fiets.counts == {"2017H1": 40.0, "2018H1": 50.0}
    assert fiets.change_pct == pytest.approx(25.0) and fiets.status is Status.not_achieved
    under = fiets.underlying
    assert under is not None and under.corrections.internet == "range"
    assert under.change_pct_range == pytest.approx((0.0, 25.0))  # 40 / 40 - 1 = 0%, 50 / 40 - 1 = +25%
    assert under.status is Status.undetermined  # 0% is "did not rise", +25% rose
    assert under.effects["2018H1"]["internet"] == pytest.approx(-10.0)
    assert fiets.p_value is not None  # on the registered counts only


def test_no_online_reports_in_the_baseline_is_said(tmp_path: Path) -> None:
    store = _internet_store(tmp_path, (0, 40), (20, 30))
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    result = compare(store, period="2018H1", baseline=2017, plan_path=plan)
    fiets = next(i for i in result.indicators if i.id == "fiets")
    assert fiets.underlying is not None and fiets.underlying.corrections.internet == "none"
    assert any(n.code == "no_online_in_baseline" for n in fiets.notes)


def test_strict_exits_1_on_unsettled(bicycle_only: tuple[Store, Path]) -> None:
    store, plan = bicycle_only
    args = [
        "compare",
        "--period",
        "2017H2",
        "--plan",
        str(plan),
        "--store",
        str(store.root),
        "--format",
        "json",
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    strict = CliRunner().invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1 and "fiets" in strict.stderr


def test_inferred_span_and_scope_rules() -> None:
    assert inferred_span(dt.date(2017, 1, 6), dt.date(2017, 6, 25)) == (
        dt.date(2017, 1, 1),
        dt.date(2017, 6, 30),
    )
    assert inferred_span(dt.date(2017, 1, 9), dt.date(2017, 6, 23)) == (
        dt.date(2017, 1, 9),
        dt.date(2017, 6, 23),
    )
    assert infer_scope(["1.2.3", "1.2.1"]) == ["1.2.1", "1.2.3"]
    many = [
        "1.1.1",
        "1.1.2",
        "1.2.1",
        "1.2.2",
        "1.2.3",
        "1.2.4",
        "1.4.5",
        "1.4.6",
        "2.2.1",
        "3.9.1",
        "3.1.1",
        "E35",
    ]
    assert infer_scope(many) == ["E35", "crime"]
    # One subgroup of group 3 only: a partial extract (fraud beside theft), not every crime.
    assert "crime" not in infer_scope([c for c in many if c != "3.1.1"])
    assert infer_scope(["E35", "E38", "E33"]) == ["nuisance"]


def test_a_theft_and_damage_extract_is_not_every_crime() -> None:
    """10 codes in 2 main groups (the case of issue 19): its categories, never "crime"."""
    theft_and_damage = {
        "1.1.1": 300, "1.1.2": 120, "1.2.1": 400, "1.2.2": 90, "1.2.3": 500,
        "1.2.4": 60, "1.2.5": 30, "1.3.1": 40, "2.2.1": 350, "2.1.1": 20,
    }  # fmt: skip
    assert "crime" not in infer_scope(theft_and_damage)
    assert infer_scope(theft_and_damage) == sorted(theft_and_damage)
    # Every main group, violence and two subgroups of group 3, in a complete extract's proportions
    # (of 2,240 crime rows: group 2 370 = 16.5%, group 3 130 = 5.8%, violence 200 = 8.9%): every crime.
    complete = {**theft_and_damage, "1.4.4": 120, "1.4.5": 80, "3.1.1": 70, "3.9.1": 60}
    assert sum(complete.values()) == 2240 and infer_scope(complete) == ["crime"]
    # The same codes, but group 3 a stray handful (4 of 2,114 = 0.2%): not a complete extract.
    stray = {**complete, "3.1.1": 2, "3.9.1": 2}
    assert infer_scope(stray) != ["crime"]


@settings(max_examples=300, deadline=None)
@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31)),
    on=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
)
def test_age_from_birth_date_matches_python(birth: dt.date, on: dt.date) -> None:
    expected = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    frame = pl.DataFrame({"date": [on], "birth": [birth]})
    assert frame.select(_age_at("date", "birth")).item() == expected


def test_leap_day_birthdays() -> None:
    frame = pl.DataFrame(
        {
            "date": [dt.date(2019, 2, 28), dt.date(2019, 3, 1), dt.date(2020, 2, 29)],
            "birth": [dt.date(2004, 2, 29)] * 3,
        }
    )
    assert frame.select(_age_at("date", "birth")).to_series().to_list() == [14, 15, 16]


def test_severity_ties_in_natural_order() -> None:
    rows = pl.LazyFrame(
        {
            "registration_id": ["X10", "X9", "X100"],
            "event_id": ["E", "E", "E"],
            "category": ["1.2.3", "1.2.3", "1.2.3"],
        }
    )
    kept = collapse_events(rows, default_rules()).collect()
    assert kept["registration_id"].to_list() == ["X9"]


@pytest.mark.parametrize(
    ("ids", "kept"),
    [
        (["PL1-100", "PL1-99"], "PL1-99"),  # the first numbers tie: the second decides (99 < 100)
        (["Y2019-123", "Y2019-45"], "Y2019-45"),
        (["PL0900_BVH_2019-10-2", "PL0900_BVH_2019-9-11"], "PL0900_BVH_2019-9-11"),  # the third decides
        (["B2-7", "A10-8"], "A10-8"),  # text before numbers
    ],
)
def test_severity_ties_in_natural_order_over_every_number(ids: list[str], kept: str) -> None:
    """One event, one category (equal severity): the lowest id in natural order is kept, for
    registrations and, through the event's kept registration, for suspects without a person id."""
    from veilcli.analysis.normalise import collapse_suspects

    rows = pl.LazyFrame({"registration_id": ids, "event_id": ["E"] * 2, "category": ["1.2.3"] * 2})
    assert collapse_events(rows, default_rules()).collect()["registration_id"].to_list() == [kept]
    suspects = rows.with_columns(pl.lit(None, dtype=pl.String).alias("suspect_id"))
    assert collapse_suspects(suspects, default_rules()).collect()["registration_id"].to_list() == [kept]


def test_utc_offsets_become_amsterdam_dates() -> None:
    from veilcli.sources.parsing import date_expr

    frame = pl.DataFrame(
        {"t": ["2019-06-30T23:30:00+00:00", "2018-12-31 23:30:00Z", "2019-01-01T00:30+01:00", "2019-03-05"]}
    )
    # 23:30 UTC on 30 June is 01:30 on 1 July in Amsterdam (summer time, +2): the next half-year
    assert frame.select(date_expr(pl.col("t"))).to_series().to_list() == [
        dt.date(2019, 7, 1),
        dt.date(2019, 1, 1),
        dt.date(2019, 1, 1),
        dt.date(2019, 3, 5),
    ]


# R1 23:30 UTC on 30 June = 01:30 CEST on 1 July (the next half-year); R2 21:30 UTC = 23:30 CEST, still
# 30 June; R3 a plain date. Every reader hands the parsers text, and the fast one-format date path
# took the first ten characters of R1 (30 June): the offset must reach Europe/Amsterdam in each.
OFFSET_ROWS = [
    ("R1", "2019-06-30T23:30:00Z", dt.date(2019, 7, 1)),
    ("R2", "2019-06-30T21:30:00Z", dt.date(2019, 6, 30)),
    ("R3", "2019-06-29", dt.date(2019, 6, 29)),
]
OFFSET_HEADERS = ["Registratienummer", "Datum", "Soort misdrijf code", "Gemeente"]


def _offset_file(folder: Path, how: str) -> Path:
    """The three registrations in one file of each kind veilcli reads."""
    import json

    from tests.conftest import write_xlsx

    rows = [[rid, stamp, "1.2.3", "Almere"] for rid, stamp, _ in OFFSET_ROWS]
    columns = {h: [r[i] for r in rows] for i, h in enumerate(OFFSET_HEADERS)}
    if how == "csv":
        path = folder / "r.csv"
        path.write_text("\n".join(";".join(r) for r in [OFFSET_HEADERS, *rows]) + "\n", encoding="utf-8")
    elif how == "xlsx":
        path = write_xlsx(folder / "r.xlsx", [OFFSET_HEADERS, *rows])
    elif how == "json":
        path = folder / "r.json"
        path.write_text(
            json.dumps([dict(zip(OFFSET_HEADERS, r, strict=True)) for r in rows]), encoding="utf-8"
        )
    elif how == "parquet-text":
        path = folder / "r.parquet"
        pl.DataFrame(columns).write_parquet(path)
    else:  # a typed Parquet timestamp in UTC, as a database export writes it
        path = folder / "r.parquet"
        stamps = [dt.datetime.fromisoformat(v.replace("Z", "+00:00")) for v in columns["Datum"][:2]]
        typed = pl.Series("Datum", [*stamps, dt.datetime(2019, 6, 29, 12, tzinfo=dt.UTC)])
        pl.DataFrame(columns).with_columns(typed.dt.convert_time_zone("UTC")).write_parquet(path)
    return path


@pytest.mark.parametrize("how", ["csv", "xlsx", "json", "parquet-text", "parquet-utc"])
def test_utc_offsets_become_amsterdam_dates_in_every_reader(tmp_path: Path, how: str) -> None:
    from veilcli.sources.pipeline import validate_paths

    [(table, _)] = validate_paths([_offset_file(tmp_path, how)], ReadOptions())
    dates = dict(table.data.select("registration_id", "date").iter_rows())
    assert dates == {rid: day for rid, _, day in OFFSET_ROWS}
    assert table.report.periods == ["2019H1", "2019H2"]


def test_utc_offsets_in_a_bvh_extract_and_past_the_fast_paths_sample(tmp_path: Path) -> None:
    """A BVH extract whose Kennisnamedatum/tijd is ISO text (a BI tool's export): 1,500 plain dates
    (more than the sample the one-format fast path is chosen on), then R1 of ``OFFSET_ROWS``."""
    from tests.conftest import write_xlsx
    from tests.test_formats import bvh_row
    from veilcli.sources.columns import BVH_HEADERS
    from veilcli.sources.pipeline import validate_paths

    rows = [
        bvh_row(f"PL0900_BVH_{n}", f"PL0900_BVH_E{n}", "A72", "DIEFSTAL FIETS", "2019-03-05 10:00:00")
        for n in range(1500)
    ]
    rows.append(
        bvh_row("PL0900_BVH_LAST", "PL0900_BVH_ELAST", "A72", "DIEFSTAL FIETS", "2019-06-30T23:30:00Z")
    )
    path = write_xlsx(tmp_path / "bvh.xlsx", [list(BVH_HEADERS), *rows], sheet="Export")
    [(table, _)] = validate_paths([path], ReadOptions())
    assert table.report.source_format == "bvh-extract"
    last = table.data.filter(pl.col("registration_id") == "PL0900_BVH_LAST")["date"].item()
    assert last == dt.date(2019, 7, 1)
    assert table.data.filter(pl.col("date") == dt.date(2019, 3, 5)).height == 1500


def test_header_row_in_a_map_file_is_honoured(tmp_path: Path) -> None:
    data = tmp_path / "r.csv"
    data.write_text(
        "Overzicht registraties\nnr;dag;code;plaats\nR1;2019-03-05;1.2.3;Almere\n", encoding="utf-8"
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'kind = "registrations"\nheader_row = 2\n[columns]\nregistration_id = "nr"\ndate = "dag"\n'
        'category_code = "code"\nmunicipality = "plaats"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["validate", str(data), "--map", str(mapping), "--format", "json"])
    assert result.exit_code == 0, result.output


def test_normalise_changes_are_of_rates_like_compare() -> None:
    from veilcli.analysis.corrections import change_split

    rows = pl.DataFrame(
        {
            "area": ["A", "A"],
            "category": ["1.2.3", "1.2.3"],
            "period": ["2017H1", "2019H1"],
            "raw": [10.0, 12.0],
            "after_samenloop": [10.0, 11.0],
            "corrected": [10.0, 10.0],
        }
    )
    population = pl.DataFrame({"year": [2017, 2019], "area": ["A", "A"], "inhabitants": [1000, 1200]})
    [split] = change_split(rows, "2017H1", "2019H1", population).to_dicts()
    # rates: 10/1,000 = 10 per 1,000 -> 12/1,200 = 10: 0% registered; 11/1,200 -> -8.3%; 10/1,200 -> -16.7%
    assert split["change_of"] == "per_1000_inhabitants"
    assert split["raw_change_pct"] == pytest.approx(0.0, abs=1e-9)
    assert split["underlying_change_pct"] == pytest.approx((11 / 1200 / (10 / 1000) - 1) * 100)
    assert split["underlying_low_pct"] == pytest.approx((10 / 1200 / (10 / 1000) - 1) * 100)
    assert split["samenloop_pts"] == pytest.approx(100 / 12)


def test_pct_text_never_hides_a_change() -> None:
    from veilcli.report.render import pct_text

    assert [pct_text(v) for v in (0.0, 0.4, -0.04, 0.004, 7.4, -31.2, None)] == [
        "0%",
        "+0.4%",
        "-0.04%",
        "+0.004%",
        "+7%",
        "-31%",
        "-",
    ]


def test_birth_dates_give_ages_and_are_never_stored(tmp_path: Path) -> None:
    suspects = tmp_path / "verdachten.csv"
    suspects.write_text(
        "Registratienummer;Datum;Geboortedatum;Woonplaats;Soort misdrijf code\n"
        "R1;2019-03-01;2001-03-02;Testdorp;1.1.1\nR2;2019-03-01;2001-03-01;Testdorp;1.1.1\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    assert ingest_paths([suspects], store, ReadOptions()).stored
    stored = (
        store.scan(Kind.suspects)
        .select("registration_id", "age", "birth_date")
        .collect()
        .sort("registration_id")
    )
    assert stored["age"].to_list() == [17, 18]  # the day before the 18th birthday, and on it
    assert stored["birth_date"].null_count() == 2
    for path in (tmp_path / "store").rglob("*.parquet"):  # every stored file, not only through the store
        assert pl.read_parquet(path)["birth_date"].null_count() == pl.read_parquet(path).height


@settings(max_examples=400, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=20_000),
    k_share=st.floats(min_value=0, max_value=1),
    p=st.floats(min_value=0.001, max_value=0.999),
)
def test_exact_test_equals_scipy_binomtest(n: int, k_share: float, p: float) -> None:
    """The exact test (incomplete-beta tails, no scipy) gives scipy.stats.binomtest's two-sided p-value."""
    from scipy.stats import binomtest

    from veilcli.analysis.goals import binomial_two_sided

    k = round(k_share * n)
    assert binomial_two_sided(k, n, p) == pytest.approx(binomtest(k, n, p).pvalue, rel=1e-9, abs=1e-12)

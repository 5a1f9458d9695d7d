"""The Python API as a notebook uses it (issue 22 section 7): a path wherever a ``Store`` is taken,
results with a short repr and a wide ``to_polars()`` table, one row per indicator.

The figures come from a small store written here, computed by hand:
burglary (1.1.1) 500 -> 450 -> 350 and street robbery (1.4.6) 40 -> 38 -> 49 in the first halves of
2017, 2018 and 2019, on 200,000 / 202,000 / 205,000 inhabitants; Midden-Nederland's burglaries
9,000 -> 8,100 on 1,300,000 / 1,310,000 inhabitants (2017 and 2019).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from scipy.stats import binomtest

from veilcli import api
from veilcli.errors import UsageError

PLAN = """
name = "Proefplan"
area = "Almere"
baseline = 2017

[[benchmarks]]
name = "Midden-Nederland"
area = "Midden-Nederland"

[[indicators]]
id = "inbraak"
theme = 1
label = "Woninginbraak"
categories = ["1.1.1"]
unit = "per_1000_inhabitants"
goal = "decrease"

[[indicators]]
id = "straatroof"
theme = 1
label = "Straatroof"
categories = ["1.4.6"]
unit = "per_1000_inhabitants"
goal = "no_increase"
"""

COUNTS = """Periode;Gebied;Soort misdrijf code;Aantal
2017H1;Almere;1.1.1;500
2018H1;Almere;1.1.1;450
2019H1;Almere;1.1.1;350
2017H1;Almere;1.4.6;40
2018H1;Almere;1.4.6;38
2019H1;Almere;1.4.6;49
2017H1;RE03;1.1.1;9000
2019H1;RE03;1.1.1;8100
"""

POPULATION = """Jaar;Gebied;Inwoners
2017;Almere;200.000
2018;Almere;202.000
2019;Almere;205.000
2017;RE03;1.300.000
2019;RE03;1.310.000
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A store filled through paths given as text (``api.ingest("x.csv", "store")``)."""
    (tmp_path / "tellingen.csv").write_text(COUNTS, encoding="utf-8")
    (tmp_path / "bevolking.csv").write_text(POPULATION, encoding="utf-8")
    (tmp_path / "plan.toml").write_text(PLAN, encoding="utf-8")
    store = str(tmp_path / "store")
    result = api.ingest([str(tmp_path / "tellingen.csv"), tmp_path / "bevolking.csv"], store)
    assert result.stored and len(result.sources) == 2
    return tmp_path


def test_every_verb_takes_the_stores_folder(folder: Path) -> None:
    store_text, store_path = str(folder / "store"), folder / "store"
    plan = folder / "plan.toml"
    by_text = api.compare(store_text, period="2019H1", plan_path=plan)
    by_path = api.compare(store_path, period="2019H1", plan_path=plan)
    by_store = api.compare(api.Store(store_path), period="2019H1", plan_path=plan)
    assert by_text.model_dump() == by_path.model_dump() == by_store.model_dump()
    assert api.status(store_text).sources and api.status(store_path).sources
    assert api.trend(store_text, plan_path=plan).area == "Almere"
    assert api.league(store_text, plan_path=plan, period="2019H1").areas == ["Almere"]
    assert api.normalise(store_text, period="2019H1", area="Almere").area == "Almere"
    assert api.validate(str(folder / "tellingen.csv")).files[0].valid  # one path, as text
    out = folder / "rapport.xlsx"
    assert api.export(store_text, api.ExportFormat.xlsx, str(out), period="2019H1", plan_path=plan) == [out]
    html = folder / "rapport.html"
    assert api.report_html(store_text, str(html), period="2019H1", plan_path=plan, with_trend=False) == html
    assert html.stat().st_size > 0


def test_a_store_that_is_no_store_or_path_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="is not a store"):
        api.as_store(42)  # type: ignore[arg-type]


def test_compare_result_repr_is_short_and_says_what_it_holds(folder: Path) -> None:
    result = api.compare(folder / "store", period="2019H1", plan_path=folder / "plan.toml")
    text = repr(result)
    lines = text.splitlines()
    assert len(lines) == 4 and len(text) < 400
    # 500/200,000 = 2.5 -> 350/205,000 = 1.71 per 1,000: -31.7%; 0.20 -> 0.239 (40 -> 49): +19.5%
    assert (
        lines[0]
        == "CompareResult Almere 2019H1 vs 2017H1 (Proefplan): 2 indicators; achieved 1, not_achieved 1"
    )
    assert lines[1] == "  inbraak (per_1000_inhabitants): 2.5 -> 1.7, -32%, achieved"
    assert lines[2] == "  straatroof (per_1000_inhabitants): 0.20 -> 0.24 (40 -> 49), +20%, not_achieved"
    assert (
        repr(result.indicators[0])
        == "IndicatorResult inbraak (per_1000_inhabitants): 2.5 -> 1.7, -32%, achieved"
    )


def test_compare_to_polars_one_row_per_indicator_by_hand(folder: Path) -> None:
    result = api.compare(folder / "store", period="2019H1", plan_path=folder / "plan.toml")
    wide = result.to_polars()
    assert wide.height == 2 and wide["id"].to_list() == ["inbraak", "straatroof"]
    assert wide.columns[:5] == ["id", "theme", "label", "unit", "goal"]
    inbraak, straatroof = wide.to_dicts()
    then, now, last = 500 / 200_000 * 1000, 350 / 205_000 * 1000, 450 / 202_000 * 1000
    assert inbraak["baseline_period"] == "2017H1" and inbraak["period"] == "2019H1"
    assert inbraak["baseline_value"] == pytest.approx(then) and inbraak["value"] == pytest.approx(now)
    assert (inbraak["baseline_count"], inbraak["count"], inbraak["count_change"]) == (500, 350, -150)
    assert inbraak["change_pct"] == pytest.approx((now / then - 1) * 100)
    # the exact conditional test of equal rates: 350 of 850 registrations, exposure 205,000 of 405,000
    assert inbraak["p_value"] == pytest.approx(binomtest(350, 850, 205_000 / 405_000).pvalue)
    assert inbraak["significant"] is True and inbraak["status"] == "achieved"
    # no samenloop factor for 1.1.1 and no internet counts: the underlying change is the registered one
    assert inbraak["underlying_change_pct"] == pytest.approx(inbraak["change_pct"])
    assert inbraak["underlying_status"] == "achieved"
    assert inbraak["previous_period"] == "2018H1" and inbraak["previous_value"] == pytest.approx(last)
    assert inbraak["previous_change_pct"] == pytest.approx((now / last - 1) * 100)
    assert inbraak["previous_count_change"] == -100
    # the benchmark: 9,000/1,300,000 -> 8,100/1,310,000 per 1,000, and Almere's level against it
    bench_then, bench_now = 9000 / 1_300_000 * 1000, 8100 / 1_310_000 * 1000
    assert inbraak["Midden-Nederland value"] == pytest.approx(bench_now)
    assert inbraak["Midden-Nederland change_pct"] == pytest.approx((bench_now / bench_then - 1) * 100)
    assert inbraak["Midden-Nederland level_pct"] == pytest.approx((now / bench_now - 1) * 100)
    assert (straatroof["count"], straatroof["count_change"], straatroof["status"]) == (49, 9, "not_achieved")
    assert straatroof["Midden-Nederland value"] is None  # the benchmark has no street robbery
    # the same figures as the long --format csv table's row of the period
    long = result.to_table().filter(pl.col("period") == "2019H1")
    for column in ("value", "count", "change_pct", "p_value", "status", "underlying_status"):
        assert long[column].to_list() == wide[column].to_list(), column


def test_trend_league_and_normalise_results(folder: Path) -> None:
    store, plan = folder / "store", folder / "plan.toml"
    series = api.trend(store, plan_path=plan)
    wide = series.to_polars()
    assert wide.columns == ["id", "label", "unit", "2017H1", "2017H2", "2018H1", "2018H2", "2019H1"]
    assert wide.row(0)[3:] == pytest.approx((2.5, None, 450 / 202, None, 350 / 205), nan_ok=True)
    assert repr(series).splitlines()[0] == "TrendResult Almere 2017H1..2019H1 (5 periods, by H): 2 indicators"
    assert "inbraak (per_1000_inhabitants): 2.5 .. 1.7" in repr(series)

    league = api.league(store, plan_path=plan, period="2019H1")
    assert repr(league).splitlines()[0] == (
        "LeagueResult all 2019H1 vs 2017H1 (Proefplan): 1 area x 2 indicators; achieved 1, not_achieved 1"
    )
    table = league.to_polars()
    assert table.height == 1 and table["area"].to_list() == ["Almere"]
    assert table["inbraak value"][0] == pytest.approx(350 / 205)
    assert table["straatroof status"][0] == "not_achieved"

    normalised = api.normalise(store, period="2019H1", baseline=2017, area="Almere")
    rows = normalised.to_polars()
    assert rows["category"].to_list() == ["1.1.1", "1.4.6"]
    assert rows.select("baseline_raw", "raw", "after_samenloop", "corrected").rows() == [
        (500, 350, 350, 350),
        (40, 49, 49, 49),
    ]
    assert rows["raw_change_pct"][0] == pytest.approx((350 / 205 / 2.5 - 1) * 100)
    assert repr(normalised).splitlines()[1] == "  2019H1: raw 399, corrected 399"

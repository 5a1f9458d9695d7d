"""The sample data through veilcli's own ingest reproduces the published (raw) report figures."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from veilcli.domain.choices import Kind
from veilcli.domain.periods import period_label_expr
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

SAMPLE = Path(__file__).parent.parent / "sample_data"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("sample") / "store")
    result = ingest_paths([SAMPLE], store, ReadOptions())
    assert result.stored
    assert {s.status for s in result.sources} == {"stored"}
    assert sum(s.rows_rejected for s in result.sources) == 0
    return store


def registrations(store: Store, code_filter: pl.Expr, half_year: str) -> int:
    frame = store.scan(Kind.registrations).filter(
        code_filter, pl.col("municipality") == "Almere", period_label_expr(pl.col("date"), "H") == half_year
    )
    return frame.select(pl.len()).collect().item()


def population(store: Store, year: int, column: str) -> int:
    frame = store.scan(Kind.population).filter(pl.col("area") == "Almere", pl.col("year") == year)
    return frame.select(column).collect().item()


def test_burglary_per_1000_dwellings(store: Store) -> None:
    burglary = pl.col("category_code") == "1.1.1"
    before = registrations(store, burglary, "2017H1") / population(store, 2017, "dwellings") * 1000
    after = registrations(store, burglary, "2019H1") / population(store, 2019, "dwellings") * 1000
    assert (round(before, 1), round(after, 1)) == (6.3, 4.3)
    assert round((after / before - 1) * 100) == -31


def test_total_crime_per_1000_inhabitants(store: Store) -> None:
    crime = ~pl.col("category_code").str.starts_with("E")
    rate_2019 = registrations(store, crime, "2019H1") / population(store, 2019, "inhabitants") * 1000
    rate_2018 = registrations(store, crime, "2018H1") / population(store, 2018, "inhabitants") * 1000
    assert 24 <= rate_2019 < 25  # "ruim 24 misdrijven per 1.000 inwoners"
    assert round((rate_2019 / rate_2018 - 1) * 100) == 4


def test_youth_suspects(store: Store) -> None:
    youth = store.scan(Kind.suspects).filter(
        pl.col("municipality") == "Almere",
        pl.col("age").is_between(12, 24),
        period_label_expr(pl.col("date"), "H") == "2019H1",
    )
    assert youth.select(pl.len()).collect().item() == 1043


def test_house_bans_and_suppressed_benchmark(store: Store) -> None:
    counts = store.scan(Kind.counts).collect()
    bans = counts.filter(pl.col("category_code") == "huisverbod").sort("period")
    assert dict(bans.select("period", "count").iter_rows()) == {
        "2017H1": 19,
        "2017H2": 21,
        "2018H1": 23,
        "2018H2": 11,
        "2019H1": 18,
        "2019H2": 20,
    }
    suppressed = counts.filter(
        pl.col("area") == "G10/100.000+", pl.col("category_code") == "1.4.7", pl.col("period") == "2017H2"
    )
    assert suppressed["count"].to_list() == [None]  # unknown, never 0


@pytest.fixture(scope="module")
def compared(store: Store):  # type: ignore[no-untyped-def]
    from veilcli.api import compare

    return compare(store, period="2019H1", baseline=2017)


def test_registered_figures_reproduce_the_report(store: Store, compared) -> None:  # type: ignore[no-untyped-def]
    """The default `veilcli compare` headline is the registered figures: the report's, DESIGN §1,
    statuses included; `--raw` gives the same headline without the underlying figure."""
    from veilcli.api import compare

    result = compared
    assert (result.baseline, result.periods) == ("2017H1", ["2017H1", "2018H1", "2019H1"])
    ind = {i.id: i for i in result.indicators}

    def pct(ident: str) -> int:
        return round(ind[ident].change_pct)

    burglary = ind["woninginbraak"]
    assert (round(burglary.values["2017H1"], 1), round(burglary.values["2019H1"], 1)) == (6.3, 4.3)
    assert pct("woninginbraak") == -31 and burglary.status == "achieved"
    assert pct("auto_inbraak") == 7 and ind["auto_inbraak"].status == "not_achieved"
    assert pct("fietsdiefstal") == -14 and ind["fietsdiefstal"].status == "achieved"
    assert pct("vernieling") == -4 and round(ind["vernieling"].values["2019H1"], 1) == 2.5
    assert ind["vernieling"].status == "achieved"
    assert pct("jeugdoverlast") == -32 and ind["jeugdoverlast"].status == "achieved"
    assert pct("drugs_drankoverlast") == -8 and ind["drugs_drankoverlast"].status == "achieved"
    assert pct("online_handelsfraude") == 20 and ind["online_handelsfraude"].status == "monitor"
    robbery = ind["straatroof"].counts
    assert robbery["2019H1"] - robbery["2017H1"] == 9  # "negen straatroven meer"
    assert ind["straatroof"].status == "not_achieved" and ind["straatroof"].significant is False
    holdups = ind["overval"].counts
    assert (holdups["2019H1"] - holdups["2017H1"], holdups["2019H1"] - holdups["2018H1"]) == (1, 3)
    total = ind["totaal_misdrijven"].values
    assert 24 <= total["2019H1"] < 25 and round((total["2019H1"] / total["2018H1"] - 1) * 100) == 4
    assert ind["jeugdcriminaliteit"].counts["2019H1"] == 1043
    assert ind["huisverboden"].counts == {"2017H1": 19, "2018H1": 23, "2019H1": 18}
    assert all(i.coverage[p] == 1.0 for i in result.indicators for p in ("2017H1", "2019H1"))
    raw = compare(store, period="2019H1", baseline=2017, raw=True)
    assert [(i.values, i.status, i.p_value) for i in raw.indicators] == [
        (i.values, i.status, i.p_value) for i in result.indicators
    ]
    assert all(i.underlying is None for i in raw.indicators)
    assert raw.normalisation == {"samenloop": False, "internet": False}


def test_underlying_beside_the_registered(compared) -> None:  # type: ignore[no-untyped-def]
    ind = {i.id: i for i in compared.indicators}
    youth = ind["jeugdcriminaliteit"]
    assert youth.underlying.counts["2019H1"] < youth.counts["2019H1"] == 1043  # double suspects removed
    assert youth.underlying.corrections.samenloop == "rows"
    total = ind["totaal_misdrijven"].underlying
    effects = total.effects["2019H1"]
    assert effects["samenloop"] < 0 and effects["internet"] < 0
    assert total.counts["2019H1"] == pytest.approx(
        ind["totaal_misdrijven"].counts["2019H1"] + effects["samenloop"]
    )
    # the internet range runs from the bound to the samenloop point
    low, high = total.change_pct_range
    assert low < high and high == pytest.approx(total.change_pct)
    # online trade fraud was reported online before the baseline: no internet correction
    fraud = ind["online_handelsfraude"].underlying
    assert fraud.corrections.internet == "none" and fraud.change_pct_range[0] == fraud.change_pct_range[1]
    # theft from vehicles: +7% registered; its underlying range straddles 0: undetermined, not "achieved"
    auto = ind["auto_inbraak"].underlying
    assert auto.corrections.internet == "range"
    assert auto.status in ("undetermined", "not_achieved")
    assert any(n.code == "internet_range" for n in ind["auto_inbraak"].notes)


def test_suppressed_benchmark_is_said(store: Store) -> None:
    """G10/100.000+ hold-ups 2017H2 are suppressed in benchmarks-tellingen.csv: the benchmark shows no
    value and a note says which benchmark and period."""
    from veilcli.api import compare

    result = compare(store, period="2019H2", baseline=2017)
    holdup = next(i for i in result.indicators if i.id == "overval")
    assert holdup.benchmarks["G10/100.000+"].values["2017H2"] is None
    assert holdup.benchmarks["G10/100.000+"].change_pct is None
    assert [n.params for n in holdup.notes if n.code == "benchmark_suppressed"] == [
        {"benchmark": ["G10/100.000+"], "period": "2017H2", "areas": "G10/100.000+"}
    ]


def test_the_seeds_counts_and_last_years_change(store: Store, compared) -> None:  # type: ignore[no-untyped-def]
    """The seed's sentences use counts and the change against the same half of the previous year:
    "negen straatroven meer" than H1 2017, overvallen "met één gestegen ... en met drie t.o.v. de
    eerste helft van 2018", total crime "+4% t.o.v. de eerste helft van 2018", "1.043 verdachten",
    "18 huisverboden ... t.o.v. 23"; each count recounted here from the stored rows."""
    ind = {i.id: i for i in compared.indicators}
    street = pl.col("category_code").is_in(["1.4.6", "B70"])
    assert ind["straatroof"].count_change == registrations(store, street, "2019H1") - registrations(
        store, street, "2017H1"
    )
    assert ind["straatroof"].count_change == 9
    assert (ind["overval"].count_change, ind["overval"].previous.count_change) == (1, 3)
    total = ind["totaal_misdrijven"].previous
    assert total.period == "2018H1" and round(total.change_pct) == 4 and total.p_value is not None
    # The change against 2018H1 by hand: (5031 / inhabitants 2019) / (4746 / inhabitants 2018) - 1.
    by_hand = (5031 / population(store, 2019, "inhabitants")) / (
        4746 / population(store, 2018, "inhabitants")
    )
    assert total.change_pct == pytest.approx((by_hand - 1) * 100)
    assert ind["jeugdcriminaliteit"].counts["2019H1"] == 1043
    bans = ind["huisverboden"]
    assert (bans.counts["2019H1"], bans.previous.count_change, bans.previous.p_value) == (18, -5, None)
    # The level against the benchmarks (the seed: "aanzienlijk minder dan gemiddeld in de grote
    # steden, maar iets meer dan ... Midden-Nederland"): the area's rate over the benchmark's - 1.
    burglary = ind["woninginbraak"]
    level = burglary.benchmarks["Midden-Nederland"]
    assert level.level_pct == pytest.approx((burglary.values["2019H1"] / level.values["2019H1"] - 1) * 100)
    assert level.counts["2019H1"] == 2339 and bans.benchmarks == {}  # the plan compares house bans with none

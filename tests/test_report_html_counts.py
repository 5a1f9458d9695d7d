"""The HTML report's counts, last year's change and benchmark levels beside the rates (issue 22 §1),
read from the sample report and checked against figures worked out by hand from the sample data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from veilcli import api

SAMPLE = Path(__file__).parent.parent / "sample_data"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("counts")
    store = root / "store"
    api.ingest(sorted(SAMPLE.glob("*.csv")) + sorted(SAMPLE.glob("*.xlsx")), store)
    out = api.report_html(store, root / "r.html", period="2019H1", with_trend=False)
    return out.read_text(encoding="utf-8")


def _cells(page: str, indicator: str) -> list[str]:
    """The text of an indicator's cells in the overview table."""
    row = re.search(rf"<tr id='row-{indicator}'>(.*?)</tr>", page)
    assert row is not None, indicator
    return [re.sub(r"<[^>]+>", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


def _card(page: str, indicator: str) -> str:
    start = page.index(f"<article class='indicator' id='ind-{indicator}'")
    return re.sub(r"<[^>]+>", " ", page[start : page.index("</article>", start)])


def test_the_overview_heads_the_new_columns_in_words(page: str) -> None:
    overview = page[page.index("id='overview'") : page.index("</section>", page.index("id='overview'"))]
    assert "<th scope='col' class='num col-count'>Aantal eerste helft 2019</th>" in overview
    assert "Verandering t.o.v. eerste helft 2018</th>" in overview
    assert "<th colspan='1' scope='colgroup'>T.o.v. vorig jaar</th>" in overview
    # the status column keeps its class: the phone rule keeps it in view
    assert "<th scope='col' class='col-status'>" in overview


def test_counts_differences_last_year_and_levels_in_the_overview(page: str) -> None:
    # straatroof: 47 registrations in 2019H1, 38 in 2017H1 (+9); 35 in 2018H1 (+12)
    straatroof = _cells(page, "straatroof")
    assert "47 (+9)" in straatroof
    assert "+32% (+12) ~" in straatroof
    # level against Midden-Nederland: 0.23 per 1,000 against 0.167 -> 35% higher
    assert any(c.startswith("+19%") and c.endswith("+35% hoger") for c in straatroof), straatroof
    # overval: 12 against 11 (+1) and against 9 in 2018H1 (+3)
    overval = _cells(page, "overval")
    assert "12 (+1)" in overval and "+31% (+3) ~" in overval
    # totaal misdrijven: 5031 against 4746 in 2018H1: +4% (+285), p = 0.052: within chance
    assert "+4% (+285) ~" in _cells(page, "totaal_misdrijven")
    # huisverboden (a count): 18 now, 23 in 2018H1, 19 in 2017H1
    huisverboden = _cells(page, "huisverboden")
    assert "18 (-1)" in huisverboden and "-22% (-5)" in huisverboden and "23" in huisverboden


def test_the_card_says_the_count_last_year_and_the_levels(page: str) -> None:
    card = " ".join(_card(page, "straatroof").split())
    assert "Aantal 47 (+9 t.o.v. eerste helft 2017)" in card
    assert "Verandering t.o.v. eerste helft 2018: +32% (+12); p = 0,23 (binnen toeval)" in card
    assert "Vergelijking (niveau eerste helft 2019)" in card
    assert "Midden-Nederland: +35% hoger (225 geregistreerd)" in card
    assert "G10/100.000+: -55% lager (3.070 geregistreerd)" in card
    overval = " ".join(_card(page, "overval").split())
    assert "Aantal 12 (+1 t.o.v. eerste helft 2017)" in overval
    assert "Verandering t.o.v. eerste helft 2018: +31% (+3)" in overval
    assert "+4% (+285)" in _card(page, "totaal_misdrijven")
    assert "Aantal 18 (-1 t.o.v. eerste helft 2017)" in " ".join(_card(page, "huisverboden").split())

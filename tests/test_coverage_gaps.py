"""Coverage that sees what an extract does not hold (DESIGN §2, issue 19 §3), in the BVH layout:
gaps inside a source's span, the end of an extract, and the rule's statistical footing.

Every expected figure is computed by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from tests.test_formats import bvh_row
from veilcli import api
from veilcli.domain.coverage import ALPHA, infer_span
from veilcli.sources.columns import BVH_HEADERS

PLAN = """
name = "Gaps"
area = "Almere"
baseline = 2017

[[indicators]]
id = "fiets"
theme = 1
label = "Fietsdiefstal"
categories = ["1.2.3"]
unit = "per_1000_inhabitants"
goal = "no_increase"
"""

EXCEL_EPOCH = dt.date(1899, 12, 30)


def _bvh_text(path: Path, days: list[dt.date], per_day: int) -> Path:
    """A BVH extract as the police's text export (``;``, Excel serials): ``per_day`` bicycle thefts
    (A72) on each of ``days``."""
    lines = [";".join(BVH_HEADERS)]
    n = 0
    for day in days:
        for hour in range(per_day):
            n += 1
            serial = (day - EXCEL_EPOCH).days + (8 + hour) / 24
            row = bvh_row(f"PL0900_BVH_{n}", f"PL0900_BVH_{n}", "A72", "DIEFSTAL FIETS", repr(serial))
            lines.append(";".join("" if v is None else str(v) for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _days(first: dt.date, last: dt.date, every: int = 1) -> list[dt.date]:
    return [first + dt.timedelta(days=d) for d in range(0, (last - first).days + 1, every)]


def _store(tmp_path: Path, extract: Path) -> api.Store:
    population = tmp_path / "pop.csv"
    population.write_text(
        "Jaar;Gebied;Inwoners\n2017;Almere;200.000\n2018;Almere;200.000\n2019;Almere;200.000\n",
        encoding="utf-8",
    )
    store = api.Store(tmp_path / "store")
    assert api.ingest([extract, population], store).stored
    return store


def _plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_two_pasted_extracts_leave_a_gap(tmp_path: Path) -> None:
    """2017 and April-December 2019 in one file, nothing between: 2018 and 2019's first quarter are
    a gap, not "0 registrations, -100%, achieved"."""
    days = _days(dt.date(2017, 1, 1), dt.date(2017, 12, 31)) + _days(
        dt.date(2019, 4, 1), dt.date(2019, 12, 31)
    )
    extract = _bvh_text(tmp_path / "bvh-almere-2017-2019.csv", days, 2)
    store = _store(tmp_path, extract)
    [source] = [s for s in api.status(store).sources if s.kind.value == "registrations"]
    assert source.gaps == [(dt.date(2018, 1, 1), dt.date(2019, 3, 31))]
    assert (source.covers_from, source.covers_to) == (dt.date(2017, 1, 1), dt.date(2019, 12, 31))
    plan = _plan(tmp_path)
    nothing = api.compare(store, period="2018H1", baseline=2017, plan_path=plan).indicators[0]
    assert nothing.status == "no_data" and nothing.counts["2018H1"] is None and nothing.change_pct is None
    # 2019H1: 1 April to 30 June covered = 91 of 181 days; 2 a day = 182 registrations.
    part = api.compare(store, period="2019H1", baseline=2017, plan_path=plan).indicators[0]
    assert part.status == "incomplete" and part.change_pct is None
    assert part.coverage["2019H1"] == pytest.approx(91 / 181)
    assert part.counts["2019H1"] == 182.0
    [note] = [n for n in part.notes if n.code == "incomplete_coverage" and n.params["period"] == "2019H1"]
    assert note.params["covered"] == "2019-04-01..2019-06-30"


def test_ingest_and_status_show_the_gap(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from veilcli.cli import app

    days = _days(dt.date(2017, 1, 1), dt.date(2017, 12, 31)) + _days(
        dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    )
    extract = _bvh_text(tmp_path / "bvh.csv", days, 2)
    store = str(tmp_path / "store")
    ingest = CliRunner().invoke(app, ["ingest", str(extract), "--store", store], env={"COLUMNS": "200"})
    assert ingest.exit_code == 0, ingest.output
    assert "covers 2017-01-01..2019-12-31 except 2018-01-01..2018-12-31" in ingest.output
    status = CliRunner().invoke(app, ["status", "--store", store], env={"COLUMNS": "200"})
    assert "except 2018-01-01..2018-12-31" in status.output


def test_the_end_of_an_extract_is_where_its_data_end(tmp_path: Path) -> None:
    """An extract to 24 June at 4 a day: June's last 6 days would hold ~24 registrations, so they are
    not covered: 2019H1 is 175 of 181 days, incomplete (not a complete half-year)."""
    extract = _bvh_text(tmp_path / "bvh.csv", _days(dt.date(2017, 1, 1), dt.date(2019, 6, 24)), 4)
    store = _store(tmp_path, extract)
    [source] = [s for s in api.status(store).sources if s.kind.value == "registrations"]
    assert source.covers_to == dt.date(2019, 6, 24)
    fiets = api.compare(store, period="2019H1", baseline=2017, plan_path=_plan(tmp_path)).indicators[0]
    assert fiets.status == "incomplete" and fiets.coverage["2019H1"] == pytest.approx(175 / 181)
    assert fiets.counts["2019H1"] == 175 * 4


def test_a_low_volume_extract_is_widened_to_the_months_edge(tmp_path: Path) -> None:
    """One registration every 5 days, the last on 26 June: 4 empty days at 0.2 a day have a chance
    of exp(-0.8) = 45%: the data cannot tell, so June counts as covered."""
    extract = _bvh_text(tmp_path / "bvh.csv", _days(dt.date(2017, 1, 1), dt.date(2019, 6, 26), every=5), 1)
    store = _store(tmp_path, extract)
    [source] = [s for s in api.status(store).sources if s.kind.value == "registrations"]
    assert source.covers_to == dt.date(2019, 6, 30) and source.gaps == []
    fiets = api.compare(store, period="2019H1", baseline=2017, plan_path=_plan(tmp_path)).indicators[0]
    assert fiets.coverage["2019H1"] == 1.0 and fiets.status in ("achieved", "not_achieved")


def test_the_rule_by_hand() -> None:
    june = dt.date(2019, 6, 1)
    # 30 registrations a month (1 a day): an empty month has a chance of exp(-31) -> a gap.
    months = {dt.date(2019, m, 1): 30 for m in (1, 2, 4, 5)} | {june: 24}
    start, end, gaps = infer_span(dt.date(2019, 1, 1), dt.date(2019, 6, 24), months)
    assert gaps == [(dt.date(2019, 3, 1), dt.date(2019, 3, 31))]
    # rate = 144 rows / (31 + 28 + 30 + 31 + 24 days) = 1.0 a day: 6 empty days, exp(-6) = 0.25% >= 0.1%
    assert math.exp(-144 / 144 * 6) > ALPHA and end == dt.date(2019, 6, 30)
    # 3 a month: an empty month is plausible (exp(-0.1 x 31) = 4.5%): no gap, the data cannot tell.
    sparse = {dt.date(2019, m, 1): 3 for m in (1, 2, 4, 5, 6)}
    assert infer_span(dt.date(2019, 1, 3), dt.date(2019, 6, 27), sparse) == (
        dt.date(2019, 1, 1),
        dt.date(2019, 6, 30),
        [],
    )
    # At 10 a day, one day missing at the end is telling (exp(-10) = 0.005%).
    dense = {dt.date(2019, m, 1): 300 for m in range(1, 7)}
    assert infer_span(dt.date(2019, 1, 1), dt.date(2019, 6, 29), dense)[1] == dt.date(2019, 6, 29)
    assert start == dt.date(2019, 1, 1)


def test_a_theft_and_damage_extract_makes_no_crime_total(tmp_path: Path) -> None:
    """A BVH extract of 10 codes in 2 main groups (theft and damage, issue 19's case): its categories
    are covered, the crime total is not (no_data with the reason), never the sum of what is there."""
    codes = ["A20", "A21", "A10", "A70", "A72", "A40", "A12", "D11", "C20", "F47"]  # 1.1.1 .. 2.1.1
    lines = [";".join(BVH_HEADERS)]
    day, n = dt.date(2017, 1, 1), 0
    while day <= dt.date(2019, 12, 31):
        for code in codes:
            n += 1
            serial = (day - EXCEL_EPOCH).days + 0.5
            row = bvh_row(f"PL0900_BVH_{n}", f"PL0900_BVH_{n}", code, "", repr(serial))
            lines.append(";".join("" if v is None else str(v) for v in row))
        day += dt.timedelta(days=1)
    extract = tmp_path / "bvh-diefstal-vernieling.csv"
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = _store(tmp_path, extract)
    [source] = [s for s in api.status(store).sources if s.kind.value == "registrations"]
    assert "crime" not in (source.scope or []) and len(source.scope or []) == 10
    result = api.compare(store, period="2019H1", baseline=2017)  # the shipped plan
    total = next(i for i in result.indicators if i.id == "totaal_misdrijven")
    assert total.status == "no_data" and total.values["2019H1"] is None
    assert any(n.code == "total_needs_complete_source" for n in total.notes)
    # Its own categories are figures: bicycle theft (A72 = 1.2.3), one a day, 181 in 2019H1.
    fiets = next(i for i in result.indicators if i.id == "fietsdiefstal")
    assert fiets.counts["2019H1"] == 181.0 and fiets.values["2019H1"] == pytest.approx(0.905)

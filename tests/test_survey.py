"""Survey indicators (issue 15): the survey kind and its layouts, its findings, the tests fit for
survey figures worked out by hand, the latest-survey-year rule, and a plan with survey goals."""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl
import pytest

from veilcli.analysis.goals import (
    Status,
    interval_se,
    intervals_z,
    normal_two_sided,
    status,
    two_proportions_z,
)
from veilcli.analysis.survey import latest_year
from veilcli.api import compare
from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.domain.plans import Goal, Indicator
from veilcli.domain.units import Unit
from veilcli.sources.formats import recognise
from veilcli.sources.pipeline import ReadOptions
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import ValidatedTable, validate_table
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

# A CBS Veiligheidsmonitor TypedDataSet as the OData API serves it (table 85146NED, "Sociale veiligheid;
# regio"): padded RegioS codes, JJ00 periods, one record per margin (MW00000 value, MOG0095 / MBG0095 the
# 95% bounds), numbered measures, null where CBS publishes nothing.
ODATA = {
    "odata.metadata": "https://opendata.cbs.nl/ODataApi/OData/85146NED/$metadata#Cbs.OData.WebAPI.TypedDataSet",
    "value": [
        {"ID": 0, "Marges": "MW00000", "RegioS": "GM0034  ", "Perioden": "2017JJ00",
         "VoeltZichWeleensOnveiligInBuurt_50": 18.2, "RapportcijferVeiligheidInBuurt_60": 6.9},
        {"ID": 1, "Marges": "MOG0095", "RegioS": "GM0034  ", "Perioden": "2017JJ00",
         "VoeltZichWeleensOnveiligInBuurt_50": 16.4, "RapportcijferVeiligheidInBuurt_60": 6.8},
        {"ID": 2, "Marges": "MBG0095", "RegioS": "GM0034  ", "Perioden": "2017JJ00",
         "VoeltZichWeleensOnveiligInBuurt_50": 20.0, "RapportcijferVeiligheidInBuurt_60": 7.0},
        {"ID": 3, "Marges": "MW00000", "RegioS": "GM0034  ", "Perioden": "2019JJ00",
         "VoeltZichWeleensOnveiligInBuurt_50": 15.0, "RapportcijferVeiligheidInBuurt_60": 7.1},
        {"ID": 4, "Marges": "MOG0095", "RegioS": "GM0034  ", "Perioden": "2019JJ00",
         "VoeltZichWeleensOnveiligInBuurt_50": 13.4, "RapportcijferVeiligheidInBuurt_60": 7.0},
        {"ID": 5, "Marges": "MBG0095", "RegioS": "GM0034  ", "Perioden": "2019JJ00",
         "VoeltZichWeleensOnveiligInBuurt_50": 16.6, "RapportcijferVeiligheidInBuurt_60": 7.2},
        {"ID": 6, "Marges": "MW00000", "RegioS": "WK003401", "Perioden": "2019JJ00",
         "VoeltZichWeleensOnveiligInBuurt_50": None, "RapportcijferVeiligheidInBuurt_60": None},
    ],
}  # fmt: skip

# A municipal wijkmonitor export (Almere publishes its Veiligheidsmonitor per wijk on
# wijkmonitoralmere.nl): Dutch decimals, the year in the file name, labels without codes.
WIJKMONITOR = (
    "Wijk;Indicator;Percentage;Ondergrens;Bovengrens;Aantal respondenten\n"
    "Molenbuurt;Voelt zich wel eens onveilig in eigen buurt;31,5;27,0;36,0;400\n"
    "Muziekwijk Zuid;Voelt zich wel eens onveilig in eigen buurt;18,0;14,5;21,5;380\n"
)
UNSAFE = "voelt_zich_wel_eens_onveilig_in_eigen_buurt"


def validated(path: Path) -> ValidatedTable:
    (table,) = read_tables(path)
    return validate_table(recognise(table))


def test_cbs_odata_layout_is_read(tmp_path: Path) -> None:
    path = tmp_path / "85146NED_TypedDataSet_GM0034_2017-2019.json"
    path.write_text(json.dumps(ODATA), encoding="utf-8")
    result = validated(path)
    report = result.report
    assert report.source_format is SourceFormat.cbs_veiligheidsmonitor and report.kind is Kind.survey
    assert report.valid and report.rows_valid == 4  # 2 years x 2 measures; the wijk's empty cells skipped
    assert any("not publish" in n for n in report.notes) and "table 85146NED" in report.notes
    rows = {(r["year"], r["indicator_code"]): r for r in result.data.to_dicts()}
    unsafe = rows[(2017, "VoeltZichWeleensOnveiligInBuurt")]
    assert unsafe["area"] == "Almere"  # GM0034, padded as CBS pads it
    assert (unsafe["value"], unsafe["lower"], unsafe["upper"]) == ("18.2", "16.4", "20.0")
    assert unsafe["unit"] == "percent" and unsafe["indicator_label"] == "Voelt zich weleens onveilig in buurt"
    assert rows[(2019, "RapportcijferVeiligheidInBuurt")]["unit"] == "score"
    assert unsafe["source_row"] == 1  # the MW00000 record


def test_wijkmonitor_layout_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wijkmonitor-2017.csv"
    path.write_text(WIJKMONITOR, encoding="utf-8")
    result = validated(path)
    assert result.report.source_format is SourceFormat.wijkmonitor and result.report.valid
    first = result.data.row(0, named=True)
    assert first["year"] == 2017 and first["area"] == "Molenbuurt" and first["indicator_code"] == UNSAFE
    assert (first["value"], first["lower"], first["upper"], first["respondents"]) == (
        "31,5",
        "27,0",
        "36,0",
        400,
    )
    assert first["unit"] == "percent"


def test_wijkmonitor_with_a_margin_column(tmp_path: Path) -> None:
    path = tmp_path / "veiligheid_wijken_2019.csv"
    path.write_text(
        "Wijk;Indicator;Rapportcijfer;Marge\nMolenbuurt;Rapportcijfer veiligheid buurt;6,4;± 0,2\n"
    )
    row = validated(path).data.row(0, named=True)
    assert row["unit"] == "score" and row["year"] == 2019
    assert (float(row["lower"]), float(row["upper"])) == pytest.approx((6.2, 6.6))  # 6,4 - 0,2 and 6,4 + 0,2


def test_findings(tmp_path: Path) -> None:
    path = tmp_path / "enquete.csv"
    path.write_text(
        "Jaar;Gebied;Indicator code;Waarde;Eenheid;Ondergrens;Bovengrens;Aantal respondenten\n"
        "2019;Almere;onveilig;14,3;%;12,0;16,6;800\n"  # row 2: fine
        "2019;Almere;cijfer;7,1;rapportcijfer;;;800\n"  # row 3: fine, no interval
        "2019;Haven;onveilig;101;%;;;50\n"  # row 4: a percentage above 100
        "2019;Haven;cijfer;11;rapportcijfer;;;50\n"  # row 5: a mark above 10
        "2019;Stad;onveilig;20;%;21;25;50\n"  # row 6: the interval does not contain the value
        "2019;Stad;cijfer;6;score;5;;50\n"  # row 7: one bound only
        "2019;Poort;onveilig;20;%;;;0\n"  # row 8: n below 1
        "2019;Poort;cijfer;6;euro;;;40\n"  # row 9: unknown unit
        "2019;Buiten;onveilig;veel;%;;;40\n"  # row 10: not a number
        "2019;Buiten;cijfer;.;score;;;\n"  # row 11: not published: a warning, kept
        "2019;Almere;onveilig;15;%;;;800\n",  # row 12: the key of row 2 again
        encoding="utf-8",
    )
    report = validated(path).report
    found = {(i.code, i.row) for i in report.issues}
    assert {
        ("out_of_range", 4),
        ("out_of_range", 5),
        ("bounds_exclude_value", 6),
        ("missing_value", 7),
        ("out_of_range", 8),
        ("unknown_unit", 9),
        ("invalid_number", 10),
        ("suppressed_value", 11),
        ("duplicate_key", 12),
    } <= found
    assert not {r for _, r in found} & {2, 3}
    assert report.rows_valid == 3  # rows 2, 3 and the unpublished 11
    messages = {(i.code, i.row): i.message for i in report.issues}
    assert messages[("out_of_range", 4)] == "percentage outside 0-100"
    assert messages[("out_of_range", 8)] == "below 1"


def test_two_proportion_test_by_hand() -> None:
    # 20% of 400 in the baseline, 15% of 500 now. Pooled p = (80 + 75) / 900 = 0.172222;
    # SE = sqrt(0.172222 x 0.827778 x (1/400 + 1/500)) = sqrt(0.142562 x 0.0045) = 0.0253284;
    # z = (0.15 - 0.20) / 0.0253284 = -1.97407; two-sided p = 2 x (1 - Phi(1.97407)) = 0.04838.
    z = two_proportions_z(0.20, 400, 0.15, 500)
    assert z == pytest.approx(-1.97407, abs=1e-5)
    assert normal_two_sided(z) == pytest.approx(0.04838, abs=1e-5)
    assert two_proportions_z(0.2, 0, 0.1, 10) is None  # n below 1: untestable


def test_interval_test_by_hand() -> None:
    # 18.2 [16.4, 20.0] in 2017, 15.0 [13.4, 16.6] in 2019. SE = width / 3.92: 3.6 / 3.92 = 0.918367 and
    # 3.2 / 3.92 = 0.816327; SE of the difference sqrt(0.843399 + 0.666389) = 1.228734;
    # z = -3.2 / 1.228734 = -2.60430; p = 2 x (1 - Phi(2.60430)) = 0.009206.
    assert interval_se(16.4, 20.0) == pytest.approx(0.918367, abs=1e-6)
    z = intervals_z(18.2, 16.4, 20.0, 15.0, 13.4, 16.6)
    assert z == pytest.approx(-2.60430, abs=1e-5)
    assert normal_two_sided(z) == pytest.approx(0.009206, abs=1e-6)


def test_survey_goal_statuses() -> None:
    assert status(Goal.increase, 7.1, 6.9) is Status.achieved
    assert status(Goal.increase, 6.9, 6.9) is Status.not_achieved
    assert status(Goal.no_decrease, 6.9, 6.9) is Status.achieved
    assert status(Goal.no_decrease, 6.8, 6.9) is Status.not_achieved


def test_latest_survey_year_rule() -> None:
    assert latest_year([2015, 2017, 2019], 2019) == 2019
    assert latest_year([2015, 2017, 2019], 2018) == 2017
    assert latest_year([2015, 2017, 2019], 2014) is None


def test_survey_indicators_need_survey_units() -> None:
    base = {"id": "x", "theme": 1, "label": "x", "categories": ["onveilig"]}
    Indicator.model_validate(base | {"kind": "survey", "unit": "percent", "goal": "decrease"})
    with pytest.raises(ValueError):
        Indicator.model_validate(base | {"kind": "survey", "unit": "count", "goal": "decrease"})
    with pytest.raises(ValueError):
        Indicator.model_validate(base | {"categories": ["1.1.1"], "unit": "percent", "goal": "decrease"})
    with pytest.raises(ValueError):
        Indicator.model_validate(base | {"categories": ["1.1.1"], "unit": "count", "goal": "increase"})


PLAN = """
name = "Testplan"
area = "Testdorp"
baseline = 2017

[[indicators]]
id = "inbraak"
theme = 1
label = "Inbraak"
categories = ["1.1.1"]
unit = "count"
goal = "decrease"

[[indicators]]
id = "onveilig_buurt"
theme = 1
label = "Voelt zich wel eens onveilig in de buurt"
kind = "survey"
categories = ["onveilig"]
unit = "percent"
goal = "decrease"

[[indicators]]
id = "cijfer_veiligheid"
theme = 1
label = "Rapportcijfer veiligheid buurt"
kind = "survey"
categories = ["cijfer"]
unit = "score"
goal = "increase"
"""


@pytest.fixture
def survey_store(tmp_path: Path) -> tuple[Store, Path]:
    """Testdorp: burglaries in the wijken Haven and Stad in 2017H1 and 2019H1; survey figures for the
    municipality (2016, 2017, 2019: intervals for the percentage, n only for the mark) and per wijk."""
    rows = ["Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijk"]
    burglaries = [("2017-01-02", "Haven"), ("2017-06-28", "Stad"), ("2017-03-01", "Haven")]
    burglaries += [("2019-01-02", "Haven"), ("2019-06-28", "Stad")]
    for n, (date, wijk) in enumerate(burglaries):
        rows.append(f"R{n};{date};1.1.1;Testdorp;{wijk}")
    (tmp_path / "reg.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "enquete.csv").write_text(
        "Jaar;Gebied;Indicator code;Waarde;Eenheid;Ondergrens;Bovengrens;Aantal respondenten\n"
        "2016;Testdorp;onveilig;25,0;%;;;600\n"
        "2017;Testdorp;onveilig;18,2;%;16,4;20,0;900\n"
        "2019;Testdorp;onveilig;15,0;%;13,4;16,6;1000\n"
        "2017;Testdorp;cijfer;6,9;rapportcijfer;;;900\n"
        "2019;Testdorp;cijfer;7,1;rapportcijfer;;;1000\n"
        "2017;Haven;onveilig;20,0;%;;;400\n"
        "2019;Haven;onveilig;15,0;%;;;500\n"
        "2017;Stad;onveilig;10,0;%;;;300\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    assert ingest_paths([tmp_path / "reg.csv", tmp_path / "enquete.csv"], store, ReadOptions()).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    return store, plan


def test_plan_with_survey_goals(survey_store: tuple[Store, Path]) -> None:
    store, plan = survey_store
    result = compare(store, period="2019H1", baseline=2017, plan_path=plan)
    ind = {i.id: i for i in result.indicators}
    unsafe = ind["onveilig_buurt"]
    assert unsafe.survey is not None and unsafe.source == "survey"
    # 2019H1 takes the 2019 survey, the baseline 2017 the 2017 survey (not 2016); 2018H1 still 2017
    assert (unsafe.survey.year, unsafe.survey.baseline_year) == (2019, 2017)
    assert unsafe.survey.years == {"2017H1": 2017, "2018H1": 2017, "2019H1": 2019}
    assert unsafe.values == {"2017H1": 18.2, "2018H1": 18.2, "2019H1": 15.0}
    # 18.2% -> 15.0%: -3.2 percentage points, a decrease: achieved; the interval test (by hand above)
    assert unsafe.survey.change == pytest.approx(-3.2) and unsafe.survey.change_unit == "percentage_points"
    assert unsafe.change_pct is None and unsafe.status is Status.achieved
    assert unsafe.survey.test == "intervals" and unsafe.p_value == pytest.approx(0.009206, abs=1e-6)
    assert unsafe.significant is True
    codes = [n.code for n in unsafe.notes]
    assert codes == ["survey_years", "survey_carried_forward", "survey_part_of_year", "survey_test_intervals"]
    assert "2019" in unsafe.notes[0].message and "2017" in unsafe.notes[0].message
    # the mark: 6.9 -> 7.1, +0.2 points, goal increase: achieved; a score without intervals is untested
    mark = ind["cijfer_veiligheid"]
    assert mark.status is Status.achieved and mark.survey is not None
    assert mark.survey.change == pytest.approx(0.2) and mark.survey.change_unit == "points"
    assert mark.survey.test == "none" and mark.p_value is None and mark.significant is None
    # registered indicators are unchanged: no survey key in their JSON
    dumped = result.model_dump(mode="json")
    assert "survey" not in dumped["indicators"][0] and "survey" in dumped["indicators"][1]


def test_same_survey_year_is_no_data(survey_store: tuple[Store, Path]) -> None:
    store, plan = survey_store
    result = compare(store, period="2018H1", baseline=2017, plan_path=plan)
    unsafe = next(i for i in result.indicators if i.id == "onveilig_buurt")
    assert unsafe.status is Status.no_data and unsafe.survey is not None
    assert (unsafe.survey.year, unsafe.survey.baseline_year) == (2017, 2017)
    # 2018H1 repeats survey 2017: carried forward; 2017H1 shows its own year's survey
    assert [n.code for n in unsafe.notes] == [
        "survey_same_year",
        "survey_carried_forward",
        "survey_part_of_year",
    ]


def test_districts_carry_survey_beside_registered(survey_store: tuple[Store, Path]) -> None:
    store, plan = survey_store
    result = compare(store, period="2019H1", baseline=2017, plan_path=plan, by="district")
    assert result.districts is not None
    districts = {d.district: {i.id: i for i in d.indicators} for d in result.districts}
    haven = districts["Haven"]
    assert haven["inbraak"].counts == {"2017H1": 2, "2018H1": 0, "2019H1": 1}  # one source covers 2018H1 too
    # 20% of 400 -> 15% of 500: the two-proportion test by hand (z = -1.97407, p = 0.04838)
    unsafe = haven["onveilig_buurt"]
    assert unsafe.survey is not None and unsafe.survey.test == "two_proportions"
    assert unsafe.survey.z == pytest.approx(-1.97407, abs=1e-5)
    assert unsafe.p_value == pytest.approx(0.04838, abs=1e-5) and unsafe.status is Status.achieved
    assert [n.code for n in unsafe.notes] == [
        "survey_years",
        "survey_carried_forward",
        "survey_part_of_year",
        "survey_test_proportions",
    ]
    stad = districts["Stad"]["onveilig_buurt"]  # no 2019 survey for Stad
    assert stad.status is Status.no_data and stad.survey is not None and stad.survey.year == 2017
    assert (
        "cijfer_veiligheid" in districts["Stad"]
        and districts["Stad"]["cijfer_veiligheid"].status is Status.no_data
    )


def test_csv_table_has_survey_rows(survey_store: tuple[Store, Path]) -> None:
    store, plan = survey_store
    table = compare(store, period="2019H1", baseline=2017, plan_path=plan).to_table()
    row = table.filter(pl.col("id") == "onveilig_buurt", pl.col("period") == "2019H1").row(0, named=True)
    assert row["value"] == 15.0 and row["status"] == "achieved" and row["count"] is None
    assert math.isclose(row["p_value"], 0.009206, abs_tol=1e-6)


def test_units_and_goals_have_words() -> None:
    assert Unit.percent.label("nl") == "% van de inwoners" and Unit.score.short_label == "score"
    assert Goal.no_decrease.label("nl") == "niet laten dalen" and Goal.increase.label("en") == "increase"


def test_terminal_shows_survey_changes_in_points(survey_store: tuple[Store, Path]) -> None:
    """The table says -3.2 pp (percentage points) and +0.2 pt for a mark, never a % of a %."""
    import io

    from rich.console import Console

    from veilcli.report.render_compare import render_compare

    store, plan = survey_store
    result = compare(store, period="2019H1", baseline=2017, plan_path=plan)
    for width in (80, 200):
        out = io.StringIO()
        render_compare(Console(width=width, file=out, force_terminal=False), result, detail=True)
        shown = out.getvalue()
        assert "-3.2 pp" in shown and "+0.2 pt" in shown


# --- issue 19: which survey year each column shows, and which test each p is ---------------------


def test_columns_say_their_survey_year(survey_store: tuple[Store, Path]) -> None:
    """2017H1 vs 2019H1 with surveys 2016, 2017 and 2019: 2018H1 has no survey of its own, so it shows
    survey 2017's 18.2 again (carried forward, not a new measurement); 2017H1 and 2019H1 show the survey
    of their own year, whose autumn fieldwork lies after the half-year."""
    store, plan = survey_store
    unsafe = next(
        i for i in compare(store, period="2019H1", plan_path=plan).indicators if i.id == "onveilig_buurt"
    )
    assert unsafe.survey is not None and unsafe.survey.carried_forward == ["2018H1"]
    assert unsafe.survey.carried_from("2018H1") == 2017 and unsafe.survey.carried_from("2019H1") is None
    assert [n.code for n in unsafe.notes] == [
        "survey_years",
        "survey_carried_forward",
        "survey_part_of_year",
        "survey_test_intervals",
    ]
    carried, part = unsafe.notes[1], unsafe.notes[2]
    assert carried.params == {"periods": "2018H1", "year": 2017}
    assert carried.message == (
        "first half of 2018: no survey in that year: the figure shown is survey 2017's, carried forward (not "
        "a new measurement)"
    )
    assert part.params == {"periods": "2017H1, 2019H1"}
    assert "autumn" in part.message and "najaar" in part.render("nl")
    # a whole year has nothing to say about fieldwork; 2018 still shows survey 2017 carried forward
    yearly = next(
        i for i in compare(store, period="2019", plan_path=plan).indicators if i.id == "onveilig_buurt"
    )
    assert yearly.survey is not None and yearly.survey.carried_forward == ["2018"]
    assert "survey_part_of_year" not in [n.code for n in yearly.notes]


def test_terminal_marks_carried_values_and_names_each_test(survey_store: tuple[Store, Path]) -> None:
    import io

    from rich.console import Console

    from veilcli.report.render_compare import render_compare

    store, plan = survey_store
    result = compare(store, period="2019H1", baseline=2017, plan_path=plan)
    for width in (80, 250):
        out = io.StringIO()
        render_compare(Console(width=width, file=out, force_terminal=False), result, detail=True)
        shown = " ".join(out.getvalue().split())
        assert "18.2 (2017)" in shown  # 2018H1: survey 2017's figure, marked
        assert "p: exact test of equal rates on the registered counts" in shown
        assert (
            "p of a survey indicator is a z-test of its two survey figures, not the exact test on counts: "
            "Voelt zich wel eens onveilig in de buurt: z-test from the published 95% intervals." in shown
        )
        # the mark has no p: it is not in the list
        assert "Rapportcijfer veiligheid buurt: " not in shown


def test_workbook_and_report_mark_carried_values_and_name_each_test(
    survey_store: tuple[Store, Path], tmp_path: Path
) -> None:
    import openpyxl

    from veilcli.report.export_tables import ExportTables
    from veilcli.report.exports import write_xlsx
    from veilcli.report.html import render_html

    store, plan = survey_store
    result = compare(store, period="2019H1", baseline=2017, plan_path=plan, lang="nl")
    tables = ExportTables(result, store.sources(), result.themes, "nl")
    test = "Voelt zich wel eens onveilig in de buurt: z-toets uit de gepubliceerde 95%-intervallen"
    assert test in tables.significance_note
    # charts: a bar is a measurement, so the carried-forward 2018H1 has none
    block = next(b for b in tables.chart_blocks(1) if b.id == "onveilig_buurt")
    assert block.rows[0][1] == [18.2, None, 15.0]
    # scripts keep the number (and the note's code says it is carried forward)
    overview = tables.frames()["overview"].filter(pl.col("id") == "onveilig_buurt").row(0, named=True)
    assert overview["value_2018H1"] == 18.2 and "survey_carried_forward" in overview["notes"]
    # the workbook: the number with its survey year in the number format
    out = tmp_path / "rapport.xlsx"
    write_xlsx(tables, out)
    sheet = openpyxl.load_workbook(out)["Overzicht"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "eerste helft 2018" for c in r))
    column = next(c.column for c in header if c.value == "eerste helft 2018")
    row = next(r for r in sheet.iter_rows() if r[1].value == "Voelt zich wel eens onveilig in de buurt")
    cell = sheet.cell(row=row[0].row, column=column)
    assert cell.value == 18.2 and cell.number_format.endswith('" (2017)"')
    assert any(test in str(c.value) for r in sheet.iter_rows() for c in r if c.value)
    # the HTML report
    page = render_html(result, None, store.sources(), "nl")
    assert "18,2 (2017)" in page and test in page
    assert "z-toets uit de gepubliceerde 95%-intervallen; significant" in page


def test_district_survey_figures_are_shown_without_district_population(
    survey_store: tuple[Store, Path],
) -> None:
    """Without district population a district's registered figures are counts only; its survey figures
    are percentages all the same: shown with their status, never "-"."""
    import io

    from rich.console import Console

    from veilcli.report.export_tables import ExportTables
    from veilcli.report.render_compare import render_compare

    store, plan = survey_store
    result = compare(store, period="2019H1", baseline=2017, plan_path=plan, by="district")
    out = io.StringIO()
    render_compare(Console(width=200, file=out, force_terminal=False), result)
    # The district matrix: the page whose column group is the survey indicator, Haven's row.
    page = out.getvalue().split("Districts of")[1].split("onveilig_buurt")[1]
    row = next(line for line in page.splitlines() if line.startswith("Haven "))
    # Haven: 20% (2017) -> 15% (2019): -5.0 points, significant (p = 0.048), achieved; no count
    cells = row.split()[1:]
    at = cells.index("pp*")  # the change is "-5.0 pp*"
    assert cells[at - 3 : at + 2] == ["15.0", "-", "-5.0", "pp*", "✔"]
    districts = ExportTables(result, store.sources(), result.themes, "en").frames()["districts"]
    unsafe = districts.filter(pl.col("district") == "Haven", pl.col("id") == "onveilig_buurt").row(
        0, named=True
    )
    assert (unsafe["unit"], unsafe["value_2017H1"], unsafe["value_2019H1"], unsafe["status"]) == (
        "percent",
        20.0,
        15.0,
        "achieved",
    )


def test_workbook_and_report_show_survey_changes_in_points(
    survey_store: tuple[Store, Path], tmp_path: Path
) -> None:
    """As on the terminal: -3.2 pp and +0.2 pt, never "-" (change_pct is null: not a %); scripts keep
    change_pct null and read survey.change."""
    import openpyxl

    from veilcli.report.export_tables import ExportTables
    from veilcli.report.exports import write_xlsx
    from veilcli.report.html import render_html

    store, plan = survey_store
    result = compare(store, period="2019H1", baseline=2017, plan_path=plan, lang="nl")
    tables = ExportTables(result, store.sources(), result.themes, "nl")
    overview = tables.frames()["overview"].filter(pl.col("id") == "onveilig_buurt").row(0, named=True)
    assert overview["change_pct"] is None
    out = tmp_path / "rapport.xlsx"
    write_xlsx(tables, out)
    sheet = openpyxl.load_workbook(out)["Overzicht"]
    header = next(r for r in sheet.iter_rows() if any(c.value == tables.change_header() for c in r))
    column = next(c.column for c in header if c.value == tables.change_header())
    rows: dict[object, int] = {}
    for r in sheet.iter_rows(min_row=header[0].row + 1):
        rows.setdefault(r[1].value, r[0].row)  # the table's row, not the notes listed under it
    unsafe = sheet.cell(row=rows["Voelt zich wel eens onveilig in de buurt"], column=column)
    mark = sheet.cell(row=rows["Rapportcijfer veiligheid buurt"], column=column)
    assert unsafe.value == pytest.approx(-3.2) and '" pp"' in unsafe.number_format
    assert mark.value == pytest.approx(0.2) and '" pt"' in mark.number_format
    page = render_html(result, None, store.sources(), "nl")
    assert "-3,2 pp" in page and "+0,2 pt" in page

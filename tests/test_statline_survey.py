"""Veiligheidsmonitor (and IVM/PMB) tables as StatLine hands them out (issue 20): the long label
export (``Perioden;Politieregio;Onderwerpen_1..3;Cijfersoort;Waarde``), the wide ones (one column per
indicator; the CBS CSV download with ``Marges``) and the table view, with and without title lines.

Fixtures are written in those layouts (quoted fields, ``2008*`` provisional years, ``.`` and ``-``,
``"Bron: CBS"`` footers) with figures of our own; expected rows and tests are worked out by hand in
the comments.
"""

# ruff: noqa: E501  (fixture lines are kept whole, as the real files write them)

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.conftest import write_xlsx
from veilcli.api import compare
from veilcli.domain.choices import Kind
from veilcli.errors import InputError
from veilcli.sources.formats.common import DimensionOptions
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import ValidatedTable
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store

COLUMNS = ("year", "area", "indicator_code", "unit", "value", "lower", "upper")


def check(path: Path, *dimensions: str) -> ValidatedTable:
    [table] = read_tables(path)
    return recognise_and_validate(table, ReadOptions(formats=(DimensionOptions(dimensions),)))


def rows(result: ValidatedTable, *columns: str) -> list[tuple[Any, ...]]:
    names = [c for c in (columns or COLUMNS) if c in result.data.columns]
    return sorted(result.data.select(names).rows(), key=lambda r: tuple(str(v) for v in r))


# --- long ------------------------------------------------------------------------------------------

VICTIMS = "persoonlijk_slachtoffer_afgelopen_12_mnd_slachtofferschap_totaal"
VIOLENCE = "persoonlijk_slachtoffer_afgelopen_12_mnd_geweldsdelicten_totaal"
LONG = """\
"Perioden";"Politieregio";"Onderwerpen_1";"Onderwerpen_2";"Onderwerpen_3";"Cijfersoort";"Waarde"
"2008*";"Nederland";"Persoonlijk slachtoffer afgelopen 12 mnd";"Slachtofferschap totaal";"Slachtofferschap totaal";"% slachtoffer";"25.0"
"2008*";"Nederland";"Persoonlijk slachtoffer afgelopen 12 mnd";"Geweldsdelicten";"Geweldsdelicten totaal";"% slachtoffer";"5.0"
"2008*";"Flevoland (PO)";"Persoonlijk slachtoffer afgelopen 12 mnd";"Slachtofferschap totaal";"Slachtofferschap totaal";"% slachtoffer";"27.5"
"2008*";"Flevoland (PO)";"Persoonlijk slachtoffer afgelopen 12 mnd";"Geweldsdelicten";"Geweldsdelicten totaal";"% slachtoffer";"6.0"
"2009*";"Flevoland (PO)";"Persoonlijk slachtoffer afgelopen 12 mnd";"Slachtofferschap totaal";"Slachtofferschap totaal";"% slachtoffer";"26.0"
"2009*";"Flevoland (PO)";"Persoonlijk slachtoffer afgelopen 12 mnd";"Geweldsdelicten";"Geweldsdelicten totaal";"% slachtoffer";"."
"""


def test_long_export_with_topic_levels(tmp_path: Path) -> None:
    path = tmp_path / "Slachtofferschap.csv"
    path.write_text(LONG, encoding="utf-8")
    result = check(path)
    report = result.report
    assert (report.source_format, report.kind) == ("statline-survey", Kind.survey)
    assert report.rows_read == 6 and report.valid
    # The code is made from the levels: "Geweldsdelicten" / "Geweldsdelicten totaal" once.
    assert rows(result, "year", "area", "indicator_code", "unit", "value") == [
        (2008, "Flevoland (politieregio)", VIOLENCE, "percent", "6.0"),
        (2008, "Flevoland (politieregio)", VICTIMS, "percent", "27.5"),
        (2008, "Nederland", VIOLENCE, "percent", "5.0"),
        (2008, "Nederland", VICTIMS, "percent", "25.0"),
        (2009, "Flevoland (politieregio)", VIOLENCE, "percent", "."),  # not published: a warning
        (2009, "Flevoland (politieregio)", VICTIMS, "percent", "26.0"),
    ]
    labels = set(result.data["indicator_label"].to_list())
    assert labels == {
        "Persoonlijk slachtoffer afgelopen 12 mnd / Slachtofferschap totaal",
        "Persoonlijk slachtoffer afgelopen 12 mnd / Geweldsdelicten totaal",
    }
    assert [(i.row, i.value) for i in report.issues if i.code == "suppressed_value"] == [(7, ".")]
    assert any("6 figure(s) of provisional years ('2008*'" in n for n in report.notes)


# Cijfersoort as the kind of figure (value, margin, bounds) and a unit column, as the IVM tables on
# neighbourhood problems write them; "-" for too few observations.
LONG_KINDS = """\
"Onderwerpen_1";"Onderwerpen_2";"Onderwerpen_3";"Politieregio";"Perioden";"Cijfersoort";"Waarde eenheid";"Waarde"
"Buurtproblemen";"Dreiging en sociale overlast";"Overlast van groepen jongeren";"Flevoland (PO)";"2010";"Waarde";"% 'komt vaak voor'";"12.4"
"Buurtproblemen";"Dreiging en sociale overlast";"Overlast van groepen jongeren";"Flevoland (PO)";"2010";"Marge";"% 'komt vaak voor'";"1.5"
"Buurtproblemen";"Dreiging en sociale overlast";"Straatroof";"Flevoland (PO)";"2010";"Waarde";"% 'komt vaak voor'";"-"
"Buurtproblemen";"Dreiging en sociale overlast";"Sociale overlast - schaalscore";"Flevoland (PO)";"2010";"Waarde";"schaalscore (0-10)";"2.1"
"Leefbaarheid woonbuurt";"Beoordeling woonbuurt";"Veiligheid";"Flevoland (PO)";"2010";"Waarde";"rapportcijfer";"6.9"
"Leefbaarheid woonbuurt";"Beoordeling woonbuurt";"Veiligheid";"Flevoland (PO)";"2010";"Ondergrens";"rapportcijfer";"6.8"
"Leefbaarheid woonbuurt";"Beoordeling woonbuurt";"Veiligheid";"Flevoland (PO)";"2010";"Bovengrens";"rapportcijfer";"7.0"
"""


def test_long_export_with_kinds_of_figure_and_units(tmp_path: Path) -> None:
    path = tmp_path / "leefbaarheid.csv"
    path.write_text(LONG_KINDS, encoding="utf-8")
    result = check(path)
    assert result.report.source_format == "statline-survey" and result.report.valid
    flevoland = "Flevoland (politieregio)"
    assert rows(result) == [
        (2010, flevoland, "buurtproblemen_dreiging_en_sociale_overlast_overlast_van_groepen_jongeren",
         "percent", "12.4", "10.9", "13.9"),  # 12.4 ± 1.5
        (2010, flevoland, "buurtproblemen_dreiging_en_sociale_overlast_sociale_overlast_schaalscore",
         "score", "2.1", None, None),
        (2010, flevoland, "buurtproblemen_dreiging_en_sociale_overlast_straatroof",
         "percent", None, None, None),  # "-": not published, never 0
        (2010, flevoland, "leefbaarheid_woonbuurt_beoordeling_woonbuurt_veiligheid",
         "score", "6.9", "6.8", "7.0"),
    ]  # fmt: skip
    notes = " | ".join(result.report.notes)
    assert "1 figure(s) '-'" in notes and "value ± margin" in notes
    assert [(i.row, i.code) for i in result.report.issues] == [(4, "suppressed_value")]


# --- wide ------------------------------------------------------------------------------------------

WIDE = """\
"Politieregio's";"Perioden";"Voelt zich wel eens onveilig";"Voelt zich vaak onveilig";"Rapportcijfer veiligheid buurt"
"Nederland";"2010";"26.0";"2.5";"6.8"
"Flevoland (PO)";"2010";"24.0";"2.0";"7.0"
"Flevoland (PO)";"2011";"26.5";"";"6.9"
"""


def test_wide_export_one_column_per_indicator(tmp_path: Path) -> None:
    path = tmp_path / "onveiligheid.csv"
    path.write_text(WIDE, encoding="utf-8")
    result = check(path)
    assert result.report.source_format == "statline-survey"
    # 3 rows x 3 indicators = 9 cells, one empty (not published for that year): 8 figures
    assert result.report.rows_read == 8 and result.report.valid
    flevoland = "Flevoland (politieregio)"
    assert rows(result, "year", "area", "indicator_code", "unit", "value") == [
        (2010, flevoland, "rapportcijfer_veiligheid_buurt", "score", "7.0"),
        (2010, flevoland, "voelt_zich_vaak_onveilig", "percent", "2.0"),
        (2010, flevoland, "voelt_zich_wel_eens_onveilig", "percent", "24.0"),
        (2010, "Nederland", "rapportcijfer_veiligheid_buurt", "score", "6.8"),
        (2010, "Nederland", "voelt_zich_vaak_onveilig", "percent", "2.5"),
        (2010, "Nederland", "voelt_zich_wel_eens_onveilig", "percent", "26.0"),
        (2011, flevoland, "rapportcijfer_veiligheid_buurt", "score", "6.9"),
        (2011, flevoland, "voelt_zich_wel_eens_onveilig", "percent", "26.5"),
    ]
    assert any("1 empty figure(s)" in n for n in result.report.notes)


UNSAFE = "veiligheidsbeleving_voelt_zich_weleens_onveilig"
MARK = "buurt_rapportcijfer_veiligheid_in_buurt"
# The CBS CSV download of a survey table: Marges by label, headers Theme/Topic (unit), a dimension of
# persons' characteristics read at its total.
WIDE_MARGINS = """\
"Marges";"Persoonskenmerken";"Regio's";"Perioden";"Veiligheidsbeleving/Voelt zich weleens onveilig (%)";"Buurt/Rapportcijfer veiligheid in buurt (rapportcijfer)"
"Waarde";"Totaal personen";"Almere";"2017";"38.0";"6.6"
"Ondergrens 95%-interval";"Totaal personen";"Almere";"2017";"35.9";"6.5"
"Bovengrens 95%-interval";"Totaal personen";"Almere";"2017";"40.1";"6.7"
"Waarde";"Totaal personen";"Almere";"2019*";"34.0";"6.8"
"Ondergrens 95%-interval";"Totaal personen";"Almere";"2019*";"32.0";"6.7"
"Bovengrens 95%-interval";"Totaal personen";"Almere";"2019*";"36.0";"6.9"
"Waarde";"Mannen";"Almere";"2019*";"30.0";"6.9"
"""


def test_wide_cbs_download_with_margins(tmp_path: Path) -> None:
    path = tmp_path / "85146NED.csv"
    path.write_text(WIDE_MARGINS, encoding="utf-8")
    result = check(path)
    assert result.report.source_format == "statline-survey" and result.report.valid
    assert rows(result) == [
        (2017, "Almere", MARK, "score", "6.6", "6.5", "6.7"),
        (2017, "Almere", UNSAFE, "percent", "38.0", "35.9", "40.1"),
        (2019, "Almere", MARK, "score", "6.8", "6.7", "6.9"),
        (2019, "Almere", UNSAFE, "percent", "34.0", "32.0", "36.0"),
    ]
    notes = " | ".join(result.report.notes)
    assert "'Persoonskenmerken' read at its total 'Totaal personen'" in notes and "table 85146NED" in notes
    men = check(path, "Persoonskenmerken=Mannen")
    assert rows(men, "year", "indicator_code", "value") == [(2019, MARK, "6.9"), (2019, UNSAFE, "30.0")]


def test_survey_download_compared_with_its_intervals(tmp_path: Path) -> None:
    path = tmp_path / "85146NED.csv"
    path.write_text(WIDE_MARGINS, encoding="utf-8")
    store = Store(tmp_path / "store")
    assert ingest_paths([path], store, ReadOptions()).stored
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'name = "Almere"\narea = "Almere"\nbaseline = 2017\n\n'
        '[[indicators]]\nid = "onveilig"\ntheme = 1\nlabel = "Voelt zich weleens onveilig"\n'
        f'kind = "survey"\ncategories = ["{UNSAFE}"]\nunit = "percent"\ngoal = "decrease"\n',
        encoding="utf-8",
    )
    result = compare(store, period="2019", baseline=2017, plan_path=plan)
    [unsafe] = result.indicators
    # 2018 has no survey of its own: the 2017 figure carried forward
    assert unsafe.survey is not None and unsafe.values == {"2017": 38.0, "2018": 38.0, "2019": 34.0}
    # By hand: SE 2017 = (40.1 - 35.9) / 3.92 = 1.071429, SE 2019 = (36.0 - 32.0) / 3.92 = 1.020408;
    # z = (34.0 - 38.0) / sqrt(1.071429^2 + 1.020408^2) = -4 / 1.479592 = -2.703448;
    # p = erfc(2.703448 / sqrt 2) = 0.006862
    assert unsafe.survey.change == pytest.approx(-4.0) and unsafe.survey.test == "intervals"
    assert unsafe.survey.z == pytest.approx(-2.703448, abs=1e-5)
    assert unsafe.p_value == pytest.approx(math.erfc(2.703448 / math.sqrt(2)), abs=1e-5)
    assert unsafe.p_value == pytest.approx(0.006862, abs=1e-5)


# --- table views -----------------------------------------------------------------------------------

VIEW = """\
"Sociale veiligheid; regio"
"Marges: Waarde"
""
"Onderwerp";"Veiligheidsbeleving";"Veiligheidsbeleving";"Buurt";"Buurt"
"Onderwerp";"Voelt zich weleens onveilig";"Voelt zich weleens onveilig";"Rapportcijfer veiligheid in buurt";"Geregistreerde misdrijven"
"Perioden";"2017";"2019*";"2019*";"2019*"
"Regio's";"%";"%";"rapportcijfer";"aantal"
"Almere";"38.0";"34.0";"6.8";"9500"
"Limburg (RE)";".";"30.0";"7.0";"40000"
""
"Bron: CBS"
"""


def test_survey_table_view(tmp_path: Path) -> None:
    path = tmp_path / "sociale_veiligheid.csv"
    path.write_text(VIEW, encoding="utf-8")
    result = check(path)
    report = result.report
    assert (report.source_format, report.kind, report.header_row) == ("statline-survey-view", Kind.survey, 4)
    # 2 regions x 3 survey columns = 6 figures; the "aantal" column is no survey figure
    assert report.rows_read == 6 and report.valid
    assert rows(result, "year", "area", "indicator_code", "unit", "value") == [
        (2017, "Almere", UNSAFE, "percent", "38.0"),
        (2017, "Limburg (eenheid)", UNSAFE, "percent", "."),  # not published
        (2019, "Almere", MARK, "score", "6.8"),
        (2019, "Almere", UNSAFE, "percent", "34.0"),
        (2019, "Limburg (eenheid)", MARK, "score", "7.0"),
        (2019, "Limburg (eenheid)", UNSAFE, "percent", "30.0"),
    ]
    notes = " | ".join(report.notes)
    assert "survey table view 'Sociale veiligheid; regio'" in notes and "Marges = Waarde" in notes
    assert "Onderwerp (2 lines in columns)" in notes and "units aantal" in notes
    assert [(i.row, i.value) for i in report.issues if i.code == "suppressed_value"] == [(9, ".")]


def test_survey_table_view_without_title_with_margins_and_respondents(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    path.write_text(
        '"Onderwerp";"Voelt zich weleens onveilig";"Voelt zich weleens onveilig";"Voelt zich weleens onveilig";"Aantal respondenten"\n'
        '"Marges";"Waarde";"Ondergrens 95%-interval";"Bovengrens 95%-interval";"Waarde"\n'
        '"Perioden";"2019";"2019";"2019";"2019"\n'
        '"Regio\'s";"%";"%";"%";"aantal"\n'
        '"Almere";"33.1";"31.0";"35.2";"1200"\n'
        '"Lelystad";"28.0";"24.5";"31.5";"400"\n'
        '"Bron: CBS"\n',
        encoding="utf-8",
    )
    result = check(path)
    assert (result.report.source_format, result.report.header_row) == ("statline-survey-view", 1)
    # the respondents column counts for the indicator of its row; it is no indicator itself
    assert rows(result, "year", "area", "indicator_code", "value", "lower", "upper", "respondents") == [
        (2019, "Almere", "voelt_zich_weleens_onveilig", "33.1", "31.0", "35.2", 1200),
        (2019, "Lelystad", "voelt_zich_weleens_onveilig", "28.0", "24.5", "31.5", 400),
    ]


def test_xlsx_survey_table_view_periods_in_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "veiligheidsmonitor.xlsx",
        [
            ["Veiligheidsmonitor; regio"],
            ["Regio's: Almere"],
            [],
            ["Onderwerp", "Voelt zich weleens onveilig", "Rapportcijfer veiligheid in buurt"],
            ["Perioden", "%", "rapportcijfer"],
            ["2017", 38.0, 6.6],
            ["2019*", 34.0, "."],
            ["Bron: CBS"],
        ],
    )
    result = check(path)
    assert result.report.source_format == "statline-survey-view"
    assert rows(result, "year", "area", "indicator_code", "unit", "value") == [
        (2017, "Almere", "rapportcijfer_veiligheid_in_buurt", "score", "6.6"),
        (2017, "Almere", "voelt_zich_weleens_onveilig", "percent", "38"),
        (2019, "Almere", "rapportcijfer_veiligheid_in_buurt", "score", "."),
        (2019, "Almere", "voelt_zich_weleens_onveilig", "percent", "34"),
    ]


def test_survey_table_view_without_an_area(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    path.write_text(
        '"Onderwerp";"Voelt zich weleens onveilig";"Voelt zich vaak onveilig"\n'
        '"Perioden";"%";"%"\n'
        '"2017";"38.0";"."\n'
        '"Bron: CBS"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no area in the survey table view"):
        check(path)
    told = check(path, "Regio's=Almere")
    assert rows(told, "year", "area", "indicator_code", "value") == [
        (2017, "Almere", "voelt_zich_vaak_onveilig", "."),
        (2017, "Almere", "voelt_zich_weleens_onveilig", "38.0"),
    ]


def test_crime_views_are_not_survey_views(tmp_path: Path) -> None:
    # A crime table view in percentages is no survey: refused as before (table_view.py).
    path = tmp_path / "relatief.csv"
    path.write_text(
        '"Geregistreerde misdrijven; soort misdrijf, regio"\n"Soort misdrijf: Totaal misdrijven"\n""\n'
        '"Onderwerp";"Geregistreerde misdrijven"\n"Perioden";"2022"\n"Regio\'s";"%"\n"Almere";"4.5"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no column of registered counts"):
        check(path)
    # Without its filter lines: still a crime table (its topic), refused the same way.
    path.write_text(
        '"Onderwerp";"Geregistreerde misdrijven"\n"Perioden";"2022"\n"Regio\'s";"%"\n"Almere";"4.5"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no column of registered counts"):
        check(path)


def test_survey_layouts_are_stored(tmp_path: Path) -> None:
    for name, text in (("long.csv", LONG), ("wide.csv", WIDE), ("view.csv", VIEW)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = Store(tmp_path / "store")
    result = ingest_paths([tmp_path / n for n in ("long.csv", "wide.csv", "view.csv")], store, ReadOptions())
    assert result.stored
    with store.reading():
        stored = store.scan(Kind.survey).collect()
    assert stored.height == 6 + 8 + 6
    flevoland = stored.filter((pl.col("area") == "Flevoland (politieregio)") & (pl.col("year") == 2008))
    assert sorted(flevoland["value"].to_list()) == ["27.5", "6.0"]


def test_a_figure_given_twice_is_a_duplicate_finding(tmp_path: Path) -> None:
    # Two columns with the same topic, year and kind: both kept, the validator names the second.
    path = tmp_path / "tabel.csv"
    path.write_text(
        '"Onderwerp";"Voelt zich weleens onveilig";"Voelt zich weleens onveilig"\n'
        '"Perioden";"2017";"2017"\n'
        '"Regio\'s";"%";"%"\n'
        '"Almere";"38.0";"37.0"\n'
        '"Bron: CBS"\n',
        encoding="utf-8",
    )
    result = check(path)
    assert result.report.rows_read == 2 and not result.report.valid
    assert [(i.code, i.row) for i in result.report.issues] == [("duplicate_key", 4)]
    assert rows(result, "year", "value") == [(2017, "38.0")]

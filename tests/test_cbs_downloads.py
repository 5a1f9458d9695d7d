"""What analysts download from CBS StatLine and the police portal, read without ``--map`` (issue 20).

The fixtures in ``tests/fixtures/cbs_downloads/`` are written by hand in the real layouts (headers
worded as CBS writes them, a byte-order mark, CRLF line ends, padded cells, ``2019*``, empty rows for
municipalities that no longer exist); the OData documents are built here in the TypedDataSet shape.
Every stored figure below is computed by hand from those files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from veilcli import api
from veilcli.domain.choices import Kind
from veilcli.errors import InputError, UsageError
from veilcli.sources.formats import recognise
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import ValidatedTable

FIXTURES = Path(__file__).parent / "fixtures" / "cbs_downloads"
CRIME_83648 = FIXTURES / "Geregistreerde_criminaliteit__soort_misdrijf__regio_12062025_101212.csv"
RATES_83648 = FIXTURES / "Geregistreerde_criminaliteit__soort_misdrijf__regio_12062025_101340.csv"
REGIONAL_70072 = FIXTURES / "Regionale_kerncijfers_Nederland_12062025_101500.csv"
KWB_2019_NAMES = FIXTURES / "Kerncijfers_wijken_en_buurten_2019_05062025_112613.csv"
KWB_2023_CODES = FIXTURES / "Kerncijfers_wijken_en_buurten_2023_14052025_090102.csv"

PLAN = """
name = "CBS downloads"
area = "{area}"
baseline = 2017

[[indicators]]
id = "misdrijven"
theme = 1
label = "Geregistreerde misdrijven per 1.000 inwoners"
categories = ["crime"]
unit = "per_1000_inhabitants"
goal = "none"

[[indicators]]
id = "misdrijven_aantal"
theme = 1
label = "Geregistreerde misdrijven"
categories = ["crime"]
unit = "count"
goal = "none"
"""


def check(path: Path, **options: Any) -> ValidatedTable:
    [table] = read_tables(path)
    return recognise_and_validate(table, ReadOptions(**options))


def plan(tmp_path: Path, area: str = "Almere") -> Path:
    path = tmp_path / f"plan-{area}.toml"
    path.write_text(PLAN.format(area=area), encoding="utf-8")
    return path


def api_app() -> Any:
    """The typer app (imported when a test runs the CLI)."""
    from veilcli.cli import app

    return app


def odata(path: Path, table: str, rows: list[dict[str, Any]], catalog: str = "opendata") -> Path:
    document = {
        "odata.metadata": f"https://{catalog}.cbs.nl/ODataApi/OData/{table}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
        "value": [{"ID": i, **row} for i, row in enumerate(rows)],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_cbs_crime_csv_download_is_read_at_cbs_total(tmp_path: Path) -> None:
    result = check(CRIME_83648)
    report = result.report
    assert (report.source_format, report.kind, report.kind_detected, report.valid) == (
        "cbs-csv-counts",
        Kind.counts,
        True,
        True,
    )
    assert report.columns == {
        "period": "Perioden",
        "area": "Regio's",
        "category_code": "Soort misdrijf",
        "count": "Geregistreerde misdrijven/Totaal geregistreerde misdrijven (aantal)",
    }
    # "Misdrijven, totaal" is the crime total; CBS's own categories (3 rows) are not stored; the
    # empty rows of Haren 2019 (merged into Groningen) and Abcoude (gone since 2011) are skipped;
    # Schiermonnikoog existed in 2019: its empty row is a suppressed figure, kept as unknown.
    assert result.data.select("period", "area", "category_code", "count").sort("area", "period").rows() == [
        ("2017", "Almere", "0.0.0", 10040),
        ("2018", "Almere", "0.0.0", 9710),
        ("2019", "Almere", "0.0.0", 10465),  # "Almere    " and 2019*
        ("2017", "Groningen", "0.0.0", 14325),  # "Groningen (gemeente)"
        ("2018", "Groningen", "0.0.0", 13490),
        ("2019", "Groningen", "0.0.0", 15210),
        ("2017", "Groningen (PV)", "0.0.0", 29345),  # the province: an area of its own
        ("2017", "Haren", "0.0.0", 610),
        ("2018", "Haren", "0.0.0", 575),
        ("2017", "Nederland", "0.0.0", 932740),
        ("2018", "Nederland", "0.0.0", 914170),
        ("2019", "Nederland", "0.0.0", 942740),
        ("2019", "Schiermonnikoog", "0.0.0", None),
    ]
    notes = " | ".join(report.notes)
    assert "2 row(s) without any figure skipped" in notes
    assert "3 row(s) of CBS's own categories left out ('1 Vermogensmisdrijven', '2 Vernielingen" in notes
    assert "4 row(s) of provisional figures" in notes and "rates left out" in notes
    assert [(i.row, i.code) for i in report.issues] == [(15, "suppressed_value")]


def test_cbs_crime_download_and_population_give_rates_by_hand(tmp_path: Path) -> None:
    store = api.Store(tmp_path / "store")
    result = api.ingest([CRIME_83648, REGIONAL_70072], store)
    assert [(s.source_format, s.rows_stored) for s in result.sources] == [
        ("cbs-csv-counts", 13),
        ("cbs-csv-population", 8),
    ]
    almere = {i.id: i for i in api.compare(store, period="2019", plan_path=plan(tmp_path)).indicators}
    # 10040 / 200914 x 1000 = 49.972 (2017); 10465 / 207904 x 1000 = 50.336 (2019).
    assert almere["misdrijven_aantal"].values == {"2017": 10040, "2018": 9710, "2019": 10465}
    assert almere["misdrijven"].values["2017"] == pytest.approx(10040 / 200914 * 1000)
    assert almere["misdrijven"].values["2019"] == pytest.approx(10465 / 207904 * 1000)
    # Groningen absorbed Haren and Ten Boer in 2019: 2017 on the 2019 territory is Groningen + Haren
    # (14325 + 610 = 14935 crimes, 202810 + 19000 = 221810 inhabitants), and Ten Boer, which no row
    # covers, makes the figure incomplete.
    groningen = api.compare(store, period="2019", plan_path=plan(tmp_path, "Groningen")).indicators
    counts, rates = groningen[1], groningen[0]
    assert counts.values["2017"] == 14935 and counts.values["2019"] == 15210
    assert rates.values["2017"] == pytest.approx(14935 / 221810 * 1000)
    assert rates.status.value == "incomplete"


def test_a_table_of_rates_only_is_refused_saying_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="this table holds rates, not registered counts") as info:
        check(RATES_83648)
    assert "per 1000 inw." in str(info.value) and "Totaal geregistreerde misdrijven" in str(info.value.hint)
    rates = odata(
        tmp_path / "83648NED_TypedDataSet.json",
        "83648NED",
        [
            {
                "SoortMisdrijf": "T001161",
                "RegioS": "GM0034    ",
                "Perioden": "2019JJ00",
                "GeregistreerdeMisdrijvenPer1000Inw_3": 50.3,
            }
        ],
    )
    with pytest.raises(
        InputError, match=r"holds rates, not registered counts.*GeregistreerdeMisdrijvenPer1000Inw_3"
    ):
        check(rates)
    # On the command line: one message, exit 2, never a traceback (70).
    cli = CliRunner().invoke(api_app(), ["validate", str(RATES_83648)])
    assert cli.exit_code == 2 and "holds rates, not registered counts" in cli.output
    assert "Traceback" not in cli.output


def test_a_failed_ingest_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = api.Store(tmp_path / "store")
    api.ingest([REGIONAL_70072], store)
    before = (store.root / "manifest.json").read_bytes()
    with pytest.raises(InputError, match="holds rates"):
        api.ingest([CRIME_83648, RATES_83648], store)
    assert (store.root / "manifest.json").read_bytes() == before
    assert store.scan(Kind.counts).collect().height == 0


# --- older editions as OData TypedDataSets --------------------------------------------------------


def test_83648ned_2018_edition_codes_read_at_their_total(tmp_path: Path) -> None:
    """The 2018 edition keys CBS's categories with seven digits: 0000000 is the total."""
    rows = [
        {
            "SoortMisdrijf": key,
            "RegioS": "GM0034    ",
            "Perioden": period,
            "TotaalGeregistreerdeMisdrijven_1": count,
            "GeregistreerdeMisdrijvenRelatief_2": share,
            "GeregistreerdeMisdrijvenPer1000Inw_3": 60.2,
        }
        for key, share, by_year in [
            ("0000000", 100.0, (11915, 10040)),
            ("1000000", 49.5, (5900, 5140)),
            ("1010100", 2.5, (300, 260)),
        ]
        for period, count in zip(("2015JJ00", "2017JJ00"), by_year, strict=True)
    ]
    result = check(odata(tmp_path / "83648NED_TypedDataSet.json", "83648NED", rows))
    assert (result.report.source_format, result.report.valid) == ("politie-opendata-odata", True)
    assert result.data.select("period", "area", "category_code", "count").rows() == [
        ("2015", "Almere", "0.0.0", 11915),
        ("2017", "Almere", "0.0.0", 10040),
    ]
    assert any(
        "its total '0000000' read as 0.0.0" in n
        and "4 row(s) of CBS's own categories left out ('1000000', '1010100')" in n
        for n in result.report.notes
    )


def test_regional_key_figures_70072ned_odata_a_year_per_row(tmp_path: Path) -> None:
    rows = [
        {
            "RegioS": "GM0034    ",
            "Perioden": "2015JJ00",
            "TotaleBevolking_1": 198000,
            "k_10Tot15Jaar_6": 13000,
            "k_15Tot20Jaar_7": 12500,
            "k_20Tot25Jaar_8": 11000,
        },
        {
            "RegioS": "GM0034    ",
            "Perioden": "2016JJ00",
            "TotaleBevolking_1": 200000,
            "k_10Tot15Jaar_6": 13500,
            "k_15Tot20Jaar_7": 12600,
            "k_20Tot25Jaar_8": 11200,
        },
        # Bedum (GM0005) merged into Het Hogeland in 2019: CBS still lists it, without figures.
        {
            "RegioS": "GM0005    ",
            "Perioden": "2019JJ00",
            "TotaleBevolking_1": None,
            "k_10Tot15Jaar_6": None,
            "k_15Tot20Jaar_7": None,
            "k_20Tot25Jaar_8": None,
        },
    ]
    path = odata(tmp_path / "70072ned_TypedDataSet.json", "70072NED", rows)
    result = check(path, youth_from_15_25=True)
    assert (result.report.source_format, result.report.valid) == ("cbs-kerncijfers", True)
    # 12-24 from five-year bands: 3/5 x (10-14) + 15-19 + 20-24: 7800 + 12500 + 11000 = 31300 (2015),
    # 8100 + 12600 + 11200 = 31900 (2016).
    assert result.data.select(
        "year", "area", "inhabitants", "youths_12_24", "youths_12_24_estimated"
    ).rows() == [
        (2015, "Almere", 198000, 31300, True),
        (2016, "Almere", 200000, 31900, True),
    ]
    assert any("1 row(s) without any figure skipped" in n for n in result.report.notes)
    with pytest.raises(UsageError, match="gives each row its year"):
        check(path, year=2016)


# --- Regionale kerncijfers 70072NED as CSV ----------------------------------------------------------


def test_regional_key_figures_csv_download(tmp_path: Path) -> None:
    result = check(REGIONAL_70072, youth_from_15_25=True)
    report = result.report
    assert (report.source_format, report.kind, report.valid) == ("cbs-csv-population", Kind.population, True)
    assert report.columns["inhabitants"].endswith("/Totale bevolking (aantal)")
    assert report.columns["dwellings"] == "Bouwen en wonen/Woningvoorraad/Voorraad op 1 januari (aantal)"
    # Youths 12-24 = 3/5 x (10-14) + 15-19 + 20-24, e.g. Almere 2019: 8250 + 13180 + 12440 = 33870.
    rows = (
        result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24")
        .sort("year", "area")
        .rows()
    )
    assert rows == [
        (2017, "Almere", 200914, 78440, 8340 + 12800 + 11900),
        (2017, "Groningen", 202810, 105500, 4500 + 15900 + 36100),
        (2017, "Groningen (PV)", 583990, 290000, 18000 + 36000 + 52000),
        (2017, "Haren", 19000, 8700, 660 + 1300 + 900),
        (2017, "Nederland", 17081507, 7740984, 577200 + 1040000 + 1080000),
        (2019, "Almere", 207904, 80911, 8250 + 13180 + 12440),
        (2019, "Groningen", 231299, 121000, 5340 + 17000 + 37800),
        (2019, "Nederland", 17282163, 7815000, 570000 + 1030000 + 1100000),
    ]
    assert any("2 row(s) without any figure skipped" in n for n in report.notes)  # Haren 2019, Aalburg
    assert any("ESTIMATED as 3/5 x (10-14) + 15-19 + 20-24" in n for n in report.notes)
    without = check(REGIONAL_70072)
    assert "youths_12_24" not in without.report.columns and without.data["youths_12_24"].null_count() == 8


# --- Kerncijfers wijken en buurten as CSV -----------------------------------------------------------


def test_kerncijfers_csv_without_codes_keeps_the_municipalities(tmp_path: Path) -> None:
    result = check(KWB_2019_NAMES, youth_from_15_25=True)
    report = result.report
    assert (report.source_format, report.valid) == ("cbs-csv-population", True)
    assert report.columns["year"] == f"year (file name {KWB_2019_NAMES.name})"
    # Without the code topic only the country and the municipalities are told apart; "Nederland" in
    # Steenwijkerland is a wijk and a buurt there, not the country. Youths: 15-24 + 3/15 x (0-14).
    assert result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24").sort(
        "area"
    ).rows() == [
        (2019, "Aa en Hunze", 25390, 11560, 2520 + 720),
        (2019, "Almere", 207904, 80911, 26500 + 8400),
        (2019, "Nederland", 17282163, 7815000, 2130000 + 549000),
        (2019, "Steenwijkerland", 44000, 19700, 4900 + 1440),
    ]
    assert any(n.startswith("8 wijk and buurt row(s) left out") and "Codering" in n for n in report.notes)
    with pytest.raises(UsageError, match="--year 2018, but the file is for 2019"):
        check(KWB_2019_NAMES, year=2018)
    nameless = tmp_path / "kerncijfers.csv"
    nameless.write_bytes(KWB_2019_NAMES.read_bytes())
    with pytest.raises(InputError, match="its year cannot be told") as info:
        check(nameless)
    assert "--year" in str(info.value.hint)
    assert check(nameless, year=2019).data["year"].unique().to_list() == [2019]


def test_kerncijfers_csv_with_codes_stores_every_level_under_its_code(tmp_path: Path) -> None:
    result = check(KWB_2023_CODES, youth_from_15_25=True)
    assert (result.report.source_format, result.report.valid) == ("cbs-csv-population", True)
    # Codes padded ("GM0034    "), municipalities under their name, Amsterdam's letter codes kept;
    # "." stays unknown (a warning), never 0.
    rows = result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24").rows()
    assert rows == [
        (2023, "Nederland", 17811291, 8100000, 2190000 + 544000),
        (2023, "Almere", 218096, 86400, 27100 + 8720),
        (2023, "WK003401", 105200, 42100, 14000 + 3960),
        (2023, "BU00340101", 5200, 3100, 900 + 140),
        (2023, "Amsterdam", 918117, 452000, 117000 + 27800),
        (2023, "WK0363AA", 7600, 4700, 900 + 160),
        (2023, "BU0363AA01", 1500, 900, 170 + 30),
        (2023, "BU0363AA02", None, None, None),
    ]
    assert {i.code for i in result.report.issues} == {"suppressed_value"}


def test_kerncijfers_and_regional_figures_ingest_side_by_side(tmp_path: Path) -> None:
    """The KWB 2019 and 70072NED give Almere's 2019 inhabitants and dwellings alike: kept once."""
    store = api.Store(tmp_path / "store")
    api.ingest([KWB_2019_NAMES, REGIONAL_70072], store)
    almere = store.scan(Kind.population).filter(pl.col("area") == "Almere").collect()
    assert sorted(set(almere.select("year", "inhabitants", "dwellings").rows())) == [
        (2017, 200914, 78440),
        (2019, 207904, 80911),
    ]


# --- police per woonplaats (47015NED) ---------------------------------------------------------------


def woonplaats_labels(folder: Path) -> Path:
    path = folder / "Geregistreerde_misdrijven__soort_misdrijf__plaats_12062025_110000.csv"
    path.write_bytes(
        b'"Soort misdrijf";"Plaatsen";"Perioden";"Geregistreerde misdrijven (aantal)"\r\n'
        b'"0.0.0 Totaal misdrijven";"Almere";"2019";"    9000"\r\n'
        b'"1.1.1 Diefstal/inbraak woning";"Almere";"2019";"     410"\r\n'
        b'"1.1.1 Diefstal/inbraak woning";"Groningen";"2019";"     455"\r\n'
        b'"1.1.1 Diefstal/inbraak woning";"Haren";"2019";"      31"\r\n'
    )
    return path


def test_woonplaatsen_are_areas_of_their_own(tmp_path: Path) -> None:
    labels = check(woonplaats_labels(tmp_path))
    assert labels.report.source_format == "politie-opendata-labels"
    assert labels.data.select("area", "category_code", "count").rows() == [
        ("Almere (woonplaats)", "0.0.0", 9000),
        ("Almere (woonplaats)", "1.1.1", 410),
        ("Groningen (woonplaats)", "1.1.1", 455),
        ("Haren (woonplaats)", "1.1.1", 31),  # the village, not the former municipality
    ]
    assert any("woonplaatsen (places), not municipalities" in n for n in labels.report.notes)
    rows = [
        {
            "SoortMisdrijf": "0.0.0  ",
            "Plaatsen": "WP3594  ",
            "Perioden": "2019MM01",
            "GeregistreerdeMisdrijven_1": 700,
        },
        {
            "SoortMisdrijf": "1.1.1  ",
            "Plaatsen": "1012",
            "Perioden": "2019MM01",
            "GeregistreerdeMisdrijven_1": 12,
        },
    ]
    typed = check(odata(tmp_path / "47015NED_TypedDataSet.json", "47015NED", rows, "dataderden"))
    assert (typed.report.source_format, typed.report.columns["area"]) == (
        "politie-opendata-odata",
        "Plaatsen",
    )
    assert typed.data.select("period", "area", "category_code", "count").rows() == [
        ("2019-01", "WP3594", "0.0.0", 700),
        ("2019-01", "WP1012", "1.1.1", 12),  # the bare BAG woonplaatscode
    ]


def test_a_woonplaats_is_never_compared_as_the_municipality(tmp_path: Path) -> None:
    store = api.Store(tmp_path / "store")
    api.ingest([woonplaats_labels(tmp_path)], store)
    with pytest.raises(UsageError, match="no data for area 'Almere'") as info:
        api.compare(store, period="2019", plan_path=plan(tmp_path))
    assert "Almere (woonplaats)" in str(info.value.hint)
    api.ingest([CRIME_83648, REGIONAL_70072], store)
    almere = api.compare(store, period="2019", plan_path=plan(tmp_path)).indicators[1]
    assert almere.values["2019"] == 10465  # the municipality's own total, not + the woonplaats' 9000


# --- police label exports beside CBS tables -----------------------------------------------------------


def test_police_label_export_of_the_total_only_is_the_police_format(tmp_path: Path) -> None:
    path = tmp_path / "Geregistreerde_misdrijven__soort_misdrijf__gemeente.csv"
    path.write_text(
        '"Soort misdrijf";"Perioden";"Regio\'s";"Geregistreerde misdrijven (aantal)"\n'
        '"Totaal misdrijven";"2019";"Almere";"   10500"\n',
        encoding="utf-8",
    )
    result = check(path)
    assert (result.report.source_format, result.data["category_code"].to_list()) == (
        "politie-opendata-labels",
        ["0.0.0"],
    )


def test_a_cbs_topic_path_is_cbs_categories_even_where_they_look_like_police_codes(tmp_path: Path) -> None:
    """CBS numbers its categories too ('1.1.1 Diefstal/inbraak woning'): in a CBS table they are CBS's,
    kept apart from the police's soort misdrijf."""
    path = tmp_path / "Geregistreerde_criminaliteit__soort_misdrijf__regio.csv"
    path.write_text(
        '"Soort misdrijf";"Perioden";"Regio\'s";'
        '"Geregistreerde misdrijven/Totaal geregistreerde misdrijven (aantal)"\n'
        '"Misdrijven, totaal";"2019*";"Almere";"10465"\n'
        '"1.1.1 Diefstal/inbraak woning";"2019*";"Almere";"440"\n',
        encoding="utf-8",
    )
    result = check(path)
    assert result.report.source_format == "cbs-csv-counts"
    assert result.data.select("period", "category_code", "count").rows() == [("2019", "0.0.0", 10465)]
    only_categories = tmp_path / "categorieen.csv"
    only_categories.write_text(
        path.read_text(encoding="utf-8").replace('"Misdrijven, totaal"', '"1 Vermogensmisdrijven"'),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="holds only CBS's own crime categories"):
        check(only_categories)


def test_police_rates_and_survey_topics_are_not_counts(tmp_path: Path) -> None:
    rates = tmp_path / "Geregistreerde_misdrijven_per_1000_inwoners.csv"
    rates.write_text(
        '"Soort misdrijf";"Perioden";"Regio\'s";'
        '"Geregistreerde misdrijven per 1 000 inwoners (per 1 000 inwoners)"\n'
        '"1.1.1 Diefstal/inbraak woning";"2019";"Almere";"   2,1"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="this table holds rates, not registered counts"):
        check(rates)
    # A survey's "Ervaren overlast" (Veiligheidsmonitor) is not registered nuisance: it is read as the
    # survey figure it is (statline-survey), never as counts.
    survey = tmp_path / "Veiligheidsmonitor.csv"
    survey.write_text(
        '"Marges";"Regio\'s";"Perioden";"Overlast in de buurt/Ervaren overlast/Veel overlast (%)"\n'
        '"Waarde";"Almere";"2019";"12,4"\n',
        encoding="utf-8",
    )
    [table] = read_tables(survey)
    assert recognise(table).kind is Kind.survey


def test_population_by_sex_and_age_read_at_the_totals(tmp_path: Path) -> None:
    """03759NED (Bevolking op 1 januari; geslacht, leeftijd, regio): its extra dimensions at their totals."""
    path = tmp_path / "Bevolking_op_1_januari_en_gemiddeld__geslacht__leeftijd_en_regio_12062025_120000.csv"
    path.write_text(
        '"Geslacht";"Leeftijd";"Perioden";"Regio\'s";"Bevolking op 1 januari (aantal)";'
        '"Gemiddelde bevolking (aantal)"\n'
        '"Totaal mannen en vrouwen";"Totaal";"2019";"Almere";"207904";"209000"\n'
        '"Mannen";"Totaal";"2019";"Almere";"102000";"103000"\n'
        '"Totaal mannen en vrouwen";"0 tot 5 jaar";"2019";"Almere";"12600";"12700"\n',
        encoding="utf-8",
    )
    result = check(path)
    assert (result.report.source_format, result.report.columns["inhabitants"]) == (
        "cbs-csv-population",
        "Bevolking op 1 januari (aantal)",
    )
    assert result.data.select("year", "area", "inhabitants").rows() == [(2019, "Almere", 207904)]
    notes = " | ".join(result.report.notes)
    assert "dimension 'Geslacht' read at its total 'Totaal mannen en vrouwen'" in notes
    assert "--dimension" not in notes  # not an option of this format

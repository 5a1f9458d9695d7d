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

import pytest

from veilcli.errors import UsageError
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import ValidatedTable
from veilcli.store.ingest import ReadOptions, recognise_and_validate

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


def odata(path: Path, table: str, rows: list[dict[str, Any]], catalog: str = "opendata") -> Path:
    document = {
        "odata.metadata": f"https://{catalog}.cbs.nl/ODataApi/OData/{table}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
        "value": [{"ID": i, **row} for i, row in enumerate(rows)],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


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

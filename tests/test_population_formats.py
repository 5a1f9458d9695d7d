"""Population from the CBS "Wijk- en buurtkaart" attribute tables and Kerncijfers of every year.

The fixtures follow the real layouts: the shapefile attribute tables up to 2020 (``GM_CODE``,
``WK_CODE``, ``BU_CODE``, ``GM_NAAM``, ``AANT_INW``, ``WONINGEN``, ``P_00_14_JR``, ``P_15_24_JR``,
``JRSTATCODE``) and the GeoPackage layers from 2021 (``buurtcode``, ``wijkcode``, ``gemeentecode``,
``gemeentenaam``, ``aantal_inwoners``, ``water``), with CBS's negative sentinels for secret values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from veilcli.domain.choices import Kind
from veilcli.errors import InputError, UsageError
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.sources.table import RawTable
from veilcli.sources.validate import ValidatedTable
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store


def check(table: RawTable, **options: Any) -> ValidatedTable:
    return recognise_and_validate(table, ReadOptions(**options))


def buurt_2019(folder: Path, name: str = "buurt_2019_v3.csv") -> Path:
    """Buurt layer of the 2019 kaart: two Almere buurten, one secret (fewer than 50 inhabitants)."""
    path = folder / name
    path.write_text(
        "BU_CODE;JRSTATCODE;BU_NAAM;WK_CODE;GM_CODE;GM_NAAM;POSTCODE;AANT_INW;P_00_14_JR;P_15_24_JR;WONINGEN\n"
        "BU00340101;2019BU00340101;Centrum;WK003401;GM0034;Almere;1315;2000;10;20;1100\n"
        "BU00340102;2019BU00340102;Haven;WK003401;GM0034;Almere;1316;-99999999;-99999999;-99999999;-99999999\n",
        encoding="utf-8",
    )
    return path


def gemeente_2019(folder: Path, name: str = "gemeente_2019_v3.csv") -> Path:
    path = folder / name
    path.write_text(
        "GM_CODE;JRSTATCODE;GM_NAAM;H2O;AANT_INW;P_00_14_JR;P_15_24_JR;WONINGEN\n"
        "GM0034;2019GM0034;Almere;NEE;207904;20;13;80911\n"
        "GM0999;2019GM0999;Nieuwgemeente;NEE;1000;15;10;400\n",
        encoding="utf-8",
    )
    return path


def test_wijkbuurtkaart_buurt_layer_codes_and_sentinels(tmp_path: Path) -> None:
    [table] = read_tables(buurt_2019(tmp_path))
    result = check(table)
    report = result.report
    assert (report.source_format, report.kind, report.valid) == ("cbs-wijkbuurtkaart", Kind.population, True)
    assert report.columns["inhabitants"] == "AANT_INW" and report.columns["dwellings"] == "WONINGEN"
    # The finest code is the area; -99999999 (secret) is unknown, never a negative population.
    # A row CBS kept secret throughout has nothing to store: skipped, and said so.
    assert result.data.select("year", "area", "inhabitants", "dwellings").rows() == [
        (2019, "BU00340101", 2000, 1100),
    ]
    assert any(
        "2 negative value(s)" in n and "1 row(s) with no known figure skipped" in n for n in report.notes
    )
    assert any("year from column JRSTATCODE" in n for n in report.notes)
    assert "POSTCODE" in report.dropped_personal_columns or "POSTCODE" not in report.columns.values()


def test_wijkbuurtkaart_gemeente_layer_names_and_youth_estimate(tmp_path: Path) -> None:
    [table] = read_tables(gemeente_2019(tmp_path))
    result = check(table, youth_from_15_25=True)
    # Youths 12-24 = 15-24 + 3/15 x 0-14, from whole percentages of the inhabitants:
    # Almere 13% x 207904 + 0.2 x 20% x 207904 = 27027.52 + 8316.16 = 35343.68 -> 35344.
    assert result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24").rows() == [
        (2019, "Almere", 207904, 80911, 35344),
        (2019, "Nieuwgemeente", 1000, 400, 130),  # a code not known: the table's own name
    ]
    assert result.data["youths_12_24_estimated"].to_list() == [True, True]
    assert any("whole percentages" in n for n in result.report.notes)


def test_wijkbuurtkaart_2021_layout_and_year_from_file_name_or_option(tmp_path: Path) -> None:
    path = tmp_path / "wijkenbuurten_2022_v1_wijken.csv"
    path.write_text(
        "wijkcode,wijknaam,gemeentecode,gemeentenaam,water,aantal_inwoners,woningvoorraad\n"
        "WK036300,Burgwallen-Oude Zijde,GM0363,Amsterdam,NEE,4515,3157\n"
        "WK036399,Water,GM0363,Amsterdam,JA,-99997,-99997\n",
        encoding="utf-8",
    )
    [table] = read_tables(path)
    result = check(table)
    assert result.report.source_format == "cbs-wijkbuurtkaart"
    assert result.data.select("year", "area", "inhabitants", "dwellings").rows() == [
        (2022, "WK036300", 4515, 3157)
    ]
    with pytest.raises(UsageError, match="--year 2019, but the file is for 2022"):
        check(table, year=2019)
    nameless = tmp_path / "wijken.csv"
    nameless.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    [bare] = read_tables(nameless)
    with pytest.raises(InputError, match="its year cannot be told") as info:
        check(bare)
    assert "--year" in str(info.value.hint)
    assert check(bare, year=2022).data["year"].to_list() == [2022]


def test_wijkbuurtkaart_ingests_beside_kerncijfers(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    result = ingest_paths([gemeente_2019(tmp_path), buurt_2019(tmp_path)], store, ReadOptions())
    assert [s.source_format for s in result.sources] == ["cbs-wijkbuurtkaart"] * 2
    stored = store.scan(Kind.population).sort("area").collect()
    assert stored.filter(pl.col("area") == "Almere").select("year", "inhabitants").rows() == [(2019, 207904)]
    assert stored.filter(pl.col("area").str.starts_with("BU"))["area"].to_list() == ["BU00340101"]


@pytest.mark.parametrize(
    ("table_id", "year", "suffixes"),
    [
        ("82339NED", 2013, (5, 8, 9, 31)),  # the oldest KWB: same stems, other numbers
        ("83220NED", 2015, (5, 8, 9, 32)),
        ("85984NED", 2024, (6, 9, 10, 36)),
    ],
)
def test_kerncijfers_any_year_by_name_stem(tmp_path: Path, table_id: str, year: int, suffixes: tuple) -> None:
    inhabitants, young, youth, homes = suffixes
    rows = [
        {
            "WijkenEnBuurten": "GM0034    ",
            "Gemeentenaam_1": "Almere",
            f"AantalInwoners_{inhabitants}": 190000,
            f"k_0Tot15Jaar_{young}": 40000,
            f"k_15Tot25Jaar_{youth}": 25000,
            f"Woningvoorraad_{homes}": 75000,
        },
        {
            "WijkenEnBuurten": "BU00340199",
            "Gemeentenaam_1": "Almere",
            f"AantalInwoners_{inhabitants}": -99999999,  # a sentinel that slipped into an export
            f"k_0Tot15Jaar_{young}": None,
            f"k_15Tot25Jaar_{youth}": None,
            f"Woningvoorraad_{homes}": 120,
        },
    ]
    path = tmp_path / "kwb.json"
    document = {
        "odata.metadata": f"https://opendata.cbs.nl/ODataApi/OData/{table_id}/$metadata#TypedDataSet",
        "value": [{"ID": i, **row} for i, row in enumerate(rows)],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    [table] = read_tables(path)
    result = check(table, youth_from_15_25=True)
    assert result.report.source_format == "cbs-kerncijfers" and result.report.valid
    assert result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24").rows() == [
        (year, "Almere", 190000, 75000, 33000),
        (year, "BU00340199", None, 120, None),
    ]

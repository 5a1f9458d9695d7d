"""The real police and CBS formats: BVH extracts, police open data (OData and labels), CBS KWB.

Every fixture is built here in the exact shape of the real files (reference/README.md): the BVH
extract's 33 headers with Excel serial dates and J/N flags, the OData padded keys and null
suppression, the label export's quoted, right-aligned counts and "." marks, and the KWB tables'
numbered measure columns. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.console import Console

from tests.conftest import write_xlsx
from veilcli.analysis.normalise import roll_up_counts
from veilcli.domain.choices import Kind
from veilcli.domain.classification import NUISANCE_TOTAL_CODE
from veilcli.domain.geography import resolve_areas
from veilcli.domain.groups import group_areas, load_group, shipped_groups
from veilcli.errors import InputError, UsageError
from veilcli.report.render import render_file_report, render_ingest
from veilcli.sources.columns import BVH_HEADERS
from veilcli.sources.formats import recognition_lines
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate, validate_paths
from veilcli.sources.readers import read_tables
from veilcli.sources.table import RawTable
from veilcli.sources.validate import ValidatedTable
from veilcli.store.ingest import ingest_paths
from veilcli.store.store import Store


def check(table: RawTable, **options: Any) -> ValidatedTable:
    """Recognise and validate one table read, as ingest does (``options``: ``ReadOptions`` fields)."""
    return recognise_and_validate(table, ReadOptions(**options))


# --- BVH registration extract ---------------------------------------------------------------

PERSONAL = {
    "Pleegstraatnaam": "Stationsstraat",
    "Pleeghuisnummer met toev.": "12a",
    "Pleegpostcode": "1315AB",
    "X": "143210.5",
    "Y": "486543.25",
}


def bvh_row(incident: str, source: str, code: str, label: str, serial: float | str, **extra: object) -> list:
    """One BVH incident in the 33-column order of the real extract."""
    values: dict[str, object] = {
        "Incident Identificatie": incident,
        "Bronregistratie": source,
        "Incidentsoort code": code,
        "Incidentsoort": label,
        **PERSONAL,
        "Pleegplaats": "ALMERE",
        "Pleeggemeente": "ALMERE",
        "Pleegprovincie": "FLEVOLAND",
        "Pleegwijk": "Stad",
        "Pleegbuurt": "Centrum Almere-Stad",
        "Pleegsubbuurt": "Stadhuisplein",
        "Begin-pleegdag v/d week": "woensdag",
        "Begin-pleegdagdeel": "middag",
        "Begin-pleegdatum/tijd": serial,
        "Eind-pleegdag v/d week": "woensdag",
        "Eind-pleegdagdeel": "middag",
        "Eind-pleegdatum/tijd": serial,
        "Kennisnamedag v/d week": "woensdag",
        "Kennisnamedagdeel": "avond",
        "Kennisnamedatum/tijd": serial,
        "Aangifte": "J",
        "Poging": "N",
        "Verdachten": 0,
        "Aanhoudingen": 0,
        "Opgehelderd": "N",
        "Object": "FIETS",
        "Project(en)": None,
        "Temperatuur": 14.5,
        "Weer": "DROOG",
    }
    values.update(extra)
    return [values[h] for h in BVH_HEADERS]


def bvh_rows(serial_as_text: bool = False) -> list[list]:
    def s(value: float) -> float | str:
        return repr(value) if serial_as_text else value

    return [
        list(BVH_HEADERS),
        # 42998.729166666701 = 2017-09-20 17:30 (Excel day 1 = 1900-01-01, serial 0 = 1899-12-30)
        bvh_row(
            "PL0900_BVH_3606792", "PL0900_BVH_2017250824", "A72", "DIEFSTAL FIETS", s(42998.729166666701)
        ),
        # Two incidents of one registration (samenloop): street robbery with a threat.
        bvh_row("PL0900_BVH_3606793", "PL0900_BVH_2017250830", "B70", "STRAATROOF", s(43528.5), Poging="J"),
        bvh_row("PL0900_BVH_3606794", "PL0900_BVH_2017250830", "F550", "MISHANDELING", s(43528.5)),
        # Row 5: not a BVH code and not an open-data code.
        bvh_row("PL0900_BVH_3606795", "PL0900_BVH_2017250831", "Q999", "ONBEKEND", s(43529.25)),
    ]


@pytest.fixture
def bvh_xlsx(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "bvh-extract-almere.xlsx", bvh_rows(), sheet="Export")


def test_bvh_extract_recognised_without_kind_or_map(bvh_xlsx: Path) -> None:
    [table] = read_tables(bvh_xlsx)
    result = check(table)
    report = result.report
    assert (report.source_format, report.kind, report.kind_detected) == (
        "bvh-extract",
        Kind.registrations,
        True,
    )
    assert report.columns == {
        "registration_id": "Incident Identificatie",
        "event_id": "Bronregistratie",
        "category_code": "Incidentsoort code",
        "category_label": "Incidentsoort",
        "date": "Kennisnamedatum/tijd",
        "municipality": "Pleeggemeente",
        "district": "Pleegwijk",
        "neighbourhood": "Pleegbuurt",
        "attempt": "Poging",
    }
    assert report.dropped_personal_columns == list(PERSONAL)
    assert "Begin-pleegdatum/tijd" in report.ignored_columns and "Aangifte" in report.ignored_columns
    assert not set(PERSONAL) & set(report.ignored_columns)
    # The unknown code is reported with its spreadsheet row (header on row 1: 4th incident = row 5).
    unknown = [(i.row, i.column, i.value) for i in report.issues if i.code == "unknown_category"]
    assert unknown == [(5, "Incidentsoort code", "Q999")]
    data = result.data.sort("registration_id")
    assert data["date"].to_list() == [dt.date(2017, 9, 20), dt.date(2019, 3, 4), dt.date(2019, 3, 4)]
    assert data["municipality"].to_list() == ["Almere"] * 3  # ALMERE -> canonical name
    assert data["category_code"].to_list() == ["A72", "B70", "F550"]  # BVH codes kept
    assert data["attempt"].to_list() == [False, True, False]
    assert data["event_id"].to_list() == ["PL0900_BVH_2017250824", "PL0900_BVH_2017250830"] * 1 + [
        "PL0900_BVH_2017250830"
    ]
    assert data["channel"].to_list() == [None, None, None]  # no channel column in a BVH extract
    assert report.periods == ["2017H2", "2019H1"] and report.areas == ["Almere"]


def test_bvh_text_export_with_serials_as_text(tmp_path: Path) -> None:
    rows = bvh_rows(serial_as_text=True)
    path = tmp_path / "bvh-export.txt"
    path.write_text("\n".join("\t".join("" if v is None else str(v) for v in r) for r in rows) + "\n")
    [table] = read_tables(path)
    assert table.delimiter == "\t"
    assert table.frame["Kennisnamedatum/tijd"][0] == "42998.7291666667"
    result = check(table)
    assert result.report.source_format == "bvh-extract"
    assert result.data["date"].to_list()[0] == dt.date(2017, 9, 20)


def test_bvh_personal_columns_never_reach_the_store(bvh_xlsx: Path, tmp_path: Path, store_dir: Path) -> None:
    result = ingest_paths(
        [bvh_xlsx], Store(store_dir), ReadOptions(), skip_invalid=True, rejected_dir=tmp_path
    )
    [summary] = result.sources
    assert (summary.status, summary.source_format, summary.rows_stored, summary.rows_rejected) == (
        "stored",
        "bvh-extract",
        3,
        1,
    )
    assert summary.dropped_personal_columns == list(PERSONAL)
    assert [s.source_format for s in Store(store_dir).sources()] == ["bvh-extract"]
    [parquet] = (store_dir / "registrations").iterdir()
    assert set(pl.read_parquet_schema(parquet)) == {
        "registration_id",
        "date",
        "category_code",
        "category_label",
        "municipality",
        "district",
        "neighbourhood",
        "event_id",
        "channel",
        "attempt",
        "source_row",
        "source_id",
    }
    stored = parquet.read_bytes()
    for value in ("Stationsstraat", "1315AB", "143210", "486543"):
        assert value.encode() not in stored
    # A short value like the house number "12a" is checked cell by cell: as raw bytes it could turn up
    # by chance inside a hash (source_id).
    cells = pl.read_parquet(parquet).select(pl.all().cast(pl.String)).unpivot()["value"].to_list()
    assert "12a" not in cells
    # The rejected-rows file is written next to the analyst's files: no personal data there either.
    rejected = Path(summary.rejected_file or "").read_text(encoding="utf-8")
    assert "Q999" in rejected and "1315AB" not in rejected and "Stationsstraat" not in rejected


# --- police open data: OData TypedDataSet -------------------------------------------------------

MONTHS = [120, 95, 101, 88, 97, 110, 130, 125, 90, 99, 104, 118]  # 1.2.3 Almere 2019, by month
INTERNET = [30, 20, 25, 22, 24, 28, 35, 31, 21, 26, 27, 30]


def odata_document(table_id: str, rows: list[dict]) -> dict:
    return {
        "odata.metadata": f"https://opendata.cbs.nl/ODataApi/OData/{table_id}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
        "value": [{"ID": i, **row} for i, row in enumerate(rows)],
    }


def crime_rows() -> list[dict]:
    """47013NED-shaped rows: 12 months + the year for 1.2.3 in Almere, a suppressed cell."""
    rows = [
        {
            "SoortMisdrijf": "1.2.3 ",
            "RegioS": "GM0034",
            "Perioden": f"2019MM{m:02d}",
            "GeregistreerdeMisdrijven_1": count,
            "Aangiften_2": count - 10,
            "Internetaangiften_3": online,
        }
        for m, (count, online) in enumerate(zip(MONTHS, INTERNET, strict=True), start=1)
    ]
    # The year row as published (the same months summed: 1277; online 319).
    rows.append(
        {
            "SoortMisdrijf": "1.2.3 ",
            "RegioS": "GM0034",
            "Perioden": "2019JJ00",
            "GeregistreerdeMisdrijven_1": 1277,
            "Aangiften_2": 1157,
            "Internetaangiften_3": 319,
        }
    )
    rows.append(
        {
            "SoortMisdrijf": "1.4.7 ",
            "RegioS": "RE03  ",
            "Perioden": "2019JJ00",
            "GeregistreerdeMisdrijven_1": None,  # suppressed: unknown, not 0
            "Aangiften_2": None,
            "Internetaangiften_3": None,
        }
    )
    rows.append(
        {
            "SoortMisdrijf": "0.0.0 ",
            "RegioS": "NL01  ",
            "Perioden": "2019JJ00",
            "GeregistreerdeMisdrijven_1": 819000,
            "Aangiften_2": 600000,
            "Internetaangiften_3": 180000,
        }
    )
    return rows


@pytest.fixture
def odata_json(tmp_path: Path) -> Path:
    path = tmp_path / "47013NED_TypedDataSet.json"
    path.write_text(json.dumps(odata_document("47013NED", crime_rows())), encoding="utf-8")
    return path


def test_odata_json_counts(odata_json: Path) -> None:
    [table] = read_tables(odata_json)
    result = check(table)
    report = result.report
    assert (report.source_format, report.kind) == ("politie-opendata-odata", Kind.counts)
    assert report.columns == {
        "period": "Perioden",
        "area": "RegioS",
        "category_code": "SoortMisdrijf",
        "count": "GeregistreerdeMisdrijven_1",
        "internet_count": "Internetaangiften_3",
    }
    assert report.ignored_columns == ["ID", "Aangiften_2"]
    assert report.valid
    data = result.data
    assert data.height == 15
    almere = data.filter(pl.col("area") == "Almere")
    assert almere.filter(pl.col("period") == "2019")["count"].to_list() == [1277]
    assert almere.filter(pl.col("period") == "2019-03")[["count", "internet_count"]].row(0) == (101, 25)
    assert data.filter(pl.col("area") == "Midden-Nederland")["count"].to_list() == [None]
    assert data.filter(pl.col("area") == "Nederland")["category_code"].to_list() == ["0.0.0"]
    suppressed = [(i.row, i.severity.value) for i in report.issues if i.code == "suppressed_value"]
    assert suppressed[0] == (14, "warning")  # the 14th record
    assert "2019" in report.periods and "2019-12" in report.periods
    assert any("stored apart" in note for note in report.notes)
    assert "table 47013NED" in report.notes


def test_monthly_and_yearly_rows_are_not_double_counted(odata_json: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    result = ingest_paths([odata_json], store, ReadOptions())
    assert result.stored and result.sources[0].rows_stored == 15
    counts = store.scan(Kind.counts).filter(pl.col("area") == "Almere")
    year = roll_up_counts(counts, "Y").collect()
    # The year row alone (1277), never 1277 + the 12 months (2554).
    assert year[["period", "count", "internet_count"]].rows() == [("2019", 1277, 319)]
    halves = roll_up_counts(counts, "H").collect().sort("period")
    # H1 = 120+95+101+88+97+110 = 611 (online 30+20+25+22+24+28 = 149); H2 = 666 (online 170).
    assert halves[["period", "count", "internet_count"]].rows() == [
        ("2019H1", 611, 149),
        ("2019H2", 666, 170),
    ]


def test_odata_csv_with_padded_keys_and_nuisance_total(tmp_path: Path) -> None:
    """47024NED-like nuisance table as TypedDataSet CSV: WijkenEnBuurten keys padded to 10."""
    path = tmp_path / "47024NED_TypedDataSet.csv"
    lines = [
        '"ID","Overlast","WijkenEnBuurten","Perioden","GeregistreerdeOverlast_1"',
        '0,"0.0.0 ","GM0034    ","2019JJ00",9120',
        '1,"E35 ","GM0034    ","2019JJ00",1642',
        '2,"E35 ","WK003401  ","2019JJ00",815',
        '3,"E35 ","BU00340101","2019JJ00",',
        '4,"E38 ","NL00      ","2019JJ00",30150',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [table] = read_tables(path)
    result = check(table)
    assert result.report.source_format == "politie-opendata-odata"
    rows = result.data.select("area", "category_code", "count").rows()
    assert rows == [
        ("Almere", NUISANCE_TOTAL_CODE, 9120),  # the nuisance total is never the crime total 0.0.0
        ("Almere", "E35", 1642),
        ("WK003401", "E35", 815),  # no district name in this table: kept under its code
        ("BU00340101", "E35", None),
        ("Nederland", "E38", 30150),
    ]
    assert [i.row for i in result.report.issues if i.code == "suppressed_value"] == [5]
    assert any(NUISANCE_TOTAL_CODE in note for note in result.report.notes)


def test_odata_next_link_is_reported(tmp_path: Path) -> None:
    document = odata_document("47013NED", crime_rows()[:2])
    document["odata.nextLink"] = "https://opendata.cbs.nl/ODataApi/OData/47013NED/TypedDataSet?$skip=10000"
    path = tmp_path / "page1.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    [table] = read_tables(path)
    assert any("one page" in note for note in check(table).report.notes)


# --- police open data: "download as CSV" label export -------------------------------------------

LABELS = (
    '"Soort misdrijf";"Perioden";"Regio\'s";"Geregistreerde misdrijven (aantal)";'
    '"Internetaangiften (aantal)"\n'
    '"1.2.3 Diefstal van brom-, snor-, fietsen";"2019";"Amsterdam";"   10378";"  2310"\n'
    '"1.2.3 Diefstal van brom-, snor-, fietsen";"2019 januari";"Amsterdam";"     812";"   190"\n'
    '"1.4.7 Overval";"2019";"Almere";"       .";"      ."\n'
    '"Totaal misdrijven";"2019";"Midden-Nederland";"   85120";"  16880"\n'
    '"1.1.1 Diefstal/inbraak woning";"2019 februari";"\'s-Gravenhage (gemeente)";"     301";"    40"\n'
    '"9.9.9 Bestaat niet";"2019";"Almere";"       5";"     0"\n'
    '"1.4.6 Straatroof";"2020*";"Almere";"      44";"     0"\n'
)


def test_label_export(tmp_path: Path) -> None:
    path = tmp_path / "Geregistreerde_misdrijven.csv"
    path.write_bytes(LABELS.encode("utf-8"))
    [table] = read_tables(path)
    result = check(table, max_per_code=50)
    report = result.report
    assert (report.source_format, report.kind) == ("politie-opendata-labels", Kind.counts)
    assert report.columns["category_code"] == "Soort misdrijf"
    rows = result.data.select("period", "area", "category_code", "count", "internet_count").rows()
    assert rows == [
        ("2019", "Amsterdam", "1.2.3", 10378, 2310),
        ("2019-01", "Amsterdam", "1.2.3", 812, 190),
        ("2019", "Almere", "1.4.7", None, None),  # "." = suppressed: null, never 0
        ("2019", "Midden-Nederland", "0.0.0", 85120, 16880),  # the total by its title
        ("2019-02", "'s-Gravenhage", "1.1.1", 301, 40),
        ("2020", "Almere", "1.4.6", 44, 0),  # provisional figures carry a star: 2020*
    ]
    suppressed = [
        (i.row, i.column, i.value, i.severity.value) for i in report.issues if i.code == "suppressed_value"
    ]
    assert suppressed == [
        (4, "Internetaangiften (aantal)", ".", "warning"),
        (4, "Geregistreerde misdrijven (aantal)", ".", "warning"),
    ]
    unknown = [(i.row, i.value) for i in report.issues if i.code == "unknown_category"]
    assert unknown == [(7, "9.9.9")]
    assert report.rows_invalid == 1


def test_canonical_counts_with_codes_stay_canonical(tmp_path: Path) -> None:
    path = tmp_path / "tellingen.csv"
    path.write_text("Periode;Gebied;Soort misdrijf;Aantal\n2019H1;Almere;huisverbod;18\n", encoding="utf-8")
    [table] = read_tables(path)
    result = check(table)
    assert result.report.source_format == "veilcli-canonical" and result.report.valid


# --- CBS Kerncijfers wijken en buurten ---------------------------------------------------------


def kwb_2019_rows() -> list[dict]:
    """84583NED columns (2019): AantalInwoners_5, k_0Tot15Jaar_8, k_15Tot25Jaar_9, Woningvoorraad_34."""

    def row(code: str, name: str, inhabitants: int | None, young: int | None, youth: int | None, homes):
        return {
            "WijkenEnBuurten": code,
            "Gemeentenaam_1": name,
            "SoortRegio_2": "Gemeente  " if code.startswith("GM") else "Wijk      ",
            "Codering_3": code,
            "AantalInwoners_5": inhabitants,
            "k_0Tot15Jaar_8": young,
            "k_15Tot25Jaar_9": youth,
            "Woningvoorraad_34": homes,
        }

    return [
        row("NL00      ", "Nederland                                ", 17282163, 2745000, 2130000, 7815000),
        row("GM0034    ", "Almere                                   ", 207904, 42000, 26500, 80911),
        row("WK003401  ", "Almere                                   ", 103400, 19500, 13800, 40650),
        row("BU00340101", "Almere                                   ", 5, None, None, None),
    ]


@pytest.fixture
def kwb_2019(tmp_path: Path) -> Path:
    path = tmp_path / "kerncijfers.json"  # the year comes from the OData metadata (84583NED)
    path.write_text(json.dumps(odata_document("84583NED", kwb_2019_rows())), encoding="utf-8")
    return path


def kwb_2025_csv(folder: Path, name: str = "86165NED_TypedDataSet.csv") -> Path:
    """The later KWB tables number their columns differently: Woningvoorraad_35, no 0-15 band here."""
    path = folder / name
    path.write_text(
        '"ID";"WijkenEnBuurten";"Gemeentenaam_1";"AantalInwoners_5";"k_15Tot25Jaar_9";"Woningvoorraad_35"\n'
        '1;"GM0034    ";"Almere                                  ";"226500";"25000";"89000"\n'
        '2;"GM0999    ";"Nieuwgemeente                           ";"1000";".";"400"\n',
        encoding="utf-8",
    )
    return path


def test_kwb_2019_population(kwb_2019: Path) -> None:
    [table] = read_tables(kwb_2019)
    result = check(table)
    report = result.report
    assert (report.source_format, report.kind) == ("cbs-kerncijfers", Kind.population)
    assert report.columns == {
        "year": "year (table 84583NED)",
        "area": "WijkenEnBuurten",
        "inhabitants": "AantalInwoners_5",
        "dwellings": "Woningvoorraad_34",
    }
    rows = result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24").rows()
    assert rows == [
        (2019, "Nederland", 17282163, 7815000, None),
        (2019, "Almere", 207904, 80911, None),
        (2019, "WK003401", 103400, 40650, None),
        (2019, "BU00340101", 5, None, None),
    ]
    assert any("--youth-from-15-25" in note for note in report.notes)
    assert any("2 district/neighbourhood row(s)" in note for note in report.notes)


def test_kwb_youth_estimate_is_flagged(kwb_2019: Path, tmp_path: Path) -> None:
    [table] = read_tables(kwb_2019)
    data = check(table, youth_from_15_25=True).data
    # With the 0-15 band: 15-24 + 3/15 x 0-14. Almere: 26500 + 42000 x 0.2 = 34900;
    # WK003401: 13800 + 19500 x 0.2 = 17700; the buurt has no bands: no estimate, no flag.
    assert data.select("area", "youths_12_24", "youths_12_24_estimated").rows() == [
        ("Nederland", 2130000 + 549000, True),
        ("Almere", 34900, True),
        ("WK003401", 17700, True),
        ("BU00340101", None, None),
    ]
    [later] = read_tables(kwb_2025_csv(tmp_path))
    result = check(later, youth_from_15_25=True)
    # Without the 0-15 band: 15-24 x 13/10 = 25000 x 1.3 = 32500.
    assert result.report.columns["dwellings"] == "Woningvoorraad_35"
    assert result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24").rows() == [
        (2025, "Almere", 226500, 89000, 32500),
        (2025, "Nieuwgemeente", 1000, 400, None),  # not in areas.csv: the table's own name
    ]
    assert any("ESTIMATED as 15-24 x 13/10" in note for note in result.report.notes)


def test_kwb_year_from_option_or_clear_error(tmp_path: Path) -> None:
    nameless = kwb_2025_csv(tmp_path, "kerncijfers.csv")
    [table] = read_tables(nameless)
    with pytest.raises(InputError, match="its year cannot be told") as info:
        check(table)
    assert "--year" in str(info.value.hint)
    assert check(table, year=2025).data["year"].to_list() == [2025, 2025]
    [named] = read_tables(kwb_2025_csv(tmp_path))
    with pytest.raises(UsageError, match="--year 2019, but the file is for 2025"):
        check(named, year=2019)


def test_kwb_options_belong_to_the_kerncijfers_format(tmp_path: Path, bvh_xlsx: Path) -> None:
    from veilcli.sources.formats import KerncijfersOptions, recognise

    [table] = read_tables(kwb_2025_csv(tmp_path, "kerncijfers.csv"))
    # Its own options object, passed as is: the same as the --year field kept on ReadOptions.
    own = check(table, formats=(KerncijfersOptions(year=2025, youth_from_15_25=True),))
    assert own.report == check(table, year=2025, youth_from_15_25=True).report
    assert own.data["youths_12_24"].to_list() == [32500, None]
    # Another format never sees them; a canonical table says they were ignored.
    [bvh] = read_tables(bvh_xlsx)
    assert recognise(bvh, options=(KerncijfersOptions(year=2019),)).notes == recognise(bvh).notes
    population = tmp_path / "bevolking.csv"
    population.write_text("Jaar;Gebied;Inwoners\n2019;Almere;207904\n", encoding="utf-8")
    [canonical] = read_tables(population)
    # --year is every population format's (issue 20): a canonical table's year column must agree
    assert recognise(canonical, options=(KerncijfersOptions(year=2019),)).notes == [
        "--year 2019 agrees with the column 'Jaar'"
    ]
    assert recognise(canonical, options=(KerncijfersOptions(youth_from_15_25=True),)).notes == [
        "--year / --youth-from-15-25 ignored: they apply to CBS 'Kerncijfers wijken en buurten' only"
    ]


def test_every_source_format_has_one_registered_format_and_recognition_is_its_own_step(
    bvh_xlsx: Path,
) -> None:
    from veilcli.domain.models import SourceFormat
    from veilcli.sources.formats import CANONICAL, FORMATS, format_of, recognise
    from veilcli.sources.validate import validate_table

    registered = [f.name for f in (*FORMATS, CANONICAL)]
    assert sorted(registered) == sorted(SourceFormat) and len(set(registered)) == len(registered)
    assert all(format_of(name).name is name for name in SourceFormat)
    assert all(f.kind is not None for f in FORMATS) and CANONICAL.kind is None
    # read -> recognise -> validate, each on its own: validation takes what recognition made.
    [table] = read_tables(bvh_xlsx)
    recognised = recognise(table)
    assert (recognised.name, recognised.kind, recognised.kind_detected) == (
        SourceFormat.bvh_extract,
        Kind.registrations,
        True,
    )
    assert recognise(table, kind=Kind.counts).name is SourceFormat.veilcli_canonical  # --kind skips it
    report = validate_table(recognised).report
    assert report.source_format is SourceFormat.bvh_extract and report.columns == recognised.columns


def test_kwb_years_side_by_side_in_the_store(kwb_2019: Path, tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    result = ingest_paths([kwb_2019, kwb_2025_csv(tmp_path)], store, ReadOptions(youth_from_15_25=True))
    assert [s.source_format for s in result.sources] == ["cbs-kerncijfers"] * 2
    almere = store.scan(Kind.population).filter(pl.col("area") == "Almere").sort("year").collect()
    assert almere.select(
        "year", "inhabitants", "dwellings", "youths_12_24", "youths_12_24_estimated"
    ).rows() == [
        (2019, 207904, 80911, 34900, True),
        (2025, 226500, 89000, 32500, True),
    ]


# --- areas and groups -------------------------------------------------------------------------


def test_areas_resolve_codes_names_and_case() -> None:
    assert resolve_areas(
        ["GM0034", "gm0034  ", "ALMERE", "RE03  ", "NL01", "NL00", "Den Haag", "Almere-Stad"]
    ) == [
        "Almere",
        "Almere",
        "Almere",
        "Midden-Nederland",
        "Nederland",
        "Nederland",
        "'s-Gravenhage",
        "Almere-Stad",  # unknown names (districts) stay as written
    ]


def test_benchmark_group_g10_100000plus() -> None:
    assert "g10-100000plus" in shipped_groups()
    codes = load_group("g10-100000plus")
    assert len(codes) == len(set(codes)) == 32
    assert {"GM0034", "GM0363", "GM0599", "GM0518", "GM0344"} <= set(codes)
    names = group_areas("g10-100000plus")
    assert names[:4] == ["Amsterdam", "Rotterdam", "'s-Gravenhage", "Utrecht"]
    assert "Almere" in names
    # Every member resolves through areas.csv: rates can be pooled from stored population.
    assert all(not n.startswith("GM") for n in names)
    assert load_group("g10") == codes[:10]


def test_group_files_of_ones_own(tmp_path: Path) -> None:
    own = tmp_path / "buren.csv"
    own.write_text("# my neighbours\ncode,name\nGM0995,Lelystad\nGM0050,Zeewolde\n", encoding="utf-8")
    assert load_group(own) == ["GM0995", "GM0050"]
    assert group_areas(own) == ["Lelystad", "Zeewolde"]
    with pytest.raises(InputError, match="no benchmark group named"):
        load_group("g99")
    bad = tmp_path / "bad.csv"
    bad.write_text("code\nAlmere\n", encoding="utf-8")
    with pytest.raises(InputError, match="not CBS municipality codes"):
        load_group(bad)


# --- what validate and ingest --dry-run say --------------------------------------------------------


def test_dry_run_and_validate_say_what_was_recognised(
    bvh_xlsx: Path, odata_json: Path, kwb_2019: Path, store_dir: Path
) -> None:
    result = ingest_paths([odata_json, kwb_2019], Store(store_dir), ReadOptions(), dry_run=True)
    assert not store_dir.exists()
    assert [(s.source_format, s.status) for s in result.sources] == [
        ("politie-opendata-odata", "dry-run"),
        ("cbs-kerncijfers", "dry-run"),
    ]
    console = Console(record=True, width=200)
    render_ingest(console, result)
    text = console.export_text()
    assert "politie-opendata-odata, counts, dry-run" in text
    assert "count <- 'GeregistreerdeMisdrijven_1'" in text and "columns not used: ID, Aangiften_2" in text
    assert "year <- 'year (table 84583NED)'" in text
    # An invalid file is shown by `validate` (and by ingest before its summary) with the same lines.
    [validated, *_] = validate_paths([bvh_xlsx], ReadOptions())
    console = Console(record=True, width=200)
    render_file_report(console, validated[0].report, 5)
    text = console.export_text()
    assert "bvh-extract" in text
    assert "personal columns dropped (never stored): Pleegstraatnaam" in text
    assert "periods: 2017H2, 2019H1" in text
    lines = recognition_lines(result.report.files[0])
    assert lines[0] == "recognised as politie-opendata-odata -> counts (detected)"
    assert any(line.startswith("areas (3): Almere, Midden-Nederland, Nederland") for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"odata.metadata": "x", "value": []}', "has no rows"),
        ("{not json", "cannot be read as JSON"),
        ('[{"a": {"b": 1}}]', "nested values"),
    ],
)
def test_unreadable_json_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_tables(path)


def test_a_map_cannot_bring_back_a_personal_column(tmp_path: Path) -> None:
    from veilcli.domain.models import ColumnMap

    path = tmp_path / "r.csv"
    path.write_text(
        "Nr;Datum;Code;Gemeente;Pleegpostcode\nR1;2019-01-02;1.1.1;Almere;1315AB\n", encoding="utf-8"
    )
    column_map = ColumnMap(
        kind=Kind.registrations,
        columns={"registration_id": "Nr", "category_code": "Code", "district": "Pleegpostcode"},
    )
    [table] = read_tables(path, header_hints=list(column_map.columns.values()))
    result = check(table, column_map=column_map)
    [issue] = [i for i in result.report.issues if i.code == "map_header_not_found"]
    assert "personal column" in issue.message
    assert result.data.height == 0 and "1315AB" not in result.rejected.write_csv()


def test_statistical_marks_in_canonical_counts_and_population(tmp_path: Path) -> None:
    """ "." (not available) and "x" (confidential) are unknown, never 0; "-" is not accepted."""
    counts = tmp_path / "tellingen.csv"
    counts.write_text(
        "Periode;Gebied;Code;Aantal\n2019H1;Almere;1.1.1;.\n2019H1;Almere;1.2.3;-\n", encoding="utf-8"
    )
    [table] = read_tables(counts)
    result = check(table)
    assert [(i.code, i.row, i.value) for i in result.report.issues] == [
        ("invalid_number", 3, "-"),
        ("suppressed_value", 2, "."),
    ]
    population = tmp_path / "bevolking.csv"
    population.write_text("Jaar;Gebied;Inwoners;Woningen\n2019;Almere;207904;x\n2019;Lelystad;.;31000\n")
    [table] = read_tables(population)
    result = check(table)
    # Inhabitants are optional per row (a file may bring only dwellings or youths), so the "." is a
    # suppressed value like the "x", kept as unknown.
    assert sorted((i.code, i.row, i.value, i.severity.value) for i in result.report.issues) == [
        ("suppressed_value", 2, "x", "warning"),
        ("suppressed_value", 3, ".", "warning"),
    ]
    assert result.data.select("area", "inhabitants", "dwellings").rows() == [
        ("Almere", 207904, None),
        ("Lelystad", None, 31000),
    ]

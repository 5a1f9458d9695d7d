"""The survey kind (issue 15): its layouts read from fixtures in their real form, and its findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.sources.formats import recognise
from veilcli.sources.readers import read_tables
from veilcli.sources.validate import ValidatedTable, validate_table

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

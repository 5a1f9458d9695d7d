"""The header vocabulary: wordings of Dutch police (BVH/BPS/GIDS) and municipal exports.

Every alias folds (case, accents, spaces, punctuation) to one canonical column of its kind, so a
header can never mean two columns; the wordings of real exports map as intended.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from veilcli.domain.choices import Kind
from veilcli.sources.columns import column_specs, detect_kind, is_personal, match_columns, normalise_header
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables


@pytest.mark.parametrize("kind", list(Kind))
def test_no_alias_means_two_columns_of_one_kind(kind: Kind) -> None:
    columns: dict[str, set[str]] = defaultdict(set)
    for spec in column_specs(kind):
        for alias in spec.aliases:
            columns[normalise_header(alias)].add(spec.name)
    ambiguous = {alias: names for alias, names in columns.items() if len(names) > 1}
    assert ambiguous == {}


@pytest.mark.parametrize("kind", list(Kind))
def test_no_alias_is_dropped_as_personal(kind: Kind) -> None:
    assert [a for spec in column_specs(kind) for a in spec.aliases if is_personal(a)] == []


@pytest.mark.parametrize(
    ("headers", "kind", "expected"),
    [
        (
            ["Meldingsnummer", "Datum feit", "Maatschappelijke klasse", "Pleeggemeentenaam",
             "Wijze van binnenkomst"],
            Kind.registrations,
            {"registration_id", "date", "category_code", "municipality", "channel"},
        ),
        (
            ["Registratienr", "Datum registratie", "Maatschappelijke klasse", "Gemeente", "Pleegbuurtnaam",
             "Bronregistratienummer", "Meldwijze"],
            Kind.registrations,
            {"registration_id", "date", "category_code", "municipality", "neighbourhood", "event_id",
             "channel"},
        ),
        (
            ["Volgnummer", "Pleegdatum", "Maatschappelijke klasse", "Woongemeente verdachte",
             "Leeftijd op pleegdatum"],
            Kind.suspects,
            {"registration_id", "date", "category_code", "municipality", "age"},
        ),
        (
            ["Maand", "Gebiedsnaam", "Misdrijfcode", "Aantal registraties", "Aantal internetaangiften"],
            Kind.counts,
            {"period", "area", "category_code", "count", "internet_count"},
        ),
        (
            ["Jaar", "Gebiedscode", "Inwonertal", "Aantal woningen", "Jongeren 12 tot 25 jaar"],
            Kind.population,
            {"year", "area", "inhabitants", "dwellings", "youths_12_24"},
        ),
    ],
)  # fmt: skip
def test_export_wordings_map_as_intended(headers: list[str], kind: Kind, expected: set[str]) -> None:
    assert set(match_columns(headers, kind)) == expected
    assert detect_kind(headers)[0] is kind


def test_a_registration_file_in_other_words_ingests(tmp_path: Path) -> None:
    path = tmp_path / "meldingen.csv"
    path.write_text(
        "Meldingsnummer;Datum feit;Misdrijfcode;Pleeggemeentenaam;Wijze van binnenkomst\n"
        "M1;03-02-2019;1.1.1;Almere;Internet\n"
        "M2;04-02-2019;A72;Almere;Balie\n",
        encoding="utf-8",
    )
    [table] = read_tables(path)
    result = recognise_and_validate(table, ReadOptions())
    assert result.report.kind is Kind.registrations and result.report.valid
    assert result.data.select("registration_id", "category_code", "channel").rows() == [
        ("M1", "1.1.1", "internet"),
        ("M2", "A72", "desk"),
    ]

"""Each validation problem is reported with the spreadsheet row, the header as written and the value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veilcli.domain.choices import Kind
from veilcli.domain.models import ColumnMap, Severity
from veilcli.errors import InputError
from veilcli.sources.pipeline import ReadOptions, recognise_and_validate
from veilcli.sources.readers import read_tables
from veilcli.sources.table import RawTable
from veilcli.sources.validate import ValidatedTable


def check(table: RawTable, **options: Any) -> ValidatedTable:
    """Recognise and validate one table read, as ingest does (``options``: ``ReadOptions`` fields)."""
    return recognise_and_validate(table, ReadOptions(**options))


def validate_csv(tmp_path: Path, text: str, kind: Kind | None = None, column_map: ColumnMap | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "input.csv"
    path.write_text(text, encoding="utf-8")
    [table] = read_tables(path, header_hints=list(column_map.columns.values()) if column_map else None)
    return check(table, kind=kind, column_map=column_map, max_per_code=50)


def findings(result, code: str) -> list[tuple[int | None, str | None, str | None]]:  # type: ignore[no-untyped-def]
    return [(i.row, i.column, i.value) for i in result.report.issues if i.code == code]


def test_valid_workbook_typed_and_canonical(registrations_xlsx: Path) -> None:
    [table] = read_tables(registrations_xlsx)
    result = check(table)
    report = result.report
    assert report.kind is Kind.registrations and report.kind_detected
    assert (report.rows_read, report.rows_valid, report.rows_invalid) == (4, 4, 0)
    assert report.blank_rows_skipped == 1
    assert findings(result, "total_row_skipped") == [(10, None, "Totaal")]
    data = result.data
    assert data["date"].to_list() == [
        dt.date(2019, 2, 3),
        dt.date(2019, 2, 4),
        dt.date(2019, 3, 5),
        dt.date(2019, 3, 12),
    ]
    assert data["municipality"].to_list() == ["Almere"] * 4  # GM0034 resolved
    assert data["channel"].to_list() == ["internet", "desk", "phone", "unknown"]
    assert data["attempt"].to_list() == [False, True, False, None]
    assert data["source_row"].to_list() == [5, 6, 8, 9]
    assert data["category_code"].to_list() == ["1.1.1", "1.2.3", "2.2.1", "1.4.6"]


REG_HEADER = "Registratienummer;Datum;Soort misdrijf code;Gemeente;Wijze van aangifte;Poging\n"


def test_every_row_problem_located(tmp_path: Path) -> None:
    future = f"{dt.date.today() + dt.timedelta(days=2):%d-%m-%Y}"
    result = validate_csv(
        tmp_path,
        REG_HEADER
        + "R1;03-02-2019;1.1.1;Almere;Internet;N\n"  # row 2 ok
        + "R2;31-02-2019;1.1.1;Almere;Balie;N\n"  # row 3 impossible date
        + "R3;03-02-1989;1.1.1;Almere;Balie;N\n"  # row 4 before 1990
        + "R1;03-02-2019;1.2.3;Almere;Balie;N\n"  # row 5 duplicate id
        + "R5;03-02-2019;;Almere;Fax;N\n"  # row 6 missing code, unknown channel
        + "R6;03-02-2019;1.2.3;Almere;Balie;misschien\n"  # row 7 bad boolean
        + f"R7;{future};1.2.3;Almere;Balie;N\n",  # row 8 in the future
    )
    assert findings(result, "invalid_date") == [(3, "Datum", "31-02-2019")]
    assert findings(result, "date_out_of_range") == [(4, "Datum", "03-02-1989"), (8, "Datum", future)]
    assert findings(result, "duplicate_key") == [(5, "Registratienummer", "R1")]
    assert findings(result, "missing_value") == [(6, "Soort misdrijf code", None)]
    assert findings(result, "unknown_channel") == [(6, "Wijze van aangifte", "Fax")]
    assert findings(result, "invalid_boolean") == [(7, "Poging", "misschien")]
    assert (result.report.rows_read, result.report.rows_valid, result.report.rows_invalid) == (7, 1, 6)
    assert result.rejected["row"].to_list() == [3, 4, 5, 6, 7, 8]
    assert "unknown_channel (Wijze van aangifte)" in result.rejected.filter(pl.col("row") == 6)["reasons"][0]


def test_missing_required_column_invalidates_file(tmp_path: Path) -> None:
    result = validate_csv(
        tmp_path,
        "Registratienummer;Datum;Soort misdrijf code\nR1;2019-01-01;1.1.1\n",
        kind=Kind.registrations,
    )
    assert findings(result, "missing_column") == [(None, "municipality", None)]
    assert not result.report.valid and result.report.rows_valid == 0 and result.data.height == 0


def test_counts_negative_suppressed_and_dutch_numbers(tmp_path: Path) -> None:
    result = validate_csv(
        tmp_path,
        "Periode;Gebied;Soort misdrijf code;Aantal;Internetaangiften\n"
        "2019H1;RE03;1.2.3;1.043;200\n"  # row 2: Dutch thousands, code resolves
        "2019H1;Almere;1.2.3;;\n"  # row 3: suppressed -> warning, null
        "2019H1;Almere;1.1.1;-4;\n"  # row 4: negative
        "2019X1;Almere;1.1.1;4;\n"  # row 5: bad period
        "2019H1;Almere;2.2.1;4;9\n"  # row 6: more online than total
        "2019H1;Almere;1.2.3;7;\n",  # row 7: duplicate key of row 3
    )
    assert result.report.kind is Kind.counts
    assert findings(result, "suppressed_value") == [(3, "Aantal", None)]
    assert findings(result, "negative_value") == [(4, "Aantal", "-4")]
    assert findings(result, "invalid_period") == [(5, "Periode", "2019X1")]
    assert findings(result, "internet_exceeds_count") == [(6, "Internetaangiften", "9")]
    assert findings(result, "duplicate_key") == [(7, "Periode", "2019H1")]
    assert result.data.select("period", "area", "count", "internet_count").rows() == [
        ("2019H1", "Midden-Nederland", 1043, 200),
        ("2019H1", "Almere", None, None),
    ]
    suppressed = next(i for i in result.report.issues if i.code == "suppressed_value")
    assert suppressed.severity is Severity.warning


def test_suspects_age_from_birth_date(tmp_path: Path) -> None:
    result = validate_csv(
        tmp_path,
        "Registratienummer,Datum,Geboortedatum,Woonplaats,Soort misdrijf code\n"
        "R1,2019-03-01,2000-03-02,Almere,1.1.1\n"  # one day before the 19th birthday: 18
        "R2,2019-03-02,2000-03-02,Almere,1.1.1\n"  # on the birthday: 19
        "R3,2019-03-02,,Almere,1.1.1\n",  # neither: finding
    )
    assert result.report.kind is Kind.suspects
    assert result.data["age"].to_list() == [18, 19]
    assert findings(result, "missing_value") == [(4, "Geboortedatum", None)]


def test_population_with_dutch_numbers(tmp_path: Path) -> None:
    result = validate_csv(
        tmp_path, "Jaar;Gebied;Inwoners;Woningen;Jongeren 12-24\n2019;GM0034;207.904;80.911;33.120\n"
    )
    assert result.data.select("year", "area", "inhabitants", "dwellings", "youths_12_24").rows() == [
        (2019, "Almere", 207904, 80911, 33120)
    ]


def test_column_map_names_unusual_headers(tmp_path: Path) -> None:
    column_map = ColumnMap(
        kind=Kind.population,
        columns={"year": "Peildatum jaar", "area": "Regio naam", "inhabitants": "Totaal personen"},
    )
    result = validate_csv(
        tmp_path, "Peildatum jaar;Regio naam;Totaal personen\n2018;Almere;203.990\n", column_map=column_map
    )
    assert result.report.valid
    assert result.data.select("year", "inhabitants").rows() == [(2018, 203990)]


def test_unknown_kind_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot tell which kind"):
        validate_csv(tmp_path, "Datum;Gemeente;Iets\n2019-01-01;Almere;x\n")


def test_repeated_problems_grouped(tmp_path: Path) -> None:
    rows = "".join(f"R{i};99-99-2019;1.1.1;Almere;Balie;N\n" for i in range(12))
    path = tmp_path / "many.csv"
    path.write_text(REG_HEADER + rows, encoding="utf-8")
    [table] = read_tables(path)
    result = check(table, max_per_code=3)
    assert result.report.issue_counts["invalid_date"] == 12
    assert [i.row for i in result.report.issues if i.code == "invalid_date"] == [2, 3, 4]


def test_category_codes_checked_against_the_classification(tmp_path: Path) -> None:
    result = validate_csv(
        tmp_path,
        REG_HEADER
        + "R1;03-02-2019;a72 ;Almere;Balie;N\n"  # row 2: BVH code, any case and padding
        + "R2;03-02-2019;ZZ9;Almere;Balie;N\n"  # row 3: unknown
        + "R3;03-02-2019;0.0.0;Almere;Balie;N\n"  # row 4: the total is not a registration's category
        + "R4;03-02-2019;B40;Almere;Balie;N\n",  # row 5: known BVH code counted in no category
    )
    assert findings(result, "unknown_category") == [
        (3, "Soort misdrijf code", "ZZ9"),
        (4, "Soort misdrijf code", "0.0.0"),
    ]
    assert findings(result, "uncounted_bvh_code") == [(5, "Soort misdrijf code", "B40")]
    assert result.data["registration_id"].to_list() == ["R1", "R4"]


def test_every_kind_has_its_checks_as_data() -> None:
    from veilcli.sources.checks import COLUMN_RULES, KIND_CHECKS

    assert set(KIND_CHECKS) == set(Kind) and COLUMN_RULES
    # Every kind with a key checks it; the open-data codes are a counts check only.
    assert all(any(rule.__name__ == "_unique_key" for rule in rules) for rules in KIND_CHECKS.values())
    assert [
        k for k, rules in KIND_CHECKS.items() if any(r.__name__ == "_open_data_codes" for r in rules)
    ] == [Kind.counts]


# --- the fast paths of validation change nothing ----------------------------------------------

_MESSY = st.sampled_from(["", " ", "x", " x", "x ", "\u00a0x", "ab", "AB", "Ab "])
_CHANNELS = st.sampled_from(["Internet", " balie", "TELEFOON", "Overig ", "", "fax", "onbekend", " "])
_BOOLS = st.sampled_from(["J", "n", " ja", "NEE ", "", "misschien", "1"])
_AREAS = st.sampled_from(["Almere", " almere", "ALMERE ", "GM0034", "Lelystad", "Nergenshuizen", ""])
_CODES = st.sampled_from(["1.1.1", " 1.2.3", "a72", "ZZ9", "", "E35 "])
_DATES = st.sampled_from(["03-02-2019", "2019-02-03", "3-2-2019 14:05", "43500", "geen", "", "31-02-2019"])
_IDS = st.sampled_from(["R1", "R2", " R3", "R4 ", ""])
_registration = st.tuples(_IDS, _DATES, _CODES, _AREAS, _CHANNELS, _BOOLS)


def _slow_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation without its fast paths: every text cleaned, every type parsed per row, keys counted."""
    import veilcli.sources.checks as checks
    import veilcli.sources.validate as validate

    monkeypatch.setattr(validate, "needs_cleaning", lambda column: pl.lit(True))
    monkeypatch.setattr(validate, "_few_valued", lambda column: False)
    monkeypatch.setattr(
        validate,
        "_parse_distinct",
        lambda texts, spec, header, *_: texts.select(validate._typed(spec, header)).to_series(),
    )
    monkeypatch.setattr(
        checks,
        "_has_duplicates",
        lambda frame, key: frame.select(key).drop_nulls().n_unique() < frame.select(key).drop_nulls().height,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_registration, min_size=0, max_size=25), _MESSY)
def test_fast_paths_give_what_the_plain_parse_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[tuple[str, ...]], extra: str
) -> None:
    path = tmp_path / "messy.csv"
    body = "".join(";".join(r) + f";{extra}\n" for r in rows)
    path.write_text(REG_HEADER.rstrip("\n") + ";Wijk\n" + body, encoding="utf-8")
    fast = check(read_tables(path)[0], max_per_code=50)
    with monkeypatch.context() as patched:
        _slow_paths(patched)
        slow = check(read_tables(path)[0], max_per_code=50)
    assert fast.data.equals(slow.data) and fast.data.schema == slow.data.schema
    assert fast.rejected.equals(slow.rejected) and fast.rejected.schema == slow.rejected.schema
    assert fast.report.model_dump_json() == slow.report.model_dump_json()


def test_few_valued_columns_cleaned_from_their_distinct_values() -> None:
    """``texts_and_distinct`` gives the texts ``clean_text`` gives every value, and the distinct
    texts of the few-valued columns only: whitespace at either end (non-breaking spaces too),
    empty texts and nulls in a few-valued column, beside a column of a thousand distinct values
    (with whitespace of its own) that is cleaned as a whole."""
    from veilcli.sources.parsing import clean_text
    from veilcli.sources.validate import FEW_DISTINCT, _few_valued, texts_and_distinct

    rows = 3000
    messy = [" Almere", "Almere", "Almere\u00a0", "", None, "\u00a0\u00a0", "Lelystad "]
    tidy = ["J", "N", None]
    many = [f" R{i}" if i % 7 == 0 else f"R{i}\u00a0" if i % 11 == 0 else f"R{i}" for i in range(rows)]
    frame = pl.DataFrame(
        {
            "__row": pl.int_range(2, rows + 2, eager=True).cast(pl.Int64),
            "Gemeente": [messy[i % len(messy)] for i in range(rows)],
            "Poging": [tidy[i % len(tidy)] for i in range(rows)],
            "Nummer": many,
        },
        schema_overrides={"Gemeente": pl.String, "Poging": pl.String},
    )
    table = RawTable(frame, Path("x.csv"), "csv")
    mapping = {
        "municipality": "Gemeente",
        "attempt": "Poging",
        "registration_id": "Nummer",
        "area": "Gemeente",
    }
    assert _few_valued(frame["Gemeente"]) and _few_valued(frame["Poging"])
    assert not _few_valued(frame["Nummer"]) and frame["Nummer"].n_unique() > FEW_DISTINCT

    texts, distinct = texts_and_distinct(table, mapping)
    expected = frame.select(
        "__row", *(clean_text(pl.col(h)).alias(f"__text_{c}") for c, h in mapping.items())
    )
    assert texts.equals(expected) and texts.schema == expected.schema
    assert set(distinct) == {"municipality", "attempt", "area"}
    for column, values in distinct.items():
        reference = expected[f"__text_{column}"].unique()
        assert values.dtype == pl.String and values.len() == reference.len()
        assert sorted(values.to_list(), key=str) == sorted(reference.to_list(), key=str)
    assert None in distinct["municipality"].to_list() and "Almere" in distinct["municipality"].to_list()


def test_facts_of_the_valid_rows_give_the_summary_and_coverage_computed_anew() -> None:
    """The areas and days ``describe_rows`` computes serve ingest's summary and coverage as they are
    (the same values as computed from the rows), and only for the frame they describe."""
    from veilcli.store.ingest import _coverage, summarise

    [table] = read_tables(Path(__file__).parent.parent / "sample_data" / "almere-registraties-2018-2019.csv")
    validated = check(table)
    kind, data = validated.report.kind, validated.data
    assert kind is Kind.registrations and data.height > 1000
    known = validated.facts_of(data)
    assert known is not None and known.days is not None and validated.facts_of(data.clone()) is None
    assert summarise(kind, data, known) == summarise(kind, data)
    assert _coverage(kind, data, ReadOptions(), known) == _coverage(kind, data, ReadOptions())
    assert known.areas == sorted(data["municipality"].drop_nulls().unique().to_list())


def test_a_tables_distinct_values_are_those_of_the_frame_it_has() -> None:
    """``RawTable.distinct`` is computed once per frame: a frame put in its place is counted anew."""
    table = RawTable(pl.DataFrame({"__row": [2, 3, 4], "a": ["x", None, "x"]}), Path("t.csv"), "csv")
    assert sorted(table.distinct("a").to_list(), key=str) == [None, "x"]
    assert table.known_distinct("a") is table.distinct("a")
    table.frame = table.frame.with_columns(pl.lit("y").alias("a"))
    assert table.known_distinct("a") is None and table.distinct("a").to_list() == ["y"]

"""Tests for the police classification data and loader."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from veilcli.domain.classification import (
    NUISANCE_TOTAL_CODE,
    TOTAL_CRIME_CODE,
    bvh_map,
    categories,
    classification_dir,
    crime_codes,
    nuisance_codes,
    open_data_codes,
    to_category,
)

# The 59 codes of the police open-data "soort misdrijf" list (tables 47013NED/47018NED/
# 47022NED/47025NED), written out independently of the shipped CSV.
# fmt: off
SOORT_MISDRIJF = [
    "0.0.0", "1.1.1", "1.1.2", "1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5", "1.3.1",
    "1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5", "1.4.6", "1.4.7", "1.5.2", "1.6.1",
    "1.6.2", "1.6.3", "2.1.1", "2.2.1", "2.4.1", "2.4.2", "2.5.1", "2.5.2", "2.6.1",
    "2.6.2", "2.6.3", "2.6.4", "2.6.5", "2.6.7", "2.6.8", "2.6.9", "2.6.10", "2.6.11",
    "2.6.12", "2.6.13", "2.6.14", "2.7.2", "2.7.3", "3.1.1", "3.1.2", "3.1.3", "3.2.1",
    "3.2.2", "3.3.2", "3.3.5", "3.4.2", "3.5.2", "3.5.5", "3.6.4", "3.7.1", "3.7.2",
    "3.7.3", "3.7.4", "3.9.1", "3.9.2", "3.9.3",
]
# fmt: on
NUISANCE = ["E33", "E35", "E38", "E41", "F010", "M061", "M062", "M22"]

# The reference files the CSVs were built from; only present in the development setup.
REFERENCE = Path("/work/shared/reference")


def resolve(codes: list[str | None]) -> pl.DataFrame:
    """Run to_category over a one-column frame of codes."""
    return to_category(pl.DataFrame({"category_code": codes}, schema={"category_code": pl.String}))


def test_soort_misdrijf_list_is_complete() -> None:
    assert len(SOORT_MISDRIJF) == 59
    assert set(SOORT_MISDRIJF) <= set(categories()["code"].to_list())


def test_categories_shape() -> None:
    cats = categories()
    assert cats["code"].is_unique().all()
    assert cats.height == 59 + len(NUISANCE)
    assert set(cats["kind"].unique().to_list()) == {"crime", "nuisance", "total"}
    assert cats.filter(pl.col("kind") == "total")["code"].to_list() == ["0.0.0"]
    assert cats["label"].null_count() == 0
    assert cats.filter(pl.col("code") == "1.2.3")["label"].item() == ("Diefstal van brom-, snor-, fietsen")


def test_crime_and_nuisance_codes() -> None:
    crimes = crime_codes()
    assert "0.0.0" not in crimes
    assert crimes == [c for c in SOORT_MISDRIJF if c != "0.0.0"]
    assert nuisance_codes() == NUISANCE


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("A72", "1.2.3"),
        ("B70", "1.4.6"),
        ("A20", "1.1.1"),
        ("A10", "1.2.1"),
        ("C20", "2.2.1"),
    ],
)
def test_bvh_code_maps_to_category(code: str, category: str) -> None:
    row = resolve([code]).row(0, named=True)
    assert row["category"] == category
    assert row["category_kind"] == "crime"
    assert row["source_code_system"] == "bvh"


@pytest.mark.parametrize(
    ("code", "kind"),
    [("1.1.1", "crime"), ("1.4.7", "crime"), ("2.6.10", "crime"), ("0.0.0", "total")],
)
def test_open_data_code_maps_to_itself(code: str, kind: str) -> None:
    row = resolve([code]).row(0, named=True)
    assert row == {
        "category_code": code,
        "category": code,
        "category_kind": kind,
        "source_code_system": "open_data",
    }


@pytest.mark.parametrize("code", NUISANCE)
def test_nuisance_code_maps_to_itself(code: str) -> None:
    row = resolve([code]).row(0, named=True)
    assert row["category"] == code
    assert row["category_kind"] == "nuisance"
    assert row["source_code_system"] == "open_data"
    # Also listed in bvh.csv, mapped to itself.
    bvh = bvh_map().filter(pl.col("bvh_code") == code)
    assert bvh["category_code"].to_list() == [code]


@pytest.mark.parametrize("code", ["XYZ", "9.9.9", "", "   ", None, "1.1", "A7"])
def test_unknown_code_is_null(code: str | None) -> None:
    row = resolve([code]).row(0, named=True)
    assert row["category"] is None
    assert row["category_kind"] is None
    assert row["source_code_system"] is None


def test_known_but_uncounted_bvh_code() -> None:
    # B40 is a BVH code the open-data definition of 1.4.6 does not include.
    row = resolve(["B40"]).row(0, named=True)
    assert row["category"] is None
    assert row["category_kind"] is None
    assert row["source_code_system"] == "bvh"


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("  a72 ", "1.2.3"),
        ("a72", "1.2.3"),
        ("1.1.1 ", "1.1.1"),
        ("\t1.4.6\n", "1.4.6"),
        (" e35", "E35"),
        ("f010 ", "F010"),
    ],
)
def test_whitespace_and_case_normalisation(code: str, category: str) -> None:
    assert resolve([code])["category"].item() == category


def test_f614_resolved_to_horizontal_fraud() -> None:
    assert resolve(["F614"])["category"].item() == "3.9.1"
    assert bvh_map().filter(pl.col("bvh_code") == "F614").height == 1


def test_no_bvh_code_maps_to_two_categories() -> None:
    bvh = bvh_map()
    assert bvh.height == 648
    assert bvh["bvh_code"].is_unique().all()
    assert bvh["bvh_code"].null_count() == 0
    assert (bvh["bvh_code"] == bvh["bvh_code"].str.strip_chars().str.to_uppercase()).all()


def test_bvh_categories_exist() -> None:
    known = set(categories()["code"].to_list())
    mapped = bvh_map()["category_code"].drop_nulls()
    assert set(mapped.to_list()) <= known
    assert "0.0.0" not in set(mapped.to_list())


def test_every_bvh_code_is_mapped_or_explained() -> None:
    bvh = bvh_map()
    unmapped = bvh.filter(pl.col("category_code").is_null())
    assert unmapped.height == 425
    assert unmapped["note"].null_count() == 0
    assert unmapped["note"].str.starts_with("unmapped:").all()
    assert bvh.height - unmapped.height == 223


def test_codes_stay_strings() -> None:
    assert categories().schema["code"] == pl.String
    schema = bvh_map().schema
    for column in ("bvh_code", "category_code", "inp_level3_code"):
        assert schema[column] == pl.String
    assert schema["is_crime"] == pl.Boolean
    assert "1.2.3" in categories()["code"].to_list()
    out = resolve(["A72", "1.2.3"])
    for column in ("category", "category_kind", "source_code_system"):
        assert out.schema[column] == pl.String
    assert out["category"].to_list() == ["1.2.3", "1.2.3"]


def test_lazy_input_keeps_rows_and_order() -> None:
    codes = ["1.1.1", "A72", "nope", None, "E35", "a72"] * 50
    lf = pl.LazyFrame({"id": range(len(codes)), "code": codes})
    out = to_category(lf, column="code")
    assert isinstance(out, pl.LazyFrame)
    df = out.collect()
    assert df["id"].to_list() == list(range(len(codes)))
    assert df.columns == [
        "id",
        "code",
        "category",
        "category_kind",
        "source_code_system",
    ]


def test_existing_output_columns_are_replaced() -> None:
    df = pl.DataFrame({"category_code": ["A72"], "category": ["stale"], "category_kind": ["x"]})
    out = to_category(df)
    assert out.columns == [
        "category_code",
        "category",
        "category_kind",
        "source_code_system",
    ]
    assert out["category"].item() == "1.2.3"


def test_missing_column_raises() -> None:
    with pytest.raises(KeyError):
        to_category(pl.DataFrame({"other": ["A72"]}))


def test_classification_dir_has_files() -> None:
    directory = classification_dir()
    assert (directory / "categories.csv").is_file()
    assert (directory / "bvh.csv").is_file()


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference files not available")
def test_matches_reference_open_data_lists() -> None:
    """The open-data (code, category) pairs are reproduced, except F614 in 3.9.3."""
    with open(REFERENCE / "politie-soort-misdrijf.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["code"] for r in rows] == SOORT_MISDRIJF
    expected = {(code, r["code"]) for r in rows for code in r["maatschappelijke_klasse"].split()} - {
        ("F614", "3.9.3")
    }
    mapped = bvh_map().filter(pl.col("source") == "open_data_soort_misdrijf")
    assert set(mapped.select("bvh_code", "category_code").iter_rows()) == expected
    with open(REFERENCE / "bvh-maatschappelijke-klasse.tsv", encoding="utf-8", newline="") as f:
        tsv = {r["MaatKlasse code"] for r in csv.DictReader(f, delimiter="\t")}
    assert set(bvh_map()["bvh_code"].to_list()) == tsv


def test_the_two_totals_are_named_and_never_the_same_code() -> None:
    # The crime total is the open-data 0.0.0; the nuisance tables' own 0.0.0 is stored under
    # another code, so it can never be added to or read as crime.
    assert TOTAL_CRIME_CODE == "0.0.0"
    assert categories().filter(pl.col("code") == TOTAL_CRIME_CODE)["kind"].to_list() == ["total"]
    assert NUISANCE_TOTAL_CODE == "OVERLAST-TOTAAL" and NUISANCE_TOTAL_CODE not in categories()["code"]
    assert set(open_data_codes()) == {*SOORT_MISDRIJF, *NUISANCE, NUISANCE_TOTAL_CODE}

"""Two extracts of one municipality that overlap: the same registrations agree or conflict, the same
days under other ids are a warning naming both sources (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.conftest import snapshot, write_xlsx
from tests.test_formats import bvh_row
from veilcli.cli import app
from veilcli.domain.choices import Kind
from veilcli.errors import StoreError
from veilcli.sources.columns import BVH_HEADERS
from veilcli.sources.pipeline import ReadOptions
from veilcli.store.ingest import SourceOverlap, ingest_paths
from veilcli.store.store import Store

runner = CliRunner()

# Excel serials: 43466 is 2019-01-01, so 43480.5 is 15 January 12:00.
JAN15, FEB15, APR15, MAY15, JUL15, OCT15 = 43480.5, 43511.5, 43570.5, 43600.5, 43661.5, 43753.5
FIRST_HALF = [  # incident, event, BVH code (its open-data category), label, day
    ("PL0900_BVH_1", "PL0900_BVH_E1", "A72", "DIEFSTAL FIETS", JAN15),  # 1.2.3
    ("PL0900_BVH_2", "PL0900_BVH_E2", "B70", "STRAATROOF", FEB15),  # 1.4.6
    ("PL0900_BVH_3", "PL0900_BVH_E3", "A72", "DIEFSTAL FIETS", APR15),
    ("PL0900_BVH_4", "PL0900_BVH_E4", "F550", "MISHANDELING", MAY15),  # 1.4.5
]
LATER = [
    ("PL0900_BVH_5", "PL0900_BVH_E5", "A72", "DIEFSTAL FIETS", JUL15),
    ("PL0900_BVH_6", "PL0900_BVH_E6", "A72", "DIEFSTAL FIETS", OCT15),
]


def extract(path: Path, incidents: list[tuple], **extra: object) -> Path:
    """A BVH extract (33 columns, the real layout) of these incidents."""
    rows = [bvh_row(*incident, **extra) for incident in incidents]
    return write_xlsx(path, [list(BVH_HEADERS), *rows], sheet="Export")


def stored_ids(store: Store) -> list[str]:
    return sorted(store.scan(Kind.registrations).collect()["registration_id"].to_list())


@pytest.fixture
def first_half(tmp_path: Path) -> tuple[Store, Path]:
    store = Store(tmp_path / "store")
    path = extract(tmp_path / "bvh-2019-h1.xlsx", FIRST_HALF)
    assert ingest_paths([path], store, ReadOptions()).stored
    return store, path


def test_the_same_registrations_again_agree_and_are_kept_once(
    first_half: tuple[Store, Path], tmp_path: Path
) -> None:
    """An extract of April-December holds incidents 3 and 4 exactly as stored: agreement (2 rows,
    kept once), 2 new rows stored: 6 registrations in the store, not 8."""
    store, first = first_half
    later = extract(tmp_path / "bvh-2019-apr-dec.xlsx", [*FIRST_HALF[2:], *LATER])
    result = ingest_paths([later], store, ReadOptions())
    [summary] = result.sources
    assert (summary.status, summary.rows_stored) == ("stored", 2)
    assert summary.agreed == {str(first.resolve()): 2}
    assert summary.overlaps == []  # the shared days hold the same ids: no warning
    assert stored_ids(store) == [f"PL0900_BVH_{n}" for n in range(1, 7)]
    second = next(s for s in store.sources() if s.path == str(later.resolve()))
    # It stores 2 rows, but covers what the extract covers: its days and categories, all of them
    # (the 2 it shares are in the store, under the first source).
    assert second.rows == 2 and second.scope == ["1.2.3", "1.4.5"]
    assert (str(second.covers_from), str(second.covers_to)) == ("2019-04-15", "2019-10-15")
    # A file whose every registration is stored already, the same: unchanged, nothing added.
    again = extract(tmp_path / "bvh-april-may.xlsx", FIRST_HALF[2:])
    before = snapshot(store.root)
    assert ingest_paths([again], store, ReadOptions()).sources[0].status == "unchanged"
    assert snapshot(store.root) == before


def test_the_same_registration_with_other_content_is_a_conflict(
    first_half: tuple[Store, Path], tmp_path: Path
) -> None:
    store, first = first_half
    before = snapshot(store.root)
    changed = [*FIRST_HALF[2:3], ("PL0900_BVH_4", "PL0900_BVH_E4", "F550", "MISHANDELING", MAY15 + 1)]
    revised = extract(tmp_path / "bvh-revised.xlsx", changed)  # incident 4 a day later
    with pytest.raises(
        StoreError,
        match=r"1 registrations already stored from another source \(e\.g\. registration_id=PL0900_BVH_4",
    ):
        ingest_paths([revised], store, ReadOptions())
    assert snapshot(store.root) == before
    result = ingest_paths([revised], store, ReadOptions(), replace=True)
    [summary] = result.sources
    assert summary.replaced == {str(first.resolve()): 1} and summary.agreed == {str(first.resolve()): 1}
    dates = dict(store.scan(Kind.registrations).select("registration_id", "date").collect().iter_rows())
    assert str(dates["PL0900_BVH_4"]) == "2019-05-16" and len(dates) == 4


def test_other_ids_on_the_same_days_are_a_warning_naming_both(
    first_half: tuple[Store, Path], tmp_path: Path
) -> None:
    """The first half-year again, numbered anew (as another export numbers it): 4 rows on 4 days
    (15 January .. 15 May) in Almere share municipality, day and category with the stored extract."""
    store, first = first_half
    renumbered = [
        (f"X{n}", f"XE{n}", code, label, day) for n, (_, _, code, label, day) in enumerate(FIRST_HALF)
    ]
    path = extract(tmp_path / "bvh-2019-h1-export2.xlsx", renumbered)
    [summary] = ingest_paths([path], store, ReadOptions()).sources
    assert summary.status == "stored" and summary.rows_stored == 4  # stored: a warning, not a refusal
    assert summary.overlaps == [
        SourceOverlap(
            path=str(first.resolve()),
            sheet="Export",
            rows=4,
            days=4,
            first="2019-01-15",
            last="2019-05-15",
            municipalities=["Almere"],
        )
    ]


def test_the_warning_is_shown_by_the_command_line(first_half: tuple[Store, Path], tmp_path: Path) -> None:
    store, first = first_half
    renumbered = [
        (f"X{n}", None, code, label, day) for n, (_, _, code, label, day) in enumerate(FIRST_HALF[:2])
    ]
    path = extract(tmp_path / "tweede-export.xlsx", renumbered)
    result = runner.invoke(app, ["ingest", str(path), "--store", str(store.root), "-f", "json"])
    assert result.exit_code == 0, result.output
    [overlap] = json.loads(result.stdout)["sources"][0]["overlaps"]
    assert (overlap["path"], overlap["rows"], overlap["days"]) == (str(first.resolve()), 2, 2)
    other = extract(
        tmp_path / "derde-export.xlsx",
        [(f"Y{n}", None, *rest) for n, (_, _, *rest) in enumerate(FIRST_HALF[:1])],
    )
    shown = " ".join(runner.invoke(app, ["ingest", str(other), "--store", str(store.root)]).output.split())
    assert "warning: 1 row(s) on 1 day(s) (2019-01-15..2019-01-15; Almere)" in shown
    assert str(first.resolve()) in shown and str(path.resolve()) in shown  # both sources named


@pytest.mark.parametrize(
    ("why", "incidents", "extra"),
    [
        ("other days", [(f"X{n}", None, *rest) for n, (_, _, *rest) in enumerate(LATER)], {}),
        ("other categories", [("X1", None, "C40", "VERNIELING OVERIGE OBJECTEN", JAN15)], {}),
        (
            "another district",
            [(f"X{n}", None, *rest) for n, (_, _, *rest) in enumerate(FIRST_HALF)],
            {"Pleegwijk": "Haven"},
        ),
        (
            "another municipality",
            [(f"X{n}", None, *rest) for n, (_, _, *rest) in enumerate(FIRST_HALF)],
            {"Pleeggemeente": "LELYSTAD"},
        ),
    ],
)
def test_no_warning_where_the_rows_tell_the_extracts_apart(
    first_half: tuple[Store, Path], tmp_path: Path, why: str, incidents: list[tuple], extra: dict[str, object]
) -> None:
    store, _ = first_half
    [summary] = ingest_paths(
        [extract(tmp_path / "ander.xlsx", incidents, **extra)], store, ReadOptions()
    ).sources
    assert summary.status == "stored" and summary.overlaps == [], why


def test_two_files_of_one_command(tmp_path: Path) -> None:
    """The same registrations in two files of one command agree (kept once); renumbered, a warning
    naming the other file."""
    store = Store(tmp_path / "store")
    a = extract(tmp_path / "a.xlsx", FIRST_HALF)
    b = extract(tmp_path / "b.xlsx", [*FIRST_HALF[2:], *LATER])
    result = ingest_paths([a, b], store, ReadOptions())
    assert result.sources[1].agreed == {str(a): 2} and result.sources[1].rows_stored == 2
    assert stored_ids(store) == [f"PL0900_BVH_{n}" for n in range(1, 7)]
    c = extract(tmp_path / "c.xlsx", [(f"C{n}", None, *rest) for n, (_, _, *rest) in enumerate(LATER)])
    d = extract(tmp_path / "d.xlsx", [(f"D{n}", None, *rest) for n, (_, _, *rest) in enumerate(LATER)])
    result = ingest_paths([c, d], store, ReadOptions())
    stored_b = str(b.resolve())
    assert [o.path for o in result.sources[0].overlaps] == [stored_b]
    assert sorted(o.path for o in result.sources[1].overlaps) == sorted([str(c), stored_b])
    assert {(o.rows, o.days, o.first, o.last) for o in result.sources[1].overlaps} == {
        (2, 2, "2019-07-15", "2019-10-15")
    }


SUSPECTS = "Registratienummer;Datum;Leeftijd;Woonplaats;Soort misdrijf code;Persoonsnummer\n"


def suspects_file(path: Path, rows: list[str]) -> Path:
    path.write_text(SUSPECTS + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_suspects_of_a_registration_agree_or_conflict_as_a_whole(tmp_path: Path) -> None:
    """A registration's suspects are compared as a whole (a suspect row has no key of its own):
    R1's two suspects again, the same, agree (2 rows kept once); R2 with a third suspect conflicts."""
    store = Store(tmp_path / "store")
    first = suspects_file(
        tmp_path / "verdachten-1.csv",
        [
            "R1;2019-03-05;17;Almere;1.2.3;P1",
            "R1;2019-03-05;19;Almere;1.2.3;P2",
            "R2;2019-04-01;22;Almere;1.4.6;P3",
        ],
    )
    assert ingest_paths([first], store, ReadOptions()).stored
    again = suspects_file(
        tmp_path / "verdachten-2.csv",
        [
            "R1;2019-03-05;19;Almere;1.2.3;P2",
            "R1;2019-03-05;17;Almere;1.2.3;P1",
            "R9;2019-06-01;16;Almere;1.2.3;P9",
        ],
    )
    [summary] = ingest_paths([again], store, ReadOptions()).sources
    assert (summary.rows_stored, summary.agreed) == (1, {str(first.resolve()): 2})
    assert store.scan(Kind.suspects).collect().height == 4  # 3 + R9, not 6
    before = snapshot(store.root)
    more = suspects_file(
        tmp_path / "verdachten-3.csv",
        ["R2;2019-04-01;22;Almere;1.4.6;P3", "R2;2019-04-01;30;Almere;1.4.6;P4"],
    )
    with pytest.raises(StoreError, match=r"already stored from another source \(e\.g\. registration_id=R2"):
        ingest_paths([more], store, ReadOptions())
    assert snapshot(store.root) == before
    [summary] = ingest_paths([more], store, ReadOptions(), replace=True).sources
    assert summary.replaced == {str(first.resolve()): 1}
    suspects = store.scan(Kind.suspects).collect()
    assert sorted(suspects.filter(pl.col("registration_id") == "R2")["suspect_id"].to_list()) == ["P3", "P4"]
    assert suspects.height == 5


def test_suspects_under_other_registration_ids_on_the_same_days_warn(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    first = suspects_file(
        tmp_path / "v1.csv", ["R1;2019-03-05;17;Almere;1.2.3;P1", "R2;2019-04-01;22;Almere;1.4.6;P3"]
    )
    ingest_paths([first], store, ReadOptions())
    renumbered = suspects_file(tmp_path / "v2.csv", ["Q1;2019-03-05;17;Almere;1.2.3;P1"])
    [summary] = ingest_paths([renumbered], store, ReadOptions()).sources
    assert [(o.path, o.rows, o.days, o.first) for o in summary.overlaps] == [
        (str(first.resolve()), 1, 1, "2019-03-05")
    ]

"""The sample data reproduces the published Almere report, read without veilcli.

The files in ``sample_data/`` are read here with plain openpyxl and ``csv`` (the exact
formats are known), so these checks hold whatever veilcli's readers do. Rate = count in the
half-year / population on 1 January x 1,000; change = change of the rate, rounded to whole %.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "sample_data"
SCRIPT = ROOT / "scripts" / "generate_sample_data.py"

HEADERS = [
    "Registratienummer",
    "Datum",
    "Soort misdrijf code",
    "Soort misdrijf",
    "Gemeente",
    "Wijk",
    "Buurt",
    "Gebeurtenisnummer",
    "Wijze van aangifte",
    "Poging",
]
WIJKEN = {"Almere-Stad", "Almere-Haven", "Almere-Buiten", "Almere-Hout", "Almere-Poort", "Almere-Pampus"}
ONLINE_REPORTABLE = re.compile(r"^(1\.1\.|1\.2\.|2\.5\.|3\.9\.|1\.6\.2$|2\.2\.1$)")
CUTOVER = dt.date(2018, 7, 1)

Counts = dict[tuple[str, str], int]  # (code, period) -> registrations


def half_year(day: dt.date) -> str:
    """'2019H1' for a date in January-June 2019."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def dutch_int(text: str) -> int:
    """'12.345' -> 12345."""
    return int(text.replace(".", ""))


def change(new: float, old: float) -> int:
    """Change in whole percent."""
    return round((new / old - 1) * 100)


# ------------------------------------------------------------------------- readers


@pytest.fixture(scope="module")
def workbook_rows() -> list[tuple[Any, ...]]:
    """Every row of the 2017 workbook's sheet, as values."""
    wb = openpyxl.load_workbook(DATA / "almere-registraties-2017.xlsx", read_only=True)
    try:
        return [tuple(row) for row in wb["Registraties"].iter_rows(values_only=True)]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def registrations(workbook_rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Registrations of both files with 'Datum' as a datetime."""
    rows: list[dict[str, Any]] = []
    for values in workbook_rows[4:]:
        if values[0] is None:  # the blank row before 'Totaal'
            break
        rows.append(dict(zip(HEADERS, ("" if v is None else v for v in values), strict=True)))
    with (DATA / "almere-registraties-2018-2019.csv").open(encoding="cp1252", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            row["Datum"] = dt.datetime.strptime(row["Datum"], "%d-%m-%Y %H:%M")
            rows.append(dict(row))
    return rows


@pytest.fixture(scope="module")
def counts(registrations: list[dict[str, Any]]) -> Counts:
    """Raw registrations per (code, half-year); code 'total' = every non-E code."""
    result: Counter[tuple[str, str]] = Counter()
    for row in registrations:
        period = half_year(row["Datum"].date())
        result[(row["Soort misdrijf code"], period)] += 1
        if not row["Soort misdrijf code"].startswith("E"):
            result[("total", period)] += 1
    return dict(result)


@pytest.fixture(scope="module")
def population() -> dict[tuple[int, str], dict[str, int]]:
    """(year, area) -> inhabitants / dwellings / youths."""
    with (DATA / "bevolking.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (int(row["Jaar"]), row["Gebied"]): {
                "inhabitants": dutch_int(row["Inwoners"]),
                "dwellings": dutch_int(row["Woningen"]),
                "youths": dutch_int(row["Jongeren 12-24"]),
            }
            for row in csv.DictReader(handle, delimiter=";")
        }


@pytest.fixture(scope="module")
def suspects() -> list[dict[str, str]]:
    with (DATA / "almere-verdachten-2017-2019.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def benchmarks() -> dict[tuple[str, str, str], tuple[int | None, int | None]]:
    """(period, area, code) -> (count or None if suppressed, internet count or None)."""
    with (DATA / "benchmarks-tellingen.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (row["Periode"], row["Gebied"], row["Soort misdrijf code"]): (
                dutch_int(row["Aantal"]) if row["Aantal"] else None,
                dutch_int(row["Internetaangiften"]) if row["Internetaangiften"] else None,
            )
            for row in csv.DictReader(handle, delimiter=";")
        }


def almere_rate(counts: Counts, population: dict, code: str, period: str, per: str = "inhabitants") -> float:
    return counts[(code, period)] / population[(int(period[:4]), "Almere")][per] * 1000


# ------------------------------------------------------------------- file formats


def test_workbook_layout(workbook_rows: list[tuple[Any, ...]], registrations: list[dict[str, Any]]) -> None:
    assert workbook_rows[0][0] == "Geregistreerde misdrijven en incidenten Almere, 2017"
    assert workbook_rows[1][0].startswith("Bron: Politie Midden-Nederland (fictieve voorbeelddata")
    assert all(v is None for v in workbook_rows[2])
    assert list(workbook_rows[3]) == HEADERS
    n_2017 = sum(1 for r in registrations if r["Datum"].year == 2017)
    assert all(v is None for v in workbook_rows[4 + n_2017])  # one blank row
    assert workbook_rows[5 + n_2017][:2] == ("Totaal", n_2017)
    assert len(workbook_rows) == 6 + n_2017

    wb = openpyxl.load_workbook(DATA / "almere-registraties-2017.xlsx", read_only=True)
    assert wb.sheetnames == ["Registraties"]
    for cells in wb["Registraties"].iter_rows(min_row=5, max_row=7):
        assert isinstance(cells[1].value, dt.datetime)
        assert cells[1].number_format == "dd-mm-yyyy hh:mm"
        assert cells[2].data_type == "s"  # codes are text: "1.1.1" is no number or date
    wb.close()
    assert all(isinstance(r["Datum"], dt.datetime) for r in registrations)
    assert {r["Datum"].year for r in registrations[:n_2017]} == {2017}


def test_csv_encodings_and_layout() -> None:
    raw = (DATA / "almere-registraties-2018-2019.csv").read_bytes()
    assert "ë".encode("cp1252") in raw  # Poëtenbuurt: the encoding matters
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("cp1252").splitlines()
    assert lines[0].split(";") == HEADERS
    assert re.fullmatch(r"PL0900-2018\d{6};\d\d-\d\d-2018 \d\d:\d\d;.*", lines[1])

    suspects_raw = (DATA / "almere-verdachten-2017-2019.csv").read_bytes()
    assert suspects_raw.startswith(b"\xef\xbb\xbfRegistratienummer,Datum,Leeftijd,Woonplaats,")
    benchmarks_head = (DATA / "benchmarks-tellingen.csv").read_text(encoding="utf-8").splitlines()[0]
    assert benchmarks_head == "Periode;Gebied;Soort misdrijf code;Aantal;Internetaangiften"
    assert (DATA / "almere-huisverboden.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "Periode,Gebied,Soort misdrijf code,Aantal"
    )
    assert (DATA / "bevolking.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "Jaar;Gebied;Inwoners;Woningen;Jongeren 12-24"
    )
    assert sum(p.stat().st_size for p in DATA.iterdir()) < 5_000_000


def test_registration_values(registrations: list[dict[str, Any]]) -> None:
    numbers = [r["Registratienummer"] for r in registrations]
    assert len(numbers) == len(set(numbers))  # unique across both files
    assert all(re.fullmatch(r"PL0900-20(17|18|19)\d{6}", n) for n in numbers)
    assert {r["Datum"].date() for r in registrations} <= {
        dt.date(2017, 1, 1) + dt.timedelta(days=d) for d in range(365 * 3)
    }
    assert {r["Gemeente"] for r in registrations} == {"Almere"}
    assert {r["Wijk"] for r in registrations} == WIJKEN
    assert {r["Poging"] for r in registrations} == {"J", "N"}
    assert all(r["Buurt"] for r in registrations)


# --------------------------------------------------------------- report figures


def test_burglary_per_1000_dwellings(counts: Counts, population: dict) -> None:
    r17 = almere_rate(counts, population, "1.1.1", "2017H1", "dwellings")
    r19 = almere_rate(counts, population, "1.1.1", "2019H1", "dwellings")
    assert (round(r17, 1), round(r19, 1), change(r19, r17)) == (6.3, 4.3, -31)


def test_robbery_and_holdup_counts(counts: Counts) -> None:
    assert counts[("1.4.6", "2019H1")] - counts[("1.4.6", "2017H1")] == 9
    assert counts[("1.4.7", "2019H1")] - counts[("1.4.7", "2017H1")] == 1
    assert counts[("1.4.7", "2019H1")] - counts[("1.4.7", "2018H1")] == 3


@pytest.mark.parametrize(
    ("code", "expected"),
    [("1.2.1", 7), ("1.2.3", -14), ("2.2.1", -4), ("E35", -32), ("E38", -8), ("3.9.1", 20)],
)
def test_change_per_1000_inhabitants(counts: Counts, population: dict, code: str, expected: int) -> None:
    r17 = almere_rate(counts, population, code, "2017H1")
    r19 = almere_rate(counts, population, code, "2019H1")
    assert change(r19, r17) == expected


def test_bicycle_theft_and_damage_rose_since_2018(counts: Counts, population: dict) -> None:
    for code in ("1.2.3", "2.2.1"):
        assert almere_rate(counts, population, code, "2019H1") > almere_rate(
            counts, population, code, "2018H1"
        )
    assert round(almere_rate(counts, population, "2.2.1", "2019H1"), 1) == 2.5


def test_total_crime(counts: Counts, population: dict) -> None:
    r18 = almere_rate(counts, population, "total", "2018H1")
    r19 = almere_rate(counts, population, "total", "2019H1")
    assert 24.0 <= r19 < 24.5
    assert change(r19, r18) == 4
    for year in (2017, 2018, 2019):
        for half in ("H1", "H2"):
            assert 4500 <= counts[("total", f"{year}{half}")] <= 5500
            assert 800 <= counts[("E35", f"{year}{half}")] <= 1200
            assert 150 <= counts[("E38", f"{year}{half}")] <= 300
            assert counts[("E33", f"{year}{half}")] > 0


def test_youth_suspects(suspects: list[dict[str, str]]) -> None:
    def is_youth(row: dict[str, str]) -> bool:
        return row["Woonplaats"] == "Almere" and 12 <= int(row["Leeftijd"]) <= 24

    per_period = Counter(half_year(dt.date.fromisoformat(r["Datum"])) for r in suspects if is_youth(r))
    assert per_period["2019H1"] == 1043
    assert all(900 <= n <= 1200 for n in per_period.values())
    others = Counter(half_year(dt.date.fromisoformat(r["Datum"])) for r in suspects if not is_youth(r))
    assert all(800 <= n <= 1200 for n in others.values())


def test_house_bans() -> None:
    with (DATA / "almere-huisverboden.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["Periode"]: int(r["Aantal"]) for r in rows} == {
        "2017H1": 19,
        "2017H2": 21,
        "2018H1": 23,
        "2018H2": 11,
        "2019H1": 18,
        "2019H2": 20,
    }
    assert {(r["Gebied"], r["Soort misdrijf code"]) for r in rows} == {("Almere", "huisverbod")}


def test_population(population: dict) -> None:
    assert [population[(y, "Almere")]["inhabitants"] for y in (2017, 2018, 2019)] == [
        200_914,
        203_990,
        207_904,
    ]
    for year in (2017, 2018, 2019):
        for field in ("inhabitants", "dwellings", "youths"):
            assert sum(population[(year, w)][field] for w in WIJKEN) == population[(year, "Almere")][field]


# ------------------------------------------------------------- samenloop, channels


def test_samenloop_events(registrations: list[dict[str, Any]]) -> None:
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    crime_per_period: Counter[str] = Counter()
    linked_per_period: Counter[str] = Counter()
    for row in registrations:
        if row["Soort misdrijf code"].startswith("E"):
            assert row["Gebeurtenisnummer"] == ""  # nuisance incidents are never linked
            continue
        period = half_year(row["Datum"].date())
        crime_per_period[period] += 1
        if row["Gebeurtenisnummer"]:
            events[row["Gebeurtenisnummer"]].append(row)
            linked_per_period[period] += 1
    for number, members in events.items():
        assert re.fullmatch(r"GB20(17|18|19)-\d{6}", number)
        assert len({(m["Datum"], m["Wijk"], m["Buurt"]) for m in members}) == 1
        assert len(members) == 2 if members[0]["Datum"].date() < CUTOVER else 2 <= len(members) <= 3
    for period, crimes in crime_per_period.items():
        share = linked_per_period[period] / crimes
        assert (0.02 <= share <= 0.03) if period < "2018H2" else (0.10 <= share <= 0.12), period


def test_suspects_refer_to_registrations(
    suspects: list[dict[str, str]], registrations: list[dict[str, Any]]
) -> None:
    by_number = {r["Registratienummer"]: r for r in registrations}
    for row in suspects:
        reg = by_number[row["Registratienummer"]]
        assert row["Datum"] == reg["Datum"].date().isoformat()
        assert row["Soort misdrijf code"] == reg["Soort misdrijf code"]
        assert not reg["Soort misdrijf code"].startswith("E")
        assert row["Gebeurtenisnummer"] == reg["Gebeurtenisnummer"]
        assert 12 <= int(row["Leeftijd"]) <= 80
        assert re.fullmatch(r"P\d{8}", row["Persoonsnummer"])
    assert Counter(r["Woonplaats"] for r in suspects).most_common(1)[0][0] == "Almere"
    assert {"Lelystad", "Amsterdam", "Zeewolde"} <= {r["Woonplaats"] for r in suspects}
    assert max(Counter(r["Persoonsnummer"] for r in suspects).values()) > 1  # repeat suspects

    # samenloop: the same suspect on several registrations of one event, only after the cut-over
    regs_per_person_event: Counter[tuple[str, str]] = Counter(
        (r["Persoonsnummer"], r["Gebeurtenisnummer"]) for r in suspects if r["Gebeurtenisnummer"]
    )
    multi = {event for (_, event), n in regs_per_person_event.items() if n > 1}
    assert multi
    assert all(
        by_number[r["Registratienummer"]]["Datum"].date() >= CUTOVER
        for r in suspects
        if r["Gebeurtenisnummer"] in multi
    )


def test_reporting_channels(registrations: list[dict[str, Any]]) -> None:
    online: Counter[int] = Counter()
    reportable: Counter[int] = Counter()
    for row in registrations:
        code, channel = row["Soort misdrijf code"], row["Wijze van aangifte"]
        if code.startswith("E"):
            assert channel == ""
        elif ONLINE_REPORTABLE.match(code):
            reportable[row["Datum"].year] += 1
            online[row["Datum"].year] += channel == "Internet"
        else:
            assert channel in {"Balie", "Telefoon", "Overig"}
    assert {r["Wijze van aangifte"] for r in registrations} == {"", "Internet", "Balie", "Telefoon", "Overig"}
    for year, expected in ((2017, 0.18), (2018, 0.24), (2019, 0.30)):
        assert abs(online[year] / reportable[year] - expected) < 0.02, year


# ------------------------------------------------------------------ benchmarks


def test_benchmarks(benchmarks: dict, population: dict, counts: Counts) -> None:
    mn, g10 = "Midden-Nederland", "G10/100.000+"
    assert benchmarks[("2017H2", g10, "1.4.7")] == (None, None)  # suppressed, not zero
    assert sum(1 for count, _ in benchmarks.values() if count is None) == 1
    assert len(benchmarks) == 6 * 2 * 10
    for (_, _, code), (count, internet) in benchmarks.items():
        has_internet = code in {"1.1.1", "1.2.1", "1.2.3", "2.2.1", "3.9.1", "0.0.0"}
        assert (internet is not None) == (has_internet and count is not None)
        if internet is not None:
            assert 0 < internet < count

    def rate(area: str, code: str, period: str) -> float:
        per = "dwellings" if code == "1.1.1" else "inhabitants"
        if area == "Almere":
            return almere_rate(counts, population, "total" if code == "0.0.0" else code, period, per)
        return benchmarks[(period, area, code)][0] / population[(int(period[:4]), area)][per] * 1000

    def pct(area: str, code: str) -> float:
        return (rate(area, code, "2019H1") / rate(area, code, "2017H1") - 1) * 100

    assert round(pct(mn, "1.2.3")) == -28
    assert round(pct(mn, "E38")) == 5
    for area in (mn, g10):
        assert pct(area, "1.1.1") < 0
        assert pct(area, "1.4.7") > 0
        assert pct(area, "1.2.1") < 0
        assert rate(area, "1.2.1", "2019H1") > rate("Almere", "1.2.1", "2019H1")
    assert abs(pct(mn, "1.4.6") - pct("Almere", "1.4.6")) < 5
    assert -10 < pct(g10, "1.4.6") < 0
    almere = {code: rate("Almere", code, "2019H1") for code in ("2.2.1", "3.9.1", "0.0.0", "E35", "E38")}
    assert (
        0.9 * almere["2.2.1"] < rate(mn, "2.2.1", "2019H1") < almere["2.2.1"] < rate(g10, "2.2.1", "2019H1")
    )
    assert 0.9 * almere["3.9.1"] < rate(mn, "3.9.1", "2019H1") < almere["3.9.1"]
    assert 0.9 * almere["0.0.0"] < rate(mn, "0.0.0", "2019H1") < almere["0.0.0"]
    assert rate(g10, "0.0.0", "2019H1") > 1.2 * almere["0.0.0"]
    assert rate(mn, "E35", "2019H1") > almere["E35"]
    assert rate(mn, "E38", "2019H1") > almere["E38"]
    assert rate(mn, "1.2.3", "2019H1") > 1.5 * rate("Almere", "1.2.3", "2019H1")


# ---------------------------------------------------------------- reproducible


def _cells(path: Path) -> list[list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]


@pytest.mark.slow
def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    """Rerunning the generator rewrites every file: text byte for byte, workbooks cell for cell.

    Workbooks are compared by cell values because their XML bytes depend on the openpyxl version.
    """
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, timeout=300)
    generated = sorted(p.name for p in tmp_path.iterdir())
    assert generated == sorted(p.name for p in DATA.iterdir())
    different = [
        name
        for name in generated
        if (
            _cells(tmp_path / name) != _cells(DATA / name)
            if name.endswith(".xlsx")
            else (tmp_path / name).read_bytes() != (DATA / name).read_bytes()
        )
    ]
    assert different == [], f"regenerate with `python {SCRIPT.relative_to(ROOT)}`"

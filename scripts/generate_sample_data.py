"""Generate veilcli's fictitious, deterministic sample data for Almere (GM0034).

Run ``python scripts/generate_sample_data.py [--out sample_data]``. The seed is fixed
(``SEED``), so a rerun writes byte-identical files (the workbook gets fixed document
properties and fixed zip timestamps).

Files written (half-years 2017H1 .. 2019H2, i.e. 2017-01-01 .. 2019-12-31):

- ``almere-registraties-2017.xlsx``: police registrations (crime and nuisance) of 2017,
  sheet "Registraties", two title rows, a blank row, headers in row 4, a trailing
  "Totaal" row after one blank row.
- ``almere-registraties-2018-2019.csv``: the same columns for 2018-2019, Windows-1252,
  ``;``, dates as ``dd-mm-yyyy hh:mm`` text.
- ``almere-verdachten-2017-2019.csv``: one row per suspect per crime registration,
  UTF-8 with BOM, ``,``.
- ``benchmarks-tellingen.csv``: pre-aggregated counts for Midden-Nederland and
  G10/100.000+, ``;``, Dutch thousands separators, one suppressed (empty) count.
- ``almere-huisverboden.csv``: house bans per half-year.
- ``bevolking.csv``: population on 1 January (inhabitants, dwellings, youths 12-24).
- ``README.md``: what the files are, with the resulting figures.

The raw Almere data reproduces the figures published in Almere's progress report on the
Actieplan Veiligheid (H1 2019 vs H1 2017; rate = count in the half-year / population of
1 January of that year x 1000; changes are changes of the rate, rounded to whole %):

- woninginbraak (1.1.1) per 1,000 dwellings 6.3 -> 4.3, -31%;
- straatroof (1.4.6) +9 registrations; overval (1.4.7) +1 vs 2017H1, +3 vs 2018H1;
- auto-inbraak (1.2.1) +7%; fietsdiefstal (1.2.3) -14% and above 2018H1;
- vernieling (2.2.1) -4%, 2.5 per 1,000 in 2019H1, above 2018H1;
- jeugdoverlast (E35) -32%; drugs-/drankoverlast (E38) -8%; online fraud (3.9.1) +20%;
- total crime (every non-nuisance code) about 24 per 1,000 in 2019H1, +4% vs 2018H1;
- 1,043 suspect rows aged 12-24 living in Almere in 2019H1; house bans 11/23/18.

The exact counts are solved from the populations and these targets in
``almere_counts`` and checked in ``check_targets`` before anything is written. The raw
counts include the extra registrations of samenloop events (shared Gebeurtenisnummer:
about 2.5% of crime registrations before 2018-07-01, about 11% from then on).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

SEED = 342019  # GM0034, 2019
FIXED_TIMESTAMP = dt.datetime(2019, 9, 1, 12, 0, 0)
ZIP_TIMESTAMP = (2019, 9, 1, 12, 0, 0)

PERIODS = ("2017H1", "2017H2", "2018H1", "2018H2", "2019H1", "2019H2")
YEARS = (2017, 2018, 2019)
SAMENLOOP_CUTOVER = dt.date(2018, 7, 1)

HEADERS = (
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
)
SUSPECT_HEADERS = (
    "Registratienummer",
    "Datum",
    "Leeftijd",
    "Woonplaats",
    "Soort misdrijf code",
    "Gebeurtenisnummer",
    "Persoonsnummer",
)
BENCHMARK_HEADERS = (
    "Periode",
    "Gebied",
    "Soort misdrijf code",
    "Aantal",
    "Internetaangiften",
)

# Labels as in the police open data (reference/politie-soort-misdrijf.csv and
# reference/politie-overlast.csv), for the codes used here.
LABELS: dict[str, str] = {
    "0.0.0": "Totaal misdrijven",
    "1.1.1": "Diefstal/inbraak woning",
    "1.1.2": "Diefstal/inbraak box/garage/schuur",
    "1.2.1": "Diefstal uit/vanaf motorvoertuigen",
    "1.2.2": "Diefstal van motorvoertuigen",
    "1.2.3": "Diefstal van brom-, snor-, fietsen",
    "1.2.4": "Zakkenrollerij",
    "1.2.5": "Diefstal af/uit/van ov. voertuigen",
    "1.3.1": "Ongevallen (weg)",
    "1.4.1": "Zedenmisdrijf",
    "1.4.3": "Openlijk geweld (persoon)",
    "1.4.4": "Bedreiging",
    "1.4.5": "Mishandeling",
    "1.4.6": "Straatroof",
    "1.4.7": "Overval",
    "1.6.1": "Brand/ontploffing",
    "1.6.2": "Overige vermogensdelicten",
    "2.2.1": "Vernieling cq. zaakbeschadiging",
    "2.4.1": "Burengerucht (relatieproblemen)",
    "2.4.2": "Huisvredebreuk",
    "2.5.1": "Diefstal/inbraak bedrijven enz.",
    "2.5.2": "Winkeldiefstal",
    "2.7.2": "Bijzondere wetten",
    "2.7.3": "Leefbaarheid (overig)",
    "3.1.1": "Drugshandel",
    "3.1.3": "Wapenhandel",
    "3.5.2": "Onder invloed (weg)",
    "3.5.5": "Weg (overig)",
    "3.6.4": "Aantasting openbare orde",
    "3.7.3": "Maatsch. integriteit (overig)",
    "3.7.4": "Cybercrime",
    "3.9.1": "Horizontale fraude",
    "3.9.2": "Verticale fraude",
    "3.9.3": "Fraude (overig)",
    "E33": "Overlast door verward persoon",
    "E35": "Melding overlast jeugd",
    "E38": "Overlast ivm alcohol/ drugs",
}
NUISANCE_CODES = ("E35", "E38", "E33")

# Crime codes outside the indicators: relative weights of a half-year's remainder.
OTHER_CRIME_WEIGHTS: dict[str, float] = {
    "1.6.2": 520,
    "1.4.5": 380,
    "2.5.2": 340,
    "1.4.4": 230,
    "2.5.1": 190,
    "3.5.2": 180,
    "3.9.3": 170,
    "1.1.2": 120,
    "1.3.1": 110,
    "1.2.4": 90,
    "3.5.5": 90,
    "3.6.4": 80,
    "1.2.5": 70,
    "3.7.3": 70,
    "1.2.2": 60,
    "2.7.2": 60,
    "3.1.1": 55,
    "1.6.1": 45,
    "2.4.2": 45,
    "3.1.3": 45,
    "1.4.1": 40,
    "2.7.3": 40,
    "2.4.1": 30,
    "1.4.3": 25,
    "3.7.4": 15,
    "3.9.2": 10,
}
# The police's published samenloop effect per code (reference/README.md item 5):
# from 2018H2 on these codes get that much more weight.
SAMENLOOP_UPLIFT: dict[str, float] = {
    "2.4.2": 0.10,
    "2.7.2": 0.09,
    "3.1.3": 0.16,
    "3.1.1": 0.05,
    "3.6.4": 0.08,
    "3.7.3": 0.09,
}

# Samenloop: a main registration and the lighter related codes its event can add.
RELATED_CODES: dict[str, tuple[str, ...]] = {
    "1.4.6": ("3.1.3", "1.4.4", "1.4.5"),
    "1.4.7": ("3.1.3", "1.4.4"),
    "1.1.1": ("2.4.2", "2.2.1"),
    "2.5.1": ("2.2.1", "2.4.2"),
    "1.2.1": ("2.2.1",),
    "1.4.5": ("3.6.4", "1.4.4", "2.2.1"),
    "1.4.3": ("2.2.1", "3.6.4"),
    "1.4.4": ("3.6.4", "3.1.3"),
    "3.1.1": ("2.7.2", "3.6.4"),
    "3.9.3": ("3.7.3",),
    "2.5.2": ("3.6.4", "2.2.1"),
}
# How likely a registration of this code is the main one of an event.
MAIN_PROPENSITY: dict[str, float] = {
    "1.4.6": 0.6,
    "1.4.7": 0.6,
    "1.1.1": 0.15,
    "2.5.1": 0.15,
    "1.2.1": 0.03,
    "1.4.5": 0.2,
    "1.4.3": 0.4,
    "1.4.4": 0.1,
    "3.1.1": 0.5,
    "3.9.3": 0.08,
    "2.5.2": 0.05,
}
LINKED_SHARE_BEFORE = 0.025  # share of crime registrations in a 2-registration event
LINKED_SHARE_AFTER = 0.11  # share of crime registrations in a 2- or 3-registration event

# Reporting channel. Online reports exist for theft, criminal damage and fraud only.
ONLINE_PREFIXES = ("1.1.", "1.2.", "2.5.", "3.9.")
ONLINE_CODES = ("1.6.2", "2.2.1")
INTERNET_SHARE = {2017: 0.18, 2018: 0.24, 2019: 0.30}
OFFLINE_CHANNELS = (("Balie", 0.60), ("Telefoon", 0.35), ("Overig", 0.05))
ATTEMPT_SHARE = {"1.1.1": 0.25, "1.4.6": 0.2, "1.4.7": 0.15, "2.5.1": 0.15}

HOUR_WEIGHTS = (3, 2, 2, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 5, 5, 4, 4)


@dataclass(frozen=True)
class Population:
    """Population on 1 January."""

    inhabitants: int
    dwellings: int
    youths: int


# Almere's wijken; their sums are checked against ALMERE_POPULATION.
DISTRICT_POPULATION: dict[int, dict[str, Population]] = {
    2017: {
        "Almere-Stad": Population(103_400, 40_650, 16_180),
        "Almere-Haven": Population(22_700, 9_640, 3_240),
        "Almere-Buiten": Population(56_200, 21_480, 9_120),
        "Almere-Hout": Population(4_254, 1_610, 650),
        "Almere-Poort": Population(14_300, 5_210, 2_050),
        "Almere-Pampus": Population(60, 24, 10),
    },
    2018: {
        "Almere-Stad": Population(104_100, 40_890, 16_420),
        "Almere-Haven": Population(22_420, 9_650, 3_210),
        "Almere-Buiten": Population(56_100, 21_520, 9_150),
        "Almere-Hout": Population(4_900, 1_684, 768),
        "Almere-Poort": Population(16_400, 5_930, 2_420),
        "Almere-Pampus": Population(70, 28, 12),
    },
    2019: {
        "Almere-Stad": Population(104_900, 41_150, 16_610),
        "Almere-Haven": Population(22_350, 9_660, 3_180),
        "Almere-Buiten": Population(56_300, 21_570, 9_190),
        "Almere-Hout": Population(5_574, 1_849, 857),
        "Almere-Poort": Population(18_700, 6_650, 2_790),
        "Almere-Pampus": Population(80, 32, 13),
    },
}
ALMERE_POPULATION: dict[int, Population] = {
    2017: Population(200_914, 78_614, 31_250),
    2018: Population(203_990, 79_702, 31_980),
    2019: Population(207_904, 80_911, 32_640),
}
BENCHMARK_POPULATION: dict[str, dict[int, Population]] = {
    "Midden-Nederland": {
        2017: Population(1_327_450, 589_300, 218_400),
        2018: Population(1_336_820, 594_100, 219_600),
        2019: Population(1_347_310, 599_800, 220_900),
    },
    "G10/100.000+": {
        2017: Population(6_012_300, 2_905_400, 1_004_500),
        2018: Population(6_071_800, 2_930_700, 1_012_300),
        2019: Population(6_139_500, 2_961_200, 1_021_800),
    },
}

NEIGHBOURHOODS: dict[str, tuple[str, ...]] = {
    "Almere-Stad": (
        "Stedenwijk",
        "Waterwijk",
        "Muziekwijk",
        "Filmwijk",
        "Kruidenwijk",
        "Literatuurwijk",
        "Poëtenbuurt",
        "Danswijk",
        "Verzetswijk",
        "Centrum Almere-Stad",
        "Parkwijk",
        "Staatsliedenwijk",
    ),
    "Almere-Haven": (
        "Centrum Almere-Haven",
        "De Werven",
        "De Marken",
        "De Hoven",
        "De Wierden",
        "De Meenten",
        "De Gouwen",
    ),
    "Almere-Buiten": (
        "Regenboogbuurt",
        "Stripheldenbuurt",
        "Bouwmeesterbuurt",
        "Faunabuurt",
        "Molenbuurt",
        "Seizoenenbuurt",
        "Eilandenbuurt",
        "Bloemenbuurt",
    ),
    "Almere-Hout": ("Vogelhorst", "Nobelhorst", "Overgooi"),
    "Almere-Poort": (
        "Columbuskwartier",
        "Homeruskwartier",
        "Europakwartier",
        "Olympiakwartier",
    ),
    "Almere-Pampus": ("Pampushout",),
}

# Suspects: rows per half-year (Almere residents aged 12-24, and everyone else).
YOUTH_SUSPECT_ROWS = {
    "2017H1": 1118,
    "2017H2": 1087,
    "2018H1": 968,
    "2018H2": 1004,
    "2019H1": 1043,
    "2019H2": 1021,
}
OTHER_SUSPECT_ROWS = {
    "2017H1": 1036,
    "2017H2": 1012,
    "2018H1": 947,
    "2018H2": 1053,
    "2019H1": 1098,
    "2019H2": 1075,
}
# (youth weight, other weight): how likely a registration of the code has a suspect.
SUSPECT_WEIGHTS: dict[str, tuple[float, float]] = {
    "2.5.2": (1.0, 0.8),
    "1.4.5": (0.7, 0.9),
    "1.4.4": (0.5, 0.7),
    "2.2.1": (0.3, 0.12),
    "1.4.6": (0.9, 0.3),
    "1.4.7": (0.6, 0.5),
    "1.4.3": (0.9, 0.4),
    "3.1.1": (0.6, 0.9),
    "3.5.2": (0.2, 1.2),
    "3.1.3": (0.7, 0.6),
    "3.6.4": (0.6, 0.6),
    "1.2.3": (0.06, 0.02),
    "1.1.1": (0.06, 0.05),
    "1.2.1": (0.05, 0.03),
    "3.9.1": (0.2, 0.3),
    "3.9.3": (0.1, 0.4),
    "2.7.2": (0.3, 0.6),
    "1.6.2": (0.1, 0.15),
    "2.4.2": (0.4, 0.5),
    "1.3.1": (0.1, 0.3),
}
DEFAULT_SUSPECT_WEIGHT = (0.15, 0.15)
OTHER_RESIDENCES = (("Lelystad", 0.4), ("Amsterdam", 0.35), ("Zeewolde", 0.25))

HOUSE_BANS = {
    "2017H1": 19,
    "2017H2": 21,
    "2018H1": 23,
    "2018H2": 11,
    "2019H1": 18,
    "2019H2": 20,
}

# Benchmarks: rate per 1,000 inhabitants (1.1.1: per 1,000 dwellings) per half-year.
BENCHMARK_RATES: dict[str, dict[str, tuple[float, ...]]] = {
    "Midden-Nederland": {
        "1.1.1": (5.4, 6.1, 4.6, 4.9, 3.9, 4.4),
        "1.4.6": (0.140, 0.155, 0.130, 0.150, 0.167, 0.160),
        "1.4.7": (0.028, 0.034, 0.026, 0.030, 0.032, 0.033),
        "1.2.1": (4.1, 4.3, 3.8, 3.9, 3.7, 3.8),
        "1.2.3": (7.2, 7.6, 5.9, 6.1, 5.18, 5.6),
        "2.2.1": (2.55, 2.70, 2.35, 2.50, 2.42, 2.55),
        "3.9.1": (1.45, 1.52, 1.58, 1.66, 1.74, 1.80),
        "0.0.0": (24.3, 24.6, 22.9, 23.8, 23.6, 24.1),
        "E35": (6.2, 5.9, 5.6, 5.3, 5.1, 5.2),
        "E38": (1.55, 1.50, 1.58, 1.56, 1.63, 1.60),
    },
    "G10/100.000+": {
        "1.1.1": (6.9, 7.6, 5.8, 6.2, 5.0, 5.6),
        "1.4.6": (0.52, 0.58, 0.49, 0.54, 0.50, 0.53),
        "1.4.7": (0.043, 0.051, 0.040, 0.046, 0.047, 0.049),
        "1.2.1": (5.3, 5.6, 4.9, 5.0, 4.6, 4.8),
        "1.2.3": (6.5, 7.0, 5.8, 6.1, 5.6, 5.9),
        "2.2.1": (3.25, 3.40, 3.05, 3.20, 3.10, 3.20),
        "3.9.1": (1.30, 1.38, 1.46, 1.55, 1.62, 1.70),
        "0.0.0": (33.8, 34.5, 32.4, 33.6, 33.0, 33.9),
        "E35": (4.9, 4.6, 4.4, 4.2, 4.0, 4.1),
        "E38": (2.10, 2.05, 2.15, 2.12, 2.20, 2.18),
    },
}
# Online share of benchmark counts: the year's share times a per-code factor (the
# total 0.0.0 is derived from its parts in benchmark_rows).
BENCHMARK_ONLINE_FACTOR = {
    "1.1.1": 0.5,
    "1.2.1": 1.1,
    "1.2.3": 1.3,
    "2.2.1": 0.8,
    "3.9.1": 2.2,
}
SUPPRESSED = ("G10/100.000+", "1.4.7", "2017H2")


# --------------------------------------------------------------------------- helpers


def rate(count: int, base: int) -> float:
    """Return ``count`` per 1,000 of ``base``."""
    return count / base * 1000


def pct_change(new: float, old: float) -> float:
    """Return the change from ``old`` to ``new`` in percent."""
    return (new / old - 1) * 100


def rounds_to(value: float, target: float, ndigits: int = 0) -> bool:
    """Return whether ``value`` rounds to ``target`` under any rounding rule.

    The value must lie strictly inside the rounding interval (no ties), so banker's
    rounding and half-up rounding agree.
    """
    return abs(value - target) < 0.5 * 10**-ndigits - 1e-9


def solve_count(start: int, ok: Callable[[int], bool], span: int = 100) -> int:
    """Return the integer nearest to ``start`` (lower first on ties) accepted by ``ok``."""
    for delta in range(span + 1):
        for candidate in (start - delta, start + delta):
            if candidate >= 0 and ok(candidate):
                return candidate
    raise RuntimeError(f"no count within {span} of {start} meets the target")


def series(*values: int) -> dict[str, int]:
    """Return a per-period dict from one value per half-year, 2017H1 first."""
    return dict(zip(PERIODS, values, strict=True))


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """Return the first day and the day after the last day of a half-year."""
    year, half = int(period[:4]), period[4:]
    if half == "H1":
        return dt.date(year, 1, 1), dt.date(year, 7, 1)
    return dt.date(year, 7, 1), dt.date(year + 1, 1, 1)


def period_of(day: dt.date) -> str:
    """Return the half-year label of a date."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def dutch_int(value: int) -> str:
    """Format an integer with Dutch thousands separators: 12345 -> '12.345'."""
    return f"{value:,}".replace(",", ".")


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` over the keys proportionally (largest-remainder method)."""
    weight_sum = sum(weights.values())
    exact = {key: total * w / weight_sum for key, w in weights.items()}
    result = {key: int(value) for key, value in exact.items()}
    leftover = total - sum(result.values())
    by_remainder = sorted(exact, key=lambda key: (result[key] - exact[key], key))
    for key in by_remainder[:leftover]:
        result[key] += 1
    return result


def is_online_reportable(code: str) -> bool:
    """Return whether the police accept online reports for this open-data code."""
    return code.startswith(ONLINE_PREFIXES) or code in ONLINE_CODES


def is_nuisance(code: str) -> bool:
    """Return whether the code is a nuisance (overlast) code rather than a crime."""
    return code.startswith("E")


def require(condition: bool, message: str) -> None:
    """Raise if a generation-time check fails (``assert`` vanishes under ``-O``)."""
    if not condition:
        raise RuntimeError(f"sample-data target missed: {message}")


# ---------------------------------------------------------------------- the counts


def almere_counts() -> dict[str, dict[str, int]]:
    """Return the raw Almere counts: code -> period -> registrations.

    The periods the report compares are solved from the population and the published
    figures; the other half-years are plausible hand-picked values. Total crime is
    filled up with ``OTHER_CRIME_WEIGHTS`` codes.
    """
    inh = {year: ALMERE_POPULATION[year].inhabitants for year in YEARS}
    dwel = {year: ALMERE_POPULATION[year].dwellings for year in YEARS}

    def with_change(count0: int, base0: int, base1: int, pct: float) -> int:
        """Count in the new period whose rate changes by ``pct`` (rounded) from count0."""
        rate0 = rate(count0, base0)
        start = round(rate0 * (1 + pct / 100) * base1 / 1000)
        return solve_count(start, lambda c: rounds_to(pct_change(rate(c, base1), rate0), pct))

    # woninginbraak: 6.3 -> 4.3 per 1,000 dwellings, -31%
    burglary17 = solve_count(
        round(6.3 * dwel[2017] / 1000),
        lambda c: rounds_to(rate(c, dwel[2017]), 6.3, 1),
    )
    rate17 = rate(burglary17, dwel[2017])
    burglary19 = solve_count(
        round(rate17 * 0.69 * dwel[2019] / 1000),
        lambda c: (
            rounds_to(rate(c, dwel[2019]), 4.3, 1) and rounds_to(pct_change(rate(c, dwel[2019]), rate17), -31)
        ),
    )
    # vernieling: 2.5 per 1,000 in 2019H1, -4% vs 2017H1
    damage19 = solve_count(round(2.5 * inh[2019] / 1000), lambda c: rounds_to(rate(c, inh[2019]), 2.5, 1))
    damage_rate19 = rate(damage19, inh[2019])
    damage17 = solve_count(
        round(damage_rate19 / 0.96 * inh[2017] / 1000),
        lambda c: rounds_to(pct_change(damage_rate19, rate(c, inh[2017])), -4),
    )
    # total crime: about 24 per 1,000 in 2019H1, +4% vs 2018H1
    total19 = solve_count(
        round(24.2 * inh[2019] / 1000),
        lambda c: 24.0 <= rate(c, inh[2019]) < 24.5,
    )
    total_rate19 = rate(total19, inh[2019])
    total18 = solve_count(
        round(total_rate19 / 1.04 * inh[2018] / 1000),
        lambda c: rounds_to(pct_change(total_rate19, rate(c, inh[2018])), 4),
    )

    robbery17, holdup17 = 38, 11
    vehicle17, bicycle17, fraud17, youth17, drugs17 = 610, 720, 300, 1140, 262
    vehicle19 = with_change(vehicle17, inh[2017], inh[2019], 7)
    bicycle19 = with_change(bicycle17, inh[2017], inh[2019], -14)
    fraud19 = with_change(fraud17, inh[2017], inh[2019], 20)
    youth19 = with_change(youth17, inh[2017], inh[2019], -32)
    drugs19 = with_change(drugs17, inh[2017], inh[2019], -8)
    #                   2017H1      2017H2 2018H1        2018H2 2019H1         2019H2
    counts: dict[str, dict[str, int]] = {
        "1.1.1": series(burglary17, 560, 430, 470, burglary19, 420),
        "1.4.6": series(robbery17, 44, 35, 41, robbery17 + 9, 45),
        "1.4.7": series(holdup17, 14, holdup17 - 2, 10, holdup17 + 1, 13),
        "1.2.1": series(vehicle17, 655, 590, 640, vehicle19, 690),
        "1.2.3": series(bicycle17, 780, 598, 700, bicycle19, 690),
        "2.2.1": series(damage17, 560, 480, 545, damage19, 535),
        "3.9.1": series(fraud17, 320, 335, 350, fraud19, 390),
        "E35": series(youth17, 1060, 930, 880, youth19, 840),
        "E38": series(drugs17, 245, 250, 238, drugs19, 243),
        "E33": series(150, 160, 170, 175, 185, 190),
    }
    totals = series(4870, 4990, total18, 5160, total19, 5220)
    indicator_codes = [code for code in counts if not is_nuisance(code)]
    for period in PERIODS:
        rest = totals[period] - sum(counts[code][period] for code in indicator_codes)
        weights = dict(OTHER_CRIME_WEIGHTS)
        if period_bounds(period)[0] >= SAMENLOOP_CUTOVER:
            for code, uplift in SAMENLOOP_UPLIFT.items():
                weights[code] *= 1 + uplift
        for code, count in apportion(rest, weights).items():
            counts.setdefault(code, {})[period] = count
    return counts


def crime_totals(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """Return total crime (every code that is not a nuisance E-code) per period."""
    return {
        period: sum(c[period] for code, c in counts.items() if not is_nuisance(code)) for period in PERIODS
    }


def check_targets(counts: dict[str, dict[str, int]]) -> None:
    """Check the raw Almere counts against the published report figures."""

    def inh(period: str) -> int:
        return ALMERE_POPULATION[int(period[:4])].inhabitants

    def per_inh(code: str, period: str) -> float:
        return rate(counts[code][period], inh(period))

    def change(code: str, new: str = "2019H1", old: str = "2017H1") -> float:
        return pct_change(per_inh(code, new), per_inh(code, old))

    dw17, dw19 = ALMERE_POPULATION[2017].dwellings, ALMERE_POPULATION[2019].dwellings
    burglary17 = rate(counts["1.1.1"]["2017H1"], dw17)
    burglary19 = rate(counts["1.1.1"]["2019H1"], dw19)
    require(rounds_to(burglary17, 6.3, 1), "woninginbraak 2017H1 6.3")
    require(rounds_to(burglary19, 4.3, 1), "woninginbraak 2019H1 4.3")
    require(rounds_to(pct_change(burglary19, burglary17), -31), "woninginbraak -31%")
    robbery = counts["1.4.6"]
    require(robbery["2019H1"] - robbery["2017H1"] == 9, "straatroof +9")
    holdup = counts["1.4.7"]
    require(holdup["2019H1"] - holdup["2017H1"] == 1, "overval +1 vs 2017H1")
    require(holdup["2019H1"] - holdup["2018H1"] == 3, "overval +3 vs 2018H1")
    require(rounds_to(change("1.2.1"), 7), "auto-inbraak +7%")
    require(rounds_to(change("1.2.3"), -14), "fietsdiefstal -14%")
    require(per_inh("1.2.3", "2019H1") > per_inh("1.2.3", "2018H1"), "fiets > 2018H1")
    require(rounds_to(change("2.2.1"), -4), "vernieling -4%")
    require(rounds_to(per_inh("2.2.1", "2019H1"), 2.5, 1), "vernieling 2.5")
    require(per_inh("2.2.1", "2019H1") > per_inh("2.2.1", "2018H1"), "vernieling up")
    require(rounds_to(change("E35"), -32), "jeugdoverlast -32%")
    require(rounds_to(change("E38"), -8), "drugs-/drankoverlast -8%")
    require(rounds_to(change("3.9.1"), 20), "online handelsfraude +20%")
    totals = crime_totals(counts)
    for period in PERIODS:
        require(4500 <= totals[period] <= 5500, f"about 5,000 crimes in {period}")
    total19 = rate(totals["2019H1"], inh("2019H1"))
    total18 = rate(totals["2018H1"], inh("2018H1"))
    require(24.0 <= total19 < 24.5, "total crime about 24 per 1,000")
    require(rounds_to(pct_change(total19, total18), 4), "total crime +4% vs 2018H1")
    require(800 <= counts["E35"]["2019H1"] <= 1200, "E35 roughly 800-1,000")
    for year in YEARS:
        districts = DISTRICT_POPULATION[year].values()
        total_pop = ALMERE_POPULATION[year]
        require(
            sum(d.inhabitants for d in districts) == total_pop.inhabitants,
            f"wijk inhabitants add up in {year}",
        )
        require(
            sum(d.dwellings for d in districts) == total_pop.dwellings,
            f"wijk dwellings add up in {year}",
        )
        require(
            sum(d.youths for d in districts) == total_pop.youths,
            f"wijk youths add up in {year}",
        )


# ------------------------------------------------------------------ registrations


@dataclass
class Registration:
    """One generated police registration (crime or nuisance incident)."""

    when: dt.datetime
    code: str
    district: str
    neighbourhood: str
    attempt: bool
    channel: str = ""
    event: int | None = None
    number: str = ""
    event_number: str = ""


@dataclass
class Event:
    """Registrations of one samenloop event; the first one is the main (heaviest)."""

    members: list[Registration] = field(default_factory=list)


def random_moment(rng: Random, period: str) -> dt.datetime:
    """Return a random date and whole-minute time within the half-year."""
    start, end = period_bounds(period)
    day = start + dt.timedelta(days=rng.randrange((end - start).days))
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    return dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60))


def random_place(rng: Random, year: int) -> tuple[str, str]:
    """Return a (wijk, buurt) weighted by the wijk's inhabitants."""
    districts = DISTRICT_POPULATION[year]
    names = list(districts)
    district = rng.choices(names, weights=[districts[n].inhabitants for n in names])[0]
    return district, rng.choice(NEIGHBOURHOODS[district])


def make_registrations(rng: Random, counts: dict[str, dict[str, int]], period: str) -> list[Registration]:
    """Create the period's registrations, exactly ``counts[code][period]`` per code."""
    year = int(period[:4])
    rows = []
    for code in sorted(counts):
        for _ in range(counts[code][period]):
            district, neighbourhood = random_place(rng, year)
            attempt = rng.random() < ATTEMPT_SHARE.get(code, 0.02)
            rows.append(
                Registration(
                    when=random_moment(rng, period),
                    code=code,
                    district=district,
                    neighbourhood=neighbourhood,
                    attempt=attempt and not is_nuisance(code),
                )
            )
    return rows


def link_events(rng: Random, registrations: list[Registration], period: str) -> list[Event]:
    """Group some crime registrations into samenloop events (shared Gebeurtenisnummer).

    Before the cut-over about 2.5% of crime registrations sit in 2-registration
    events; from the cut-over about 11% in events of 2-3. Extras take the main
    registration's moment and place. Counts per code do not change.
    """
    after = period_bounds(period)[0] >= SAMENLOOP_CUTOVER
    crime = [r for r in registrations if not is_nuisance(r.code)]
    free: dict[str, list[Registration]] = {}
    for reg in crime:
        free.setdefault(reg.code, []).append(reg)
    share = LINKED_SHARE_AFTER if after else LINKED_SHARE_BEFORE
    target = round(share * len(crime))
    events: list[Event] = []
    linked = 0
    mains = sorted(MAIN_PROPENSITY)
    for _ in range(10 * target):
        if target - linked < 2:
            break
        weights = [MAIN_PROPENSITY[c] * len(free.get(c, ())) for c in mains]
        main_code = rng.choices(mains, weights=weights)[0]
        size = 2 if not after or rng.random() < 0.6 else 3
        size = min(size, target - linked)
        main = free[main_code].pop(rng.randrange(len(free[main_code])))
        event = Event([main])
        for _extra in range(size - 1):
            options = [c for c in RELATED_CODES[main_code] if free.get(c)]
            if not options:
                break
            code = rng.choice(options)
            extra = free[code].pop(rng.randrange(len(free[code])))
            extra.when, extra.district = main.when, main.district
            extra.neighbourhood = main.neighbourhood
            event.members.append(extra)
        if len(event.members) < 2:
            continue
        for member in event.members:
            member.event = len(events)
        events.append(event)
        linked += len(event.members)
    return events


def assign_channels(rng: Random, registrations: list[Registration], events: list[Event], year: int) -> None:
    """Set 'Wijze van aangifte': one channel per event, from its main registration.

    Online-reportable mains are reported via Internet at the year's share (exactly,
    rounded); a non-reportable registration in an online-reported event is 'Overig'.
    Nuisance incidents keep an empty channel.
    """
    groups = [e.members for e in events]
    groups += [[r] for r in registrations if r.event is None and not is_nuisance(r.code)]
    online = [g for g in groups if is_online_reportable(g[0].code)]
    internet = set(rng.sample(range(len(online)), round(INTERNET_SHARE[year] * len(online))))
    online_ids = {id(g[0]) for i, g in enumerate(online) if i in internet}
    labels, weights = zip(*OFFLINE_CHANNELS, strict=True)
    for group in groups:
        online_main = id(group[0]) in online_ids
        channel = "Internet" if online_main else rng.choices(labels, weights=weights)[0]
        for reg in group:
            ok = channel != "Internet" or is_online_reportable(reg.code)
            reg.channel = channel if ok else "Overig"


def number_registrations(rng: Random, registrations: list[Registration], year: int) -> None:
    """Sort a year's registrations by moment and give them numbers and event numbers."""
    registrations.sort(key=lambda r: (r.when, r.code, r.district, r.neighbourhood))
    seq = rng.randint(10_000, 15_000)
    event_seq = rng.randint(1_000, 3_000)
    event_numbers: dict[tuple[str, int], str] = {}
    for reg in registrations:
        seq += rng.randint(1, 4)
        reg.number = f"PL0900-{year}{seq:06d}"
        if reg.event is not None:
            key = (period_of(reg.when.date()), reg.event)
            if key not in event_numbers:
                event_seq += rng.randint(1, 9)
                event_numbers[key] = f"GB{year}-{event_seq:06d}"
            reg.event_number = event_numbers[key]


# ----------------------------------------------------------------------- suspects


@dataclass
class Person:
    """A suspect: number, date of birth and place of residence."""

    number: str
    birth: dt.date
    residence: str


@dataclass
class SuspectRow:
    """One suspect on one registration."""

    registration: Registration
    person: Person


def age_at(birth: dt.date, day: dt.date) -> int:
    """Return the age in whole years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class PersonRegistry:
    """Creates suspects and reuses some of them (repeat offenders)."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.next_number = 10_000
        self.youths: list[Person] = []
        self.others: list[Person] = []

    def _new(self, day: dt.date, age: int, residence: str) -> Person:
        """Create a person of exactly ``age`` on ``day``."""
        latest = day.replace(year=day.year - age)
        earliest = day.replace(year=day.year - age - 1) + dt.timedelta(days=1)
        span = (latest - earliest).days
        birth = earliest + dt.timedelta(days=self.rng.randint(0, span))
        require(age_at(birth, day) == age, "suspect age")
        self.next_number += self.rng.randint(1, 7)
        return Person(f"P{self.next_number:08d}", birth, residence)

    def youth(self, day: dt.date) -> Person:
        """Return an Almere resident aged 12-24 on ``day``."""
        if self.youths and self.rng.random() < 0.3:
            for _ in range(5):
                person = self.rng.choice(self.youths)
                if 12 <= age_at(person.birth, day) <= 24:
                    return person
        age = self.rng.choices(range(12, 25), weights=(1, 2, 4, 6, 8, 9, 9, 8, 7, 6, 5, 4, 3))[0]
        person = self._new(day, age, "Almere")
        self.youths.append(person)
        return person

    def other(self, day: dt.date) -> Person:
        """Return a suspect who is not an Almere resident aged 12-24 on ``day``."""
        if self.others and self.rng.random() < 0.2:
            for _ in range(5):
                person = self.rng.choice(self.others)
                age = age_at(person.birth, day)
                if person.residence != "Almere" or age > 24:
                    return person
        if self.rng.random() < 0.75:
            residence = "Almere"
            age = min(self.rng.randint(25, 70), self.rng.randint(25, 70))
        else:
            places, weights = zip(*OTHER_RESIDENCES, strict=True)
            residence = self.rng.choices(places, weights=weights)[0]
            age = self.rng.randint(14, 60)
        person = self._new(day, age, residence)
        self.others.append(person)
        return person


def make_suspects(
    rng: Random,
    registry: PersonRegistry,
    registrations: list[Registration],
    events: list[Event],
    period: str,
) -> list[SuspectRow]:
    """Put exactly the period's number of youth and other suspect rows on registrations.

    From the cut-over some suspects of an event appear on every registration of that
    event. Before it, only the main registration of an event gets suspects.
    """
    after = period_bounds(period)[0] >= SAMENLOOP_CUTOVER
    quota = {"youth": YOUTH_SUSPECT_ROWS[period], "other": OTHER_SUSPECT_ROWS[period]}
    rows: list[SuspectRow] = []
    on_registration: dict[int, set[str]] = {}

    def add(reg: Registration, kind: str) -> Person:
        day = reg.when.date()
        while True:
            person = registry.youth(day) if kind == "youth" else registry.other(day)
            if person.number not in on_registration.setdefault(id(reg), set()):
                break
        on_registration[id(reg)].add(person.number)
        rows.append(SuspectRow(reg, person))
        quota[kind] -= 1
        return person

    if after:
        for event in events:
            if rng.random() >= 0.45:
                continue
            for _ in range(1 if rng.random() < 0.7 else 2):
                size = len(event.members)
                kinds = [k for k in ("youth", "other") if quota[k] >= size]
                if not kinds:
                    continue
                kind = rng.choices(kinds, weights=[quota[k] for k in kinds])[0]
                person = add(event.members[0], kind)
                for member in event.members[1:]:
                    on_registration.setdefault(id(member), set()).add(person.number)
                    rows.append(SuspectRow(member, person))
                    quota[kind] -= 1
    eligible = [
        r
        for r in registrations
        if not is_nuisance(r.code) and (r.event is None or (not after and _is_main(r, events)))
    ]
    for position, kind in enumerate(("youth", "other")):
        weights = [SUSPECT_WEIGHTS.get(r.code, DEFAULT_SUSPECT_WEIGHT)[position] for r in eligible]
        for reg in rng.choices(eligible, weights=weights, k=quota[kind]):
            add(reg, kind)
    require(quota == {"youth": 0, "other": 0}, f"suspect quotas in {period}")
    return rows


def _is_main(reg: Registration, events: list[Event]) -> bool:
    """Return whether ``reg`` is the main registration of its event."""
    return reg.event is not None and events[reg.event].members[0] is reg


# ------------------------------------------------------------------------ writers


def registration_cells(reg: Registration) -> list[str]:
    """Return the text cells after Registratienummer and Datum."""
    return [
        reg.code,
        LABELS[reg.code],
        "Almere",
        reg.district,
        reg.neighbourhood,
        reg.event_number,
        reg.channel,
        "J" if reg.attempt else "N",
    ]


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed member timestamps and permissions."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename))
    return out.getvalue()


def write_xlsx(path: Path, registrations: Sequence[Registration]) -> None:
    """Write the 2017 registrations as a police-style workbook (title rows, totals row)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Registraties"
    ws["A1"] = "Geregistreerde misdrijven en incidenten Almere, 2017"
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = "Bron: Politie Midden-Nederland (fictieve voorbeelddata, gegenereerd door veilcli)"
    for column, header in enumerate(HEADERS, start=1):
        ws.cell(row=4, column=column, value=header).font = Font(bold=True)
    for row, reg in enumerate(registrations, start=5):
        values = [reg.number, reg.when, *registration_cells(reg)]
        for column, value in enumerate(values, start=1):
            ws.cell(row=row, column=column, value=value)
        ws.cell(row=row, column=2).number_format = "dd-mm-yyyy hh:mm"
    totals_row = 5 + len(registrations) + 1  # after one blank row
    ws.cell(row=totals_row, column=1, value="Totaal").font = Font(bold=True)
    ws.cell(row=totals_row, column=2, value=len(registrations))
    for column, width in zip("ABCDEFGHIJ", (20, 17, 10, 34, 10, 15, 22, 16, 12, 8), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A5"
    wb.properties.creator = "veilcli generate_sample_data.py"
    wb.properties.lastModifiedBy = "veilcli generate_sample_data.py"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    # ExcelWriter directly: save_workbook would stamp 'modified' with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    path.write_bytes(reproducible_zip(buffer.getvalue()))


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    encoding: str,
    delimiter: str,
    lineterminator: str = "\n",
) -> None:
    """Write a delimited text file with the given encoding."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)
        writer.writerow(header)
        writer.writerows(rows)


def benchmark_rows() -> list[list[str]]:
    """Return the benchmark counts (Dutch number format, one suppressed value).

    Internetaangiften: the year's online share times a per-code factor; for the total
    (0.0.0) the listed codes' online reports plus the year's share of a third of the
    remaining crimes, so the total is never below the sum of its parts.
    """
    rows: list[list[str]] = []
    for area, rates in BENCHMARK_RATES.items():
        pop = BENCHMARK_POPULATION[area]
        for index, period in enumerate(PERIODS):
            year = int(period[:4])
            counts: dict[str, int] = {}
            internet: dict[str, int] = {}
            for code, values in rates.items():
                base = pop[year].dwellings if code == "1.1.1" else pop[year].inhabitants
                counts[code] = round(values[index] * base / 1000)
                if code in BENCHMARK_ONLINE_FACTOR:
                    share = INTERNET_SHARE[year] * BENCHMARK_ONLINE_FACTOR[code]
                    internet[code] = round(counts[code] * share)
            listed = [c for c in counts if c != "0.0.0" and not is_nuisance(c)]
            rest = counts["0.0.0"] - sum(counts[c] for c in listed)
            require(rest > 0, f"{area} {period}: total crime above its listed parts")
            parts_online = sum(internet.values())
            internet["0.0.0"] = parts_online + round(rest / 3 * INTERNET_SHARE[year])
            for code in counts:
                aantal = dutch_int(counts[code])
                online = dutch_int(internet[code]) if code in internet else ""
                if (area, code, period) == SUPPRESSED:
                    aantal = online = ""
                rows.append([period, area, code, aantal, online])
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


def check_benchmarks(rows: list[list[str]]) -> None:
    """Check the benchmark relations the report describes."""

    def count(area: str, code: str, period: str) -> int:
        for row in rows:
            if row[:3] == [period, area, code]:
                return int(row[3].replace(".", ""))
        raise KeyError((area, code, period))

    def per(area: str, code: str, period: str) -> float:
        pop = BENCHMARK_POPULATION[area][int(period[:4])]
        return rate(count(area, code, period), pop.inhabitants)

    mn = "Midden-Nederland"
    fiets = pct_change(per(mn, "1.2.3", "2019H1"), per(mn, "1.2.3", "2017H1"))
    require(rounds_to(fiets, -28), "Midden-Nederland fietsdiefstal -28%")
    drugs = pct_change(per(mn, "E38", "2019H1"), per(mn, "E38", "2017H1"))
    require(rounds_to(drugs, 5), "Midden-Nederland drugs-/drankoverlast +5%")


def readme_text(counts: dict[str, dict[str, int]]) -> str:
    """Return sample_data/README.md, including the resulting Almere figures."""
    inh = {p: ALMERE_POPULATION[int(p[:4])].inhabitants for p in PERIODS}
    dwel = {p: ALMERE_POPULATION[int(p[:4])].dwellings for p in PERIODS}
    crime_total = crime_totals(counts)
    indicators = [
        ("woninginbraak (1.1.1), per 1,000 dwellings", counts["1.1.1"], dwel),
        ("straatroof (1.4.6)", counts["1.4.6"], inh),
        ("overval (1.4.7)", counts["1.4.7"], inh),
        ("auto-inbraak (1.2.1)", counts["1.2.1"], inh),
        ("fietsdiefstal (1.2.3)", counts["1.2.3"], inh),
        ("vernieling (2.2.1)", counts["2.2.1"], inh),
        ("online handelsfraude (3.9.1)", counts["3.9.1"], inh),
        ("jeugdoverlast (E35)", counts["E35"], inh),
        ("drugs-/drankoverlast (E38)", counts["E38"], inh),
        ("total crime (all non-E codes)", crime_total, inh),
    ]
    lines = [
        "# Sample data (fictitious)",
        "",
        "Fictitious but realistic data for Almere (GM0034), 2017H1-2019H2, written by",
        f"`scripts/generate_sample_data.py` with seed {SEED}. Do not edit by hand: rerun",
        "`python scripts/generate_sample_data.py` (byte-identical output;",
        "`tests/test_sample_data.py` checks that and the figures below).",
        "",
        "| file | what | format |",
        "|---|---|---|",
        "| `almere-registraties-2017.xlsx` | registrations 2017 (crime + nuisance) | "
        "sheet `Registraties`, 2 title rows + blank row, headers in row 4, "
        "`Totaal` row after a blank row, Excel dates |",
        "| `almere-registraties-2018-2019.csv` | registrations 2018-2019 | "
        "Windows-1252, `;`, dates `dd-mm-yyyy hh:mm` |",
        "| `almere-verdachten-2017-2019.csv` | one row per suspect per registration | "
        "UTF-8 with BOM, `,`, ISO dates |",
        "| `benchmarks-tellingen.csv` | counts for Midden-Nederland and G10/100.000+ | "
        "UTF-8, `;`, Dutch thousands dots, empty = suppressed "
        "(G10/100.000+ 1.4.7 2017H2) |",
        "| `almere-huisverboden.csv` | house bans per half-year | UTF-8, `,` |",
        "| `bevolking.csv` | population on 1 January: Almere, its 6 wijken, "
        "benchmarks | UTF-8, `;`, Dutch thousands dots |",
        "",
        "Registration columns: `Registratienummer` (unique over both files), `Datum`,",
        "`Soort misdrijf code` (open-data code, text), `Soort misdrijf`, `Gemeente`, `Wijk`,",
        "`Buurt`, `Gebeurtenisnummer` (shared by the registrations of one samenloop event:",
        "about 2.5% of crime registrations before 2018-07-01, about 11% after),",
        "`Wijze van aangifte` (Internet/Balie/Telefoon/Overig; empty for nuisance), `Poging`.",
        "",
        "## Raw Almere figures (they reproduce the published H1 2019 report)",
        "",
        "Rate = count in the half-year / population on 1 January x 1,000 (not annualised);",
        "change = change of the rate, H1 2019 vs H1 2017. Counts are raw (samenloop",
        "extras and internet reports included).",
        "",
        "| indicator | " + " | ".join(PERIODS) + " | rate 2017H1 | rate 2018H1 | rate 2019H1 | change |",
        "|---" * (len(PERIODS) + 5) + "|",
    ]
    for name, series, base in indicators:
        rates = [rate(series[p], base[p]) for p in ("2017H1", "2018H1", "2019H1")]
        cells = [str(series[p]) for p in PERIODS]
        cells += [f"{r:.3f}" for r in rates]
        cells.append(f"{pct_change(rates[2], rates[0]):+.1f}%")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    total_change = pct_change(
        rate(crime_total["2019H1"], inh["2019H1"]), rate(crime_total["2018H1"], inh["2018H1"])
    )
    lines += [
        "",
        f"Total crime 2019H1 vs 2018H1: {total_change:+.1f}%. Suspects aged 12-24 living in",
        f"Almere, 2019H1: {YOUTH_SUSPECT_ROWS['2019H1']} rows (not deduplicated). House bans:",
        ", ".join(f"{p} {n}" for p, n in HOUSE_BANS.items()) + ".",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def generate(out: Path) -> None:
    """Generate every sample file into ``out``."""
    rng = Random(SEED)
    counts = almere_counts()
    check_targets(counts)
    registry = PersonRegistry(rng)
    by_year: dict[int, list[Registration]] = {year: [] for year in YEARS}
    suspects: list[SuspectRow] = []
    for period in PERIODS:
        year = int(period[:4])
        registrations = make_registrations(rng, counts, period)
        events = link_events(rng, registrations, period)
        assign_channels(rng, registrations, events, year)
        suspects += make_suspects(rng, registry, registrations, events, period)
        by_year[year] += registrations
    for year in YEARS:
        number_registrations(rng, by_year[year], year)

    out.mkdir(parents=True, exist_ok=True)
    write_xlsx(out / "almere-registraties-2017.xlsx", by_year[2017])
    write_csv(
        out / "almere-registraties-2018-2019.csv",
        HEADERS,
        [
            [r.number, r.when.strftime("%d-%m-%Y %H:%M"), *registration_cells(r)]
            for r in by_year[2018] + by_year[2019]
        ],
        encoding="cp1252",
        delimiter=";",
        lineterminator="\r\n",
    )
    suspects.sort(key=lambda s: (s.registration.number, s.person.number))
    write_csv(
        out / "almere-verdachten-2017-2019.csv",
        SUSPECT_HEADERS,
        [
            [
                s.registration.number,
                s.registration.when.date().isoformat(),
                str(age_at(s.person.birth, s.registration.when.date())),
                s.person.residence,
                s.registration.code,
                s.registration.event_number,
                s.person.number,
            ]
            for s in suspects
        ],
        encoding="utf-8-sig",
        delimiter=",",
        lineterminator="\r\n",
    )
    benchmarks = benchmark_rows()
    check_benchmarks(benchmarks)
    write_csv(
        out / "benchmarks-tellingen.csv",
        BENCHMARK_HEADERS,
        benchmarks,
        encoding="utf-8",
        delimiter=";",
    )
    write_csv(
        out / "almere-huisverboden.csv",
        ("Periode", "Gebied", "Soort misdrijf code", "Aantal"),
        [[p, "Almere", "huisverbod", str(n)] for p, n in HOUSE_BANS.items()],
        encoding="utf-8",
        delimiter=",",
    )
    population_rows = []
    for year in YEARS:
        areas = {"Almere": ALMERE_POPULATION[year], **DISTRICT_POPULATION[year]}
        areas.update({name: pops[year] for name, pops in BENCHMARK_POPULATION.items()})
        for name, pop in areas.items():
            population_rows.append(
                [
                    str(year),
                    name,
                    dutch_int(pop.inhabitants),
                    dutch_int(pop.dwellings),
                    dutch_int(pop.youths),
                ]
            )
    write_csv(
        out / "bevolking.csv",
        ("Jaar", "Gebied", "Inwoners", "Woningen", "Jongeren 12-24"),
        population_rows,
        encoding="utf-8",
        delimiter=";",
    )
    (out / "README.md").write_text(readme_text(counts), encoding="utf-8", newline="\n")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and generate the files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "sample_data",
        help="output directory (default: sample_data/ in the repository)",
    )
    args = parser.parse_args(argv)
    generate(args.out)


if __name__ == "__main__":
    main()

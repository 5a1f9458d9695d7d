"""Build ``schemas/geography/municipalities.csv`` and ``changes.csv`` from downloaded sources.

The source files are not shipped; ``schemas/geography/README.md`` says where each one comes
from (repository, path, commit) and how to extract it. Run::

    python scripts/build_geography.py \\
        --indeling gemeentelijke-indeling.xml \\
        --rvig "Tabel33 Gemeententabel (gesorteerd op code).csv" \\
        --cbs-list 2013=cbs-gemeentenperprovincie-2013.csv \\
        --cbs-list 2014=cbs-gemeentenperprovincie-2014.csv \\
        --cbs-list 2015=cbs-gemeentenperprovincie-2015.csv \\
        --cbs-list 2016=cbs-gemeentenperprovincie-2016.csv \\
        --list-2026 nl_admin_seed.tsv \\
        --out schemas/geography

- ``--indeling``: NLExtract's ``gemeentelijke-indeling.xml``, the CBS municipal division per
  year (1990..2025) with begin and end dates per municipality.
- ``--rvig``: RvIG BRP table 33 (Gemeententabel, UTF-16 CSV): per ended municipality the code
  that succeeded it ("Nieuwe code") and the end date.
- ``--cbs-list YEAR=FILE`` (optional, repeatable): a raw CBS list (``Gemcode;Gemcodel;...``)
  for 1 January YEAR; where a name differs from the XML, the CBS spelling wins.
- ``--list-2026``: a TSV derived from the CBS workbook "Gemeenten alfabetisch 2026"
  (``level_code``, ``admin_code``, ``display_name``); gives the list of 1 January 2026.

A code counts for year Y when it existed on 1 January Y. A code that disappears gets one
``changes.csv`` row per receiving municipality: the RvIG successor, or for the few cases the
RvIG snapshot cannot answer (splits over several municipalities, and changes after the
snapshot) the curated ``SPLITS`` / ``SUCCESSORS`` below, each with its cited source. The script
stops when a disappearing code has no sourced successor.
"""

from __future__ import annotations

import argparse
import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2013, 2026
NS = "{http://nlextract.nl}"

# Municipalities dissolved and divided over several others: (date, old code) -> receiving codes.
# RvIG table 33 names only the legal successor (listed first here). Sources in the README.
SPLITS = {
    # Wet van 19 juni 2013, Stb. 2013, 286: Boarnsterhim divided over Leeuwarden, Heerenveen,
    # Sudwest-Fryslan and (Terherne) De Friese Meren.
    ("2014-01-01", "0055"): ["0080", "0074", "1900", "1921"],
    # Wet van 14 mei 2014, Stb. 2014, 187: Maasdonk divided over 's-Hertogenbosch (Nuland,
    # Vinkel) and Oss (Geffen).
    ("2015-01-01", "1671"): ["0796", "0828"],
    # Wet van 8 maart 2017, Stb. 2017, 104: Littenseradiel divided over Sudwest-Fryslan,
    # Leeuwarden and Waadhoeke.
    ("2018-01-01", "0140"): ["1900", "0080", "1949"],
    # CBS, December 2018: Winsum goes to Het Hogeland and (Ezinge, Feerwerd, Garnwerd)
    # Westerkwartier.
    ("2019-01-01", "0053"): ["1966", "1969"],
    # RvIG, herindeling 1 January 2021: Haaren divided over Boxtel, Oisterwijk (legal
    # successor), Tilburg and Vught.
    ("2021-01-01", "0788"): ["0824", "0757", "0855", "0865"],
}

# Successors the RvIG snapshot (November 2022) does not contain yet: (date, old code) -> code.
SUCCESSORS = {
    # CBS, December 2022: Brielle, Hellevoetsluis and Westvoorne form Voorne aan Zee.
    ("2023-01-01", "0501"): "1992",
    ("2023-01-01", "0530"): "1992",
    ("2023-01-01", "0614"): "1992",
}


def gm(code: str) -> str:
    return f"GM{int(code):04d}"


def read_indeling(path: Path) -> tuple[dict[int, dict[str, str]], dict[str, str]]:
    """Per year the codes existing on 1 January with their names; per code its end date."""
    years: dict[int, dict[str, str]] = {}
    ends: dict[str, str] = {}
    for indeling in ET.parse(path).getroot().iter(NS + "indeling"):
        year = int(indeling.get("jaar", ""))
        day = f"{year}-01-01"
        current = years.setdefault(year, {})
        for g in indeling.iter(NS + "gemeente"):
            code, begin, end = f"{int(g.get('code', '')):04d}", g.get("begindatum", ""), g.get("einddatum")
            if end:
                ends[code] = end
            if begin <= day and (end is None or end > day):
                current[code] = g.get("naam", "")
    return years, ends


def read_cbs_list(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["Gemcode"].zfill(4): r["Gemcodel"].strip() for r in csv.DictReader(f, delimiter=";")}


def read_list_2026(path: Path) -> dict[str, str]:
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            code = r["admin_code"]
            # GM9001-9003 (Bonaire, Sint Eustatius, Saba) are public bodies the seed adds itself,
            # not municipalities of the CBS workbook.
            if r["level_code"] == "municipality" and code.startswith("GM") and not code.startswith("GM900"):
                out[code[2:]] = r["display_name"].strip()
    return out


def read_rvig(path: Path) -> dict[str, tuple[str, str]]:
    """Code -> (successor code, end date as YYYY-MM-DD) for ended municipalities."""
    out = {}
    with open(path, encoding="utf-16", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for code, _name, new, _start, end in rows:
            if end:
                out[code] = (new, f"{end[:4]}-{end[4:6]}-{end[6:]}")
    return out


def first_list_on_or_after(years: dict[int, dict[str, str]], date: str) -> dict[str, str]:
    year = int(date[:4]) + (0 if date.endswith("-01-01") else 1)
    return years[year]


def build(args: argparse.Namespace) -> tuple[list[list[str]], list[list[str]]]:
    years, ends = read_indeling(args.indeling)
    for spec in args.cbs_list:
        year, path = spec.split("=", 1)
        cbs, xml_year = read_cbs_list(Path(path)), years[int(year)]
        if set(cbs) != set(xml_year):
            differ = sorted(set(cbs) ^ set(xml_year))
            print(
                f"note: CBS list {year} differs in codes from the XML ({differ}); only names are compared",
                file=sys.stderr,
            )
        for code in set(cbs) & set(xml_year):
            if cbs[code] != xml_year[code]:
                print(f"name {code} {year}: XML {xml_year[code]!r} -> CBS {cbs[code]!r}", file=sys.stderr)
                xml_year[code] = cbs[code]
    if LAST_YEAR not in years:
        if args.list_2026 is None:
            sys.exit(f"the XML stops before {LAST_YEAR}: give --list-2026")
        years[LAST_YEAR] = read_list_2026(args.list_2026)
    rvig = read_rvig(args.rvig)

    municipalities = []
    for code in sorted({c for y in range(FIRST_YEAR, LAST_YEAR + 1) for c in years[y]}):
        present = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if code in years[y]]
        if present != list(range(present[0], present[-1] + 1)):
            sys.exit(f"{code} is missing in some years between {present[0]} and {present[-1]}")
        last = present[-1]
        last_year = "" if last == LAST_YEAR else str(last)
        municipalities.append([gm(code), years[last][code], str(present[0]), last_year])

    changes = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        before, after = years[year - 1], years[year]
        for code in sorted(set(before) - set(after)):
            date = ends.get(code)
            if date is None or not (f"{year - 1}-01-01" < date <= f"{year}-01-01"):
                sys.exit(f"{code} {before[code]} leaves the list in {year} but has no end date in the XML")
            if (date, code) in SPLITS:
                targets, kind = SPLITS[(date, code)], "split"
                if code in rvig and rvig[code][0] != targets[0]:
                    sys.exit(f"{code}: RvIG successor {rvig[code][0]} is not the first split target")
            elif (date, code) in SUCCESSORS:
                targets, kind = [SUCCESSORS[(date, code)]], "merger"
            elif code in rvig and rvig[code][0]:
                targets, kind = [rvig[code][0]], "merger"
                if rvig[code][1] != date:
                    sys.exit(f"{code}: end date RvIG {rvig[code][1]} != XML {date}")
            else:
                sys.exit(f"{code} {before[code]} ended {date}: no source names its successor")
            names_after = first_list_on_or_after(years, date)
            for target in targets:
                if target not in names_after:
                    sys.exit(f"{code} -> {target}: {target} does not exist after {date}")
                changes.append([date, gm(code), before[code], gm(target), names_after[target], kind])

    # A new code whose only predecessor is one whole old code is that municipality renamed
    # (CBS gives a renamed municipality a new code).
    for row in changes:
        date, _, _, new, _, kind = row
        preds = [r for r in changes if r[0] == date and r[3] == new]
        new_code_created = new[2:] not in years[int(date[:4]) - (1 if date.endswith("-01-01") else 0)]
        if kind == "merger" and len(preds) == 1 and new_code_created:
            row[5] = "rename"
    changes.sort(key=lambda r: (r[0], r[3], r[1]))
    return municipalities, changes


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indeling", type=Path, required=True)
    parser.add_argument("--rvig", type=Path, required=True)
    parser.add_argument("--cbs-list", action="append", default=[], metavar="YEAR=FILE")
    parser.add_argument("--list-2026", type=Path)
    parser.add_argument("--out", type=Path, default=Path("schemas/geography"))
    args = parser.parse_args()
    municipalities, changes = build(args)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "municipalities.csv", ["code", "name", "first_year", "last_year"], municipalities)
    header = ["date", "old_code", "old_name", "new_code", "new_name", "kind"]
    write_csv(args.out / "changes.csv", header, changes)
    print(f"{len(municipalities)} municipalities, {len(changes)} changes -> {args.out}")


if __name__ == "__main__":
    main()

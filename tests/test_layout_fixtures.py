"""Issue 20's "done when", on the committed fixtures: each download layout is read without ``--map``
and the figures stored equal sums done by hand on the fixture; no fixture, and no file shaped like a
CBS download, makes ``validate`` or ``map suggest`` end in an internal error (exit 70).

The fixtures (``tests/fixtures/cbs_downloads``, ``layouts``, ``odd``) are written by hand in the
real layouts: CBS's topic-path headers, byte-order marks, CRLF, padded codes and names, ``2019*``
and ``2011*``, ``.`` and empty cells, title lines, ``Bron:`` footers, trailing ``Totaal`` rows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from veilcli import api
from veilcli.cli import app
from veilcli.domain.survey_values import decimal_expr
from veilcli.errors import VeilcliError

FIXTURES = Path(__file__).parent / "fixtures"
CBS = FIXTURES / "cbs_downloads"
LAYOUTS = FIXTURES / "layouts"

Check = Callable[[pl.DataFrame], object]


def total(frame: pl.DataFrame, column: str, **where: str | int) -> object:
    """The sum of ``column`` over the rows equal to ``where`` (null when any of them is unknown)."""
    rows = frame.filter(**where)
    return None if rows[column].null_count() else rows[column].sum()


# fixture, format, kind, the figure read off the stored rows, that figure by hand
LAYOUT_CASES: list[tuple[Path, str, api.Kind, Check, object]] = [
    # CBS CSV download of 83648NED: "Misdrijven, totaal" is the total; "2019*" is 2019; padded
    # "Almere    "; CBS's own groups ("1 Vermogensmisdrijven") left out. 10,040 + 9,710 + 10,465.
    (
        CBS / "Geregistreerde_criminaliteit__soort_misdrijf__regio_12062025_101212.csv",
        "cbs-csv-counts",
        api.Kind.counts,
        lambda f: total(f, "count", area="Almere", category_code="0.0.0"),
        10040 + 9710 + 10465,
    ),
    (
        CBS / "Geregistreerde_criminaliteit__soort_misdrijf__regio_12062025_101212.csv",
        "cbs-csv-counts",
        api.Kind.counts,
        lambda f: sorted(set(f["category_code"])),
        ["0.0.0"],
    ),
    # Kerncijfers wijken en buurten 2019 without codes: the country and the municipalities by
    # name (wijk and buurt names do not tell them apart: left out). 25,390 + 207,904 + 44,000.
    (
        CBS / "Kerncijfers_wijken_en_buurten_2019_05062025_112613.csv",
        "cbs-csv-population",
        api.Kind.population,
        lambda f: total(f.filter(pl.col("area") != "Nederland"), "inhabitants", year=2019),
        25390 + 207904 + 44000,
    ),
    # ... with the code topic (2023): every level under its code; BU0363AA02 is "." (unknown)
    (
        CBS / "Kerncijfers_wijken_en_buurten_2023_14052025_090102.csv",
        "cbs-csv-population",
        api.Kind.population,
        lambda f: total(f.filter(pl.col("area").is_in(["BU00340101", "BU0363AA01"])), "dwellings"),
        3100 + 900,
    ),
    # ... Amsterdam 2024, letters in the codes: the buurten of WK0363AA, 1,050 + 1,620
    (
        CBS / "Kerncijfers_wijken_en_buurten_2024_02062025_141500.csv",
        "cbs-csv-population",
        api.Kind.population,
        lambda f: total(f.filter(pl.col("area").str.starts_with("BU0363AA")), "inhabitants"),
        1050 + 1620,
    ),
    # Regionale kerncijfers 70072NED: a year per row; Haren's and Aalburg's empty 2019 rows skipped.
    (
        CBS / "Regionale_kerncijfers_Nederland_12062025_101500.csv",
        "cbs-csv-population",
        api.Kind.population,
        lambda f: (total(f, "inhabitants", area="Almere"), f.filter(area="Haren", year=2019).height),
        (200914 + 207904, 0),
    ),
    # Police OData TypedDataSet (47013NED): padded "0.0.0   " and "GM0034  ", months. 1,004 + 987.
    (
        LAYOUTS / "47013NED_TypedDataSet.csv",
        "politie-opendata-odata",
        api.Kind.counts,
        lambda f: total(f, "count", area="Almere", category_code="0.0.0"),
        1004 + 987,
    ),
    # Police OData per buurt, Amsterdam's lettered codes: burglary 2023, 12 + 9 + 6 + 4
    (
        LAYOUTS / "47022NED_TypedDataSet_Amsterdam.csv",
        "politie-opendata-odata",
        api.Kind.counts,
        lambda f: total(f, "count", period="2023", category_code="1.1.1"),
        12 + 9 + 6 + 4,
    ),
    # Police label export: counts padded with spaces, "2019 januari" a month apart from the year,
    # "2020*" with "." suppressed (unknown, never 0). Bicycle theft in 2019: 1,378.
    (
        LAYOUTS / "politie-labels.csv",
        "politie-opendata-labels",
        api.Kind.counts,
        lambda f: (
            total(f, "count", period="2019", category_code="1.2.3"),
            total(f, "count", period="2019-01", category_code="1.2.3"),
            total(f, "count", period="2020", category_code="1.2.3"),
        ),
        (1378, 98, None),
    ),
    # Kerncijfers as OData (84583NED): Lelystad's dwellings -99999999 are secret (unknown)
    (
        LAYOUTS / "kwb-2019-84583NED.csv",
        "cbs-kerncijfers",
        api.Kind.population,
        lambda f: (total(f, "inhabitants", area="Almere"), total(f, "dwellings", area="Lelystad")),
        (207904, None),
    ),
    # An older StatLine export (2005-2012): title line, "Bron:" footer, "2011*", the police regions
    # "(PO)", padded "   14800"; CBS's group "1 Vermogensmisdrijven" left out. 26,000 + 25,500.
    (
        LAYOUTS / "statline-export-politieregios-2005-2012.csv",
        "statline-export",
        api.Kind.counts,
        lambda f: (
            total(f, "count", area="Flevoland (politieregio)"),
            total(f, "count", area="Gooi en Vechtstreek (politieregio)"),
            sorted(set(f["category_code"])),
        ),
        (26000 + 25500, 14800, ["0.0.0"]),
    ),
    # A StatLine table view with title, filter line, header block and footer: 2022's regions,
    # 797,000 + 12,040 + 50,100 ("12 040" with a space as thousands separator)
    (
        FIXTURES / "odd" / "statline-tabelweergave.csv",
        "statline-table-view",
        api.Kind.counts,
        lambda f: (total(f, "count", period="2022"), total(f, "count", period="2023", area="Almere")),
        (797000 + 12040 + 50100, None),
    ),
]


@pytest.mark.parametrize(
    ("path", "source_format", "kind", "figure", "by_hand"),
    LAYOUT_CASES,
    ids=[f"{c[0].name}-{i}" for i, c in enumerate(LAYOUT_CASES)],
)
def test_each_layout_is_read_without_a_map_and_stores_the_hand_sums(
    tmp_path: Path, path: Path, source_format: str, kind: api.Kind, figure: Check, by_hand: object
) -> None:
    report = api.validate(path).files[0]
    assert (report.source_format, report.kind, report.valid) == (source_format, kind, True)
    store = api.Store(tmp_path / "store")
    assert api.ingest(path, store).stored
    assert figure(store.scan(kind).collect()) == by_hand


def test_the_veiligheidsmonitor_long_layout_with_title_and_footer(tmp_path: Path) -> None:
    path = LAYOUTS / "statline-veiligheidsmonitor-lang.csv"
    report = api.validate(path).files[0]
    assert (report.source_format, report.kind, report.header_row) == ("statline-survey", api.Kind.survey, 2)
    store = api.Store(tmp_path / "store")
    assert api.ingest(path, store).stored
    # Survey figures are stored as written and read by the analysis as decimals ("." unknown).
    stored = (
        store.scan(api.Kind.survey)
        .with_columns(decimal_expr(pl.col("value")).alias("value"))
        .collect()
        .sort("year", "area", "indicator_code")
    )
    victims = "persoonlijk_slachtoffer_afgelopen_12_mnd_slachtofferschap_totaal"
    unsafe = "onveiligheidsgevoelens_voelt_zich_wel_eens_onveilig"
    assert stored.select("year", "area", "indicator_code", "value").rows() == [
        (2008, "Flevoland (politieregio)", unsafe, 24.1),
        (2008, "Flevoland (politieregio)", victims, 27.5),  # "2008*" and "  27.5"
        (2008, "Nederland", victims, 25.0),
        (2009, "Flevoland (politieregio)", unsafe, None),  # "." not published, never 0
        (2009, "Flevoland (politieregio)", victims, 26.0),
    ]


# --- never exit 70 ----------------------------------------------------------------------------------

EVERY_FIXTURE = sorted(p for folder in (CBS, LAYOUTS, FIXTURES / "odd") for p in folder.iterdir())
runner = CliRunner()


@pytest.mark.parametrize("path", EVERY_FIXTURE, ids=[p.name for p in EVERY_FIXTURE])
def test_no_committed_fixture_ends_in_an_internal_error(tmp_path: Path, path: Path) -> None:
    """validate, map suggest, and validate with the suggested map: exit 0, 1 or 2, never 70."""
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code in (0, 1, 2) and "internal error" not in checked.output, checked.output
    mapping = tmp_path / "map.toml"
    suggested = runner.invoke(app, ["map", "suggest", str(path), "--out", str(mapping)])
    assert suggested.exit_code in (0, 2) and "internal error" not in suggested.output, suggested.output
    if suggested.exit_code == 0:
        with_map = runner.invoke(app, ["validate", "--map", str(mapping), str(path)])
        assert with_map.exit_code in (0, 1, 2) and "internal error" not in with_map.output, with_map.output


# Headers and cells as CBS and the police write them in their downloads: topic paths with units,
# dimension labels, codes padded with spaces, provisional years, symbols, title and footer lines.
TOPICS = [
    "Geregistreerde misdrijven/Totaal geregistreerde misdrijven (aantal)",
    "Geregistreerde misdrijven/Geregistreerde misdrijven per 1000 inw.  (per 1 000 inwoners)",
    "Bevolking/Aantal inwoners (aantal)",
    "Bevolking/Bevolkingssamenstelling op 1 januari/Totale bevolking (aantal)",
    "Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)",
    "Wonen/Woningvoorraad (aantal)",
    "Regioaanduiding/Gemeentenaam (naam)",
    "Regioaanduiding/Codering (code)",
    "Regioaanduiding/Soort regio (omschrijving)",
    "Veiligheidsbeleving/Voelt zich weleens onveilig (%)",
    "Soort misdrijf",
    "Perioden",
    "Regio's",
    "Wijken en buurten",
    "Plaatsen",
    "Marges",
    "Onderwerp",
    "Geregistreerde misdrijven (aantal)",
    "SoortMisdrijf",
    "RegioS",
    "WijkenEnBuurten",
    "GeregistreerdeMisdrijven_1",
    "Postcode",
    "Datum",
    "Soort",
]
VALUES = [
    "2019*",
    "2019",
    "2015JJ00",
    "2019MM01",
    "2019 januari",
    "2019 1e halfjaar",
    "Misdrijven, totaal",
    "Totaal misdrijven",
    "1 Vermogensmisdrijven",
    "0000000",
    "1010100",
    "1.1.1 Diefstal/inbraak woning",
    "Almere    ",
    "Groningen (gemeente)",
    "Limburg (RE)",
    "Flevoland (PO)",
    "Almere (woonplaats)",
    "Wijk 00 Annen",
    "GM0034    ",
    "WK0363AA  ",
    "BU0363AA01",
    "NL00      ",
    "WP3594",
    "RE03  ",
    "PV24",
    ".",
    "-",
    "",
    "   10378",
    "12 040",
    "-99999999",
    "54,4",
    "1315",
    "Woninginbraak",
    "Bron: CBS",
    "Totaal",
]


def _download(head: list[str], rows: list[list[str]], title: bool, footer: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    if title:
        writer.writerow(["Geregistreerde criminaliteit; soort misdrijf, regio"])
    writer.writerow(head)
    for row in rows:
        writer.writerow(row[: len(head)])
    if footer:
        writer.writerow(["Bron: CBS"])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.lists(st.sampled_from(TOPICS), min_size=1, max_size=6),
    rows=st.lists(st.lists(st.sampled_from(VALUES), min_size=6, max_size=6), max_size=6),
    title=st.booleans(),
    footer=st.booleans(),
)
def test_download_shaped_files_never_end_in_an_internal_error(
    head: list[str], rows: list[list[str]], title: bool, footer: bool
) -> None:
    """A property over generated CBS/police download headers (repeated ones too) and cells: validate
    and map suggest answer or refuse with a VeilcliError, never anything else (exit 70)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Kerncijfers_wijken_en_buurten_2019_download.csv"
        path.write_bytes(_download(head, rows, title, footer))
        for call in (lambda: api.validate(path), lambda: api.suggest_map(path)):
            with contextlib.suppress(VeilcliError):  # an answer (exit 1 or 2); anything else fails
                call()

"""Pydantic models: the five dataset kinds, validation findings, mapping files, the manifest.

The dataset models describe one canonical row each. They are the contract (their JSON
Schemas live in ``schemas/``) and the source of the column specs the vectorised validator
uses; they are never instantiated per row on the data path.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from veilcli.domain.choices import MAX_HEADER_ROW, Kind
from veilcli.domain.units import POPULATION_COLUMNS


class SourceFormat(StrEnum):
    """What an input file was recognised as: one module each in ``sources/formats/``."""

    bvh_extract = "bvh-extract"
    politie_opendata_odata = "politie-opendata-odata"
    politie_opendata_labels = "politie-opendata-labels"
    cbs_kerncijfers = "cbs-kerncijfers"
    cbs_wijkbuurtkaart = "cbs-wijkbuurtkaart"
    cbs_csv_counts = "cbs-csv-counts"
    cbs_csv_population = "cbs-csv-population"
    statline_table_view = "statline-table-view"
    statline_export = "statline-export"
    statline_survey = "statline-survey"
    statline_survey_view = "statline-survey-view"
    cbs_veiligheidsmonitor = "cbs-veiligheidsmonitor"
    wijkmonitor = "wijkmonitor"
    incident_list = "incident-list"
    veilcli_canonical = "veilcli-canonical"


class Channel(StrEnum):
    """How a crime was reported to the police."""

    internet = "internet"
    desk = "desk"
    phone = "phone"
    other = "other"
    unknown = "unknown"


def column(
    *aliases: str,
    required: bool = False,
    parser: str | None = None,
    description: str = "",
    **constraints: Any,
) -> Any:
    """Declare a canonical column: its header aliases, whether it is required, its parser."""
    extra: dict[str, Any] = {"x-aliases": list(aliases), "x-required-column": required}
    if parser:
        extra["x-parser"] = parser
    default = ... if required else None
    return Field(default, description=description, json_schema_extra=extra, **constraints)


class Registration(BaseModel):
    """One police registration: a crime or a nuisance incident."""

    model_config = ConfigDict(title="registrations", defer_build=True)

    registration_id: str = column(
        "Registratienummer",
        "Registratie nummer",
        "Registratie ID",
        "Incident Identificatie",
        "Incidentnummer",
        "Volgnummer",
        "Registratienr",
        "Meldingsnummer",
        "Mutatienummer",
        "BVH-nummer",
        "BVH nummer",
        "Zaaknummer",
        "Incident ID",
        "Registration ID",
        "Registration",
        "ID",
        required=True,
        description="Unique id of the registration (BVH incident id).",
    )
    date: dt.date = column(
        "Datum",
        "Registratiedatum",
        "Datum registratie",
        "Kennisnamedatum/tijd",
        "Kennisnamedatum",
        "Meldingsdatum",
        "Pleegdatum",
        "Datum feit",
        "Datum melding",
        "Datum aangifte",
        "Aangiftedatum",
        "Mutatiedatum",
        "Registratie datum",
        "Date",
        "Registration date",
        required=True,
        description="Registration date (kennisname).",
    )
    category_code: str = column(
        "Soort misdrijf code",
        "Code soort misdrijf",
        "Categorie code",
        "Categoriecode",
        "Incidentsoort code",
        "Maatschappelijke klasse",
        "Maatschappelijke klasse code",
        "MK code",
        "MK",
        "Misdrijfcode",
        "Incidentcode",
        "Code",
        "Category code",
        "Category",
        required=True,
        parser="category",
        description="Open-data category (e.g. 1.1.1, E35) or BVH code (A72).",
    )
    category_label: str | None = column(
        "Soort misdrijf",
        "Omschrijving",
        "Incidentsoort",
        "Omschrijving maatschappelijke klasse",
        "Maatschappelijke klasse omschrijving",
        "Feitomschrijving",
        "Omschrijving feit",
        "Delict",
        "Categorie",
        "Category label",
        description="Label of the category as written in the source.",
    )
    municipality: str = column(
        "Gemeente",
        "Pleeggemeente",
        "Pleeggemeentenaam",
        "Gemeente pleegplaats",
        "Gemeentenaam",
        "Municipality",
        required=True,
        description="Municipality where it happened (name or CBS code).",
    )
    district: str | None = column(
        "Wijk", "Pleegwijk", "Wijknaam", "Pleegwijknaam", "District", description="District (wijk)."
    )
    neighbourhood: str | None = column(
        "Buurt",
        "Pleegbuurt",
        "Buurtnaam",
        "Pleegbuurtnaam",
        "Neighbourhood",
        "Neighborhood",
        description="Neighbourhood (buurt).",
    )
    event_id: str | None = column(
        "Gebeurtenisnummer",
        "Gebeurtenis",
        "Gebeurtenis ID",
        "Bronregistratie",
        "Bronregistratienummer",
        "Hoofdregistratie",
        "Event ID",
        "Event",
        description="Key shared by the registrations of one event (samenloop).",
    )
    channel: Channel | None = column(
        "Wijze van aangifte",
        "Aangiftekanaal",
        "Kanaal",
        "Wijze aangifte",
        "Wijze van binnenkomst",
        "Wijze binnenkomst",
        "Binnenkomst",
        "Meldwijze",
        "Wijze van melden",
        "Aangiftewijze",
        "Channel",
        "Reporting channel",
        parser="channel",
        description="Reporting channel; Dutch words (Internet, Balie, Telefoon) are mapped.",
    )
    attempt: bool | None = column("Poging", "Attempt", description="Attempted offence (J/N).")


class Suspect(BaseModel):
    """One suspect on one registration."""

    model_config = ConfigDict(title="suspects", defer_build=True)

    registration_id: str = column(
        "Registratienummer",
        "Registratie nummer",
        "Registratienr",
        "Volgnummer",
        "Meldingsnummer",
        "BVH-nummer",
        "Incident Identificatie",
        "Registration ID",
        required=True,
        description="Registration the suspect is linked to.",
    )
    date: dt.date = column(
        "Datum",
        "Registratiedatum",
        "Kennisnamedatum/tijd",
        "Datum registratie",
        "Pleegdatum",
        "Datum feit",
        "Date",
        required=True,
        description="Registration date.",
    )
    age: int | None = column(
        "Leeftijd",
        "Leeftijd verdachte",
        "Leeftijd op pleegdatum",
        "Leeftijd ten tijde van het feit",
        "Age",
        description="Age on the registration date.",
        ge=0,
        le=120,
    )
    birth_date: dt.date | None = column(
        "Geboortedatum",
        "Birth date",
        "Date of birth",
        description="Birth date; used for the age when no age is given.",
    )
    municipality: str = column(
        "Woonplaats",
        "Woongemeente",
        "Gemeente woonplaats",
        "Woongemeente verdachte",
        "Gemeente van inschrijving",
        "Residence",
        "Municipality",
        required=True,
        description="Municipality of residence.",
    )
    category_code: str = column(
        "Soort misdrijf code",
        "Categorie code",
        "Incidentsoort code",
        "Maatschappelijke klasse",
        "Code",
        "Category code",
        required=True,
        parser="category",
        description="Category of the registration.",
    )
    event_id: str | None = column(
        "Gebeurtenisnummer",
        "Gebeurtenis",
        "Bronregistratie",
        "Event ID",
        description="Event key (samenloop).",
    )
    suspect_id: str | None = column(
        "Persoonsnummer",
        "Verdachtenummer",
        "Verdachtennummer",
        "Verdachte ID",
        "Persoon ID",
        "Suspect ID",
        description="Stable id of the person.",
    )


class Count(BaseModel):
    """A pre-aggregated count (police open data, municipal tallies)."""

    model_config = ConfigDict(title="counts", defer_build=True)

    period: str = column(
        "Periode",
        "Perioden",
        "Period",
        "Tijdvak",
        "Pleegperiode",
        "Maand",
        required=True,
        parser="period",
        description="2019, 2019H1, 2019Q3 or 2019-05.",
    )
    area: str = column(
        "Gebied",
        "Regio",
        "RegioS",
        "Regio's",
        "Wijken en buurten",
        "WijkenEnBuurten",
        "Gebiedsnaam",
        "Gebiedscode",
        "Regiocode",
        "Gemeentenaam",
        "Area",
        "Gemeente",
        "Politieregio",  # the 25 police regions of 1994-2012 (StatLine's older tables)
        "Politieregio's",
        required=True,
        description="Area name or CBS code.",
    )
    category_code: str = column(
        "Soort misdrijf code",
        "Soort misdrijf",
        "SoortMisdrijf",
        "Categorie code",
        "Code",
        "Overlast",
        "Maatschappelijke klasse",
        "Misdrijfcode",
        "Category code",
        "Category",
        required=True,
        parser="category",
        description="Category code.",
    )
    count: int | None = column(
        "Aantal",
        "Geregistreerde misdrijven",
        "Geregistreerde misdrijven (aantal)",
        "GeregistreerdeMisdrijven",
        "Aantal misdrijven",
        "Aantal registraties",
        "Aantal incidenten",
        "Aantal meldingen",
        "Geregistreerde overlast",
        "Count",
        required=True,
        ge=0,
        description="Count; empty means suppressed/unknown, never zero.",
    )
    internet_count: int | None = column(
        "Internetaangiften",
        "Internet aangiften",
        "Internetaangiften (aantal)",
        "Aantal internetaangiften",
        "Online aangiften",
        "Internet count",
        "Online reports",
        ge=0,
        description="Of which reported online.",
    )


class Population(BaseModel):
    """Population of an area on 1 January of a year."""

    model_config = ConfigDict(title="population", defer_build=True)

    year: int = column("Jaar", "Peiljaar", "Perioden", "Year", required=True, parser="year", ge=1990, le=2100)
    area: str = column(
        "Gebied",
        "Regio",
        "Gemeente",
        "Wijk",
        "WijkenEnBuurten",
        "Wijken en buurten",
        "Buurt",
        "Gemeentenaam",
        "Gebiedsnaam",
        "Gebiedscode",
        "Area",
        required=True,
        description="Area name or CBS code.",
    )
    inhabitants: int | None = column(
        "Inwoners",
        "Aantal inwoners",
        "AantalInwoners",
        "Aantal inwoners (aantal)",
        "Inwonertal",
        "Totale bevolking",
        "Bevolking",
        "Inhabitants",
        "Population",
        ge=0,
        description="At least one of inhabitants, dwellings, youths_12_24 per file and row: a file may "
        "bring only youths 12-24 for areas whose inhabitants come from a CBS table.",
    )
    dwellings: int | None = column("Woningen", "Woningvoorraad", "Aantal woningen", "Dwellings", ge=0)
    youths_12_24: int | None = column(
        "Jongeren 12-24",
        "Jongeren 12 t/m 24",
        "Jongeren 12 24 jaar",
        "Jongeren 12 tot 25 jaar",
        "Aantal jongeren 12-24",
        "Youths 12-24",
        "Youths",
        ge=0,
    )
    youths_12_24_estimated: bool | None = column(
        "Jongeren 12-24 geschat",
        "Youths 12-24 estimated",
        description="True when youths_12_24 is an estimate from the CBS age bands (--youth-from-15-25), "
        "not a count: show it labelled as an estimate.",
    )


class Survey(BaseModel):
    """One published survey figure (Veiligheidsmonitor): an indicator in an area and a survey year.

    ``value``, ``lower`` and ``upper`` are decimal numbers (``14,3`` or ``14.3``). The validator
    checks them and the store keeps them as written (its column types have no decimal type yet);
    ``veilcli.analysis.survey`` reads them as numbers.
    """

    model_config = ConfigDict(title="survey", defer_build=True)

    year: int = column(
        "Jaar",
        "Meetjaar",
        "Onderzoeksjaar",
        "Peiljaar",
        "Year",
        "Survey year",
        required=True,
        parser="year",
        ge=1990,
        le=2100,
        description="Survey year (the Veiligheidsmonitor is held in the autumn of its year).",
    )
    area: str = column(
        "Gebied",
        "Regio",
        "RegioS",
        "Wijk",
        "Wijknaam",
        "Gemeente",
        "Area",
        "District",
        "Politieregio",  # the Veiligheidsmonitor's regional tables of 2008-2012
        "Politieregio's",
        required=True,
        description="Municipality or district (wijk): name or CBS code (GM0034, WK003401).",
    )
    indicator_code: str = column(
        "Indicator code",
        "Indicatorcode",
        "Code indicator",
        "Indicator ID",
        "Onderwerpcode",
        "Indicator",
        required=True,
        description="Stable code of the survey indicator (e.g. VoeltZichWeleensOnveiligInBuurt).",
    )
    indicator_label: str | None = column(
        "Indicator label",
        "Indicatornaam",
        "Omschrijving indicator",
        "Onderwerp",
        "Vraag",
        description="The indicator in words, as published.",
    )
    unit: str | None = column(
        "Eenheid",
        "Unit",
        "Maat",
        description="percent (%, percentage) or score (rapportcijfer, schaalscore); empty: told by the plan.",
    )
    value: float = column(
        "Waarde",
        "Percentage",
        "Score",
        "Rapportcijfer",
        "Cijfer",
        "Value",
        required=True,
        parser="text",
        description="The published figure: a percentage (0-100) or a score (e.g. a 1-10 mark).",
    )
    lower: float | None = column(
        "Ondergrens",
        "Ondergrens 95%",
        "Ondergrens 95%-interval",
        "Betrouwbaarheidsmarge ondergrens",
        "Lower bound",
        "Lower",
        parser="text",
        description="Lower bound of the published 95% interval.",
    )
    upper: float | None = column(
        "Bovengrens",
        "Bovengrens 95%",
        "Bovengrens 95%-interval",
        "Betrouwbaarheidsmarge bovengrens",
        "Upper bound",
        "Upper",
        parser="text",
        description="Upper bound of the published 95% interval.",
    )
    respondents: int | None = column(
        "Aantal respondenten",
        "Respondenten",
        "Aantal waarnemingen",
        "Ongewogen aantal",
        "Respondents",
        ge=1,
        description="Number of respondents the figure rests on.",
    )
    municipality: str | None = column(
        "Gemeentenaam",
        "Municipality",
        description="The municipality a district row belongs to, when the file tells it.",
    )


DATASET_MODELS: dict[Kind, type[BaseModel]] = {
    Kind.registrations: Registration,
    Kind.suspects: Suspect,
    Kind.counts: Count,
    Kind.population: Population,
    Kind.survey: Survey,
}

# Rows of a kind are unique on this key; a second row with the same key is a finding.
# A file of the kind must have at least one of these columns, and each row a value in one of them.
DATASET_ONE_OF: dict[Kind, tuple[str, ...]] = {
    Kind.suspects: ("age", "birth_date"),
    Kind.population: POPULATION_COLUMNS,
}

DATASET_KEYS: dict[Kind, tuple[str, ...]] = {
    Kind.registrations: ("registration_id",),
    Kind.suspects: (),
    Kind.counts: ("period", "area", "category_code"),
    Kind.population: ("year", "area"),
    Kind.survey: ("year", "area", "indicator_code"),
}


class Severity(StrEnum):
    """Errors make a row (or file) invalid; warnings are reported and the row is kept."""

    error = "error"
    warning = "warning"


class Issue(BaseModel):
    """One finding about input data, located as the user sees the spreadsheet."""

    model_config = ConfigDict(defer_build=True)

    code: str
    severity: Severity = Severity.error
    row: int | None = Field(None, description="Row number as shown in the spreadsheet.")
    column: str | None = Field(None, description="Column header as written in the file.")
    value: str | None = None
    message: str
    hint: str | None = None


MAX_LISTED = 50  # areas listed per file report; the count gives the rest
DEFAULT_MAX_PER_CODE = 5  # findings listed per check (``--max-per-kind``); the count gives the rest


class FileReport(BaseModel):
    """Validation result for one file (or one sheet of a workbook)."""

    model_config = ConfigDict(defer_build=True)

    path: str
    sheet: str | None = None
    format: str
    source_format: SourceFormat | None = Field(None, description="What the file was recognised as.")
    kind: Kind | None = None
    kind_detected: bool = True
    header_row: int | None = None
    columns: dict[str, str] = Field(default_factory=dict, description="canonical column -> header as written")
    ignored_columns: list[str] = Field(default_factory=list)
    dropped_personal_columns: list[str] = Field(default_factory=list)
    rows_read: int = 0
    rows_valid: int = 0
    rows_invalid: int = 0
    blank_rows_skipped: int = 0
    periods: list[str] = Field(
        default_factory=list,
        description="Periods of the valid rows (half-years for row data, years for population).",
    )
    areas: list[str] = Field(
        default_factory=list, description=f"Areas of the valid rows (the first {MAX_LISTED})"
    )
    area_count: int = 0
    notes: list[str] = Field(
        default_factory=list, description="How the file was interpreted (year, estimates...)."
    )
    issue_counts: dict[str, int] = Field(default_factory=dict)
    issues: list[Issue] = Field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when the file has no errors at all."""
        return not any(i.severity is Severity.error for i in self.issues)


class SkippedFile(BaseModel):
    """A file in a given folder that was not read, and why (an office suite's lock file)."""

    model_config = ConfigDict(defer_build=True)

    path: str
    reason: str = Field(description="Stable code: `lock_file`.")
    message: str


class ValidationReport(BaseModel):
    """Validation results for every file of one command."""

    model_config = ConfigDict(defer_build=True)

    files: list[FileReport] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(
        default_factory=list, description="Files of a given folder that were not read, with the reason."
    )

    @property
    def valid(self) -> bool:
        """True when every file is valid."""
        return all(f.valid for f in self.files)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form with the derived ``valid`` flags included."""
        data = self.model_dump(mode="json")
        for file_data, file in zip(data["files"], self.files, strict=True):
            file_data["valid"] = file.valid
        data["valid"] = self.valid
        return data


ColumnValue = str | bool | int | float  # one value for every row, as a TOML file writes it

# How the column map's JSON Schema shows ``[columns]``: a header, or ``{ value = ... }``.
_COLUMNS_SCHEMA: dict[str, Any] = {
    "additionalProperties": {
        "anyOf": [
            {"type": "string", "description": "the header as written in the file"},
            {
                "type": "object",
                "properties": {
                    "value": {
                        "type": ["string", "boolean", "integer", "number"],
                        "description": "the value, read as the column's type reads the file's text",
                    }
                },
                "required": ["value"],
                "additionalProperties": False,
                "description": "one value for every row: a column the file lacks "
                '(area = { value = "Nederland" }, year = { value = 2024 })',
            },
        ]
    }
}


class ColumnMap(BaseModel):
    """A ``--map`` TOML file: explicit header mapping for unusual files.

    ``[columns]`` names, per canonical column, the header as written (``date = "Datum melding"``),
    or gives one value for every row of a column the file lacks (``area = { value = "Nederland" }``
    for a national series, ``year = { value = 2024 }`` for a population table of one year). Values
    given so are kept in ``values``; ``[values]`` may also be written as a table of its own.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    kind: Kind | None = Field(None, description="The dataset kind (else detected from the headers).")
    header_row: int | None = Field(
        None,
        ge=1,
        le=MAX_HEADER_ROW,
        description="1-based row of the header (at most a worksheet's last row).",
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="canonical column -> header as written in the file, or { value = ... } for every row",
        json_schema_extra=_COLUMNS_SCHEMA,
    )
    values: dict[str, ColumnValue] = Field(
        default_factory=dict,
        description="canonical column -> one value for every row (a column the file lacks); "
        "also written in [columns] as column = { value = ... }",
    )

    @model_validator(mode="before")
    @classmethod
    def _values_in_columns(cls, data: Any) -> Any:
        """``column = { value = ... }`` in ``[columns]`` is a value for every row: moved to ``values``."""
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            return data
        columns, values = dict(data["columns"]), dict(data.get("values") or {})
        for name, given in list(columns.items()):
            if not isinstance(given, dict):
                continue
            if set(given) != {"value"}:
                raise ValueError(
                    f'columns.{name}: write the header as text ({name} = "Header in file") or one value '
                    f"for every row ({name} = {{ value = ... }}), not {sorted(given)}"
                )
            if name in values:
                raise ValueError(f"{name} is given a value both in [columns] and in [values]")
            values[name] = given["value"]
            del columns[name]
        return {**data, "columns": columns, "values": values}

    @model_validator(mode="after")
    def _one_source_per_column(self) -> ColumnMap:
        both = sorted(set(self.columns) & set(self.values))
        if both:
            raise ValueError(f"{', '.join(both)}: given both a header and a value for every row; give one")
        return self

    def value_texts(self) -> dict[str, str]:
        """Each value for every row as the text the column's parser reads (``true`` -> ``ja``)."""
        return {c: ("ja" if v else "nee") if isinstance(v, bool) else str(v) for c, v in self.values.items()}


class StoredPart(BaseModel):
    """One file of a source stored in parts (a large counts table): its rows of one year."""

    file: str = Field(description="Parquet file, relative to the store: `<kind>/<source id>/<year>.parquet`.")
    year: int = Field(description="The year of every row's period.")
    rows: int
    size: int = Field(description="Bytes of the file.")
    sha256: str = Field(description="sha256 of the file (`status --verify`).")


class SourceRecord(BaseModel):
    """One ingested source in the store's manifest."""

    model_config = ConfigDict(defer_build=True)

    id: str
    path: str
    sheet: str | None = None
    sha256: str
    kind: Kind
    source_format: str | None = Field(None, description="What the file was recognised as (FileReport).")
    rows: int
    rows_rejected: int = 0
    file: str = Field(
        description="Parquet file, relative to the store; for a source stored in parts, their folder."
    )
    parts: list[StoredPart] | None = Field(
        None,
        description="A source stored in parts, one file per year (files read in blocks, see "
        "`sources/csv_stream.py`): a query reads only the years it needs. None: one file, `file`.",
    )
    file_size: int | None = Field(
        None, description="Bytes of the stored Parquet file (None: stored by an older veilcli)."
    )
    file_sha256: str | None = Field(
        None, description="sha256 of the stored Parquet file (`status --verify`)."
    )
    file_schema: dict[str, str] | None = Field(
        None, description="Column -> polars type of the stored Parquet file, as written."
    )
    ingested_at: dt.datetime
    columns: dict[str, str] = Field(default_factory=dict)
    date_min: dt.date | None = None
    date_max: dt.date | None = None
    has_event_id: bool | None = None
    veilcli_version: str
    covers_from: dt.date | None = Field(
        None, description="First day the source covers (registrations, suspects); see `coverage.py`."
    )
    covers_to: dt.date | None = Field(None, description="Last day the source covers.")
    gaps: list[tuple[dt.date, dt.date]] | None = Field(
        None,
        description="Months inside the span without data where the source's rate says there would be "
        "some (first and last day of each stretch); None for sources stored before veilcli recorded it.",
    )
    covers_declared: bool = Field(False, description="Whether the span was given at ingest (--covers).")
    scope: list[str] | None = Field(
        None,
        description='Categories the source covers: "crime", "nuisance" (every code of that kind) and/or '
        "codes; None for sources stored before veilcli recorded it (inferred when read).",
    )
    scope_declared: bool = Field(False, description="Whether the scope was given at ingest (--scope).")
    areas: list[str] | None = Field(None, description="Areas (municipalities) the rows are in.")
    replaced_by: dict[str, int] = Field(
        default_factory=dict,
        description="Rows of this source that later ingests replaced (--replace), by the id of the "
        "source that holds them now: ingesting this source's file again stores it anew (restoring them "
        "with --replace), unless that source is ingested in the same command.",
    )


class RejectedFile(BaseModel):
    """A rejected-rows CSV that ``ingest --skip-invalid`` wrote: veilcli replaces such a file only
    while its bytes are still these (anything else there is the user's, kept without ``--force``)."""

    model_config = ConfigDict(defer_build=True)

    path: str = Field(description="Absolute path of the file, as written.")
    sha256: str
    size: int
    written_at: dt.datetime


class Manifest(BaseModel):
    """The store's table of contents; replaced atomically, last, on every write."""

    model_config = ConfigDict(defer_build=True)

    marker: Literal["veilcli-store"] = Field(
        "veilcli-store",
        description="Says that the folder is a veilcli store. Manifests of older veilcli versions lack it; "
        "they are recognised by `format: 1` and sources that validate.",
    )
    format: Literal[1] = 1
    sources: list[SourceRecord] = Field(default_factory=list)
    rejected_files: list[RejectedFile] = Field(
        default_factory=list, description="Rejected-rows CSVs written by ingests into this store."
    )

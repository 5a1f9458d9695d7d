"""``bvh-extract``: a BVH registration extract as the police hand it to a municipality (33 columns;
``Incident Identificatie``, ``Incidentsoort code`` and ``Kennisnamedatum/tijd`` present) ->
registrations. Its BVH codes (A72...) are kept; the classification maps them onto categories.
"""

from __future__ import annotations

from veilcli.domain.choices import Kind
from veilcli.domain.models import SourceFormat
from veilcli.sources.columns import normalise_header
from veilcli.sources.formats.common import first, headers_by_fold
from veilcli.sources.formats.interface import FormatOptions, InputFormat, Recognised
from veilcli.sources.table import RawTable

BVH_COLUMNS = {
    "registration_id": "Incident Identificatie",
    "event_id": "Bronregistratie",
    "category_code": "Incidentsoort code",
    "category_label": "Incidentsoort",
    "date": "Kennisnamedatum/tijd",
    "municipality": "Pleeggemeente",
    "district": "Pleegwijk",
    "neighbourhood": "Pleegbuurt",
    "attempt": "Poging",
}
_REQUIRED = ("Incident Identificatie", "Incidentsoort code", "Kennisnamedatum/tijd")


class BvhExtract(InputFormat[FormatOptions]):
    """A BVH registration extract."""

    name = SourceFormat.bvh_extract
    kind = Kind.registrations
    title = "a BVH registration extract"
    options_type = FormatOptions

    def recognise(self, table: RawTable) -> bool:
        found = headers_by_fold(table)
        return all(normalise_header(h) in found for h in _REQUIRED)

    def to_canonical(self, table: RawTable, options: FormatOptions) -> Recognised:
        found = headers_by_fold(table)
        columns = {
            c: found[normalise_header(h)] for c, h in BVH_COLUMNS.items() if normalise_header(h) in found
        }
        notes = [
            "BVH extract: category_code keeps the BVH maatschappelijke-klasse code (A72...), "
            "mapped onto the open-data categories by schemas/classification/bvh.csv",
        ]
        # The standard extract has no reporting channel; some police units add one on request.
        channel = first(found, "Wijze van aangifte", "Aangiftekanaal", "Wijze aangifte")
        if channel:
            columns["channel"] = channel
        else:
            notes.append(
                "no reporting-channel column in a BVH extract: channel left empty (no internet "
                "correction from these rows)"
            )
        return Recognised(self.name, table, Kind.registrations, columns, notes)

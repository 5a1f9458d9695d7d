"""The committed JSON Schemas in schemas/ match the models (regenerate: veilcli schema --out schemas/)."""

from __future__ import annotations

from pathlib import Path

from veilcli.report.jsonschemas import render_document, schema_documents

SCHEMAS = Path(__file__).parent.parent / "schemas"


def test_committed_schemas_match_the_models() -> None:
    for name, document in schema_documents().items():
        committed = SCHEMAS / name
        assert committed.exists(), f"{name} missing: run `veilcli schema --out schemas/`"
        assert committed.read_text(encoding="utf-8") == render_document(document), (
            f"schemas/{name} drifted from the models: run `veilcli schema --out schemas/`"
        )


def test_schemas_carry_aliases_and_required_columns() -> None:
    registrations = schema_documents()["registrations.schema.json"]
    props = registrations["properties"]
    assert "Bronregistratie" in props["event_id"]["x-aliases"]  # type: ignore[index]
    assert props["registration_id"]["x-required-column"] is True  # type: ignore[index]

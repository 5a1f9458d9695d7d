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


def test_every_property_has_a_description() -> None:
    """The JSON contract is documented property by property (issue 13)."""
    import json

    missing = []
    definitions: dict[str, dict[str, object]] = {}

    def described(value: dict[str, object]) -> bool:
        """A property is described by its own text, or (a model) by its definition's docstring."""
        target = str(value.get("$ref", "")).rsplit("/", 1)[-1]
        return "description" in value or "description" in definitions.get(target, {})

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if not described(value):
                    missing.append(f"{where}.{key}")
            for key, value in node.items():
                walk(value, key if key not in ("properties", "$defs") else where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for path in sorted(SCHEMAS.glob("*.schema.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        definitions.clear()
        definitions.update(document.get("$defs", {}))
        walk(document, path.name)
    assert missing == []

"""Generate the JSON Schemas of veilcli's models into ``schemas/`` (kept in sync by a test)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from veilcli.analysis.results.compare import CompareResult
from veilcli.domain.kinds import KIND_FACTS
from veilcli.domain.models import ColumnMap
from veilcli.domain.plans import Plan
from veilcli.domain.rules import Rules


def schema_documents() -> dict[str, dict[str, object]]:
    """File name -> JSON Schema document, for every model with a file contract."""
    models: dict[str, type[BaseModel]] = {
        f"{kind.value}.schema.json": kind_facts.model for kind, kind_facts in KIND_FACTS.items()
    }
    models["column-map.schema.json"] = ColumnMap
    models["rules.schema.json"] = Rules
    models["plan.schema.json"] = Plan
    models["compare-output.schema.json"] = CompareResult
    return {name: model.model_json_schema() for name, model in models.items()}


def render_document(document: dict[str, object]) -> str:
    """Stable text form of a schema (sorted keys would lose the column order, so none)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema document into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in schema_documents().items():
        target = out_dir / name
        target.write_text(render_document(document), encoding="utf-8")
        written.append(target)
    return written

"""The JSON Schemas of every data file kind (from the pydantic models) and of the outputs, written to ``schemas/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from helsinki_compliance.model.records import FILE_KINDS
from helsinki_compliance.render.output_schemas import output_schemas
from helsinki_compliance.render.outputs import OutputSet


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every file kind, keyed by file name."""
    out = {}
    for key, (model, many) in FILE_KINDS.items():
        inner = TypeAdapter(list[model] if many else model).json_schema()  # type: ignore[valid-type]
        defs = inner.pop("$defs", {})
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://helsinki-compliance.example/schemas/{key.replace('_', '-')}.schema.json",
            "title": f"helsinki-compliance {key} file",
            "type": "object",
            "properties": {key: inner},
            "required": [key],
            "additionalProperties": False,
        }
        if defs:
            schema["$defs"] = defs
        out[f"{key.replace('_', '-')}.schema.json"] = schema
    return out


def write_schemas(out: Path) -> list[Path]:
    """Write the file-format schemas (:func:`schemas`) and the output schemas to ``out``."""
    with OutputSet(out, "schema") as files:  # replaces only schemas it wrote (see :mod:`.outputs`)
        for name, schema in sorted({**schemas(), **output_schemas()}.items()):
            files.add(name, json.dumps(schema, indent=2, sort_keys=True) + "\n")
        return files.commit()

"""Output schemas are generated from pydantic models of the outputs, which the real outputs satisfy."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from conftest import REPO
from helsinki_compliance.render import output_models as om
from helsinki_compliance.render import output_schemas


def test_each_output_schema_is_its_models_schema() -> None:
    for name, (model, _title, _doc) in output_schemas.OUTPUTS.items():
        schema = output_schemas.output_schema(name)
        generated = model.model_json_schema(ref_template="#/$defs/{model}")
        assert schema["properties"] == generated["properties"], name
        assert schema.get("$defs") == generated.get("$defs"), name
    assert not hasattr(output_schemas, "_defs")  # no hand-written table beside the models


def test_committed_report_json_satisfies_the_models() -> None:
    files = sorted(p for p in (REPO / "reports").glob("*.json") if not p.name.startswith("."))
    for f in files:
        model = om.Evidence if f.name.endswith("-evidence.json") else om.Report
        model.model_validate(json.loads(f.read_text(encoding="utf-8")))


def test_models_refuse_keys_they_do_not_promise() -> None:
    report = json.loads((REPO / "reports" / "SU-year-1975-1991.json").read_text(encoding="utf-8"))
    cell = report["scorecard"]["cells"][0]
    om.Cell.model_validate(cell)
    with pytest.raises(ValidationError):
        om.Cell.model_validate({**cell, "observation_ids": ["x"]})
    with pytest.raises(ValidationError):
        om.Cell.model_validate({**cell, "findings": -1})

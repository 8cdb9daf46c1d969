"""JSON Schemas of what the tool writes, generated from the output models (:mod:`.output_models`).

The file-format schemas (what users write) come from the record models (:func:`api.schemas`);
these come from the models of the outputs (``model_json_schema()``). ``helsinki-compliance
schema`` publishes both kinds; tests validate real outputs against them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from helsinki_compliance.render import output_models as om

_BASE = "https://helsinki-compliance.example/schemas/"

#: file name -> (model, title, description)
OUTPUTS: dict[str, tuple[type[BaseModel], str, str]] = {
    "output-goals.schema.json": (
        om.GoalReport,
        "helsinki-compliance goals --format json",
        "Every goal of a goal set as of a date: baseline and current measure, verdict, evidence; a verdict per tier.",
    ),
    "output-goals-timeline.schema.json": (
        om.GoalTimeline,
        "helsinki-compliance goals --timeline --format json",
        "Goal verdicts period by period (each period's end is its as-of date).",
    ),
    "output-scorecard.schema.json": (
        om.Scorecard,
        "helsinki-compliance scorecard --format json",
        "Cells (state x commitment x period) with status, score, confidence and counts; group scores per basket.",
    ),
    "output-evidence.schema.json": (
        om.Evidence,
        "helsinki-compliance scorecard --evidence FILE.json (and a report's -evidence.json)",
        "One row per observation behind a finding of a cell: state, commitment, period, rule, finding, "
        "observation, source.",
    ),
    "output-report.schema.json": (
        om.Report,
        "helsinki-compliance report (the .json file)",
        "The full evaluation behind a report: scorecard, changes, dossiers, goals and the evidence cited.",
    ),
}


def output_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one output, by its file name."""
    model, title, description = OUTPUTS[name]
    generated = model.model_json_schema(ref_template="#/$defs/{model}")
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_BASE}{name}",
        "title": title,
        "description": description,
        **generated,
    }


def output_schemas() -> dict[str, dict[str, Any]]:
    """The output schemas keyed by file name."""
    return {name: output_schema(name) for name in OUTPUTS}

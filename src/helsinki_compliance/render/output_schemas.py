"""JSON Schemas of what the tool writes: ``goals --format json``, ``scorecard --format json``, report JSON.

The file-format schemas (what users write) come from the pydantic models (:func:`api.schemas`);
these output schemas are written by hand, because an output is a promise to the people who read
it, and their enums are taken from the same tuples the engine uses (so they cannot drift).
``helsinki-compliance schema`` publishes both kinds; tests validate real outputs against them.
"""

from __future__ import annotations

from typing import Any, get_args

from helsinki_compliance.engine.coverage import INSUFFICIENT
from helsinki_compliance.engine.goals import VERDICTS
from helsinki_compliance.model.records import FindingStatus, Severity, Status
from helsinki_compliance.render.scorecard_out import EVIDENCE_COLUMNS

_BASE = "https://helsinki-compliance.example/schemas/"
TIERS = ("immediate", "intermediate", "long-range")


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


STR = {"type": "string"}
NUM = {"type": "number"}
OPT_NUM = {"type": ["number", "null"]}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
IDS = {"type": "array", "items": STR}


def _obj(props: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": sorted(k for k in props if k not in optional),
        "additionalProperties": False,
    }


# long: a table of JSON Schema definitions (data, not logic), one entry per output object
def _defs() -> dict[str, Any]:
    measure = _obj(
        {
            "progress": {
                "type": ["number", "null"],
                "minimum": 0,
                "maximum": 1,
                "description": "0 = nothing of the target achieved, 1 = target reached; null = no evidence",
            },
            "status": STR,
            "met": {"type": "boolean"},
            "detail": STR,
            "evidence": IDS,
        }
    )
    goal = _obj(
        {
            "id": STR,
            "tier": _enum(TIERS),
            "title": STR,
            "target": STR,
            "commitments": IDS,
            "baseline": {"$ref": "#/$defs/measure"},
            "current": {"$ref": "#/$defs/measure"},
            "verdict": {"$ref": "#/$defs/verdict"},
            "evidence": IDS,
            "latest_evidence": {"type": ["string", "null"], "description": "date of the latest evidence"},
            "stale": {"type": "boolean", "description": "latest evidence more than two years before the as-of date"},
            "no_evidence_since": {
                "type": ["string", "null"],
                "description": "method 3: with verdict no-evidence-since, the date of the latest evidence",
            },
            "uncorroborated": {
                "type": "boolean",
                "description": "method 3: the target reads met, but on uncorroborated evidence (verdict not met)",
            },
        },
        optional=("latest_evidence", "stale", "no_evidence_since", "uncorroborated"),  # methods 2 and 3
    )
    tiers = {"type": "object", "propertyNames": _enum(TIERS), "additionalProperties": {"$ref": "#/$defs/verdict"}}
    goal_report = _obj(
        {
            "goal_set": STR,
            "title": STR,
            "source": {"type": ["string", "null"]},
            "state": STR,
            "baseline": STR,
            "as_of": DATE,
            "known_by": DATE,
            "bands": _obj({"significant": NUM, "slight": NUM}),
            "goals": {"type": "array", "items": {"$ref": "#/$defs/goal"}},
            "tiers": tiers,
            "timeline": {"type": "array", "items": {"$ref": "#/$defs/timeline_row"}},
            "readings": {"type": "object", "additionalProperties": STR},
        },
        optional=("timeline", "known_by", "readings"),
    )
    timeline_row = _obj(
        {
            "period": STR,
            "as_of": DATE,
            "verdicts": {"type": "object", "additionalProperties": {"$ref": "#/$defs/verdict"}},
            "progress": {"type": "object", "additionalProperties": OPT_NUM},
            "stale": IDS,
            "tiers": tiers,
            "verdict_texts": {"type": "object", "additionalProperties": STR},
            "hindsight": _obj(
                {
                    "known_by": DATE,
                    "verdicts": {"type": "object", "additionalProperties": {"$ref": "#/$defs/verdict"}},
                    "verdict_texts": {"type": "object", "additionalProperties": STR},
                    "progress": {"type": "object", "additionalProperties": OPT_NUM},
                    "tiers": tiers,
                }
            ),
        },
        optional=("stale", "verdict_texts", "hindsight"),  # the last two: method 3
    )
    finding = _obj(
        {
            "rule": STR,
            "rule_kind": STR,
            "status": _enum(get_args(FindingStatus)),
            "score": NUM,
            "severity": _enum(get_args(Severity)),
            "weight": NUM,
            "confidence": NUM,
            "carried": {"type": "boolean"},
            "age": _enum(("fresh", "stale", "very-stale", "too-old")),
            "scored": {"type": "boolean", "description": "method 3: false beyond the scoring horizon"},
            "last_confirmed": {"type": ["string", "null"]},
            "subject": {"type": ["string", "null"]},
            "detail": STR,
            "observations": IDS,
        },
        optional=("age", "last_confirmed", "scored"),  # added by methods 2 and 3
    )
    count = {"type": "integer", "minimum": 0}
    cell = _obj(
        {
            "state": STR,
            "commitment": STR,
            "period": STR,
            "status": {"$ref": "#/$defs/status"},
            "score": OPT_NUM,
            "confidence": OPT_NUM,
            "computed_status": {"$ref": "#/$defs/status"},
            "computed_score": OPT_NUM,
            "assessment": {"type": ["string", "null"], "description": "the id of the analyst assessment applied"},
            "findings": {**count, "description": "findings scored or shown; their evidence: --evidence"},
            "too_old": {**count, "description": "method 3: conditions beyond the scoring horizon, shown, not scored"},
            "observations": {**count, "description": "observations behind the cell"},
            "sources": {**count, "description": "sources behind the cell"},
            "evidence_from": {"type": ["string", "null"]},
            "evidence_to": {"type": ["string", "null"]},
            "stale_findings": count,
            "stale": {"type": "boolean"},
            "partial_period": {"type": "boolean", "description": "method 3: the as-of date falls inside the period"},
        }
    )
    group = _obj(
        {
            "state": STR,
            "group": STR,
            "period": STR,
            "status": _enum((*get_args(Status), INSUFFICIENT)),
            "score": {**OPT_NUM, "description": "null when nothing is assessed or the evidence is insufficient"},
            "raw_score": {**OPT_NUM, "description": "the weighted mean even when insufficient: not a score"},
            "assessed": {"type": "integer"},
            "in_force": {"type": "integer"},
            "coverage": {"$ref": "#/$defs/coverage"},
            "partial_period": {"type": "boolean", "description": "method 3: the as-of date falls inside the period"},
            "band": {
                "type": ["object", "null"],
                "properties": {"low": OPT_NUM, "high": OPT_NUM},
                "required": ["low", "high"],
                "additionalProperties": False,
                "description": "method 3: the score's range under the documented alternative method choices",
            },
        },
        optional=("raw_score", "coverage", "partial_period", "band"),  # added by methods 2 and 3
    )
    coverage = _obj(
        {
            "observations": {"type": "integer"},
            "sources": IDS,
            "evidence_from": {"type": ["string", "null"]},
            "evidence_to": {"type": ["string", "null"]},
            "stale_findings": {"type": "integer"},
        }
    )
    scorecard = _obj(
        {
            "as_of": DATE,
            "states": IDS,
            "periods": {
                "type": "array",
                "items": _obj(
                    {
                        "id": STR,
                        "kind": STR,
                        "label": STR,
                        "start": DATE,
                        "end": DATE,
                        "not_yet": {"type": "boolean"},
                        "partial_period": {"type": "boolean"},
                    },
                    optional=("not_yet", "partial_period"),  # method 3
                ),
            },
            "commitments": {
                "type": "array",
                "items": _obj(
                    {
                        "id": STR,
                        "instrument": STR,
                        "title": STR,
                        "basket": STR,
                        "chapter": {"type": ["string", "null"]},
                        "weight": NUM,
                    }
                ),
            },
            "cells": {"type": "array", "items": {"$ref": "#/$defs/cell"}},
            "groups": {"type": "array", "items": {"$ref": "#/$defs/group"}},
            "method": {"type": "object"},
        }
    )
    return {
        "status": _enum(get_args(Status)),
        "verdict": _enum(VERDICTS),
        "measure": measure,
        "goal": goal,
        "goal_report": goal_report,
        "timeline_row": timeline_row,
        "finding": finding,
        "cell": cell,
        "group": group,
        "coverage": coverage,
        "scorecard": scorecard,
    }


def _schema(name: str, title: str, root: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_BASE}{name}",
        "title": title,
        "description": description,
        **root,
        "$defs": _defs(),
    }


def _evidence_root() -> dict[str, Any]:
    row = {"type": "array", "items": {"type": ["string", "boolean", "null"]}}
    return _obj(
        {"columns": {"type": "array", "items": _enum(EVIDENCE_COLUMNS)}, "evidence": {"type": "array", "items": row}}
    )


def _report_root() -> dict[str, Any]:
    change = _obj({"commitment": STR, "before": {"$ref": "#/$defs/status"}, "after": {"$ref": "#/$defs/status"}})
    report_root = _obj(
        {
            "report": {"type": "object", "required": ["state", "period", "as_of", "periods", "files"]},
            "scorecard": {"$ref": "#/$defs/scorecard"},
            "changes": {
                "type": "array",
                "items": _obj(
                    {
                        "from": STR,
                        "to": STR,
                        "better": {"type": "array", "items": change},
                        "worse": {"type": "array", "items": change},
                        "other": {"type": "array", "items": change},
                    }
                ),
            },
            "dossiers": {"type": "array", "items": {"type": "object"}},
            "conflicts": {
                "type": "array",
                "items": _obj(
                    {
                        "fact": STR,
                        "state": STR,
                        "kept": STR,
                        "set_aside": IDS,
                        "reason": STR,
                        "readings": IDS,
                    }
                ),
                "description": "method 2: reports of one fact that disagree, with the one kept",
            },
            "goals": _obj({"goal_sets": {"type": "array", "items": {"$ref": "#/$defs/goal_report"}}}),
            "observations": {
                "type": "object",
                "additionalProperties": _obj({"date": STR, "kind": STR, "source": STR, "locator": STR, "quote": STR}),
            },
        },
        optional=("goals", "conflicts"),
    )
    return report_root


def output_schemas() -> dict[str, dict[str, Any]]:
    """The output schemas keyed by file name."""
    report_root = _report_root()
    return {
        "output-goals.schema.json": _schema(
            "output-goals.schema.json",
            "helsinki-compliance goals --format json",
            {"$ref": "#/$defs/goal_report"},
            "Every goal of a goal set as of a date: baseline and current measure, verdict, evidence; a verdict per tier.",
        ),
        "output-goals-timeline.schema.json": _schema(
            "output-goals-timeline.schema.json",
            "helsinki-compliance goals --timeline --format json",
            _obj(
                {
                    "goal_set": STR,
                    "state": STR,
                    "as_of": DATE,
                    "readings": {"type": "object", "additionalProperties": STR},
                    "timeline": {"type": "array", "items": {"$ref": "#/$defs/timeline_row"}},
                },
                optional=("as_of", "readings"),
            ),
            "Goal verdicts period by period (each period's end is its as-of date).",
        ),
        "output-scorecard.schema.json": _schema(
            "output-scorecard.schema.json",
            "helsinki-compliance scorecard --format json",
            {"$ref": "#/$defs/scorecard"},
            "Cells (state x commitment x period) with status, score, confidence and counts; group scores per basket.",
        ),
        "output-evidence.schema.json": _schema(
            "output-evidence.schema.json",
            "helsinki-compliance scorecard --evidence FILE.json (and a report's -evidence.json)",
            _evidence_root(),
            "One row per observation behind a finding of a cell: state, commitment, period, rule, finding, observation, source.",
        ),
        "output-report.schema.json": _schema(
            "output-report.schema.json",
            "helsinki-compliance report (the .json file)",
            report_root,
            "The full evaluation behind a report: scorecard, changes, dossiers, goals and the evidence cited.",
        ),
    }

"""Formatting shared by every report section: status labels, scores in 0-100, shades, period and status records."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from helsinki_compliance.engine.evaluation import COMPLIANT_AT, PARTIAL_AT
from helsinki_compliance.model.periods import Period
from helsinki_compliance.render.tables import (
    GROUP_SYMBOLS,
    SYMBOLS,
)

#: The HTML templates (the Markdown templates are in its ``markdown`` folder: :mod:`..markdown_templates`).
TEMPLATES = Path(__file__).parents[1] / "templates"


CASE_CONDITIONS = ("imprisonment", "internal-exile")


STATUS_LABELS = {
    "compliant": "compliant",
    "partial": "partial",
    "violation": "violation",
    "not-assessed": "not assessed (no evidence)",
    "not-in-force": "not in force",
    "not-yet": "not yet (the period begins after the as-of date)",
    "insufficient-evidence": "insufficient evidence (too few commitments or observations for a score)",
}


RANK = {"violation": 0, "partial": 1, "compliant": 2}


#: goal verdicts in words (never symbols that differ only by case)
VERDICT_SYMBOLS = {
    "met": "met",
    "significant-progress": "significant",
    "slight-progress": "slight",
    "no-change": "no change",
    "regression": "regression",
    "no-evidence-since": "no evidence since",
    "not-assessed": "–",
}


BASKET_TITLES = {"I": "Basket I", "III": "Basket III", "human-dimension": "Human dimension"}


def score100(score: float | None) -> str:
    return "–" if score is None else f"{round(score * 100):d}"


def f2(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def pct(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return "–"
    return f"{round(float(x) * 100):d}%"


def shade(status: str, score: float | None) -> str:
    """A shade class within a status, so that 0.33 and 0.00 differ: ``sh-0`` (pale) to ``sh-2`` (deep).

    Violation and partial deepen as the score falls; compliant deepens as it rises."""
    if score is None or status not in RANK:
        return ""
    if status == "violation":
        lo, hi, worse_deeper = 0.0, PARTIAL_AT, True
    elif status == "partial":
        lo, hi, worse_deeper = PARTIAL_AT, COMPLIANT_AT, True
    else:
        lo, hi, worse_deeper = COMPLIANT_AT, 1.0, False
    x = 0.5 if hi <= lo else min(max((score - lo) / (hi - lo), 0.0), 1.0)
    depth = 1.0 - x if worse_deeper else x
    return f"sh-{min(int(depth * 3), 2)}"


def period_dict(p: Period, as_of: date | None = None) -> dict[str, Any]:
    return {
        "partial": as_of is not None and p.start <= as_of < p.end,  # method 3: contains the as-of date
        "id": p.id,
        "label": p.label,
        "kind": p.kind,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "named": p.kind == "named",
    }


def status_record(status: str, assessed: bool = False) -> dict[str, Any]:
    return {
        "status": status,
        "symbol": {**SYMBOLS, **GROUP_SYMBOLS}.get(status, "?") + ("*" if assessed else ""),
        "label": STATUS_LABELS.get(status, status) + (" (analyst assessment)" if assessed else ""),
    }

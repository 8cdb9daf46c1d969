"""Rule-test fixtures: an observation of a fixture case, with the documented defaults filled in."""

from __future__ import annotations

from typing import Any

from helsinki_compliance.model.records import Observation, RuleTestCase


def fixture_observation(case: RuleTestCase, index: int, raw: dict[str, Any]) -> Observation:
    """One fixture observation with the documented defaults filled in (raises ``ValidationError``)."""
    data = {
        "id": f"fixture-{index + 1}",
        "state": case.state,
        "dated_by": "fixture",
        "source": "fixture",
        "locator": "fixture",
        "quote": "fixture",
        "confidence": "high",
        **raw,
    }
    return Observation.model_validate(data)

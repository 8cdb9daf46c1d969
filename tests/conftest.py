"""Shared fixtures: a tiny data directory built in tmp_path from the real registries."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

# Hypothesis profiles: `dev` (the default: few examples, quick), `ci` (when CI is set: more examples), `explore`
# (HYPOTHESIS_PROFILE=explore: many, random). dev and ci search the same examples every run (no flaky red).
settings.register_profile("dev", max_examples=10, deadline=None, derandomize=True)
settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

REPO = Path(__file__).resolve().parents[1]
# the per-user cache of the tests' runs (and of the processes they start): not the user's own
os.environ.setdefault("HELSINKI_COMPLIANCE_CACHE_DIR", tempfile.mkdtemp(prefix="hc-test-cache-"))
SOURCES_DIR = REPO.parent / "shared" / "sources"

BROADCAST = {
    "id": "t.broadcast",
    "instrument": "hfa-1975",
    "section": "Basket III, 2(a)(iii)",
    "title": "Broadcast information",
    "summary": "States undertook to let broadcast information reach the public.",
    "basket": "III",
    "chapter": "2. Information",
    "weight": 2,
    "rules": [
        {
            "id": "jamming",
            "kind": "standing",
            "condition": "radio-jamming",
            "while_in_effect": "violation",
            "when_ended": "compliant",
            "severity": "serious",
        },
        {
            "id": "ban",
            "kind": "event",
            "match": {"kinds": ["censorship"], "tags_any": ["radio"]},
            "status": "violation",
            "severity": "moderate",
        },
    ],
}
EMIGRATION = {
    "id": "t.emigration",
    "instrument": "hfa-1975",
    "section": "Basket III, 1(b)",
    "title": "Reunification of families",
    "summary": "States undertook to deal favourably with applications to reunite families.",
    "basket": "III",
    "chapter": "1. Human contacts",
    "weight": 3,
    "rules": [
        {
            "id": "volume",
            "kind": "metric",
            "metric": "emigration.persons",
            "aggregate": "sum",
            "severity": "serious",
            "thresholds": [
                {"op": "ge", "value": 10000, "status": "compliant"},
                {"op": "ge", "value": 1000, "status": "partial"},
                {"op": "lt", "value": 1000, "status": "violation"},
            ],
        },
    ],
}
MONITORS = {
    "id": "t.monitors",
    "instrument": "vienna-1989",
    "section": "Vienna, Principles, para. 26",
    "title": "Monitors",
    "summary": "States undertook to respect the right to monitor.",
    "basket": "human-dimension",
    "chapter": "Vienna Concluding Document",
    "rules": [
        {
            "id": "arrest",
            "kind": "event",
            "match": {"kinds": ["arrest"], "tags_any": ["monitor"]},
            "status": "violation",
            "severity": "serious",
        },
    ],
}

SOURCES = [
    {
        "id": "src",
        "title": "Test source",
        "author": "Tester",
        "date": "1990",
        "kind": "secondary",
        "reliability": "high",
    }
]


JAMMING_RULE = {
    "id": "jammed",
    "kind": "standing",
    "condition": "radio-jamming",
    "while_in_effect": "violation",
    "when_ended": "compliant",
    "severity": "serious",
}


def jamming_goal_set(baseline: str = "1985-12-31", *more_rules: dict[str, Any]) -> dict[str, Any]:
    """A goal set of one goal, "no jamming", read by a standing rule on radio-jamming (and ``more_rules``)."""
    goal = {
        "id": "jamming",
        "tier": "immediate",
        "title": "No jamming",
        "target": "No station jammed.",
        "rules": [JAMMING_RULE, *more_rules],
    }
    return {
        "goal_sets": [{"id": "g", "title": "G", "source": "src", "state": "SU", "baseline": baseline, "goals": [goal]}]
    }


def jam(oid: str, date_: str, subject: str, in_effect: bool, since: str | None = None, **extra: Any) -> dict[str, Any]:
    """A report that radio jamming of ``subject`` holds (or has ended); ``extra`` fields of the observation."""
    standing = {"condition": "radio-jamming", "subject": subject, "in_effect": in_effect}
    if since is not None:
        standing["since"] = since
    return obs(oid, date_, "jamming", tags=["radio"], standing=standing, **extra)


def obs(oid: str, date: str, kind: str, **extra: Any) -> dict[str, Any]:
    base = {
        "id": oid,
        "date": date,
        "dated_by": "test",
        "state": "SU",
        "kind": kind,
        "source": "src",
        "locator": "p. 1",
        "quote": f"quote of {oid}",
        "confidence": "high",
    }
    base.update(extra)
    return base


def prisoners_commitment(*rules: dict[str, Any]) -> dict[str, Any]:
    """A Principle VII commitment ``t.prisoners`` with the given rules (tests of standing conditions)."""
    return {
        "id": "t.prisoners",
        "instrument": "hfa-1975",
        "section": "Principle VII",
        "title": "Prisoners",
        "summary": "States undertook to respect human rights.",
        "basket": "I",
        "chapter": "Principles",
        "rules": list(rules),
    }


def prisoner_cases(subjects: str) -> dict[str, Any]:
    """A cases file naming one Soviet prisoner per letter of ``subjects``."""
    return {
        "observations/cases.yaml": {
            "cases": [{"id": s, "name": f"Prisoner {s.upper()}", "state": "SU"} for s in subjects],
        }
    }


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def make_data(
    root: Path,
    observations: list[dict[str, Any]] | None = None,
    commitments: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """A data directory with the real registries and the given commitments/observations."""
    (root / "commitments").mkdir(parents=True, exist_ok=True)
    for name in ("vocabulary.yaml", "states.yaml", "instruments.yaml", "periods.yaml"):
        shutil.copy(REPO / "commitments" / name, root / "commitments" / name)
    write_yaml(root / "commitments" / "test.yaml", {"commitments": commitments or [BROADCAST, EMIGRATION, MONITORS]})
    write_yaml(root / "observations" / "sources.yaml", {"sources": SOURCES})
    write_yaml(root / "observations" / "obs.yaml", {"observations": observations or []})
    for rel, data in (extra or {}).items():
        p = root / rel
        if isinstance(data, str):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(data), encoding="utf-8")
        else:
            write_yaml(p, data)
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return make_data(tmp_path / "data")

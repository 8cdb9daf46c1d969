"""Method 3, point 4: forced movement is not reunification (docs/scoring.md, "Forced movement").

An expulsion of a minority or a departure tagged ``forced`` never counts as compliant or partial for
family reunification, leaving and returning, or emigration; it scores against the minority,
leave-and-return and family commitments. The rules are data (commitments/*.yaml); these tests run
the bundled rules on a small corpus, and the named example on the bundled corpus."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import helsinki_compliance as hc
from conftest import make_data, obs
from helsinki_compliance import api

AS_OF = date(1991, 12, 31)
RULES = (
    "hfa.b3.hc.family-reunification",
    "vienna.leave-and-return",
    "vienna.national-minorities",
    "hfa.p7.national-minorities",
)


@pytest.fixture(scope="module")
def bundled() -> hc.Corpus:
    return hc.load()


def bg(oid: str, day: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {**obs(oid, day, kind, **extra), "state": "BG"}


def test_a_forced_departure_scores_against_every_free_movement_and_minority_commitment(
    bundled: hc.Corpus, tmp_path: Path
) -> None:
    comms = [bundled.commitments[c].model_dump(mode="json", exclude_none=True, by_alias=True) for c in RULES]
    rows = [
        bg("x", "1989-05/1989-06", "expulsion", tags=["national-minority", "emigration", "forced"]),
        bg(
            "f",
            "1989-05/1989-10",
            "statistic",
            tags=["emigration", "national-minority", "forced"],
            metric={"name": "emigration.persons", "value": 300000, "unit": "persons", "qualifier": "above"},
        ),
    ]
    corpus = hc.load(make_data(tmp_path / "d", rows, comms))
    for c in RULES:
        e = api.explain(corpus, c, state="BG", period="1989", as_of=AS_OF)
        found = [f for r in e["rules"] for f in r["findings"]]
        assert found, c
        assert {f["status"] for f in found} == {"violation"}, (c, found)
        assert any(f["severity"] == "serious" for f in found), c


def test_the_same_figure_without_force_counts_as_emigration(bundled: hc.Corpus, tmp_path: Path) -> None:
    comms = [
        bundled.commitments["hfa.b3.hc.family-reunification"].model_dump(mode="json", exclude_none=True, by_alias=True)
    ]
    rows = [
        bg(
            "f",
            "1989",
            "statistic",
            tags=["emigration"],
            metric={"name": "emigration.persons", "value": 30000, "unit": "persons"},
        )
    ]
    corpus = hc.load(make_data(tmp_path / "d", rows, comms))
    e = api.explain(corpus, "hfa.b3.hc.family-reunification", state="BG", period="1989", as_of=AS_OF)
    assert [f["status"] for r in e["rules"] for f in r["findings"]] == ["compliant"]


def test_the_1989_expulsion_of_the_turks_no_longer_raises_bulgarias_reunification_score(bundled: hc.Corpus) -> None:
    """The named example: before method 3 the cell was partial (0.50), the expulsion counted as emigration."""
    e = api.explain(bundled, "hfa.b3.hc.family-reunification", state="BG", period="1989", as_of=AS_OF)
    turks = {o["id"] for o in e["evidence"] if "turks" in o["id"]}
    assert turks  # the expulsion is evidence ...
    for r in e["rules"]:
        for f in r["findings"]:
            if set(f["observations"]) & turks:
                assert f["status"] == "violation", (r["id"], f)  # ... only against reunification
    assert e["status"] == "violation" and e["score"] == 0.0
    by_rule = {r["id"]: r["findings"] for r in e["rules"]}
    assert by_rule["emigration-volume"] == [] and by_rule["forced-movement"]

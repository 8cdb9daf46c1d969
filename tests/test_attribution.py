"""Method 3, point 5: a claim, a belief, an allegation or a plan is never scored as a fact.

It is shown as context in ``explain`` (docs/scoring.md, "Attribution")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import helsinki_compliance as hc
from conftest import make_data, obs
from helsinki_compliance import api
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.explain import render_text
from helsinki_compliance.model.periods import parse_period

AS_OF = date(1991, 12, 31)

CONTACTS = {
    "id": "t.contacts",
    "instrument": "hfa-1975",
    "section": "Basket III, 1(a)",
    "title": "Family contacts",
    "summary": "States undertook to favour family contacts.",
    "basket": "III",
    "chapter": "1. Human contacts",
    "rules": [
        {
            "id": "cut",
            "kind": "event",
            "match": {"kinds": ["communications-cut"], "tags_any": ["family-contacts"]},
            "status": "violation",
        },
        {
            "id": "restricted",
            "kind": "standing",
            "condition": "emigration-restricted",
            "while_in_effect": "violation",
            "when_ended": "compliant",
        },
        {
            "id": "figures",
            "kind": "metric",
            "metric": "emigration.persons",
            "thresholds": [{"op": "ge", "value": 0, "status": "partial"}],
        },
    ],
}
CLAIMED = {
    **CONTACTS,
    "id": "t.claimed",
    "rules": [{**CONTACTS["rules"][0], "match": {**CONTACTS["rules"][0]["match"], "include_claims": True}}],  # type: ignore[index]
}


def cut(oid: str, **extra: Any) -> dict[str, Any]:
    return obs(oid, "1976-07", "communications-cut", tags=["family-contacts"], **extra)


def statuses(root: Path, commitment: str) -> list[str]:
    corpus = hc.load(root)
    cell = Evaluator(corpus).cell(corpus.commitments[commitment], "SU", parse_period("1976", {}), AS_OF)
    return [f.status for f in cell.findings]


@pytest.mark.parametrize("kind", ["belief", "allegation", "plan", "claim"])
def test_an_attributed_observation_never_scores_as_a_fact(tmp_path: Path, kind: str) -> None:
    who = {"type": kind, "by": "Soviet dissidents"}
    rows = [
        cut("c", attribution=who),
        obs(
            "s",
            "1976-03",
            "condition-report",
            standing={"condition": "emigration-restricted", "in_effect": True},
            attribution=who,
        ),
        obs(
            "m",
            "1976",
            "statistic",
            metric={"name": "emigration.persons", "value": 14000, "unit": "persons"},
            attribution=who,
        ),
    ]
    root = make_data(tmp_path / "d", rows, [CONTACTS, CLAIMED])
    assert statuses(root, "t.contacts") == []
    # a rule that asks for claims counts a claim, and only a claim
    assert statuses(root, "t.claimed") == (["violation"] if kind == "claim" else [])


def test_an_attributed_observation_is_context_in_explain(tmp_path: Path) -> None:
    rows = [cut("c", attribution={"type": "belief", "by": "Soviet dissidents"}), cut("f")]
    corpus = hc.load(make_data(tmp_path / "d", rows, [CONTACTS]))
    e = api.explain(corpus, "t.contacts", state="SU", period="1976", as_of=AS_OF)
    assert [f["observations"] for r in e["rules"] for f in r["findings"]] == [["f"]]
    assert [(c["id"], c["hearsay"], c["by"]) for c in e["context"]] == [("c", "belief", "Soviet dissidents")]
    assert "a belief by Soviet dissidents" in render_text(e)


def test_the_sql_engine_leaves_attributed_figures_and_events_out(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    from helsinki_compliance.engine.sql_engine import DuckDBBackend, SqlEvaluator

    rows = [
        cut("c", attribution={"type": "claim", "by": "Soviet government"}),
        cut("d", attribution={"type": "plan", "by": "Soviet government"}),
        obs(
            "m",
            "1976",
            "statistic",
            metric={"name": "emigration.persons", "value": 1, "unit": "persons"},
            attribution={"type": "belief", "by": "x"},
        ),
        obs("n", "1976", "statistic", metric={"name": "emigration.persons", "value": 2, "unit": "persons"}),
    ]
    corpus = hc.load(make_data(tmp_path / "d", rows, [CONTACTS, CLAIMED]))
    periods = [parse_period("1976", {})]
    ref = Evaluator(corpus).scorecard(["SU"], periods, AS_OF)
    got = SqlEvaluator(corpus, DuckDBBackend()).scorecard(["SU"], periods, AS_OF)
    assert got.to_dict(corpus) == ref.to_dict(corpus)
    assert [f.observations for f in ref.cell("SU", "t.claimed", "1976").findings] == [("c",)]
    assert [f.observations for f in ref.cell("SU", "t.contacts", "1976").findings] == [("n",)]


# ---------------------------------------------------------------- the bundled corpus: the two named examples


@pytest.fixture(scope="module")
def bundled() -> hc.Corpus:
    return hc.load()


@pytest.mark.parametrize(
    ("oid", "commitment", "period"),
    [
        ("rec.su80.emigration-declared-complete-1983", "hfa.b3.hc.family-reunification", "1983"),
        ("rec.su75.vyzov-decline-1976", "hfa.b3.hc.family-contacts", "1976"),
    ],
)
def test_the_named_claim_and_belief_are_context_not_evidence(
    bundled: hc.Corpus, oid: str, commitment: str, period: str
) -> None:
    o = next(o for o in bundled.observations if o.id == oid)
    assert o.attribution is not None and not o.counts()
    e = api.explain(bundled, commitment, state="SU", period=period, as_of=AS_OF)
    assert oid not in {i for r in e["rules"] for f in r["findings"] for i in f["observations"]}
    assert oid in [c["id"] for c in e["context"]]

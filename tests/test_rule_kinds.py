"""Rule kinds are one module each behind one registry (engine/kinds/, engine/rules.py ``KINDS``).

A toy kind registered from this test module is evaluated by the reference, re-scored incrementally
through its own ``affects``, and left to the reference (counted) by the SQL engine, which has no SQL for it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Literal

import pytest

from helsinki_compliance import api as hc
from helsinki_compliance.engine import kinds
from helsinki_compliance.engine.columnar import observation_table
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.incremental import affected_cells
from helsinki_compliance.engine.predicates import is_law_event, is_ranged_event
from helsinki_compliance.engine.rules import KINDS, Finding, Kind, Window, kind_of, register_kind
from helsinki_compliance.engine.sql_engine import DuckDBBackend, SqlEvaluator
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Commitment, Observation, RuleBase

SRC = Path(__file__).resolve().parents[1] / "src" / "helsinki_compliance"


class ToyRule(RuleBase):
    """Violation when the period holds at least ``at_least`` observations of ``of_kind``."""

    kind: Literal["toy"] = "toy"
    of_kind: str
    at_least: int = 1

    def reads(self, o: Observation, commitment: str) -> bool:
        return o.kind == self.of_kind


def evaluate_toy(rule: ToyRule, w: Window) -> list[Finding]:
    hits = [o for o in w.observations if o.kind == rule.of_kind and o.counts()]
    if len(hits) < rule.at_least:
        return []
    return [
        Finding(
            rule=rule.id,
            rule_kind="toy",
            status="violation",
            severity=rule.severity,
            observations=tuple(o.id for o in hits),
            detail=f"{len(hits)} {rule.of_kind} -> violation",
            confidence=w.mean_confidence(hits),
        )
    ]


def toy_periods(rule: ToyRule, o: Observation, periods: Sequence[Period], first_day: date) -> list[Period]:
    return [p for p in periods if p.start <= o.date.start and o.date.end <= p.end]


@pytest.fixture
def toy() -> Iterator[Kind]:
    kind = register_kind(Kind("toy", evaluate_toy, toy_periods))
    yield kind
    del KINDS["toy"]


@pytest.fixture(scope="module")
def bundled() -> Corpus:
    return hc.load()


def _toy_commitment(corpus: Corpus) -> Commitment:
    base = corpus.commitments["hfa.b3.info.broadcast"]
    rule = ToyRule(id="toy-trials", of_kind="trial", severity="serious")
    return base.model_copy(update={"id": "toy.trials", "rules": [rule]})


def test_a_toy_kind_registered_in_a_test_module_is_evaluated_by_the_reference(toy: Kind, bundled: Corpus) -> None:
    comm = _toy_commitment(bundled)
    periods = hc.periods(bundled, "year", 1975, 1991)
    card = Evaluator(bundled).scorecard(["SU"], periods, date(1991, 12, 31), [comm])
    found = [f for c in card.cells.values() for f in c.findings]
    assert found and {f.rule_kind for f in found} == {"toy"}
    assert any(c.status == "violation" for c in card.cells.values())


def test_the_sql_engine_leaves_a_kind_without_sql_to_the_reference_and_counts_it(toy: Kind, bundled: Corpus) -> None:
    comm = _toy_commitment(bundled)
    periods = hc.periods(bundled, "year", 1975, 1991)
    ref = Evaluator(bundled).scorecard(["SU"], periods, date(1991, 12, 31), [comm])
    ev = SqlEvaluator(bundled, DuckDBBackend())
    got = ev.scorecard(["SU"], periods, date(1991, 12, 31), [comm])
    assert got.cells == ref.cells
    assert ev.stats.reference_rules == {"toy rule": 1}
    assert ev.stats.sql_rules == 0 and ev.stats.reference_evaluations > 0


def test_incremental_rescoring_asks_the_kind_which_periods_it_affects(toy: Kind, bundled: Corpus) -> None:
    comm = _toy_commitment(bundled)
    periods = hc.periods(bundled, "year", 1975, 1991)
    trial = next(o for o in bundled.observations if o.kind == "trial" and o.state == "SU" and o.fact is None)
    cells = affected_cells([trial], periods, date(2025, 12, 31), [comm])
    assert cells == {("SU", "toy.trials", p.id) for p in toy_periods(comm.rules[0], trial, periods, trial.date.start)}


def test_every_built_in_kind_is_registered_and_an_unknown_kind_is_named() -> None:
    assert kinds.__all__ and {"event", "standing", "metric"} <= set(KINDS)
    with pytest.raises(KeyError, match="no rule kind 'nope'"):
        kind_of(ToyRule.model_construct(id="x", of_kind="trial", kind="nope"))


def test_shared_predicates_match_the_hot_table(bundled: Corpus) -> None:
    table = observation_table(bundled).to_pydict()
    assert table["ranged_event"] == [is_ranged_event(o) for o in bundled.observations]
    assert table["law_event"] == [is_law_event(o) for o in bundled.observations]


def _branches_on_rule_class(tree: ast.AST) -> list[int]:
    rule_classes = {"EventRule", "StandingRule", "MetricRule"}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "isinstance"
        and len(node.args) == 2
        and any(getattr(n, "id", None) in rule_classes for n in ast.walk(node.args[1]))
    ]


def _compares_a_rule_kind_literal(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Attribute)
        and node.left.attr == "kind"
        and any(isinstance(c, ast.Constant) and c.value in ("event", "standing", "metric") for c in node.comparators)
    ]


def test_no_module_branches_on_a_rule_kind_or_class() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text())
        lines = _branches_on_rule_class(tree) + _compares_a_rule_kind_literal(tree)
        offenders += [f"{path.relative_to(SRC)}:{n}" for n in lines]
    assert offenders == []

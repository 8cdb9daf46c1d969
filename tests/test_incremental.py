"""Incremental evaluation equals a full re-evaluation, on the real corpus and on a synthetic one."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import helsinki_compliance as hc
from helsinki_compliance.engine.evaluation import Evaluator, Scorecard
from helsinki_compliance.engine.incremental import add_observations, affected_cells, changed_cells, check_observations
from helsinki_compliance.model.periods import calendar_periods
from helsinki_compliance.model.records import Observation
from helsinki_compliance.tools.synth import synthesize

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(1991, 12, 31)


def _obs(oid: str, d: str, kind: str, state: str = "SU", **extra: Any) -> Observation:
    base = {
        "id": oid,
        "date": d,
        "dated_by": "test",
        "state": state,
        "kind": kind,
        "source": "copeland-1991",
        "locator": "p. 1",
        "quote": "test",
        "confidence": "high",
    }
    base.update(extra)
    return Observation.model_validate(base)


NEW = [
    _obs(
        "t.voa-jammed-again",
        "1988-03",
        "jamming",
        tags=["radio", "voa"],
        standing={"condition": "radio-jamming", "subject": "voa", "in_effect": True, "since": "1988-01"},
    ),
    _obs("t.monitor-arrest", "1980-06-02", "arrest", state="PL", tags=["monitor", "political-prisoner"]),
    _obs("t.emigration", "1979", "statistic", metric={"name": "emigration.persons", "value": 51000, "unit": "persons"}),
    _obs("t.claim", "1986-05", "release", tags=["political-prisoner"], claim=True),
    _obs("t.future", "1995-02", "arrest", tags=["monitor"]),  # after the as-of date: changes nothing
    _obs("t.cz-ends", "1989-12", "policy-change", state="CS", standing={"condition": "censorship", "in_effect": False}),
]


def _full(corpus: hc.Corpus, states: list[str], periods: list[Any], as_of: date) -> Scorecard:
    return Evaluator(corpus).scorecard(states, periods, as_of)


def _check(before: hc.Corpus, new: list[Observation], states: list[str], first: int, last: int, as_of: date) -> int:
    periods = calendar_periods("year", first, last)
    ev = Evaluator(before)
    card = ev.scorecard(states, periods, as_of)
    old = copy.copy(card.cells)
    after, changes = changed_cells(before, card, new, evaluator=ev)
    full = _full(after, states, periods, as_of)
    assert card.cells == full.cells  # the incrementally updated card is the full re-evaluation
    assert card.groups == full.groups
    expected = {k for k in full.cells if full.cells[k] != old[k]}
    assert {(c.state, c.commitment, c.period) for c in changes} == expected
    assert all(c.before == old[(c.state, c.commitment, c.period)] for c in changes)
    assert len(after.observations) == len(before.observations) + len(new)
    return len(changes)


@pytest.fixture(scope="module")
def real() -> hc.Corpus:
    return hc.load(REPO)


@pytest.mark.parametrize("i", range(len(NEW)))
def test_each_new_observation_on_the_real_corpus(real: hc.Corpus, i: int) -> None:
    n = _check(real, [NEW[i]], ["SU", "PL", "CS", "US"], 1975, 1991, AS_OF)
    if NEW[i].id == "t.future":
        assert n == 0
    elif NEW[i].id in ("t.voa-jammed-again", "t.monitor-arrest"):
        assert n > 0


def test_all_at_once_on_the_real_corpus(real: hc.Corpus) -> None:
    assert _check(real, NEW, ["SU", "PL", "CS", "US"], 1975, 1991, AS_OF) > 0


def test_the_original_corpus_is_not_changed(real: hc.Corpus) -> None:
    n = len(real.observations)
    real.observations_of("SU")
    after = add_observations(real, NEW)
    assert len(real.observations) == n and "t.monitor-arrest" not in {o.id for o in real.observations}
    assert "t.voa-jammed-again" in {o.id for o in after.observations_of("SU")}
    assert "t.voa-jammed-again" not in {o.id for o in real.observations_of("SU")}
    assert after.observations == sorted(after.observations, key=lambda o: (o.date.start, o.date.end, o.id))


def test_affected_cells_are_a_small_share(real: hc.Corpus) -> None:
    periods = calendar_periods("year", 1975, 2025)
    keys = affected_cells([NEW[1]], periods, date(2025, 12, 31), real.commitments.values())
    total = len(periods) * len(real.commitments)
    assert keys and len(keys) < total / 50
    assert {s for s, _, _ in keys} == {"PL"} and {p for _, _, p in keys} == {"1980"}


@pytest.fixture(scope="module")
def synthetic(real: hc.Corpus, tmp_path_factory: pytest.TempPathFactory) -> tuple[hc.Corpus, list[Observation]]:
    base = tmp_path_factory.mktemp("inc")
    synthesize(real, base / "a", observations=1500, states=12, years=(1975, 2000), seed=11)
    synthesize(real, base / "b", observations=400, states=12, years=(1975, 2000), seed=11 + 1)
    corpus = hc.load(base / "a")
    other = hc.load(base / "b")
    states = {o.state for o in corpus.observations if o.id.startswith("syn.")}
    new = [
        o.model_copy(update={"id": "new." + o.id})
        for o in other.observations
        if o.id.startswith("syn.") and o.state in states
    ][:60]
    return corpus, new


@pytest.mark.slow
def test_synthetic_corpus_one_at_a_time_and_in_a_batch(synthetic: tuple[hc.Corpus, list[Observation]]) -> None:
    corpus, new = synthetic
    states = sorted({o.state for o in corpus.observations if o.id.startswith("syn.")})
    assert states
    total = 0
    for o in new[:12]:
        total += _check(corpus, [o], states, 1975, 2000, date(2000, 12, 31))
    assert total > 0
    assert _check(corpus, new, states, 1975, 2000, date(2000, 12, 31)) > 0


def test_check_observations_uses_the_loader_checks(real: hc.Corpus, tmp_path: Path) -> None:
    good = tmp_path / "new.yaml"
    good.write_text(
        "observations:\n"
        "  - {id: t.new, date: '1980-01', dated_by: x, state: SU, kind: arrest, tags: [monitor],"
        " source: copeland-1991, locator: p, quote: q, confidence: high}\n"
    )
    new, problems = check_observations(real, good)
    assert [o.id for o in new] == ["t.new"] and not [p for p in problems if p.level == "error"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "observations:\n"
        "  - {id: t.new, date: '1980-01', dated_by: x, state: SU, kind: arrest, source: copeland-1991,"
        " locator: p, quote: q, confidence: high}\n"
        "  - {id: mhg.ginzburg-arrested, date: '1980-01', dated_by: x, state: XX, kind: arest, source: nope,"
        " locator: p, quote: q, confidence: high}\n"
    )
    _, problems = check_observations(real, bad)
    messages = " | ".join(p.message for p in problems if p.level == "error")
    assert "unknown state 'XX'" in messages and "unknown observation kind 'arest'" in messages
    assert "unknown source 'nope'" in messages and "duplicate id 'mhg.ginzburg-arrested'" in messages
    assert all(p.line == 3 for p in problems if p.level == "error")

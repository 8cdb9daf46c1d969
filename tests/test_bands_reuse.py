"""The sensitivity bands re-age standing findings under a shorter horizon instead of re-evaluating them
(engine/bands.py ``_reaged``): every cell must equal the one the standing rules give when evaluated again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from helsinki_compliance import api as hc
from helsinki_compliance.engine.bands import HORIZONS, _horizon_cell, _reaged, _rescored
from helsinki_compliance.engine.evaluation import NOT_YET, Cell, Evaluator
from helsinki_compliance.engine.rules import KINDS, kind_of
from helsinki_compliance.engine.staleness import Method
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Commitment
from helsinki_compliance.tools.synth import synthesize


def _evaluated_again(ev: Evaluator, cell: Cell, c: Commitment, p: Period, as_of: date) -> Cell:
    """The cell under ``ev``'s horizon with its standing rules evaluated again (what bands did before)."""
    standing = [r for r in c.rules if kind_of(r).ages]
    if cell.status in ("not-in-force", NOT_YET) or not standing:
        return cell
    in_force = ev.in_force(c, cell.state, p)
    assert in_force is not None
    found = ev.findings(c, cell.state, p.start, p.end, as_of, in_force, rules=standing)
    kept = tuple(f for f in cell.findings if not KINDS[f.rule_kind].ages)
    return _rescored(cell, ev.method, kept + tuple(f for f in found if f.scored))


def _check(corpus: Corpus, states: list[str], first: int, last: int, as_of: date) -> dict[str, int]:
    """Every cell under every horizon of the bands (and a longer one): re-aged equals evaluated again.
    Returns how often each path was taken: ages unchanged, some findings too old now, evaluated again."""
    periods = hc.periods(corpus, "year", first, last)
    card = Evaluator(corpus).scorecard(states, periods, as_of)
    paths = {"same": 0, "dropped": 0, "evaluated": 0}
    for horizon in (*HORIZONS, 12):
        ev = Evaluator(corpus, Method(horizon_years=horizon))
        for s in states:
            for p in periods:
                for c in card.commitments:
                    cell = card.cells[(s, c.id, p.id)]
                    want = _evaluated_again(ev, cell, c, p, as_of)
                    assert _horizon_cell(ev, cell, c, p, as_of) == want, (horizon, s, c.id, p.id)
                    if any(KINDS[f.rule_kind].ages for f in cell.findings):
                        found = _reaged(cell, p, horizon)
                        path = (
                            "evaluated" if found is None else "same" if len(found) == len(cell.findings) else "dropped"
                        )
                        paths[path] += 1
    return paths


def test_reaged_findings_equal_evaluated_ones_on_the_bundled_corpus() -> None:
    corpus = hc.load()
    paths = _check(corpus, ["SU", "CS", "PL", "DD", "HU", "RO"], 1975, 2005, date(2005, 12, 31))
    assert all(paths.values()), paths  # every path is exercised


@pytest.mark.slow
def test_reaged_findings_equal_evaluated_ones_on_a_synthetic_corpus(tmp_path: Path) -> None:
    synthesize(hc.load(), tmp_path / "synth", observations=5_000, seed=7)
    corpus = hc.load(tmp_path / "synth")
    states = sorted({o.state for o in corpus.observations})[:8]
    paths = _check(corpus, states, 1975, 2025, date(2025, 12, 31))
    assert all(paths.values()), paths

"""Choosing what to evaluate: the periods of a ``--period`` spec, the states, the commitments; the scorecard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from helsinki_compliance.engine import engines
from helsinki_compliance.engine.bands import add_bands
from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.engine.sql_engine import SqlEvaluator
from helsinki_compliance.errors import UsageError, did_you_mean
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period, select_periods


def _groups(corpus: Corpus) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for p in corpus.periods.values():
        if p.group:
            groups.setdefault(p.group, []).append(p.id)
    return groups


def periods(corpus: Corpus, spec: str, first: int, last: int) -> list[Period]:
    """The periods of a ``--period`` spec (year, half, quarter, month, a named period or group)."""
    return select_periods(spec, corpus.named_periods, first, last, _groups(corpus))


def resolve_states(corpus: Corpus, states: Sequence[str]) -> list[str]:
    if list(states) == ["all"]:
        return sorted({o.state for o in corpus.observations})
    out = []
    for s in states:
        code = s.upper()
        if code not in corpus.states:
            raise UsageError(f"unknown state {s!r}{did_you_mean(code, corpus.states)}")
        out.append(code)
    return out


def scorecard(
    corpus: Corpus,
    *,
    states: Sequence[str],
    period: str = "year",
    first: int = 1975,
    last: int = 1991,
    as_of: date,
    commitments: Sequence[str] | None = None,
    engine: str = "auto",
    master: str | None = None,
    bands: bool = True,
) -> Scorecard:
    """Evaluate the corpus into a scorecard; ``commitments`` are id prefixes; ``engine``: auto, python,
    duckdb or spark (engine/engines.py), ``master`` the Spark master URL; ``bands``: give every basket
    and overall score its sensitivity band (engine/bands.py, evaluated by the Python reference)."""
    chosen = None
    if commitments:
        chosen = [c for c in corpus.commitments.values() if any(c.id.startswith(p) for p in commitments)]
        if not chosen:
            raise UsageError(f"no commitment id starts with {', '.join(commitments)}")
    ev = engines.evaluator(corpus, engine, master)
    card = ev.scorecard(resolve_states(corpus, states), periods(corpus, period, first, last), as_of, chosen)
    if isinstance(ev, SqlEvaluator):
        card.engine, card.engine_summary = ev.stats.engine, ev.stats.summary()
    if bands:
        add_bands(corpus, card)
    return card

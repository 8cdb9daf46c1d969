"""Choosing what to evaluate: the periods of a ``--period`` spec, the states, the commitments; the scorecard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from helsinki_compliance.engine import engines
from helsinki_compliance.engine.bands import add_bands
from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.engine.sql_engine import SqlEvaluator
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model import defaults
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period, select_periods
from helsinki_compliance.model.states import membership_error, suggest_state


def _groups(corpus: Corpus) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for p in corpus.periods.values():
        if p.group:
            groups.setdefault(p.group, []).append(p.id)
    return groups


def periods(corpus: Corpus, spec: str, first: int, last: int) -> list[Period]:
    """The periods of a ``--period`` spec (year, half, quarter, month, a named period or group)."""
    return select_periods(spec, corpus.named_periods, first, last, _groups(corpus))


def resolve_states(
    corpus: Corpus, states: Sequence[str], periods: Sequence[Period] | None = None, asked: str | None = None
) -> list[str]:
    """The codes of the states named (codes, names or aliases in any case; ``all``: every state observed).

    With ``periods``, a state that was not a participating state on any day of them is refused,
    with its dates and the state probably meant (``asked``: the span as the user wrote it)."""
    if list(states) == ["all"]:
        return sorted({o.state for o in corpus.observations})
    out = []
    for s in states:
        code = corpus.state_code(s)
        if code is None:
            raise UsageError(f"unknown state {s!r}{suggest_state(corpus.states, s)}")
        if periods:
            start, end = min(p.start for p in periods), max(p.end for p in periods)
            problem = membership_error(corpus.states, code, start, end, asked)
            if problem:
                raise UsageError(problem)
        if code not in out:  # --state SU --state SU: one row each, not two
            out.append(code)
    return out


def years_asked(spec: str, first: int, last: int) -> str | None:
    """The span of a ``--period`` spec as the user gave it: ``1989`` or ``1985-1991`` for
    years, halves, quarters and months, else None (a named period speaks for itself)."""
    if spec in ("year", "half", "quarter", "month"):
        return str(first) if first == last else f"{first}-{last}"
    return None


def scorecard(
    corpus: Corpus,
    *,
    states: Sequence[str],
    period: str = "year",
    first: int = defaults.FIRST_YEAR,
    last: int = defaults.LAST_YEAR,
    as_of: date,
    commitments: Sequence[str] | None = None,
    engine: str = "auto",
    master: str | None = None,
    membership: bool = True,
    bands: bool = True,
) -> Scorecard:
    """Evaluate the corpus into a scorecard; ``commitments`` are id prefixes; ``engine``: auto, python,
    duckdb or spark (engine/engines.py), ``master`` the Spark master URL. A state named that was
    not a participating state in any of the periods is refused (``membership=False``: scored as
    not in force, as a report of every observed state does). ``bands``: give every basket and
    overall score its sensitivity band (engine/bands.py, evaluated by the Python reference)."""
    chosen = None
    if commitments:
        chosen = [c for c in corpus.commitments.values() if any(c.id.startswith(p) for p in commitments)]
        if not chosen:
            raise UsageError(f"no commitment id starts with {', '.join(commitments)}")
    chosen_periods = periods(corpus, period, first, last)
    codes = resolve_states(corpus, states, chosen_periods if membership else None, years_asked(period, first, last))
    ev = engines.evaluator(corpus, engine, master)
    card = ev.scorecard(codes, chosen_periods, as_of, chosen)
    if isinstance(ev, SqlEvaluator):
        card.engine, card.engine_summary = ev.stats.engine, ev.stats.summary()
    if bands:
        add_bands(corpus, card)
    return card

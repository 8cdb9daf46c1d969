"""Sensitivity bands (method 3): the range of each basket and overall score under other defensible
method choices (docs/scoring.md, "Sensitivity bands").

A score depends on choices the method documents but could have made otherwise. The band of a
group score is the lowest and highest score it takes over every combination of:

* the **scoring horizon** at 3, 5 or 8 years (:data:`HORIZONS`; 8 is the method's own);
* **severity weights** on (the method) or off (every finding weighs the same);
* **conflicts** resolved by the documented order (reliability first) or **conservatively** (the
  more conservative reading wins whatever the sources' standing).

That is 12 variants, one of them the method itself, so the score always lies inside its band.
Each is evaluated by the Python reference (:class:`.evaluation.Evaluator`); to keep this cheap,
the severity variants re-combine the findings already found (weights change nothing else), the
horizon variants re-evaluate only the standing rules (nothing else ages), the conservative
variants are skipped when no conflict is resolved differently, and only the (state, period)
pairs with a group score are evaluated. A variant under which the group has no
score (too little evidence left) does not widen the band.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from helsinki_compliance.engine.evaluation import (
    NOT_YET,
    Cell,
    Evaluator,
    GroupScore,
    Scorecard,
    combine,
    group_scores,
    status_for_score,
)
from helsinki_compliance.engine.rules import KINDS, Finding, kind_of
from helsinki_compliance.engine.staleness import DEFAULT_METHOD, TOO_OLD, Method, age_class, is_known
from helsinki_compliance.model import conflicts
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Commitment

#: the scoring horizons the bands try (years)
HORIZONS = (3, 5, 8)
#: how conflicting readings may be resolved
CONFLICT_RULES = ("reliability", "conservative")

_Key = tuple[str, str, str]


def variants() -> list[Method]:
    """Every method variant a band ranges over (the method itself included)."""
    return [
        Method(horizon_years=h, severity_weights=w, conflicts=c)  # type: ignore[arg-type]
        for h in HORIZONS
        for w in (True, False)
        for c in CONFLICT_RULES
    ]


def _conflicts_differ(corpus: Corpus, as_of: date) -> bool:
    """Whether resolving conflicts conservatively sets aside other readings than the method does."""
    facts = [o for o in corpus.observations if o.fact is not None and not o.context]
    for subset in (facts, [o for o in facts if is_known(o, as_of)]):
        a = conflicts.set_aside(conflicts.find(subset, corpus.sources))
        b = conflicts.set_aside(conflicts.find(subset, corpus.sources, conservative=True))
        if a != b:
            return True
    return False


def _rescored(cell: Cell, method: Method, findings: tuple[Finding, ...] | None = None) -> Cell:
    """``cell`` combined under ``method`` (with other ``findings`` if given); an assessment still applies."""
    if cell.status in ("not-in-force", NOT_YET):
        return cell
    found = cell.findings if findings is None else findings
    status, score, confidence = combine(found, method)
    a = cell.assessment
    if a is not None and a.action == "set" and a.status is not None:
        return replace(cell, findings=found, computed_status=status, computed_score=score, confidence=confidence)
    if a is not None:
        base = score if score is not None else 0.5
        score = min(1.0, max(0.0, base + (a.adjust or 0.0)))
        status = status_for_score(score)
    return replace(cell, findings=found, status=status, score=score, confidence=confidence)


def _reaged(cell: Cell, period: Period, horizon: int | None) -> tuple[Finding, ...] | None:
    """The scored findings of ``cell`` under another ``horizon``, re-aged without evaluating the rules again, or
    None when only an evaluation can tell (a finding too old under the method would be scored under ``horizon``).

    A horizon changes a finding's age, never whether there is one, and only between "too old" and its own
    class (staleness.age_class): a finding whose age stays the same is found again word for word (the wording
    of a scored finding's age names no horizon), one that becomes too old is not scored."""
    kept: list[Finding] = []
    aged: list[Finding] = []
    for f in cell.findings:
        if not KINDS[f.rule_kind].ages:
            kept.append(f)
            continue
        age = f.age if f.confirmed_on is None else age_class(f.confirmed_on, period.end, horizon)
        if age == f.age:
            aged.append(f)
        elif age != TOO_OLD:
            return None
    for f in cell.too_old:
        if KINDS[f.rule_kind].ages and (
            f.confirmed_on is None or age_class(f.confirmed_on, period.end, horizon) != TOO_OLD
        ):
            return None
    return (*kept, *aged)


def _horizon_cell(ev: Evaluator, cell: Cell, commitment: Commitment, period: Period, as_of: date) -> Cell:
    """``cell`` under another horizon: only findings of a kind that ages (standing) change; they are re-aged
    (:func:`_reaged`), or their rules evaluated again where that cannot tell."""
    standing = [r for r in commitment.rules if kind_of(r).ages]
    if cell.status in ("not-in-force", NOT_YET) or not standing:
        return cell
    found = _reaged(cell, period, ev.method.horizon_years)
    if found is not None:
        return _rescored(cell, ev.method, found)
    in_force = ev.in_force(commitment, cell.state, period)
    assert in_force is not None  # the cell is in force
    again = ev.findings(commitment, cell.state, period.start, period.end, as_of, in_force, rules=standing)
    kept = tuple(f for f in cell.findings if not KINDS[f.rule_kind].ages)
    return _rescored(cell, ev.method, kept + tuple(f for f in again if f.scored))


def add_bands(corpus: Corpus, card: Scorecard) -> None:
    """Set the ``band`` of every basket and overall score of ``card`` that has a score (in place)."""
    wanted = {(s, p) for (s, _, p), g in card.groups.items() if g.score is not None}
    if not wanted:
        return
    scores: dict[_Key, list[float]] = {k: [g.score] for k, g in card.groups.items() if g.score is not None}
    periods = [p for p in card.periods if any((s, p.id) in wanted for s in card.states)]
    states = [s for s in card.states if any((s, p.id) in wanted for p in card.periods)]
    differ = _conflicts_differ(corpus, card.as_of)
    for horizon in HORIZONS:
        for rule in CONFLICT_RULES:
            if rule == "conservative" and not differ:
                continue
            method = Method(horizon_years=horizon, conflicts=rule)  # type: ignore[arg-type]
            ev = Evaluator(corpus, method)
            keys = [(s, c, p) for s in states for p in periods if (s, p.id) in wanted for c in card.commitments]
            if method == DEFAULT_METHOD:
                cells = card.cells
            elif rule == "reliability":  # the method's own conflicts: only the standing findings change
                cells = {
                    (s, c.id, p.id): _horizon_cell(ev, card.cells[(s, c.id, p.id)], c, p, card.as_of)
                    for s, c, p in keys
                }
            else:
                cells = {(s, c.id, p.id): ev.cell(c, s, p, card.as_of) for s, c, p in keys}
            for weights in (True, False):
                m = replace(method, severity_weights=weights)
                chosen = cells if weights else {k: _rescored(x, m) for k, x in cells.items()}
                for key, g in _group_scores(card, chosen, states, periods, wanted).items():
                    if key in scores and g.score is not None:
                        scores[key].append(g.score)
    for key, values in scores.items():
        card.groups[key] = replace(card.groups[key], band=(min(values), max(values)))


def _group_scores(
    card: Scorecard,
    cells: dict[_Key, Cell],
    states: list[str],
    periods: list[Period],
    wanted: set[tuple[str, str]],
) -> dict[_Key, GroupScore]:
    """The group scores of ``cells`` for the wanted (state, period) pairs (others are filled, never read)."""
    skip = Cell("", "", "", "not-in-force", None, None, computed_status="not-in-force")
    full = {
        (s, c.id, p.id): cells[(s, c.id, p.id)] if (s, p.id) in wanted else skip
        for s in states
        for p in periods
        for c in card.commitments
    }
    return group_scores(Scorecard(card.as_of, states, periods, card.commitments, full))


__all__ = ["CONFLICT_RULES", "HORIZONS", "add_bands", "variants"]

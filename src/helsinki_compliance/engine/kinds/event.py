"""Event rules: observations of some kinds in the period (and legal measures carried forward from their in-force date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from helsinki_compliance.engine.predicates import is_law_event, is_ranged_event
from helsinki_compliance.engine.rules import (
    Finding,
    Kind,
    Window,
    register_kind,
)
from helsinki_compliance.engine.sql.compile import condition_sql, counts_sql, literal, strings
from helsinki_compliance.engine.staleness import (
    law_effective,
)
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import (
    EventRule,
    Observation,
    event_predicate,
)


def evaluate_event(rule: EventRule, w: Window) -> list[Finding]:
    pred = event_predicate(rule, w.commitment)
    matched = [o for o in w.of_kinds(rule.match.kinds) if pred(o)]
    lasting = rule.status != "violation"  # an improvement made by law lasts (staleness.py)
    if lasting:
        # a legal measure counts from its in-force date on, not before it
        matched = [o for o in matched if o.law is None or (law_effective(o) or o.date.start) <= w.end]
    carried: list[Observation] = []
    if lasting and w.evidence.laws:
        seen = {o.id for o in matched}
        carried = [
            o
            for o in w.evidence.laws
            if o.id not in seen
            and (law_effective(o) or o.date.start) <= w.end
            and o.date.end >= w.in_force
            and (o.date.end < w.start or (law_effective(o) or o.date.start) < w.start)
            and w.evidence.scored(o, w.as_of)  # known by the as-of date, and not set aside by a conflict
            and pred(o)
        ]
    return event_findings(rule, w, matched, carried)


def event_findings(rule: EventRule, w: Window, matched: list[Observation], carried: list[Observation]) -> list[Finding]:
    """An event rule's findings from the observations it matched in the window (in window order) and the
    legal measures it carries in from earlier (in corpus order); every engine builds them here."""

    def found(observations: tuple[str, ...], detail: str, confidence: float, carried: bool = False) -> Finding:
        return Finding(rule.id, "event", rule.status, rule.severity, observations, detail, confidence, carried=carried)

    findings: list[Finding] = []
    if matched:
        n = len(matched)
        what = ", ".join(sorted({o.kind for o in matched}))
        ranged = sum(1 for o in matched if w.ranged(o))
        note = f"; {ranged} dated by a range that began earlier, counted in the period of its end" if ranged else ""
        detail = f"{n} observation{'s' if n != 1 else ''} ({what}) in the period{note} -> {rule.status}"
        findings.append(found(tuple(o.id for o in matched), detail, w.mean_confidence(matched)))
    for o in carried:
        detail = f"{o.kind} {o.id} in force since {law_effective(o)} (law dates), carried forward -> {rule.status}"
        findings.append(found((o.id,), detail, w.evidence.confidence(o), carried=True))
    return findings


def event_sql(rule: EventRule, commitment: str) -> str:
    """The event rule's match (records.event_predicate) as a predicate on one observation."""
    m = rule.match
    parts = []
    if m.kinds:
        parts.append(f"kind IN ({strings(sorted(set(m.kinds)))})")
    parts.append(counts_sql(m.include_claims))
    if m.tags_any:
        parts.append("(" + " OR ".join(f"list_contains(tags, {literal(t)})" for t in m.tags_any) + ")")
    parts.extend(f"list_contains(tags, {literal(t)})" for t in m.tags_all)
    if m.cited:
        parts.append(f"list_contains(commitments, {literal(commitment)})")
    if m.where is not None:
        parts.append(condition_sql(m.where))
    return " AND ".join(parts) if parts else "TRUE"


def within_periods(rule: Any, o: Observation, periods: Sequence[Period], first_day: date) -> list[Period]:
    """The periods that hold the observation's whole date interval."""
    return [p for p in periods if p.start <= o.date.start and o.date.end <= p.end]


def event_periods(rule: Any, o: Observation, periods: Sequence[Period], first_day: date) -> list[Period]:
    """The periods holding the event; a legal improvement lasts from its in-force date; a range counts at its end."""
    if is_law_event(o) and rule.status != "violation":
        return [p for p in periods if p.end >= min(first_day, law_effective(o) or first_day)]
    hit = within_periods(rule, o, periods, first_day)
    if is_ranged_event(o):
        hit += [p for p in periods if p.start <= o.date.end <= p.end]
    return hit


def _event_sql(rule: EventRule, commitment: str) -> tuple[str, bool]:
    return event_sql(rule, commitment), rule.status != "violation"


register_kind(Kind("event", evaluate_event, event_periods, sql=_event_sql, findings=event_findings))

"""Conflicts: observations from different sources that report the same fact (scoring method 2).

Observations sharing a ``fact`` key report the same fact. When they differ in date or in figure
(value, unit or qualifier) or in whether a condition holds, they **conflict**. A conflict is
flagged (``validate`` warns, ``explain`` and reports list it) and resolved by one documented
rule, so that the fact is scored once:

1. the observation from the **more reliable source** wins (source reliability high > medium >
   low, then the observation's own confidence);
2. then the **more precise** one (the shorter date interval; an exact figure before an
   approximate or bounded one);
3. then the **more conservative** reading: the smaller figure, the later date (an improvement
   dated later, a restriction known longer), a condition still in effect rather than ended;
4. then the smaller id, so the choice is stable.

With ``conservative=True`` (a sensitivity variant of method 3, engine/bands.py) steps 1 and 2 are
skipped: the more conservative reading wins whatever the sources' standing.

The others are *set aside*: kept in the corpus and shown beside the winner, never scored.
Observations with the same key that agree (same date, same figure) are corroboration, not a
conflict: all of them count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from helsinki_compliance.model.records import CONFIDENCE_VALUES, Observation, Source

_QUALIFIER_PRECISION = {"exact": 0, "approx": 1, "at-least": 2, "at-most": 2, "above": 2, "below": 2}


@dataclass(frozen=True)
class Conflict:
    fact: str
    state: str
    kept: str
    set_aside: tuple[str, ...]
    reason: str
    readings: tuple[str, ...]  # "id: date, figure (source, reliability)" per observation

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "state": self.state,
            "kept": self.kept,
            "set_aside": list(self.set_aside),
            "reason": self.reason,
            "readings": list(self.readings),
        }

    def __str__(self) -> str:
        return (
            f"fact {self.fact} ({self.state}): kept {self.kept}, set aside {', '.join(self.set_aside)} "
            f"({self.reason}); readings: " + "; ".join(self.readings)
        )


def _reading(o: Observation) -> tuple[Any, ...]:
    m = (o.metric.name, o.metric.value, o.metric.unit, o.metric.qualifier) if o.metric else None
    s = (o.standing.condition, o.standing.subject, o.standing.in_effect) if o.standing else None
    return (o.date.start, o.date.end, m, s)


def _describe(o: Observation, sources: Mapping[str, Source]) -> str:
    src = sources.get(o.source)
    fig = f", {o.metric.qualifier} {o.metric.value:g} {o.metric.unit}" if o.metric else ""
    held = "" if o.standing is None else (", in effect" if o.standing.in_effect else ", ended")
    return f"{o.id}: {o.date.text}{fig}{held} ({o.source}, {src.reliability if src else 'unknown'})"


def _rank(o: Observation, sources: Mapping[str, Source]) -> tuple[Any, ...]:
    """Sort key: the winner sorts first."""
    src = sources.get(o.source)
    rel = CONFIDENCE_VALUES[src.reliability] if src else 0.0
    span = (o.date.end - o.date.start).days
    qual = _QUALIFIER_PRECISION.get(o.metric.qualifier, 3) if o.metric else 0
    value = o.metric.value if o.metric else 0.0
    in_effect = 0 if (o.standing is None or o.standing.in_effect) else 1
    return (-rel, -CONFIDENCE_VALUES[o.confidence], span, qual, value, -o.date.end.toordinal(), in_effect, o.id)


def _reason(a: Observation, b: Observation, sources: Mapping[str, Source]) -> str:
    ra, rb = _rank(a, sources), _rank(b, sources)
    if ra[:2] != rb[:2]:
        return "more reliable source"
    if ra[2:4] != rb[2:4]:
        return "more precise"
    if ra[4:7] != rb[4:7]:
        return "more conservative reading"
    return "same weight of evidence: the first id"


def _shape(o: Observation) -> tuple[str, ...]:
    """What an observation says about its fact: a condition (and subject), a figure, or an event.

    Only readings of the same shape can disagree: under one fact key, the report of a vote and the
    report that the law it passed ended a condition are two parts of the record, not a conflict.
    """
    if o.standing is not None:
        return ("standing", o.standing.condition, o.standing.subject or "")
    if o.metric is not None:
        return ("metric", o.metric.name)
    return ("event",)


def find(
    observations: Iterable[Observation], sources: Mapping[str, Source], *, conservative: bool = False
) -> list[Conflict]:
    """Every conflict among ``observations`` (grouped by state and fact key), resolved (by the
    documented order, or with ``conservative`` by the more conservative reading first)."""
    groups: dict[tuple[str, str, tuple[str, ...]], list[Observation]] = {}
    for o in observations:
        if o.fact is not None and not o.context:
            groups.setdefault((o.state, o.fact, _shape(o)), []).append(o)
    out = []
    for (state, fact, _), obs in sorted(groups.items()):
        if len(obs) < 2 or len({_reading(o) for o in obs}) < 2:
            continue
        ranked = sorted(obs, key=lambda o: _rank(o, sources)[4:] if conservative else _rank(o, sources))
        winner = ranked[0]
        # observations that read the fact as the winner does corroborate it and are kept
        aside = tuple(o.id for o in ranked[1:] if _reading(o) != _reading(winner))
        out.append(
            Conflict(
                fact,
                state,
                winner.id,
                aside,
                "more conservative reading (conservative variant)"
                if conservative
                else _reason(winner, next(o for o in ranked[1:] if o.id in aside), sources),
                tuple(_describe(o, sources) for o in ranked),
            )
        )
    return out


def set_aside(conflicts: Iterable[Conflict]) -> set[str]:
    return {i for c in conflicts for i in c.set_aside}

"""Rule kinds: a small registry mapping each ``kind`` to the function that evaluates it.

Each evaluator takes a rule and a :class:`Window` (one state, one period, an as-of date, the
commitment's in-force date) and returns :class:`Finding` objects with their evidence. No other
module branches on a rule's kind.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from helsinki_compliance.engine.staleness import (
    DEFAULT_METHOD,
    STALE_CONFIDENCE_FACTOR,
    TOO_OLD,
    VERY_STALE_WEIGHT_FACTOR,
    Method,
    age_class,
    is_known,
    known_date,
    law_effective,
)
from helsinki_compliance.model import known as known_view
from helsinki_compliance.model.conditions import compare
from helsinki_compliance.model.dates import Precision
from helsinki_compliance.model.records import (
    CONFIDENCE_VALUES,
    SEVERITY_WEIGHTS,
    STATUS_SCORES,
    EventRule,
    MetricRule,
    Observation,
    Source,
    StandingRule,
    event_predicate,
    metric_predicate,
    tags_ok,
)

# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    """What one rule concluded for one cell, with the evidence behind it."""

    rule: str
    rule_kind: str
    status: str
    severity: str
    observations: tuple[str, ...]
    detail: str
    confidence: float
    carried: bool = False
    subject: str | None = None
    age: str = "fresh"  # fresh, stale, very-stale or too-old (see staleness.py)
    last_confirmed: str | None = None  # for a condition in effect: the latest observation confirming it

    @property
    def scored(self) -> bool:
        """False for a condition beyond the scoring horizon (method 3): shown, never scored."""
        return self.age != TOO_OLD

    @property
    def weight(self) -> float:
        if not self.scored:
            return 0.0
        return SEVERITY_WEIGHTS[self.severity] * (VERY_STALE_WEIGHT_FACTOR if self.age == "very-stale" else 1.0)

    @property
    def score(self) -> float:
        return STATUS_SCORES[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "rule_kind": self.rule_kind,
            "status": self.status,
            "severity": self.severity,
            "weight": self.weight,
            "score": self.score,
            "scored": self.scored,
            "subject": self.subject,
            "carried": self.carried,
            "age": self.age,
            "last_confirmed": self.last_confirmed,
            "confidence": round(self.confidence, 3),
            "observations": list(self.observations),
            "detail": self.detail,
        }


# ---------------------------------------------------------------- the evidence of one state


class StateEvidence:
    """One state's observations, indexed for fast windows (by date, by kind, by condition)."""

    def __init__(
        self,
        observations: Sequence[Observation],
        sources: dict[str, Source],
        effects: Mapping[str, str] | None = None,
        method: Method = DEFAULT_METHOD,
    ) -> None:
        self.sources = sources
        # ending id -> its effect (vocabulary `endings:`); an ending without a reason counts as compliant
        self.effects: Mapping[str, str] = effects or {}
        self.method = method
        # readings of one fact (a `fact` key) that disagree: which are set aside depends on what was
        # known at the as-of date (a total published in 1990 cannot win a conflict as of 1989)
        self._facts = [o for o in observations if o.fact is not None]
        self._aside: dict[date, frozenset[str]] = {}
        # standing timelines are built once: for them the resolution over every reading holds
        timeline_aside = self.aside_at(date.max)
        self.by_start = sorted(observations, key=lambda o: (o.date.start, o.date.end, o.id))
        self._starts = [o.date.start for o in self.by_start]
        self.by_id = {o.id: o for o in observations}
        # range-dated events (not conditions, not figures) count in the period containing their end
        self.ranged = sorted(
            (o for o in observations if _is_range(o) and o.standing is None and o.metric is None),
            key=lambda o: (o.date.end, o.id),
        )
        self._ranged_ends = [o.date.end for o in self.ranged]
        # legal measures (events with law dates) carry forward from their in-force date
        self.laws = [o for o in observations if o.law is not None and o.standing is None]
        self.timelines: dict[tuple[str, str | None], list[Observation]] = {}
        general: list[Observation] = []  # endings for every subject (standing.all_subjects)
        for o in observations:
            if o.standing and o.id not in timeline_aside:
                if o.standing.all_subjects:
                    general.append(o)
                else:
                    self.timelines.setdefault((o.standing.condition, o.standing.subject), []).append(o)
        for events in self.timelines.values():
            events.sort(key=lambda o: (o.date.end, o.date.start, o.id))
        #: an ending for every subject -> the subjects whose condition it closed (explain lists them)
        self.closed: dict[str, list[str | None]] = {}
        for g in sorted(general, key=lambda o: (o.date.end, o.id)):
            self.closed[g.id] = close_all(g, self.timelines)
        for events in self.timelines.values():
            events.sort(key=lambda o: (o.date.end, o.date.start, o.id))
        # per condition, its timelines in subject order, indexed once (standing rules read these)
        self.by_condition: dict[str, list[Timeline]] = {}
        for (condition, subject), events in sorted(self.timelines.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            self.by_condition.setdefault(condition, []).append(Timeline(subject, events))

    def aside_at(self, as_of: date) -> frozenset[str]:
        """The readings set aside at ``as_of``: conflicts resolved among the readings known by then."""
        if not self._facts:
            return frozenset()
        hit = self._aside.get(as_of)
        if hit is None:
            conservative = self.method.conflicts == "conservative"
            hit = known_view.set_aside_at(self._facts, self.sources, as_of, conservative=conservative)
            if len(self._aside) > 4096:
                self._aside.clear()
            self._aside[as_of] = hit
        return hit

    def scored(self, o: Observation, as_of: date) -> bool:
        """Whether ``o`` is known by ``as_of`` and not set aside by a conflict resolved at that date."""
        return is_known(o, as_of) and (o.fact is None or o.id not in self.aside_at(as_of))

    def within(self, start: date, end: date, as_of: date) -> list[Observation]:
        """Observations whose whole date interval lies in [start, end], scored at ``as_of``."""
        lo = bisect_left(self._starts, start)
        hi = bisect_right(self._starts, end)
        return [o for o in self.by_start[lo:hi] if o.date.end <= end and self.scored(o, as_of)]

    def ranged_ending(self, start: date, end: date, as_of: date) -> list[Observation]:
        """Range-dated events that began before ``start`` and end in [start, end], scored at ``as_of``."""
        lo = bisect_left(self._ranged_ends, start)
        hi = bisect_right(self._ranged_ends, end)
        return [o for o in self.ranged[lo:hi] if o.date.start < start and self.scored(o, as_of)]

    def window(self, start: date, end: date, as_of: date, in_force: date) -> list[Observation]:
        """The observations a window scores: those inside it, then range-dated events ending in it.

        Events dated before the in-force date are not scored; a figure (an observation with a metric) whose
        span ends on or after it is (the year 1989's emigrants, for a commitment in force from 15 January 1989)."""
        inside = [
            o
            for o in self.within(start, end, as_of)
            if o.date.start >= in_force or (o.metric is not None and o.date.end >= in_force)
        ]
        ranged = [o for o in self.ranged_ending(start, end, as_of) if o.date.end >= in_force]
        return inside + ranged if ranged else inside

    def effect(self, ending: Observation) -> str:
        """The effect of the reason a condition ended (``compliant`` when no reason is given)."""
        reason = ending.standing.ended_by if ending.standing else None
        return self.effects.get(reason, "compliant") if reason else "compliant"

    def confidence(self, obs: Observation) -> float:
        src = self.sources.get(obs.source)
        rel = CONFIDENCE_VALUES[src.reliability] if src else CONFIDENCE_VALUES["low"]
        return min(CONFIDENCE_VALUES[obs.confidence], rel)


def close_all(general: Observation, timelines: dict[tuple[str, str | None], list[Observation]]) -> list[str | None]:
    """Add an ending for every subject (a general amnesty, a law abolishing a practice) to each timeline of its
    condition that is in effect at its date: the latest counted report dated by then says in effect and was known
    when the ending was. Returns the subjects it closed. A subject first reported later is not touched."""
    assert general.standing is not None
    condition, day, known = general.standing.condition, general.date.end, known_date(general)
    closed: list[str | None] = []
    for (cond, subject), events in timelines.items():
        if cond != condition:
            continue
        before = [e for e in events if e.date.end <= day and e.counts() and known_date(e) <= known]
        if before and before[-1].standing is not None and before[-1].standing.in_effect:
            events.append(general)
            closed.append(subject)
    return sorted(closed, key=lambda x: x or "")


def _is_range(o: Observation) -> bool:
    return o.date.precision is Precision.RANGE


def since_of(e: Observation) -> date | None:
    """The first day a condition-in-effect observation covers: its ``since``, else the start of a date range."""
    if not (e.standing and e.standing.in_effect):
        return None
    if e.standing.since is not None:
        return e.standing.since.start
    return e.date.start if _is_range(e) else None


class _Track:
    """Events of one timeline (sorted by end date) with their end dates, for bisection."""

    __slots__ = ("events", "ends", "since", "late", "filtered", "_tags", "_known")

    def __init__(self, events: list[Observation]) -> None:
        self.events = events
        self.ends = [e.date.end for e in events]
        self.since = [(i, e) for i, e in enumerate(events) if since_of(e) is not None]
        self.late = any(e.known_by is not None for e in events)  # some are known only after their date
        self.filtered = False  # True: every event is known (built by known_at)
        self._tags: dict[int, frozenset[str]] = {}
        self._known: dict[date, _Track] = {}

    def known_at(self, as_of: date) -> _Track:
        """This track, or (when some events were known late) the events known by ``as_of``."""
        if not self.late:
            return self
        t = self._known.get(as_of)
        if t is None:
            events = [e for e in self.events if known_date(e) <= as_of]
            t = _Track(events)
            t.late, t.filtered = False, True
            if len(self._known) > 256:
                self._known.clear()
            self._known[as_of] = t
        return t

    def tags_known(self, known: int) -> frozenset[str]:
        """The tags of the first ``known`` events (memoised: ``known`` depends only on the as-of date)."""
        tags = self._tags.get(known)
        if tags is None:
            own = (e for e in self.events[:known] if not (e.standing and e.standing.all_subjects))
            tags = self._tags[known] = frozenset(t for e in own for t in e.tags)
        return tags


class Timeline:
    """One (condition, subject) timeline: the events a rule with ``include_claims`` reads, and the facts alone
    (beliefs, allegations and plans are in neither: Observation.counts)."""

    __slots__ = ("subject", "all", "facts")

    def __init__(self, subject: str | None, events: list[Observation]) -> None:
        self.subject = subject
        self.all = _Track([e for e in events if e.counts(include_claims=True)])
        self.facts = _Track([e for e in events if e.counts()])


class WindowIndex:
    """A window's observations by kind and by metric name (positions in window order).

    Built once per (state, period, in-force date) and shared by the commitments that have that
    window, so an event rule looks only at the kinds it reads and a metric rule at its metric."""

    __slots__ = ("by_kind", "by_metric")

    def __init__(self, observations: Sequence[Observation]) -> None:
        self.by_kind: dict[str, list[int]] = {}
        self.by_metric: dict[str, list[int]] = {}
        for i, o in enumerate(observations):
            self.by_kind.setdefault(o.kind, []).append(i)
            if o.metric is not None:
                self.by_metric.setdefault(o.metric.name, []).append(i)


@dataclass
class Window:
    """The slice of evidence one rule is evaluated on."""

    evidence: StateEvidence
    start: date
    end: date
    as_of: date
    in_force: date
    commitment: str
    observations: list[Observation] = field(default_factory=list)  # in the period, scorable
    snapshot: bool = False  # standing conditions judged by their state at the window's end
    index: WindowIndex | None = None  # optional: the observations by kind and metric

    def ranged(self, o: Observation) -> bool:
        """Whether ``o`` counts here only because its date range ends in the window (it began before it)."""
        return o.date.start < self.start

    @classmethod
    def make(
        cls,
        evidence: StateEvidence,
        start: date,
        end: date,
        as_of: date,
        in_force: date,
        commitment: str,
        snapshot: bool = False,
    ) -> Window:
        obs = evidence.window(start, end, as_of, in_force)
        return cls(evidence, start, end, as_of, in_force, commitment, obs, snapshot)

    def of_kinds(self, kinds: Sequence[str]) -> list[Observation]:
        """The window's observations of ``kinds`` (in window order); all of them when ``kinds`` is empty."""
        if not kinds or self.index is None:
            return self.observations if not kinds else [o for o in self.observations if o.kind in kinds]
        idx = self.index.by_kind
        lists = [idx[k] for k in dict.fromkeys(kinds) if k in idx]
        # each list is in window order and the kinds are distinct: one sort of the runs restores the order
        positions = lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))
        obs = self.observations
        return [obs[i] for i in positions]

    def with_metric(self, name: str) -> list[Observation]:
        """The window's observations with a figure of metric ``name`` (in window order)."""
        if self.index is None:
            return [o for o in self.observations if o.metric and o.metric.name == name]
        obs = self.observations
        return [obs[i] for i in self.index.by_metric.get(name, ())]

    def mean_confidence(self, observations: Sequence[Observation]) -> float:
        if not observations:
            return 0.0
        return sum(self.evidence.confidence(o) for o in observations) / len(observations)


Evaluator = Callable[[Any, Window], list[Finding]]
RULE_KINDS: dict[str, Evaluator] = {}
# compiled matchers, keyed by the rule's identity; the rule itself is kept so its id is not reused


def register(kind: str) -> Callable[[Evaluator], Evaluator]:
    def wrap(fn: Evaluator) -> Evaluator:
        RULE_KINDS[kind] = fn
        return fn

    return wrap


def evaluate_rule(rule: Any, window: Window) -> list[Finding]:
    return RULE_KINDS[rule.kind](rule, window)


@register("event")
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
    findings: list[Finding] = []
    if matched:
        n = len(matched)
        what = ", ".join(sorted({o.kind for o in matched}))
        ranged = sum(1 for o in matched if w.ranged(o))
        note = f"; {ranged} dated by a range that began earlier, counted in the period of its end" if ranged else ""
        findings.append(
            Finding(
                rule=rule.id,
                rule_kind="event",
                status=rule.status,
                severity=rule.severity,
                observations=tuple(o.id for o in matched),
                detail=f"{n} observation{'s' if n != 1 else ''} ({what}) in the period{note} -> {rule.status}",
                confidence=w.mean_confidence(matched),
            )
        )
    for o in carried:
        since = law_effective(o)
        findings.append(
            Finding(
                rule=rule.id,
                rule_kind="event",
                status=rule.status,
                severity=rule.severity,
                observations=(o.id,),
                detail=f"{o.kind} {o.id} in force since {since} (law dates), carried forward -> {rule.status}",
                confidence=w.evidence.confidence(o),
                carried=True,
            )
        )
    return findings


def _midpoint(a: str, b: str) -> str:
    """A condition in effect for part of the period and ended in it: between the two outcomes."""
    return a if a == b else "partial"


def _at_most_partial(status: str) -> str:
    return "partial" if status == "compliant" else status


def ended_status(rule: StandingRule, effect: str, in_period: bool, during: bool = False) -> tuple[str, str] | None:
    """(status, severity) of a standing rule's finding once its condition has ended, by the ending's effect
    (vocabulary ``endings:``; docs/scoring.md "Endings with a reason"), or None for no finding.

    ``in_period``: the ending is reported in the period; ``during``: the condition was also in effect in it.

    * ``compliant``: the rule's ``when_ended`` (between it and ``while_in_effect`` in the period of the ending);
    * ``partial``: the same, at most partial (a release bought with a recantation);
    * ``violation``: a serious violation in the period of the ending (a death in custody, an expulsion
      abroad), never a compliant ending; no finding later (the person was not freed);
    * ``neutral``: no credit for the ending (a sentence served in full): the in-effect status in the period
      of the ending, no finding later.
    """
    when_ended = rule.when_ended
    if effect == "violation":
        return ("violation", "serious") if in_period else None
    if effect == "neutral":
        return (rule.while_in_effect, rule.severity) if during else None
    if effect == "partial" and when_ended is not None:
        when_ended = _at_most_partial(when_ended)  # type: ignore[assignment]
    if during:
        return (_midpoint(rule.while_in_effect, when_ended) if when_ended else rule.while_in_effect), rule.severity
    return (when_ended, rule.severity) if when_ended else None


def _reason(ender: Observation | None, evidence: StateEvidence) -> str:
    """How the condition ended, in words, for the finding's detail (empty when no reason is recorded)."""
    if ender is None or ender.standing is None:
        return ""
    general = " for every subject" if ender.standing.all_subjects else ""
    if ender.standing.ended_by is None:
        return f"; ended{general} by {ender.id}" if general else ""
    effect = evidence.effect(ender)
    return f"; ended{general} by {ender.standing.ended_by} ({ender.id}; effect: {effect})"


# long: per (condition, subject) timeline, the state carried in, the events in the window, its age; the
# order of these steps is the method (docs/scoring.md), so it is kept in one place
@register("standing")
def evaluate_standing(rule: StandingRule, w: Window) -> list[Finding]:
    findings: list[Finding] = []
    condition = rule.condition
    for timeline in w.evidence.by_condition.get(condition, ()):
        subject = timeline.subject
        if rule.subjects is not None and subject not in rule.subjects:
            continue
        track = (timeline.all if rule.include_claims else timeline.facts).known_at(w.as_of)
        ends = track.ends
        # events[:known] are known by the as-of date
        known = len(ends) if track.filtered else bisect_right(ends, w.as_of)
        if not known:
            continue
        events = track.events
        if rule.tags_any or rule.tags_all:
            tags = track.tags_known(known)
            if not tags_ok(tags, rule.tags_any, rule.tags_all):
                continue
        first_in = bisect_left(ends, w.start, 0, known)  # events[:first_in] end before the period
        last_in = bisect_right(ends, w.end, first_in, known)
        last_before = events[first_in - 1] if first_in else None
        # method 2: an observation that began before the window and ends in it sets the state at its end
        # (it counts, but is not "observed in the period")
        ending = events[first_in:last_in]
        inside = [e for e in ending if w.start <= e.date.start]
        covering = [
            e
            for i, e in track.since
            if i < known and e not in ending and since_of(e) <= w.end and e.date.end >= w.start  # type: ignore[operator]
        ]
        start_state = last_before.standing.in_effect if last_before else None  # type: ignore[union-attr]
        held = start_state is True or any(e.standing.in_effect for e in ending) or bool(covering)  # type: ignore[union-attr]
        if ending:
            end_state: bool | None = ending[-1].standing.in_effect  # type: ignore[union-attr]
        elif covering and any(e.date.end >= w.end for e in covering):
            end_state = True
        else:
            end_state = start_state
        label = f"{condition}" + (f" [{subject}]" if subject else "")
        carried = not ending and not covering
        # evidence age: the latest observation confirming the condition in effect (ended conditions do not age)
        confirming = [e for e in (*([last_before] if last_before else []), *ending, *covering) if e.standing.in_effect]  # type: ignore[union-attr]
        latest = max(confirming, key=lambda e: (e.date.end, e.id)) if confirming else None
        horizon = w.evidence.method.horizon_years
        age = age_class(latest.date.end, w.end, horizon) if latest is not None else "fresh"
        age_note = ""
        if latest is not None and age == TOO_OLD:
            age_note = (
                f"; last known {latest.date.text} ({latest.source}, {latest.locator}) — too old to score"
                f" (more than {horizon} years before {w.end}; method 3 horizon)"
            )
        elif latest is not None and age != "fresh":
            age_note = f"; last confirmed {latest.date.text} ({latest.source}, {latest.locator})" + (
                "; stale: confidence halved" if age == "stale" else "; very stale: confidence and weight halved"
            )
        status: str
        severity: str = rule.severity
        ender = (ending[-1] if ending else last_before) if end_state is False else None
        effect = w.evidence.effect(ender) if ender is not None else "compliant"
        why = _reason(ender, w.evidence)
        if w.snapshot:
            if end_state is True:
                status, detail = rule.while_in_effect, f"{label} in effect at {w.end} -> {rule.while_in_effect}"
            elif end_state is False and ender is not None:
                decided = ended_status(rule, effect, w.start <= ender.date.end)
                if decided is None:
                    continue
                status, severity = decided
                detail = f"{label} ended by {w.end}{why} -> {status}"
                age, age_note = "fresh", ""
            else:
                continue
        elif held and end_state is False:
            decided = ended_status(rule, effect, True, during=True)
            assert decided is not None
            status, severity = decided
            detail = f"{label} was in effect and ended during the period{why} -> {status}"
            age, age_note = "fresh", ""
        elif held:
            status = rule.while_in_effect
            if carried:
                how = "carried forward from an earlier observation"
            elif inside:
                how = "observed in the period"
            elif not covering and since_of(ending[-1]) is None:
                e0 = ending[-1]
                how = f"reported by {e0.id} dated {e0.date.text}, which ends in the period; counted at its end"
            else:
                c0 = covering[0] if covering else ending[-1]
                how = (
                    f"a standing condition over {since_of(c0)}..{c0.date.end}, "
                    f"from {c0.id} dated {c0.date.text}; not observed in the period itself"
                )
            detail = f"{label} in effect ({how}) -> {status}"
        elif end_state is False and (decided := ended_status(rule, effect, bool(ending))) is not None:
            status, severity = decided
            how = (
                "its end observed in the period"
                if inside
                else f"its end reported by {ending[-1].id} dated {ending[-1].date.text}, counted at its end"
                if ending
                else "ended before the period; no observation says it resumed"
            )
            detail = f"{label} not in effect ({how}){why} -> {status}"
            age, age_note = "fresh", ""
        else:
            continue
        # the observations that establish this: the last one before, plus those in the period
        evidence = [*([last_before] if last_before else []), *ending, *covering]
        ids = tuple(dict.fromkeys(o.id for o in evidence))
        findings.append(
            Finding(
                rule=rule.id,
                rule_kind="standing",
                status=status,
                severity=severity,
                observations=ids,
                detail=detail + age_note,
                confidence=w.mean_confidence(evidence) * (STALE_CONFIDENCE_FACTOR if age != "fresh" else 1.0),
                carried=carried,
                subject=subject,
                age=age,
                last_confirmed=latest.id if latest is not None and age != "fresh" else None,
            )
        )
    return findings


def latest_key(o: Observation) -> tuple[date, date, str]:
    """The one order of "latest" for figures: the later end date, then the later start, then the id."""
    return (o.date.end, o.date.start, o.id)


Figures = list[tuple[Observation, float]]


def once_per_fact(values: Figures) -> Figures:
    """One reading per fact: readings that share a ``fact`` key (and metric) corroborate one figure, which
    counts once (1979: three readings of 51,320 are 51,320). The first reading in window order stands for it."""
    seen: set[tuple[str, str]] = set()
    out: Figures = []
    for o, v in values:
        if o.fact is not None and o.metric is not None:
            key = (o.fact, o.metric.name)
            if key in seen:
                continue
            seen.add(key)
        out.append((o, v))
    return out


def outside_others(values: Figures) -> Figures:
    """For a sum: a figure whose dates lie inside another figure's dates counts a part of it and is not added
    (January-April 1984 inside the year 1984)."""
    spans = {(o.date.start, o.date.end) for o, _ in values}
    return [
        (o, v)
        for o, v in values
        if not any(s <= o.date.start and o.date.end <= e and (s, e) != (o.date.start, o.date.end) for s, e in spans)
    ]


def aggregate(values: Figures, how: str) -> float:
    """Combine the figures of a period: sum, max, min, mean, count, or the latest (:func:`latest_key`).

    Each fact is counted once (:func:`once_per_fact`); a sum does not add a figure to one that contains it
    (:func:`outside_others`)."""
    values = once_per_fact(values)
    if how == "sum":
        values = outside_others(values)
    nums = [v for _, v in values]
    if how == "sum":
        return sum(nums)
    if how == "max":
        return max(nums)
    if how == "min":
        return min(nums)
    if how == "mean":
        return sum(nums) / len(nums)
    if how == "count":
        return float(len(nums))
    return max(values, key=lambda ov: latest_key(ov[0]))[1]


def format_number(x: float) -> str:
    if abs(x - round(x)) < 1e-3:
        return f"{round(x):,}"
    return f"{x:,.2f}"


@register("metric")
def evaluate_metric(rule: MetricRule, w: Window) -> list[Finding]:
    read = metric_predicate(rule)
    if len(rule.series) == 1:
        figures = w.with_metric(rule.metric)
    else:
        figures = [o for o in w.observations if o.metric and o.metric.name in rule.series]
    return metric_findings(rule, w, [o for o in figures if read(o)])


def _one_year(o: Observation) -> int | None:
    """The calendar year an observation's date covers exactly, or None."""
    d = o.date
    if d.start.year == d.end.year and (d.start.month, d.start.day, d.end.month, d.end.day) == (1, 1, 12, 31):
        return d.start.year
    return None


@dataclass(frozen=True)
class Level:
    """The state's highest yearly figure of one series in the years before a period."""

    value: float
    year: int
    observations: tuple[Observation, ...]
    first: int
    last: int


def earlier_level(rule: MetricRule, w: Window, series: str) -> Level | None:
    """The highest calendar-year figure of ``series`` in the ``rule.earlier.years`` years before the period,
    each year's figures combined as the rule combines a period's (known by the as-of date, same filters)."""
    assert rule.earlier is not None
    first, last = w.start.year - rule.earlier.years, w.start.year - 1
    read = metric_predicate(rule)
    by_year: dict[int, Figures] = {}
    for o in w.evidence.within(date(first, 1, 1), date(last, 12, 31), w.as_of):
        year = _one_year(o)
        if year is not None and o.metric is not None and o.metric.name == series and read(o):
            by_year.setdefault(year, []).append((o, o.metric.effective))
    levels = [(aggregate(values, rule.aggregate), year) for year, values in by_year.items()]
    if not levels:
        return None
    value, year = max(levels, key=lambda vy: (vy[0], -vy[1]))
    if value <= 0:
        return None
    return Level(value, year, tuple(o for o, _ in by_year[year]), first, last)


def _shown(rule: MetricRule, values: Figures, value: float) -> str:
    """The aggregated figure as the explanation prints it, with its qualifier and the facts counted once."""
    shown = format_number(value)
    qualifiers = {o.metric.qualifier for o, _ in values if o.metric}
    if len(values) == 1 or rule.aggregate == "latest":
        latest = max(values, key=lambda ov: latest_key(ov[0]))[0]
        assert latest.metric is not None
        if latest.metric.qualifier != "exact":
            shown = f"{latest.metric.qualifier} {format_number(latest.metric.value)}"
    elif qualifiers - {"exact"}:
        shown += " (some figures approximate)"
    repeated = len(values) - len(once_per_fact(values))
    if repeated:
        shown += f" ({repeated} corroborating reading{'s' if repeated != 1 else ''} of one fact counted once)"
    return shown


#: How good a finding's status is, for choosing among the series of a rule with parts.
_BEST = {"compliant": 0, "partial": 1, "violation": 2}


def metric_findings(rule: MetricRule, w: Window, observations: list[Observation]) -> list[Finding]:
    """A metric rule's finding from the window's figures it reads (in window order); every engine builds it here.

    A total (figures of the rule's own metric that are not only lower bounds) decides alone. Otherwise
    every series with figures (the metric's lower bounds, then each of ``parts``) is judged, and the best
    judgement is kept: a part shows that at least that much happened, never that more did not
    (docs/scoring.md, "Figures that count"). The finding's detail names the others."""
    values = [(o, o.metric.effective) for o in observations if o.metric]
    judged: list[tuple[str, str, list[Observation], list[Observation]]] = []
    for series in rule.series:
        figures = [(o, v) for o, v in values if o.metric and o.metric.name == series]
        if not figures:
            continue
        lower = series != rule.metric or _only_lower_bounds(figures)
        found = _judge(rule, w, series, figures, lower)
        if found is not None:
            judged.append(found)
        if not lower:
            break
    if not judged:
        return []
    status, detail, evidence, counted = min(judged, key=lambda j: _BEST[j[0]])  # first of the best
    others = [f"{d} -> {st}" for st, d, _, _ in judged if d != detail]
    detail = f"{detail} -> {status}"
    if others:
        detail += "; the best of the series read (also: " + "; ".join(others) + ")"
    return [
        Finding(
            rule=rule.id,
            rule_kind="metric",
            status=status,
            severity=rule.severity,
            observations=tuple(o.id for o in evidence),
            detail=detail,
            confidence=w.mean_confidence(counted),
        )
    ]


def _only_lower_bounds(figures: Figures) -> bool:
    return all(o.metric is not None and o.metric.qualifier in ("at-least", "above") for o, _ in figures)


def _judge(
    rule: MetricRule, w: Window, series: str, figures: Figures, lower: bool
) -> tuple[str, str, list[Observation], list[Observation]] | None:
    """(status, detail without the status, evidence, counted figures) of one series, or None when undecided."""
    value = aggregate(figures, rule.aggregate)
    part = (
        f" (a part of {rule.metric}: a lower bound)" if series != rule.metric else " (a lower bound)" if lower else ""
    )
    head = f"{rule.aggregate} of {series}{part} = {_shown(rule, figures, value)}"
    level = earlier_level(rule, w, series) if rule.earlier is not None else None
    evidence = [o for o, _ in figures]
    if level is not None:
        assert rule.earlier is not None
        compared, thresholds = value / level.value, rule.earlier.thresholds
        head += (
            f"; {compared:.2f} of the state's highest yearly {series} in {level.first}-{level.last} "
            f"({format_number(level.value)} in {level.year})"
        )
        evidence += [o for o in level.observations if o not in evidence]
    else:
        compared, thresholds = value, rule.thresholds
        if rule.earlier is not None:
            head += f"; no yearly {series} figure in the {rule.earlier.years} years before: absolute thresholds"
    for t in thresholds:
        if compare(t.op, compared, t.value):
            if lower and level is None and t.op not in ("ge", "gt"):
                return None  # a lower bound shows only that the true figure is at least this: undecided
            shown = f"{t.value:.2f}" if level else format_number(t.value)
            return t.status, f"{head}; {t.op} {shown}", evidence, [o for o, _ in figures]
    return None

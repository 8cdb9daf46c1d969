"""What every rule kind shares: findings, a state's indexed evidence, windows, and the registry of kinds.

Each kind (engine/kinds/: event, standing, metric) registers a :class:`Kind`: its evaluation on a
:class:`Window` (one state, one period, an as-of date, the commitment's in-force date) returning
:class:`Finding` objects with their evidence, the periods an observation can affect, its SQL and
its finding builder. No module branches on a rule's kind or class; they look the kind up here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from helsinki_compliance.engine.predicates import is_law_event, is_range, is_ranged_event
from helsinki_compliance.engine.staleness import (
    DEFAULT_METHOD,
    TOO_OLD,
    VERY_STALE_WEIGHT_FACTOR,
    Method,
    is_known,
    known_date,
)
from helsinki_compliance.model import known as known_view
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import (
    CONFIDENCE_VALUES,
    SEVERITY_WEIGHTS,
    STATUS_SCORES,
    Observation,
    Source,
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
    # the day its age is counted from (the latest confirmation's end), None when it does not age; not part of
    # the finding's value or output: the bands re-age a finding under another horizon with it (engine/bands.py)
    confirmed_on: date | None = field(default=None, compare=False, repr=False)

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
            (o for o in observations if is_ranged_event(o)),
            key=lambda o: (o.date.end, o.id),
        )
        self._ranged_ends = [o.date.end for o in self.ranged]
        # legal measures (events with law dates) carry forward from their in-force date
        self.laws = [o for o in observations if is_law_event(o)]
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


def since_of(e: Observation) -> date | None:
    """The first day a condition-in-effect observation covers: its ``since``, else the start of a date range."""
    if not (e.standing and e.standing.in_effect):
        return None
    if e.standing.since is not None:
        return e.standing.since.start
    return e.date.start if is_range(e) else None


class _Track:
    """Events of one timeline (sorted by end date) with their end dates, for bisection."""

    __slots__ = ("events", "ends", "since", "late", "filtered", "_tags", "_known")

    def __init__(self, events: list[Observation]) -> None:
        self.events = events
        self.ends = [e.date.end for e in events]
        # (position, event, first day covered) of the events with a first day, computed once per track
        self.since = [(i, e, d) for i, e in enumerate(events) if (d := since_of(e)) is not None]
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


Evaluate = Callable[[Any, Window], list[Finding]]
Affects = Callable[[Any, Observation, Sequence[Period], date], list[Period]]
Compile = Callable[[Any, str], tuple[str, bool]]
Build = Callable[[Any, Window, list[Observation], list[Observation]], list[Finding]]


@dataclass(frozen=True)
class TimelineSql:
    """How the SQL engines select a timeline kind's evidence: all its rules, states, periods and subjects in one
    query over the state's timelines (the table ``timelines_t``, engine/sql/timelines.py).

    ``tables``: the tables the query reads besides the shared ones, from the kind's rules ((rule key,
    commitment, rule) triples); ``query``: the query for an as-of date, returning rows that start with the
    window key (``windows_t.wk``) and the rule key, sorted by them; ``collect``: those rows (and the corpus's
    observations, by row) as what the kind selected per (window key, rule key); ``findings``: one cell's
    findings of one rule from what it selected, built as the reference builds them."""

    tables: Callable[[Sequence[tuple[int, str, Any]]], dict[str, Any]]
    query: Callable[[date], str]
    collect: Callable[[Iterable[tuple[Any, ...]], Sequence[Observation]], Iterator[tuple[int, int, Any]]]
    findings: Callable[[Any, Window, Any], list[Finding]]


@dataclass(frozen=True)
class Kind:
    """Everything an engine needs to know about one rule kind (one module per kind: engine/kinds/).

    ``evaluate``: the reference evaluation of a rule on a window; ``affects``: the periods (of those
    given) an observation the rule reads can change (incremental re-scoring; ``first_day`` is the
    first day the observation covers); ``sql``: the rule's predicate on one observation of the hot
    table and whether its legal measures last, or None when the kind has no SQL (the SQL engines
    leave its rules to the reference, counted); ``findings``: the findings from the evidence SQL
    selected (matched in the window, carried in); ``timeline``: the kind reads the state's timelines,
    not the window's observations (the reference evaluates it on an empty window); ``timeline_sql``: for such
    a kind, its SQL (:class:`TimelineSql`; ``sql`` and ``findings`` are for window kinds); ``ages``: its findings
    age with their evidence (a scoring horizon changes their age, never whether there is one: engine/bands.py
    re-evaluates only these)."""

    name: str
    evaluate: Evaluate
    affects: Affects
    sql: Compile | None = None
    findings: Build | None = None
    timeline: bool = False
    ages: bool = False
    timeline_sql: TimelineSql | None = None


#: The registry: rule kind -> its :class:`Kind`. The built-in kinds register when
#: ``helsinki_compliance.engine.kinds`` is imported (evaluation.py does); no module branches on a
#: rule's class.
KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Add (or replace) a rule kind in the registry."""
    KINDS[kind.name] = kind
    return kind


def kind_of(rule: Any) -> Kind:
    """The registered kind of ``rule`` (by its ``kind`` field)."""
    try:
        return KINDS[rule.kind]
    except KeyError:
        raise KeyError(f"no rule kind {rule.kind!r} is registered (engine/kinds/)") from None


def evaluate_rule(rule: Any, window: Window) -> list[Finding]:
    return kind_of(rule).evaluate(rule, window)

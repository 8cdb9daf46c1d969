"""Stage 4 of loading: semantics across files.

Unique ids, references that resolve (states, sources, kinds, tags, metrics and their units,
conditions, cases, commitments, instruments, periods), dates not in the future, rules that read
the vocabulary, and warnings that a person should see (an observation dated before the
commitment it cites was in force; an observation that no rule reads).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from helsinki_compliance.errors import Problem, UsageError, data_path, did_you_mean, format_path
from helsinki_compliance.load import yaml_reader
from helsinki_compliance.load.files import pydantic_message
from helsinki_compliance.model.conditions import comparison_problem, comparisons
from helsinki_compliance.model.conflicts import find as find_conflicts
from helsinki_compliance.model.corpus import Corpus, Origin, ParsedFile
from helsinki_compliance.model.fixtures import fixture_observation
from helsinki_compliance.model.periods import PeriodError, parse_period, resolve_named
from helsinki_compliance.model.records import (
    Assessment,
    Case,
    Commitment,
    GoalSet,
    Instrument,
    NamedPeriod,
    Observation,
    Reach,
    RuleTest,
    RuleTestCase,
    Source,
    State,
    Vocabulary,
    reach_of,
)
from helsinki_compliance.model.states import find_state, fold, suggest_state

#: The largest figure a metric may give: more than a trillion persons or cases is a typo, and
#: bounding each figure keeps every sum of them finite (two values near 1.7e308 summed to infinity).
MAX_FIGURE = 1e12


class _Reporter:
    """Collects problems at (origin, sub-path); maps sub-paths to lines on demand."""

    def __init__(self, parsed: list[ParsedFile]) -> None:
        self.problems: list[Problem] = []
        self._files = {p.path: p.source for p in parsed}
        self._docs: dict[str, yaml_reader.Document | None] = {}

    def _line(self, origin: Origin, sub: tuple[str | int, ...]) -> int:
        if not sub:
            return origin.line
        if origin.file not in self._docs:
            src = self._files.get(origin.file)
            try:
                self._docs[origin.file] = yaml_reader.load(src.read_bytes()) if src else None
            except (OSError, yaml_reader.YamlError):  # pragma: no cover - it parsed a moment ago
                self._docs[origin.file] = None
        doc = self._docs[origin.file]
        return doc.line((*origin.path, *sub)) if doc else origin.line

    def add(
        self, origin: Origin, sub: Iterable[str | int], message: str, level: str = "error", *, info: bool = False
    ) -> None:
        """Report a problem; ``info``: a warning about what is so on purpose (:attr:`Problem.informational`)."""
        sub = tuple(sub)
        line, path = self._line(origin, sub), format_path((*origin.path, *sub))
        self.problems.append(Problem(origin.file, line, path, message, level, info))  # type: ignore[arg-type]


@dataclass
class Registry:
    """Everything stage 4 checks against: the registries by id, where each item came from, the reporter."""

    rep: _Reporter
    vocabulary: Vocabulary
    instruments: dict[str, Instrument]
    states: dict[str, State]
    named: dict[str, NamedPeriod]
    sources: dict[str, Source]
    cases: dict[str, Case]
    commitments: dict[str, Commitment]
    goal_sets: dict[str, GoalSet]
    observations: dict[str, Observation]
    assessments: dict[str, Assessment]
    origins: dict[tuple[str, str], Origin]
    resolved_periods: dict[str, Any] = field(default_factory=dict)
    rule_tests: list[RuleTest] = field(default_factory=list)

    def ref(self, origin: Origin, sub: tuple[str | int, ...], value: str, registry: Any, what: str) -> bool:
        """Whether ``value`` is in ``registry``; if not, an "unknown WHAT" problem with a did-you-mean."""
        if value in registry:
            return True
        if registry is self.states:  # by name: 'USSR' suggests SU, never US
            hint = suggest_state(self.states, value)
            code = find_state(self.states, value)
            if code:  # a name or alias in a data file: the file keeps codes
                hint = f" (write its code: {code})"
        else:
            hint = did_you_mean(value, registry)
        self.rep.add(origin, sub, f"unknown {what} {value!r}{hint}")
        return False

    def origin(self, kind: str, ident: str) -> Origin:
        return self.origins[(kind, ident)]


def build_corpus(
    root: Path, parsed: list[ParsedFile], *, today: date | None = None
) -> tuple[Corpus | None, list[Problem]]:
    """Stage 4: check every reference across files; the corpus, or None when any check failed."""
    rep = _Reporter(parsed)
    by_kind: dict[str, list[tuple[Any, Origin]]] = defaultdict(list)
    for pf in parsed:
        for item, origin in zip(pf.items, pf.origins, strict=True):
            by_kind[pf.key].append((item, origin))
    vocabulary = _merge_vocabulary(by_kind.get("vocabulary", []), rep)
    if vocabulary is None:
        return None, rep.problems
    origins: dict[tuple[str, str], Origin] = {}

    def unique(kind: str, key: str = "id") -> dict[str, Any]:
        return _unique(by_kind.get(kind, []), kind, key, origins, rep)

    reg = Registry(
        rep, vocabulary, unique("instruments"), unique("states", "code"), unique("periods"), unique("sources"),
        unique("cases"), unique("commitments"), unique("goal_sets"), unique("observations"), unique("assessments"),
        origins,
    )  # fmt: skip
    for section in (_check_periods, _check_states_and_cases, _check_commitments, _check_goals, _check_assessments):
        section(reg)
    _check_rule_tests(reg, by_kind.get("rule_tests", []))
    _check_observations(reg, today)
    if any(p.level == "error" for p in rep.problems):
        return None, rep.problems
    corpus = Corpus(
        root=root,
        vocabulary=vocabulary,
        instruments=reg.instruments,
        states=reg.states,
        periods=reg.named,
        commitments=dict(sorted(reg.commitments.items())),
        rule_tests=reg.rule_tests,
        sources=reg.sources,
        cases=reg.cases,
        observations=sorted(reg.observations.values(), key=lambda x: (x.date.start, x.date.end, x.id)),
        assessments=sorted(reg.assessments.values(), key=lambda x: x.id),
        goal_sets=reg.goal_sets,
        origins=origins,
        named_periods=reg.resolved_periods,
    )
    return corpus, rep.problems


def _unique(
    items: list[tuple[Any, Origin]], kind: str, key: str, origins: dict[tuple[str, str], Origin], rep: _Reporter
) -> dict[str, Any]:
    """Items by id; a second item with the same id is an error naming where the first was defined."""
    out: dict[str, Any] = {}
    for item, origin in items:
        ident = getattr(item, key)
        if ident in out:
            first = origins[(kind, ident)]
            rep.add(origin, (key,), f"duplicate {key} {ident!r} (first defined at {first.file}:{first.line})")
            continue
        out[ident] = item
        origins[(kind, ident)] = origin
    return out


def _merge_vocabulary(items: list[tuple[Any, Origin]], rep: _Reporter) -> Vocabulary | None:
    """The vocabulary, merged across files; a word defined twice is an error."""
    if not items:
        rep.problems.append(
            Problem("commitments", 0, "", "no vocabulary file found (a file with top-level key 'vocabulary')")
        )
        return None
    merged: dict[str, dict[str, Any]] = {"kinds": {}, "tags": {}, "metrics": {}, "conditions": {}, "endings": {}}
    for voc, origin in items:
        for part in merged:
            for word, definition in getattr(voc, part).items():
                if word in merged[part]:
                    rep.add(origin, (part, word), f"{part[:-1]} {word!r} is defined twice")
                merged[part][word] = definition
    return Vocabulary(**merged)


def _check_periods(reg: Registry) -> None:
    for pid in sorted(reg.named):  # an id that is also a calendar period's would name two windows
        try:
            calendar = parse_period(pid, {})
        except (UsageError, ValueError):
            continue
        o = reg.origins.get(("periods", pid))
        message = (
            f"the id {pid!r} is a calendar period's ({calendar.start} to {calendar.end}); "
            "give a named period an id that is not a date (e.g. 'year-1988-89')"
        )
        reg.rep.add(o or Origin("commitments", 0), ("id",), message)
    try:
        reg.resolved_periods = resolve_named(reg.named)
    except PeriodError as exc:
        o = reg.origins.get(("periods", exc.period_id))
        reg.rep.add(o or Origin("commitments", 0), (), exc.message)


def _check_states_and_cases(reg: Registry) -> None:
    for code, st in reg.states.items():
        for i, succ in enumerate(st.successors):
            reg.ref(reg.origin("states", code), ("successors", i), succ, reg.states, "state")
        if st.left and st.left.end < st.joined.start:
            reg.rep.add(reg.origin("states", code), ("left",), "the state left before it joined")
    named: dict[str, str] = {}
    for code, st in reg.states.items():
        named.update({fold(n): code for n in (st.name, *st.aliases) if fold(n) not in named})
    for code, st in reg.states.items():
        for i, alias in enumerate(st.aliases):
            key, other = fold(alias), named.get(fold(alias))
            if key.upper() in reg.states and key.upper() != code:
                reg.rep.add(reg.origin("states", code), ("aliases", i), f"{alias!r} is the code of another state")
            elif other not in (None, code):
                reg.rep.add(reg.origin("states", code), ("aliases", i), f"{alias!r} already names {other}")
    for cid, case in reg.cases.items():
        o = reg.origin("cases", cid)
        reg.ref(o, ("state",), case.state, reg.states, "state")
        for i, role in enumerate(case.roles):
            reg.ref(o, ("roles", i), role, reg.vocabulary.tags, "tag")


def _check_where(reg: Registry, o: Origin, prefix: tuple[str | int, ...], where: Any) -> None:
    """A where condition: values of the right type, words from the registries."""
    registries: dict[str, tuple[Any, str]] = {
        "kind": (reg.vocabulary.kinds, "observation kind"),
        "tags": (reg.vocabulary.tags, "tag"),
        "state": (reg.states, "state"),
        "source": (reg.sources, "source"),
        "cases": (reg.cases, "case"),
        "commitments": (reg.commitments, "commitment"),
        "metric.name": (reg.vocabulary.metrics, "metric"),
        "standing.condition": (reg.vocabulary.conditions, "condition"),
        "confidence": ({"high": 1, "medium": 1, "low": 1}, "confidence"),
    }
    for sub, comp in comparisons(where):
        at = (*prefix, *sub, "value")
        problem = comparison_problem(comp)
        if problem:
            reg.rep.add(o, at, problem)
            continue
        if comp.field in registries and comp.op != "exists":
            registry, what = registries[comp.field]
            values = comp.value if isinstance(comp.value, list) else [comp.value]
            for j, v in enumerate(values):
                if isinstance(v, str):
                    reg.ref(o, (*at, j) if isinstance(comp.value, list) else at, v, registry, what)


def _check_rules(reg: Registry, o: Origin, rules: list[Any], prefix: tuple[str | int, ...]) -> None:
    """Rules of a commitment or a goal: ids, vocabulary words (each rule kind names its own), conflicts."""
    seen: set[str] = set()
    signatures: dict[str, str] = {}
    for i, rule in enumerate(rules):
        base = (*prefix, "rules", i)
        if rule.id in seen:
            reg.rep.add(o, (*base, "id"), f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        for path, word, part, what in rule.references():
            if part.startswith("subjects:"):
                definition = reg.vocabulary.conditions.get(part.split(":", 1)[1])
                allowed = definition.subjects if definition else None
                if allowed is not None and word not in allowed:
                    reg.rep.add(o, (*base, *path), f"unknown {what} {word!r}{did_you_mean(word, allowed)}")
            else:
                reg.ref(o, (*base, *path), word, getattr(reg.vocabulary, part), what)
        where = rule.where_condition()
        if where is not None:
            _check_where(reg, o, (*base, *where[0]), where[1])
        sig, outcome = rule.signature(), rule.outcome()
        if sig in signatures and signatures[sig] != outcome:
            reg.rep.add(
                o,
                base,
                f"rule {rule.id!r} conflicts with another rule that reads the same evidence with a different outcome",
            )
        signatures[sig] = outcome


def _check_commitments(reg: Registry) -> None:
    voc = reg.vocabulary
    for cid, c in reg.commitments.items():
        o = reg.origin("commitments", cid)
        reg.ref(o, ("instrument",), c.instrument, reg.instruments, "instrument")
        _check_rules(reg, o, c.rules, ())
        ind = c.indicators
        for part, words, registry, what in (
            ("kinds", ind.kinds, voc.kinds, "observation kind"),
            ("tags", ind.tags, voc.tags, "tag"),
            ("metrics", ind.metrics, voc.metrics, "metric"),
            ("conditions", ind.conditions, voc.conditions, "condition"),
        ):
            for j, word in enumerate(words):
                reg.ref(o, ("indicators", part, j), word, registry, what)
        instrument = reg.instruments.get(c.instrument)
        if instrument and c.in_force and c.in_force.start < instrument.adopted.start:
            reg.rep.add(o, ("in_force",), "in force before its instrument was adopted")


def _check_fixture_case(reg: Registry, o: Origin, at: tuple[str | int, ...], case: RuleTestCase) -> None:
    """A rule test's case: checked here, so that test-rules never meets a bad fixture observation."""
    reg.ref(o, (*at, "state"), case.state, reg.states, "state")
    try:
        parse_period(case.period, reg.resolved_periods)
    except UsageError as exc:
        reg.rep.add(o, (*at, "period"), str(exc))
    voc = reg.vocabulary
    for k, raw in enumerate(case.observations):
        where = (*at, "observations", k)
        try:
            fixture = fixture_observation(case, k, raw)
        except ValidationError as exc:
            for err in exc.errors():
                sub = data_path(raw, err["loc"], err["type"] == "missing")
                reg.rep.add(o, (*where, *sub), pydantic_message(dict(err)))
            continue
        reg.ref(o, (*where, "kind"), fixture.kind, voc.kinds, "observation kind")
        for t_i, t in enumerate(fixture.tags):
            reg.ref(o, (*where, "tags", t_i), t, voc.tags, "tag")
        if fixture.metric:
            reg.ref(o, (*where, "metric", "name"), fixture.metric.name, voc.metrics, "metric")
        if fixture.standing:
            reg.ref(o, (*where, "standing", "condition"), fixture.standing.condition, voc.conditions, "condition")


def _check_rule_tests(reg: Registry, items: list[tuple[Any, Origin]]) -> None:
    for item, o in items:
        reg.rule_tests.append(item)
        if reg.ref(o, ("commitment",), item.commitment, reg.commitments, "commitment"):
            rule_ids = {r.id for r in reg.commitments[item.commitment].rules}
            reg.ref(o, ("rule",), item.rule, rule_ids, "rule")
        for j, case in enumerate(item.cases):
            _check_fixture_case(reg, o, ("cases", j), case)


def _check_goals(reg: Registry) -> None:
    for gid, gs in reg.goal_sets.items():
        o = reg.origin("goal_sets", gid)
        reg.ref(o, ("source",), gs.source, reg.sources, "source")
        reg.ref(o, ("state",), gs.state, reg.states, "state")
        goal_ids: set[str] = set()
        for i, g in enumerate(gs.goals):
            if g.id in goal_ids:
                reg.rep.add(o, ("goals", i, "id"), f"duplicate goal id {g.id!r}")
            goal_ids.add(g.id)
            for j, cited in enumerate(g.commitments):
                reg.ref(o, ("goals", i, "commitments", j), cited, reg.commitments, "commitment")
            if g.metric:
                reg.ref(o, ("goals", i, "metric", "metric"), g.metric.metric, reg.vocabulary.metrics, "metric")
                for j, y in enumerate(g.metric.yearly):
                    at = ("goals", i, "metric", "yearly", j, "metric")
                    reg.ref(o, at, y.metric, reg.vocabulary.metrics, "metric")
            _check_rules(reg, o, g.rules, ("goals", i))


def _check_observations(reg: Registry, today: date | None) -> None:
    read = what_rules_read(list(reg.commitments.values()))
    for oid, obs in reg.observations.items():
        o = reg.origin("observations", oid)
        _check_observation(reg, o, obs, today)
        if not read.covers(obs):
            message = f"no rule reads an observation of kind {obs.kind!r} with these tags" + _cited_reads(obs, reg)
            # informational for context (it cites no commitment); one citing a commitment that never reads it is to act on
            reg.rep.add(o, ("kind",), message, "warning", info=not obs.commitments)
    # observations reporting one fact differently (model.conflicts): the kept one is named
    for conflict in find_conflicts(reg.observations.values(), reg.sources):
        for oid in conflict.set_aside:
            message = (
                f"reports fact {conflict.fact!r} differently from {conflict.kept}, which is kept "
                f"({conflict.reason}); this one is set aside, not scored"
            )
            reg.rep.add(reg.origin("observations", oid), ("fact",), message, "warning", info=True)  # both kept


def _cited_reads(obs: Observation, reg: Registry) -> str:
    """What the rules of the commitments an observation cites do read (nothing silent)."""
    parts = []
    for cid in obs.commitments:
        c = reg.commitments.get(cid)
        if c is None:
            continue
        r = what_rules_read([c])
        wants = [f"kinds {', '.join(sorted(r.kinds))}"] if r.kinds else []
        wants += [f"tags {', '.join(sorted(t for a, b in r.tagged for t in a | b))}"] if r.tagged else []
        wants += [f"conditions {', '.join(sorted(r.conditions))}"] if r.conditions else []
        wants += [f"metrics {', '.join(sorted(r.metrics))}"] if r.metrics else []
        parts.append(f"{cid} reads {'; '.join(wants) or 'nothing'}")
    return f" (the cited {'; '.join(parts)})" if parts else " (and it cites no commitment)"


def _check_observation(reg: Registry, o: Origin, obs: Observation, today: date | None) -> None:
    voc = reg.vocabulary
    reg.ref(o, ("state",), obs.state, reg.states, "state")
    reg.ref(o, ("source",), obs.source, reg.sources, "source")
    reg.ref(o, ("kind",), obs.kind, voc.kinds, "observation kind")
    for j, t in enumerate(obs.tags):
        reg.ref(o, ("tags", j), t, voc.tags, "tag")
    for j, cited in enumerate(obs.commitments):
        if reg.ref(o, ("commitments", j), cited, reg.commitments, "commitment") and obs.state in reg.states:
            start = reg.instruments.get(reg.commitments[cited].instrument)
            in_force = reg.commitments[cited].in_force or (start.adopted if start else None)
            if in_force and obs.date.end < in_force.start:
                message = f"dated before {cited} was in force ({in_force}); it will not be scored for it"
                reg.rep.add(o, ("date",), message, "warning")
    for j, case_id in enumerate(obs.cases):
        reg.ref(o, ("cases", j), case_id, reg.cases, "case")
    if obs.metric and reg.ref(o, ("metric", "name"), obs.metric.name, voc.metrics, "metric"):
        unit = voc.metrics[obs.metric.name].unit
        if obs.metric.unit != unit:
            message = f"unit {obs.metric.unit!r} does not match metric {obs.metric.name} (expected {unit!r})"
            reg.rep.add(o, ("metric", "unit"), message)
        if not 0 <= obs.metric.value <= MAX_FIGURE:  # every metric counts or shares: never negative
            what = "negative" if obs.metric.value < 0 else f"over {MAX_FIGURE:,.0f}"
            reg.rep.add(o, ("metric", "value"), f"{obs.metric.value:g} {unit} is impossible ({what})")
        elif unit == "share" and obs.metric.value > 1:  # a share is a fraction: 0.5, never 5 or 50
            message = f"{obs.metric.value:g} is impossible for a share (0 to 1; write 50% as 0.5)"
            reg.rep.add(o, ("metric", "value"), message)
    if obs.standing and reg.ref(o, ("standing", "condition"), obs.standing.condition, voc.conditions, "condition"):
        allowed = voc.conditions[obs.standing.condition].subjects
        subj = obs.standing.subject
        if subj is not None and allowed is not None and subj not in allowed:
            message = f"unknown subject {subj!r} of {obs.standing.condition}{did_you_mean(subj, allowed)}"
            reg.rep.add(o, ("standing", "subject"), message)
    if obs.standing and obs.standing.ended_by is not None:
        reg.ref(o, ("standing", "ended_by"), obs.standing.ended_by, voc.endings, "ending")
    elif obs.standing and not obs.standing.in_effect and obs.standing.subject in reg.cases:
        # a person's condition ends for a reason that changes its score (method 3, "Endings with a reason")
        message = (
            f"{obs.standing.condition} of {obs.standing.subject} ends without ended_by "
            f"(one of: {', '.join(voc.endings)}); it counts as a release"
        )
        reg.rep.add(o, ("standing", "ended_by"), message, "warning")
    if today is not None and obs.date.start > today:
        reg.rep.add(o, ("date",), f"{obs.date} is in the future (today is {today})")
    _check_known_by(reg, o, obs, today)
    obs_state = reg.states.get(obs.state)
    if obs_state is None:
        return
    outside = None
    if obs_state.left and obs.date.start > obs_state.left.end:
        outside = f"{obs.state} ceased to be a participating state on {obs_state.left}"
    elif obs.date.end < obs_state.joined.start:
        outside = f"dated before {obs.state} became a participating state ({obs_state.joined})"
    before = [
        p
        for p in reg.states.values()
        if obs.state in p.successors and obs.date.end <= (p.left.end if p.left else date.max)
    ]
    if outside and before:  # a successor's code for its predecessor's years (CZ for Czechoslovakia in 1988)
        message = f"{outside}; for dates up to {before[0].left} use {before[0].code} ({before[0].name}); refused"
        reg.rep.add(o, ("state",), message)
    elif outside and obs.commitments:  # no commitment binds a state outside its dates
        reg.rep.add(o, ("commitments",), f"{outside}: it cannot bear on a commitment; refused")
    elif outside:  # background (a law in force, a condition carried into the state's first period)
        message = f"{outside} (background: scored only through a condition it carries in)"
        reg.rep.add(o, ("date",), message, "warning", info=True)


def _check_known_by(reg: Registry, o: Origin, obs: Observation, today: date | None) -> None:
    """``known_by``: not before the event (nor, for a figure over a period, before the period's end), not in the future."""
    kb = obs.known_by
    if kb is None:
        return
    if kb.end < obs.date.start:
        reg.rep.add(
            o, ("known_by",), f"{kb} is before the observation's own date {obs.date}: a fact is known once it happened"
        )
    elif obs.metric is not None and kb.end < obs.date.end:
        message = (
            f"{kb} is before the end of {obs.date}: a figure for the period is known once the period is over "
            "(date the figure by the span it covers, or known_by at or after its end)"
        )
        reg.rep.add(o, ("known_by",), message)
    if today is not None and kb.start > today:
        reg.rep.add(o, ("known_by",), f"{kb} is in the future (today is {today})")


def _check_assessments(reg: Registry) -> None:
    for aid, a in reg.assessments.items():
        o = reg.origin("assessments", aid)
        reg.ref(o, ("state",), a.state, reg.states, "state")
        reg.ref(o, ("commitment",), a.commitment, reg.commitments, "commitment")
        try:
            parse_period(a.period, reg.resolved_periods)
        except (UsageError, ValueError) as exc:
            reg.rep.add(o, ("period",), str(exc))
        if a.expires and a.expires.end < a.date.start:
            reg.rep.add(o, ("expires",), "expires before it was made")


def what_rules_read(commitments: list[Commitment]) -> Reach:
    """What the rules of ``commitments`` read, together (see :class:`~helsinki_compliance.model.records.Reach`)."""
    return reach_of([r for c in commitments for r in c.rules])

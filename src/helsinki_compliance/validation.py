"""Stage 4 of loading: semantics across files.

Unique ids, references that resolve (states, sources, kinds, tags, metrics and their units,
conditions, cases, commitments, instruments, periods), dates not in the future, rules that read
the vocabulary, and warnings that a person should see (an observation dated before the
commitment it cites was in force; an observation that no rule reads).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _yaml
from .conditions import comparison_problem, comparisons
from .errors import Problem, UsageError, data_path, did_you_mean, format_path
from .loading import Corpus, Origin, ParsedFile
from .loading import _pydantic_message as pydantic_message
from .models import (
    Assessment,
    Case,
    Commitment,
    EventRule,
    GoalSet,
    Instrument,
    MetricRule,
    NamedPeriod,
    Observation,
    RuleTest,
    RuleTestCase,
    Source,
    StandingRule,
    State,
    Vocabulary,
)
from .periods import PeriodError, parse_period, resolve_named


class _Reporter:
    """Collects problems at (origin, sub-path); maps sub-paths to lines on demand."""

    def __init__(self, parsed: list[ParsedFile]) -> None:
        self.problems: list[Problem] = []
        self._files = {p.path: p.source for p in parsed}
        self._docs: dict[str, _yaml.Document | None] = {}

    def _line(self, origin: Origin, sub: tuple[str | int, ...]) -> int:
        if not sub:
            return origin.line
        if origin.file not in self._docs:
            src = self._files.get(origin.file)
            try:
                self._docs[origin.file] = _yaml.load(src.read_bytes()) if src else None
            except (OSError, _yaml.YamlError):  # pragma: no cover - it parsed a moment ago
                self._docs[origin.file] = None
        doc = self._docs[origin.file]
        return doc.line((*origin.path, *sub)) if doc else origin.line

    def add(self, origin: Origin, sub: Iterable[str | int], message: str, level: str = "error") -> None:
        sub = tuple(sub)
        self.problems.append(
            Problem(origin.file, self._line(origin, sub), format_path((*origin.path, *sub)), message, level)  # type: ignore[arg-type]
        )


def build_corpus(
    root: Path, parsed: list[ParsedFile], *, today: date | None = None
) -> tuple[Corpus | None, list[Problem]]:
    rep = _Reporter(parsed)
    by_kind: dict[str, list[tuple[Any, Origin]]] = defaultdict(list)
    for pf in parsed:
        for item, origin in zip(pf.items, pf.origins, strict=True):
            by_kind[pf.key].append((item, origin))

    origins: dict[tuple[str, str], Origin] = {}

    def unique(kind: str, key: str = "id") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item, origin in by_kind.get(kind, []):
            ident = getattr(item, key)
            if ident in out:
                first = origins[(kind, ident)]
                rep.add(origin, (key,), f"duplicate {key} {ident!r} (first defined at {first.file}:{first.line})")
                continue
            out[ident] = item
            origins[(kind, ident)] = origin
        return out

    # ---- vocabulary (merged across files; a word defined twice is an error)
    vocab_items = by_kind.get("vocabulary", [])
    if not vocab_items:
        rep.problems.append(
            Problem("commitments", 0, "", "no vocabulary file found (a file with top-level key 'vocabulary')")
        )
        return None, rep.problems
    merged: dict[str, dict[str, Any]] = {"kinds": {}, "tags": {}, "metrics": {}, "conditions": {}}
    for voc, origin in vocab_items:
        for part in merged:
            for word, definition in getattr(voc, part).items():
                if word in merged[part]:
                    rep.add(origin, (part, word), f"{part[:-1]} {word!r} is defined twice")
                merged[part][word] = definition
    vocabulary = Vocabulary(**merged)

    instruments: dict[str, Instrument] = unique("instruments")
    states: dict[str, State] = unique("states", "code")
    named: dict[str, NamedPeriod] = unique("periods")
    sources: dict[str, Source] = unique("sources")
    cases: dict[str, Case] = unique("cases")
    commitments: dict[str, Commitment] = unique("commitments")
    goal_sets: dict[str, GoalSet] = unique("goal_sets")
    observations: dict[str, Observation] = unique("observations")
    assessments: dict[str, Assessment] = unique("assessments")

    def ref(origin: Origin, sub: tuple[str | int, ...], value: str, registry: Any, what: str) -> bool:
        if value in registry:
            return True
        rep.add(origin, sub, f"unknown {what} {value!r}{did_you_mean(value, registry)}")
        return False

    # ---- periods
    resolved_periods: dict[str, Any] = {}
    try:
        resolved_periods = resolve_named(named)
    except PeriodError as exc:
        o = origins.get(("periods", exc.period_id))
        rep.add(o or Origin("commitments", 0), (), exc.message)

    # ---- states, cases
    for code, st in states.items():
        for i, succ in enumerate(st.successors):
            ref(origins[("states", code)], ("successors", i), succ, states, "state")
        if st.left and st.left.end < st.joined.start:
            rep.add(origins[("states", code)], ("left",), "the state left before it joined")
    for cid, case in cases.items():
        o = origins[("cases", cid)]
        ref(o, ("state",), case.state, states, "state")
        for i, role in enumerate(case.roles):
            ref(o, ("roles", i), role, vocabulary.tags, "tag")

    # ---- where conditions: values of the right type, words from the registries
    def check_where(o: Origin, prefix: tuple[str | int, ...], where: Any) -> None:
        registries: dict[str, tuple[Any, str]] = {
            "kind": (vocabulary.kinds, "observation kind"),
            "tags": (vocabulary.tags, "tag"),
            "state": (states, "state"),
            "source": (sources, "source"),
            "cases": (cases, "case"),
            "commitments": (commitments, "commitment"),
            "metric.name": (vocabulary.metrics, "metric"),
            "standing.condition": (vocabulary.conditions, "condition"),
            "confidence": ({"high": 1, "medium": 1, "low": 1}, "confidence"),
        }
        for sub, comp in comparisons(where):
            at = (*prefix, *sub, "value")
            problem = comparison_problem(comp)
            if problem:
                rep.add(o, at, problem)
                continue
            if comp.field in registries and comp.op != "exists":
                registry, what = registries[comp.field]
                values = comp.value if isinstance(comp.value, list) else [comp.value]
                for j, v in enumerate(values):
                    if isinstance(v, str):
                        ref(o, (*at, j) if isinstance(comp.value, list) else at, v, registry, what)

    # ---- rules (commitments and goals share one checker)
    def check_rules(o: Origin, rules: list[Any], prefix: tuple[str | int, ...]) -> None:
        seen: dict[str, int] = {}
        signatures: dict[str, str] = {}
        for i, rule in enumerate(rules):
            base = (*prefix, "rules", i)
            if rule.id in seen:
                rep.add(o, (*base, "id"), f"duplicate rule id {rule.id!r}")
            seen[rule.id] = i
            if isinstance(rule, EventRule):
                for j, k in enumerate(rule.match.kinds):
                    ref(o, (*base, "match", "kinds", j), k, vocabulary.kinds, "observation kind")
                for field in ("tags_any", "tags_all"):
                    for j, t in enumerate(getattr(rule.match, field)):
                        ref(o, (*base, "match", field, j), t, vocabulary.tags, "tag")
                if rule.match.where is not None:
                    check_where(o, (*base, "match", "where"), rule.match.where)
                sig = repr((rule.match.model_dump(), "event"))
            elif isinstance(rule, StandingRule):
                if ref(o, (*base, "condition"), rule.condition, vocabulary.conditions, "condition"):
                    allowed = vocabulary.conditions[rule.condition].subjects
                    for j, s in enumerate(rule.subjects or ()):
                        if allowed is not None and s not in allowed:
                            rep.add(
                                o,
                                (*base, "subjects", j),
                                f"unknown subject {s!r} of {rule.condition}{did_you_mean(s, allowed)}",
                            )
                for field in ("tags_any", "tags_all"):
                    for j, t in enumerate(getattr(rule, field)):
                        ref(o, (*base, field, j), t, vocabulary.tags, "tag")
                sig = repr((rule.condition, rule.subjects, rule.tags_any, rule.tags_all, "standing"))
            else:
                assert isinstance(rule, MetricRule)
                ref(o, (*base, "metric"), rule.metric, vocabulary.metrics, "metric")
                sig = repr((rule.metric, rule.aggregate, "metric"))
            status = repr(
                getattr(rule, "status", None)
                or getattr(rule, "while_in_effect", None)
                or [t.model_dump() for t in rule.thresholds]
            )
            if sig in signatures and signatures[sig] != status:
                rep.add(
                    o,
                    (*base,),
                    f"rule {rule.id!r} conflicts with another rule that reads the same evidence with a different outcome",
                )
            signatures[sig] = status

    for cid, c in commitments.items():
        o = origins[("commitments", cid)]
        ref(o, ("instrument",), c.instrument, instruments, "instrument")
        check_rules(o, c.rules, ())
        ind = c.indicators
        for j, k in enumerate(ind.kinds):
            ref(o, ("indicators", "kinds", j), k, vocabulary.kinds, "observation kind")
        for j, t in enumerate(ind.tags):
            ref(o, ("indicators", "tags", j), t, vocabulary.tags, "tag")
        for j, m in enumerate(ind.metrics):
            ref(o, ("indicators", "metrics", j), m, vocabulary.metrics, "metric")
        for j, cond in enumerate(ind.conditions):
            ref(o, ("indicators", "conditions", j), cond, vocabulary.conditions, "condition")
        if c.instrument in instruments and c.in_force and c.in_force.start < instruments[c.instrument].adopted.start:
            rep.add(o, ("in_force",), "in force before its instrument was adopted")

    # ---- rule tests: the fixture observations are checked here, so test-rules never meets a bad one
    def check_fixture_case(o: Origin, at: tuple[str | int, ...], case: RuleTestCase) -> None:
        from .ruletests import fixture_observation  # evaluation imports loading: import late

        ref(o, (*at, "state"), case.state, states, "state")
        try:
            parse_period(case.period, resolved_periods)
        except UsageError as exc:
            rep.add(o, (*at, "period"), str(exc))
        for k, raw in enumerate(case.observations):
            where = (*at, "observations", k)
            try:
                fixture = fixture_observation(case, k, raw)
            except ValidationError as exc:
                for err in exc.errors():
                    sub = data_path(raw, err["loc"], err["type"] == "missing")
                    rep.add(o, (*where, *sub), pydantic_message(dict(err)))
                continue
            ref(o, (*where, "kind"), fixture.kind, vocabulary.kinds, "observation kind")
            for t_i, t in enumerate(fixture.tags):
                ref(o, (*where, "tags", t_i), t, vocabulary.tags, "tag")
            if fixture.metric:
                ref(o, (*where, "metric", "name"), fixture.metric.name, vocabulary.metrics, "metric")
            if fixture.standing:
                ref(
                    o, (*where, "standing", "condition"), fixture.standing.condition, vocabulary.conditions, "condition"
                )

    # ---- rule tests
    rule_tests: list[RuleTest] = []
    for item, o in by_kind.get("rule_tests", []):
        rule_tests.append(item)
        if ref(o, ("commitment",), item.commitment, commitments, "commitment"):
            rule_ids = {r.id for r in commitments[item.commitment].rules}
            ref(o, ("rule",), item.rule, rule_ids, "rule")
        for j, case in enumerate(item.cases):
            check_fixture_case(o, ("cases", j), case)

    # ---- goals
    for gid, gs in goal_sets.items():
        o = origins[("goal_sets", gid)]
        ref(o, ("source",), gs.source, sources, "source")
        ref(o, ("state",), gs.state, states, "state")
        goal_ids: set[str] = set()
        for i, g in enumerate(gs.goals):
            if g.id in goal_ids:
                rep.add(o, ("goals", i, "id"), f"duplicate goal id {g.id!r}")
            goal_ids.add(g.id)
            for j, cited in enumerate(g.commitments):
                ref(o, ("goals", i, "commitments", j), cited, commitments, "commitment")
            if g.metric:
                ref(o, ("goals", i, "metric", "metric"), g.metric.metric, vocabulary.metrics, "metric")
                for j, y in enumerate(g.metric.yearly):
                    ref(o, ("goals", i, "metric", "yearly", j, "metric"), y.metric, vocabulary.metrics, "metric")
            check_rules(o, g.rules, ("goals", i))

    # ---- observations
    for oid, obs in observations.items():
        o = origins[("observations", oid)]
        ref(o, ("state",), obs.state, states, "state")
        ref(o, ("source",), obs.source, sources, "source")
        ref(o, ("kind",), obs.kind, vocabulary.kinds, "observation kind")
        for j, t in enumerate(obs.tags):
            ref(o, ("tags", j), t, vocabulary.tags, "tag")
        for j, cited in enumerate(obs.commitments):
            if ref(o, ("commitments", j), cited, commitments, "commitment") and obs.state in states:
                start = instruments.get(commitments[cited].instrument)
                in_force = commitments[cited].in_force or (start.adopted if start else None)
                if in_force and obs.date.end < in_force.start:
                    rep.add(
                        o,
                        ("date",),
                        f"dated before {cited} was in force ({in_force}); it will not be scored for it",
                        "warning",
                    )
        for j, case_id in enumerate(obs.cases):
            ref(o, ("cases", j), case_id, cases, "case")
        if obs.metric:
            if ref(o, ("metric", "name"), obs.metric.name, vocabulary.metrics, "metric"):
                unit = vocabulary.metrics[obs.metric.name].unit
                if obs.metric.unit != unit:
                    rep.add(
                        o,
                        ("metric", "unit"),
                        f"unit {obs.metric.unit!r} does not match metric {obs.metric.name} (expected {unit!r})",
                    )
        if obs.standing:
            if ref(o, ("standing", "condition"), obs.standing.condition, vocabulary.conditions, "condition"):
                allowed = vocabulary.conditions[obs.standing.condition].subjects
                subj = obs.standing.subject
                if subj is not None and allowed is not None and subj not in allowed:
                    rep.add(
                        o,
                        ("standing", "subject"),
                        f"unknown subject {subj!r} of {obs.standing.condition}{did_you_mean(subj, allowed)}",
                    )
        if today is not None and obs.date.start > today:
            rep.add(o, ("date",), f"{obs.date} is in the future (today is {today})")
        obs_state = states.get(obs.state)
        if obs_state and obs_state.left and obs.date.start > obs_state.left.end:
            rep.add(o, ("date",), f"{obs.state} ceased to be a participating state on {obs_state.left}", "warning")

    # ---- assessments
    for aid, a in assessments.items():
        o = origins[("assessments", aid)]
        ref(o, ("state",), a.state, states, "state")
        ref(o, ("commitment",), a.commitment, commitments, "commitment")
        try:
            parse_period(a.period, resolved_periods)
        except Exception as exc:  # UsageError
            rep.add(o, ("period",), str(exc))
        if a.expires and a.expires.end < a.date.start:
            rep.add(o, ("expires",), "expires before it was made")

    # ---- warn about observations that no rule reads
    read = _what_rules_read(list(commitments.values()))
    for oid, obs in observations.items():
        if not _is_read(obs, read):
            rep.add(
                origins[("observations", oid)],
                ("kind",),
                f"no rule reads an observation of kind {obs.kind!r} with these tags" + _cited_reads(obs, commitments),
                "warning",
            )

    # ---- method 2: observations reporting one fact differently (conflicts.py)
    from .conflicts import find as find_conflicts

    for conflict in find_conflicts(observations.values(), sources):
        for oid in conflict.set_aside:
            rep.add(
                origins[("observations", oid)],
                ("fact",),
                f"reports fact {conflict.fact!r} differently from {conflict.kept}, which is kept "
                f"({conflict.reason}); this one is set aside, not scored",
                "warning",
            )

    if any(p.level == "error" for p in rep.problems):
        return None, rep.problems
    corpus = Corpus(
        root=root,
        vocabulary=vocabulary,
        instruments=instruments,
        states=states,
        periods=named,
        commitments=dict(sorted(commitments.items())),
        rule_tests=rule_tests,
        sources=sources,
        cases=cases,
        observations=sorted(observations.values(), key=lambda x: (x.date.start, x.date.end, x.id)),
        assessments=sorted(assessments.values(), key=lambda x: x.id),
        goal_sets=goal_sets,
        origins=origins,
        named_periods=resolved_periods,
    )
    return corpus, rep.problems


def _what_rules_read(commitments: list[Commitment]) -> dict[str, Any]:
    kinds: set[str] = set()
    any_kind_tags: list[tuple[set[str], set[str]]] = []
    conditions: set[str] = set()
    metrics: set[str] = set()
    for c in commitments:
        for r in c.rules:
            if isinstance(r, EventRule):
                if r.match.kinds:
                    kinds.update(r.match.kinds)
                else:
                    any_kind_tags.append((set(r.match.tags_any), set(r.match.tags_all)))
            elif isinstance(r, StandingRule):
                conditions.add(r.condition)
            else:
                metrics.add(r.metric)
    return {"kinds": kinds, "tagged": any_kind_tags, "conditions": conditions, "metrics": metrics}


def _cited_reads(obs: Observation, commitments: dict[str, Commitment]) -> str:
    """What the rules of the commitments an observation cites do read (method 2: nothing silent)."""
    parts = []
    for cid in obs.commitments:
        c = commitments.get(cid)
        if c is None:
            continue
        r = _what_rules_read([c])
        wants = [f"kinds {', '.join(sorted(r['kinds']))}"] if r["kinds"] else []
        wants += [f"tags {', '.join(sorted(t for a, b in r['tagged'] for t in a | b))}"] if r["tagged"] else []
        wants += [f"conditions {', '.join(sorted(r['conditions']))}"] if r["conditions"] else []
        wants += [f"metrics {', '.join(sorted(r['metrics']))}"] if r["metrics"] else []
        parts.append(f"{cid} reads {'; '.join(wants) or 'nothing'}")
    return f" (the cited {'; '.join(parts)})" if parts else " (and it cites no commitment)"


def _is_read(obs: Observation, read: dict[str, Any]) -> bool:
    if obs.kind in read["kinds"]:
        return True
    if obs.standing and obs.standing.condition in read["conditions"]:
        return True
    if obs.metric and obs.metric.name in read["metrics"]:
        return True
    tags = set(obs.tags)
    return any((not anyt or anyt & tags) and alltags <= tags for anyt, alltags in read["tagged"])

"""Rule tests as data (in the spirit of ``opa test``).

Each case in ``commitments/tests/*.yaml`` gives a few observations, a state and a period, and
the status that one rule's finding must have there (``none``: the rule yields no finding).
:func:`run_rule_tests` runs them all and reports rule coverage: a rule with no test, or with
tests of only one outcome (no passing-and-failing pair), is reported as uncovered.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from helsinki_compliance.engine.evaluation import Evaluator, combine
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.fixtures import fixture_observation
from helsinki_compliance.model.periods import parse_period
from helsinki_compliance.model.records import Observation, RuleTest, RuleTestCase, Source

FIXTURE_SOURCE = Source(
    id="fixture",
    title="Rule test fixture",
    author="helsinki-compliance",
    date="2000",
    kind="fixture",
    reliability="high",
)


@dataclass(frozen=True)
class CaseResult:
    commitment: str
    rule: str
    name: str
    expected: str
    actual: str
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and self.expected == self.actual


@dataclass
class RuleTestReport:
    results: list[CaseResult]
    uncovered: list[str]  # "commitment/rule: reason"

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.uncovered


def _fixture_observations(case: RuleTestCase) -> list[Observation]:
    return [fixture_observation(case, i, raw) for i, raw in enumerate(case.observations)]


def run_case(corpus: Corpus, test: RuleTest, case: RuleTestCase) -> CaseResult:
    commitment = corpus.commitments[test.commitment]
    rule = next(r for r in commitment.rules if r.id == test.rule)
    try:
        observations = _fixture_observations(case)
        period = parse_period(case.period, corpus.named_periods)
    except (ValidationError, ValueError) as exc:
        msg = str(exc).splitlines()[0]
        return CaseResult(test.commitment, test.rule, case.name, case.expect, "error", msg)
    mini = dataclasses.replace(
        corpus,
        observations=sorted(observations, key=lambda o: (o.date.start, o.id)),
        sources={**corpus.sources, "fixture": FIXTURE_SOURCE},
        assessments=[],
    )
    ev = Evaluator(mini)
    as_of = case.as_of.end if case.as_of else date(9999, 12, 31)
    in_force = ev.in_force(commitment, case.state, period)
    if in_force is None:
        return CaseResult(test.commitment, test.rule, case.name, case.expect, "not-in-force")
    findings = ev.findings(commitment, case.state, period.start, period.end, as_of, in_force, rules=[rule])
    status, _, _ = combine(findings)
    actual = "none" if status == "not-assessed" else status
    return CaseResult(test.commitment, test.rule, case.name, case.expect, actual)


def run_rule_tests(corpus: Corpus, commitment_prefix: str | None = None) -> RuleTestReport:
    results: list[CaseResult] = []
    outcomes: dict[tuple[str, str], set[str]] = {}
    for test in sorted(corpus.rule_tests, key=lambda t: (t.commitment, t.rule)):
        if commitment_prefix and not test.commitment.startswith(commitment_prefix):
            continue
        for case in test.cases:
            results.append(run_case(corpus, test, case))
            outcomes.setdefault((test.commitment, test.rule), set()).add(case.expect)
    uncovered = []
    for c in corpus.commitments.values():
        if commitment_prefix and not c.id.startswith(commitment_prefix):
            continue
        for r in c.rules:
            seen = outcomes.get((c.id, r.id))
            if not seen:
                uncovered.append(f"{c.id}/{r.id}: no rule test")
            elif len(seen) < 2:
                uncovered.append(
                    f"{c.id}/{r.id}: tests of one outcome only ({', '.join(sorted(seen))}); add a failing case"
                )
    return RuleTestReport(results, uncovered)

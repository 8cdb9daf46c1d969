"""Evaluate observations against commitments: cells, per-basket and overall scores.

How a cell is decided (this is the documented scoring method):

0. **Not yet** (method 3). A period that begins after the as-of date is ``not-yet``: nothing
   is forecast from carried conditions. A period containing the as-of date is scored on what
   was known by then and marked ``partial_period``.
1. **In force?** A cell is ``not-in-force`` when the period ends before the commitment's
   instrument was adopted (or before the state joined), or starts after the state ceased to
   exist. Event observations dated before the in-force date are not scored.
2. **Findings.** Every rule of the commitment is evaluated on the period (see :mod:`.rules`);
   standing conditions are carried in from earlier periods. Only observations known by the
   as-of date count; government claims count only where a rule asks for them.
3. **No findings -> ``not-assessed``.** Absence of evidence is never compliance.
4. **Score.** The cell's score is the severity-weighted mean of its findings' scores
   (compliant 1.0, partial 0.5, violation 0.0; weights minor 1, moderate 2, serious 3).
5. **Status from score.** >= 0.80 ``compliant``; >= 0.35 ``partial``; below, ``violation``.
6. **Confidence.** The weighted mean of the findings' confidence, where a finding's
   confidence is the mean over its observations of min(observation confidence, source
   reliability) with high 1.0, medium 0.7, low 0.4.
7. **Analyst assessments** in force at the as-of date then ``set`` the status or ``adjust``
   the score; the computed status is kept beside the final one and both are shown.
8. **Baskets and overall.** The commitment-weighted mean of the scores of the assessed cells;
   the same bands give the status. ``assessed``/``total`` say how much rests on evidence.
   A standing condition last confirmed beyond the horizon (staleness.py) is listed, not scored.
9. **Coverage** (:mod:`.coverage`). Every cell and group carries the observations, sources and
   dates behind it; a group with fewer than 3 commitments assessed or fewer than 2 observations
   is ``insufficient-evidence``, with no score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from helsinki_compliance.engine import coverage as cov
from helsinki_compliance.engine.kinds import event as _builtin_kinds  # noqa: F401 (registers the kinds)
from helsinki_compliance.engine.rules import Finding, StateEvidence, Window, WindowIndex, evaluate_rule
from helsinki_compliance.engine.staleness import DEFAULT_METHOD, Method
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import SEVERITY_WEIGHTS, STATUS_SCORES, Assessment, Commitment, Observation

COMPLIANT_AT = 0.80
PARTIAL_AT = 0.35
SCORED = ("compliant", "partial", "violation")
#: method 3: the status of a cell or group whose period begins after the as-of date
NOT_YET = "not-yet"


def not_yet(period: Period, as_of: date) -> bool:
    """Whether ``period`` begins after ``as_of`` (no forecasts: such a period is not scored)."""
    return period.start > as_of


def partial_period(period: Period, as_of: date) -> bool:
    """Whether ``as_of`` falls inside ``period`` (its score rests on part of it only)."""
    return period.start <= as_of < period.end


def status_for_score(score: float) -> str:
    if score >= COMPLIANT_AT:
        return "compliant"
    if score >= PARTIAL_AT:
        return "partial"
    return "violation"


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass(frozen=True)
class AppliedAssessment:
    id: str
    action: str
    status: str | None
    adjust: float | None
    author: str
    date: str
    justification: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Cell:
    """One state x commitment x period."""

    state: str
    commitment: str
    period: str
    status: str
    score: float | None
    confidence: float | None
    findings: tuple[Finding, ...] = ()
    computed_status: str = "not-assessed"
    computed_score: float | None = None
    assessment: AppliedAssessment | None = None
    coverage: cov.Coverage = cov.EMPTY
    too_old: tuple[Finding, ...] = ()  # method 3: conditions beyond the scoring horizon, shown, not scored
    partial_period: bool = False  # method 3: the as-of date falls inside the period

    @property
    def observations(self) -> list[str]:
        return sorted({o for f in self.findings for o in f.observations})

    @property
    def stale(self) -> bool:
        return any(f.age != "fresh" for f in self.findings)

    def to_dict(self, sources: dict[str, str] | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {
            "state": self.state,
            "commitment": self.commitment,
            "period": self.period,
            "status": self.status,
            "score": _r(self.score),
            "confidence": _r(self.confidence),
            "computed_status": self.computed_status,
            "computed_score": _r(self.computed_score),
            "assessment": self.assessment.to_dict() if self.assessment else None,
            "observations": self.observations,
            "findings": [f.to_dict() for f in self.findings],
            "coverage": self.coverage.to_dict(),
            "stale": self.stale,
            "too_old": [f.to_dict() for f in self.too_old],
            "partial_period": self.partial_period,
        }
        if sources is not None:
            d["sources"] = sorted({sources[o] for o in self.observations if o in sources})
        return d


@dataclass(frozen=True)
class GroupScore:
    """A basket's (or the overall) score for one state and period."""

    state: str
    group: str
    period: str
    status: str
    score: float | None
    assessed: int
    in_force: int
    coverage: cov.Coverage = cov.EMPTY
    raw_score: float | None = None  # the weighted mean even when the evidence is insufficient
    partial_period: bool = False  # method 3: the as-of date falls inside the period
    band: tuple[float, float] | None = None  # method 3: the score's range under the documented variants

    @property
    def label(self) -> str:
        """Coverage in words: ``9/27 commitments, 14 obs., 3 sources, 1975-1987``."""
        return cov.label(self.assessed, self.in_force, self.coverage)

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "group": self.group,
            "period": self.period,
            "status": self.status,
            "score": _r(self.score),
            "raw_score": _r(self.raw_score),
            "assessed": self.assessed,
            "in_force": self.in_force,
            "coverage": self.coverage.to_dict(),
            "partial_period": self.partial_period,
            "band": None if self.band is None else {"low": _r(self.band[0]), "high": _r(self.band[1])},
        }


@dataclass
class Scorecard:
    as_of: date
    states: list[str]
    periods: list[Period]
    commitments: list[Commitment]
    cells: dict[tuple[str, str, str], Cell]
    groups: dict[tuple[str, str, str], GroupScore] = field(default_factory=dict)
    engine: str = "python"  # which engine evaluated it (engine/engines.py); never part of the output
    engine_summary: str = ""  # what an SQL engine left to the reference, in words

    def cell(self, state: str, commitment: str, period: str) -> Cell:
        return self.cells[(state, commitment, period)]

    def group(self, state: str, group: str, period: str) -> GroupScore:
        return self.groups[(state, group, period)]

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per cell (tidy long format, like the CSV report): for pandas, R, a spreadsheet."""
        periods = {p.id: p for p in self.periods}
        comms = {c.id: c for c in self.commitments}
        out = []
        for (state, cid, pid), cell in self.cells.items():
            out.append(
                {
                    "state": state,
                    "period": pid,
                    "period_start": periods[pid].start,
                    "period_end": periods[pid].end,
                    "commitment": cid,
                    "basket": comms[cid].basket,
                    "status": cell.status,
                    "score": cell.score,
                    "confidence": cell.confidence,
                    "computed_status": cell.computed_status,
                    "assessment": cell.assessment.id if cell.assessment else None,
                    "observations": list(cell.observations),
                    "findings": len(cell.findings),
                }
            )
        return out

    def to_dataframe(self) -> Any:
        """:meth:`to_records` as a pandas DataFrame (pandas is optional: ImportError names it)."""
        try:
            import pandas as pd  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_dataframe() needs pandas: pip install pandas") from exc
        return pd.DataFrame.from_records(self.to_records())

    def to_dict(self, corpus: Corpus | None = None) -> dict[str, Any]:
        """Every cell with its findings and their observation ids (the scorecard's evidence inline)."""
        sources = {o.id: o.source for o in corpus.observations} if corpus else None
        return {
            **self.to_dict_head(),
            "cells": [self.cells[k].to_dict(sources) for k in sorted(self.cells)],
            "groups": [self.groups[k].to_dict() for k in sorted(self.groups)],
        }

    def to_dict_head(self) -> dict[str, Any]:
        """The scorecard's as-of date, method, states, periods and commitments (no cells, no groups)."""
        return {
            "as_of": self.as_of.isoformat(),
            "method": {
                "compliant_at": COMPLIANT_AT,
                "partial_at": PARTIAL_AT,
                "scores": STATUS_SCORES,
                "min_commitments": cov.MIN_COMMITMENTS,
                "min_observations": cov.MIN_OBSERVATIONS,
                "horizon_years": DEFAULT_METHOD.horizon_years,
                "bands": "range of each group score over the horizon at 3, 5 and 8 years, severity weights on "
                "or off, conflicts resolved by reliability or conservatively (docs/scoring.md, Method 3)",
            },
            "states": self.states,
            "periods": [
                {
                    "id": p.id,
                    "label": p.label,
                    "kind": p.kind,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "not_yet": not_yet(p, self.as_of),
                    "partial_period": partial_period(p, self.as_of),
                }
                for p in self.periods
            ],
            "commitments": [
                {
                    "id": c.id,
                    "instrument": c.instrument,
                    "basket": c.basket,
                    "chapter": c.chapter,
                    "title": c.title,
                    "weight": c.weight,
                }
                for c in self.commitments
            ],
        }


def combine(findings: Sequence[Finding], method: Method = DEFAULT_METHOD) -> tuple[str, float | None, float | None]:
    """Status, score and confidence of a cell from its findings (steps 3-6 above); findings beyond
    the horizon do not count. ``method.severity_weights`` off: every finding weighs 1 (a band variant)."""
    findings = [f for f in findings if f.scored]
    if not findings:
        return "not-assessed", None, None

    if method.severity_weights:
        weights = [f.weight for f in findings]
    else:
        weights = [f.weight / SEVERITY_WEIGHTS[f.severity] for f in findings]
    # each weight computed once; the sums add the same terms in the same order as before
    total = sum(weights)
    score = sum(w * f.score for w, f in zip(weights, findings, strict=True)) / total
    confidence = sum(w * f.confidence for w, f in zip(weights, findings, strict=True)) / total
    return status_for_score(score), score, confidence


def _assessment_for(
    assessments: Iterable[Assessment], state: str, commitment: str, period: str, as_of: date
) -> Assessment | None:
    chosen = None
    for a in assessments:
        if a.state == state and a.commitment == commitment and a.period == period and a.date.end <= as_of:
            if a.expires is None or a.expires.end >= as_of:
                if chosen is None or (a.date.end, a.id) > (chosen.date.end, chosen.id):
                    chosen = a
    return chosen


class Evaluator:
    """Evaluates one corpus; caches each state's indexed evidence between calls."""

    def __init__(self, corpus: Corpus, method: Method = DEFAULT_METHOD) -> None:
        self.corpus = corpus
        self.method = method
        self._evidence: dict[str, StateEvidence] = {}
        self._windows: dict[tuple[str, date, date, date, date], tuple[list[Observation], WindowIndex]] = {}
        self._window_state: str | None = None

    def indexed_evidence(self) -> dict[str, StateEvidence]:
        """The states whose evidence this evaluator has indexed so far (a copy of the mapping)."""
        return dict(self._evidence)

    def adopt_evidence(self, indexed: dict[str, StateEvidence]) -> None:
        """Use another evaluator's indexes for these states (their observations must be the same)."""
        self._evidence.update(indexed)

    def evidence(self, state: str) -> StateEvidence:
        if state not in self._evidence:
            # method 2: of observations reporting one fact differently, only the one kept at the
            # as-of date is scored (StateEvidence resolves the conflicts per as-of date)
            obs = [o for o in self.corpus.observations_of(state) if not o.context]
            effects = {word: e.effect for word, e in self.corpus.vocabulary.endings.items()}
            self._evidence[state] = StateEvidence(obs, self.corpus.sources, effects, self.method)
        return self._evidence[state]

    def in_force(self, commitment: Commitment, state: str, period: Period) -> date | None:
        """The in-force date if the commitment binds the state at some time in the period."""
        start = self.corpus.in_force_from(commitment, state)
        if start is None or period.end < start:
            return None
        left = self.corpus.state_left(state)
        if left is not None and period.start > left:
            return None
        return start

    def findings(
        self,
        commitment: Commitment,
        state: str,
        start: date,
        end: date,
        as_of: date,
        in_force: date,
        rules: Sequence[Any] | None = None,
        snapshot: bool = False,
    ) -> list[Finding]:
        # the window's observations and their index are shared by the commitments with the same in-force date
        key = (state, start, end, as_of, in_force)
        if self._window_state != state:  # keep one state's windows at a time
            self._windows.clear()
            self._window_state = state
        shared = self._windows.get(key)
        evidence = self.evidence(state)
        if shared is None:
            obs = evidence.window(start, end, as_of, in_force)
            shared = self._windows[key] = (obs, WindowIndex(obs))
        window = Window(evidence, start, end, as_of, in_force, commitment.id, shared[0], snapshot, shared[1])
        out: list[Finding] = []
        for rule in rules if rules is not None else commitment.rules:
            out.extend(evaluate_rule(rule, window))
        return out

    def cell(self, commitment: Commitment, state: str, period: Period, as_of: date) -> Cell:
        if not_yet(period, as_of):
            return Cell(state, commitment.id, period.id, NOT_YET, None, None, computed_status=NOT_YET)
        in_force = self.in_force(commitment, state, period)
        part = partial_period(period, as_of)
        if in_force is None:
            return Cell(
                state,
                commitment.id,
                period.id,
                "not-in-force",
                None,
                None,
                computed_status="not-in-force",
                partial_period=part,
            )
        found = self.findings(commitment, state, period.start, period.end, as_of, in_force)
        findings = tuple(f for f in found if f.scored)
        too_old = tuple(f for f in found if not f.scored)
        status, score, confidence = combine(findings, self.method)
        coverage = cov.coverage_of(
            (o for f in findings for o in f.observations),
            self.evidence(state).by_id,
            sum(1 for f in findings if f.age != "fresh"),
        )
        a = _assessment_for(self.corpus.assessments, state, commitment.id, period.id, as_of)
        if a is None:
            return Cell(
                state,
                commitment.id,
                period.id,
                status,
                score,
                confidence,
                findings,
                status,
                score,
                None,
                coverage,
                too_old,
                part,
            )
        applied = AppliedAssessment(a.id, a.action, a.status, a.adjust, a.author, a.date.text, a.justification)
        if a.action == "set":
            assert a.status is not None
            final_status, final_score = a.status, STATUS_SCORES[a.status]
        else:
            base = score if score is not None else 0.5
            final_score = min(1.0, max(0.0, base + (a.adjust or 0.0)))
            final_status = status_for_score(final_score)  # type: ignore[assignment]
        return Cell(
            state,
            commitment.id,
            period.id,
            final_status,
            final_score,
            confidence,
            findings,
            status,
            score,
            applied,
            coverage,
            too_old,
            part,
        )

    def scorecard(
        self,
        states: Sequence[str],
        periods: Sequence[Period],
        as_of: date,
        commitments: Sequence[Commitment] | None = None,
    ) -> Scorecard:
        comms = list(commitments if commitments is not None else self.corpus.commitments.values())
        cells: dict[tuple[str, str, str], Cell] = {}
        for state in states:
            for p in periods:
                for c in comms:
                    cells[(state, c.id, p.id)] = self.cell(c, state, p, as_of)
        card = Scorecard(as_of, list(states), list(periods), comms, cells)
        card.groups = group_scores(card)
        return card


def group_scores(card: Scorecard) -> dict[tuple[str, str, str], GroupScore]:
    """Per-basket and overall scores (step 8)."""
    out: dict[tuple[str, str, str], GroupScore] = {}
    groups: dict[str, list[Commitment]] = {}
    for c in card.commitments:
        groups.setdefault(c.basket, []).append(c)
    groups["overall"] = list(card.commitments)
    for state in card.states:
        for p in card.periods:
            for g, members in groups.items():
                cells = [(c, card.cells[(state, c.id, p.id)]) for c in members]
                in_force = [(c, x) for c, x in cells if x.status not in ("not-in-force", NOT_YET)]
                scored = [(c, x) for c, x in in_force if x.score is not None and x.status in SCORED]
                raw: float | None = None
                coverage = cov.merge([x for _, x in scored])
                if not_yet(p, card.as_of):
                    status, score = NOT_YET, None
                elif not in_force:
                    status, score = "not-in-force", None
                elif not scored:
                    status, score = "not-assessed", None
                else:
                    w = sum(c.weight for c, _ in scored)
                    raw = score = sum(c.weight * (x.score or 0.0) for c, x in scored) / w
                    status = status_for_score(score)
                    if not cov.sufficient(len(scored), coverage.observations):
                        status, score = cov.INSUFFICIENT, None
                out[(state, g, p.id)] = GroupScore(
                    state,
                    g,
                    p.id,
                    status,
                    score,
                    len(scored),
                    len(in_force),
                    coverage,
                    raw,
                    partial_period(p, card.as_of),
                )
    return out


def evaluate(
    corpus: Corpus,
    *,
    states: Sequence[str],
    periods: Sequence[Period],
    as_of: date,
    commitments: Sequence[str] | None = None,
) -> Scorecard:
    """Evaluate ``corpus`` for ``states`` over ``periods`` as of ``as_of``."""
    chosen = [corpus.commitments[c] for c in commitments] if commitments else None
    return Evaluator(corpus).scorecard(states, periods, as_of, chosen)

"""Goal tracking: a goal set's goals, as of any date, with a progress verdict per goal and tier.

How a verdict is computed (documented in docs/goals.md):

* **Progress** is a number from 0 (nothing of the target achieved) to 1 (target reached).
  - A goal with **rules** (the same rule kinds commitments use) takes the severity-weighted
    score of its findings. Standing conditions are judged by their state *at* the date
    (a snapshot: in effect -> its ``while_in_effect`` status; ended -> ``when_ended``); events
    count inside the window.
  - A goal with a **metric target** (``emigration.annual-rate >= 10000``) takes the latest
    figure in the window divided by the target (capped at 1); with no figure it falls back on
    its rules (e.g. "emigration restricted" standing condition = 0).
  - A **scorecard** goal takes the state's overall scorecard score over the window.
* **Baseline** progress is measured on the window ending at the end of the baseline date
  (events from the year before it); **current** progress on the window from the day after the
  baseline to the as-of date. Both use only observations known by the as-of date.
* **Verdict**: ``not-assessed`` when either end has no evidence; ``met`` when the target is met
  (metric comparison true, or status ``compliant`` with no violation finding); otherwise the
  change in progress: at least ``bands.significant`` (0.25) -> ``significant-progress``, at
  least ``bands.slight`` (0.05) -> ``slight-progress``, at most ``-bands.slight`` ->
  ``regression``, else ``no-change``.
* **Tier verdict**: ``met`` when every assessed goal is met; otherwise the lower median of the
  assessed goals' verdicts in the order regression < no-change < slight < significant < met.

Method 2 (:mod:`.goalwindow`): the current window is the year before the as-of date (not
everything since the baseline), event rules count distinct steps (capped), yearly totals stand
for annual rates, unmet goals never show progress 1.00, and each goal gives the date of its
latest evidence and a stale flag.

Method 3 ("Goals 3", docs/goals.md): a standing condition beyond the scoring horizon does not
count (as in cells); ``no-change`` needs evidence, no older than :data:`.goalwindow.STALE_DAYS`,
that the condition persists, else the verdict is ``no-evidence-since`` with that date; ``met``
needs corroboration (:func:`.goalwindow.corroborated`), else the verdict follows the change in
progress; the timeline gives two readings, as known at each period's end and as known on one date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from helsinki_compliance.engine import goalwindow as gw
from helsinki_compliance.engine.evaluation import Evaluator, combine, group_scores
from helsinki_compliance.engine.evaluation import Scorecard as _Scorecard
from helsinki_compliance.engine.kinds.metric import aggregate, format_number, latest_key
from helsinki_compliance.engine.rules import Finding, StateEvidence, Window, evaluate_rule
from helsinki_compliance.engine.staleness import corpus_clock
from helsinki_compliance.errors import UsageError, did_you_mean
from helsinki_compliance.model import defaults
from helsinki_compliance.model.conditions import compare
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period, calendar_periods
from helsinki_compliance.model.records import Goal, GoalSet

VERDICTS = (
    "met",
    "significant-progress",
    "slight-progress",
    "no-change",
    "regression",
    "no-evidence-since",
    "not-assessed",
)
_RANK = {"regression": 0, "no-change": 1, "slight-progress": 2, "significant-progress": 3, "met": 4}


@dataclass(frozen=True)
class Measure:
    progress: float | None
    status: str
    met: bool
    detail: str
    evidence: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "progress": None if self.progress is None else round(self.progress, 4),
            "status": self.status,
            "met": self.met,
            "detail": self.detail,
            "evidence": list(self.evidence),
        }


def _window(ev: Evaluator, state: str, start: date, end: date, as_of: date) -> Window:
    return Window.make(ev.evidence(state), start, end, as_of, date(1, 1, 1), "", snapshot=True)


def _rule_findings(
    ev: Evaluator, goal: Goal, state: str, start: date, end: date, as_of: date
) -> tuple[list[Finding], list[Finding]]:
    """The goal's scored findings, and those beyond the scoring horizon (shown, not scored)."""
    w = _window(ev, state, start, end, as_of)
    out: list[Finding] = []
    for rule in goal.rules:
        out.extend(evaluate_rule(rule, w))
    return gw.steps([f for f in out if f.scored], w.evidence), [f for f in out if not f.scored]


def measure(ev: Evaluator, goal: Goal, state: str, start: date, end: date, as_of: date) -> Measure:
    """Progress toward ``goal`` on the window [start, end] (standing conditions at ``end``)."""
    if goal.metric:
        w = _window(ev, state, start, end, as_of)
        figures = [o for o in w.observations if o.metric and o.metric.name == goal.metric.metric and o.counts()]
        yearly = gw.best_yearly(gw.yearly_figures(goal.metric, w.evidence, start, end, as_of))
        if yearly is not None and (not figures or yearly[0].date.end > max(o.date.end for o in figures)):
            o, value, bound = yearly
            op = goal.metric.op
            met = compare(op, value, goal.metric.value) and (bound == "exact" or op in ("ge", "gt"))
            progress = max(0.0, min(1.0, value / goal.metric.value)) if goal.metric.value else 0.0
            unit = ev.corpus.vocabulary.metrics.get(goal.metric.metric)
            return Measure(
                gw.honest_progress(1.0 if met else progress, met),
                "met" if met else "short-of-target",
                met,
                gw.describe_yearly(yearly, unit.unit if unit else "a rate")
                + f" (target {op} {format_number(goal.metric.value)})",
                (o.id,),
            )
        if figures:
            value = aggregate([(o, o.metric.effective) for o in figures if o.metric], goal.metric.aggregate)
            met = compare(goal.metric.op, value, goal.metric.value)
            progress = 1.0 if met else max(0.0, min(1.0, value / goal.metric.value)) if goal.metric.value else 0.0
            progress = gw.honest_progress(progress, met)
            latest = max(figures, key=latest_key)
            assert latest.metric is not None
            shown = format_number(latest.metric.value)
            if latest.metric.qualifier != "exact":
                shown = f"{latest.metric.qualifier} {shown}"
            return Measure(
                progress,
                "met" if met else "short-of-target",
                met,
                f"{goal.metric.metric} = {shown} (target {goal.metric.op} {format_number(goal.metric.value)})",
                tuple(o.id for o in figures),
            )
    if goal.rules:
        findings, too_old = _rule_findings(ev, goal, state, start, end, as_of)
        status, score, _ = combine(findings)
        if score is None:
            if too_old:
                return Measure(None, "not-assessed", False, "; ".join(f.detail for f in too_old), ())
            return Measure(None, "not-assessed", False, "no evidence", ())
        met = status == "compliant" and not any(f.status == "violation" for f in findings)
        detail = "; ".join(f.detail for f in findings)
        return Measure(
            gw.honest_progress(score, met),
            status,
            met,
            detail,
            tuple(sorted({o for f in findings for o in f.observations})),
        )
    if goal.scorecard:
        comms = (
            [ev.corpus.commitments[c] for c in goal.commitments]
            if goal.commitments
            else list(ev.corpus.commitments.values())
        )
        period = Period(start, end, "window", "window", "range")
        cells = {(state, c.id, "window"): ev.cell(c, state, period, as_of) for c in comms}
        card = _Scorecard(as_of, [state], [period], comms, cells)
        g = group_scores(card)[(state, "overall", "window")]
        if g.score is None:
            return Measure(None, g.status, False, "no assessed commitment", ())
        violations = sum(1 for c in cells.values() if c.status == "violation")
        met = g.status == "compliant" and violations == 0
        detail = f"overall score {g.score:.2f} over {g.assessed} assessed of {g.in_force} commitments in force; {violations} in violation"
        evidence = tuple(sorted({o for c in cells.values() for o in c.observations}))
        return Measure(gw.honest_progress(g.score, met), g.status, met, detail, evidence)
    return Measure(None, "not-assessed", False, "no evidence", ())


def _baseline_measure(goal: Goal) -> Measure | None:
    """A metric that counts from the baseline has a known value there (its ``baseline_value``)."""
    m = goal.metric
    if m is None or m.baseline_value is None or not m.value:
        return None
    progress = max(0.0, min(1.0, m.baseline_value / m.value))
    return Measure(
        progress,
        "short-of-target",
        False,
        f"{m.metric} counts from the baseline: {format_number(m.baseline_value)} there",
        (),
    )


def verdict(baseline: Measure, current: Measure, gs: GoalSet) -> str:
    if current.progress is None:
        return "not-assessed"
    if current.met:
        return "met"
    if baseline.progress is None:
        return "not-assessed"
    delta = current.progress - baseline.progress
    if delta >= gs.bands.significant:
        return "significant-progress"
    if delta >= gs.bands.slight:
        return "slight-progress"
    if delta <= -gs.bands.slight:
        return "regression"
    return "no-change"


def checked_verdict(
    baseline: Measure, current: Measure, gs: GoalSet, evidence: StateEvidence, as_of: date
) -> tuple[str, dict[str, Any]]:
    """Method 3's verdict: :func:`verdict`, then ``met`` only when corroborated and ``no-change`` only
    when evidence within the goal horizon shows the condition persists; with the reasons as fields."""
    v = verdict(baseline, current, gs)
    notes: dict[str, Any] = {}
    if v == "met" and not gw.corroborated(current.evidence, evidence):
        notes["uncorroborated"] = True
        capped = Measure(gw.honest_progress(current.progress or 0.0, False), current.status, False, "", ())
        v = verdict(baseline, capped, gs)
    if v == "no-change":
        since = gw.latest_date(current.evidence or baseline.evidence, evidence)
        if since is None or (as_of - since).days > gw.STALE_DAYS:
            v = "no-evidence-since"
            notes["no_evidence_since"] = since.isoformat() if since else None
    return v, notes


def verdict_text(g: dict[str, Any]) -> str:
    """A verdict in words: ``no evidence since 1987-12-31``, ``slight-progress (met, uncorroborated)``."""
    v = str(g["verdict"])
    if v == "no-evidence-since":
        return f"no evidence since {g.get('no_evidence_since') or 'ever'}"
    if g.get("uncorroborated"):
        return f"{v} (met, uncorroborated)"
    return v


def tier_verdict(verdicts: Sequence[str]) -> str:
    assessed = sorted((v for v in verdicts if v in _RANK), key=_RANK.__getitem__)
    if not assessed:
        return "not-assessed"
    if all(v == "met" for v in assessed):
        return "met"
    return assessed[(len(assessed) - 1) // 2]


def _baseline_window(gs: GoalSet, baseline: date | None) -> tuple[date, date]:
    end = baseline or gs.baseline.end
    return end - timedelta(days=365), end


def track(
    corpus: Corpus,
    goal_set: str | None = None,
    *,
    as_of: date,
    state: str | None = None,
    baseline: date | None = None,
    evaluator: Evaluator | None = None,
    known_by: date | None = None,
) -> dict[str, Any]:
    """Every goal of a goal set as of ``as_of``: baseline, current, verdict; and tier verdicts.

    ``known_by`` (hindsight): measure on ``as_of`` with the evidence known by this later date."""
    gs = _goal_set(corpus, goal_set)
    code = state or gs.state
    ev = evaluator or Evaluator(corpus)
    known = max(known_by, as_of) if known_by else as_of
    b_start, b_end = _baseline_window(gs, baseline)
    goals = []
    for goal in gs.goals:
        if as_of <= b_end:
            base = measure(ev, goal, code, b_start, as_of, known)
            cur = Measure(None, "not-assessed", False, "the as-of date is not after the baseline", ())
        else:
            base = _baseline_measure(goal) or measure(ev, goal, code, b_start, b_end, known)
            cur = measure(ev, goal, code, gw.current_start(b_end, as_of), as_of, known)
        v, notes = checked_verdict(base, cur, gs, ev.evidence(code), as_of)
        if notes.get("uncorroborated"):
            note = "; reads met, but uncorroborated (one source, and not a high-confidence report of a reliable one)"
            cur = replace(
                cur, progress=gw.honest_progress(cur.progress or 0.0, False), met=False, detail=cur.detail + note
            )
        goals.append(
            {
                "id": goal.id,
                "tier": goal.tier,
                "title": goal.title,
                "target": goal.target,
                "commitments": list(goal.commitments),
                "baseline": base.to_dict(),
                "current": cur.to_dict(),
                "verdict": v,
                **notes,
                "evidence": sorted(set(base.evidence) | set(cur.evidence)),
                **gw.latest_evidence(cur.evidence or base.evidence, ev.evidence(code), as_of),
            }
        )
    tiers = {}
    for tier in ("immediate", "intermediate", "long-range"):
        vs = [str(g["verdict"]) for g in goals if g["tier"] == tier]
        if vs:
            tiers[tier] = tier_verdict(vs)
    return {
        "goal_set": gs.id,
        "title": gs.title,
        "source": gs.source,
        "state": code,
        "baseline": (baseline.isoformat() if baseline else gs.baseline.text),
        "as_of": as_of.isoformat(),
        "known_by": known.isoformat(),
        "bands": gs.bands.model_dump(),
        "goals": goals,
        "tiers": tiers,
    }


def timeline(
    corpus: Corpus,
    periods: Sequence[Period],
    goal_set: str | None = None,
    *,
    state: str | None = None,
    baseline: date | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """The verdicts period by period, in two readings (method 3):

    * ``verdicts``: **as known at each period's end** (each period's end is the as-of date, capped
      by ``as_of``): what an observer could say then;
    * ``hindsight``: each period measured at its end with everything known on ``as_of`` (default:
      the corpus's clock), so later reports of earlier years count.
    """
    gs = _goal_set(corpus, goal_set)
    ev = Evaluator(corpus)
    clock = as_of or corpus_clock(corpus.observations)
    rows = []
    for p in periods:
        at = min(p.end, clock)
        t = track(corpus, gs.id, as_of=at, state=state, baseline=baseline, evaluator=ev)
        h = track(corpus, gs.id, as_of=at, state=state, baseline=baseline, evaluator=ev, known_by=clock)
        rows.append(
            {
                "period": p.id,
                "as_of": at.isoformat(),
                "verdicts": {g["id"]: g["verdict"] for g in t["goals"]},
                "verdict_texts": {g["id"]: verdict_text(g) for g in t["goals"]},
                "progress": {g["id"]: g["current"]["progress"] for g in t["goals"]},
                "stale": sorted(g["id"] for g in t["goals"] if g["stale"]),
                "tiers": t["tiers"],
                "hindsight": {
                    "known_by": clock.isoformat(),
                    "verdicts": {g["id"]: g["verdict"] for g in h["goals"]},
                    "verdict_texts": {g["id"]: verdict_text(g) for g in h["goals"]},
                    "progress": {g["id"]: g["current"]["progress"] for g in h["goals"]},
                    "tiers": h["tiers"],
                },
            }
        )
    return {
        "goal_set": gs.id,
        "state": state or gs.state,
        "as_of": clock.isoformat(),
        "readings": {
            "verdicts": "as known at each period's end",
            "hindsight": f"as known on {clock.isoformat()} (hindsight)",
        },
        "timeline": rows,
    }


#: The goal set used when none is named: the bundled Schifter memo's.
DEFAULT_GOAL_SET = defaults.GOAL_SET


def _goal_set(corpus: Corpus, goal_set: str | None) -> GoalSet:
    """The named goal set; unnamed: the default one, or the only one. Never a silent choice among several."""
    if not corpus.goal_sets:
        raise UsageError("no goal sets: add a file with top-level key 'goal_sets' under goals/")
    known = ", ".join(sorted(corpus.goal_sets))
    if goal_set is None:
        if DEFAULT_GOAL_SET in corpus.goal_sets:
            return corpus.goal_sets[DEFAULT_GOAL_SET]
        if len(corpus.goal_sets) == 1:
            return next(iter(corpus.goal_sets.values()))
        raise UsageError(f"this corpus has several goal sets; name one of: {known}")
    if goal_set not in corpus.goal_sets:
        raise UsageError(
            f"unknown goal set {goal_set!r}{did_you_mean(goal_set, corpus.goal_sets)}; the goal sets are: {known}"
        )
    return corpus.goal_sets[goal_set]


def report_goals(corpus: Corpus, states: Sequence[str], *, first: int, last: int, as_of: date) -> dict[str, Any] | None:
    """The goal data a report shows: for each goal set of a reported state, its verdicts and yearly timeline."""
    sets = [gs for gs in sorted(corpus.goal_sets.values(), key=lambda g: g.id) if gs.state in states]
    if not sets:
        return None
    years = calendar_periods("year", max(first, 1985), last)
    return {
        "goal_sets": [
            {**track(corpus, gs.id, as_of=as_of), **timeline(corpus, years, gs.id, as_of=as_of)} for gs in sets
        ]
    }

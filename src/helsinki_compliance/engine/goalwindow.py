"""Goals, method 2: rolling windows, repeated steps, yearly totals, honest progress, stale flags.

Documented in docs/goals.md ("Method 2"). The constants:

* :data:`ROLLING_YEARS`: the *current* end of a verdict is measured on the year up to the as-of
  date (1988-01-01..1988-12-31 as of 1988-12-31) (never earlier than the day after the baseline), so a step taken in 1987 no longer
  counts in 1990: verdicts can fall back, and regress.
* :data:`STEP_CAP`: an event rule of a goal gives one finding per distinct step (observations
  with a distinct date), at most this many; reports of one step by several sources, or several
  sentences of one report, are one step.
* :data:`UNMET_CAP`: progress of a goal that is not met is at most this, so a progress of
  1.00 always means met.
* :data:`STALE_DAYS`: a goal whose latest evidence is older than this at the as-of date is
  flagged stale; method 3: such a goal cannot read "no change" (it reads "no evidence since DATE").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from helsinki_compliance.engine.rules import Finding, StateEvidence
from helsinki_compliance.engine.staleness import years_before
from helsinki_compliance.model.dates import Precision
from helsinki_compliance.model.records import MetricTarget, Observation

ROLLING_YEARS = 1
STEP_CAP = 2
UNMET_CAP = 0.99
STALE_DAYS = 730


def current_start(baseline_end: date, as_of: date) -> date:
    """First day of the current window: a year before ``as_of``, never before the day after the baseline."""
    year_before = years_before(as_of, ROLLING_YEARS) + timedelta(days=1)
    return max(baseline_end + timedelta(days=1), year_before)


def honest_progress(progress: float, met: bool) -> float:
    """Progress capped below 1 for a goal that is not met."""
    return progress if met else min(progress, UNMET_CAP)


def steps(findings: Sequence[Finding], evidence: StateEvidence) -> list[Finding]:
    """Split each event finding into one finding per distinct step (date), at most :data:`STEP_CAP`."""
    out: list[Finding] = []
    for f in findings:
        if f.rule_kind != "event" or f.carried or len(f.observations) < 2:
            out.append(f)
            continue
        by_date: dict[str, list[str]] = {}
        for oid in f.observations:
            o = evidence.by_id.get(oid)
            by_date.setdefault(o.date.text if o else oid, []).append(oid)
        groups = sorted(by_date.items())[-STEP_CAP:]  # the latest steps
        n = len(by_date)
        for i, (when, ids) in enumerate(groups, 1):
            cap = f", capped at {STEP_CAP}" if n > STEP_CAP else ""
            what = f"{len(ids)} observation{'s' if len(ids) != 1 else ''} dated {when}"
            detail = f"{f.rule}: step {i} of {n} distinct steps{cap} ({what}) -> {f.status}"
            out.append(replace(f, observations=tuple(ids), detail=detail))
    return out


def _one_year(o: Observation) -> int | None:
    """The calendar year an observation's date covers exactly, or None."""
    d = o.date
    if d.precision is Precision.YEAR or (
        d.start.year == d.end.year and (d.start.month, d.start.day, d.end.month, d.end.day) == (1, 1, 12, 31)
    ):
        return d.start.year
    return None


#: How far before a window a calendar-year total may end and still be read (totals are published late).
YEARLY_LAG = timedelta(days=731)


def yearly_figures(
    target: MetricTarget, evidence: StateEvidence, start: date, end: date, as_of: date
) -> list[tuple[Observation, float, str]]:
    """Calendar-year totals of ``target.yearly`` metrics known by ``as_of``: (obs, value, bound).

    A year's total is published after the year ends (January or later), so a window also reads the
    totals of years that ended up to :data:`YEARLY_LAG` before it starts; :func:`best_yearly` takes
    the latest year, and the goal's latest-evidence date and stale flag show how old it is.
    """
    if not target.yearly:
        return []
    start = start - YEARLY_LAG
    bounds: dict[str, str] = {y.metric: y.bound for y in target.yearly}
    out: list[tuple[Observation, float, str]] = []
    for o in evidence.by_start:
        if o.metric is None or o.metric.name not in bounds or not o.counts():
            continue
        if _one_year(o) is None or not (start <= o.date.end <= end) or not evidence.scored(o, as_of):
            continue
        bound = bounds[o.metric.name]
        if o.metric.qualifier in ("at-least", "above"):
            bound = "at-least"
        out.append((o, o.metric.effective, bound))
    return out


def best_yearly(figures: list[tuple[Observation, float, str]]) -> tuple[Observation, float, str] | None:
    """The latest year's figure; for one year the exact total before a lower bound, then the larger."""
    if not figures:
        return None
    return max(figures, key=lambda f: (f[0].date.end, f[2] == "exact", f[1], f[0].id))


def describe_yearly(fig: tuple[Observation, float, str], unit: str) -> str:
    o, value, bound = fig
    assert o.metric is not None
    what = f"{o.metric.name} for {o.date.start.year} = {'at least ' if bound == 'at-least' else ''}{value:,.0f}"
    how = f"a calendar-year total read as {unit}"
    if bound == "at-least":
        how += "; a part of all emigrants, counted as a lower bound"
    return f"{what} ({how})"


def latest_date(ids: Sequence[str], evidence: StateEvidence) -> date | None:
    """The end date of the latest of ``ids`` (None: none of them is this state's evidence)."""
    dates = [evidence.by_id[i].date.end for i in ids if i in evidence.by_id]
    return max(dates) if dates else None


def corroborated(ids: Sequence[str], evidence: StateEvidence) -> bool:
    """Method 3: whether evidence can carry a "met": two independent sources (distinct source records),
    or one source of high reliability with a high-confidence observation."""
    # a report that a condition was still in effect is evidence of the baseline, not of its end
    known = [evidence.by_id[i] for i in ids if i in evidence.by_id]
    obs = [o for o in known if o.standing is None or not o.standing.in_effect]
    if len({o.source for o in obs}) >= 2:
        return True
    for o in obs:
        src = evidence.sources.get(o.source)
        if o.confidence == "high" and src is not None and src.reliability == "high":
            return True
    return False


def latest_evidence(ids: Sequence[str], evidence: StateEvidence, as_of: date) -> dict[str, Any]:
    """The date of a goal's latest evidence and whether it is stale at ``as_of``."""
    dates = [evidence.by_id[i].date.end for i in ids if i in evidence.by_id]
    if not dates:
        return {"latest_evidence": None, "stale": False}
    latest = max(dates)
    return {"latest_evidence": latest.isoformat(), "stale": (as_of - latest).days > STALE_DAYS}

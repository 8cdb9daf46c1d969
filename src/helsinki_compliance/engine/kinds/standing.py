"""Standing rules: a condition (with a subject) carried forward along its timeline until it ends, with ages and endings."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, NamedTuple

from helsinki_compliance.engine.rules import (
    Finding,
    Kind,
    StateEvidence,
    Timeline,
    TimelineSql,
    Window,
    register_kind,
    since_of,
)
from helsinki_compliance.engine.sql.standing import ENDING, LAST_BEFORE, standing_query, standing_tables
from helsinki_compliance.engine.staleness import (
    STALE_CONFIDENCE_FACTOR,
    TOO_OLD,
    age_class,
)
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import (
    Observation,
    StandingRule,
    tags_ok,
)


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


class Selection(NamedTuple):
    """What a standing rule reads of one (condition, subject) timeline in one window: the events known by the
    as-of date, in timeline order (end, start, id), that set the state in the period. Every engine selects
    this (the reference by bisection, engine/kinds/standing.py; SQL, engine/sql/timelines.py) and builds
    the finding from it with :func:`standing_finding`."""

    subject: str | None
    last_before: Observation | None  # the last event ending before the period
    ending: tuple[Observation, ...]  # the events ending in the period
    covering: tuple[Observation, ...]  # range-dated conditions covering the period's end, ending after it


def select(rule: StandingRule, w: Window, timeline: Timeline) -> Selection | None:
    """The selection of ``rule`` on one timeline in ``w``, or None when the rule reads nothing of it (a subject
    not asked for, nothing known by the as-of date, a tag missing, nothing known by the period's end)."""
    if rule.subjects is not None and timeline.subject not in rule.subjects:
        return None
    track = (timeline.all if rule.include_claims else timeline.facts).known_at(w.as_of)
    ends = track.ends
    # events[:known] are known by the as-of date
    known = len(ends) if track.filtered else bisect_right(ends, w.as_of)
    if not known:
        return None
    events = track.events
    if (rule.tags_any or rule.tags_all) and not tags_ok(track.tags_known(known), rule.tags_any, rule.tags_all):
        return None
    first_in = bisect_left(ends, w.start, 0, known)  # events[:first_in] end before the period
    last_in = bisect_right(ends, w.end, first_in, known)
    last_before = events[first_in - 1] if first_in else None
    # method 2: an observation that began before the window and ends in it sets the state at its end
    # (it counts, but is not "observed in the period"); positions, never model equality
    ending = events[first_in:last_in]
    covering = [
        e
        for i, e, first_day in track.since
        if i < known and not first_in <= i < last_in and first_day <= w.end and e.date.end >= w.start
    ]
    if last_before is None and not ending and not covering:
        return None  # nothing known of this subject by the period's end: no state, no finding
    return Selection(timeline.subject, last_before, tuple(ending), tuple(covering))


def evaluate_standing(rule: StandingRule, w: Window) -> list[Finding]:
    """The reference: the selection on each timeline of the rule's condition (in subject order), then its finding."""
    timelines = w.evidence.by_condition.get(rule.condition, ())
    return standing_findings(rule, w, [s for t in timelines if (s := select(rule, w, t)) is not None])


def standing_findings(rule: StandingRule, w: Window, selections: Sequence[Selection]) -> list[Finding]:
    """The findings of ``rule`` in ``w`` from its selections (one per timeline, in subject order)."""
    return [f for s in selections if (f := standing_finding(rule, w, s)) is not None]


# long: the state carried in, the events in the window, its age and the wording; the order of these steps is
# the method (docs/scoring.md), so it is kept in one place
def standing_finding(rule: StandingRule, w: Window, sel: Selection) -> Finding | None:
    """The finding of ``rule`` on one timeline from its selection (None: no finding), exactly as every engine
    gives it: status, severity, detail, ages, endings, confidence, carried, last confirmed."""
    subject, last_before, ending, covering = sel.subject, sel.last_before, sel.ending, sel.covering
    condition = rule.condition
    inside = [e for e in ending if w.start <= e.date.start]
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
                return None
            status, severity = decided
            detail = f"{label} ended by {w.end}{why} -> {status}"
            age, age_note, latest = "fresh", "", None  # an ended condition does not age
        else:
            return None
    elif held and end_state is False:
        decided = ended_status(rule, effect, True, during=True)
        assert decided is not None
        status, severity = decided
        detail = f"{label} was in effect and ended during the period{why} -> {status}"
        age, age_note, latest = "fresh", "", None  # an ended condition does not age
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
        age, age_note, latest = "fresh", "", None  # an ended condition does not age
    else:
        return None
    # the observations that establish this: the last one before, plus those in the period
    evidence = [*([last_before] if last_before else []), *ending, *covering]
    ids = tuple(dict.fromkeys(o.id for o in evidence))
    return Finding(
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
        confirmed_on=latest.date.end if latest is not None else None,
    )


def standing_periods(rule: Any, o: Observation, periods: Sequence[Period], first_day: date) -> list[Period]:
    """A condition is carried forward: every period ending on or after its first day."""
    return [p for p in periods if p.end >= first_day]


def collect(rows: Iterable[tuple[Any, ...]], observations: Sequence[Observation]) -> Iterator[tuple[int, int, Any]]:
    """(window key, rule key, its selections in subject order) from the rows of :func:`standing_query`:
    (window key, rule key, subject key, subject, role, corpus row), sorted by all but the subject and row
    (the events of a role in timeline order)."""
    cell: tuple[int, int] | None = None
    timeline: tuple[int, int, int] | None = None
    selections: list[Selection] = []
    subject: str | None = None
    before: Observation | None = None
    ending: list[Observation] = []
    covering: list[Observation] = []
    for wk, rk, sk, who, role, r in rows:
        if (wk, rk, sk) != timeline:
            if timeline is not None:
                selections.append(Selection(subject, before, tuple(ending), tuple(covering)))
            if (wk, rk) != cell:
                if cell is not None:
                    yield cell[0], cell[1], selections
                cell, selections = (wk, rk), []
            timeline, subject, before, ending, covering = (wk, rk, sk), who, None, [], []
        if role == LAST_BEFORE:
            before = observations[r]
        elif role == ENDING:
            ending.append(observations[r])
        else:
            covering.append(observations[r])
    if cell is not None:
        selections.append(Selection(subject, before, tuple(ending), tuple(covering)))
        yield cell[0], cell[1], selections


STANDING_SQL = TimelineSql(standing_tables, standing_query, collect, standing_findings)
register_kind(
    Kind("standing", evaluate_standing, standing_periods, timeline=True, ages=True, timeline_sql=STANDING_SQL)
)

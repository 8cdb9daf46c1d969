"""The dossiers section: standing violations and open cases per review-meeting period."""

from __future__ import annotations

from datetime import date
from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.known import is_known
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Observation
from helsinki_compliance.render.reports.drilldown import finding_dict, obs_brief
from helsinki_compliance.render.reports.fmt import CASE_CONDITIONS, period_dict
from helsinki_compliance.render.reports.scores import grouped_commitments


def _case_timeline(corpus: Corpus, state: str, as_of: date) -> dict[tuple[str, str], list[Observation]]:
    """(case id, condition) -> the standing observations of that case, in date order."""
    state_obs = corpus.observations_of(state)
    case_ids = {cid for o in state_obs for cid in o.cases}
    case_ids |= {
        o.standing.subject
        for o in state_obs
        if o.standing and o.standing.subject in corpus.cases and o.standing.condition in CASE_CONDITIONS
    }
    timelines: dict[tuple[str, str], list[Observation]] = {}
    for o in state_obs:
        st = o.standing
        if st is None or st.condition not in CASE_CONDITIONS or not o.counts() or not is_known(o, as_of):
            continue
        subjects = [st.subject] if st.subject is not None else list(o.cases)
        for cid in subjects:
            if cid in case_ids:
                timelines.setdefault((cid, st.condition), []).append(o)
    for events in timelines.values():
        events.sort(key=lambda o: (o.date.end, o.date.start, o.id))
    return timelines


def _open_cases(
    corpus: Corpus, timelines: dict[tuple[str, str], list[Observation]], period: Period
) -> list[dict[str, Any]]:
    """Cases whose imprisonment / internal exile was in effect at some time during ``period``
    (the engine's standing logic: the latest observation before it, those inside it, and
    observations whose ``since`` reaches back into it)."""
    out = []
    for (cid, condition), events in sorted(timelines.items()):
        before = [e for e in events if e.date.end < period.start]
        inside = [e for e in events if period.start <= e.date.start and e.date.end <= period.end]
        covering = [
            e
            for e in events
            if e.standing
            and e.standing.in_effect
            and e.standing.since
            and e.standing.since.start <= period.end
            and e.date.end >= period.start
        ]
        start_state = bool(before and before[-1].standing and before[-1].standing.in_effect)
        held = start_state or any(e.standing and e.standing.in_effect for e in inside) or bool(covering)
        if not held:
            continue
        ended = (
            bool(inside)
            and not (inside[-1].standing and inside[-1].standing.in_effect)
            and not any(e.date.end >= period.end for e in covering)
        )
        evidence = list(dict.fromkeys(o.id for o in [*before[-1:], *inside, *covering]))
        since = next(
            (e.standing.since.text if e.standing and e.standing.since else e.date.text)
            for e in events
            if e.standing and e.standing.in_effect
        )
        case = corpus.cases.get(cid)
        out.append(
            {
                "id": cid,
                "name": case.name if case else cid,
                "condition": condition,
                "since": since,
                "ended": ended,
                "detail": f"{condition} " + ("ended during the period" if ended else "in effect"),
                "evidence": evidence,
            }
        )
    return sorted(out, key=lambda d: (d["name"], d["id"], d["condition"]))


def dossier_rows(corpus: Corpus, card: Scorecard, state: str, obs: dict[str, Observation]) -> list[dict[str, Any]]:
    timelines = _case_timeline(corpus, state, card.as_of)
    titles = {c.id: c.title for c in card.commitments}
    order = [c.id for _, members in grouped_commitments(card) for c in members]
    out = []
    for p in card.periods:
        violations = []
        for cid in order:
            for f in card.cells[(state, cid, p.id)].findings:
                if f.rule_kind == "standing" and f.status == "violation":
                    violations.append(
                        {
                            "commitment": cid,
                            "title": titles[cid],
                            **finding_dict(f),
                            "evidence": [obs_brief(obs.get(o), o) for o in f.observations],
                        }
                    )
        cases = _open_cases(corpus, timelines, p)
        for case in cases:
            case["evidence"] = [obs_brief(obs.get(o), o) for o in case["evidence"]]
        out.append({"period": period_dict(p), "violations": violations, "cases": cases})
    return out

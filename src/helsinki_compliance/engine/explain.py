"""Why a cell has its status: rules, findings, evidence, carried conditions, arithmetic."""

from __future__ import annotations

from datetime import date
from typing import Any

from helsinki_compliance.engine.evaluation import COMPLIANT_AT, PARTIAL_AT, Evaluator
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.known import conflicts_at
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Commitment


def explain_cell(corpus: Corpus, commitment_id: str, state: str, period: Period, as_of: date) -> dict[str, Any]:
    """A structured explanation of one cell (JSON-ready)."""
    ev = Evaluator(corpus)
    c = corpus.commitments[commitment_id]
    cell = ev.cell(c, state, period, as_of)
    obs_by_id = {o.id: o for o in corpus.observations}
    in_force = corpus.in_force_from(c, state)
    rules = []
    for rule in c.rules:
        fs = [f for f in (*cell.findings, *cell.too_old) if f.rule == rule.id]
        rules.append(
            {
                "id": rule.id,
                "kind": rule.kind,
                "severity": rule.severity,
                "description": rule.description,
                "findings": [f.to_dict() for f in fs],
            }
        )
    evidence = []
    for oid in cell.observations:
        o = obs_by_id[oid]
        src = corpus.sources.get(o.source)
        origin = corpus.origin("observations", oid)
        evidence.append(
            {
                "id": o.id,
                "date": o.date.text,
                "kind": o.kind,
                "source": o.source,
                "source_title": src.title if src else None,
                "locator": o.locator,
                "quote": o.quote,
                "confidence": o.confidence,
                "claim": o.claim,
                "file": f"{origin.file}:{origin.line}" if origin else None,
            }
        )

    general = general_endings(corpus, ev, state, cell.observations)
    cited = set(cell.observations)
    facts = {obs_by_id[o].fact for o in cited if obs_by_id[o].fact}
    related = [o for o in corpus.observations_of(state) if o.fact in facts] if facts else []
    # resolved among the readings known at the as-of date, as the score was (model/known.py)
    conflicts = [x.to_dict() for x in conflicts_at(related, corpus.sources, as_of)]
    terms = [(f.weight, f.score) for f in cell.findings]
    arithmetic = None
    if terms:
        num = " + ".join(f"{w:g}x{s:g}" for w, s in terms)
        den = sum(w for w, _ in terms)
        arithmetic = f"({num}) / {den:g} = {cell.computed_score:.2f}"
    return {
        "commitment": {"id": c.id, "title": c.title, "instrument": c.instrument, "section": c.section},
        "state": state,
        "period": {"id": period.id, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": as_of.isoformat(),
        "partial_period": cell.partial_period,
        "horizon_years": ev.method.horizon_years,
        "in_force_from": in_force.isoformat() if in_force else None,
        "status": cell.status,
        "score": None if cell.score is None else round(cell.score, 4),
        "computed_status": cell.computed_status,
        "confidence": None if cell.confidence is None else round(cell.confidence, 4),
        "arithmetic": arithmetic,
        "bands": {"compliant_at": COMPLIANT_AT, "partial_at": PARTIAL_AT},
        "assessment": cell.assessment.to_dict() if cell.assessment else None,
        "rules": rules,
        "evidence": evidence,
        "conflicts": conflicts,
        "general_endings": general,
        "context": context_of(corpus, c, state, period),
    }


def general_endings(corpus: Corpus, ev: Evaluator, state: str, observations: list[str]) -> list[dict[str, Any]]:
    """The endings for every subject among a cell's evidence, each with the named cases it closed."""
    evidence = ev.evidence(state)
    out = []
    for oid in observations:
        o = evidence.by_id.get(oid)
        if o is None or o.standing is None or not o.standing.all_subjects:
            continue
        cases = [
            {"subject": s, "name": corpus.cases[s].name if s in corpus.cases else None}
            for s in evidence.closed.get(oid, [])
        ]
        out.append(
            {
                "id": oid,
                "date": o.date.text,
                "condition": o.standing.condition,
                "ended_by": o.standing.ended_by,
                "closed": cases,
            }
        )
    return out


def context_of(corpus: Corpus, commitment: Commitment, state: str, period: Period) -> list[dict[str, Any]]:
    """Observations a rule of ``commitment`` would read in the period were they facts, which are not scored
    because they report someone's claim, belief, allegation or plan (method 3, "Attribution")."""
    out = []
    for o in corpus.observations_of(state):
        if o.hearsay is None or o.date.end < period.start or o.date.start > period.end:
            continue
        as_fact = o.model_copy(update={"attribution": None, "claim": False})
        if any(rule.reads(as_fact, commitment.id) for rule in commitment.rules):
            who = o.attribution.by if o.attribution else "a government"
            out.append(
                {"id": o.id, "date": o.date.text, "hearsay": o.hearsay, "by": who, "source": o.source, "quote": o.quote}
            )
    return out


def render_text(e: dict[str, Any]) -> str:
    c = e["commitment"]
    lines = [
        f"{c['id']} — {c['title']}",
        f"  {c['section']} ({c['instrument']}); binds {e['state']} from {e['in_force_from'] or 'never'}",
        f"  period {e['period']['id']} ({e['period']['start']} .. {e['period']['end']}), as of {e['as_of']}",
        "",
        f"STATUS: {e['status']}"
        + (f"  score {e['score']:.2f}" if e["score"] is not None else "")
        + (f"  confidence {e['confidence']:.2f}" if e["confidence"] is not None else ""),
    ]
    if e.get("partial_period"):
        lines.append("  partial period: the as-of date falls inside it; only what was known by then is scored.")
    if e["status"] == "not-yet":
        lines.append("  Not yet: the period begins after the as-of date; nothing is forecast (method 3).")
    elif e["status"] == "not-in-force":
        lines.append("  The commitment did not bind this state during this period.")
    elif e["computed_status"] == "not-assessed" and any(
        not f.get("scored", True) for r in e["rules"] for f in r["findings"]
    ):
        lines.append("  Only evidence older than the scoring horizon: not assessed (listed below, not scored).")
    elif e["computed_status"] == "not-assessed":
        lines.append("  No rule found evidence in this period: not assessed (absence of evidence is not compliance).")
    lines.append("")
    lines.append("Rules:")
    for r in e["rules"]:
        lines.append(
            f"  [{r['kind']}] {r['id']} ({r['severity']})" + (f": {r['description']}" if r["description"] else "")
        )
        if not r["findings"]:
            lines.append("      no finding")
        for f in r["findings"]:
            carried = " [carried in from an earlier period]" if f["carried"] else ""
            if not f.get("scored", True):
                lines.append(f"      -- not scored (beyond the {e.get('horizon_years')}-year horizon): {f['detail']}")
            else:
                lines.append(f"      -> {f['status']} (weight {f['weight']:g}){carried}: {f['detail']}")
            lines.append(f"         evidence: {', '.join(f['observations'])}")
    if e["arithmetic"]:
        lines += [
            "",
            "Combination: severity-weighted mean of finding scores (compliant 1, partial 0.5, violation 0;",
            "  minor 1, moderate 2, serious 3):",
            f"  {e['arithmetic']} -> {e['computed_status']} "
            f"(>= {e['bands']['compliant_at']:.2f} compliant, >= {e['bands']['partial_at']:.2f} partial, below: violation)",
        ]
    if e["assessment"]:
        a = e["assessment"]
        what = f"set to {a['status']}" if a["action"] == "set" else f"score adjusted by {a['adjust']:+g}"
        lines += ["", f"Analyst assessment {a['id']} ({a['author']}, {a['date']}): {what}", f"  {a['justification']}"]
    if e.get("conflicts"):
        lines += ["", "Conflicting reports of the same fact (the kept one is scored; see docs/scoring.md):"]
        for x in e["conflicts"]:
            lines.append(f"  fact {x['fact']}: kept {x['kept']} ({x['reason']}); set aside {', '.join(x['set_aside'])}")
            lines += [f"      {r}" for r in x["readings"]]
    for g in e.get("general_endings", []):
        closed = ", ".join(f"{c['name']} [{c['subject']}]" if c["name"] else str(c["subject"]) for c in g["closed"])
        lines += [
            "",
            f"Ended for every subject: {g['condition']} by {g['ended_by'] or 'an unstated reason'} ({g['id']}, {g['date']}); "
            f"it closed {len(g['closed'])}: {closed or 'none in effect then'}",
        ]
    if e.get("context"):
        lines += [
            "",
            "Context, not scored (claims, beliefs, allegations and plans are not facts; see docs/scoring.md):",
        ]
        for o in e["context"]:
            lines.append(f"  {o['id']}  {o['date']}  a {o['hearsay']} by {o['by']}")
            lines.append(f'      {o["source"]}: "{o["quote"]}"')
    if e["evidence"]:
        lines += ["", "Evidence:"]
        for o in e["evidence"]:
            claim = " (a government claim)" if o["claim"] else ""
            lines.append(f"  {o['id']}  {o['date']}  {o['kind']}{claim}")
            lines.append(f'      {o["source"]}, {o["locator"]}: "{o["quote"]}"  [{o["file"]}]')
    return "\n".join(lines) + "\n"

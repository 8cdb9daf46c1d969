"""The drill-down section: every commitment's findings, period by period, with their evidence."""

from __future__ import annotations

from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.engine.rules import Finding
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Observation
from helsinki_compliance.render.reports.fmt import f2, period_dict, status_record
from helsinki_compliance.render.reports.scores import grouped_commitments
from helsinki_compliance.render.tables import (
    SYMBOLS,
)


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "rule_kind": f.rule_kind,
        "status": f.status,
        "symbol": SYMBOLS[f.status],
        "severity": f.severity,
        "subject": f.subject,
        "carried": f.carried,
        "detail": f.detail,
        "confidence": f2(f.confidence),
        "observations": list(f.observations),
    }


def obs_brief(o: Observation | None, oid: str) -> dict[str, Any]:
    if o is None:
        return {
            "id": oid,
            "known": False,
            "date": "",
            "source": "",
            "locator": "",
            "quote": "",
            "kind": "",
            "claim": False,
        }
    return {
        "id": o.id,
        "known": True,
        "date": o.date.text,
        "source": o.source,
        "locator": o.locator,
        "quote": o.quote,
        "kind": o.kind,
        "claim": o.claim,
    }


def _period_block(cell: Any, p: Period, obs: dict[str, Observation]) -> dict[str, Any]:
    findings = []
    for f in cell.findings:
        d = finding_dict(f)
        d["evidence"] = [obs_brief(obs.get(oid), oid) for oid in f.observations]
        d["age"] = f.age
        findings.append(d)
    return {
        "period": period_dict(p),
        "anchors": [p.id],
        "range": p.id,
        **status_record(cell.status, cell.assessment is not None),
        "score": f2(cell.score),
        "confidence": f2(cell.confidence),
        "computed": status_record(cell.computed_status),
        "computed_score": f2(cell.computed_score),
        "assessment": cell.assessment.to_dict() if cell.assessment else None,
        "findings": findings,
    }


def _same_block(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("status", "symbol", "score", "confidence", "assessment", "computed_score")
    strip = [({k: v for k, v in f.items() if k != "detail"}) for f in a["findings"]]
    other = [({k: v for k, v in f.items() if k != "detail"}) for f in b["findings"]]
    return all(a[k] == b[k] for k in keys) and strip == other and not a["period"]["named"]


def _merge_blocks(blocks: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Consecutive periods with the same status, score and findings become one block (no repeated tables)."""
    out: list[tuple[int, dict[str, Any]]] = []
    for i, b in blocks:
        if out and out[-1][0] == i - 1 and _same_block(out[-1][1], b):
            last = out[-1][1]
            last["anchors"].append(b["period"]["id"])
            last["range"] = f"{last['anchors'][0]}–{b['period']['id']}"
            out[-1] = (i, last)
        else:
            out.append((i, b))
    return [b for _, b in out]


def drilldown(corpus: Corpus, card: Scorecard, state: str, obs: dict[str, Observation]) -> list[dict[str, Any]]:
    out = []
    for _, members in grouped_commitments(card):
        for c in members:
            in_force = corpus.in_force_from(c, state)
            blocks: list[tuple[int, dict[str, Any]]] = []
            quiet: dict[str, list[str]] = {}
            statuses = []
            for i, p in enumerate(card.periods):
                cell = card.cells[(state, c.id, p.id)]
                statuses.append({**status_record(cell.status, cell.assessment is not None), "period": p.id})
                if not cell.findings and cell.assessment is None:
                    quiet.setdefault(cell.status, []).append(p.id)
                    continue
                blocks.append((i, _period_block(cell, p, obs)))
            out.append(
                {
                    "id": c.id,
                    "title": c.title,
                    "section": c.section,
                    "instrument": c.instrument,
                    "basket": c.basket,
                    "chapter": c.chapter,
                    "summary": c.summary,
                    "weight": f"{c.weight:g}",
                    "in_force": in_force.isoformat() if in_force else None,
                    "rules": [
                        {"id": r.id, "kind": r.kind, "severity": r.severity, "description": r.description or ""}
                        for r in c.rules
                    ],
                    "statuses": statuses,
                    "periods": _merge_blocks(blocks),
                    "quiet": [{**status_record(s), "periods": quiet[s]} for s in SYMBOLS if s in quiet],
                }
            )
    return out

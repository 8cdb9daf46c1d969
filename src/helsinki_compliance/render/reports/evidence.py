"""The evidence section: the observations a report cites, by year, and their sources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.records import Observation


def evidence_list(corpus: Corpus, ids: Iterable[str], obs: dict[str, Observation]) -> list[dict[str, Any]]:
    out = []
    for oid in sorted(set(ids)):
        o = obs.get(oid)
        if o is None:
            continue
        src = corpus.sources.get(o.source)
        out.append(
            {
                "id": o.id,
                "date": o.date.text,
                "dated_by": o.dated_by,
                "kind": o.kind,
                "source": o.source,
                "source_known": src is not None,
                "source_title": src.title if src else "",
                "locator": o.locator,
                "quote": o.quote,
                "confidence": o.confidence,
                "claim": o.claim,
                "note": o.note or "",
                "cases": [corpus.cases[c].name if c in corpus.cases else c for c in o.cases],
                "commitments": list(o.commitments),
                "tags": list(o.tags),
            }
        )
    return out


def by_year(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evidence grouped by the year its date starts in (one collapsed list per year)."""
    years: dict[str, list[dict[str, Any]]] = {}
    for e in sorted(evidence, key=lambda e: (e["date"], e["id"])):
        years.setdefault(e["date"][:4], []).append(e)
    return [{"year": y, "obs": items} for y, items in sorted(years.items())]


def source_list(corpus: Corpus, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for sid in sorted({e["source"] for e in evidence}):
        s = corpus.sources.get(sid)
        if s is None:
            continue
        out.append({**s.summary(), "url": s.url or "", "copy_url": s.copy_url or "", "note": s.note or ""})
    return out


def cell_obs(card: Scorecard, state: str) -> set[str]:
    return {o for (s, _, _), cell in card.cells.items() if s == state for o in cell.observations}

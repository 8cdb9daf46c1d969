"""The JSON of a state's report: meta, the scorecard (counts), the observations cited, goals, changes, dossiers."""

from __future__ import annotations

from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.render.scorecard_out import scorecard_record
from helsinki_compliance.render.tables import (
    to_json,
)


def state_json(corpus: Corpus, card: Scorecard, ctx: dict[str, Any]) -> str:
    obs = {o.id: o for o in corpus.observations}
    observations = {
        e["id"]: {
            "date": e["date"],
            "source": e["source"],
            "locator": e["locator"],
            "quote": e["quote"],
            "kind": obs[e["id"]].kind,
        }
        for e in ctx["evidence"]
    }
    dossiers = [
        {
            "period": d["period"]["id"],
            "standing_violations": [
                {
                    "commitment": v["commitment"],
                    "rule": v["rule"],
                    "subject": v["subject"],
                    "detail": v["detail"],
                    "carried": v["carried"],
                    "observations": v["observations"],
                }
                for v in d["violations"]
            ],
            "open_cases": [
                {
                    "case": c["id"],
                    "name": c["name"],
                    "condition": c["condition"],
                    "since": c["since"],
                    "ended": c["ended"],
                    "observations": [e["id"] for e in c["evidence"]],
                }
                for c in d["cases"]
            ],
        }
        for d in ctx["dossiers"]
    ]
    changes = [
        {
            "from": ch["from"],
            "to": ch["to"],
            **{
                k: [
                    {"commitment": i["commitment"], "before": i["before"]["status"], "after": i["after"]["status"]}
                    for i in ch[k]
                ]
                for k in ("better", "worse", "other")
            },
        }
        for ch in ctx["changes"]
    ]
    return to_json(
        {
            "report": ctx["meta"],
            "scorecard": scorecard_record(card),
            "observations": observations,
            "goals": ctx["goals_data"],
            "changes": changes,
            "dossiers": dossiers,
            "conflicts": ctx.get("conflicts", []),
        }
    )

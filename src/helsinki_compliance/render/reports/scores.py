"""The scores section: basket rows and charts, the heatmap of commitments x periods, counts, what changed."""

from __future__ import annotations

from typing import Any

from helsinki_compliance.engine.evaluation import COMPLIANT_AT, PARTIAL_AT, Scorecard
from helsinki_compliance.model.records import CONFIDENCE_VALUES, SEVERITY_WEIGHTS, STATUS_SCORES
from helsinki_compliance.render import charts
from helsinki_compliance.render.reports.fmt import (
    BASKET_TITLES,
    RANK,
    STATUS_LABELS,
    f2,
    score100,
    shade,
    status_record,
)
from helsinki_compliance.render.tables import (
    BASKET_ORDER,
    SYMBOLS,
)


def grouped_commitments(card: Scorecard) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for c in sorted(card.commitments, key=lambda c: (BASKET_ORDER.get(c.basket, 9), c.basket, c.chapter, c.id)):
        groups.setdefault(f"{BASKET_TITLES.get(c.basket, 'Basket ' + c.basket)} — {c.chapter}", []).append(c)
    return list(groups.items())


def basket_list(card: Scorecard) -> list[str]:
    return sorted({c.basket for c in card.commitments}, key=lambda b: (BASKET_ORDER.get(b, 9), b))


def sub_card(card: Scorecard, state: str) -> Scorecard:
    return Scorecard(
        card.as_of,
        [state],
        card.periods,
        card.commitments,
        {k: v for k, v in card.cells.items() if k[0] == state},
        {k: v for k, v in card.groups.items() if k[0] == state},
    )


def legend_rows() -> list[dict[str, Any]]:
    return [{**status_record(s), "label": STATUS_LABELS[s]} for s in SYMBOLS] + [
        {"status": "assessed", "symbol": "*", "label": "analyst assessment applied"}
    ]


def method_block() -> dict[str, Any]:
    return {
        "compliant_at": f"{COMPLIANT_AT:.2f}",
        "partial_at": f"{PARTIAL_AT:.2f}",
        "scores": [{"status": k, "score": f"{v:g}"} for k, v in STATUS_SCORES.items()],
        "weights": [{"severity": k, "weight": f"{v:g}"} for k, v in SEVERITY_WEIGHTS.items()],
        "confidence": [{"level": k, "value": f"{v:g}"} for k, v in CONFIDENCE_VALUES.items()],
    }


def basket_rows(card: Scorecard, state: str) -> list[dict[str, Any]]:
    rows = []
    for g in [*basket_list(card), "overall"]:
        cells = []
        for p in card.periods:
            gs = card.groups[(state, g, p.id)]
            cells.append(
                {
                    **status_record(gs.status),
                    "period": p.id,
                    "score": score100(gs.score),
                    "shade": shade(gs.status, gs.score),
                    "assessed": gs.assessed,
                    "in_force": gs.in_force,
                    "observations": gs.coverage.observations,
                    "sources": len(gs.coverage.sources),
                    "coverage": gs.label + (f"; band {_band100(gs)}" if _band100(gs) else ""),
                    "stale": bool(gs.coverage.stale),
                    "band": _band100(gs),
                    "band_values": None if gs.band is None or gs.score is None else [x * 100 for x in gs.band],
                }
            )
        rows.append(
            {"group": g, "label": "Overall" if g == "overall" else BASKET_TITLES.get(g, f"Basket {g}"), "cells": cells}
        )
    return rows


def _band100(gs: Any) -> str:
    """A group score's sensitivity band on the 0-100 scale (``27-33``), or empty (method 3)."""
    if gs.band is None or gs.score is None:
        return ""
    return f"{round(gs.band[0] * 100)}-{round(gs.band[1] * 100)}"


def basket_chart(card: Scorecard, state: str, key: str) -> str:
    series: dict[str, list[float | None]] = {}
    bands: dict[str, list[tuple[float, float] | None]] = {}
    for row in basket_rows(card, state):
        series[row["label"]] = [None if c["score"] == "–" else float(c["score"]) for c in row["cells"]]
        bands[row["label"]] = [
            (c["band_values"][0], c["band_values"][1]) if c["band_values"] else None for c in row["cells"]
        ]
    svg = charts.line_chart(
        key,
        [p.id for p in card.periods],
        series,
        title=f"{state}: score per basket (0-100), sensitivity bands shaded",
        bands=bands,
    )
    said = "; ".join(
        f"{name}: " + ", ".join(f"{p.id} {round(v)}" for p, v in zip(card.periods, vs, strict=False) if v is not None)
        if any(v is not None for v in vs)
        else f"{name}: never scored"
        for name, vs in series.items()
    )
    return charts.labelled(svg, f"Line chart of the score (0-100) per basket and overall for {state}. {said}.")


def heatmap_rows(card: Scorecard, state: str) -> list[dict[str, Any]]:
    out = []
    for group, members in grouped_commitments(card):
        rows = []
        for c in members:
            cells = []
            for p in card.periods:
                cell = card.cells[(state, c.id, p.id)]
                cells.append(
                    {
                        **status_record(cell.status, cell.assessment is not None),
                        "period": p.id,
                        "score": f2(cell.score),
                        "shade": shade(cell.status, cell.score),
                        "stale": cell.stale,
                        "linked": bool(cell.findings or cell.assessment),
                    }
                )
            rows.append({"id": c.id, "title": c.title, "cells": cells})
        out.append({"group": group, "rows": rows})
    return out


def count_rows(card: Scorecard, state: str) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for (s, _, _), cell in card.cells.items():
        if s == state:
            counts[cell.status] = counts.get(cell.status, 0) + 1
    return [{**status_record(k), "count": counts[k]} for k in SYMBOLS if k in counts]


def change_rows(card: Scorecard, state: str) -> list[dict[str, Any]]:
    """Cells whose status or score changed between consecutive periods: better, worse, other.

    Better and worse follow the score (method 2): a cell scored in both periods is better when its
    score rose and worse when it fell, whether or not its status changed; a cell that gains or
    loses a score (not assessed, not in force) is an other change."""
    out = []
    titles = {c.id: c.title for c in card.commitments}
    order = [c.id for _, members in grouped_commitments(card) for c in members]
    for prev, nxt in zip(card.periods, card.periods[1:], strict=False):
        better: list[dict[str, Any]] = []
        worse: list[dict[str, Any]] = []
        other: list[dict[str, Any]] = []
        for cid in order:
            a, b = card.cells[(state, cid, prev.id)], card.cells[(state, cid, nxt.id)]
            if a.status == b.status and (a.score is None or b.score is None or abs(a.score - b.score) < 1e-9):
                continue
            item = {
                "commitment": cid,
                "title": titles[cid],
                "before": {**status_record(a.status, a.assessment is not None), "score": f2(a.score)},
                "after": {**status_record(b.status, b.assessment is not None), "score": f2(b.score)},
            }
            if a.score is not None and b.score is not None and abs(a.score - b.score) >= 1e-9:
                (better if b.score > a.score else worse).append(item)
            elif a.status in RANK and b.status in RANK and a.status != b.status:
                (better if RANK[b.status] > RANK[a.status] else worse).append(item)
            else:
                other.append(item)
        if better or worse or other:
            n = len(better) + len(worse) + len(other)
            out.append({"from": prev.id, "to": nxt.id, "better": better, "worse": worse, "other": other, "n": n})
    return out

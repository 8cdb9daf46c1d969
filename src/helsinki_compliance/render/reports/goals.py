"""The goals section: goal verdicts, timelines and their charts."""

from __future__ import annotations

from typing import Any

from helsinki_compliance.engine.goals import verdict_text
from helsinki_compliance.model.records import Observation
from helsinki_compliance.render import charts
from helsinki_compliance.render.reports.fmt import VERDICT_SYMBOLS, pct


def goals_for(goals: dict[str, Any] | None, state: str | None) -> dict[str, Any] | None:
    """The goal sets that concern ``state`` (those without a state concern every state)."""
    if goals is None:
        return None
    if state is None:
        return goals
    sets = [gs for gs in goals.get("goal_sets", []) if gs.get("state") in (None, state)]
    return {**goals, "goal_sets": sets}


def _timeline_ctx(rows: Any, goal_ids: list[str], key: str, title: str) -> dict[str, Any] | None:
    """A goal timeline as a table: one row per goal, one column per period, verdicts in words."""
    if not isinstance(rows, list) or not rows:
        return None
    labels = [str(r.get("period", "")) for r in rows]
    ids = list(goal_ids)
    for r in rows:
        for gid in sorted((r.get("verdicts") or {}).keys()):
            if gid not in ids:
                ids.append(gid)
    verdicts = {gid: [(r.get("verdicts") or {}).get(gid) for r in rows] for gid in ids}
    return {
        "key": key,
        "title": title,
        "periods": labels,
        "rows": [{"goal": gid, "cells": [_verdict(v) for v in verdicts[gid]]} for gid in ids],
    }


def _goal_chart(rows: Any, goal_ids: list[str], key: str, gid: str) -> str | None:
    """The goals over time: one small panel per goal with its progress (0-100 %) at the end of
    each period, the latest verdict written in words in the panel (the table beside it has them all)."""
    if not isinstance(rows, list) or not rows or not goal_ids:
        return None
    periods = [str(r.get("period", "")) for r in rows]
    series: dict[str, list[float | None]] = {}
    notes: dict[str, list[str]] = {}
    said = []
    for g in goal_ids:
        values = [(r.get("progress") or {}).get(g) for r in rows]
        series[g] = [None if not isinstance(v, (int, float)) else float(v) * 100 for v in values]
        last = next(
            (str((r.get("verdicts") or {}).get(g)) for r in reversed(rows) if (r.get("verdicts") or {}).get(g)), ""
        )
        words = last.replace("-", " ") if last and last != "not-assessed" else "not assessed"
        notes[g] = [f"now: {words}"]
        points = ", ".join(f"{p} {round(v)}%" for p, v in zip(periods, series[g], strict=True) if v is not None)
        said.append(f"{g}: {points or 'never assessed'}, latest verdict {words}")
    svg = charts.small_multiples(
        key,
        periods,
        series,
        title=f"{gid}: progress toward each goal (0-100 %) at the end of each period",
        ncols=3,
        notes=notes,
        yticks=["0", "50", "100%"],
    )
    return charts.labelled(
        svg, f"Small multiples: progress toward each goal of {gid} (0-100 %) per period. " + "; ".join(said) + "."
    )


def _hindsight_rows(rows: Any) -> list[dict[str, Any]] | None:
    """The timeline's hindsight reading (engine/goals.py) as rows of the same shape."""
    if not isinstance(rows, list):
        return None
    return [
        {"period": r.get("period"), "verdicts": (r.get("hindsight") or {}).get("verdicts") or {}}
        for r in rows
        if r.get("hindsight")
    ]


def _verdict(v: Any) -> dict[str, str]:
    v = "not-assessed" if v is None else str(v)
    return {"verdict": v, "symbol": VERDICT_SYMBOLS.get(v, "?"), "label": v.replace("-", " ")}


def goals_ctx(goals: dict[str, Any] | None, obs: dict[str, Observation], key: str) -> dict[str, Any] | None:
    if goals is None:
        return None
    sets = []
    for i, gs in enumerate(goals.get("goal_sets", []) or []):
        rows: list[dict[str, Any]] = []
        for g in gs.get("goals", []) or []:
            base, cur = g.get("baseline") or {}, g.get("current") or {}
            rows.append(
                {
                    "id": str(g.get("id", "")),
                    "tier": str(g.get("tier", "")),
                    "title": str(g.get("title", "")),
                    "target": str(g.get("target", "")),
                    "baseline": {
                        "progress": pct(base.get("progress")),
                        "status": str(base.get("status", "")),
                        "detail": str(base.get("detail", "")),
                    },
                    "current": {
                        "progress": pct(cur.get("progress")),
                        "status": str(cur.get("status", "")),
                        "detail": str(cur.get("detail", "")),
                    },
                    **_verdict(g.get("verdict")),
                    "verdict_text": verdict_text(g) if g.get("verdict") else "not-assessed",
                    "evidence": [{"id": str(o), "linked": str(o) in obs} for o in g.get("evidence", []) or []],
                }
            )
        tiers = [{"tier": str(t), **_verdict(v)} for t, v in (gs.get("tiers") or {}).items()]
        gid = str(gs.get("id", gs.get("goal_set", f"goals-{i + 1}")))
        sets.append(
            {
                "id": gid,
                "title": str(gs.get("title", gid)),
                "state": gs.get("state"),
                "as_of": gs.get("as_of"),
                "baseline": gs.get("baseline"),
                "tiers": tiers,
                "goals": rows,
                "timeline": _timeline_ctx(
                    gs.get("timeline"),
                    [r["id"] for r in rows],
                    f"{key}-goals-{i + 1}",
                    f"{gid}: verdict per period, as known at each period's end",
                ),
                "hindsight": _timeline_ctx(
                    _hindsight_rows(gs.get("timeline")),
                    [r["id"] for r in rows],
                    f"{key}-goals-{i + 1}-hindsight",
                    f"{gid}: verdict per period, as known on {gs.get('as_of')} (hindsight)",
                ),
                "chart": _goal_chart(gs.get("timeline"), [r["id"] for r in rows], f"{key}-goals-{i + 1}", gid),
            }
        )
    timeline = _timeline_ctx(goals.get("timeline"), [], f"{key}-goals", "goal verdicts per period")
    return {
        "sets": sets,
        "timeline": timeline,
        "legend": [{"verdict": v, "symbol": s, "label": v.replace("-", " ")} for v, s in VERDICT_SYMBOLS.items()],
    }


def goal_evidence(goals: dict[str, Any] | None) -> set[str]:
    if goals is None:
        return set()
    return {
        str(o)
        for gs in goals.get("goal_sets", []) or []
        for g in gs.get("goals", []) or []
        for o in g.get("evidence", []) or []
    }

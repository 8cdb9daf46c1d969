"""The goal tracker's tables for the command line: text, Markdown and CSV, of one date or a timeline.

The engine (:mod:`helsinki_compliance.engine.goals`) gives JSON-ready dicts; these functions only
lay them out, so the CLI prints what the library renders and a notebook can call the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helsinki_compliance.engine.goals import verdict_text
from helsinki_compliance.render.markdown_templates import render_template
from helsinki_compliance.render.tables import write_csv

#: The status colour a verdict is shown in (met and significant progress good, slight partial, else bad).
VERDICT_TONE = {"met": "compliant", "significant-progress": "compliant", "slight-progress": "partial"}


def render_goals(
    t: dict[str, Any], fmt: str, *, style: Callable[[str, str], str] | None = None, evidence: bool = True
) -> str:
    """``goals`` output in ``fmt`` (table, markdown, csv); ``style(text, status)`` colours verdicts."""
    if fmt == "csv":
        return track_csv(t)
    if fmt == "markdown":
        return goals_markdown(t)
    return goals_text(t, style or (lambda text, status: text), evidence)


def render_timeline(t: dict[str, Any], fmt: str) -> str:
    """``goals --timeline`` output in ``fmt`` (table, markdown, csv)."""
    if fmt == "csv":
        return timeline_csv(t)
    if fmt == "markdown":
        return timeline_markdown(t)
    ids = list(t["timeline"][0]["verdicts"]) if t["timeline"] else []
    periods = [r["period"] for r in t["timeline"]]
    lines: list[str] = []
    for label, texts in _readings(t):
        lines.append(f"{t['state']}: {label}")
        lines.append(f"{'goal':<26}" + "".join(f"{h:<31} " for h in periods))
        for gid in ids:
            lines.append(f"{gid:<26}" + "".join(f"{x.get(gid, ''):<31} " for x in texts))
        lines.append("")
    return "\n".join(lines)


def _readings(t: dict[str, Any]) -> list[tuple[str, list[dict[str, str]]]]:
    """Each reading of a timeline (as known at each period's end; in hindsight) with its verdicts
    in words, one dict (goal -> words) per period."""
    out = []
    readings = t.get("readings") or {"verdicts": "as known at each period's end"}
    for key, label in readings.items():
        raw = [
            r.get("verdict_texts") if key == "verdicts" else (r.get(key) or {}).get("verdict_texts")
            for r in t["timeline"]
        ]
        texts: list[dict[str, str]] = [
            dict(x or (r["verdicts"] if key == "verdicts" else {})) for x, r in zip(raw, t["timeline"], strict=True)
        ]
        out.append((label, texts))
    return out


def timeline_markdown(t: dict[str, Any]) -> str:
    """``goals --timeline --format markdown`` (template ``markdown/goal_timeline.md.j2``)."""
    ids = list(t["timeline"][0]["verdicts"]) if t["timeline"] else []
    readings = [
        {"label": label, "rows": [{"goal": gid, "cells": [x.get(gid, "") for x in texts]} for gid in ids]}
        for label, texts in _readings(t)
    ]
    periods = [r["period"] for r in t["timeline"]]
    return render_template("goal_timeline.md.j2", state=t["state"], periods=periods, readings=readings)


def goals_markdown(t: dict[str, Any]) -> str:
    """``goals --format markdown`` (template ``markdown/goal_track.md.j2``)."""
    goals = [{**g, "verdict_text": verdict_text(g)} for g in t["goals"]]
    return render_template("goal_track.md.j2", t=t, goals=goals)


def goals_text(t: dict[str, Any], style: Callable[[str, str], str], evidence: bool = True) -> str:
    def progress(m: dict[str, Any]) -> str:
        return "  --" if m["progress"] is None else f"{m['progress']:.2f}"

    pad = " " * 27
    lines = [t["title"], f"{t['state']} as of {t['as_of']}; baseline {t['baseline']}", ""]
    for g in t["goals"]:
        b, c = g["baseline"], g["current"]
        verdict = style(verdict_text(g), VERDICT_TONE.get(g["verdict"], "violation"))
        lines.append(f"{g['id']:<26} {g['tier']:<13} {progress(b)} -> {progress(c)}  {verdict}")
        lines.append(f"{pad}target: {g['target']}")
        lines.append(f"{pad}now: {c['detail']}")
        if g.get("latest_evidence"):
            stale = "  STALE (older than two years)" if g.get("stale") else ""
            lines.append(f"{pad}latest evidence: {g['latest_evidence']}{stale}")
        if g["evidence"] and evidence:
            lines.append(f"{pad}evidence: {', '.join(g['evidence'])}")
    lines.append("")
    lines.append("Tiers: " + "; ".join(f"{tier} {v}" for tier, v in t["tiers"].items()))
    return "\n".join(lines) + "\n"


def track_csv(t: dict[str, Any]) -> str:
    """``goals --format csv``: one row per goal (tidy), tier verdicts in the ``tier_verdict`` column."""
    rows: list[list[Any]] = [
        [
            "goal_set",
            "state",
            "as_of",
            "goal",
            "tier",
            "baseline_progress",
            "current_progress",
            "met",
            "verdict",
            "no_evidence_since",
            "uncorroborated",
            "tier_verdict",
            "latest_evidence",
            "stale",
            "detail",
            "evidence",
        ]
    ]
    for g in t["goals"]:
        b, c = g["baseline"], g["current"]
        rows.append(
            [
                t["goal_set"],
                t["state"],
                t["as_of"],
                g["id"],
                g["tier"],
                "" if b["progress"] is None else f"{b['progress']:.4f}",
                "" if c["progress"] is None else f"{c['progress']:.4f}",
                "yes" if c["met"] else "no",
                g["verdict"],
                g.get("no_evidence_since") or "",
                "yes" if g.get("uncorroborated") else "",
                t["tiers"].get(g["tier"], ""),
                g.get("latest_evidence") or "",
                "yes" if g.get("stale") else "",
                c["detail"],
                ";".join(g["evidence"]),
            ]
        )
    return write_csv(rows)


def timeline_csv(t: dict[str, Any]) -> str:
    """``goals --timeline --format csv``: one row per period and goal."""
    rows: list[list[Any]] = [
        ["goal_set", "state", "period", "as_of", "goal", "verdict", "progress", "stale", "reading", "known_by"]
    ]
    for r in t["timeline"]:
        h = r.get("hindsight") or {}
        for gid, v in r["verdicts"].items():
            p = r["progress"].get(gid)
            rows.append(
                [
                    t["goal_set"],
                    t["state"],
                    r["period"],
                    r["as_of"],
                    gid,
                    v,
                    "" if p is None else f"{p:.4f}",
                    "yes" if gid in r.get("stale", ()) else "",
                    "at-period-end",
                    r["as_of"],
                ]
            )
        for gid, v in (h.get("verdicts") or {}).items():
            p = (h.get("progress") or {}).get(gid)
            rows.append(
                [
                    t["goal_set"], t["state"], r["period"], r["as_of"], gid, v,
                    "" if p is None else f"{p:.4f}", "", "hindsight", h.get("known_by", ""),
                ]
            )  # fmt: skip
    return write_csv(rows)

"""Markdown of a state's report and of the overview, through the templates in ``render/templates/markdown``.

This module prepares what the templates cannot: the wide tables split so every line fits
:data:`.markdown_templates.TEXT_WIDTH` (their cells measured as Markdown text), and prose wrapped
at that width. The templates lay out every section (``state.md.j2`` includes one template per
section: ``scorecard``, ``changes``, ``dossiers``, ``goals``, ``conflicts``, ``drilldown``,
``sources``, ``method``; ``overview.md.j2`` the overview); data is escaped there by the ``md``
filter (:func:`.markdown_templates.md_escape`).
"""

from __future__ import annotations

from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.render.markdown_templates import TEXT_WIDTH, md_escape, md_table, render_markdown
from helsinki_compliance.render.tables import scorecard_markdown_context, short_period, wrap_text


def _timeline(t: dict[str, Any] | None) -> dict[str, Any] | None:
    """A goal timeline with its table of verdicts in words, split by period so every line fits."""
    if not t:
        return None
    rows = [(md_escape(r["goal"]), [md_escape(c["label"]) for c in r["cells"]]) for r in t["rows"]]
    return {**t, "table": md_table("goal", t["periods"], rows)}


def _goals(g: dict[str, Any] | None) -> dict[str, Any] | None:
    if g is None:
        return None
    sets = [
        {**gs, "timeline": _timeline(gs["timeline"]), "hindsight": _timeline(gs.get("hindsight"))} for gs in g["sets"]
    ]
    return {**g, "sets": sets, "timeline": _timeline(g["timeline"])}


def render_state_markdown(ctx: dict[str, Any], card: Scorecard) -> str:
    """A state's report as Markdown (``state.md.j2``)."""
    return render_markdown(
        "state.md.j2", **{**ctx, "goals": _goals(ctx["goals"]), "scorecard": scorecard_markdown_context(card)}
    )


def without_score_text(without: list[dict[str, Any]]) -> str:
    """``No overall score: AT (Austria), ES (Spain) (too little evidence); BY (Belarus) (not a ...)``."""
    parts = []
    for reason in ("too little evidence", "not a participating state in these periods"):
        named = [f"{w['state']} ({w['name']})" for w in without if w["reason"] == reason]
        if named:
            parts.append(f"{', '.join(named)}: {reason}")
    return "Also covered, with no overall score in any period: " + "; ".join(parts) + "." if parts else ""


def _basket_table(s: dict[str, Any], periods: list[str], label: Any) -> list[dict[str, Any]]:
    """A state's basket and overall scores with their band and coverage, one row each, split to fit."""
    rows: list[tuple[str, list[str]]] = []
    for g in s["groups"]:
        nif = [c["status"] == "not-in-force" for c in g["cells"]]
        rows.append(
            (
                f"**{md_escape(g['label'])}**",
                ["ie" if c["status"] == "insufficient-evidence" else c["score"] for c in g["cells"]],
            )
        )
        if any(c["band"] for c in g["cells"]):
            rows.append(("band", [c["band"] for c in g["cells"]]))
        rows.append(
            (
                "assessed/in force",
                ["-" if n else f"{c['assessed']}/{c['in_force']}" for c, n in zip(g["cells"], nif, strict=True)],
            )
        )
        rows.append(
            (
                "obs./sources",
                ["-" if n else f"{c['observations']}/{c['sources']}" for c, n in zip(g["cells"], nif, strict=True)],
            )
        )
    return md_table("group", periods, rows, short=label)


def render_overview_markdown(ctx: dict[str, Any]) -> str:
    """The overview as Markdown (``overview.md.j2``)."""
    m = ctx["meta"]
    periods = [p["id"] for p in ctx["periods"]]
    partial = {p["id"] for p in ctx["periods"] if p.get("partial")}

    def label(pid: str) -> str:  # method 3: ^ marks the period that contains the as-of date
        return short_period(pid) + ("^" if pid in partial else "")

    rows = [
        (
            f"{md_escape(s['short'])} ({s['state']})",
            [f"{c['score']} {c['symbol']}" if c["score"] != "–" else c["symbol"] for c in s["overall"]["cells"]],
        )
        for s in ctx["states"]
    ]
    key = (
        "Each cell: the overall score (0-100) and its status symbol; the coverage of each score is in the "
        "state's basket tables below. States are listed by the last period's score; this is not a ranking: "
        "where sensitivity bands overlap the states are ties (see the summary above and docs/scoring.md, "
        "Method 3)."
        + (
            f" Columns: {short_period(periods[0])} = {periods[0]}."
            if periods and short_period(periods[0]) != periods[0]
            else ""
        )
    )
    return render_markdown(
        "overview.md.j2",
        **{
            **ctx,
            "summary": ctx.get("summary") or [],
            "goals": _goals(ctx["goals"]),
            "without_score_lines": wrap_text(md_escape(without_score_text(m.get("without_score") or [])), TEXT_WIDTH),
            "overall_table": md_table("state", periods, rows, short=label),
            "key_lines": wrap_text(key, TEXT_WIDTH),
            "states": [{**s, "table": _basket_table(s, periods, label)} for s in ctx["states"]],
        },
    )

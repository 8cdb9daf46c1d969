"""One state's report context: every section's data, rendered by the HTML template, Markdown and JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.known import conflicts_at
from helsinki_compliance.model.periods import CALENDAR_KINDS
from helsinki_compliance.render import summary
from helsinki_compliance.render.reports.dossiers import dossier_rows
from helsinki_compliance.render.reports.drilldown import drilldown
from helsinki_compliance.render.reports.evidence import by_year, cell_obs, evidence_list, source_list
from helsinki_compliance.render.reports.fmt import BASKET_TITLES, period_dict
from helsinki_compliance.render.reports.goals import goal_evidence, goals_ctx, goals_for
from helsinki_compliance.render.reports.names import is_group
from helsinki_compliance.render.reports.scores import (
    basket_chart,
    basket_list,
    basket_rows,
    change_rows,
    count_rows,
    heatmap_rows,
    legend_rows,
    method_block,
)
from helsinki_compliance.version import __version__


def state_context(
    corpus: Corpus,
    card: Scorecard,
    state: str,
    *,
    period: str,
    first: int,
    last: int,
    goals: dict[str, Any] | None = None,
    files: dict[str, str] | None = None,
    diff: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a state report shows, as plain JSON-ready data (strings already formatted)."""
    obs = {o.id: o for o in corpus.observations}
    calendar = period in CALENDAR_KINDS
    group = is_group(corpus, period)
    dossiers = dossier_rows(corpus, card, state, obs) if group else []
    state_goals = goals_for(goals, state)
    ids = cell_obs(card, state) | goal_evidence(state_goals)
    for d in dossiers:
        ids |= {e["id"] for v in d["violations"] for e in v["evidence"]}
        ids |= {e["id"] for c in d["cases"] for e in c["evidence"]}
    state_diff = _state_diff(diff, state)
    if state_diff:
        ids |= {o for c in state_diff["cells"] for o in c["added"]}
    evidence = evidence_list(corpus, ids, obs)
    st = corpus.states.get(state)
    name = st.name if st else state
    span = f"{first}–{last}" if calendar else ("a named group" if group else "a named period")
    conflicts = _conflicts(corpus, state, card.as_of)
    baskets = [(b, BASKET_TITLES.get(b, f"Basket {b}")) for b in basket_list(card)]
    return {
        "meta": {
            "title": f"Compliance report: {name} ({state})",
            "state": state,
            "state_name": name,
            "period": period,
            "first": first if calendar else None,
            "last": last if calendar else None,
            "span": span,
            "as_of": card.as_of.isoformat(),
            "generator": f"helsinki-compliance {__version__}",
            "group": group,
            "files": files or {},
            "periods": [p.id for p in card.periods],
        },
        "periods": [period_dict(p, card.as_of) for p in card.periods],
        "chart": basket_chart(card, state, f"{state}-baskets"),
        "group_rows": basket_rows(card, state),
        "heatmap": heatmap_rows(card, state),
        "counts": count_rows(card, state),
        "legend": legend_rows(),
        "changes": change_rows(card, state),
        "dossiers": dossiers,
        "goals": goals_ctx(state_goals, {e["id"]: obs[e["id"]] for e in evidence}, state),
        "goals_data": state_goals,
        "commitments": drilldown(corpus, card, state, obs),
        "evidence": evidence,
        "sources": source_list(corpus, evidence),
        "method": method_block(),
        "conflicts": conflicts,
        "summary": summary.state_summary(corpus, card, state, baskets=baskets, conflicts=len(conflicts)),
        "evidence_years": by_year(evidence),
        "diff": state_diff,
    }


def _state_diff(d: dict[str, Any] | None, state: str) -> dict[str, Any] | None:
    """The part of a :func:`.engine.diff.diff` result about ``state`` (cells and goals)."""
    if d is None:
        return None
    return {
        "before": d["before"],
        "after": d["after"],
        "cells": [c for c in d["cells"] if c["state"] == state],
        "goals": [g for g in d["goals"] if g["state"] == state],
    }


def _conflicts(corpus: Corpus, state: str, as_of: date) -> list[dict[str, Any]]:
    """Method 2: reports of one fact that disagree, each with the one kept (conflicts.py), among the
    readings known at the report's as-of date (resolved as the scores were: model/known.py)."""

    return [c.to_dict() for c in conflicts_at(corpus.observations_of(state), corpus.sources, as_of)]

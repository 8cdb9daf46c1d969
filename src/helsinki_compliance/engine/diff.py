"""What changed between two as-of dates: every cell and goal whose status or score moved, and why.

The corpus is evaluated twice, as known on ``before`` and as known on ``after``; a cell (state x
commitment x period) or a goal whose status, score, verdict or progress differs is listed with
the observations that moved it: those it rests on at ``after`` but not at ``before`` (added:
newly known, or newly carried) and those it rested on at ``before`` but no longer (dropped:
superseded by a more reliable report, or ended). A change with neither is the evidence ageing
(a condition no source has confirmed for years counts for less, see staleness.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from helsinki_compliance.engine import goals as goals_mod
from helsinki_compliance.engine import selection
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model import defaults
from helsinki_compliance.model.corpus import Corpus

__all__ = ["diff"]

_EPS = 1e-9


def _moved(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(a - b) >= _EPS


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _why(added: list[str], dropped: list[str]) -> str:
    if added or dropped:
        parts = []
        if added:
            parts.append(f"{len(added)} observation{'s' if len(added) != 1 else ''} added")
        if dropped:
            parts.append(f"{len(dropped)} no longer counted")
        return ", ".join(parts)
    return "no new observation: the evidence aged (stale findings count for less)"


def _cells(
    corpus: Corpus, states: Sequence[str], period: str, first: int, last: int, before: date, after: date
) -> list[dict[str, Any]]:
    a = selection.scorecard(corpus, states=states, period=period, first=first, last=last, as_of=before, bands=False)
    b = selection.scorecard(corpus, states=states, period=period, first=first, last=last, as_of=after, bands=False)
    titles = {c.id: c.title for c in b.commitments}
    out: list[dict[str, Any]] = []
    for key, cb in b.cells.items():
        ca = a.cells[key]
        if ca.status == cb.status and not _moved(ca.score, cb.score):
            continue
        added = sorted(set(cb.observations) - set(ca.observations))
        dropped = sorted(set(ca.observations) - set(cb.observations))
        state, cid, pid = key
        out.append(
            {
                "state": state,
                "commitment": cid,
                "title": titles.get(cid, cid),
                "period": pid,
                "before": {"status": ca.status, "score": _r(ca.score)},
                "after": {"status": cb.status, "score": _r(cb.score)},
                "added": added,
                "dropped": dropped,
                "why": _why(added, dropped),
            }
        )
    order = {p.id: i for i, p in enumerate(b.periods)}
    out.sort(key=lambda d: (str(d["state"]), order[str(d["period"])], str(d["commitment"])))
    return out


def _goals(corpus: Corpus, states: Sequence[str], before: date, after: date) -> list[dict[str, Any]]:
    out = []
    for gs in sorted(corpus.goal_sets.values(), key=lambda g: g.id):
        if gs.state not in states:
            continue
        ta = {g["id"]: g for g in goals_mod.track(corpus, gs.id, as_of=before)["goals"]}
        tb = goals_mod.track(corpus, gs.id, as_of=after)
        for gb in tb["goals"]:
            ga = ta[gb["id"]]
            pa, pb = ga["current"]["progress"], gb["current"]["progress"]
            if ga["verdict"] == gb["verdict"] and not _moved(pa, pb):
                continue
            added = sorted(set(gb["evidence"]) - set(ga["evidence"]))
            dropped = sorted(set(ga["evidence"]) - set(gb["evidence"]))
            out.append(
                {
                    "goal_set": gs.id,
                    "state": tb["state"],
                    "goal": gb["id"],
                    "title": gb["title"],
                    "before": {"verdict": ga["verdict"], "progress": pa},
                    "after": {"verdict": gb["verdict"], "progress": pb},
                    "added": added,
                    "dropped": dropped,
                    "why": _why(added, dropped),
                }
            )
    return out


def diff(
    corpus: Corpus,
    *,
    states: Sequence[str],
    before: date,
    after: date,
    period: str = "year",
    first: int = defaults.FIRST_YEAR,
    last: int = defaults.LAST_YEAR,
    goals: bool = True,
) -> dict[str, Any]:
    """Every cell and goal of ``states`` whose status or score moved between the two as-of dates."""
    if before >= after:
        raise UsageError(f"the first as-of date ({before.isoformat()}) must be before the second ({after.isoformat()})")
    codes = selection.resolve_states(
        corpus, states, selection.periods(corpus, period, first, last), selection.years_asked(period, first, last)
    )
    return {
        "before": before.isoformat(),
        "after": after.isoformat(),
        "states": codes,
        "period": period,
        "cells": _cells(corpus, codes, period, first, last, before, after),
        "goals": _goals(corpus, codes, before, after) if goals else [],
    }

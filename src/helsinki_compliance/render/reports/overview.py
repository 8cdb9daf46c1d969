"""The all-states overview: one row per scored state, ordered by its overall score, with bands."""

from __future__ import annotations

from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import CALENDAR_KINDS
from helsinki_compliance.model.states import membership_error, short_name
from helsinki_compliance.render import charts, summary
from helsinki_compliance.render.reports.fmt import period_dict
from helsinki_compliance.render.reports.goals import goals_ctx
from helsinki_compliance.render.reports.html import MARKER_NAMES
from helsinki_compliance.render.reports.markdown import without_score_text
from helsinki_compliance.render.reports.names import is_group
from helsinki_compliance.render.reports.scores import basket_rows, count_rows, legend_rows, method_block
from helsinki_compliance.version import __version__


def _without_score(corpus: Corpus, card: Scorecard, unscored: list[str]) -> list[dict[str, str]]:
    """The states of an overview with no overall score, each with why: not a participating state in
    these periods, or too little evidence."""
    first_day = min((p.start for p in card.periods), default=None)
    last_day = max((p.end for p in card.periods), default=None)
    without: list[dict[str, str]] = []
    for code in [c for c in card.states if c in unscored]:
        outside = (
            first_day is not None
            and last_day is not None
            and membership_error(corpus.states, code, first_day, last_day) is not None
        )
        without.append(
            {
                "state": code,
                "name": corpus.states[code].name if code in corpus.states else code,
                "reason": "not a participating state in these periods" if outside else "too little evidence",
            }
        )
    return without


def _band_order(card: Scorecard, rows: list[dict[str, Any]]) -> None:
    """Each row's ``order``: its group among the states the bands separate (``2=`` a tie), or blank."""
    scored = [r["state"] for r in rows if r["rank_score"] >= 0]
    last = card.periods[-1].id if card.periods else ""
    order: dict[str, str] = {}
    for i, group in enumerate(summary.band_groups(card, last, scored) if scored else [], 1):
        for s in group:
            order[s] = f"{i}=" if len(group) > 1 else str(i)
    for r in rows:
        r["order"] = order.get(r["state"], "")


def _overview_bands(rows: list[dict[str, Any]]) -> dict[str, list[tuple[float, float] | None]]:
    """Each state's overall band per period (0-100), keyed as the overview chart's series."""
    return {
        f"{r['state']} ({r['short']})": [
            (c["band_values"][0], c["band_values"][1]) if c["band_values"] else None for c in r["overall"]["cells"]
        ]
        for r in rows
    }


def _overview_rows(corpus: Corpus, card: Scorecard, links: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """One row per state of the overview, listed by the last period's overall score (unscored last, by code)."""
    rows: list[dict[str, Any]] = []
    for state in card.states:
        st = corpus.states.get(state)
        groups = basket_rows(card, state)
        end = card.groups.get((state, "overall", card.periods[-1].id)) if card.periods else None
        rows.append(
            {
                "state": state,
                "name": st.name if st else state,
                "short": short_name(st) if st else state,
                "overall": groups[-1],
                "groups": groups,
                "counts": count_rows(card, state),
                "links": links.get(state, {}),
                "rank_score": end.score if end is not None and end.score is not None else -1.0,
            }
        )
    rows.sort(key=lambda r: (-r["rank_score"], r["state"]))
    return rows


def overview_context(
    corpus: Corpus,
    card: Scorecard,
    *,
    period: str,
    first: int,
    last: int,
    goals: dict[str, Any] | None = None,
    links: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    calendar = period in CALENDAR_KINDS
    rows = _overview_rows(corpus, card, links or {})
    _band_order(card, rows)
    for i, r in enumerate(rows):
        colour, marker = charts.style_of(i)
        r["colour"], r["marker"] = colour, MARKER_NAMES.get(marker, marker)
    # a panel per state with a score, titled by its code and short name (whole, never cut)
    series = {
        f"{r['state']} ({r['short']})": [
            None if c["score"] == "–" else float(c["score"]) for c in r["overall"]["cells"]
        ]
        for r in rows
        if r["rank_score"] >= 0 or any(c["score"] != "–" for c in r["overall"]["cells"])
    }
    unscored = [r["state"] for r in rows if f"{r['state']} ({r['short']})" not in series]
    scored = [code for code in card.states if code not in unscored]
    without = _without_score(corpus, card, unscored)
    bands = _overview_bands(rows)
    return {
        "meta": {
            # the title names the states with a score; the others are named below it, with the reason
            "title": "Compliance overview: " + ", ".join(scored or card.states),
            "without_score": without if scored else [],
            "period": period,
            "first": first if calendar else None,
            "last": last if calendar else None,
            "span": f"{first}–{last}"
            if calendar
            else ("a named group" if is_group(corpus, period) else "a named period"),
            "as_of": card.as_of.isoformat(),
            "generator": f"helsinki-compliance {__version__}",
            "states": list(card.states),
            "periods": [p.id for p in card.periods],
        },
        "periods": [period_dict(p, card.as_of) for p in card.periods],
        "chart": charts.labelled(
            charts.small_multiples(
                "overview",
                [p.id for p in card.periods],
                series,
                title="Overall score per state (0-100) with its sensitivity band; ordered by the last period",
                bands=bands,
            ),
            "Small multiples: one panel per state with the overall score (0-100) per period and its sensitivity "
            "band shaded, in the order of the last period's score (not a ranking: states whose bands overlap are "
            "ties, see the summary): " + ", ".join(series) + ". The table below gives every number.",
        ),
        "states": rows,
        "legend": legend_rows(),
        "goals": goals_ctx(goals, {}, "overview"),
        "method": method_block(),
        "summary": summary.overview_summary(corpus, card),
        "unscored": unscored,
        "without_score": without_score_text(without if scored else []),
    }

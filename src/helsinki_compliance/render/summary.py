"""The summary a report opens with: a few generated sentences a reader can quote.

Per state (and for the overview): what the evidence shows (the overall score at the start and
the end of the range, the baskets at the end), how much evidence there is and from which
sources, up to which date, what changed most, where sources disagree and what is stale. Every
sentence is built from the scorecard only; nothing is said that the tables below do not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helsinki_compliance.engine.evaluation import GroupScore, Scorecard
from helsinki_compliance.model.corpus import Corpus

__all__ = ["state_summary", "overview_summary", "biggest_moves"]

_WORDS = {
    "compliant": "compliant",
    "partial": "partial compliance",
    "violation": "violation",
    "not-assessed": "not assessed",
    "not-in-force": "not in force",
    "not-yet": "not yet (the period begins after the as-of date)",
    "insufficient-evidence": "too little evidence to score",
}


def _score_words(g: GroupScore) -> str:
    if g.score is None:
        return _WORDS.get(g.status, g.status)
    return f"{round(g.score * 100)} of 100 ({_WORDS.get(g.status, g.status)})"


def _scored(card: Scorecard, state: str, group: str) -> list[tuple[str, GroupScore]]:
    return [(p.id, card.groups[(state, group, p.id)]) for p in card.periods if (state, group, p.id) in card.groups]


def biggest_moves(card: Scorecard, state: str, limit: int = 3) -> list[dict[str, Any]]:
    """The largest score changes of single cells between consecutive periods, largest first."""
    titles = {c.id: c.title for c in card.commitments}
    moves: list[dict[str, Any]] = []
    for prev, nxt in zip(card.periods, card.periods[1:], strict=False):
        for c in card.commitments:
            a, b = card.cells.get((state, c.id, prev.id)), card.cells.get((state, c.id, nxt.id))
            if a is None or b is None or a.score is None or b.score is None:
                continue
            delta = b.score - a.score
            if abs(delta) >= 1e-9:
                moves.append(
                    {
                        "commitment": c.id,
                        "title": titles[c.id],
                        "from": prev.id,
                        "to": nxt.id,
                        "before": a.score,
                        "after": b.score,
                        "delta": delta,
                    }
                )
    moves.sort(key=lambda m: (-abs(m["delta"]), m["from"], m["commitment"]))
    return moves[:limit]


def _evidence_sentence(card: Scorecard, state: str) -> str:
    cells = [c for (s, _, _), c in card.cells.items() if s == state]
    ids = {o for c in cells for o in c.observations}
    sources = {s for c in cells for s in c.coverage.sources}
    lasts = [c.coverage.last for c in cells if c.coverage.last is not None]
    firsts = [c.coverage.first for c in cells if c.coverage.first is not None]
    if not ids:
        return f"No observation known by {card.as_of.isoformat()} bears on these cells: nothing here is scored."
    span = f", dated {min(firsts).isoformat()} to {max(lasts).isoformat()}" if firsts and lasts else ""
    return (
        f"The scores rest on {len(ids)} observation{'s' if len(ids) != 1 else ''} from {len(sources)} "
        f"source{'s' if len(sources) != 1 else ''}{span}, as known on {card.as_of.isoformat()}."
    )


def _overall_sentence(card: Scorecard, state: str, name: str) -> str:
    scored = [(pid, g) for pid, g in _scored(card, state, "overall") if g.score is not None]
    if not scored:
        return f"No period has enough evidence for an overall score for {name}."
    (p0, g0), (p1, g1) = scored[0], scored[-1]
    if p0 == p1:
        return f"Overall, {name} scores {_score_words(g1)} in {p1}, the only period with enough evidence."
    low = min(scored, key=lambda x: (x[1].score or 0.0, x[0]))
    high = max(scored, key=lambda x: (x[1].score or 0.0, x[0]))
    return (
        f"Overall, {name} moves from {_score_words(g0)} in {p0} to {_score_words(g1)} in {p1} "
        f"(lowest {round((low[1].score or 0) * 100)} in {low[0]}, highest {round((high[1].score or 0) * 100)} "
        f"in {high[0]}; {len(scored)} of {len(card.periods)} periods have enough evidence to score)."
    )


def _basket_sentence(card: Scorecard, state: str, baskets: Sequence[tuple[str, str]]) -> str:
    last = card.periods[-1].id if card.periods else ""
    parts = []
    for key, title in baskets:
        g = card.groups.get((state, key, last))
        if g is not None:
            parts.append(f"{title} {_score_words(g)}, {g.label}")
    return f"In {last}: " + "; ".join(parts) + "." if parts else ""


def _moves_sentence(card: Scorecard, state: str) -> str:
    moves = biggest_moves(card, state)
    if not moves:
        return "No commitment's score changed from one period to the next."
    said = [
        f"{m['commitment']} ({m['title']}) {'rose' if m['delta'] > 0 else 'fell'} from {m['before']:.2f} "
        f"in {m['from']} to {m['after']:.2f} in {m['to']}"
        for m in moves
    ]
    return "What changed most: " + "; ".join(said) + "."


def _stale_sentence(card: Scorecard, state: str) -> str:
    if not card.periods:
        return ""
    last = card.periods[-1].id
    cells = [c for (s, _, p), c in card.cells.items() if s == state and p == last and c.findings]
    stale = [c for c in cells if c.stale]
    if not stale:
        return f"No {last} score rests on stale evidence."
    return (
        f"{len(stale)} of the {len(cells)} commitments scored in {last} rest partly on stale evidence "
        "(a condition last confirmed years earlier, carried forward and counted at reduced weight)."
    )


def state_summary(
    corpus: Corpus,
    card: Scorecard,
    state: str,
    *,
    baskets: Sequence[tuple[str, str]],
    conflicts: int,
) -> list[str]:
    """The sentences of a state report's summary, in reading order."""
    st = corpus.states.get(state)
    name = st.name if st else state
    out = [
        _overall_sentence(card, state, name),
        _basket_sentence(card, state, baskets),
        _evidence_sentence(card, state),
        _moves_sentence(card, state),
        (
            f"Sources disagree on {conflicts} fact{'s' if conflicts != 1 else ''}; the more reliable, "
            "more precise or more conservative reading is scored (see “Sources that disagree”)."
            if conflicts
            else "No two sources disagree on a fact."
        ),
        _stale_sentence(card, state),
    ]
    return [s for s in out if s]


def band_groups(card: Scorecard, period: str, states: Sequence[str]) -> list[list[str]]:
    """``states`` (highest overall score first) in groups that the sensitivity bands separate: a state
    joins the group above when its band reaches the lowest band of that group (method 3)."""
    groups: list[list[str]] = []
    floor = 0.0
    for s in states:
        g = card.groups[(s, "overall", period)]
        lo, hi = g.band if g.band is not None else (g.score or 0.0, g.score or 0.0)
        if groups and hi >= floor:
            groups[-1].append(s)
            floor = min(floor, lo)
        else:
            groups.append([s])
            floor = lo
    return groups


def _ordered_sentence(card: Scorecard, period: str, states: Sequence[str]) -> str:
    """The overview's order of states: only where bands separate; the rest are named as ties."""

    def one(s: str) -> str:
        g = card.groups[(s, "overall", period)]
        band = f" (band {round(g.band[0] * 100)}-{round(g.band[1] * 100)})" if g.band else ""
        return f"{s} {round((g.score or 0.0) * 100)}{band}"

    groups = band_groups(card, period, states)
    parts = [one(g[0]) if len(g) == 1 else "tied: " + ", ".join(one(s) for s in g) for g in groups]
    return (
        f"Overall score in {period}, ordered only where the sensitivity bands separate (states whose bands "
        f"overlap are ties, not a ranking): " + "; then ".join(parts) + "."
    )


def overview_summary(corpus: Corpus, card: Scorecard) -> list[str]:
    """The overview's summary: who scores highest and lowest at the end, who moved most, the evidence."""
    if not card.periods:
        return []
    last = card.periods[-1].id
    ends = []
    for s in card.states:
        g = card.groups.get((s, "overall", last))
        if g is not None and g.score is not None:
            ends.append((g.score, s))
    ends.sort(key=lambda x: (-x[0], x[1]))
    out = []
    if ends:
        out.append(_ordered_sentence(card, last, [s for _, s in ends]))
    unscored = [s for s in card.states if all(v != s for _, v in ends)]
    if unscored:
        out.append(f"Too little evidence for an overall score in {last}: {', '.join(unscored)}.")
    moved = []
    for s in card.states:
        scored = [g for _, g in _scored(card, s, "overall") if g.score is not None]
        if len(scored) >= 2:
            moved.append((scored[-1].score - scored[0].score, s, scored[0].period, scored[-1].period))  # type: ignore[operator]
    if moved:
        d, s, a, b = max(moved, key=lambda x: (abs(x[0]), x[1]))
        out.append(f"The largest move: {s}, {'up' if d > 0 else 'down'} {abs(round(d * 100))} points from {a} to {b}.")
    ids = {o for (_, _, _), c in card.cells.items() for o in c.observations}
    sources = {x for c in card.cells.values() for x in c.coverage.sources}
    lasts = [c.coverage.last for c in card.cells.values() if c.coverage.last is not None]
    upto = f", the latest dated {max(lasts).isoformat()}" if lasts else ""
    out.append(
        f"{len(ids)} observations from {len(sources)} sources bear on these {len(card.states)} states{upto}; "
        f"evidence as known on {card.as_of.isoformat()}."
    )
    return out

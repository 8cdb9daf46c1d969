"""What changed: the scorecard cells and goal verdicts that moved when observations were added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from helsinki_compliance.engine import goals as goals_mod
from helsinki_compliance.engine import incremental
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import calendar_periods
from helsinki_compliance.model.records import Observation


@dataclass(frozen=True)
class Change:
    """One scorecard cell or goal verdict that moved."""

    what: str  # "cell" or "goal"
    state: str
    item: str  # commitment id, or goal-set/goal id
    periods: tuple[str, ...]
    before: str
    after: str

    def __str__(self) -> str:
        span = self.periods[0] if len(self.periods) == 1 else f"{self.periods[0]}-{self.periods[-1]}"
        if self.what == "goal":
            return f"goal {self.item} ({self.state}, {span}): {self.before} -> {self.after}"
        return f"{self.state} {span} {self.item}: {self.before} -> {self.after}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "state": self.state,
            "item": self.item,
            "periods": list(self.periods),
            "before": self.before,
            "after": self.after,
        }


# ---------------------------------------------------------------- what changed


def _spans(years: list[tuple[str, str, str]]) -> list[tuple[tuple[str, ...], str, str]]:
    """Group consecutive periods with the same before -> after."""
    out: list[tuple[list[str], str, str]] = []
    for period, b, a in years:
        if out and out[-1][1] == b and out[-1][2] == a and int(out[-1][0][-1]) + 1 == int(period):
            out[-1][0].append(period)
        else:
            out.append(([period], b, a))
    return [(tuple(p), b, a) for p, b, a in out]


def _reading(cell: Any) -> str:
    """A cell as ``changes:`` prints it: its status and (method 2) its score, so score moves show too."""
    return cell.status if cell.score is None else f"{cell.status} {cell.score:.2f}"


def diff(
    before: Corpus,
    after: Corpus,
    states: Sequence[str],
    *,
    first: int,
    last: int,
    as_of: date,
    new: Sequence[Observation] | None = None,
) -> list[Change]:
    """Scorecard cells (yearly) and goal verdicts (as of each year's end) that differ.

    With ``new`` (the observations ``after`` adds), only the cells they can affect are evaluated
    (:func:`.incremental.affected_cells`); without, every cell of ``states``.
    """
    periods = calendar_periods("year", first, last)
    by_id = {p.id: p for p in periods}
    ev_b, ev_a = Evaluator(before), Evaluator(after)
    comms = list(after.commitments.values())
    if new is not None:
        keys = incremental.affected_cells(new, periods, as_of, comms, states)
    else:
        keys = {(s, c.id, p.id) for s in states for c in comms for p in periods}
    changes: list[Change] = []
    for state in states:
        for c in comms:
            moved = []
            for p in periods:
                if (state, c.id, p.id) not in keys:
                    continue
                b = (
                    _reading(ev_b.cell(before.commitments[c.id], state, by_id[p.id], as_of))
                    if c.id in before.commitments
                    else "-"
                )
                a = _reading(ev_a.cell(c, state, p, as_of))
                if a != b:
                    moved.append((p.id, b, a))
            changes.extend(Change("cell", state, c.id, ps, b, a) for ps, b, a in _spans(moved))

        for gs in after.goal_sets.values():
            if gs.state != state:
                continue
            tb = goals_mod.timeline(before, periods, gs.id, state=state, as_of=as_of)["timeline"]
            ta = goals_mod.timeline(after, periods, gs.id, state=state, as_of=as_of)["timeline"]
            for goal in gs.goals:
                moved = [
                    (rb["period"], rb["verdicts"][goal.id], ra["verdicts"][goal.id])
                    for rb, ra in zip(tb, ta)
                    if rb["verdicts"].get(goal.id) != ra["verdicts"][goal.id]
                ]
                changes.extend(Change("goal", state, f"{gs.id}/{goal.id}", ps, b, a) for ps, b, a in _spans(moved))
    return changes

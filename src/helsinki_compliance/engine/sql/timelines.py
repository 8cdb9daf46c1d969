"""The states' standing timelines as one table, for the SQL engines' timeline kinds (engine/sql/standing.py).

A timeline is one (state, condition, subject): the observations of that condition and subject, with the
endings for every subject that closed it (``StateEvidence.close_all``), without the readings a conflict
sets aside, sorted by (end, start, id). Which observations belong to which timeline is the state's index
(engine/rules.py ``StateEvidence``), built once per state whatever the engine; every window a rule reads
of it (what is known by the as-of date, what ends before or in a period, what covers it) is selected in
SQL. One row per event of each of a timeline's two tracks (``claims``: the events a rule with
``include_claims`` reads; otherwise the facts alone, engine/rules.py ``Timeline``):

* ``state``, ``condition``, ``sk`` (the subject's position among the condition's timelines, the order
  findings are listed in), ``subject``, ``claims``;
* ``pos``: the event's position on its track (the timeline's order), ``r``: its row in the hot table
  (engine/columnar.py), where its dates, known-by day and tags are read;
* ``first_day``: the first day a condition in effect covers (``rules.since_of``: its ``since``, else the
  start of its date range), null for an event without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helsinki_compliance.engine.columnar import require_pyarrow
from helsinki_compliance.engine.rules import StateEvidence


def timeline_table(evidences: Mapping[str, StateEvidence], rows: Mapping[str, int]) -> Any:
    """``timelines_t`` (a ``pyarrow.Table``) for the states in ``evidences``; ``rows``: observation id -> its row."""
    pa = require_pyarrow()
    cols: dict[str, list[Any]] = {
        n: [] for n in ("state", "condition", "sk", "subject", "claims", "pos", "r", "first_day")
    }
    for state, evidence in evidences.items():
        for condition, timelines in evidence.by_condition.items():
            for sk, timeline in enumerate(timelines):
                for claims, track in ((True, timeline.all), (False, timeline.facts)):
                    first = {i: d for i, _, d in track.since}
                    for pos, e in enumerate(track.events):
                        cols["state"].append(state)
                        cols["condition"].append(condition)
                        cols["sk"].append(sk)
                        cols["subject"].append(timeline.subject)
                        cols["claims"].append(claims)
                        cols["pos"].append(pos)
                        cols["r"].append(rows[e.id])
                        day = first.get(pos)
                        cols["first_day"].append(day.toordinal() if day is not None else None)
    types = {"sk": pa.int32(), "claims": pa.bool_(), "pos": pa.int32(), "r": pa.int32(), "first_day": pa.int32()}
    return pa.table({n: pa.array(v, type=types.get(n, pa.string())) for n, v in cols.items()})

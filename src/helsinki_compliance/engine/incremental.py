"""Incremental evaluation: adding observations re-scores only the cells they can affect.

A cell (state, commitment, period) can change when a new observation

- is of the cell's **state** (evaluation is per state: no rule reads another state's evidence);
- can be **read by a rule** of the commitment: an event rule whose match accepts it, a standing
  rule on its condition (and subject), a metric rule on its metric; claims only where the rule
  includes claims;
- falls in the **period**: for event and metric rules, its whole date interval lies in the period;
  for standing rules, the period ends on or after the condition's first day (``since``, else the
  observation's start), since a condition is carried forward to every later period;
- is **known by the as-of date** (its ``known_by`` date, else its interval's end, is on or before it);
- method 2: a range-dated event also counts in the period containing its end, and an
  improvement with law dates in every period from its in-force date on.

:func:`affected_cells` computes that set; :func:`changed_cells` re-evaluates it on the corpus with
the new observations and returns the cells whose result changed. A test checks the result against
a full re-evaluation on the real corpus and on a synthetic one.

:func:`add_observations` gives the new corpus without reloading (the old one is not modified), and
:func:`check_observations` runs the loader's semantic checks (stage 4) on new observations against
the loaded registries, so that ``observe add`` costs time in proportion to what it adds.
"""

from __future__ import annotations

import dataclasses
from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from helsinki_compliance.engine.evaluation import Cell, Evaluator, Scorecard, group_scores
from helsinki_compliance.engine.rules import kind_of
from helsinki_compliance.engine.staleness import is_known
from helsinki_compliance.errors import Problem
from helsinki_compliance.load.files import read_files
from helsinki_compliance.load.semantics import build_corpus
from helsinki_compliance.model.corpus import Corpus, Origin, ParsedFile
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Commitment, Observation

CellKey = tuple[str, str, str]


@dataclass(frozen=True)
class Change:
    """A cell whose result differs after the new observations were added."""

    state: str
    commitment: str
    period: str
    before: Cell | None
    after: Cell


def _order(o: Observation) -> tuple[date, date, str]:
    return (o.date.start, o.date.end, o.id)


def add_observations(corpus: Corpus, new: Iterable[Observation]) -> Corpus:
    """A corpus with ``new`` added (kept in date order); ``corpus`` itself is not changed.

    The state index is carried over, so no pass over the whole corpus is made beyond one list copy.
    """
    added = sorted(new, key=_order)
    obs = list(corpus.observations)
    for o in added:
        insort(obs, o, key=_order)
    out = dataclasses.replace(corpus, observations=obs)
    old_index = corpus.index.by_state
    if old_index is not None:
        index = dict(old_index)
        for state in {o.state for o in added}:
            merged = list(index.get(state, []))
            for o in added:
                if o.state == state:
                    insort(merged, o, key=_order)
            index[state] = merged
        out.reindex(by_state=index)
    return out


def affected_cells(
    new: Iterable[Observation],
    periods: Sequence[Period],
    as_of: date,
    commitments: Iterable[Commitment],
    states: Iterable[str] | None = None,
) -> set[CellKey]:
    """The cells that ``new`` observations can change (see the module doc)."""
    comms = list(commitments)
    wanted = set(states) if states is not None else None
    out: set[CellKey] = set()
    for o in new:
        if o.fact is not None and (wanted is None or o.state in wanted):
            # a fact key can set aside an observation already scored (conflicts.py): every cell of the state
            out.update((o.state, c.id, p.id) for c in comms for p in periods)
            continue
        if not is_known(o, as_of) or (wanted is not None and o.state not in wanted):
            continue
        first_day = o.date.start
        if o.standing and o.standing.since and o.standing.since.start < first_day:
            first_day = o.standing.since.start
        for c in comms:
            for rule in c.rules:
                if not rule.reads(o, c.id):
                    continue
                hit = kind_of(rule).affects(rule, o, periods, first_day)
                out.update((o.state, c.id, p.id) for p in hit)
    return out


def changed_cells(
    before: Corpus,
    card: Scorecard,
    new: Sequence[Observation],
    *,
    evaluator: Evaluator | None = None,
    apply: bool = True,
) -> tuple[Corpus, list[Change]]:
    """Add ``new`` to ``before`` and re-score only the cells of ``card`` they can affect.

    Returns the new corpus and the cells whose status, score, confidence or evidence changed.
    With ``apply``, ``card`` is updated in place (its cells and the basket and overall scores of
    the affected states and periods), so it equals a full re-evaluation of the new corpus.
    ``evaluator`` (of ``before``) lends its per-state indexes for the states that did not change.
    """
    after = add_observations(before, new)
    ev = Evaluator(after)
    changed_states = {o.state for o in new}
    if evaluator is not None:
        ev.adopt_evidence({s: e for s, e in evaluator.indexed_evidence().items() if s not in changed_states})
    keys = affected_cells(new, card.periods, card.as_of, card.commitments, card.states)
    by_id = {c.id: c for c in card.commitments}
    periods = {p.id: p for p in card.periods}
    changes: list[Change] = []
    for key in sorted(keys):
        state, cid, pid = key
        cell = ev.cell(by_id[cid], state, periods[pid], card.as_of)
        old = card.cells.get(key)
        if old != cell:
            changes.append(Change(state, cid, pid, old, cell))
    if apply and changes:
        for ch in changes:
            card.cells[(ch.state, ch.commitment, ch.period)] = ch.after
        _regroup(card, {(ch.state, ch.period) for ch in changes})
    return after, changes


def _regroup(card: Scorecard, touched: set[tuple[str, str]]) -> None:
    """Recompute the basket and overall scores of the touched (state, period) pairs only."""
    for state, pid in sorted(touched):
        sub = Scorecard(card.as_of, [state], [p for p in card.periods if p.id == pid], card.commitments, card.cells)
        card.groups.update(group_scores(sub))


def check_observations(
    corpus: Corpus, path: Path, display: str | None = None
) -> tuple[list[Observation], list[Problem]]:
    """Stages 1-4 for one new observations file against the loaded ``corpus`` (not the whole corpus again).

    The loader's own checks run on the file and the registries (states, sources, vocabulary, cases,
    commitments, periods); ids are checked against every observation already loaded.
    """

    problems: list[Problem] = []
    parsed, problems = read_files(corpus.root, [path])
    shown = display or (parsed[0].path if parsed else str(path))
    registries = registry_files(corpus)
    _, more = build_corpus(corpus.root, [*registries, *parsed])
    problems.extend(more)
    new = [item for pf in parsed if pf.key == "observations" for item in pf.items]
    ids = corpus.observation_ids()
    for pf in parsed:
        if pf.key != "observations":
            problems.append(Problem(shown, 1, "", f"expected an observations file, found {pf.key!r}"))
            continue
        for item, origin in zip(pf.items, pf.origins, strict=True):
            if item.id in ids:
                first = corpus.origin("observations", item.id)
                where = f" (first defined at {first.file}:{first.line})" if first else ""
                problems.append(
                    Problem(
                        origin.file,
                        origin.line,
                        f"{origin.path[0]}[{origin.path[1]}].id",
                        f"duplicate id {item.id!r}{where}",
                    )
                )
    return new, sorted(problems)


def registry_files(corpus: Corpus) -> list[ParsedFile]:
    """The loaded registries as parsed files, for the loader's checks on new observations."""
    out: list[ParsedFile] = [ParsedFile("<vocabulary>", "vocabulary", [corpus.vocabulary], [Origin("<vocabulary>", 0)])]
    for key, registry in (
        ("instruments", corpus.instruments),
        ("states", corpus.states),
        ("periods", corpus.periods),
        ("sources", corpus.sources),
        ("cases", corpus.cases),
        ("commitments", corpus.commitments),
    ):
        ids = list(registry)
        origins = [corpus.origins.get((key, i)) or Origin(f"<{key}>", 0) for i in ids]
        out.append(ParsedFile(f"<{key}>", key, [registry[i] for i in ids], origins))
    return out

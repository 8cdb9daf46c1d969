"""The corpus: everything loaded from a data directory, validated and indexed, with where each item came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from helsinki_compliance.errors import Problem
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import (
    Assessment,
    Case,
    Commitment,
    GoalSet,
    Instrument,
    NamedPeriod,
    Observation,
    RuleTest,
    Source,
    State,
    Vocabulary,
)
from helsinki_compliance.model.states import find_state, state_names


@dataclass(frozen=True)
class Origin:
    """Where an item was defined: its file, line, and path (top-level key, index)."""

    file: str
    line: int
    path: tuple[str | int, ...] = ()


@dataclass
class ParsedFile:
    path: str
    key: str
    items: list[Any]
    origins: list[Origin]
    source: Path | None = None


class CorpusIndex:
    """The corpus's derived lookups, built on first use: observations by state, observation ids, state names.

    A :class:`Corpus` made by ``dataclasses.replace`` gets a fresh, empty index; one changed in place
    (``corpus.observations = ...``) must call :meth:`Corpus.reindex`."""

    __slots__ = ("by_state", "content_key", "ids", "state_names")

    def __init__(self) -> None:
        self.by_state: dict[str, list[Observation]] | None = None
        self.ids: set[str] | None = None
        self.state_names: dict[str, str] | None = None
        #: the key of everything the corpus was loaded from (load/snapshot.py), set by a cached load and
        #: dropped with the rest of the index when the corpus changes: what derived caches are keyed by
        self.content_key: str | None = None


@dataclass
class Corpus:
    """Everything loaded from a data directory, validated and indexed."""

    root: Path
    vocabulary: Vocabulary
    instruments: dict[str, Instrument]
    states: dict[str, State]
    periods: dict[str, NamedPeriod]
    commitments: dict[str, Commitment]
    rule_tests: list[RuleTest]
    sources: dict[str, Source]
    cases: dict[str, Case]
    observations: list[Observation]
    assessments: list[Assessment]
    goal_sets: dict[str, GoalSet]
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    named_periods: dict[str, Period] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    index: CorpusIndex = field(default_factory=CorpusIndex, init=False, repr=False, compare=False)

    def reindex(self, by_state: dict[str, list[Observation]] | None = None) -> None:
        """Drop the derived lookups (after ``observations`` or ``states`` changed in place);
        ``by_state``: an already-built index of the new observations by state, to keep."""
        self.index = CorpusIndex()
        self.index.by_state = by_state

    def observations_by_state(self) -> dict[str, list[Observation]]:
        """Every observation by state, in corpus order (built once; do not change the lists)."""
        idx = self.index.by_state
        if idx is None:
            idx = {}
            for o in self.observations:
                idx.setdefault(o.state, []).append(o)
            self.index.by_state = idx
        return idx

    def observation_ids(self) -> set[str]:
        """The ids of every observation (built once; do not change the set)."""
        if self.index.ids is None:
            self.index.ids = {o.id for o in self.observations}
        return self.index.ids

    def origin(self, kind: str, item_id: str) -> Origin | None:
        return self.origins.get((kind, item_id))

    def observations_of(self, state: str) -> list[Observation]:
        return list(self.observations_by_state().get(state, []))

    def in_force_from(self, commitment: Commitment, state: str) -> date | None:
        """The first day ``commitment`` binds ``state`` (None: never, e.g. unknown state)."""
        st = self.states.get(state)
        if st is None:
            return None
        start = commitment.in_force or self.instruments[commitment.instrument].adopted
        return max(start.start, st.joined.start)

    def state_code(self, text: str) -> str | None:
        """The code of the state ``text`` names: a code, name or alias (``USSR``, ``east germany``), else None."""
        if self.index.state_names is None:
            self.index.state_names = state_names(self.states)
        return find_state(self.states, text, self.index.state_names)

    def state_left(self, state: str) -> date | None:
        st = self.states.get(state)
        return st.left.end if st and st.left else None

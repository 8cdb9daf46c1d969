"""Coverage: what every score rests on (scoring method 2, docs/scoring.md "Coverage").

Each cell, basket and overall score carries its coverage: commitments assessed out of those in
force, the distinct observations and sources behind it, and the span of their dates. A basket
or overall score that rests on too little is not given as a number: its status is
``insufficient-evidence`` and its score is null (the weighted mean is kept as ``raw_score`` for
those who want to look, never printed as a score). The thresholds:

* at least :data:`MIN_COMMITMENTS` commitments assessed: a mean over one or two undertakings
  says little about a basket of nine or an overall of forty, and three is the smallest number
  for which one odd cell cannot decide the status alone;
* at least :data:`MIN_OBSERVATIONS` distinct observations: no group score rests on a single
  observation (the GDR scored 100 in 1989 from one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from helsinki_compliance.model.records import Observation

MIN_COMMITMENTS = 3
MIN_OBSERVATIONS = 3
INSUFFICIENT = "insufficient-evidence"


@dataclass(frozen=True)
class Coverage:
    """The evidence under one score."""

    observations: int = 0
    sources: tuple[str, ...] = ()
    first: date | None = None
    last: date | None = None
    stale: int = 0  # findings resting on stale evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "observations": self.observations,
            "sources": list(self.sources),
            "evidence_from": self.first.isoformat() if self.first else None,
            "evidence_to": self.last.isoformat() if self.last else None,
            "stale_findings": self.stale,
        }

    @property
    def span(self) -> str:
        if self.first is None or self.last is None:
            return ""
        return f"{self.first.year}" if self.first.year == self.last.year else f"{self.first.year}-{self.last.year}"


EMPTY = Coverage()


def coverage_of(ids: Iterable[str], by_id: Mapping[str, Observation], stale: int = 0) -> Coverage:
    obs = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    if not obs:
        return Coverage(stale=stale)
    return Coverage(
        observations=len(obs),
        sources=tuple(sorted({o.source for o in obs})),
        first=min(o.date.start for o in obs),
        last=max(o.date.end for o in obs),
        stale=stale,
    )


def merge(cells: Sequence[Any]) -> Coverage:
    """The coverage of a group of cells (anything with ``observations`` ids and a ``coverage``)."""
    covs = [c.coverage for c in cells if c.coverage.observations]
    ids = {o for c in cells for o in c.observations}
    if not covs:
        return Coverage(observations=len(ids))
    return Coverage(
        observations=len(ids),
        sources=tuple(sorted({s for c in covs for s in c.sources})),
        first=min(c.first for c in covs if c.first is not None),
        last=max(c.last for c in covs if c.last is not None),
        stale=sum(c.stale for c in covs),
    )


def sufficient(assessed: int, observations: int) -> bool:
    """Whether a basket or overall score rests on enough to be given as a number."""
    return assessed >= MIN_COMMITMENTS and observations >= MIN_OBSERVATIONS


def label(assessed: int, in_force: int, cov: Coverage) -> str:
    """``9/27 commitments, 14 obs., 3 sources, 1975-1987``."""
    parts = [f"{assessed}/{in_force} commitments", f"{cov.observations} obs.", f"{len(cov.sources)} sources"]
    if cov.span:
        parts.append(cov.span)
    return ", ".join(parts)

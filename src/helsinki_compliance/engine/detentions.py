"""Named persons' detentions left open on old evidence (issue #24, method 3's horizon).

A condition of a named person (a standing condition whose subject is a case: imprisonment, internal exile,
psychiatric confinement) is carried forward until a source ends it. When its latest report still has it in
effect and is older than the scoring horizon at the end of the record for that state (the corpus's clock, or
the day the state ceased to exist), the record has lost the person: `validate` warns, so that a maintainer
looks for how it ended (or for evidence that it continued).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from helsinki_compliance.engine.staleness import HORIZON_YEARS, corpus_clock, years_before
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.records import Observation


@dataclass(frozen=True)
class OpenDetention:
    """A named person's condition whose latest report (``last``) still has it in effect, older than ``limit``."""

    state: str
    condition: str
    subject: str
    last: Observation
    limit: date

    def message(self) -> str:
        return (
            f"{self.condition} of {self.subject} is left open: its latest report ({self.last.date}) is older than "
            f"the {HORIZON_YEARS}-year horizon at {self.limit.isoformat()}; record how it ended (standing.ended_by) "
            "or a later report that it continued"
        )


def open_detentions(
    corpus: Corpus, clock: date | None = None, horizon_years: int = HORIZON_YEARS
) -> list[OpenDetention]:
    """Every named person's condition left open on evidence older than the horizon (claims, attributed and
    background reports are not evidence; an ending for all subjects after the latest report closes it)."""
    end = clock or corpus_clock(corpus.observations)
    latest: dict[tuple[str, str, str], Observation] = {}
    for_all: dict[tuple[str, str], list[date]] = {}
    for o in corpus.observations:
        st = o.standing
        if st is None or o.claim or o.attribution is not None or o.context:
            continue
        if st.all_subjects:
            for_all.setdefault((o.state, st.condition), []).append(o.date.end)
        elif st.subject in corpus.cases:
            key = (o.state, st.condition, st.subject)
            if key not in latest or o.date.end >= latest[key].date.end:
                latest[key] = o
    found = []
    for (state, condition, subject), o in sorted(latest.items()):
        assert o.standing is not None
        left = corpus.state_left(state)
        limit = years_before(min(end, left) if left else end, horizon_years)
        closed = any(d >= o.date.end for d in for_all.get((state, condition), []))
        if o.standing.in_effect and o.date.end < limit and not closed:
            found.append(OpenDetention(state, condition, subject, o, limit))
    return found

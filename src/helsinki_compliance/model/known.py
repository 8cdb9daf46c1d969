"""The corpus as it was known at an as-of date: the one view that scoring, ``explain``, reports
and ``diff`` read, so that none of them shows a reading, or a conflict's resolution, that was not
known at the date it speaks for.

An observation is *known* from its ``known_by`` date (the end of it) when it gives one, else from
the end of its own date interval. Conflicts between readings of one fact (:mod:`.conflicts`) are
resolved among the readings known at the as-of date: a total published in 1990 neither wins nor
loses a conflict as of 1989, and a conflict none of whose readings was known is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from helsinki_compliance.model import conflicts
from helsinki_compliance.model.records import Observation, Source


def known_date(o: Observation) -> date:
    """The day from which ``o`` counts: its ``known_by`` date (end of it) if given, else its date's end."""
    return o.known_by.end if o.known_by is not None else o.date.end


def is_known(o: Observation, as_of: date) -> bool:
    return known_date(o) <= as_of


def known(observations: Iterable[Observation], as_of: date) -> list[Observation]:
    """The observations known at ``as_of`` (in their order)."""
    return [o for o in observations if known_date(o) <= as_of]


def conflicts_at(
    observations: Iterable[Observation], sources: Mapping[str, Source], as_of: date, *, conservative: bool = False
) -> list[conflicts.Conflict]:
    """The conflicts among the readings known at ``as_of``, resolved as scoring resolves them then
    (``conservative``: by the more conservative reading first, a method variant of the sensitivity bands)."""
    return conflicts.find(known(observations, as_of), sources, conservative=conservative)


def set_aside_at(
    observations: Iterable[Observation], sources: Mapping[str, Source], as_of: date, *, conservative: bool = False
) -> frozenset[str]:
    """The readings a conflict resolved at ``as_of`` sets aside (never scored as of that date)."""
    return frozenset(conflicts.set_aside(conflicts_at(observations, sources, as_of, conservative=conservative)))

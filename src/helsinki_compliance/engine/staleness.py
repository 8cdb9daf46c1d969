"""When evidence was known, and how old it is (scoring method 2, docs/scoring.md).

* **Known-by dates.** An observation counts as of a date only once it was *known*: on its
  ``known_by`` date when the observation gives one (the day a fact was published or reported),
  else at the end of its own date interval. ``--as-of`` filters on this date.
* **Evidence ages.** A standing condition in effect is carried forward until a source ends it,
  but not for ever at full strength. When the latest observation confirming it is more than
  :data:`STALE_AFTER_YEARS` years older than the end of the period, the finding is **stale**: its
  confidence is multiplied by :data:`STALE_CONFIDENCE_FACTOR` and every output flags it. When it is
  more than :data:`VERY_STALE_AFTER_YEARS` years older, the finding is **very stale**: its weight
  in the cell score is also multiplied by :data:`VERY_STALE_WEIGHT_FACTOR`, so fresher findings of
  the same cell count twice as much; it is never dropped (a restriction no source ended is still
  the best evidence there is). Ended conditions do not age: the end of a restriction lasts until
  a source reports that it resumed.
* **The scoring horizon** (method 3). A condition last confirmed more than :data:`HORIZON_YEARS`
  years before the end of the period is **too old to score**: the finding is kept for ``explain``
  ("last known 1980 (source, locator) — too old to score") but has no weight, so a cell resting
  only on such findings is not assessed. With the default horizon (8 years) no finding is ever
  very stale; the class remains for a :class:`Method` with a longer or no horizon.
* **Measures that last.** An improvement recorded as an event with law dates (``law:``) counts
  from the law's in-force date (else publication, else adoption, else the event's own date) in
  that period and every later one, like a standing condition that has ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

# defined with the known-at-a-date view (model/known.py), re-exported here where they were
from helsinki_compliance.model.known import is_known as is_known
from helsinki_compliance.model.known import known_date as known_date
from helsinki_compliance.model.records import Observation

#: a condition not reconfirmed for longer than this (years) before the end of the period is stale
STALE_AFTER_YEARS = 5
#: ... and for longer than this, very stale: its weight is lowered too
VERY_STALE_AFTER_YEARS = 10
#: a stale finding's confidence is multiplied by this
STALE_CONFIDENCE_FACTOR = 0.5
#: a very stale finding's weight is multiplied by this
VERY_STALE_WEIGHT_FACTOR = 0.5
#: method 3: a condition last confirmed longer ago than this (years) before the end of the period no longer scores
HORIZON_YEARS = 8
#: the age class of a finding beyond the horizon: shown, never scored
TOO_OLD = "too-old"


@dataclass(frozen=True)
class Method:
    """The method choices a score depends on; the default is the documented method (docs/scoring.md).

    The sensitivity bands (engine/bands.py) re-evaluate under other choices: the horizon, whether
    rule severities weight the findings, and how conflicting readings of one fact are resolved.
    """

    horizon_years: int | None = HORIZON_YEARS  # None: no horizon (method 2)
    severity_weights: bool = True
    conflicts: Literal["reliability", "conservative"] = "reliability"

    def label(self) -> str:
        h = "no horizon" if self.horizon_years is None else f"horizon {self.horizon_years} y"
        w = "severity weights" if self.severity_weights else "equal weights"
        return f"{h}, {w}, conflicts by {self.conflicts}"


DEFAULT_METHOD = Method()


def corpus_clock(observations: Iterable[Observation], today: date | None = None) -> date:
    """The one default as-of date (method 3, "One clock"): the day the corpus's latest evidence became
    known (the latest :func:`known_date`), never after ``today``; today for a corpus without observations.

    Every command and report defaults to it: scores as of it equal scores as of today (nothing in the
    corpus is known later), yet it depends on the data only, so a committed report stays reproducible."""
    today = today or date.today()
    latest = max((known_date(o) for o in observations), default=None)
    return today if latest is None else min(latest, today)


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def age_class(last_confirmed: date, at: date, horizon: int | None = HORIZON_YEARS) -> str:
    """``fresh``, ``stale``, ``very-stale`` or ``too-old`` (beyond ``horizon`` years): how old a
    confirmation on ``last_confirmed`` is at ``at``."""
    if horizon is not None and last_confirmed < years_before(at, horizon):
        return TOO_OLD
    if last_confirmed < years_before(at, VERY_STALE_AFTER_YEARS):
        return "very-stale"
    if last_confirmed < years_before(at, STALE_AFTER_YEARS):
        return "stale"
    return "fresh"


def law_effective(o: Observation) -> date | None:
    """The day a legal measure takes effect: in force, else published, else adopted (None: not a law)."""
    if o.law is None:
        return None
    for d in (o.law.in_force, o.law.published, o.law.adopted):
        if d is not None:
            return d.start
    return o.date.start

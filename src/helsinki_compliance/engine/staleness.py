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
* **Measures that last.** An improvement recorded as an event with law dates (``law:``) counts
  from the law's in-force date (else publication, else adoption, else the event's own date) in
  that period and every later one, like a standing condition that has ended.
"""

from __future__ import annotations

from datetime import date

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


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def age_class(last_confirmed: date, at: date) -> str:
    """``fresh``, ``stale`` or ``very-stale``: how old a confirmation on ``last_confirmed`` is at ``at``."""
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

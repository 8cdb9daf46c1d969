"""The predicates on one observation that every engine shares (Python reference, columnar table, incremental).

Defined once here; engine/columnar.py turns them into the hot table's columns, so the SQL reads the
same answer the reference computes.
"""

from __future__ import annotations

from helsinki_compliance.model.dates import Precision
from helsinki_compliance.model.records import Observation


def is_range(o: Observation) -> bool:
    """Dated by a range (``1977..1979``), not at a precision of one day, month or year."""
    return o.date.precision is Precision.RANGE


def is_ranged_event(o: Observation) -> bool:
    """A range-dated event (not a condition, not a figure): it also counts in the period containing its end."""
    return is_range(o) and o.standing is None and o.metric is None


def is_law_event(o: Observation) -> bool:
    """A legal measure (an event with law dates): an improvement by law lasts from its in-force date on."""
    return o.law is not None and o.standing is None

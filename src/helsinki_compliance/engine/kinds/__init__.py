"""The rule kinds, one module each; importing this package registers them (engine/rules.py ``KINDS``).

A kind module owns the kind's reference evaluation, the periods an observation can affect
(incremental re-scoring), its SQL (a predicate on one observation for event and metric rules, a
query over the timelines for standing rules; without it the SQL engines leave its rules to the
reference, counted) and its finding builder. CONTRIBUTING.md, "Add a rule kind".
"""

from __future__ import annotations

from helsinki_compliance.engine.kinds import event, metric, standing

__all__ = ["event", "metric", "standing"]

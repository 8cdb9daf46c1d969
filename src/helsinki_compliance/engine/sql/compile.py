"""Rules compiled to SQL: one compiler for every SQL engine (DuckDB runs it; Spark runs it transpiled).

What is compiled. For every rule of a window kind with SQL (engine/kinds/: **event** and **metric**; each
kind module writes its own predicate with the helpers here) the compiler emits a predicate over the
hot observation table (engine/columnar.py): kinds as ``IN``, tags and cited commitments as list
predicates, claims, and the rule's ``where`` condition tree with the reference's semantics (a
missing field compares false, ``ne``/``not_in`` are the negation of ``eq``/``in``, ``exists``
tests for null). :func:`window_query` then joins the matching observations with the periods
(an interval join: the whole date inside the period, or a range-dated event whose range ends in
it) and with the in-force cells, applies the as-of (known-by) filter and the lasting-measure
rule, and returns the evidence of every (cell, rule) in the reference's window order.
:func:`carried_query` finds the legal measures carried into later periods.

Rules of a timeline kind (**standing**) are not predicates on one observation: their kind selects
what they read of the states' timelines in one query of its own (``Kind.timeline_sql``,
engine/sql/standing.py); :func:`compile_rules` lists them as :class:`TimelineRule`.

What is not compiled: a rule of a kind without SQL, and any comparison that the loader flags as never
true as written (:func:`condition_sql` raises :class:`Unsupported`; that rule is evaluated by the
reference). Both are counted in :class:`~helsinki_compliance.engine.sql_engine.EngineStats`.

The SQL is written in DuckDB's dialect using only constructs that SQLGlot transpiles to Spark
SQL (``list_contains`` becomes ``ARRAY_CONTAINS``, ``strpos`` becomes ``LOCATE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from helsinki_compliance.engine.rules import kind_of
from helsinki_compliance.model.conditions import (
    LIST_FIELDS,
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    Not,
    comparison_problem,
)
from helsinki_compliance.model.records import Commitment

#: observation field (as a condition names it) -> column of the hot table
FIELD_COLUMNS = {
    "kind": "kind",
    "tags": "tags",
    "state": "state",
    "source": "source",
    "confidence": "conf",
    "claim": "claim",
    "cases": "cases",
    "commitments": "commitments",
    "metric.name": "metric_name",
    "metric.value": "metric_value",
    "metric.unit": "metric_unit",
    "metric.qualifier": "metric_qualifier",
    "standing.condition": "standing_condition",
    "standing.subject": "standing_subject",
    "standing.in_effect": "standing_in_effect",
    "standing.ended_by": "standing_ended_by",
    "standing.all_subjects": "standing_all_subjects",
    "attribution.type": "attribution_type",
}
_SQL_OPS = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


class Unsupported(Exception):
    """A rule (or part of one) the SQL compiler does not express; the reference evaluates it."""


def literal(v: Any) -> str:
    """A SQL literal for a condition value (strings quoted, quotes doubled)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        # beyond 2**53 a column's DOUBLE no longer compares exactly as Python does, and Spark has no
        # type for integers over 38 digits at all: the reference evaluates such a comparison
        if abs(v) > 2**53:
            raise Unsupported("an integer beyond 2**53 (compared exactly only by the reference)")
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise Unsupported("a non-finite number")
        return repr(v)
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    raise Unsupported(f"a value of type {type(v).__name__}")


def strings(values: Sequence[str]) -> str:
    return ", ".join(literal(v) for v in values)


def _eq(col: str, is_list: bool, value: Any) -> str:
    if is_list:
        return "FALSE"  # a list never equals one value (comparison_problem has flagged the rule)
    if value is None:
        return f"({col} IS NULL)"
    return f"COALESCE({col} = {literal(value)}, FALSE)"


def _in(col: str, is_list: bool, values: list[Any]) -> str:
    if is_list:
        return "FALSE"
    parts = []
    present = [v for v in values if v is not None]
    if present:
        parts.append(f"COALESCE({col} IN ({', '.join(literal(v) for v in present)}), FALSE)")
    if len(present) < len(values):
        parts.append(f"({col} IS NULL)")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def comparison_sql(c: Comparison) -> str:
    """One comparison as a boolean SQL expression that is never NULL (the reference's semantics)."""
    problem = comparison_problem(c)
    if problem is not None:
        raise Unsupported(problem)
    col = FIELD_COLUMNS[c.field]
    is_list = c.field in LIST_FIELDS
    if c.op == "eq":
        return _eq(col, is_list, c.value)
    if c.op == "ne":
        return f"(NOT {_eq(col, is_list, c.value)})"
    if c.op in _SQL_OPS:
        return f"COALESCE({col} {_SQL_OPS[c.op]} {literal(c.value)}, FALSE)"
    if c.op in ("in", "not_in"):
        assert isinstance(c.value, list)
        expr = _in(col, is_list, c.value)
        return expr if c.op == "in" else f"(NOT {expr})"
    if c.op == "contains":
        if is_list:
            return f"COALESCE(list_contains({col}, {literal(c.value)}), FALSE)"
        return f"COALESCE(strpos({col}, {literal(c.value)}) > 0, FALSE)"
    if c.op == "exists":
        if is_list:
            return "TRUE" if c.value else "FALSE"
        return f"({col} IS NOT NULL)" if c.value else f"({col} IS NULL)"
    raise Unsupported(f"operator {c.op!r}")


def condition_sql(cond: Condition) -> str:
    """A ``where`` condition tree as SQL."""
    if isinstance(cond, Comparison):
        return comparison_sql(cond)
    if isinstance(cond, AllOf):
        return "(" + " AND ".join(condition_sql(c) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + " OR ".join(condition_sql(c) for c in cond.any) + ")"
    assert isinstance(cond, Not)
    return f"(NOT {condition_sql(cond.not_)})"


def counts_sql(include_claims: bool) -> str:
    """Whether a rule scores an observation (records.Observation.counts): facts; claims only when asked."""
    return "(hearsay IS NULL OR hearsay = 'claim')" if include_claims else "hearsay IS NULL"


@dataclass(frozen=True)
class CompiledRule:
    """One event or metric rule of one commitment, compiled."""

    key: int
    commitment: str
    index: int  # position in the commitment's rules
    lasting: bool  # an event rule whose legal measures last (status other than violation)
    predicate: str
    kind: str = ""


@dataclass(frozen=True)
class TimelineRule:
    """One rule of a timeline kind of one commitment: its kind's query selects its evidence."""

    key: int
    commitment: str
    index: int  # position in the commitment's rules
    kind: str
    rule: Any


@dataclass
class Compiled:
    """The compiled rules of a set of commitments, and those left to the reference (with why)."""

    rules: list[CompiledRule]
    reference: dict[tuple[str, int], str]  # (commitment, rule index) -> reason
    timeline: list[TimelineRule] = field(default_factory=list)

    def by_cell_rule(self) -> dict[tuple[str, int], CompiledRule | TimelineRule]:
        out: dict[tuple[str, int], CompiledRule | TimelineRule] = {(r.commitment, r.index): r for r in self.rules}
        out.update({(r.commitment, r.index): r for r in self.timeline})
        return out

    def kinds(self) -> dict[str, int]:
        """Rule kind -> how many of its rules were compiled."""
        out: dict[str, int] = {}
        for name in [r.kind for r in self.timeline] + [r.kind for r in self.rules]:
            out[name] = out.get(name, 0) + 1
        return out


def compile_rules(commitments: Sequence[Commitment]) -> Compiled:
    rules: list[CompiledRule] = []
    reference: dict[tuple[str, int], str] = {}
    timeline: list[TimelineRule] = []
    for c in commitments:
        for i, rule in enumerate(c.rules):
            kind = kind_of(rule)
            if kind.timeline_sql is not None:
                timeline.append(TimelineRule(len(timeline), c.id, i, kind.name, rule))
                continue
            compile_one = kind.sql
            if compile_one is None:
                reference[(c.id, i)] = f"{rule.kind} rule"
                continue
            try:
                pred, lasting = compile_one(rule, c.id)
            except Unsupported as exc:
                reference[(c.id, i)] = f"not compiled: {exc}"
                continue
            rules.append(CompiledRule(len(rules), c.id, i, lasting, pred, kind.name))
    return Compiled(rules, reference, timeline)


def _matched_cte(rules: Sequence[CompiledRule], as_of: date, single_scan: bool) -> str:
    """``m``: (rk, r) for every observation rule rk matches, whatever its date; ``mo``: with its columns.

    Two equivalent forms: one scan per rule (``UNION ALL``; DuckDB scans an Arrow table many times
    cheaply) or ``single_scan``, one scan that unnests an array of per-rule ``CASE``s (Spark, where every
    scan is a job stage)."""
    if single_scan:
        cases = ",\n    ".join(f"CASE WHEN {r.predicate} THEN {r.key} END" for r in rules)
        m = f"""  SELECT rk, r FROM (
    SELECT r, UNNEST([
    {cases}
    ]) AS rk FROM obs WHERE scored
  ) AS x WHERE rk IS NOT NULL"""
    else:
        m = "\n  UNION ALL\n".join(
            f"  SELECT {r.key} AS rk, r FROM obs WHERE scored AND ({r.predicate})" for r in rules
        )
    return f"""WITH m AS (
{m}
),
mo AS (
  SELECT m.rk, rt.commitment, rt.lasting, o.r, o.id, o.state, o.s, o.e, o.law_eff, o.law_event, o.ranged_event,
         o.metric_name IS NOT NULL AS figure
  FROM m JOIN obs o ON o.r = m.r JOIN rules_t rt ON rt.rk = m.rk
  WHERE o.known <= {as_of.toordinal()}
)"""


def window_query(rules: Sequence[CompiledRule], as_of: date, single_scan: bool = False) -> str:
    """(state, commitment, pid, rk, r) for every observation a compiled rule reads in an in-force cell,
    in the reference's window order: those dated inside the period by (start, end, id), then the
    range-dated events that end in it by (end, id)."""
    return f"""{_matched_cte(rules, as_of, single_scan)},
hits AS (
  SELECT mo.rk, mo.commitment, mo.lasting, mo.r, mo.id, mo.state, mo.s, mo.e, mo.law_eff, mo.figure,
         p.pid, p.ps, p.pe, 0 AS part
  FROM mo JOIN periods_t p ON mo.s >= p.ps AND mo.e <= p.pe
  UNION ALL
  SELECT mo.rk, mo.commitment, mo.lasting, mo.r, mo.id, mo.state, mo.s, mo.e, mo.law_eff, mo.figure,
         p.pid, p.ps, p.pe, 1 AS part
  FROM mo JOIN periods_t p ON mo.e >= p.ps AND mo.e <= p.pe AND mo.s < p.ps
  WHERE mo.ranged_event
)
SELECT h.state, h.commitment, h.pid, h.rk, h.r
FROM hits h JOIN windows_t w ON w.state = h.state AND w.commitment = h.commitment AND w.pid = h.pid
WHERE (CASE WHEN h.part = 0 THEN h.s >= w.inforce OR (h.figure AND h.e >= w.inforce) ELSE h.e >= w.inforce END)
  AND (NOT h.lasting OR h.law_eff IS NULL OR h.law_eff <= h.pe)
ORDER BY h.state, h.commitment, h.pid, h.rk, h.part, CASE WHEN h.part = 0 THEN h.s ELSE h.e END, h.e, h.id"""


def carried_query(rules: Sequence[CompiledRule], as_of: date, single_scan: bool = False) -> str:
    """(state, commitment, pid, rk, r) for every legal measure a lasting event rule carries into a cell
    (in force by the period's end, dated or in force before it, not in the window), in corpus order."""
    lasting = [r for r in rules if r.lasting]
    return f"""{_matched_cte(lasting, as_of, single_scan)}
SELECT w.state, w.commitment, w.pid, mo.rk, mo.r
FROM mo JOIN windows_t w ON w.state = mo.state AND w.commitment = mo.commitment
JOIN periods_t p ON p.pid = w.pid
WHERE mo.law_event AND mo.law_eff <= p.pe AND mo.e >= w.inforce
  AND (mo.e < p.ps OR mo.law_eff < p.ps)
  AND NOT ((mo.s >= p.ps AND mo.e <= p.pe AND (mo.s >= w.inforce OR (mo.figure AND mo.e >= w.inforce)))
       OR (mo.ranged_event AND mo.s < p.ps AND mo.e >= p.ps AND mo.e <= p.pe AND mo.e >= w.inforce))
ORDER BY w.state, w.commitment, w.pid, mo.rk, mo.r"""

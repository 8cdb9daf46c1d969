"""Standing rules as SQL: what each rule reads of each timeline, for every state, period and subject at once.

The reference (engine/kinds/standing.py ``select``) takes, for one rule, window and (condition, subject)
timeline, the events of the rule's track (facts, or facts and claims) known by the as-of date, drops the
timeline when their tags fail the rule's ``tags_any``/``tags_all`` (endings for every subject aside), and
selects three things: the last event ending before the period, the events ending in it, and the conditions
whose range covers the period's end (a first day on or before it, an end after it). :func:`standing_query`
selects the same for every in-force cell and standing rule in one query over ``timelines_t``
(engine/sql/timelines.py) and the hot table ``obs``; the rules are data (:func:`standing_tables`), not
SQL text. The last event before a period is an as-of join written with ``LEAD``: the event whose end is
before the period's start while the next known event's is not, which DuckDB and Spark both run.

Rows come back as (window key, rule key, subject key, subject, role, corpus row), role 0 the last event
before, 1 the events ending in the period, 2 the covering ones, each in timeline order; the kind turns
them into its selections (engine/kinds/standing.py ``collect``) and builds its findings from them with
the reference's own builder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from helsinki_compliance.engine.columnar import require_pyarrow
from helsinki_compliance.model.records import StandingRule

#: the roles of a selected event (the order a selection lists them in)
LAST_BEFORE, ENDING, COVERING = 0, 1, 2


def standing_tables(rules: Sequence[tuple[int, str, StandingRule]]) -> dict[str, Any]:
    """The standing rules ((key, commitment, rule) triples) as three tables: ``st_rules_t`` (one row per
    rule), ``st_subjects_t`` (the subjects a rule is limited to) and ``st_tags_t`` (its tags, ``anyof`` for
    ``tags_any``)."""
    pa = require_pyarrow()
    subjects = [(k, s) for k, _, rule in rules for s in sorted(set(rule.subjects or ()))]
    tags = [(k, t, True) for k, _, rule in rules for t in sorted(set(rule.tags_any))]
    tags += [(k, t, False) for k, _, rule in rules for t in sorted(set(rule.tags_all))]
    return {
        "st_rules_t": pa.table(
            {
                "rk": pa.array([k for k, _, _ in rules], type=pa.int32()),
                "commitment": pa.array([c for _, c, _ in rules], type=pa.string()),
                "condition": pa.array([r.condition for _, _, r in rules], type=pa.string()),
                "claims": pa.array([r.include_claims for _, _, r in rules], type=pa.bool_()),
                "chosen": pa.array([r.subjects is not None for _, _, r in rules], type=pa.bool_()),
                "tagged": pa.array([bool(r.tags_any or r.tags_all) for _, _, r in rules], type=pa.bool_()),
                "need_any": pa.array([len(set(r.tags_any)) for _, _, r in rules], type=pa.int32()),
                "need_all": pa.array([len(set(r.tags_all)) for _, _, r in rules], type=pa.int32()),
            }
        ),
        "st_subjects_t": pa.table(
            {
                "rk": pa.array([k for k, _ in subjects], type=pa.int32()),
                "subject": pa.array([s for _, s in subjects], type=pa.string()),
            }
        ),
        "st_tags_t": pa.table(
            {
                "rk": pa.array([k for k, _, _ in tags], type=pa.int32()),
                "tag": pa.array([t for _, t, _ in tags], type=pa.string()),
                "anyof": pa.array([a for _, _, a in tags], type=pa.bool_()),
            }
        ),
    }


def standing_query(as_of: date) -> str:
    """What every standing rule reads of every timeline in every in-force cell (module docstring)."""
    return f"""WITH k AS (
  SELECT sr.rk, sr.tagged, t.state, t.sk, t.subject, t.pos, t.r, t.first_day, o.e, o.tags,
         o.standing_all_subjects AS general
  FROM st_rules_t sr
  JOIN timelines_t t ON t.condition = sr.condition AND t.claims = sr.claims
  JOIN obs o ON o.r = t.r
  LEFT JOIN st_subjects_t ss ON ss.rk = sr.rk AND ss.subject = t.subject
  WHERE o.known <= {as_of.toordinal()} AND (NOT sr.chosen OR ss.rk IS NOT NULL)
),
kt AS (
  SELECT DISTINCT rk, state, sk, tag
  FROM (SELECT rk, state, sk, UNNEST(tags) AS tag FROM k WHERE tagged AND NOT general) AS x
),
tag_counts AS (
  SELECT kt.rk, kt.state, kt.sk,
         COUNT(DISTINCT CASE WHEN st.anyof THEN kt.tag END) AS n_any,
         COUNT(DISTINCT CASE WHEN NOT st.anyof THEN kt.tag END) AS n_all
  FROM kt JOIN st_tags_t st ON st.rk = kt.rk AND st.tag = kt.tag
  GROUP BY kt.rk, kt.state, kt.sk
),
kk AS (
  SELECT k.rk, k.state, k.sk, k.subject, k.pos, k.r, k.e, k.first_day,
         COALESCE(LEAD(k.e) OVER (PARTITION BY k.rk, k.state, k.sk ORDER BY k.pos), 2147483647) AS next_e
  FROM k JOIN st_rules_t sr ON sr.rk = k.rk
  LEFT JOIN tag_counts g ON g.rk = k.rk AND g.state = k.state AND g.sk = k.sk
  WHERE NOT sr.tagged
     OR ((sr.need_any = 0 OR COALESCE(g.n_any, 0) > 0) AND COALESCE(g.n_all, 0) = sr.need_all)
),
c AS (
  SELECT w.wk, w.state, p.ps, p.pe, sr.rk
  FROM windows_t w JOIN st_rules_t sr ON sr.commitment = w.commitment JOIN periods_t p ON p.pid = w.pid
),
picked AS (
  SELECT c.wk, c.rk, kk.sk, kk.subject, {LAST_BEFORE} AS role, kk.pos, kk.r
  FROM c JOIN kk ON kk.rk = c.rk AND kk.state = c.state
  WHERE kk.e < c.ps AND kk.next_e >= c.ps
  UNION ALL
  SELECT c.wk, c.rk, kk.sk, kk.subject, {ENDING} AS role, kk.pos, kk.r
  FROM c JOIN kk ON kk.rk = c.rk AND kk.state = c.state
  WHERE kk.e >= c.ps AND kk.e <= c.pe
  UNION ALL
  SELECT c.wk, c.rk, kk.sk, kk.subject, {COVERING} AS role, kk.pos, kk.r
  FROM c JOIN kk ON kk.rk = c.rk AND kk.state = c.state
  WHERE kk.first_day <= c.pe AND kk.e > c.pe
)
SELECT wk, rk, sk, subject, role, r FROM picked
ORDER BY wk, rk, sk, role, pos"""

"""Scorecards evaluated as SQL (DuckDB, or Spark through SQLGlot), equal to the Python reference by construction.

:class:`SqlEvaluator` is the reference :class:`~.evaluation.Evaluator` with one step replaced: for a
scorecard it runs the compiled queries (engine/sql/compile.py) once, for every state, period,
commitment and rule together, and then builds each finding from the evidence the query returned with
the reference's own functions (each kind's builder, engine/kinds/). Event and metric rules read the
window's observations (engine/sql/compile.py); standing rules read the states' timelines
(engine/sql/timelines.py, engine/sql/standing.py). Everything after the findings (combination,
banding, coverage, assessments, basket and overall scores) is the reference's code. What SQL does is
the part that grows with the corpus: finding, among all observations, those each rule reads in each cell.

A rule of a kind without SQL, and the rare comparison the compiler leaves out, are evaluated per cell by
the reference; :class:`EngineStats` counts them per kind, and ``scorecard --engine`` prints the counts on
stderr, so nothing differs silently. Windows other than a scorecard's (goals, explain, rule tests of one
rule, snapshots) go to the reference as well.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from helsinki_compliance.engine.columnar import plain, require_pyarrow, write_parquet
from helsinki_compliance.engine.columnar_cache import cached_observation_table
from helsinki_compliance.engine.evaluation import Evaluator, Scorecard
from helsinki_compliance.engine.rules import KINDS, Finding, Window, kind_of
from helsinki_compliance.engine.sql.compile import Compiled, TimelineRule, carried_query, compile_rules, window_query
from helsinki_compliance.engine.sql.timelines import timeline_table
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import Commitment, Observation

Rows = list[tuple[Any, ...]]


class Backend(Protocol):
    """Runs queries over named Arrow tables and returns their rows."""

    name: str
    single_scan: bool  # match all rules in one scan of the observations (see compile._matched_cte)

    def run(self, corpus: Corpus, tables: dict[str, Any], queries: Sequence[str]) -> list[Rows]: ...


class DuckDBBackend:
    """DuckDB, embedded: the Arrow tables are scanned in place (no copy, no server)."""

    name = "duckdb"
    single_scan = False

    def __init__(self, threads: int | None = None, connection: Any = None) -> None:
        """``connection``: an open DuckDB connection to reuse across many small runs (it is left open; the
        tables a run registers are unregistered after it); by default each run opens and closes its own."""
        self.threads = threads
        self.connection = connection

    def run(self, corpus: Corpus, tables: dict[str, Any], queries: Sequence[str]) -> list[Rows]:
        try:
            import duckdb
        except ImportError:
            raise UsageError("the duckdb engine needs duckdb: pip install 'helsinki-compliance[scale]'") from None
        con = self.connection if self.connection is not None else duckdb.connect(":memory:")
        names = ["obs", *tables]
        try:
            if self.threads:
                con.execute(f"SET threads TO {int(self.threads)}")
            con.register("obs", plain(cached_observation_table(corpus)))
            for name, table in tables.items():
                con.register(name, table)
            return [con.execute(q).fetchall() for q in queries]
        finally:
            if con is self.connection:
                for name in names:
                    con.unregister(name)
            else:
                con.close()


class SparkBackend:
    """Apache Spark (``local[2]`` here, a cluster's master URL elsewhere): the corpus is written as Parquet
    partitioned by state (the ``export --format parquet`` layout) and the DuckDB SQL transpiled by SQLGlot."""

    name = "spark"
    single_scan = True

    def __init__(self, master: str = "local[2]") -> None:
        self.master = master

    @staticmethod
    def transpile(sql: str) -> str:
        try:
            import sqlglot
        except ImportError:
            raise UsageError("the spark engine needs sqlglot: pip install 'helsinki-compliance[spark]'") from None
        return str(sqlglot.transpile(sql, read="duckdb", write="spark")[0])

    def session(self) -> Any:
        if shutil.which("java") is None:
            raise UsageError("the spark engine needs Java (17 or later) on the PATH")
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise UsageError("the spark engine needs pyspark: pip install 'helsinki-compliance[spark]'") from None
        return (
            SparkSession.builder.master(self.master)
            .appName("helsinki-compliance")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # one CASE per rule makes a method too large for whole-stage code generation
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
            .getOrCreate()
        )

    def run(self, corpus: Corpus, tables: dict[str, Any], queries: Sequence[str]) -> list[Rows]:
        import pyarrow.parquet as pq

        spark = self.session()
        spark.sparkContext.setLogLevel("ERROR")
        with tempfile.TemporaryDirectory(prefix="hc-spark-") as tmp:
            write_parquet(corpus, Path(tmp) / "corpus")
            spark.read.parquet(str(Path(tmp) / "corpus" / "observations")).createOrReplaceTempView("obs")
            for name, table in tables.items():
                path = Path(tmp) / f"{name}.parquet"
                pq.write_table(table, str(path))
                spark.read.parquet(str(path)).createOrReplaceTempView(name)
            return [[tuple(row) for row in spark.sql(self.transpile(q)).toLocalIterator()] for q in queries]


@dataclass
class EngineStats:
    """What an SQL engine did, and what it left to the reference (counted per cell and rule)."""

    engine: str
    sql_rules: int = 0  # rules compiled
    reference_rules: dict[str, int] = field(default_factory=dict)  # reason -> rules left to the reference
    sql_evaluations: int = 0  # (cell, rule) pairs decided from SQL evidence
    reference_evaluations: int = 0  # (cell, rule) pairs evaluated by the reference
    sql_kinds: dict[str, int] = field(default_factory=dict)  # rule kind -> rules compiled
    reference_kinds: dict[str, int] = field(default_factory=dict)  # rule kind -> rules left (0: none left)

    def summary(self) -> str:
        compiled = ", ".join(f"{n} {k}" for k, n in sorted(self.sql_kinds.items()))
        left = ", ".join(f"{n} {k}" for k, n in sorted(self.reference_kinds.items()))
        why = ", ".join(f"{n} {why}" for why, n in sorted(self.reference_rules.items())) or "none"
        return (
            f"engine {self.engine}: {self.sql_rules} rules compiled to SQL ({compiled or 'none'}), "
            f"left to the reference: {left or 'none'} rules ({why}); "
            f"{self.sql_evaluations} cell-rule evaluations from SQL, {self.reference_evaluations} by the reference"
        )


_Key = tuple[str, str, date, date, date, date]  # state, commitment, start, end, as-of, in force


class SqlEvaluator(Evaluator):
    """The reference evaluator with each scorecard's event and metric evidence selected by SQL."""

    def __init__(self, corpus: Corpus, backend: Backend) -> None:
        super().__init__(corpus)
        self.backend = backend
        self.stats = EngineStats(backend.name)
        self._compiled: dict[tuple[str, int], Any] = {}
        self._evidence_rows: dict[_Key, dict[int, tuple[list[int], list[int]]]] = {}
        self._picked: dict[_Key, dict[int, Any]] = {}  # timeline kinds: what their query selected, per rule

    def scorecard(
        self,
        states: Sequence[str],
        periods: Sequence[Period],
        as_of: date,
        commitments: Sequence[Commitment] | None = None,
    ) -> Scorecard:
        comms = list(commitments if commitments is not None else self.corpus.commitments.values())
        # the selection builds hundreds of thousands of rows and selections and no cycles: the cyclic collector
        # would only re-scan them (as in load/pipeline.py, paused and the caller's setting restored)
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._select(list(states), list(periods), as_of, comms)
        finally:
            if was_enabled:
                gc.enable()
        return super().scorecard(states, periods, as_of, comms)

    # long: builds the small tables, runs the queries (window evidence, carried measures, each timeline kind's)
    # and files their rows per cell; one pass
    def _select(self, states: list[str], periods: list[Period], as_of: date, comms: list[Commitment]) -> None:
        pa = require_pyarrow()
        compiled: Compiled = compile_rules(comms)
        self._compiled = compiled.by_cell_rule()
        self.stats.sql_rules = len(compiled.rules) + len(compiled.timeline)
        self.stats.sql_kinds = compiled.kinds()
        self.stats.reference_kinds = {k: 0 for c in comms for k in (kind_of(r).name for r in c.rules)}
        by_id = {c.id: c for c in comms}
        for (cid, i), why in compiled.reference.items():
            self.stats.reference_rules[why] = self.stats.reference_rules.get(why, 0) + 1
            kind = kind_of(by_id[cid].rules[i]).name
            self.stats.reference_kinds[kind] += 1
        self._evidence_rows = {}
        self._picked = {}
        windows: dict[tuple[str, str, str], _Key] = {}
        for state in states:
            for p in periods:
                for c in comms:
                    in_force = self.in_force(c, state, p)
                    if in_force is not None:
                        key = (state, c.id, p.start, p.end, as_of, in_force)
                        # one query row per window: a second period with the same dates (two named
                        # periods of a group) reads the rows of the first, never a second copy of them
                        if key not in self._evidence_rows:
                            windows[(state, c.id, p.id)] = key
                            self._evidence_rows[key] = {}
        if not windows or not (compiled.rules or compiled.timeline):
            return
        tables = {
            "rules_t": pa.table(
                {
                    "rk": pa.array([r.key for r in compiled.rules], type=pa.int32()),
                    "commitment": pa.array([r.commitment for r in compiled.rules], type=pa.string()),
                    "lasting": pa.array([r.lasting for r in compiled.rules], type=pa.bool_()),
                }
            ),
            "periods_t": pa.table(
                {
                    "pid": pa.array([p.id for p in periods], type=pa.string()),
                    "ps": pa.array([p.start.toordinal() for p in periods], type=pa.int32()),
                    "pe": pa.array([p.end.toordinal() for p in periods], type=pa.int32()),
                }
            ),
            "windows_t": pa.table(
                {
                    "state": pa.array([k[0] for k in windows], type=pa.string()),
                    "commitment": pa.array([k[1] for k in windows], type=pa.string()),
                    "pid": pa.array([k[2] for k in windows], type=pa.string()),
                    "inforce": pa.array([v[5].toordinal() for v in windows.values()], type=pa.int32()),
                    "wk": pa.array(range(len(windows)), type=pa.int32()),
                }
            ),
        }
        one = self.backend.single_scan
        queries: list[str] = []
        if compiled.rules:
            queries.append(window_query(compiled.rules, as_of, one))
            if any(r.lasting for r in compiled.rules):
                queries.append(carried_query(compiled.rules, as_of, one))
        timeline_kinds = self._timeline_queries(states, compiled.timeline, as_of, tables)
        results = self.backend.run(self.corpus, tables, [*queries, *(q for _, _, q in timeline_kinds)])
        index = {r.key: r.index for r in compiled.rules}
        for part, rows in enumerate(results[: len(queries)]):
            for state, cid, pid, rk, r in rows:
                per_rule = self._evidence_rows[windows[(state, cid, pid)]]
                pair = per_rule.get(index[rk])
                if pair is None:
                    pair = per_rule[index[rk]] = ([], [])
                pair[part].append(r)
        keys = list(windows.values())
        for (name, rules, _), rows in zip(timeline_kinds, results[len(queries) :], strict=True):
            select = KINDS[name].timeline_sql
            assert select is not None
            for wk, rk, picked in select.collect(rows, self.corpus.observations):
                self._picked.setdefault(keys[wk], {})[rules[rk]] = picked

    def _timeline_queries(
        self, states: list[str], rules: list[TimelineRule], as_of: date, tables: dict[str, Any]
    ) -> list[tuple[str, dict[int, int], str]]:
        """The query of each timeline kind with rules (its tables added to ``tables``), with its rule keys ->
        rule index; the states' timelines as ``timelines_t``."""
        if not rules:
            return []
        rows = {o.id: r for r, o in enumerate(self.corpus.observations)}
        tables["timelines_t"] = timeline_table({s: self.evidence(s) for s in states}, rows)
        out: list[tuple[str, dict[int, int], str]] = []
        for name in dict.fromkeys(r.kind for r in rules):
            select = KINDS[name].timeline_sql
            assert select is not None
            mine = [r for r in rules if r.kind == name]
            tables.update(select.tables([(r.key, r.commitment, r.rule) for r in mine]))
            out.append((name, {r.key: r.index for r in mine}, select.query(as_of)))
        return out

    def findings(
        self,
        commitment: Commitment,
        state: str,
        start: date,
        end: date,
        as_of: date,
        in_force: date,
        rules: Sequence[Any] | None = None,
        snapshot: bool = False,
    ) -> list[Finding]:
        key = (state, commitment.id, start, end, as_of, in_force)
        selected = self._evidence_rows.get(key)
        if selected is None or rules is not None or snapshot:
            return super().findings(commitment, state, start, end, as_of, in_force, rules, snapshot)
        obs = self.corpus.observations
        window = Window(self.evidence(state), start, end, as_of, in_force, commitment.id)
        out: list[Finding] = []
        picked = self._picked.get(key, {})
        for i, rule in enumerate(commitment.rules):
            kind = kind_of(rule)
            if (commitment.id, i) not in self._compiled or (kind.findings is None and kind.timeline_sql is None):
                self.stats.reference_evaluations += 1
                if kind.timeline:  # reads the state's timelines, not the window's observations
                    out.extend(kind.evaluate(rule, window))
                else:
                    out.extend(super().findings(commitment, state, start, end, as_of, in_force, [rule]))
                continue
            self.stats.sql_evaluations += 1
            if kind.timeline_sql is not None:
                if i in picked:  # nothing selected: the reference finds nothing either
                    out.extend(kind.timeline_sql.findings(rule, window, picked[i]))
                continue
            assert kind.findings is not None
            pair = selected.get(i)
            if pair is None:  # no evidence: the reference finds nothing either
                continue
            # readings set aside by a conflict resolved at this as-of date are dropped as the reference drops them
            ev = window.evidence
            matched = [r for r in pair[0] if ev.scored(obs[r], as_of)]
            carried = [r for r in pair[1] if ev.scored(obs[r], as_of)]
            if not matched and not carried:
                continue
            out.extend(kind.findings(rule, window, _at(obs, matched), _at(obs, carried)))
        return out


def _at(observations: list[Observation], rows: list[int]) -> list[Observation]:
    return [observations[r] for r in rows]

"""Which engine evaluates a scorecard: the Python reference, DuckDB or Spark (``--engine``).

``auto`` (the default) picks DuckDB for a corpus of :data:`DUCKDB_FROM` observations or more when
duckdb and pyarrow are installed (the ``scale`` extra), and the Python reference otherwise. Measured so far
(docs/performance.md) the DuckDB engine is not yet faster at 100k (standing rules and the cell
assembly still run in Python); the threshold is where it is meant to pay once they move to SQL.
Every engine gives the same scorecard, cell by cell (tests/test_sql_engine.py).
"""

from __future__ import annotations

import importlib.util

from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.sql_engine import DuckDBBackend, SparkBackend, SqlEvaluator
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus

ENGINES = ("auto", "python", "duckdb", "spark")
#: ``auto`` evaluates on DuckDB from this many observations on (when it is installed)
DUCKDB_FROM = 50_000


def duckdb_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("duckdb", "pyarrow"))


def choose(corpus: Corpus, engine: str = "auto") -> str:
    """The engine ``auto`` stands for with this corpus, or ``engine`` itself."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; expected one of: {', '.join(ENGINES)}")
    if engine != "auto":
        return engine
    return "duckdb" if len(corpus.observations) >= DUCKDB_FROM and duckdb_available() else "python"


def evaluator(corpus: Corpus, engine: str = "auto", master: str | None = None) -> Evaluator:
    """An evaluator for ``corpus`` on ``engine`` (``master``: the Spark master URL, default ``local[2]``)."""
    chosen = choose(corpus, engine)
    if master is not None and chosen != "spark":
        raise UsageError("a Spark master is given only with the spark engine")
    if chosen == "python":
        return Evaluator(corpus)
    if chosen == "duckdb":
        if not duckdb_available():
            raise UsageError("the duckdb engine needs duckdb and pyarrow: pip install 'helsinki-compliance[scale]'")
        return SqlEvaluator(corpus, DuckDBBackend())
    return SqlEvaluator(corpus, SparkBackend(master or "local[2]"))

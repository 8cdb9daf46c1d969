"""The SQL engines key evidence by period, not by dates: two named periods with the same dates
each read their own evidence once (issue #26, item 1)."""

from __future__ import annotations

from datetime import date

import pytest

from helsinki_compliance import api as hc
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.sql_engine import DuckDBBackend, SqlEvaluator
from helsinki_compliance.model.periods import Period

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")


def test_two_named_periods_with_the_same_dates_count_evidence_once() -> None:
    corpus = hc.load()
    start, end = date(1987, 1, 1), date(1989, 12, 31)
    periods = [
        Period(start, end, "late-eighties", "Late eighties", "named"),
        Period(start, end, "perestroika-years", "Perestroika years", "named"),
    ]
    as_of = date(2025, 12, 31)
    states = ["SU", "PL", "CS", "RO", "DD"]
    ref = Evaluator(corpus).scorecard(states, periods, as_of)
    got = SqlEvaluator(corpus, DuckDBBackend()).scorecard(states, periods, as_of)
    assert list(got.cells) == list(ref.cells)
    assert any(c.findings for c in ref.cells.values())
    for key, cell in ref.cells.items():
        assert got.cells[key] == cell, key
    assert got.to_dict(corpus) == ref.to_dict(corpus)

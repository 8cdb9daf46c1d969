"""Condition values the SQL engines cannot compare as the reference does are left to the reference
(issue #26, item 12: Spark exited 3 on a valid integer of over 38 digits)."""

from __future__ import annotations

import shutil
from datetime import date
from typing import Any

import pytest
from pydantic import TypeAdapter

from conftest import EMIGRATION, make_data, obs
from helsinki_compliance import api as hc
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.sql.compile import Unsupported, condition_sql
from helsinki_compliance.engine.sql_engine import DuckDBBackend, SparkBackend, SqlEvaluator
from helsinki_compliance.model.conditions import Condition
from helsinki_compliance.model.periods import calendar_periods

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

HUGE = 10**40


@pytest.mark.parametrize("value", [HUGE, -HUGE, 2**53 + 1])
def test_an_integer_beyond_exact_double_comparison_is_left_to_the_reference(value: int) -> None:
    cond = TypeAdapter(Condition).validate_python({"field": "metric.value", "op": "lt", "value": value})
    with pytest.raises(Unsupported):
        condition_sql(cond)


def _corpus(tmp_path: Any) -> Any:
    rule = {
        "id": "huge",
        "kind": "event",
        "match": {"kinds": ["statistic"], "where": {"field": "metric.value", "op": "lt", "value": HUGE}},
        "status": "compliant",
        "severity": "serious",
    }
    comm = {**EMIGRATION, "rules": [rule]}
    metric = {"name": "emigration.persons", "value": 5000, "unit": "persons"}
    return hc.load(make_data(tmp_path / "d", [obs("o.m", "1980", "statistic", metric=metric)], commitments=[comm]))


def test_duckdb_scores_a_rule_with_a_huge_integer_as_the_reference(tmp_path: Any) -> None:
    corpus = _corpus(tmp_path)
    periods = calendar_periods("year", 1979, 1981)
    ref = Evaluator(corpus).scorecard(["SU"], periods, date(1991, 12, 31))
    ev = SqlEvaluator(corpus, DuckDBBackend())
    got = ev.scorecard(["SU"], periods, date(1991, 12, 31))
    assert got.to_dict(corpus) == ref.to_dict(corpus)
    assert any(c.status == "compliant" for c in ref.cells.values())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java")
def test_spark_scores_a_rule_with_a_huge_integer_as_the_reference(tmp_path: Any) -> None:
    pytest.importorskip("pyspark")
    corpus = _corpus(tmp_path)
    periods = calendar_periods("year", 1979, 1981)
    ref = Evaluator(corpus).scorecard(["SU"], periods, date(1991, 12, 31))
    got = SqlEvaluator(corpus, SparkBackend()).scorecard(["SU"], periods, date(1991, 12, 31))
    assert got.to_dict(corpus) == ref.to_dict(corpus)

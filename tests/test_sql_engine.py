"""The SQL engines (DuckDB, Spark) give the reference's scorecard cell by cell (issue #19)."""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helsinki_compliance import api as hc
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine import engines
from helsinki_compliance.engine.columnar import observation_table, plain
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.rules import Window, evaluate_rule
from helsinki_compliance.engine.sql.compile import Unsupported, condition_sql
from helsinki_compliance.engine.sql_engine import DuckDBBackend, SparkBackend, SqlEvaluator
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.conditions import Comparison, compile_condition
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.fixtures import fixture_observation
from helsinki_compliance.model.periods import Period, parse_period
from helsinki_compliance.model.records import Observation, Source
from helsinki_compliance.tools.synth import synthesize

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

FAR = date(9999, 12, 31)


@pytest.fixture(scope="module")
def bundled() -> Corpus:
    return hc.load()


def both(corpus: Corpus, states: list[str], periods: list[Period], as_of: date) -> tuple[Any, Any, SqlEvaluator]:
    ref = Evaluator(corpus).scorecard(states, periods, as_of)
    ev = SqlEvaluator(corpus, DuckDBBackend())
    got = ev.scorecard(states, periods, as_of)
    assert_all_sql(ev)
    return ref, got, ev


def assert_all_sql(ev: SqlEvaluator) -> None:
    """Every rule kind, standing rules too, went through SQL: nothing was left to the reference."""
    assert set(ev.stats.reference_kinds.values()) <= {0}, ev.stats.summary()
    assert ev.stats.reference_evaluations == 0, ev.stats.summary()


def assert_same(corpus: Corpus, ref: Any, got: Any) -> None:
    """Cell by cell: statuses, scores, confidence, findings (with their evidence ids and wording), groups."""
    assert list(got.cells) == list(ref.cells)
    for key, cell in ref.cells.items():
        assert got.cells[key] == cell, key
    assert got.groups == ref.groups
    assert got.to_dict(corpus) == ref.to_dict(corpus)


def test_duckdb_equals_the_reference_on_the_bundled_corpus(bundled: Corpus) -> None:
    states = hc.resolve_states(bundled, ["all"])
    for spec, first, last, as_of in (
        ("year", 1975, 2025, date(2025, 12, 31)),
        ("half", 1985, 1991, date(1991, 12, 31)),
        ("year", 1975, 2025, date(1987, 12, 31)),  # an early as-of date: what was known then
    ):
        ref, got, ev = both(bundled, states, hc.periods(bundled, spec, first, last), as_of)
        assert_same(bundled, ref, got)
        assert any(c.findings for c in ref.cells.values())
        assert ev.stats.sql_evaluations > 0 and ev.stats.sql_rules > 0
        standing = [f for c in ref.cells.values() for f in c.findings + c.too_old if f.rule_kind == "standing"]
        assert standing and ev.stats.sql_kinds["standing"] > 0


def test_duckdb_equals_the_reference_as_of_an_early_date_and_on_named_periods(bundled: Corpus) -> None:
    # known-by dates and the as-of filter; named periods overlap years
    periods = hc.periods(bundled, "review-meetings", 1975, 1991)
    ref, got, _ = both(bundled, ["SU", "PL", "CS"], periods, date(1987, 12, 1))
    assert_same(bundled, ref, got)


def test_every_rule_fixture_gives_the_same_cell_on_duckdb(bundled: Corpus) -> None:
    checked = 0
    backend = DuckDBBackend(connection=duckdb.connect(":memory:"))  # one connection for every case
    for test in bundled.rule_tests:
        commitment = bundled.commitments[test.commitment]
        for case in test.cases:
            observations = [fixture_observation(case, i, raw) for i, raw in enumerate(case.observations)]
            mini = dataclasses.replace(
                bundled,
                observations=sorted(observations, key=lambda o: (o.date.start, o.id)),
                sources={**bundled.sources, "fixture": Source(**FIXTURE)},
                assessments=[],
            )
            period = parse_period(case.period, bundled.named_periods)
            as_of = case.as_of.end if case.as_of else FAR
            ref = Evaluator(mini).scorecard([case.state], [period], as_of, [commitment])
            ev = SqlEvaluator(mini, backend)
            got = ev.scorecard([case.state], [period], as_of, [commitment])
            assert_same(mini, ref, got)
            assert_all_sql(ev)
            checked += 1
    backend.connection.close()
    assert checked > 300


FIXTURE = {
    "id": "fixture",
    "title": "fixture",
    "author": "fixture",
    "date": "1975",
    "kind": "fixture",
    "reliability": "high",
}


@pytest.mark.slow
def test_duckdb_equals_the_reference_on_a_10k_synthetic_corpus(bundled: Corpus, tmp_path: Path) -> None:
    synthesize(bundled, tmp_path / "synth", observations=10_000, seed=3)
    corpus = hc.load(tmp_path / "synth")
    states = hc.resolve_states(corpus, ["all"])
    ref, got, ev = both(corpus, states, hc.periods(corpus, "year", 1975, 2025), date(2025, 12, 31))
    assert_same(corpus, ref, got)
    assert ev.stats.sql_evaluations > 100_000


@pytest.mark.slow
def test_duckdb_equals_the_reference_on_a_100k_synthetic_corpus(bundled: Corpus, tmp_path: Path) -> None:
    """The issue's second size: 100,000 observations, 57 states, 1975-2025, yearly (about two minutes)."""
    synthesize(bundled, tmp_path / "synth", observations=100_000, seed=1)
    corpus = hc.load(tmp_path / "synth")
    states = hc.resolve_states(corpus, ["all"])
    ref, got, ev = both(corpus, states, hc.periods(corpus, "year", 1975, 2025), date(2025, 12, 31))
    assert_same(corpus, ref, got)
    assert ev.stats.sql_evaluations > 100_000


# ---------------------------------------------------------------- random corpora


def _date(rng: random.Random) -> str:
    y = rng.randint(1976, 1990)
    form = rng.randrange(6)
    if form == 0:
        return str(y)
    if form == 1:
        return f"{y}-{rng.randint(1, 12):02d}"
    if form == 2:
        return f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if form == 3:
        return f"{y}-Q{rng.randint(1, 4)}"
    if form == 4:
        return f"{y}-H{rng.randint(1, 2)}"
    return f"{y}/{y + rng.randint(1, 4)}"


def random_corpus(base: Corpus, seed: int, n: int) -> Corpus:
    """``n`` observations drawn from the bundled ones (so the rules read them), with new dates, states, claims,
    known-by dates, law dates and fact keys: the features of method 2."""
    rng = random.Random(seed)
    pool = [o for o in base.observations if o.state in ("SU", "PL", "CS")]
    out = []
    for i in range(n):
        o = rng.choice(pool)
        d = o.model_dump(mode="json", exclude_none=True)
        d.update(id=f"r{i}", state=rng.choice(["SU", "PL"]), date=_date(rng), claim=rng.random() < 0.15)
        d.pop("known_by", None)
        d.pop("law", None)
        d.pop("fact", None)
        d["context"] = rng.random() < 0.05
        if d.get("standing"):
            d["standing"].pop("since", None)
            d["standing"].pop("ended_by", None)
            d["standing"].pop("all_subjects", None)
            d["standing"]["in_effect"] = rng.random() < 0.6
            # method 3: endings with a reason, and endings for every subject
            if not d["standing"]["in_effect"]:
                d["standing"]["ended_by"] = rng.choice(
                    [None, "released", "died-in-custody", "pardoned-after-recantation", "sentence-served"]
                )
                if rng.random() < 0.1:
                    d["standing"].pop("subject", None)
                    d["standing"]["all_subjects"] = True
        d.pop("attribution", None)
        if rng.random() < 0.1:  # method 3: attributed content is never scored as fact
            d["attribution"] = {"type": rng.choice(["claim", "belief", "allegation", "plan"]), "by": "someone"}
        if rng.random() < 0.2:
            d["known_by"] = str(rng.randint(1985, 1995))
        if rng.random() < 0.15 and not d.get("standing"):
            d["law"] = {"in_force": str(rng.randint(1976, 1992))}
        if rng.random() < 0.2:
            d["fact"] = f"f{rng.randrange(5)}"
        try:
            ob = Observation.model_validate(d)
        except ValueError:
            continue
        if ob.known_by is not None and ob.known_by.end < ob.date.end:
            continue
        out.append(ob)
    mini = dataclasses.replace(base, observations=out, assessments=[])
    return mini


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), as_of=st.integers(1980, 1996))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_duckdb_equals_the_reference_on_random_corpora(bundled: Corpus, seed: int, n: int, as_of: int) -> None:
    corpus = random_corpus(bundled, seed, n)
    ref, got, _ = both(corpus, ["SU", "PL"], hc.periods(corpus, "year", 1976, 1992), date(as_of, 12, 31))
    assert_same(corpus, ref, got)


# ---------------------------------------------------------------- the where compiler


CONDITIONS = [
    {"field": "metric.value", "op": "ge", "value": 1000},
    {"field": "metric.value", "op": "lt", "value": 1000.5},
    {"field": "metric.value", "op": "eq", "value": None},
    {"field": "metric.value", "op": "ne", "value": None},
    {"field": "metric.qualifier", "op": "in", "value": ["approx", "below", None]},
    {"field": "metric.qualifier", "op": "not_in", "value": ["exact"]},
    {"field": "kind", "op": "contains", "value": "arr"},
    {"field": "kind", "op": "gt", "value": "m"},
    {"field": "tags", "op": "contains", "value": "monitor"},
    {"field": "tags", "op": "exists", "value": False},
    {"field": "standing.subject", "op": "exists", "value": True},
    {"field": "standing.in_effect", "op": "eq", "value": False},
    {"field": "standing.in_effect", "op": "ne", "value": True},
    {"field": "claim", "op": "eq", "value": True},
    {"field": "confidence", "op": "le", "value": "low"},
    {"field": "source", "op": "eq", "value": "it's"},
    {"not": {"any": [{"field": "kind", "op": "eq", "value": "arrest"}, {"field": "claim", "op": "eq", "value": True}]}},
    {"all": [{"field": "cases", "op": "exists", "value": True}, {"field": "state", "op": "in", "value": ["SU"]}]},
]


def test_where_conditions_select_in_sql_what_they_select_in_python(bundled: Corpus) -> None:
    from pydantic import TypeAdapter

    from helsinki_compliance.model.conditions import Condition

    con = duckdb.connect()
    con.register("obs", plain(observation_table(bundled)))
    adapter: TypeAdapter[Any] = TypeAdapter(Condition)
    for raw in CONDITIONS:
        cond = adapter.validate_python(raw)
        pred = compile_condition(cond)
        expected = sorted(o.id for o in bundled.observations if pred(o))
        got = sorted(r[0] for r in con.execute(f"SELECT id FROM obs WHERE {condition_sql(cond)}").fetchall())
        assert got == expected, raw


def test_a_comparison_that_can_never_hold_is_left_to_the_reference() -> None:
    with pytest.raises(Unsupported):
        condition_sql(Comparison(field="tags", op="eq", value="monitor"))


# ---------------------------------------------------------------- choosing an engine, the CLI


def test_auto_uses_duckdb_from_the_documented_size(bundled: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    assert engines.choose(bundled, "auto") == "python"  # 858 observations
    monkeypatch.setattr(engines, "DUCKDB_FROM", 100)
    assert engines.choose(bundled, "auto") == "duckdb"
    assert isinstance(engines.evaluator(bundled, "auto"), SqlEvaluator)
    with pytest.raises(UsageError):
        engines.evaluator(bundled, "duckdb", master="local[2]")
    with pytest.raises(UsageError):
        engines.choose(bundled, "sqlite")


def test_scorecard_engine_flag_prints_the_same_scorecard_and_what_it_left_to_the_reference() -> None:
    runner = CliRunner()
    args = ["scorecard", "--state", "SU", "--from", "1985", "--to", "1991", "--as-of", "1991-12-31", "--format", "json"]
    py = runner.invoke(main, [*args, "--engine", "python"])
    db = runner.invoke(main, [*args, "--engine", "duckdb"])
    assert py.exit_code == 0 and db.exit_code == 0, db.output
    assert py.stdout == db.stdout
    assert "left to the reference: 0 event, 0 metric, 0 standing rules (none)" in db.stderr
    assert ", 0 by the reference" in db.stderr
    bad = runner.invoke(main, [*args, "--master", "local[2]"])
    assert bad.exit_code == 2 and "--master" in bad.output


def test_export_writes_parquet_partitioned_by_state(tmp_path: Path, bundled: Corpus) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "pq"
    r = CliRunner().invoke(main, ["export", "--format", "parquet", "--out", str(out)])
    assert r.exit_code == 0, r.output
    parts = sorted(p.parent.name for p in (out / "observations").glob("state=*/part-0.parquet"))
    assert parts == sorted(f"state={s}" for s in {o.state for o in bundled.observations})
    su = pq.read_table(out / "observations" / "state=SU" / "part-0.parquet")
    assert su.num_rows == sum(1 for o in bundled.observations if o.state == "SU")
    assert "quote" not in su.column_names and "quote" in pq.read_table(out / "texts.parquet").column_names
    # a partition the tool did not write is never removed: refused (its own stale partitions are
    # removed, tests/test_write_transactions.py, issue #26 item 11)
    stale = out / "observations" / "state=ZZ" / "part-0.parquet"
    stale.parent.mkdir()
    stale.write_bytes(b"")
    assert CliRunner().invoke(main, ["export", "--out", str(out)]).exit_code == 2
    assert stale.exists()


# ---------------------------------------------------------------- Spark (local mode)


def test_the_reference_window_is_not_needed_for_standing_rules(bundled: Corpus) -> None:
    # the SQL engine evaluates standing rules on an empty window: they read the timelines only
    ev = Evaluator(bundled)
    c = bundled.commitments["hfa.b3.info.broadcast"]
    p = parse_period("1988", bundled.named_periods)
    start = bundled.in_force_from(c, "SU")
    assert start is not None
    full = ev.findings(c, "SU", p.start, p.end, date(1991, 12, 31), start)
    empty = Window(ev.evidence("SU"), p.start, p.end, date(1991, 12, 31), start, c.id)
    standing = [f for r in c.rules if r.kind == "standing" for f in evaluate_rule(r, empty)]
    assert standing and standing == [f for f in full if f.rule_kind == "standing"]


@pytest.mark.slow
def test_spark_local_mode_equals_the_reference(bundled: Corpus) -> None:
    pytest.importorskip("sqlglot")
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Spark equality test: install Java (default-jre-headless)")
        pytest.skip("Java is not installed (outside CI)")
    pytest.importorskip("pyspark")
    periods = hc.periods(bundled, "year", 1985, 1991)
    states = ["SU", "PL", "CS", "DD"]
    as_of = date(1991, 12, 31)
    ref = Evaluator(bundled).scorecard(states, periods, as_of)
    ev = SqlEvaluator(bundled, SparkBackend("local[2]"))
    got = ev.scorecard(states, periods, as_of)
    assert_same(bundled, ref, got)
    assert_all_sql(ev)
    assert any(f.rule_kind == "standing" for c in got.cells.values() for f in c.findings)

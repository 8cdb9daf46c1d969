"""Every engine gives the scorecard the CLI prints, cell for cell, on named periods and period groups.

Issue #25 reported that with the default engine (``auto`` picks DuckDB from 50,000 observations) 8 of
160 cells of a two-state scorecard over a named period group differed from ``--engine python``. These
tests go through the path the CLI takes (engine/selection.py: evaluation, then the sensitivity bands),
with the engine named and with ``auto`` above the threshold.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helsinki_compliance import api as hc
from helsinki_compliance.engine import engines
from helsinki_compliance.engine.selection import scorecard
from helsinki_compliance.engine.staleness import corpus_clock
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.tools.synth import synthesize
from test_sql_engine import random_corpus

pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def bundled() -> Corpus:
    return hc.load()


def _card(
    corpus: Corpus,
    engine: str,
    states: list[str],
    period: str,
    first: int = 1975,
    last: int = 1991,
    as_of: date | None = None,
) -> Any:
    card = scorecard(
        corpus,
        states=states,
        period=period,
        first=first,
        last=last,
        as_of=as_of or corpus_clock(corpus.observations),
        engine=engine,
    )
    if engine != "python":  # standing rules too are selected in SQL: none is left to the reference
        assert ", 0 by the reference" in card.engine_summary, card.engine_summary
    return card


def assert_same_cards(corpus: Corpus, ref: Any, got: Any) -> None:
    assert list(got.cells) == list(ref.cells)
    differ = [key for key, cell in ref.cells.items() if got.cells[key] != cell]
    assert differ == [], f"{len(differ)} of {len(ref.cells)} cells differ, e.g. {differ[:3]}"
    assert got.groups == ref.groups
    assert got.to_dict(corpus) == ref.to_dict(corpus)


@pytest.mark.parametrize(
    ("states", "period"),
    [
        (["SU", "PL"], "review-meetings"),  # the two-state scorecard over a named period group
        (["all"], "review-meetings"),
        (["SU", "CS", "DD"], "vienna"),  # one named period
        (["SU", "PL"], "half"),
    ],
)
@pytest.mark.parametrize("as_of", [None, date(1987, 12, 31)], ids=["clock", "1987-12-31"])
def test_duckdb_equals_python_on_named_periods_and_groups(
    bundled: Corpus, states: list[str], period: str, as_of: date | None
) -> None:
    ref = _card(bundled, "python", states, period, as_of=as_of)
    got = _card(bundled, "duckdb", states, period, as_of=as_of)
    assert got.engine == "duckdb" and ref.engine == "python"
    assert_same_cards(bundled, ref, got)


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 60),
    period=st.sampled_from(["review-meetings", "madrid", "gorbachev", "half"]),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_duckdb_equals_python_on_random_corpora_over_named_periods(
    bundled: Corpus, seed: int, n: int, period: str
) -> None:
    corpus = random_corpus(bundled, seed, n)
    ref = _card(corpus, "python", ["SU", "PL"], period, 1985, 1991)
    got = _card(corpus, "duckdb", ["SU", "PL"], period, 1985, 1991)
    assert_same_cards(corpus, ref, got)


@pytest.mark.slow
def test_auto_above_the_threshold_equals_python_on_a_named_period_group(bundled: Corpus, tmp_path: Path) -> None:
    """The issue's case: a synthetic corpus above DUCKDB_FROM, the default engine, SU and PL, review meetings."""
    synthesize(bundled, tmp_path / "synth", observations=engines.DUCKDB_FROM + 5_000, seed=1)
    corpus = hc.load(tmp_path / "synth")
    assert engines.choose(corpus, "auto") == "duckdb"
    for states, period in ((["SU", "PL"], "review-meetings"), (["all"], "review-meetings")):
        ref = _card(corpus, "python", states, period)
        got = _card(corpus, "auto", states, period)
        assert got.engine == "duckdb"
        assert_same_cards(corpus, ref, got)

"""The columnar table kept between runs (engine/columnar_cache.py): read back only for the very corpus it
was built from, only when it verifies, and equal to building it again."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from helsinki_compliance import api
from helsinki_compliance.engine import columnar_cache
from helsinki_compliance.engine.columnar import observation_table
from helsinki_compliance.engine.columnar_cache import ColumnarCache, cached_observation_table, table_key
from helsinki_compliance.model.corpus import Corpus

pytest.importorskip("pyarrow")
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path) -> ColumnarCache:
    return ColumnarCache(tmp_path / "cache")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setenv("HELSINKI_COMPLIANCE_CACHE_DIR", str(tmp_path / "load-cache"))
    return api.load(REPO, cache=True)


def _refuse_to_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(corpus: Corpus) -> None:
        raise AssertionError("built again: the cached table was not used")

    monkeypatch.setattr(columnar_cache, "observation_table", refuse)


def test_a_second_run_reads_the_table_back_equal_to_building_it(
    corpus: Corpus, store: ColumnarCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = cached_observation_table(corpus, store)
    _refuse_to_build(monkeypatch)
    again = cached_observation_table(corpus, store)
    assert again.equals(built)
    assert again.equals(observation_table(corpus))


def test_a_corpus_loaded_again_from_its_snapshot_finds_the_same_table(
    corpus: Corpus, store: ColumnarCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = cached_observation_table(corpus, store)
    warm = api.load(REPO, cache=True)
    assert warm.index.content_key == corpus.index.content_key
    _refuse_to_build(monkeypatch)
    assert cached_observation_table(warm, store).equals(built)


@pytest.mark.parametrize("where", ["table", "header"])
def test_an_edited_table_or_header_is_never_used(corpus: Corpus, store: ColumnarCache, where: str) -> None:
    built = cached_observation_table(corpus, store)
    key = table_key(corpus)
    assert key is not None
    table_path, header_path = store._paths(corpus)
    path = table_path if where == "table" else header_path
    raw = bytearray(path.read_bytes())
    if where == "table":
        raw[len(raw) // 2] ^= 0x01
    else:
        raw = bytearray(raw.decode().replace('"hmac": "', '"hmac": "0').encode())
    path.write_bytes(bytes(raw))
    assert store.get(corpus, key) is None
    assert cached_observation_table(corpus, store).equals(built)  # rebuilt and stored again
    assert store.get(corpus, key) is not None


def test_a_changed_corpus_has_no_key_and_never_reads_the_old_table(corpus: Corpus, store: ColumnarCache) -> None:
    cached_observation_table(corpus, store)
    fewer = dataclasses.replace(corpus, observations=corpus.observations[:10])
    assert table_key(fewer) is None
    assert cached_observation_table(fewer, store).num_rows == 10
    corpus.reindex()
    assert table_key(corpus) is None


def test_a_corpus_loaded_without_the_cache_writes_nothing(store: ColumnarCache) -> None:
    corpus = api.load(REPO, cache=False)
    assert table_key(corpus) is None
    cached_observation_table(corpus, store)
    assert not list(store.dir.iterdir())


def test_the_duckdb_scorecard_is_the_same_from_a_cached_table(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("duckdb")
    from helsinki_compliance.engine.evaluation import Evaluator
    from helsinki_compliance.engine.sql_engine import DuckDBBackend, SqlEvaluator
    from helsinki_compliance.model.periods import calendar_periods

    monkeypatch.setenv("HELSINKI_COMPLIANCE_CACHE_DIR", str(tmp_path / "engine-cache"))
    periods = calendar_periods("year", 1985, 1991)
    as_of = date(1991, 12, 31)
    reference = Evaluator(corpus).scorecard(["SU", "PL"], periods, as_of)
    first = SqlEvaluator(corpus, DuckDBBackend()).scorecard(["SU", "PL"], periods, as_of)
    _refuse_to_build(monkeypatch)
    second = SqlEvaluator(corpus, DuckDBBackend()).scorecard(["SU", "PL"], periods, as_of)
    assert first.cells == reference.cells == second.cells

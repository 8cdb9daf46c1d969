"""Corpus lookups live in an explicit index: a corpus made with dataclasses.replace never sees a stale one."""

from __future__ import annotations

import dataclasses

from conftest import REPO
from helsinki_compliance import api
from helsinki_compliance.engine.incremental import add_observations


def test_replace_gets_a_fresh_index_and_reindex_drops_it() -> None:
    corpus = api.load(str(REPO))
    su = corpus.observations_of("SU")
    assert su and corpus.state_code("USSR") == "SU"
    mini = dataclasses.replace(corpus, observations=su[:3])
    assert mini.observations_of("SU") == su[:3]  # not the parent's cached index
    assert mini.observation_ids() == {o.id for o in su[:3]}
    assert "__dict__" not in vars(type(corpus.index)) and not any(k.startswith("_") for k in vars(corpus))
    mini.observations = su[:1]
    mini.reindex()
    assert mini.observations_of("SU") == su[:1]


def test_added_observations_keep_the_parents_index_unchanged() -> None:
    corpus = api.load(str(REPO))
    before = corpus.observations_of("PL")
    new = before[0].model_copy(update={"id": "test.added"})
    after = add_observations(corpus, [new])
    assert "test.added" in {o.id for o in after.observations_of("PL")}
    assert corpus.observations_of("PL") == before
    assert "test.added" in after.observation_ids() and "test.added" not in corpus.observation_ids()

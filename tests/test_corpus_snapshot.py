"""The warm load reads the validated corpus back: only when nothing changed, and only if it is this user's own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import make_data, obs
from helsinki_compliance.load import pipeline
from helsinki_compliance.load.cache import CACHE_ENV


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "user-cache"))
    return make_data(tmp_path / "d", [obs("o.one", "1977-02-03", "arrest"), obs("o.two", "1980", "election")])


def _snapshots(root: Path) -> list[Path]:
    return sorted((root.parent / "user-cache" / "snapshots").glob("*.bin"))


def test_second_load_is_the_snapshot_and_equals_a_fresh_load(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = pipeline.load(root)
    first = pipeline.load(root, cache=True)
    assert len(_snapshots(root)) == 1
    called: list[int] = []
    monkeypatch.setattr(pipeline, "build_corpus", lambda *a, **k: called.append(1))  # a snapshot needs no checks
    warm = pipeline.load(root, cache=True)
    assert not called
    for c in (first, warm):
        assert c.observations == fresh.observations and c.warnings == fresh.warnings and c.files == fresh.files
        assert c.commitments == fresh.commitments and c.sources == fresh.sources and c.origins == fresh.origins


def test_a_changed_file_or_day_is_a_miss(root: Path) -> None:
    pipeline.load(root, cache=True)
    obs_file = next((root / "observations").glob("*.yaml"))
    obs_file.write_text(obs_file.read_text(encoding="utf-8").replace("o.two", "o.three"), encoding="utf-8")
    assert {o.id for o in pipeline.load(root, cache=True).observations} == {"o.one", "o.three"}
    today = date(1978, 1, 1)  # bounds the dates: 1980 is in the future then
    with pytest.raises(Exception, match="future"):
        pipeline.load(root, cache=True, today=today)


def test_a_tampered_snapshot_is_never_read(root: Path) -> None:
    pipeline.load(root, cache=True)
    (snap,) = _snapshots(root)
    blob = snap.read_bytes()
    head, _, payload = blob.partition(b"\n")
    forged = payload.replace(b"o.one", b"o.bad")
    assert forged != payload
    snap.write_bytes(head + b"\n" + forged)
    assert {o.id for o in pipeline.load(root, cache=True).observations} == {"o.one", "o.two"}
    assert snap.read_bytes() != head + b"\n" + forged  # rewritten by the load that missed
    assert snap.read_bytes().partition(b"\n")[0][:90] == blob.partition(b"\n")[0][:90]  # same format and key

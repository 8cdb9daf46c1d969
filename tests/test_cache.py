"""The content-hash cache: hits on unchanged files, misses on changed ones, never trusts a bad entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import make_data, obs, write_yaml
from helsinki_compliance.cli.main import main
from helsinki_compliance.errors import DataError
from helsinki_compliance.load import files as loading
from helsinki_compliance.load import pipeline
from helsinki_compliance.load.cache import CACHE_ENV, FileCache, content_hash, sign
from helsinki_compliance.model.corpus import Corpus


def _data(tmp_path: Path) -> Path:
    return make_data(
        tmp_path / "d",
        [
            obs("o.one", "1977-02-03", "arrest", tags=["monitor"]),
            obs(
                "o.two", "1980", "jamming", standing={"condition": "radio-jamming", "subject": "voa", "in_effect": True}
            ),
            obs("o.no", "1981-05", "arrest", state="NO", note="NO stays Norway"),
        ],
    )


def _load(root: Path) -> tuple[Corpus, FileCache]:
    files = loading.discover(root)
    cache = FileCache(_cache_dir(root))
    parsed, problems = loading.read_files(root, files, cache)
    assert not [p for p in problems if p.level == "error"]
    from helsinki_compliance.load.semantics import build_corpus

    corpus, _ = build_corpus(root, parsed)
    assert corpus is not None
    return corpus, cache


def _cache_dir(root: Path) -> Path:
    """The per-user cache of these tests: beside the data directory, never in it."""
    return root.parent / "user-cache"


def _entry_paths(root: Path) -> list[Path]:
    return sorted(_cache_dir(root).rglob("*.json"))


def _obs_file(root: Path) -> Path:
    return next(p for p in loading.discover(root) if "observations" in p.parts and p.name.startswith("obs"))


def test_second_load_hits_and_equals_a_fresh_load(tmp_path: Path) -> None:
    root = _data(tmp_path)
    cold, c1 = _load(root)
    assert c1.hits == 0 and c1.written == len(loading.discover(root))
    warm, c2 = _load(root)
    assert c2.hits == len(loading.discover(root)) and c2.misses == 0
    assert warm.observations == cold.observations
    assert warm.commitments == cold.commitments
    assert warm.origins == cold.origins
    assert next(o for o in warm.observations if o.id == "o.no").state == "NO"


def test_a_changed_file_is_parsed_again_and_only_it(tmp_path: Path) -> None:
    root = _data(tmp_path)
    _load(root)
    path = _obs_file(root)
    text = path.read_text()
    path.write_text(text.replace("o.one", "o.uno"))
    corpus, cache = _load(root)
    assert cache.misses == 1 and cache.hits == len(loading.discover(root)) - 1
    assert "o.uno" in {o.id for o in corpus.observations}


@pytest.mark.parametrize("damage", ["truncate", "garble", "foreign", "empty"])
def test_a_corrupt_or_foreign_entry_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    root = _data(tmp_path)
    cold, _ = _load(root)
    sha = content_hash(_obs_file(root).read_bytes())
    (entry,) = [p for p in _entry_paths(root) if p.stem == sha]
    blob = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "garble":
        entry.write_bytes(blob.replace(b"o.one", b"o.ONE"))  # checksum no longer matches
    elif damage == "foreign":
        head, _, payload = blob.partition(b"\n")
        header = json.loads(head)
        header["fingerprint"] = "0.0.0-someone-else"
        entry.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    else:
        entry.write_bytes(b"")
    warm, cache = _load(root)
    assert cache.rejected == 1 and cache.written == 1
    assert warm.observations == cold.observations
    _, again = _load(root)  # rebuilt: a hit now
    assert again.rejected == 0 and again.misses == 0


def test_a_well_formed_entry_with_invalid_items_is_validated_not_trusted(tmp_path: Path) -> None:
    root = _data(tmp_path)
    cold, _ = _load(root)
    sha = content_hash(_obs_file(root).read_bytes())
    (entry,) = [p for p in _entry_paths(root) if p.stem == sha]
    head, _, payload = entry.read_bytes().partition(b"\n")
    data = json.loads(payload)
    data["items"][0]["date"] = "not a date"  # an entry with a correct tag
    payload = json.dumps(data).encode()
    header = json.loads(head)
    key = FileCache(_cache_dir(root)).key
    assert key is not None
    signed = b"%d\x00%s\x00%s\x00" % (header["format"], header["fingerprint"].encode(), sha.encode()) + payload
    header.update(length=len(payload), hmac=sign(key, signed))  # forged with the user's own key
    entry.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    warm, cache = _load(root)
    assert cache.rejected == 1
    assert warm.observations == cold.observations


def test_files_with_errors_are_not_cached_and_keep_their_lines(tmp_path: Path) -> None:
    root = _data(tmp_path)
    bad = write_yaml(root / "observations" / "bad.yaml", {"observations": [obs("o.bad", "1977-13", "arrest")]})
    for _ in range(2):
        with pytest.raises(DataError) as exc:
            pipeline.load(root, cache=True)
        (problem,) = [p for p in exc.value.problems if p.file.endswith("bad.yaml")]
        assert problem.line == 3 and "date" in problem.path
    assert content_hash(bad.read_bytes()) not in {p.stem for p in _entry_paths(root)}


def test_cli_caches_by_default_and_not_with_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _data(tmp_path)
    monkeypatch.setenv(CACHE_ENV, str(_cache_dir(root)))
    runner = CliRunner()
    r = runner.invoke(main, ["--no-cache", "--data", str(root), "validate"])
    assert r.exit_code == 0 and not _entry_paths(root)
    r = runner.invoke(main, ["--data", str(root), "validate"])
    assert r.exit_code == 0 and len(_entry_paths(root)) == len(loading.discover(root))
    r2 = runner.invoke(main, ["--data", str(root), "validate"])
    assert r2.output == r.output


def test_library_load_does_not_write_a_cache_unless_asked(tmp_path: Path) -> None:
    root = _data(tmp_path)
    pipeline.load(root)
    assert not _entry_paths(root)

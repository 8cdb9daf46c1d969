"""The synthetic corpus generator: valid against the real catalogue, realistic, deterministic."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from helsinki_compliance.cli.main import main
from helsinki_compliance.load import yaml_reader
from helsinki_compliance.model.dates import Precision
from helsinki_compliance.tools.synth import synthesize

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base() -> hc.Corpus:
    return hc.load(REPO)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.yaml")):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def synth_dir(base: hc.Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    synthesize(base, out, observations=3000, states=57, years=(1975, 2025), seed=7)
    return out


def test_synthetic_corpus_validates_without_warnings(synth_dir: Path) -> None:
    corpus = hc.load(synth_dir)
    synthetic = [o for o in corpus.observations if o.id.startswith("syn.")]
    assert len(synthetic) == 3000
    assert len({o.state for o in synthetic}) == 57
    assert corpus.warnings == []


def test_same_seed_same_bytes_other_seed_other_bytes(base: hc.Corpus, synth_dir: Path, tmp_path: Path) -> None:
    synthesize(base, tmp_path / "again", observations=3000, seed=7)
    synthesize(base, tmp_path / "other", observations=3000, seed=8)
    assert _digest(tmp_path / "again") == _digest(synth_dir)
    assert _digest(tmp_path / "other") != _digest(synth_dir)


def test_dates_lie_in_membership_and_cited_commitments_are_in_force(synth_dir: Path) -> None:
    corpus = hc.load(synth_dir)
    for o in corpus.observations:
        st = corpus.states[o.state]
        assert st.joined.start <= o.date.start
        assert st.left is None or o.date.end <= st.left.end
        assert 1975 <= o.date.start.year and o.date.end.year <= 2025
        for c in o.commitments:
            assert corpus.in_force_from(corpus.commitments[c], o.state) <= o.date.start  # type: ignore[operator]


def test_realistic_mix(synth_dir: Path) -> None:
    corpus = hc.load(synth_dir)
    obs = [o for o in corpus.observations if o.id.startswith("syn.")]
    precisions = Counter(o.date.precision for o in obs)
    assert {Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.RANGE, Precision.HALF} <= set(precisions)
    standing = [o for o in obs if o.standing]
    assert 0.1 < len(standing) / len(obs) < 0.6
    ended = [o for o in standing if o.standing and not o.standing.in_effect]
    assert 0.15 < len(ended) / len(standing) < 0.45  # conditions start and end
    persons = [o for o in standing if o.standing and o.standing.condition == "imprisonment"]
    assert persons and all(o.standing and o.standing.subject in corpus.cases for o in persons)
    assert all(corpus.cases[o.standing.subject].state == o.state for o in persons if o.standing and o.standing.subject)
    metrics = Counter(o.metric.name for o in obs if o.metric)
    assert "emigration.persons" in metrics or "emigration.annual-rate" in metrics
    by_state = Counter(o.state for o in obs).most_common()
    assert by_state[0][1] > 4 * by_state[-1][1]  # uneven: a few states carry most of the evidence
    assert Counter(o.kind for o in obs).most_common(1)[0][1] < len(obs) / 3


def test_files_are_split_and_bounded(synth_dir: Path) -> None:
    files = sorted((synth_dir / "observations" / "synth").rglob("*.yaml"))
    assert files and all(p.stat().st_size < yaml_reader.MAX_BYTES // 8 for p in files)
    assert {p.parent.name for p in files} >= {"SU", "NO"}
    assert not (synth_dir / "observations" / "copeland-1991.yaml").exists()  # real observations are not copied
    assert (synth_dir / "observations" / "sources.yaml").exists()


def test_cli_synth_refuses_a_non_empty_dir_then_validate_accepts(tmp_path: Path) -> None:
    out = tmp_path / "d"
    runner = CliRunner()
    args = ["--data", str(REPO), "synth", "--observations", "200", "--states", "5", "--seed", "3", "--out", str(out)]
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    again = runner.invoke(main, args)
    assert again.exit_code == 2 and "not empty" in again.output
    assert runner.invoke(main, [*args, "--force"]).exit_code == 0
    v = runner.invoke(main, ["--data", str(out), "validate"])
    assert v.exit_code == 0 and "ok:" in v.output
    assert (
        runner.invoke(
            main, ["--data", str(REPO), "synth", "--observations", "10", "--states", "99", "--out", str(tmp_path / "e")]
        ).exit_code
        == 2
    )


def test_uneven_records_are_split_by_size_never_over_the_target() -> None:
    """The bug: one decade of a heavy state exceeded the limit because the split used an average."""
    from datetime import date

    from helsinki_compliance.tools.synth import FILE_TARGET_BYTES, _group_files  # noqa: PLC2701

    text = "x" * 500
    records = [(date(1985, 1, 1), date(1985, 1, 1), "1985", text)] * 9_000  # one year, ~4.9 MB
    records += [(date(1991, 1, 1), date(1991, 1, 1), "1991", text)] * 10
    groups = _group_files(records)
    names = [n for n, _ in groups]
    assert names[0] == "1985-01" and "1990s" in names
    assert sum(len(g) for _, g in groups) == len(records)
    assert all(sum(len(r[3]) + 40 for _, r in g) <= FILE_TARGET_BYTES for _, g in groups)
    seqs = [seq for _, g in groups for seq, _ in g]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


@pytest.mark.slow
def test_the_help_example_100k_works(base: hc.Corpus, tmp_path: Path) -> None:
    s = synthesize(base, tmp_path / "hc-100k", observations=100_000, states=57, years=(1975, 2025), seed=1)
    files = list((tmp_path / "hc-100k" / "observations" / "synth").rglob("*.yaml"))
    assert s.observations == 100_000 and len(files) == s.files
    assert max(p.stat().st_size for p in files) <= yaml_reader.MAX_BYTES // 4


def test_a_failed_run_leaves_nothing_behind(base: hc.Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helsinki_compliance.tools import synth

    def boom(*a: object, **k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(synth, "_write_registries", boom)
    with pytest.raises(OSError):
        synthesize(base, tmp_path / "out", observations=50, states=3, seed=1)
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_only_a_synthetic_corpus(base: hc.Corpus, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "observations").mkdir(parents=True)
    (mine / "observations" / "precious.yaml").write_text("observations: []\n")
    with pytest.raises(FileExistsError, match="not written by synth"):
        synthesize(base, mine, observations=20, states=2, seed=1, force=True)
    assert (mine / "observations" / "precious.yaml").exists()

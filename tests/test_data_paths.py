"""One path resolver for the data directory (issue #26, items 2, 3 and 15): a relative data
directory names the same files as its absolute form; an observations file is always one that
loading reads; ``init --extends`` and ``synth`` resolve what they name the way loading does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import make_data, obs
from helsinki_compliance import api as hc
from helsinki_compliance.cli.main import main

ADD = (
    *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
    *("--locator", "p. 9", "--quote", "a new quote", "--dated-by", "x", "--confidence", "high"),
)


def run_in(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), env=env)
    finally:
        os.chdir(old)


@pytest.mark.parametrize("how", ["--data d2", "--data ./d2", "env d2", "--data d2 (second add)"])
def test_observe_add_works_with_a_relative_data_directory(tmp_path: Path, how: str) -> None:
    root = make_data(tmp_path / "d2", [obs("o.first", "1977-01-05", "arrest")])
    env = None
    pre: list[str] = []
    if how.startswith("env"):
        env = {"HELSINKI_COMPLIANCE_DATA": "d2"}
    else:
        pre = ["--data", how.split()[1]]
    if "second" in how:  # the target is then chosen from the file the source's observations are in
        first = run_in(tmp_path, *pre, *ADD[:-8], *("--locator", "p. 1", "--quote", "first add"), *ADD[-4:])
        assert first.exit_code == 0, first.output
    r = run_in(tmp_path, *pre, *ADD, env=env)
    assert r.exit_code == 0, r.output
    assert "outside" not in r.output
    ids = [o.id for o in hc.load(root).observations]
    assert any(i.startswith("src.arrest-1977-02-03") for i in ids), ids
    assert not (tmp_path / "d2" / "d2").exists()


def test_observe_import_works_with_a_relative_data_directory(tmp_path: Path) -> None:
    make_data(tmp_path / "d2")
    (tmp_path / "rows.csv").write_text(
        "date,dated_by,state,kind,source,locator,quote,confidence\n1977-02-03,x,SU,arrest,src,p. 2,a quote,high\n",
        encoding="utf-8",
    )
    r = run_in(tmp_path, "--data", "d2", "observe", "import", "rows.csv")
    assert r.exit_code == 0, r.output
    assert len(hc.load(tmp_path / "d2").observations) == 1


@pytest.mark.parametrize("to", ["observations.yaml", "notes/extra.yaml"])
def test_observe_add_refuses_a_file_that_would_never_be_loaded(tmp_path: Path, to: str) -> None:
    root = make_data(tmp_path / "d")
    r = run_in(tmp_path, "--data", str(root), *ADD, "--to", to)
    assert r.exit_code == 2, r.output
    assert "never be loaded" in r.output
    assert not (root / to).exists()


def test_observe_add_to_a_file_under_observations_is_loaded(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    r = run_in(tmp_path, "--data", str(root), *ADD, "--to", "observations/mine.yaml")
    assert r.exit_code == 0, r.output
    assert len(hc.load(root).observations) == 1


# ---------------------------------------------------------------- 15. init --extends, chains, synth


def test_init_extends_a_sibling_named_relative_to_the_new_directory(tmp_path: Path) -> None:
    assert run_in(tmp_path, "init", "a").exit_code == 0
    r = run_in(tmp_path, "init", "b", "--extends", "../a")
    assert r.exit_code == 0, r.output
    assert "does not exist" not in r.output


def test_a_corpus_extending_one_that_extends_bundled_loads_the_bundled_catalogue(tmp_path: Path) -> None:
    assert run_in(tmp_path, "init", "a").exit_code == 0
    assert run_in(tmp_path, "init", "b", "--extends", "../a").exit_code == 0
    corpus = hc.load(tmp_path / "b")
    assert corpus.vocabulary.kinds and len(corpus.commitments) == len(hc.load().commitments)
    r = run_in(tmp_path / "b", "validate")
    assert r.exit_code == 0, r.output


def test_extends_in_a_cycle_is_refused(tmp_path: Path) -> None:
    for name, other in (("a", "../b"), ("b", "../a")):
        (tmp_path / name / "observations").mkdir(parents=True)
        (tmp_path / name / "helsinki-compliance.toml").write_text(f'extends = "{other}"\n', encoding="utf-8")
    r = run_in(tmp_path, "--data", "a", "validate")
    assert r.exit_code == 2 and "cycle" in r.output, r.output


def test_synth_of_a_user_corpus_writes_a_corpus_that_loads(tmp_path: Path) -> None:
    assert run_in(tmp_path, "init", "mine").exit_code == 0
    r = run_in(tmp_path / "mine", "synth", "--observations", "40", "--states", "2", "--out", str(tmp_path / "syn"))
    assert r.exit_code == 0, r.output
    corpus = hc.load(tmp_path / "syn")
    assert len(corpus.observations) == 40 and corpus.commitments

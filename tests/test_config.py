"""Own corpora: helsinki-compliance.toml / [tool.helsinki-compliance], init, extends."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from helsinki_compliance import api
from helsinki_compliance.cli.main import main
from helsinki_compliance.load.config import bundled_data_dir, data_config

MY_SOURCE = """sources:
  - id: my-source
    title: "Radio Liberty no longer jammed"
    author: "A newspaper report"
    date: "1988-12-01"
    kind: press
    reliability: medium
"""


def cli(*args: str, cwd: Path | None = None):
    import os

    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


def test_init_creates_a_corpus_that_extends_the_bundled_data(tmp_path: Path) -> None:
    r = cli("init", str(tmp_path / "mine"))
    assert r.exit_code == 0, r.output
    mine = tmp_path / "mine"
    assert (mine / "helsinki-compliance.toml").is_file()
    cfg = data_config(mine)
    assert cfg.base == bundled_data_dir() and cfg.root == mine
    corpus = hc.load(mine)
    assert "memo.rferl-jammed" in {o.id for o in corpus.observations}  # the bundled corpus is there
    again = cli("init", str(mine))
    assert again.exit_code == 2 and "refusing to overwrite" in again.stderr


def test_observe_add_in_an_own_corpus_writes_only_there(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    cli("init", str(mine))
    (mine / "observations" / "sources.yaml").write_text(MY_SOURCE)
    bundled = bundled_data_dir()
    assert bundled is not None
    before = {p: p.read_bytes() for p in (bundled / "observations").rglob("*.yaml")}
    # a test fact (from the test source), one the bundled record does not hold: controls lifted in 1990
    r = cli(
        "observe", "add", "--state", "SU", "--date", "1990-06-30", "--kind", "policy-change",
        "--commitment", "hfa.b3.info.printed", "--tag", "literature", "--tag", "foreign-press",
        "--standing", "foreign-literature-controls", "--ended", "--source", "my-source", "--locator", "p. 1",
        "--quote", "controls lifted", "--dated-by", "test fixture", "--confidence", "high",
        cwd=mine,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "in observations/observations.yaml" in r.stdout
    assert "goal schifter-1987/foreign-literature (SU, 1990" in r.stdout
    assert "SU 1990" in r.stdout and "hfa.b3.info.printed" in r.stdout
    assert {p: p.read_bytes() for p in (bundled / "observations").rglob("*.yaml")} == before
    card = api.scorecard(hc.load(mine), states=["SU"], first=1991, last=1991, as_of=api.parse_as_of("1991"))
    assert card.cell("SU", "hfa.b3.info.printed", "1991").findings  # carried forward from 1990


def test_extends_catalogue_loads_only_the_commitments(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    cli("init", str(mine), "--extends", "catalogue")
    corpus = hc.load(mine)
    assert corpus.observations == [] and len(corpus.commitments) > 30 and corpus.goal_sets == {}


def test_pyproject_table_names_the_data_directory(tmp_path: Path) -> None:
    cli("init", str(tmp_path / "corpus"))
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.helsinki-compliance]\ndata = "corpus"\nextends = "bundled"\n'
    )
    cfg = data_config(cwd=tmp_path)
    assert cfg.root == tmp_path / "corpus" and cfg.config == tmp_path / "pyproject.toml"
    r = cli("validate", cwd=tmp_path)
    assert r.exit_code == 0 and "in the data it extends" in r.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('extend = "bundled"\n', "helsinki-compliance.toml:1: extend: unknown setting (did you mean 'extends'?)"),
        ("extends = [1]\n", "helsinki-compliance.toml:1: extends: expected a string"),
        ('extends = "bundled\n', "helsinki-compliance.toml:1: TOML syntax"),
        ('extends = "../nowhere"\n', "helsinki-compliance.toml:1: extends: data directory"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "observations").mkdir()
    (tmp_path / "helsinki-compliance.toml").write_text(text)
    r = cli("--data", str(tmp_path), "validate")
    assert r.exit_code == 2
    assert message in r.stderr and "Traceback" not in r.output

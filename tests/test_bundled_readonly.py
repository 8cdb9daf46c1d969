"""The installed data is read-only (issue #22, item 5): with no data directory given, `observe add`,
`observe import` and `source add` refuse to write into the bundled data and say how to `init` a
corpus; a data directory the user names (`--data .`, the current directory, the environment) is
written as asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import make_data
from helsinki_compliance.cli.main import main
from helsinki_compliance.load import config

ADD = [
    "observe", "add", "--state", "SU", "--date", "1980-02-01", "--kind", "arrest", "--source", "src",
    "--locator", "p. 2", "--quote", "a new quote", "--confidence", "high", "--dated-by", "1 February 1980",
]  # fmt: skip


def add(quote: str, locator: str) -> list[str]:
    return [*ADD[:10], "--locator", locator, "--quote", quote, "--confidence", "high", "--dated-by", "1980"]


SOURCE_ADD = [
    "source", "add", "--id", "new-src", "--title", "A title", "--author", "Someone", "--date", "1980",
    "--kind", "press", "--reliability", "medium",
]  # fmt: skip


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the package's bundled data (so nothing real is ever written), and a working
    directory that is no data directory."""
    pkg = make_data(tmp_path / "site-packages" / "helsinki_compliance" / "data")
    monkeypatch.setattr(config, "PACKAGE_DATA", pkg)
    monkeypatch.delenv("HELSINKI_COMPLIANCE_DATA", raising=False)
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return pkg


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_fallback_is_the_bundled_data(bundled: Path) -> None:
    cfg = config.data_config()
    assert cfg.root == bundled and not cfg.chosen


@pytest.mark.parametrize("command", ["observe add", "observe import", "source add"])
def test_writing_into_the_bundled_data_is_refused(bundled: Path, tmp_path: Path, command: str) -> None:
    before = _snapshot(bundled)
    if command == "observe add":
        args = ADD
    elif command == "source add":
        args = SOURCE_ADD
    else:
        rows = tmp_path / "home" / "rows.csv"
        rows.write_text(
            "date,dated_by,state,kind,source,locator,quote,confidence\n"
            "1980-02-01,1 February 1980,SU,arrest,src,p. 2,a new quote,high\n",
            encoding="utf-8",
        )
        args = ["observe", "import", "rows.csv"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert f"{command}: no data directory was given" in r.output and "read-only" in r.output, r.output
    assert "helsinki-compliance init my-corpus" in r.output
    assert _snapshot(bundled) == before


def test_a_dry_run_against_the_bundled_data_is_refused_too(bundled: Path) -> None:
    """A dry run takes the data directory's lock (a file), and installed data may not be writable."""
    before = _snapshot(bundled)
    for args in ([*ADD, "--dry-run"], [*SOURCE_ADD, "--dry-run"]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 2 and "helsinki-compliance init my-corpus" in r.output, r.output
    assert _snapshot(bundled) == before


def test_a_data_directory_the_user_names_is_written(bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # --data naming it explicitly (the maintainers' `--data .` in the checkout)
    r = CliRunner().invoke(main, ["--data", str(bundled), *ADD])
    assert r.exit_code == 0, r.output
    assert "a new quote" in "".join(t.decode() for t in _snapshot(bundled / "observations").values())
    # the current directory when it is a data directory (running from the repository's root)
    monkeypatch.chdir(bundled)
    r = CliRunner().invoke(main, add("a third quote", "p. 3"))
    assert r.exit_code == 0, r.output
    assert "a third quote" in "".join(t.decode() for t in _snapshot(bundled / "observations").values())
    # the environment variable
    monkeypatch.chdir(bundled.parent)
    monkeypatch.setenv("HELSINKI_COMPLIANCE_DATA", str(bundled))
    r = CliRunner().invoke(main, add("another quote", "p. 4"))
    assert r.exit_code == 0, r.output


def test_an_initialised_corpus_extending_the_bundled_data_is_written(bundled: Path, tmp_path: Path) -> None:
    mine = tmp_path / "home" / "my-corpus"
    assert CliRunner().invoke(main, ["init", str(mine)]).exit_code == 0
    before = _snapshot(bundled)
    r = CliRunner().invoke(main, ["--data", str(mine), *SOURCE_ADD])
    assert r.exit_code == 0, r.output
    assert "new-src" in (mine / "observations" / "sources.yaml").read_text(encoding="utf-8")
    assert _snapshot(bundled) == before

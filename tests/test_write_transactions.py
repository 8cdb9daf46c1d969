"""Write sets (issue #26, items 7, 8, 10, 11): ``report``, ``observe import``, ``source add`` and
``export`` replace their files as one set, all or none, also when the process is killed between
two renames. The kill harness runs the real command in a subprocess that SIGKILLs itself at a
point named by an environment hook used only by tests (``storage.KILL_POINT_ENV``), then checks
that the next command finds a consistent state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from conftest import REPO, SOURCES, make_data, obs
from helsinki_compliance import api as hc
from helsinki_compliance import storage
from helsinki_compliance.cli.main import main
from helsinki_compliance.errors import DataError
from helsinki_compliance.observe import sources as sources_mod

posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

OTHER = {**SOURCES[0], "id": "other", "title": "Other source"}
ROWS = (
    "date,dated_by,state,kind,source,locator,quote,confidence\n"
    "1977-02-03,x,SU,arrest,src,p. 2,first quote,high\n"
    "1977-02-04,x,SU,arrest,other,p. 3,second quote,high\n"
)


def cli(*args: str, cwd: Path, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a new process; with ``kill_at`` it kills itself there (SIGKILL)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HELSINKI_COMPLIANCE_NO_CACHE": "1"}
    env.pop(storage.KILL_POINT_ENV, None)
    if kill_at:
        env[storage.KILL_POINT_ENV] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "helsinki_compliance", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def killed(p: subprocess.CompletedProcess[str]) -> None:
    assert p.returncode == -signal.SIGKILL, (p.returncode, p.stdout, p.stderr)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _two_files(tmp_path: Path) -> Path:
    """A corpus whose two sources' observations live in two files (an import writes both)."""
    return make_data(
        tmp_path / "d",
        [obs("o.src", "1977-01-01", "arrest")],
        extra={
            "observations/sources.yaml": {"sources": [*SOURCES, OTHER]},
            "observations/other.yaml": {"observations": [obs("o.other", "1977-01-02", "arrest", source="other")]},
        },
    )


# ---------------------------------------------------------------- 8. observe import into several files


@posix_only
@pytest.mark.parametrize("point", ["journal", "rename-1"])
def test_an_import_killed_between_renames_is_finished_on_the_next_start(tmp_path: Path, point: str) -> None:
    root = _two_files(tmp_path)
    (tmp_path / "rows.csv").write_text(ROWS, encoding="utf-8")
    killed(cli("--data", str(root), "observe", "import", "rows.csv", cwd=tmp_path, kill_at=point))
    assert storage.pending(root)  # the journal survives the kill
    # the next start finishes the batch: both rows are in, in their two files, and the corpus loads
    corpus = hc.load(root)
    quotes = {o.quote for o in corpus.observations}
    assert {"first quote", "second quote"} <= quotes
    assert not storage.pending(root)
    assert not list(root.rglob(".*.tmp"))
    # a re-import is refused as a whole (every row is in), never half-accepted
    again = cli("--data", str(root), "observe", "import", "rows.csv", cwd=tmp_path)
    assert again.returncode == 2 and "duplicate" in again.stderr
    assert len(hc.load(root).observations) == 4


def test_an_import_failing_between_renames_commits_nothing_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process: the second rename fails (a disk error); the next load finishes the batch."""
    root = _two_files(tmp_path)
    (tmp_path / "rows.csv").write_text(ROWS, encoding="utf-8")
    real = os.replace
    calls = {"n": 0}

    def flaky(src: object, dst: object) -> None:
        if str(dst).startswith(str(root / "observations")):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(5, "Input/output error", str(dst))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", flaky)
    r = run("--allow-outside", "--data", str(root), "observe", "import", str(tmp_path / "rows.csv"))
    assert r.exit_code == 2 and "interrupted" in r.output, r.output
    monkeypatch.setattr(os, "replace", real)
    quotes = {o.quote for o in hc.load(root).observations}
    assert {"first quote", "second quote"} <= quotes


# ---------------------------------------------------------------- 7. report and its manifest


@posix_only
@pytest.mark.parametrize("point", ["rename-1", "rename-2"])
def test_a_report_killed_between_renames_does_not_refuse_its_own_files(tmp_path: Path, point: str) -> None:
    args = ("report", "--state", "PL", "--format", "md,csv", "--out", "out")
    first = cli(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # change what the report says, so that the second report replaces the files
    killed(cli(*args, "--as-of", "1985-12-31", cwd=tmp_path, kill_at=point))
    again = cli(*args, "--as-of", "1985-12-31", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    manifest = storage.read_manifest(tmp_path / "out")
    for name in ("PL-year-1975-1991.md", "PL-year-1975-1991.csv"):
        assert manifest[name] == storage.sha256((tmp_path / "out" / name).read_bytes())
    assert not list((tmp_path / "out").glob(".helsinki-staging-*"))


def test_a_report_failing_between_renames_is_not_refused_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    args = ("--data", str(REPO), "report", "--state", "PL", "--format", "md,csv", "--out", str(out))
    assert run(*args).exit_code == 0
    real = os.replace
    calls = {"n": 0}

    def flaky(src: object, dst: object) -> None:
        if str(dst).startswith(str(out)):
            calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", flaky)
    assert run(*args, "--as-of", "1985-12-31").exit_code == 2
    monkeypatch.setattr(os, "replace", real)
    r = run(*args, "--as-of", "1985-12-31")
    assert r.exit_code == 0, r.output
    manifest = storage.read_manifest(out)
    assert manifest["PL-year-1975-1991.md"] == storage.sha256((out / "PL-year-1975-1991.md").read_bytes())


# ---------------------------------------------------------------- 10. source add


SOURCE = ("source", "add", "--id", "new-src", "--title", "A new source", "--author", "A", "--date", "1988")
SOURCE_REST = ("--kind", "press", "--reliability", "low")


def test_source_add_appends_to_a_file_written_by_yaml_safe_dump(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")  # conftest writes sources.yaml with yaml.safe_dump: '- id' at column 0
    assert (root / "observations" / "sources.yaml").read_text(encoding="utf-8").startswith("sources:\n- ")
    r = run("--data", str(root), *SOURCE, *SOURCE_REST)
    assert r.exit_code == 0, r.output
    assert set(hc.load(root).sources) == {"src", "new-src"}


def test_source_add_never_leaves_a_broken_file_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A concurrent reader sees the old file or the new one: the candidate is checked before any rename."""
    root = make_data(tmp_path / "d")
    target = root / "observations" / "sources.yaml"
    before = target.read_bytes()
    # the text appended comes out broken (as it did for layouts the appender misread)
    monkeypatch.setattr(sources_mod, "append_items", lambda old, *a: old + "  - id: [broken\n")
    renamed: list[str] = []
    real = os.replace

    def watch(src: object, dst: object) -> None:
        renamed.append(str(dst))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", watch)
    r = run("--data", str(root), *SOURCE, *SOURCE_REST)
    assert r.exit_code == 2, r.output
    assert str(target) not in renamed and target.read_bytes() == before
    assert "observations/sources.yaml:" in r.output


@posix_only
def test_source_add_killed_after_its_journal_is_finished_on_the_next_start(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    killed(cli("--data", str(root), *SOURCE, *SOURCE_REST, cwd=tmp_path, kill_at="journal"))
    assert "new-src" in hc.load(root).sources


@pytest.mark.parametrize(
    "text",
    [
        "observations: [] # none yet\n",
        "observations:\n- id: o.a\n  date: '1977'\n  dated_by: t\n  state: SU\n  kind: arrest\n  source: src\n"
        "  locator: p\n  quote: q\n  confidence: high\n",
    ],
)
def test_observe_add_appends_to_other_valid_layouts(tmp_path: Path, text: str) -> None:
    root = make_data(tmp_path / "d")
    (root / "observations" / "obs.yaml").write_text(text, encoding="utf-8")
    n = len(hc.load(root).observations)
    r = run(
        "--data",
        str(root),
        *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 9", "--quote", "new one", "--dated-by", "x", "--confidence", "high"),
        *("--to", "observations/obs.yaml"),
    )
    assert r.exit_code == 0, r.output
    assert len(hc.load(root).observations) == n + 1


def test_a_flow_style_list_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    (root / "observations" / "obs.yaml").write_text(
        "# a comment\nobservations: [{id: o.a, date: '1977', dated_by: t, state: SU, kind: arrest, source: src,"
        " locator: p, quote: q, confidence: high}]\n",
        encoding="utf-8",
    )
    r = run(
        "--data",
        str(root),
        *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 9", "--quote", "new one", "--dated-by", "x", "--confidence", "high"),
        *("--to", "observations/obs.yaml"),
    )
    assert r.exit_code == 2, r.output
    assert "observations/obs.yaml:2:" in r.output and "flow-style" in r.output


# ---------------------------------------------------------------- 9. appends never change what is there


def test_appending_after_a_keep_chomped_block_does_not_change_it(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    (root / "observations" / "obs.yaml").write_text(
        "observations:\n  - id: o.a\n    date: '1977'\n    dated_by: t\n    state: SU\n    kind: arrest\n"
        "    source: src\n    locator: p\n    confidence: high\n    quote: |+\n      kept as is\n",
        encoding="utf-8",
    )
    (old,) = hc.load(root).observations
    r = run(
        "--data",
        str(root),
        *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 9", "--quote", "new one", "--dated-by", "x", "--confidence", "high"),
        *("--to", "observations/obs.yaml"),
    )
    assert r.exit_code == 0, r.output
    after = {o.id: o for o in hc.load(root).observations}
    assert after["o.a"].quote == old.quote == "kept as is\n"
    assert len(after) == 2


# ---------------------------------------------------------------- 11. export


pyarrow = pytest.importorskip("pyarrow")


def test_export_refuses_to_remove_a_partition_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "pq"
    mine = out / "observations" / "state=ZZ" / "part-0.parquet"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"a user's own file")
    r = run("--data", str(REPO), "export", "--out", str(out))
    assert r.exit_code == 2, r.output
    assert mine.read_bytes() == b"a user's own file"
    assert not (out / "texts.parquet").exists()


def test_export_removes_only_its_own_stale_partitions(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d", [obs("o.su", "1977", "arrest"), obs("o.pl", "1977", "arrest", state="PL")])
    out = tmp_path / "pq"
    assert run("--data", str(root), "export", "--out", str(out)).exit_code == 0
    assert (out / "observations" / "state=PL" / "part-0.parquet").exists()
    data = yaml.safe_load((root / "observations" / "obs.yaml").read_text(encoding="utf-8"))
    data["observations"] = data["observations"][:1]
    (root / "observations" / "obs.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert run("--data", str(root), "export", "--out", str(out)).exit_code == 0
    assert not (out / "observations" / "state=PL").joinpath("part-0.parquet").exists()


@posix_only
def test_an_export_killed_between_renames_is_finished_by_the_next(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d", [obs("o.su", "1977", "arrest"), obs("o.pl", "1977", "arrest", state="PL")])
    assert cli("--data", str(root), "export", "--out", "pq", cwd=tmp_path).returncode == 0
    with (root / "observations" / "obs.yaml").open("a", encoding="utf-8") as fh:
        fh.write(yaml.safe_dump([obs("o.su2", "1978", "arrest", locator="p. 2")]))
    killed(cli("--data", str(root), "export", "--out", "pq", cwd=tmp_path, kill_at="rename-1"))
    assert storage.pending(tmp_path / "pq")
    assert cli("--data", str(root), "export", "--out", "pq", cwd=tmp_path).returncode == 0
    assert not storage.pending(tmp_path / "pq")
    manifest = storage.read_manifest(tmp_path / "pq")
    for name, sha in manifest.items():
        assert storage.sha256((tmp_path / "pq" / name).read_bytes()) == sha, name


def test_export_refuses_an_empty_out(tmp_path: Path) -> None:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        r = run("--data", str(REPO), "export", "--out", "")
    finally:
        os.chdir(old)
    assert r.exit_code == 2 and "empty" in r.output, r.output
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- a planted journal


def test_a_journal_planted_in_a_shared_corpus_cannot_move_files_elsewhere(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (root / f"{storage.JOURNAL_PREFIX}x.json").write_text(
        '{"generator": "helsinki-compliance", "moves": [["observations/obs.yaml", "../victim.txt"]], "removals": []}',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="reaches outside"):
        hc.load(root)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert (root / "observations" / "obs.yaml").exists()

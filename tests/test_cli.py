"""The command-line tool: exit codes, error lines, determinism, explain."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import REPO, make_data, obs
from helsinki_compliance.cli.main import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_clean_corpus_exits_0() -> None:
    r = run("--data", str(REPO), "validate")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[-1].startswith("ok: ")


def test_validate_bad_input_exits_2_with_file_line_and_no_traceback(tmp_path: Path) -> None:
    root = make_data(tmp_path, [obs("a", "1977-02-30", "arrest")])
    r = run("--data", str(root), "validate")
    assert r.exit_code == 2
    assert "observations/obs.yaml:3: observations[0].date: '1977-02-30' is not a valid date" in r.output
    assert "Traceback" not in r.output


def test_validate_strict_fails_on_warnings(tmp_path: Path) -> None:
    root = make_data(tmp_path, [obs("a", "1980", "election")])
    assert run("--data", str(root), "validate").exit_code == 0
    assert run("--data", str(root), "validate", "--strict").exit_code == 1


def test_usage_errors_exit_2() -> None:
    r = run("--data", str(REPO), "scorecard", "--state", "XX")
    assert r.exit_code == 2 and "unknown state 'XX'" in r.output
    r = run("--data", str(REPO), "scorecard", "--period", "belgrad")
    assert r.exit_code == 2 and "did you mean 'belgrade'" in r.output
    assert run("--data", str(REPO), "scorecard", "--as-of", "1987-02-30").exit_code == 2


def test_scorecard_json_is_identical_whatever_the_file_order(tmp_path: Path) -> None:
    a = run("--data", str(REPO), "scorecard", "--format", "json", "--as-of", "1991-12-31")
    assert a.exit_code == 0
    # the same corpus, its observations shuffled across differently named files
    root = tmp_path / "shuffled"
    for d in ("commitments", "goals"):
        shutil.copytree(REPO / d, root / d)
    (root / "observations").mkdir()
    import yaml

    items, others = [], []
    for f in sorted((REPO / "observations").rglob("*.yaml")):
        data = yaml.safe_load(f.read_text())
        if "observations" in data:
            items.extend(data["observations"])
        else:
            others.append(("-".join(f.relative_to(REPO / "observations").parts), data))
    random.Random(7).shuffle(items)
    for name, data in others:
        (root / "observations" / f"z-{name}").write_text(yaml.safe_dump(data))
    for i in range(3):
        (root / "observations" / f"part{2 - i}.yaml").write_text(yaml.safe_dump({"observations": items[i::3]}))
    b = run("--data", str(root), "scorecard", "--format", "json", "--as-of", "1991-12-31")
    assert b.exit_code == 0
    assert a.output == b.output
    assert json.loads(a.output)["cells"]


def test_scorecard_formats(tmp_path: Path) -> None:
    for fmt, marker in (("table", "C compliant"), ("markdown", "| commitment |"), ("csv", "state,period,")):
        r = run(
            "--data", str(REPO), "scorecard", "--format", fmt, "--as-of", "1991-12-31", "--from", "1986", "--to", "1988"
        )
        assert r.exit_code == 0 and marker in r.output


def test_fail_on_gate() -> None:
    r = run("--data", str(REPO), "scorecard", "--as-of", "1991-12-31", "--fail-on", "violation")
    assert r.exit_code == 1


def test_explain_shows_rules_evidence_and_arithmetic() -> None:
    r = run(
        "--data",
        str(REPO),
        "explain",
        "hfa.b3.info.broadcast",
        "--state",
        "SU",
        "--period",
        "1987",
        "--as-of",
        "1991-12-31",
    )
    assert r.exit_code == 0, r.output
    assert "STATUS:" in r.output and "Combination:" in r.output
    assert "memo.voa-no-longer-jammed" in r.output or "VOA" in r.output


def test_schema_writes_one_schema_per_file_kind_and_per_output(tmp_path: Path) -> None:
    from helsinki_compliance.model.records import FILE_KINDS

    r = run("schema", "--out", str(tmp_path / "s"))
    assert r.exit_code == 0
    names = sorted(n for n in os.listdir(tmp_path / "s") if n != ".helsinki-written.json")  # the manifest
    assert "observations.schema.json" in names and "commitments.schema.json" in names
    assert len([n for n in names if not n.startswith("output-")]) == len(FILE_KINDS)
    assert {"output-goals.schema.json", "output-report.schema.json"} <= set(names)


def test_goals_json() -> None:
    r = run("--data", str(REPO), "goals", "--as-of", "1987-12-31", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["tiers"]["immediate"] == "significant-progress"
    assert {"id", "tier", "target", "baseline", "current", "verdict", "evidence"} <= set(data["goals"][0])


def test_global_options_work_after_the_subcommand(tmp_path: Path) -> None:
    """The bug: `scorecard --data X`, `validate -v` and `goals --quiet` were "no such option"."""
    runner = CliRunner()
    r = runner.invoke(main, ["scorecard", "--state", "SU", "--from", "1987", "--to", "1987", "--data", str(REPO)])
    assert r.exit_code == 0, r.output
    before = runner.invoke(main, ["--data", str(REPO), "scorecard", "--state", "SU", "--from", "1987", "--to", "1987"])
    assert r.output == before.output
    assert runner.invoke(main, ["validate", "-v", f"--data={REPO}"]).exit_code == 0
    quiet = runner.invoke(main, ["goals", "--as-of", "1987-12-31", "--quiet", "--data", str(REPO)])
    assert quiet.exit_code == 0, quiet.output
    # a value that happens to look like a global option stays where it is after `--`
    assert runner.invoke(main, ["validate", "--", "--debug"]).exit_code == 2

"""Paths: relative --out/--file leading outside the project are refused unless named explicitly;
reports never overwrite anything but their own files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from helsinki_compliance.cli.main import main

REPORT = ["--data", str(REPO), "report", "--state", "AT", "--format", "md,csv"]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    proj = tmp_path / "project"
    proj.mkdir()
    monkeypatch.chdir(proj)
    return proj


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_report_out_through_dotdot_is_refused_unless_allowed(project: Path) -> None:
    r = run(*REPORT[:2], *REPORT[2:], "--out", "../elsewhere")
    assert r.exit_code == 2, r.output
    assert "--out ../elsewhere: leads outside the current directory" in r.stderr
    assert not (project.parent / "elsewhere").exists()
    ok = run("--allow-outside", *REPORT, "--out", "../elsewhere")
    assert ok.exit_code == 0, ok.output
    assert (project.parent / "elsewhere" / "AT-year-1975-1991.md").is_file()


def test_report_out_through_a_symlink_is_refused_and_an_absolute_path_is_explicit(project: Path) -> None:
    outside = project.parent / "outside"
    outside.mkdir()
    (project / "link").symlink_to(outside)
    r = run(*REPORT, "--out", "link/reports")
    assert r.exit_code == 2 and "leads outside the current directory" in r.stderr
    assert not list(outside.iterdir())
    ok = run(*REPORT, "--out", str(outside / "reports"))
    assert ok.exit_code == 0, ok.output


def test_reports_overwrite_only_their_own_files(project: Path) -> None:
    first = run(*REPORT, "--out", "reports")
    assert first.exit_code == 0, first.output
    again = run(*REPORT, "--out", "reports")  # our own files: replaced
    assert again.exit_code == 0, again.output
    mine = project / "reports" / "AT-year-1975-1991.md"
    mine.write_text("# my notes, not a report\n")
    before = {p.name: p.read_bytes() for p in (project / "reports").iterdir()}
    r = run(*REPORT, "--out", "reports")
    assert r.exit_code == 2
    assert "refusing to overwrite" in r.stderr and "AT-year-1975-1991.md" in r.stderr
    assert {p.name: p.read_bytes() for p in (project / "reports").iterdir()} == before  # nothing written


def test_a_symlink_in_place_of_a_report_is_not_followed(project: Path) -> None:
    target = project.parent / "precious.csv"
    target.write_text("state,period,period_start,period_end,commitment,\n")
    (project / "reports").mkdir()
    (project / "reports" / "AT-year-1975-1991.csv").symlink_to(target)
    r = run(*REPORT, "--out", "reports")
    assert r.exit_code == 2 and "refusing to overwrite" in r.stderr
    assert target.read_text() == "state,period,period_start,period_end,commitment,\n"


def test_file_inputs_and_schema_outputs_follow_the_same_rule(project: Path) -> None:
    (project.parent / "new.yaml").write_text("observations: []\n")
    r = run("--data", str(REPO), "observe", "add", "--file", "../new.yaml")
    assert r.exit_code == 2 and "--file ../new.yaml: leads outside" in r.stderr
    r = run("--data", str(REPO), "observe", "import", "../new.yaml")
    assert r.exit_code == 2 and "FILE ../new.yaml: leads outside" in r.stderr
    r = run("schema", "--markdown", "../ref.md")
    assert r.exit_code == 2 and not (project.parent / "ref.md").exists()
    r = run("schema", "--out", "schemas")
    assert r.exit_code == 0 and (project / "schemas" / "observations.schema.json").is_file()

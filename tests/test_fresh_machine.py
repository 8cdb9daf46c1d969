"""What a newcomer's fresh machine needs: the README's two commands, and no test that borrows the base
interpreter's packages (a fresh machine's base Python has none of our dependencies)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import REPO

BORROW = "system_site_packages" + "=True"


def quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Quick start") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's quick start has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_no_test_borrows_the_base_interpreters_packages() -> None:
    offenders = [p.name for p in (REPO / "tests").rglob("*.py") if BORROW in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_the_quick_start_is_two_commands_runtime_then_tests() -> None:
    first, second = quick_start()
    assert "python3 -m venv .venv" in first and "-c constraints.txt -e . " in first
    assert "helsinki-compliance scorecard" in first and "[" not in first  # the runtime alone: no extras
    assert second.startswith(". .venv/bin/activate") and '-e ".[test]"' in second
    assert second.endswith("python -m pytest")


def test_ci_runs_the_readme_commands_as_written(tmp_path: Path) -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    extract = re.search(r"mapfile -t commands < <\((awk .*?)\)\n", ci)
    assert extract, ".ci/run no longer reads the quick start from the README"
    out = subprocess.run(["bash", "-c", extract.group(1)], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == quick_start()
    assert "/usr/bin/python3" in ci and "none of the project's dependencies" in ci

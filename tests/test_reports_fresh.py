"""The committed reports in reports/ are what `helsinki-compliance report` writes now."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from helsinki_compliance.cli.main import main


@pytest.mark.slow
def test_committed_reports_are_not_stale(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    r = CliRunner().invoke(main, ["--data", str(REPO), "--quiet", "report", "--out", str(out)])
    assert r.exit_code == 0, r.output
    fresh = sorted(p.name for p in out.iterdir())
    committed = sorted(p.name for p in (REPO / "reports").iterdir() if p.is_file())
    assert fresh == committed, "run `helsinki-compliance report` and commit reports/"
    stale = [n for n in fresh if (out / n).read_bytes() != (REPO / "reports" / n).read_bytes()]
    assert not stale, f"stale reports (run `helsinki-compliance report`): {stale}"

"""The committed reports in reports/ are what `helsinki-compliance report` writes now."""

from __future__ import annotations

import re
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
    # hidden files (the manifest of what the tool wrote, which holds the charts' hashes) are not compared
    fresh = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    committed = sorted(p.name for p in (REPO / "reports").iterdir() if p.is_file() and not p.name.startswith("."))
    assert fresh == committed, "run `helsinki-compliance report` and commit reports/"
    stale = [n for n in fresh if comparable(out / n) != comparable(REPO / "reports" / n)]
    assert not stale, f"stale reports (run `helsinki-compliance report`): {stale}"


def comparable(path: Path) -> str:
    """What must match: every byte of Markdown, CSV and JSON; HTML with its SVG charts left out.

    The charts are drawn by matplotlib, whose SVG output changes between its releases; the data
    they show is in the data tables beside them, which are compared.
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"<svg\b.*?</svg>", "<svg/>", text, flags=re.S)
    return text


def test_html_comparison_ignores_only_the_charts(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text('<p>score 0.33</p><svg width="1"><path d="M0 0"/></svg>')
    b.write_text('<p>score 0.33</p><svg width="2"><path d="M1 1"/></svg>')
    assert comparable(a) == comparable(b)
    b.write_text('<p>score 0.00</p><svg width="1"><path d="M0 0"/></svg>')
    assert comparable(a) != comparable(b)


def test_the_committed_manifest_lets_report_regenerate_the_committed_reports(tmp_path: Path) -> None:
    """In a fresh clone, `helsinki-compliance report` may replace the committed reports (they are in the
    committed manifest), even after the data changed; a file that is not in it is still protected."""
    import json
    import shutil

    out = tmp_path / "reports"
    shutil.copytree(REPO / "reports", out)
    manifest = json.loads((out / ".helsinki-written.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {p.name for p in (REPO / "reports").iterdir() if not p.name.startswith(".")}
    (out / "SU-year-1975-1991.md").write_text("an older report\n", encoding="utf-8")
    manifest["files"]["SU-year-1975-1991.md"] = __import__("hashlib").sha256(b"an older report\n").hexdigest()
    (out / ".helsinki-written.json").write_text(json.dumps(manifest), encoding="utf-8")
    r = CliRunner().invoke(main, ["--data", str(REPO), "--quiet", "report", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "SU-year-1975-1991.md").read_bytes() == (REPO / "reports" / "SU-year-1975-1991.md").read_bytes()

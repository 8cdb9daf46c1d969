"""Fits a terminal (issue #22, item 6): the table scorecard's legend wraps at words to the width
($COLUMNS), and the Markdown scorecard fits 100 columns (split by decade, with a key)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from helsinki_compliance.cli.main import main
from helsinki_compliance.render.tables import LEGEND_ENTRIES

AS_OF = "1991-12-31"


def run(*args: str, columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns)} if columns else {}
    r = CliRunner().invoke(main, ["--data", str(REPO), *args], env=env)
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_the_table_legend_wraps_at_words_to_the_width(columns: int) -> None:
    out = run("scorecard", "--state", "SU", "--as-of", AS_OF, columns=columns)
    legend_start = next(i for i, ln in enumerate(out.splitlines()) if ln.startswith("C compliant"))
    legend = out.splitlines()[legend_start:]
    assert legend and all(len(ln) <= columns for ln in legend), legend
    totals = [ln for ln in out.splitlines() if "totals:" in ln or ln.startswith("    ")]
    assert all(len(ln) <= columns for ln in totals if "totals" in ln)
    # never broken inside an entry or a word: each legend entry stands whole on one line
    for entry in LEGEND_ENTRIES:
        assert any(entry in ln for ln in legend), (entry, legend)
    words = set(re.findall(r"[a-z]+", " ".join(legend)))
    assert {"insufficient", "evidence", "commitments", "observations", "sources"} <= words
    assert not any(w in words for w in ("insuffi", "eviden", "observa", "commitme"))


def test_the_table_is_unchanged_but_for_the_legend() -> None:
    wide = run("scorecard", "--state", "SU", "--as-of", AS_OF, columns=300).splitlines()
    narrow = run("scorecard", "--state", "SU", "--as-of", AS_OF, columns=60).splitlines()
    body = next(i for i, ln in enumerate(wide) if ln.startswith("  totals: "))
    assert wide[:body] == narrow[:body]


def _md_cells(md: str) -> dict[tuple[str, str], str]:
    """(commitment, period column) -> symbol, read back from every table of a Markdown scorecard."""
    cells: dict[tuple[str, str], str] = {}
    header: list[str] = []
    for ln in md.splitlines():
        if not ln.startswith("|") or ln.startswith("|---"):
            continue
        parts = [p.strip() for p in ln.strip("|").split("|")]
        if parts[0] == "commitment":
            header = parts[1:]
        elif parts[0].startswith("`"):
            for col, sym in zip(header, parts[1:], strict=True):
                cells[(parts[0].strip("`"), col)] = sym.replace("\\*", "*")
    return cells


def test_the_markdown_scorecard_fits_100_columns_split_by_decade_with_a_key() -> None:
    md = run("scorecard", "--state", "SU", "--format", "markdown", "--as-of", AS_OF)
    long = [ln for ln in md.splitlines() if len(ln) > 100]
    assert not long, f"{len(long)} lines over 100 characters, e.g. {long[0][:120]!r}"
    assert [ln for ln in md.splitlines() if ln.startswith("#### ")] == [
        "#### 1975–1979",
        "#### 1980–1989",
        "#### 1990–1991",
    ]
    assert "Columns: 75 = 1975" in md and "ie = insufficient evidence" in md
    # nothing lost: every cell of the scorecard is in one of the tables
    card = json.loads(run("scorecard", "--state", "SU", "--format", "json", "--as-of", AS_OF))
    symbols = {"compliant": "C", "partial": "P", "violation": "V", "not-assessed": ".", "not-in-force": "-"}
    want = {
        (c["commitment"], c["period"][2:]): symbols[c["status"]] + ("*" if c.get("assessment") else "")
        for c in card["cells"]
    }
    assert _md_cells(md) == want


def test_markdown_of_other_periods_fits_too() -> None:
    md = run(
        "scorecard", "--state", "SU", "--state", "PL", "--period", "quarter", "--from", "1985", "--to", "1989",
        "--format", "markdown", "--as-of", AS_OF,
    )  # fmt: skip
    assert max(len(ln) for ln in md.splitlines()) <= 100
    assert md.count("| commitment |") >= 4  # 20 quarters cannot stand in one table


def test_the_markdown_reports_scorecards_fit_100_columns(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        main,
        ["--data", str(REPO), "report", "--state", "SU", "--state", "PL", "--format", "md", "--out", str(tmp_path)],
    )
    assert r.exit_code == 0, r.output
    state = (tmp_path / "SU-year-1975-1991.md").read_text(encoding="utf-8")
    scorecard = state[state.index("## Scorecard") : state.index("## What got better")]
    assert max(len(ln) for ln in scorecard.splitlines()) <= 100
    overview = (tmp_path / "overview-year-1975-1991.md").read_text(encoding="utf-8")
    end = min(i for i in (overview.find("## Goals"), overview.find("Legend:")) if i > 0)
    tables = overview[overview.index("## Overall score per state") : end]
    assert max(len(ln) for ln in tables.splitlines()) <= 100
    assert "| Soviet Union (SU) |" in tables

"""Method 3, point 1 (issue #23): a scoring horizon. A standing condition last confirmed more than
8 years before the end of a period no longer scores; it is listed as too old to score."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import REPO, jam, jamming_goal_set, make_data, obs
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine import goals
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.sql_engine import DuckDBBackend, SqlEvaluator
from helsinki_compliance.engine.staleness import HORIZON_YEARS

AS_OF = date(1991, 12, 31)


def _card(root: Path, rows: list[dict[str, Any]], first: int = 1976, last: int = 1991) -> Any:
    corpus = hc.load(make_data(root, rows))
    return corpus, hc.scorecard(corpus, states=["SU"], period="year", first=first, last=last, as_of=AS_OF)


def test_a_condition_beyond_the_horizon_is_listed_not_scored(tmp_path: Path) -> None:
    assert HORIZON_YEARS == 8
    corpus, card = _card(tmp_path / "a", [jam("j", "1975-08", "voa", True)])
    # within the horizon: scored (stale from five years, confidence halved)
    assert card.cell("SU", "t.broadcast", "1982").status == "violation"
    assert card.cell("SU", "t.broadcast", "1982").findings[0].age == "stale"
    # beyond it (1975-08 is more than 8 years before 1983-12-31): too old, the cell is not assessed
    cell = card.cell("SU", "t.broadcast", "1983")
    assert cell.status == "not-assessed" and cell.score is None and not cell.findings
    assert cell.too_old[0].age == "too-old" and cell.too_old[0].weight == 0
    assert "last known 1975-08 (src, p. 1) — too old to score" in cell.too_old[0].detail
    # explain shows it, marked as not scored
    r = CliRunner().invoke(
        main,
        [
            "--data",
            str(tmp_path / "a"),
            "explain",
            "t.broadcast",
            "--state",
            "SU",
            "--period",
            "1983",
            "--as-of",
            "1991",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "not scored (beyond the 8-year horizon)" in r.output and "too old to score" in r.output
    assert "Only evidence older than the scoring horizon" in r.output


def test_a_fresher_finding_decides_and_the_old_one_is_shown(tmp_path: Path) -> None:
    rows = [jam("old", "1975-08", "rferl", True), jam("voa-end", "1986-05", "voa", False)]
    _, card = _card(tmp_path / "b", rows, first=1987, last=1987)
    cell = card.cell("SU", "t.broadcast", "1987")
    # before method 3: (3 x 0 [very stale: 1.5] + 3 x 1) = 0.67 partial; now only the fresh end of VOA jamming counts
    assert cell.status == "compliant" and [f.subject for f in cell.too_old] == ["rferl"]


def test_the_sql_engine_equals_the_reference_beyond_the_horizon(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    rows = [jam("old", "1975-08", "rferl", True), jam("voa-end", "1986-05", "voa", False)]
    rows.append(obs("ban", "1976-03", "censorship", tags=["radio"]))
    corpus = hc.load(make_data(tmp_path / "c", rows))
    periods = hc.api.periods(corpus, "year", 1975, 1991)
    ref = Evaluator(corpus).scorecard(["SU"], periods, AS_OF)
    got = SqlEvaluator(corpus, DuckDBBackend()).scorecard(["SU"], periods, AS_OF)
    assert got.cells == ref.cells and got.groups == ref.groups
    assert ref.cell("SU", "t.broadcast", "1988").too_old


def test_goals_do_not_score_a_condition_beyond_the_horizon(tmp_path: Path) -> None:
    goal_set = jamming_goal_set()
    corpus = hc.load(make_data(tmp_path / "g", [jam("j", "1975-08", "voa", True)], extra={"goals/g.yaml": goal_set}))
    g = goals.track(corpus, "g", as_of=date(1987, 12, 31))["goals"][0]
    # the 1975 report is too old to be the baseline of 1985 or the state of 1987: nothing to judge
    assert g["baseline"]["progress"] is None and g["verdict"] == "not-assessed"
    assert "too old to score" in g["baseline"]["detail"]


# ---------------------------------------------------------------- the named examples, bundled corpus


@pytest.fixture(scope="module")
def bundled() -> hc.Corpus:
    return hc.load(REPO)


def test_dienstbier_and_the_1980_letter_no_longer_decide_czechoslovakia_1990(bundled: hc.Corpus) -> None:
    e = hc.api.explain(bundled, "hfa.p7.human-rights", state="CS", period="1990", as_of=AS_OF)
    scored = {o for r in e["rules"] for f in r["findings"] if f["scored"] for o in f["observations"]}
    shown = {o for r in e["rules"] for f in r["findings"] if not f["scored"] for o in f["observations"]}
    # neither 1980 report scores (since the record of 1988-91 was added, they are also ended by later reports);
    # the 1977/1982 report of harassment is listed as too old to score
    for oid in ("rec.cs.dienstbier-imprisoned-1980", "rec.cs.amnesty-1980-excludes-political"):
        assert oid not in scored
    assert "rec.cs.charter77-vons-repression-1977-1982" in shown
    assert "rec.cs.charter77-vons-repression-1977-1982" not in scored


def test_1975_jamming_does_not_decide_the_1986_and_1987_broadcast_cells(bundled: hc.Corpus) -> None:
    card = hc.scorecard(bundled, states=["SU"], period="year", first=1986, last=1987, as_of=AS_OF)
    for year in ("1986", "1987"):
        cell = card.cell("SU", "hfa.b3.info.broadcast", year)
        assert "mhg.western-radio-jammed-1975" not in cell.observations
        assert any("mhg.western-radio-jammed-1975" in f.observations for f in cell.too_old)


def test_no_warsaw_pact_cell_rests_only_on_evidence_a_decade_older(bundled: hc.Corpus) -> None:
    """Issue #23 counted 83 scored findings resting only on evidence more than 10 years older than their period."""
    states = ["SU", "PL", "CS", "HU", "DD", "BG", "RO"]
    card = hc.scorecard(bundled, states=states, period="year", first=1975, last=1991, as_of=AS_OF, bands=False)
    by_id = {o.id: o for o in bundled.observations}
    old = [
        (k, f.rule)
        for k, cell in card.cells.items()
        for f in cell.findings
        if f.observations and max(by_id[o].date.end.year for o in f.observations) < int(k[2]) - 10
    ]
    assert old == []

"""Method 3, point 8 (issue #23): one clock. Every command and report defaults to the same as-of
date (the corpus's clock: the day its latest evidence became known) and prints it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import make_data, obs
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine.staleness import corpus_clock

ROWS = [
    obs("c1", "1986-04", "censorship", tags=["radio"]),
    obs("c2", "1987-02", "censorship", tags=["radio"], known_by="1989-03"),
]


def test_the_clock_is_the_latest_known_date_never_after_today(tmp_path: Path) -> None:
    corpus = hc.load(make_data(tmp_path / "a", ROWS))
    assert hc.api.default_as_of(corpus) == date(1989, 3, 31)
    assert corpus_clock(corpus.observations, today=date(1988, 1, 1)) == date(1988, 1, 1)
    assert corpus_clock([], today=date(2001, 2, 3)) == date(2001, 2, 3)


def test_scorecard_report_explain_and_goals_share_the_default_and_print_it(tmp_path: Path) -> None:
    root = make_data(tmp_path / "b", ROWS)
    run = CliRunner().invoke
    sc = run(
        main, ["--data", str(root), "scorecard", "--state", "SU", "--from", "1986", "--to", "1990", "--format", "json"]
    )
    assert sc.exit_code == 0, sc.output
    assert json.loads(sc.output)["as_of"] == "1989-03-31"
    # 1989 contains the clock: partial; 1990 begins after it: not yet
    periods = {p["id"]: p for p in json.loads(sc.output)["periods"]}
    assert periods["1989"]["partial_period"] and periods["1990"]["not_yet"]
    table = run(main, ["--data", str(root), "scorecard", "--state", "SU", "--from", "1986", "--to", "1988"])
    assert "scorecard as of 1989-03-31" in table.output
    csv_out = run(
        main, ["--data", str(root), "scorecard", "--state", "SU", "--from", "1986", "--to", "1988", "--format", "csv"]
    )
    header, first = csv_out.output.splitlines()[:2]
    assert "as_of" in header.split(",") and "1989-03-31" in first.split(",")
    md = run(
        main,
        ["--data", str(root), "scorecard", "--state", "SU", "--from", "1986", "--to", "1988", "--format", "markdown"],
    )
    assert "as of 1989-03-31" in md.output
    ex = run(
        main, ["--data", str(root), "explain", "t.broadcast", "--state", "SU", "--period", "1987", "--format", "json"]
    )
    assert json.loads(ex.output)["as_of"] == "1989-03-31"
    out = tmp_path / "out"
    rep = run(
        main, ["--data", str(root), "report", "--state", "SU", "--from", "1986", "--to", "1988", "--out", str(out)]
    )
    assert rep.exit_code == 0, rep.output
    assert "(as of 1989-03-31)" in rep.output
    data = json.loads((out / "SU-year-1986-1988.json").read_text())
    assert data["scorecard"]["as_of"] == "1989-03-31"
    assert "1989-03-31" in (out / "SU-year-1986-1988.md").read_text()
    assert "1989-03-31" in (out / "SU-year-1986-1988.html").read_text()
    # the quick start and the report give the same number
    sc_card = json.loads(sc.output)
    overall = {g["period"]: g["raw_score"] for g in sc_card["groups"] if g["group"] == "overall"}
    rep_overall = {g["period"]: g["raw_score"] for g in data["scorecard"]["groups"] if g["group"] == "overall"}
    assert all(overall[p] == rep_overall[p] for p in rep_overall)

"""Method 3, point 9 (issue #23): goals 3. "No change" needs recent evidence that the condition
persists, else "no evidence since DATE"; "met" needs corroboration; the timeline gives two readings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import REPO, jamming_goal_set, make_data
from conftest import jam as conftest_jam
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine import goals

GOAL_SET = jamming_goal_set()
WEAK = {
    "sources": [{"id": "weak", "title": "W", "author": "W", "date": "1990", "kind": "press", "reliability": "medium"}]
}


def jam(oid: str, date_: str, in_effect: bool, **kw: Any) -> dict[str, Any]:
    return conftest_jam(oid, date_, "voa", in_effect, **kw)


def _goal(root: Path, rows: list[dict[str, Any]], at: date) -> dict[str, Any]:
    corpus = hc.load(make_data(root, rows, extra={"goals/g.yaml": GOAL_SET, "observations/weak.yaml": WEAK}))
    return goals.track(corpus, "g", as_of=at)["goals"][0]


def test_no_change_needs_recent_evidence_that_the_condition_persists(tmp_path: Path) -> None:
    rows = [jam("j85", "1985-06", True)]
    # 1986: reported in 1985, within two years: no change
    assert _goal(tmp_path / "a", rows, date(1986, 12, 31))["verdict"] == "no-change"
    # 1988: the only evidence is of 1985: no evidence since
    g = _goal(tmp_path / "b", rows, date(1988, 12, 31))
    assert g["verdict"] == "no-evidence-since" and g["no_evidence_since"] == "1985-06-30"
    assert goals.verdict_text(g) == "no evidence since 1985-06-30"
    # a fresh confirmation restores "no change"
    g = _goal(tmp_path / "c", [*rows, jam("j88", "1988-05", True)], date(1988, 12, 31))
    assert g["verdict"] == "no-change"


def test_met_needs_corroboration(tmp_path: Path) -> None:
    base = [jam("j85", "1985-06", True)]
    # one medium-confidence report from a medium source: not corroborated
    one = _goal(
        tmp_path / "a", [*base, jam("end", "1988-03", False, source="weak", confidence="medium")], date(1988, 12, 31)
    )
    assert one["verdict"] == "significant-progress" and one["uncorroborated"] is True
    assert one["current"]["progress"] < 1
    # two independent sources: met
    two = [
        *base,
        jam("end", "1988-03", False, source="weak", confidence="medium"),
        jam("end2", "1988-04", False, confidence="medium"),
    ]
    assert _goal(tmp_path / "b", two, date(1988, 12, 31))["verdict"] == "met"
    # one high-confidence report of a high-reliability source: met
    assert _goal(tmp_path / "c", [*base, jam("end", "1988-03", False)], date(1988, 12, 31))["verdict"] == "met"


def test_the_timeline_offers_both_readings(tmp_path: Path) -> None:
    # the end of jamming in 1987 is first reported in 1990 (known_by): at the end of 1988 nobody knew it
    rows = [jam("j85", "1985-06", True), jam("j87", "1987-02", True), jam("end", "1988-03", False, known_by="1990-02")]
    root = make_data(tmp_path / "t", rows, extra={"goals/g.yaml": GOAL_SET, "observations/weak.yaml": WEAK})
    corpus = hc.load(root)
    t = goals.timeline(corpus, hc.api.periods(corpus, "year", 1988, 1988), "g", as_of=date(1991, 12, 31))
    row = t["timeline"][0]
    assert row["verdicts"]["jamming"] == "no-change"  # as known at the end of 1988
    assert row["hindsight"]["verdicts"]["jamming"] == "met"  # as known on 1991-12-31
    assert t["readings"]["hindsight"] == "as known on 1991-12-31 (hindsight)"
    r = CliRunner().invoke(
        main, ["--data", str(root), "goals", "--goal-set", "g", "--timeline", "1988:1988", "--as-of", "1991-12-31"]
    )
    assert r.exit_code == 0, r.output
    assert "as known at each period's end" in r.output and "as known on 1991-12-31 (hindsight)" in r.output


# ---------------------------------------------------------------- the named examples, bundled corpus


@pytest.fixture(scope="module")
def timeline() -> dict[str, Any]:
    corpus = hc.load(REPO)
    return goals.timeline(corpus, hc.api.periods(corpus, "year", 1987, 1991), "schifter-1987", as_of=date(1991, 12, 31))


def test_goals_without_evidence_since_1987_no_longer_read_no_change(timeline: dict[str, Any]) -> None:
    v1991 = timeline["timeline"][-1]["verdicts"]
    # foreign-literature left this list when the record gained a 1988-1990 report of religious
    # books imported (rec.carried.su-religious-books-import-permitted-1988-90; tests/test_carried_1989_91.py)
    for gid in ("divided-families", "emigration-decree"):
        assert v1991[gid] == "no-evidence-since", gid


def test_secret_police_met_on_one_medium_sentence_is_not_met(timeline: dict[str, Any]) -> None:
    assert timeline["timeline"][-1]["verdicts"]["secret-police-privacy"] != "met"


def test_the_memo_still_reads_as_it_did(tmp_path: Path) -> None:
    corpus = hc.load(REPO)
    t = goals.track(corpus, "schifter-1987", as_of=date(1987, 12, 31))
    assert "no-evidence-since" not in {g["verdict"] for g in t["goals"]}

"""Issue #24: the Soviet, East German and Romanian cells of 1989-1991 read dated evidence of
whether the conditions of the 1980s persisted, not only conditions carried from 1986-1988
(observations/record/carried-1989-91.yaml)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import helsinki_compliance as hc
from conftest import REPO
from helsinki_compliance.engine import goals

AS_OF = date(1991, 12, 31)


@pytest.fixture(scope="module")
def corpus() -> Any:
    return hc.load(REPO)


def _finding(corpus: Any, commitment: str, state: str, period: str, rule: str) -> dict[str, Any]:
    cell = hc.api.explain(corpus, commitment, state=state, period=period, as_of=AS_OF)
    rules = {r["id"]: r for r in cell["rules"]}
    (found,) = rules[rule]["findings"]
    return dict(found)


def test_soviet_emigration_restriction_of_1986_no_longer_decides_1990(corpus: Any) -> None:
    f = _finding(corpus, "hfa.b3.hc.family-reunification", "SU", "1990", "emigration-restricted")
    assert f["status"] == "compliant"
    assert "rec.su86.emigration-decree-codifies-restrictions-1986-12" not in f["observations"]


def test_divided_families_rest_on_the_1989_list_not_the_1987_memo(corpus: Any) -> None:
    f = _finding(corpus, "hfa.b3.hc.family-reunification", "SU", "1990", "divided-families")
    assert f["status"] == "violation"
    assert f["observations"] == ["rec.carried.su-divided-families-two-dozen-1989-05"]


def test_gdr_exit_rules_of_november_1989_end_the_emigration_restriction(corpus: Any) -> None:
    f = _finding(corpus, "vienna.leave-and-return", "DD", "1990", "emigration-restricted")
    assert f["status"] == "compliant"


def test_the_us_prisoner_list_is_an_allegation_and_does_not_score(corpus: Any) -> None:
    f = _finding(corpus, "hfa.p7.human-rights", "SU", "1990", "political-imprisonment")
    assert "rec.carried.su-us-lists-political-prisoners-1989-05" not in f["observations"]


def test_foreign_literature_goal_reads_the_religious_books_report(corpus: Any) -> None:
    t = goals.timeline(corpus, hc.api.periods(corpus, "year", 1987, 1991), "schifter-1987", as_of=date(1991, 12, 31))
    assert t["timeline"][-1]["verdicts"]["foreign-literature"] != "no-evidence-since"

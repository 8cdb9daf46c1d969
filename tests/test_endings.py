"""Method 3, points 2 and 3: a condition ends for a reason, and an ending can apply to every subject.

The effect of each reason is data (``endings:`` in commitments/vocabulary.yaml); docs/scoring.md,
"Endings with a reason" and "Endings for everyone", gives the table and worked examples.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import make_data, obs, prisoner_cases, prisoners_commitment
from helsinki_compliance import api
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine.evaluation import Evaluator, Scorecard
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import parse_period

AS_OF = date(1995, 12, 31)

PRISONERS = prisoners_commitment(
    {
        "id": "held",
        "kind": "standing",
        "condition": "imprisonment",
        "while_in_effect": "violation",
        "when_ended": "compliant",
        "severity": "moderate",
    },
)
CASES = prisoner_cases("abcx")


def held(oid: str, day: str, subject: str, **extra: Any) -> dict[str, Any]:
    return obs(
        oid, day, "sentence", standing={"condition": "imprisonment", "subject": subject, "in_effect": True}, **extra
    )


def ended(oid: str, day: str, subject: str | None, ended_by: str | None, **standing: Any) -> dict[str, Any]:
    st: dict[str, Any] = {"condition": "imprisonment", "in_effect": False, **standing}
    if subject is not None:
        st["subject"] = subject
    if ended_by is not None:
        st["ended_by"] = ended_by
    return obs(oid, day, "release", standing=st)


def corpus_of(tmp_path: Path, rows: list[dict[str, Any]]) -> Corpus:
    return hc.load(make_data(tmp_path / "d", rows, [PRISONERS], extra=CASES))


def card(corpus: Corpus, first: int = 1980, last: int = 1990) -> Scorecard:
    return Evaluator(corpus).scorecard(["SU"], api.periods(corpus, "year", first, last), AS_OF)


def findings(sc: Scorecard, year: int, subject: str) -> list[tuple[str, str]]:
    cell = sc.cell("SU", "t.prisoners", str(year))
    return [(f.status, f.severity) for f in cell.findings if f.subject == subject]


# ---------------------------------------------------------------- point 2: endings with a reason


@pytest.mark.parametrize(
    ("reason", "in_its_year", "later"),
    [
        (None, [("partial", "moderate")], [("compliant", "moderate")]),  # old data: counts as a release
        ("released", [("partial", "moderate")], [("compliant", "moderate")]),
        ("pardoned-after-recantation", [("partial", "moderate")], [("partial", "moderate")]),
        ("sentence-served", [("violation", "moderate")], []),
        ("died-in-custody", [("violation", "serious")], []),
        ("expelled-abroad", [("violation", "serious")], []),
        ("exiled-abroad", [("violation", "serious")], []),
    ],
)
def test_each_reason_has_its_effect(tmp_path: Path, reason: str | None, in_its_year: Any, later: Any) -> None:
    sc = card(corpus_of(tmp_path, [held("h", "1980", "x"), ended("e", "1983-05", "x", reason)]))
    assert findings(sc, 1982, "x") == [("violation", "moderate")]
    assert findings(sc, 1983, "x") == in_its_year
    assert findings(sc, 1984, "x") == later
    assert findings(sc, 1989, "x") == later


def test_a_death_in_custody_is_never_a_compliant_ending(tmp_path: Path) -> None:
    sc = card(corpus_of(tmp_path, [held("h", "1980", "x"), ended("e", "1985-09", "x", "died-in-custody")]))
    statuses = {f.status for y in range(1985, 1991) for f in sc.cell("SU", "t.prisoners", str(y)).findings}
    assert statuses == {"violation"}
    cell = sc.cell("SU", "t.prisoners", "1985")
    assert "died-in-custody" in cell.findings[0].detail and "effect: violation" in cell.findings[0].detail
    assert sc.cell("SU", "t.prisoners", "1986").status == "not-assessed"  # not freed: no finding


def test_goals_read_the_reason_too(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, [held("h", "1980", "x"), ended("e", "1985-09", "x", "died-in-custody")])
    ev = Evaluator(corpus)
    c = corpus.commitments["t.prisoners"]
    # a snapshot (the goals' reading): the state at the window's end
    snap = ev.findings(c, "SU", date(1985, 1, 1), date(1985, 12, 31), AS_OF, date(1975, 8, 1), snapshot=True)
    assert [(f.status, f.severity) for f in snap] == [("violation", "serious")]
    later = ev.findings(c, "SU", date(1990, 1, 1), date(1990, 12, 31), AS_OF, date(1975, 8, 1), snapshot=True)
    assert later == []


def test_validate_warns_when_a_persons_condition_ends_without_a_reason(tmp_path: Path) -> None:
    corpus = corpus_of(
        tmp_path, [held("h", "1980", "x"), ended("e", "1983", "x", None), ended("f", "1984", "a", "released")]
    )
    warned = [str(w) for w in corpus.warnings if "ended_by" in str(w)]
    assert len(warned) == 1 and "imprisonment of x ends without ended_by" in warned[0]


def test_observe_add_accepts_ended_by(tmp_path: Path) -> None:
    root = make_data(tmp_path / "q", [held("h", "1980", "x")], [PRISONERS], extra=CASES)
    args = ["--state", "SU", "--date", "1985-09-04", "--dated-by", "4 September 1985", "--kind", "release"]
    args += ["--standing", "imprisonment", "--subject", "x", "--ended-by", "died-in-custody", "--source", "src"]
    args += ["--locator", "p. 2", "--quote", "he died in the camp", "--confidence", "high"]
    r = CliRunner().invoke(main, ["--data", str(root), "observe", "add", *args])
    assert r.exit_code == 0, r.output
    (new,) = [o for o in hc.load(root).observations if o.date.text == "1985-09-04"]
    assert new.standing is not None and not new.standing.in_effect and new.standing.ended_by == "died-in-custody"


# ---------------------------------------------------------------- point 3: endings for everyone


def amnesty_corpus(tmp_path: Path) -> Corpus:
    rows = [
        held("ha", "1980", "a"),
        held("hb", "1984", "b"),
        held("hc", "1988-05", "c"),  # imprisoned after the amnesty: not touched by it
        ended("ex", "1982", "x", "released"),
        held("hx", "1978", "x"),  # x was already free at the amnesty
        {**ended("amnesty", "1987-02", None, "amnesty", all_subjects=True), "kind": "pardon"},
    ]
    return corpus_of(tmp_path, rows)


def test_an_ending_for_every_subject_closes_those_in_effect_then(tmp_path: Path) -> None:
    sc = card(amnesty_corpus(tmp_path))
    for s in ("a", "b"):
        assert findings(sc, 1986, s) == [("violation", "moderate")]
        assert findings(sc, 1987, s) == [("partial", "moderate")]
        assert findings(sc, 1988, s) == [("compliant", "moderate")]
    assert findings(sc, 1988, "c") == [("violation", "moderate")]
    assert findings(sc, 1989, "c") == [("violation", "moderate")]
    assert findings(sc, 1988, "x") == [("compliant", "moderate")]
    f = next(f for f in sc.cell("SU", "t.prisoners", "1987").findings if f.subject == "a")
    assert "amnesty" in f.observations and "for every subject by amnesty" in f.detail


def test_explain_lists_the_cases_an_ending_for_everyone_closed(tmp_path: Path) -> None:
    corpus = amnesty_corpus(tmp_path)
    e = api.explain(corpus, "t.prisoners", state="SU", period="1987", as_of=AS_OF)
    (g,) = e["general_endings"]
    assert g["id"] == "amnesty" and g["ended_by"] == "amnesty"
    assert [c["subject"] for c in g["closed"]] == ["a", "b"]
    from helsinki_compliance.engine.explain import render_text

    assert "it closed 2: Prisoner A [a], Prisoner B [b]" in render_text(e)


def test_an_ending_for_everyone_is_not_known_before_its_own_date(tmp_path: Path) -> None:
    corpus = amnesty_corpus(tmp_path)
    sc = Evaluator(corpus).scorecard(["SU"], [parse_period("1987", {})], date(1987, 1, 31))
    assert findings(sc, 1987, "a") == findings(sc, 1987, "b") == [("violation", "moderate")]


def test_the_sql_engine_agrees_on_endings(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    from helsinki_compliance.engine.sql_engine import DuckDBBackend, SqlEvaluator

    rows = [
        held("ha", "1980", "a"),
        held("hb", "1984", "b"),
        ended("eb", "1986-03", "b", "died-in-custody"),
        {**ended("amnesty", "1987-02", None, "amnesty", all_subjects=True), "kind": "pardon"},
        held("hc", "1988-05", "c"),
        ended("ec", "1989-05", "c", "expelled-abroad"),
    ]
    corpus = corpus_of(tmp_path, rows)
    periods = api.periods(corpus, "year", 1980, 1991)
    ref = Evaluator(corpus).scorecard(["SU"], periods, AS_OF)
    got = SqlEvaluator(corpus, DuckDBBackend()).scorecard(["SU"], periods, AS_OF)
    assert json.dumps(got.to_dict(corpus), sort_keys=True) == json.dumps(ref.to_dict(corpus), sort_keys=True)
    assert findings(ref, 1986, "b") == [("violation", "serious")]


# ---------------------------------------------------------------- the bundled corpus: Vasyl Stus died in a Perm camp in 1985


def test_stus_death_in_custody_is_a_violation_and_never_freed_him() -> None:
    corpus = hc.load()
    found: dict[str, list[tuple[str, str]]] = {}
    for year in ("1985", "1986", "1991"):
        e = api.explain(corpus, "hfa.p7.human-rights", state="SU", period=year, as_of=date(1991, 12, 31))
        found[year] = [
            (f["status"], f["severity"]) for r in e["rules"] for f in r["findings"] if f["subject"] == "stus"
        ]
    assert found == {"1985": [("violation", "serious")], "1986": [], "1991": []}

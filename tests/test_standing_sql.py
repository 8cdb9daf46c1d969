"""Standing rules compiled to SQL (issue #25 item 2): the SQL engines select what each standing rule reads of each
timeline (engine/sql/standing.py) and build the finding with the reference's builder, so the findings are equal.

A small corpus holds each case the selection has to get right: a range that covers later periods, a ``since``,
an ending with each effect and an ending for every subject, claims (read only by a rule with ``include_claims``)
and beliefs (read by none), an observation known only years after it happened, a rule limited to some subjects,
and tags (``tags_any``, ``tags_all``; a tag known only later). Every case is checked to occur in the reference's
findings, so that a wrong selection shows as a difference.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from typing import Any

import pytest

import helsinki_compliance as hc
from conftest import make_data, obs, prisoner_cases, prisoners_commitment
from helsinki_compliance import api
from helsinki_compliance.engine.evaluation import Evaluator, Scorecard
from helsinki_compliance.engine.kinds.standing import Selection, select, standing_findings
from helsinki_compliance.engine.rules import Window
from helsinki_compliance.engine.sql_engine import DuckDBBackend, SparkBackend, SqlEvaluator
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import Period

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")


def _rule(rid: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "kind": "standing",
        "condition": "imprisonment",
        "while_in_effect": "violation",
        "when_ended": "compliant",
        "severity": "moderate",
        **extra,
    }


COMMITMENT = prisoners_commitment(
    _rule("held"),
    _rule("claims", include_claims=True, severity="minor"),
    _rule("some", subjects=["b", "d", "nobody"], when_ended=None),
    _rule("monitors", tags_any=["monitor", "forced"]),
    _rule("both-tags", tags_all=["monitor", "national-minority"], while_in_effect="partial"),
)
SUBJECTS = "abcdefghk"
CASES = prisoner_cases(SUBJECTS)


def held(oid: str, day: str, subject: str, **extra: Any) -> dict[str, Any]:
    standing = {"condition": "imprisonment", "subject": subject, "in_effect": True, **extra.pop("standing", {})}
    return obs(oid, day, "sentence", standing=standing, **extra)


def ended(oid: str, day: str, subject: str | None, ended_by: str | None, **extra: Any) -> dict[str, Any]:
    st: dict[str, Any] = {"condition": "imprisonment", "in_effect": False, **extra.pop("standing", {})}
    if subject is not None:
        st["subject"] = subject
    if ended_by is not None:
        st["ended_by"] = ended_by
    return obs(oid, day, "release", standing=st, **extra)


ROWS = [
    # a: carried forward, released, imprisoned again, died in custody
    held("a1", "1976-03", "a", tags=["monitor"]),
    ended("a2", "1979-05", "a", "released"),
    held("a3", "1981", "a"),
    ended("a4", "1984-02", "a", "died-in-custody"),
    # b: a range covering several years, then a sentence served in full
    held("b1", "1977/1982", "b", confidence="medium"),
    held("b0", "1982", "b"),  # ends with b1 on the last day of 1982, after it in the timeline
    ended("b2", "1983-06", "b", "sentence-served"),
    # c: held since 1978 (``since``), reported in 1983; freed after a recantation
    held("c1", "1983-04", "c", standing={"since": "1978"}, tags=["national-minority"]),
    ended("c2", "1985-09", "c", "pardoned-after-recantation"),
    # d: a government claim that he was freed, a belief that he is still held, then facts
    held("d1", "1978", "d", tags=["monitor", "national-minority"]),
    ended("d2", "1980-01", "d", None, attribution={"type": "claim", "by": "Soviet government"}),
    held("d3", "1981", "d", attribution={"type": "belief", "by": "dissidents"}),
    ended("d4", "1986-07", "d", "expelled-abroad"),
    # e: an arrest in 1979 that became known only in 1986; known late, the tag too
    held("e1", "1979-02", "e", known_by="1986", tags=["forced"]),
    # f, g: in effect when a general amnesty comes in 1987; h imprisoned after it
    held("f1", "1980", "f"),
    held("g1", "1982/1984", "g"),
    {**ended("amn", "1987-02", None, "amnesty", standing={"all_subjects": True}, tags=["monitor"]), "kind": "pardon"},
    held("h1", "1988-05", "h", tags=["monitor"]),
    ended("h2", "1990-01-01", "h", "released"),  # ends on a period's first day
    # k: a range that ends in a period and began before it; an ending by a claim
    held("k1", "1984-10/1985-03", "k"),
    held("k0", "1986-06", "k", standing={"since": "1985-12-31"}),  # covers from the last day of 1985
    ended("k2", "1987-03", "k", "released", claim=True),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("standing") / "d"
    return hc.load(make_data(root, ROWS, [COMMITMENT], extra=CASES))


def _both(corpus: Corpus, periods: list[Period], as_of: date) -> tuple[Scorecard, Scorecard, SqlEvaluator]:
    ref = Evaluator(corpus).scorecard(["SU"], periods, as_of)
    ev = SqlEvaluator(corpus, DuckDBBackend())
    return ref, ev.scorecard(["SU"], periods, as_of), ev


def _same(corpus: Corpus, ref: Scorecard, got: Scorecard) -> None:
    for key, cell in ref.cells.items():
        assert got.cells[key] == cell, key
    assert got.groups == ref.groups
    assert json.dumps(got.to_dict(corpus), sort_keys=True) == json.dumps(ref.to_dict(corpus), sort_keys=True)


AS_OFS = [date(1980, 6, 30), date(1983, 12, 31), date(1985, 12, 31), date(1987, 1, 31), date(1995, 12, 31)]


@pytest.mark.parametrize("as_of", AS_OFS, ids=str)
@pytest.mark.parametrize("spec", ["year", "half", "review-meetings"])
def test_sql_selects_what_the_reference_selects(corpus: Corpus, spec: str, as_of: date) -> None:
    periods = api.periods(corpus, spec, 1976, 1991)
    ref, got, ev = _both(corpus, periods, as_of)
    _same(corpus, ref, got)
    assert ev.stats.reference_kinds == {"standing": 0} and ev.stats.reference_evaluations == 0
    assert ev.stats.sql_kinds == {"standing": len(COMMITMENT["rules"])}  # type: ignore[arg-type]


def _details(card: Scorecard, rule: str | None = None) -> list[str]:
    return [f.detail for c in card.cells.values() for f in c.findings + c.too_old if rule in (None, f.rule)]


def test_the_corpus_holds_every_case(corpus: Corpus) -> None:
    """The cases above are in the reference's findings (else the equality above would prove little)."""
    late = api.periods(corpus, "year", 1976, 1991)
    card = Evaluator(corpus).scorecard(["SU"], late, date(1995, 12, 31))
    halves = Evaluator(corpus).scorecard(["SU"], api.periods(corpus, "half", 1976, 1991), date(1995, 12, 31))
    text = "\n".join(_details(card) + _details(halves))
    for words in (
        "carried forward from an earlier observation",  # a1 into 1977
        "a standing condition over 1977-01-01..1982-12-31",  # b1 covers 1977-1981
        "a standing condition over 1978-01-01..1983-04-30",  # c1's since covers 1978-1982
        "a standing condition over 1985-12-31..1986-06-30",  # k0 in 1985
        "reported by a3 dated 1981, which ends in the period",  # in the second half of 1981
        "reported by b0 dated 1982, which ends in the period",  # b1 ends there too, not covering
        "imprisonment [h] was in effect and ended during the period",  # 1990: h1 before, h2 on 1 January
        "ended by died-in-custody",
        "ended by sentence-served",
        "ended by pardoned-after-recantation",
        "ended by expelled-abroad",
        "ended for every subject by amnesty",
        "not in effect (ended before the period",
    ):
        assert words in text, words
    claims, facts = _details(card, "claims"), _details(card, "held")
    assert any("[d] not in effect" in d for d in claims) and not any("[d] not in effect" in d for d in facts)
    # the amnesty's tag is not f's or g's: endings for every subject do not count for tags
    # the belief d3 is read by no rule; the claim d2 ended d's condition only for the rule that reads claims
    assert all("d3" not in f.observations for c in card.cells.values() for f in c.findings)
    assert {f.subject for c in card.cells.values() for f in c.findings if f.rule == "some"} == {"b", "d"}
    assert {f.subject for c in card.cells.values() for f in c.findings if f.rule == "monitors"} == {"a", "d", "e", "h"}
    assert {f.subject for c in card.cells.values() for f in c.findings if f.rule == "both-tags"} == {"d"}
    # e (arrested 1979) is known only from 1986: as of 1985 neither it nor its tag is known
    early = Evaluator(corpus).scorecard(["SU"], late, date(1985, 12, 31))
    assert not any(f.subject == "e" for c in early.cells.values() for f in c.findings)
    assert any(f.subject == "e" and f.rule == "monitors" for c in card.cells.values() for f in c.findings)


def test_the_reference_is_its_selection_then_the_shared_builder(corpus: Corpus) -> None:
    """The reference's findings are ``select`` on each timeline then ``standing_findings``; a selection with one
    event less gives another finding (the builder reads all of it)."""
    ev = Evaluator(corpus)
    evidence = ev.evidence("SU")
    commitment = corpus.commitments["t.prisoners"]
    rule = commitment.rules[0]
    period = api.periods(corpus, "year", 1984, 1984)[0]
    w = Window(evidence, period.start, period.end, date(1995, 12, 31), date(1975, 8, 1), commitment.id)
    selections = [s for t in evidence.by_condition["imprisonment"] if (s := select(rule, w, t)) is not None]
    found = standing_findings(rule, w, selections)
    assert found and found == ev.findings(commitment, "SU", w.start, w.end, w.as_of, w.in_force, rules=[rule])
    a = next(s for s in selections if s.subject == "a")
    assert a.ending and a.last_before is not None
    without = Selection(a.subject, a.last_before, (), a.covering)
    assert standing_findings(rule, w, [without]) != standing_findings(rule, w, [a])


@pytest.mark.slow
def test_spark_selects_what_the_reference_selects(corpus: Corpus) -> None:
    """The same query transpiled to Spark SQL (SQLGlot): tags (``UNNEST`` -> ``EXPLODE``), ``LEAD``, the joins."""
    pytest.importorskip("sqlglot")
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Spark equality test: install Java (default-jre-headless)")
        pytest.skip("Java is not installed (outside CI)")
    periods = api.periods(corpus, "half", 1976, 1991)
    for as_of in (date(1985, 12, 31), date(1995, 12, 31)):
        ref = Evaluator(corpus).scorecard(["SU"], periods, as_of)
        ev = SqlEvaluator(corpus, SparkBackend("local[2]"))
        _same(corpus, ref, ev.scorecard(["SU"], periods, as_of))
        assert ev.stats.reference_kinds == {"standing": 0} and ev.stats.reference_evaluations == 0

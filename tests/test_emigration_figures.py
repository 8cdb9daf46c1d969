"""Method 3, point 6: figures that count (docs/scoring.md, "Figures that count").

Each fact counts once in a sum or a latest; a figure inside another figure's span is part of it; a
partial series stands as a lower bound of the total; the emigration rules band a year's figure
against the state's own highest yearly figure of the ten years before. Every engine agrees."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import helsinki_compliance as hc
from conftest import make_data, obs
from helsinki_compliance import api
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.model.corpus import Corpus

AS_OF = date(1995, 12, 31)


def rule(**extra: Any) -> dict[str, Any]:
    return {
        "id": "t.figures",
        "instrument": "hfa-1975",
        "section": "Basket III, 1(b)",
        "title": "Emigration",
        "summary": "States undertook to deal favourably with applications to emigrate.",
        "basket": "III",
        "chapter": "1. Human contacts",
        "rules": [
            {
                "id": "volume",
                "kind": "metric",
                "metric": "emigration.persons",
                "aggregate": "sum",
                "thresholds": [
                    {"op": "ge", "value": 100000, "status": "compliant"},
                    {"op": "ge", "value": 60000, "status": "partial"},
                    {"op": "lt", "value": 60000, "status": "violation"},
                ],
                **extra,
            }
        ],
    }


def fig(oid: str, day: str, value: float, metric: str = "emigration.persons", **extra: Any) -> dict[str, Any]:
    return obs(oid, day, "statistic", metric={"name": metric, "value": value, "unit": "persons"}, **extra)


def load(tmp_path: Path, rows: list[dict[str, Any]], **extra: Any) -> Corpus:
    return hc.load(make_data(tmp_path / "d", rows, [rule(**extra)]))


def finding(corpus: Corpus, year: str) -> tuple[str, str] | None:
    e = api.explain(corpus, "t.figures", state="SU", period=year, as_of=AS_OF)
    found = [f for r in e["rules"] for f in r["findings"]]
    return (found[0]["status"], found[0]["detail"]) if found else None


def test_corroborating_readings_of_one_fact_are_counted_once(tmp_path: Path) -> None:
    rows = [fig(f"r{i}", "1979", 51320, fact="su-1979") for i in range(3)]
    got = finding(load(tmp_path, rows), "1979")
    assert got is not None
    status, detail = got
    assert status == "violation"  # 51,320, not 153,960 (which would be compliant)
    assert "= 51,320" in detail and "2 corroborating readings of one fact counted once" in detail


def test_distinct_facts_still_add_up(tmp_path: Path) -> None:
    rows = [fig("a", "1979", 40000, fact="f1"), fig("b", "1979", 40000, fact="f1"), fig("c", "1979", 30000)]
    assert finding(load(tmp_path, rows), "1979") == (
        "partial",
        "sum of emigration.persons = 70,000 (1 corroborating reading of one fact counted once); ge 60,000 -> partial",
    )


def test_a_figure_inside_another_figures_span_is_part_of_it(tmp_path: Path) -> None:
    rows = [fig("q", "1984-01/1984-04", 25400), fig("y", "1984", 32000)]
    got = finding(load(tmp_path, rows), "1984")
    assert got is not None and "= 32,000" in got[1]


def test_a_partial_series_is_a_lower_bound_of_the_total(tmp_path: Path) -> None:
    parts = {"parts": ["emigration.jewish-persons"]}
    high = finding(load(tmp_path / "a", [fig("j", "1989", 71196, "emigration.jewish-persons")], **parts), "1989")
    assert high is not None and high[0] == "partial" and "a lower bound" in high[1]
    # under a "less than" threshold, a lower bound decides nothing: the total may be larger
    assert finding(load(tmp_path / "b", [fig("j", "1989", 900, "emigration.jewish-persons")], **parts), "1989") is None
    # the total, when there is one, is read instead of the part
    both = [fig("j", "1989", 71196, "emigration.jewish-persons"), fig("t", "1989", 120000)]
    total = finding(load(tmp_path / "c", both, **parts), "1989")
    assert total is not None and total[0] == "compliant" and "sum of emigration.persons = 120,000" in total[1]


EARLIER = {
    "parts": ["emigration.jewish-persons"],
    "earlier": {
        "years": 10,
        "thresholds": [
            {"op": "ge", "value": 1.0, "status": "compliant"},
            {"op": "ge", "value": 0.25, "status": "partial"},
            {"op": "lt", "value": 0.25, "status": "violation"},
        ],
    },
}


def test_a_year_is_banded_against_the_states_own_earlier_level(tmp_path: Path) -> None:
    jewish = "emigration.jewish-persons"
    rows = [fig("y79", "1979", 51320, jewish), fig("y80", "1980", 21471, jewish), fig("y84", "1984", 896, jewish)]
    rows += [fig("y88", "1988", 18965, jewish), fig("y89", "1989", 71196, jewish), fig("y77", "1977", 16737, jewish)]
    corpus = load(tmp_path, rows, **EARLIER)
    got = {y: finding(corpus, y) for y in ("1977", "1979", "1984", "1988", "1989")}
    assert got["1977"] is None  # no earlier level, and a part's 16,737 under 60,000 decides nothing
    assert got["1979"] is not None and got["1979"][0] == "compliant"  # 3.07 of 1977
    assert got["1984"] is not None and got["1984"][0] == "violation"  # 0.02 of 1979
    assert got["1988"] is not None and got["1988"][0] == "partial"  # 0.37 of 1979
    assert got["1989"] == (
        "compliant",
        "sum of emigration.jewish-persons (a part of emigration.persons: a lower bound) = 71,196; "
        "1.39 of the state's highest yearly emigration.jewish-persons in 1979-1988 (51,320 in 1979); ge 1.00 -> compliant",
    )


def test_the_earlier_level_is_what_was_known_at_the_as_of_date(tmp_path: Path) -> None:
    jewish = "emigration.jewish-persons"
    rows = [fig("y79", "1979", 51320, jewish, known_by="1990-01-03"), fig("y78", "1978", 28858, jewish)]
    rows += [fig("y80", "1980", 21471, jewish)]
    corpus = load(tmp_path, rows, **EARLIER)
    early = api.explain(corpus, "t.figures", state="SU", period="1980", as_of=date(1985, 12, 31))
    late = api.explain(corpus, "t.figures", state="SU", period="1980", as_of=AS_OF)
    assert "(28,858 in 1978)" in early["rules"][0]["findings"][0]["detail"]
    assert "(51,320 in 1979)" in late["rules"][0]["findings"][0]["detail"]


def test_the_sql_engine_reads_the_same_figures(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    from helsinki_compliance.engine.sql_engine import DuckDBBackend, SqlEvaluator

    jewish = "emigration.jewish-persons"
    rows = [fig(f"a{i}", "1979", 51320, jewish, fact="j79") for i in range(3)]
    rows += [fig("b", "1984-01/1984-04", 300, jewish), fig("c", "1984", 896, jewish), fig("d", "1988", 18965, jewish)]
    rows += [fig("e", "1988", 18965, jewish, fact="j88"), fig("f", "1988", 18965, jewish, fact="j88")]
    rows += [fig("g", "1989", 300000, tags=["forced"])]
    corpus = load(tmp_path, rows, where={"not": {"field": "tags", "op": "contains", "value": "forced"}}, **EARLIER)
    periods = api.periods(corpus, "year", 1977, 1991)
    ref = Evaluator(corpus).scorecard(["SU"], periods, AS_OF)
    got = SqlEvaluator(corpus, DuckDBBackend()).scorecard(["SU"], periods, AS_OF)
    assert got.to_dict(corpus) == ref.to_dict(corpus)
    assert ref.cell("SU", "t.figures", "1989").findings == ()  # the forced figure is not emigration


# ---------------------------------------------------------------- the bundled corpus: the named examples


@pytest.fixture(scope="module")
def bundled() -> hc.Corpus:
    return hc.load()


def detail(corpus: Corpus, commitment: str, rule_id: str, period: str) -> str:
    e = api.explain(corpus, commitment, state="SU", period=period, as_of=date(1991, 12, 31))
    (f,) = next(r for r in e["rules"] if r["id"] == rule_id)["findings"]
    return str(f["detail"])


def test_the_right_to_leave_reads_the_71196_jewish_emigrants_of_1989(bundled: Corpus) -> None:
    d = detail(bundled, "vienna.leave-and-return", "emigration-volume", "1989")
    assert "emigration.jewish-persons" in d and "= 71,196" in d and "(51,320 in 1979)" in d


@pytest.mark.parametrize(("year", "figure"), [("1979", "51,320"), ("1988", "18,965")])
def test_corroborating_readings_count_once_on_the_bundled_corpus(bundled: Corpus, year: str, figure: str) -> None:
    d = detail(bundled, "hfa.b3.hc.family-reunification", "emigration-volume", year)
    assert f"= {figure} (" in d and "counted once" in d

"""Scoring method 2 (issue #15): coverage, range-dated evidence, known-by dates, ageing, lasting measures, goals, conflicts.

Each of these fails on the engine before method 2."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import BROADCAST, EMIGRATION, MONITORS, REPO, jam, jamming_goal_set, make_data, obs, write_yaml
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine import goals
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.staleness import Method
from helsinki_compliance.model import records
from helsinki_compliance.render.tables import scorecard_csv, scorecard_markdown, scorecard_table

AS_OF = date(1995, 12, 31)


def _card(root: Path, observations: list[dict[str, Any]], first: int = 1975, last: int = 1991, **kw: Any) -> Any:
    corpus = hc.load(make_data(root, observations, commitments=kw.get("commitments"), extra=kw.get("extra")))
    return corpus, hc.scorecard(
        corpus, states=["SU"], period="year", first=first, last=last, as_of=kw.get("as_of", AS_OF)
    )


# ---------------------------------------------------------------- 1. coverage


def test_a_group_score_on_one_observation_is_insufficient_evidence_everywhere(tmp_path: Path) -> None:
    corpus, card = _card(tmp_path / "a", [jam("j", "1980-03", "voa", False)], first=1980, last=1980)
    cell = card.cell("SU", "t.broadcast", "1980")
    assert cell.status == "compliant" and cell.coverage.observations == 1 and cell.coverage.sources == ("src",)
    g = card.group("SU", "overall", "1980")
    assert g.status == "insufficient-evidence" and g.score is None and g.raw_score == 1.0
    assert (g.assessed, g.in_force, g.coverage.observations) == (1, 2, 1)
    # every output says so instead of printing a number
    table = scorecard_table(card)
    assert "overall score (0-100)" in table and " ie" in table.split("overall score (0-100)")[1].splitlines()[0]
    assert "insufficient evidence" in scorecard_markdown(card)
    csv_rows = [r for r in scorecard_csv(card).splitlines() if ",overall," in r]
    assert csv_rows and "insufficient-evidence" in csv_rows[0]
    groups = card.to_dict(corpus)["groups"]
    overall = next(x for x in groups if x["group"] == "overall")
    assert overall["score"] is None and overall["coverage"]["observations"] == 1


def test_a_group_score_with_enough_evidence_carries_its_coverage(tmp_path: Path) -> None:
    rows = [
        jam("j1", "1980-03", "voa", True),
        jam("j2", "1980-05", "rferl", True),
        obs("e", "1980", "statistic", metric={"name": "emigration.persons", "value": 20000, "unit": "persons"}),
        obs("m", "1980-06", "arrest", tags=["monitor"]),
    ]
    monitors = {**MONITORS, "instrument": "hfa-1975"}
    _, card = _card(tmp_path / "b", rows, first=1980, last=1980, commitments=[BROADCAST, EMIGRATION, monitors])
    g = card.group("SU", "overall", "1980")
    assert g.status != "insufficient-evidence" and g.score is not None
    assert (g.assessed, g.coverage.observations, g.coverage.first, g.coverage.last) == (
        3,
        4,
        date(1980, 1, 1),
        date(1980, 12, 31),
    )
    assert "3/3 commitments, 4 obs., 1 sources, 1980" == g.label


# ---------------------------------------------------------------- 3. range-dated evidence


def test_a_range_dated_event_counts_in_the_period_of_its_end_and_says_so(tmp_path: Path) -> None:
    _, card = _card(tmp_path / "c", [obs("ban", "1980/1983", "censorship", tags=["radio"])], first=1979, last=1984)
    statuses = {p: card.cell("SU", "t.broadcast", p).status for p in ("1980", "1981", "1982", "1983", "1984")}
    assert statuses == {
        "1980": "not-assessed",
        "1981": "not-assessed",
        "1982": "not-assessed",
        "1983": "violation",
        "1984": "not-assessed",
    }
    (finding,) = card.cell("SU", "t.broadcast", "1983").findings
    assert "counted in the period of its end" in finding.detail


def test_a_range_dated_condition_is_not_observed_in_a_period_outside_its_dates(tmp_path: Path) -> None:
    _, card = _card(tmp_path / "d", [jam("j", "1980/1983", "voa", True, since="1976")], first=1976, last=1984)
    for p in ("1976", "1981", "1983"):
        (f,) = card.cell("SU", "t.broadcast", p).findings
        assert f.status == "violation" and "observed in the period" not in f.detail.replace("not observed", "")
        assert "standing condition over" in f.detail


# ---------------------------------------------------------------- 5. known-by dates


def test_as_of_filters_on_the_known_by_date(tmp_path: Path) -> None:
    rows = [{**jam("j", "1979-03", "voa", True), "known_by": "1985-06"}]
    _, early = _card(tmp_path / "e", rows, first=1979, last=1979, as_of=date(1984, 12, 31))
    _, late = _card(tmp_path / "f", rows, first=1979, last=1979, as_of=date(1985, 6, 30))
    assert early.cell("SU", "t.broadcast", "1979").status == "not-assessed"
    assert late.cell("SU", "t.broadcast", "1979").status == "violation"


# ---------------------------------------------------------------- 4. evidence ages


def test_a_condition_not_reconfirmed_goes_stale_then_very_stale(tmp_path: Path) -> None:
    _, card = _card(tmp_path / "g", [jam("j", "1975-08", "voa", True)], first=1976, last=1991)
    fresh = card.cell("SU", "t.broadcast", "1979").findings[0]
    stale = card.cell("SU", "t.broadcast", "1982").findings[0]
    assert (fresh.age, stale.age) == ("fresh", "stale")
    assert stale.confidence == fresh.confidence * 0.5 and "last confirmed 1975-08 (src, p. 1)" in stale.detail
    assert card.cell("SU", "t.broadcast", "1982").stale
    # changed for method 3 (issue #23, point 1): "very stale" (more than 10 years) lies beyond the 8-year
    # scoring horizon, so in 1988 the 1975 report is too old to score and the cell is not assessed
    # (tests/test_horizon.py); a very stale finding exists only under a longer horizon:
    corpus = hc.load(make_data(tmp_path / "g2", [jam("j", "1975-08", "voa", True)]))
    p1988 = hc.api.periods(corpus, "year", 1988, 1988)
    old = Evaluator(corpus, Method(horizon_years=None)).scorecard(["SU"], p1988, AS_OF)
    very = old.cell("SU", "t.broadcast", "1988").findings[0]
    assert very.age == "very-stale" and very.weight == 1.5  # serious (3), halved
    assert card.cell("SU", "t.broadcast", "1988").status == "not-assessed"


def test_an_ended_condition_does_not_age(tmp_path: Path) -> None:
    _, card = _card(tmp_path / "h", [jam("j", "1975-08", "voa", False)], first=1990, last=1990)
    assert card.cell("SU", "t.broadcast", "1990").findings[0].age == "fresh"


# ---------------------------------------------------------------- 2. measures that last

TRAVEL = {
    "id": "t.travel",
    "instrument": "hfa-1975",
    "section": "Basket III, 1(c)",
    "title": "Travel",
    "summary": "States undertook to ease travel.",
    "basket": "III",
    "chapter": "1. Human contacts",
    "rules": [
        {
            "id": "eased",
            "kind": "event",
            "match": {"kinds": ["legislation"], "tags_any": ["travel"]},
            "status": "compliant",
            "severity": "moderate",
        }
    ],
}


def test_a_law_that_lifts_a_restriction_lasts_from_its_in_force_date(tmp_path: Path) -> None:
    law = obs(
        "law",
        "1989-05-20",
        "legislation",
        tags=["travel"],
        law={"adopted": "1989-05-20", "in_force": "1990-01-01"},
    )
    _, card = _card(tmp_path / "i", [law], first=1988, last=1991, commitments=[TRAVEL])
    statuses = [card.cell("SU", "t.travel", p).status for p in ("1988", "1989", "1990", "1991")]
    assert statuses == ["not-assessed", "not-assessed", "compliant", "compliant"]
    (f,) = card.cell("SU", "t.travel", "1991").findings
    assert f.carried and "in force since 1990-01-01" in f.detail


# ---------------------------------------------------------------- 7. goals

GOAL_SET = jamming_goal_set(
    "1980-01",
    {
        "id": "steps",
        "kind": "event",
        "match": {"kinds": ["policy-change"], "tags_any": ["radio"]},
        "status": "partial",
        "severity": "moderate",
    },
)


def _goal(root: Path, rows: list[dict[str, Any]], at: date) -> dict[str, Any]:
    corpus = hc.load(make_data(root, rows, extra={"goals/g.yaml": GOAL_SET}))
    return goals.track(corpus, "g", as_of=at)["goals"][0]


def test_goal_steps_count_and_the_window_rolls(tmp_path: Path) -> None:
    rows = [
        jam("j", "1978", "voa", True),
        obs("s1", "1980-03", "policy-change", tags=["radio"]),
        obs("s2", "1980-06", "policy-change", tags=["radio"]),
        obs("s3", "1980-09", "policy-change", tags=["radio"]),
    ]
    g1980 = _goal(tmp_path / "j", rows, date(1980, 12, 31))
    # three distinct steps, capped at two findings: (3x0 + 2x0.5 + 2x0.5) / 7 = 0.29
    assert abs(g1980["current"]["progress"] - 2 / 7) < 1e-3 and g1980["verdict"] == "significant-progress"
    # two years on, the 1980 steps are outside the year before the as-of date: back to no change
    g1982 = _goal(tmp_path / "k", rows, date(1982, 12, 31))
    # changed for method 3 (issue #23, point 9): the only evidence that jamming persists is of 1978, more
    # than two years before the as-of date, so the verdict is "no evidence since 1978-12-31", not "no change"
    assert g1982["current"]["progress"] == 0 and g1982["verdict"] == "no-evidence-since"
    assert g1982["no_evidence_since"] == "1978-12-31"
    assert g1982["latest_evidence"] == "1978-12-31" and g1982["stale"] is True


def test_goal_regresses_when_a_condition_resumes(tmp_path: Path) -> None:
    rows = [jam("a", "1978", "voa", True), jam("b", "1979", "voa", False), jam("c", "1982-03", "voa", True)]
    assert _goal(tmp_path / "l", rows, date(1981, 12, 31))["verdict"] == "met"
    assert _goal(tmp_path / "m", rows, date(1982, 12, 31))["verdict"] == "regression"


def _bundled_plus(tmp_path: Path, rows: list[dict[str, Any]]) -> hc.Corpus:
    root = tmp_path / "data"
    for d in ("commitments", "observations", "goals"):
        shutil.copytree(REPO / d, root / d)
    write_yaml(root / "observations" / "yearly.yaml", {"observations": rows})
    write_yaml(
        root / "observations" / "yearly-sources.yaml",
        {
            "sources": [
                {"id": "src", "title": "T", "author": "T", "date": "1992", "kind": "fixture", "reliability": "high"}
            ]
        },
    )
    return hc.load(root)


def test_unmet_goal_never_reads_progress_one() -> None:
    t = goals.track(hc.load(REPO), "schifter-1987", as_of=date(1987, 12, 31))
    g = next(x for x in t["goals"] if x["id"] == "emigration-10k")
    assert not g["current"]["met"] and g["current"]["progress"] < 1.0
    assert f"{g['current']['progress']:.2f}" != "1.00"


def test_a_yearly_total_satisfies_the_annual_rate_goal_and_jewish_only_is_a_lower_bound(tmp_path: Path) -> None:
    rows = [
        obs(
            "e1988",
            "1988",
            "statistic",
            tags=["emigration"],
            metric={"name": "emigration.persons", "value": 19000, "unit": "persons"},
        ),
        obs(
            "j1989",
            "1989",
            "statistic",
            tags=["emigration"],
            metric={"name": "emigration.jewish-persons", "value": 8000, "unit": "persons"},
        ),
    ]
    corpus = _bundled_plus(tmp_path, rows)
    at88 = next(g for g in goals.track(corpus, as_of=date(1988, 12, 31))["goals"] if g["id"] == "emigration-10k")
    assert at88["verdict"] == "met" and "calendar-year total" in at88["current"]["detail"]
    at89 = next(g for g in goals.track(corpus, as_of=date(1989, 12, 31))["goals"] if g["id"] == "emigration-10k")
    assert not at89["current"]["met"] and "lower bound" in at89["current"]["detail"]
    assert "at least 8,000" in at89["current"]["detail"]


def test_goals_csv(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["--data", str(REPO), "goals", "--as-of", "1987-12-31", "--format", "csv"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("goal_set,state,as_of,goal,tier,")
    assert len(lines) == 14 and any(",emigration-10k,immediate," in x for x in lines)
    r = CliRunner().invoke(main, ["--data", str(REPO), "goals", "--timeline", "1987:1988", "--format", "csv"])
    # method 3 (issue #23, point 9): two readings per period and goal, as known then and in hindsight
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 1 + 2 * 2 * 13


# ---------------------------------------------------------------- 8. nothing silent


def test_the_duplicate_key_includes_condition_and_subject(tmp_path: Path) -> None:
    from helsinki_compliance.observe import drafts as obs_drafts

    corpus = hc.load(make_data(tmp_path / "n", [jam("voa-end", "1988-11", "voa", False)]))
    second = records.Observation.model_validate(
        {**jam("rferl-end", "1988-11", "rferl", False), "quote": "quote of voa-end"}
    )
    assert obs_drafts.duplicates(corpus.observations, second) == []


def test_scorecard_json_on_the_bundled_corpus_prints_no_group_score_without_coverage() -> None:
    r = CliRunner().invoke(
        main,
        ["--data", str(REPO), "scorecard", "--state", "all", "--from", "1975", "--to", "1991", "--format", "json"],
    )
    assert r.exit_code == 0, r.output[:500]
    for g in json.loads(r.stdout)["groups"]:
        if g["score"] is not None:
            assert g["coverage"]["observations"] >= 3 and g["assessed"] >= 3


# ---------------------------------------------------------------- 6. conflicts


def _two_sources(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "observations/more-sources.yaml": {
            "sources": [
                {"id": "weak", "title": "W", "author": "W", "date": "1990", "kind": "press", "reliability": "low"}
            ]
        },
        **(extra or {}),
    }


def test_conflicting_reports_of_one_fact_are_flagged_and_resolved_by_reliability(tmp_path: Path) -> None:
    rows = [
        {**jam("strong", "1980-03", "voa", False), "fact": "voa-jamming-ends"},
        {**jam("weak", "1982-06", "voa", False), "source": "weak", "fact": "voa-jamming-ends"},
        jam("before", "1979", "voa", True),
    ]
    corpus, card = _card(tmp_path / "o", rows, first=1980, last=1982, extra=_two_sources())
    # the kept report (reliable source) ends jamming in 1980; the other is set aside, not scored
    assert card.cell("SU", "t.broadcast", "1980").observations == ["before", "strong"]
    assert "weak" not in card.cell("SU", "t.broadcast", "1982").observations
    e = hc.api.explain(corpus, "t.broadcast", state="SU", period="1980", as_of=AS_OF)
    (c,) = e["conflicts"]
    assert c["kept"] == "strong" and c["set_aside"] == ["weak"] and c["reason"] == "more reliable source"
    from helsinki_compliance.engine.explain import render_text

    assert "Conflicting reports of the same fact" in render_text(e)
    r = CliRunner().invoke(main, ["--data", str(corpus.root), "validate"])
    assert "1 informational" in r.output and "differently from" not in r.output  # kept so on purpose: counted
    r = CliRunner().invoke(main, ["--data", str(corpus.root), "-v", "validate"])
    assert "reports fact 'voa-jamming-ends' differently from strong" in r.output


def test_conflicting_figures_of_equal_sources_keep_the_more_precise_then_the_smaller(tmp_path: Path) -> None:
    from helsinki_compliance.model.conflicts import find

    fig = {"name": "emigration.persons", "unit": "persons"}
    rows = [
        obs("a", "1980", "statistic", metric={**fig, "value": 20000, "qualifier": "approx"}, fact="emig-1980"),
        obs("b", "1980", "statistic", metric={**fig, "value": 21000}, fact="emig-1980"),
        obs("c", "1981", "statistic", metric={**fig, "value": 9000}, fact="emig-1981"),
        obs("d", "1981", "statistic", metric={**fig, "value": 9500}, fact="emig-1981"),
        obs("e", "1982", "statistic", metric={**fig, "value": 100}, fact="emig-1982"),
        obs("f", "1982", "statistic", metric={**fig, "value": 100}, fact="emig-1982"),  # agrees: corroboration
    ]
    corpus = hc.load(make_data(tmp_path / "p", rows))
    found = {c.fact: (c.kept, c.set_aside, c.reason) for c in find(corpus.observations, corpus.sources)}
    assert found == {
        "emig-1980": ("b", ("a",), "more precise"),
        "emig-1981": ("c", ("d",), "more conservative reading"),
    }


# ---------------------------------------------------------------- 8. nothing silent (observe)


def test_observe_add_ends_a_condition_for_all_subjects(tmp_path: Path) -> None:
    rows = [jam("v", "1980", "voa", True), jam("r", "1980", "rferl", True), jam("d", "1981", "bbc", False)]
    root = make_data(tmp_path / "q", rows)
    args = ["--state", "SU", "--date", "1988-11-30", "--dated-by", "30 November 1988", "--kind", "policy-change"]
    args += ["--tag", "radio", "--standing", "radio-jamming", "--ended", "--all-subjects", "--source", "src"]
    args += ["--locator", "p. 2", "--quote", "all jamming stopped", "--confidence", "high"]
    r = CliRunner().invoke(main, ["--data", str(root), "observe", "add", *args])
    assert r.exit_code == 0, r.output
    corpus = hc.load(root)
    ended = sorted(o.standing.subject for o in corpus.observations if o.date.text == "1988-11-30" and o.standing)
    assert ended == ["rferl", "voa"]  # bbc had already ended


def test_an_unread_observation_names_what_the_cited_commitment_reads(tmp_path: Path) -> None:
    rows = [obs("x", "1980", "review-meeting", commitments=["t.broadcast"])]
    r = CliRunner().invoke(main, ["--data", str(make_data(tmp_path / "s", rows)), "validate"])
    assert "the cited t.broadcast reads kinds censorship; conditions radio-jamming" in r.output


def test_reports_show_both_readings_of_a_conflict(tmp_path: Path) -> None:
    rows = [
        {**jam("strong", "1980-03", "voa", False), "fact": "voa-jamming-ends"},
        {**jam("weak", "1982-06", "voa", False), "source": "weak", "fact": "voa-jamming-ends"},
    ]
    root = make_data(tmp_path / "r", rows, extra=_two_sources())
    out = tmp_path / "out"
    r = CliRunner().invoke(
        main,
        ["--data", str(root), "report", "--state", "SU", "--from", "1980", "--to", "1982", "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    md = (out / "SU-year-1980-1982.md").read_text()
    assert "## Sources that disagree" in md and "strong" in md and "weak" in md
    assert "Sources that disagree" in (out / "SU-year-1980-1982.html").read_text()
    data = json.loads((out / "SU-year-1980-1982.json").read_text())
    assert data["conflicts"][0]["kept"] == "strong" and data["conflicts"][0]["set_aside"] == ["weak"]


def test_a_conflict_is_resolved_among_the_readings_known_at_the_as_of_date() -> None:
    """A 1988 total published in January 1989 (less reliable) and another published in January 1990
    (more reliable): as of 1989 only the first is known, so it counts; as of 1990 the second wins."""
    from datetime import date

    from helsinki_compliance.engine.rules import StateEvidence
    from helsinki_compliance.model.records import Observation, Source

    def reading(oid: str, value: int, known: str, source: str) -> Observation:
        return Observation.model_validate(
            {
                "id": oid, "date": "1988", "dated_by": "t", "state": "SU", "kind": "statistic",
                "metric": {"name": "emigration.jewish-persons", "value": value, "unit": "persons"},
                "fact": "su-emigration-jewish-1988", "known_by": known, "source": source,
                "locator": "p", "quote": "q", "confidence": "high",
            }
        )  # fmt: skip

    def source(sid: str, reliability: str) -> Source:
        return Source.model_validate(
            {"id": sid, "title": "t", "author": "a", "date": "1990", "kind": "press", "reliability": reliability}
        )

    early = reading("early", 19286, "1989-01-03", "paper-a")
    late = reading("late", 18965, "1990-01-03", "paper-b")
    ev = StateEvidence([early, late], {"paper-a": source("paper-a", "medium"), "paper-b": source("paper-b", "high")})
    year = (date(1988, 1, 1), date(1988, 12, 31))
    assert [o.id for o in ev.within(*year, date(1989, 6, 30))] == ["early"]
    assert [o.id for o in ev.within(*year, date(1990, 6, 30))] == ["late"]
    assert ev.within(*year, date(1988, 12, 31)) == []


def test_readings_of_different_shape_under_one_fact_key_are_not_a_conflict() -> None:
    """The vote on a law and the law ending a condition share a fact key; neither sets the other aside."""
    from helsinki_compliance.model import conflicts
    from helsinki_compliance.model.records import Observation, Source

    base = {"dated_by": "t", "state": "SU", "source": "s", "locator": "p", "quote": "q", "confidence": "high"}
    vote = Observation.model_validate(
        {**base, "id": "vote", "date": "1990-09-26", "kind": "legislation", "fact": "law-1990"}
    )
    ended = Observation.model_validate(
        {
            **base, "id": "ended", "date": "1990-10-01", "kind": "legislation", "fact": "law-1990",
            "standing": {"condition": "state-control-of-religion", "in_effect": False},
        }
    )  # fmt: skip
    other_day = Observation.model_validate({**vote.model_dump(mode="json"), "id": "vote-b", "date": "1990-09-27"})
    src = {
        "s": Source.model_validate(
            {"id": "s", "title": "t", "author": "a", "date": "1990", "kind": "press", "reliability": "high"}
        )
    }
    found = conflicts.find([vote, ended, other_day], src)
    assert [c.fact for c in found] == ["law-1990"]
    assert "ended" not in conflicts.set_aside(found)

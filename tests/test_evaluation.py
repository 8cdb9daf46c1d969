"""Rule kinds, carry-forward, not-assessed, period boundaries, combination, assessments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import helsinki_compliance as hc
from conftest import jam, make_data, obs

AS_OF = date(2000, 1, 1)


def card(tmp_path: Path, observations: list, period: str = "year", first: int = 1975, last: int = 1991, **extra):
    corpus = hc.load(make_data(tmp_path / "d", observations, extra=extra.get("extra")))
    return hc.scorecard(corpus, states=["SU"], period=period, first=first, last=last, as_of=extra.get("as_of", AS_OF))


def test_no_evidence_is_not_assessed_never_compliant(tmp_path: Path) -> None:
    c = card(tmp_path, [])
    assert {x.status for x in c.cells.values() if x.commitment != "t.monitors"} == {"not-assessed"}


def test_before_the_instrument_a_commitment_is_not_in_force(tmp_path: Path) -> None:
    c = card(tmp_path, [obs("a", "1980-03-01", "arrest", tags=["monitor"])])
    assert c.cell("SU", "t.monitors", "1980").status == "not-in-force"
    assert c.cell("SU", "t.monitors", "1989").status == "not-assessed"
    assert c.cell("SU", "t.broadcast", "1974" if False else "1975").status == "not-assessed"


def test_after_a_state_ceased_to_exist_nothing_is_in_force(tmp_path: Path) -> None:
    c = card(tmp_path, [], first=1991, last=1992)
    assert c.cell("SU", "t.broadcast", "1991").status == "not-assessed"
    assert c.cell("SU", "t.broadcast", "1992").status == "not-in-force"


def test_standing_condition_is_carried_forward_until_ended(tmp_path: Path) -> None:
    c = card(tmp_path, [jam("j1", "1976-05", "voa", True), jam("j2", "1987-05", "voa", False)])
    assert c.cell("SU", "t.broadcast", "1975").status == "not-assessed"  # not yet observed
    assert c.cell("SU", "t.broadcast", "1976").status == "violation"
    for y in range(1977, 1984):  # no observation in these years, the condition still holds
        cell = c.cell("SU", "t.broadcast", str(y))
        assert cell.status == "violation" and cell.findings[0].carried
    # changed for method 3 (issue #23, point 1): from 1984 the 1976-05 report is more than the 8-year
    # horizon before the period's end; it is listed (too old to score), not scored, so the cell is not assessed
    for y in (1984, 1985, 1986):
        cell = c.cell("SU", "t.broadcast", str(y))
        assert cell.status == "not-assessed" and cell.too_old[0].age == "too-old"
    assert c.cell("SU", "t.broadcast", "1987").status == "partial"  # ended during the year
    assert c.cell("SU", "t.broadcast", "1988").status == "compliant"  # known ended, carried


def test_one_station_ended_another_still_jammed_is_partial(tmp_path: Path) -> None:
    c = card(
        tmp_path, [jam("v1", "1980", "voa", True), jam("r1", "1980", "rferl", True), jam("v2", "1987-05", "voa", False)]
    )
    cell = c.cell("SU", "t.broadcast", "1988")
    assert cell.status == "partial" and cell.score == 0.5
    assert sorted(f.status for f in cell.findings) == ["compliant", "violation"]


def test_partial_precision_falls_in_the_year_not_the_quarter(tmp_path: Path) -> None:
    c = card(tmp_path, [obs("b", "1977", "censorship", tags=["radio"])], period="quarter", first=1977, last=1977)
    assert {c.cell("SU", "t.broadcast", f"1977-Q{q}").status for q in range(1, 5)} == {"not-assessed"}
    y = card(tmp_path / "y", [obs("b", "1977", "censorship", tags=["radio"])], first=1977, last=1977)
    assert y.cell("SU", "t.broadcast", "1977").status == "violation"


def test_standing_since_covers_the_earlier_periods(tmp_path: Path) -> None:
    c = card(
        tmp_path,
        [jam("r", "1987-09-21/1987-12-31", "rferl", True, since="1987-01")],
        period="quarter",
        first=1987,
        last=1988,
    )
    assert c.cell("SU", "t.broadcast", "1987-Q1").status == "violation"
    assert c.cell("SU", "t.broadcast", "1988-Q1").status == "violation"


def test_metric_rule_thresholds(tmp_path: Path) -> None:
    rows = [
        obs(
            "e1",
            "1979",
            "statistic",
            tags=["emigration"],
            metric={"name": "emigration.persons", "value": 51320, "unit": "persons"},
        ),
        obs(
            "e2",
            "1986",
            "statistic",
            tags=["emigration"],
            metric={"name": "emigration.persons", "value": 914, "unit": "persons"},
        ),
        obs(
            "e3",
            "1987-H1",
            "statistic",
            tags=["emigration"],
            metric={"name": "emigration.persons", "value": 3000, "unit": "persons"},
        ),
        obs(
            "e4",
            "1987-H2",
            "statistic",
            tags=["emigration"],
            metric={"name": "emigration.persons", "value": 5000, "unit": "persons"},
        ),
    ]
    c = card(tmp_path, rows)
    assert c.cell("SU", "t.emigration", "1979").status == "compliant"
    assert c.cell("SU", "t.emigration", "1986").status == "violation"
    assert c.cell("SU", "t.emigration", "1987").status == "partial"  # 3000 + 5000 summed
    assert "sum of emigration.persons = 8,000" in c.cell("SU", "t.emigration", "1987").findings[0].detail


def test_qualified_value_below_a_threshold_is_not_met(tmp_path: Path) -> None:
    c = card(
        tmp_path,
        [
            obs(
                "e",
                "1987",
                "statistic",
                metric={"name": "emigration.persons", "value": 10000, "unit": "persons", "qualifier": "below"},
            )
        ],
    )
    assert c.cell("SU", "t.emigration", "1987").status == "partial"


def test_as_of_excludes_later_observations(tmp_path: Path) -> None:
    rows = [obs("b", "1980-06-01", "censorship", tags=["radio"])]
    assert card(tmp_path, rows, as_of=date(1980, 5, 31)).cell("SU", "t.broadcast", "1980").status == "not-assessed"
    assert card(tmp_path / "2", rows, as_of=date(1980, 6, 1)).cell("SU", "t.broadcast", "1980").status == "violation"


def test_government_claims_are_not_evidence(tmp_path: Path) -> None:
    c = card(tmp_path, [obs("b", "1980", "censorship", tags=["radio"], claim=True)])
    assert c.cell("SU", "t.broadcast", "1980").status == "not-assessed"


def test_combination_is_severity_weighted(tmp_path: Path) -> None:
    # jamming ended (compliant, serious 3) + a radio ban (violation, moderate 2) = 3/5 = 0.6 -> partial
    c = card(
        tmp_path,
        [
            jam("v1", "1979", "voa", True),
            jam("v2", "1980-02", "voa", False),
            obs("b", "1981-03", "censorship", tags=["radio"]),
        ],
    )
    cell = c.cell("SU", "t.broadcast", "1981")
    assert cell.score == 0.6 and cell.status == "partial"


def test_named_periods_and_groups(tmp_path: Path) -> None:
    c = card(tmp_path, [obs("b", "1977-11-01", "censorship", tags=["radio"])], period="review-meetings")
    assert [p.id for p in c.periods] == ["belgrade", "madrid", "vienna"]
    assert c.cell("SU", "t.broadcast", "belgrade").status == "violation"
    assert c.cell("SU", "t.broadcast", "madrid").status == "not-assessed"


def test_analyst_assessment_is_applied_and_shown(tmp_path: Path) -> None:
    assessment = {
        "assessments": [
            {
                "id": "a1",
                "state": "SU",
                "commitment": "t.broadcast",
                "period": "1980",
                "action": "set",
                "status": "partial",
                "justification": "Selective jamming only.",
                "author": "A. Historian",
                "date": "1995",
            }
        ]
    }
    c = card(tmp_path, [jam("v1", "1979", "voa", True)], extra={"observations/assessments.yaml": assessment})
    cell = c.cell("SU", "t.broadcast", "1980")
    assert (cell.status, cell.computed_status, cell.assessment.id) == ("partial", "violation", "a1")
    early = card(
        tmp_path / "e",
        [jam("v1", "1979", "voa", True)],
        as_of=date(1990, 1, 1),
        extra={"observations/assessments.yaml": assessment},
    )
    assert early.cell("SU", "t.broadcast", "1980").assessment is None  # made after the as-of date


def test_basket_scores_weight_commitments(tmp_path: Path) -> None:
    rows = [
        jam("v1", "1979", "voa", True),
        obs("e", "1979", "statistic", metric={"name": "emigration.persons", "value": 20000, "unit": "persons"}),
    ]
    c = card(tmp_path, rows)
    g = c.group("SU", "III", "1979")
    # (2*0 + 3*1) / 5, but two commitments and two observations are too little for a basket score (method 2)
    assert g.assessed == 2 and abs(g.raw_score - 3 / 5) < 1e-9
    assert g.status == "insufficient-evidence" and g.score is None


def test_scorecard_records_are_tidy_and_match_the_cells() -> None:
    import helsinki_compliance as hc
    from conftest import REPO

    corpus = hc.load(REPO)
    card = hc.scorecard(corpus, states=["SU"], first=1987, last=1988, as_of=hc.parse_as_of("1991"))
    records = card.to_records()
    assert len(records) == len(card.cells) == 2 * len(card.commitments)
    rec = next(r for r in records if r["commitment"] == "hfa.b3.info.broadcast" and r["period"] == "1987")
    cell = card.cell("SU", "hfa.b3.info.broadcast", "1987")
    assert (rec["status"], rec["score"], rec["basket"]) == (cell.status, cell.score, "III")
    assert rec["observations"] == list(cell.observations) and rec["observations"]
    try:
        import pandas  # noqa: F401
    except ImportError:
        return
    df = card.to_dataframe()
    assert list(df["status"]) == [r["status"] for r in records]

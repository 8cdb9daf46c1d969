"""Method 3, point 7 (issue #23; issue #26 item 13): no forecasts. A period that begins after the
as-of date is "not yet" in every format; a period that contains the as-of date is marked partial."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import REPO, make_data, obs
from helsinki_compliance.cli.main import main
from helsinki_compliance.render.tables import scorecard_csv, scorecard_markdown, scorecard_table

ROWS = [
    obs(
        "j",
        "1986-03",
        "jamming",
        tags=["radio"],
        standing={"condition": "radio-jamming", "subject": "voa", "in_effect": True},
    ),
    obs("c1", "1986-04", "censorship", tags=["radio"]),
    obs("e1", "1986", "statistic", metric={"name": "emigration.persons", "value": 900, "unit": "persons"}),
]


@pytest.fixture
def corpus(tmp_path: Path) -> hc.Corpus:
    return hc.load(make_data(tmp_path / "d", ROWS))


def test_periods_after_the_as_of_date_are_not_yet_and_the_current_one_partial(corpus: hc.Corpus) -> None:
    card = hc.scorecard(corpus, states=["SU"], period="year", first=1986, last=1989, as_of=date(1987, 6, 30))
    # the carried jamming would have made 1988-1989 violations: a forecast
    for year in ("1988", "1989"):
        assert {card.cell("SU", c.id, year).status for c in card.commitments} == {"not-yet"}
        assert {card.groups[(s, g, p)].status for (s, g, p) in card.groups if p == year} == {"not-yet"}
        assert all(card.groups[(s, g, p)].score is None for (s, g, p) in card.groups if p == year)
    assert card.cell("SU", "t.broadcast", "1987").status == "violation"
    assert card.cell("SU", "t.broadcast", "1987").partial_period
    assert not card.cell("SU", "t.broadcast", "1986").partial_period
    assert card.groups[("SU", "overall", "1987")].partial_period
    # every format says so
    d = card.to_dict(corpus)
    periods = {p["id"]: p for p in d["periods"]}
    assert periods["1988"]["not_yet"] and periods["1987"]["partial_period"] and not periods["1986"]["partial_period"]
    assert {c["status"] for c in d["cells"] if c["period"] == "1989"} == {"not-yet"}
    rows = list(csv.DictReader(io.StringIO(scorecard_csv(card))))
    assert {r["status"] for r in rows if r["period"] == "1988"} == {"not-yet"}
    assert {r["partial_period"] for r in rows if r["period"] == "1987"} == {"yes"}
    table = scorecard_table(card)
    assert " 87^" in table and "~ not yet" in table
    md = scorecard_markdown(card)
    assert "| 87^ |" in md and "~" in md


def test_explain_says_not_yet(tmp_path: Path) -> None:
    root = make_data(tmp_path / "e", ROWS)
    args = ["--data", str(root), "explain", "t.broadcast", "--state", "SU", "--period", "1988", "--as-of", "1987-12-31"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "STATUS: not-yet" in r.output and "nothing is forecast" in r.output
    r = CliRunner().invoke(main, [*args[:7], "1987", "--as-of", "1987-06-30", "--format", "json"])
    assert json.loads(r.output)["partial_period"] is True


def test_named_example_su_1985_1991_as_of_1987() -> None:
    """`scorecard --state SU --from 1985 --to 1991 --as-of 1987-12-31` gave 73 statuses and 16 group scores for 1988-1991."""
    r = CliRunner().invoke(
        main,
        [
            "--data",
            str(REPO),
            "scorecard",
            "--state",
            "SU",
            "--from",
            "1985",
            "--to",
            "1991",
            "--as-of",
            "1987-12-31",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    later = ("1988", "1989", "1990", "1991")
    assert {c["status"] for c in d["cells"] if c["period"] in later} == {"not-yet"}
    assert [g for g in d["groups"] if g["period"] in later and g["score"] is not None] == []
    assert any(c["status"] == "violation" for c in d["cells"] if c["period"] == "1987")

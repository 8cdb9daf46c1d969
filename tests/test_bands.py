"""Method 3, point 10 (issue #23): sensitivity bands. Every basket and overall score carries the range
of its score under the documented alternative method choices, in every format; the overview orders
states only where the bands separate."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import helsinki_compliance as hc
from conftest import REPO, jam, make_data, obs
from helsinki_compliance.engine.bands import variants
from helsinki_compliance.engine.evaluation import Evaluator, group_scores
from helsinki_compliance.engine.staleness import Method
from helsinki_compliance.render import summary
from helsinki_compliance.render.tables import scorecard_csv, scorecard_markdown, scorecard_table

AS_OF = date(1991, 12, 31)


ROWS = [
    jam("rferl", "1984-05", "rferl", True),  # 6 years before 1990: in at horizon 8, out at 3 and 5
    jam("voa-end", "1989-05", "voa", False),
    obs("ban", "1990-02", "censorship", tags=["radio"]),
    obs("e88", "1990", "statistic", metric={"name": "emigration.persons", "value": 5000, "unit": "persons"}),
    obs("arrest", "1990-06", "arrest", tags=["monitor"]),
]


@pytest.fixture
def card_and_corpus(tmp_path: Path) -> tuple[Any, hc.Corpus]:
    corpus = hc.load(make_data(tmp_path / "d", ROWS))
    return hc.scorecard(corpus, states=["SU"], period="year", first=1990, last=1990, as_of=AS_OF), corpus


def test_the_band_is_the_range_over_the_twelve_variants(card_and_corpus: tuple[Any, hc.Corpus]) -> None:
    card, corpus = card_and_corpus
    g = card.groups[("SU", "overall", "1990")]
    assert g.score is not None and g.band is not None
    lo, hi = g.band
    assert lo <= g.score <= hi and lo < hi  # the horizon and the weights move this score
    assert len(variants()) == 12
    periods = hc.api.periods(corpus, "year", 1990, 1990)
    seen = []
    for m in variants():
        v = Evaluator(corpus, m).scorecard(["SU"], periods, AS_OF)
        score = group_scores(v)[("SU", "overall", "1990")].score
        if score is not None:
            seen.append(score)
    assert abs(min(seen) - lo) < 1e-9 and abs(max(seen) - hi) < 1e-9
    # the horizon at 3 years drops the 1984 report of RFE/RL jamming: the broadcast cell rises
    short = Evaluator(corpus, Method(horizon_years=3)).scorecard(["SU"], periods, AS_OF)
    assert short.cell("SU", "t.broadcast", "1990").score > card.cell("SU", "t.broadcast", "1990").score  # type: ignore[operator]


def test_bands_appear_in_every_format(card_and_corpus: tuple[Any, hc.Corpus]) -> None:
    card, corpus = card_and_corpus
    g = card.groups[("SU", "overall", "1990")]
    d = card.to_dict(corpus)
    overall = next(x for x in d["groups"] if x["group"] == "overall")
    assert overall["band"] == {"low": round(g.band[0], 4), "high": round(g.band[1], 4)}
    rows = list(csv.DictReader(io.StringIO(scorecard_csv(card))))
    row = next(r for r in rows if r["row"] == "overall")
    assert float(row["band_low"]) == pytest.approx(g.band[0], abs=1e-4) and row["band_high"]
    text = f"{round(g.band[0] * 100)}-{round(g.band[1] * 100)}"
    assert text in scorecard_table(card) and f"| band | {text} |" in scorecard_markdown(card)


def test_conflicts_resolved_conservatively_are_one_of_the_variants(tmp_path: Path) -> None:
    src = {
        "observations/more.yaml": {
            "sources": [
                {"id": "weak", "title": "W", "author": "W", "date": "1990", "kind": "press", "reliability": "low"}
            ]
        }
    }
    rows = [
        *ROWS,
        obs(
            "big",
            "1990",
            "statistic",
            fact="em88",
            metric={"name": "emigration.persons", "value": 20000, "unit": "persons"},
            source="weak",
        ),
    ]
    rows[3] = {**rows[3], "fact": "em88"}
    corpus = hc.load(make_data(tmp_path / "c", rows, extra=src))
    periods = hc.api.periods(corpus, "year", 1990, 1990)
    rel = Evaluator(corpus).scorecard(["SU"], periods, AS_OF).cell("SU", "t.emigration", "1990")
    con = (
        Evaluator(corpus, Method(conflicts="conservative"))
        .scorecard(["SU"], periods, AS_OF)
        .cell("SU", "t.emigration", "1990")
    )
    # a reliable 5,000 is kept either way; a more reliable but larger figure would lose conservatively
    assert rel.observations == con.observations == ["e88"]
    rows[3] = {**rows[3], "source": "weak"}
    rows[-1] = {**rows[-1], "source": "src"}
    corpus = hc.load(make_data(tmp_path / "c2", rows, extra=src))
    rel = Evaluator(corpus).scorecard(["SU"], periods, AS_OF).cell("SU", "t.emigration", "1990")
    con = (
        Evaluator(corpus, Method(conflicts="conservative"))
        .scorecard(["SU"], periods, AS_OF)
        .cell("SU", "t.emigration", "1990")
    )
    assert rel.observations == ["big"] and con.observations == ["e88"]


def test_the_overview_orders_states_only_where_bands_separate(card_and_corpus: tuple[Any, hc.Corpus]) -> None:
    card, _ = card_and_corpus
    g = card.groups[("SU", "overall", "1990")]
    card.states = ["SU", "PL", "HU"]
    card.groups[("PL", "overall", "1990")] = replace(g, state="PL", score=0.80, band=(0.70, 0.90))
    card.groups[("HU", "overall", "1990")] = replace(g, state="HU", score=0.75, band=(0.60, 0.78))
    card.groups[("SU", "overall", "1990")] = replace(g, score=0.30, band=(0.20, 0.40))
    assert summary.band_groups(card, "1990", ["PL", "HU", "SU"]) == [["PL", "HU"], ["SU"]]
    sentence = summary._ordered_sentence(card, "1990", ["PL", "HU", "SU"])
    assert "tied: PL 80 (band 70-90), HU 75 (band 60-78); then SU 30 (band 20-40)" in sentence
    assert "not a ranking" in sentence


def test_the_engines_agree_on_bands(card_and_corpus: tuple[Any, hc.Corpus]) -> None:
    pytest.importorskip("duckdb")
    card, corpus = card_and_corpus
    got = hc.scorecard(corpus, states=["SU"], period="year", first=1990, last=1990, as_of=AS_OF, engine="duckdb")
    assert got.groups == card.groups and got.cells == card.cells


def test_bands_on_the_bundled_corpus_equal_a_full_evaluation_of_every_variant() -> None:
    """The cheap paths (re-combined weights, standing rules only for the horizon) give what evaluating
    every variant in full gives."""
    corpus = hc.load(REPO)
    card = hc.scorecard(corpus, states=["SU", "CS"], period="year", first=1986, last=1991, as_of=AS_OF)
    periods = hc.api.periods(corpus, "year", 1986, 1991)
    full = [group_scores(Evaluator(corpus, m).scorecard(["SU", "CS"], periods, AS_OF)) for m in variants()]
    for key, g in card.groups.items():
        if g.score is None:
            assert g.band is None
            continue
        seen = [g.score] + [v[key].score for v in full if v[key].score is not None]
        assert g.band is not None
        assert abs(g.band[0] - min(seen)) < 1e-9 and abs(g.band[1] - max(seen)) < 1e-9, key

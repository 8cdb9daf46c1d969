"""Acceptance tests of the documented record (issue #24): the end of the story 1988-1991 for the seven
Warsaw Pact states, and every named person's detention either ended or shown to continue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import REPO, make_data, obs
from helsinki_compliance.api import by_state_year
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine.detentions import open_detentions

#: state -> the years 1988-1991 it existed in (the GDR joined the FRG on 3 October 1990)
YEARS = {s: range(1988, 1992) for s in ("SU", "PL", "CS", "HU", "RO", "BG")} | {"DD": range(1988, 1991)}

#: Named detentions whose end no source found by the search tool gives, after about 15 look-ups each (issue
#: #24's closing note): Felix Serebrov (SU, sentenced 1981 to four years of camp and five of exile) and Rusai
#: (HU, held for psychiatric treatment from 1987). `validate` warns about both; a source that ends either
#: must remove it from here, and no other detention may be left open.
NO_SOURCE_FOUND = {("SU", "imprisonment", "serebrov"), ("HU", "imprisonment", "rusai")}


@pytest.fixture(scope="module")
def corpus() -> hc.Corpus:
    return hc.load(REPO)


@pytest.mark.parametrize("state", sorted(YEARS))
def test_every_state_has_twelve_observations_a_year_1988_1991_from_two_kinds_of_source(
    corpus: hc.Corpus, state: str
) -> None:
    table = by_state_year(corpus)[state]
    counts = {
        y: (table.get(str(y), {}).get("observations", 0), table.get(str(y), {}).get("source_kinds", 0))
        for y in YEARS[state]
    }
    assert all(n >= 12 and kinds >= 2 for n, kinds in counts.values()), counts


def test_no_named_detention_is_left_open_on_evidence_older_than_1989(corpus: hc.Corpus) -> None:
    left_open = {
        (d.state, d.condition, d.subject) for d in open_detentions(corpus, horizon_years=0, clock=date(1989, 1, 1))
    }
    assert left_open == NO_SOURCE_FOUND


def jailed(oid: str, subject: str, when: str, in_effect: bool = True, **more: object) -> dict[str, object]:
    standing = {"condition": "imprisonment", "subject": subject, "in_effect": in_effect, **more}
    return obs(oid, when, "arrest" if in_effect else "release", cases=[subject], standing=standing)


def test_a_detention_left_open_is_found_and_an_ended_one_is_not(tmp_path: Path) -> None:
    """The check could fail: a person jailed in 1980 with no later report is found; one released, one freed
    by a general amnesty and one reported still held in 1990 are not."""
    cases = {
        "cases": [
            {"id": c, "name": c.title(), "state": s}
            for c, s in (("anna", "SU"), ("boris", "SU"), ("carl", "PL"), ("dora", "SU"))
        ]
    }
    amnesty = obs(
        "amnesty",
        "1987",
        "release",
        state="PL",
        standing={"condition": "imprisonment", "in_effect": False, "all_subjects": True},
    )
    root = make_data(
        tmp_path,
        [
            jailed("a", "anna", "1980"),
            jailed("b1", "boris", "1980"),
            jailed("b2", "boris", "1986", in_effect=False, ended_by="released"),
            {**jailed("c", "carl", "1981"), "state": "PL"},
            amnesty,
            jailed("d1", "dora", "1980"),
            jailed("d2", "dora", "1990"),
        ],
        extra={"observations/cases.yaml": cases},
    )
    found = open_detentions(hc.load(root), clock=date(1991, 12, 31))
    assert [(d.state, d.subject) for d in found] == [("SU", "anna")]
    r = CliRunner().invoke(main, ["--data", str(root), "validate"])
    assert "imprisonment of anna is left open" in r.output and "of boris" not in r.output

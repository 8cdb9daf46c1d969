"""Issue #18: a first-time user adds evidence with commands only; errors in the user's terms; diff;
the vocabulary/states/sources commands; the report's summary, shading and merged periods."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import REPO
from helsinki_compliance import api
from helsinki_compliance.cli.main import main
from helsinki_compliance.cli.reader import complete
from helsinki_compliance.model.dates import DateError, iso_from_user, parse_date
from helsinki_compliance.render.reports import shade

SOURCE = [
    "--id",
    "nyt-1989-01-17",
    "--title",
    "Prague police break up Palach anniversary rally",
    "--author",
    "The New York Times",
    "--date",
    "1989-01-17",
    "--kind",
    "Press",
    "--reliability",
    "Medium",
]
OBS = ["--kind", "arrest", "--source", "nyt-1989-01-17", "--locator", "p. A1", "--quote", "Police detained dozens."]


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    r = cli("init", str(tmp_path / "mine"))
    assert r.exit_code == 0, r.output
    return tmp_path / "mine"


# ---------------------------------------------------------------- adding evidence with commands only


@pytest.mark.slow
def test_a_first_time_user_adds_a_source_and_a_1989_observation_with_commands_only(mine: Path) -> None:
    d = ["--data", str(mine)]
    # --help tells which fields are required and how to register a source
    help_text = cli(*d, "observe", "add", "--help").output
    for flag in ("--state", "--date", "--kind", "--source", "--locator", "--quote"):
        assert re.search(rf"{flag} \S*\s+\[required\]", help_text), flag
    assert "source add" in help_text and "[optional" in help_text
    assert "[required]" in cli(*d, "source", "add", "--help").output
    # the words: states, kinds, sources
    states = json.loads(cli(*d, "states", "--format", "json").output)
    assert {"code": "CS", "name": "Czechoslovakia"}.items() <= next(s for s in states if s["code"] == "CS").items()
    assert "arrest" in json.loads(cli(*d, "vocabulary", "--format", "json").output)["kinds"]
    # register the source (case-insensitive words), then the observation with the minimal fields
    r = cli(*d, "source", "add", *SOURCE)
    assert r.exit_code == 0, r.output
    assert "nyt-1989-01-17" in [s["id"] for s in json.loads(cli(*d, "sources", "--format", "json").output)]
    again = cli(*d, "source", "add", *SOURCE)
    assert again.exit_code == 2 and "already registered" in again.output
    r = cli(*d, "observe", "add", "--state", "CS", "--date", "16/01/1989", *OBS)
    assert r.exit_code == 0, r.output
    assert "inferred: date 1989-01-16" in r.output and "inferred: confidence medium" in r.output
    assert "inferred: dated_by" in r.output
    corpus = hc.load(mine)
    added = [o for o in corpus.observations if o.source == "nyt-1989-01-17"]
    assert len(added) == 1 and added[0].date.text == "1989-01-16" and added[0].state == "CS"
    assert corpus.sources["nyt-1989-01-17"].reliability == "medium"


def test_source_add_validates_and_writes_nothing_on_error(mine: Path) -> None:
    before = (mine / "observations" / "sources.yaml").read_text(encoding="utf-8")
    r = cli(
        "--data",
        str(mine),
        "source",
        "add",
        *SOURCE[:-6],
        "--date",
        "sometime",
        "--kind",
        "press",
        "--reliability",
        "high",
    )
    assert r.exit_code == 2 and "date" in r.output and "Traceback" not in r.output
    assert (mine / "observations" / "sources.yaml").read_text(encoding="utf-8") == before


# ---------------------------------------------------------------- errors in the user's terms


@pytest.mark.parametrize(
    ("text", "iso"),
    [("16/01/1989", "1989-01-16"), ("16.1.1989", "1989-01-16"), ("January 1989", "1989-01"), ("31/02/1989", None)],
)
def test_dates_as_people_write_them(text: str, iso: str | None) -> None:
    assert iso_from_user(text) == iso
    with pytest.raises(DateError) as err:
        parse_date(text)
    if iso:
        assert f"did you mean {iso!r}" in str(err.value)


@pytest.mark.slow
def test_observe_add_errors_in_the_users_terms(mine: Path) -> None:
    d = ["--data", str(mine)]
    assert cli(*d, "source", "add", *SOURCE).exit_code == 0
    r = cli(*d, "observe", "add", "--state", "CS", "--date", "January 1989", *OBS, "--dry-run")
    assert r.exit_code == 0 and "inferred: date 1989-01" in r.output
    r = cli(*d, "observe", "add", "--state", "CS", "--date", "1989-01-16", *OBS, "--commitment", "Principle VII")
    assert r.exit_code == 2 and "hfa.p7.human-rights" in r.output and "pattern" not in r.output
    r = cli(*d, "observe", "add", "--state", "CZ", "--date", "1989-01-16", *OBS)
    assert r.exit_code == 2 and "1993-01-01" in r.output and "CS (Czechoslovakia)" in r.output
    r = cli(*d, "observe", "add", "--state", "CS", "--date", "1989-01-16", *OBS[:2], "--source", "nope", *OBS[4:])
    assert r.exit_code == 2 and "source add" in r.output


@pytest.mark.slow
def test_import_matches_vocabulary_case_insensitively(mine: Path) -> None:
    assert cli("--data", str(mine), "source", "add", *SOURCE).exit_code == 0
    rows = mine / "rows.csv"
    rows.write_text(
        "date,dated_by,state,kind,source,locator,quote,confidence\n"
        "1989-01-16,16 January,CS,Arrest,nyt-1989-01-17,p. 2,Police detained students.,Medium\n",
        encoding="utf-8",
    )
    r = cli("--data", str(mine), "observe", "import", str(rows))
    assert r.exit_code == 0, r.output
    got = [o for o in hc.load(mine).observations if o.locator == "p. 2"]
    assert got and got[0].kind == "arrest" and got[0].confidence == "medium"


def test_completion_offers_ids_from_the_corpus() -> None:
    ctx = main.make_context("helsinki-compliance", ["--data", str(REPO), "states"])
    states = [c.value for c in complete("states")(ctx, main.params[0], "c")]
    assert "CS" in states and "CZ" in states and all(s.startswith("C") for s in states)
    assert "hfa.p7.religion" in [c.value for c in complete("commitments")(ctx, main.params[0], "hfa.p7")]
    assert "arrest" in [c.value for c in complete("kinds")(ctx, main.params[0], "ar")]


# ---------------------------------------------------------------- diff


@pytest.mark.slow
def test_diff_lists_cells_and_goals_with_the_observations_that_moved_them() -> None:
    corpus = hc.load(REPO)
    d = api.diff(corpus, states=["SU"], before=date(1987, 12, 31), after=date(1988, 12, 31))
    broadcast = [c for c in d["cells"] if c["commitment"] == "hfa.b3.info.broadcast" and c["period"] == "1988"]
    assert broadcast and broadcast[0]["added"] and broadcast[0]["before"] != broadcast[0]["after"]
    assert all(c["before"] != c["after"] for c in d["cells"])
    assert d["goals"] and all(g["before"] != g["after"] for g in d["goals"])
    with pytest.raises(hc.UsageError):
        api.diff(corpus, states=["SU"], before=date(1989, 1, 1), after=date(1988, 1, 1))
    r = cli("--data", str(REPO), "diff", "--as-of", "1987-12-31", "--as-of", "1988-12-31", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output)["cells"] == json.loads(json.dumps(d["cells"]))
    text = cli("--data", str(REPO), "diff", "--as-of", "1987-12-31", "--as-of", "1988-12-31").output
    assert "hfa.b3.info.broadcast" in text and "+ " in text
    assert cli("--data", str(REPO), "diff", "--as-of", "1987-12-31").exit_code == 2


# ---------------------------------------------------------------- report pieces


def test_shade_separates_scores_within_a_status() -> None:
    assert shade("violation", 0.0) != shade("violation", 0.33)
    assert shade("compliant", 1.0) != shade("compliant", 0.8)
    assert shade("not-assessed", None) == ""

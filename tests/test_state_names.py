"""States as people write them (issue #22, item 4): names and aliases in any case, wherever a state
is taken; a code outside its membership dates is refused with the dates and the state meant;
suggestions rank by name, never by a code sharing the first letters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, make_data, obs
from helsinki_compliance import api as hc
from helsinki_compliance.cli.main import main
from helsinki_compliance.model.states import suggest_state


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def corpus() -> hc.Corpus:
    return hc.load(REPO)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("USSR", "SU"),
        ("ussr", "SU"),
        ("U.S.S.R.", "SU"),
        ("Soviet Union", "SU"),
        ("soviet union", "SU"),
        ("GDR", "DD"),
        ("East Germany", "DD"),
        ("DDR", "DD"),
        ("Czechoslovakia", "CS"),
        ("ČSSR", "CS"),
        ("CSSR", "CS"),
        ("cssr", "CS"),
        ("FRG", "DE"),
        ("West Germany", "DE"),
        ("Yugoslavia", "YU"),
        ("poland", "PL"),
        ("Poland", "PL"),
        ("pl", "PL"),
        ("Union of Soviet Socialist Republics", "SU"),
        ("united kingdom", "GB"),
        ("UK", "GB"),
    ],
)
def test_a_state_by_name_or_alias_in_any_case(corpus: hc.Corpus, written: str, code: str) -> None:
    assert hc.resolve_states(corpus, [written]) == [code]


def test_the_aliases_are_data_in_states_yaml() -> None:
    raw = yaml.safe_load((REPO / "commitments" / "states.yaml").read_text(encoding="utf-8"))
    by_code = {s["code"]: s for s in raw["states"]}
    assert {"USSR", "Soviet Union"} <= set(by_code["SU"]["aliases"])
    assert {"GDR", "East Germany", "DDR"} <= set(by_code["DD"]["aliases"])
    assert {"ČSSR", "CSSR"} <= set(by_code["CS"]["aliases"])
    assert {"FRG", "West Germany"} <= set(by_code["DE"]["aliases"])
    schema = json.loads((REPO / "schemas" / "states.schema.json").read_text(encoding="utf-8"))
    assert "aliases" in json.dumps(schema)


def test_every_command_takes_a_name(tmp_path: Path) -> None:
    by_code = run("--data", str(REPO), "scorecard", "--state", "SU", "--format", "json", "--as-of", "1991-12-31")
    by_name = run("--data", str(REPO), "scorecard", "--state", "ussr", "--format", "json", "--as-of", "1991-12-31")
    assert by_code.exit_code == 0 and by_name.exit_code == 0, by_name.output
    assert by_code.output == by_name.output
    r = run("--data", str(REPO), "explain", "hfa.b3.info.broadcast", "--state", "Soviet Union", "--period", "1988")
    assert r.exit_code == 0, r.output
    r = run("--data", str(REPO), "observe", "list", "--state", "east germany", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert rows and {row["state"] for row in rows} == {"DD"}
    r = run("--data", str(REPO), "stats", "--by-year", "--state", "GDR")
    assert r.exit_code == 0 and "DD " in r.output and "SU " not in r.output, r.output
    r = run("--data", str(REPO), "diff", "--as-of", "1986", "--as-of", "1988", "--state", "USSR")
    assert r.exit_code == 0, r.output
    r = run("--data", str(REPO), "commitments", "--state", "czechoslovakia")
    assert r.exit_code == 0, r.output


def test_observe_add_takes_a_name_and_writes_the_code(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d", [obs("a", "1980-01-01", "arrest")])
    r = run(
        "--data", str(root), "observe", "add", "--state", "East Germany", "--date", "1980-02-01",
        "--kind", "arrest", "--source", "src", "--locator", "p. 2", "--quote", "a quote", "--confidence", "high",
        "--dated-by", "1 February 1980",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    written = yaml.safe_load((root / "observations" / "obs.yaml").read_text(encoding="utf-8"))["observations"]
    assert [o["state"] for o in written] == ["SU", "DD"]


def test_an_unknown_state_suggests_by_name_not_by_code(corpus: hc.Corpus) -> None:
    for typo, meant in (
        ("USSSR", "SU"),
        ("Sovet Union", "SU"),
        ("GDRR", "DD"),
        ("East Germani", "DD"),
        ("Czechoslovakija", "CS"),
        ("Polnd", "PL"),
    ):
        hint = suggest_state(corpus.states, typo)
        assert f"did you mean {meant} (" in hint, (typo, hint)
    r = run("--data", str(REPO), "scorecard", "--state", "USSRR")
    assert r.exit_code == 2
    assert "'US'" not in r.output and "US (" not in r.output and "SU (Union of Soviet" in r.output, r.output
    r = run("--data", str(REPO), "scorecard", "--state", "GDRR")
    assert r.exit_code == 2 and "GR" not in r.output.replace("GDRR", "") and "DD (German" in r.output, r.output


def test_a_code_outside_its_membership_names_the_dates_and_the_state_meant() -> None:
    r = run("--data", str(REPO), "scorecard", "--state", "CZ", "--from", "1989", "--to", "1989")
    assert r.exit_code == 2
    assert (
        "CZ (Czech Republic) is a participating state from 1993-01-01; for 1989 you probably mean CS (Czechoslovakia)"
        in r.output
    ), r.output
    r = run("--data", str(REPO), "scorecard", "--state", "USSR", "--from", "1995", "--to", "1996")
    assert r.exit_code == 2
    assert (
        "SU (Union of Soviet Socialist Republics) was a participating state from 1975-08-01 to 1991-12-25" in r.output
    )
    assert "for 1995-1996 you probably mean RU (Russian Federation)" in r.output
    r = run("--data", str(REPO), "explain", "hfa.b3.info.broadcast", "--state", "DD", "--period", "1995")
    assert r.exit_code == 2 and "you probably mean DE (" in r.output, r.output
    r = run("--data", str(REPO), "report", "--state", "CZ", "--from", "1989", "--to", "1989", "--out", "x")
    assert r.exit_code == 2 and "1993-01-01" in r.output, r.output
    # a span that meets the membership is fine (the cells before joining are simply not in force)
    r = run("--data", str(REPO), "scorecard", "--state", "CZ", "--from", "1990", "--to", "1994")
    assert r.exit_code == 0, r.output


def test_observe_add_outside_membership_names_the_state_meant(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    r = run(
        "--data", str(root), "observe", "add", "--state", "cz", "--date", "1989-05-01", "--kind", "arrest",
        "--source", "src", "--locator", "p. 2", "--quote", "a quote", "--dry-run",
    )  # fmt: skip
    assert r.exit_code == 2
    assert "for 1989-05-01 you probably mean CS (Czechoslovakia)" in r.output, r.output


def test_an_alias_naming_two_states_is_refused(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    states = root / "commitments" / "states.yaml"
    text = states.read_text(encoding="utf-8")
    assert '    aliases: ["RUS", "Russia"]' in text
    states.write_text(text.replace('["RUS", "Russia"]', '["Soviet Union", "US"]'), encoding="utf-8")
    r = run("--data", str(root), "validate")
    assert r.exit_code == 2
    assert "aliases[0]: 'Soviet Union' already names SU" in r.output, r.output
    assert "aliases[1]: 'US' is the code of another state" in r.output, r.output

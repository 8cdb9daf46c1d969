"""Every validation error class, each printed as FILE:LINE: path: message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import helsinki_compliance as hc
from conftest import make_data, obs


def problems(root: Path, **kw) -> list[str]:
    with pytest.raises(hc.DataError) as e:
        hc.load(root, **kw)
    return [str(p) for p in e.value.problems]


def test_unknown_field_has_did_you_mean(tmp_path: Path) -> None:
    root = make_data(tmp_path, [obs("a", "1977", "arrest", tgas=["monitor"])])
    assert problems(root) == ["observations/obs.yaml:11: observations[0].tgas: unknown field (did you mean 'tags'?)"]


def test_impossible_date(tmp_path: Path) -> None:
    root = make_data(tmp_path, [obs("a", "1977-02-30", "arrest")])
    (msg,) = problems(root)
    assert msg.startswith("observations/obs.yaml:3: observations[0].date: '1977-02-30' is not a valid date")


def test_missing_required_field_and_wrong_type(tmp_path: Path) -> None:
    o = obs("a", "1977", "arrest")
    del o["quote"]
    o["tags"] = "monitor"
    msgs = problems(make_data(tmp_path, [o]))
    assert any(m.endswith("observations[0].quote: required field is missing") for m in msgs)
    assert any("observations[0].tags:" in m for m in msgs)


def test_unknown_references_name_the_field_with_suggestions(tmp_path: Path) -> None:
    root = make_data(
        tmp_path, [obs("a", "1977", "arest", state="SX", source="srcc", tags=["monitr"], cases=["nobody"])]
    )
    msgs = problems(root)
    assert "observations/obs.yaml:5: observations[0].state: unknown state 'SX'" in " ".join(msgs) or any(
        ".state: unknown state 'SX'" in m for m in msgs
    )
    assert any(".kind: unknown observation kind 'arest' (did you mean 'arrest'?)" in m for m in msgs)
    assert any(".source: unknown source 'srcc' (did you mean 'src'?)" in m for m in msgs)
    assert any(".tags[0]: unknown tag 'monitr' (did you mean 'monitor'?)" in m for m in msgs)
    assert any(".cases[0]: unknown case 'nobody'" in m for m in msgs)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    root = make_data(
        tmp_path,
        [obs("a", "1977", "arrest")],
        extra={"observations/more.yaml": {"observations": [obs("a", "1978", "arrest")]}},
    )
    (msg,) = problems(root)
    # files are read in sorted order, so more.yaml is first
    assert (
        "observations/obs.yaml:2: observations[0].id: duplicate id 'a' (first defined at observations/more.yaml:2)"
        == msg
    )


def test_future_dates_are_errors(tmp_path: Path) -> None:
    root = make_data(tmp_path, [obs("a", "2030", "arrest")])
    (msg,) = problems(root, today=date(2026, 1, 1))
    assert "is in the future" in msg


def test_metric_unit_must_match(tmp_path: Path) -> None:
    root = make_data(
        tmp_path, [obs("a", "1977", "statistic", metric={"name": "emigration.persons", "value": 5, "unit": "people"})]
    )
    (msg,) = problems(root)
    assert msg.endswith(
        "observations[0].metric.unit: unit 'people' does not match metric emigration.persons (expected 'persons')"
    )


def test_range_that_ends_before_it_starts(tmp_path: Path) -> None:
    (msg,) = problems(make_data(tmp_path, [obs("a", "1978/1977", "arrest")]))
    assert "the range ends before it starts" in msg


def test_rule_errors(tmp_path: Path) -> None:
    bad = {
        "id": "t.bad",
        "instrument": "hfa-1975",
        "section": "s",
        "title": "t",
        "summary": "s",
        "basket": "III",
        "chapter": "c",
        "rules": [
            {
                "id": "r1",
                "kind": "event",
                "match": {"kinds": ["arrest"], "where": {"field": "colour", "op": "eq", "value": 1}},
                "status": "violation",
            },
            {
                "id": "r2",
                "kind": "metric",
                "metric": "emigration.persons",
                "thresholds": [{"op": "ge", "value": "many", "status": "compliant"}],
            },
            {"id": "r3", "kind": "standing", "condition": "radio-jaming"},
            {"id": "r4", "kind": "evnt", "status": "violation"},
        ],
    }
    msgs = problems(make_data(tmp_path, [], commitments=[bad]))
    text = "\n".join(msgs)
    assert "commitments[0].rules[0].match.where.field:" in text
    assert "commitments[0].rules[1].thresholds[0].value:" in text
    assert "unknown kind 'evnt'" in text
    # r3 passes the model stage; its unknown condition is reported once models are clean
    good = dict(bad, rules=[bad["rules"][2]])
    (msg,) = problems(make_data(tmp_path / "2", [], commitments=[good]))
    assert msg.endswith(
        "commitments[0].rules[0].condition: unknown condition 'radio-jaming' (did you mean 'radio-jamming'?)"
    )


def test_conflicting_rules_are_errors(tmp_path: Path) -> None:
    r = {"id": "a", "kind": "event", "match": {"kinds": ["arrest"]}, "status": "violation"}
    c = {
        "id": "t.c",
        "instrument": "hfa-1975",
        "section": "s",
        "title": "t",
        "summary": "s",
        "basket": "III",
        "chapter": "c",
        "rules": [r, dict(r, id="b", status="compliant")],
    }
    (msg,) = problems(make_data(tmp_path, [], commitments=[c]))
    assert "conflicts with another rule" in msg


@pytest.mark.parametrize(
    "content,expected",
    [
        ("", "file is empty"),
        ("- a\n- b\n", "expected a mapping with one top-level key, found a list"),
        ("observations:\n  id: x\n", "observations: expected a list of items, found a mapping"),
        ("observatons: []\n", "unknown file kind (did you mean 'observations'?)"),
        ("observations:\n\t- id: x\n", "YAML syntax"),
        ("observations: [\n", "YAML syntax"),
        ("x: !!python/object:os.system 1\n", "is not allowed"),
    ],
)
def test_structure_errors(tmp_path: Path, content: str, expected: str) -> None:
    root = make_data(tmp_path, [], extra={"observations/bad.yaml": content})
    (msg,) = problems(root)
    assert msg.startswith("observations/bad.yaml:") and expected in msg


def test_warning_for_observation_before_its_commitment_was_in_force(tmp_path: Path) -> None:
    corpus = hc.load(make_data(tmp_path, [obs("a", "1980", "arrest", tags=["monitor"], commitments=["t.monitors"])]))
    assert any("dated before t.monitors was in force" in str(w) for w in corpus.warnings)


def test_warning_for_observation_no_rule_reads(tmp_path: Path) -> None:
    corpus = hc.load(make_data(tmp_path, [obs("a", "1980", "election")]))
    assert [str(w) for w in corpus.warnings] == [
        "observations/obs.yaml:6: observations[0].kind: warning: no rule reads an observation of kind 'election' with these tags (and it cites no commitment)"
    ]

"""The data fields of method 3: how a condition ended, endings for every subject, attribution, copies of sources."""

from __future__ import annotations

from pathlib import Path

import pytest

import helsinki_compliance as hc
from conftest import make_data, obs


def problems(root: Path) -> list[str]:
    with pytest.raises(hc.DataError) as e:
        hc.load(root)
    return [str(p) for p in e.value.problems]


def ended(**standing: object) -> dict[str, object]:
    return obs("a", "1988", "release", standing={"condition": "imprisonment", "in_effect": False, **standing})


def test_an_ending_reason_is_a_word_of_the_vocabulary(tmp_path: Path) -> None:
    root = make_data(tmp_path, [ended(subject="x", ended_by="relased")])
    (msg,) = problems(root)
    assert "observations[0].standing.ended_by: unknown ending 'relased'" in msg
    assert "released" in msg  # did you mean


def test_every_ending_of_the_bundled_vocabulary_has_an_effect() -> None:
    corpus = hc.load(Path(__file__).resolve().parents[1])
    endings = corpus.vocabulary.endings
    assert {"released", "died-in-custody", "expelled-abroad", "amnesty"} <= set(endings)
    assert endings["died-in-custody"].effect == "violation"
    assert endings["expelled-abroad"].effect == "violation"
    assert endings["released"].effect == "compliant"


@pytest.mark.parametrize(
    ("standing", "message"),
    [
        ({"in_effect": True, "subject": "x", "ended_by": "released"}, "'ended_by' is only meaningful"),
        ({"all_subjects": True, "subject": "x"}, "'all_subjects' is only meaningful"),
        ({"all_subjects": True, "in_effect": True}, "'all_subjects' is only meaningful"),
    ],
)
def test_endings_only_where_they_mean_something(tmp_path: Path, standing: dict[str, object], message: str) -> None:
    root = make_data(tmp_path, [ended(**standing)])
    assert any(message in m for m in problems(root))


def test_an_ending_for_every_subject_and_an_attribution_load(tmp_path: Path) -> None:
    attributed = obs("b", "1983", "official-statement", attribution={"type": "claim", "by": "Soviet government"})
    root = make_data(tmp_path, [ended(all_subjects=True, ended_by="amnesty"), attributed])
    corpus = hc.load(root)
    a, b = sorted(corpus.observations, key=lambda o: o.id)
    assert a.standing is not None and a.standing.all_subjects and a.standing.ended_by == "amnesty"
    assert b.attribution is not None and b.attribution.type == "claim"


def test_an_attribution_names_its_type(tmp_path: Path) -> None:
    root = make_data(tmp_path, [obs("b", "1983", "official-statement", attribution={"type": "rumour", "by": "x"})])
    assert any("observations[0].attribution.type" in m for m in problems(root))

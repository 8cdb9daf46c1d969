"""The rapidyaml fast path gives exactly the data and item lines of the safe reader, or stands aside."""

from __future__ import annotations

from pathlib import Path

import pytest

import helsinki_compliance as hc
from helsinki_compliance.load import files as loading
from helsinki_compliance.load import yaml_reader
from helsinki_compliance.tools.synth import synthesize

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not yaml_reader.fast_available(), reason="rapidyaml is not installed")

OBS = (
    "# a comment\n"
    "observations:\n"
    "  - id: a.one\n"
    '    date: "1977-02-03"\n'
    "    state: NO\n"
    "    tags: [monitor, radio]\n"
    "    metric: {name: m, value: 10000, unit: persons}\n"
    "    note: >-\n"
    "      folded\n"
    "      text\n"
    "  - {id: a.two, date: '1980', state: SU, value: 0.5, claim: true, in_effect: false, none: null}\n"
    "  -   id: a.three\n"
    "      quote: \"it's 'quoted'\"\n"
)


def _same(raw: bytes) -> bool:
    """True when the fast path read ``raw``; asserts it read it exactly as the safe reader does."""
    fast = yaml_reader.load_fast(raw)
    if fast is None:
        return False
    slow = yaml_reader.load(raw)
    assert fast.data == slow.data
    assert all(type(a) is type(b) for a, b in zip(_leaves(fast.data), _leaves(slow.data), strict=True))
    for path, line in fast.positions.items():
        assert slow.line(path) == line, path
    return True


def _leaves(x: object) -> list[object]:
    if isinstance(x, dict):
        return [v for k in x for v in _leaves(x[k])]
    if isinstance(x, list):
        return [v for i in x for v in _leaves(i)]
    return [x]


def test_fast_path_reads_a_plain_observations_file_identically() -> None:
    assert _same(OBS.encode())
    doc = yaml_reader.load_fast(OBS.encode())
    assert doc is not None and doc.data["observations"][0]["state"] == "NO"
    assert doc.data["observations"][0]["date"] == "1977-02-03"
    assert [doc.line(("observations", i)) for i in range(3)] == [3, 11, 12]


@pytest.mark.parametrize(
    "value",
    [
        "~",
        "Null",
        "NULL",
        "True",
        "TRUE",
        "False",
        "FALSE",
        "1_000",
        "012",
        "+1",
        "+.5",
        ".inf",
        "-.Inf",
        ".nan",
        "!!str x",
        "!custom x",
        "&a x",
        "*a",
        '"a\\x41"',
    ],
)
def test_fast_path_stands_aside_where_the_readers_could_differ(value: str) -> None:
    raw = f"observations:\n  - id: x\n    v: {value}\n".encode()
    assert yaml_reader.load_fast(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        b"observations:\n  - id: x\n    id: y\n",  # duplicate key
        b"---\nobservations: []\n---\nobservations: []\n",  # two documents
        b"observations:\n  - id: x\n   bad: indent\n",  # syntax error: the safe reader reports it
        b"observations:\r\n  - id: x\r\n",  # CR LF
        b"\xef\xbb\xbfobservations: []\n",  # BOM
        b"commitments: []\n",  # only observations files take the fast path
        b"observations: {a: 1}\n",
        b"observations: [{id: x}, {id: y}]\n",  # items not on "- " lines: their lines are unknown
    ],
)
def test_fast_path_leaves_odd_files_to_the_safe_reader(raw: bytes) -> None:
    assert yaml_reader.load_fast(raw) is None


def test_real_and_synthetic_files_read_identically(tmp_path: Path) -> None:
    synthesize(hc.load(REPO), tmp_path / "s", observations=2000, seed=5)
    used = 0
    for root in (REPO, tmp_path / "s"):
        for path in loading.discover(root):
            used += _same(path.read_bytes())
    assert used > 50  # the synthetic observation files take the fast path


def test_problems_in_a_fast_file_have_the_safe_readers_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import make_data, obs

    root = make_data(tmp_path / "d", [obs("o.one", "1977-02-03", "arrest"), obs("o.two", "1977-13", "arest", extra=1)])
    path = next(p for p in loading.discover(root) if p.name == "obs.yaml")
    assert yaml_reader.load_fast(path.read_bytes()) is not None
    fast_parsed, fast_problems = loading.read_files(root, [path])
    monkeypatch.setattr(yaml_reader, "load_fast", lambda raw: None)
    slow_parsed, slow_problems = loading.read_files(root, [path])
    assert fast_problems == slow_problems and len(slow_problems) >= 2
    assert [o.line for o in fast_parsed[0].origins] == [o.line for o in slow_parsed[0].origins]


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ('quote: "bell \x07 here"', True),
        ('quote: "a line\u2028break"', False),  # accepted, but it moves line numbers: slow path
        ('quote: "c1 \u0090 control"', True),
        ("metric: {name: emigration.persons, value: " + "9" * 150 + ", unit: persons}", True),
        ("metric: {name: emigration.persons, value: 1e400, unit: persons}", True),
    ],
)
def test_inputs_the_safe_reader_treats_specially_never_take_the_fast_path(text: str, refused: bool) -> None:
    raw = f"observations:\n  - id: x\n    {text}\n".encode()
    assert yaml_reader.load_fast(raw) is None
    if refused:
        with pytest.raises(yaml_reader.YamlError):
            yaml_reader.load(raw)
    else:
        assert yaml_reader.load(raw).data["observations"][0]["id"] == "x"

"""The safe loader refuses what could execute, explode or mislead, with a line number."""

from __future__ import annotations

import time

import pytest

from helsinki_compliance.load import yaml_reader


def test_dates_and_norway_stay_strings() -> None:
    doc = yaml_reader.load("a: 1977-02-03\nb: NO\nc: yes\nd: 12\ne: 1.5\nf: null\ng: true\n")
    assert doc.data == {"a": "1977-02-03", "b": "NO", "c": "yes", "d": 12, "e": 1.5, "f": None, "g": True}


def test_positions_are_the_lines_of_keys_and_items() -> None:
    doc = yaml_reader.load("items:\n  - id: a\n    date: x\n  - id: b\n")
    assert doc.line(("items", 0, "date")) == 3
    assert doc.line(("items", 1)) == 4
    assert doc.line(("items", 1, "missing")) == 4


@pytest.mark.parametrize(
    "text", ["a: !!python/object/apply:os.system ['true']", "a: !custom x", "a: !!binary aGVsbG8="]
)
def test_tags_are_refused(text: str) -> None:
    with pytest.raises(yaml_reader.YamlError, match="tag .* is not allowed"):
        yaml_reader.load(text)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    t0 = time.perf_counter()
    with pytest.raises(yaml_reader.YamlError, match="alias bomb"):
        yaml_reader.load("\n".join(lines))
    assert time.perf_counter() - t0 < 2.0  # a bound, not a benchmark: expansion must not happen


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(yaml_reader.YamlError, match="deeper than"):
        yaml_reader.load("a: " + "[" * 5000 + "]" * 5000)


def test_duplicate_keys_are_refused_with_line() -> None:
    with pytest.raises(yaml_reader.YamlError) as e:
        yaml_reader.load("a: 1\nb: 2\na: 3\n")
    assert e.value.line == 3 and "duplicate key 'a'" in e.value.message


def test_bom_and_crlf_are_accepted() -> None:
    assert yaml_reader.load("\ufeffa: 1\r\nb: x\r\n".encode()).data == {"a": 1, "b": "x"}


def test_non_utf8_is_refused_with_line() -> None:
    with pytest.raises(yaml_reader.YamlError) as e:
        yaml_reader.load(b"a: 1\nb: \xff\xfe\n")
    assert e.value.line == 2 and "UTF-8" in e.value.message


def test_size_limit() -> None:
    with pytest.raises(yaml_reader.YamlError, match="limit"):
        yaml_reader.load(b"a: " + b"x" * 100, max_bytes=50)


def test_syntax_error_has_a_line() -> None:
    with pytest.raises(yaml_reader.YamlError) as e:
        yaml_reader.load("a: 1\nb: [1, 2\nc: 3\n")
    assert e.value.line >= 2 and e.value.message.startswith("YAML syntax")

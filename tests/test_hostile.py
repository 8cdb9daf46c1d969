"""Hostile and broken input (issue #9): every bad input is one ``FILE:LINE: field: message`` line
per problem and exit code 2, through the command line, with no traceback and nothing run.

Each test writes its bad file as literal YAML so that the expected line can be read off the test.
The loader's limits (size, nodes, depth, aliases) are measured here with bounds, not benchmarks.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
import textwrap
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import helsinki_compliance as hc
from conftest import make_data, obs
from helsinki_compliance.cli.main import main
from helsinki_compliance.load import yaml_reader

# ---------------------------------------------------------------- helpers

#: One valid observation; the line of each field is its line in the file (2 .. 10).
GOOD = """\
observations:
  - id: good
    date: "1977-02-03"
    dated_by: "On February 3, 1977"
    state: SU
    kind: arrest
    source: src
    locator: "p. 1"
    quote: "was arrested"
    confidence: high
"""


def cli(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data", str(root), *(args or ("validate",))])


def no_traceback(r: Result) -> None:
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


def refused(r: Result, file: str, line: int, field: str, message: str) -> str:
    """Assert exit 2 and a ``FILE:LINE: field: message`` line (field may be empty); return the line."""
    no_traceback(r)
    assert r.exit_code == 2, r.output
    prefix = f"{file}:{line}: " + (f"{field}: " if field else "")
    hits = [ln for ln in r.output.splitlines() if ln.startswith(prefix) and message in ln]
    assert hits, f"no line starting {prefix!r} containing {message!r} in:\n{r.output}"
    assert "nothing was written" in r.output.splitlines()[-1]
    return hits[0]


def with_file(tmp_path: Path, rel: str, content: str | bytes, **kw: object) -> Path:
    root = make_data(tmp_path / "data", **kw)  # type: ignore[arg-type]
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return root


def observation_file(tmp_path: Path, content: str | bytes) -> Path:
    return with_file(tmp_path, "observations/bad.yaml", content)


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# ---------------------------------------------------------------- malformed YAML and file shapes


@pytest.mark.parametrize(
    "content,line,message",
    [
        ("observations:\n\t- id: x\n", 2, "YAML syntax"),  # a tab
        ("observations:\n  - id: x\n     date: y\n", 3, "YAML syntax: mapping values are not allowed"),  # indentation
        ('observations:\n  - id: "x\n    date: "1977"\n', 3, "YAML syntax"),  # unclosed quote
        ("observations: [\n  a,\n", 3, "YAML syntax"),  # unclosed flow list
        ("observations:\n  - id: a\n  - id: b\n observations: []\n", 4, "YAML syntax"),
    ],
    ids=["tab", "indentation", "unclosed-quote", "unclosed-bracket", "dedented-key"],
)
def test_malformed_yaml(tmp_path: Path, content: str, line: int, message: str) -> None:
    refused(cli(observation_file(tmp_path, content)), "observations/bad.yaml", line, "", message)


@pytest.mark.parametrize(
    "content,line,field,message",
    [
        ("observations:\n  id: x\n", 1, "observations", "expected a list of items, found a mapping"),
        ("observations:\n", 1, "observations", "expected a list of items, found a null"),
        ("vocabulary: []\n", 1, "vocabulary", "expected a mapping, found a list"),
        ("- id: x\n", 1, "", "expected a mapping with one top-level key, found a list"),
        ("observations: []\nsources: []\n", 1, "", "expected exactly one top-level key"),
        ("observatons: []\n", 1, "observatons", "unknown file kind (did you mean 'observations'?)"),
        ("~: []\n", 1, "null", "unknown file kind"),
        ("observations: []\n---\nobservations: []\n", 2, "", "one YAML document, not several"),
        ("observations:\n  - id: a\n    id: b\n", 3, "", "duplicate key 'id'"),
    ],
    ids=[
        "mapping-for-list",
        "null-for-list",
        "list-for-mapping",
        "top-level-list",
        "two-keys",
        "unknown-kind",
        "null-key",
        "two-documents",
        "duplicate-key",
    ],
)
def test_wrong_file_shape(tmp_path: Path, content: str, line: int, field: str, message: str) -> None:
    refused(cli(observation_file(tmp_path, content)), "observations/bad.yaml", line, field, message)


@pytest.mark.parametrize(
    "content", ["", "\n\n", "# only a comment\n", "\ufeff"], ids=["empty", "blank", "comment", "bom-only"]
)
def test_empty_files(tmp_path: Path, content: str) -> None:
    refused(cli(observation_file(tmp_path, content)), "observations/bad.yaml", 1, "", "file is empty")


def test_a_utf8_bom_is_accepted_and_does_not_shift_lines(tmp_path: Path) -> None:
    """Decision: a UTF-8 byte-order mark (Windows Notepad, Excel exports) is accepted and dropped."""
    root = observation_file(tmp_path, "\ufeff" + GOOD)
    r = cli(root)
    assert r.exit_code == 0, r.output
    (root / "observations/bad.yaml").write_text("\ufeff" + edit(GOOD, "kind: arrest", "kind: arest"), encoding="utf-8")
    refused(cli(root), "observations/bad.yaml", 6, "observations[0].kind", "unknown observation kind 'arest'")


@pytest.mark.parametrize(
    "raw,line",
    [
        (b"observations:\n  - id: caf\xe9\n", 2),  # Latin-1 e-acute
        (b"observations:\r\n  - id: a\r\n    quote: \x93smart quotes\x94\r\n", 3),  # Windows-1252 quotes, CRLF
        (b"\xff\xfeo\x00b\x00s\x00", 1),  # UTF-16
    ],
    ids=["latin-1", "cp1252-crlf", "utf-16"],
)
def test_non_utf8_bytes(tmp_path: Path, raw: bytes, line: int) -> None:
    refused(cli(observation_file(tmp_path, raw)), "observations/bad.yaml", line, "", "not valid UTF-8")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_line_endings_are_accepted_and_lines_stay_right(tmp_path: Path, newline: str) -> None:
    root = observation_file(tmp_path, GOOD.replace("\n", newline).encode())
    assert cli(root).exit_code == 0
    bad = edit(GOOD, "confidence: high", "confidence: hihg").replace("\n", newline)
    (root / "observations/bad.yaml").write_bytes(bad.encode())
    refused(cli(root), "observations/bad.yaml", 10, "observations[0].confidence", "is not allowed; expected")


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85"], ids=["line-separator", "paragraph-separator", "nel"])
def test_unicode_line_separators_in_a_pasted_quote_do_not_shift_lines(tmp_path: Path, sep: str) -> None:
    """PDF copy-paste leaves U+2028 in quotes; YAML counts it as a line break, editors do not."""
    text = edit(GOOD, 'quote: "was arrested"', f'quote: "was{sep}arrested"')
    text = edit(text, "confidence: high", "confidence: hihg")
    refused(
        cli(observation_file(tmp_path, text)),
        "observations/bad.yaml",
        10,
        "observations[0].confidence",
        "is not allowed",
    )


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"], ids=["nul", "bell", "escape"])
def test_control_characters_are_refused_with_their_line(tmp_path: Path, char: str) -> None:
    text = edit(GOOD, 'locator: "p. 1"', f'locator: "p.{char}1"')
    line = refused(cli(observation_file(tmp_path, text)), "observations/bad.yaml", 8, "", "is not allowed in YAML")
    assert f"U+{ord(char):04X}" in line


# ---------------------------------------------------------------- fields: types, presence, names, dates


@pytest.mark.parametrize(
    "old,new,line,field,message",
    [
        ('date: "1977-02-03"', "date: 1977", 3, "observations[0].date", "not a date string (quote dates in YAML)"),
        ("state: SU", "state: [SU]", 5, "observations[0].state", "expected text, found a list"),
        (
            "confidence: high",
            "confidence: 5",
            10,
            "observations[0].confidence",
            "expected 'high', 'medium' or 'low'",
        ),
        (
            "confidence: high",
            "confidence: high\n    tags: monitor",
            11,
            "observations[0].tags",
            "expected a list, found the string 'monitor' (write [monitor])",
        ),
        (
            "confidence: high",
            "confidence: high\n    claim: yes",
            11,
            "observations[0].claim",
            "expected true or false, found the string 'yes'",
        ),
        (
            "confidence: high",
            "confidence: high\n    metric: {name: emigration.persons, value: '10', unit: persons}",
            11,
            "observations[0].metric.value",
            "expected a number, found the string '10' (remove the quotes)",
        ),
        (
            "confidence: high",
            "confidence: high\n    metric: {name: emigration.persons, value: true, unit: persons}",
            11,
            "observations[0].metric.value",
            "expected a number, found true",
        ),
        (
            "confidence: high",
            "confidence: high\n    standing: {condition: radio-jamming, in_effect: 'no'}",
            11,
            "observations[0].standing.in_effect",
            "expected true or false",
        ),
        ("  - id: good", "  - id: Good Obs", 2, "observations[0].id", "is not an id"),
    ],
    ids=[
        "date-number",
        "state-list",
        "confidence-number",
        "tags-string",
        "claim-yes",
        "value-quoted",
        "value-bool",
        "in-effect-string",
        "id-pattern",
    ],
)
def test_wrong_types(tmp_path: Path, old: str, new: str, line: int, field: str, message: str) -> None:
    refused(cli(observation_file(tmp_path, edit(GOOD, old, new))), "observations/bad.yaml", line, field, message)


def test_items_that_are_not_mappings(tmp_path: Path) -> None:
    r = cli(observation_file(tmp_path, "observations:\n  - just words\n  - 5\n"))
    refused(r, "observations/bad.yaml", 2, "observations[0]", "expected a mapping of fields")
    refused(r, "observations/bad.yaml", 3, "observations[1]", "expected a mapping of fields")


@pytest.mark.parametrize("field", ["quote", "dated_by", "source", "date"])
def test_missing_required_fields(tmp_path: Path, field: str) -> None:
    text = "".join(ln for ln in GOOD.splitlines(keepends=True) if not ln.strip().startswith(f"{field}:"))
    # a missing field is reported at its item's first line
    refused(
        cli(observation_file(tmp_path, text)),
        "observations/bad.yaml",
        2,
        f"observations[0].{field}",
        "required field is missing",
    )


def test_a_rule_without_a_kind(tmp_path: Path) -> None:
    text = """\
commitments:
  - id: t.nokind
    instrument: hfa-1975
    section: "s"
    title: "t"
    summary: "s"
    basket: III
    chapter: "c"
    rules:
      - id: r
        status: violation
"""
    refused(
        cli(with_file(tmp_path, "commitments/nokind.yaml", text)),
        "commitments/nokind.yaml",
        10,
        "commitments[0].rules[0]",
        "required field 'kind' is missing",
    )


@pytest.mark.parametrize(
    "old,new,line,field,message",
    [
        ("quote:", "qoute:", 9, "observations[0].qoute", "unknown field (did you mean 'quote'?)"),
        (
            "confidence: high",
            "confidence: high\n    tgas: [monitor]",
            11,
            "observations[0].tgas",
            "unknown field (did you mean 'tags'?)",
        ),
        (
            "confidence: high",
            "confidence: high\n    standing: {condition: radio-jamming, in_efect: true}",
            11,
            "observations[0].standing.in_efect",
            "unknown field (did you mean 'in_effect'?)",
        ),
    ],
    ids=["qoute", "tgas", "nested-in_efect"],
)
def test_unknown_fields_with_did_you_mean(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    refused(cli(observation_file(tmp_path, edit(GOOD, old, new))), "observations/bad.yaml", line, field, message)


@pytest.mark.parametrize(
    "date_text,message",
    [
        ("1977-02-30", "'1977-02-30' is not a valid date (day is out of range for month)"),
        ("1977-13", "'1977-13' is not a valid date (month must be in 1..12)"),
        ("1977-Q5", "is not a date: use YYYY-MM-DD"),
        ("0000", "'0000' is not a valid year"),
        ("\u0661\u0669\u0667\u0667", "is not a date"),  # Arabic-Indic digits are not ASCII digits
        ("1977-02-03T10:00", "is not a date"),
        ("1978/1977", "the range ends before it starts"),
        ("1977-03-15/1977-03-14", "the range ends before it starts"),
        ("1977/", "is not a date"),
    ],
    ids=[
        "feb-30",
        "month-13",
        "quarter-5",
        "year-0",
        "arabic-digits",
        "time",
        "range-years",
        "range-days",
        "open-range",
    ],
)
def test_impossible_dates_and_backward_ranges(tmp_path: Path, date_text: str, message: str) -> None:
    text = edit(GOOD, 'date: "1977-02-03"', f'date: "{date_text}"')
    refused(cli(observation_file(tmp_path, text)), "observations/bad.yaml", 3, "observations[0].date", message)


def test_dates_in_the_future_are_errors(tmp_path: Path) -> None:
    text = edit(GOOD, 'date: "1977-02-03"', 'date: "2999-01"')
    root = observation_file(tmp_path, text)
    refused(
        cli(root), "observations/bad.yaml", 3, "observations[0].date", f"is in the future (today is {date.today()})"
    )
    # relative to the given today, not the wall clock: the same file is fine as of 3000
    assert hc.load(root, today=date(3000, 1, 1)).observations[0].id == "good"
    # a range that starts in the past but ends in the future is allowed (it is still going on)
    (root / "observations/bad.yaml").write_text(edit(GOOD, 'date: "1977-02-03"', 'date: "2020/2999"'), encoding="utf-8")
    assert cli(root).exit_code == 0


def test_observation_before_its_commitment_was_in_force_is_a_warning(tmp_path: Path) -> None:
    text = edit(GOOD, "confidence: high", "confidence: high\n    tags: [monitor]\n    commitments: [t.monitors]")
    root = observation_file(tmp_path, text)
    r = cli(root)
    no_traceback(r)
    assert r.exit_code == 0, r.output
    (warning,) = [ln for ln in r.output.splitlines() if "warning:" in ln]
    assert warning.startswith("observations/bad.yaml:3: observations[0].date: warning: dated before t.monitors")
    strict = cli(root, "validate", "--strict")
    assert strict.exit_code == 1 and warning in strict.output
    no_traceback(strict)


@pytest.mark.parametrize(
    "old,new,line,field,message",
    [
        ("state: SU", "state: SX", 5, "observations[0].state", "unknown state 'SX'"),
        ("state: SU", "state: ZZ", 5, "observations[0].state", "unknown state 'ZZ'"),
        ("source: src", "source: srcc", 7, "observations[0].source", "unknown source 'srcc' (did you mean 'src'?)"),
        (
            "confidence: high",
            "confidence: high\n    commitments: [t.monitor]",
            11,
            "observations[0].commitments[0]",
            "unknown commitment 't.monitor' (did you mean 't.monitors'?)",
        ),
        (
            "confidence: high",
            "confidence: high\n    cases: [ginzberg]",
            11,
            "observations[0].cases[0]",
            "unknown case 'ginzberg'",
        ),
        (
            "kind: arrest",
            "kind: arest",
            6,
            "observations[0].kind",
            "unknown observation kind 'arest' (did you mean 'arrest'?)",
        ),
        (
            "confidence: high",
            "confidence: high\n    standing: {condition: radio-jamming, subject: vao, in_effect: true}",
            11,
            "observations[0].standing.subject",
            "unknown subject 'vao' of radio-jamming (did you mean 'voa'?)",
        ),
    ],
    ids=["state-sx", "state-zz", "source", "commitment", "case", "kind", "subject"],
)
def test_unknown_references(tmp_path: Path, old: str, new: str, line: int, field: str, message: str) -> None:
    refused(cli(observation_file(tmp_path, edit(GOOD, old, new))), "observations/bad.yaml", line, field, message)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    root = observation_file(tmp_path, GOOD)
    (root / "observations/zz-copy.yaml").write_text(GOOD, encoding="utf-8")
    refused(
        cli(root),
        "observations/zz-copy.yaml",
        2,
        "observations[0].id",
        "duplicate id 'good' (first defined at observations/bad.yaml:2)",
    )


def test_a_broken_registry_is_one_problem_not_an_echo_in_every_file(tmp_path: Path) -> None:
    root = make_data(tmp_path / "data", [obs(f"o{i}", "1977", "arrest", tags=["monitor"]) for i in range(20)])
    (root / "commitments/states.yaml").write_text("states:\n  - code: SU\n\tname: x\n", encoding="utf-8")
    r = cli(root)
    refused(r, "commitments/states.yaml", 3, "", "YAML syntax")
    assert r.output.splitlines()[-1] == "1 problem; nothing was written."


# ---------------------------------------------------------------- rules and periods

COMMITMENT = """\
commitments:
  - id: t.hostile
    instrument: hfa-1975
    section: "Basket III"
    title: "Hostile"
    summary: "A commitment for hostile-input tests."
    basket: III
    chapter: "1. Human contacts"
    rules:
"""


def rules_file(tmp_path: Path, rules: str) -> Path:
    return with_file(
        tmp_path, "commitments/hostile.yaml", COMMITMENT + textwrap.indent(textwrap.dedent(rules), "      ")
    )


@pytest.mark.parametrize(
    "rules,line,field,message",
    [
        (
            """\
         - id: r
           kind: event
           match: {kinds: [arrest], where: {field: colour, op: eq, value: red}}
           status: violation
         """,
            12,
            "commitments[0].rules[0].match.where.field",
            "expected 'kind', 'tags'",
        ),
        (
            """\
         - id: r
           kind: event
           match:
             kinds: [arrest]
             where:
               all:
                 - {field: metric.value, op: ge, value: "10000"}
           status: violation
         """,
            16,
            "commitments[0].rules[0].match.where.all[0].value",
            "field 'metric.value' holds a number; the value is a string",
        ),
        (
            """\
         - id: r
           kind: event
           match: {kinds: [arrest], where: {not: {field: kind, op: in, value: [arrest, trail]}}}
           status: violation
         """,
            12,
            "commitments[0].rules[0].match.where.not.value[1]",
            "unknown observation kind 'trail' (did you mean 'trial'?)",
        ),
        (
            """\
         - id: r
           kind: event
           match: {kinds: [arrest], where: {field: tags, op: eq, value: monitor}}
           status: violation
         """,
            12,
            "commitments[0].rules[0].match.where.value",
            "field 'tags' holds a list; use op 'contains'",
        ),
        (
            """\
         - id: r
           kind: event
           match: {kinds: [arrest], where: {field: kind, op: eq, value: {a: 1}}}
           status: violation
         """,
            12,
            "commitments[0].rules[0].match.where.value",
            "a condition value is a string, number",
        ),
        (
            """\
         - id: m
           kind: metric
           metric: emigration.person
           thresholds: [{op: ge, value: 1, status: compliant}]
         """,
            12,
            "commitments[0].rules[0].metric",
            "unknown metric 'emigration.person' (did you mean 'emigration.persons'?)",
        ),
        (
            """\
         - id: s
           kind: standing
           condition: radio-jaming
         """,
            12,
            "commitments[0].rules[0].condition",
            "unknown condition 'radio-jaming' (did you mean 'radio-jamming'?)",
        ),
    ],
    ids=[
        "where-unknown-field",
        "where-number-as-string",
        "where-unknown-kind",
        "where-list-field-eq",
        "where-mapping-value",
        "unknown-metric",
        "unknown-condition",
    ],
)
def test_rules_that_reference_unknown_fields_or_metrics(
    tmp_path: Path, rules: str, line: int, field: str, message: str
) -> None:
    refused(cli(rules_file(tmp_path, rules)), "commitments/hostile.yaml", line, field, message)


@pytest.mark.parametrize(
    "value,message",
    [
        ("'10000'", "expected a number, found the string '10000' (remove the quotes)"),
        ("true", "expected a number, found true"),
        ("[1, 2]", "expected a number, found a list"),
        ("ten thousand", "expected a number, found the string 'ten thousand'"),
        ("1e400", "is too large (it is not a finite number)"),
        (".nan", "not allowed (infinite or not a number)"),
    ],
    ids=["quoted", "bool", "list", "words", "overflow", "nan"],
)
def test_thresholds_of_the_wrong_type(tmp_path: Path, value: str, message: str) -> None:
    rules = f"""\
    - id: m
      kind: metric
      metric: emigration.persons
      thresholds:
        - {{op: ge, value: 1000, status: compliant}}
        - {{op: lt, value: {value}, status: violation}}
    """
    field = (
        "commitments[0].rules[0].thresholds[1].value"
        if "too large" not in message and "not allowed" not in message
        else ""
    )
    refused(cli(rules_file(tmp_path, rules)), "commitments/hostile.yaml", 15, field, message)


def test_conflicting_rules(tmp_path: Path) -> None:
    rules = """\
    - {id: a, kind: event, match: {kinds: [arrest]}, status: violation}
    - {id: b, kind: event, match: {kinds: [arrest]}, status: compliant}
    """
    refused(
        cli(rules_file(tmp_path, rules)),
        "commitments/hostile.yaml",
        11,
        "commitments[0].rules[1]",
        "rule 'b' conflicts with another rule that reads the same evidence with a different outcome",
    )


def test_rule_test_fixtures_are_checked_by_validate(tmp_path: Path) -> None:
    text = """\
rule_tests:
  - commitment: t.monitors
    rule: arrest
    cases:
      - name: "bad fixture"
        period: "1990"
        observations:
          - {date: "1990-02-30", kind: arrest}
          - {date: "1990", kind: arest}
        expect: violation
      - name: "bad period"
        period: "1990-Q7"
        expect: none
"""
    r = cli(with_file(tmp_path, "commitments/tests/hostile.yaml", text))
    refused(
        r, "commitments/tests/hostile.yaml", 8, "rule_tests[0].cases[0].observations[0].date", "is not a valid date"
    )
    refused(
        r,
        "commitments/tests/hostile.yaml",
        9,
        "rule_tests[0].cases[0].observations[1].kind",
        "unknown observation kind",
    )
    refused(r, "commitments/tests/hostile.yaml", 12, "rule_tests[0].cases[1].period", "unknown period '1990-Q7'")


PERIODS = "periods:\n"


@pytest.mark.parametrize(
    "periods,line,field,message",
    [
        (
            "  - {id: a, title: A, start: {after: b}, end: '1980'}\n  - {id: b, title: B, start: {after: a}, end: '1990'}\n",
            2,
            "periods[0]",
            "named periods refer to each other in a cycle: a -> b -> a",
        ),
        ("  - {id: a, title: A, start: {after: a}, end: '1980'}\n", 2, "periods[0]", "cycle: a -> a"),
        (
            "  - {id: a, title: A, start: '1975', end: {before: c}}\n  - {id: b, title: B, start: {after: a}, end: '1990'}\n"
            "  - {id: c, title: C, start: {after: b}, end: '1995'}\n",
            2,
            "periods[0]",
            "cycle: a -> c -> b -> a",
        ),
        ("  - {id: a, title: A, start: {after: zz}, end: '1980'}\n", 2, "periods[0]", "refers to unknown period 'zz'"),
        (
            "  - {id: a, title: A, start: {after: b, before: b}, end: '1980'}\n",
            2,
            "periods[0].start",
            "give exactly one of 'after' or 'before'",
        ),
        ("  - {id: a, title: A, start: '1985', end: '1980'}\n", 2, "periods[0]", "ends (1980-12-31) before it starts"),
    ],
    ids=["two-cycle", "self", "three-cycle", "unknown", "after-and-before", "backwards"],
)
def test_named_period_problems(tmp_path: Path, periods: str, line: int, field: str, message: str) -> None:
    r = cli(with_file(tmp_path, "commitments/periods.yaml", PERIODS + periods))
    refused(r, "commitments/periods.yaml", line, field, message)
    assert r.output.count("\n") == 2  # one problem, no echo of the other reading of the edge


# ---------------------------------------------------------------- YAML that attacks the loader


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!python/name:os.system",
        "!!python/module:os",
        "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
        "!custom value",
        "!!binary aGVsbG8=",
        "!!timestamp 2001-12-14",
    ],
    ids=["apply", "new", "name", "module", "verbatim", "custom", "binary", "timestamp"],
)
def test_tags_are_refused_and_nothing_runs(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "pwned"
    text = edit(GOOD, "kind: arrest", "kind: " + payload.format(marker=marker))
    r = cli(observation_file(tmp_path, text))
    refused(r, "observations/bad.yaml", 6, "", "is not allowed (only plain data is accepted)")
    assert not marker.exists()


def billion_laughs(levels: int = 10) -> str:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_with_bounded_memory(tmp_path: Path) -> None:
    root = observation_file(tmp_path, billion_laughs())
    tracemalloc.start()
    t0 = time.perf_counter()
    r = cli(root)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    refused(r, "observations/bad.yaml", 6, "", "aliases expand to more than 100,000 nodes (alias bomb?)")
    assert elapsed < 5.0  # the whole CLI run, corpus included; the bomb itself takes milliseconds
    assert peak < 50_000_000  # 10^9 expanded strings would need tens of gigabytes


def test_aliases_within_the_budget_are_plain_data() -> None:
    doc = yaml_reader.load("a: &x [1, 2]\nb: *x\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_very_deep_nesting_is_refused(tmp_path: Path, depth: int) -> None:
    text = "observations: " + "[" * depth + "]" * depth + "\n"
    t0 = time.perf_counter()
    r = cli(observation_file(tmp_path, text))
    refused(r, "observations/bad.yaml", 1, "", f"nesting is deeper than {yaml_reader.MAX_DEPTH} levels")
    assert time.perf_counter() - t0 < 5.0


def test_deepest_nesting_accepted_is_the_limit() -> None:
    def nested(levels: int) -> str:  # the root mapping is level 1
        return "a: " + "[" * (levels - 1) + "]" * (levels - 1)

    assert yaml_reader.load(nested(yaml_reader.MAX_DEPTH)).data is not None
    with pytest.raises(yaml_reader.YamlError, match="deeper than"):
        yaml_reader.load(nested(yaml_reader.MAX_DEPTH + 1))


def test_a_100_mb_file_is_refused_by_its_size_without_reading_it(tmp_path: Path) -> None:
    root = observation_file(tmp_path, GOOD)
    big = root / "observations/big.yaml"
    with big.open("wb") as fh:  # sparse: 100 MB on paper, no disk or time spent
        fh.truncate(100 * 1024 * 1024)
    tracemalloc.start()
    t0 = time.perf_counter()
    r = cli(root)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    refused(r, "observations/big.yaml", 1, "", f"file is 104,857,600 bytes; the limit is {yaml_reader.MAX_BYTES:,}")
    assert elapsed < 5.0 and peak < 50_000_000  # never read into memory


def test_a_file_just_over_the_limit_is_refused_and_one_under_is_parsed(tmp_path: Path) -> None:
    over = tmp_path / "over.yaml"
    over.write_bytes(b"a: " + b"x" * (yaml_reader.MAX_BYTES - 2))
    with pytest.raises(yaml_reader.YamlError, match="the limit is"):
        yaml_reader.read_file(over)
    under = tmp_path / "under.yaml"
    under.write_bytes(b"a: " + b"x" * (yaml_reader.MAX_BYTES - 3))
    assert len(yaml_reader.load(yaml_reader.read_file(under)).data["a"]) == yaml_reader.MAX_BYTES - 3


def test_too_many_values_in_one_file_are_refused() -> None:
    """A dense file (``[0,0,0,...]``) is bounded by its number of values, not only its size."""
    assert yaml_reader.load("a: [" + "0," * 999 + "0]").data["a"] == [0] * 1000
    with pytest.raises(yaml_reader.YamlError, match="file holds more than 1,000 values") as e:
        yaml_reader.load("a: [" + "0," * 1000 + "0]", max_nodes=1_000)
    assert e.value.line == 1


def test_numbers_too_long_to_convert_are_refused(tmp_path: Path) -> None:
    text = edit(
        GOOD,
        "confidence: high",
        "confidence: high\n    metric: {name: emigration.persons, value: " + "9" * 5000 + ", unit: persons}",
    )
    refused(
        cli(observation_file(tmp_path, text)), "observations/bad.yaml", 11, "", "number with 5,000 digits is too long"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_special_files_are_refused_not_read_forever(tmp_path: Path, kind: str) -> None:
    root = observation_file(tmp_path, GOOD)
    target = root / "observations/special.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        if not Path("/dev/zero").exists():
            pytest.skip("no /dev/zero")
        target.symlink_to("/dev/zero")
    t0 = time.perf_counter()
    refused(cli(root), "observations/special.yaml", 1, "", "not a regular file")
    assert time.perf_counter() - t0 < 5.0


def test_a_dangling_link_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = observation_file(tmp_path, GOOD)
    (root / "observations/gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    refused(cli(root), "observations/gone.yaml", 1, "", "cannot read file")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:  # pragma: no cover - not as root
    root = observation_file(tmp_path, GOOD)
    (root / "observations/bad.yaml").chmod(0)
    try:
        refused(cli(root), "observations/bad.yaml", 1, "", "cannot read file")
    finally:
        (root / "observations/bad.yaml").chmod(0o644)


# ---------------------------------------------------------------- every command, not only validate


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["scorecard", "--state", "SU"],
        ["explain", "t.monitors", "--state", "SU", "--period", "1990"],
        ["goals"],
        ["stats"],
        ["test-rules"],
        ["commitments"],
    ],
    ids=lambda a: a[0],
)
def test_every_command_refuses_bad_data_the_same_way(tmp_path: Path, args: list[str]) -> None:
    root = observation_file(tmp_path, edit(GOOD, 'date: "1977-02-03"', 'date: "1977-02-30"'))
    r = cli(root, *args)
    refused(r, "observations/bad.yaml", 3, "observations[0].date", "'1977-02-30' is not a valid date")


def test_problem_lines_have_the_documented_shape(tmp_path: Path) -> None:
    """Over a file with many problems: each line is FILE:LINE: [field: ]message, one line each."""
    text = (
        GOOD
        + """\
  - id: Bad
    date: "1977-02-30"
    dated_by: x
    state: su
    kind: arrest
    source: src
    locator: x
    quote: x
    confidence: sure
    tgas: []
"""
    )
    r = cli(observation_file(tmp_path, text))
    no_traceback(r)
    assert r.exit_code == 2
    lines = r.output.splitlines()
    shape = re.compile(r"^observations/bad\.yaml:\d+: (observations\[1\]\.[a-z_]+: )?\S.*$")
    assert len(lines) >= 6
    assert all(shape.match(ln) for ln in lines[:-1]), lines
    assert lines[-1] == f"{len(lines) - 1} problems; nothing was written."


# ---------------------------------------------------------------- fuzzing real files

#: Mutated inputs per run; ``HC_FUZZ_INPUTS=3000 pytest -k fuzz`` searches harder (and prints the count).
FUZZ_INPUTS = int(os.environ.get("HC_FUZZ_INPUTS", "40"))
INSERTS = [
    b"\t",
    b"  - ",
    b": :",
    b"&a",
    b"*a",
    b"!!python/object:os.system",
    b"'",
    b'"',
    b"{",
    b"[",
    b"- id: x",
    b"  date: '1977-02-30'",
    b"\xef\xbb\xbf",
    b"\r",
    b"~",
    b"<<: *a",
    b"? [a]",
    b"\x00",
    b"\xe2\x80\xa8",
    b"9" * 400,
]


def mutate(raw: bytes, rnd: random.Random) -> tuple[str, bytes]:
    """One random mutation of a file: byte flips, truncation, or a line deleted, doubled, swapped or inserted."""
    how = rnd.choice(["flip", "truncate", "delete-lines", "double-line", "swap-lines", "insert"])
    data = bytearray(raw)
    if how == "flip":
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        return how, bytes(data)
    if how == "truncate":
        return how, raw[: rnd.randrange(len(raw))]
    lines = raw.split(b"\n")
    i = rnd.randrange(len(lines))
    if how == "delete-lines":
        del lines[i : i + rnd.randint(1, 5)]
    elif how == "double-line":
        lines.insert(i, lines[rnd.randrange(len(lines))])
    elif how == "swap-lines":
        j = rnd.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(i, rnd.choice(INSERTS))
    return how, b"\n".join(lines)


@pytest.mark.slow
def test_fuzz_mutated_corpus_files_only_ever_raise_data_error(tmp_path: Path) -> None:
    root = tmp_path / "fuzz"
    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "commitments", root / "commitments")
    (root / "observations").mkdir()
    for name in ("sources.yaml", "cases.yaml", "schifter-1987.yaml"):
        shutil.copy(repo / "observations" / name, root / "observations" / name)
    targets = [
        root / "observations/schifter-1987.yaml",
        root / "observations/cases.yaml",
        root / "commitments/hfa-1975/basket3-information.yaml",
        root / "commitments/periods.yaml",
        root / "commitments/tests/basket3-information.yaml",
    ]
    originals = {p: p.read_bytes() for p in targets}
    hc.load(root)  # the unmutated copy is valid
    rnd = random.Random(9)
    tried: dict[str, int] = {}
    accepted = 0
    for _ in range(FUZZ_INPUTS):
        target = rnd.choice(targets)
        how, data = mutate(originals[target], rnd)
        tried[how] = tried.get(how, 0) + 1
        target.write_bytes(data)
        try:
            hc.load(root)
            accepted += 1
        except hc.DataError as exc:
            for p in exc.problems:
                assert p.line >= 1 and "\n" not in p.message and p.file.endswith(".yaml"), str(p)
        finally:
            target.write_bytes(originals[target])
    assert sum(tried.values()) == FUZZ_INPUTS
    print(f"fuzz: {FUZZ_INPUTS} inputs {tried}, {accepted} still valid")

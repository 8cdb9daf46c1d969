"""The documentation agrees with the code: the generated reference is fresh, the scoring page
quotes the engine's numbers, the tutorial's data files are valid, the hooks are well formed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, TypeAdapter

from conftest import REPO
from helsinki_compliance.api import schemas
from helsinki_compliance.engine import evaluation
from helsinki_compliance.model import records as models
from helsinki_compliance.render import schemadoc

DOCS = REPO / "docs"


# ---------------------------------------------------------------- reference.md


def test_committed_reference_is_the_generated_one() -> None:
    committed = (DOCS / "reference.md").read_text(encoding="utf-8")
    assert committed == schemadoc.render_reference(), (
        f"docs/reference.md is stale: run `{schemadoc.REGENERATE}` and commit it"
    )


def _headings(text: str) -> dict[str, str]:
    """Anchor -> heading text, as GitHub derives anchors."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(#{1,6}) (.+)$", line)
        if m:
            out[schemadoc._slug(m.group(2))] = m.group(2)
    return out


def _table_rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the field table under ``### heading``: field name -> cells."""
    section = text.split(f"\n### {heading}\n", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([^`]+)` \|", line)
        if m:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            rows[m.group(1)] = cells
    return rows


def test_every_model_and_field_of_every_schema_is_documented_once_with_required_marked() -> None:
    text = schemadoc.render_reference()
    all_schemas = schemas()
    seen: set[str] = set()
    for file_schema in all_schemas.values():
        (key,) = file_schema["properties"]
        assert f"\n## `{key}` files\n" in text
        defs = dict(file_schema.get("$defs", {}))
        root = file_schema["properties"][key]
        if "$ref" not in root.get("items", root):
            defs[root["title"]] = root
        for name, model in defs.items():
            if name in seen:
                continue
            seen.add(name)
            assert text.count(f"\n### {name}\n") == 1, name
            rows = _table_rows(text, name)
            assert list(rows) == list(model.get("properties", {})), name
            required = set(model.get("required", ()))
            for field, cells in rows.items():
                assert cells[2] == ("yes" if field in required else "no"), (name, field)
    assert {"Observation", "Standing", "EventRule", "Comparison", "GoalSet", "Vocabulary"} <= seen


def test_every_data_model_and_field_has_a_description() -> None:
    data_models = [
        c
        for c in vars(models).values()
        if isinstance(c, type)
        and issubclass(c, BaseModel)
        and c.__module__ == models.__name__
        and c is not models.Strict
    ]
    assert models.Observation in data_models and models.GoalSet in data_models
    undocumented = [c.__name__ for c in data_models if not c.__doc__]
    undocumented += [
        f"{c.__name__}.{f}" for c in data_models for f, info in c.model_fields.items() if not info.description
    ]
    assert not undocumented, f"add a docstring or Field(description=...): {undocumented}"


def test_every_link_in_the_reference_resolves_to_a_heading() -> None:
    text = schemadoc.render_reference()
    anchors = _headings(text)
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links, "the reference links models to their sections"
    assert links <= set(anchors), sorted(links - set(anchors))


def test_allowed_values_defaults_and_descriptions_come_from_the_models() -> None:
    text = schemadoc.render_reference()
    obs = _table_rows(text, "Observation")
    assert "one of `high`, `medium`, `low`" in obs["confidence"][5]
    assert obs["claim"][3] == "`false`"
    assert obs["quote"][5] == "not empty; at most 600 characters"
    assert obs["quote"][4] == models.Observation.model_fields["quote"].description
    assert obs["date"][1] == "[date](#value-types)"
    assert obs["standing"][1] == "[Standing](#standing), or null"
    commitment = _table_rows(text, "Commitment")
    assert commitment["weight"][5] == "> 0; <= 10"
    assert "(chosen by `kind`)" in commitment["rules"][1]
    # a model shared by two file kinds is described under the first and linked from the second
    assert "[EventRule](#eventrule) (under `commitments`)" in text.split("## `goal_sets` files", 1)[1]


def test_pipes_in_patterns_are_escaped_so_tables_keep_their_columns() -> None:
    schema = {
        "properties": {"things": {"type": "array", "items": {"$ref": "#/$defs/Thing"}}},
        "$defs": {
            "Thing": {
                "title": "Thing",
                "description": "A ``thing``.",
                "properties": {
                    "code": {"type": "string", "pattern": "^(a|b)$", "description": "x | y"},
                    "part": {"anyOf": [{"$ref": "#/$defs/Part"}, {"type": "null"}], "default": None},
                },
                "required": ["code"],
            },
            "Part": {"title": "Part", "properties": {"n": {"type": "integer", "minimum": 1}}},
        },
    }
    text = schemadoc.render_reference({"things.schema.json": schema})
    assert "A `thing`." in text
    row = _table_rows(text, "Thing")["code"]
    assert len(row) == 6 and row[5] == "matches `^(a\\|b)$`" and row[4] == "x \\| y"
    assert _table_rows(text, "Thing")["part"][1] == "[Part](#part), or null"
    assert _table_rows(text, "Part")["n"][5] == ">= 1"


def test_schemadoc_main_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "reference.md"
    assert schemadoc.main([str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schemadoc.render_reference()


# ---------------------------------------------------------------- scoring.md


@pytest.fixture(scope="module")
def scoring() -> str:
    return (DOCS / "scoring.md").read_text(encoding="utf-8")


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def test_scoring_page_quotes_the_engine_numbers(scoring: str) -> None:
    for status, score in models.STATUS_SCORES.items():
        assert f"| {status} | {score:.1f} |" in scoring
    for severity, weight in models.SEVERITY_WEIGHTS.items():
        assert f"| {severity} | {_n(weight)} |" in scoring
    for level, value in models.CONFIDENCE_VALUES.items():
        assert f"| {level} | {value:.1f} |" in scoring
    assert f"| at least {evaluation.COMPLIANT_AT:.2f} | compliant |" in scoring
    assert f"| at least {evaluation.PARTIAL_AT:.2f} | partial |" in scoring
    assert f"| below {evaluation.PARTIAL_AT:.2f} | violation |" in scoring
    bands = models.VerdictBands()
    assert (
        f"at least {bands.significant} is *significant progress*, at least {bands.slight} *slight progress*" in scoring
    )


def test_scoring_example_arithmetic_matches_combine(scoring: str) -> None:
    from helsinki_compliance.engine.rules import Finding

    def f(status: str, conf: float) -> Finding:
        return Finding("r", "standing", status, "serious", ("o",), "", conf)

    status, score, confidence = evaluation.combine([f("violation", 1.0), f("compliant", 1.0), f("violation", 0.7)])
    assert status == "violation" and score is not None and confidence is not None
    assert f"(3 × 0 + 3 × 1 + 3 × 0) / 9 = {score:.2f}, a {status}" in scoring
    assert f"(1.0 + 1.0 + 0.7) / 3 = {confidence:.2f}" in scoring


# ---------------------------------------------------------------- tutorial.md


@pytest.fixture(scope="module")
def tutorial() -> str:
    return (DOCS / "tutorial.md").read_text(encoding="utf-8")


def _fenced(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.S | re.M)


def test_tutorial_console_blocks_are_runnable_command_lists(tutorial: str) -> None:
    blocks = _fenced(tutorial, "console")
    commands = [line[2:] for b in blocks for line in b.splitlines() if line.startswith("$ ")]
    assert len(blocks) >= 8 and all(any(line.startswith("$ ") for line in b.splitlines()) for b in blocks)
    assert all(c.startswith(("helsinki-compliance ", "cd ")) for c in commands), commands
    for step in ("init my-corpus", "observe add", "observe list", "goals --goal-set my-goals"):
        assert any(step in c for c in commands), step


def test_tutorial_data_files_are_valid_and_consistent(tutorial: str) -> None:
    files: dict[str, Any] = {}
    for path, body in re.findall(r"<!-- file: (\S+) -->\n```yaml\n(.*?)^```", tutorial, flags=re.S | re.M):
        files[path] = yaml.safe_load(body)
    assert set(files) == {"observations/sources.yaml", "goals/my-goals.yaml"}
    (source,) = TypeAdapter(list[models.Source]).validate_python(files["observations/sources.yaml"]["sources"])
    (goal_set,) = TypeAdapter(list[models.GoalSet]).validate_python(files["goals/my-goals.yaml"]["goal_sets"])
    assert goal_set.source == source.id and len(goal_set.goals) == 2
    add = next(c for c in re.findall(r"^\$ (.*)$", tutorial, flags=re.M) if "observe add" in c)
    assert f"--source {source.id}" in add
    assert f"--goal-set {goal_set.id}" in tutorial


# ---------------------------------------------------------------- project files


def test_pre_commit_hook_validates_yaml_data_without_file_names() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "helsinki-compliance-validate"]
    assert hook["entry"] == "helsinki-compliance validate"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("observations/mine.yaml") and files.search("goals/g.yml")
    assert not files.search("src/x.py") and not files.search("notes.yaml.bak")


def test_changelog_has_an_entry_for_the_package_version() -> None:
    version = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert version
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(version.group(1))}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert "## [Unreleased]" in changelog

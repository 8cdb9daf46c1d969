"""Published JSON Schemas: outputs validate against them, bad outputs do not, and schemas/ is fresh."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import REPO
from helsinki_compliance import api
from helsinki_compliance.cli.main import main
from helsinki_compliance.load import yaml_reader
from helsinki_compliance.render.output_schemas import output_schemas

SCHEMAS = output_schemas()


def _errors(name: str, doc: object) -> list[str]:
    v = jsonschema.Draft202012Validator(SCHEMAS[name])
    return [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(doc)]


def _cli_json(*args: str) -> dict:
    r = CliRunner().invoke(main, ["--data", str(REPO), *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def goals_json() -> dict:
    return _cli_json("goals", "--state", "SU", "--as-of", "1987-12-31", "--format", "json")


def test_schemas_are_valid_draft_2020_12() -> None:
    for schema in [*SCHEMAS.values(), *api.schemas().values()]:
        jsonschema.Draft202012Validator.check_schema(schema)


def test_goals_json_matches_its_schema(goals_json: dict) -> None:
    assert _errors("output-goals.schema.json", goals_json) == []
    # the interface the goals issue fixes: per goal id, tier, target, baseline, current, verdict, evidence
    g = goals_json["goals"][0]
    assert {"id", "tier", "target", "baseline", "current", "verdict", "evidence"} <= set(g)
    assert set(goals_json["tiers"]) == {"immediate", "intermediate", "long-range"}


def test_goals_schema_rejects_a_verdict_outside_the_vocabulary(goals_json: dict) -> None:
    bad = copy.deepcopy(goals_json)
    bad["goals"][0]["verdict"] = "great-progress"
    bad["tiers"]["immediate"] = "met-ish"
    errs = _errors("output-goals.schema.json", bad)
    assert any("great-progress" in e for e in errs) and any("met-ish" in e for e in errs)
    del bad["goals"][1]["evidence"]
    assert any("'evidence' is a required property" in e for e in _errors("output-goals.schema.json", bad))


def test_goal_timeline_and_scorecard_json_match_their_schemas() -> None:
    t = _cli_json("goals", "--state", "SU", "--timeline", "1986:1989", "--format", "json")
    assert _errors("output-goals-timeline.schema.json", t) == []
    card = _cli_json("scorecard", "--state", "SU", "--from", "1986", "--to", "1988", "--format", "json")
    assert _errors("output-scorecard.schema.json", card) == []
    card["cells"][0]["status"] = "fine"
    assert _errors("output-scorecard.schema.json", card)


def test_every_committed_report_json_matches_the_report_schema() -> None:
    files = sorted(p for p in (REPO / "reports").glob("*.json") if not p.name.startswith("."))  # not the manifest
    assert files
    for f in files:
        name = "output-evidence.schema.json" if f.name.endswith("-evidence.json") else "output-report.schema.json"
        assert _errors(name, json.loads(f.read_text(encoding="utf-8"))) == [], f.name
    assert any(f.name.endswith("-evidence.json") for f in files)


def test_committed_schemas_are_fresh(tmp_path: Path) -> None:
    written = api.write_schemas(tmp_path)
    committed = REPO / "schemas"
    names = sorted(p.name for p in written)
    # the manifest of the files `schema` wrote (.helsinki-written.json) is committed too, but is no schema
    committed_names = sorted(p.name for p in committed.glob("*.json") if not p.name.startswith("."))
    assert names == committed_names, "run: helsinki-compliance schema --out schemas"
    for p in written:
        assert p.read_bytes() == (committed / p.name).read_bytes(), (
            f"{p.name} is stale: run helsinki-compliance schema --out schemas"
        )


def test_every_data_file_names_a_schema_that_accepts_it() -> None:
    """What the YAML language server sees: the first line's schema, applied to the file."""
    files = [p for d in ("commitments", "observations", "goals") for p in sorted((REPO / d).rglob("*.yaml"))]
    assert len(files) > 20
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f
        schema_path = (f.parent / first.split("$schema=", 1)[1].strip()).resolve()
        assert schema_path.parent == (REPO / "schemas").resolve(), f
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        data = yaml_reader.load(f.read_bytes()).data
        errs = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
        assert errs == [], f"{f}: {errs[0].message if errs else ''}"

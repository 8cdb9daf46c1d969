"""Output that grows with cells: the JSON scorecard carries counts, the evidence ids are a table of their own."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import REPO
from helsinki_compliance import api
from helsinki_compliance.cli.main import main
from helsinki_compliance.render.output_schemas import output_schemas
from helsinki_compliance.render.scorecard_out import EVIDENCE_COLUMNS, evidence_rows

ARGS = ["--data", str(REPO), "scorecard", "--state", "SU", "--from", "1986", "--to", "1988", "--format", "json"]


def _run(*extra: str) -> dict:
    r = CliRunner().invoke(main, [*ARGS, *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_scorecard_cells_carry_counts_not_ids() -> None:
    card = _run()
    assessed = [c for c in card["cells"] if c["findings"]]
    assert assessed
    for c in card["cells"]:
        assert isinstance(c["observations"], int) and isinstance(c["sources"], int) and isinstance(c["findings"], int)
    text = json.dumps(card)
    assert "rec.su86.emigration-decree-codifies-restrictions-1986-12" not in text  # no observation id inline


def test_evidence_json_lists_every_cells_observations(tmp_path: Path) -> None:
    out = tmp_path / "ev.json"
    card = _run("--evidence", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(output_schemas()["output-evidence.schema.json"]).iter_errors(doc)) == []
    assert doc["columns"] == list(EVIDENCE_COLUMNS)
    col = {n: i for i, n in enumerate(doc["columns"])}
    per_cell: dict[tuple[str, str, str], set[str]] = {}
    for row in doc["evidence"]:
        if row[col["scored"]]:
            key = (row[col["state"]], row[col["commitment"]], row[col["period"]])
            per_cell.setdefault(key, set()).add(row[col["observation"]])
    for c in card["cells"]:
        assert len(per_cell.get((c["state"], c["commitment"], c["period"]), set())) == c["observations"], c


def test_evidence_csv_and_parquet_hold_the_same_rows(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    _run("--evidence", str(tmp_path / "ev.csv"))
    _run("--evidence", str(tmp_path / "ev.parquet"))
    with (tmp_path / "ev.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    table = pq.read_table(tmp_path / "ev.parquet")
    assert rows[0] == list(EVIDENCE_COLUMNS) == table.column_names
    assert len(rows) - 1 == table.num_rows > 0
    assert [r[10] for r in rows[1:]] == table.column("observation").to_pylist()


def test_unknown_evidence_suffix_is_refused(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, [*ARGS, "--evidence", str(tmp_path / "ev.xlsx")])
    assert r.exit_code != 0 and ".parquet" in r.output
    assert not (tmp_path / "ev.xlsx").exists()


def test_evidence_rows_are_the_scored_findings_observations() -> None:
    corpus = api.load(str(REPO))
    card = api.scorecard(corpus, states=["SU"], as_of=api.default_as_of(corpus))
    rows = evidence_rows(card, corpus)
    scored = {(r[0], r[1], r[2], r[10]) for r in rows if r[8]}
    expected = {
        (c.state, c.commitment, c.period, o)
        for c in card.cells.values()
        for f in c.findings
        if f.scored
        for o in f.observations
    }
    assert scored == expected

"""The CSV scorecard carries counts; the observation ids behind it are the evidence table beside it."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import REPO, jam, make_data
from helsinki_compliance import api
from helsinki_compliance.cli.main import main
from helsinki_compliance.render.reports import report_names, write_report
from helsinki_compliance.render.scorecard_out import EVIDENCE_COLUMNS
from helsinki_compliance.render.tables import SCORECARD_CSV_COLUMNS, scorecard_csv

AS_OF = date(1991, 12, 31)


def _observations(n: int) -> list[dict[str, object]]:
    """``n`` reports, all in 1977, that jamming of the VOA holds."""
    return [jam(f"j{i}", "1977-05", "voa", True) for i in range(n)]


def _card(root: Path) -> tuple[hc.Corpus, hc.Scorecard]:
    corpus = hc.load(root)
    return corpus, api.scorecard(corpus, states=["SU"], period="year", first=1976, last=1978, as_of=AS_OF)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_counts_and_no_evidence_lists(tmp_path: Path) -> None:
    assert "observations" not in SCORECARD_CSV_COLUMNS and "sources" not in SCORECARD_CSV_COLUMNS
    assert {"n_observations", "n_sources"} <= set(SCORECARD_CSV_COLUMNS)
    _, card = _card(make_data(tmp_path / "d", _observations(3)))
    text = scorecard_csv(card)
    assert "j0" not in text and "j1" not in text  # no observation id in any cell
    cell = next(r for r in _rows(text) if r["row"] == "cell" and r["period"] == "1977" and r["n_observations"] != "0")
    assert (cell["n_observations"], cell["n_sources"]) == ("3", "1")


def test_the_csv_grows_with_its_cells_not_with_the_evidence(tmp_path: Path) -> None:
    few = scorecard_csv(_card(make_data(tmp_path / "few", _observations(2)))[1])
    many = scorecard_csv(_card(make_data(tmp_path / "many", _observations(9)))[1])
    assert len(few) == len(many)  # one digit of count either way; the old CSV listed every id
    strip = [[{k: v for k, v in r.items() if k != "n_observations"} for r in _rows(t)] for t in (few, many)]
    assert strip[0] == strip[1]
    assert max(int(r["n_observations"]) for r in _rows(many)) == 9


def test_scorecard_evidence_csv_holds_the_ids_the_counts_count(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d", [*_observations(3), jam("k", "1978-02", "voa", False)])
    ev = tmp_path / "ev.csv"
    r = CliRunner().invoke(
        main,
        ["--data", str(root), "--allow-outside", "scorecard", "--state", "SU", "--from", "1976", "--to", "1978"]
        + ["--format", "csv", "--evidence", str(ev), "--as-of", "1991-12-31"],
    )
    assert r.exit_code == 0, r.output
    rows = _rows(r.stdout)
    evidence = _rows(ev.read_text(encoding="utf-8"))
    assert list(evidence[0]) == list(EVIDENCE_COLUMNS)
    ids: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for e in evidence:
        if e["scored"] == "True":
            ids[(e["state"], e["commitment"], e["period"])].add(e["observation"])
    cells = [r for r in rows if r["row"] == "cell"]
    assert any(r["n_observations"] != "0" for r in cells)
    for c in cells:
        assert int(c["n_observations"]) == len(ids.get((c["state"], c["commitment"], c["period"]), set()))


def test_a_report_writes_the_evidence_csv_beside_each_csv(tmp_path: Path) -> None:
    corpus, card = _card(make_data(tmp_path / "d", _observations(2)))
    names = report_names(corpus, states=["SU"], period="year", first=1976, last=1978, formats=["csv"])
    assert names == ["SU-year-1976-1978.csv", "SU-year-1976-1978-evidence.csv"]
    out = tmp_path / "out"
    written = write_report(corpus, card, period="year", first=1976, last=1978, out_dir=out, formats=["csv", "md"])
    assert sorted(p.name for p in written) == sorted([*names, "SU-year-1976-1978.md"])
    evidence = _rows((out / "SU-year-1976-1978-evidence.csv").read_text(encoding="utf-8"))
    assert {e["observation"] for e in evidence} == {"j0", "j1"}


@pytest.mark.parametrize("csv_path", sorted(p for p in (REPO / "reports").glob("*.csv") if "-evidence" not in p.name))
def test_every_committed_csv_has_its_evidence_beside_it(csv_path: Path) -> None:
    """The committed CSVs carry counts; their ids are committed beside them (and the stale check,
    tests/test_reports_fresh.py, compares every file of reports/, these included)."""
    evidence = csv_path.with_name(csv_path.stem + "-evidence.csv")
    assert evidence.is_file(), f"{evidence.name} missing: run `helsinki-compliance report`"
    rows = _rows(evidence.read_text(encoding="utf-8"))
    card = _rows(csv_path.read_text(encoding="utf-8"))
    assert {r["state"] for r in rows} <= {csv_path.name.split("-")[0]}
    n = sum(int(r["n_observations"]) for r in card if r["row"] == "cell")
    assert len({(r["commitment"], r["period"], r["observation"]) for r in rows if r["scored"] == "True"}) == n

"""One view of the corpus as known at the as-of date (issue #26, item 4): ``explain`` and reports
show the readings and conflict resolutions known then, as the score uses them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from conftest import SOURCES, make_data, obs
from helsinki_compliance import api as hc
from helsinki_compliance.cli.main import main
from helsinki_compliance.engine.explain import explain_cell
from helsinki_compliance.model.periods import parse_period

LOW = {**SOURCES[0], "id": "weak", "title": "Weak source", "reliability": "low"}


def _data(tmp_path: Path) -> Path:
    metric = {"name": "emigration.persons", "unit": "persons"}
    return make_data(
        tmp_path / "d",
        [
            obs(
                "o.high",
                "1988",
                "statistic",
                known_by="1990-06",
                fact="su.emigration.1988",
                metric={**metric, "value": 9000},
            ),
            obs(
                "o.low",
                "1988",
                "statistic",
                known_by="1989-02",
                fact="su.emigration.1988",
                source="weak",
                locator="p. 2",
                metric={**metric, "value": 12000},
            ),
        ],
        extra={"observations/sources.yaml": {"sources": [*SOURCES, LOW]}},
    )


def test_explain_shows_the_resolution_known_at_the_as_of_date(tmp_path: Path) -> None:
    corpus = hc.load(_data(tmp_path))
    period = parse_period("1988", {})
    early = explain_cell(corpus, "t.emigration", "SU", period, date(1989, 12, 31))
    # only the 12,000 was known: it is scored, and no conflict (with a reading not yet known) is shown
    assert [e["id"] for e in early["evidence"]] == ["o.low"]
    assert early["status"] == "compliant"
    assert early["conflicts"] == []
    late = explain_cell(corpus, "t.emigration", "SU", period, date(1991, 12, 31))
    assert [e["id"] for e in late["evidence"]] == ["o.high"]
    assert [c["kept"] for c in late["conflicts"]] == ["o.high"]


def test_a_report_as_of_a_date_lists_only_conflicts_known_then(tmp_path: Path) -> None:
    root = _data(tmp_path)
    out = tmp_path / "out"
    for as_of, want in (("1989-06-30", []), ("1991-12-31", ["su.emigration.1988"])):
        r = CliRunner().invoke(
            main,
            [
                "--data",
                str(root),
                "report",
                "--state",
                "SU",
                "--from",
                "1987",
                "--to",
                "1989",
                "--format",
                "json",
                "--as-of",
                as_of,
                "--out",
                str(out),
            ],
        )
        assert r.exit_code == 0, r.output
        data = json.loads((out / "SU-year-1987-1989.json").read_text(encoding="utf-8"))
        assert [c["fact"] for c in data.get("conflicts", [])] == want, as_of

"""Input checks (issue #26, items 5, 6, 14, 16-19): what a careless user types is refused with a
message that names the mistake, never read as something else or dropped silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import make_data, obs
from helsinki_compliance import api as hc
from helsinki_compliance.cli.main import main
from helsinki_compliance.errors import DataError

CSV_HEAD = "date,dated_by,state,kind,source,locator,quote,confidence,metric_name,metric_value,metric_unit\n"


def run(root: Path | None, *args: str, cwd: Path | None = None) -> Result:
    pre = ["--data", str(root)] if root else []
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [*pre, *args])
    finally:
        os.chdir(old)


def bad_input(r: Result) -> None:
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    assert r.exit_code == 2, r.output


# ---------------------------------------------------------------- 5. CSV figures


def _import_value(tmp_path: Path, value: str, metric: str = "prisoners.released-share", unit: str = "share") -> Result:
    root = make_data(tmp_path / "d")
    rows = tmp_path / "rows.csv"
    rows.write_text(CSV_HEAD + f'1988,x,SU,statistic,src,p. 1,a quote,high,{metric},"{value}",{unit}\n', "utf-8")
    return run(root, "--allow-outside", "observe", "import", str(rows))


@pytest.mark.parametrize("value", ["0,5", "1,5", "12,00", "1,2,3"])
def test_a_decimal_comma_is_refused_not_read_as_another_number(tmp_path: Path, value: str) -> None:
    r = _import_value(tmp_path, value)
    bad_input(r)
    assert "metric_value" in r.output and "decimals with a point" in r.output
    assert hc.load(tmp_path / "d").observations == []


@pytest.mark.parametrize(("value", "want"), [("12,000", 12000.0), ("1,234,567.5", 1234567.5), ("0.5", 0.5)])
def test_thousands_separators_and_decimal_points_still_read(tmp_path: Path, value: str, want: float) -> None:
    unit = "share" if want < 1 else "persons"
    r = _import_value(tmp_path, value, "prisoners.released-share" if want < 1 else "emigration.persons", unit)
    assert r.exit_code == 0, r.output
    (o,) = hc.load(tmp_path / "d").observations
    assert o.metric is not None and o.metric.value == want


def test_a_share_above_one_is_refused(tmp_path: Path) -> None:
    r = _import_value(tmp_path, "5")
    bad_input(r)
    assert "share" in r.output and "0 to 1" in r.output
    bad = obs(
        "o.share", "1988", "statistic", metric={"name": "prisoners.released-share", "value": 1.5, "unit": "share"}
    )
    with pytest.raises(DataError, match="0 to 1"):
        hc.load(make_data(tmp_path / "e", [bad]))

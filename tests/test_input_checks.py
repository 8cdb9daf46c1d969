"""Input checks (issue #26, items 5, 6, 14, 16-19): what a careless user types is refused with a
message that names the mistake, never read as something else or dropped silently."""

from __future__ import annotations

import os
import re
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


# ---------------------------------------------------------------- 6, 18. known_by, law dates, blank text


def _one(tmp_path: Path, **extra: object) -> Path:
    return make_data(tmp_path / "d", [obs("o.one", **{"date": "1988", "kind": "arrest", **extra})])  # type: ignore[arg-type]


def test_known_by_before_the_event_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="before the observation's own date"):
        hc.load(_one(tmp_path, date="1988-06-01", known_by="1988-03"))


def test_a_full_period_figure_known_before_the_period_ends_is_refused(tmp_path: Path) -> None:
    metric = {"name": "emigration.persons", "value": 20000, "unit": "persons"}
    with pytest.raises(DataError, match="known once the period is over"):
        hc.load(_one(tmp_path, kind="statistic", metric=metric, known_by="1988-03"))


def test_observe_add_refuses_a_figure_known_before_its_year_ends(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    r = run(
        root,
        *("observe", "add", "--state", "SU", "--date", "1988", "--known-by", "1988-03", "--kind", "statistic"),
        *("--metric", "emigration.persons", "--value", "20000", "--unit", "persons", "--source", "src"),
        *("--locator", "p. 1", "--quote", "twenty thousand left", "--dated-by", "x", "--confidence", "high"),
    )
    bad_input(r)
    assert "known-by" in r.output


def test_known_by_in_the_future_is_refused(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    r = run(
        root,
        *("observe", "add", "--state", "SU", "--date", "1988", "--known-by", "2030", "--kind", "arrest"),
        *("--source", "src", "--locator", "p. 1", "--quote", "an arrest", "--dated-by", "x", "--confidence", "high"),
    )
    bad_input(r)
    assert "known-by" in r.output and "future" in r.output


def test_in_force_before_adopted_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="before adopted"):
        hc.load(_one(tmp_path, kind="legislation", law={"adopted": "1988-06-01", "in_force": "1987-01-01"}))


@pytest.mark.parametrize("field", ["quote", "locator", "dated_by"])
def test_whitespace_only_text_is_refused(tmp_path: Path, field: str) -> None:
    with pytest.raises(DataError, match="blank"):
        hc.load(_one(tmp_path, **{field: "   "}))


def add_source(root: Path, sid: str, title: str) -> Result:
    """`source add` of a press source with ``title`` (the other fields valid)."""
    fields = ("--id", sid, "--title", title, "--author", "A", "--date", "1988", "--kind", "press")
    return run(root, "source", "add", *fields, "--reliability", "low")


def test_a_whitespace_only_source_title_is_refused(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    r = add_source(root, "blank-title", "  ")
    bad_input(r)
    assert "blank" in r.output


# ---------------------------------------------------------------- 18. states' dates


def test_a_successor_code_for_its_predecessors_years_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="use CS"):
        hc.load(_one(tmp_path, state="CZ"))


def test_an_observation_before_joining_that_cites_a_commitment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot bear on a commitment"):
        hc.load(_one(tmp_path, date="1970", tags=["monitor"], commitments=["t.monitors"]))


def test_background_before_joining_is_kept_with_a_warning(tmp_path: Path) -> None:
    corpus = hc.load(_one(tmp_path, date="1970"))
    assert any("before SU became a participating state" in str(w) for w in corpus.warnings)


# ---------------------------------------------------------------- 18. options never dropped


@pytest.mark.parametrize("extra", [("--subject", "rferl"), ("--ended",)])
def test_subject_or_ended_without_standing_is_refused(tmp_path: Path, extra: tuple[str, ...]) -> None:
    root = make_data(tmp_path / "d")
    r = run(
        root,
        *("observe", "add", "--state", "SU", "--date", "1988", "--kind", "jamming", "--source", "src"),
        *("--locator", "p. 1", "--quote", "jammed", "--dated-by", "x", "--confidence", "high", *extra),
    )
    bad_input(r)
    assert "--standing" in r.output
    assert hc.load(root).observations == []


# ---------------------------------------------------------------- 17, 18. dates as people write them


def test_an_ambiguous_slashed_date_in_a_csv_is_refused(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "date,dated_by,state,kind,source,locator,quote,confidence\n03/04/1988,x,SU,arrest,src,p. 1,a quote,high\n",
        "utf-8",
    )
    r = run(root, "--allow-outside", "observe", "import", str(rows))
    bad_input(r)
    assert "ambiguous" in r.output and "1988-04-03" in r.output and "1988-03-04" in r.output


def test_a_month_first_date_is_explained_not_cut_at_the_slash(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    r = run(
        root,
        *("observe", "add", "--state", "SU", "--date", "12/31/1988", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 1", "--quote", "an arrest", "--dated-by", "x", "--confidence", "high"),
    )
    bad_input(r)
    assert "'12' is not a date" not in r.output
    assert "1988-12-31" in r.output


def test_json_nan_is_not_told_to_lose_its_quotes(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    f = tmp_path / "new.json"
    f.write_text(
        '[{"date": "1988", "dated_by": "x", "state": "SU", "kind": "statistic", "source": "src", "locator": "p. 1",'
        ' "quote": "a figure", "confidence": "high",'
        ' "metric": {"name": "emigration.persons", "value": NaN, "unit": "persons"}}]',
        "utf-8",
    )
    r = run(root, "--allow-outside", "observe", "add", "--file", str(f))
    bad_input(r)
    assert "remove the quotes" not in r.output
    assert "not a finite number" in r.output or "NaN" in r.output


# ---------------------------------------------------------------- 19. a state given twice


def test_a_state_given_twice_is_listed_once(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d", [obs("o.a", "1980", "arrest", tags=["monitor"])])
    once = run(root, "scorecard", "--state", "SU", "--from", "1980", "--to", "1980", "--format", "csv")
    twice = run(
        root, "scorecard", "--state", "SU", "--state", "su", "--from", "1980", "--to", "1980", "--format", "csv"
    )
    assert once.exit_code == 0 and twice.exit_code == 0, twice.output
    assert twice.output == once.output


# ---------------------------------------------------------------- 14. --all-subjects


def test_all_subjects_infers_dated_by_and_confidence_and_says_so_once(tmp_path: Path) -> None:
    jam = [
        obs(
            f"o.jam-{s}",
            "1980",
            "jamming",
            locator=f"p. {s}",
            standing={"condition": "radio-jamming", "subject": s, "in_effect": True},
        )
        for s in ("rferl", "voa", "bbc")
    ]
    root = make_data(tmp_path / "d", jam)
    r = run(
        root,
        *("observe", "add", "--state", "SU", "--date", "1988-11-30", "--kind", "policy-change", "--source", "src"),
        *(
            "--locator",
            "p. 5",
            "--quote",
            "jamming stopped",
            "--standing",
            "radio-jamming",
            "--ended",
            "--all-subjects",
        ),
    )
    assert r.exit_code == 0, r.output
    assert r.output.count("inferred: dated_by") == 1 and r.output.count("inferred: confidence") == 1
    ended = [o for o in hc.load(root).observations if o.standing and not o.standing.in_effect]
    assert sorted(o.standing.subject or "" for o in ended if o.standing) == ["bbc", "rferl", "voa"]


# ---------------------------------------------------------------- 16. named periods


def test_a_named_period_with_a_calendar_id_is_refused(tmp_path: Path) -> None:
    periods = (Path(__file__).resolve().parents[1] / "commitments" / "periods.yaml").read_text(encoding="utf-8")
    periods = periods.replace(
        "periods:\n",
        'periods:\n  - id: "1988"\n    title: "A year from June"\n    start: "1988-06-01"\n    end: "1989-05-31"\n',
        1,
    )
    root = make_data(tmp_path / "d", extra={"commitments/periods.yaml": periods})
    with pytest.raises(DataError, match="calendar period"):
        hc.load(root)


# ---------------------------------------------------------------- 17. messages


def test_a_lock_that_cannot_be_created_is_not_called_a_non_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_data(tmp_path / "d")
    real = os.open

    def no_write(path: object, flags: int, *a: object) -> int:
        if str(path).endswith(".helsinki-compliance.lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", no_write)
    r = run(
        root,
        *("observe", "add", "--state", "SU", "--date", "1988", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 1", "--quote", "an arrest", "--dated-by", "x", "--confidence", "high"),
    )
    bad_input(r)
    assert "not a regular file" not in r.output and "Permission denied" in r.output


def test_a_control_character_in_a_source_title_is_named_by_its_option(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    r = add_source(root, "bell", "bad\x07title")
    bad_input(r)
    assert "title" in r.output and "U+0007" in r.output
    assert ".tmp" not in r.output and not re.search(r"sources\.yaml:\d", r.output)  # no line of a temp file

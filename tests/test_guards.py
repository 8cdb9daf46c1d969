"""Guards against hostile and careless input (hardening 2, issue #17): one test or more per defect, numbered as in the issue.

Each test fails on the code before the fix. Slow or platform-dependent ones are marked.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import REPO, make_data, obs
from helsinki_compliance.cli.main import main
from helsinki_compliance.load import cache as cache_mod
from helsinki_compliance.load import yaml_reader
from helsinki_compliance.load.cache import FileCache, content_hash
from helsinki_compliance.observe import drafts as obs_drafts
from helsinki_compliance.observe import writer as obs_writer

CACHE_ENV = "HELSINKI_COMPLIANCE_CACHE_DIR"
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and umask are POSIX")


def run(*args: str, cwd: Path | None = None, data: Path | None = None) -> Result:
    pre = ["--data", str(data)] if data else []
    if cwd is None:
        return CliRunner().invoke(main, [*pre, *args])
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [*pre, *args])
    finally:
        os.chdir(old)


def no_internal_error(r: Result) -> None:
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


def bad_input(r: Result) -> None:
    no_internal_error(r)
    assert r.exit_code == 2, r.output


def emigration(oid: str, date: str, value: float) -> dict[str, object]:
    return obs(oid, date, "statistic", metric={"name": "emigration.persons", "value": value, "unit": "persons"})


# ---------------------------------------------------------------- 1. observe import is linear


def _csv_rows(n: int) -> str:
    head = "date,dated_by,state,kind,source,locator,quote,confidence\n"
    rows = [f"1977-02-03,test,SU,arrest,src,p. {i},quote number {i},high\n" for i in range(n)]
    return head + "".join(rows)


@pytest.mark.slow
def test_1_observe_import_checks_duplicates_with_an_index_not_pairwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed: the duplicate check looks each row up once (before: every row against
    every observation, and each new id searched in the batch)."""
    root = make_data(tmp_path / "d", [obs(f"o.{i}", "1977-01-01", "arrest", locator=f"x {i}") for i in range(300)])
    calls = {"n": 0}
    real = obs_drafts.norm_quote

    def counting(text: str) -> str:
        calls["n"] += 1
        return real(text)

    monkeypatch.setattr(obs_drafts, "norm_quote", counting)
    (tmp_path / "rows.csv").write_text(_csv_rows(400), encoding="utf-8")
    r = run("--allow-outside", "observe", "import", str(tmp_path / "rows.csv"), "--dry-run", data=root)
    assert r.exit_code == 0, r.output
    assert calls["n"] <= 2 * (300 + 400), calls  # linear: once per observation and once per row


# ---------------------------------------------------------------- 2, 3. the cache


def _cached_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    root = make_data(
        tmp_path / "d",
        [
            obs(
                "o.jam",
                "1980",
                "jamming",
                standing={"condition": "radio-jamming", "subject": "voa", "in_effect": True},
            )
        ],
    )
    cache = tmp_path / "user-cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    return root, cache


def _scorecard(root: Path) -> str:
    r = run("scorecard", "--state", "SU", "--from", "1980", "--to", "1981", "--format", "csv", data=root)
    assert r.exit_code == 0, r.output
    return r.output


def test_2_a_poisoned_cache_entry_does_not_change_the_scorecard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _cached_corpus(tmp_path, monkeypatch)
    truth = _scorecard(root)
    assert ",violation," in truth or "violation" in truth
    sha = content_hash((root / "observations" / "obs.yaml").read_bytes())
    (entry,) = cache.rglob(f"{sha}.json")
    head, _, payload = entry.read_bytes().partition(b"\n")
    data = json.loads(payload)
    data["items"][0]["standing"]["in_effect"] = False  # the poison: jamming ended
    data["items"].append({**data["items"][0], "id": "o.forged"})  # and an observation in no file
    data["lines"].append(99)
    data["indexes"].append(1)
    forged = json.dumps(data).encode()
    header = json.loads(head)
    header["length"] = len(forged)
    header["crc32"] = __import__("zlib").crc32(forged)  # what the old format checked
    entry.write_bytes(json.dumps(header).encode() + b"\n" + forged)
    assert _scorecard(root) == truth
    r = run("observe", "show", "o.forged", data=root)
    assert r.exit_code == 2  # no such observation: the forged one was not read
    assert not (root / ".helsinki-cache").exists()  # nothing written under the data directory


def test_2_sign_and_verify_are_one_small_reusable_check(tmp_path: Path) -> None:
    key = FileCache(tmp_path / "c").key
    assert key is not None
    tag = cache_mod.sign(key, b"payload")
    assert cache_mod.verify(key, b"payload", tag)
    assert not cache_mod.verify(key, b"payload!", tag)
    assert not cache_mod.verify(b"x" * 32, b"payload", tag) and not cache_mod.verify(key, b"p", 3)


@posix_only
def test_2_the_secret_and_entries_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = _cached_corpus(tmp_path, monkeypatch)
    _scorecard(root)
    assert stat.S_IMODE((cache / "secret").stat().st_mode) == 0o600
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in cache.rglob("*.json"))
    os.chmod(cache / "secret", 0o644)  # readable by others: not trusted, the cache is off
    assert FileCache(cache).key is None


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "link"])
def test_3_special_files_at_cache_entries_are_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    root, cache = _cached_corpus(tmp_path, monkeypatch)
    truth = _scorecard(root)
    for entry in cache.rglob("*.json"):
        entry.unlink()
        if kind == "fifo":
            os.mkfifo(entry)
        elif kind == "dev-zero":
            entry.symlink_to("/dev/zero")
        else:
            (tmp_path / "elsewhere.json").write_text("{}")
            entry.symlink_to(tmp_path / "elsewhere.json")
    assert _scorecard(root) == truth  # no hang, no MemoryError
    assert (tmp_path / "elsewhere.json").read_text() == "{}" if kind == "link" else True


@posix_only
def test_3_a_read_only_data_dir_is_not_written_and_a_symlinked_cache_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _cached_corpus(tmp_path, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache.symlink_to(elsewhere)
    before = sorted(p.name for p in root.rglob("*"))
    _scorecard(root)
    assert list(elsewhere.iterdir()) == []  # a symlinked cache directory: the cache is off
    assert sorted(p.name for p in root.rglob("*")) == before


# ---------------------------------------------------------------- 4. symlinked data folders


@posix_only
def test_4_a_symlinked_top_level_data_folder_is_refused(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    secret = tmp_path / "system" / "conf"
    secret.mkdir(parents=True)
    (secret / "x.yaml").write_text("api_token: hunter2\n")
    (root / "goals").symlink_to(tmp_path / "system")
    r = run("validate", data=root)
    bad_input(r)
    assert "hunter2" not in r.output and "api_token" not in r.output
    assert "goals" in r.output and "symbolic link" in r.output


# ---------------------------------------------------------------- 5. control characters


@pytest.mark.parametrize(
    "text",
    ['"\\e]0;pwned\\a"', '"\\e[2J"', '"a\\u202Eb"', '"\\x9b31m"', '"one\\x85two"'],
    ids=["osc", "csi", "bidi", "c1", "nel"],
)
def test_5_control_characters_in_data_are_refused_with_their_place(tmp_path: Path, text: str) -> None:
    root = make_data(tmp_path / "d", [obs("o.one", "1977-02-03", "arrest")])
    path = root / "observations" / "obs.yaml"
    path.write_text(path.read_text().replace("quote: quote of o.one", f"quote: {text}"))
    r = run("validate", data=root)
    bad_input(r)
    assert "observations/obs.yaml:" in r.output and "observations[0].quote" in r.output
    assert "\x1b" not in r.output and "\u202e" not in r.output


def test_5_a_control_key_is_refused_and_never_printed_raw(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    (root / "observations" / "evil.yaml").write_text('"\\e]0;owned\\a\\e[2Jfake ok": []\n')
    r = run("validate", data=root)
    bad_input(r)
    assert "\x1b" not in r.output and "\x07" not in r.output


@pytest.mark.parametrize("how", ["quote", "csv"])
def test_5_observe_refuses_control_characters_from_flags_and_csv(tmp_path: Path, how: str) -> None:
    root = make_data(tmp_path / "d")
    if how == "quote":
        r = run(
            *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
            *("--locator", "p. 9", "--quote", "ok\x1b]0;t\x07", "--dated-by", "x", "--confidence", "high"),
            data=root,
        )
    else:
        (tmp_path / "rows.csv").write_text(_csv_rows(1).replace("quote number 0", "q\x1b[2J"), encoding="utf-8")
        r = run("--allow-outside", "observe", "import", str(tmp_path / "rows.csv"), data=root)
    bad_input(r)
    assert "quote" in r.output and "\x1b" not in r.output


def test_5_printed_text_is_escaped_for_the_terminal() -> None:
    from helsinki_compliance.cli.app import terminal_safe

    assert terminal_safe("a\x1b]0;x\x07b\u202ec\n\t") == "a\\u001b]0;x\\u0007b\\u202ec\n\t"


# ---------------------------------------------------------------- 6. huge figures


def test_6_two_huge_figures_are_a_data_error_not_a_crash(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d", [emigration("o.a", "1980", 1.7e308), emigration("o.b", "1980-06", 1.7e308)])
    for args in (("validate",), ("scorecard", "--state", "SU"), ("explain", "t.emigration", "--state", "SU")):
        r = run(*args, "--period", "1980", data=root) if args[0] == "explain" else run(*args, data=root)
        bad_input(r)
        assert "metric.value" in r.output


def test_6_also_negative_counts_are_refused(tmp_path: Path) -> None:
    r = run("validate", data=make_data(tmp_path / "d", [emigration("o.a", "1980", -5)]))
    bad_input(r)
    assert "obs.yaml:" in r.output and "metric.value" in r.output and "negative" in r.output


# ---------------------------------------------------------------- 7. import files bounded, non-blocking


@posix_only
@pytest.mark.parametrize("kind", ["dev-zero", "fifo-import", "fifo-add"])
def test_7_special_import_files_are_refused_without_reading(tmp_path: Path, kind: str) -> None:
    root = make_data(tmp_path / "d")
    if kind == "dev-zero":
        (tmp_path / "rows.csv").symlink_to("/dev/zero")
    else:
        os.mkfifo(tmp_path / "rows.csv")
    args = ("observe", "add", "--file") if kind == "fifo-add" else ("observe", "import")
    r = run("--allow-outside", *args, str(tmp_path / "rows.csv"), data=root)  # before: hung or MemoryError
    bad_input(r)
    assert "regular file" in r.output


# ---------------------------------------------------------------- 8, 16, 17. every written path is guarded


def test_8_synth_out_outside_the_current_directory_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    make_data(victim)
    (victim / ".helsinki-synth").write_text("x")  # even a marked directory
    here = tmp_path / "here"
    here.mkdir()
    r = run("--data", str(REPO), "synth", "--observations", "10", "--out", "../victim", "--force", cwd=here)
    bad_input(r)
    assert (victim / "observations" / "obs.yaml").exists()


def test_8_also_schema_out_does_not_overwrite_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    out.mkdir()
    (out / "observations.schema.json").write_text('{"mine": true}')
    r = run("schema", "--out", "schemas", cwd=tmp_path)
    bad_input(r)
    assert (out / "observations.schema.json").read_text() == '{"mine": true}'
    (out / "observations.schema.json").unlink()
    assert run("schema", "--out", "schemas", cwd=tmp_path).exit_code == 0
    assert run("schema", "--out", "schemas", cwd=tmp_path).exit_code == 0  # its own files: replaced


def test_16_pyproject_data_outside_the_project_is_refused(tmp_path: Path) -> None:
    victim = make_data(tmp_path / "victim2")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text('[tool.helsinki-compliance]\ndata = "../victim2"\n')
    before = (victim / "observations" / "obs.yaml").read_text()
    r = run(
        *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 9", "--quote", "q", "--dated-by", "x", "--confidence", "high"),
        cwd=proj,
    )
    bad_input(r)
    assert "pyproject.toml:2: data" in r.output
    assert (victim / "observations" / "obs.yaml").read_text() == before


@pytest.mark.parametrize("extends", ['x"\nevil = 1', "/nonexistent-helsinki"], ids=["quote-newline", "missing"])
def test_17_init_extends_is_checked(tmp_path: Path, extends: str) -> None:
    r = run("init", "mine", "--extends", extends, cwd=tmp_path)
    bad_input(r)
    assert not (tmp_path / "mine" / "helsinki-compliance.toml").exists()


def test_17_also_init_directory_obeys_the_path_guard(tmp_path: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    bad_input(run("init", "../elsewhere", cwd=here))
    assert not (tmp_path / "elsewhere").exists()


# ---------------------------------------------------------------- 9. bad dates exit 2


@pytest.mark.parametrize(
    "args",
    [
        ("scorecard", "--from", "999", "--to", "1000"),
        ("scorecard", "--as-of", "0000-Q1"),
        ("scorecard", "--period", "0000-Q1"),
        ("observe", "list", "--from", "0000-H1"),
        ("goals", "--baseline", "0001-01-01"),
        ("scorecard", "--from", "9999", "--to", "9999"),
        ("explain", "hfa.b3.info.broadcast", "--state", "SU", "--period", "0000-H2"),
    ],
)
def test_9_bad_dates_from_options_exit_2(args: tuple[str, ...]) -> None:
    bad_input(run(*args))


def test_9_also_baseline_errors_name_baseline() -> None:
    r = run("goals", "--baseline", "1985-13")
    bad_input(r)
    assert "--baseline" in r.output and "--as-of" not in r.output


def test_9_a_goal_baseline_at_year_one_is_refused_by_validate(tmp_path: Path) -> None:
    root = tmp_path / "d"
    for d in ("commitments", "observations", "goals"):
        shutil.copytree(REPO / d, root / d)
    path = root / "goals" / "schifter-1987.yaml"
    text = path.read_text()
    assert "baseline:" in text
    import re

    path.write_text(re.sub(r'baseline: "?[0-9-]+"?', 'baseline: "0001-06"', text, count=1))
    assert run("--no-cache", "validate", data=root).exit_code == 2
    bad_input(run("--no-cache", "goals", data=root))


def test_9_a_period_after_one_ending_9999_is_refused(tmp_path: Path) -> None:
    root = make_data(
        tmp_path / "d",
        extra={
            "commitments/more-periods.yaml": """\
            periods:
              - id: pz
                title: "The last period"
                start: "9999-01-01"
                end: "9999-12-31"
              - id: after-pz
                title: "After it"
                start: {after: pz}
                end: {after: pz}
            """
        },
    )
    bad_input(run("scorecard", "--period", "after-pz", data=root))


DATE_OPTIONS = [
    ("scorecard", "--as-of"),
    ("scorecard", "--period"),
    ("goals", "--baseline"),
    ("goals", "--as-of"),
    ("observe list", "--from"),
    ("observe list", "--to"),
    ("commitments", "--as-of"),
    ("report", "--as-of"),
]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small data directory (the real registries, a few observations): the property runs fast on it."""
    return make_data(
        tmp_path_factory.mktemp("small"), [emigration("e1", "1987", 8000), emigration("e2", "1988", 19000)]
    )


@example(option=("scorecard", "--as-of"), value="0000-Q1")
@example(option=("goals", "--baseline"), value="0001-01-01")
@example(option=("observe list", "--from"), value="0000-H1")
@given(
    option=st.sampled_from(DATE_OPTIONS),
    value=st.one_of(
        st.from_regex(r"\A[0-9]{4}(-(Q[1-4]|H[12]|[0-9]{2}(-[0-9]{2})?))?\Z"),
        st.text(max_size=12),
    ),
)
def test_9_no_date_taking_option_gives_an_internal_error(
    option: tuple[str, str], value: str, small_corpus: Path
) -> None:
    command, flag = option
    r = run(*command.split(), f"{flag}={value}", *_report_options(command, small_corpus), data=small_corpus)
    no_internal_error(r)
    assert r.exit_code in (0, 2), r.output


@pytest.mark.parametrize("option", DATE_OPTIONS)
def test_9_also_on_the_bundled_corpus_a_date_at_the_edge_is_bad_input_not_a_crash(
    option: tuple[str, str], tmp_path: Path
) -> None:
    command, flag = option
    r = run(*command.split(), f"{flag}=0000-Q1", *_report_options(command, tmp_path))
    bad_input(r)


def _report_options(command: str, out: Path) -> tuple[str, ...]:
    return ("--out", str(out / "reports"), "--state", "PL", "--format", "csv") if command == "report" else ()


# ---------------------------------------------------------------- 10. CSV import


@pytest.mark.parametrize("damage", ["huge-cell", "extra-cells", "duplicate-column"])
def test_10_csv_import_problems_are_exit_2(tmp_path: Path, damage: str) -> None:
    root = make_data(tmp_path / "d")
    text = _csv_rows(2)
    if damage == "huge-cell":
        text = text.replace("quote number 1", "x" * 200_000)
    elif damage == "extra-cells":
        text = text.replace("quote number 1,high", "quote number 1,high,extra,cells")
    else:
        text = text.replace("confidence\n", "confidence,quote\n").replace(",high\n", ",high,second\n")
    (tmp_path / "rows.csv").write_text(text, encoding="utf-8")
    r = run("--allow-outside", "observe", "import", str(tmp_path / "rows.csv"), "--dry-run", data=root)
    bad_input(r)
    assert "rows.csv:" in r.output


# ---------------------------------------------------------------- 11. the fast YAML path


@pytest.mark.skipif(not yaml_reader.fast_available(), reason="rapidyaml is not installed")
def test_11_the_fast_path_agrees_with_the_safe_reader_on_hostile_files() -> None:
    cases = [
        b"observations:\n  - quote: 0e0\n",
        b"observations:\n  - tags: [" + b"0," * 1_600_000 + b"0]\n",
        b"observations:\n  - id: a: b\n",
        b"observations:\n  - x: " + b"[" * 70 + b"]" * 70 + b"\n",
        b"observations:\n  - quote: 1.5e3\n",
    ]
    for raw in cases:
        fast = yaml_reader.load_fast(raw)
        try:
            slow = yaml_reader.load(raw).data
        except yaml_reader.YamlError:
            assert fast is None
            continue
        assert fast is None or fast.data == slow


@pytest.mark.skipif(not yaml_reader.fast_available(), reason="rapidyaml is not installed")
def test_11_the_fast_path_agrees_on_the_real_corpus() -> None:
    for path in sorted((REPO / "observations").rglob("*.yaml")):
        raw = path.read_bytes()
        fast = yaml_reader.load_fast(raw)
        assert fast is None or fast.data == yaml_reader.load(raw).data, path


@pytest.mark.skipif(not yaml_reader.fast_available(), reason="rapidyaml is not installed")
def test_11_no_cpp_diagnostic_reaches_stderr(tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    (root / "observations" / "bad.yaml").write_text("observations:\n  - id: a: b\n")
    p = subprocess.run(
        [sys.executable, "-m", "helsinki_compliance", "--data", str(root), "validate"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2
    assert ".hpp" not in p.stderr and "ERROR: [parse]" not in p.stderr, p.stderr


# ---------------------------------------------------------------- 12, 13. reports: manifest, all or nothing


@pytest.mark.parametrize(
    "content",
    ['{"generator": "helsinki-compliance 0", "mine": 1}', "my notes, generated by helsinki-compliance once"],
)
def test_12_a_users_file_quoting_the_mark_is_not_overwritten(tmp_path: Path, content: str) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    name = "PL-year-1975-1991.json" if content.startswith("{") else "PL-year-1975-1991.md"
    (out / name).write_text(content)
    r = run("report", "--state", "PL", "--format", "json,md", "--out", "reports", cwd=tmp_path, data=REPO)
    bad_input(r)
    assert (out / name).read_text() == content
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing else written


def test_13_a_report_failing_midway_leaves_the_old_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helsinki_compliance.render import outputs

    args = ("report", "--state", "PL", "--state", "HU", "--format", "md,csv", "--out", "reports")
    assert run(*args, cwd=tmp_path, data=REPO).exit_code == 0
    out = tmp_path / "reports"
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    real = outputs.atomic_write
    n = {"files": 0}

    def full_disk(path: Path, text: str | bytes, **kw: object) -> None:
        n["files"] += 1
        if n["files"] == 3:
            raise OSError(28, "No space left on device")
        real(path, text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(outputs, "atomic_write", full_disk)
    r = run(*args, "--as-of", "1980-12-31", cwd=tmp_path, data=REPO)
    bad_input(r)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old


# ---------------------------------------------------------------- 14. umask


@posix_only
def test_14_new_files_follow_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_data(tmp_path / "d")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    old = os.umask(0o077)
    try:
        r = run(
            *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
            *("--locator", "p. 9", "--quote", "q", "--dated-by", "x", "--confidence", "high"),
            *("--to", "observations/new.yaml"),
            data=root,
        )
        assert r.exit_code == 0, r.output
        r = run("report", "--state", "PL", "--format", "md", "--out", "reports", cwd=tmp_path, data=REPO)
        assert r.exit_code == 0, r.output
    finally:
        os.umask(old)
    assert stat.S_IMODE((root / "observations" / "new.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "reports" / "PL-year-1975-1991.md").stat().st_mode) == 0o600


# ---------------------------------------------------------------- 15. the lock file


@posix_only
@pytest.mark.parametrize("what", ["lock-file", "observations-folder"])
def test_15_a_symlinked_lock_file_or_folder_is_refused_clearly(tmp_path: Path, what: str) -> None:
    root = make_data(tmp_path / "d")
    target = tmp_path / "outside"
    if what == "lock-file":
        (root / "observations" / obs_writer.LOCK_NAME).symlink_to(target)
    else:
        shutil.move(root / "observations", target)
        (root / "observations").symlink_to(target)
    before = sorted(p.name for p in target.iterdir()) if target.is_dir() else None
    r = run(
        *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 9", "--quote", "q", "--dated-by", "x", "--confidence", "high"),
        data=root,
    )
    bad_input(r)
    assert "symbolic link" in r.output and "refused" in r.output
    assert (sorted(p.name for p in target.iterdir()) if target.is_dir() else None) == before


# ---------------------------------------------------------------- 18. quotes round-trip


@pytest.mark.parametrize("quote", ["one\x85two", "one\u2028two", "tab\there", 'a "b" \\c'])
def test_18_observe_add_stores_the_quote_as_given_or_refuses_it(tmp_path: Path, quote: str) -> None:
    root = make_data(tmp_path / "d")
    r = run(
        *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 9", "--quote", quote, "--dated-by", "x", "--confidence", "high"),
        *("--to", "observations/new.yaml"),
        data=root,
    )
    if r.exit_code == 2:  # refused with its flag (U+0085 is a control character): never changed silently
        assert "--quote" in r.output and not (root / "observations" / "new.yaml").exists()
        return
    assert r.exit_code == 0, r.output
    data = yaml_reader.load((root / "observations" / "new.yaml").read_bytes()).data
    assert data["observations"][-1]["quote"] == quote


def test_18_the_post_write_check_compares_every_field(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = make_data(tmp_path / "d")
    real = obs_writer.observation_yaml
    monkeypatch.setattr(obs_writer, "observation_yaml", lambda o, indent=2: real(o, indent).replace("p. 9", "p. 8"))
    r = run(
        *("observe", "add", "--state", "SU", "--date", "1977-02-03", "--kind", "arrest", "--source", "src"),
        *("--locator", "p. 9", "--quote", "q", "--dated-by", "x", "--confidence", "high"),
        data=root,
    )
    bad_input(r)
    assert "--locator" in r.output

"""observe add / import / list / show: validation, duplicates, dry run, all-or-nothing, locks, killed writes."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import helsinki_compliance as hc
from conftest import REPO
from helsinki_compliance.cli.main import main
from helsinki_compliance.observe import core as observe
from helsinki_compliance.observe import drafts as obs_drafts
from helsinki_compliance.observe import writer as obs_writer

SOURCE = textwrap.indent(
    textwrap.dedent("""\
    - id: rferl-1988
      title: "Radio Liberty no longer jammed"
      author: "A newspaper report"
      date: "1988-12-01"
      kind: press
      reliability: medium
"""),
    "  ",
)

RL_END = [
    "--state",
    "SU",
    "--date",
    "1988-11-30",
    "--kind",
    "policy-change",
    "--commitment",
    "hfa.b3.info.broadcast",
    "--tag",
    "radio",
    "--tag",
    "rferl",
    "--standing",
    "radio-jamming",
    "--subject",
    "rferl",
    "--ended",
    "--source",
    "rferl-1988",
    "--locator",
    "p. 1",
    "--quote",
    "the jamming of Radio Liberty stopped",
    "--dated-by",
    "30 November 1988",
    "--confidence",
    "high",
]


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """The bundled data without the documented record (observations/record), so that the end of
    RFE/RL jamming in 1988, which the record holds, is new here."""
    root = tmp_path / "data"
    for d in ("commitments", "observations", "goals"):
        shutil.copytree(REPO / d, root / d, ignore=shutil.ignore_patterns("record", "texts"))
    with (root / "observations" / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write(SOURCE)
    return root


def run(root: Path, *args: str, input: str | None = None):  # noqa: A002
    return CliRunner().invoke(main, ["--data", str(root), "observe", *args], input=input)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every data file's bytes (the empty lock file and the parse cache are not data)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != obs_writer.LOCK_NAME and ".helsinki-cache" not in p.parts
    }


def test_add_writes_the_observation_and_prints_what_it_changes(data: Path) -> None:
    r = run(data, "add", *RL_END)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    oid = lines[0].removeprefix("added ")
    assert oid.startswith("rferl-1988.policy-change-1988-11-30-")
    assert "in observations/rferl-1988.yaml" in r.stdout
    # the cell and the goal verdict that move
    # method 2: score moves are reported too, not only status changes
    # changed for method 3 (issue #23, point 1): the 1975 report of "Western radio" jammed is beyond the
    # 8-year horizon from 1984 on and no longer counts (it weighed 1.5 as very stale): 0.40 -> 0.50 before
    assert "SU 1988 hfa.b3.info.broadcast: partial 0.50 -> partial 0.75" in r.stdout
    assert "SU 1989-1991 hfa.b3.info.broadcast: partial 0.50 -> compliant 1.00" in r.stdout
    assert "goal schifter-1987/radio-jamming (SU, 1988-1991): significant-progress -> met" in r.stdout
    corpus = hc.load(data)
    added = next(o for o in corpus.observations if o.id == oid)
    assert added.standing and added.standing.in_effect is False and added.date.text == "1988-11-30"


def test_append_keeps_the_existing_file_byte_for_byte(data: Path) -> None:
    path = data / "observations" / "schifter-1987.yaml"
    before = path.read_bytes()
    r = run(
        data,
        "add",
        "--state",
        "SU",
        "--date",
        "1987-10",
        "--dated-by",
        "October 1987",
        "--kind",
        "release",
        "--tag",
        "political-prisoner",
        "--source",
        "schifter-1987",
        "--locator",
        "[Page 293], test",
        "--quote",
        "a test quote",
        "--confidence",
        "low",
    )
    assert r.exit_code == 0, r.output
    after = path.read_bytes()
    assert after.startswith(before)  # comments, order and formatting untouched
    assert b"a test quote" in after[len(before) :]
    assert (path.stat().st_mode & 0o777) == 0o644 or os.name != "posix"


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--source", "rferl-198", "--source: unknown source 'rferl-198' (did you mean 'rferl-1988'?)"),
        ("--kind", "policy-chnge", "--kind: unknown observation kind 'policy-chnge' (did you mean 'policy-change'?)"),
        (
            "--commitment",
            "hfa.b3.info.brodcast",
            "--commitment: unknown commitment 'hfa.b3.info.brodcast' (did you mean 'hfa.b3.info.broadcast'?)",
        ),
        ("--date", "1988-11-31", "--date: '1988-11-31' is not a valid date"),
        ("--date", "2999-01-01", "--date: 2999-01-01 is in the future"),
        ("--state", "XX", "--state: unknown state 'XX'"),
        ("--subject", "rfe", "--subject: unknown subject 'rfe' of radio-jamming"),
    ],
)
def test_each_error_class_is_named_by_its_flag_and_nothing_is_written(
    data: Path, flag: str, value: str, message: str
) -> None:
    args = list(RL_END)
    args[args.index(flag) + 1] = value
    before = snapshot(data)
    r = run(data, "add", *args)
    assert r.exit_code == 2, r.output
    assert f"observe add: {message}" in r.stderr
    assert "Traceback" not in r.output and "nothing was written" in r.stderr
    assert snapshot(data) == before


def test_unknown_case_and_several_mistakes_are_listed_together(data: Path) -> None:
    args = [*RL_END, "--case", "sharansky"]
    args[args.index("--kind") + 1] = "policy-chnge"
    r = run(data, "add", *args)
    assert r.exit_code == 2
    assert "--case: unknown case 'sharansky'" in r.stderr and "--kind: unknown observation kind" in r.stderr


def test_duplicates_are_refused_with_the_existing_id_unless_allowed(data: Path) -> None:
    first = run(data, "add", *RL_END)
    oid = first.stdout.splitlines()[0].removeprefix("added ")
    again = run(data, "add", *RL_END)
    assert again.exit_code == 2
    assert f"duplicate of {oid}" in again.stderr
    # the same quote from the same source, at another locator, is the same fact too
    moved = list(RL_END)
    moved[moved.index("--locator") + 1] = "p. 2"
    moved[moved.index("--date") + 1] = "1988-12"
    r = run(data, "add", *moved)
    assert r.exit_code == 2 and f"duplicate of {oid} (same quote" in r.stderr
    ok = run(data, "add", *moved, "--allow-duplicate", "second report of the same event")
    assert ok.exit_code == 0, ok.output
    new_id = ok.stdout.splitlines()[0].removeprefix("added ")
    obs = {o.id: o for o in hc.load(data).observations}
    assert "Duplicate allowed: second report of the same event" in (obs[new_id].note or "")


def test_an_existing_duplicate_in_the_bundled_corpus_is_found(data: Path) -> None:
    r = run(
        data,
        "add",
        "--state",
        "SU",
        "--date",
        "1987-09-21/1987-12-31",
        "--kind",
        "jamming",
        "--tag",
        "radio",
        "--source",
        "schifter-1987",
        "--locator",
        "elsewhere",
        "--quote",
        "jamming of  RFE/RL continues",
        "--dated-by",
        "x",
        "--confidence",
        "high",
    )
    assert r.exit_code == 2 and "duplicate of memo.rferl-jammed" in r.stderr


def test_dry_run_shows_the_change_and_writes_nothing(data: Path) -> None:
    before = snapshot(data)
    r = run(data, "add", *RL_END, "--dry-run")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("would add (dry run, nothing written) rferl-1988.")
    assert "goal schifter-1987/radio-jamming (SU, 1988-1991): significant-progress -> met" in r.stdout
    assert snapshot(data) == before  # no file, no temp file, no lock residue beyond the lock file
    assert not list(data.rglob("*.tmp"))


def test_ids_are_derived_from_the_fact_and_never_reused(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(data, other)
    a = run(data, "add", *RL_END, "--format", "json")
    b = run(other, "add", *RL_END, "--format", "json")
    assert json.loads(a.stdout)["ids"] == json.loads(b.stdout)["ids"]  # stable across copies
    changed = list(RL_END)
    changed[changed.index("--quote") + 1] = "Radio Liberty is heard clearly"
    changed[changed.index("--locator") + 1] = "p. 9"
    c = run(other, "add", *changed, "--format", "json")
    assert json.loads(c.stdout)["ids"] != json.loads(a.stdout)["ids"]  # another fact, another id
    taken = {"x.y-1-abcdef"}
    assert obs_drafts.new_id({"source": "x", "kind": "y", "date": "1"}, taken) != "x.y-1-abcdef"


def test_file_of_many_observations_and_json_output(data: Path, tmp_path: Path) -> None:
    f = tmp_path / "new.yaml"
    f.write_text(
        textwrap.dedent("""\
        observations:
          - {date: "1989", dated_by: "1989", state: SU, kind: statistic, tags: [emigration],
             metric: {name: emigration.persons, value: 70000, unit: persons},
             source: rferl-1988, locator: "p. 3", quote: "about 70,000 left", confidence: medium}
          - {date: "1989-05", dated_by: "May 1989", state: SU, kind: release, tags: [political-prisoner],
             source: rferl-1988, locator: "p. 4", quote: "the last prisoners were freed", confidence: low}
        """)
    )
    r = run(data, "add", "--file", str(f), "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out["ids"]) == 2 and out["written"] is True and out["files"] == ["observations/rferl-1988.yaml"]


def test_file_errors_name_the_file_line_and_field(data: Path, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(
        textwrap.dedent("""\
        - date: "1989"
          dated_by: "1989"
          state: SU
          kind: statistic
          source: rferl-1988
          locator: "p. 3"
          quote: "q"
          confidnce: medium
        """)
    )
    r = run(data, "add", "--file", str(f))
    assert r.exit_code == 2
    assert f"{f}:8: confidnce: unknown field (did you mean 'confidence'?)" in r.stderr
    assert f"{f}:1: confidence: required field is missing" in r.stderr


def _csv(rows: list[str]) -> str:
    head = (
        "date,dated_by,state,kind,tags,commitments,source,locator,quote,confidence,metric_name,metric_value,metric_unit"
    )
    return "\n".join([head, *rows]) + "\n"


GOOD_ROW = "1989,Annual total,SU,statistic,emigration,hfa.b3.hc.family-reunification,rferl-1988,p. 3,about 70000 emigrated,medium,emigration.persons,70000,persons"


def test_import_is_all_or_nothing_and_lists_every_bad_row(data: Path, tmp_path: Path) -> None:
    f = tmp_path / "rows.csv"
    f.write_text(
        _csv(
            [
                GOOD_ROW,
                "1990-02-30,x,SU,statistic,emigration,,rferl-1988,p. 4,q,medium,emigration.persons,abc,persons",
                "1990,x,XX,arrest,,,rferl-1988,p. 5,another quote,high,,,",
                "1990,x,SU,arest,,,rferl-1988,p. 6,a third quote,high,,,",
            ]
        )
    )
    before = snapshot(data)
    r = CliRunner().invoke(main, ["--data", str(data), "observe", "import", str(f)])
    assert r.exit_code == 2
    assert f"{f}:3: date: '1990-02-30' is not a valid date" in r.stderr
    assert f"{f}:3: metric_value: expected a number" in r.stderr
    assert f"{f}:4: state: unknown state 'XX'" in r.stderr
    assert f"{f}:5: kind: unknown observation kind 'arest' (did you mean 'arrest'?)" in r.stderr
    assert snapshot(data) == before
    f.write_text(_csv([GOOD_ROW, "1990,x,SU,arrest,,,rferl-1988,p. 5,another quote,high,,,"]))
    ok = CliRunner().invoke(main, ["--data", str(data), "observe", "import", str(f)])
    assert ok.exit_code == 0, ok.output
    assert sum(1 for line in ok.stdout.splitlines() if line.startswith("added ")) == 2


def test_import_refuses_unknown_columns_and_reads_json_with_lines(data: Path, tmp_path: Path) -> None:
    f = tmp_path / "rows.csv"
    f.write_text("date,qoute\n1989,x\n")
    r = CliRunner().invoke(main, ["--data", str(data), "observe", "import", str(f)])
    assert r.exit_code == 2 and "qoute: unknown column (did you mean 'quote'?)" in r.stderr
    j = tmp_path / "rows.json"
    j.write_text(
        '[\n  {"date": "1989", "dated_by": "x", "state": "SU", "kind": "statistic",\n'
        '   "source": "rferl-1988", "locator": "p", "quote": "q", "confidence": "sure"}\n]\n'
    )
    r = CliRunner().invoke(main, ["--data", str(data), "observe", "import", str(j)])
    assert (
        r.exit_code == 2
        and f"{j}:3: confidence: the string 'sure' is not allowed; expected 'high', 'medium' or 'low'" in r.stderr
    )


def test_to_outside_the_data_directory_is_refused(data: Path, tmp_path: Path) -> None:
    r = run(data, "add", *RL_END, "--to", str(tmp_path / "elsewhere.yaml"))
    assert r.exit_code == 2 and "must be inside the data directory" in r.stderr
    link = data / "observations" / "link.yaml"
    link.symlink_to(tmp_path / "target.yaml")
    r = run(data, "add", *RL_END, "--to", str(link))
    assert r.exit_code == 2 and not (tmp_path / "target.yaml").exists()


def test_list_filters_and_show(data: Path) -> None:
    r = run(data, "list", "--state", "SU", "--kind", "jamming", "--format", "json")
    ids = [x["id"] for x in json.loads(r.stdout)]
    assert ids == ["mhg.western-radio-jammed-1975", "memo.rferl-jammed"]
    r = run(
        data,
        "list",
        "--from",
        "1987-10",
        "--to",
        "1987-12",
        "--source",
        "schifter-1987",
        "--text",
        "RFE/RL",
        "--format",
        "json",
    )
    assert [x["id"] for x in json.loads(r.stdout)] == ["memo.rferl-jammed"]
    assert json.loads(run(data, "list", "--case", "no-such-case", "--format", "json").stdout) == []
    s = run(data, "show", "memo.rferl-jammed")
    assert s.exit_code == 0
    assert s.stdout.startswith("# observations/schifter-1987.yaml:")
    assert "SU 1987 hfa.b3.info.broadcast: partial (rule jamming)" in s.stdout
    bad = run(data, "show", "memo.rferl-jamed")
    assert bad.exit_code == 2 and "did you mean 'memo.rferl-jammed'" in bad.stderr


def test_interactive_prompts(data: Path) -> None:
    answers = (
        "\n".join(
            [
                "SU",
                "1988-11-30",
                "30 November 1988",
                "policy-change",
                "radio, rferl",
                "hfa.b3.info.broadcast",
                "rferl-1988",
                "p. 1",
                "the jamming of Radio Liberty stopped",
                "high",
                "y",
                "radio-jamming",
                "rferl",
                "y",  # standing condition, subject, ended
                "lifted",  # how it ended (method 3)
                "n",  # no metric
            ]
        )
        + "\n"
    )
    r = run(data, "add", "--interactive", input=answers)
    assert r.exit_code == 0, r.output
    assert "goal schifter-1987/radio-jamming (SU, 1988-1991): significant-progress -> met" in r.stdout
    assert "ended_by: lifted" in (data / "observations" / "rferl-1988.yaml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- processes

ADD_SCRIPT = """
import sys
from pathlib import Path
from helsinki_compliance.observe import core as observe
from helsinki_compliance.observe import drafts as obs_drafts
root, tag, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(n):
    d = obs_drafts.Draft({"date": "1989", "dated_by": "1989", "state": "SU", "kind": "release",
                       "source": "rferl-1988", "locator": f"{tag} {i}", "quote": f"release {tag} {i}",
                       "confidence": "low"})
    observe.add(root, [d], first=1989, last=1989)
    print(tag, i, flush=True)
"""


def _count(root: Path, prefix: str) -> int:
    return sum(1 for o in hc.load(root).observations if o.locator.startswith(prefix))


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(data: Path, tmp_path: Path) -> None:
    script = tmp_path / "add.py"
    script.write_text(ADD_SCRIPT)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(data), f"w{k}", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for k in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()
    corpus = hc.load(data)
    mine = [o for o in corpus.observations if o.locator.startswith("w")]
    assert len(mine) == 8 and len({o.id for o in mine}) == 8


@pytest.mark.slow
def test_a_write_killed_at_random_points_leaves_a_valid_corpus(data: Path, tmp_path: Path) -> None:
    script = tmp_path / "add.py"
    script.write_text(ADD_SCRIPT)
    rng = random.Random(1988)
    done = 0
    for attempt in range(5):
        p = subprocess.Popen(
            [sys.executable, str(script), str(data), f"k{attempt}", "50"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.8, 3.0))
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
        reported = len(out.splitlines())
        corpus = hc.load(data)  # raises if any file were half-written
        present = sum(1 for o in corpus.observations if o.locator.startswith(f"k{attempt} "))
        assert present in (reported, reported + 1)  # the last one may have landed before its print
        done += present
    assert done > 0  # the kills did not all land before the first write


def test_the_incremental_diff_equals_a_full_comparison(data: Path, tmp_path: Path) -> None:
    """observe evaluates only the cells the new observations can affect; on the real corpus
    the changes it reports are exactly those of comparing every cell."""
    from helsinki_compliance.engine import incremental
    from helsinki_compliance.load import pipeline

    f = tmp_path / "new.yaml"
    f.write_text(
        textwrap.dedent("""\
        observations:
          - {date: "1988-11-30", dated_by: "x", state: SU, kind: policy-change, tags: [radio, rferl],
             commitments: [hfa.b3.info.broadcast], source: rferl-1988, locator: "p. 1", quote: "jamming stopped",
             confidence: high, standing: {condition: radio-jamming, subject: rferl, in_effect: false}}
          - {date: "1986", dated_by: "x", state: SU, kind: arrest, tags: [monitor, political-prisoner],
             source: rferl-1988, locator: "p. 2", quote: "a monitor was arrested", confidence: medium}
          - {date: "1989", dated_by: "x", state: SU, kind: statistic, tags: [emigration],
             metric: {name: emigration.persons, value: 70000, unit: persons},
             source: rferl-1988, locator: "p. 3", quote: "70,000 left", confidence: medium}
        """)
    )
    before = pipeline.load(data)
    drafts = obs_drafts.drafts_from_file(f)
    new, problems = observe._validate_drafts(drafts, before)
    assert problems == [] and len(new) == 3
    after = incremental.add_observations(before, new)
    quick = observe.diff(before, after, ["SU"], first=1975, last=1991, as_of=hc.parse_as_of("2000"), new=new)
    full = observe.diff(before, after, ["SU"], first=1975, last=1991, as_of=hc.parse_as_of("2000"))
    assert quick == full and len([c for c in full if c.what == "cell"]) >= 2


def test_interactive_prompts_check_each_field_and_keep_the_answers(data: Path) -> None:
    """The bug: a bad date was found only after all the prompts, exit 2, every answer lost."""
    answers = (
        "\n".join(
            [
                "SU",
                "30/11/1988",  # refused at once, asked again
                "1988-11-30",
                "30 November 1988",
                "policy-change",
                "radio, rferll",  # unknown tag: asked again
                "radio, rferl",
                "hfa.b3.info.broadcast",
                "rferl-1988",
                "p. 1",
                "the jamming of Radio Liberty stopped",
                "high",
                "y",
                "radio-jamming",
                "rferl",
                "y",
                "",  # how it ended: the source does not say
                "n",
            ]
        )
        + "\n"
    )
    r = run(data, "add", "--interactive", input=answers)
    assert r.exit_code == 0, r.output
    assert r.output.count("date (1988-11-30") == 2 and "did you mean 'rferl'" in r.output
    assert "goal schifter-1987/radio-jamming (SU, 1988-1991): significant-progress -> met" in r.stdout


def test_every_field_of_the_model_survives_the_writer() -> None:
    """The bug: known_by, law, fact and context were dropped when an observation was written."""
    from helsinki_compliance.load import yaml_reader
    from helsinki_compliance.model.records import Observation

    full = Observation.model_validate(
        {
            "id": "t.all", "date": "1991-05-20", "dated_by": "20 May 1991", "known_by": "1991-05-21",
            "state": "SU", "kind": "legislation", "tags": ["emigration"], "commitments": ["vienna.leave-and-return"],
            "cases": ["sakharov"], "metric": {"name": "prisoners.held", "value": 3, "unit": "persons"},
            "standing": {"condition": "emigration-decree", "in_effect": False, "ended_by": "abolished"},
            "attribution": {"type": "claim", "by": "Soviet government"},
            "law": {"adopted": "1991-05-20", "in_force": "1993-01-01"}, "fact": "su-exit-entry-law",
            "source": "s", "locator": "p. 1", "quote": "q: \"x\"", "confidence": "high", "claim": True,
            "context": True, "note": "n",
        }
    )  # fmt: skip
    text = "observations:\n" + obs_writer.observation_yaml(full)
    back = Observation.model_validate(yaml_reader.load(text.encode()).data["observations"][0])
    assert back == full
    assert set(Observation.model_fields) <= set(obs_writer.FIELD_ORDER)

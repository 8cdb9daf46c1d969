"""The tutorial, followed by a new user: build the wheel, install it in a fresh virtual
environment, and run every command of docs/tutorial.md in order, outside the repository.

Each command must succeed, and each sample output line the tutorial shows (except lines with
"...") must appear in what the command printed, so the tutorial cannot drift from the tool.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import helsinki_compliance as hc
from conftest import REPO

TUTORIAL = REPO / "docs" / "tutorial.md"


def steps(text: str) -> list[tuple[str, str, list[str]]]:
    """("file", path, lines) for a file block; ("cmd", command, expected output lines) per command."""
    out: list[tuple[str, str, list[str]]] = []
    pending_file = None
    for m in re.finditer(r"(<!-- file: (\S+) -->\n)?```(\w+)\n(.*?)```", text, re.S):
        _, path, lang, body = m.groups()
        if path:
            pending_file = path
        if lang == "yaml" and pending_file:
            out.append(("file", pending_file, body.splitlines()))
            pending_file = None
        elif lang == "console":
            for line in body.splitlines():
                if line.startswith("$ "):
                    out.append(("cmd", line[2:], []))
                elif out and out[-1][0] == "cmd":
                    out[-1][2].append(line)
    return out


def _norm(s: str) -> str:
    return " ".join(s.split())


pytestmark = pytest.mark.slow  # builds a wheel and runs the tutorial in a fresh environment


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((tmp / "dist").glob("helsinki_compliance-*.whl"))
    env_dir = tmp / "venv"
    # The wheel's dependencies come from the environment under test, never from the base interpreter
    # (`system_site_packages` would borrow the base's packages, which a fresh machine does not have).
    venv.create(env_dir, system_site_packages=False, with_pip=False)
    py = env_dir / "bin" / "python"
    lend_dependencies(py)
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert inst.returncode == 0, inst.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELSINKI_COMPLIANCE", "PYTHON"))}
    env.update(PATH=f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1", HOME=str(tmp))
    where = subprocess.run(
        [str(py), "-c", "import helsinki_compliance as h; print(h.__file__)"],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
    )
    assert str(env_dir) in where.stdout, where  # the wheel, not the checkout
    return env


def lend_dependencies(py: Path) -> None:
    """Make this environment's installed packages (not the base interpreter's, not the checkout) importable in ``py``.

    A ``.pth`` file in the new environment's site-packages lists this environment's site-packages directories. Lines
    of a ``.pth`` file are only appended to ``sys.path``: the ``.pth`` files inside those directories (among them
    the editable install of the checkout) are not processed, so ``helsinki_compliance`` comes from the wheel.
    """
    ours = [p for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]} if Path(p).is_dir()]
    assert sys.prefix != sys.base_prefix, "run the tests in a virtual environment: the base interpreter lends nothing"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "_environment_under_test.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")


def test_the_wheel_environment_borrows_nothing_from_the_base_interpreter(wheel_env: dict[str, str]) -> None:
    py = Path(wheel_env["PATH"].split(os.pathsep)[0]) / "python"
    code = "import sys, json; print(json.dumps(sys.path))"
    paths = json.loads(subprocess.run([str(py), "-c", code], env=wheel_env, capture_output=True, text=True).stdout)
    base_site = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"]
    assert base_site not in paths  # the base interpreter's site-packages is not on the path
    assert all(not p.startswith(str(REPO / "src")) for p in paths)  # nor the checkout


def test_the_wheel_carries_the_bundled_data(wheel_env: dict[str, str], tmp_path: Path) -> None:
    r = subprocess.run(["helsinki-compliance", "validate"], env=wheel_env, cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    repo = hc.load(REPO)
    assert f"{len(repo.commitments)} commitments" in r.stdout
    assert f"{len(repo.observations)} observations" in r.stdout and f"{len(repo.sources)} sources" in r.stdout
    r = subprocess.run(
        ["helsinki-compliance", "goals", "--as-of", "1987-12-31", "--format", "json"],
        env=wheel_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert '"immediate": "significant-progress"' in r.stdout


def test_a_new_user_can_follow_the_tutorial_to_the_end(wheel_env: dict[str, str], tmp_path: Path) -> None:
    todo = steps(TUTORIAL.read_text(encoding="utf-8"))
    assert sum(1 for s in todo if s[0] == "cmd") >= 8
    follow(todo, wheel_env, tmp_path)


def test_the_readme_worked_example_prints_what_it_says(wheel_env: dict[str, str], tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Adding an observation: a worked example") : readme.index("## Your own corpus")]
    todo = steps(section)
    assert [w for k, w, _ in todo if k == "cmd"][0] == "helsinki-compliance init my-corpus"
    follow(todo, wheel_env, tmp_path)


def follow(todo: list[tuple[str, str, list[str]]], wheel_env: dict[str, str], tmp_path: Path) -> None:
    cwd = tmp_path / "work" / "helsinki-compliance"
    cwd.mkdir(parents=True)
    for kind, what, lines in todo:
        if kind == "file":
            (cwd / what).parent.mkdir(parents=True, exist_ok=True)
            (cwd / what).write_text("\n".join(lines) + "\n", encoding="utf-8")
            continue
        if what.startswith("cd "):
            cwd = (cwd / shlex.split(what)[1]).resolve()
            assert cwd.is_dir(), what
            continue
        r = subprocess.run(what, shell=True, env=wheel_env, cwd=cwd, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"$ {what}\n{r.stdout}\n{r.stderr}"
        printed = _norm(r.stdout + "\n" + r.stderr)
        for line in lines:
            if line.strip() and "..." not in line:
                assert _norm(line) in printed, f"$ {what}\nexpected: {line!r}\ngot:\n{r.stdout}{r.stderr}"

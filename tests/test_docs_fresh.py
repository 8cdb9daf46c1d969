"""The docs cannot go stale: generated passages (cog blocks running real commands on the bundled corpus) equal
what the tool prints now, and every internal link resolves to a file and a heading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cogapp import Cog

from conftest import REPO
from helsinki_compliance.render import schemadoc

DOCS = sorted([REPO / "README.md", REPO / "CONTRIBUTING.md", *(REPO / "docs").glob("*.md")])
REGENERATE = "cog -r -I docs README.md CONTRIBUTING.md docs/*.md"


def cogged() -> list[Path]:
    return [p for p in DOCS if "[[[cog" in p.read_text(encoding="utf-8")]


def test_generated_passages_are_fresh(capsys: pytest.CaptureFixture[str]) -> None:
    files = cogged()
    assert any(p.name == "corpus.md" for p in files) and any(p.name == "README.md" for p in files)
    status = Cog().main(["cog", "--check", "-I", str(REPO / "docs"), *map(str, files)])
    assert status == 0, f"generated passages are stale: run `{REGENERATE}` and commit\n{capsys.readouterr().out}"


def test_a_stale_passage_is_found(tmp_path: Path) -> None:
    """The check above could fail: a block whose output was edited by hand is stale."""
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- [[[cog import docgen; docgen.text('{n} states', n=len(docgen.corpus().states)) ]]] -->\n"
        "3 states\n<!-- [[[end]]] -->\n",
        encoding="utf-8",
    )
    assert Cog().main(["cog", "--check", "-I", str(REPO / "docs"), str(page)]) != 0


LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {schemadoc._slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_every_internal_link_resolves(page: Path) -> None:
    text = re.sub(r"```.*?```|`[^`\n]*`", "", page.read_text(encoding="utf-8"), flags=re.S)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(target)
    assert not broken, f"{page.name}: {broken}"


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_every_module_path_in_the_docs_exists(page: Path) -> None:
    """A module named in the docs (`src/helsinki_compliance/engine/staleness.py`, `engine/goals.py`) exists; a
    bare `staleness.py` names one module of the package, wherever it lives. A placeholder (`your_kind.py`) is
    not a module."""
    package = REPO / "src" / "helsinki_compliance"
    names = {p.name for p in package.rglob("*.py")}
    missing = []
    for full in re.findall(r"src/helsinki_compliance/[a-z_/]+\.py", page.read_text(encoding="utf-8")):
        if not (REPO / full).exists() and not Path(full).name.startswith("your_"):
            missing.append(full)
    for code in re.findall(r"`([^`\s]+\.py)`", page.read_text(encoding="utf-8")):
        if Path(code).name.startswith("your_"):
            continue
        relative = code.removeprefix("src/helsinki_compliance/")
        if "/" in relative and not relative.startswith(("tests/", "benchmarks/", "docs/", ".")):
            if not (package / relative).exists() and not (REPO / code).exists():
                missing.append(code)
        elif "/" not in relative and relative not in names and not (REPO / "tests" / relative).exists():
            missing.append(code)
    assert not missing, f"{page.name}: {sorted(set(missing))}"

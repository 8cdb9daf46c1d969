"""Generated passages of the README and docs/ (cog blocks): each runs a real command or reads a real figure,
so the docs cannot drift from the tool. Regenerate: `cog -r -I docs README.md docs/*.md`; a test runs
`cog --check` (tests/test_docs_fresh.py).

A block looks like this in Markdown (the HTML comments hide the generator from readers):

    <!-- [[[cog import docgen; docgen.console("helsinki-compliance stats") ]]] -->
    ...generated...
    <!-- [[[end]]] -->
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

import cog  # type: ignore[import-not-found]  # provided by cogapp while it runs the blocks
from click.testing import CliRunner

from helsinki_compliance import api
from helsinki_compliance.cli.main import main

REPO = Path(__file__).resolve().parents[1]


def run(command: str) -> str:
    """What ``command`` (a helsinki-compliance command line) prints, run on the bundled data in this checkout."""
    args = shlex.split(command)
    assert args[0] == "helsinki-compliance", command
    env = {"NO_COLOR": "1", "COLUMNS": "100"}
    old = Path.cwd()
    os.chdir(REPO)
    try:
        result = CliRunner(env=env).invoke(main, args[1:], catch_exceptions=False)
    finally:
        os.chdir(old)
    if result.exit_code not in (0, 1):
        raise RuntimeError(f"{command} exited {result.exit_code}: {result.output}")
    return result.stdout


def console(command: str, lang: str = "text") -> None:
    """A fenced block with the command's output, preceded by the command itself."""
    cog.outl(f"`{command}`\n")
    cog.outl(f"```{lang}")
    cog.out(run(command).rstrip("\n") + "\n")
    cog.outl("```")


def output(command: str, lang: str = "text") -> None:
    """A fenced block with the command's output only."""
    cog.outl(f"```{lang}")
    cog.out(run(command).rstrip("\n") + "\n")
    cog.outl("```")


def corpus() -> Any:
    return api.load(REPO)


def text(template: str, **figures: Any) -> None:
    """A sentence or paragraph whose figures are computed: ``template`` with ``{name}`` placeholders."""
    cog.outl(template.format(**figures))

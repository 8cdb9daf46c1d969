"""``validate`` prints what a maintainer must act on; what is so on purpose is counted, shown with -v."""

from __future__ import annotations

import re

from click.testing import CliRunner

from conftest import REPO
from helsinki_compliance.cli.main import main

INFORMATIONAL = ("(and it cites no commitment)", "differently from", "became a participating state")


def _validate(*flags: str) -> tuple[list[str], str]:
    r = CliRunner().invoke(main, ["--data", str(REPO), *flags, "validate"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    return lines[:-1], lines[-1]


def test_bundled_validate_prints_only_what_to_act_on() -> None:
    shown, summary = _validate()
    assert not any(k in line for line in shown for k in INFORMATIONAL), shown
    m = re.search(r"; (\d+) warnings, (\d+) informational \(kept so on purpose; -v shows them\)", summary)
    assert m, summary
    assert int(m.group(1)) == len(shown) and int(m.group(2)) > 0


def test_verbose_shows_the_informational_warnings_too() -> None:
    quiet, summary = _validate()
    loud, _ = _validate("-v")
    informational = int(re.search(r"(\d+) informational", summary).group(1))  # type: ignore[union-attr]
    assert len(loud) == len(quiet) + informational
    assert all(any(k in line for k in INFORMATIONAL) for line in loud if line not in quiet)

"""One block of defaults: the 1975-1991 span, the default state and goal set are named once (model/defaults.py)."""

from __future__ import annotations

import re
from pathlib import Path

from helsinki_compliance.model import defaults

PKG = Path(defaults.__file__).parents[1]
# a default written as a literal: an option's or parameter's default, or a fallback year in code
LITERAL = re.compile(
    r"""default=\(?\[?["']SU["']|default=(1975|1991)\b|:\s*int\s*=\s*(1975|1991)\b|max\(\[?(1975|1991)\b|["']schifter-1987["']"""
)


def test_no_default_is_repeated_as_a_literal() -> None:
    found = []
    for path in sorted(PKG.rglob("*.py")):
        if path.name == "defaults.py" or "tools" in path.parts:  # synth draws its own years
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LITERAL.search(line) and not line.lstrip().startswith(("#", "helsinki-compliance")):
                found.append(f"{path.relative_to(PKG)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
    assert (defaults.FIRST_YEAR, defaults.LAST_YEAR, defaults.STATE, defaults.GOAL_SET) == (
        1975, 1991, "SU", "schifter-1987",
    )  # fmt: skip

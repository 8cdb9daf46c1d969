"""Errors as data with a place: ``FILE:LINE: path: message``.

Library code raises :class:`DataError` (bad input, exit 2) carrying every :class:`Problem`
found; the CLI prints one line per problem. Exit codes live here, in one place.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

#: Exit codes of the command-line tool.
EXIT_OK = 0
EXIT_GATE_FAILED = 1  # a gate the user asked for (--fail-on, --strict, test-rules) failed
EXIT_BAD_INPUT = 2  # bad input or usage; nothing was written


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line and path."""

    file: str
    line: int
    path: str
    message: str
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        prefix = "warning: " if self.level == "warning" else ""
        if self.path:
            return f"{where}: {self.path}: {prefix}{self.message}"
        return f"{where}: {prefix}{self.message}"


class HelsinkiError(Exception):
    """Base class of the library's own errors."""

    exit_code = EXIT_BAD_INPUT


class DataError(HelsinkiError):
    """Bad input: one or more problems, each with its file, line and path."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        first = str(self.problems[0]) if self.problems else "invalid data"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class UsageError(HelsinkiError):
    """A request that cannot be carried out as asked (unknown period, state, option)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else an empty string."""
    matches = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def format_path(parts: Iterable[str | int]) -> str:
    """``observations[3].metric.value`` from ``('observations', 3, 'metric', 'value')``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += f".{p}" if out else str(p)
    return out

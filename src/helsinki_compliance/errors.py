"""Errors as data with a place: ``FILE:LINE: path: message``.

Library code raises :class:`DataError` (bad input, exit 2) carrying every :class:`Problem`
found; the CLI prints one line per problem. Exit codes live here, in one place.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

#: Exit codes of the command-line tool.
EXIT_OK = 0
EXIT_GATE_FAILED = 1  # a gate the user asked for (--fail-on, --strict, test-rules) failed
EXIT_BAD_INPUT = 2  # bad input or usage; nothing was written
EXIT_INTERNAL = 3  # an internal error (a bug): one line; --debug shows the traceback


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line and path."""

    file: str
    line: int
    path: str
    message: str
    level: Literal["error", "warning"] = "error"
    #: a warning about something kept so on purpose (a context observation no rule reads, citing no commitment; a fact
    #: reported two ways with one reading kept, background before a state joined): ``validate``
    #: counts it and shows it only with ``--verbose``
    informational: bool = False

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


def data_path(data: Any, loc: Sequence[Any], missing: bool = False) -> list[str | int]:
    """The path in ``data`` that a validator's error location ``loc`` points at.

    A pydantic location mixes keys and indexes of the data with names that are not in it: union
    branches (``function-after[...]``, ``str``, ``nullable[...]``) and discriminator tags, some of
    which are also keys (a metric rule's tag ``metric`` beside its key ``metric``). The path kept
    is the one that follows the data through the most parts of ``loc``, and on a tie the one that
    reaches the later part (the field the error is about, not the tag before it). With
    ``missing``, the last part (a field that is not there) is kept when the path ends at a mapping.
    """
    parts = tuple(loc)

    @cache
    def best(i: int, path: tuple[str | int, ...]) -> tuple[int, int, tuple[str | int, ...]]:
        if i == len(parts):
            return 0, -1, path
        skip = best(i + 1, path)
        cur = _at(data, path)
        part = parts[i]
        if (isinstance(cur, dict) and isinstance(part, str) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and not isinstance(part, bool) and 0 <= part < len(cur)
        ):
            n, last, end = best(i + 1, (*path, part))
            take = (n + 1, max(last, i), end)
            if (take[0], take[1]) >= (skip[0], skip[1]):
                return take
        return skip

    _, _, found = best(0, ())
    out: list[str | int] = list(found)
    if missing and parts and isinstance(_at(data, found), dict) and isinstance(parts[-1], str):
        if not out or out[-1] != parts[-1]:
            out.append(parts[-1])
    return out


def _at(data: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        data = data[part]
    return data

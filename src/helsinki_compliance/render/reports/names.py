"""The report's file names: one stem per state (or overview), period and span; the formats each state gets."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from helsinki_compliance.engine import selection
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.periods import CALENDAR_KINDS
from helsinki_compliance.render.outputs import OutputSet

FORMATS = ("html", "md", "json", "csv")


OVERVIEW_FORMATS = ("html", "md")


_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(html|md|json|csv)$")


Progress = Callable[[str], None]


def is_group(corpus: Corpus, period: str) -> bool:
    return any(p.group == period for p in corpus.periods.values())


def file_stem(prefix: str, period: str, first: int, last: int) -> str:
    parts = [prefix, period] + ([str(first), str(last)] if period in CALENDAR_KINDS else [])
    for part in parts:
        if not _SAFE_PART.match(part):
            raise UsageError(
                f"cannot name a report file after {part!r}: use a period kind ({', '.join(CALENDAR_KINDS)}), "
                "a named period or a group of named periods"
            )
    return "-".join(parts)


def checked_formats(formats: Iterable[str]) -> list[str]:
    wanted = [f.lower().lstrip(".") for f in formats]
    bad = sorted(set(wanted) - set(FORMATS))
    if bad:
        raise UsageError(f"unknown report format {', '.join(map(repr, bad))}; expected some of: {', '.join(FORMATS)}")
    if not wanted:
        raise UsageError(f"no report format given; expected some of: {', '.join(FORMATS)}")
    return [f for f in FORMATS if f in wanted]


#: The formats every state gets when only some states get the full set (what a reviewer diffs).
LIGHT_FORMATS = ("md", "csv")


def state_formats(code: str, fmts: Sequence[str], full: Collection[str] | None) -> list[str]:
    """The formats written for ``code``: all of ``fmts``, or only the light ones when ``full`` names other states."""
    if full is None or code in full:
        return list(fmts)
    return [f for f in fmts if f in LIGHT_FORMATS]


def report_names(
    corpus: Corpus,
    *,
    states: Sequence[str],
    period: str,
    first: int,
    last: int,
    formats: Iterable[str] = FORMATS,
    full: Collection[str] | None = None,
) -> list[str]:
    """The file names :func:`write_report` writes for these arguments, in writing order."""
    codes = list(dict.fromkeys(selection.resolve_states(corpus, states)))
    fmts = checked_formats(formats)
    names = [
        name
        for code in codes
        for fmt in state_formats(code, fmts, full)
        for name in _state_files(file_stem(code, period, first, last), fmt)
    ]
    if len(codes) > 1:
        names += [f"{file_stem('overview', period, first, last)}.{fmt}" for fmt in fmts if fmt in OVERVIEW_FORMATS]
    return names


#: The formats whose scorecard carries counts only, with the observation ids in an evidence
#: table beside it, in the same format (``{stem}-evidence.json``, ``{stem}-evidence.csv``).
EVIDENCE_BESIDE = ("json", "csv")


def evidence_name(stem: str, fmt: str) -> str:
    """The evidence table beside a state's JSON or CSV report."""
    return f"{stem}-evidence.{fmt}"


def _state_files(stem: str, fmt: str) -> list[str]:
    """The files of one state's report in one format: the JSON and the CSV have their evidence table beside them."""
    return [f"{stem}.{fmt}", evidence_name(stem, fmt)] if fmt in EVIDENCE_BESIDE else [f"{stem}.{fmt}"]


def write_file(files: OutputSet, name: str, text: str, allowed: set[str]) -> Path:
    """Render one report file into the set; refuse any name that is not one of this report's own files."""
    if name not in allowed or not _SAFE_NAME.match(name) or Path(name).name != name:
        raise UsageError(f"refusing to write {name!r}: not a file name of this report")
    return files.add(name, text)

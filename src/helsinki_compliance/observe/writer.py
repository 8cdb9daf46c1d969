"""Writing observations as YAML text in the bundled files' style, appended so that comments and
formatting already in a file are kept; and the lock that serialises writers of one corpus."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock

from helsinki_compliance import storage
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.records import Observation

#: the order fields are written in (the order of the bundled files)
FIELD_ORDER = (
    "id",
    "date",
    "dated_by",
    "known_by",
    "state",
    "kind",
    "tags",
    "commitments",
    "cases",
    "metric",
    "standing",
    "law",
    "fact",
    "source",
    "locator",
    "quote",
    "confidence",
    "claim",
    "attribution",
    "context",
    "note",
)
LIST_FIELDS = ("tags", "commitments", "cases")

LOCK_NAME = ".helsinki-compliance.lock"
HEADER = "# yaml-language-server: $schema=../schemas/observations.schema.json\nobservations:\n"


# ---------------------------------------------------------------- locking


@contextmanager
def corpus_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on the data directory, released if the process dies.

    ``filelock`` uses ``flock`` on POSIX and ``msvcrt.locking`` on Windows, so historians on any
    platform queue instead of overwriting each other's additions.
    """
    obs_dir = root / "observations"
    if obs_dir.is_symlink():
        raise UsageError(f"{obs_dir} is a symbolic link; refused (the corpus is written only inside its own folder)")
    obs_dir.mkdir(parents=True, exist_ok=True)
    lock = obs_dir / LOCK_NAME
    try:  # the lock file must be a regular file here: a symbolic link would create or lock a file elsewhere
        fd = os.open(
            lock, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0), storage.new_file_mode()
        )
    except OSError:
        fd = -1
    try:
        if fd < 0 or not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{lock}: not a regular file (a symbolic link, pipe or device); refused")
    finally:
        if fd >= 0:
            os.close(fd)
    with FileLock(lock, mode=storage.new_file_mode()):
        yield


_PLAIN = re.compile(r"^(?:[a-z][a-z0-9._-]*|[A-Z]{2})$")
_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false", "null"}


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(int(v)) if isinstance(v, float) and v.is_integer() else repr(v)
    text = str(v)
    if _PLAIN.match(text) and text.lower() not in _YAML11_WORDS:
        return text  # ids, kinds, state codes: plain, as in the bundled files
    # a JSON string is a YAML double-quoted scalar, except that YAML folds U+0085, U+2028 and U+2029
    # as line breaks: they are written as YAML escapes, so that every string reads back as given
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


def observation_yaml(obs: Observation, indent: int = 2) -> str:
    """The YAML text of one list item, in the bundled files' style."""
    data = obs.model_dump(mode="json", exclude_defaults=True)
    unknown = set(data) - set(FIELD_ORDER)
    if unknown:  # a field of the model this writer does not know: never drop it silently
        raise ValueError(f"observation_yaml cannot write field(s) {sorted(unknown)}")
    pad = " " * indent
    lines: list[str] = []
    for key in FIELD_ORDER:
        if key not in data:
            continue
        v = data[key]
        lead = f"{pad}- " if not lines else f"{pad}  "
        if key in LIST_FIELDS:
            lines.append(f"{lead}{key}: [{', '.join(v)}]")
        elif isinstance(v, dict):
            lines.append(f"{lead}{key}:")
            lines.extend(f"{pad}    {k}: {_scalar(x)}" for k, x in v.items())
        else:
            lines.append(f"{lead}{key}: {_scalar(v)}")
    return "\n".join(lines) + "\n"


def append_text(old: str | None, items: Sequence[Observation]) -> tuple[str, list[tuple[int, int]]]:
    """``old`` with ``items`` appended to its ``observations:`` list; and each item's line span."""
    text = HEADER if not old or not old.strip() else old
    if not text.endswith("\n"):
        text += "\n"
    m = re.search(r"^observations:[ \t]*\[\][ \t]*$", text, re.M)
    if m:  # an empty flow list: make it a block list
        text = text[: m.start()] + "observations:" + text[m.end() :]
    found = re.search(r"^([ \t]*)- ", text[text.find("observations:") :], re.M) if "observations:" in text else None
    indent = len(found.group(1)) if found else 2
    spans = []
    line = text.count("\n") + 1
    parts = [text]
    bare = text.endswith("observations:\n")
    for obs in items:  # counted as it grows (counting the whole text per item was quadratic)
        chunk = "" if bare else "\n"  # a blank line between items
        bare = False
        item = observation_yaml(obs, indent)
        start = line + chunk.count("\n")
        parts.append(chunk + item)
        n = item.count("\n")
        spans.append((start, start + n - 1))
        line = start + n
    return "".join(parts), spans

"""Writing observations as YAML text in the bundled files' style, appended so that comments and
formatting already in a file are kept; and the lock that serialises writers of one corpus."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock

from helsinki_compliance import storage
from helsinki_compliance.errors import DataError, Problem, UsageError
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
    except (PermissionError, FileNotFoundError) as exc:
        raise UsageError(
            f"{lock}: cannot create or open the lock file: {exc.strerror or exc} (is {obs_dir} writable?)"
        ) from None
    except OSError as exc:
        if exc.errno == errno.EROFS:
            raise UsageError(f"{lock}: cannot create the lock file: the file system is read-only") from None
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


#: a block scalar that keeps its trailing line breaks (``|+``, ``>+``, ``|2+``): a blank line after it
#: would become part of its text, so nothing but the next item may follow it
_KEEP_CHOMPED = re.compile(r":[ \t]*[|>](?:[1-9]?\+|\+[1-9])[ \t]*(?:#.*)?$", re.M)


def _prepare(old: str | None, key: str, header: str, display: str) -> tuple[str, int, bool]:
    """``old`` ready for block items to be appended to its ``key:`` list: the text, the items'
    indentation, and whether a blank line may separate the new items (see :data:`_KEEP_CHOMPED`).

    Block lists at any indentation (``yaml.safe_dump`` writes ``- `` at column 0) and an empty flow
    list (``key: []``, with or without a comment) are appended to; a non-empty flow-style list cannot
    be without rewriting the file, and is refused with its FILE:LINE (:class:`DataError`)."""
    text = header if not old or not old.strip() else old
    if not text.endswith("\n"):
        text += "\n"
    m = re.search(rf"^{re.escape(key)}:[ \t]*\[[ \t]*\][ \t]*(#.*)?$", text, re.M)
    if m:  # an empty flow list: make it a block list (its comment kept)
        comment = f"  {m.group(1)}" if m.group(1) else ""
        text = text[: m.start()] + f"{key}:{comment}" + text[m.end() :]
    head = re.search(rf"^{re.escape(key)}:[ \t]*(?:#.*)?$", text, re.M)
    if head is None:
        flow = re.search(rf"^{re.escape(key)}:[ \t]*[\[{{]", text, re.M)
        line = text[: flow.start()].count("\n") + 1 if flow else 1
        what = "a flow-style list ([...])" if flow else f"not a file with a block-style {key}: list"
        message = (
            f"{what}: new items are appended as text to a block list (one '- ' item per entry), so that "
            "comments are kept; rewrite it as a block list, or write to another file"
        )
        raise DataError([Problem(display, line, key, message)])
    found = re.search(r"^([ \t]*)- ", text[head.end() :], re.M)
    indent = len(found.group(1)) if found else 2
    return text, indent, not _KEEP_CHOMPED.search(text)


def append_items(old: str | None, key: str, items: Sequence[Callable[[int], str]], header: str, display: str) -> str:
    """``old`` with ``items`` (each rendered at the list's indentation) appended to its ``key:`` list."""
    text, indent, _ = _prepare(old, key, header, display)
    return text + "".join(render(indent) for render in items)


def append_text(
    old: str | None, items: Sequence[Observation], display: str = "observations file"
) -> tuple[str, list[tuple[int, int]]]:
    """``old`` with ``items`` appended to its ``observations:`` list; and each item's line span."""
    text, indent, blank = _prepare(old, "observations", HEADER, display)
    spans = []
    line = text.count("\n") + 1
    parts = [text]
    bare = text.endswith("observations:\n") or not blank
    for obs in items:  # counted as it grows (counting the whole text per item was quadratic)
        chunk = "" if bare else "\n"  # a blank line between items
        bare = not blank
        item = observation_yaml(obs, indent)
        start = line + chunk.count("\n")
        parts.append(chunk + item)
        n = item.count("\n")
        spans.append((start, start + n - 1))
        line = start + n
    return "".join(parts), spans

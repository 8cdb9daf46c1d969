"""Safe, bounded YAML loading with a line number for every path.

The loader builds Python objects from PyYAML's event stream (never from its constructors), so:
- only plain data is produced: mappings, sequences, strings, integers, floats, booleans, null;
  any explicit tag (``!!python/object``, ``!!binary``, ``!custom``) is refused;
- dates are not resolved to ``datetime`` (they stay strings), and ``yes``/``no``/``on``/``off``
  stay strings (the state code ``NO`` is Norway, not ``False``);
- aliases are shared, and their expanded size is bounded, so an alias bomb is refused at once;
- file size, node count and nesting depth are bounded, and the build is iterative (no recursion);
- numbers are finite and of sane length (``1e400`` and a 5,000-digit integer are refused);
- :func:`read_file` reads regular files only, without blocking and never past the size limit
  (a FIFO or a link to ``/dev/zero`` in a shared corpus is refused, not read forever).

Every value's line is recorded in ``positions`` keyed by its path (a tuple of keys and indexes).
Lines are counted as editors and ``grep -n`` count them (``\n``, ``\r\n`` or a lone ``\r``);
YAML's extra line breaks (U+0085, U+2028, U+2029, which PDF copy-paste can leave in a quote)
do not shift the lines reported. A UTF-8 byte-order mark at the start is accepted and dropped.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml

from helsinki_compliance.storage import RefusedFile, read_bounded

try:  # the C parser is much faster; fall back to the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: The largest file accepted (the largest bundled file is under 50 kB; 8 MiB parses in about 2 s).
MAX_BYTES = 8 * 1024 * 1024
#: The most containers nested in one another (the deepest bundled file nests 9).
MAX_DEPTH = 64
#: The most values (keys, scalars, mappings, sequences) in one file: bounds time and memory for
#: files that are dense rather than large (``[0,0,0,...]``). An 8 MiB file of real observations
#: holds about a million.
MAX_NODES = 1_500_000
MAX_ALIAS_EXPANSION = 100_000
#: The longest integer literal, in digits (Python refuses to convert more than 4,300).
MAX_INT_DIGITS = 100

Path = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_PLAIN_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class YamlError(Exception):
    """A file that is not acceptable YAML. ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path  # the key path of the value it is about, when known


@dataclass
class Document:
    """The data of one YAML file and the line of each path in it."""

    data: Any
    positions: dict[Path, int] = field(default_factory=dict)
    fast: bool = False  # read by the fast path: lines of the file's items only

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), 1)


def _scalar(value: str, implicit: tuple[bool, bool], tag: str | None, line: int) -> Any:
    if tag not in _PLAIN_TAGS:
        raise YamlError(f"tag {tag!r} is not allowed (only plain data is accepted)", line)
    if tag == "tag:yaml.org,2002:str" or not implicit[0]:
        return value  # quoted or explicitly a string
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        digits = value.replace("_", "").lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            raise YamlError(f"number with {len(digits):,} digits is too long (the limit is {MAX_INT_DIGITS})", line)
        return int(value.replace("_", ""))
    if _FLOAT.match(value):
        number = float(value.replace("_", ""))
        if not math.isfinite(number):
            raise YamlError(f"value {value!r} is too large (it is not a finite number)", line)
        return number
    if value in {".inf", "+.inf", ".Inf", "-.inf", "-.Inf", ".nan", ".NaN"}:
        raise YamlError(f"value {value!r} is not allowed (infinite or not a number)", line)
    return value


def read_file(path: FilePath, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, read without blocking and never past ``max_bytes``
    (:func:`.storage.read_bounded`, the one reader of the tool).

    Raises :class:`YamlError` (at line 1: it is about the whole file) for a file that is too large or not a regular file (a
    directory, FIFO, socket or device, also through a symlink), and ``OSError`` when it cannot be
    opened or read.
    """
    try:
        return read_bounded(path, max_bytes)
    except RefusedFile as exc:
        raise YamlError(exc.message, 1) from None


#: Characters refused in every key and text value: C0 controls other than tab and newline, DEL,
#: C1 controls (U+0080-U+009F, U+0085 included: YAML folds it into a space) and the bidirectional
#: embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that make a terminal or an
#: editor show text other than what is stored. Written with YAML escapes (``"\e]0;..."``) they
#: would otherwise pass the parser and reach terminals.
UNSAFE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def unsafe_text_message(text: str) -> str | None:
    """Why ``text`` is refused (the first unsafe character), or None when it is acceptable."""
    m = UNSAFE_TEXT.search(text)
    if m is None:
        return None
    return f"control or bidirectional character U+{ord(m.group()):04X} is not allowed in text; remove it"


def _line_mapper(text: str) -> Callable[[int], int]:
    """Map PyYAML's 0-based line index to the 1-based line an editor shows.

    PyYAML also breaks lines at U+0085, U+2028 and U+2029; editors and ``grep -n`` do not.
    """
    if not any(ch in text for ch in "\x85\u2028\u2029"):
        return lambda index: index + 1
    physical = [1]
    line = 1
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
            line += 1
            physical.append(line)
        elif ch in "\x85\u2028\u2029":
            physical.append(line)
    return lambda index: physical[index] if 0 <= index < len(physical) else index + 1


# long: one loop over the parser events, kept flat: it runs once per YAML event of every file (the hot path of loading)
def load(
    text: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES
) -> Document:
    """Parse one YAML document from ``text`` into plain data with positions.

    Raises :class:`YamlError` with a line number for anything that is not acceptable.
    """
    if isinstance(text, bytes):
        raw: bytes = text
        if len(raw) > max_bytes:
            raise YamlError(f"file is {len(raw):,} bytes; the limit is {max_bytes:,}", 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            head = raw[: exc.start]
            bad_line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
            raise YamlError(f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", bad_line) from None
    elif len(text) > max_bytes:
        raise YamlError(f"file is {len(text):,} characters; the limit is {max_bytes:,}", 1)
    text = text.removeprefix("\ufeff")
    physical_line = _line_mapper(text)
    # unsafe characters come raw or from escapes in double-quoted scalars: check values only then
    check_text = "\\" in text or UNSAFE_TEXT.search(text) is not None

    positions: dict[Path, int] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    expansion = 0
    nodes = 0
    # stack entries: [container, path, pending_key, anchor, expanded size so far, key line]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    documents = 0

    def attach(value: Any, line: int, anchor: str | None) -> Path:
        nonlocal root, have_root
        if check_text and isinstance(value, str) and UNSAFE_TEXT.search(value):
            where: Path = tuple(stack[-1][1]) if stack else ()
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is not _NO_KEY:
                where = (*where, stack[-1][2])
            elif stack and isinstance(stack[-1][0], list):
                where = (*where, len(stack[-1][0]))
            raise YamlError(unsafe_text_message(value) or "", line, where)
        if anchor:
            anchors[anchor] = (value, 1)
        if not stack:
            root, have_root = value, True
            positions[()] = line
            return ()
        top = stack[-1]
        container: Any = top[0]
        path: Path = top[1]
        if isinstance(container, list):
            p = (*path, len(container))
            container.append(value)
        else:
            key = top[2]
            if key is _NO_KEY:
                if isinstance(value, (dict, list)):
                    raise YamlError("a mapping key must be a plain value", line)
                if not isinstance(value, str):
                    value = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
                if value in container:
                    raise YamlError(f"duplicate key {value!r}", line)
                top[2] = value
                top[5] = line
                return path
            p = (*path, key)
            container[key] = value
            top[2] = _NO_KEY
            line = top[5]  # a mapping value's place is its key's line
        positions[p] = line
        return p

    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = physical_line(event.start_mark.line) if event.start_mark else 0
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > max_nodes:
                    raise YamlError(f"file holds more than {max_nodes:,} values; split it into several files", line)
            if isinstance(event, yaml.ScalarEvent):
                value = _scalar(event.value, event.implicit, event.tag, line)
                attach(value, line, event.anchor)
                if stack:
                    stack[-1][4] += 1
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if event.tag not in _PLAIN_TAGS:
                    raise YamlError(f"tag {event.tag!r} is not allowed (only plain data is accepted)", line)
                if len(stack) >= max_depth:
                    raise YamlError(f"nesting is deeper than {max_depth} levels", line)
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                path = attach(container, line, None)
                stack.append([container, path, _NO_KEY, event.anchor, 1, line])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, _path, _key, anchor, size, _line = stack.pop()
                if anchor:
                    anchors[anchor] = (container, size)
                if stack:
                    stack[-1][4] += size
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise YamlError(f"unknown alias *{event.anchor}", line)
                value, size = anchors[event.anchor]
                expansion += max(size, 1)
                if expansion > MAX_ALIAS_EXPANSION:
                    raise YamlError(f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes (alias bomb?)", line)
                attach(value, line, None)
                if stack:
                    stack[-1][4] += max(size, 1)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError("a file must hold one YAML document, not several", line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = physical_line(mark.line) if mark else 0
        problem = str(exc.problem or exc.context or "")
        if "nesting" in problem.lower() or "depth" in problem.lower():
            # libyaml >= 0.2.6 has its own depth limit; report it in the project's words, at its place
            raise YamlError(f"nesting is deeper than {max_depth} levels", line) from None
        raise YamlError(f"YAML syntax: {problem}", line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a character position
        position = min(max(int(exc.position), 0), len(text))
        before = text[:position]
        line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        what = f"character U+{ord(text[position]):04X}" if position < len(text) else "a character"
        raise YamlError(f"YAML syntax: {what} is not allowed in YAML ({exc.reason}); remove it", line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlError(f"YAML syntax: {exc}") from None
    except RecursionError:  # pragma: no cover - guarded by max_depth
        raise YamlError(f"nesting is deeper than {max_depth} levels") from None
    if not have_root:
        root = None
    return Document(root, positions)


# ---------------------------------------------------------------- fast path (rapidyaml)
#
# rapidyaml (``pip install rapidyaml``, optional) parses in C++ and emits JSON that ``json.loads``
# reads, about 15 times faster than the event stream above (docs/performance.md). It is used only
# where it is known to give the same data as :func:`load`, and :func:`load_fast` returns None
# everywhere else, so the caller takes the slow path:
# - only files of observations (a known, shallow shape; anything deeper fails the models);
# - no tag, anchor or alias (``!``, ``&``, ``*`` anywhere) and no document markers (``---``, ``...``);
# - no plain scalar that the two read differently: ``~``, ``Null``/``NULL``, ``True``/``TRUE``,
#   ``False``/``FALSE``, ``.inf``/``.nan``, numbers with ``_``, a leading ``+`` or a leading ``0``
#   (the patterns match such words anywhere, in quoted text too: a needless slow path is harmless);
# - no duplicate key (checked while decoding);
# - item lines are found by scanning for the list's ``- `` lines; a count that does not match the
#   items means the slow path.
# The fast path keeps only the lines of the file, its key and its items; a caller that finds a
# problem in the file parses it again with :func:`load` for exact lines.

_ryml: Any
try:
    import ryml as _ryml  # type: ignore[import-untyped,import-not-found,no-redef,unused-ignore]
except ImportError:  # pragma: no cover - depends on the environment
    _ryml = None

_FAST_KEY = re.compile(rb"^observations:[ \t]*(#.*)?$", re.M)
_FAST_BYTES = (b"!", b"&", b"*", b"~", b"\\", b"\r", b"\t", b"\n---", b"\n...")
# each word with a literal-first pattern (fast to search), tried only when the word occurs at all
_FAST_WORDS: dict[bytes, re.Pattern[bytes]] = {
    **{
        w: re.compile(re.escape(w) + rb"(?<![\w.-]" + re.escape(w) + rb")(?![\w.-])")
        for w in (b"Null", b"NULL", b"True", b"TRUE", b"False", b"FALSE")
    },
    b"null": re.compile(rb"null(?<![\w.-]null)[ \t]*:"),
    **{w: re.compile(re.escape(w) + rb"(?!\w)") for w in (b".inf", b".Inf", b".INF", b".nan", b".NaN", b".NAN")},
    b"+": re.compile(rb"\+[.0-9]"),
}
# literal-first patterns (fast to search): a digit before "_"; a "0" before a digit after [ { , or space;
# an exponent (``0e0``: the safe reader reads a float, rapidyaml's JSON a string)
_FAST_NUMBERS = (
    re.compile(rb"_(?<=[0-9]_)"),
    re.compile(rb"0(?<=[\[{, ]0)[0-9]"),
    re.compile(rb"[eE](?<=[0-9.][eE])[-+]?[0-9]"),
)


# characters the safe reader refuses or counts as line breaks: C0/C1 controls, U+0085,
# U+2028/U+2029, U+FFFE/U+FFFF (its messages give their lines, so they go to the slow path)
_FAST_CHARS = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbf[\xbe\xbf]"
)


def _hazard(raw: bytes) -> bool:
    """Whether ``raw`` has anything the fast path might read differently (conservative)."""
    if raw.startswith((b"---", b"...")) or any(b in raw for b in _FAST_BYTES) or _FAST_CHARS.search(raw):
        return True
    if any(w in raw and p.search(raw) for w, p in _FAST_WORDS.items()):
        return True
    return any(p.search(raw) for p in _FAST_NUMBERS)


_ITEM = re.compile(rb"^( *)- ", re.M)


def fast_available() -> bool:
    """Whether the rapidyaml fast path is installed."""
    return _ryml is not None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out


def _plain_numbers(value: Any) -> bool:
    """No number the safe reader refuses (over MAX_INT_DIGITS digits, or not finite), and no more
    values than it accepts (:data:`MAX_NODES`). (Unsafe text never gets here: raw control and
    bidirectional characters and every backslash escape are hazards.)"""
    stack = [value]
    nodes = 2  # the top-level mapping and its key
    while stack:
        v = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return False
        if isinstance(v, dict):
            nodes += len(v)  # the keys
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, bool):
            continue
        elif isinstance(v, int) and abs(v) >= 10**MAX_INT_DIGITS:
            return False
        elif isinstance(v, float) and not math.isfinite(v):
            return False
    return True


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to the null device for a moment (C++ code writes there directly)."""
    try:
        saved = os.dup(2)
    except OSError:  # pragma: no cover - no stderr at all
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
        finally:
            os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def load_fast(raw: bytes) -> Document | None:
    """The data of an observations file by the fast path, or None when only :func:`load` may read it."""
    if _ryml is None or len(raw) > MAX_BYTES:
        return None
    key = _FAST_KEY.search(raw)
    if key is None or _hazard(raw):
        return None
    try:
        raw.decode("utf-8")
        if raw.startswith(b"\xef\xbb\xbf"):
            return None
        with _quiet_stderr():  # rapidyaml prints its C++ diagnostics to fd 2 before raising
            tree = _ryml.parse_in_arena(raw)
            emitted = _ryml.emit_json(tree)
        data = json.loads(emitted, object_pairs_hook=_pairs)
    except Exception:  # noqa: BLE001 - anything odd: the slow path decides, with its own messages
        return None
    if not isinstance(data, dict) or list(data) != ["observations"] or not isinstance(data["observations"], list):
        return None
    items = data["observations"]
    if not _plain_numbers(items):
        return None
    key_line = raw.count(b"\n", 0, key.start()) + 1
    starts = [m for m in _ITEM.finditer(raw, key.end())]
    if items and not starts:
        return None
    indent = starts[0].group(1) if starts else b""
    lines: list[int] = []
    pos, line = 0, 1
    for m in starts:
        if m.group(1) != indent:
            continue
        line += raw.count(b"\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    if len(lines) != len(items):
        return None
    positions: dict[Path, int] = {(): key_line, ("observations",): key_line}
    for i, ln in enumerate(lines):
        positions[("observations", i)] = ln
    return Document(data, positions, fast=True)


class _NoKey:
    def __repr__(self) -> str:  # pragma: no cover
        return "<no key>"


_NO_KEY: Any = _NoKey()

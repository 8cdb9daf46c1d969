"""Safe, bounded YAML loading with a line number for every path.

The loader builds Python objects from PyYAML's event stream (never from its constructors), so:
- only plain data is produced: mappings, sequences, strings, integers, floats, booleans, null;
  any explicit tag (``!!python/object``, ``!!binary``, ``!custom``) is refused;
- dates are not resolved to ``datetime`` (they stay strings), and ``yes``/``no``/``on``/``off``
  stay strings (the state code ``NO`` is Norway, not ``False``);
- aliases are shared, and their expanded size is bounded, so an alias bomb is refused at once;
- nesting depth and file size are bounded, and the build is iterative (no recursion).

Every value's line is recorded in ``positions`` keyed by its path (a tuple of keys and indexes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C parser is much faster; fall back to the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 100_000

Path = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_PLAIN_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class YamlError(Exception):
    """A file that is not acceptable YAML. ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Document:
    """The data of one YAML file and the line of each path in it."""

    data: Any
    positions: dict[Path, int] = field(default_factory=dict)

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
        return int(value.replace("_", ""))
    if _FLOAT.match(value):
        return float(value.replace("_", ""))
    if value in {".inf", "+.inf", ".Inf", "-.inf", "-.Inf", ".nan", ".NaN"}:
        raise YamlError(f"value {value!r} is not allowed (infinite or not a number)", line)
    return value


def load(text: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Document:
    """Parse one YAML document from ``text`` into plain data with positions.

    Raises :class:`YamlError` with a line number for anything that is not acceptable.
    """
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise YamlError(f"file is {len(text):,} bytes; the limit is {max_bytes:,}")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1
            raise YamlError(f"not valid UTF-8 (byte {exc.start})", line) from None
    elif len(text) > max_bytes:
        raise YamlError(f"file is {len(text):,} characters; the limit is {max_bytes:,}")
    text = text.lstrip("\ufeff")

    positions: dict[Path, int] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    expansion = 0
    # stack entries: [container, path, pending_key, anchor, expanded size so far, key line]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    documents = 0

    def attach(value: Any, line: int, anchor: str | None) -> Path:
        nonlocal root, have_root
        if anchor:
            anchors[anchor] = (value, 1)
        if not stack:
            root, have_root = value, True
            positions[()] = line
            return ()
        top = stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            p = (*path, len(container))
            container.append(value)
        else:
            key = top[2]
            if key is _NO_KEY:
                if isinstance(value, (dict, list)):
                    raise YamlError("a mapping key must be a plain value", line)
                if not isinstance(value, str):
                    value = str(value).lower() if isinstance(value, bool) else str(value)
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
            line = event.start_mark.line + 1 if event.start_mark else 0
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
                    raise YamlError(
                        f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes (alias bomb?)", line
                    )
                attach(value, line, None)
                if stack:
                    stack[-1][4] += max(size, 1)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError("a file must hold one YAML document, not several", line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(f"YAML syntax: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlError(f"YAML syntax: {exc}") from None
    except RecursionError:  # pragma: no cover - guarded by max_depth
        raise YamlError(f"nesting is deeper than {max_depth} levels") from None
    if not have_root:
        root = None
    return Document(root, positions)


class _NoKey:
    def __repr__(self) -> str:  # pragma: no cover
        return "<no key>"


_NO_KEY: Any = _NoKey()


def dump(data: Any) -> str:
    """Dump plain data as block-style YAML with keys in the given order (for writers)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)

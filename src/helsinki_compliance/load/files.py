"""Load and validate a data directory in stages.

1. **files**: discover ``*.yaml`` under ``commitments/``, ``observations/``, ``goals/``; read
   each safely (:mod:`.yaml_reader`): syntax, size, depth, aliases, tags.
2. **structure**: one known top-level key per file, holding the expected list or mapping.
3. **models**: each item against its pydantic model (types, required and unknown fields).
4. **semantics**: unique ids, references that resolve, units, in-force dates, period cycles.

Every problem carries its file, line and path. :func:`load` raises :class:`DataError` with all
errors of the first stage that has any; warnings are kept on the corpus.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from helsinki_compliance.errors import DataError, Problem, data_path, did_you_mean, format_path
from helsinki_compliance.load import yaml_reader
from helsinki_compliance.load.cache import Entry, FileCache, content_hash
from helsinki_compliance.model.corpus import Origin, ParsedFile
from helsinki_compliance.model.records import (
    FILE_KINDS,
    ID_PATTERN,
    STATE_PATTERN,
    describe_value,
)

DATA_DIRS = ("commitments", "observations", "goals")
_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(key: str) -> TypeAdapter[Any]:
    if key not in _ADAPTERS:
        model, many = FILE_KINDS[key]
        _ADAPTERS[key] = TypeAdapter(list[model] if many else model)  # type: ignore[valid-type]
    return _ADAPTERS[key]


def _all_field_names() -> set[str]:
    names: set[str] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
            for arg in _model_args(info.annotation):
                walk(arg)

    for model, _ in FILE_KINDS.values():
        walk(model)
    return names


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            out.append(a)
        stack.extend(getattr(a, "__args__", ()) or ())
        stack.extend(getattr(a, "__metadata__", ()) or ())
    return [m for m in out if isinstance(m, type)]


_FIELD_NAMES: set[str] | None = None


# ---------------------------------------------------------------- stage 1 + 2


def discover(root: Path, extra: Sequence[Path] = (), dirs: Sequence[str] = DATA_DIRS) -> list[Path]:
    """Every YAML data file under the data directories of ``root`` (sorted, stable).

    A data directory that is a symbolic link is refused (:class:`DataError`): a shared corpus
    with ``goals -> /`` would otherwise have the whole disk read (links to sub-directories are
    never followed)."""
    files: list[Path] = []
    linked = [d for d in dirs if (root / d).is_symlink()]
    if linked:
        raise DataError(
            Problem(d, 0, "", "the data folder is a symbolic link; refused (copy the folder in instead)")
            for d in linked
        )
    for d in dirs:
        base = root / d
        if base.is_dir():
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames.sort()
                for name in sorted(filenames):
                    if name.endswith((".yaml", ".yml")):
                        files.append(Path(dirpath) / name)
    files.extend(extra)
    return sorted(set(files), key=lambda p: str(p))


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_bytes(path: Path, display: str, problems: list[Problem]) -> bytes | None:
    """A data file's bytes (None, with a problem appended, when unreadable, not a regular file,
    or over the size limit)."""
    try:
        return yaml_reader.read_file(path)
    except OSError as exc:
        problems.append(Problem(display, 1, "", f"cannot read file: {exc.strerror or exc}"))
    except yaml_reader.YamlError as exc:
        problems.append(Problem(display, exc.line, "", exc.message))
    return None


def parse_file(
    path: Path, display: str, problems: list[Problem], raw: bytes | None = None, fast: bool = False
) -> tuple[yaml_reader.Document, str] | None:
    """Stages 1-2 for one file: safe YAML, then the top-level key. Problems are appended.

    ``fast``: try the rapidyaml fast path first (:func:`.yaml_reader.load_fast`); its documents know the
    lines of the items only, so a caller that finds a problem parses the file again without it."""
    if raw is None:
        raw = read_bytes(path, display, problems)
        if raw is None:
            return None
    try:
        doc = (yaml_reader.load_fast(raw) if fast else None) or yaml_reader.load(raw)
    except yaml_reader.YamlError as exc:
        problems.append(Problem(display, exc.line, format_path(exc.path), exc.message))
        return None
    data = doc.data
    if data is None:
        problems.append(Problem(display, 1, "", "file is empty: expected a mapping with one top-level key"))
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(display, 1, "", f"expected a mapping with one top-level key, found a {_type_name(data)}")
        )
        return None
    if len(data) != 1:
        keys = ", ".join(map(str, data))
        problems.append(Problem(display, 1, "", f"expected exactly one top-level key, found: {keys}"))
        return None
    key = next(iter(data))
    if key not in FILE_KINDS:
        problems.append(
            Problem(
                display,
                doc.line((key,)),
                str(key),
                f"unknown file kind{did_you_mean(key, FILE_KINDS)}; expected one of: {', '.join(FILE_KINDS)}",
            )
        )
        return None
    _, many = FILE_KINDS[key]
    value = data[key]
    if many and not isinstance(value, list):
        problems.append(
            Problem(display, doc.line((key,)), key, f"expected a list of items, found a {_type_name(value)}")
        )
        return None
    if not many and not isinstance(value, dict):
        problems.append(Problem(display, doc.line((key,)), key, f"expected a mapping, found a {_type_name(value)}"))
        return None
    return doc, key


def _type_name(v: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(v), "null" if v is None else type(v).__name__
    )


# ---------------------------------------------------------------- stage 3


def pydantic_message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    loc = err.get("loc", ())
    if kind == "extra_forbidden":
        global _FIELD_NAMES
        if _FIELD_NAMES is None:
            _FIELD_NAMES = _all_field_names()
        return f"unknown field{did_you_mean(loc[-1], _FIELD_NAMES)}"
    if kind == "missing":
        return "required field is missing"
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if kind == "union_tag_not_found":
        return f"required field {err.get('ctx', {}).get('discriminator', 'kind')} is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown kind {ctx.get('tag')!r}; expected one of: {ctx.get('expected_tags')}"
    own = _OWN_WORDS.get(kind)
    return str(own(err)) if own else msg


def _pattern_message(err: Mapping[str, Any]) -> str:
    pattern = str(err.get("ctx", {}).get("pattern", ""))
    value = err.get("input")
    if pattern == ID_PATTERN:
        return (
            f"{value!r} is not an id: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    if pattern == STATE_PATTERN:
        return f"{value!r} is not a state code: use two upper-case letters (SU, PL, DD, ...)"
    return f"{value!r} does not have the expected form"


#: Messages in the project's own words for the pydantic error types users meet most.
_OWN_WORDS: dict[str, Any] = {
    "model_type": lambda e: f"expected a mapping of fields (key: value), found {describe_value(e.get('input'))}",
    "dict_type": lambda e: f"expected a mapping (key: value), found {describe_value(e.get('input'))}",
    "string_type": lambda e: f"expected text, found {describe_value(e.get('input'))}",
    "string_pattern_mismatch": _pattern_message,
    "literal_error": lambda e: (
        f"{describe_value(e.get('input'))} is not allowed; expected {e.get('ctx', {}).get('expected', '')}"
    ),
}


def validate_items(key: str, doc: yaml_reader.Document, display: str, problems: list[Problem]) -> list[tuple[int, Any]]:
    """Stage 3: validate the file's items against their model.

    Returns ``(index, item)`` for each valid item; invalid items are reported and dropped.
    """
    value = doc.data[key]
    model, many = FILE_KINDS[key]
    try:
        result = _adapter(key).validate_python(value)
        return list(enumerate(result)) if many else [(0, result)]
    except ValidationError as exc:
        bad: set[int] = set()
        seen: set[tuple[int, str]] = set()
        for err in exc.errors():
            loc = err["loc"]
            path = [key, *data_path(value, loc, err.get("type") == "missing")]
            line = doc.line(tuple(path))
            msg = pydantic_message(err)
            if (line, msg) in seen:
                continue
            seen.add((line, msg))
            problems.append(Problem(display, line, format_path(path), msg))
            if many and loc and isinstance(loc[0], int):
                bad.add(loc[0])
        if not many:
            return []
        return [(i, model.model_validate(item)) for i, item in enumerate(value) if i not in bad]


# ---------------------------------------------------------------- load


def read_files(
    root: Path, files: Iterable[Path], cache: FileCache | None = None
) -> tuple[list[ParsedFile], list[Problem]]:
    """Stages 1-3 over ``files``; with ``cache``, unchanged files are read back from it (see :mod:`.cache`)."""
    problems: list[Problem] = []
    parsed: list[ParsedFile] = []
    for path in files:
        display = display_path(path, root)
        sha = None
        raw = None
        if cache is not None:
            raw = read_bytes(path, display, problems)
            if raw is None:
                continue
            sha = content_hash(raw)
            entry = cache.get(sha)
            if entry is not None:
                hit = _from_entry(entry, path, display)
                if hit is not None:
                    parsed.append(hit)
                    continue
                cache.reject()
        before = len(problems)
        got = parse_file(path, display, problems, raw, fast=True)
        if got is None:
            continue
        doc, key = got
        pairs = validate_items(key, doc, display, problems)
        if doc.fast and len(problems) > before:  # exact lines for the messages: the slow path
            del problems[before:]
            got = parse_file(path, display, problems, raw, fast=False)
            if got is None:  # pragma: no cover - the fast path read it
                continue
            doc, key = got
            pairs = validate_items(key, doc, display, problems)
        many = FILE_KINDS[key][1]
        items = [item for _, item in pairs]
        origins = [
            Origin(display, doc.line((key, i) if many else (key,)), (key, i) if many else (key,)) for i, _ in pairs
        ]
        parsed.append(ParsedFile(display, key, items, origins, path))
        if cache is not None and sha is not None and len(problems) == before:
            value = doc.data[key]
            cache.put(
                sha,
                Entry(
                    key,
                    [value[i] for i, _ in pairs] if many else [value],
                    [o.line for o in origins],
                    [i for i, _ in pairs],
                ),
            )
    return parsed, problems


def _from_entry(entry: Entry, path: Path, display: str) -> ParsedFile | None:
    """A file read back from the cache, validated again by the same models (None: unusable entry)."""
    if entry.key not in FILE_KINDS:
        return None
    many = FILE_KINDS[entry.key][1]
    if not many and len(entry.items) != 1:
        return None
    try:
        result = _adapter(entry.key).validate_python(entry.items if many else entry.items[0])
    except ValidationError:
        return None
    items = list(result) if many else [result]
    origins = [
        Origin(display, line, (entry.key, i) if many else (entry.key,))
        for line, i in zip(entry.lines, entry.indexes, strict=True)
    ]
    return ParsedFile(display, entry.key, items, origins, path)

"""Registering a source without editing YAML: ``source add``.

The same guarantees as adding an observation: every field validated (the :class:`Source`
model), duplicates refused (the same id, or the same title, author and date under another id),
the corpus lock held, the file written atomically, and the whole corpus re-loaded before the
write is kept (a file that would not load is never left behind).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from helsinki_compliance import storage
from helsinki_compliance.errors import DataError, Problem, UsageError
from helsinki_compliance.load import files as loading
from helsinki_compliance.load import pipeline, yaml_reader
from helsinki_compliance.load.config import data_root
from helsinki_compliance.load.semantics import build_corpus
from helsinki_compliance.model.corpus import Corpus, Origin, ParsedFile
from helsinki_compliance.model.records import Source
from helsinki_compliance.observe.writer import append_items, corpus_lock

__all__ = ["SourceAdded", "add_source", "source_yaml", "SOURCE_FIELDS", "REQUIRED"]

#: the fields of a source in the order they are written; the first six are required
SOURCE_FIELDS = (
    "id",
    "title",
    "author",
    "date",
    "kind",
    "reliability",
    "url",
    "publisher",
    "accessed",
    "licence",
    "note",
)
REQUIRED = SOURCE_FIELDS[:6]
HEADER = "# yaml-language-server: $schema=../schemas/sources.schema.json\nsources:\n"


@dataclass(frozen=True)
class SourceAdded:
    id: str
    file: str
    written: bool


def source_yaml(src: Source, indent: int = 2) -> str:
    """One list item of ``sources:`` in the bundled files' style (every string double-quoted)."""
    data = src.model_dump(mode="json", exclude_defaults=True)
    lines: list[str] = []
    pad = " " * indent
    for key in SOURCE_FIELDS:
        if key in data:
            lead = f"{pad}- " if not lines else f"{pad}  "
            value = data[key]
            lines.append(f"{lead}{key}: {value if key == 'id' else json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _check_candidate(
    root: Path,
    target: Path,
    tmp: Path,
    before: Corpus,
    src: Source,
    today: date | None,
    base: Path | None,
    base_dirs: Sequence[str],
) -> None:
    """The corpus with ``tmp`` in the place of ``target`` loads, and ``target``'s old sources and the
    new one read back as they are and were given; else :class:`DataError` naming ``target``."""
    display = loading.display_path(target, root)
    parsed, problems = loading.read_files(root, [tmp])
    problems = [Problem(display, p.line, p.path, p.message, p.level) for p in problems]
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DataError(errors)
    old = [s for s in before.sources.values() if (o := before.origin("sources", s.id)) and o.file == display]
    got = parsed[0].items if parsed and parsed[0].key == "sources" else []
    if [s.model_dump() for s in got] != [s.model_dump() for s in [*old, src]]:
        message = "appending here would not give the sources as they are and the new one; refused (nothing written)"
        raise DataError([Problem(display, 1, "sources", message)])
    files = [p for p in loading.discover(Path(base), dirs=base_dirs)] if base is not None else []
    files += [tmp if p == target else p for p in loading.discover(root)]
    if target not in loading.discover(root):
        files.append(tmp)
    parsed, problems = loading.read_files(root, files)
    parsed = [
        ParsedFile(display, pf.key, pf.items, [Origin(display, og.line, og.path) for og in pf.origins], target)
        if pf.source == tmp
        else pf
        for pf in parsed
    ]
    if not any(p.level == "error" for p in problems):
        _, more = build_corpus(root, parsed, today=today)
        problems.extend(more)
    errors = [
        Problem(display if p.file == loading.display_path(tmp, root) else p.file, p.line, p.path, p.message)
        for p in problems
        if p.level == "error"
    ]
    if errors:
        raise DataError(errors)


def _validate(data: dict[str, Any], display: str) -> Source:
    clean = {k: v for k, v in data.items() if v not in (None, "")}
    unsafe = [
        Problem(display, 0, k, why)
        for k, v in clean.items()
        if isinstance(v, str) and (why := yaml_reader.unsafe_text_message(v))
    ]
    if unsafe:  # named by the field given, not by a line of the file it would have been written to
        raise DataError(unsafe)
    missing = [k for k in REQUIRED if k not in clean]
    if missing:
        raise DataError([Problem(display, 0, k, "required: give it (see `source add --help`)") for k in missing])
    if isinstance(clean.get("reliability"), str):
        clean["reliability"] = clean["reliability"].lower()
    if isinstance(clean.get("kind"), str):
        clean["kind"] = clean["kind"].lower()
    try:
        return Source.model_validate(clean)
    except ValidationError as exc:
        problems = [
            Problem(display, 0, ".".join(str(p) for p in err["loc"]), loading.pydantic_message(err))
            for err in exc.errors()
        ]
        raise DataError(problems) from None


def add_source(
    root: Path,
    data: dict[str, Any],
    *,
    dry_run: bool = False,
    base: Path | None = None,
    base_dirs: Sequence[str] = loading.DATA_DIRS,
    today: date | None = None,
) -> SourceAdded:
    """Validate a new source and append it to ``observations/sources.yaml`` of ``root``; all or nothing."""
    root = data_root(root)
    target = root / "observations" / "sources.yaml"
    display = loading.display_path(target, root)
    src = _validate(data, display)
    with corpus_lock(root):
        storage.recover(root)
        corpus = pipeline.load(root, today=today, base=base, base_dirs=base_dirs)
        if src.id in corpus.sources:
            origin = corpus.origin("sources", src.id)
            where = f" ({origin.file}:{origin.line})" if origin else ""
            raise UsageError(f"source id {src.id!r} is already registered{where}; choose another id")
        for other in corpus.sources.values():
            same = (other.title.casefold(), other.author.casefold(), other.date.text)
            if same == (src.title.casefold(), src.author.casefold(), src.date.text):
                raise UsageError(
                    f"the same source (title, author and date) is already registered as {other.id!r}; cite that id"
                )
        old = target.read_text(encoding="utf-8") if target.exists() else None
        text = append_items(old, "sources", [lambda indent: source_yaml(src, indent)], HEADER, display)
        if dry_run:
            return SourceAdded(src.id, display, False)
        # the new file is checked before it replaces the old one: loaded in its place (never visible broken)
        with storage.WriteSet(root) as ws:
            tmp = ws.write(target, text)
            _check_candidate(root, target, tmp, corpus, src, today, base, base_dirs)
            ws.commit()
    return SourceAdded(src.id, display, True)

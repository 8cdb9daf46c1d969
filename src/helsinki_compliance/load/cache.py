"""A content-hash cache of parsed files, like the caches of linters and type checkers.

Parsing YAML is the slow part of loading (see docs/performance.md). For every data file that
loads without a problem, the cache keeps the file's items as plain JSON data together with the
line of each item, keyed by the sha256 of the file's bytes. A second run re-parses only the files
whose bytes changed; the others are read back with ``json.loads``.

Where and how (``<data dir>/.helsinki-cache/``, ignored by git)::

    .helsinki-cache/<fingerprint>/<sha[:2]>/<sha>.json

``fingerprint`` is the package version plus a hash of the modules that decide what a file
means (models, dates, conditions, the YAML reader): an entry written by another version is never
read. Each entry is one header line (format, fingerprint, the source's sha256, the payload's
length and CRC-32) and one payload line (the items and their lines). Entries are written
atomically (:func:`.storage.atomic_write`, without fsync: a torn or lost entry after a crash is
detected by its length and checksum and rebuilt, and fsync cost 0.45 s per 300 files).

Trust. The entry is data, never code: JSON cannot execute anything (unlike pickle), and the
items read back are **validated again** by the same pydantic models as a fresh parse (in Rust:
a few microseconds per item; see docs/performance.md), so a corrupt, truncated, foreign or
tampered entry cannot produce an object that a fresh parse would not. An entry whose header,
checksum, JSON or validation fails is ignored and rebuilt. Only stage 4 (semantics across files)
is not cached: it runs over the whole corpus every time. Errors are never cached: a file with a
problem is parsed afresh on every run, so its messages carry lines from the real text.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from helsinki_compliance.storage import atomic_write
from helsinki_compliance.version import __version__

CACHE_DIR = ".helsinki-cache"
FORMAT = 1
#: Modules whose code decides what a parsed file means; a change to any of them is a new cache.
_MEANING = (
    "model/records.py",
    "model/dates.py",
    "model/conditions.py",
    "load/yaml_reader.py",
    "load/files.py",
    "load/cache.py",
)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Package version and a hash of the modules that give files their meaning."""
    h = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    here = Path(__file__).parents[1]
    for name in _MEANING:
        h.update(name.encode())
        try:
            h.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - an install without sources: the version alone decides
            h.update(b"?")
    return f"{__version__}-{h.hexdigest()[:16]}"


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Entry:
    """The cached form of one file: its top-level key, the valid items' data and their lines."""

    key: str
    items: list[Any]  # plain data of each item (the mapping of a single-item file)
    lines: list[int]  # the line of each item
    indexes: list[int]  # each item's index in the file's list


class FileCache:
    """Read and write entries under ``root/.helsinki-cache``; every failure is a miss, never an error."""

    def __init__(self, root: Path) -> None:
        self.dir = Path(root) / CACHE_DIR / fingerprint()
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries present but unusable (corrupt, foreign, invalid)
        self.written = 0

    def _path(self, sha: str) -> Path:
        return self.dir / sha[:2] / f"{sha}.json"

    def get(self, sha: str) -> Entry | None:
        """The entry of the file whose bytes hash to ``sha``, or None (missing or unusable)."""
        path = self._path(sha)
        try:
            blob = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        entry = self._decode(blob, sha)
        if entry is None:
            self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def _decode(self, blob: bytes, sha: str) -> Entry | None:
        head, sep, payload = blob.partition(b"\n")
        if not sep:
            return None
        try:
            header = json.loads(head)
            if not isinstance(header, dict):
                return None
            if (
                header.get("format") != FORMAT
                or header.get("fingerprint") != fingerprint()
                or header.get("source") != sha
                or header.get("length") != len(payload)
                or header.get("crc32") != zlib.crc32(payload)
            ):
                return None
            data = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        key, items, lines, indexes = data.get("key"), data.get("items"), data.get("lines"), data.get("indexes")
        if not (
            isinstance(key, str) and isinstance(items, list) and isinstance(lines, list) and isinstance(indexes, list)
        ):
            return None
        if not (len(items) == len(lines) == len(indexes)):
            return None
        if not all(type(x) is int for x in lines) or not all(type(x) is int for x in indexes):
            return None
        return Entry(key, items, lines, indexes)

    def reject(self) -> None:
        """Count a hit whose items failed validation as a rejected miss (the file is parsed afresh)."""
        self.hits -= 1
        self.misses += 1
        self.rejected += 1

    def put(self, sha: str, entry: Entry) -> None:
        """Store ``entry`` for the file whose bytes hash to ``sha`` (silently skipped if unwritable)."""

        payload = json.dumps(
            {"key": entry.key, "items": entry.items, "lines": entry.lines, "indexes": entry.indexes},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        header = json.dumps(
            {
                "format": FORMAT,
                "fingerprint": fingerprint(),
                "source": sha,
                "length": len(payload),
                "crc32": zlib.crc32(payload),
            }
        ).encode("utf-8")
        path = self._path(sha)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, header + b"\n" + payload, durable=False)  # checked on reading; no fsync
            self.written += 1
        except OSError:  # a read-only data dir (the bundled corpus, a mounted share): no cache
            pass

"""The columnar corpus kept between runs: one Arrow IPC file per data directory, memory-mapped and authenticated.

Building the columnar table (:func:`.columnar.observation_table`) walks every observation in
Python: at 100k observations it takes longer than the warm load of the corpus itself. The SQL
engines need it on every run, so a run on an unchanged corpus reads it back instead:
``<cache dir>/columnar/<sha of the root>.arrow``, opened as a memory map, its buffers used in
place (no copy, no parse).

**Its key** is the load's own key (``CorpusIndex.content_key``: the snapshot key of
load/snapshot.py, over the package, the data directory and every file loaded) and the code of
every module of ``engine/`` (which decides the columns). A corpus not loaded through the cache,
or changed since (``reindex``, ``dataclasses.replace``), has no key and gets no cached table.

**Trust** is the snapshot's: a header file beside the table (format, key, length, HMAC-SHA256 of
key and table bytes under the per-user secret of load/cache.py). The whole mapped file is
verified before any of it is used; a table that does not verify (edited, another user's, torn by
a kill between the two writes) is a miss, rebuilt and rewritten. Every failure is a miss.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from helsinki_compliance.engine.columnar import observation_table, require_pyarrow
from helsinki_compliance.load.cache import load_secret, private_dir, user_cache_dir
from helsinki_compliance.load.snapshot import keyed_tag
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.storage import atomic_write, read_bounded

FORMAT = 1
HEADER_BYTES = 4096


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """The code of every module of ``engine/`` (what decides the columns and their meaning)."""
    pkg = Path(__file__).parent
    h = hashlib.sha256(f"columnar:{FORMAT}".encode())
    for path in sorted(pkg.rglob("*.py")):
        h.update(str(path.relative_to(pkg)).encode())
        try:
            h.update(path.read_bytes())
        except OSError:  # pragma: no cover - an install without sources: the load key alone decides
            h.update(b"?")
    return h.hexdigest()


def table_key(corpus: Corpus) -> str | None:
    """The key of ``corpus``'s columnar table, or None when the corpus has no load key."""
    content = corpus.index.content_key
    if not content:
        return None
    return hashlib.sha256(f"{content}\x00{engine_fingerprint()}".encode()).hexdigest()


class ColumnarCache:
    """Read and write authenticated Arrow IPC tables (``directory``: the cache directory)."""

    def __init__(self, directory: Path | None = None) -> None:
        root = Path(directory) if directory is not None else user_cache_dir()
        self.dir = root / "columnar"
        self.secret = load_secret(root)
        if self.secret is not None and not private_dir(self.dir):
            self.secret = None

    def _paths(self, corpus: Corpus) -> tuple[Path, Path]:
        stem = hashlib.sha256(str(corpus.root.resolve()).encode()).hexdigest()[:32]
        return self.dir / f"{stem}.arrow", self.dir / f"{stem}.json"

    def get(self, corpus: Corpus, key: str) -> Any | None:
        """The table stored under ``key`` for ``corpus``'s directory, or None (missing, stale, forged, off)."""
        if self.secret is None:
            return None
        pa = require_pyarrow()
        table_path, header_path = self._paths(corpus)
        try:
            header = json.loads(read_bounded(header_path, HEADER_BYTES, follow_symlinks=False))
            if table_path.is_symlink():
                return None
            mapped = pa.memory_map(str(table_path), "r")
        except (OSError, ValueError):
            return None
        try:
            if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
                return None
            buf = mapped.read_buffer()
            tag = header.get("hmac")
            if header.get("length") != buf.size or not isinstance(tag, str):
                return None
            if not hmac.compare_digest(keyed_tag(self.secret, key, memoryview(buf)), tag):
                return None
            return pa.ipc.open_file(buf).read_all()  # buffers point into the verified map
        except (OSError, ValueError, pa.ArrowException):
            return None

    def put(self, corpus: Corpus, key: str, table: Any) -> None:
        """Store ``table`` under ``key`` (silently skipped when off or unwritable)."""
        if self.secret is None:
            return
        pa = require_pyarrow()
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        data = sink.getvalue()
        header = {
            "format": FORMAT,
            "key": key,
            "length": data.size,
            "hmac": keyed_tag(self.secret, key, memoryview(data)),
        }
        table_path, header_path = self._paths(corpus)
        try:
            for path in (table_path, header_path):
                if path.is_symlink() or (path.exists() and not path.is_file()):
                    path.unlink()
            # the table first, then the header that vouches for it: a kill between them is a miss
            atomic_write(table_path, data.to_pybytes(), durable=False, mode=0o600)
            atomic_write(header_path, json.dumps(header).encode(), durable=False, mode=0o600)
        except OSError:  # an unwritable cache directory: no cached table
            pass


def cached_observation_table(corpus: Corpus, cache: ColumnarCache | None = None) -> Any:
    """The columnar table of ``corpus``: read back when this corpus's table was stored, else built (and stored)."""
    key = table_key(corpus)
    if key is None:
        return observation_table(corpus)
    store = cache if cache is not None else ColumnarCache()
    table = store.get(corpus, key)
    if table is None:
        table = observation_table(corpus)
        store.put(corpus, key, table)
    return table

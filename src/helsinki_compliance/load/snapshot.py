"""A warm load in one read: the validated corpus of a data directory, kept in the per-user cache.

The file cache (:mod:`.cache`) spares the YAML parse, but a warm load still validates every item
and runs every semantic check (on 100k observations about 15 of its 20 seconds). When nothing
that decides the result has changed, the corpus itself is read back: one snapshot per data
directory, ``<cache dir>/snapshots/<sha of the root>.bin``, written after a load without errors.

**Its key** is the sha256 of everything the result depends on: the format, the package version
and the code of every module of ``model/`` and ``load/`` (and ``errors.py``), the data
directory's resolved path, ``today`` (the bound of ``known_by`` checks), and the path and the
sha256 of the bytes of every file loaded, in order. Any change is a miss: the corpus is loaded
as usual and the snapshot replaced.

**Trust** is the file cache's: one header line (format, key, payload length, HMAC-SHA256 of
key and payload under the per-user secret, :func:`.cache.sign`), then the payload. A snapshot
whose tag does not verify (edited, forged, another user's, torn) is never unpickled: only this
user's own tool, which validated that very corpus, can have written one that is read. The
directory must be private to the user (:func:`.cache.load_secret`); every failure is a miss.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from helsinki_compliance.load.cache import load_secret, private_dir, user_cache_dir
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.storage import atomic_write, read_bounded
from helsinki_compliance.version import __version__

FORMAT = 1
#: The largest snapshot read (a 1M-observation corpus pickles to well under this).
MAX_SNAPSHOT_BYTES = 8 * 1024**3


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The package version and the code of every module that decides what a loaded corpus holds."""
    pkg = Path(__file__).parents[1]
    h = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    for path in sorted([*pkg.glob("model/*.py"), *pkg.glob("load/*.py"), pkg / "errors.py"]):
        h.update(path.name.encode())
        try:
            h.update(path.read_bytes())
        except OSError:  # pragma: no cover - an install without sources: the version alone decides
            h.update(b"?")
    return h.hexdigest()


def snapshot_key(root: Path, files: Sequence[tuple[Path, bytes]], today: date | None) -> str:
    """The sha256 of everything a load's result depends on (see the module docstring)."""
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(f"\x00{root.resolve()}\x00{today.isoformat() if today else ''}".encode())
    for path, raw in files:
        h.update(f"\x00{path}\x00{hashlib.sha256(raw).hexdigest()}".encode())
    return h.hexdigest()


def keyed_tag(secret: bytes, key: str, payload: bytes | memoryview) -> str:
    """The HMAC-SHA256 of ``key`` and ``payload`` under the per-user secret (as :func:`.cache.sign`
    of their concatenation, without making it)."""
    mac = hmac.new(secret, key.encode(), hashlib.sha256)
    mac.update(payload)
    return mac.hexdigest()


class Snapshots:
    """Read and write authenticated corpus snapshots (``directory``: the cache directory)."""

    def __init__(self, directory: Path | None = None) -> None:
        root = Path(directory) if directory is not None else user_cache_dir()
        self.dir = root / "snapshots"
        self.key = load_secret(root)
        if self.key is not None and not private_dir(self.dir):
            self.key = None

    def _path(self, root: Path) -> Path:
        return self.dir / f"{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]}.bin"

    def get(self, root: Path, key: str) -> Corpus | None:
        """The corpus stored under ``key`` for ``root``, or None (missing, stale, forged or off)."""
        if self.key is None:
            return None
        try:
            blob = read_bounded(self._path(root), MAX_SNAPSHOT_BYTES, follow_symlinks=False)
        except OSError:
            return None
        end = blob.find(b"\n")
        try:
            header = json.loads(blob[:end]) if end >= 0 else None
        except ValueError:
            return None
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
            return None
        payload = memoryview(blob)[end + 1 :]  # no copy of a payload of tens of megabytes
        tag = header.get("hmac")
        if header.get("length") != len(payload) or not isinstance(tag, str):
            return None
        if not hmac.compare_digest(keyed_tag(self.key, key, payload), tag):
            return None
        corpus = pickle.loads(payload)  # noqa: S301 - authenticated: written by this user's own tool
        return corpus if isinstance(corpus, Corpus) else None

    def put(self, root: Path, key: str, corpus: Corpus) -> None:
        """Store ``corpus`` under ``key`` for ``root`` (silently skipped if off or unwritable)."""
        if self.key is None:
            return
        payload = pickle.dumps(corpus, protocol=pickle.HIGHEST_PROTOCOL)
        header = {"format": FORMAT, "key": key, "length": len(payload), "hmac": keyed_tag(self.key, key, payload)}
        path = self._path(root)
        try:
            if path.is_symlink() or (path.exists() and not path.is_file()):
                path.unlink()
            atomic_write(path, json.dumps(header).encode() + b"\n" + payload, durable=False, mode=0o600)
        except OSError:  # an unwritable cache directory: no snapshot
            pass

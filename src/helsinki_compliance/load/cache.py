"""A content-hash cache of parsed files, like the caches of linters and type checkers.

Parsing YAML is the slow part of loading (see docs/performance.md). For every data file that
loads without a problem, the cache keeps the file's items as plain JSON data together with the
line of each item, keyed by the sha256 of the file's bytes. A second run re-parses only the files
whose bytes changed; the others are read back with ``json.loads``.

Where (:func:`user_cache_dir`): a per-user cache directory **outside every data directory**
(``$HELSINKI_COMPLIANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/helsinki-compliance``, else
``~/.cache/helsinki-compliance``; ``%LOCALAPPDATA%`` on Windows, ``~/Library/Caches`` on macOS)::

    <cache dir>/<fingerprint>/<sha[:2]>/<sha>.json
    <cache dir>/secret          # 32 random bytes, 0600, the key of the entries' HMAC

so ``--data DIR`` is never written to, a corpus copied or shared carries no cache with it, and
entries are shared between data directories (an entry belongs to the bytes of a file, not to
its place). ``fingerprint`` is the package version plus a hash of the modules that decide what a
file means: an entry written by another version is never read.

Trust: **an entry cannot change a result.** Each entry is one header line (format, fingerprint,
the source's sha256, the payload's length and its HMAC-SHA256 under the per-user secret, see
:func:`sign`/:func:`verify`) and one payload line. An entry whose tag does not verify (edited,
forged, copied from another user or machine, torn by a crash) is ignored, the file is parsed
afresh and the entry rewritten; so only this user's own tool, which parsed those very bytes,
can have written an entry that is used. The items read back are also validated again by the same
pydantic models as a fresh parse. The directory and the secret must belong to the user and not be
readable or writable by others; the directory, the secret and the entries must not be symbolic
links; entries are read with :func:`.storage.read_bounded` (regular files only, never past a
limit, non-blocking). When any check fails the cache is off for the run (every file is parsed),
never an error. Entries are written atomically with 0600 permissions and without fsync (a torn
entry fails its tag). Errors are never cached: a file with a problem is parsed afresh on every
run, so its messages carry lines from the real text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from helsinki_compliance.storage import RefusedFile, atomic_write, read_bounded
from helsinki_compliance.version import __version__

#: The environment variable that names the cache directory (tests, CI, a shared machine).
CACHE_ENV = "HELSINKI_COMPLIANCE_CACHE_DIR"
FORMAT = 2
SECRET_NAME = "secret"
SECRET_BYTES = 32
#: The largest entry read (an entry holds one data file's items, and data files are at most 8 MiB).
MAX_ENTRY_BYTES = 64 * 1024 * 1024
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


def user_cache_dir() -> Path:
    """The per-user cache directory of the tool (see the module docstring); never in a data directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    if sys.platform == "win32":  # pragma: no cover - platform
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":  # pragma: no cover - platform
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "helsinki-compliance"


def private_dir(path: Path) -> bool:
    """Create ``path`` (0700) if missing; whether it is a real directory of this user, closed to others."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):  # a symbolic link or a file
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return False
    return True


def load_secret(directory: Path) -> bytes | None:
    """The per-user secret in ``directory`` (created, 0600, when missing), or None when it cannot be
    trusted: a symbolic link, not a regular file, another user's, readable by others, wrong size."""
    if not private_dir(directory):
        return None
    path = directory / SECRET_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        try:
            os.write(fd, secrets.token_bytes(SECRET_BYTES))
        finally:
            os.close(fd)
    try:
        info = os.lstat(path)
        key = read_bounded(path, SECRET_BYTES, follow_symlinks=False)
    except OSError:
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
        return None
    return key if len(key) == SECRET_BYTES else None


def sign(key: bytes, data: bytes) -> str:
    """The HMAC-SHA256 tag of ``data`` under ``key`` (hex): what makes a cache entry this user's own."""
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def verify(key: bytes, data: bytes, tag: object) -> bool:
    """Whether ``tag`` is :func:`sign`'s tag of ``data`` under ``key`` (compared in constant time)."""
    return isinstance(tag, str) and hmac.compare_digest(sign(key, data), tag)


@dataclass(frozen=True)
class Entry:
    """The cached form of one file: its top-level key, the valid items' data and their lines."""

    key: str
    items: list[Any]  # plain data of each item (the mapping of a single-item file)
    lines: list[int]  # the line of each item
    indexes: list[int]  # each item's index in the file's list


class FileCache:
    """Read and write authenticated entries in the per-user cache directory (``directory``, default
    :func:`user_cache_dir`); every failure is a miss, never an error."""

    def __init__(self, directory: Path | None = None) -> None:
        self.root = Path(directory) if directory is not None else user_cache_dir()
        self.dir = self.root / fingerprint()
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries present but unusable (corrupt, forged, foreign, invalid)
        self.written = 0
        self.key = load_secret(self.root)  # None: the cache is off for this run
        if self.key is not None and not private_dir(self.dir):
            self.key = None

    @property
    def enabled(self) -> bool:
        return self.key is not None

    def _path(self, sha: str) -> Path:
        return self.dir / sha[:2] / f"{sha}.json"

    def _signed(self, sha: str, payload: bytes) -> bytes:
        return b"%d\x00%s\x00%s\x00" % (FORMAT, fingerprint().encode(), sha.encode()) + payload

    def get(self, sha: str) -> Entry | None:
        """The entry of the file whose bytes hash to ``sha``, or None (missing, off or unusable)."""
        if self.key is None:
            self.misses += 1
            return None
        path = self._path(sha)
        try:
            if not private_dir(path.parent):
                raise RefusedFile("not a private directory", path.parent)
            blob = read_bounded(path, MAX_ENTRY_BYTES, follow_symlinks=False)
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError:  # a link, FIFO, device or unreadable entry: never trusted, rewritten
            self.rejected += 1
            self.misses += 1
            return None
        entry = self._decode(blob, sha, self.key)
        if entry is None:
            self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def _decode(self, blob: bytes, sha: str, key: bytes) -> Entry | None:
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
                or not verify(key, self._signed(sha, payload), header.get("hmac"))
            ):
                return None
            data = json.loads(payload)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        key_, items, lines, indexes = data.get("key"), data.get("items"), data.get("lines"), data.get("indexes")
        if not (
            isinstance(key_, str) and isinstance(items, list) and isinstance(lines, list) and isinstance(indexes, list)
        ):
            return None
        if not (len(items) == len(lines) == len(indexes)):
            return None
        if not all(type(x) is int for x in lines) or not all(type(x) is int for x in indexes):
            return None
        return Entry(key_, items, lines, indexes)

    def reject(self) -> None:
        """Count a hit whose items failed validation as a rejected miss (the file is parsed afresh)."""
        self.hits -= 1
        self.misses += 1
        self.rejected += 1

    def put(self, sha: str, entry: Entry) -> None:
        """Store ``entry`` for the file whose bytes hash to ``sha`` (silently skipped if off or unwritable)."""
        if self.key is None:
            return
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
                "hmac": sign(self.key, self._signed(sha, payload)),
            }
        ).encode("utf-8")
        path = self._path(sha)
        try:
            if not private_dir(path.parent):
                return
            if path.is_symlink() or (path.exists() and not path.is_file()):
                path.unlink()  # a link or special file where an entry belongs: replaced, never followed
            atomic_write(path, header + b"\n" + payload, durable=False, mode=0o600)  # checked on reading
            self.written += 1
        except OSError:  # an unwritable cache directory: no cache
            pass

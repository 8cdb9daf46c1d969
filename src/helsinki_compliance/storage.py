"""Safe writes: temporary file in the same directory, fsync, atomic rename.

A reader never sees a half-written file, and a process killed mid-write leaves the old file
as it was (at worst a stray ``.tmp`` file, which readers ignore). :func:`atomic_write` does it in
one step; :func:`write_temp` and :func:`replace` split it for writers that must check the new
file before it replaces the old one (``observe``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_temp(path: Path, data: str | bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` and return it.

    The temporary file gets ``path``'s permissions, or 0644 for a new file (not mkstemp's 0600:
    data files and reports are for reading)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    except BaseException:
        discard(Path(tmp))
        raise
    return Path(tmp)


def replace(tmp: Path, path: Path, *, durable: bool = True) -> None:
    """Rename ``tmp`` over ``path`` (atomic), then fsync the directory so the rename survives a crash."""
    os.replace(tmp, path)
    if not durable:
        return
    try:
        dfd = os.open(Path(path).parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - some platforms cannot open directories
        return
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def discard(tmp: Path) -> None:
    """Remove a temporary file that will not be used (already gone is fine)."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def atomic_write(path: Path, text: str | bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` atomically (temp file, fsync, rename, fsync the dir).

    ``durable=False`` skips both fsyncs: still atomic for readers, but a crash may lose the new
    file (for caches, whose entries are checked on reading and cheap to rebuild)."""
    tmp = write_temp(Path(path), text, durable=durable)
    try:
        replace(tmp, Path(path), durable=durable)
    except BaseException:
        discard(tmp)
        raise

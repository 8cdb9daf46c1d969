"""Safe writes: temporary file in the same directory, fsync, atomic rename.

A reader never sees a half-written file, and a process killed mid-write leaves the old file
as it was (at worst a stray ``.tmp`` file, which readers ignore).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, text: str | bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` atomically (temp file, fsync, rename, fsync the dir).

    ``durable=False`` skips both fsyncs: still atomic for readers, but a crash may lose the new
    file (for caches, whose entries are checked on reading and cheap to rebuild)."""
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if not durable:
        return
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - some platforms cannot open directories
        return
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)

"""Safe writes: temporary file in the same directory, fsync, atomic rename.

A reader never sees a half-written file, and a process killed mid-write leaves the old file
as it was (at worst a stray ``.tmp`` file, which readers ignore). :func:`atomic_write` does it in
one step; :func:`write_temp` and :func:`replace` split it for writers that must check the new
file before it replaces the old one (``observe``).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

#: The default limit of :func:`read_bounded` (the YAML reader's own limit is the same).
MAX_READ_BYTES = 8 * 1024 * 1024


class RefusedFile(OSError):
    """A file the tool will not read: not a regular file, a symbolic link where none is allowed,
    or over the size limit. ``str()`` is a sentence without the path (callers add the place)."""

    def __init__(self, message: str, path: Path | str) -> None:
        super().__init__(message)
        self.message = message
        self.filename = str(path)

    def __str__(self) -> str:
        return self.message


def read_bounded(path: Path | str, max_bytes: int = MAX_READ_BYTES, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file at ``path``: the one reader for everything the tool reads.

    Opened non-blocking (a FIFO never hangs the tool), checked on the open descriptor to be a
    regular file (a directory, FIFO, socket or device is refused, also through a symbolic link),
    and never read past ``max_bytes`` (not even a file that grows while it is read). With
    ``follow_symlinks=False`` a symbolic link at ``path`` itself is refused too. Raises
    :class:`RefusedFile` for a refused file and ``OSError`` when it cannot be opened or read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        if os.path.islink(path):
            raise RefusedFile("a symbolic link; refused", path)
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and os.path.islink(path):  # swapped in after the check (ELOOP)
            raise RefusedFile("a symbolic link; refused", path) from None
        raise exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile("not a regular file (a directory, pipe or device); refused", path)
        if info.st_size > max_bytes:
            raise RefusedFile(f"file is {info.st_size:,} bytes; the limit is {max_bytes:,}", path)
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # it grew while we read it
            raise RefusedFile(f"file is larger than the limit of {max_bytes:,} bytes", path)
        return b"".join(chunks)
    finally:
        os.close(fd)


def umask() -> int:
    """The process's umask (read without changing it for longer than a moment)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permissions a new file gets under the user's umask (0644 under the usual 022)."""
    return 0o666 & ~umask()


def new_dir_mode() -> int:
    """The permissions a new directory gets under the user's umask (0755 under the usual 022)."""
    return 0o777 & ~umask()


def write_temp(path: Path, data: str | bytes, *, durable: bool = True, mode: int | None = None) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` and return it.

    The temporary file gets ``mode``, else ``path``'s permissions, else those of a new file under
    the user's umask (not mkstemp's 0600: data files and reports are for reading; 0600 under
    ``umask 077``)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is None:
            mode = path.stat().st_mode & 0o777 if path.exists() else new_file_mode()
        os.chmod(tmp, mode)
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


def atomic_write(path: Path, text: str | bytes, *, durable: bool = True, mode: int | None = None) -> None:
    """Replace ``path`` with ``text`` atomically (temp file, fsync, rename, fsync the dir).

    ``durable=False`` skips both fsyncs: still atomic for readers, but a crash may lose the new
    file (for caches, whose entries are checked on reading and cheap to rebuild)."""
    tmp = write_temp(Path(path), text, durable=durable, mode=mode)
    try:
        replace(tmp, Path(path), durable=durable)
    except BaseException:
        discard(tmp)
        raise
